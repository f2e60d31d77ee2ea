//! The 上级平台推送 page (`/admin/upstream`) for platform administrators: each stream pushed
//! to the provincial platform with what was pushed, what waits, the last error and the next
//! attempt, and a button that pushes now.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Redirect, Response};
use tongban_app::UpstreamStatus;

use super::chrome::Chrome;
use super::form::beijing_time;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// One stream as the page lists it.
#[derive(Debug, Clone)]
pub struct StreamLine {
    /// The catalogue key of the stream's name, for the streams Tongban knows.
    pub name_key: Option<&'static str>,
    pub stream: String,
    pub pushed: i64,
    pub backlog: i64,
    pub last_success: String,
    pub last_error: String,
    pub next_attempt: String,
    /// Who is pushing it now, if anyone.
    pub lease: String,
}

/// The catalogue key of a stream's name.
pub fn stream_key(stream: &str) -> Option<&'static str> {
    match stream {
        "licences" => Some("admin_upstream.stream.licences"),
        "applications" => Some("admin_upstream.stream.applications"),
        "evaluations" => Some("admin_upstream.stream.evaluations"),
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_upstream.html")]
pub struct UpstreamPage {
    c: Chrome,
    configured: bool,
    target: String,
    streams: Vec<StreamLine>,
}

impl UpstreamPage {
    fn new(c: Chrome, status: UpstreamStatus) -> UpstreamPage {
        let time = |at: Option<i64>| at.map(beijing_time).unwrap_or_default();
        UpstreamPage {
            c,
            configured: status.configured,
            target: status.target.unwrap_or_default(),
            streams: status
                .streams
                .into_iter()
                .map(|s| StreamLine {
                    name_key: stream_key(&s.stream),
                    pushed: s.pushed_count,
                    backlog: s.backlog,
                    last_success: time(s.last_success_at_ms),
                    last_error: s.last_error.unwrap_or_default(),
                    next_attempt: time(s.next_attempt_ms),
                    lease: time(s.lease_until_ms),
                    stream: s.stream,
                })
                .collect(),
        }
    }
}

pub async fn status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let status = state.app.upstream_status(who).await?;
    Ok(super::me::no_store(
        UpstreamPage::new(viewer.chrome(), status).into_response(),
    ))
}

/// 立即推送: one round of every stream now, then back to the page.
pub async fn push_now(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    state.app.push_upstream_now(who).await?;
    Ok(Redirect::to("/admin/upstream").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;
    use tongban_app::UpstreamStreamStatus;

    fn page(configured: bool) -> String {
        let status = UpstreamStatus {
            configured,
            target: configured.then(|| "http://gov.example/events".to_string()),
            streams: vec![UpstreamStreamStatus {
                stream: "licences".into(),
                kinds: vec!["licence.issued".into()],
                last_seq: 40,
                pushed_count: 17,
                backlog: 3,
                attempts: 2,
                last_error: Some("upstream answered HTTP 500".into()),
                next_attempt_ms: Some(0),
                last_success_at_ms: None,
                lease_holder: None,
                lease_until_ms: None,
            }],
        };
        let c = Chrome {
            elder: false,
            csrf: "tok".into(),
            user: None,
            path: "/admin/upstream".into(),
        };
        UpstreamPage::new(c, status).render().unwrap()
    }

    #[test]
    fn every_known_stream_has_a_name() {
        for stream in ["licences", "applications", "evaluations"] {
            let key = stream_key(stream).unwrap();
            assert!(Catalog::zh_cn().contains(key), "{stream}");
        }
        assert_eq!(stream_key("other"), None);
    }

    #[test]
    fn the_page_shows_counts_and_errors_and_pushes_with_the_csrf_token() {
        let html = page(true);
        assert!(html.contains(Catalog::zh_cn().get("admin_upstream.stream.licences")));
        assert!(
            html.contains("<td class=\"num\">17</td>") && html.contains("<td class=\"num\">3</td>")
        );
        assert!(html.contains("upstream answered HTTP 500"));
        assert!(html.contains("http://gov.example/events"));
        assert!(html.contains("action=\"/admin/upstream/push\""));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
        assert!(!html.contains(Catalog::zh_cn().get("admin_upstream.not_configured")));
    }

    #[test]
    fn without_an_address_the_page_says_so_and_still_counts_the_backlog() {
        let html = page(false);
        assert!(html.contains("未配置上级平台地址"));
        assert!(html.contains("<td class=\"num\">3</td>"));
        assert!(!html.contains("action=\"/admin/upstream/push\""));
    }
}
