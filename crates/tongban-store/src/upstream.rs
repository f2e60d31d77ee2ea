//! Cursors of the push to the provincial platform: per stream, how far the receiver has
//! acknowledged the event log, who may push now (a lease), and how the last attempts went.
//!
//! A stream is a named set of event kinds (`action`s). Its events are read from the log after
//! the cursor in `seq` order ([`Store::upstream_events_after`]). A pusher claims the stream
//! ([`WriteCtx::claim_upstream`]) and only the holder of the claim may move the cursor forward
//! ([`WriteCtx::advance_upstream`]) or record a failure ([`WriteCtx::fail_upstream`]). Claims
//! run in the single writer's transaction, which holds the event-chain lock, so two pushers
//! (even in two processes) never hold the same stream at once.

use crate::error::StoreError;
use crate::events::{EventRow, event_row};
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// The push state of one stream.
    pub struct UpstreamCursorRow {
        pub stream: String,
        /// The seq of the last event the receiver acknowledged (0: none yet).
        pub last_seq: i64,
        /// Failed attempts since the last success.
        pub attempts: i64,
        pub next_attempt_ms: i64,
        /// Scrubbed of personal data; cleared by a success.
        pub last_error: Option<String>,
        pub last_success_at_ms: Option<i64>,
        pub pushed_count: i64,
        pub lease_holder: Option<String>,
        pub lease_until_ms: Option<i64>,
    }
}

const CURSOR_COLS: &str = "stream, last_seq, attempts, next_attempt_ms, last_error, \
     last_success_at_ms, pushed_count, lease_holder, lease_until_ms";

/// `$first, $first+1, …` for `n` values (built from numbers only).
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Every stream's cursor, by name.
    pub async fn upstream_cursors(&self) -> Result<Vec<UpstreamCursorRow>, StoreError> {
        let sql = format!("SELECT {CURSOR_COLS} FROM upstream_cursors ORDER BY stream");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?)
    }

    /// One stream's cursor (`None` before its first claim).
    pub async fn upstream_cursor(
        &self,
        stream: &str,
    ) -> Result<Option<UpstreamCursorRow>, StoreError> {
        let sql = format!("SELECT {CURSOR_COLS} FROM upstream_cursors WHERE stream = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(stream)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Events with `seq > after` whose kind is one of `kinds`, oldest first, at most `limit`.
    pub async fn upstream_events_after(
        &self,
        after: i64,
        kinds: &[&str],
        limit: i64,
    ) -> Result<Vec<EventRow>, StoreError> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash
             FROM events WHERE seq > $1 AND action IN ({}) ORDER BY seq LIMIT ${}",
            placeholders(2, kinds.len()),
            kinds.len() + 2
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after);
        for kind in kinds {
            query = query.bind(*kind);
        }
        let rows = query
            .bind(limit.clamp(0, 10_000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_row).collect()
    }

    /// How many events with `seq > after` have one of `kinds` (the backlog of a stream).
    pub async fn upstream_backlog(&self, after: i64, kinds: &[&str]) -> Result<i64, StoreError> {
        if kinds.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM events WHERE seq > $1 AND action IN ({})",
            placeholders(2, kinds.len())
        );
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after);
        for kind in kinds {
            query = query.bind(*kind);
        }
        let (n,): (i64,) = query.fetch_one(&self.pool).await?;
        Ok(n)
    }
}

impl WriteCtx {
    /// Claims `stream` for `holder` until `lease_until_ms`, creating its cursor at 0 if it has
    /// none. The claim succeeds when nobody else holds an unexpired lease and the stream's next
    /// attempt is due by `due_by_ms` (pass `i64::MAX` to push now regardless of the backoff).
    /// Returns the cursor as claimed, or `None`.
    pub async fn claim_upstream(
        &mut self,
        stream: &str,
        holder: &str,
        now_ms: i64,
        lease_until_ms: i64,
        due_by_ms: i64,
    ) -> Result<Option<UpstreamCursorRow>, StoreError> {
        sqlx::query(
            "INSERT INTO upstream_cursors (stream, last_seq, attempts, next_attempt_ms,
                 last_error, last_success_at_ms, pushed_count, lease_holder, lease_until_ms)
             VALUES ($1, 0, 0, $2, NULL, NULL, 0, NULL, NULL)
             ON CONFLICT (stream) DO NOTHING",
        )
        .bind(stream)
        .bind(now_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        let done = sqlx::query(
            "UPDATE upstream_cursors SET lease_holder = $1, lease_until_ms = $2
             WHERE stream = $3 AND next_attempt_ms <= $4
               AND (lease_holder IS NULL OR lease_until_ms <= $5)",
        )
        .bind(holder)
        .bind(lease_until_ms)
        .bind(stream)
        .bind(due_by_ms)
        .bind(now_ms)
        .execute(self.conn().await?)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sql = format!("SELECT {CURSOR_COLS} FROM upstream_cursors WHERE stream = $1");
        Ok(Some(
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(stream)
                .fetch_one(self.conn().await?)
                .await?,
        ))
    }

    /// Moves the cursor of `stream` forward to `to_seq` after the receiver acknowledged that
    /// event: counts it pushed, clears the failures, and with `release` gives the lease up.
    /// Returns false (and changes nothing) unless `holder` holds the stream and `to_seq` is
    /// ahead of the cursor.
    pub async fn advance_upstream(
        &mut self,
        stream: &str,
        holder: &str,
        to_seq: i64,
        now_ms: i64,
        release: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE upstream_cursors SET last_seq = $1, pushed_count = pushed_count + 1,
                 attempts = 0, last_error = NULL, last_success_at_ms = $2, next_attempt_ms = $2,
                 lease_holder = CASE WHEN $3 = 1 THEN NULL ELSE lease_holder END,
                 lease_until_ms = CASE WHEN $3 = 1 THEN NULL ELSE lease_until_ms END
             WHERE stream = $4 AND lease_holder = $5 AND last_seq < $1",
        )
        .bind(to_seq)
        .bind(now_ms)
        .bind(i64::from(release))
        .bind(stream)
        .bind(holder)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a failed push of `stream` by its holder: one more attempt, the (already
    /// scrubbed) error, when to try next; the lease is given up. Returns false (and changes
    /// nothing) unless `holder` holds the stream.
    pub async fn fail_upstream(
        &mut self,
        stream: &str,
        holder: &str,
        error: &str,
        next_attempt_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE upstream_cursors SET attempts = attempts + 1, last_error = $1,
                 next_attempt_ms = $2, lease_holder = NULL, lease_until_ms = NULL
             WHERE stream = $3 AND lease_holder = $4",
        )
        .bind(error)
        .bind(next_attempt_ms)
        .bind(stream)
        .bind(holder)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives up `holder`'s lease on `stream`; false if it did not hold it.
    pub async fn release_upstream(
        &mut self,
        stream: &str,
        holder: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE upstream_cursors SET lease_holder = NULL, lease_until_ms = NULL
             WHERE stream = $1 AND lease_holder = $2",
        )
        .bind(stream)
        .bind(holder)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
