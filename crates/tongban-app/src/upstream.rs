//! Pushing events to the provincial platform (上级平台): each stream (a named set of event
//! kinds, e.g. the licences' `licence.issued` …) is sent from the event log to the upstream
//! receiver strictly in log order, at least once, each event with a stable idempotency key so
//! the receiver can keep it exactly once.
//!
//! [`App::push_upstream`] claims the stream's lease, sends the events after its cursor one by
//! one, and moves the cursor after each acknowledgement; the first failure is recorded with an
//! exponential backoff (5 s doubling, at most 10 minutes) and ends the round, so nothing is ever
//! skipped. Claims, advances and failures are units of work with their events. Errors are
//! scrubbed of phone numbers and addresses before they are stored or logged.

use std::sync::Arc;

use serde_json::json;
use tongban_domain::Role;
use tongban_store::{EventRow, NewEvent, StoreError, UpstreamCursorRow};

use crate::App;
use crate::error::AppError;
use crate::notify::{BoxFuture, scrub_error};
use crate::principal::Principal;

/// One event as the receiver gets it (the JSON body of one request).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UpstreamEvent {
    /// `{stream}:{seq}:{first 16 hex digits of the event's hash}`: the same on every attempt.
    pub idempotency_key: String,
    pub stream: String,
    /// The event's place in the log (increasing, with gaps: other kinds are not sent).
    pub seq: i64,
    pub kind: String,
    pub entity_type: String,
    pub entity_id: String,
    pub occurred_at_ms: i64,
    /// The event's payload.
    pub data: serde_json::Value,
}

impl UpstreamEvent {
    /// The event of `row` as stream `stream` sends it.
    pub fn from_row(stream: &str, row: &EventRow) -> UpstreamEvent {
        UpstreamEvent {
            idempotency_key: idempotency_key(stream, row.seq, &row.hash),
            stream: stream.to_string(),
            seq: row.seq,
            kind: row.action.clone(),
            entity_type: row.entity_type.clone(),
            entity_id: row.entity_id.clone(),
            occurred_at_ms: row.at_ms,
            data: serde_json::from_str(&row.payload)
                .unwrap_or_else(|_| serde_json::Value::String(row.payload.clone())),
        }
    }
}

/// The idempotency key of the event at `seq` with hash `hash` on `stream`.
pub fn idempotency_key(stream: &str, seq: i64, hash: &str) -> String {
    let prefix: String = hash.chars().take(16).collect();
    format!("{stream}:{seq}:{prefix}")
}

/// Delivers one event to the upstream receiver. `Ok` means the receiver has it (a receiver
/// that says it already had it counts); an `Err` is retried later and is scrubbed before it
/// is stored.
pub trait UpstreamSender: Send + Sync {
    fn send<'a>(&'a self, event: &'a UpstreamEvent) -> BoxFuture<'a, Result<(), String>>;
    /// Where events go, for the status page (no credentials).
    fn target(&self) -> String;
}

/// A stream: its name and the event kinds it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamStream {
    pub name: String,
    pub kinds: Vec<String>,
}

/// The kinds of the `licences` stream.
pub const LICENCE_KINDS: [&str; 4] = [
    "licence.issued",
    "licence.suspended",
    "licence.revoked",
    "licence.reinstated",
];

impl UpstreamStream {
    pub fn new(name: impl Into<String>, kinds: &[&str]) -> UpstreamStream {
        UpstreamStream {
            name: name.into(),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
        }
    }

    /// The default stream: newly signed, suspended, revoked and reinstated licences.
    pub fn licences() -> UpstreamStream {
        UpstreamStream::new("licences", &LICENCE_KINDS)
    }

    fn kinds(&self) -> Vec<&str> {
        self.kinds.iter().map(String::as_str).collect()
    }
}

/// The push configuration: the sender (none: nothing is pushed) and the streams.
#[derive(Clone)]
pub struct Upstream {
    pub sender: Option<Arc<dyn UpstreamSender>>,
    pub streams: Vec<UpstreamStream>,
    /// Events sent per stream in one round at most.
    pub max_batch: usize,
}

