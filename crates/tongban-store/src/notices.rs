//! Notices to applicants and the outbox that carries them out by SMS and email.
//!
//! A use case that changes something an applicant should hear about calls
//! [`WriteCtx::enqueue_notice`] inside its own unit of work: the in-app notice and one outbox
//! row per channel are written in the caller's transaction, next to the caller's event, or not
//! at all. A notice is keyed by its dedupe key, so the same notice is never written twice.
//!
//! Dispatchers claim due outbox rows with a lease ([`WriteCtx::claim_outbox`]): a claimed row is
//! `sending` until its lease ends, and only the holder of the claim token may record the
//! outcome ([`WriteCtx::finish_outbox`]). A dispatcher that dies mid-send leaves its rows to be
//! claimed again once the lease has expired. Claims run in the single writer's transaction,
//! which holds the event-chain lock, so two dispatchers (even in two processes) never claim the
//! same row at once.

use tongban_domain::crypto::sm3;

use crate::error::StoreError;
use crate::pii;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

/// A notice to enqueue, with the addresses of the channels it should also go out on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Names the change this notice tells about (e.g. `application:42:accepted`); a second
    /// notice with the same key is not written. Must not contain personal data.
    pub dedupe_key: String,
    pub account_id: String,
    pub at_ms: i64,
    pub subject: String,
    pub body: String,
    /// A path inside the site to open ('' for none).
    pub link: String,
    /// Send an SMS to this number too.
    pub sms_to: Option<String>,
    /// Send an email to this address too.
    pub email_to: Option<String>,
}

row_struct! {
    /// A notice in an account's inbox.
    pub struct NoticeRow {
        pub id: String,
        pub dedupe_key: String,
        pub account_id: String,
        pub at_ms: i64,
        pub subject: String,
        pub body: String,
        pub link: String,
        pub read_at_ms: Option<i64>,
    }
}

row_struct! {
    /// One outbox message, as the status page lists it. `recipient` is personal data: mask it
    /// before showing it.
    pub struct OutboxRow {
        pub idempotency_key: String,
        pub notice_id: String,
        pub channel: String,
        pub recipient: String,
        pub status: String,
        pub attempts: i64,
        pub next_attempt_ms: i64,
        pub lease_until_ms: Option<i64>,
        pub last_error: Option<String>,
        pub created_at_ms: i64,
        pub sent_at_ms: Option<i64>,
    }
}

row_struct! {
    /// A message a dispatcher has claimed, with what it needs to send it.
    pub struct ClaimedMessage {
        pub idempotency_key: String,
        pub channel: String,
        pub recipient: String,
        pub subject: String,
        pub body: String,
        pub created_at_ms: i64,
        /// Attempts so far, this one included.
        pub attempts: i64,
    }
}

