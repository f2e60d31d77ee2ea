//! The single writer: group commit of units of work, and the event hash chain.
//!
//! Callers send a unit of work (an async closure over [`WriteCtx`]) through a channel. The
//! writer takes everything that is queued (up to `max_batch`), opens one transaction, runs each
//! unit inside its own savepoint (a failing unit is rolled back alone), appends the units'
//! events to the hash chain, updates the chain head, commits once and then answers every
//! caller. While one batch is being made durable, the next one queues up; that is what turns
//! N concurrent writers into one fsync. No caller hears "ok" before its batch has committed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

use crate::checkpointer::CheckpointHandle;
use crate::error::StoreError;
use crate::pool::{Engine, Store};
use crate::write_ctx::WriteCtx;

/// A boxed future, as returned by units of work.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// An event to append to the chain, in the same transaction as the change it records.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at_ms: i64,
    /// Who did it: an account id, or `system`.
    pub actor: String,
    /// What happened, as `noun.verb`: `department.created`, `personal_record.viewed`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The change itself, as JSON. Never put passwords or session tokens here.
    pub payload: serde_json::Value,
}

/// Counters of the writer, for metrics and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub batches: u64,
    pub units: u64,
    pub events: u64,
}

type Completion = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A queued unit of work with its reply channel, erased over its result type.
trait Unit: Send {
    fn run<'c>(self: Box<Self>, ctx: &'c mut WriteCtx) -> BoxFuture<'c, Option<Completion>>;
    fn abort(self: Box<Self>, err: StoreError);
}

struct TypedUnit<F, T, E> {
    work: F,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Unit for TypedUnit<F, T, E>
where
    F: for<'c> FnOnce(&'c mut WriteCtx) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run<'c>(self: Box<Self>, ctx: &'c mut WriteCtx) -> BoxFuture<'c, Option<Completion>> {
        let TypedUnit { work, reply } = *self;
        Box::pin(async move {
            match work(ctx).await {
                Ok(value) => {
                    let done: Completion = Box::new(move |committed: Result<(), StoreError>| {
                        let _ = reply.send(committed.map(|()| value).map_err(E::from));
                    });
                    Some(done)
                }
                Err(err) => {
                    // Nothing of this unit survives (its savepoint is rolled back), so the
                    // failure can be reported at once.
                    let _ = reply.send(Err(err));
                    None
                }
            }
        })
    }

    fn abort(self: Box<Self>, err: StoreError) {
        let _ = self.reply.send(Err(E::from(err)));
    }
}

#[derive(Clone)]
pub(crate) struct WriterHandle {
    sender: mpsc::UnboundedSender<Box<dyn Unit>>,
    stats: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    units: AtomicU64,
    events: AtomicU64,
}

pub(crate) fn spawn(
    pool: AnyPool,
    engine: Engine,
    max_batch: usize,
    pii: crate::pii::PiiSlot,
    checkpoints: CheckpointHandle,
) -> WriterHandle {
    let (sender, receiver) = mpsc::unbounded_channel();
    let stats = Arc::new(Counters::default());
    tokio::spawn(writer_loop(
        pool,
        engine,
        receiver,
        max_batch,
        stats.clone(),
        pii,
        checkpoints,
    ));
    WriterHandle { sender, stats }
}

impl Store {
    /// Runs `work` in a transaction shared with other queued writers and returns its result
    /// once that transaction has committed. If `work` fails, its changes (and events) are
    /// rolled back and the other units of the batch are unaffected.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut WriteCtx) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let unit: Box<dyn Unit> = Box::new(TypedUnit { work, reply });
        self.writer
            .sender
            .send(unit)
            .map_err(|_| E::from(StoreError::WriterGone))?;
        answer.await.map_err(|_| E::from(StoreError::WriterGone))?
    }

    /// How many batches, units and events the writer has committed since start.
    pub fn write_stats(&self) -> WriteStats {
        let c = &self.writer.stats;
        WriteStats {
            batches: c.batches.load(Ordering::Relaxed),
            units: c.units.load(Ordering::Relaxed),
            events: c.events.load(Ordering::Relaxed),
        }
    }
}

