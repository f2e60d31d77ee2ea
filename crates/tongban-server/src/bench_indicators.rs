//! `tongban bench indicators`: the monthly assessment (every indicator for every department
//! and every county for one month, what `App::indicator_rows` and `indicator_total` do) over
//! 1 M and then 10 M completed cases' facts and rollups across a year plus half as many
//! ratings, on SQLite and PostgreSQL; and the `/work/indicators` page's latency through a
//! spawned server.
//!
//! The tables are generated in bulk inside the database (`Store::bench_generate_indicators`),
//! not projected from an event log: what is measured is the query over the projected tables.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use tongban_app::indicators::{county_of, township_of};
use tongban_app::{App, AppConfig, OrgUnit, Principal, SystemClock};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_domain::indicators::{Dimension, Period, PeriodKind};
use tongban_domain::{DivisionCode, Role};
use tongban_store::{BenchUnits, Store, StoreOptions};

use crate::bench_search_report::percentile;
use crate::context::now_ms;

/// What to run.
#[derive(Debug, Clone)]
pub struct IndicatorBenchOptions {
    /// Completed cases per size (ratings are half of each).
    pub sizes: Vec<i64>,
    /// Measured monthly assessments per size.
    pub runs: usize,
    /// Measured page requests per engine (at the largest size).
    pub page_requests: usize,
    pub pg_url: Option<String>,
    /// Measure PostgreSQL only.
    pub skip_sqlite: bool,
    pub dir: Option<PathBuf>,
    /// Write the rollup rows day by day, as the projector does (else unit by unit).
    pub rollups_by_day: bool,
}

/// One size on one engine.
#[derive(Debug, Clone)]
pub struct SizeResult {
    pub engine: String,
    pub apps: i64,
    pub ratings: i64,
    pub rollup_rows: i64,
    pub generate_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// A page's latency on one engine.
#[derive(Debug, Clone)]
pub struct PageResult {
    pub engine: String,
    /// What was requested, e.g. `/bureau` (the dashboard).
    pub page: &'static str,
    pub apps: i64,
    pub requests: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Default)]
pub struct IndicatorReport {
    /// The rollup rows were written day by day (as the projector writes them).
    pub rollups_by_day: bool,
    pub sizes: Vec<SizeResult>,
    pub pages: Vec<PageResult>,
}

/// The goals: the monthly assessment and the page.
pub const ASSESSMENT_GOAL_MS: f64 = 300.0;
pub const PAGE_GOAL_MS: f64 = 100.0;

pub async fn run(options: &IndicatorBenchOptions) -> anyhow::Result<IndicatorReport> {
    let base = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!(
        "tongban-bench-indicators-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let url = run_dir
        .join("indicators.db")
        .to_str()
        .map(|p| format!("sqlite://{p}"))
        .context("the benchmark directory must be a UTF-8 path")?;
    let mut report = IndicatorReport {
        rollups_by_day: options.rollups_by_day,
        ..IndicatorReport::default()
    };
    let sqlite = if options.skip_sqlite {
        Ok(())
    } else {
        engine("SQLite", &url, options, &mut report).await
    };
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    sqlite?;
    if let Some(admin_url) = &options.pg_url {
        sqlx::any::install_default_drivers();
        let schema = format!("bench_indicators_{}_{}", std::process::id(), now_ms());
        let admin = sqlx::AnyPool::connect(admin_url)
            .await
            .context("connecting to --pg-url")?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .context("creating the benchmark schema")?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options[search_path]={schema}");
        let result = engine("PostgreSQL", &url, options, &mut report).await;
        let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&admin)
            .await;
        admin.close().await;
        dropped.context("dropping the benchmark schema")?;
        result?;
    }
    Ok(report)
}

/// A city-level system administrator (the bureau's view: everything).
fn city_reader() -> anyhow::Result<Principal> {
    Ok(Principal::Staff {
        account_id: "bench".into(),
        login: "bench".into(),
        name: "基准".into(),
        role: Role::BureauSupervisor,
        unit: OrgUnit::Division {
            code: DivisionCode::parse("511900000000").map_err(|e| anyhow::anyhow!("{e}"))?,
        },
    })
}

