//! The logs of a demo run hold no personal data and no secrets. The real `tongban demo` runs
//! with every log level the app uses switched on (`RUST_LOG=debug`, SQL statements included),
//! on a smaller history (`TONGBAN_DEMO_APPLICATIONS`, `TONGBAN_DEMO_LICENCES`: the full one
//! takes minutes in a debug build), and the main journeys are driven over HTTP: a citizen
//! registers, fails to log in, signs in with their ID number, applies with their phone number;
//! the clerk accepts, the reviewer and the approver approve, the clerk delivers; the licence is
//! issued and verified; the citizen rates the case; staff read the case and the citizen's
//! record. Then everything the process wrote is scanned for resident ID numbers with a valid
//! check digit, mobile numbers, the session and CSRF tokens issued, and passwords.

use std::io::{BufRead as _, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_domain::catalog::OnlineLevel;
use tongban_domain::licence::HolderKind;

/// How long the small demo may take to seed and listen.
const START_DEADLINE: Duration = Duration::from_secs(120);

/// The citizen who registers during the run: nothing of theirs was ever printed by the demo.
const NEW_ID_NUMBER_BODY: &str = "51190219850317987";
const NEW_PHONE: &str = "13987654321";
const NEW_PASSWORD: &str = "Leak-Check#2026xy";
const WRONG_PASSWORD: &str = "Not-The-Password#77";

const CLERK: &str = "clerk-511902-1";

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// The GB 11643 check character of the first 17 digits.
fn check_char(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(99) * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// An 18-character resident ID number: a province code, a plausible birth date, and a valid
/// check character.
fn is_id_number(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (province, year, month, day) = (num(0..2), num(6..10), num(10..12), num(12..14));
    (11..=82).contains(&province)
        && (1900..=2030).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && check_char(&s[..17]) == (b[17] as char).to_ascii_uppercase()
}

/// Runs of ASCII letters and digits, with where they are: an ID number or a phone number is a
/// whole run (`id=5119…`, `"138…"`), never part of a longer one (a hash, a timestamp).
fn alnum_runs(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
}

fn is_mobile(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Removes ANSI colour sequences (`ESC [ … m`), which would glue a value to the letter `m`.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Everything the process wrote, line by line, tagged with the stream.
type Captured = Arc<Mutex<Vec<String>>>;

fn capture(
    stream: impl Read + Send + 'static,
    tag: &'static str,
    into: Captured,
    ready: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &ready
                && let Some(rest) = line.split("demo running at: http://").nth(1)
            {
                let _ = tx.send(rest.trim_end_matches('/').to_string());
            }
            into.lock().unwrap().push(format!("{tag}: {line}"));
        }
    });
}

/// Asks the process to stop as Ctrl-C would (SIGTERM) and waits for it.
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The cookie `name` a response sets, if it does.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// The CSRF token printed in a page's forms.
fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

