//! The push to the provincial platform: against a local fake receiver that fails now and then
//! (before recording, and after recording with the reply lost), every event of the stream
//! arrives exactly once, in log order, with no gaps; other kinds are never sent; the sender
//! repeats an event only where a reply was lost; the status view counts the backlog and is for
//! platform administrators only; the audit log gets one `upstream.pushed` summary per round, not
//! one event per pushed event; a licence event arrives with the licence itself (directory
//! fields, a licence file that verifies, its state). Runs on SQLite, and on PostgreSQL too when
//! `TONGBAN_TEST_PG_URL` is set. No sleeps: the fake clock is moved past each backoff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use time::Duration;
use time::macros::datetime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tongban_app::licences::{IssueRequest, StateChange, TypeSeed};
use tongban_app::{
    App, AppConfig, AppError, FakeClock, HttpUpstreamSender, LICENCE_KINDS, LoginRequest, OrgUnit,
    Principal, Upstream, UpstreamStream, idempotency_key,
};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceFile, LicenceType, LicenceTypeCode, LicenceVerifier,
    SignatureCheck, Validity, check_signed,
};
use tongban_domain::{DivisionCode, Role};
use tongban_store::{NewEvent, Store, StoreError, StoreOptions};

const PHONE: &str = "13812348000";

/// A database for one test: a SQLite file, or a PostgreSQL schema.
struct TestDb {
    url: String,
    drop_schema: Option<(String, String)>,
    dir: std::path::PathBuf,
}

impl TestDb {
    fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("tongban-upstream-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TestDb {
            url: format!("sqlite://{}/t.db", dir.display()),
            drop_schema: None,
            dir,
        }
    }

    async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TONGBAN_TEST_PG_URL").ok()?;
        sqlx::any::install_default_drivers();
        let schema = format!("tb_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        Some(TestDb {
            url: format!("{admin_url}{sep}options[search_path]={schema}"),
            drop_schema: Some((admin_url, schema)),
            dir: std::env::temp_dir().join("unused"),
        })
    }

    async fn cleanup(self) {
        match self.drop_schema {
            Some((admin_url, schema)) => {
                let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
            }
            None => {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        }
    }
}

async fn app(db: &TestDb) -> (App, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(&db.url), 0).await.unwrap();
    let app = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    (app, clock)
}

fn staff(role: Role) -> Principal {
    Principal::Staff {
        account_id: format!("staff-{}", role.code()),
        login: role.code().into(),
        name: "测试人员".into(),
        role,
        unit: OrgUnit::Division {
            code: DivisionCode::parse("511900000000").unwrap(),
        },
    }
}

