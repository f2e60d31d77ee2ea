//! The transaction a batch of units runs in: its lifecycle, per-unit savepoints, and the
//! events it appends to the hash chain.
//!
//! Round trips to the database are what a batch costs beyond its one fsync, so they are kept
//! few. The transaction is opened, locked and its chain head read in one exchange; events are
//! hashed into the chain at once but written in one multi-row INSERT at the end; the head
//! update travels with the COMMIT; and a unit's savepoint is only opened when the unit first
//! touches the connection, so a unit that only appends events costs no round trip at all. The
//! price: a unit cannot read back the events it appended; nothing needs to.
//!
//! Changed case rows and notices are queued the same way (`defer_application`,
//! `defer_notice`) and written as multi-row statements just before the events; a unit that is
//! rolled back drops what it queued, and reads through the context see the queued rows.
//!
//! The transaction is managed by hand (`BEGIN` … `COMMIT`) rather than through sqlx's
//! `Transaction`, so the statements that open and close it can share a round trip, on a
//! connection the writer keeps for itself (no pool hand-over per batch). Every path out ends in
//! COMMIT or ROLLBACK; a connection whose ROLLBACK fails is closed and the writer opens another.

use sqlx::{AnyConnection, Connection, Row};
use tongban_domain::audit::event_hash;

use crate::error::StoreError;
use crate::pool::Engine;
use crate::writer::NewEvent;

/// The open transaction a unit of work runs in.
pub struct WriteCtx {
    conn: Option<AnyConnection>,
    head_seq: i64,
    head_hash: [u8; 32],
    pending: Vec<PendingEvent>,
    savepoint_open: bool,
    engine: Engine,
    /// Case rows whose writing waits for the batch's end, each with the revision it was
    /// derived from (see `applications.rs`).
    pub(crate) deferred_apps: Vec<(crate::applications::ApplicationRow, i64)>,
    /// Committed revisions of cases this writer wrote.
    pub(crate) known: crate::applications::KnownRevisions,
    /// Notices whose writing waits for the batch's end (see `notices.rs`).
    pub(crate) deferred_notices: Vec<crate::notices::NewNotice>,
    /// The key personal fields are sealed under.
    pub(crate) pii: crate::pii::PiiSlot,
}

/// An event hashed into the chain, waiting for the batch's INSERT.
struct PendingEvent {
    seq: i64,
    at_ms: i64,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: String,
    payload: String,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

/// Where a unit started, to roll back to.
pub(crate) struct Mark {
    head_seq: i64,
    head_hash: [u8; 32],
    pending: usize,
    apps: usize,
    notices: usize,
}

impl WriteCtx {
    /// Opens the transaction, takes the chain head's write lock and reads the head, in one
    /// round trip. The lock also serialises writers of other processes.
    pub(crate) async fn begin(
        mut conn: AnyConnection,
        engine: Engine,
        known: crate::applications::KnownRevisions,
        pii: crate::pii::PiiSlot,
    ) -> Result<WriteCtx, (StoreError, Option<AnyConnection>)> {
        let sql = match engine {
            Engine::Sqlite => {
                "BEGIN IMMEDIATE; SELECT seq, hash FROM event_chain_head WHERE id = 1"
            }
            Engine::Postgres => {
                "BEGIN; SELECT seq, hash FROM event_chain_head WHERE id = 1 FOR UPDATE"
            }
        };
        let head = match sqlx::raw_sql(sql).fetch_all(&mut conn).await {
            Ok(rows) => rows
                .first()
                .ok_or_else(|| StoreError::Corrupt("the event chain head row is missing".into()))
                .and_then(|row| {
                    let seq: i64 = row.try_get(0)?;
                    let hash: String = row.try_get(1)?;
                    Ok((seq, parse_hash(&hash)?))
                }),
            Err(err) => Err(err.into()),
        };
        match head {
            Ok((head_seq, head_hash)) => {
                known.check_head(head_seq);
                Ok(WriteCtx {
                    conn: Some(conn),
                    head_seq,
                    head_hash,
                    pending: Vec::new(),
                    savepoint_open: false,
                    engine,
                    deferred_apps: Vec::new(),
                    deferred_notices: Vec::new(),
                    known,
                    pii,
                })
            }
            Err(err) => Err((err, rollback_or_close(conn).await)),
        }
    }

