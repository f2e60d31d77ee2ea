//! The printable notices (文书) of a case: 受理通知书, 补正告知书, 不予受理决定书, 不予许可决定书,
//! 延长审批告知书 and 特别程序告知书, at `/applications/{id}/notices/{kind}` for the applicant and
//! `/work/applications/{id}/notices/{kind}` for staff. Server-rendered for A4 (print CSS, no
//! script); the facts and dates come from the case's events, the due dates from its clock. A
//! kind the case has not given is refused with a page saying why.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use time::Date;
use tongban_app::applications::ApplicationView;
use tongban_domain::application::{AcceptanceMode, Application, NoticeBody, NoticeKind};

use super::applications::case_path;
use super::chrome::Chrome;
use super::form::t;
use super::viewer::Viewer;
use super::work_cases::staff_case_path;
use crate::error::WebError;
use crate::state::AppState;

/// A date as notices write it: 2026年3月2日.
pub fn zh_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The notice's title.
pub fn title(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Acceptance => t("notice.title.acceptance"),
        NoticeKind::Correction => t("notice.title.correction"),
        NoticeKind::NotAccepted => t("notice.title.not_accepted"),
        NoticeKind::Refusal => t("notice.title.refusal"),
        NoticeKind::Extension => t("notice.title.extension"),
        NoticeKind::Special => t("notice.title.special"),
    }
}

/// Why a case has no notice of this kind.
fn unavailable(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Acceptance => t("notice.unavailable.acceptance"),
        NoticeKind::Correction => t("notice.unavailable.correction"),
        NoticeKind::NotAccepted => t("notice.unavailable.not_accepted"),
        NoticeKind::Refusal => t("notice.unavailable.refusal"),
        NoticeKind::Extension => t("notice.unavailable.extension"),
        NoticeKind::Special => t("notice.unavailable.special"),
    }
}

/// A link to one notice of a case, as the case pages list them.
#[derive(Debug, Clone)]
pub struct NoticeLink {
    pub href: String,
    pub title: &'static str,
}

/// The notices a case has given, linked under `base` (the applicant's or the staff case path).
pub fn links(app: &Application, base: &str) -> Vec<NoticeLink> {
    app.notice_kinds()
        .into_iter()
        .map(|k| NoticeLink {
            href: format!("{base}/notices/{}", k.code()),
            title: title(k),
        })
        .collect()
}

/// One paragraph of a notice, with an optional numbered list after it.
#[derive(Debug, Clone, Default)]
pub struct Para {
    pub text: String,
    pub list: Vec<String>,
}

fn para(text: String) -> Para {
    Para {
        text,
        list: Vec::new(),
    }
}

/// Fills `{name}` placeholders of a catalogue text.
fn fill(key_text: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(key_text.to_string(), |text, (k, v)| {
        text.replace(&format!("{{{k}}}"), v)
    })
}