impl Default for Upstream {
    fn default() -> Upstream {
        Upstream {
            sender: None,
            streams: vec![UpstreamStream::licences()],
            max_batch: 100,
        }
    }
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("target", &self.sender.as_ref().map(|s| s.target()))
            .field("streams", &self.streams)
            .field("max_batch", &self.max_batch)
            .finish()
    }
}

/// What one round of one stream did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PushReport {
    pub stream: String,
    pub pushed: usize,
    /// The (scrubbed) error that ended the round, if one did.
    pub error: Option<String>,
    /// Nothing was tried: not due yet, nothing to send, or another pusher holds the stream.
    pub skipped: bool,
}

/// One stream on the status page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UpstreamStreamStatus {
    pub stream: String,
    pub kinds: Vec<String>,
    pub last_seq: i64,
    pub pushed_count: i64,
    /// Events of the stream's kinds after the cursor.
    pub backlog: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_ms: Option<i64>,
    pub last_success_at_ms: Option<i64>,
    /// Who holds the stream now, while the lease runs.
    pub lease_holder: Option<String>,
    pub lease_until_ms: Option<i64>,
}

/// The push status page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UpstreamStatus {
    /// Whether an upstream address is configured (without one nothing is pushed).
    pub configured: bool,
    pub target: Option<String>,
    pub streams: Vec<UpstreamStreamStatus>,
}

const PLATFORM_ADMINS: [Role; 1] = [Role::SystemAdmin];
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
const MAX_LEASE_MS: i64 = 10 * 60_000;
const BASE_BACKOFF_MS: i64 = 5_000;
const MAX_BACKOFF_MS: i64 = 10 * 60_000;

/// The wait after failed attempt number `attempts` (from 1): 5 s, doubling, at most 10 min.
pub fn upstream_retry_delay_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    (BASE_BACKOFF_MS << doublings).min(MAX_BACKOFF_MS)
}

fn system_event(now_ms: i64, action: &str, stream: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        at_ms: now_ms,
        actor: "system".into(),
        action: action.into(),
        entity_type: "upstream_stream".into(),
        entity_id: stream.into(),
        payload,
    }
}

impl App {
    /// The same app, pushing as `upstream` says.
    pub fn with_upstream(mut self, upstream: Upstream) -> App {
        self.upstream = Arc::new(upstream);
        self
    }

    /// The push configuration.
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// One round of every configured stream, respecting each stream's backoff (the periodic
    /// job). Without a sender nothing is pushed.
    pub async fn push_upstream_all(&self) -> Result<Vec<PushReport>, AppError> {
        self.push_configured(false).await
    }

    /// One round of every stream now, ignoring the backoff (platform administrators).
    pub async fn push_upstream_now(&self, who: &Principal) -> Result<Vec<PushReport>, AppError> {
        who.require_role(&PLATFORM_ADMINS)?;
        self.push_configured(true).await
    }

    /// One round of every stream now, ignoring the backoff, for the operator's CLI.
    pub async fn push_upstream_as_operator(&self) -> Result<Vec<PushReport>, AppError> {
        self.push_configured(true).await
    }

    async fn push_configured(&self, force: bool) -> Result<Vec<PushReport>, AppError> {
        let upstream = self.upstream.clone();
        let Some(sender) = upstream.sender.as_deref() else {
            return Ok(Vec::new());
        };
        let mut reports = Vec::with_capacity(upstream.streams.len());
        for stream in &upstream.streams {
            reports.push(
                self.push_stream(stream, sender, upstream.max_batch, force)
                    .await?,
            );
        }
        Ok(reports)
    }

    /// One round of `stream` through `sender`: at most `max_batch` events, in order, stopping
    /// at the first failure. Does nothing before the stream's next attempt is due.
    pub async fn push_upstream(
        &self,
        stream: &UpstreamStream,
        sender: &dyn UpstreamSender,
        max_batch: usize,
    ) -> Result<PushReport, AppError> {
        self.push_stream(stream, sender, max_batch, false).await
    }

