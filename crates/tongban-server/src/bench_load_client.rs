//! The load generator of `tongban bench load`: keep-alive HTTP/1.1 connections made with hyper
//! directly (no pool, no redirects, no cookie jar), a fixed number of workers each owning one
//! connection, a fixed duration, and the latency of every request.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Method, Request, StatusCode};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use crate::bench_search_report::percentile;

/// One keep-alive connection to the server under test.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

/// A request body and its content type.
pub struct Body {
    pub content_type: String,
    pub bytes: Bytes,
}

impl Body {
    pub fn json(value: &serde_json::Value) -> Body {
        Body {
            content_type: "application/json".into(),
            bytes: Bytes::from(value.to_string()),
        }
    }
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sender, connection) = http1::handshake(io).await?;
        tokio::spawn(async move {
            // The connection ends when the sender is dropped or the server closes it.
            let _ = connection.await;
        });
        Ok(Conn {
            sender,
            host: addr.to_string(),
        })
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Body>,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, &self.host);
        if let Some(token) = token {
            builder = builder.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(hyper::header::CONTENT_TYPE, body.content_type)
                .body(Full::new(body.bytes))?,
            None => builder.body(Full::new(Bytes::new()))?,
        };
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }

    /// Sends one request and records it under `label`: its latency when the answer is 2xx
    /// (and then the body), an error otherwise (and then `None`). Only a failure to talk to the
    /// server at all is an `Err`.
    pub async fn timed(
        &mut self,
        samples: &mut Samples,
        label: &'static str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Body>,
    ) -> anyhow::Result<Option<Bytes>> {
        let start = Instant::now();
        let (status, bytes) = self.send(method.clone(), path, token, body).await?;
        if status.is_success() {
            samples.record(label, start.elapsed());
            return Ok(Some(bytes));
        }
        samples.record_error(
            label,
            format!(
                "{label}: {method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ),
        );
        Ok(None)
    }
}

/// Latencies in microseconds of the answered requests, and the count of error answers, by
/// request label.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    micros: BTreeMap<&'static str, Vec<u32>>,
    errors: BTreeMap<&'static str, usize>,
    /// The first error answer, to show.
    pub first_error: Option<String>,
}

impl Samples {
    pub fn record(&mut self, label: &'static str, elapsed: Duration) {
        let micros = u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX);
        self.micros.entry(label).or_default().push(micros);
    }

    pub fn record_error(&mut self, label: &'static str, message: String) {
        *self.errors.entry(label).or_default() += 1;
        self.micros.entry(label).or_default();
        self.first_error.get_or_insert(message);
    }

    pub fn merge(&mut self, other: Samples) {
        for (label, mut micros) in other.micros {
            self.micros.entry(label).or_default().append(&mut micros);
        }
        for (label, n) in other.errors {
            *self.errors.entry(label).or_default() += n;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// The figures of every label, for a run of `seconds`.
    pub fn figures(&self, seconds: f64) -> Vec<Figures> {
        self.micros
            .iter()
            .map(|(label, micros)| {
                let errors = self.errors.get(label).copied().unwrap_or(0);
                Figures::of(label, micros, errors, seconds)
            })
            .collect()
    }

    /// The figures of all requests together.
    pub fn overall(&self, label: &str, seconds: f64) -> Figures {
        let all: Vec<u32> = self.micros.values().flatten().copied().collect();
        Figures::of(label, &all, self.errors.values().sum(), seconds)
    }
}

/// Throughput and latency of one kind of request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub label: String,
    pub requests: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Non-2xx answers (not counted in `requests` nor in the latencies).
    #[serde(default)]
    pub errors: usize,
}

