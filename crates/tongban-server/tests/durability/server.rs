//! A sandbox directory seeded once, and the real `tongban serve` process run on it: started on
//! a port of its own choosing, found ready by polling with a deadline, and killed with SIGKILL.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The secret key the seeding app and the server share (ID-number keys are keyed by it).
pub const SECRET_HEX: &str = "74657374207365637265742030313233343536373839616263646566";

/// How long a server may take to start listening, or a command to finish.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A temporary directory holding the key files, the uploads and (unless the sandbox is on a
/// PostgreSQL schema) the SQLite database.
pub struct Sandbox {
    pub dir: PathBuf,
    /// The database every command of the sandbox uses.
    pub url: String,
    /// The throw-away PostgreSQL schema, dropped with the sandbox: (admin URL, schema).
    pg_schema: Option<(String, String)>,
}

impl Sandbox {
    /// A sandbox on a SQLite file in its directory.
    pub fn new(name: &str) -> Sandbox {
        let dir = Sandbox::make_dir(name);
        let url = sqlite_url(&dir.join("data/tongban.db"));
        Sandbox {
            dir,
            url,
            pg_schema: None,
        }
    }

    /// A sandbox on a new schema of the PostgreSQL database `admin_url`.
    pub async fn on_postgres(name: &str, admin_url: &str) -> Sandbox {
        sqlx::any::install_default_drivers();
        let schema = format!("crash_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        Sandbox {
            dir: Sandbox::make_dir(name),
            url: format!("{admin_url}{sep}options[search_path]={schema}"),
            pg_schema: Some((admin_url.to_string(), schema)),
        }
    }

    fn make_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tongban-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("data/secret.key"), format!("{SECRET_HEX}\n")).unwrap();
        std::fs::write(
            dir.join("data/licence-master.key"),
            "42424242424242424242424242424242\n",
        )
        .unwrap();
        dir
    }

    pub fn on_sqlite(&self) -> bool {
        self.pg_schema.is_none()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("data/tongban.db")
    }

    pub fn uploads(&self) -> PathBuf {
        self.dir.join("data/uploads")
    }

    /// `tongban ARGS` in this sandbox (its `data/` holds everything the settings point at).
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.url, args)
    }

    /// `tongban ARGS` in this sandbox, but on the SQLite file `db`.
    pub fn command_on(&self, db: &Path, args: &[&str]) -> Command {
        self.command_with(&sqlite_url(db), args)
    }

    fn command_with(&self, url: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tongban"));
        command
            .args(args)
            .current_dir(&self.dir)
            .env("TONGBAN_DATABASE_URL", url)
            .env("RUST_LOG", "warn,tongban=info");
        command
    }

    /// Runs `tongban ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().unwrap()
    }

    /// Starts `tongban serve` on a port the system picks.
    pub fn serve(&self) -> Server {
        Server::start(self.command(&["serve", "--listen", "127.0.0.1:0"]))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, schema)) = self.pg_schema.take() {
            // Drop runs inside the test's runtime: the schema is dropped on a thread of its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
                    let sql = format!("DROP SCHEMA {schema} CASCADE");
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&admin)
                        .await
                        .unwrap();
                    admin.close().await;
                });
            });
            let _ = dropped.join();
        }
    }
}

pub fn sqlite_url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

/// Both output streams of a finished command, for assertion messages.
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A running `tongban serve`.
pub struct Server {
    child: Child,
    ready: mpsc::Receiver<String>,
    /// The last lines the server wrote to standard error.
    tail: Arc<Mutex<VecDeque<String>>>,
    pub base: Option<String>,
}

impl Server {
    pub fn start(mut command: Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, ready) = mpsc::channel();
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let keep = tail.clone();
        // Reads standard error to its end (the pipe must never fill) and reports the address.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or_default().to_string();
                    let _ = tx.send(addr);
                }
                let mut tail = keep.lock().unwrap();
                if tail.len() == 40 {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        Server {
            child,
            ready,
            tail,
            base: None,
        }
    }

    /// Waits (at most [`DEADLINE`]) until the server listens and `/healthz` answers 200.
    pub async fn wait_ready(&mut self) -> String {
        let started = Instant::now();
        let addr = self.ready.recv_timeout(DEADLINE).unwrap_or_else(|_| {
            panic!(
                "the server did not listen within {DEADLINE:?}; its last lines:\n{}",
                self.tail()
            )
        });
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();
        loop {
            let answer = client.get(format!("{base}/healthz")).send().await;
            if matches!(&answer, Ok(res) if res.status().is_success()) {
                break;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "/healthz did not answer: {answer:?}\n{}",
                self.tail()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.base = Some(base.clone());
        base
    }

    /// SIGKILL, then reap the process.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The last lines of the server's log.
    pub fn tail(&self) -> String {
        let tail = self.tail.lock().unwrap();
        tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