    /// The transaction's connection, opening the unit's savepoint on first use.
    pub(crate) async fn conn(&mut self) -> Result<&mut AnyConnection, StoreError> {
        let conn = self.conn.as_mut().ok_or(StoreError::WriterGone)?;
        if !self.savepoint_open {
            sqlx::raw_sql("SAVEPOINT tb_unit")
                .execute(&mut *conn)
                .await?;
            self.savepoint_open = true;
        }
        Ok(conn)
    }

    /// The transaction's connection for a read that needs no savepoint (reads change nothing
    /// a rollback would have to undo).
    pub(crate) fn read_conn(&mut self) -> Result<&mut AnyConnection, StoreError> {
        self.conn.as_mut().ok_or(StoreError::WriterGone)
    }

    /// Appends one event to the chain and returns its sequence number. The row is written with
    /// the rest of the batch, in the same transaction, before the commit.
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
        self.pending.push(PendingEvent {
            seq,
            at_ms: event.at_ms,
            actor: event.actor,
            action: event.action,
            entity_type: event.entity_type,
            entity_id: event.entity_id,
            payload,
            prev_hash: self.head_hash,
            hash,
        });
        self.head_seq = seq;
        self.head_hash = hash;
        Ok(seq)
    }

    /// The engine, for the few statements whose placeholder style differs (bulk inserts).
    pub(crate) fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn pending_events(&self) -> usize {
        self.pending.len()
    }

    /// Remembers where the next unit starts.
    pub(crate) fn mark(&mut self) -> Mark {
        self.savepoint_open = false;
        Mark {
            head_seq: self.head_seq,
            head_hash: self.head_hash,
            pending: self.pending.len(),
            apps: self.deferred_apps.len(),
            notices: self.deferred_notices.len(),
        }
    }

