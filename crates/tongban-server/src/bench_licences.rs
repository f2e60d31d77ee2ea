//! `tongban bench licences`: electronic licences issued and verified per second, next to the
//! bare SM2 sign and verify rate of the same header measured in the same run.
//!
//! Bare rates: `LicenceSigner::sign` / `LicenceVerifier::verify` on a typical signed header, on
//! one thread and on every core (std threads). Then per engine (SQLite always, PostgreSQL with
//! `--pg-url`), on a fresh database seeded with a small demo city and the demo 证照目录:
//! issue-and-sign in bulk (`App::sign_and_write`, batches of drafts) and by hand
//! (`App::issue_licence` from many concurrent tasks, each its own unit of work); then verify end
//! to end (`SignedLicence::from_qr` + `App::check_licence`: parse, SM3, SM2, status lookup) and
//! verify-and-record (`App::verify_licence`, which also writes the 用证记录 row) from many
//! concurrent tasks, on QR payloads of the licences just issued.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use tokio::task::JoinSet;
use tongban_app::licences::{IssueRequest, LicenceDraft, TypeSeed, VerifyInput, random_serial};
use tongban_app::{App, AppConfig, Clock as _, LoginRequest, Principal, SystemClock};
use tongban_demo::{DemoCity, DemoConfig, STAFF_PASSWORD};
use tongban_domain::licence::{
    Holder, HolderKind, LicenceFacts, LicenceId, LicenceSigner, LicenceState, LicenceType,
    SignedHeader, SignedLicence,
};
use tongban_store::{LicenceRow, Store, StoreOptions};

use crate::bench_licences_report::{BareFigures, EngineFigures, LicenceReport, Rate};
use crate::bench_lifecycle::{PgSchema, sqlite_url};
use crate::bench_report::Machine;
use crate::context::now_ms;

/// The department that issues, and its approver's login (the demo city's 市场监管局).
const ISSUER: &str = "511900-scjgj";
const ISSUER_LOGIN: &str = "approver";

/// The set-up of a run.
#[derive(Debug, Clone)]
pub struct LicenceBenchOptions {
    /// Length of each timed phase.
    pub seconds: f64,
    /// Concurrent tasks of the single-issue and verify phases.
    pub tasks: usize,
    /// Drafts per `sign_and_write` call in the bulk phase.
    pub batch: usize,
    /// At most this many stored licences are verified (round-robin).
    pub sample: usize,
    /// PostgreSQL database to make a throw-away schema in.
    pub pg_url: Option<String>,
    /// Where the SQLite file is made (default: the system temporary directory).
    pub dir: Option<PathBuf>,
}

impl Default for LicenceBenchOptions {
    fn default() -> Self {
        Self {
            seconds: 3.0,
            tasks: 32,
            batch: 1000,
            sample: 5000,
            pg_url: None,
            dir: None,
        }
    }
}

/// What every engine issues: the demo city, its catalogue, one type and its holders.
struct Plan {
    city: DemoCity,
    licence_type: LicenceType,
    issuer_name: String,
    issuer_code: String,
    holders: Vec<Holder>,
    face: std::collections::BTreeMap<String, String>,
}

impl Plan {
    fn new() -> anyhow::Result<Plan> {
        let city = tongban_demo::generate(&DemoConfig {
            seed: 7,
            citizens: 20,
            enterprises: 5,
        });
        let types = tongban_demo::licence_types(&city);
        let issued_here = |t: &&LicenceType| t.issuing_department_ids.iter().any(|d| d == ISSUER);
        let licence_type = types
            .iter()
            .filter(issued_here)
            .find(|t| t.holder_kind == HolderKind::Person)
            .or_else(|| types.iter().find(issued_here))
            .cloned()
            .with_context(|| format!("no demo licence type issued by {ISSUER}"))?;
        let department = city
            .departments
            .iter()
            .find(|d| d.key == ISSUER)
            .with_context(|| format!("no department {ISSUER} in the demo city"))?;
        let holders: Vec<Holder> = match licence_type.holder_kind {
            HolderKind::Person => city
                .citizens
                .iter()
                .map(|c| Holder {
                    name: c.name.clone(),
                    kind: HolderKind::Person,
                    code: c.id_number.clone(),
                })
                .collect(),
            HolderKind::Organisation => city
                .enterprises
                .iter()
                .map(|e| Holder {
                    name: e.name.clone(),
                    kind: HolderKind::Organisation,
                    code: e.uscc.clone(),
                })
                .collect(),
        };
        anyhow::ensure!(!holders.is_empty(), "the demo city has no holders");
        let face = licence_type
            .face_fields
            .iter()
            .map(|f| (f.key.clone(), format!("{}（性能测试）", f.label)))
            .collect();
        Ok(Plan {
            issuer_name: department.name.clone(),
            issuer_code: department.uscc.clone(),
            city,
            licence_type,
            holders,
            face,
        })
    }

