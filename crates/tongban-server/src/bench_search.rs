//! `tongban bench search`: latency of catalogue search over the whole demo catalogue.
//!
//! For each engine (SQLite always, PostgreSQL with `--pg-url`) a fresh database is made and
//! seeded with the demo city and its 430 service items; then a fixed mix of realistic queries
//! (short everyday words, longer names, filters by department, level, type, theme and online
//! depth, filter-only browsing, pages 1–3) goes through `App::search_items`, the call the pages
//! and the API make, one at a time. After a warm-up every call's latency is recorded and the
//! percentiles are checked against the goal.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use tongban_app::{App, AppConfig, CatalogQuery, Clock as _, SystemClock};
use tongban_demo::DemoConfig;
use tongban_domain::AdminLevel;
use tongban_domain::catalog::{ItemType, OnlineLevel, Theme};
use tongban_store::{Store, StoreOptions};

use crate::bench_report::Machine;
use crate::bench_search_report::{EngineResult, SearchReport};
use crate::context::now_ms;

/// What to run.
#[derive(Debug, Clone)]
pub struct SearchBenchOptions {
    /// Measured queries per engine.
    pub queries: usize,
    /// Unmeasured queries run first on each engine.
    pub warmup: usize,
    /// PostgreSQL database to make a throw-away schema in.
    pub pg_url: Option<String>,
    /// Where the SQLite file is made (default: the system temporary directory).
    pub dir: Option<PathBuf>,
}

/// Everyday search words, short and long, as citizens type them.
const TEXTS: [&str; 16] = [
    "营业执照",
    "出生",
    "社保",
    "公积金",
    "结婚",
    "退休",
    "食品",
    "施工许可",
    "医疗",
    "排污",
    "身份证",
    "户口",
    "食品经营许可",
    "建筑工程施工许可证核发",
    "残疾",
    "道路运输",
];

/// The fixed query mix: every text on pages 1–3, texts with filters, and filter-only browsing.
pub fn query_mix(department_id: &str) -> Vec<CatalogQuery> {
    let text = |t: &str, page: i64| CatalogQuery {
        text: t.to_string(),
        page,
        per_page: 20,
        ..CatalogQuery::default()
    };
    let mut mix = Vec::new();
    for t in TEXTS {
        mix.push(text(t, 1));
    }
    for t in ["营业执照", "社保", "医疗", "食品", "出生"] {
        mix.push(text(t, 2));
        mix.push(text(t, 3));
    }
    let department = Some(department_id.to_string());
    mix.push(CatalogQuery {
        department_id: department.clone(),
        ..text("许可", 1)
    });
    mix.push(CatalogQuery {
        level: Some(AdminLevel::County),
        ..text("营业执照", 1)
    });
    mix.push(CatalogQuery {
        level: Some(AdminLevel::Township),
        ..text("社保", 1)
    });
    mix.push(CatalogQuery {
        theme: Some(Theme::Birth),
        ..text("证明", 1)
    });
    mix.push(CatalogQuery {
        online_level: Some(OnlineLevel::Four),
        ..text("公积金", 1)
    });
    mix.push(CatalogQuery {
        item_type: ItemType::ALL.first().copied(),
        ..text("施工", 1)
    });
    // Browsing without words: the whole catalogue and each filter, pages 1–3.
    for page in 1..=3 {
        mix.push(text("", page));
    }
    mix.push(CatalogQuery {
        department_id: department,
        ..text("", 1)
    });
    mix.push(CatalogQuery {
        level: Some(AdminLevel::City),
        ..text("", 2)
    });
    mix.push(CatalogQuery {
        theme: Some(Theme::Business),
        ..text("", 1)
    });
    mix.push(CatalogQuery {
        theme: Some(Theme::Retirement),
        ..text("", 1)
    });
    mix.push(CatalogQuery {
        online_level: Some(OnlineLevel::Three),
        ..text("", 3)
    });
    mix
}