    /// Keeps what the unit did.
    pub(crate) async fn release(&mut self, _mark: Mark) -> Result<(), StoreError> {
        if std::mem::replace(&mut self.savepoint_open, false) {
            let conn = self.conn.as_mut().ok_or(StoreError::WriterGone)?;
            sqlx::raw_sql("RELEASE SAVEPOINT tb_unit")
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Undoes what the unit did: its rows and its events.
    pub(crate) async fn roll_back_to(&mut self, mark: Mark) -> Result<(), StoreError> {
        if std::mem::replace(&mut self.savepoint_open, false) {
            let conn = self.conn.as_mut().ok_or(StoreError::WriterGone)?;
            sqlx::raw_sql("ROLLBACK TO SAVEPOINT tb_unit; RELEASE SAVEPOINT tb_unit")
                .execute(&mut *conn)
                .await?;
        }
        self.head_seq = mark.head_seq;
        self.head_hash = mark.head_hash;
        self.pending.truncate(mark.pending);
        self.deferred_apps.truncate(mark.apps);
        self.deferred_notices.truncate(mark.notices);
        Ok(())
    }

    /// Writes the pending events, moves the chain head and commits. Hands the connection back
    /// unless it had to be closed.
    ///
    /// On SQLite the last INSERT, the head update and the COMMIT go in one statement list (one
    /// round trip); PostgreSQL's extended protocol takes one statement at a time, so there the
    /// head update, whose values are an integer and a hex string we made, rides with the COMMIT.
    pub(crate) async fn commit(mut self) -> (Result<(), StoreError>, Option<AnyConnection>) {
        let Some(mut conn) = self.conn.take() else {
            return (Err(StoreError::WriterGone), None);
        };
        let pending = std::mem::take(&mut self.pending);
        let head = (self.head_seq, self.head_hash);
        let apps = std::mem::take(&mut self.deferred_apps);
        let notices = std::mem::take(&mut self.deferred_notices);
        let flushed = async {
            let written =
                crate::applications::flush_applications(&mut conn, self.engine, apps).await?;
            crate::notices::flush_notices(&mut conn, self.engine, notices, &self.pii).await?;
            Ok::<_, StoreError>(written)
        }
        .await;
        let written = match flushed {
            Ok(written) => written,
            Err(err) => {
                self.known.forget_all();
                return (Err(err), rollback_or_close(conn).await);
            }
        };
        let result = match (self.engine, pending.is_empty()) {
            (_, true) => sqlx::raw_sql("COMMIT")
                .execute(&mut conn)
                .await
                .map(|_| ())
                .map_err(StoreError::from),
            (Engine::Sqlite, false) => {
                insert_events(&mut conn, self.engine, pending, Some(head)).await
            }
            (Engine::Postgres, false) => {
                let inserted = insert_events(&mut conn, self.engine, pending, None).await;
                match inserted {
                    Ok(()) => {
                        let close = format!(
                            "UPDATE event_chain_head SET seq = {}, hash = '{}' WHERE id = 1; COMMIT",
                            head.0,
                            hex::encode(head.1)
                        );
                        sqlx::raw_sql(sqlx::AssertSqlSafe(close))
                            .execute(&mut conn)
                            .await
                            .map(|_| ())
                            .map_err(StoreError::from)
                    }
                    Err(err) => Err(err),
                }
            }
        };
        match result {
            Ok(()) => {
                self.known.remember(written, head.0);
                (Ok(()), Some(conn))
            }
            Err(err) => {
                self.known.forget_all();
                (Err(err), rollback_or_close(conn).await)
            }
        }
    }

    /// Gives up on the whole batch.
    pub(crate) async fn abort(mut self) -> Option<AnyConnection> {
        match self.conn.take() {
            Some(conn) => rollback_or_close(conn).await,
            None => None,
        }
    }
}

/// Writes events a few hundred rows per statement.
///
/// SQLite gets anonymous `?` placeholders: SQLite finds a numbered parameter by a linear scan of
/// its names, which makes binding `$1 … $1800` quadratic. PostgreSQL needs `$n`. With
/// `then_commit` (SQLite only) the last statement also moves the chain head and commits.
async fn insert_events(
    conn: &mut AnyConnection,
    engine: Engine,
    pending: Vec<PendingEvent>,
    then_commit: Option<(i64, [u8; 32])>,
) -> Result<(), StoreError> {
    const ROWS_PER_INSERT: usize = 200;
    let mut rest = pending.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<PendingEvent> = rest.by_ref().take(ROWS_PER_INSERT).collect();
        let mut sql = String::from(
            "INSERT INTO events (seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash) VALUES ",
        );
        for row in 0..chunk.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for col in 1..=9 {
                if col > 1 {
                    sql.push_str(", ");
                }
                match engine {
                    Engine::Sqlite => sql.push('?'),
                    Engine::Postgres => {
                        sql.push('$');
                        sql.push_str(&(row * 9 + col).to_string());
                    }
                }
            }
            sql.push(')');
        }
        let last = rest.peek().is_none();
        let commit_here = then_commit.filter(|_| last);
        if commit_here.is_some() {
            sql.push_str("; UPDATE event_chain_head SET seq = ?, hash = ? WHERE id = 1; COMMIT");
        }
        // Built from constants and placeholder numbers only.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            query = query
                .bind(e.seq)
                .bind(e.at_ms)
                .bind(e.actor)
                .bind(e.action)
                .bind(e.entity_type)
                .bind(e.entity_id)
                .bind(e.payload)
                .bind(hex::encode(e.prev_hash))
                .bind(hex::encode(e.hash));
        }
        if let Some((seq, hash)) = commit_here {
            query = query.bind(seq).bind(hex::encode(hash));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Ends a failed transaction; a connection that cannot even roll back is closed.
async fn rollback_or_close(mut conn: AnyConnection) -> Option<AnyConnection> {
    if sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.is_ok() {
        Some(conn)
    } else {
        let _ = conn.close().await;
        None
    }
}

pub(crate) fn parse_hash(text: &str) -> Result<[u8; 32], StoreError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| StoreError::Corrupt(format!("not a 32-byte hex hash: {text:?}")))?;
    Ok(out)
}
