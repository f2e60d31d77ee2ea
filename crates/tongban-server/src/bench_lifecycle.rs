//! `tongban bench lifecycle`: complete three-step life cycles per second (受理 → 审查 → 决定,
//! every transition through `App::act_on_application`, durable with its event) on SQLite and
//! on PostgreSQL, next to the bare durable commit rate of each engine and SpiffWorkflow running
//! the same process with its state saved to SQLite (synchronous=FULL) at every step, all in the
//! same run; then HTTP latency of submit and approve (see `bench_http`).
//!
//! Per engine: a fresh database seeded with a small demo city; a warm-up of whole life cycles;
//! (1) whole life cycles timed (start → attach → submit → accept → review → decide); (2) cases
//! brought to `submitted` untimed, then only accept → review → decide timed. Every timed case
//! must end `decided`, the event chain must verify and every case must rebuild from its events.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sqlx::{AnyConnection, Connection as _};
use tokio::task::JoinSet;
use tongban_app::applications::StartRequest;
use tongban_app::{App, AppConfig, Clock as _, LoginRequest, Principal, SystemClock};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::{AcceptanceMode, AttachedMaterial, Command};
use tongban_store::{Store, StoreOptions, VerifyOutcome};

use crate::bench_lifecycle_report::{
    EngineFigures, LifecycleReport, Timed, write_markdown as write_report,
};
use crate::bench_report::Machine;
use crate::context::now_ms;

/// The set-up of a run.
#[derive(Debug, Clone)]
pub struct LifecycleOptions {
    /// Concurrent tasks (and HTTP clients).
    pub tasks: usize,
    /// Length of each timed phase.
    pub seconds: f64,
    /// Length of the untimed warm-up on each engine.
    pub warmup: f64,
    /// Where the SQLite files are made (default: the system temporary directory).
    pub dir: Option<PathBuf>,
    /// PostgreSQL database to make a throw-away schema in.
    pub pg_url: Option<String>,
    /// Cases per HTTP client (0: no HTTP measurement).
    pub http_cases: usize,
    /// Write the results as this benchmark's section of the markdown file.
    pub write_md: Option<PathBuf>,
}

/// The people and the item of every life cycle.
pub struct Cast {
    pub citizen: Principal,
    pub clerk: Principal,
    pub reviewer: Principal,
    pub approver: Principal,
    pub item_id: String,
    pub materials: Vec<String>,
    /// Logins, for the HTTP clients.
    pub logins: [String; 4],
    next: AtomicU64,
}

async fn login(app: &App, login: &str, password: &str) -> anyhow::Result<Principal> {
    Ok(app
        .login(LoginRequest {
            login: login.into(),
            password: password.into(),
            client: "bench".into(),
        })
        .await
        .with_context(|| format!("logging in as {login}"))?
        .principal)
}

/// Opens the store at `url`, seeds a small demo city and its catalogue, and finds a county
/// 市场监管 item with a 受理 → 审查 → 决定 route.
pub async fn prepare(url: &str) -> anyhow::Result<(App, Store, Cast)> {
    let store = Store::open(&StoreOptions::new(url.to_string()), now_ms())
        .await
        .with_context(|| format!("opening {url}"))?;
    let key: [u8; 32] = rand::random();
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        AppConfig::new(key.to_vec()),
    )
    .await
    .context("starting the application")?;
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens: 20,
        enterprises: 5,
    });
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city).await.context("seeding the demo city")?;
    let item = items
        .iter()
        .find(|i| {
            ["511902-scjgj", "511902-zwfwj"].contains(&i.department_id.as_str())
                && i.promised_limit_days >= 5
                && i.service_objects
                    .contains(&tongban_domain::catalog::ServiceObject::Person)
        })
        .cloned()
        .context("no county 市场监管 item with a three-step route")?;
    app.seed_catalog(items)
        .await
        .context("seeding the catalogue")?;
    let found = app
        .store()
        .published_versions()
        .await?
        .into_iter()
        .find(|v| v.implementation_code == item.implementation_code)
        .context("the chosen item is not published")?;
    let logins = [
        "citizen".to_string(),
        "clerk-511902-1".to_string(),
        format!("reviewer-{}", item.department_id),
        format!("approver-{}", item.department_id),
    ];
    let cast = Cast {
        citizen: login(&app, &logins[0], CITIZEN_PASSWORD).await?,
        clerk: login(&app, &logins[1], STAFF_PASSWORD).await?,
        reviewer: login(&app, &logins[2], STAFF_PASSWORD).await?,
        approver: login(&app, &logins[3], STAFF_PASSWORD).await?,
        item_id: found.item_id,
        materials: item
            .materials
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.clone())
            .collect(),
        logins,
        next: AtomicU64::new(0),
    };
    Ok((app, store, cast))
}

