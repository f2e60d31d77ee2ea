//! `tongban bench events`: durable event appends through group commit, against the bare
//! per-commit rate of the same SQLite set-up.
//!
//! Three phases, each on its own fresh SQLite file in WAL mode with `synchronous = FULL` (every
//! commit waits for the WAL to be synced), each running for the same wall-clock time:
//!
//! * (a) bare: one connection, a loop of `BEGIN; INSERT one row; COMMIT` on a plain table;
//! * (b) one writer: sequential `Store::write` units, each appending one event;
//! * (c) N writers: N tasks each looping `Store::write(append_event)`, awaiting every ack.
//!
//! An append counts only once its `write` has returned, i.e. after the batch holding it has
//! committed; afterwards the chain is re-verified and must hold exactly the counted events.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::json;
use sqlx::{AnyConnection, Connection as _};
use tokio::task::JoinSet;
use tongban_app::{Clock as _, SystemClock};
use tongban_store::{NewEvent, Store, StoreError, StoreOptions, VerifyOutcome};

use crate::bench_report::{BenchReport, Machine, Phase};
use crate::context::now_ms;

/// The PRAGMAs the store sets on every SQLite connection (see `tongban-store/src/pool.rs`).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub writers: usize,
    pub seconds: f64,
    /// Where the run directory is made (default: the system temporary directory).
    pub dir: Option<PathBuf>,
    /// Keep the database files afterwards.
    pub keep: bool,
}

