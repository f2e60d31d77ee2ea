//! `tongban gen` as an operator runs it: a small history on SQLite (twice, to show the same
//! options write the same data) and on PostgreSQL when `TONGBAN_TEST_PG_URL` is set; the audit
//! chain and every case verify, the figures are in the demo's proportions, a citizen and a clerk
//! see the generated cases, and a database that is not empty is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use tongban_app::{App, AppConfig, FakeClock, LoginRequest, Principal};
use tongban_domain::sm3;
use tongban_store::{Store, StoreOptions};

const CASES: u64 = 1_000; // as in `Sandbox::GEN`
const SECRET_HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const MASTER_KEY_HEX: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// A working directory with fixed keys, pointed at one database.
struct Sandbox {
    dir: PathBuf,
    url: String,
}

impl Sandbox {
    fn new(url: Option<String>) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("tongban-gen-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("secret.key"), format!("{SECRET_HEX}\n")).unwrap();
        let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.join("tongban.db").display()));
        Sandbox { dir, url }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tongban"));
        command
            .args(args)
            .current_dir(&self.dir)
            .env("TONGBAN_DATABASE_URL", &self.url)
            .env("TONGBAN_SECRET_KEY_FILE", self.dir.join("secret.key"))
            .env("TONGBAN_LICENCE_MASTER_KEY", MASTER_KEY_HEX)
            .env("RUST_LOG", "warn");
        command
    }

    fn run_ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "tongban {args:?} failed:\n{text}");
        text
    }

    const GEN: [&str; 5] = ["gen", "--applications", "1000", "--seed", "7"];

    fn generate(&self) -> String {
        self.run_ok(&Self::GEN)
    }

    async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.url).await.unwrap()
    }

    async fn app(&self) -> App {
        let store = Store::open(&StoreOptions::new(self.url.clone()), 0)
            .await
            .unwrap();
        let clock = Arc::new(FakeClock::at(time::macros::datetime!(2026-11-30 10:00 +8)));
        let mut config = AppConfig::new(hex::decode(SECRET_HEX).unwrap());
        config.licence_master_key = Some(hex::decode(MASTER_KEY_HEX).unwrap().try_into().unwrap());
        App::new(store, clock, config).await.unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn count(db: &sqlx::AnyPool, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db)
        .await
        .unwrap();
    n
}

/// A digest of what a run wrote that does not depend on fresh randomness: every case row, the
/// hash chain up to the last case event, every rating and the licences' facts (signatures and
/// keys are random by design, and so are password salts).
async fn digest(db: &sqlx::AnyPool) -> String {
    let mut text = String::new();
    let cases: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, number, status, applicant_account, state_json FROM applications ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    for row in cases {
        text.push_str(&format!("{row:?}\n"));
    }
    let (head,): (String,) = sqlx::query_as(
        "SELECT hash FROM events WHERE seq = (SELECT MAX(seq) FROM events
             WHERE entity_type = 'application')",
    )
    .fetch_one(db)
    .await
    .unwrap();
    text.push_str(&head);
    let ratings: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT id, application_id, satisfaction, rated_on, rater_key FROM evaluations ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    for row in ratings {
        text.push_str(&format!("{row:?}\n"));
    }
    let licences: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, type_code, holder_key, application_id FROM licences ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    for row in licences {
        text.push_str(&format!("{row:?}\n"));
    }
    hex::encode(sm3(text.as_bytes()))
}

