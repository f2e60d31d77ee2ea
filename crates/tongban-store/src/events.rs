//! Reading the event log: the cursor for consumers, and chain verification.

use sqlx::Row;
use sqlx::any::AnyRow;
use tongban_domain::audit::{ChainBreak, ChainSummary, ChainVerifier, EventRecord};

use crate::error::StoreError;
use crate::pool::Store;
use crate::write_ctx::parse_hash;

/// One stored event, as consumers of the log see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub payload: String,
    pub hash: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// Every event chains to the one before it and the head row agrees.
    Intact { count: i64, head_hash: String },
    /// The first event that does not verify.
    Broken(ChainBreak),
    /// The events verify but the chain head says more events were written (the last ones
    /// were deleted) or fewer.
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

/// One row of the log as consumers see it.
pub(crate) fn event_row(row: &AnyRow) -> Result<EventRow, StoreError> {
    let record = record_from_row(row)?;
    Ok(EventRow {
        seq: record.seq,
        at_ms: record.at_ms,
        actor: record.actor,
        action: record.action,
        entity_type: record.entity_type,
        entity_id: record.entity_id,
        payload: record.payload,
        hash: hex::encode(record.hash),
    })
}

const SELECT_EVENTS: &str =
    "SELECT seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash
     FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";

impl Store {
    /// Events with `seq > after`, oldest first, at most `limit`. Consumers (indicators, the
    /// upward push) remember the last `seq` they processed and ask again from there.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query(SELECT_EVENTS)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_row).collect()
    }

    /// The events of one entity (e.g. one case), oldest first. The log has no per-entity index
    /// by design (it doubled the cost of every append), so this scans; it serves rare reads of
    /// one record, never a list.
    pub async fn events_of(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash
             FROM events WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq",
        )
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_row).collect()
    }

    /// The events at these sequence numbers, oldest first, read by primary key: how one
    /// case's timeline is read (its row keeps the numbers, see `ApplicationRow::event_seqs`).
    pub async fn events_at(&self, seqs: &[i64]) -> Result<Vec<EventRow>, StoreError> {
        let mut found = Vec::with_capacity(seqs.len());
        for chunk in seqs.chunks(500) {
            let list = crate::applications::values_list(self.engine, 1, chunk.len());
            let sql = format!(
                "SELECT seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash
                 FROM events WHERE seq IN {list} ORDER BY seq"
            );
            // Built from constants and placeholders only.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for seq in chunk {
                query = query.bind(*seq);
            }
            let rows = query.fetch_all(&self.pool).await?;
            for row in &rows {
                found.push(event_row(row)?);
            }
        }
        found.sort_by_key(|e| e.seq);
        Ok(found)
    }

    /// The newest event's sequence number (0 when the log is empty).
    pub async fn head_seq(&self) -> Result<i64, StoreError> {
        let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM event_chain_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq)
    }

    /// Re-computes the whole chain, page by page, and reports the first bad event.
    pub async fn verify_events(&self) -> Result<VerifyOutcome, StoreError> {
        const PAGE: i64 = 5_000;
        let mut verifier = ChainVerifier::new();
        let mut after = 0;
        loop {
            let rows = sqlx::query(SELECT_EVENTS)
                .bind(after)
                .bind(PAGE)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get::<i64, _>(0)?;
            for row in &rows {
                let record = match record_from_row(row) {
                    Ok(record) => record,
                    // A hash that is not even hex was edited by hand.
                    Err(StoreError::Corrupt(_)) => {
                        let seq: i64 = row.try_get(0)?;
                        return Ok(VerifyOutcome::Broken(ChainBreak {
                            seq,
                            kind: tongban_domain::audit::ChainBreakKind::Edited,
                        }));
                    }
                    Err(other) => return Err(other),
                };
                if let Err(broken) = verifier.push(record) {
                    return Ok(VerifyOutcome::Broken(broken));
                }
            }
        }
        let ChainSummary { count, head_hash } = verifier.finish();
        let (head_seq, stored_head): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM event_chain_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        if head_seq != count || stored_head != hex::encode(head_hash) {
            return Ok(VerifyOutcome::HeadMismatch {
                head_seq,
                last_seq: count,
            });
        }
        Ok(VerifyOutcome::Intact {
            count,
            head_hash: hex::encode(head_hash),
        })
    }
}

fn record_from_row(row: &AnyRow) -> Result<EventRecord, StoreError> {
    Ok(EventRecord {
        seq: row.try_get(0)?,
        at_ms: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        entity_type: row.try_get(4)?,
        entity_id: row.try_get(5)?,
        payload: row.try_get(6)?,
        prev_hash: parse_hash(&row.try_get::<String, _>(7)?)?,
        hash: parse_hash(&row.try_get::<String, _>(8)?)?,
    })
}
