//! `tongban bench import`: the import rate of the demo 权责清单 (5,577 power items, 41,366
//! responsibility items, one spreadsheet row each), read from xlsx.
//!
//! The 2023年本 is written to xlsx once by the exporter, in the layout of
//! `docs/import-format.md`. For each engine (SQLite always, PostgreSQL with `--pg-url`, on a
//! fresh schema) a fresh database is seeded with the demo city; then the file goes through
//! `App::import_list_edition_as` twice: a dry run (decode, parse and validate: no write) and an
//! apply (the same plus the one all-or-nothing write of every row).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use tongban_app::import::edition_sheet;
use tongban_app::{App, AppConfig, Clock as _, EntryView, SystemClock};
use tongban_demo::DemoConfig;
use tongban_domain::lists::ListKind;
use tongban_store::{Store, StoreOptions};
use tongban_web::export::{Cell, Table, to_xlsx};

use crate::bench_report::Machine;
use crate::context::now_ms;

pub const HEADING: &str = "## List import";

/// One engine's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportResult {
    pub engine: String,
    pub rows: usize,
    pub entries: usize,
    pub dry_run_s: f64,
    pub apply_s: f64,
}

impl ImportResult {
    pub fn rate(&self, seconds: f64) -> f64 {
        self.rows as f64 / seconds.max(1e-9)
    }
}

#[derive(Debug, Clone)]
pub struct ImportBenchReport {
    pub file_bytes: usize,
    pub engines: Vec<ImportResult>,
    pub machine: Machine,
    pub date: String,
}

