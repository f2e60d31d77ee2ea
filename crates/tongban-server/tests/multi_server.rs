//! Three `tongban serve` processes on one PostgreSQL schema run the background work together:
//! every notice is sent once (the union of the three processes' SMS and email files), every
//! licence event reaches the fake provincial receiver once and in log order, and every overdue
//! step is escalated once, with nothing skipped. Runs only when `TONGBAN_TEST_PG_URL` is set
//! (CI sets it); otherwise it says so and passes. The data is made in-process with the fake
//! clock two months back, so the servers' real clock finds the steps overdue.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::macros::datetime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tongban_app::applications::StartRequest;
use tongban_app::{App, AppConfig, FakeClock, LoginRequest, Principal};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::{AcceptanceMode, Command as CaseCommand};
use tongban_store::{NewEvent, Store, StoreError, StoreOptions};

const SERVERS: usize = 3;
const CASES: usize = 12;
const LICENCE_EVENTS: usize = 150;
const SECRET_HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const MASTER_KEY_HEX: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_on_one_database_send_push_and_escalate_everything_exactly_once() {
    let Ok(admin_url) = std::env::var("TONGBAN_TEST_PG_URL") else {
        eprintln!("skipped: set TONGBAN_TEST_PG_URL to run three servers on one PostgreSQL");
        return;
    };
    let started = Instant::now();
    sqlx::any::install_default_drivers();
    let schema = format!("tb_multi_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{sep}options[search_path]={schema}");
    let dir = std::env::temp_dir().join(format!("tongban-multi-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("secret.key"), format!("{SECRET_HEX}\n")).unwrap();

    let cases = seed(&url, &dir).await;
    eprintln!("seeded in {:?}", started.elapsed());
    let receiver = Receiver::start().await;
    let mut servers = Servers(Vec::new());
    for i in 0..SERVERS {
        servers.0.push(Server::start(i, &url, &dir, &receiver.url));
    }
    for server in &mut servers.0 {
        server.wait_until_healthy(Duration::from_secs(60)).await;
    }
    eprintln!("servers up after {:?}", started.elapsed());

    let db = sqlx::AnyPool::connect(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let progress = Progress::read(&db, &receiver).await;
        if progress.is_done(cases.len()) {
            break;
        }
        if Instant::now() > deadline {
            panic!(
                "background work unfinished after 90 s: {progress:?}\n{}",
                servers.logs()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("all work done after {:?}", started.elapsed());
    servers.stop_all();

    // Every outbox message was sent, and each appears once in the union of the three
    // processes' sender files.
    let outbox: Vec<(String, String)> =
        sqlx::query_as("SELECT idempotency_key, status FROM outbox ORDER BY idempotency_key")
            .fetch_all(&db)
            .await
            .unwrap();
    assert!(
        outbox.iter().all(|(_, status)| status == "sent"),
        "{outbox:?}"
    );
    let mut written: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_server = Vec::new();
    for i in 0..SERVERS {
        let mut lines = 0;
        for channel in ["sms", "email"] {
            for key in sent_keys(&dir.join(format!("{channel}-{i}.jsonl"))) {
                *written.entry(key).or_default() += 1;
                lines += 1;
            }
        }
        per_server.push(lines);
    }
    let twice: Vec<_> = written.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    let expected: BTreeSet<String> = outbox.into_iter().map(|(k, _)| k).collect();
    let delivered: BTreeSet<String> = written.into_keys().collect();
    assert_eq!(delivered, expected, "every message, none skipped");
    assert!(
        expected.len() > CASES,
        "acceptances and escalations were told"
    );
    let outcomes = count_events(&db, "outbox.sent").await;
    assert_eq!(
        outcomes,
        expected.len() as i64,
        "one outbox.sent per message"
    );

    // Every licence event reached the receiver once, in log order.
    let licence_seqs: Vec<(i64,)> = sqlx::query_as(
        "SELECT seq FROM events WHERE action IN ('licence.issued', 'licence.suspended',
             'licence.revoked', 'licence.reinstated') ORDER BY seq",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let licence_seqs: Vec<i64> = licence_seqs.into_iter().map(|(s,)| s).collect();
    assert_eq!(licence_seqs.len(), LICENCE_EVENTS);
    let received = receiver.received();
    let received_seqs: Vec<i64> = received.iter().map(|(_, seq)| *seq).collect();
    assert_eq!(received_seqs, licence_seqs, "each once, in order, no gaps");
    let keys: BTreeSet<&String> = received.iter().map(|(k, _)| k).collect();
    assert_eq!(keys.len(), LICENCE_EVENTS, "distinct idempotency keys");

    // Every overdue case was escalated exactly once.
    let escalations: Vec<(String, i64)> = sqlx::query_as(
        "SELECT entity_id, COUNT(*) FROM events WHERE action = 'application.escalated'
          GROUP BY entity_id ORDER BY entity_id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let mut want: Vec<(String, i64)> = cases.iter().map(|id| (id.clone(), 1)).collect();
    want.sort();
    assert_eq!(escalations, want);

    eprintln!(
        "{} messages (per server {per_server:?}), {LICENCE_EVENTS} pushes, {CASES} escalations \
         in {:?}",
        expected.len(),
        started.elapsed()
    );
    db.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the background work stands.
#[derive(Debug)]
struct Progress {
    escalated_cases: i64,
    unsent_messages: i64,
    received: usize,
}

impl Progress {
    async fn read(db: &sqlx::AnyPool, receiver: &Receiver) -> Progress {
        let (escalated_cases,): (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT entity_id) FROM events WHERE action = 'application.escalated'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (unsent_messages,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
                .fetch_one(db)
                .await
                .unwrap();
        Progress {
            escalated_cases,
            unsent_messages,
            received: receiver.received().len(),
        }
    }

    fn is_done(&self, cases: usize) -> bool {
        self.escalated_cases == cases as i64
            && self.unsent_messages == 0
            && self.received >= LICENCE_EVENTS
    }
}

async fn count_events(db: &sqlx::AnyPool, action: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE action = $1")
        .bind(action)
        .fetch_one(db)
        .await
        .unwrap();
    n
}

/// The idempotency keys a process's file sender wrote.
fn sent_keys(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["idempotency_key"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Seeds the demo city and catalogue, and makes the work: `CASES` cases accepted two months
/// ago (their review step long overdue, their applicant told by SMS) and `LICENCE_EVENTS`
/// licence events to push. Returns the ids of the overdue cases.
async fn seed(url: &str, dir: &Path) -> Vec<String> {
    // Tuesday 2026-09-01, 10:00 Beijing.
    let clock = Arc::new(FakeClock::at(datetime!(2026-09-01 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let secret = hex::decode(SECRET_HEX).unwrap();
    let app = App::new(store, clock, AppConfig::new(secret))
        .await
        .unwrap()
        .with_uploads(dir.join("uploads"))
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city).await.unwrap();
    app.seed_catalog(items).await.unwrap();
    let citizen = login(&app, "citizen", CITIZEN_PASSWORD).await;
    let clerk = login(&app, "clerk", STAFF_PASSWORD).await;
    let (item_id, required) = market_item(&app).await;
    let mut ids = Vec::with_capacity(CASES);
    for i in 0..CASES {
        let case = app
            .start_application(
                &citizen,
                StartRequest {
                    item_id: item_id.clone(),
                    channel: "pc".into(),
                    idempotency_key: Some(format!("multi-{i}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for material in &required {
            app.attach_upload(&citizen, &case.id, None, material, "scan.png", PNG.to_vec())
                .await
                .unwrap();
        }
        app.act_on_application(&citizen, &case.id, None, CaseCommand::Submit)
            .await
            .unwrap();
        let accept = CaseCommand::Accept {
            mode: AcceptanceMode::Normal,
            missing: vec![],
            deadline: None,
        };
        app.act_on_application(&clerk, &case.id, None, accept)
            .await
            .unwrap();
        ids.push(case.id);
    }
    append_licence_events(&app, LICENCE_EVENTS).await;
    app.store().close().await;
    ids
}

async fn login(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "test".into(),
    })
    .await
    .unwrap()
    .principal
}

/// A published item of the city market regulator (where the demo clerk, reviewer and unit
/// head work) with a review step, and its required materials.
async fn market_item(app: &App) -> (String, Vec<String>) {
    let (hits, _) = app
        .search_items(&tongban_app::CatalogQuery {
            department_id: Some("511900-scjgj".into()),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    for hit in hits {
        let view = app.published_item(&hit.item_id).await.unwrap();
        let item = &view.item;
        if item.promised_limit_days >= 5 && !item.allows_commitment {
            let required = item
                .materials
                .iter()
                .filter(|m| m.required)
                .map(|m| m.name.clone())
                .collect();
            return (hit.item_id.clone(), required);
        }
    }
    panic!("no suitable market item");
}

/// Licence events of every kind the `licences` stream carries, ten to a unit of work, with
/// events of other kinds between them.
async fn append_licence_events(app: &App, n: usize) {
    let kinds = [
        "licence.issued",
        "licence.suspended",
        "licence.reinstated",
        "licence.revoked",
    ];
    for chunk in (0..n).collect::<Vec<_>>().chunks(10) {
        let chunk = chunk.to_vec();
        app.store()
            .write(move |ctx| {
                Box::pin(async move {
                    for i in chunk {
                        for action in [kinds[i % kinds.len()], "licence.viewed"] {
                            ctx.append_event(NewEvent {
                                at_ms: 1_788_000_000_000,
                                actor: "system".into(),
                                action: action.into(),
                                entity_type: "licence".into(),
                                entity_id: format!("L{i:04}"),
                                payload: serde_json::json!({ "n": i }),
                            })
                            .await?;
                        }
                    }
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .unwrap();
    }
}

/// The fake provincial platform: answers 200 to every POST and records each event's
/// idempotency key and seq in arrival order.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<(String, i64)>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_one(socket, log.clone()));
            }
        });
        Receiver { url, received }
    }

    fn received(&self) -> Vec<(String, i64)> {
        self.received.lock().unwrap().clone()
    }
}

/// Reads requests on one connection until it closes, recording each body.
async fn serve_one(mut socket: tokio::net::TcpStream, log: Arc<Mutex<Vec<(String, i64)>>>) {
    let mut buf = Vec::new();
    loop {
        let Some(end) = find(&buf, b"\r\n\r\n") else {
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: serde_json::Value =
            serde_json::from_slice(&buf[end + 4..end + 4 + length]).unwrap_or_default();
        if let (Some(key), Some(seq)) = (body["idempotency_key"].as_str(), body["seq"].as_i64()) {
            log.lock().unwrap().push((key.to_string(), seq));
        }
        buf.drain(..end + 4 + length);
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        if socket.write_all(reply).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One `tongban serve` process with its own port, sender files and log.
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Server {
    fn start(i: usize, url: &str, dir: &Path, upstream_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log = dir.join(format!("server-{i}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_tongban"))
            .args(["serve", "--listen", &addr])
            .env("TONGBAN_DATABASE_URL", url)
            .env("TONGBAN_SECRET_KEY_FILE", dir.join("secret.key"))
            .env("TONGBAN_LICENCE_MASTER_KEY", MASTER_KEY_HEX)
            .env("TONGBAN_UPLOADS_DIR", dir.join("uploads"))
            .env(
                "TONGBAN_NOTIFY_SMS_FILE",
                dir.join(format!("sms-{i}.jsonl")),
            )
            .env(
                "TONGBAN_NOTIFY_EMAIL_FILE",
                dir.join(format!("email-{i}.jsonl")),
            )
            .env("TONGBAN_UPSTREAM_URL", upstream_url)
            .env("TONGBAN_DISPATCH_EVERY_MS", "100")
            .env("TONGBAN_PUSH_EVERY_MS", "100")
            .env("TONGBAN_SWEEP_EVERY_MS", "150")
            .env("TONGBAN_INDICATORS_EVERY_MS", "300")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Server { child, addr, log }
    }

    /// Polls `/healthz` until it answers 200, at most `limit`.
    async fn wait_until_healthy(&mut self, limit: Duration) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + limit;
        let url = format!("http://{}/healthz", self.addr);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "server {} exited with {status}:\n{}",
                    self.addr,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server {} never answered",
                self.addr
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The running servers; dropping them (also on a failed assertion) stops them.
struct Servers(Vec<Server>);

impl Servers {
    /// SIGTERM to every server, then waits for each to finish its rounds (at most 30 s).
    fn stop_all(&mut self) {
        for server in &self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &server.child.id().to_string()])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        for server in &mut self.0 {
            loop {
                if let Ok(Some(status)) = server.child.try_wait() {
                    assert!(
                        status.success(),
                        "server {} stopped with {status}",
                        server.addr
                    );
                    break;
                }
                if Instant::now() > deadline {
                    let _ = server.child.kill();
                    panic!("server {} did not stop on SIGTERM", server.addr);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    fn logs(&self) -> String {
        self.0
            .iter()
            .map(|s| {
                format!(
                    "--- {}\n{}",
                    s.addr,
                    std::fs::read_to_string(&s.log).unwrap_or_default()
                )
            })
            .collect()
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for server in &mut self.0 {
            let _ = server.child.kill();
            let _ = server.child.wait();
        }
    }
}