    async fn push_stream(
        &self,
        stream: &UpstreamStream,
        sender: &dyn UpstreamSender,
        max_batch: usize,
        force: bool,
    ) -> Result<PushReport, AppError> {
        let mut report = PushReport {
            stream: stream.name.clone(),
            skipped: true,
            ..PushReport::default()
        };
        let now_ms = self.now_ms();
        let kinds = stream.kinds();
        // Cheap reads first: most rounds have nothing to do and write nothing.
        let cursor = self.store.upstream_cursor(&stream.name).await?;
        let after = cursor.as_ref().map_or(0, |c| c.last_seq);
        if cursor
            .as_ref()
            .is_some_and(|c| !force && c.next_attempt_ms > now_ms)
            || self
                .store
                .upstream_events_after(after, &kinds, 1)
                .await?
                .is_empty()
        {
            return Ok(report);
        }
        let holder = uuid::Uuid::new_v4().simple().to_string();
        // A pusher that dies leaves the stream to others once its lease ends; one whose lease
        // ends mid-round loses the stream at its next advance and stops.
        let lease_ms = (max_batch as i64 + 1)
            .saturating_mul(SEND_TIMEOUT.as_millis() as i64)
            .min(MAX_LEASE_MS);
        let due_by = if force { i64::MAX } else { now_ms };
        let Some(claimed) = self
            .claim_stream(&stream.name, &holder, now_ms, lease_ms, due_by)
            .await?
        else {
            return Ok(report);
        };
        report.skipped = false;
        let batch = self
            .store
            .upstream_events_after(claimed.last_seq, &kinds, max_batch.max(1) as i64)
            .await?;
        let Some(last_seq) = batch.last().map(|e| e.seq) else {
            self.release_stream(&stream.name, &holder).await?;
            return Ok(report);
        };
        for row in &batch {
            let event = UpstreamEvent::from_row(&stream.name, row);
            let sent = match tokio::time::timeout(SEND_TIMEOUT, sender.send(&event)).await {
                Ok(result) => result,
                Err(_) => Err("the upstream platform did not answer in time".to_string()),
            };
            match sent {
                Ok(()) => {
                    let release = row.seq == last_seq;
                    if !self.advance_stream(&event, &holder, release).await? {
                        // The lease was lost: another pusher carries on.
                        return Ok(report);
                    }
                    report.pushed += 1;
                }
                Err(error) => {
                    let error = scrub_error(&error, "");
                    let attempts = claimed.attempts + 1;
                    let next = self.now_ms() + upstream_retry_delay_ms(attempts);
                    tracing::warn!(
                        stream = %stream.name,
                        seq = row.seq,
                        attempts,
                        error = %error,
                        "an event could not be pushed upstream"
                    );
                    self.fail_stream(&event, &holder, &error, attempts, next)
                        .await?;
                    report.error = Some(error);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }

    async fn claim_stream(
        &self,
        stream: &str,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
        due_by: i64,
    ) -> Result<Option<UpstreamCursorRow>, AppError> {
        let (stream, holder) = (stream.to_string(), holder.to_string());
        let lease_until = now_ms.saturating_add(lease_ms);
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let claimed = ctx
                        .claim_upstream(&stream, &holder, now_ms, lease_until, due_by)
                        .await?;
                    if let Some(c) = &claimed {
                        let payload = json!({ "holder": holder, "lease_until_ms": lease_until, "last_seq": c.last_seq });
                        ctx.append_event(system_event(now_ms, "upstream.claimed", &stream, payload))
                            .await?;
                    }
                    Ok::<_, StoreError>(claimed)
                })
            })
            .await?)
    }

    async fn advance_stream(
        &self,
        event: &UpstreamEvent,
        holder: &str,
        release: bool,
    ) -> Result<bool, AppError> {
        let now_ms = self.now_ms();
        let (stream, holder, seq) = (event.stream.clone(), holder.to_string(), event.seq);
        let key = event.idempotency_key.clone();
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let moved = ctx
                        .advance_upstream(&stream, &holder, seq, now_ms, release)
                        .await?;
                    if moved {
                        let payload = json!({ "seq": seq, "idempotency_key": key });
                        ctx.append_event(system_event(now_ms, "upstream.pushed", &stream, payload))
                            .await?;
                    }
                    Ok::<_, StoreError>(moved)
                })
            })
            .await?)
    }

    async fn fail_stream(
        &self,
        event: &UpstreamEvent,
        holder: &str,
        error: &str,
        attempts: i64,
        next_attempt_ms: i64,
    ) -> Result<bool, AppError> {
        let now_ms = self.now_ms();
        let (stream, holder, seq) = (event.stream.clone(), holder.to_string(), event.seq);
        let error = error.to_string();
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let held = ctx
                        .fail_upstream(&stream, &holder, &error, next_attempt_ms)
                        .await?;
                    if held {
                        let payload = json!({ "seq": seq, "attempts": attempts,
                            "next_attempt_ms": next_attempt_ms, "error": error });
                        ctx.append_event(system_event(now_ms, "upstream.failed", &stream, payload))
                            .await?;
                    }
                    Ok::<_, StoreError>(held)
                })
            })
            .await?)
    }

    async fn release_stream(&self, stream: &str, holder: &str) -> Result<bool, AppError> {
        let now_ms = self.now_ms();
        let (stream, holder) = (stream.to_string(), holder.to_string());
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let held = ctx.release_upstream(&stream, &holder).await?;
                    if held {
                        let payload = json!({ "holder": holder });
                        ctx.append_event(system_event(
                            now_ms,
                            "upstream.released",
                            &stream,
                            payload,
                        ))
                        .await?;
                    }
                    Ok::<_, StoreError>(held)
                })
            })
            .await?)
    }

    /// The push status of every stream (platform administrators).
    pub async fn upstream_status(&self, who: &Principal) -> Result<UpstreamStatus, AppError> {
        who.require_role(&PLATFORM_ADMINS)?;
        self.upstream_status_for_operator().await
    }

    /// The same, for the operator's CLI.
    pub async fn upstream_status_for_operator(&self) -> Result<UpstreamStatus, AppError> {
        let now_ms = self.now_ms();
        let cursors = self.store.upstream_cursors().await?;
        let mut streams = Vec::with_capacity(self.upstream.streams.len());
        for stream in &self.upstream.streams {
            let cursor = cursors.iter().find(|c| c.stream == stream.name);
            let last_seq = cursor.map_or(0, |c| c.last_seq);
            let backlog = self
                .store
                .upstream_backlog(last_seq, &stream.kinds())
                .await?;
            let leased = cursor.filter(|c| c.lease_until_ms.is_some_and(|until| until > now_ms));
            streams.push(UpstreamStreamStatus {
                stream: stream.name.clone(),
                kinds: stream.kinds.clone(),
                last_seq,
                pushed_count: cursor.map_or(0, |c| c.pushed_count),
                backlog,
                attempts: cursor.map_or(0, |c| c.attempts),
                last_error: cursor.and_then(|c| c.last_error.clone()),
                next_attempt_ms: cursor.filter(|c| c.attempts > 0).map(|c| c.next_attempt_ms),
                last_success_at_ms: cursor.and_then(|c| c.last_success_at_ms),
                lease_holder: leased.and_then(|c| c.lease_holder.clone()),
                lease_until_ms: leased.and_then(|c| c.lease_until_ms),
            });
        }
        Ok(UpstreamStatus {
            configured: self.upstream.sender.is_some(),
            target: self.upstream.sender.as_ref().map(|s| s.target()),
            streams,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_five_seconds_then_double_up_to_ten_minutes() {
        let secs: Vec<i64> = (1..=9).map(|n| upstream_retry_delay_ms(n) / 1000).collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 320, 600, 600]);
        assert_eq!(upstream_retry_delay_ms(0), BASE_BACKOFF_MS);
        assert_eq!(upstream_retry_delay_ms(i64::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn the_idempotency_key_names_the_stream_the_seq_and_the_hash() {
        let row = EventRow {
            seq: 42,
            at_ms: 7,
            actor: "system".into(),
            action: "licence.issued".into(),
            entity_type: "licence".into(),
            entity_id: "L1".into(),
            payload: r#"{"holder":"某公司"}"#.into(),
            hash: "0123456789abcdef0123456789abcdef".into(),
        };
        let event = UpstreamEvent::from_row("licences", &row);
        assert_eq!(event.idempotency_key, "licences:42:0123456789abcdef");
        assert_eq!(event.data["holder"], "某公司");
        assert_eq!(
            (event.occurred_at_ms, event.kind.as_str()),
            (7, "licence.issued")
        );
    }
}