struct Run {
    base: String,
    client: Client,
    /// Secrets handed out during the run, each with what it is.
    secrets: Vec<(String, &'static str)>,
}

impl Run {
    async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn login(&mut self, login: &str, password: &str) -> String {
        let (status, body) = self
            .api(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({ "login": login, "password": password })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        let token = body["token"].as_str().unwrap().to_string();
        self.secrets.push((token.clone(), "a bearer token"));
        token
    }

    async fn act(&self, token: &str, id: &str, body: Value) -> Value {
        let (status, out) = self
            .api(
                "POST",
                &format!("/api/v1/applications/{id}/actions"),
                Some(token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}: {out}");
        out
    }

    /// A page as a browser with `cookie` would get it; remembers its CSRF token.
    async fn page(&mut self, path: &str, cookie: &str) -> String {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let html = res.text().await.unwrap();
        if html.contains("name=\"csrf\"") {
            self.secrets.push((csrf_in(&html), "a CSRF token"));
        }
        html
    }
}

/// The departments with reviewer and approver accounts (`reviewer-KEY`, `approver-KEY`) whose
/// cases the 巴州区 hall's clerks accept: 巴州区's and the city's (the city's area holds the hall).
const REVIEWING: [&str; 10] = [
    "511902-scjgj",
    "511902-zwfwj",
    "511900-scjgj",
    "511900-zwfwj",
    "511900-rsj",
    "511900-mzj",
    "511900-gaj",
    "511900-zjj",
    "511900-bdcdj",
    "511900-ybj",
];

/// A published item applied for online whose steps are 受理 (clerk), 审查 (reviewer), 决定
/// (approver) and one more, in a department of [`REVIEWING`], preferring one that issues a
/// licence to a person: its department, name and required materials.
fn online_item() -> (String, String, Vec<String>) {
    let city = tongban_demo::generate(&DemoConfig::default());
    let types = tongban_demo::licence_types(&city);
    let issues = |code: &str| {
        types.iter().any(|t| {
            t.holder_kind == HolderKind::Person && t.issuing_items.iter().any(|i| i == code)
        })
    };
    let roles = ["window_clerk", "reviewer", "approver"];
    let mut items: Vec<_> = tongban_demo::catalog_items(&city)
        .into_iter()
        .filter(|i| {
            REVIEWING.contains(&i.department_id.as_str())
                && i.steps.len() == 4
                && i.steps.iter().zip(roles).all(|(s, r)| s.role == r)
                && !i.materials.is_empty()
                && matches!(i.online_level, OnlineLevel::Three | OnlineLevel::Four)
        })
        .collect();
    items.sort_by_key(|i| !issues(&i.basic_code));
    let item = items
        .into_iter()
        .next()
        .expect("an online item with a clerk, a reviewer and an approver");
    let required = item
        .materials
        .iter()
        .filter(|m| m.required)
        .map(|m| m.name.clone())
        .collect();
    (item.department_id, item.name, required)
}

#[tokio::test]
async fn a_demo_run_logs_no_id_numbers_phone_numbers_tokens_or_passwords() {
    let dir = std::env::temp_dir().join(format!("tongban-demo-logs-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.join("data"))
        .current_dir(&dir)
        .env("RUST_LOG", "debug")
        .env("TONGBAN_DEMO_APPLICATIONS", "300")
        .env("TONGBAN_DEMO_LICENCES", "300")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output: Captured = Arc::default();
    let (tx, ready) = mpsc::channel();
    capture(
        child.stdout.take().unwrap(),
        "stdout",
        output.clone(),
        Some(tx),
    );
    capture(child.stderr.take().unwrap(), "stderr", output.clone(), None);
    let addr = ready.recv_timeout(START_DEADLINE).unwrap_or_else(|_| {
        stop(&mut child);
        let out = output.lock().unwrap();
        let tail = out[out.len().saturating_sub(30)..].join("\n");
        panic!("the demo did not start within {START_DEADLINE:?}:\n{tail}")
    });
    let seeded_in = started.elapsed();

    let new_id_number = format!("{NEW_ID_NUMBER_BODY}{}", check_char(NEW_ID_NUMBER_BODY));
    let mut run = Run {
        base: format!("http://{addr}"),
        client: Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .unwrap(),
        secrets: vec![
            (NEW_PASSWORD.to_string(), "the new citizen's password"),
            (WRONG_PASSWORD.to_string(), "a mistyped password"),
            (new_id_number.clone(), "the new citizen's ID number"),
            (NEW_PHONE.to_string(), "the new citizen's phone number"),
        ],
    };
    let journeys = Instant::now();

    // A citizen registers on the page (an anonymous CSRF token, then a session cookie).
    let anon = format!("tb_anon={}", "c".repeat(32));
    let form = run.page("/register/citizen", &anon).await;
    let res = run
        .client
        .post(format!("{}/register/citizen", run.base))
        .header("cookie", &anon)
        .form(&[
            ("csrf", csrf_in(&form).as_str()),
            ("real_name", "林晓梅"),
            ("id_number", new_id_number.as_str()),
            ("phone", NEW_PHONE),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection(),
        "registration: {}",
        res.status()
    );
    let session = set_cookie(&res, "tb_session").expect("registration signs the citizen in");
    run.secrets.push((session.clone(), "a page session token"));
    run.page("/me", &format!("tb_session={session}")).await;

    // Failed logins, with the ID number as the login: over the API and on the page.
    let (status, _) = run
        .api(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": new_id_number, "password": WRONG_PASSWORD })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let login_form = run.page("/login", &anon).await;
    let res = run
        .client
        .post(format!("{}/login", run.base))
        .header("cookie", &anon)
        .form(&[
            ("csrf", csrf_in(&login_form).as_str()),
            ("login", new_id_number.as_str()),
            ("password", WRONG_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        !res.status().is_redirection(),
        "a wrong password does not sign in"
    );

    // The citizen signs in with the ID number and applies online, giving the phone number.
    let citizen = run.login(&new_id_number, NEW_PASSWORD).await;
    let (department, name, required) = online_item();
    let (status, found) = run
        .api(
            "GET",
            &format!("/api/v1/items?department={department}&q={name}"),
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let item_id = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} is published: {found}"))["item_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, case) = run
        .api(
            "POST",
            "/api/v1/applications",
            Some(&citizen),
            Some(json!({ "item_id": item_id, "form": { "applicant": "林晓梅", "phone": NEW_PHONE } })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    for material in &required {
        let boundary = "tongbanDemoLogs7MA4YWxk";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"证件.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(PNG);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = run
            .client
            .post(format!("{}/api/v1/applications/{id}/materials", run.base))
            .bearer_auth(&citizen)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{material}");
    }
    let case = run.act(&citizen, &id, json!({ "action": "submit" })).await;
    let revision = case["revision"].as_u64().unwrap();

    // The clerk accepts, the reviewer and the approver approve, the clerk delivers.
    let clerk = run.login(CLERK, STAFF_PASSWORD).await;
    run.act(
        &clerk,
        &id,
        json!({ "action": "accept", "revision": revision }),
    )
    .await;
    for login in [
        format!("reviewer-{department}"),
        format!("approver-{department}"),
    ] {
        let token = run.login(&login, STAFF_PASSWORD).await;
        run.act(
            &token,
            &id,
            json!({ "action": "approve", "opinion": "同意" }),
        )
        .await;
    }
    run.act(
        &clerk,
        &id,
        json!({ "action": "deliver", "method": "post", "tracking_number": "SF1234567890" }),
    )
    .await;

    // Staff read the case and the citizen's record (personal data, each read recorded).
    let (status, record) = run
        .api(
            "GET",
            &format!("/api/v1/applications/{id}/record"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    let (_, me) = run.api("GET", "/api/v1/me", Some(&citizen), None).await;
    let account = me["account_id"].as_str().unwrap().to_string();
    let (status, person) = run
        .api(
            "GET",
            &format!("/api/v1/citizens/{account}"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{person}");
    let clerk_cookie = format!("tb_session={clerk}");
    run.page(&format!("/work/applications/{id}"), &clerk_cookie)
        .await;
    run.page(&format!("/work/citizens/{account}"), &clerk_cookie)
        .await;

    // The licence: issued at the decision (or by the approver's desk), then verified.
    let (_, wallet) = run
        .api("GET", "/api/v1/me/licences", Some(&citizen), None)
        .await;
    let licence = match wallet.as_array().and_then(|l| l.first()) {
        Some(l) => l["id"].as_str().unwrap().to_string(),
        None => issue_at_the_desk(&mut run, &department, &new_id_number).await,
    };
    let (status, verdict) = run
        .api(
            "POST",
            "/api/v1/licences/verify",
            None,
            Some(json!({ "identifier": licence })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{verdict}");
    run.page(
        &format!("/me/licences/{licence}"),
        &format!("tb_session={citizen}"),
    )
    .await;

    // The citizen rates the case.
    let (status, rated) = run
        .api(
            "POST",
            &format!("/api/v1/applications/{id}/evaluations"),
            Some(&citizen),
            Some(json!({ "satisfaction": 1, "comment": "办得快" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rated}");
    let journeys = journeys.elapsed();

    stop(&mut child);
    let lines = output.lock().unwrap().clone();
    let _ = std::fs::remove_dir_all(&dir);
    let found = leaks(&lines, &run.secrets);
    assert!(
        found.is_empty(),
        "the demo's output ({} lines) holds personal data or secrets:\n{}",
        lines.len(),
        found.join("\n")
    );
    assert!(
        lines.len() > 1_000,
        "debug logging was on: {} lines",
        lines.len()
    );
    eprintln!(
        "demo seeded in {seeded_in:?}, journeys in {journeys:?}, {} lines scanned",
        lines.len()
    );
}

/// The approver issues a licence of a type their department issues to persons.
async fn issue_at_the_desk(run: &mut Run, department: &str, id_number: &str) -> String {
    let city = tongban_demo::generate(&DemoConfig::default());
    let kind = tongban_demo::licence_types(&city)
        .into_iter()
        .find(|t| {
            t.holder_kind == HolderKind::Person
                && t.issuing_department_ids.iter().any(|d| d == department)
        })
        .expect("the department issues a licence to persons");
    let face: serde_json::Map<String, Value> = kind
        .face_fields
        .iter()
        .map(|f| (f.key.clone(), Value::String("测试".into())))
        .collect();
    let approver = run
        .login(&format!("approver-{department}"), STAFF_PASSWORD)
        .await;
    let (status, issued) = run
        .api(
            "POST",
            "/api/v1/work/licences",
            Some(&approver),
            Some(json!({
                "type_code": kind.code.to_string(), "holder_name": "林晓梅",
                "holder_code": id_number, "face": face
            })),
        )
        .await;
    assert!(status.is_success(), "{issued}");
    issued["id"].as_str().unwrap().to_string()
}

/// Every line that holds an ID number, a mobile number or one of `secrets` — the demo's own
/// login table on standard output aside, which prints the demo's documented passwords.
fn leaks(lines: &[String], secrets: &[(String, &'static str)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_logins_table = false;
    for raw in lines {
        let line = strip_ansi(raw);
        if line.starts_with("stdout: 演示账号") {
            in_logins_table = true;
        } else if line.trim() == "stdout:" {
            in_logins_table = false;
        }
        let mut what: Vec<String> = Vec::new();
        for run in alnum_runs(&line) {
            if is_id_number(run) {
                what.push("a resident ID number".into());
            }
            if is_mobile(run) {
                what.push("a mobile number".into());
            }
        }
        for (secret, kind) in secrets {
            if line.contains(secret.as_str()) {
                what.push((*kind).into());
            }
        }
        let demo_passwords = [
            STAFF_PASSWORD,
            tongban_demo::CITIZEN_PASSWORD,
            tongban_demo::ENTERPRISE_PASSWORD,
        ];
        if !in_logins_table && demo_passwords.iter().any(|p| line.contains(p)) {
            what.push("a demo password".into());
        }
        if !what.is_empty() {
            let shown: String = line.chars().take(300).collect();
            found.push(format!("{}: {shown}", what.join(", ")));
        }
    }
    found
}

#[test]
fn the_scanner_finds_an_id_number_a_phone_and_a_token_and_nothing_in_hashes() {
    let id = format!("{NEW_ID_NUMBER_BODY}{}", check_char(NEW_ID_NUMBER_BODY));
    let secrets = vec![("tok3n-value".to_string(), "a token")];
    let lines = vec![
        format!("stderr: \u{1b}[3mid\u{1b}[0m=\u{1b}[0m{id} done"),
        "stderr: phone=13800000000".to_string(),
        "stderr: sent tok3n-value".to_string(),
        format!(
            "stderr: hash=ab{id}cd seq=1764036000000 id=51190219850317987{}",
            'Z'
        ),
        "stdout: 演示账号 / demo logins:".to_string(),
        format!("stdout:   admin        {STAFF_PASSWORD}"),
        "stdout:".to_string(),
        format!("stderr: login failed password={STAFF_PASSWORD}"),
    ];
    let found = leaks(&lines, &secrets);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].starts_with("a resident ID number"));
    assert!(found[1].starts_with("a mobile number"));
    assert!(found[2].starts_with("a token"));
    assert!(found[3].starts_with("a demo password"));
}