    /// The `n`th draft, as an import or the demo builds them: a fresh identifier every time.
    fn draft(&self, n: usize) -> anyhow::Result<LicenceDraft> {
        let lt = &self.licence_type;
        let serial = random_serial();
        let id = LicenceId::generate(&lt.code, &self.issuer_code, &serial, 1)
            .map_err(|e| anyhow::anyhow!("licence identifier: {e}"))?;
        let today = SystemClock.now().date();
        let facts = LicenceFacts {
            id,
            type_code: lt.code.clone(),
            name: lt.name.clone(),
            number: format!("BENCH{n:08}{}", &serial[..6]),
            holder: self.holders[n % self.holders.len()].clone(),
            issuer_name: self.issuer_name.clone(),
            issuer_code: self.issuer_code.clone(),
            issued_on: today,
            valid_from: today,
            valid_until: lt.validity.until(today),
            face: self.face.clone(),
        };
        Ok(LicenceDraft {
            licence_type: lt.clone(),
            facts,
            issuer_department_id: ISSUER.to_string(),
            source: "import",
            application_id: None,
            state: LicenceState::Active,
            state_reason: String::new(),
            warning: String::new(),
        })
    }

    /// The manual request for the `n`th licence.
    fn request(&self, n: usize) -> IssueRequest {
        let holder = &self.holders[n % self.holders.len()];
        IssueRequest {
            type_code: self.licence_type.code.to_string(),
            holder_name: holder.name.clone(),
            holder_code: holder.code.clone(),
            face: self.face.clone(),
            valid_from: None,
            number: None,
        }
    }
}

fn check_options(options: &LicenceBenchOptions) -> anyhow::Result<()> {
    anyhow::ensure!(
        options.seconds > 0.0 && options.seconds.is_finite(),
        "--seconds must be positive"
    );
    anyhow::ensure!(options.tasks >= 1, "--tasks must be at least 1");
    anyhow::ensure!(options.batch >= 1, "--batch must be at least 1");
    anyhow::ensure!(options.sample >= 1, "--sample must be at least 1");
    Ok(())
}

/// Runs the bare rates, then every engine.
pub async fn run(options: &LicenceBenchOptions) -> anyhow::Result<LicenceReport> {
    check_options(options)?;
    let base = options.dir.clone().unwrap_or_else(std::env::temp_dir);
    let run_dir = base.join(format!(
        "tongban-bench-licences-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&run_dir).with_context(|| format!("creating {}", run_dir.display()))?;
    let machine = Machine::detect(&run_dir);
    let result = measure(&run_dir, options).await;
    if let Err(err) = std::fs::remove_dir_all(&run_dir) {
        eprintln!("warning: could not remove {}: {err}", run_dir.display());
    }
    let (bare, engines) = result?;
    Ok(LicenceReport {
        seconds: options.seconds,
        tasks: options.tasks,
        batch: options.batch,
        bare,
        engines,
        machine,
        date: SystemClock.now().date().to_string(),
    })
}

async fn measure(
    dir: &Path,
    options: &LicenceBenchOptions,
) -> anyhow::Result<(BareFigures, Vec<EngineFigures>)> {
    let plan = Arc::new(Plan::new()?);
    let duration = Duration::from_secs_f64(options.seconds);
    let bare = bare_rates(&plan, duration).await?;
    let mut engines = vec![
        engine(
            "SQLite",
            &sqlite_url(dir, "licences")?,
            plan.clone(),
            options,
        )
        .await
        .context("SQLite")?,
    ];
    if let Some(admin_url) = &options.pg_url {
        let schema = PgSchema::create(admin_url, "licences").await?;
        let result = engine("PostgreSQL", &schema.url, plan.clone(), options).await;
        schema.drop().await?;
        engines.push(result.context("PostgreSQL")?);
    }
    Ok((bare, engines))
}

/// A signer with a random key.
fn random_signer() -> anyhow::Result<LicenceSigner> {
    for _ in 0..8 {
        if let Ok(signer) = LicenceSigner::from_scalar(&rand::random::<[u8; 32]>()) {
            return Ok(signer);
        }
    }
    anyhow::bail!("could not draw an SM2 key")
}

/// `op` on `threads` std threads for `duration`: how many calls in how long (wall clock).
fn on_threads(
    threads: usize,
    duration: Duration,
    op: &(dyn Fn() -> anyhow::Result<()> + Sync),
) -> anyhow::Result<Rate> {
    let start = Instant::now();
    let deadline = start + duration;
    let counts: Vec<anyhow::Result<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        op()?;
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))
            })
            .collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let mut ops = 0;
    for count in counts {
        ops += count?;
    }
    Ok(Rate { ops, seconds })
}