/// Verifies, counts and reads back a generated database.
async fn check_generated(sb: &Sandbox) {
    let audit = sb.run_ok(&["audit", "verify"]);
    assert!(audit.contains("审计链完整"), "{audit}");
    let cases = sb.run_ok(&["applications", "verify"]);
    assert!(
        cases.contains(&format!("办件 / cases: {CASES},"))
            && cases.contains("不一致 / mismatches: 0"),
        "{cases}"
    );

    let db = sb.pool().await;
    let n = CASES as i64;
    let events = count(
        &db,
        "SELECT COUNT(*) FROM events WHERE entity_type = 'application'",
    )
    .await;
    assert!((6 * n..=14 * n).contains(&events), "{events} case events");
    let completed = count(
        &db,
        "SELECT COUNT(*) FROM applications WHERE status = 'completed'",
    )
    .await;
    assert!(completed * 100 >= n * 80, "{completed} completed of {n}");
    let open = count(
        &db,
        "SELECT COUNT(*) FROM applications WHERE status NOT IN
             ('completed', 'not_accepted', 'withdrawn', 'terminated', 'revoked', 'draft')",
    )
    .await;
    assert!(open >= 5 && open * 100 <= n * 6, "{open} open of {n}");
    let rated = count(&db, "SELECT COUNT(*) FROM evaluations").await;
    assert!(
        rated * 100 >= completed * 70 && rated <= completed,
        "{rated} ratings for {completed} completed"
    );
    let licences = count(
        &db,
        "SELECT COUNT(*) FROM licences WHERE application_id IS NOT NULL",
    )
    .await;
    assert!(
        licences * 5 >= n && licences <= completed,
        "{licences} licences"
    );
    let applicants = count(
        &db,
        "SELECT COUNT(DISTINCT applicant_account) FROM applications",
    )
    .await;
    assert!(applicants * 2 >= n, "{applicants} applicants for {n} cases");
    // The projections a server reads are in place: the indicators have read the whole log and
    // the licence history counts as pushed upstream.
    let head = count(&db, "SELECT MAX(seq) FROM events").await;
    let projected = count(&db, "SELECT MAX(last_seq) FROM indicator_cursor").await;
    assert_eq!(
        projected, head,
        "the indicator projector is at the head of the log"
    );
    let rollups = count(&db, "SELECT COUNT(*) FROM indicator_rollups").await;
    assert!(rollups > 0);
    let pushed = count(
        &db,
        "SELECT last_seq FROM upstream_cursors WHERE stream = 'licences'",
    )
    .await;
    assert_eq!(pushed, head, "nothing of the history is left to push");

    // A citizen sees their cases, a clerk of the city's market regulator the work waiting.
    let (login,): (String,) = sqlx::query_as(
        "SELECT a.login FROM applications p JOIN accounts a ON a.id = p.applicant_account
         WHERE a.kind = 'citizen' GROUP BY a.login ORDER BY COUNT(*) DESC, a.login LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let app = sb.app().await;
    let citizen = sign_in(&app, &login, tongban_demo::CITIZEN_PASSWORD).await;
    let mine = app.my_applications(&citizen, 50, 0).await.unwrap();
    assert!(!mine.is_empty(), "{login} sees their cases");
    let view = app.application_view(&citizen, &mine[0].id).await.unwrap();
    assert_eq!(view.app.id, mine[0].id);
    let reviewer = sign_in(&app, "reviewer", tongban_demo::STAFF_PASSWORD).await;
    let queue = app.work_queue(&reviewer, 50).await.unwrap();
    assert!(
        !queue.entries.is_empty(),
        "the demo reviewer finds work waiting"
    );

    // A second run into the same database is refused, and changes nothing.
    let head = count(&db, "SELECT MAX(seq) FROM events").await;
    let again = sb.run(&["gen", "--applications", "10"]);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("数据库不是空的") && err.contains("not empty"),
        "{err}"
    );
    assert_eq!(count(&db, "SELECT MAX(seq) FROM events").await, head);
}

async fn sign_in(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "test".into(),
    })
    .await
    .unwrap()
    .principal
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_sqlite_history_verifies_is_served_and_is_the_same_every_run() {
    let (first, second) = (Sandbox::new(None), Sandbox::new(None));
    // The second run goes alongside the first.
    let mut twin = second
        .command(&Sandbox::GEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = first.generate();
    assert!(
        out.contains("applications") && out.contains(&format!("{CASES}/{CASES}")),
        "{out}"
    );
    check_generated(&first).await;
    assert!(twin.wait().unwrap().success());
    let (a, b) = (first.pool().await, second.pool().await);
    assert_eq!(
        digest(&a).await,
        digest(&b).await,
        "the same count and seed write the same history"
    );
    // The digest does see the rows: one changed rating changes it.
    sqlx::query("UPDATE evaluations SET satisfaction = 6 - satisfaction WHERE id = (SELECT MIN(id) FROM evaluations)")
        .execute(&b)
        .await
        .unwrap();
    assert_ne!(digest(&a).await, digest(&b).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_postgresql_history_verifies_and_is_served() {
    let Ok(admin_url) = std::env::var("TONGBAN_TEST_PG_URL") else {
        eprintln!("skipped: set TONGBAN_TEST_PG_URL to generate into PostgreSQL");
        return;
    };
    sqlx::any::install_default_drivers();
    let schema = format!("tb_gen_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let sb = Sandbox::new(Some(format!(
        "{admin_url}{sep}options[search_path]={schema}"
    )));
    sb.generate();
    check_generated(&sb).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .unwrap();
}
