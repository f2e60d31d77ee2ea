//! Argon2 password hashing on one long-lived thread of its own.
//!
//! Each Argon2id run allocates 19 MiB (m=19456). On the tokio blocking pool every thread that
//! ran one kept that memory in its own malloc arena, and parallel logins ran one per thread:
//! `tongban bench load` saw the serve process grow from 55 MB to 117 MB after five logins and
//! peak at 274 MB after eight at once. One dedicated thread, verifying in a reused buffer (see
//! `auth::with_argon2_memory`) that it drops once no login has come for [`IDLE_RELEASE`], bounds
//! that memory to 19 MiB whatever the number of logins at once, and to nothing between bursts
//! (two threads kept 38 MiB for good, a quarter of the 150 MB the server may use at province
//! scale). Logins queue on it: at about 50 ms of CPU each, one process verifies about 20 a
//! second; more processes behind a load balancer verify more.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Threads hashing passwords.
pub const HASHING_THREADS: usize = 1;

/// How long a hashing thread keeps Argon2's working memory without a job.
pub const IDLE_RELEASE: Duration = Duration::from_secs(2);

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use; `None` if none could be started.
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let rx = Arc::new(Mutex::new(rx));
            let started = (0..HASHING_THREADS)
                .filter(|k| {
                    let rx = rx.clone();
                    std::thread::Builder::new()
                        .name(format!("tongban-argon2-{k}"))
                        .spawn(move || work(&rx))
                        .is_ok()
                })
                .count();
            (started > 0).then(|| Mutex::new(tx))
        })
        .as_ref()
}

/// Runs jobs until the queue is gone; drops the thread's Argon2 memory when idle.
fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        let next = match rx.lock() {
            Ok(guard) => guard.recv_timeout(IDLE_RELEASE),
            Err(poisoned) => poisoned.into_inner().recv_timeout(IDLE_RELEASE),
        };
        match next {
            // A panicking job drops its reply sender; the thread stays.
            Ok(job) => drop(std::panic::catch_unwind(AssertUnwindSafe(job))),
            Err(RecvTimeoutError::Timeout) => crate::auth::release_argon2_memory(),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Runs `f` on a hashing thread and waits for it without blocking the runtime; `None` if it
/// panicked. Falls back to the blocking pool when no hashing thread could be started.
pub(crate) async fn run<T, F>(f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let Some(queue) = queue() else {
        return tokio::task::spawn_blocking(f).await.ok();
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(f());
    });
    let sent = match queue.lock() {
        Ok(tx) => tx.send(job),
        Err(poisoned) => poisoned.into_inner().send(job),
    };
    sent.ok()?;
    answer.await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_hashes_at_once_run_on_the_hashing_thread_and_each_answers() {
        let jobs: Vec<_> = (0..16u64)
            .map(|n| {
                tokio::spawn(run(move || {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    (n * 2, std::thread::current().id())
                }))
            })
            .collect();
        let mut threads = std::collections::HashSet::new();
        for (n, job) in jobs.into_iter().enumerate() {
            let (doubled, thread) = job.await.unwrap().unwrap();
            assert_eq!(doubled, n as u64 * 2);
            threads.insert(thread);
        }
        assert!(threads.len() <= HASHING_THREADS, "{threads:?}");
        assert!(!threads.contains(&std::thread::current().id()));
    }

    #[tokio::test]
    async fn a_panicking_hash_answers_none_and_the_threads_keep_working() {
        assert_eq!(run(|| -> u8 { panic!("bad hash") }).await, None);
        assert_eq!(run(|| 7).await, Some(7));
    }
}