/// Runs the benchmark on SQLite and, when asked, on PostgreSQL.
pub async fn run(options: &SearchBenchOptions) -> anyhow::Result<SearchReport> {
    anyhow::ensure!(options.queries >= 1, "--queries must be at least 1");
    let base = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!(
        "tongban-bench-search-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let machine = Machine::detect(&run_dir);
    let text = run_dir
        .join("search.db")
        .to_str()
        .map(|p| format!("sqlite://{p}"))
        .context("the benchmark directory must be a UTF-8 path");
    let sqlite = match text {
        Ok(url) => engine("SQLite", &url, options).await,
        Err(err) => Err(err),
    };
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    let mut engines = vec![sqlite?];
    if let Some(admin_url) = &options.pg_url {
        engines.push(postgres(admin_url, options).await?);
    }
    Ok(SearchReport {
        queries: options.queries,
        warmup: options.warmup,
        mix_len: query_mix("").len(),
        engines,
        machine,
        date: SystemClock.now().date().to_string(),
    })
}

/// The run on a fresh schema of `admin_url`, dropped afterwards whatever happened.
async fn postgres(admin_url: &str, options: &SearchBenchOptions) -> anyhow::Result<EngineResult> {
    sqlx::any::install_default_drivers();
    let schema = format!("bench_search_{}_{}", std::process::id(), now_ms());
    let admin = sqlx::AnyPool::connect(admin_url)
        .await
        .context("connecting to --pg-url")?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .context("creating the benchmark schema")?;
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{sep}options[search_path]={schema}");
    let result = engine("PostgreSQL", &url, options).await;
    let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await;
    admin.close().await;
    dropped.context("dropping the benchmark schema")?;
    result
}

/// Seeds a fresh database at `url` and measures the query mix on it.
async fn engine(
    name: &str,
    url: &str,
    options: &SearchBenchOptions,
) -> anyhow::Result<EngineResult> {
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
    let items = tongban_demo::catalog_items(&city);
    let department = items
        .first()
        .map(|i| i.department_id.clone())
        .unwrap_or_default();
    let seeded = app
        .seed_catalog(items)
        .await
        .context("seeding the catalogue")?;
    let mix = query_mix(&department);
    println!(
        "{name}: {seeded} items; {} warm-up then {} measured queries from a mix of {} …",
        options.warmup,
        options.queries,
        mix.len()
    );
    let result = measure(&app, &mix, options).await;
    store.close().await;
    let latencies = result?;
    Ok(EngineResult::new(name, seeded, latencies))
}

/// Runs the mix round-robin, `warmup` calls unmeasured then `queries` measured; the latency
/// of each measured call in milliseconds, in the order run.
async fn measure(
    app: &App,
    mix: &[CatalogQuery],
    options: &SearchBenchOptions,
) -> anyhow::Result<Vec<f64>> {
    anyhow::ensure!(!mix.is_empty(), "the query mix is empty");
    let mut latencies = Vec::with_capacity(options.queries);
    for n in 0..options.warmup + options.queries {
        let query = &mix[n % mix.len()];
        let start = Instant::now();
        let (found, total) = app
            .search_items(query)
            .await
            .with_context(|| format!("searching {:?}", query.text))?;
        let elapsed = start.elapsed();
        anyhow::ensure!(
            found.len() as i64 <= total,
            "{:?}: a page longer than the total",
            query.text
        );
        if n >= options.warmup {
            latencies.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    Ok(latencies)
}

/// Writes the report as the "Catalogue search" section of the markdown file at `path`.
pub fn write_markdown(report: &SearchReport, path: &Path) -> anyhow::Result<()> {
    crate::bench_md::write_section(
        path,
        crate::bench_search_report::HEADING,
        &report.markdown(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_texts_on_three_pages_filters_and_browsing() {
        let mix = query_mix("dept-1");
        assert!(mix.iter().any(|q| q.text == "营业执照" && q.page == 3));
        assert!(mix.iter().any(|q| q.text.chars().count() == 2));
        assert!(mix.iter().any(|q| q.text.chars().count() > 8));
        assert!(
            mix.iter()
                .any(|q| q.text.is_empty() && q.department_id.is_some())
        );
        assert!(
            mix.iter()
                .any(|q| !q.text.is_empty() && q.online_level.is_some())
        );
        assert!(mix.iter().any(|q| q.theme.is_some() && q.text.is_empty()));
        assert!(mix.iter().any(|q| q.level.is_some() && !q.text.is_empty()));
    }
}
