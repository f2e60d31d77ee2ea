//! Keeping applicants informed: the in-app inbox, and the dispatcher that carries each notice
//! out by SMS and email through pluggable [`NoticeSender`]s.
//!
//! Use cases enqueue notices with `WriteCtx::enqueue_notice` inside their own unit of work (see
//! `tongban_store`), so a notice exists exactly when the change it tells about does, and once
//! per dedupe key. [`App::dispatch_outbox`] then claims due messages under a lease, hands each
//! to the sender of its channel with its idempotency key, and records the outcome: sent, retried
//! with exponential backoff (1, 2, 4 … minutes, at most an hour), or failed after the configured
//! number of attempts. Claims and outcomes are units of work with their events, like every
//! other change.
//!
//! Senders are configured with [`App::with_senders`]. An app without senders (the default, as
//! in tests) leaves every message pending, and the outbox overview says that no sender is
//! configured. Phone numbers and email addresses never reach a log line or an event: errors
//! from senders are scrubbed of them before they are stored or logged.

use std::sync::Arc;

use serde_json::json;
use tongban_domain::{Role, mask_email, mask_phone};
use tongban_store::{
    ClaimedMessage, DeliveryOutcome, NewEvent, NoticeRow, NoticesToMark, OutboxRow, StoreError,
};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// A boxed future, as senders return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A way of reaching an applicant outside the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A recipient of this channel, masked for display.
    pub fn mask(self, recipient: &str) -> String {
        match self {
            Channel::Sms => mask_phone(recipient),
            Channel::Email => mask_email(recipient),
        }
    }
}

/// One message for a sender.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    /// `dedupe_key:channel`: the same for every attempt at the same message, so a sender (or
    /// the gateway behind it) can recognise a message it has already delivered.
    pub idempotency_key: String,
    pub channel: Channel,
    /// A phone number or an email address. Personal data: never log it.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// When the notice was written (an email's `Date`).
    pub created_at_ms: i64,
}

impl std::fmt::Debug for OutboundMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundMessage")
            .field("idempotency_key", &self.idempotency_key)
            .field("channel", &self.channel)
            .field("recipient", &self.channel.mask(&self.recipient))
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Delivers messages of one channel. An `Err` is retried later; its text is scrubbed of
/// phone numbers and addresses before it is stored.
pub trait NoticeSender: Send + Sync {
    fn channel(&self) -> Channel;
    fn send<'a>(&'a self, msg: &'a OutboundMessage) -> BoxFuture<'a, Result<(), String>>;
}

/// The senders of each channel, and how often a message is tried.
#[derive(Clone)]
pub struct Senders {
    sms: Option<Arc<dyn NoticeSender>>,
    email: Option<Arc<dyn NoticeSender>>,
    max_attempts: i64,
}

/// Attempts at one message before it is marked failed, unless configured otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

impl Default for Senders {
    fn default() -> Senders {
        Senders::none()
    }
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Senders")
            .field("channels", &self.channels())
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl Senders {
    /// No sender: messages stay pending.
    pub fn none() -> Senders {
        Senders {
            sms: None,
            email: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// Adds `sender` for its channel (replacing the one there was).
    pub fn with(mut self, sender: Arc<dyn NoticeSender>) -> Senders {
        match sender.channel() {
            Channel::Sms => self.sms = Some(sender),
            Channel::Email => self.email = Some(sender),
        }
        self
    }

    /// Attempts at one message before it is marked failed (at least 1).
    pub fn with_max_attempts(mut self, attempts: i64) -> Senders {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn max_attempts(&self) -> i64 {
        self.max_attempts
    }

    pub fn sender(&self, channel: Channel) -> Option<&Arc<dyn NoticeSender>> {
        match channel {
            Channel::Sms => self.sms.as_ref(),
            Channel::Email => self.email.as_ref(),
        }
    }

    /// The channels that have a sender.
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL
            .into_iter()
            .filter(|c| self.sender(*c).is_some())
            .collect()
    }
}

/// What one dispatch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DispatchReport {
    pub sent: usize,
    /// Failed this time, to be tried again later.
    pub retried: usize,
    /// Failed for good (the last attempt).
    pub failed: usize,
}

/// A notice in the signed-in user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticeView {
    pub id: String,
    pub at_ms: i64,
    pub subject: String,
    pub body: String,
    /// A path inside the site, or `None`.
    pub link: Option<String>,
    pub read: bool,
}

/// One page of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticesPage {
    pub notices: Vec<NoticeView>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub unread: i64,
}

