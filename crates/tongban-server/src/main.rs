//! The `tongban` binary: serve the platform, run the demo, operate the database and the audit
//! chain, manage the working-day calendar, validate identifiers, generate a province-sized history
//! and benchmark event appends.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod admin_cmd;
mod backup_cmd;
mod bench;
mod bench_dashboard;
mod bench_http;
mod bench_import;
mod bench_indicators;
mod bench_licences;
mod bench_licences_report;
mod bench_lifecycle;
mod bench_lifecycle_report;
mod bench_load;
mod bench_load_children;
mod bench_load_client;
mod bench_load_journeys;
mod bench_load_report;
mod bench_md;
mod bench_report;
mod bench_search;
mod bench_search_report;
mod bulletins_cmd;
mod calendar_cmd;
mod context;
mod demo;
mod gen_cmd;
mod gen_history;
mod indicators_cmd;
mod licence_cmd;
mod lists_cmd;
mod notify;
mod periodic;
mod phases;
mod progress;
mod serve;
mod settings;
mod upstream;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use tongban_app::ValidateKind;

use crate::settings::Settings;

/// 通办 Tongban — 政务服务平台 / government-services platform.
#[derive(Debug, Parser)]
#[command(name = "tongban", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the platform (pages, API, /healthz, /metrics) until Ctrl-C or SIGTERM.
    Serve {
        /// TOML settings file (see tongban.example.toml); TONGBAN_* variables override it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Address to listen on, overriding `listen` (e.g. 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Run the seeded demo city on a local SQLite file and print the demo logins.
    Demo {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Directory of the demo database and secret key.
        #[arg(long, value_name = "DIR", default_value = "data/demo")]
        data: PathBuf,
    },
    /// Generate a deterministic province-sized history into an empty database (SQLite or
    /// PostgreSQL, chosen as for `migrate`), with a progress bar on standard error.
    Gen {
        /// Applications (办件) to generate, with their events, licences and ratings.
        #[arg(long, value_name = "N")]
        applications: u64,
        /// Seed: the same seed and count write the same history.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Create or upgrade the database schema and print its version.
    Migrate {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Online, verified copy of the SQLite database (PostgreSQL: use pg_dump).
    Backup {
        /// The new file to write (refused if it exists).
        dest: PathBuf,
        /// Also copy the uploaded materials into this directory (only new files are copied).
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Operator maintenance.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit-log operations.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Applications (办件).
    Applications {
        #[command(subcommand)]
        command: ApplicationsCommand,
    },
    /// The push of events to the provincial platform (上级平台).
    Upstream {
        #[command(subcommand)]
        command: UpstreamCommand,
    },
    /// Print the version of this build and of its database schema.
    Version,
    /// The statutory working-day calendar (工作日历).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The published lists (权责清单 and the others).
    Lists {
        #[command(subcommand)]
        command: ListsCommand,
    },
    /// Check identifiers read from standard input, one per line.
    Validate {
        /// What each line holds.
        #[arg(long, value_enum)]
        kind: KindArg,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Electronic licences (电子证照): offline verification, exporting the published keys.
    Licence {
        #[command(subcommand)]
        command: licence_cmd::LicenceCommand,
    },
    /// 考核与通报: draft a month's 两书一函.
    Bulletins {
        #[command(subcommand)]
        command: BulletinsCommand,
    },
    /// The indicators (统计指标) computed from the event log.
    Indicators {
        #[command(subcommand)]
        command: IndicatorsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BulletinsCommand {
    /// Draft the letters a month's assessment calls for (idempotent).
    Draft {
        /// The month assessed, e.g. 2026-10.
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum IndicatorsCommand {
    /// Project the new events of the log now and print the city's figures for a year.
    Refresh {
        /// The year whose figures to print (default: this year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ApplicationsCommand {
    /// Rebuild every case from the event log and compare it with its stored row; exit 1 on
    /// any mismatch.
    Verify {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum UpstreamCommand {
    /// Each stream: pushed, waiting, last error, next attempt.
    Status {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Push every stream once now (ignoring the backoff); exit 1 if one fails.
    Push {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Seal (SM4-GCM) every ID number, phone and message recipient still stored in plaintext,
    /// one transaction per batch; idempotent.
    SealPii {
        /// Rows per transaction.
        #[arg(long, default_value_t = 1000)]
        batch: i64,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Re-compute the whole hash chain of events; exit 1 if it is broken.
    Verify {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// List every date of a year: working day or rest day, and why.
    Show {
        year: i32,
        /// Print a JSON array instead of text.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Import (or replace) one year from a CalendarYear JSON file.
    Import {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ListsCommand {
    /// Check (--dry-run) or import an edition from an xlsx or CSV file (docs/import-format.md);
    /// exit 2 with every problem listed when the file has any.
    Import {
        /// power, licensing or trading.
        #[arg(long)]
        list: String,
        /// The edition year, e.g. 2024.
        #[arg(long)]
        edition: String,
        file: PathBuf,
        /// Only check the file; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Durable event appends: bare SQLite commits vs. Store::write with 1 and N writers.
    Events {
        /// Concurrent writers in phase (c).
        #[arg(long, default_value_t = 32)]
        writers: usize,
        /// Duration of each phase, in seconds.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Directory for the fresh database files (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as markdown to this file (e.g. BENCHMARKS.md).
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
        /// Keep the database files afterwards.
        #[arg(long)]
        keep: bool,
    },
    /// Three-step life cycles per second on SQLite and PostgreSQL, vs. the bare durable commit
    /// rate and SpiffWorkflow, and HTTP latency of submit and approve.
    Lifecycle {
        /// Concurrent tasks (and HTTP clients), each running cases back to back.
        #[arg(long, default_value_t = 32)]
        tasks: usize,
        /// Duration of each timed phase, in seconds.
        #[arg(long, default_value_t = 4.0)]
        seconds: f64,
        /// Unmeasured warm-up on each engine, in seconds.
        #[arg(long, default_value_t = 1.0)]
        warmup: f64,
        /// Cases per HTTP client (0: no HTTP measurement).
        #[arg(long, default_value_t = 50)]
        http_cases: usize,
        /// Also measure PostgreSQL, in a throw-away schema of this database.
        #[arg(long, value_name = "URL")]
        pg_url: Option<String>,
        /// Directory for the fresh SQLite files (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "Application life cycles" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
    },
    /// Import rate of the demo 权责清单 (41,366 rows) from xlsx, SQLite and PostgreSQL.
    Import {
        /// Also measure PostgreSQL, in a throw-away schema of this database.
        #[arg(long, value_name = "URL")]
        pg_url: Option<String>,
        /// Directory for the fresh SQLite file (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "List import" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
    },
    /// Licences issued and verified per second, next to the bare sm2 sign and verify rate.
    Licences {
        /// Duration of each timed phase, in seconds.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Concurrent tasks of the single-issue and verify phases.
        #[arg(long, default_value_t = 32)]
        tasks: usize,
        /// Drafts per sign_and_write call in the bulk phase.
        #[arg(long, default_value_t = 1000)]
        batch: usize,
        /// At most this many stored licences are verified.
        #[arg(long, default_value_t = 5000)]
        sample: usize,
        /// Also measure PostgreSQL, in a throw-away schema of this database.
        #[arg(long, value_name = "URL")]
        pg_url: Option<String>,
        /// Directory for the fresh SQLite file (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "Electronic licences" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
    },
    /// The monthly assessment over 1 M and 10 M cases' indicator tables, and the indicators page.
    Indicators {
        /// Completed cases per size, comma-separated (ratings are half of each).
        #[arg(long, value_delimiter = ',', default_values_t = vec![1_000_000i64, 10_000_000])]
        sizes: Vec<i64>,
        /// Measured monthly assessments per size.
        #[arg(long, default_value_t = 60)]
        runs: usize,
        /// Measured page requests per engine (0: none).
        #[arg(long, default_value_t = 200)]
        page_requests: usize,
        /// Also measure PostgreSQL, in a throw-away schema of this database.
        #[arg(long, value_name = "URL")]
        pg_url: Option<String>,
        /// Measure PostgreSQL only (with --pg-url).
        #[arg(long)]
        skip_sqlite: bool,
        /// Directory for the fresh SQLite file (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "Indicators" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
        /// Write the generated rollup rows unit by unit (a month's rows scattered: the worst
        /// case) instead of day by day as the projector writes them.
        #[arg(long)]
        rollups_by_unit: bool,
    },
    /// Catalogue search latency (p50/p90/p99) over the demo catalogue, SQLite and PostgreSQL.
    Search {
        /// Measured queries per engine.
        #[arg(long, default_value_t = 2000)]
        queries: usize,
        /// Unmeasured warm-up queries per engine.
        #[arg(long, default_value_t = 200)]
        warmup: usize,
        /// Also measure PostgreSQL, in a throw-away schema of this database.
        #[arg(long, value_name = "URL")]
        pg_url: Option<String>,
        /// Directory for the fresh SQLite file (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "Catalogue search" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
    },
    /// Province scale in one run: group commit vs bare commits, the 办事指南 page vs a bare axum
    /// hello-world, the main journeys and the serve process's memory on an existing database.
    Load {
        /// Settings file of the database to serve (as for `serve`).
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "data",
            required_unless_present = "data"
        )]
        config: Option<PathBuf>,
        /// A directory made by `tongban demo --data DIR` (tongban.db, secret.key, …).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Duration of each HTTP drive, in seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Keep-alive connections of the hello-world and 办事指南 drives.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Clients per journey.
        #[arg(long, default_value_t = 2)]
        journey_clients: usize,
        /// Concurrent writers of the group-commit phase.
        #[arg(long, default_value_t = 32)]
        writers: usize,
        /// Duration of each group-commit phase, in seconds.
        #[arg(long, default_value_t = 5.0)]
        events_seconds: f64,
        /// Directory for the run's files (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Write the results as the "Province scale" section of this markdown file.
        #[arg(long, value_name = "PATH")]
        write_md: Option<PathBuf>,
    },
    /// A bare axum hello-world, the baseline of `bench load`.
    #[command(hide = true)]
    Hello {
        #[arg(long, value_name = "ADDR")]
        listen: String,
    },
    /// p99 of GET /bureau (the bureau's dashboard) on the demo-size data; goal ≤ 100 ms.
    Dashboard {
        /// Measured requests in all.
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// Applications of history to seed (the demo's year by default).
        #[arg(long, default_value_t = crate::settings::DEFAULT_DEMO_APPLICATIONS as usize)]
        cases: usize,
        /// Directory for the fresh SQLite file (default: the system temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    /// 公民身份号码 (GB 11643).
    ResidentId,
    /// 统一社会信用代码 (GB 32100).
    Uscc,
}

impl From<KindArg> for ValidateKind {
    fn from(kind: KindArg) -> ValidateKind {
        match kind {
            KindArg::ResidentId => ValidateKind::ResidentId,
            KindArg::Uscc => ValidateKind::Uscc,
        }
    }
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // Verbs without I/O beyond stdin/stdout need neither settings nor a runtime.
    match &cli.command {
        Command::Version => return Ok(admin_cmd::version()),
        Command::Validate { kind } => return admin_cmd::validate((*kind).into()),
        Command::Licence {
            command:
                licence_cmd::LicenceCommand::Verify {
                    file,
                    keys,
                    status_list,
                },
        } => {
            return Ok(licence_cmd::verify_command(
                file,
                keys.as_deref(),
                status_list.as_deref(),
            ));
        }
        _ => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(run(cli.command))
}

/// Settings from `--config` and the environment, with logging started from them.
fn settings(config: Option<&PathBuf>) -> anyhow::Result<Settings> {
    let settings = Settings::load(config.map(PathBuf::as_path))?;
    context::init_logging(settings.log_format);
    Ok(settings)
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { config, listen } => {
            let mut settings = settings(config.as_ref())?;
            if let Some(listen) = listen {
                settings.listen = listen;
            }
            serve::serve(&settings).await
        }
        Command::Demo { listen, data } => demo::demo(settings(None)?, &data, listen).await,
        Command::Migrate { config } => admin_cmd::migrate(&settings(config.as_ref())?).await,
        Command::Gen {
            applications,
            seed,
            config,
        } => {
            let options = gen_cmd::GenOptions { applications, seed };
            let settings = Settings::load(config.as_deref())?;
            context::init_bulk_logging(settings.log_format);
            gen_cmd::run(&settings, &options).await
        }
        Command::Backup {
            dest,
            uploads,
            config,
        } => backup_cmd::backup(&settings(config.as_ref())?, &dest, uploads.as_deref()).await,
        Command::Admin {
            command: AdminCommand::SealPii { batch, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            admin_cmd::seal_pii(&app, batch).await
        }
        Command::Audit {
            command: AuditCommand::Verify { config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            admin_cmd::audit_verify(&app).await
        }
        Command::Bench {
            command:
                BenchCommand::Lifecycle {
                    tasks,
                    seconds,
                    warmup,
                    http_cases,
                    pg_url,
                    dir,
                    write_md,
                },
        } => {
            let options = bench_lifecycle::LifecycleOptions {
                tasks,
                seconds,
                warmup,
                dir,
                pg_url,
                http_cases,
                write_md,
            };
            bench_lifecycle::run(&options).await
        }
        Command::Upstream { command } => {
            let (config, push) = match command {
                UpstreamCommand::Status { config } => (config, false),
                UpstreamCommand::Push { config } => (config, true),
            };
            let settings = settings(config.as_ref())?;
            let app = context::open_app(&settings)
                .await?
                .with_upstream(upstream::upstream(&settings)?);
            let code = if push {
                upstream::push(&app).await
            } else {
                upstream::status(&app).await
            };
            app.store().close().await;
            code
        }
        Command::Bench {
            command:
                BenchCommand::Load {
                    config,
                    data,
                    seconds,
                    connections,
                    journey_clients,
                    writers,
                    events_seconds,
                    dir,
                    write_md,
                },
        } => {
            let database = match (config, data) {
                (Some(file), _) => bench_load_children::Database::Config(file),
                (None, Some(dir)) => bench_load_children::Database::DemoDir(dir),
                (None, None) => anyhow::bail!("give --config FILE or --data DIR"),
            };
            let report = bench_load::run(&bench_load::LoadOptions {
                database,
                seconds,
                connections,
                journey_clients,
                writers,
                events_seconds,
                dir,
            })
            .await?;
            println!();
            print!("{}", report.terminal());
            if let Some(path) = write_md {
                bench_load_report::write_markdown(&report, &path)?;
                println!("results written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command: BenchCommand::Hello { listen },
        } => bench_load_children::hello(&listen).await,
        Command::Bench {
            command:
                BenchCommand::Dashboard {
                    requests,
                    clients,
                    cases,
                    dir,
                },
        } => {
            bench_dashboard::run(&bench_dashboard::DashboardBenchOptions {
                requests,
                clients,
                cases,
                dir,
            })
            .await
        }
        Command::Bulletins {
            command: BulletinsCommand::Draft { month, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            let code = bulletins_cmd::draft(&app, &month).await;
            app.store().close().await;
            code
        }
        Command::Bench {
            command:
                BenchCommand::Indicators {
                    sizes,
                    runs,
                    page_requests,
                    pg_url,
                    skip_sqlite,
                    dir,
                    write_md,
                    rollups_by_unit,
                },
        } => {
            context::init_logging(settings::LogFormat::Text);
            let report = bench_indicators::run(&bench_indicators::IndicatorBenchOptions {
                sizes,
                runs,
                page_requests,
                pg_url,
                skip_sqlite,
                dir,
                rollups_by_day: !rollups_by_unit,
            })
            .await?;
            println!();
            print!("{}", bench_indicators::markdown(&report));
            if let Some(path) = write_md {
                bench_indicators::write_markdown(&report, &path)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Indicators {
            command: IndicatorsCommand::Refresh { year, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            let code = indicators_cmd::refresh(&app, year).await;
            app.store().close().await;
            code
        }
        Command::Applications {
            command: ApplicationsCommand::Verify { config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            admin_cmd::applications_verify(&app).await
        }
        Command::Calendar {
            command: CalendarCommand::Show { year, json, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            calendar_cmd::show(&app, year, json)
        }
        Command::Calendar {
            command: CalendarCommand::Import { file, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            calendar_cmd::import(&app, &file).await
        }
        Command::Lists {
            command:
                ListsCommand::Import {
                    list,
                    edition,
                    file,
                    dry_run,
                    config,
                },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            lists_cmd::import(&app, &list, &edition, &file, dry_run).await
        }
        Command::Bench {
            command:
                BenchCommand::Events {
                    writers,
                    seconds,
                    dir,
                    write_md,
                    keep,
                },
        } => {
            context::init_logging(settings::LogFormat::Text);
            let report = bench::run(&bench::BenchOptions {
                writers,
                seconds,
                dir,
                keep,
            })
            .await?;
            println!();
            print!("{}", report.table());
            if let Some(path) = write_md {
                bench_report::write_markdown(&report, &path)?;
                println!("results written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Search {
                    queries,
                    warmup,
                    pg_url,
                    dir,
                    write_md,
                },
        } => {
            context::init_logging(settings::LogFormat::Text);
            let report = bench_search::run(&bench_search::SearchBenchOptions {
                queries,
                warmup,
                pg_url,
                dir,
            })
            .await?;
            println!();
            print!("{}", report.table());
            if let Some(path) = write_md {
                bench_search::write_markdown(&report, &path)?;
                println!("results written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Licences {
                    seconds,
                    tasks,
                    batch,
                    sample,
                    pg_url,
                    dir,
                    write_md,
                },
        } => {
            context::init_logging(settings::LogFormat::Text);
            let report = bench_licences::run(&bench_licences::LicenceBenchOptions {
                seconds,
                tasks,
                batch,
                sample,
                pg_url,
                dir,
            })
            .await?;
            print!("{}", report.terminal());
            if let Some(path) = write_md {
                bench_licences_report::write_markdown(&report, &path)?;
                println!("results written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Import {
                    pg_url,
                    dir,
                    write_md,
                },
        } => {
            context::init_logging(settings::LogFormat::Text);
            let report = bench_import::run(pg_url.as_deref(), dir).await?;
            println!();
            print!("{}", report.table());
            if let Some(path) = write_md {
                bench_import::write_markdown(&report, &path)?;
                println!("results written to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Licence {
            command: licence_cmd::LicenceCommand::Keys { out, config },
        } => {
            let app = context::open_app(&settings(config.as_ref())?).await?;
            licence_cmd::export_keys(&app, &out).await
        }
        Command::Licence {
            command: licence_cmd::LicenceCommand::Verify { .. },
        } => Ok(ExitCode::SUCCESS),
        Command::Version | Command::Validate { .. } => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_unknown_validate_kind_is_a_usage_error() {
        let err = Cli::try_parse_from(["tongban", "validate", "--kind", "passport"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
    }

    #[test]
    fn bench_load_takes_exactly_one_database() {
        assert!(Cli::try_parse_from(["tongban", "bench", "load"]).is_err());
        let both = [
            "tongban", "bench", "load", "--config", "a.toml", "--data", "d",
        ];
        assert!(Cli::try_parse_from(both).is_err());
        let cli = Cli::try_parse_from(["tongban", "bench", "load", "--data", "d"]).unwrap();
        let Command::Bench {
            command:
                BenchCommand::Load {
                    config,
                    data,
                    connections,
                    ..
                },
        } = cli.command
        else {
            panic!("parsed as {:?}", cli.command);
        };
        assert_eq!((config, data, connections), (None, Some("d".into()), 16));
    }

    #[test]
    fn bench_defaults_are_thirty_two_writers_for_five_seconds() {
        let cli = Cli::try_parse_from(["tongban", "bench", "events"]).unwrap();
        let Command::Bench {
            command:
                BenchCommand::Events {
                    writers,
                    seconds,
                    write_md,
                    ..
                },
        } = cli.command
        else {
            panic!("parsed as {:?}", cli.command);
        };
        assert_eq!((writers, seconds, write_md), (32, 5.0, None));
    }
}
