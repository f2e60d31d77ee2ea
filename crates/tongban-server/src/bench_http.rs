//! HTTP latency of the application routes under concurrent clients, for `bench lifecycle`:
//! the real router served on an ephemeral local port over a freshly seeded store, reqwest
//! clients with bearer tokens from `POST /api/v1/auth/login` running whole cases.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tongban_demo::{CITIZEN_PASSWORD, STAFF_PASSWORD};

use crate::bench_lifecycle::{Cast, LifecycleOptions};
use crate::bench_search_report::percentile;

/// One request kind's latencies.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteFigures {
    pub route: String,
    /// Whether the goal applies to it (submit and approve).
    pub goal: bool,
    pub requests: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl RouteFigures {
    fn new(route: &str, goal: bool, mut ms: Vec<f64>) -> RouteFigures {
        ms.sort_by(f64::total_cmp);
        RouteFigures {
            route: route.to_string(),
            goal,
            requests: ms.len(),
            p50_ms: percentile(&ms, 50.0),
            p90_ms: percentile(&ms, 90.0),
            p99_ms: percentile(&ms, 99.0),
            max_ms: ms.last().copied().unwrap_or(0.0),
        }
    }
}

/// One engine's HTTP figures.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpFigures {
    pub engine: String,
    pub clients: usize,
    pub cases_per_client: usize,
    pub warmup_per_client: usize,
    /// Measured cases found `decided` afterwards.
    pub decided: usize,
    /// Wall clock of the measured part.
    pub seconds: f64,
    pub total_requests: usize,
    pub routes: Vec<RouteFigures>,
}

impl HttpFigures {
    pub fn requests_per_second(&self) -> f64 {
        self.total_requests as f64 / self.seconds.max(1e-9)
    }
}

/// The request kinds, in the order of a case; `true` where the goal applies.
const KINDS: [(&str, bool); 5] = [
    ("POST /applications (start)", false),
    ("POST …/materials (upload)", false),
    ("POST …/actions submit", true),
    ("POST …/actions accept", false),
    ("POST …/actions approve", true),
];

/// Latencies in milliseconds per request kind (indices of [`KINDS`]).
type Samples = [Vec<f64>; 5];

/// A client with the four bearer tokens.
struct Client {
    http: reqwest::Client,
    base: String,
    tokens: [String; 4],
}

impl Client {
    async fn login(
        http: reqwest::Client,
        base: String,
        logins: &[String; 4],
    ) -> anyhow::Result<Client> {
        let mut tokens: [String; 4] = Default::default();
        for (k, login) in logins.iter().enumerate() {
            let password = if k == 0 {
                CITIZEN_PASSWORD
            } else {
                STAFF_PASSWORD
            };
            let answer: Value = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({ "login": login, "password": password }))
                .send()
                .await?
                .error_for_status()
                .with_context(|| format!("logging in as {login}"))?
                .json()
                .await?;
            tokens[k] = answer["token"]
                .as_str()
                .context("no token in the login answer")?
                .to_string();
        }
        Ok(Client { http, base, tokens })
    }

    /// Sends `request` as person `who`, times it until the whole answer is read, and returns
    /// the case's id and revision from the answer.
    async fn send(
        &self,
        who: usize,
        request: reqwest::RequestBuilder,
        sample: &mut Vec<f64>,
    ) -> anyhow::Result<(String, u64)> {
        let start = Instant::now();
        let response = request.bearer_auth(&self.tokens[who]).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        sample.push(start.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            status.is_success(),
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        );
        let dto: Value = serde_json::from_slice(&body)?;
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

    async fn act(
        &self,
        who: usize,
        id: &str,
        body: Value,
        sample: &mut Vec<f64>,
    ) -> anyhow::Result<u64> {
        let url = format!("{}/api/v1/applications/{id}/actions", self.base);
        Ok(self
            .send(who, self.http.post(url).json(&body), sample)
            .await?
            .1)
    }

    /// One whole case; returns its id.
    async fn case(
        &self,
        item_id: &str,
        materials: &[String],
        n: usize,
        samples: &mut Samples,
    ) -> anyhow::Result<String> {
        let url = format!("{}/api/v1/applications", self.base);
        let body = json!({ "item_id": item_id, "channel": "pc" });
        let (id, mut revision) = self
            .send(0, self.http.post(url).json(&body), &mut samples[0])
            .await?;
        for material in materials {
            let (content_type, bytes) = multipart(revision, material, n);
            let url = format!("{}/api/v1/applications/{id}/materials", self.base);
            let request = self
                .http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
            revision = self.send(0, request, &mut samples[1]).await?.1;
        }
        let steps = [
            (0, 2, json!({ "action": "submit" })),
            (1, 3, json!({ "action": "accept", "mode": "normal" })),
            (2, 4, json!({ "action": "approve", "opinion": "同意" })),
            (3, 4, json!({ "action": "approve", "opinion": "准予许可" })),
        ];
        for (who, kind, mut body) in steps {
            body["revision"] = json!(revision);
            revision = self.act(who, &id, body, &mut samples[kind]).await?;
        }
        Ok(id)
    }
}