/// Start, attach every required material, submit: the case id and the transitions made.
async fn submitted_case(app: &App, cast: &Cast) -> anyhow::Result<(String, u64)> {
    let n = cast.next.fetch_add(1, Ordering::Relaxed);
    let case = app
        .start_application(
            &cast.citizen,
            StartRequest {
                item_id: cast.item_id.clone(),
                channel: "pc".into(),
                ..StartRequest::default()
            },
        )
        .await?;
    let mut transitions = 1;
    for (k, material) in cast.materials.iter().enumerate() {
        let cmd = Command::AttachMaterial(AttachedMaterial {
            material: material.clone(),
            blob_id: format!("{:064x}", n * 64 + k as u64),
            file_name: format!("{material}.pdf"),
            size: 1000,
            media_type: "application/pdf".into(),
            licence_id: None,
        });
        app.act_on_application(&cast.citizen, &case.id, None, cmd)
            .await?;
        transitions += 1;
    }
    app.act_on_application(&cast.citizen, &case.id, None, Command::Submit)
        .await?;
    Ok((case.id, transitions + 1))
}

/// 受理 → 审查 → 决定 on a submitted case, each its own durable unit of work with its events.
async fn three_steps(app: &App, cast: &Cast, id: &str) -> anyhow::Result<u64> {
    let steps = [
        (
            &cast.clerk,
            Command::Accept {
                mode: AcceptanceMode::Normal,
                missing: Vec::new(),
                deadline: None,
            },
        ),
        (
            &cast.reviewer,
            Command::Approve {
                opinion: "同意".into(),
            },
        ),
        (
            &cast.approver,
            Command::Approve {
                opinion: "准予许可".into(),
            },
        ),
    ];
    for (who, cmd) in steps {
        app.act_on_application(who, id, None, cmd).await?;
    }
    Ok(3)
}

/// What one task of a phase did.
#[derive(Default)]
struct TaskTally {
    ids: Vec<String>,
    transitions: u64,
    ran_out: bool,
}

/// `tasks` loops of whole life cycles until `duration` has passed.
async fn whole_cycles(
    app: &Arc<App>,
    cast: &Arc<Cast>,
    tasks: usize,
    duration: Duration,
) -> anyhow::Result<(Timed, Vec<String>)> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let (app, cast) = (app.clone(), cast.clone());
        set.spawn(async move {
            let mut tally = TaskTally::default();
            while Instant::now() < deadline {
                let (id, made) = submitted_case(&app, &cast).await?;
                tally.transitions += made + three_steps(&app, &cast, &id).await?;
                tally.ids.push(id);
            }
            Ok::<_, anyhow::Error>(tally)
        });
    }
    collect(set, start).await
}

/// `tasks` loops of 受理 → 审查 → 决定 over their own queue of submitted cases, until
/// `duration` has passed or the queue is empty.
async fn three_step_cycles(
    app: &Arc<App>,
    cast: &Arc<Cast>,
    queues: Vec<Vec<String>>,
    duration: Duration,
) -> anyhow::Result<(Timed, Vec<String>)> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = JoinSet::new();
    for queue in queues {
        let (app, cast) = (app.clone(), cast.clone());
        set.spawn(async move {
            let mut tally = TaskTally::default();
            let mut queue = queue.into_iter();
            while Instant::now() < deadline {
                let Some(id) = queue.next() else {
                    tally.ran_out = true;
                    break;
                };
                tally.transitions += three_steps(&app, &cast, &id).await?;
                tally.ids.push(id);
            }
            Ok::<_, anyhow::Error>(tally)
        });
    }
    collect(set, start).await
}

