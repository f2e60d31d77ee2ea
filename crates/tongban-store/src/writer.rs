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

use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::{mpsc, oneshot};
use tongban_domain::audit::event_hash;

use crate::error::StoreError;
use crate::pool::Store;

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

/// The open transaction a unit of work runs in.
pub struct WriteCtx {
    tx: Transaction<'static, Any>,
    head_seq: i64,
    head_hash: [u8; 32],
    events_appended: u64,
}

impl WriteCtx {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Appends one event to the chain and returns its sequence number.
    pub async fn append_event(&mut self, event: NewEvent) -> Result<i64, StoreError> {
        let seq = self.head_seq + 1;
        let payload = event.payload.to_string();
        let hash = event_hash(
            &self.head_hash,
            seq,
            event.at_ms,
            &event.actor,
            &event.action,
            &event.entity_type,
            &event.entity_id,
            &payload,
        );
        sqlx::query(
            "INSERT INTO events (seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(event.at_ms)
        .bind(event.actor)
        .bind(event.action)
        .bind(event.entity_type)
        .bind(event.entity_id)
        .bind(payload)
        .bind(hex::encode(self.head_hash))
        .bind(hex::encode(hash))
        .execute(&mut *self.tx)
        .await?;
        self.head_seq = seq;
        self.head_hash = hash;
        self.events_appended += 1;
        Ok(seq)
    }
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

pub(crate) fn spawn(pool: AnyPool, max_batch: usize) -> WriterHandle {
    let (sender, receiver) = mpsc::unbounded_channel();
    let stats = Arc::new(Counters::default());
    tokio::spawn(writer_loop(pool, receiver, max_batch, stats.clone()));
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
    mut receiver: mpsc::UnboundedReceiver<Box<dyn Unit>>,
    max_batch: usize,
    stats: Arc<Counters>,
) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match receiver.try_recv() {
                Ok(unit) => batch.push(unit),
                Err(_) => break,
            }
        }
        commit_batch(&pool, batch, &stats).await;
    }
}

async fn commit_batch(pool: &AnyPool, batch: Vec<Box<dyn Unit>>, stats: &Counters) {
    let mut ctx = match open_ctx(pool).await {
        Ok(ctx) => ctx,
        Err(err) => {
            let msg = err.to_string();
            tracing::error!(error = %msg, "writer could not begin a transaction");
            for unit in batch {
                unit.abort(StoreError::CommitFailed(msg.clone()));
            }
            return;
        }
    };
    let mut completions = Vec::with_capacity(batch.len());
    for unit in batch {
        match run_in_savepoint(&mut ctx, unit).await {
            Ok(Some(done)) => completions.push(done),
            Ok(None) => {}
            Err(err) => {
                // The savepoint itself failed: the transaction is unusable. Fail everyone.
                let msg = err.to_string();
                tracing::error!(error = %msg, "writer savepoint failed");
                for done in completions {
                    done(Err(StoreError::CommitFailed(msg.clone())));
                }
                return;
            }
        }
    }
    let units = completions.len() as u64;
    let events = ctx.events_appended;
    match close_ctx(ctx).await {
        Ok(()) => {
            stats.batches.fetch_add(1, Ordering::Relaxed);
            stats.units.fetch_add(units, Ordering::Relaxed);
            stats.events.fetch_add(events, Ordering::Relaxed);
            for done in completions {
                done(Ok(()));
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
}

async fn open_ctx(pool: &AnyPool) -> Result<WriteCtx, StoreError> {
    let mut tx = pool.begin().await?;
    // Taking the head row's write lock first serialises writers of other processes too.
    sqlx::query("UPDATE event_chain_head SET seq = seq WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let (head_seq, head_hex): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM event_chain_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
    let head_hash = parse_hash(&head_hex)?;
    Ok(WriteCtx {
        tx,
        head_seq,
        head_hash,
        events_appended: 0,
    })
}

async fn close_ctx(mut ctx: WriteCtx) -> Result<(), StoreError> {
    if ctx.events_appended > 0 {
        sqlx::query("UPDATE event_chain_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(ctx.head_seq)
            .bind(hex::encode(ctx.head_hash))
            .execute(&mut *ctx.tx)
            .await?;
    }
    ctx.tx.commit().await?;
    Ok(())
}

async fn run_in_savepoint(
    ctx: &mut WriteCtx,
    unit: Box<dyn Unit>,
) -> Result<Option<Completion>, StoreError> {
    let (seq, hash, appended) = (ctx.head_seq, ctx.head_hash, ctx.events_appended);
    sqlx::query("SAVEPOINT tb_unit")
        .execute(&mut *ctx.tx)
        .await?;
    match unit.run(ctx).await {
        Some(done) => {
            sqlx::query("RELEASE SAVEPOINT tb_unit")
                .execute(&mut *ctx.tx)
                .await?;
            Ok(Some(done))
        }
        None => {
            sqlx::query("ROLLBACK TO SAVEPOINT tb_unit")
                .execute(&mut *ctx.tx)
                .await?;
            sqlx::query("RELEASE SAVEPOINT tb_unit")
                .execute(&mut *ctx.tx)
                .await?;
            ctx.head_seq = seq;
            ctx.head_hash = hash;
            ctx.events_appended = appended;
            Ok(None)
        }
    }
}

pub(crate) fn parse_hash(text: &str) -> Result<[u8; 32], StoreError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| StoreError::Corrupt(format!("not a 32-byte hex hash: {text:?}")))?;
    Ok(out)
}