/// The bare sm2 rates on one thread and on every core, on the header a licence of the plan
/// has.
async fn bare_rates(plan: &Plan, duration: Duration) -> anyhow::Result<BareFigures> {
    let signer = random_signer()?;
    let draft = plan.draft(0)?;
    let header = SignedHeader::of(&draft.facts, signer.key_id()).to_bytes();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "bare sm2: sign and verify a {}-byte header, 1 thread and {threads} threads, {:.1} s each …",
        header.len(),
        duration.as_secs_f64()
    );
    let figures = tokio::task::spawn_blocking(move || -> anyhow::Result<BareFigures> {
        let sign = || -> anyhow::Result<()> {
            std::hint::black_box(signer.sign(std::hint::black_box(&header)));
            Ok(())
        };
        let signature = signer.sign(&header);
        let verifier = signer.verifier();
        let verify = || -> anyhow::Result<()> {
            let ok = verifier
                .verify(std::hint::black_box(&header), &signature)
                .map_err(|e| anyhow::anyhow!("bare verify: {e}"))?;
            anyhow::ensure!(ok, "the bare signature did not verify");
            Ok(())
        };
        Ok(BareFigures {
            header_bytes: header.len(),
            threads,
            sign_one: on_threads(1, duration, &sign)?,
            sign_all: on_threads(threads, duration, &sign)?,
            verify_one: on_threads(1, duration, &verify)?,
            verify_all: on_threads(threads, duration, &verify)?,
        })
    })
    .await
    .context("the bare sm2 thread")??;
    println!(
        "    sign {:.0}/s (1 thread), {:.0}/s ({threads}); verify {:.0}/s (1 thread), {:.0}/s ({threads})",
        figures.sign_one.per_second(),
        figures.sign_all.per_second(),
        figures.verify_one.per_second(),
        figures.verify_all.per_second()
    );
    Ok(figures)
}

/// Opens and seeds a fresh database at `url`: the demo city and the demo 证照目录.
async fn prepare(url: &str, plan: &Plan) -> anyhow::Result<(App, Store, Principal)> {
    let store = Store::open(&StoreOptions::new(url.to_string()), now_ms())
        .await
        .context("opening the database")?;
    let mut config = AppConfig::new(rand::random::<[u8; 32]>().to_vec());
    config.licence_master_key = Some(rand::random());
    config.public_base_url = "https://tongban.example".into();
    let app = App::new(store.clone(), Arc::new(SystemClock), config)
        .await
        .context("starting the application")?;
    app.seed_demo(plan.city.clone())
        .await
        .context("seeding the demo city")?;
    app.load_licence_catalogue(
        None,
        TypeSeed {
            types: tongban_demo::licence_types(&plan.city),
            recognitions: tongban_demo::recognitions(&plan.city),
        },
    )
    .await
    .context("loading the licence catalogue")?;
    let approver = app
        .login(LoginRequest {
            login: ISSUER_LOGIN.into(),
            password: STAFF_PASSWORD.into(),
            client: "bench".into(),
        })
        .await
        .context("logging in as the issuing approver")?
        .principal;
    Ok((app, store, approver))
}

