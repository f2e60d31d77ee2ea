//! `bench lifecycle`: complete three-step life cycles per second (submit → 受理 → 审查 → 决定,
//! every transition through `App::act_on_application`, durable with its event), next to the
//! bare durable commit rate and SpiffWorkflow running the same process with its state saved to
//! SQLite (synchronous=FULL) at every step.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tongban_app::applications::StartRequest;
use tongban_app::{App, AppConfig, LoginRequest, Principal, SystemClock};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::{AcceptanceMode, AttachedMaterial, Command};
use tongban_store::{Store, StoreOptions};

/// The set-up of a run.
#[derive(Debug, Clone)]
pub struct LifecycleOptions {
    pub tasks: usize,
    pub seconds: f64,
    pub dir: Option<PathBuf>,
}

/// What one engine did.
#[derive(Debug, Clone)]
pub struct LifecycleResult {
    pub cycles: u64,
    pub transitions: u64,
    pub seconds: f64,
}

impl LifecycleResult {
    pub fn per_second(&self) -> f64 {
        self.cycles as f64 / self.seconds.max(1e-9)
    }
}

/// The people of one life cycle.
struct Cast {
    citizen: Principal,
    clerk: Principal,
    reviewer: Principal,
    approver: Principal,
    item_id: String,
    materials: Vec<String>,
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

/// Seeds the demo city and catalogue at `url` and finds a county 市场监管 item with a
/// 受理 → 审查 → 决定 route.
async fn prepare(url: &str) -> anyhow::Result<(App, Store, Cast)> {
    let store = Store::open(&StoreOptions::new(url.to_string()), 0)
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
    let cast = Cast {
        citizen: login(&app, "citizen", CITIZEN_PASSWORD).await?,
        clerk: login(&app, "clerk-511902-1", STAFF_PASSWORD).await?,
        reviewer: login(
            &app,
            &format!("reviewer-{}", item.department_id),
            STAFF_PASSWORD,
        )
        .await?,
        approver: login(
            &app,
            &format!("approver-{}", item.department_id),
            STAFF_PASSWORD,
        )
        .await?,
        item_id: found.item_id,
        materials: item
            .materials
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.clone())
            .collect(),
    };
    Ok((app, store, cast))
}

/// One complete life cycle; returns the number of transitions it made.
async fn cycle(app: &App, cast: &Cast, n: u64) -> anyhow::Result<u64> {
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
        let blob = format!("{:064x}", n * 64 + k as u64);
        let cmd = Command::AttachMaterial(AttachedMaterial {
            material: material.clone(),
            blob_id: blob,
            file_name: format!("{material}.pdf"),
            size: 1000,
            media_type: "application/pdf".into(),
        });
        app.act_on_application(&cast.citizen, &case.id, None, cmd)
            .await?;
        transitions += 1;
    }
    let steps = [
        (&cast.citizen, Command::Submit),
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
        app.act_on_application(who, &case.id, None, cmd).await?;
        transitions += 1;
    }
    Ok(transitions)
}

/// Runs `tasks` concurrent loops of life cycles for `seconds` on the store at `url`.
pub async fn engine(
    _name: &str,
    url: &str,
    options: &LifecycleOptions,
) -> anyhow::Result<LifecycleResult> {
    let (app, store, cast) = prepare(url).await?;
    let app = Arc::new(app);
    let cast = Arc::new(cast);
    let deadline = Instant::now() + Duration::from_secs_f64(options.seconds);
    let start = Instant::now();
    let mut handles = Vec::new();
    for task in 0..options.tasks {
        let (app, cast) = (app.clone(), cast.clone());
        handles.push(tokio::spawn(async move {
            let (mut cycles, mut transitions) = (0u64, 0u64);
            let mut n = task as u64 * 1_000_000;
            while Instant::now() < deadline {
                transitions += cycle(&app, &cast, n).await?;
                cycles += 1;
                n += 1;
            }
            Ok::<_, anyhow::Error>((cycles, transitions))
        }));
    }
    let (mut cycles, mut transitions) = (0, 0);
    for h in handles {
        let (c, t) = h.await.context("a benchmark task panicked")??;
        cycles += c;
        transitions += t;
    }
    let seconds = start.elapsed().as_secs_f64();
    store.close().await;
    Ok(LifecycleResult {
        cycles,
        transitions,
        seconds,
    })
}

/// The SQLite file for `name` in the benchmark directory.
pub fn sqlite_url(dir: &Path, name: &str) -> anyhow::Result<String> {
    let path = dir.join(format!("{name}-{:016x}.db", rand::random::<u64>()));
    let text = path
        .to_str()
        .context("the benchmark directory must be UTF-8")?;
    Ok(format!("sqlite://{text}"))
}

/// SpiffWorkflow's figure from `bench/spiff/spiff_bench.py`, or why there is none.
pub fn spiff(seconds: f64) -> Result<f64, String> {
    let out = std::process::Command::new("python3")
        .args([
            "bench/spiff/spiff_bench.py",
            "--seconds",
            &format!("{seconds}"),
        ])
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
    value["lifecycles_per_s"]
        .as_f64()
        .ok_or_else(|| format!("no lifecycles_per_s in {line}"))
}

/// Runs the SQLite life cycles, the bare commit rate and SpiffWorkflow, and prints them.
pub async fn run(options: &LifecycleOptions) -> anyhow::Result<std::process::ExitCode> {
    let dir = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let bare_path = dir.join(format!("bare-{:016x}.db", rand::random::<u64>()));
    let bare =
        crate::bench::bare_commits(&bare_path, Duration::from_secs_f64(options.seconds)).await?;
    let _ = std::fs::remove_file(&bare_path);
    let bare_rate = bare.ops as f64 / bare.seconds.max(1e-9);
    let sqlite = engine("SQLite", &sqlite_url(&dir, "lifecycle")?, options).await?;
    println!(
        "SQLite: {} life cycles ({} transitions) in {:.2} s = {:.1} cycles/s; bare durable commits {:.1}/s",
        sqlite.cycles,
        sqlite.transitions,
        sqlite.seconds,
        sqlite.per_second(),
        bare_rate
    );
    match spiff(options.seconds) {
        Ok(rate) => println!(
            "SpiffWorkflow: {rate:.1} cycles/s; Tongban/Spiff = {:.1}x (goal >= 30x)",
            sqlite.per_second() / rate.max(1e-9)
        ),
        Err(why) => println!("SpiffWorkflow: not measured ({why})"),
    }
    Ok(std::process::ExitCode::SUCCESS)
}
