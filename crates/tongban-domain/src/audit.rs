//! The pure part of the hash-chained audit event log: the canonical event
//! hash and chain verification (batch and streaming).
//!
//! Every event stores the hash of its predecessor, so editing, deleting,
//! inserting or reordering rows in storage breaks the chain at a precise,
//! reportable sequence number.

use std::fmt;

use sm3::{Digest, Sm3};

/// `prev_hash` of the first event (seq 1).
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// One stored audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Position in the chain, starting at 1 with no gaps.
    pub seq: i64,
    /// Event time, milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// JSON text, hashed exactly as stored.
    pub payload: String,
    /// `hash` of the event with `seq - 1`, or [`GENESIS_HASH`] for seq 1.
    pub prev_hash: [u8; 32],
    /// [`event_hash`] of this record's fields.
    pub hash: [u8; 32],
}

impl EventRecord {
    /// Builds a record chained after `prev` (or the genesis when `None`),
    /// assigning the next sequence number and computing the hash.
    pub fn chained(
        prev: Option<(&[u8; 32], i64)>,
        at_ms: i64,
        actor: &str,
        action: &str,
        entity_type: &str,
        entity_id: &str,
        payload: &str,
    ) -> EventRecord {
        let (prev_hash, seq) = match prev {
            Some((h, s)) => (*h, s.saturating_add(1)),
            None => (GENESIS_HASH, 1),
        };
        let hash = event_hash(
            &prev_hash,
            seq,
            at_ms,
            actor,
            action,
            entity_type,
            entity_id,
            payload,
        );
        EventRecord {
            seq,
            at_ms,
            actor: actor.to_owned(),
            action: action.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id: entity_id.to_owned(),
            payload: payload.to_owned(),
            prev_hash,
            hash,
        }
    }

    /// Recomputes [`event_hash`] from the record's own fields.
    pub fn compute_hash(&self) -> [u8; 32] {
        event_hash(
            &self.prev_hash,
            self.seq,
            self.at_ms,
            &self.actor,
            &self.action,
            &self.entity_type,
            &self.entity_id,
            &self.payload,
        )
    }
}

/// SM3 hash of an event in the canonical, unambiguous encoding.
///
/// **Stable format (version 1)** — the bytes hashed are, in order:
///
/// 1. `prev_hash`: 32 raw bytes;
/// 2. `seq`: 8 bytes, two's-complement big-endian;
/// 3. `at_ms`: 8 bytes, two's-complement big-endian;
/// 4. `actor`, `action`, `entity_type`, `entity_id`, `payload`, each as a
///    4-byte big-endian byte length followed by the UTF-8 bytes.
///
/// Length prefixes make field boundaries unambiguous (`"ab","c"` and
/// `"a","bc"` hash differently). Strings longer than `u32::MAX` bytes are not
/// supported (their length prefix saturates). Changing this encoding
/// invalidates every stored chain.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev_hash: &[u8; 32],
    seq: i64,
    at_ms: i64,
    actor: &str,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    payload: &str,
) -> [u8; 32] {
    let mut h = Sm3::new();
    h.update(prev_hash);
    h.update(seq.to_be_bytes());
    h.update(at_ms.to_be_bytes());
    for s in [actor, action, entity_type, entity_id, payload] {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        h.update(len.to_be_bytes());
        h.update(s.as_bytes());
    }
    h.finalize().into()
}

/// Result of verifying an intact chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainSummary {
    /// Number of events verified.
    pub count: i64,
    /// Hash of the last event ([`GENESIS_HASH`] for an empty chain).
    pub head_hash: [u8; 32],
}

/// What kind of tampering was detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainBreakKind {
    /// The stored hash does not match the record's contents.
    Edited,
    /// Events are missing: `expected_seq` was due but a later seq came.
    Missing { expected_seq: i64 },
    /// A seq was repeated or went backwards.
    Inserted,
    /// `prev_hash` does not equal the previous event's hash.
    PrevHashMismatch,
}

/// The first point where the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct ChainBreak {
    /// Seq of the record at which the break was detected.
    pub seq: i64,
    pub kind: ChainBreakKind,
}

impl ChainBreak {
    /// Stable machine-readable code of the break kind.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ChainBreakKind::Edited => "audit.edited",
            ChainBreakKind::Missing { .. } => "audit.missing",
            ChainBreakKind::Inserted => "audit.inserted",
            ChainBreakKind::PrevHashMismatch => "audit.prev_hash_mismatch",
        }
    }
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        match self.kind {
            ChainBreakKind::Edited => write!(f, "事件 #{seq} 内容被篡改 (hash mismatch)"),
            ChainBreakKind::Missing { expected_seq } => write!(
                f,
                "事件 #{expected_seq} 缺失（疑似被删除），在事件 #{seq} 处发现断档 (missing event)"
            ),
            ChainBreakKind::Inserted => {
                write!(f, "事件 #{seq} 序号重复或倒退，疑似被插入 (inserted event)")
            }
            ChainBreakKind::PrevHashMismatch => write!(
                f,
                "事件 #{seq} 的前序哈希与上一事件不符，链条断裂 (prev_hash mismatch)"
            ),
        }
    }
}

/// Streaming chain verifier: feed records in ascending seq order with
/// [`ChainVerifier::push`]; memory use is constant.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: [u8; 32],
    count: i64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    /// A verifier expecting seq 1 chained to [`GENESIS_HASH`].
    pub fn new() -> Self {
        ChainVerifier {
            next_seq: 1,
            prev_hash: GENESIS_HASH,
            count: 0,
        }
    }

    /// Checks the next record. After an error the verifier should be discarded.
    pub fn push(&mut self, record: EventRecord) -> Result<(), ChainBreak> {
        let brk = |kind| ChainBreak {
            seq: record.seq,
            kind,
        };
        if record.seq > self.next_seq {
            return Err(brk(ChainBreakKind::Missing {
                expected_seq: self.next_seq,
            }));
        }
        if record.seq < self.next_seq {
            return Err(brk(ChainBreakKind::Inserted));
        }
        if record.prev_hash != self.prev_hash {
            return Err(brk(ChainBreakKind::PrevHashMismatch));
        }
        if record.compute_hash() != record.hash {
            return Err(brk(ChainBreakKind::Edited));
        }
        self.prev_hash = record.hash;
        self.next_seq = record.seq.saturating_add(1);
        self.count += 1;
        Ok(())
    }

    /// Summary of everything pushed so far.
    pub fn finish(self) -> ChainSummary {
        ChainSummary {
            count: self.count,
            head_hash: self.prev_hash,
        }
    }
}

/// Verifies a whole chain given in ascending seq order.
pub fn verify_chain<I: IntoIterator<Item = EventRecord>>(
    events: I,
) -> Result<ChainSummary, ChainBreak> {
    let mut v = ChainVerifier::new();
    for e in events {
        v.push(e)?;
    }
    Ok(v.finish())
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