async fn engine(
    name: &str,
    url: &str,
    options: &IndicatorBenchOptions,
    report: &mut IndicatorReport,
) -> anyhow::Result<()> {
    println!("{name}: seeding the demo city and catalogue …");
    let store = Store::open(&StoreOptions::new(url.to_string()), now_ms())
        .await
        .with_context(|| format!("opening the {name} database"))?;
    let key: [u8; 32] = rand::random();
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        AppConfig::new(key.to_vec()),
    )
    .await
    .context("starting the application")?;
    let city = tongban_demo::generate(&DemoConfig::default());
    app.seed_demo(city.clone())
        .await
        .context("seeding the demo city")?;
    app.seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .context("seeding the catalogue")?;
    let units = bench_units(&store).await?;
    let who = city_reader()?;
    let mut largest = 0;
    for &apps in &options.sizes {
        let ratings = apps / 2;
        println!("{name}: generating {apps} cases' facts, {ratings} ratings and their rollups …");
        let started = Instant::now();
        store
            .bench_generate_indicators(&units, apps, ratings, options.rollups_by_day)
            .await
            .context("generating the indicator tables")?;
        let generate_s = started.elapsed().as_secs_f64();
        let (rollup_rows, _, _) = store.indicator_table_sizes().await?;
        let mut ms = Vec::with_capacity(options.runs);
        for n in 0..options.runs + 3 {
            let month = Period::parse(&format!("2025-{:02}", n % 12 + 1))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let started = Instant::now();
            let departments = app
                .indicator_rows(&who, Dimension::Department, &month, None)
                .await?;
            let counties = app
                .indicator_rows(&who, Dimension::County, &month, None)
                .await?;
            let total = app.indicator_total(&who, &month, None).await?;
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            anyhow::ensure!(
                !departments.is_empty() && !counties.is_empty() && total.completed > 0,
                "the assessment found nothing"
            );
            if n >= 3 {
                ms.push(elapsed);
            }
        }
        ms.sort_by(f64::total_cmp);
        let r = SizeResult {
            engine: name.to_string(),
            apps,
            ratings,
            rollup_rows,
            generate_s,
            p50_ms: percentile(&ms, 50.0),
            p99_ms: percentile(&ms, 99.0),
        };
        println!(
            "{name}: {apps} cases, {rollup_rows} rollup rows (generated in {:.1} s): monthly assessment p50 {:.1} ms, p99 {:.1} ms",
            r.generate_s, r.p50_ms, r.p99_ms
        );
        report.sizes.push(r);
        largest = apps;
    }
    if options.page_requests > 0 {
        match page_latency(&app, options.page_requests).await {
            Ok(pages) => {
                for (page, (p50, p99)) in pages {
                    println!("{name}: {page} p50 {p50:.1} ms, p99 {p99:.1} ms");
                    report.pages.push(PageResult {
                        engine: name.to_string(),
                        page,
                        apps: largest,
                        requests: options.page_requests,
                        p50_ms: p50,
                        p99_ms: p99,
                    });
                }
            }
            Err(err) => {
                store.close().await;
                return Err(err);
            }
        }
    }
    store.close().await;
    Ok(())
}

async fn bench_units(store: &Store) -> anyhow::Result<BenchUnits> {
    let (departments, halls) = store.indicator_org_units().await?;
    let items = store.published_versions().await?;
    let first = time::Date::from_calendar_date(2025, time::Month::January, 1)?;
    let year = Period::containing(PeriodKind::Year, first);
    let mut days = Vec::new();
    let mut d = year.first;
    while d <= year.last {
        days.push(tongban_app::indicators::day_number(d));
        d = d.next_day().context("the calendar ended")?;
    }
    Ok(BenchUnits {
        departments: departments
            .into_iter()
            .map(|(id, div)| {
                let county = county_of(&div);
                (id, county)
            })
            .collect(),
        halls: halls
            .into_iter()
            .map(|(id, div)| {
                let county = county_of(&div);
                let township = township_of(&div).unwrap_or_default();
                (id, county, township)
            })
            .collect(),
        items: items
            .into_iter()
            .map(|v| (v.item_id, v.department_id))
            .collect(),
        days,
    })
}

