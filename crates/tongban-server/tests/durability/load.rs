//! The write load: each worker is one citizen who starts a case with an idempotency key,
//! uploads every required material, submits it, and a clerk who accepts it; then the next case.
//! Every write the server acknowledged (a 2xx answer read to its end) goes into the worker's
//! ledger; a request the server died under is unknown, so after a restart the worker first
//! reads its case back, checks it against the ledger and carries on from what it finds.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::seed::{CLERK, Seeded};

/// The demo passwords of citizens and staff.
const CITIZEN_PASSWORD: &str = tongban_demo::CITIZEN_PASSWORD;
const STAFF_PASSWORD: &str = tongban_demo::STAFF_PASSWORD;

/// A 1×1 PNG; each upload appends its own bytes, so every material is a distinct blob.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// The server went away under a request (refused, reset or cut short): its outcome is unknown.
#[derive(Debug)]
pub struct Down;

/// Where the server is and what the load applies for.
pub struct Target {
    client: reqwest::Client,
    base: String,
    uploads: PathBuf,
    item_id: String,
    required: Vec<String>,
    /// Writes acknowledged by this server process, all workers together.
    pub acked: AtomicU64,
}

impl Target {
    pub fn new(base: &str, uploads: PathBuf, seeded: &Seeded) -> Target {
        Target {
            // A new client per server process: no pooled connection outlives a kill.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_string(),
            uploads,
            item_id: seeded.item_id.clone(),
            required: seeded.required.clone(),
            acked: AtomicU64::new(0),
        }
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(format!("{}/api/v1{path}", self.base))
    }

    fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(format!("{}/api/v1{path}", self.base))
    }
}

/// Sends a request and reads the whole answer; any transport failure is [`Down`].
async fn send(request: RequestBuilder) -> Result<(StatusCode, Value), Down> {
    let res = request.send().await.map_err(|_| Down)?;
    let status = res.status();
    let text = res.text().await.map_err(|_| Down)?;
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, value))
}

/// How far an acknowledged case had got.
fn rank(status: &str) -> u8 {
    match status {
        "draft" => 0,
        "submitted" => 1,
        "in_progress" => 2,
        other => panic!("a load case reached the unexpected status {other}"),
    }
}

/// What the server acknowledged about one case.
#[derive(Debug, Clone)]
pub struct Acked {
    revision: u64,
    rank: u8,
    /// Material name → the bytes uploaded for it.
    materials: BTreeMap<String, Vec<u8>>,
}

/// The case a worker is working on.
struct Current {
    key: String,
    /// The case's last known state (None until the start was acknowledged).
    view: Option<Value>,
}

/// One citizen's stream of cases, and everything the server acknowledged to it.
pub struct Worker {
    index: usize,
    citizen: String,
    citizen_token: Option<String>,
    clerk_token: Option<String>,
    next_key: u64,
    current: Option<Current>,
    /// Set when a new server process starts: read back before writing.
    restarted: bool,
    rng: StdRng,
    pub ledger: BTreeMap<String, Acked>,
    /// Acknowledged writes of every kind (sign-ins, starts, uploads, submits, acceptances).
    pub acked_writes: u64,
}

impl Worker {
    pub fn new(index: usize, citizen: &str, seed: u64) -> Worker {
        Worker {
            index,
            citizen: citizen.to_string(),
            citizen_token: None,
            clerk_token: None,
            next_key: 0,
            current: None,
            restarted: true,
            rng: StdRng::seed_from_u64(seed ^ (index as u64 + 1)),
            ledger: BTreeMap::new(),
            acked_writes: 0,
        }
    }

    /// Idempotency keys used so far, each of which must have made exactly one case.
    pub fn keys_used(&self) -> u64 {
        self.next_key
    }

    /// Writes until the server goes away.
    pub async fn run(&mut self, target: &Target) {
        self.restarted = true;
        loop {
            if self.step(target).await.is_err() {
                return;
            }
        }
    }

    /// Takes `steps` steps on a server that stays up.
    pub async fn run_steps(&mut self, target: &Target, steps: usize) -> Result<(), Down> {
        for _ in 0..steps {
            self.step(target).await?;
        }
        Ok(())
    }

