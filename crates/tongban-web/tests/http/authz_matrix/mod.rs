//! The authorization matrix: every route (the API routes of the OpenAPI document, the page
//! routes of `PAGE_ROUTES`) × every identity (anonymous, the citizen who owns the records,
//! another citizen, an enterprise, and each staff role once in the records' unit and once in
//! another unit), each cell's expected outcome written as data in `table.rs` and compared with
//! the status the app answers. Reads are sent by everyone; writes only by the identities that
//! must be refused, and the audit log must not move while they are.

mod identities;
mod table;

use std::collections::BTreeSet;
use std::sync::Arc;

use reqwest::{Client, StatusCode, redirect};
use serde_json::Value;
use tokio::task::JoinSet;
use tongban_web::{PAGE_ROUTES, ROUTES};

use crate::api_access::body_for;
use crate::api_applications::{CLERK, act, submitted_case};
use crate::api_catalog::draft_item;
use crate::licence_pages::licensed;
use crate::support::{CITIZEN_PW, TestApp, spawn_app};
use identities::{COLUMNS, Identity, identities};
use table::{Expect, MATRIX, PUBLIC_SAMPLE};

/// What a cell came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx, or 503 from a PDF when the
    /// machine has no CJK font (authorization passed; the font is what is missing).
    Allowed,
    /// Redirected elsewhere than the login page (staff sent from a citizen's page to their
    /// desk, and the like).
    Redirected,
    /// 403.
    Forbidden,
    /// 401, or a redirect to the login page.
    LoginRequired,
    /// 404.
    NotFound,
    /// A write refused by validation before authorization (400, 409, 422): still refused.
    Invalid,
    /// Anything else (a server error).
    Other(u16),
    /// A write the identity may make: not sent, so that the matrix changes nothing.
    NotSent,
}

impl Outcome {
    pub fn letter(self) -> char {
        match self {
            Outcome::Allowed => 'A',
            Outcome::Redirected => 'R',
            Outcome::Forbidden => 'F',
            Outcome::LoginRequired => 'L',
            Outcome::NotFound => 'N',
            Outcome::Invalid => 'V',
            Outcome::Other(_) => '!',
            Outcome::NotSent => '-',
        }
    }
}

/// The records the paths point at.
struct Fixture {
    case_id: String,
    blob: String,
    item_id: String,
    draft_item_id: String,
    licence_id: String,
}

impl Fixture {
    /// A concrete path for a route template.
    fn path(&self, method: &str, template: &str) -> String {
        let year = if method == "put" { "2027" } else { "2026" };
        let id = if template.contains("/halls/") {
            "hall-511902"
        } else if template.contains("/departments/") {
            "511902-scjgj"
        } else if template.starts_with("/admin/items/") {
            &self.draft_item_id
        } else if template.contains("/items/") {
            if template.contains("/versions") {
                &self.draft_item_id
            } else {
                &self.item_id
            }
        } else if template.contains("/licences/") && !template.contains("/applications/") {
            &self.licence_id
        } else if template.contains("/applications/") {
            &self.case_id
        } else if template.contains("/citizens/") {
            "citizen-citizen"
        } else {
            "no-such-record"
        };
        let path = template
            .replace("{id}", id)
            .replace("{code}", code_for(template))
            .replace("{year}", year)
            .replace("{version}", "1")
            .replace("{step}", "submit")
            .replace("{list}", "power")
            .replace("{edition}", "2023")
            .replace("{kind}", kind_for(template))
            .replace("{period}", "2026-10")
            .replace("{blob}", &self.blob)
            .replace("{licence}", &self.licence_id)
            .replace("{handle}", "no-such-share")
            .replace("{slug}", "birth")
            .replace("{token}", "no-such-token")
            .replace("{file}", "no-such-key.pem");
        if path.ends_with("/imports") {
            format!("{path}?edition=2024&dry_run=true")
        } else if path.ends_with("/diff") {
            format!("{path}?from=2023&to=2023")
        } else if path == "/work/citizens" {
            format!("{path}?id=citizen-citizen")
        } else if path.ends_with("/download") {
            format!("{path}?cause=%E6%A0%B8%E9%AA%8C%E7%94%B3%E8%AF%B7%E6%9D%90%E6%96%99")
        } else {
            path
        }
    }
}

fn code_for(template: &str) -> &'static str {
    if template.starts_with("/bundles/") {
        "newborn"
    } else if template.contains("/licences/types/") {
        "11100000000013338W901"
    } else {
        "511902000000"
    }
}

