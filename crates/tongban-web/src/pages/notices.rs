//! Notices on pages: the signed-in user's 消息中心 (`/me/notices`, with "mark all read") and
//! the 投递状态 page of the SMS and email outbox for administrators and supervisors
//! (`/admin/outbox`), recipients masked.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{NoticeView, OutboxOverview};
use tongban_store::OUTBOX_STATUSES;

use super::admin::require_auditor;
use super::chrome::Chrome;
use super::form::beijing_time;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub page: String,
}

impl PageQuery {
    fn number(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }
}

/// One notice as the inbox shows it.
#[derive(Debug, Clone)]
pub struct NoticeLine {
    pub at: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub read: bool,
}

impl From<NoticeView> for NoticeLine {
    fn from(n: NoticeView) -> NoticeLine {
        NoticeLine {
            at: beijing_time(n.at_ms),
            subject: n.subject,
            body: n.body,
            link: n.link,
            read: n.read,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "me_notices.html")]
pub struct NoticesPage {
    c: Chrome,
    notices: Vec<NoticeLine>,
    total: i64,
    unread: i64,
    page: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn inbox(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let result = state.app.my_notices(who, query.number()).await?;
    let page = result.page;
    let href = |p: i64| format!("/me/notices?page={p}");
    let view = NoticesPage {
        c: viewer.chrome(),
        total: result.total,
        unread: result.unread,
        page,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page * result.per_page < result.total).then(|| href(page + 1)),
        notices: result.notices.into_iter().map(NoticeLine::from).collect(),
    };
    Ok(super::me::no_store(view.into_response()))
}

/// Marks every notice read and goes back to the inbox.
pub async fn mark_all_read(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    state.app.mark_notices_read(who).await?;
    Ok(Redirect::to("/me/notices").into_response())
}

/// The catalogue key of a channel's name.
pub fn channel_key(channel: &str) -> &'static str {
    match channel {
        "sms" => "outbox.channel.sms",
        "email" => "outbox.channel.email",
        _ => "outbox.channel.other",
    }
}

/// The catalogue key of a status's name.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "pending" => "outbox.status.pending",
        "sending" => "outbox.status.sending",
        "sent" => "outbox.status.sent",
        "failed" => "outbox.status.failed",
        _ => "outbox.status.other",
    }
}

/// A channel's row of the counts table: whether it has a sender, and a count per status.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub channel_key: &'static str,
    pub configured: bool,
    pub counts: Vec<i64>,
}

/// One message as the status page lists it.
#[derive(Debug, Clone)]
pub struct MessageLine {
    pub created: String,
    pub channel_key: &'static str,
    pub recipient: String,
    pub status: String,
    pub status_key: &'static str,
    pub attempts: i64,
    /// When it was sent, or when it is tried next.
    pub when: String,
    pub last_error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_outbox.html")]
pub struct OutboxPage {
    c: Chrome,
    status_keys: Vec<&'static str>,
    channels: Vec<ChannelRow>,
    none_configured: bool,
    max_attempts: i64,
    messages: Vec<MessageLine>,
    page: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

impl OutboxPage {
    fn new(c: Chrome, o: OutboxOverview) -> OutboxPage {
        let channels = ["sms", "email"]
            .into_iter()
            .map(|channel| ChannelRow {
                channel_key: channel_key(channel),
                configured: o.configured.iter().any(|c| c == channel),
                counts: OUTBOX_STATUSES
                    .iter()
                    .map(|status| {
                        o.counts
                            .iter()
                            .filter(|n| n.channel == channel && n.status == *status)
                            .map(|n| n.count)
                            .sum()
                    })
                    .collect(),
            })
            .collect();
        let total: i64 = o.counts.iter().map(|n| n.count).sum();
        let page = o.page;
        let href = |p: i64| format!("/admin/outbox?page={p}");
        OutboxPage {
            c,
            status_keys: OUTBOX_STATUSES.iter().map(|s| status_key(s)).collect(),
            channels,
            none_configured: o.configured.is_empty(),
            max_attempts: o.max_attempts,
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: (page * o.per_page < total).then(|| href(page + 1)),
            page,
            messages: o
                .messages
                .into_iter()
                .map(|m| MessageLine {
                    created: beijing_time(m.created_at_ms),
                    channel_key: channel_key(&m.channel),
                    status_key: status_key(&m.status),
                    when: match (m.sent_at_ms, m.status.as_str()) {
                        (Some(at), _) => beijing_time(at),
                        (None, "pending") => beijing_time(m.next_attempt_ms),
                        _ => String::new(),
                    },
                    recipient: m.recipient,
                    status: m.status,
                    attempts: m.attempts,
                    last_error: m.last_error.unwrap_or_default(),
                })
                .collect(),
        }
    }
}

pub async fn outbox(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let overview = state.app.outbox_messages(who, query.number()).await?;
    Ok(super::me::no_store(
        OutboxPage::new(viewer.chrome(), overview).into_response(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;
    use tongban_app::{OutboxCount, OutboxLine};

    fn chrome() -> Chrome {
        Chrome {
            elder: false,
            csrf: "tok".into(),
            user: None,
            path: "/admin/outbox".into(),
        }
    }

    #[test]
    fn every_channel_and_status_has_a_name() {
        for channel in ["sms", "email", "fax"] {
            assert!(Catalog::zh_cn().contains(channel_key(channel)), "{channel}");
        }
        for status in OUTBOX_STATUSES.iter().chain(["lost"].iter()) {
            assert!(Catalog::zh_cn().contains(status_key(status)), "{status}");
        }
    }

    #[test]
    fn the_status_page_counts_by_channel_and_says_which_channels_cannot_send() {
        let overview = OutboxOverview {
            configured: vec!["email".into()],
            max_attempts: 8,
            counts: vec![
                OutboxCount {
                    channel: "sms".into(),
                    status: "pending".into(),
                    count: 7,
                },
                OutboxCount {
                    channel: "email".into(),
                    status: "failed".into(),
                    count: 2,
                },
            ],
            messages: vec![OutboxLine {
                idempotency_key: "k:sms".into(),
                channel: "sms".into(),
                recipient: "138****8000".into(),
                status: "pending".into(),
                attempts: 0,
                next_attempt_ms: 0,
                last_error: None,
                created_at_ms: 0,
                sent_at_ms: None,
            }],
            page: 1,
            per_page: 50,
        };
        let html = OutboxPage::new(chrome(), overview).render().unwrap();
        assert!(html.contains("138****8000"));
        assert!(html.contains(Catalog::zh_cn().get("admin_outbox.not_configured")));
        assert!(html.contains("<td class=\"num\">7</td>"));
        assert!(!html.contains(Catalog::zh_cn().get("admin_outbox.none_configured")));
    }

    #[test]
    fn an_unread_notice_is_marked_in_words_and_its_link_is_kept() {
        let page = NoticesPage {
            c: chrome(),
            notices: vec![NoticeLine {
                at: "2026-11-25 10:00:00".into(),
                subject: "您的申请已受理".into(),
                body: "请留意后续通知".into(),
                link: Some("/me".into()),
                read: false,
            }],
            total: 1,
            unread: 1,
            page: 1,
            prev_href: None,
            next_href: None,
        };
        let html = page.render().unwrap();
        assert!(html.contains(Catalog::zh_cn().get("notices.unread_tag")));
        assert!(html.contains("href=\"/me\""));
        assert!(html.contains("action=\"/me/notices/read\""));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
    }
}