    /// Writes until `stop` is set (or the server goes away).
    pub async fn run_until(&mut self, target: &Target, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            if self.step(target).await.is_err() {
                return;
            }
        }
    }

    /// A worker that knows what was acknowledged so far and has no case in flight.
    pub fn acknowledged_so_far(&self) -> Worker {
        Worker {
            index: self.index,
            citizen: self.citizen.clone(),
            citizen_token: self.citizen_token.clone(),
            clerk_token: self.clerk_token.clone(),
            next_key: self.next_key,
            current: None,
            restarted: true,
            rng: self.rng.clone(),
            ledger: self.ledger.clone(),
            acked_writes: self.acked_writes,
        }
    }

    /// On a server that stays up: settles the case in flight (a start whose answer was lost is
    /// sent again with its key) and reads back every acknowledged case.
    pub async fn settle(&mut self, target: &Target) -> Result<(), Down> {
        self.restarted = true;
        self.sign_in(target).await?;
        self.read_back_current(target).await?;
        if matches!(&self.current, Some(c) if c.view.is_none()) {
            self.start(target).await?;
        }
        let token = self.citizen_token.clone().unwrap_or_default();
        for id in self.ledger.keys().cloned().collect::<Vec<_>>() {
            self.check(target, &token, &id).await?;
        }
        Ok(())
    }

    async fn step(&mut self, target: &Target) -> Result<(), Down> {
        self.sign_in(target).await?;
        if self.restarted {
            self.read_back_current(target).await?;
            self.read_back_one_old_case(target).await?;
            self.restarted = false;
        }
        let Some(current) = &self.current else {
            let key = format!("crash-{}-{}", self.index, self.next_key);
            self.next_key += 1;
            self.current = Some(Current { key, view: None });
            return Ok(());
        };
        let Some(view) = &current.view else {
            return self.start(target).await;
        };
        let id = view["id"].as_str().unwrap_or_default().to_string();
        let revision = view["revision"].as_u64().unwrap_or_default();
        match view["status"].as_str().unwrap_or_default() {
            "draft" => {
                let attached = attached(view);
                match target.required.iter().find(|m| !attached.contains_key(*m)) {
                    Some(material) => self.upload(target, &id, &material.clone()).await,
                    None => {
                        self.act(target, &id, json!({ "action": "submit" }), false)
                            .await
                    }
                }
            }
            "submitted" => {
                let accept = json!({ "action": "accept", "revision": revision });
                self.act(target, &id, accept, true).await
            }
            _ => {
                self.current = None;
                Ok(())
            }
        }
    }

    /// Signs in the citizen and the clerk once; their sessions must then outlive every kill.
    pub async fn sign_in(&mut self, target: &Target) -> Result<(), Down> {
        if self.citizen_token.is_none() {
            self.citizen_token = Some(login(target, &self.citizen, CITIZEN_PASSWORD).await?);
            self.acked_writes += 1;
        }
        if self.clerk_token.is_none() {
            self.clerk_token = Some(login(target, CLERK, STAFF_PASSWORD).await?);
            self.acked_writes += 1;
        }
        Ok(())
    }

    /// After a restart: the case in flight is read back and checked against the ledger.
    async fn read_back_current(&mut self, target: &Target) -> Result<(), Down> {
        let Some(id) = self
            .current
            .as_ref()
            .and_then(|c| c.view.as_ref())
            .and_then(|v| v["id"].as_str())
            .map(str::to_string)
        else {
            return Ok(());
        };
        let token = self.citizen_token.clone().unwrap_or_default();
        let view = self.check(target, &token, &id).await?;
        if let Some(current) = &mut self.current {
            current.view = Some(view);
        }
        Ok(())
    }

    /// After a restart: one earlier acknowledged case, chosen at random, is read back too.
    async fn read_back_one_old_case(&mut self, target: &Target) -> Result<(), Down> {
        if self.ledger.is_empty() {
            return Ok(());
        }
        let at = self.rng.random_range(0..self.ledger.len());
        let id = self.ledger.keys().nth(at).cloned().unwrap_or_default();
        let token = self.citizen_token.clone().unwrap_or_default();
        self.check(target, &token, &id).await.map(|_| ())
    }

    /// Reads a case and asserts it holds everything acknowledged about it, whole.
    async fn check(&self, target: &Target, token: &str, id: &str) -> Result<Value, Down> {
        let (status, view) = send(
            target
                .get(&format!("/applications/{id}"))
                .bearer_auth(token),
        )
        .await?;
        assert_eq!(
            status,
            StatusCode::OK,
            "worker {}: acknowledged case {id} cannot be read (a lost session or case): {view}",
            self.index
        );
        let acked = &self.ledger[id];
        let revision = view["revision"].as_u64().unwrap_or_default();
        assert!(
            revision >= acked.revision,
            "case {id} is at revision {revision}, but revision {} was acknowledged",
            acked.revision
        );
        let state = view["status"].as_str().unwrap_or_default();
        assert!(
            rank(state) >= acked.rank,
            "case {id} is {state}, behind what was acknowledged"
        );
        let attached = attached(&view);
        for (material, bytes) in &acked.materials {
            let blob = hex::encode(tongban_domain::sm3(bytes));
            assert_eq!(
                attached.get(material),
                Some(&blob),
                "case {id}: the acknowledged upload of {material} is missing: {view}"
            );
            let path = target
                .uploads
                .join(&blob[0..2])
                .join(&blob[2..4])
                .join(&blob);
            let stored = std::fs::read(&path).unwrap_or_default();
            assert!(
                stored == *bytes,
                "the blob of an acknowledged upload is missing or not whole: {}",
                path.display()
            );
        }
        Ok(view)
    }

    async fn start(&mut self, target: &Target) -> Result<(), Down> {
        let Some(current) = &mut self.current else {
            return Ok(());
        };
        let token = self.citizen_token.clone().unwrap_or_default();
        let body = json!({
            "item_id": target.item_id,
            "form": { "applicant": "崩溃测试", "phone": "13800000000" },
        });
        let (status, view) = send(
            target
                .post("/applications")
                .bearer_auth(&token)
                .header("Idempotency-Key", &current.key)
                .json(&body),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "start {}: {view}", current.key);
        let id = view["id"].as_str().unwrap_or_default().to_string();
        if let Some(acked) = self.ledger.get(&id) {
            panic!(
                "idempotency key {} answered with another key's case {id}: {acked:?}",
                current.key
            );
        }
        assert_eq!(
            view["status"], "draft",
            "a case answered to a repeated start moved on: {view}"
        );
        self.ledger.insert(
            id,
            Acked {
                revision: view["revision"].as_u64().unwrap_or_default(),
                rank: 0,
                materials: BTreeMap::new(),
            },
        );
        current.view = Some(view);
        self.acked_writes += 1;
        target.acked.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn upload(&mut self, target: &Target, id: &str, material: &str) -> Result<(), Down> {
        let token = self.citizen_token.clone().unwrap_or_default();
        let mut bytes = PNG.to_vec();
        bytes.extend_from_slice(format!("{id}/{material}").as_bytes());
        let (content_type, body) = multipart(material, &bytes);
        let (status, view) = send(
            target
                .post(&format!("/applications/{id}/materials"))
                .bearer_auth(&token)
                .header("content-type", content_type)
                .body(body),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "upload {material} to {id}: {view}");
        self.acknowledge(id, &view);
        target.acked.fetch_add(1, Ordering::SeqCst);
        if let Some(acked) = self.ledger.get_mut(id) {
            acked.materials.insert(material.to_string(), bytes);
        }
        Ok(())
    }

    async fn act(
        &mut self,
        target: &Target,
        id: &str,
        body: Value,
        clerk: bool,
    ) -> Result<(), Down> {
        let token = if clerk {
            self.clerk_token.clone()
        } else {
            self.citizen_token.clone()
        };
        let (status, view) = send(
            target
                .post(&format!("/applications/{id}/actions"))
                .bearer_auth(token.unwrap_or_default())
                .json(&body),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body} on {id}: {view}");
        self.acknowledge(id, &view);
        target.acked.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Records an acknowledged answer about a case as the ledger's new minimum.
    fn acknowledge(&mut self, id: &str, view: &Value) {
        if let Some(acked) = self.ledger.get_mut(id) {
            acked.revision = view["revision"].as_u64().unwrap_or_default();
            acked.rank = rank(view["status"].as_str().unwrap_or_default());
        }
        if let Some(current) = &mut self.current {
            current.view = Some(view.clone());
        }
        self.acked_writes += 1;
    }
}

/// Material name → blob id of every material attached to a case.
fn attached(view: &Value) -> BTreeMap<String, String> {
    view["case"]["materials"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["material"].as_str().unwrap_or_default().to_string(),
                m["blob_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn login(target: &Target, login: &str, password: &str) -> Result<String, Down> {
    let (status, body) = send(
        target
            .post("/auth/login")
            .json(&json!({ "login": login, "password": password })),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "sign-in of {login}: {body}");
    Ok(body["token"].as_str().unwrap_or_default().to_string())
}

/// A multipart body by hand (the workspace's reqwest has no multipart feature).
fn multipart(material: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tongbanCrashBoundary5Qx";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"证件.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