fn kind_for(template: &str) -> &'static str {
    if template.contains("/notices/") {
        "acceptance"
    } else {
        "month"
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let (item_id, _, licence_id) = licensed(app).await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (case_id, revision) = submitted_case(app, &citizen).await;
    let clerk = app.token(CLERK, crate::support::PASSWORD).await;
    let (status, case) = act(
        app,
        &clerk,
        &case_id,
        serde_json::json!({ "action": "accept", "revision": revision }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (_, case) = app
        .call(
            "GET",
            &format!("/api/v1/applications/{case_id}"),
            Some(&citizen),
            None,
        )
        .await;
    let blob = first_blob(&case).unwrap_or_else(|| "0".repeat(64));
    let draft_item_id = draft_item(app, "511902-scjgj").await;
    crate::pages_bundles::publish_bundle_items(app).await;
    // A published 2023 edition of the 权责清单.
    let admin = app.token("admin", crate::support::PASSWORD).await;
    let body = body_for("post", "/api/v1/lists/power/editions");
    let (status, out) = app
        .call("POST", "/api/v1/lists/power/editions", Some(&admin), body)
        .await;
    assert!(status.is_success(), "{out}");
    let (status, out) = app
        .call(
            "POST",
            "/api/v1/lists/power/editions/2023/publish",
            Some(&admin),
            None,
        )
        .await;
    assert!(status.is_success(), "{out}");
    Fixture {
        case_id,
        blob,
        item_id,
        draft_item_id,
        licence_id,
    }
}

/// The SM3 of the first uploaded file of a case, looked for anywhere in its JSON.
fn first_blob(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(s.clone())
        }
        Value::Array(items) => items.iter().find_map(first_blob),
        Value::Object(map) => map.values().find_map(first_blob),
        _ => None,
    }
}

fn is_write(method: &str) -> bool {
    method != "get"
}

/// One request as `who`; its outcome.
async fn send(
    client: &Client,
    base: &str,
    who: &Identity,
    method: &str,
    path: &str,
    api_template: Option<&str>,
) -> Outcome {
    let url = format!("{base}{path}");
    let mut req = client.request(method.to_uppercase().parse().unwrap(), &url);
    if let Some(template) = api_template {
        if let Some(token) = &who.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = api_body(method, template, path) {
            req = req.json(&body);
        }
    } else {
        req = req.header("cookie", who.cookie());
        if is_write(method) {
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={}", who.csrf));
        }
    }
    let res = req.send().await.unwrap();
    classify(res.status(), res.headers())
}

/// A body that would succeed for the right caller, so that a refusal is authorization's: the
/// records are 巴州区's (511902), not 恩阳区's as in `api_access`.
fn api_body(method: &str, template: &str, path: &str) -> Option<Value> {
    let body = match template {
        "/api/v1/applications/{id}/actions" => {
            Some(serde_json::json!({ "action": "approve", "opinion": "同意" }))
        }
        "/api/v1/me/licences/{id}/shares" => {
            Some(serde_json::json!({ "purpose": "核验", "hours": 24 }))
        }
        "/api/v1/work/applications/{id}/licence-query" => {
            Some(serde_json::json!({ "cause": "核验申请材料" }))
        }
        _ => body_for(method, template).or_else(|| body_for(method, path)),
    }?;
    serde_json::from_str(&body.to_string().replace("511903-scjgj", "511902-scjgj")).ok()
}

fn classify(status: StatusCode, headers: &reqwest::header::HeaderMap) -> Outcome {
    let to_login = headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/login"));
    match status.as_u16() {
        401 => Outcome::LoginRequired,
        300..=399 if to_login => Outcome::LoginRequired,
        // A write that may not be made is never sent, so a write's redirect is a refusal
        // (staff sent to their desk); the audit log tells if it was not.
        300..=399 => Outcome::Redirected,
        200..=399 | 503 => Outcome::Allowed,
        403 => Outcome::Forbidden,
        404 => Outcome::NotFound,
        400 | 409 | 422 => Outcome::Invalid,
        other => Outcome::Other(other),
    }
}

/// Whether an actual outcome satisfies the expected letter of a cell.
fn satisfies(expected: char, actual: Outcome, write: bool) -> bool {
    match (expected, actual) {
        (_, Outcome::NotSent) => true,
        // A write is checked for being refused, whether as forbidden, as not found or by
        // validation first (and the audit log is checked not to move).
        (
            'F' | 'N' | 'L',
            Outcome::Forbidden | Outcome::NotFound | Outcome::Invalid | Outcome::LoginRequired,
        ) if write => true,
        (e, a) => e == a.letter(),
    }
}

struct Cell {
    method: &'static str,
    template: &'static str,
    column: usize,
    outcome: Outcome,
    took: std::time::Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_identity_as_the_matrix_says() {
    let started = std::time::Instant::now();
    let app = spawn_app().await;
    let fixture = Arc::new(fixture(&app).await);
    let people = Arc::new(identities(&app).await);
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();

    // Every route has exactly one row, and every row is a route.
    let mut routes: BTreeSet<(String, String)> = BTreeSet::new();
    for (m, p, _) in ROUTES {
        routes.insert((m.to_string(), p.to_string()));
    }
    for (m, p) in PAGE_ROUTES {
        routes.insert((m.to_string(), p.to_string()));
    }
    let rows: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let missing: Vec<_> = routes.difference(&rows).collect();
    let unknown: Vec<_> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty() && unknown.is_empty() && rows.len() == MATRIX.len(),
        "routes without a matrix row: {missing:?}\nrows that are no route: {unknown:?}"
    );

