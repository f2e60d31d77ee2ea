//! `tongban bench dashboard`: the latency of `GET /bureau` (the bureau's dashboard) for a
//! signed-in supervisor, against the real router served on a local port over a fresh SQLite
//! file seeded with the demo city, its catalogue and a year of applications, projected into
//! the indicator tables. Goal: p99 ≤ 100 ms.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use tokio::task::JoinSet;
use tongban_app::{App, AppConfig, Clock as _, SystemClock};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_store::{Store, StoreOptions};

use crate::bench_lifecycle::sqlite_url;
use crate::bench_search_report::percentile;

/// The goal for the 99th percentile, in milliseconds.
pub const GOAL_P99_MS: f64 = 100.0;

#[derive(Debug, Clone)]
pub struct DashboardBenchOptions {
    pub requests: usize,
    pub clients: usize,
    /// Applications of history to seed.
    pub cases: usize,
    pub dir: Option<PathBuf>,
}

pub async fn run(o: &DashboardBenchOptions) -> anyhow::Result<ExitCode> {
    let base = o.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!("tongban-bench-dashboard-{}", std::process::id()));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let result = measure(&run_dir, o).await;
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    result
}

async fn measure(dir: &std::path::Path, o: &DashboardBenchOptions) -> anyhow::Result<ExitCode> {
    let url = sqlite_url(dir, "dashboard")?;
    let now_ms =
        i64::try_from(SystemClock.now().unix_timestamp_nanos() / 1_000_000).context("clock")?;
    let store = Store::open(&StoreOptions::new(&url), now_ms)
        .await
        .with_context(|| format!("opening {url}"))?;
    let key: [u8; 32] = rand::random();
    let app = App::new(store, Arc::new(SystemClock), AppConfig::new(key.to_vec()))
        .await
        .context("starting the application")?
        .with_uploads(dir.join("uploads"))
        .context("the uploads directory")?;
    let started = Instant::now();
    let city = tongban_demo::generate(&DemoConfig::default());
    app.seed_demo(city.clone())
        .await
        .context("seeding the city")?;
    app.seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .context("seeding the catalogue")?;
    crate::demo::seed_history(&app, &city, o.cases).await?;
    let projected = app
        .refresh_indicators("bench")
        .await
        .context("projecting the indicators")?;
    let drafted = app
        .draft_letters_for_last_month()
        .await
        .context("drafting last month's letters")?;
    println!(
        "seeded and projected in {:.1} s: {} cases, {} ratings counted; {} letters drafted",
        started.elapsed().as_secs_f64(),
        projected.cases,
        projected.ratings,
        drafted.drafted
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(tongban_web::serve(
        app.clone(),
        listener,
        tongban_web::WebOptions::default(),
    ));
    let base = format!("http://{addr}");
    let mut clients = Vec::with_capacity(o.clients.max(1));
    for _ in 0..o.clients.max(1) {
        clients.push(signed_in(&base).await?);
    }
    // Warm-up: caches, prepared statements, the pool.
    for c in &clients {
        for _ in 0..5 {
            get_dashboard(c, &base).await?;
        }
    }
    let per_client = o.requests.div_ceil(clients.len());
    let measured = Instant::now();
    let mut tasks = JoinSet::new();
    for c in clients {
        let base = base.clone();
        tasks.spawn(async move {
            let mut ms = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                get_dashboard(&c, &base).await?;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(ms)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.context("a client task")??);
    }
    let seconds = measured.elapsed().as_secs_f64();
    server.abort();
    app.store().close().await;
    all.sort_by(f64::total_cmp);
    let p99 = percentile(&all, 99.0);
    println!(
        "GET /bureau (SQLite, {} cases of history): {} requests from {} clients in {:.2} s ({:.0}/s)",
        o.cases,
        all.len(),
        o.clients.max(1),
        seconds,
        all.len() as f64 / seconds.max(1e-9)
    );
    println!(
        "p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms — goal p99 ≤ {GOAL_P99_MS} ms: {}",
        percentile(&all, 50.0),
        percentile(&all, 90.0),
        p99,
        all.last().copied().unwrap_or(0.0),
        if p99 <= GOAL_P99_MS { "met" } else { "NOT met" }
    );
    Ok(ExitCode::SUCCESS)
}

/// A client signed in as the demo's supervisor through the login form.
async fn signed_in(base: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let html = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).context("no CSRF token on /login")? + marker.len();
    let csrf = html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "supervisor"),
            ("password", STAFF_PASSWORD),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        res.status() == reqwest::StatusCode::SEE_OTHER,
        "supervisor login answered {}",
        res.status()
    );
    Ok(client)
}

async fn get_dashboard(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let res = client.get(format!("{base}/bureau")).send().await?;
    anyhow::ensure!(
        res.status() == reqwest::StatusCode::OK,
        "GET /bureau answered {}",
        res.status()
    );
    let _ = res.bytes().await?;
    Ok(())
}