async fn writer_loop(
    pool: AnyPool,
    engine: Engine,
    mut receiver: mpsc::UnboundedReceiver<Box<dyn Unit>>,
    max_batch: usize,
    stats: Arc<Counters>,
    pii: crate::pii::PiiSlot,
    checkpoints: CheckpointHandle,
) {
    // The writer's own connection, kept across batches; reopened after a failure.
    let mut conn: Option<AnyConnection> = None;
    // The committed revisions of the cases this writer wrote (see `applications.rs`).
    let known = crate::applications::KnownRevisions::default();
    while let Some(first) = receiver.recv().await {
        // Writers that were just answered are about to send their next unit: let them run
        // first, and keep collecting while more arrive, so one commit carries them all. This
        // waits on the scheduler only, never on a timer.
        let mut batch = vec![first];
        while batch.len() < max_batch {
            tokio::task::yield_now().await;
            let before = batch.len();
            while batch.len() < max_batch {
                match receiver.try_recv() {
                    Ok(unit) => batch.push(unit),
                    Err(_) => break,
                }
            }
            if batch.len() == before {
                break;
            }
        }
        conn = commit_batch(&pool, engine, conn, batch, &stats, &known, &pii).await;
        checkpoints.wake();
    }
}

async fn commit_batch(
    pool: &AnyPool,
    engine: Engine,
    conn: Option<AnyConnection>,
    batch: Vec<Box<dyn Unit>>,
    stats: &Counters,
    known: &crate::applications::KnownRevisions,
    pii: &crate::pii::PiiSlot,
) -> Option<AnyConnection> {
    let conn = match conn {
        Some(conn) => Ok(conn),
        None => pool
            .acquire()
            .await
            .map(|c| c.detach())
            .map_err(StoreError::from),
    };
    let begun = match conn {
        Ok(conn) => WriteCtx::begin(conn, engine, known.clone(), pii.clone()).await,
        Err(err) => Err((err, None)),
    };
    let mut ctx = match begun {
        Ok(ctx) => ctx,
        Err((err, conn)) => {
            let msg = err.to_string();
            tracing::error!(error = %msg, "writer could not begin a transaction");
            for unit in batch {
                unit.abort(StoreError::CommitFailed(msg.clone()));
            }
            return conn;
        }
    };
    let mut completions = Vec::with_capacity(batch.len());
    let mut units = batch.into_iter();
    while let Some(unit) = units.next() {
        let mark = ctx.mark();
        let outcome = unit.run(&mut ctx).await;
        let settled = match outcome {
            Some(done) => ctx.release(mark).await.map(|()| Some(done)),
            None => ctx.roll_back_to(mark).await.map(|()| None),
        };
        match settled {
            Ok(Some(done)) => completions.push(done),
            Ok(None) => {}
            Err(err) => {
                // The savepoint itself failed: the transaction is unusable. Fail everyone.
                let msg = err.to_string();
                tracing::error!(error = %msg, "writer savepoint failed");
                let conn = ctx.abort().await;
                for done in completions {
                    done(Err(StoreError::CommitFailed(msg.clone())));
                }
                for unit in units {
                    unit.abort(StoreError::CommitFailed(msg.clone()));
                }
                return conn;
            }
        }
    }
    let units = completions.len() as u64;
    let events = ctx.pending_events() as u64;
    let (result, conn) = ctx.commit().await;
    match result {
        Ok(()) => {
            stats.batches.fetch_add(1, Ordering::Relaxed);
            stats.units.fetch_add(units, Ordering::Relaxed);
            stats.events.fetch_add(events, Ordering::Relaxed);
            for done in completions {
                done(Ok(()));
            }
        }
        Err(StoreError::Conflict(msg)) => {
            // A case's revision guard failed (another process wrote it): nothing was kept;
            // every unit is told, and cases are read again.
            tracing::warn!(error = %msg, "writer batch refused by a revision guard");
            for done in completions {
                done(Err(StoreError::Conflict(msg.clone())));
            }
        }
        Err(err) => {
            let msg = err.to_string();
            tracing::error!(error = %msg, "writer commit failed");
            for done in completions {
                done(Err(StoreError::CommitFailed(msg.clone())));
            }
        }
    }
    conn
}