/// Serves the app, signs in as the demo's supervisor through the login form and requests the
/// department table of each month of the year in turn; (p50, p99) in ms.
/// The pages timed at the largest size: the indicators table and the bureau's dashboard.
const PAGES: [&str; 2] = ["/work/indicators", "/bureau"];

/// p50 and p99 of each of [`PAGES`], each asked for one month after another.
async fn page_latency(
    app: &App,
    requests: usize,
) -> anyhow::Result<Vec<(&'static str, (f64, f64))>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(tongban_web::serve(
        app.clone(),
        listener,
        tongban_web::WebOptions::default(),
    ));
    let result = async {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let login = client
            .get(format!("{base}/login"))
            .send()
            .await?
            .text()
            .await?;
        let marker = "name=\"csrf\" value=\"";
        let start = login
            .find(marker)
            .context("the login form has no CSRF token")?
            + marker.len();
        let csrf = login[start..]
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
            res.status().is_redirection(),
            "signing in failed: {}",
            res.status()
        );
        let mut out = Vec::new();
        for page in PAGES {
            let mut ms = Vec::with_capacity(requests);
            for n in 0..requests + 5 {
                let month = format!("2025-{:02}", n % 12 + 1);
                let url = match page {
                    "/bureau" => format!("{base}/bureau?month={month}"),
                    _ => format!("{base}{page}?dimension=department&period={month}"),
                };
                let started = Instant::now();
                let res = client.get(&url).send().await?;
                let ok = res.status().is_success();
                let _ = res.bytes().await?;
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                anyhow::ensure!(ok, "{page} answered an error");
                if n >= 5 {
                    ms.push(elapsed);
                }
            }
            ms.sort_by(f64::total_cmp);
            out.push((page, (percentile(&ms, 50.0), percentile(&ms, 99.0))));
        }
        Ok(out)
    }
    .await;
    server.abort();
    result
}

/// The report as markdown, next to the goals.
pub fn markdown(report: &IndicatorReport) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Monthly assessment (every indicator of every department and every county for one month, plus the city total; `App::indicator_rows` ×2 + `indicator_total`), goal p99 ≤ {ASSESSMENT_GOAL_MS} ms. Tables generated in bulk (facts, ratings = half the cases, per-day rollups of 5 dimensions over 2025); the query reads only the rollups. Rollup rows written {}.\n\n",
        if report.rollups_by_day {
            "day by day, as the projector writes them when it follows the log"
        } else {
            "unit by unit (`--rollups-by-unit`: a month's rows scattered over the table, the worst case for reading a month)"
        }
    ));
    s.push_str("| engine | cases | ratings | rollup rows | generated in | p50 | p99 | goal met |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for r in &report.sizes {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.0} s | {:.1} ms | {:.1} ms | {} |\n",
            r.engine,
            r.apps,
            r.ratings,
            r.rollup_rows,
            r.generate_s,
            r.p50_ms,
            r.p99_ms,
            if r.p99_ms <= ASSESSMENT_GOAL_MS {
                "yes"
            } else {
                "no"
            }
        ));
    }
    if !report.pages.is_empty() {
        s.push_str(&format!(
            "\nPages at the largest size, signed in as the supervisor, one client, months rotating: `/work/indicators` (the department table of one month) and `/bureau` (the dashboard: twelve months' trend, the county ranking, overdue work, open 差评), goal p99 ≤ {PAGE_GOAL_MS} ms:\n\n| engine | page | cases | requests | p50 | p99 | goal met |\n|---|---|---:|---:|---:|---:|---|\n"
        ));
        for p in &report.pages {
            s.push_str(&format!(
                "| {} | `{}` | {} | {} | {:.1} ms | {:.1} ms | {} |\n",
                p.engine,
                p.page,
                p.apps,
                p.requests,
                p.p50_ms,
                p.p99_ms,
                if p.p99_ms <= PAGE_GOAL_MS {
                    "yes"
                } else {
                    "no"
                }
            ));
        }
    }
    s
}

/// Writes the report as the "Indicators" section of the markdown file at `path`.
pub fn write_markdown(report: &IndicatorReport, path: &Path) -> anyhow::Result<()> {
    crate::bench_md::write_section(path, "Indicators", &markdown(report))
}