/// Runs the three phases and the verification, printing progress as it goes.
pub async fn run(options: &BenchOptions) -> anyhow::Result<BenchReport> {
    anyhow::ensure!(options.writers >= 1, "--writers must be at least 1");
    anyhow::ensure!(
        options.seconds > 0.0 && options.seconds.is_finite(),
        "--seconds must be positive"
    );
    let base = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!("tongban-bench-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let duration = Duration::from_secs_f64(options.seconds);
    let machine = Machine::detect(&run_dir);
    println!(
        "bench events: {} s per phase, {} concurrent writers, files in {}",
        options.seconds,
        options.writers,
        run_dir.display()
    );

    let result = run_phases(&run_dir, duration, options.writers, machine).await;
    if options.keep {
        println!("database files kept in {}", run_dir.display());
    } else if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    result
}

async fn run_phases(
    dir: &Path,
    duration: Duration,
    writers: usize,
    machine: Machine,
) -> anyhow::Result<BenchReport> {
    println!("(a) bare SQLite durable commits …");
    let bare = bare_commits(&dir.join("bare.db"), duration)
        .await
        .context("phase (a), bare SQLite")?;

    println!("(b) Store::write with one writer …");
    let single_store = open_store(&dir.join("single.db")).await?;
    let single = appends(&single_store, 1, duration)
        .await
        .context("phase (b), one writer")?;
    let single_verified = verify(&single_store, single.ops)
        .await
        .context("verifying phase (b)")?;
    single_store.close().await;
    println!("    chain verified: {single_verified} events intact");

    println!("(c) Store::write with {writers} concurrent writers …");
    let many_store = open_store(&dir.join("concurrent.db")).await?;
    let concurrent = appends(&many_store, writers, duration)
        .await
        .context("phase (c), concurrent writers")?;
    let verified = verify(&many_store, concurrent.ops)
        .await
        .context("verifying phase (c)")?;
    many_store.close().await;
    println!("    chain verified: {verified} events intact, equal to the acknowledged appends");

    Ok(BenchReport {
        writers,
        phases: [bare, single, concurrent],
        verified_events: verified,
        machine,
        date: SystemClock.now().date().to_string(),
    })
}

fn sqlite_url(path: &Path) -> anyhow::Result<String> {
    let text = path
        .to_str()
        .context("the benchmark directory must be a UTF-8 path")?;
    Ok(format!("sqlite://{text}"))
}

async fn open_store(path: &Path) -> anyhow::Result<Store> {
    let url = sqlite_url(path)?;
    Store::open(&StoreOptions::new(url), now_ms())
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// Phase (a): single-row INSERT + COMMIT transactions on one connection, no group commit.
pub(crate) async fn bare_commits(path: &Path, duration: Duration) -> anyhow::Result<Phase> {
    sqlx::any::install_default_drivers();
    let url = format!("{}?mode=rwc", sqlite_url(path)?);
    let mut conn = AnyConnection::connect(&url).await?;
    sqlx::raw_sql(SQLITE_PRAGMAS).execute(&mut conn).await?;
    sqlx::raw_sql(
        "CREATE TABLE bench (id INTEGER PRIMARY KEY, at_ms BIGINT NOT NULL, payload TEXT NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let start = Instant::now();
    let deadline = start + duration;
    let mut ops = 0u64;
    while Instant::now() < deadline {
        let mut tx = conn.begin().await?;
        sqlx::query("INSERT INTO bench (at_ms, payload) VALUES ($1, $2)")
            .bind(now_ms())
            .bind(json!({ "writer": 0, "n": ops }).to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        ops += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bench")
        .fetch_one(&mut conn)
        .await?;
    anyhow::ensure!(
        u64::try_from(rows).ok() == Some(ops),
        "bare table holds {rows} rows, {ops} were committed"
    );
    conn.close().await?;
    Ok(Phase {
        name: "(a) bare SQLite INSERT+COMMIT".into(),
        ops,
        seconds,
        avg_batch: None,
    })
}

/// Phases (b) and (c): `writers` tasks, each appending one event per `Store::write` and
/// awaiting its acknowledgement before the next.
async fn appends(store: &Store, writers: usize, duration: Duration) -> anyhow::Result<Phase> {
    let before = store.write_stats();
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = JoinSet::new();
    for writer in 0..writers {
        let store = store.clone();
        tasks.spawn(async move {
            let mut acked = 0u64;
            while Instant::now() < deadline {
                append(&store, writer, acked).await?;
                acked += 1;
            }
            Ok::<u64, StoreError>(acked)
        });
    }
    let mut ops = 0u64;
    while let Some(joined) = tasks.join_next().await {
        ops += joined.context("a writer task failed")??;
    }
    let seconds = start.elapsed().as_secs_f64();
    let after = store.write_stats();
    let batches = after.batches.saturating_sub(before.batches);
    let units = after.units.saturating_sub(before.units);
    let avg_batch = (batches > 0).then(|| units as f64 / batches as f64);
    let name = if writers == 1 {
        "(b) Store::write, 1 writer".to_string()
    } else {
        format!("(c) Store::write, {writers} writers")
    };
    Ok(Phase {
        name,
        ops,
        seconds,
        avg_batch,
    })
}

async fn append(store: &Store, writer: usize, n: u64) -> Result<i64, StoreError> {
    let event = NewEvent {
        at_ms: now_ms(),
        actor: format!("bench-{writer}"),
        action: "bench.appended".into(),
        entity_type: "bench".into(),
        entity_id: format!("{writer}-{n}"),
        payload: json!({ "writer": writer, "n": n }),
    };
    store
        .write(move |ctx| Box::pin(async move { ctx.append_event(event).await }))
        .await
}

/// Re-verifies the whole chain and checks it holds exactly the acknowledged appends.
async fn verify(store: &Store, acked: u64) -> anyhow::Result<i64> {
    match store.verify_events().await? {
        VerifyOutcome::Intact { count, .. } => {
            anyhow::ensure!(
                u64::try_from(count).ok() == Some(acked),
                "the chain holds {count} events but {acked} appends were acknowledged"
            );
            Ok(count)
        }
        VerifyOutcome::Broken(broken) => anyhow::bail!("the event chain is broken: {broken}"),
        VerifyOutcome::HeadMismatch { head_seq, last_seq } => {
            anyhow::bail!("the chain head says seq {head_seq} but the last event is seq {last_seq}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_run_counts_only_acknowledged_appends_and_verifies_them() {
        let dir = std::env::temp_dir().join(format!("tongban-bench-test-{}", std::process::id()));
        let options = BenchOptions {
            writers: 4,
            seconds: 0.2,
            dir: Some(dir.clone()),
            keep: false,
        };
        let report = run(&options).await.unwrap();
        let [bare, single, concurrent] = &report.phases;
        assert!(bare.ops > 0 && single.ops > 0 && concurrent.ops > 0);
        assert_eq!(
            report.verified_events,
            i64::try_from(concurrent.ops).unwrap()
        );
        assert!(concurrent.avg_batch.unwrap() >= 1.0);
        // The run directory is removed afterwards.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