fn now_ms(app: &App) -> i64 {
    (app.now().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Appends events of the given kinds in one unit of work, as use cases do.
async fn append(app: &App, kinds: Vec<String>) {
    let at_ms = now_ms(app);
    app.store()
        .write(move |ctx| {
            Box::pin(async move {
                for (i, kind) in kinds.into_iter().enumerate() {
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor: "system".into(),
                        action: kind,
                        entity_type: "licence".into(),
                        entity_id: format!("L{i}"),
                        payload: serde_json::json!({ "n": i }),
                    })
                    .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

/// `n` events, every fifth of a kind the stream does not carry.
fn kinds(n: usize, offset: usize) -> Vec<String> {
    (0..n)
        .map(|i| match (i + offset) % 5 {
            4 => "application.accepted".to_string(),
            k => LICENCE_KINDS[k % LICENCE_KINDS.len()].to_string(),
        })
        .collect()
}

/// What the fake receiver saw.
#[derive(Default)]
struct Seen {
    rng: u64,
    /// Keys recorded, in order of first receipt, with the seq and kind of their body.
    recorded: Vec<(String, i64, String)>,
    /// The bodies recorded, in the same order.
    bodies: Vec<serde_json::Value>,
    keys: HashSet<String>,
    /// Keys whose reply was dropped after they were recorded.
    dropped: HashSet<String>,
    /// Keys received again after they were recorded.
    repeated: HashSet<String>,
    requests: usize,
}

impl Seen {
    /// xorshift64*: deterministic for a seed.
    fn next(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A fake provincial platform on 127.0.0.1: about one request in four fails with 500 before
/// anything is recorded, about one in eight is recorded and then the connection is dropped
/// without a reply; a key it has recorded is answered 409.
async fn fake_upstream(seed: u64) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Seen {
        rng: seed,
        ..Seen::default()
    }));
    let state = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve_one(stream, state.clone()));
        }
    });
    (format!("http://{addr}/events"), seen)
}

async fn serve_one(mut stream: TcpStream, seen: Arc<Mutex<Seen>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_start) = loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&buf[..at]).to_string(), at + 4);
        }
    };
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < body_start + length {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body: serde_json::Value = serde_json::from_slice(&buf[body_start..]).unwrap();
    let key = header("idempotency-key").unwrap_or_default();
    assert_eq!(
        body["idempotency_key"],
        key.as_str(),
        "header and body agree"
    );
    let reply = {
        let mut seen = seen.lock().unwrap();
        seen.requests += 1;
        let roll = seen.next() % 8;
        if header("authorization").as_deref() != Some("Bearer tok") {
            Some("401 Unauthorized")
        } else if roll < 2 {
            Some("500 Internal Server Error")
        } else {
            let fresh = seen.keys.insert(key.clone());
            if fresh {
                let entry = (
                    key.clone(),
                    body["seq"].as_i64().unwrap(),
                    body["kind"].as_str().unwrap().to_string(),
                );
                seen.recorded.push(entry);
                seen.bodies.push(body.clone());
            } else {
                seen.repeated.insert(key.clone());
            }
            if roll == 2 {
                seen.dropped.insert(key.clone());
                None
            } else if fresh {
                Some("200 OK")
            } else {
                Some("409 Conflict")
            }
        }
    };
    let Some(status) = reply else {
        return; // The reply is lost: the connection closes without one.
    };
    let text = format!("database busy, call {PHONE}");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn nothing_is_lost_or_duplicated_at_a_flaky_receiver(db: &TestDb) {
    let (app, clock) = app(db).await;
    let (url, seen) = fake_upstream(0x5eed_1234_abcd_0001).await;
    let sender = HttpUpstreamSender::new(&url, Some("tok".into())).unwrap();
    let stream = UpstreamStream::licences();
    append(&app, kinds(200, 0)).await;
    let mut appended_late = false;
    let mut failures = 0;
    for round in 0..5_000 {
        if round == 20 {
            // More events arrive while the push is under way.
            append(&app, kinds(175, 3)).await;
            appended_late = true;
        }
        // Two pushers at once: the lease lets only one of them send.
        let (a, b) = tokio::join!(
            app.push_upstream(&stream, &sender, 25),
            app.push_upstream(&stream, &sender, 25)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        if let Some(error) = a.error.or(b.error) {
            failures += 1;
            assert!(
                !error.contains(PHONE) && !error.contains("127.0.0.1"),
                "{error}"
            );
            let cursor = app
                .store()
                .upstream_cursor("licences")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(cursor.last_error.as_deref(), Some(error.as_str()));
            let wait = cursor.next_attempt_ms - now_ms(&app);
            assert!(wait > 0 && wait <= 600_000, "{wait}");
            // Not due yet: nothing is tried.
            let requests = seen.lock().unwrap().requests;
            let early = app.push_upstream(&stream, &sender, 25).await.unwrap();
            assert!(early.skipped && early.pushed == 0);
            assert_eq!(seen.lock().unwrap().requests, requests);
            clock.advance(Duration::milliseconds(wait));
        }
        let status = app.upstream_status_for_operator().await.unwrap();
        if appended_late && status.streams[0].backlog == 0 {
            break;
        }
    }
    assert!(failures > 20, "the receiver failed {failures} times");

    // The receiver holds exactly the stream's events, in log order, each once.
    let expected: Vec<(String, i64, String)> = app
        .store()
        .events_after(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| LICENCE_KINDS.contains(&e.action.as_str()))
        .map(|e| (idempotency_key("licences", e.seq, &e.hash), e.seq, e.action))
        .collect();
    assert_eq!(expected.len(), 300);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.recorded, expected);
        assert!(!seen.dropped.is_empty());
        assert_eq!(
            seen.repeated, seen.dropped,
            "an event is sent again only where its reply was lost"
        );
    }
    let cursor = app
        .store()
        .upstream_cursor("licences")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cursor.pushed_count, 300);
    assert_eq!(cursor.last_seq, expected.last().unwrap().1);
    assert_eq!((cursor.attempts, cursor.last_error), (0, None));
    assert_eq!(cursor.lease_holder, None);

    // The audit log holds one summary per round that pushed something, not one event per
    // pushed event; together the summaries count every event once, in order.
    let log = app.store().events_after(0, 100_000).await.unwrap();
    let summaries: Vec<serde_json::Value> = log
        .iter()
        .filter(|e| e.action == "upstream.pushed")
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    let claims = log
        .iter()
        .filter(|e| e.action == "upstream.claimed")
        .count();
    assert!(
        summaries.len() <= claims,
        "at most one summary per round: {} summaries, {claims} rounds",
        summaries.len()
    );
    let counted: i64 = summaries.iter().map(|s| s["count"].as_i64().unwrap()).sum();
    assert_eq!(counted, 300);
    let mut covered = 0;
    for summary in &summaries {
        assert!(summary["from_seq"].as_i64().unwrap() > covered);
        covered = summary["to_seq"].as_i64().unwrap();
    }
    assert_eq!(covered, cursor.last_seq);
    app.store().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_or_duplicated_on_sqlite() {
    let db = TestDb::sqlite();
    nothing_is_lost_or_duplicated_at_a_flaky_receiver(&db).await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_or_duplicated_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("TONGBAN_TEST_PG_URL not set: PostgreSQL run skipped");
        return;
    };
    nothing_is_lost_or_duplicated_at_a_flaky_receiver(&db).await;
    db.cleanup().await;
}

