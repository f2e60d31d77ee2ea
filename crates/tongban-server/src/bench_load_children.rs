//! The server processes `tongban bench load` measures: a bare axum hello-world (`tongban bench
//! hello`, hidden) and a real `tongban serve`, each started as a child of this binary on a free
//! loopback port, plus a sampler of the serve process's resident memory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use hyper::{Method, StatusCode};

use crate::bench_load_client::Conn;

/// How the served database is chosen for the `tongban serve` child.
#[derive(Debug, Clone)]
pub enum Database {
    /// A settings file, passed on as `--config`.
    Config(PathBuf),
    /// A directory laid out like `tongban demo --data DIR` makes it.
    DemoDir(PathBuf),
}

/// A running child server.
pub struct Server {
    pub addr: SocketAddr,
    pub pid: u32,
    child: Child,
}

impl Server {
    /// Asks the child to stop (SIGTERM through `kill`, so that serve drains and closes the
    /// store) and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid.to_string())
            .status();
        let asked = Instant::now();
        while self.child.try_wait()?.is_none() {
            if asked.elapsed() > Duration::from_secs(30) {
                self.child.kill()?;
                self.child.wait()?;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
}

impl Drop for Server {
    /// A server left running by an error is killed.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A loopback address with a port that was free a moment ago.
async fn free_addr() -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?)
}

/// Starts `tongban bench hello` and waits until it answers.
pub async fn start_hello(log: &Path) -> anyhow::Result<Server> {
    let addr = free_addr().await?;
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["bench", "hello", "--listen", &addr.to_string()]);
    start(command, addr, log, "/").await
}

/// Starts `tongban serve` on `database` and waits until `/healthz` answers.
pub async fn start_serve(database: &Database, log: &Path) -> anyhow::Result<Server> {
    let addr = free_addr().await?;
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["serve", "--listen", &addr.to_string()]);
    match database {
        Database::Config(file) => {
            command.arg("--config").arg(file);
        }
        Database::DemoDir(dir) => {
            let db = dir.join("tongban.db");
            let db = db
                .to_str()
                .context("the data directory must be a UTF-8 path")?;
            command
                .env("TONGBAN_DATABASE_URL", format!("sqlite://{db}"))
                .env("TONGBAN_SECRET_KEY_FILE", dir.join("secret.key"))
                .env(
                    "TONGBAN_LICENCE_MASTER_KEY_FILE",
                    dir.join("licence-master.key"),
                )
                .env("TONGBAN_UPLOADS_DIR", dir.join("uploads"))
                .env(
                    "TONGBAN_NOTIFY_SMS_FILE",
                    dir.join("outbox").join("sms.jsonl"),
                )
                .env(
                    "TONGBAN_NOTIFY_EMAIL_FILE",
                    dir.join("outbox").join("email.jsonl"),
                );
        }
    }
    start(command, addr, log, "/healthz").await
}

async fn start(
    mut command: Command,
    addr: SocketAddr,
    log: &Path,
    ready_path: &str,
) -> anyhow::Result<Server> {
    let log_file =
        std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    command
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    let child = command.spawn().context("starting a child server")?;
    // From here an early return drops the server, which kills the child.
    let mut server = Server {
        addr,
        pid: child.id(),
        child,
    };
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait()? {
            anyhow::bail!(
                "the child server exited with {status} before answering; see {}",
                log.display()
            );
        }
        if let Ok(mut conn) = Conn::connect(addr).await
            && let Ok((StatusCode::OK, _)) = conn.send(Method::GET, ready_path, None, None).await
        {
            return Ok(server);
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the child server did not answer within 10 minutes; see {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Resident memory of a process, in KiB: (VmRSS now, VmHWM = peak so far).
pub fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Samples a process's VmRSS every 50 ms, keeping the largest value seen.
pub struct RssSampler {
    peak_kib: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let peak_kib = Arc::new(AtomicU64::new(0));
        let peak = peak_kib.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                match rss_kib(pid) {
                    Some((rss, _)) => {
                        peak.fetch_max(rss, Ordering::Relaxed);
                    }
                    None => break,
                }
            }
        });
        RssSampler { peak_kib, task }
    }

    /// The largest VmRSS sampled so far, in KiB.
    pub fn peak_kib(&self) -> u64 {
        self.peak_kib.load(Ordering::Relaxed)
    }

    pub fn stop(self) -> u64 {
        self.task.abort();
        self.peak_kib()
    }
}

/// `tongban bench hello`: the bare axum hello-world the 办事指南 page is compared with.
pub async fn hello(listen: &str) -> anyhow::Result<std::process::ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }));
    axum::serve(listener, router).await?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_size_and_a_peak_at_least_as_large() {
        let (rss, peak) = rss_kib(std::process::id()).unwrap();
        assert!(rss > 0);
        assert!(peak >= rss);
        assert!(rss_kib(u32::MAX).is_none());
    }
}