    let mut cells = Vec::new();
    let mut appended = Vec::new();
    let mut timings = vec![started.elapsed()];
    let head_before_reads = app.app.store().head_seq().await.unwrap();
    for writes in [false, true] {
        let started = std::time::Instant::now();
        let head = app.app.store().head_seq().await.unwrap();
        let mut tasks = JoinSet::new();
        let limit = Arc::new(tokio::sync::Semaphore::new(6));
        for row in MATRIX.iter().filter(|r| is_write(r.method) == writes) {
            let expected = row.expected();
            for column in 0..people.len() {
                let path = fixture.path(row.method, row.path);
                let api = row.path.starts_with("/api/v1/").then_some(row.path);
                let (client, base, people, limit) = (
                    client.clone(),
                    app.base.clone(),
                    people.clone(),
                    limit.clone(),
                );
                let (method, template) = (row.method, row.path);
                let must_send = if writes {
                    expected[column] != 'A'
                } else {
                    !row.is_public_read() || PUBLIC_SAMPLE.contains(&column)
                };
                tasks.spawn(async move {
                    let mut took = std::time::Duration::ZERO;
                    let outcome = if must_send {
                        let _permit = limit.acquire().await.unwrap();
                        let sent_at = std::time::Instant::now();
                        let outcome =
                            send(&client, &base, &people[column], method, &path, api).await;
                        took = sent_at.elapsed();
                        outcome
                    } else {
                        Outcome::NotSent
                    };
                    Cell {
                        method,
                        template,
                        column,
                        outcome,
                        took,
                    }
                });
            }
        }
        while let Some(cell) = tasks.join_next().await {
            cells.push(cell.unwrap());
        }
        if writes {
            // Reads of personal data are recorded (`*.viewed`): a refused write may re-show a
            // page the caller may see; anything else is a change.
            appended = app.app.store().events_after(head, 1000).await.unwrap();
            appended.retain(|e| !e.action.ends_with(".viewed"));
        }
        timings.push(started.elapsed());
    }
    assert!(head_before_reads > 0);
    if print_wanted() {
        eprintln!("set-up, reads, writes: {timings:?}");
        let mut slow: Vec<(std::time::Duration, &str)> = Vec::new();
        for row in MATRIX {
            let total = cells
                .iter()
                .filter(|c| c.method == row.method && c.template == row.path)
                .map(|c| c.took)
                .sum();
            slow.push((total, row.path));
        }
        slow.sort();
        eprintln!("slowest: {:?}", &slow[slow.len() - 20..]);
    }
    let mismatches = report(&cells);
    let appended: Vec<String> = appended
        .iter()
        .map(|e| {
            format!(
                "{} by {} on {} {}",
                e.action, e.actor, e.entity_type, e.entity_id
            )
        })
        .collect();
    assert!(
        mismatches.is_empty() && appended.is_empty(),
        "{} rows of the authorization matrix differ (columns: {}):\n{}\n\
         the refused writes appended {} events to the log:\n{}",
        mismatches.len(),
        COLUMNS.join(" "),
        mismatches.join("\n"),
        appended.len(),
        appended.join("\n")
    );
}

fn print_wanted() -> bool {
    std::env::var("TONGBAN_AUTHZ_PRINT").is_ok_and(|v| v == "1")
}

/// Every row with a cell that differs, expected against actual; prints the whole actual matrix when asked to
/// (`TONGBAN_AUTHZ_PRINT=1`).
fn report(cells: &[Cell]) -> Vec<String> {
    let mut mismatches = Vec::new();
    let mut actual_rows = Vec::new();
    for row in MATRIX {
        let expected = row.expected();
        let mut letters = vec!['?'; COLUMNS.len()];
        let mut wrong = Vec::new();
        for cell in cells
            .iter()
            .filter(|c| c.method == row.method && c.template == row.path)
        {
            letters[cell.column] = cell.outcome.letter();
            if !satisfies(expected[cell.column], cell.outcome, is_write(row.method)) {
                wrong.push(COLUMNS[cell.column]);
            }
        }
        if !wrong.is_empty() {
            mismatches.push(format!(
                "{:<6} {:<55}\n    expected {}\n    actual   {}\n    differ: {}",
                row.method,
                row.path,
                Expect::format(&expected),
                Expect::format(&letters),
                wrong.join(" ")
            ));
        }
        actual_rows.push(format!(
            "{:<6} {:<55} {}",
            row.method,
            row.path,
            Expect::format(&letters)
        ));
    }
    if print_wanted() {
        eprintln!("{}", COLUMNS.join(" "));
        for line in &actual_rows {
            eprintln!("{line}");
        }
    }
    mismatches
}
