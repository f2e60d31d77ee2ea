//! `tongban bench load`: in one run, on one machine, every province-scale figure next to its
//! limit — group commit against bare commits, the 办事指南 page against a bare axum
//! hello-world, the main journeys, and the serve process's memory on the measured database.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use hyper::Method;
use tongban_app::{Clock as _, SystemClock};
use tongban_store::{Store, StoreOptions};

use crate::bench_load_children::{Database, RssSampler, Server, rss_kib, start_hello, start_serve};
use crate::bench_load_client::{Conn, Drive, Figures, Samples, drive};
use crate::bench_load_journeys::{Journey, Setting, discover, round, worker};
use crate::bench_load_report::{DriveFigures, GroupCommit, LoadReport, MachineFacts};
use crate::bench_report::Machine;
use crate::context::now_ms;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub database: Database,
    /// Duration of each HTTP drive, in seconds.
    pub seconds: f64,
    /// Keep-alive connections of the hello-world and 办事指南 drives.
    pub connections: usize,
    /// Workers per journey.
    pub journey_clients: usize,
    /// Concurrent writers of the group-commit phase.
    pub writers: usize,
    /// Duration of each group-commit phase, in seconds.
    pub events_seconds: f64,
    /// Where the run directory (logs, the group-commit files) is made.
    pub dir: Option<PathBuf>,
}