/// A multipart/form-data body with the revision, the material's name and a small PDF.
fn multipart(revision: u64, material: &str, n: usize) -> (String, Vec<u8>) {
    let boundary = format!("tongbanbench{:016x}", rand::random::<u64>());
    let mut body = Vec::new();
    let text = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    body.extend_from_slice(text("revision", &revision.to_string()).as_bytes());
    body.extend_from_slice(text("material", material).as_bytes());
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"material.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(format!("%PDF-1.4\n% tongban bench {n} {material}\n%%EOF\n").as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Seeds a store at `url`, serves the router on 127.0.0.1:0 and runs the clients.
pub async fn run(
    engine: &str,
    url: &str,
    options: &LifecycleOptions,
) -> anyhow::Result<HttpFigures> {
    println!("HTTP on {engine}: seeding and serving …");
    let (app, store, cast) = crate::bench_lifecycle::prepare(url).await?;
    let uploads: PathBuf = options
        .dir
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!(
            "tongban-bench-uploads-{}-{}",
            std::process::id(),
            crate::context::now_ms()
        ));
    let app = app.with_uploads(uploads.clone())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(tongban_web::serve(
        app,
        listener,
        tongban_web::WebOptions::default(),
    ));
    let result = clients(engine, &base, &store, &cast, options).await;
    server.abort();
    store.close().await;
    if let Err(err) = std::fs::remove_dir_all(&uploads) {
        eprintln!("warning: could not remove {}: {err}", uploads.display());
    }
    result
}

async fn clients(
    engine: &str,
    base: &str,
    store: &tongban_store::Store,
    cast: &Cast,
    options: &LifecycleOptions,
) -> anyhow::Result<HttpFigures> {
    let clients = options.tasks;
    let cases = options.http_cases;
    let warmup = 3;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 2)
        .timeout(Duration::from_secs(60))
        .build()?;
    let mut logged_in = Vec::new();
    for _ in 0..clients {
        logged_in.push(Client::login(http.clone(), base.to_string(), &cast.logins).await?);
    }
    let item_id: Arc<str> = cast.item_id.clone().into();
    let materials = Arc::new(cast.materials.clone());

    // Warm-up: a few unmeasured cases per client, all at once.
    println!("HTTP on {engine}: {clients} clients, {warmup} warm-up cases each …");
    let logged_in = run_clients(logged_in, &item_id, &materials, 0, warmup)
        .await?
        .0;

    println!("HTTP on {engine}: {clients} clients × {cases} measured cases …");
    let start = Instant::now();
    let (_, ids, samples) = run_clients(logged_in, &item_id, &materials, 1_000_000, cases).await?;
    let seconds = start.elapsed().as_secs_f64();
    for id in &ids {
        let row = store
            .application(id)
            .await?
            .with_context(|| format!("case {id} is missing"))?;
        anyhow::ensure!(
            row.status == "decided",
            "case {} is {}",
            row.number,
            row.status
        );
    }
    let total_requests = samples.iter().map(Vec::len).sum();
    let routes = KINDS
        .iter()
        .zip(samples)
        .map(|((name, goal), ms)| RouteFigures::new(name, *goal, ms))
        .collect();
    Ok(HttpFigures {
        engine: engine.to_string(),
        clients,
        cases_per_client: cases,
        warmup_per_client: warmup,
        decided: ids.len(),
        seconds,
        total_requests,
        routes,
    })
}

/// Runs `cases` cases on every client concurrently; the clients back, the case ids and the
/// latencies of every request.
async fn run_clients(
    clients: Vec<Client>,
    item_id: &Arc<str>,
    materials: &Arc<Vec<String>>,
    base_n: usize,
    cases: usize,
) -> anyhow::Result<(Vec<Client>, Vec<String>, Samples)> {
    let mut set = JoinSet::new();
    for (c, client) in clients.into_iter().enumerate() {
        let (item_id, materials) = (item_id.clone(), materials.clone());
        set.spawn(async move {
            let mut samples: Samples = Default::default();
            let mut ids = Vec::with_capacity(cases);
            for k in 0..cases {
                let n = base_n + c * 10_000 + k;
                ids.push(client.case(&item_id, &materials, n, &mut samples).await?);
            }
            Ok::<_, anyhow::Error>((client, ids, samples))
        });
    }
    let mut back = Vec::new();
    let mut ids = Vec::new();
    let mut all: Samples = Default::default();
    while let Some(joined) = set.join_next().await {
        let (client, mine, samples) = joined.context("an HTTP client panicked")??;
        back.push(client);
        ids.extend(mine);
        for (into, from) in all.iter_mut().zip(samples) {
            into.extend(from);
        }
    }
    Ok((back, ids, all))
}