/// Which notices to mark read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticesToMark {
    /// Every notice of the account written at or before this time.
    UpTo(i64),
    /// These notices (ids of other accounts are ignored).
    Ids(Vec<String>),
}

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// Try again at `next_attempt_ms`.
    Retry {
        next_attempt_ms: i64,
        error: String,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

/// The id a notice with this dedupe key gets when written at `at_ms`: 32 hex digits, the time
/// (12) and then the key's SM3 hash (20). Ids of notices written one after another sort
/// together, so a batch's inserts touch a few pages of the id index instead of one page per
/// notice at random. (Notices written before 2026-12 have ids of 32 hex digits of the hash
/// alone; nothing reads the time back out of an id.) Find a notice by its dedupe key with
/// [`Store::notice_by_dedupe_key`].
pub fn notice_id(at_ms: i64, dedupe_key: &str) -> String {
    let time = u64::try_from(at_ms).unwrap_or(0) & 0xffff_ffff_ffff;
    format!(
        "{time:012x}{}",
        hex::encode(&sm3(dedupe_key.as_bytes())[..10])
    )
}

/// The statuses of an outbox message.
pub const OUTBOX_STATUSES: [&str; 4] = ["pending", "sending", "sent", "failed"];

const NOTICE_COLS: &str = "id, dedupe_key, account_id, at_ms, subject, body, link, read_at_ms";
const OUTBOX_COLS: &str = "idempotency_key, notice_id, channel, recipient, status, attempts, \
     next_attempt_ms, lease_until_ms, last_error, created_at_ms, sent_at_ms";

/// Rows a dispatcher may claim at `$3`: pending and due, or claimed under a lease that has
/// expired. `$1`, `$2` are channels.
const DUE: &str = "channel IN ($1, $2)
       AND ((status = 'pending' AND next_attempt_ms <= $3)
         OR (status = 'sending' AND lease_until_ms <= $3))";

impl Store {
    /// An account's notices, newest first.
    pub async fn notices_of(
        &self,
        account_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!(
            "SELECT {NOTICE_COLS} FROM notices WHERE account_id = $1
             ORDER BY at_ms DESC, id DESC LIMIT $2 OFFSET $3"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(limit.clamp(0, 1_000))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?)
    }

    /// How many notices an account has, and how many of them are unread.
    pub async fn notice_counts(&self, account_id: &str) -> Result<(i64, i64), StoreError> {
        let (total, unread): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), SUM(CASE WHEN read_at_ms IS NULL THEN 1 ELSE 0 END)
             FROM notices WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((total, unread.unwrap_or(0)))
    }

    /// How many of an account's notices are unread.
    pub async fn unread_notice_count(&self, account_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notices WHERE account_id = $1 AND read_at_ms IS NULL",
        )
        .bind(account_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// The notice with this dedupe key.
    pub async fn notice_by_dedupe_key(
        &self,
        dedupe_key: &str,
    ) -> Result<Option<NoticeRow>, StoreError> {
        let sql = format!("SELECT {NOTICE_COLS} FROM notices WHERE dedupe_key = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(dedupe_key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Outbox messages by channel and status: `(channel, status, count)`, sorted.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT channel, status, COUNT(*) FROM outbox
             GROUP BY channel, status ORDER BY channel, status",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Outbox messages, newest first.
    pub async fn outbox_page(&self, limit: i64, offset: i64) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {OUTBOX_COLS} FROM outbox
             ORDER BY created_at_ms DESC, idempotency_key LIMIT $1 OFFSET $2"
        );
        let rows: Vec<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(limit.clamp(0, 1_000))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(|row| self.open_outbox(row)).collect()
    }

    fn open_outbox(&self, mut row: OutboxRow) -> Result<OutboxRow, StoreError> {
        row.recipient = self
            .pii
            .open(&row.recipient, pii::RECIPIENT, &row.idempotency_key)?;
        Ok(row)
    }

    /// One outbox message.
    pub async fn outbox_message(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<OutboxRow>, StoreError> {
        let sql = format!("SELECT {OUTBOX_COLS} FROM outbox WHERE idempotency_key = $1");
        let row: Option<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(idempotency_key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| self.open_outbox(row)).transpose()
    }

    /// Whether any message on one of `channels` could be claimed at `now_ms` (a cheap check
    /// before asking the writer to claim).
    pub async fn outbox_has_due(&self, channels: &[&str], now_ms: i64) -> Result<bool, StoreError> {
        let Some(first) = channels.first() else {
            return Ok(false);
        };
        let second = channels.get(1).unwrap_or(first);
        let sql = format!("SELECT idempotency_key FROM outbox WHERE {DUE} LIMIT 1");
        let found: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(*first)
            .bind(*second)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }
}

impl WriteCtx {
    /// Writes the in-app notice and one outbox message per channel with an address (`sms_to`,
    /// `email_to`; blank addresses are ignored), in the caller's unit of work. Returns false
    /// and writes nothing if a notice with this dedupe key exists. Appends no event: the
    /// caller's event records the change the notice tells about.
    pub async fn enqueue_notice(&mut self, n: &NewNotice) -> Result<bool, StoreError> {
        let id = notice_id(n.at_ms, &n.dedupe_key);
        let existing: Option<(String,)> =
            sqlx::query_as("SELECT id FROM notices WHERE dedupe_key = $1 OR id = $2")
                .bind(&n.dedupe_key)
                .bind(&id)
                .fetch_optional(self.conn().await?)
                .await?;
        if existing.is_some() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO notices (id, dedupe_key, account_id, at_ms, subject, body, link, read_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
        )
        .bind(&id)
        .bind(&n.dedupe_key)
        .bind(&n.account_id)
        .bind(n.at_ms)
        .bind(&n.subject)
        .bind(&n.body)
        .bind(&n.link)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        let channels = [("sms", &n.sms_to), ("email", &n.email_to)];
        for (channel, to) in channels {
            let Some(to) = to.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            let key = format!("{}:{channel}", n.dedupe_key);
            let recipient = self.pii.seal(to, pii::RECIPIENT, &key)?;
            sqlx::query(
                "INSERT INTO outbox (idempotency_key, notice_id, channel, recipient, status,
                     attempts, next_attempt_ms, lease_until_ms, claim_token, last_error,
                     created_at_ms, sent_at_ms)
                 VALUES ($1, $2, $3, $4, 'pending', 0, $5, NULL, NULL, NULL, $5, NULL)",
            )
            .bind(&key)
            .bind(&id)
            .bind(channel)
            .bind(recipient)
            .bind(n.at_ms)
            .execute(self.conn().await?)
            .await
            .map_err(StoreError::from_write)?;
        }
        Ok(true)
    }

    /// Marks an account's unread notices read at `read_at_ms`; returns how many changed.
    pub async fn mark_notices_read(
        &mut self,
        account_id: &str,
        which: &NoticesToMark,
        read_at_ms: i64,
    ) -> Result<u64, StoreError> {
        match which {
            NoticesToMark::UpTo(up_to_ms) => {
                let done = sqlx::query(
                    "UPDATE notices SET read_at_ms = $1
                     WHERE account_id = $2 AND read_at_ms IS NULL AND at_ms <= $3",
                )
                .bind(read_at_ms)
                .bind(account_id)
                .bind(*up_to_ms)
                .execute(self.conn().await?)
                .await?;
                Ok(done.rows_affected())
            }
            NoticesToMark::Ids(ids) => {
                let mut changed = 0;
                for id in ids {
                    let done = sqlx::query(
                        "UPDATE notices SET read_at_ms = $1
                         WHERE account_id = $2 AND read_at_ms IS NULL AND id = $3",
                    )
                    .bind(read_at_ms)
                    .bind(account_id)
                    .bind(id)
                    .execute(self.conn().await?)
                    .await?;
                    changed += done.rows_affected();
                }
                Ok(changed)
            }
        }
    }

    /// Claims up to `limit` messages on `channels` that are due at `now_ms` (or whose lease
    /// has expired), oldest due first: each becomes `sending` under `claim_token` until
    /// `lease_until_ms`, and its attempt is counted. Returns what was claimed.
    pub async fn claim_outbox(
        &mut self,
        channels: &[&str],
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
        claim_token: &str,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let Some(first) = channels.first() else {
            return Ok(Vec::new());
        };
        let second = channels.get(1).unwrap_or(first);
        let select = format!(
            "SELECT idempotency_key FROM outbox WHERE {DUE}
             ORDER BY next_attempt_ms, idempotency_key LIMIT $4"
        );
        let due: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(select))
            .bind(*first)
            .bind(*second)
            .bind(now_ms)
            .bind(limit.clamp(0, 1_000))
            .fetch_all(self.conn().await?)
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        let update = format!(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1,
                 lease_until_ms = $4, claim_token = $5
             WHERE idempotency_key = $6 AND {DUE}"
        );
        for (key,) in due {
            let done = sqlx::query(sqlx::AssertSqlSafe(update.clone()))
                .bind(*first)
                .bind(*second)
                .bind(now_ms)
                .bind(lease_until_ms)
                .bind(claim_token)
                .bind(&key)
                .execute(self.conn().await?)
                .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            let mut message: ClaimedMessage = sqlx::query_as(
                "SELECT o.idempotency_key, o.channel, o.recipient, n.subject, n.body,
                        n.at_ms AS created_at_ms, o.attempts
                   FROM outbox o JOIN notices n ON n.id = o.notice_id
                  WHERE o.idempotency_key = $1",
            )
            .bind(&key)
            .fetch_one(self.conn().await?)
            .await?;
            message.recipient =
                self.pii
                    .open(&message.recipient, pii::RECIPIENT, &message.idempotency_key)?;
            claimed.push(message);
        }
        Ok(claimed)
    }

    /// Records what became of a claimed message, if `claim_token` still holds its claim;
    /// returns false (and changes nothing) when it does not: the lease had expired and the
    /// message was claimed again.
    pub async fn finish_outbox(
        &mut self,
        idempotency_key: &str,
        claim_token: &str,
        outcome: &DeliveryOutcome,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let (status, next_attempt_ms, sent_at_ms, error) = match outcome {
            DeliveryOutcome::Sent => ("sent", None, Some(now_ms), None),
            DeliveryOutcome::Retry {
                next_attempt_ms,
                error,
            } => (
                "pending",
                Some(*next_attempt_ms),
                None,
                Some(error.as_str()),
            ),
            DeliveryOutcome::Failed { error } => ("failed", None, None, Some(error.as_str())),
        };
        // Unchanged columns keep their value through COALESCE.
        let query = sqlx::query(
            "UPDATE outbox SET status = $1,
                 next_attempt_ms = COALESCE($2, next_attempt_ms),
                 sent_at_ms = COALESCE($3, sent_at_ms),
                 last_error = COALESCE($4, last_error),
                 lease_until_ms = NULL, claim_token = NULL
             WHERE idempotency_key = $5 AND claim_token = $6 AND status = 'sending'",
        )
        .bind(status)
        .bind(next_attempt_ms)
        .bind(sent_at_ms)
        .bind(error)
        .bind(idempotency_key)
        .bind(claim_token);
        let done = query.execute(self.conn().await?).await?;
        Ok(done.rows_affected() > 0)
    }
}

impl WriteCtx {
    /// Queues a notice to be written with the batch's other deferred notices in multi-row
    /// inserts before the commit (or dropped with the unit if it fails). Like
    /// [`WriteCtx::enqueue_notice`], a notice whose dedupe key exists is not written again;
    /// each message is written once per channel (its idempotency key), so a channel the kept
    /// notice did not have yet is added and names the kept notice.
    pub fn defer_notice(&mut self, notice: NewNotice) {
        self.deferred_notices.push(notice);
    }
}

/// Writes the batch's deferred notices and their outbox messages; existing dedupe keys (and
/// idempotency keys) are skipped.
pub(crate) async fn flush_notices(
    conn: &mut sqlx::AnyConnection,
    engine: crate::pool::Engine,
    notices: Vec<NewNotice>,
    pii: &pii::PiiSlot,
) -> Result<(), StoreError> {
    use crate::applications::values_list;
    if notices.is_empty() {
        return Ok(());
    }
    const ROWS_PER_STATEMENT: usize = 200;
    for chunk in notices.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO notices ({NOTICE_COLS}) VALUES {} ON CONFLICT DO NOTHING",
            values_list(engine, chunk.len(), 8)
        );
        // Built from constants and placeholders only.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for n in chunk {
            query = query
                .bind(notice_id(n.at_ms, &n.dedupe_key))
                .bind(n.dedupe_key.clone())
                .bind(n.account_id.clone())
                .bind(n.at_ms)
                .bind(n.subject.clone())
                .bind(n.body.clone())
                .bind(n.link.clone())
                .bind(None::<i64>);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from_write)?;
        let messages: Vec<(&NewNotice, &str, &str)> = chunk
            .iter()
            .flat_map(|n| {
                [("sms", &n.sms_to), ("email", &n.email_to)]
                    .into_iter()
                    .filter_map(move |(channel, to)| {
                        to.as_deref()
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(|to| (n, channel, to))
                    })
            })
            .collect();
        if messages.is_empty() {
            continue;
        }
        // Each message names its notice by dedupe key: the notice written now, or the one
        // that already had the key (written at another time, so with another id). `WHERE
        // true` keeps SQLite from reading the upsert's ON as the join's.
        let sql = format!(
            "INSERT INTO outbox (idempotency_key, notice_id, channel, recipient, status, attempts,
                 next_attempt_ms, lease_until_ms, claim_token, last_error, created_at_ms,
                 sent_at_ms)
             SELECT v.column1, n.id, v.column3, v.column4, v.column5, v.column6, v.column7,
                    v.column8, v.column9, v.column10, v.column11, v.column12
               FROM (VALUES {}) AS v JOIN notices n ON n.dedupe_key = v.column2
              WHERE true
             ON CONFLICT DO NOTHING",
            values_list(engine, messages.len(), 12)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (n, channel, to) in messages {
            let key = format!("{}:{channel}", n.dedupe_key);
            let recipient = pii.seal(to, pii::RECIPIENT, &key)?;
            query = query
                .bind(key)
                .bind(n.dedupe_key.clone())
                .bind(channel)
                .bind(recipient)
                .bind("pending")
                .bind(0_i64)
                .bind(n.at_ms)
                .bind(None::<i64>)
                .bind(None::<String>)
                .bind(None::<String>)
                .bind(n.at_ms)
                .bind(None::<i64>);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from_write)?;
    }
    Ok(())
}