async fn engine(
    name: &str,
    url: &str,
    plan: Arc<Plan>,
    options: &LicenceBenchOptions,
) -> anyhow::Result<EngineFigures> {
    println!("{name}: seeding the demo city and its 证照目录 …");
    let (app, store, approver) = prepare(url, &plan).await?;
    let result = phases(name, &app, &approver, plan, options).await;
    store.close().await;
    result
}

async fn phases(
    name: &str,
    app: &App,
    approver: &Principal,
    plan: Arc<Plan>,
    options: &LicenceBenchOptions,
) -> anyhow::Result<EngineFigures> {
    let duration = Duration::from_secs_f64(options.seconds);
    // The department's key is created on first use: not part of any timed phase.
    app.sign_and_write(vec![plan.draft(0)?], "bench")
        .await
        .context("the first licence")?;

    println!(
        "{name}: issue in bulk, sign_and_write of {} drafts at a time …",
        options.batch
    );
    let (issue_bulk, mut rows) = issue_bulk(app, &plan, options.batch, duration).await?;
    println!("    {:.0} licences/s", issue_bulk.per_second());

    println!(
        "{name}: issue one at a time, issue_licence from {} tasks …",
        options.tasks
    );
    let issue_single = issue_single(app, approver, &plan, options.tasks, duration).await?;
    println!("    {:.0} licences/s", issue_single.per_second());

    rows.truncate(options.sample);
    let texts = Arc::new(qr_texts(app, approver, &plan, &rows).await?);
    println!(
        "{name}: verify end to end (from_qr + check_licence) on {} licences from {} tasks …",
        texts.len(),
        options.tasks
    );
    let verify_e2e = verify(app, &texts, options.tasks, duration, false).await?;
    println!("    {:.0} verifications/s", verify_e2e.per_second());
    println!("{name}: verify and record (verify_licence) …");
    let verify_record = verify(app, &texts, options.tasks, duration, true).await?;
    println!("    {:.0} verifications/s", verify_record.per_second());

    Ok(EngineFigures {
        engine: name.to_string(),
        issue_bulk,
        issue_single,
        verify_e2e,
        verify_record,
        verified_licences: texts.len(),
    })
}

/// Batches of drafts through `sign_and_write` until the time is up; only the calls are timed.
async fn issue_bulk(
    app: &App,
    plan: &Plan,
    batch: usize,
    duration: Duration,
) -> anyhow::Result<(Rate, Vec<LicenceRow>)> {
    let mut rows = Vec::new();
    let mut timed = Duration::ZERO;
    let mut n = 1;
    while timed < duration {
        let drafts = (n..n + batch)
            .map(|k| plan.draft(k))
            .collect::<anyhow::Result<Vec<_>>>()?;
        n += batch;
        let start = Instant::now();
        let written = app
            .sign_and_write(drafts, "bench")
            .await
            .context("sign_and_write")?;
        timed += start.elapsed();
        anyhow::ensure!(written.len() == batch, "a draft was not written");
        rows.extend(written);
    }
    let rate = Rate {
        ops: rows.len() as u64,
        seconds: timed.as_secs_f64(),
    };
    Ok((rate, rows))
}

/// `tasks` tasks each issuing by hand, one licence per call, until the time is up.
async fn issue_single(
    app: &App,
    approver: &Principal,
    plan: &Arc<Plan>,
    tasks: usize,
    duration: Duration,
) -> anyhow::Result<Rate> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let (app, approver, plan) = (app.clone(), approver.clone(), plan.clone());
        set.spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                app.issue_licence(&approver, plan.request(task + n as usize))
                    .await
                    .context("issue_licence")?;
                n += 1;
            }
            Ok::<u64, anyhow::Error>(n)
        });
    }
    collect(set, start).await
}