/// Runs everything and returns the report; the run directory is removed afterwards.
pub async fn run(o: &LoadOptions) -> anyhow::Result<LoadReport> {
    anyhow::ensure!(
        o.seconds > 0.0 && o.seconds.is_finite() && o.events_seconds > 0.0,
        "--seconds and --events-seconds must be positive"
    );
    anyhow::ensure!(
        o.connections >= 1 && o.journey_clients >= 1,
        "--connections and --journey-clients must be at least 1"
    );
    let base = o.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!("tongban-load-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let result = measure(o, &run_dir).await;
    match &result {
        Ok(_) => {
            if let Err(err) = std::fs::remove_dir_all(&run_dir) {
                eprintln!("warning: could not remove {}: {err}", run_dir.display());
            }
        }
        Err(_) => eprintln!("the servers' logs are kept in {}", run_dir.display()),
    }
    result
}

async fn measure(o: &LoadOptions, run_dir: &std::path::Path) -> anyhow::Result<LoadReport> {
    let machine = Machine::detect(run_dir);
    let (engine, applications) = count_applications(&o.database).await?;
    println!("bench load: {applications} applications on {engine}");

    println!(
        "(1) group commit against bare commits ({} s per phase) …",
        o.events_seconds
    );
    let events = crate::bench::run(&crate::bench::BenchOptions {
        writers: o.writers,
        seconds: o.events_seconds,
        dir: Some(run_dir.to_path_buf()),
        keep: false,
    })
    .await
    .context("the group-commit phase")?;
    let [bare, _, group] = &events.phases;
    let group = GroupCommit {
        writers: o.writers,
        bare_per_second: bare.ops_per_sec(),
        group_per_second: group.ops_per_sec(),
        avg_batch: group.avg_batch.unwrap_or(0.0),
    };

    println!("(2) starting tongban serve on the database …");
    let serve = start_serve(&o.database, &run_dir.join("serve.log")).await?;
    let sampler = RssSampler::start(serve.pid);
    let rss_idle_kib = rss_kib(serve.pid).map_or(0, |(rss, _)| rss);
    let outcome = drives(o, &serve, run_dir).await;
    let sampled = sampler.stop();
    let rss_peak_kib = rss_kib(serve.pid).map_or(sampled, |(_, hwm)| hwm.max(sampled));
    serve.stop().await?;
    let (hello, guide, journeys, journey_figures, setting, first_error) = outcome?;

    Ok(LoadReport {
        date: SystemClock.now().date().to_string(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .into(),
        engine,
        applications,
        machine: MachineFacts {
            cpus: machine.cpus,
            cpu_model: machine.cpu_model,
            kernel: machine.kernel,
            filesystem: machine.filesystem,
            load_before: machine.load_before,
        },
        group,
        connections: o.connections,
        hello,
        guide,
        journey_clients: o.journey_clients,
        journeys,
        journey_figures,
        licence_found: setting.licence_id.is_some(),
        rss_idle_kib,
        rss_peak_kib,
        first_error,
    })
}

type Drives = (
    DriveFigures,
    DriveFigures,
    DriveFigures,
    Vec<Figures>,
    Setting,
    Option<String>,
);

/// The hello-world, 办事指南 and journey drives against the running `serve`.
async fn drives(
    o: &LoadOptions,
    serve: &Server,
    run_dir: &std::path::Path,
) -> anyhow::Result<Drives> {
    let duration = Duration::from_secs_f64(o.seconds);
    let warmup = Duration::from_secs_f64(o.seconds.min(2.0) / 2.0);
    let setting = Arc::new(
        discover(serve.addr)
            .await
            .context("finding the item and a licence")?,
    );
    let guide_path: Arc<str> = format!("/items/{}", setting.item_id).into();

    println!(
        "    bare axum hello-world, {} connections, {} s …",
        o.connections, o.seconds
    );
    let hello_server = start_hello(&run_dir.join("hello.log")).await?;
    let hello_path: Arc<str> = "/".into();
    get_drive(&hello_server, &hello_path, o.connections, warmup).await?;
    let hello = get_drive(&hello_server, &hello_path, o.connections, duration).await;
    let hello_peak = peak_kib(hello_server.pid);
    hello_server.stop().await?;
    let mut first_error = None;
    let hello = summarize(hello?, "hello-world", hello_peak, &mut first_error);

    println!(
        "    办事指南 {guide_path}, {} connections, {} s …",
        o.connections, o.seconds
    );
    get_drive(serve, &guide_path, o.connections, warmup).await?;
    let guide = get_drive(serve, &guide_path, o.connections, duration).await?;
    let guide = summarize(guide, "办事指南", peak_kib(serve.pid), &mut first_error);

    println!(
        "(3) the journeys, {} clients each, {} s …",
        o.journey_clients, o.seconds
    );
    let mut workers = Vec::new();
    for journey in Journey::ALL {
        if journey == Journey::LicenceVerify && setting.licence_id.is_none() {
            println!("    no held licence found: licence verification is skipped");
            continue;
        }
        for k in 0..o.journey_clients {
            workers.push(worker(serve.addr, journey, k, setting.clone()).await?);
        }
    }
    let journeys = drive(serve.addr, workers, duration, Some(serve.pid), round).await?;
    let journey_figures = journeys.samples.figures(journeys.seconds);
    let journeys = summarize(
        journeys,
        "all journeys",
        peak_kib(serve.pid),
        &mut first_error,
    );
    let setting = Arc::unwrap_or_clone(setting);
    Ok((
        hello,
        guide,
        journeys,
        journey_figures,
        setting,
        first_error,
    ))
}

/// `connections` workers sending `GET path` back to back for `duration`.
async fn get_drive(
    server: &Server,
    path: &Arc<str>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Drive> {
    let workers = vec![path.clone(); connections];
    drive(
        server.addr,
        workers,
        duration,
        Some(server.pid),
        |mut conn: Conn, path: Arc<str>, mut samples: Samples| async move {
            conn.timed(&mut samples, "GET", Method::GET, &path, None, None)
                .await?;
            Ok((conn, path, samples))
        },
    )
    .await
}

/// VmHWM (peak resident memory so far) of a process, in KiB; 0 when it cannot be read.
fn peak_kib(pid: u32) -> u64 {
    rss_kib(pid).map_or(0, |(_, hwm)| hwm)
}

/// The drive's figures, with the server's peak memory; its first error answer goes to
/// `first_error` unless one is there.
fn summarize(
    d: Drive,
    label: &str,
    server_peak_kib: u64,
    first_error: &mut Option<String>,
) -> DriveFigures {
    if first_error.is_none() {
        first_error.clone_from(&d.samples.first_error);
    }
    DriveFigures {
        server_peak_kib,
        figures: d.samples.overall(label, d.seconds),
        seconds: d.seconds,
        client_cpu_s: d.client_cpu_s,
        server_cpu_s: d.server_cpu_s.unwrap_or(0.0),
    }
}

/// The engine and the number of applications of the database to be served.
async fn count_applications(database: &Database) -> anyhow::Result<(String, i64)> {
    let url = match database {
        Database::Config(file) => crate::settings::Settings::load(Some(file))?.database_url,
        Database::DemoDir(dir) => {
            let db = dir.join("tongban.db");
            anyhow::ensure!(db.is_file(), "no database at {}", db.display());
            format!("sqlite://{}", db.to_str().context("a UTF-8 path")?)
        }
    };
    let engine = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let store = Store::open(&StoreOptions::new(url), now_ms())
        .await
        .context("opening the database to count its applications")?;
    let counted = store.count_applications_by_status().await;
    store.close().await;
    let total = counted?.iter().map(|(_, n)| n).sum();
    Ok((engine.to_string(), total))
}
