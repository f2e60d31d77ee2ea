//! A small progress bar on standard error: phase, done/total, rate and ETA, redrawn in place on
//! a terminal and printed as plain periodic lines otherwise (logs, CI).

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// How often a terminal bar is redrawn, and how often a plain line is printed.
const TTY_EVERY: Duration = Duration::from_millis(200);
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// The progress of one phase.
pub struct Progress {
    phase: String,
    total: u64,
    done: u64,
    started: Instant,
    last_shown: Option<Instant>,
    tty: bool,
}

impl Progress {
    /// Starts a phase of `total` steps (0 when the total is not known).
    pub fn start(phase: &str, total: u64) -> Progress {
        let mut p = Progress {
            phase: phase.to_string(),
            total,
            done: 0,
            started: Instant::now(),
            last_shown: None,
            tty: std::io::stderr().is_terminal(),
        };
        p.show(true);
        p
    }

    /// Counts `n` more steps done.
    pub fn add(&mut self, n: u64) {
        self.done += n;
        self.show(false);
    }

    /// Sets the steps done so far.
    pub fn set(&mut self, done: u64) {
        self.done = done;
        self.show(false);
    }

    /// Starts a phase whose count `poll` reads (e.g. rows in a table), every second on a
    /// terminal and every ten seconds otherwise, until [`Watch::finish`].
    pub fn watch<F, Fut>(phase: &str, total: u64, poll: F) -> Watch
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = u64> + Send,
    {
        let mut progress = Progress::start(phase, total);
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let every = if progress.tty {
            Duration::from_secs(1)
        } else {
            PLAIN_EVERY
        };
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(every) => {
                        let done = poll().await;
                        progress.set(done);
                    }
                }
            }
            let done = poll().await;
            progress.done = done;
            progress.finish()
        });
        Watch { stop, task }
    }

    /// Ends the phase with a final line; returns how long it took.
    pub fn finish(mut self) -> Duration {
        self.show(true);
        if self.tty {
            eprintln!();
        }
        self.started.elapsed()
    }

    fn show(&mut self, force: bool) {
        let every = if self.tty { TTY_EVERY } else { PLAIN_EVERY };
        if !force && self.last_shown.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        self.last_shown = Some(Instant::now());
        let line = line(&self.phase, self.done, self.total, self.started.elapsed());
        let mut err = std::io::stderr().lock();
        // Progress is a courtesy: a closed standard error must not stop the work.
        let _ = if self.tty {
            write!(err, "\r\x1b[2K{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }
}

/// A phase whose progress a task polls.
pub struct Watch {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Duration>,
}

impl Watch {
    /// Ends the phase with a final line; returns how long it took.
    pub async fn finish(self) -> Duration {
        let _ = self.stop.send(());
        self.task.await.unwrap_or_default()
    }
}

/// One progress line: `phase [####----] done/total pct  rate/s  elapsed  ETA`.
pub fn line(phase: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    if total == 0 && done == 0 {
        return format!("{phase:<12} … {}", clock(secs));
    }
    if total == 0 {
        return format!("{phase:<12} {done}  {rate:.0}/s  {}", clock(secs));
    }
    let frac = (done as f64 / total as f64).clamp(0.0, 1.0);
    let width = 24;
    let filled = (frac * width as f64).round() as usize;
    let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
    let eta = if rate > 0.0 && done < total {
        clock((total - done) as f64 / rate)
    } else {
        "--:--".to_string()
    };
    format!(
        "{phase:<12} [{bar}] {done}/{total} {:>5.1}%  {rate:.0}/s  {}  ETA {eta}",
        frac * 100.0,
        clock(secs)
    )
}

/// Seconds as `m:ss` or `h:mm:ss`.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shows_phase_counts_rate_and_time_left() {
        let l = line("applications", 250, 1000, Duration::from_secs(5));
        assert!(l.starts_with("applications"), "{l}");
        assert!(l.contains("250/1000"), "{l}");
        assert!(l.contains("25.0%"), "{l}");
        assert!(l.contains("50/s"), "{l}");
        assert!(l.contains("ETA 0:15"), "{l}");
        assert!(l.contains("[######------------------]"), "{l}");
    }

    #[test]
    fn a_phase_without_counts_shows_its_time() {
        assert_eq!(
            line("city", 0, 0, Duration::from_secs(75)),
            "city         … 1:15"
        );
    }

    #[test]
    fn a_phase_without_a_total_shows_its_count_and_rate_only() {
        let l = line("indicators", 7200, 0, Duration::from_secs(3600));
        assert!(
            l.contains("7200") && l.contains("2/s") && l.contains("1:00:00"),
            "{l}"
        );
        assert!(!l.contains("ETA"), "{l}");
    }
}