/// How many messages of a channel are in a status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCount {
    pub channel: String,
    pub status: String,
    pub count: i64,
}

/// One outbox message for the status page, its recipient masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxLine {
    pub idempotency_key: String,
    pub channel: String,
    /// Masked: `138****8000`, `z***@example.com`.
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
}

/// The delivery status page: which channels can send, counts, and the newest messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxOverview {
    /// Channel codes that have a sender; a channel without one keeps its messages pending.
    pub configured: Vec<String>,
    pub max_attempts: i64,
    pub counts: Vec<OutboxCount>,
    pub messages: Vec<OutboxLine>,
    pub page: i64,
    pub per_page: i64,
}

const OUTBOX_READERS: [Role; 2] = [Role::SystemAdmin, Role::BureauSupervisor];
const NOTICES_PER_PAGE: i64 = 20;
const OUTBOX_PER_PAGE: i64 = 50;
/// Messages claimed at a time, each given at most [`SEND_TIMEOUT`]: the lease outlasts them all.
const CLAIM_BATCH: i64 = 10;
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
const LEASE_MS: i64 = 10 * 60_000;
/// Batches one dispatch works through at most, so a call returns in bounded time.
const MAX_BATCHES: usize = 10;
const MINUTE_MS: i64 = 60_000;
const MAX_BACKOFF_MS: i64 = 60 * MINUTE_MS;

/// The wait after failed attempt number `attempts` (from 1): 1 minute, doubling, at most an
/// hour.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (MINUTE_MS << doublings).min(MAX_BACKOFF_MS)
}

/// A sender's error made safe to store and log: the recipient, anything that looks like an
/// email address and any run of seven or more digits are replaced, and the text is cut short.
pub fn scrub_error(error: &str, recipient: &str) -> String {
    let recipient = recipient.trim();
    let text = if recipient.is_empty() {
        error.to_string()
    } else {
        error.replace(recipient, "<recipient>")
    };
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>".to_string()
            } else {
                mask_digit_runs(word)
            }
        })
        .collect();
    let joined = words.join(" ");
    let mut out: String = joined.chars().take(300).collect();
    if out.len() < joined.len() {
        out.push('…');
    }
    out
}