impl Figures {
    pub fn of(label: &str, micros: &[u32], errors: usize, seconds: f64) -> Figures {
        let mut ms: Vec<f64> = micros.iter().map(|&m| f64::from(m) / 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        Figures {
            label: label.to_string(),
            requests: ms.len(),
            per_second: ms.len() as f64 / seconds.max(1e-9),
            p50_ms: percentile(&ms, 50.0),
            p99_ms: percentile(&ms, 99.0),
            max_ms: ms.last().copied().unwrap_or(0.0),
            errors,
        }
    }
}

/// What one timed drive measured.
#[derive(Debug, Clone)]
pub struct Drive {
    pub seconds: f64,
    pub samples: Samples,
    /// CPU seconds this (the client) process used during the drive.
    pub client_cpu_s: f64,
    /// CPU seconds the server process used during the drive, when its pid is known.
    pub server_cpu_s: Option<f64>,
}

/// Runs `workers` (each with its own connection) for `duration`: every worker calls `round`
/// with its index until the time is up; requests in flight at the end are finished and
/// counted, and the measured time runs until the last worker stops.
pub async fn drive<W, F, Fut>(
    addr: SocketAddr,
    workers: Vec<W>,
    duration: Duration,
    server_pid: Option<u32>,
    round: F,
) -> anyhow::Result<Drive>
where
    W: Send + 'static,
    F: Fn(Conn, W, Samples) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = anyhow::Result<(Conn, W, Samples)>> + Send + 'static,
{
    let mut conns = Vec::with_capacity(workers.len());
    for _ in 0..workers.len() {
        conns.push(Conn::connect(addr).await?);
    }
    let cpu_before = (
        process_cpu_seconds(None),
        server_pid.map(|p| process_cpu_seconds(Some(p))),
    );
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = JoinSet::new();
    for (conn, worker) in conns.into_iter().zip(workers) {
        let round = round.clone();
        tasks.spawn(async move {
            let (mut conn, mut worker, mut samples) = (conn, worker, Samples::default());
            while Instant::now() < deadline {
                (conn, worker, samples) = round(conn, worker, samples).await?;
            }
            anyhow::Ok(samples)
        });
    }
    let mut samples = Samples::default();
    while let Some(joined) = tasks.join_next().await {
        samples.merge(joined.context("a load worker panicked")??);
    }
    let seconds = start.elapsed().as_secs_f64();
    let client_cpu_s = process_cpu_seconds(None) - cpu_before.0;
    let server_cpu_s = server_pid
        .zip(cpu_before.1)
        .map(|(pid, before)| process_cpu_seconds(Some(pid)) - before);
    Ok(Drive {
        seconds,
        samples,
        client_cpu_s,
        server_cpu_s,
    })
}

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on every Linux build we run on).
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU seconds of a process (`None`: this one), from `/proc/<pid>/stat`; 0 when
/// it cannot be read.
pub fn process_cpu_seconds(pid: Option<u32>) -> f64 {
    let path = pid.map_or_else(
        || "/proc/self/stat".to_string(),
        |p| format!("/proc/{p}/stat"),
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let Some((_, rest)) = text.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_count_every_request_and_take_the_percentiles_of_the_latencies() {
        let mut samples = Samples::default();
        for ms in 1..=100u64 {
            samples.record("guide", Duration::from_millis(ms));
        }
        samples.record("hello", Duration::from_micros(250));
        samples.record_error("hello", "first".into());
        samples.record_error("hello", "second".into());
        let figures = samples.figures(2.0);
        assert_eq!(figures.len(), 2);
        let guide = &figures[0];
        assert_eq!(guide.label, "guide");
        assert_eq!(guide.requests, 100);
        assert!((guide.per_second - 50.0).abs() < 1e-9);
        assert!((guide.p50_ms - 50.0).abs() < 1e-9);
        assert!((guide.p99_ms - 99.0).abs() < 1e-9);
        assert!((guide.max_ms - 100.0).abs() < 1e-9);
        assert_eq!(samples.overall("all", 1.0).requests, 101);
        assert!((figures[1].p99_ms - 0.25).abs() < 1e-9);
        assert_eq!((guide.errors, figures[1].errors), (0, 2));
        assert_eq!(figures[1].requests, 1);
        assert_eq!(samples.overall("all", 1.0).errors, 2);
        assert_eq!(samples.first_error.as_deref(), Some("first"));
    }

    #[test]
    fn this_process_has_used_some_cpu_time() {
        let spin: u64 = (0..20_000_000u64).fold(0, |a, b| a.wrapping_add(b * b));
        assert!(spin > 0);
        assert!(process_cpu_seconds(None) > 0.0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_drive_counts_exactly_the_requests_the_server_answered() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        let answered = Arc::new(AtomicU64::new(0));
        let counter = answered.clone();
        let router = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    "Hello, World!"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let run = drive(
            addr,
            vec![(); 4],
            Duration::from_millis(300),
            None,
            |mut conn: Conn, (), mut samples: Samples| async move {
                let body = conn
                    .timed(&mut samples, "hello", Method::GET, "/", None, None)
                    .await?;
                anyhow::ensure!(body.as_deref() == Some(&b"Hello, World!"[..]));
                Ok((conn, (), samples))
            },
        )
        .await
        .unwrap();
        server.abort();
        let figures = run.samples.overall("hello", run.seconds);
        assert!(figures.requests > 4, "{figures:?}");
        assert_eq!(figures.requests as u64, answered.load(Ordering::SeqCst));
        assert!(run.seconds >= 0.3);
        assert!(run.server_cpu_s.is_none());
    }
}
