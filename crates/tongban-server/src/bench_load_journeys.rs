//! The main journeys `tongban bench load` drives against a served database, through the JSON
//! API as the mobile app and integrations use it: a citizen's own cases, a whole case (apply,
//! accept, review, decide), a clerk's queue, licence verification and the bureau's dashboard.
//! The people are the demo city's fixed logins, which `tongban demo` and `tongban gen` share.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use bytes::Bytes;
use hyper::Method;
use serde_json::{Value, json};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};

use crate::bench_load_client::{Body, Conn, Samples};

/// What the journeys need to know about the served database.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The item a whole case applies for, and its required materials.
    pub item_id: String,
    /// The item's department, whose reviewer and approver decide.
    pub department: String,
    pub materials: Vec<String>,
    /// A 证照标识 held by a citizen, when one was found.
    pub licence_id: Option<String>,
}

/// The journeys, each run by its own workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Journey {
    /// A citizen lists their cases and opens the first.
    CitizenCases,
    /// A citizen applies (start, upload, submit), a clerk accepts, a reviewer and an approver
    /// approve: the approver decides.
    WholeCase,
    /// A clerk's queue and the first case in it.
    ClerkQueue,
    /// Anyone verifies a licence by its identifier.
    LicenceVerify,
    /// The bureau supervisor's dashboard.
    BureauDashboard,
}

impl Journey {
    pub const ALL: [Journey; 5] = [
        Journey::CitizenCases,
        Journey::WholeCase,
        Journey::ClerkQueue,
        Journey::LicenceVerify,
        Journey::BureauDashboard,
    ];
}

/// The department whose county item a whole case applies for (as `bench lifecycle` does).
const CASE_DEPARTMENTS: [&str; 2] = ["511902-scjgj", "511902-zwfwj"];

/// One worker of a journey: its journey, its bearer tokens and a counter.
pub struct Worker {
    pub journey: Journey,
    /// citizen, clerk, reviewer, approver (the ones the journey needs; others empty).
    tokens: [String; 4],
    setting: Arc<Setting>,
    n: u64,
}

/// Logs in through the API and returns the bearer token.
pub async fn login(conn: &mut Conn, login: &str, password: &str) -> anyhow::Result<String> {
    let body = Body::json(&json!({ "login": login, "password": password }));
    let (status, bytes) = conn
        .send(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await?;
    anyhow::ensure!(status.is_success(), "logging in as {login}: HTTP {status}");
    let answer: Value = serde_json::from_slice(&bytes)?;
    Ok(answer["token"]
        .as_str()
        .context("no token in the login answer")?
        .to_string())
}

async fn get_json(conn: &mut Conn, path: &str, token: &str) -> anyhow::Result<Value> {
    let (status, bytes) = conn.send(Method::GET, path, Some(token), None).await?;
    anyhow::ensure!(status.is_success(), "GET {path}: HTTP {status}");
    Ok(serde_json::from_slice(&bytes)?)
}

/// Finds the whole case's item, a licence to verify and a 办事指南 page on the served database.
pub async fn discover(addr: SocketAddr) -> anyhow::Result<Setting> {
    let mut conn = Conn::connect(addr).await?;
    let city = tongban_demo::generate(&DemoConfig::default());
    let item = tongban_demo::catalog_items(&city)
        .into_iter()
        .find(|i| {
            CASE_DEPARTMENTS.contains(&i.department_id.as_str())
                && i.promised_limit_days >= 5
                && i.service_objects
                    .contains(&tongban_domain::catalog::ServiceObject::Person)
        })
        .context("no county 市场监管 item with a three-step route in the demo catalogue")?;
    let token = login(&mut conn, "citizen", CITIZEN_PASSWORD).await?;
    let list = get_json(
        &mut conn,
        &format!("/api/v1/items?department={}&limit=100", item.department_id),
        &token,
    )
    .await?;
    let item_id = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["name"].as_str() == Some(item.name.as_str()))
        .and_then(|i| i["item_id"].as_str())
        .with_context(|| format!("the item {} is not published here", item.name))?
        .to_string();
    let mut licence_id = None;
    for login_name in ["citizen", "c00001", "c00002", "c00003", "c00004", "c00005"] {
        let token = login(&mut conn, login_name, CITIZEN_PASSWORD).await?;
        let held = get_json(&mut conn, "/api/v1/me/licences", &token).await?;
        if let Some(id) = held
            .as_array()
            .and_then(|l| l.first())
            .and_then(|l| l["id"].as_str())
        {
            licence_id = Some(id.to_string());
            break;
        }
    }
    Ok(Setting {
        item_id,
        department: item.department_id.clone(),
        materials: item
            .materials
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.clone())
            .collect(),
        licence_id,
    })
}