#[tokio::test]
async fn without_an_address_nothing_is_pushed_and_the_backlog_is_still_counted() {
    let db = TestDb::sqlite();
    let (app, _clock) = app(&db).await;
    append(&app, kinds(10, 0)).await;
    assert!(app.push_upstream_all().await.unwrap().is_empty());
    let status = app
        .upstream_status(&staff(Role::SystemAdmin))
        .await
        .unwrap();
    assert!(!status.configured && status.target.is_none());
    assert_eq!(status.streams.len(), 1);
    let licences = &status.streams[0];
    assert_eq!(
        (licences.stream.as_str(), licences.backlog),
        ("licences", 8)
    );
    assert_eq!((licences.pushed_count, licences.last_seq), (0, 0));
    for role in [Role::BureauSupervisor, Role::WindowClerk] {
        assert!(matches!(
            app.upstream_status(&staff(role)).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.push_upstream_now(&staff(role)).await,
            Err(AppError::Forbidden)
        ));
    }
    app.store().close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn the_kinds_of_a_stream_are_configurable_and_push_now_ignores_the_backoff() {
    let db = TestDb::sqlite();
    let (app, _clock) = app(&db).await;
    let (url, seen) = fake_upstream(7).await;
    let sender = Arc::new(HttpUpstreamSender::new(&url, Some("tok".into())).unwrap());
    let app = app.with_upstream(Upstream {
        sender: Some(sender),
        streams: vec![UpstreamStream::new(
            "applications",
            &["application.accepted"],
        )],
        max_batch: 100,
    });
    append(&app, kinds(10, 0)).await;
    let admin = staff(Role::SystemAdmin);
    let mut pushed = 0;
    for _ in 0..50 {
        // Pressing 立即推送 again right after a failure tries again at once.
        let reports = app.push_upstream_now(&admin).await.unwrap();
        pushed += reports[0].pushed;
        if app.upstream_status(&admin).await.unwrap().streams[0].backlog == 0 {
            break;
        }
    }
    assert_eq!(pushed, 2);
    let kinds: Vec<String> = seen
        .lock()
        .unwrap()
        .recorded
        .iter()
        .map(|r| r.2.clone())
        .collect();
    assert_eq!(kinds, ["application.accepted"; 2]);
    let status = app.upstream_status(&admin).await.unwrap();
    assert!(status.configured);
    assert_eq!(status.target.as_deref(), Some(url.as_str()));
    app.store().close().await;
    db.cleanup().await;
}

const MARKET: &str = "511900-scjgj";

fn food_code() -> LicenceTypeCode {
    LicenceTypeCode::new("11100000000013338W", 901).unwrap()
}

fn food_type() -> LicenceType {
    LicenceType {
        code: food_code(),
        name: "食品经营许可证".into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Person,
        issuing_department_ids: vec![MARKET.into()],
        validity: Validity::Years(5),
        face_fields: vec![FaceField {
            key: "KZ_JYFW".into(),
            label: "经营项目".into(),
            required: true,
        }],
        issuing_items: vec![],
        replaces_materials: vec![],
    }
}

async fn login(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "t".into(),
    })
    .await
    .unwrap()
    .principal
}