fn mask_digit_runs(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 7 {
            out.push_str("<number>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for ch in word.chars() {
        if ch.is_ascii_digit() {
            run.push(ch);
        } else {
            flush(&mut run, &mut out);
            out.push(ch);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A link of a notice, kept only if it is a path inside the site.
fn safe_link(link: &str) -> Option<String> {
    let ok = link.starts_with('/')
        && !link.starts_with("//")
        && !link.contains('\\')
        && !link.chars().any(char::is_control);
    ok.then(|| link.to_string())
}

fn notice_view(row: NoticeRow) -> NoticeView {
    NoticeView {
        link: safe_link(&row.link),
        read: row.read_at_ms.is_some(),
        id: row.id,
        at_ms: row.at_ms,
        subject: row.subject,
        body: row.body,
    }
}

fn outbox_line(row: OutboxRow) -> OutboxLine {
    let recipient = match Channel::parse(&row.channel) {
        Some(channel) => channel.mask(&row.recipient),
        None => "*".repeat(row.recipient.chars().count()),
    };
    OutboxLine {
        idempotency_key: row.idempotency_key,
        channel: row.channel,
        recipient,
        status: row.status,
        attempts: row.attempts,
        next_attempt_ms: row.next_attempt_ms,
        last_error: row.last_error,
        created_at_ms: row.created_at_ms,
        sent_at_ms: row.sent_at_ms,
    }
}

impl App {
    /// The same app, delivering through `senders`.
    pub fn with_senders(mut self, senders: Senders) -> App {
        self.senders = Arc::new(senders);
        self
    }

    /// The configured senders.
    pub fn senders(&self) -> &Senders {
        &self.senders
    }

    /// The signed-in user's notices, newest first, 20 a page (pages from 1).
    pub async fn my_notices(&self, who: &Principal, page: i64) -> Result<NoticesPage, AppError> {
        let account = who.account_id();
        let page = page.max(1);
        let rows = self
            .store
            .notices_of(
                account,
                NOTICES_PER_PAGE,
                (page - 1).saturating_mul(NOTICES_PER_PAGE),
            )
            .await?;
        let (total, unread) = self.store.notice_counts(account).await?;
        Ok(NoticesPage {
            notices: rows.into_iter().map(notice_view).collect(),
            page,
            per_page: NOTICES_PER_PAGE,
            total,
            unread,
        })
    }

    /// How many of the signed-in user's notices are unread.
    pub async fn unread_notices(&self, who: &Principal) -> Result<i64, AppError> {
        Ok(self.store.unread_notice_count(who.account_id()).await?)
    }

    /// Marks every notice the signed-in user has so far as read; returns how many were unread.
    pub async fn mark_notices_read(&self, who: &Principal) -> Result<u64, AppError> {
        let now_ms = self.now_ms();
        let account = who.account_id().to_string();
        let changed = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let changed = ctx
                        .mark_notices_read(&account, &NoticesToMark::UpTo(now_ms), now_ms)
                        .await?;
                    if changed > 0 {
                        ctx.append_event(NewEvent {
                            at_ms: now_ms,
                            actor: account.clone(),
                            action: "notices.read".into(),
                            entity_type: "account".into(),
                            entity_id: account,
                            payload: json!({ "count": changed }),
                        })
                        .await?;
                    }
                    Ok::<_, StoreError>(changed)
                })
            })
            .await?;
        Ok(changed)
    }

    /// Delivery status: configured channels, counts by channel and status, and the newest 50
    /// messages with their recipients masked (system administrators and supervisors).
    pub async fn outbox_overview(&self, who: &Principal) -> Result<OutboxOverview, AppError> {
        self.outbox_messages(who, 1).await
    }

    /// The same, with page `page` (from 1) of the messages.
    pub async fn outbox_messages(
        &self,
        who: &Principal,
        page: i64,
    ) -> Result<OutboxOverview, AppError> {
        // The outbox is the whole city's: a county's staff would read every county's messages.
        who.require_city_level(&OUTBOX_READERS)?;
        let page = page.max(1);
        let counts = self
            .store
            .outbox_counts()
            .await?
            .into_iter()
            .map(|(channel, status, count)| OutboxCount {
                channel,
                status,
                count,
            })
            .collect();
        let rows = self
            .store
            .outbox_page(OUTBOX_PER_PAGE, (page - 1).saturating_mul(OUTBOX_PER_PAGE))
            .await?;
        Ok(OutboxOverview {
            configured: self
                .senders
                .channels()
                .into_iter()
                .map(|c| c.code().to_string())
                .collect(),
            max_attempts: self.senders.max_attempts(),
            counts,
            messages: rows.into_iter().map(outbox_line).collect(),
            page,
            per_page: OUTBOX_PER_PAGE,
        })
    }

    /// Sends what is due on the channels that have a sender, and records each outcome. Safe to
    /// run from several tasks or processes at once: a message is claimed by one of them.
    pub async fn dispatch_outbox(&self) -> Result<DispatchReport, AppError> {
        let senders = self.senders.clone();
        let codes: Vec<&'static str> = senders.channels().into_iter().map(Channel::code).collect();
        let mut report = DispatchReport::default();
        if codes.is_empty() {
            return Ok(report);
        }
        for _ in 0..MAX_BATCHES {
            let now_ms = self.now_ms();
            if !self.store.outbox_has_due(&codes, now_ms).await? {
                break;
            }
            let claimed = self.claim(&codes, now_ms).await?;
            let full = claimed.len() as i64 == CLAIM_BATCH;
            for (message, token) in claimed {
                self.deliver(&senders, message, &token, &mut report).await?;
            }
            if !full {
                break;
            }
        }
        Ok(report)
    }

    async fn claim(
        &self,
        codes: &[&'static str],
        now_ms: i64,
    ) -> Result<Vec<(ClaimedMessage, String)>, AppError> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let codes = codes.to_vec();
        let claim_token = token.clone();
        let claimed = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let claimed = ctx
                        .claim_outbox(
                            &codes,
                            now_ms,
                            now_ms + LEASE_MS,
                            CLAIM_BATCH,
                            &claim_token,
                        )
                        .await?;
                    if !claimed.is_empty() {
                        let keys: Vec<&str> =
                            claimed.iter().map(|m| m.idempotency_key.as_str()).collect();
                        ctx.append_event(NewEvent {
                            at_ms: now_ms,
                            actor: "system".into(),
                            action: "outbox.claimed".into(),
                            entity_type: "outbox".into(),
                            entity_id: claim_token.clone(),
                            payload: json!({ "messages": keys, "lease_until_ms": now_ms + LEASE_MS }),
                        })
                        .await?;
                    }
                    Ok::<_, StoreError>(claimed)
                })
            })
            .await?;
        Ok(claimed.into_iter().map(|m| (m, token.clone())).collect())
    }

    async fn deliver(
        &self,
        senders: &Senders,
        message: ClaimedMessage,
        token: &str,
        report: &mut DispatchReport,
    ) -> Result<(), AppError> {
        let channel = Channel::parse(&message.channel);
        let result = match channel.and_then(|c| senders.sender(c).map(|s| (c, s))) {
            Some((channel, sender)) => {
                let outbound = OutboundMessage {
                    idempotency_key: message.idempotency_key.clone(),
                    channel,
                    recipient: message.recipient.clone(),
                    subject: message.subject,
                    body: message.body,
                    created_at_ms: message.created_at_ms,
                };
                match tokio::time::timeout(SEND_TIMEOUT, sender.send(&outbound)).await {
                    Ok(result) => result,
                    Err(_) => Err("the sender did not answer in time".to_string()),
                }
            }
            None => Err(format!("no sender for channel {}", message.channel)),
        };
        let now_ms = self.now_ms();
        let attempts = message.attempts;
        let outcome = match result {
            Ok(()) => DeliveryOutcome::Sent,
            Err(error) => {
                let error = scrub_error(&error, &message.recipient);
                tracing::warn!(
                    message = %message.idempotency_key,
                    channel = %message.channel,
                    attempts,
                    error = %error,
                    "a notice could not be delivered"
                );
                if attempts >= senders.max_attempts() {
                    DeliveryOutcome::Failed { error }
                } else {
                    DeliveryOutcome::Retry {
                        next_attempt_ms: now_ms + retry_delay_ms(attempts),
                        error,
                    }
                }
            }
        };
        let (action, payload) = match &outcome {
            DeliveryOutcome::Sent => ("outbox.sent", json!({ "attempts": attempts })),
            DeliveryOutcome::Retry {
                next_attempt_ms,
                error,
            } => (
                "outbox.retry_scheduled",
                json!({ "attempts": attempts, "next_attempt_ms": next_attempt_ms, "error": error }),
            ),
            DeliveryOutcome::Failed { error } => (
                "outbox.failed",
                json!({ "attempts": attempts, "error": error }),
            ),
        };
        let key = message.idempotency_key;
        let token = token.to_string();
        let recorded_outcome = outcome.clone();
        let recorded = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let held = ctx
                        .finish_outbox(&key, &token, &recorded_outcome, now_ms)
                        .await?;
                    if held {
                        ctx.append_event(NewEvent {
                            at_ms: now_ms,
                            actor: "system".into(),
                            action: action.into(),
                            entity_type: "outbox_message".into(),
                            entity_id: key,
                            payload,
                        })
                        .await?;
                    }
                    Ok::<_, StoreError>(held)
                })
            })
            .await?;
        if recorded {
            match outcome {
                DeliveryOutcome::Sent => report.sent += 1,
                DeliveryOutcome::Retry { .. } => report.retried += 1,
                DeliveryOutcome::Failed { .. } => report.failed += 1,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_one_minute_then_double_up_to_an_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| retry_delay_ms(n) / MINUTE_MS).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_delay_ms(0), MINUTE_MS);
        assert_eq!(retry_delay_ms(i64::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn sender_errors_lose_their_phone_numbers_and_addresses() {
        let scrubbed = scrub_error(
            "550 5.1.1 <zhangsan@example.com>: no such user; also 13812348000 and 0827-5200000",
            "zhangsan@example.com",
        );
        assert_eq!(
            scrubbed,
            "550 5.1.1 <<recipient>>: no such user; also <number> and 0827-<number>"
        );
        assert_eq!(
            scrub_error("rejected lisi@example.org", "x@y.z"),
            "rejected <address>"
        );
        assert!(scrub_error(&"长".repeat(400), "").chars().count() <= 301);
    }

    #[test]
    fn only_links_inside_the_site_are_kept() {
        assert_eq!(safe_link("/me/notices"), Some("/me/notices".into()));
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "javascript:x",
            "/\\x",
        ] {
            assert_eq!(safe_link(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_message_shows_its_recipient_masked_when_debugged() {
        let msg = OutboundMessage {
            idempotency_key: "k:sms".into(),
            channel: Channel::Sms,
            recipient: "13812348000".into(),
            subject: "s".into(),
            body: "b".into(),
            created_at_ms: 0,
        };
        let text = format!("{msg:?}");
        assert!(text.contains("138****8000") && !text.contains("13812348000"));
    }
}