async fn collect(
    mut set: JoinSet<anyhow::Result<TaskTally>>,
    start: Instant,
) -> anyhow::Result<(Timed, Vec<String>)> {
    let mut ids = Vec::new();
    let (mut transitions, mut ran_out) = (0, false);
    while let Some(joined) = set.join_next().await {
        let tally = joined.context("a benchmark task panicked")??;
        transitions += tally.transitions;
        ran_out |= tally.ran_out;
        ids.extend(tally.ids);
    }
    let timed = Timed {
        cycles: ids.len() as u64,
        transitions,
        seconds: start.elapsed().as_secs_f64(),
        ran_out,
    };
    Ok((timed, ids))
}

/// Brings `per_task` cases per task to `submitted`, untimed; the queues and the seconds taken.
async fn submitted_queues(
    app: &Arc<App>,
    cast: &Arc<Cast>,
    tasks: usize,
    per_task: usize,
) -> anyhow::Result<(Vec<Vec<String>>, f64)> {
    let start = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let (app, cast) = (app.clone(), cast.clone());
        set.spawn(async move {
            let mut queue = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                queue.push(submitted_case(&app, &cast).await?.0);
            }
            Ok::<_, anyhow::Error>(queue)
        });
    }
    let mut queues = Vec::new();
    while let Some(joined) = set.join_next().await {
        queues.push(joined.context("a preparing task panicked")??);
    }
    Ok((queues, start.elapsed().as_secs_f64()))
}

/// Runs both timed phases on the store at `url` and verifies the outcome.
async fn engine(
    name: &str,
    url: &str,
    bare_commits_per_s: f64,
    durability: String,
    options: &LifecycleOptions,
) -> anyhow::Result<EngineFigures> {
    println!("{name}: seeding a small demo city and its catalogue …");
    let (app, store, cast) = prepare(url).await?;
    let (app, cast) = (Arc::new(app), Arc::new(cast));
    let result = phases(
        name,
        &app,
        &store,
        &cast,
        bare_commits_per_s,
        durability,
        options,
    )
    .await;
    store.close().await;
    result
}

async fn phases(
    name: &str,
    app: &Arc<App>,
    store: &Store,
    cast: &Arc<Cast>,
    bare_commits_per_s: f64,
    durability: String,
    options: &LifecycleOptions,
) -> anyhow::Result<EngineFigures> {
    let tasks = options.tasks;
    let duration = Duration::from_secs_f64(options.seconds);
    println!(
        "{name}: warm-up, {} s of whole life cycles with {tasks} tasks …",
        options.warmup
    );
    whole_cycles(app, cast, tasks, Duration::from_secs_f64(options.warmup)).await?;

    println!("{name}: (1) whole life cycles, start → decide, {tasks} tasks …");
    let (whole, mut timed_ids) = whole_cycles(app, cast, tasks, duration).await?;
    println!(
        "    {} cycles in {:.2} s = {:.1}/s ({:.0} transitions/s)",
        whole.cycles,
        whole.seconds,
        whole.per_second(),
        whole.transitions_per_second()
    );

    // Enough submitted cases for the three steps alone at a generous estimate of their rate.
    let per_cycle = whole.transitions as f64 / whole.cycles.max(1) as f64;
    let estimate = whole.per_second() * per_cycle / 3.0 * options.seconds * 1.5;
    let per_task = ((estimate / tasks as f64).ceil() as usize).clamp(4, 50_000);
    println!(
        "{name}: bringing {} cases to submitted (untimed) …",
        per_task * tasks
    );
    let (queues, prep_seconds) = submitted_queues(app, cast, tasks, per_task).await?;
    println!("    {prep_seconds:.2} s");

    println!("{name}: (2) three steps alone, accept → review → decide, {tasks} tasks …");
    let stats_before = store.write_stats();
    let (three, ids) = three_step_cycles(app, cast, queues, duration).await?;
    let stats_after = store.write_stats();
    let batches = stats_after.batches - stats_before.batches;
    let units = stats_after.units - stats_before.units;
    println!(
        "    {batches} commits, {:.1} units per commit",
        units as f64 / batches.max(1) as f64
    );
    timed_ids.extend(ids);
    println!(
        "    {} cycles in {:.2} s = {:.1}/s ({:.0} transitions/s){}",
        three.cycles,
        three.seconds,
        three.per_second(),
        three.transitions_per_second(),
        if three.ran_out {
            "; a task ran out of submitted cases before the end"
        } else {
            ""
        }
    );

    println!(
        "{name}: verifying {} timed cases, the event chain and the rebuild from events …",
        timed_ids.len()
    );
    for id in &timed_ids {
        let row = store
            .application(id)
            .await?
            .with_context(|| format!("timed case {id} is missing"))?;
        anyhow::ensure!(
            row.status == "decided",
            "timed case {} is {}, not decided",
            row.number,
            row.status
        );
    }
    let events = match store.verify_events().await? {
        VerifyOutcome::Intact { count, .. } => count,
        VerifyOutcome::Broken(broken) => anyhow::bail!("the event chain is broken: {broken}"),
        VerifyOutcome::HeadMismatch { head_seq, last_seq } => {
            anyhow::bail!("the chain head says seq {head_seq} but the last event is seq {last_seq}")
        }
    };
    let rebuilt = app.rebuild_applications().await?;
    anyhow::ensure!(
        rebuilt.mismatches.is_empty(),
        "{} cases differ from their rebuild from events, e.g. {:?}",
        rebuilt.mismatches.len(),
        rebuilt.mismatches.first()
    );
    println!(
        "    all decided; chain intact ({events} events); {} cases rebuilt from {} events, no mismatch",
        rebuilt.cases, rebuilt.events
    );
    Ok(EngineFigures {
        engine: name.to_string(),
        durability,
        bare_commits_per_s,
        whole,
        three_step: three,
        prep_cases: per_task * tasks,
        prep_seconds,
        decided_verified: timed_ids.len(),
        chain_events: events,
        rebuilt_cases: rebuilt.cases,
    })
}

