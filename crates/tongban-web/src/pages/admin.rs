//! The administration area for system administrators and bureau supervisors: the dashboard
//! (`/admin`) with counts, and the audit log (`/admin/audit`) with chain verification.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Redirect, Response};
use tongban_app::{AppError, EventView, Principal};
use tongban_domain::Role;
use tongban_store::VerifyOutcome;

use super::chrome::Chrome;
use super::form::{beijing_time, hall_kind_key};
use super::org::level_key;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

const AUDITORS: [Role; 2] = [Role::SystemAdmin, Role::BureauSupervisor];
const RECENT_EVENTS: i64 = 50;

/// The signed-in administrator or supervisor; a redirect to log in, or 403 for anyone else.
pub fn require_auditor(viewer: &Viewer) -> Result<Result<&Principal, Redirect>, WebError> {
    match viewer.require_login() {
        Ok(who) => {
            who.require_role(&AUDITORS)?;
            Ok(Ok(who))
        }
        Err(redirect) => Ok(Err(redirect)),
    }
}

fn account_kind_key(kind: &str) -> &'static str {
    match kind {
        "staff" => "admin.account.staff",
        "citizen" => "admin.account.citizen",
        "enterprise" => "admin.account.enterprise",
        _ => "admin.account.other",
    }
}

/// A count with the catalogue key of what is counted.
pub type Count = (&'static str, i64);

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct DashboardPage {
    c: Chrome,
    is_admin: bool,
    divisions: Vec<Count>,
    halls: Vec<Count>,
    accounts: Vec<Count>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let overview = state.app.admin_overview(who).await?;
    let page = DashboardPage {
        c: viewer.chrome(),
        is_admin: who.role() == Some(Role::SystemAdmin),
        divisions: overview
            .divisions_by_level
            .iter()
            .map(|(level, n)| (level_key(*level), *n))
            .collect(),
        halls: overview
            .halls_by_kind
            .iter()
            .map(|(kind, n)| (hall_kind_key(kind), *n))
            .collect(),
        accounts: overview
            .accounts_by_kind
            .iter()
            .map(|(kind, n)| (account_kind_key(kind), *n))
            .collect(),
    };
    Ok(page.into_response())
}

/// One event as a table row.
#[derive(Debug, Clone)]
pub struct EventLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub hash: String,
}

impl From<EventView> for EventLine {
    fn from(e: EventView) -> EventLine {
        EventLine {
            seq: e.seq,
            at: beijing_time(e.at_ms),
            actor: e.actor,
            action: e.action,
            entity: format!("{}:{}", e.entity_type, e.entity_id),
            hash: e.hash.chars().take(16).collect(),
        }
    }
}

/// The result of a chain verification, as the page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyView {
    Intact { count: i64, head_hash: String },
    Broken { seq: i64, problem: String },
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl From<VerifyOutcome> for VerifyView {
    fn from(outcome: VerifyOutcome) -> VerifyView {
        match outcome {
            VerifyOutcome::Intact { count, head_hash } => VerifyView::Intact { count, head_hash },
            VerifyOutcome::Broken(b) => VerifyView::Broken {
                seq: b.seq,
                problem: b.to_string(),
            },
            VerifyOutcome::HeadMismatch { head_seq, last_seq } => {
                VerifyView::HeadMismatch { head_seq, last_seq }
            }
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_audit.html")]
pub struct AuditPage {
    c: Chrome,
    events: Vec<EventLine>,
    verify: Option<VerifyView>,
}

async fn audit_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    verify: Option<VerifyView>,
) -> Result<AuditPage, AppError> {
    let mut events: Vec<EventLine> = state
        .app
        .recent_events(who, RECENT_EVENTS)
        .await?
        .into_iter()
        .map(EventLine::from)
        .collect();
    events.reverse();
    Ok(AuditPage {
        c: viewer.chrome(),
        events,
        verify,
    })
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    Ok(audit_page(&state, &viewer, who, None)
        .await?
        .into_response())
}

pub async fn verify(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let outcome = state.app.verify_audit_chain(who).await?;
    Ok(audit_page(&state, &viewer, who, Some(outcome.into()))
        .await?
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    fn chrome() -> Chrome {
        Chrome {
            elder: false,
            csrf: "tok".into(),
            user: None,
            path: "/admin/audit".into(),
        }
    }

    #[test]
    fn every_account_kind_has_a_name() {
        for kind in ["staff", "citizen", "enterprise", "robot"] {
            assert!(Catalog::zh_cn().contains(account_kind_key(kind)), "{kind}");
        }
    }

    #[test]
    fn a_broken_chain_is_said_in_words_not_only_colour() {
        let verify = Some(VerifyView::Broken {
            seq: 7,
            problem: "事件 #7 内容被篡改".into(),
        });
        let html = AuditPage {
            c: chrome(),
            events: Vec::new(),
            verify,
        }
        .render()
        .unwrap();
        assert!(html.contains("事件 #7 内容被篡改"));
        assert!(html.contains(Catalog::zh_cn().get("admin_audit.broken")));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
    }

    #[test]
    fn an_intact_chain_shows_the_count_and_head() {
        let verify = Some(VerifyView::Intact {
            count: 42,
            head_hash: "abcdef".into(),
        });
        let line = EventLine {
            seq: 42,
            at: "2026-01-01 08:00:00".into(),
            actor: "admin".into(),
            action: "hall.updated".into(),
            entity: "hall:hall-1".into(),
            hash: "abcdef".into(),
        };
        let html = AuditPage {
            c: chrome(),
            events: vec![line],
            verify,
        }
        .render()
        .unwrap();
        assert!(html.contains("42"));
        assert!(html.contains("<code>abcdef</code>"));
        assert!(html.contains("hall.updated"));
    }
}