async fn collect(mut set: JoinSet<anyhow::Result<u64>>, start: Instant) -> anyhow::Result<Rate> {
    let mut ops = 0;
    while let Some(joined) = set.join_next().await {
        ops += joined.context("a task failed")??;
    }
    Ok(Rate {
        ops,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The QR texts of `rows`, as the licence view shows them (the first is checked against
/// `App::licence_view`).
async fn qr_texts(
    app: &App,
    approver: &Principal,
    plan: &Plan,
    rows: &[LicenceRow],
) -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::with_capacity(rows.len());
    for (k, row) in rows.iter().enumerate() {
        let draft_facts = facts_of_row(plan, row)?;
        let signed = SignedLicence {
            header_bytes: SignedHeader::of(&draft_facts, &row.key_id).to_bytes(),
            signature: base64::engine::general_purpose::STANDARD
                .decode(&row.signature)
                .context("a stored signature is not base64")?,
        };
        let text = app.licence_qr_text(&signed);
        if k == 0 {
            let view = app.licence_view(approver, &row.id).await?;
            anyhow::ensure!(
                view.qr_text == text,
                "the QR text differs from the licence view's"
            );
        }
        texts.push(text);
    }
    anyhow::ensure!(!texts.is_empty(), "no licence to verify");
    Ok(texts)
}

/// The facts of a row the bulk phase wrote (every one is of the plan's type).
fn facts_of_row(plan: &Plan, row: &LicenceRow) -> anyhow::Result<LicenceFacts> {
    let lt = &plan.licence_type;
    let date = |s: &str| {
        time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .with_context(|| format!("stored date {s}"))
    };
    Ok(LicenceFacts {
        id: LicenceId::try_from(row.id.clone())
            .map_err(|e| anyhow::anyhow!("stored identifier: {e}"))?,
        type_code: lt.code.clone(),
        name: row.name.clone(),
        number: row.number.clone(),
        holder: Holder {
            name: row.holder_name.clone(),
            kind: lt.holder_kind,
            code: row.holder_code.clone(),
        },
        issuer_name: row.issuer_name.clone(),
        issuer_code: row.issuer_code.clone(),
        issued_on: date(&row.issued_on)?,
        valid_from: date(&row.valid_from)?,
        valid_until: row.valid_until.as_deref().map(date).transpose()?,
        face: serde_json::from_str(&row.face).context("stored face")?,
    })
}

/// `tasks` tasks verifying the QR texts round-robin until the time is up: with `record`,
/// through `App::verify_licence` (which writes the 用证记录 row), else parse + `check_licence`.
async fn verify(
    app: &App,
    texts: &Arc<Vec<String>>,
    tasks: usize,
    duration: Duration,
    record: bool,
) -> anyhow::Result<Rate> {
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let (app, texts) = (app.clone(), texts.clone());
        set.spawn(async move {
            let mut n = 0u64;
            let mut i = task % texts.len();
            while Instant::now() < deadline {
                let text = &texts[i];
                let v = if record {
                    app.verify_licence(VerifyInput::Payload(text.clone()), None)
                        .await?
                } else {
                    let signed = SignedLicence::from_qr(text)
                        .map_err(|e| anyhow::anyhow!("QR payload: {e}"))?;
                    app.check_licence(&signed, None).await?
                };
                anyhow::ensure!(v.is_valid(), "licence {} did not verify as valid", v.id);
                n += 1;
                i = (i + tasks) % texts.len();
            }
            Ok::<u64, anyhow::Error>(n)
        });
    }
    collect(set, start).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_run_reports_every_figure() {
        let dir =
            std::env::temp_dir().join(format!("tongban-bench-lic-test-{}", std::process::id()));
        let options = LicenceBenchOptions {
            seconds: 0.2,
            tasks: 4,
            batch: 70,
            sample: 50,
            pg_url: None,
            dir: Some(dir.clone()),
        };
        let report = run(&options).await.unwrap();
        let b = &report.bare;
        assert!(b.header_bytes > 300);
        for rate in [&b.sign_one, &b.sign_all, &b.verify_one, &b.verify_all] {
            assert!(rate.ops > 0);
        }
        let [e] = report.engines.as_slice() else {
            panic!("one engine expected");
        };
        for rate in [
            &e.issue_bulk,
            &e.issue_single,
            &e.verify_e2e,
            &e.verify_record,
        ] {
            assert!(rate.ops > 0 && rate.seconds > 0.0);
        }
        assert_eq!(e.issue_bulk.ops % 70, 0);
        assert_eq!(e.verified_licences, 50);
        let md = report.markdown();
        for needle in [
            "## Electronic licences",
            "sign, bare sm2, 1 thread",
            "sign, bare sm2, all cores",
            "verify, bare sm2, all cores",
            "issue in bulk",
            "issue one at a time",
            "verify end to end",
            "verify and record",
            "goal ≥ 80 %",
            "### Machine",
        ] {
            assert!(md.contains(needle), "{needle} missing from\n{md}");
        }
        assert!(!report.terminal().is_empty());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