/// A fresh SQLite file for `name` in `dir`.
pub fn sqlite_url(dir: &Path, name: &str) -> anyhow::Result<String> {
    let path = dir.join(format!("{name}.db"));
    let text = path
        .to_str()
        .context("the benchmark directory must be UTF-8")?;
    Ok(format!("sqlite://{text}"))
}

/// A throw-away schema in the PostgreSQL database at `admin_url`, dropped by [`PgSchema::drop`].
pub struct PgSchema {
    admin: sqlx::AnyPool,
    name: String,
    /// The URL with the schema as its search path.
    pub url: String,
}

impl PgSchema {
    pub async fn create(admin_url: &str, purpose: &str) -> anyhow::Result<PgSchema> {
        sqlx::any::install_default_drivers();
        let name = format!("bench_{purpose}_{}_{}", std::process::id(), now_ms());
        let admin = sqlx::AnyPool::connect(admin_url)
            .await
            .context("connecting to --pg-url")?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .context("creating the benchmark schema")?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options[search_path]={name}");
        Ok(PgSchema { admin, name, url })
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA {} CASCADE",
            self.name
        )))
        .execute(&self.admin)
        .await;
        self.admin.close().await;
        dropped.context("dropping the benchmark schema")?;
        Ok(())
    }
}

/// The bare durable commit rate of PostgreSQL: one connection, `BEGIN; INSERT; COMMIT`.
/// Also the server's durability settings.
async fn pg_bare(url: &str, duration: Duration) -> anyhow::Result<(f64, String)> {
    let mut conn = AnyConnection::connect(url).await?;
    let mut settings = Vec::new();
    for name in ["fsync", "synchronous_commit", "wal_sync_method"] {
        let (value,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SHOW {name}")))
            .fetch_one(&mut conn)
            .await?;
        settings.push(format!("{name}={value}"));
    }
    sqlx::raw_sql(
        "CREATE TABLE bare_bench (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, payload TEXT NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let start = Instant::now();
    let deadline = start + duration;
    let mut ops = 0u64;
    while Instant::now() < deadline {
        let mut tx = conn.begin().await?;
        sqlx::query("INSERT INTO bare_bench (at_ms, payload) VALUES ($1, $2)")
            .bind(now_ms())
            .bind(format!("{{\"n\":{ops}}}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        ops += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    conn.close().await?;
    Ok((ops as f64 / seconds.max(1e-9), settings.join(", ")))
}

/// SpiffWorkflow's figure from `bench/spiff/spiff_bench.py`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpiffFigure {
    pub version: String,
    pub lifecycles: u64,
    pub seconds: f64,
    pub per_second: f64,
}

/// Runs `bench/spiff/spiff_bench.py` (from the working directory or the source tree), or says
/// why there is no figure.
pub fn spiff(seconds: f64) -> Result<SpiffFigure, String> {
    let relative = Path::new("bench/spiff/spiff_bench.py");
    let script = if relative.exists() {
        relative.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/spiff/spiff_bench.py")
    };
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(["--seconds", &format!("{seconds}")])
        .output()
        .map_err(|e| format!("python3 not available: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "spiff_bench.py failed (SpiffWorkflow missing?): {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or("");
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("unreadable output {line:?}: {e}"))?;
    Ok(SpiffFigure {
        version: value["version"].as_str().unwrap_or("?").to_string(),
        lifecycles: value["lifecycles"].as_u64().unwrap_or(0),
        seconds: value["seconds"].as_f64().unwrap_or(0.0),
        per_second: value["lifecycles_per_s"]
            .as_f64()
            .ok_or_else(|| format!("no lifecycles_per_s in {line}"))?,
    })
}

/// Runs everything, prints it, and writes the markdown section when asked.
pub async fn run(options: &LifecycleOptions) -> anyhow::Result<std::process::ExitCode> {
    anyhow::ensure!(options.tasks >= 1, "--tasks must be at least 1");
    anyhow::ensure!(
        options.seconds > 0.0 && options.seconds.is_finite(),
        "--seconds must be positive"
    );
    let base = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!(
        "tongban-bench-lifecycle-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let machine = Machine::detect(&run_dir);
    let result = measure(&run_dir, options).await;
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    let (engines, spiff, http) = result?;
    let report = LifecycleReport {
        tasks: options.tasks,
        seconds: options.seconds,
        warmup: options.warmup,
        spiff,
        engines,
        http,
        machine,
        date: SystemClock.now().date().to_string(),
    };
    println!("{}", report.terminal());
    if let Some(path) = &options.write_md {
        write_report(&report, path)?;
        println!("wrote the life-cycle section of {}", path.display());
    }
    Ok(std::process::ExitCode::SUCCESS)
}

type Measured = (
    Vec<EngineFigures>,
    Result<SpiffFigure, String>,
    Vec<crate::bench_http::HttpFigures>,
);

async fn measure(dir: &Path, options: &LifecycleOptions) -> anyhow::Result<Measured> {
    let duration = Duration::from_secs_f64(options.seconds);
    println!("SpiffWorkflow: {} s of life cycles …", options.seconds);
    let spiff = spiff(options.seconds);
    match &spiff {
        Ok(s) => println!("    {:.1} cycles/s", s.per_second),
        Err(why) => println!("    not measured: {why}"),
    }

    println!("SQLite: bare durable commits …");
    let bare = crate::bench::bare_commits(&dir.join("bare.db"), duration).await?;
    let bare_rate = bare.ops as f64 / bare.seconds.max(1e-9);
    println!("    {bare_rate:.0} commits/s");
    let mut engines = vec![
        engine(
            "SQLite",
            &sqlite_url(dir, "lifecycle")?,
            bare_rate,
            "WAL, synchronous=FULL".into(),
            options,
        )
        .await?,
    ];
    if let Some(admin_url) = &options.pg_url {
        let schema = PgSchema::create(admin_url, "lifecycle").await?;
        let result = async {
            println!("PostgreSQL: bare durable commits …");
            let (rate, settings) = pg_bare(&schema.url, duration).await?;
            println!("    {rate:.0} commits/s ({settings})");
            engine("PostgreSQL", &schema.url, rate, settings, options).await
        }
        .await;
        schema.drop().await?;
        engines.push(result?);
    }
    let mut http = Vec::new();
    if options.http_cases > 0 {
        http.push(
            crate::bench_http::run("SQLite", &sqlite_url(dir, "http")?, options)
                .await
                .context("HTTP on SQLite")?,
        );
        if let Some(admin_url) = &options.pg_url {
            let schema = PgSchema::create(admin_url, "http").await?;
            let result = crate::bench_http::run("PostgreSQL", &schema.url, options).await;
            schema.drop().await?;
            http.push(result.context("HTTP on PostgreSQL")?);
        }
    }
    Ok((engines, spiff, http))
}