/// The demo 权责清单 2023年本 as xlsx, as the export writes it.
pub fn demo_power_xlsx(city: &tongban_demo::DemoCity) -> anyhow::Result<Vec<u8>> {
    let catalog = tongban_demo::catalog_items(city);
    let edition = tongban_demo::list_editions(city, &catalog)
        .into_iter()
        .find(|e| e.kind == ListKind::PowerDuty && e.year == 2023)
        .context("the demo has no 权责清单 2023年本")?;
    let name = |id: &str| {
        city.departments
            .iter()
            .find(|d| d.key == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let views: Vec<EntryView> = (1..)
        .zip(edition.entries)
        .map(|(seq, entry)| EntryView {
            seq,
            department_name: name(&entry.department_id),
            entry,
        })
        .collect();
    let (headers, rows) = edition_sheet(ListKind::PowerDuty, &views);
    let table = Table {
        title: "权责清单".into(),
        headers,
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect(),
    };
    to_xlsx(&table).context("writing the xlsx")
}

/// Runs the benchmark on SQLite and, when asked, on PostgreSQL.
pub async fn run(pg_url: Option<&str>, dir: Option<PathBuf>) -> anyhow::Result<ImportBenchReport> {
    let base = dir.unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!(
        "tongban-bench-import-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let machine = Machine::detect(&run_dir);
    let city = tongban_demo::generate(&DemoConfig::default());
    let bytes = demo_power_xlsx(&city)?;
    println!("the demo 权责清单 as xlsx: {} bytes", bytes.len());
    let sqlite = match run_dir.join("import.db").to_str() {
        Some(p) => engine("SQLite", &format!("sqlite://{p}"), &city, &bytes).await,
        None => Err(anyhow::anyhow!(
            "the benchmark directory must be a UTF-8 path"
        )),
    };
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    let mut engines = vec![sqlite?];
    if let Some(admin_url) = pg_url {
        engines.push(postgres(admin_url, &city, &bytes).await?);
    }
    Ok(ImportBenchReport {
        file_bytes: bytes.len(),
        engines,
        machine,
        date: SystemClock.now().date().to_string(),
    })
}

async fn postgres(
    admin_url: &str,
    city: &tongban_demo::DemoCity,
    bytes: &[u8],
) -> anyhow::Result<ImportResult> {
    sqlx::any::install_default_drivers();
    let schema = format!("bench_import_{}_{}", std::process::id(), now_ms());
    let admin = sqlx::AnyPool::connect(admin_url)
        .await
        .context("connecting to --pg-url")?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .context("creating the benchmark schema")?;
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{sep}options[search_path]={schema}");
    let result = engine("PostgreSQL", &url, city, bytes).await;
    let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await;
    admin.close().await;
    dropped.context("dropping the benchmark schema")?;
    result
}

async fn engine(
    name: &str,
    url: &str,
    city: &tongban_demo::DemoCity,
    bytes: &[u8],
) -> anyhow::Result<ImportResult> {
    println!("{name}: seeding the demo city …");
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
    app.seed_demo(city.clone())
        .await
        .context("seeding the demo city")?;
    let result = measure(name, &app, bytes).await;
    store.close().await;
    result
}

async fn measure(name: &str, app: &App, bytes: &[u8]) -> anyhow::Result<ImportResult> {
    let kind = ListKind::PowerDuty;
    let file = "权责清单.xlsx";
    let start = Instant::now();
    let dry = app
        .import_list_edition_as("bench", kind, 2024, file, bytes.to_vec(), true)
        .await?;
    let dry_run_s = start.elapsed().as_secs_f64();
    anyhow::ensure!(dry.ok(), "the dry run found problems: {:?}", dry.problems);
    let start = Instant::now();
    let applied = app
        .import_list_edition_as("bench", kind, 2024, file, bytes.to_vec(), false)
        .await?;
    let apply_s = start.elapsed().as_secs_f64();
    let edition = applied.edition.context("the import wrote nothing")?;
    anyhow::ensure!(
        edition.duty_count as usize == applied.duties
            && edition.entry_count as usize == applied.entries,
        "the edition holds other counts than the file"
    );
    println!(
        "{name}: {} rows — dry run {dry_run_s:.2} s, apply {apply_s:.2} s",
        applied.rows
    );
    Ok(ImportResult {
        engine: name.into(),
        rows: applied.rows,
        entries: applied.entries,
        dry_run_s,
        apply_s,
    })
}

impl ImportBenchReport {
    pub fn table(&self) -> String {
        let mut out = String::new();
        for e in &self.engines {
            let _ = writeln!(
                out,
                "{:<10} {} rows  dry run {:.2} s ({:.0} rows/s)  apply {:.2} s ({:.0} rows/s)",
                e.engine,
                e.rows,
                e.dry_run_s,
                e.rate(e.dry_run_s),
                e.apply_s,
                e.rate(e.apply_s)
            );
        }
        out
    }

    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::new();
        let _ = writeln!(out, "{HEADING} (`tongban bench import`)\n");
        let figures: Vec<String> = self
            .engines
            .iter()
            .map(|e| format!("{} {:.0} rows/s applied", e.engine, e.rate(e.apply_s)))
            .collect();
        let _ = writeln!(
            out,
            "The demo 权责清单 (41,366 rows, one per responsibility item) imported from xlsx: {}.\n",
            figures.join("; ")
        );
        let _ = writeln!(
            out,
            "| engine | rows | power items | dry run s | dry run rows/s | apply s | apply rows/s |"
        );
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for e in &self.engines {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.0} | {:.2} | {:.0} |",
                e.engine,
                e.rows,
                e.entries,
                e.dry_run_s,
                e.rate(e.dry_run_s),
                e.apply_s,
                e.rate(e.apply_s)
            );
        }
        let _ = writeln!(out, "\n### Method\n");
        let _ = writeln!(
            out,
            "The demo 权责清单 2023年本 (`DemoConfig::default()`) is written once by the \
             exporter as an xlsx of {} bytes in the layout of `docs/import-format.md`: one row \
             per responsibility item, the power item's columns repeated. Each engine gets a fresh \
             database (SQLite: a new file; PostgreSQL: a new schema, dropped afterwards) seeded \
             with the demo city. The file then goes through `App::import_list_edition_as`, the \
             call behind the CLI, the API and the admin page, twice: a **dry run** (unzip and \
             read the sheet with calamine, map every row, validate every cell and entry, resolve \
             every department: nothing written) and an **apply** (the same again, then one \
             unit of work that writes the draft edition, every entry and responsibility item in \
             multi-row INSERTs, and its event, all or nothing). Each is timed by the wall clock \
             around the call; rows/s counts spreadsheet rows. On PostgreSQL the store refreshes \
             the statistics of `list_entries` (`ANALYZE`) before inserting the responsibility \
             items of a large edition: without it the foreign-key check of each item used a plan \
             made while the table was empty, a sequential scan, and the apply took 15 s instead \
             of under one. Re-run with `cargo build --release \
             --bin tongban && ./target/release/tongban bench import --write-md BENCHMARKS.md \
             --pg-url postgres://…`.\n",
            self.file_bytes
        );
        let _ = writeln!(out, "### Machine\n");
        let _ = writeln!(out, "- date: {} (UTC)", self.date);
        let _ = writeln!(out, "- CPUs (nproc): {}", m.cpus);
        let _ = writeln!(out, "- CPU model: {}", m.cpu_model);
        let _ = writeln!(out, "- kernel: {}", m.kernel);
        let _ = writeln!(out, "- file system of the SQLite file: {}", m.filesystem);
        let _ = writeln!(
            out,
            "- load average (1, 5, 15 min) at the start: {}",
            m.load_before
        );
        let _ = writeln!(out, "- build: release");
        out
    }
}

/// Writes the report as the "List import" section of the markdown file at `path`.
pub fn write_markdown(report: &ImportBenchReport, path: &Path) -> anyhow::Result<()> {
    crate::bench_md::write_section(path, HEADING, &report.markdown())
}
