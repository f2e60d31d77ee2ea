//! Pushing events to the provincial platform (上级平台): each stream (a named set of event
//! kinds, e.g. the licences' `licence.issued` …) is sent from the event log to the upstream
//! receiver strictly in log order, at least once, each event with a stable idempotency key so
//! the receiver can keep it exactly once.
//!
//! [`App::push_upstream`] claims the stream's lease, sends the events after its cursor one by
//! one, and moves the cursor after each acknowledgement; the first failure is recorded with an
//! exponential backoff (5 s doubling, at most 10 minutes) and ends the round, so nothing is ever
//! skipped. A stream may have an [`Enricher`] that completes each event from current tables
//! before it is sent (the `licences` stream sends the licence itself: `upstream_licences.rs`).
//!
//! Claims and failures are units of work with their events. Each acknowledgement moves the
//! cursor in a unit of its own, durably but without an event; the round then appends one
//! `upstream.pushed` summary (stream, first and last seq, count) — with the last advance, or
//! with the `upstream.failed` event when a failure ends it — so pushing 150,000 licences adds
//! about 1,500 summaries to the audit log, not 150,000 events. Errors are scrubbed of phone
//! numbers and addresses before they are stored or logged. The wire format is described in
//! `docs/upstream-format.md`.

use std::sync::Arc;

use serde_json::json;
use tongban_domain::Role;
use tongban_store::{EventRow, NewEvent, StoreError, UpstreamCursorRow};

use crate::App;
use crate::error::AppError;
use crate::notify::{BoxFuture, scrub_error};
use crate::principal::Principal;
use crate::upstream_licences::LicenceLookups;

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
    /// The event's payload, completed by the stream's [`Enricher`] (if any) at push time.
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

/// A stream: its name, the event kinds it carries, and how its events are completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamStream {
    pub name: String,
    pub kinds: Vec<String>,
    pub enricher: Enricher,
}

/// How a stream's events are completed from current tables before they are sent. The event
/// log itself is never changed; the idempotency key stays the event's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Enricher {
    /// The event's payload as logged.
    #[default]
    None,
    /// Licence events carry the licence: its national directory fields, the signed licence
    /// file and its state at push time (`data.missing = true` if it no longer exists).
    Licences,
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
            enricher: Enricher::None,
        }
    }

    /// The same stream, its events completed by `enricher`.
    pub fn with_enricher(mut self, enricher: Enricher) -> UpstreamStream {
        self.enricher = enricher;
        self
    }

    /// The default stream: newly signed, suspended, revoked and reinstated licences, each with
    /// the licence itself.
    pub fn licences() -> UpstreamStream {
        UpstreamStream::new("licences", &LICENCE_KINDS).with_enricher(Enricher::Licences)
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

/// The events one round has pushed so far (their cursor moves already committed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RoundSummary {
    from_seq: i64,
    to_seq: i64,
    count: usize,
}

impl RoundSummary {
    fn add(&mut self, seq: i64) {
        if self.count == 0 {
            self.from_seq = seq;
        }
        self.to_seq = seq;
        self.count += 1;
    }

    /// The `upstream.pushed` summary event, if the round pushed anything.
    fn event(&self, now_ms: i64, stream: &str, holder: &str) -> Option<NewEvent> {
        (self.count > 0).then(|| {
            let payload = json!({ "from_seq": self.from_seq, "to_seq": self.to_seq,
                "count": self.count, "holder": holder });
            system_event(now_ms, "upstream.pushed", stream, payload)
        })
    }
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
        // The push is the whole city's: a county's administrator neither sees nor starts it.
        who.require_city_level(&PLATFORM_ADMINS)?;
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
        let mut summary = RoundSummary::default();
        let mut lookups = LicenceLookups::default();
        for row in &batch {
            let mut event = UpstreamEvent::from_row(&stream.name, row);
            let sent = match self.enrich(stream.enricher, &mut event, &mut lookups).await {
                Ok(()) => match tokio::time::timeout(SEND_TIMEOUT, sender.send(&event)).await {
                    Ok(result) => result,
                    Err(_) => Err("the upstream platform did not answer in time".to_string()),
                },
                Err(error) => Err(format!("the event could not be completed: {error}")),
            };
            match sent {
                Ok(()) => {
                    let last = row.seq == last_seq;
                    let mut done = summary;
                    done.add(row.seq);
                    // The last advance of the round carries the round's summary.
                    let closing = if last {
                        done.event(self.now_ms(), &stream.name, &holder)
                    } else {
                        None
                    };
                    if !self.advance_stream(&event, &holder, last, closing).await? {
                        // The lease was lost: another pusher carries on. What this round
                        // pushed before is still summarised.
                        self.summarise_round(&stream.name, &holder, &summary)
                            .await?;
                        return Ok(report);
                    }
                    summary = done;
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
                    self.fail_stream(&event, &holder, &error, attempts, next, &summary)
                        .await?;
                    report.error = Some(error);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }

    /// Completes `event` as the stream's enricher says.
    async fn enrich(
        &self,
        enricher: Enricher,
        event: &mut UpstreamEvent,
        lookups: &mut LicenceLookups,
    ) -> Result<(), AppError> {
        match enricher {
            Enricher::None => Ok(()),
            Enricher::Licences => self.enrich_licence_event(event, lookups).await,
        }
    }

    /// Appends the summary of a round that ended without its closing advance.
    async fn summarise_round(
        &self,
        stream: &str,
        holder: &str,
        summary: &RoundSummary,
    ) -> Result<(), AppError> {
        let Some(event) = summary.event(self.now_ms(), stream, holder) else {
            return Ok(());
        };
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.append_event(event).await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await?)
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

    /// Moves the cursor past an acknowledged event, durably, before the next is sent. Only
    /// the round's closing advance appends an event (the round's `summary`); the others leave
    /// the audit log alone — the cursor row is the record of each acknowledgement.
    async fn advance_stream(
        &self,
        event: &UpstreamEvent,
        holder: &str,
        release: bool,
        summary: Option<NewEvent>,
    ) -> Result<bool, AppError> {
        let now_ms = self.now_ms();
        let (stream, holder, seq) = (event.stream.clone(), holder.to_string(), event.seq);
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let moved = ctx
                        .advance_upstream(&stream, &holder, seq, now_ms, release)
                        .await?;
                    if let Some(summary) = summary.filter(|_| moved) {
                        ctx.append_event(summary).await?;
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
        summary: &RoundSummary,
    ) -> Result<bool, AppError> {
        let now_ms = self.now_ms();
        let (stream, holder, seq) = (event.stream.clone(), holder.to_string(), event.seq);
        let error = error.to_string();
        let pushed = summary.event(now_ms, &stream, &holder);
        Ok(self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let held = ctx
                        .fail_upstream(&stream, &holder, &error, next_attempt_ms)
                        .await?;
                    // What the round pushed before the failure is summarised either way.
                    if let Some(pushed) = pushed {
                        ctx.append_event(pushed).await?;
                    }
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
        // The push is the whole city's: a county's administrator neither sees nor starts it.
        who.require_city_level(&PLATFORM_ADMINS)?;
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