/// The demo city with the food licence type, its market department's key and a master key.
async fn licence_app(db: &TestDb) -> (App, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(datetime!(2026-03-02 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(&db.url), 0).await.unwrap();
    let mut config = AppConfig::new(b"k".to_vec());
    config.licence_master_key = Some([0x42; 16]);
    let app = App::new(store, clock.clone(), config).await.unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    app.seed_demo(city).await.unwrap();
    let seed = TypeSeed {
        types: vec![food_type()],
        recognitions: vec![],
    };
    app.load_licence_catalogue(None, seed).await.unwrap();
    (app, clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_licence_event_carries_the_licence_its_signed_file_and_its_state() {
    let db = TestDb::sqlite();
    let (app, clock) = licence_app(&db).await;
    let approver = login(&app, "approver", STAFF_PASSWORD).await;
    let citizen = login(&app, "citizen", CITIZEN_PASSWORD).await;
    let id_number = app
        .store()
        .citizen_profile(citizen.account_id())
        .await
        .unwrap()
        .unwrap()
        .id_number;
    let face = BTreeMap::from([("KZ_JYFW".to_string(), "预包装食品销售".to_string())]);
    let issued = app
        .issue_licence(
            &approver,
            IssueRequest {
                type_code: food_code().to_string(),
                holder_name: citizen.display_name().into(),
                holder_code: id_number.clone(),
                face: face.clone(),
                valid_from: None,
                number: None,
            },
        )
        .await
        .unwrap();
    let reason = "经营场所变更，核查期间暂停";
    app.change_licence_state(&approver, &issued.id, StateChange::Suspend, reason)
        .await
        .unwrap();

    // Pushed through a receiver that fails now and then, until nothing is left.
    let (url, seen) = fake_upstream(0x11ce_4ce5).await;
    let sender = HttpUpstreamSender::new(&url, Some("tok".into())).unwrap();
    let stream = UpstreamStream::licences();
    for _ in 0..200 {
        let report = app.push_upstream(&stream, &sender, 25).await.unwrap();
        if report.error.is_some() {
            let cursor = app
                .store()
                .upstream_cursor("licences")
                .await
                .unwrap()
                .unwrap();
            clock.advance(Duration::milliseconds(
                cursor.next_attempt_ms - now_ms(&app),
            ));
        }
        let status = app.upstream_status_for_operator().await.unwrap();
        if status.streams[0].backlog == 0 {
            break;
        }
    }

    let bodies = seen.lock().unwrap().bodies.clone();
    let kinds: Vec<&str> = bodies.iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["licence.issued", "licence.suspended"],
        "both, in order"
    );
    assert!(bodies[0]["seq"].as_i64() < bodies[1]["seq"].as_i64());
    let division = app
        .store()
        .department(MARKET)
        .await
        .unwrap()
        .unwrap()
        .division_code;
    let keys = app.published_keys().await.unwrap();
    for body in &bodies {
        assert_eq!(body["entity_id"], issued.id.as_str());
        let data = &body["data"];
        assert_eq!(data["missing"], false);
        let licence = &data["licence"];
        assert_eq!(licence["jurisdiction_code"], division.as_str());
        assert_eq!(licence["holder_name"], citizen.display_name());
        assert_eq!(licence["holder_code"], id_number.as_str());
        assert_eq!(licence["holder_code_type"], "111");
        assert_eq!(licence["licence_name"], "食品经营许可证");
        assert_eq!(licence["licence_number"], issued.number.as_str());
        assert_eq!(licence["source_id"], issued.id.as_str());
        assert_eq!(licence["type_name"], "食品经营许可证");
        assert_eq!(licence["type_code"], food_code().as_str());
        assert_eq!(licence["issued_on"], "2026-03-02");
        assert_eq!(licence["issuer_name"], issued.issuer_name.as_str());
        assert_eq!(licence["issuer_code"], issued.issuer_code.as_str());
        // The state as it is at push time, with its reason.
        assert_eq!(
            (data["state"].as_str(), data["state_reason"].as_str()),
            (Some("suspended"), Some(reason))
        );

        // The licence file verifies with the department's published key.
        let file: LicenceFile = serde_json::from_value(data["file"].clone()).unwrap();
        assert_eq!(file.face, face);
        let signed = file.signed().unwrap();
        let key_id = signed.header().unwrap().key_id;
        let published = keys.iter().find(|k| k.key_id == key_id).unwrap();
        assert_eq!(published.department_id, MARKET);
        let verifier = LicenceVerifier::from_pem(&published.public_pem).unwrap();
        let check = check_signed(&signed, Some(&file.face), |_| Some(&verifier)).unwrap();
        assert!(matches!(check, SignatureCheck::Genuine(_)), "{check:?}");
    }
    // The event's own payload is kept beside the licence.
    assert_eq!(bodies[0]["data"]["source"], "manual");
    assert_eq!(bodies[1]["data"]["reason"], reason);
    app.store().close().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_licence_event_whose_licence_is_gone_is_pushed_marked_missing() {
    let db = TestDb::sqlite();
    let (app, _clock) = app(&db).await;
    append(&app, vec!["licence.revoked".to_string()]).await;
    let (url, seen) = fake_upstream(3).await;
    let sender = HttpUpstreamSender::new(&url, Some("tok".into())).unwrap();
    let admin = staff(Role::SystemAdmin);
    let app = app.with_upstream(Upstream {
        sender: Some(Arc::new(sender)),
        ..Upstream::default()
    });
    for _ in 0..50 {
        app.push_upstream_now(&admin).await.unwrap();
        if app.upstream_status(&admin).await.unwrap().streams[0].backlog == 0 {
            break;
        }
    }
    let bodies = seen.lock().unwrap().bodies.clone();
    assert_eq!(bodies.len(), 1, "the stream does not block on it");
    assert_eq!(bodies[0]["data"]["missing"], true);
    assert_eq!(bodies[0]["data"]["n"], 0, "the payload as logged");
    assert!(bodies[0]["data"].get("licence").is_none());
    app.store().close().await;
    db.cleanup().await;
}
