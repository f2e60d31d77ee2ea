//! SQLite's WAL checkpoints, run beside the writer instead of inside its commits.
//!
//! In WAL mode every commit appends pages to the WAL; a checkpoint copies them back into the
//! database file and syncs it. Left to SQLite, the connection whose commit crosses the
//! auto-checkpoint size does the whole copy right after that commit: the single writer, so the
//! units queued behind it wait for thousands of page copies and a second sync. Here a task on
//! its own connection runs a PASSIVE checkpoint (which never blocks the writer or readers)
//! after commits, at most every [`SPACING`]. The writer's auto-checkpoint is kept at a larger
//! size ([`WRITER_AUTOCHECKPOINT_PAGES`]) as the backstop that lets the WAL start over: by the
//! time it fires, nearly every page has already been copied, so it only has the rest to do.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyPool, Row};
use tokio::sync::{Notify, watch};

use crate::pool::Store;

/// Shortest time between two background checkpoints: long enough for a pass to copy many
/// commits' pages with one sync of the database file.
pub(crate) const SPACING: Duration = Duration::from_millis(20);

/// The WAL size (in pages) at which a committing connection checkpoints by itself.
pub(crate) const WRITER_AUTOCHECKPOINT_PAGES: u32 = 4000;

/// What one background checkpoint pass found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPass {
    /// Another connection held a lock the pass needed, so it copied less than it could.
    pub busy: bool,
    /// Pages in the WAL when the pass ran.
    pub wal_pages: i64,
    /// Of those, pages now copied into the database file.
    pub copied_pages: i64,
}

/// Wakes the checkpoint task after commits, and tells who asks what its passes did.
#[derive(Clone, Default)]
pub(crate) struct CheckpointHandle(Option<Arc<Shared>>);

struct Shared {
    wake: Notify,
    passes: watch::Sender<Option<CheckpointPass>>,
}

impl CheckpointHandle {
    /// A handle that does nothing (PostgreSQL, bulk loads).
    pub(crate) fn none() -> CheckpointHandle {
        CheckpointHandle(None)
    }

    /// Wakes the task: after a commit added pages to the WAL, or to let it see the closed pool.
    pub(crate) fn wake(&self) {
        if let Some(shared) = &self.0 {
            shared.wake.notify_one();
        }
    }
}

impl Store {
    /// Follows the background checkpoint passes that finish from now on; `None` where there
    /// is no such task (PostgreSQL, bulk loads). For tests and diagnostics.
    pub fn watch_checkpoints(&self) -> Option<CheckpointWatch> {
        let shared = self.checkpoints.0.as_ref()?;
        let mut passes = shared.passes.subscribe();
        passes.mark_unchanged();
        Some(CheckpointWatch(passes))
    }
}

/// The passes of the background checkpoint task, from when it was asked for.
pub struct CheckpointWatch(watch::Receiver<Option<CheckpointPass>>);

impl CheckpointWatch {
    /// Waits for the next pass to finish and returns what it did (`None` once the task has
    /// ended). Passes only run after commits, so commit something first.
    pub async fn next(&mut self) -> Option<CheckpointPass> {
        self.0.changed().await.ok()?;
        *self.0.borrow_and_update()
    }
}

/// Starts the checkpoint task on `pool`; it ends at its first wake after the pool is closed
/// ([`Store::close`] gives it one).
pub(crate) fn spawn(pool: AnyPool) -> CheckpointHandle {
    let shared = Arc::new(Shared {
        wake: Notify::new(),
        passes: watch::channel(None).0,
    });
    tokio::spawn(run(pool, shared.clone()));
    CheckpointHandle(Some(shared))
}

async fn run(pool: AnyPool, shared: Arc<Shared>) {
    loop {
        shared.wake.notified().await;
        if pool.is_closed() {
            return;
        }
        // A failed pass is not an error for anyone: the writer's own auto-checkpoint still
        // bounds the WAL, and the next commit brings another pass.
        match pass(&pool).await {
            Ok(done) => {
                shared.passes.send_replace(Some(done));
            }
            Err(_) if pool.is_closed() => return,
            Err(err) => tracing::warn!(error = %err, "background WAL checkpoint failed"),
        }
        tokio::time::sleep(SPACING).await;
    }
}

async fn pass(pool: &AnyPool) -> Result<CheckpointPass, sqlx::Error> {
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(pool)
        .await?;
    Ok(CheckpointPass {
        busy: row.try_get::<i64, _>(0)? != 0,
        wal_pages: row.try_get(1)?,
        copied_pages: row.try_get(2)?,
    })
}