/// Logs in the people of worker `k` of `journey`.
pub async fn worker(
    addr: SocketAddr,
    journey: Journey,
    k: usize,
    setting: Arc<Setting>,
) -> anyhow::Result<Worker> {
    let mut conn = Conn::connect(addr).await?;
    let mut tokens: [String; 4] = Default::default();
    let department = &setting.department;
    match journey {
        Journey::CitizenCases => {
            let citizen = if k == 0 {
                "citizen".to_string()
            } else {
                format!("c{k:05}")
            };
            tokens[0] = login(&mut conn, &citizen, CITIZEN_PASSWORD).await?;
        }
        Journey::WholeCase => {
            tokens[0] = login(&mut conn, "citizen", CITIZEN_PASSWORD).await?;
            tokens[1] = login(&mut conn, "clerk-511902-1", STAFF_PASSWORD).await?;
            tokens[2] = login(&mut conn, &format!("reviewer-{department}"), STAFF_PASSWORD).await?;
            tokens[3] = login(&mut conn, &format!("approver-{department}"), STAFF_PASSWORD).await?;
        }
        Journey::ClerkQueue => {
            tokens[1] = login(&mut conn, "clerk-511902-1", STAFF_PASSWORD).await?;
        }
        Journey::LicenceVerify => {}
        Journey::BureauDashboard => {
            tokens[0] = login(&mut conn, "supervisor", STAFF_PASSWORD).await?;
        }
    }
    Ok(Worker {
        journey,
        tokens,
        setting,
        n: 0,
    })
}

/// The id of the first case line of a list answer (`[...]` or `{"entries": [...]}`).
fn first_case(answer: &Value) -> Option<String> {
    let lines = answer.as_array().or_else(|| answer["entries"].as_array())?;
    Some(lines.first()?["id"].as_str()?.to_string())
}

fn revision(bytes: &Bytes) -> anyhow::Result<(String, u64)> {
    let dto: Value = serde_json::from_slice(bytes)?;
    Ok((
        dto["id"]
            .as_str()
            .context("no id in the answer")?
            .to_string(),
        dto["revision"]
            .as_u64()
            .context("no revision in the answer")?,
    ))
}