/// The paragraphs of a notice.
fn paragraphs(app: &Application, submitted_on: Option<Date>, body: &NoticeBody) -> Vec<Para> {
    let submitted = submitted_on.map(zh_date).unwrap_or_default();
    let mut out = vec![para(fill(
        t("notice.received"),
        &[
            ("submitted", &submitted),
            ("item", &app.item_name),
            ("number", &app.number),
        ],
    ))];
    match body {
        NoticeBody::Acceptance {
            mode,
            promised_days,
            due,
            missing,
            missing_deadline,
        } => {
            out.push(para(
                match mode {
                    AcceptanceMode::Normal => t("notice.acceptance.normal"),
                    AcceptanceMode::Incomplete => t("notice.acceptance.incomplete"),
                    AcceptanceMode::Commitment => t("notice.acceptance.commitment"),
                }
                .to_string(),
            ));
            if let Some(on) = app.accepted_on {
                out.push(para(fill(
                    t("notice.acceptance.date"),
                    &[("date", &zh_date(on))],
                )));
            }
            if let Some(due) = due {
                out.push(para(fill(
                    t("notice.acceptance.due"),
                    &[
                        ("days", &promised_days.to_string()),
                        ("date", &zh_date(*due)),
                    ],
                )));
            }
            if let Some(deadline) = missing_deadline {
                out.push(Para {
                    text: fill(
                        t("notice.acceptance.missing"),
                        &[("date", &zh_date(*deadline))],
                    ),
                    list: missing.clone(),
                });
                out.push(para(t("notice.acceptance.consequence").to_string()));
            }
        }
        NoticeBody::Correction { items } => {
            out.push(Para {
                text: t("notice.correction.intro").to_string(),
                list: items.clone(),
            });
            out.push(para(t("notice.correction.how").to_string()));
        }
        NoticeBody::NotAccepted { reason } => {
            out.push(para(t("notice.not_accepted.decision").to_string()));
            out.push(para(fill(t("notice.reason"), &[("reason", reason)])));
            out.push(para(t("notice.remedy").to_string()));
        }
        NoticeBody::Refusal { reason } => {
            out.push(para(t("notice.refusal.decision").to_string()));
            out.push(para(fill(
                t("notice.refusal.reason"),
                &[("reason", reason)],
            )));
            out.push(para(t("notice.remedy").to_string()));
        }
        NoticeBody::Extension { days, reason, due } => {
            out.push(para(fill(
                t("notice.extension.body"),
                &[("reason", reason), ("days", &days.to_string())],
            )));
            out.push(para(match due {
                Some(due) => fill(t("notice.extension.due"), &[("date", &zh_date(*due))]),
                None => t("notice.extension.paused").to_string(),
            }));
        }
        NoticeBody::Special {
            kind,
            reason,
            started_on,
            ended_on,
        } => {
            out.push(para(fill(
                t("notice.special.body"),
                &[("kind", kind), ("reason", reason)],
            )));
            out.push(para(fill(
                t("notice.special.started"),
                &[("kind", kind), ("date", &zh_date(*started_on))],
            )));
            if let Some(end) = ended_on {
                out.push(para(fill(
                    t("notice.special.ended"),
                    &[("kind", kind), ("date", &zh_date(*end))],
                )));
            }
            out.push(para(fill(
                t("notice.special.not_counted"),
                &[("kind", kind)],
            )));
        }
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "case_notice.html")]
pub struct NoticePage {
    c: Chrome,
    v: ApplicationView,
    title: &'static str,
    /// The case page to go back to.
    back: String,
    department: String,
    issued_on: String,
    paras: Vec<Para>,
    /// Why the case has no such notice (the page then says so instead).
    missing: Option<&'static str>,
}

async fn notice_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    kind: &str,
    back: String,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let kind = NoticeKind::parse(kind).ok_or(WebError::NotFound)?;
    let found = state.app.application_notice(who, id, kind).await?;
    let (status, issued_on, paras, missing) = match &found.notice {
        Some(n) => (
            StatusCode::OK,
            zh_date(n.issued_on),
            paragraphs(&found.view.app, n.submitted_on, &n.body),
            None,
        ),
        None => (
            StatusCode::NOT_FOUND,
            String::new(),
            Vec::new(),
            Some(unavailable(kind)),
        ),
    };
    let page = NoticePage {
        c: viewer.chrome(),
        title: title(kind),
        back,
        department: found.department,
        issued_on,
        paras,
        missing,
        v: found.view,
    };
    Ok((status, page).into_response())
}

/// `GET /applications/{id}/notices/{kind}`: a notice for the applicant (or their agent).
pub async fn for_applicant(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let back = case_path(&id);
    notice_page(&state, &viewer, &id, &kind, back).await
}

/// `GET /work/applications/{id}/notices/{kind}`: the same notice for staff, to print and hand
/// over at the window.
pub async fn for_staff(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, WebError> {
    if viewer.principal().is_some_and(|p| !p.is_staff()) {
        let to = format!("{}/notices/{}", case_path(&id), kind);
        return Ok(Redirect::to(&to).into_response());
    }
    let back = staff_case_path(&id);
    notice_page(&state, &viewer, &id, &kind, back).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_notice_date_is_written_in_chinese_without_leading_zeros() {
        assert_eq!(zh_date(date!(2026 - 03 - 02)), "2026年3月2日");
    }

    #[test]
    fn every_kind_has_a_title_and_a_reason_it_may_be_missing() {
        for kind in NoticeKind::ALL {
            assert!(!title(kind).starts_with("notice."), "{kind:?}");
            assert!(!unavailable(kind).starts_with("notice."), "{kind:?}");
        }
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill(
                "因{reason}延长 {days} 日",
                &[("reason", "调查"), ("days", "10")]
            ),
            "因调查延长 10 日"
        );
    }
}