/// One round of the worker's journey on `conn`.
pub async fn round(
    mut conn: Conn,
    mut w: Worker,
    mut s: Samples,
) -> anyhow::Result<(Conn, Worker, Samples)> {
    w.n += 1;
    match w.journey {
        Journey::CitizenCases => {
            let token = Some(w.tokens[0].as_str());
            let list = conn
                .timed(
                    &mut s,
                    "citizen: my cases",
                    Method::GET,
                    "/api/v1/applications?limit=20",
                    token,
                    None,
                )
                .await?;
            let Some(list) = list else {
                return Ok((conn, w, s));
            };
            if let Some(id) = first_case(&serde_json::from_slice(&list)?) {
                let path = format!("/api/v1/applications/{id}");
                conn.timed(
                    &mut s,
                    "citizen: open a case",
                    Method::GET,
                    &path,
                    token,
                    None,
                )
                .await?;
            }
        }
        Journey::WholeCase => whole_case(&mut conn, &w, &mut s).await?,
        Journey::ClerkQueue => {
            let token = Some(w.tokens[1].as_str());
            let queue = conn
                .timed(
                    &mut s,
                    "clerk: queue",
                    Method::GET,
                    "/api/v1/work/queue?limit=20",
                    token,
                    None,
                )
                .await?;
            let Some(queue) = queue else {
                return Ok((conn, w, s));
            };
            if let Some(id) = first_case(&serde_json::from_slice(&queue)?) {
                let path = format!("/api/v1/applications/{id}");
                conn.timed(
                    &mut s,
                    "clerk: open a case",
                    Method::GET,
                    &path,
                    token,
                    None,
                )
                .await?;
            }
        }
        Journey::LicenceVerify => {
            let Some(identifier) = w.setting.licence_id.clone() else {
                anyhow::bail!("no licence to verify");
            };
            let body = Body::json(&json!({ "identifier": identifier }));
            conn.timed(
                &mut s,
                "licence verify",
                Method::POST,
                "/api/v1/licences/verify",
                None,
                Some(body),
            )
            .await?;
        }
        Journey::BureauDashboard => {
            let token = Some(w.tokens[0].as_str());
            conn.timed(
                &mut s,
                "bureau dashboard",
                Method::GET,
                "/api/v1/bureau/dashboard",
                token,
                None,
            )
            .await?;
        }
    }
    Ok((conn, w, s))
}

/// Start, upload every required material, submit, accept, approve twice.
async fn whole_case(conn: &mut Conn, w: &Worker, s: &mut Samples) -> anyhow::Result<()> {
    let body = Body::json(&json!({ "item_id": w.setting.item_id, "channel": "pc" }));
    let token = |k: usize| Some(w.tokens[k].as_str());
    let answer = conn
        .timed(
            s,
            "case: apply (start)",
            Method::POST,
            "/api/v1/applications",
            token(0),
            Some(body),
        )
        .await?;
    let Some(answer) = answer else { return Ok(()) };
    let (id, mut rev) = revision(&answer)?;
    for material in &w.setting.materials {
        let path = format!("/api/v1/applications/{id}/materials");
        let body = multipart(rev, material, w.n);
        let answer = conn
            .timed(
                s,
                "case: upload a material",
                Method::POST,
                &path,
                token(0),
                Some(body),
            )
            .await?;
        let Some(answer) = answer else { return Ok(()) };
        rev = revision(&answer)?.1;
    }
    let steps: [(usize, &'static str, Value); 4] = [
        (0, "case: submit", json!({ "action": "submit" })),
        (
            1,
            "case: clerk accepts",
            json!({ "action": "accept", "mode": "normal" }),
        ),
        (
            2,
            "case: reviewer approves",
            json!({ "action": "approve", "opinion": "同意" }),
        ),
        (
            3,
            "case: approver decides",
            json!({ "action": "approve", "opinion": "准予许可" }),
        ),
    ];
    let path = format!("/api/v1/applications/{id}/actions");
    for (who, label, mut body) in steps {
        body["revision"] = json!(rev);
        let answer = conn
            .timed(
                s,
                label,
                Method::POST,
                &path,
                token(who),
                Some(Body::json(&body)),
            )
            .await?;
        let Some(answer) = answer else { return Ok(()) };
        rev = revision(&answer)?.1;
    }
    Ok(())
}

/// A multipart/form-data body with the revision, the material's name and a small PDF.
fn multipart(revision: u64, material: &str, n: u64) -> Body {
    let boundary = format!("tongbanload{:016x}", rand::random::<u64>());
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let mut body = String::new();
    body.push_str(&part("revision", &revision.to_string()));
    body.push_str(&part("material", material));
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"material.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n% tongban load {n} {material}\n%%EOF\n\r\n--{boundary}--\r\n"
    ));
    Body {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes: Bytes::from(body),
    }
}
