//! 两书一函 (`/bureau/letters`: list, draft a month's, read, edit, send, PDF) and the
//! assessment weights (`/bureau/weights`).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::AppError;
use tongban_app::bulletins::{AssessmentSettings, LetterQuery, LetterView};
use tongban_domain::indicators::{Indicator, IndicatorValue};

use super::bureau_reports::pdf_download;
use super::chrome::Chrome;
use super::form::{Errors, beijing_time};
use super::me::no_store;
use super::viewer::{Viewer, urlencode};
use crate::bureau_docs::letter_doc;
use crate::error::WebError;
use crate::state::AppState;

/// A letter as the list shows it.
#[derive(Debug, Clone)]
pub struct LetterLine {
    pub link: String,
    pub kind: String,
    pub unit: String,
    pub period: String,
    pub score: String,
    pub status: String,
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_letters.html")]
pub struct LettersPage {
    pub c: Chrome,
    pub status: String,
    pub period: String,
    pub letters: Vec<LetterLine>,
    pub may_draft: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct LettersParams {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `GET /bureau/letters`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<LettersParams>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let query = LetterQuery {
        status: nonempty(&q.status),
        period: nonempty(&q.period),
    };
    let letters = state.app.letters(who, &query).await?;
    let page = LettersPage {
        c: viewer.chrome(),
        status: query.status.unwrap_or_default(),
        period: query.period.unwrap_or_default(),
        may_draft: matches!(
            who.role(),
            Some(tongban_domain::Role::BureauSupervisor | tongban_domain::Role::SystemAdmin)
        ),
        letters: letters
            .into_iter()
            .map(|l| LetterLine {
                link: format!("/bureau/letters/{}", urlencode(&l.id)),
                kind: l.kind_name,
                unit: l.unit_name,
                period: l.period,
                score: l.score,
                status: l.status_name,
                reason: l.reason,
            })
            .collect(),
    };
    Ok(no_store(page.into_response()))
}

#[derive(Debug, Deserialize)]
pub struct DraftForm {
    pub month: String,
}

/// `POST /bureau/letters/draft`: drafts a month's letters, then shows the assessment.
pub async fn draft(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<DraftForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let report = state.app.draft_letters(Some(who), f.month.trim()).await?;
    let done = format!(
        "已起草 {} 份两书一函（{} 份此前已起草）",
        report.drafted, report.existing
    );
    Ok(Redirect::to(&format!(
        "/bureau/assessment?month={}&drafted={}",
        urlencode(&report.month),
        urlencode(&done)
    ))
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_letter.html")]
pub struct LetterPage {
    pub c: Chrome,
    pub l: LetterView,
    pub body: String,
    pub drafted_at: String,
    pub sent_at: String,
    pub may_edit: bool,
    pub errors: Errors,
    pub done: String,
}

impl LetterPage {
    fn new(c: Chrome, l: LetterView, may_edit: bool, errors: Errors, done: String) -> LetterPage {
        LetterPage {
            c,
            body: l.body.clone(),
            drafted_at: beijing_time(l.drafted_at_ms),
            sent_at: l.sent_at_ms.map(beijing_time).unwrap_or_default(),
            may_edit: may_edit && l.status == "drafted",
            l,
            errors,
            done,
        }
    }
}

fn is_bureau(who: &tongban_app::Principal) -> bool {
    matches!(
        who.role(),
        Some(tongban_domain::Role::BureauSupervisor | tongban_domain::Role::SystemAdmin)
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParam {
    #[serde(default)]
    pub done: Option<String>,
}

/// `GET /bureau/letters/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Query(d): Query<DoneParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let l = state.app.letter(who, &id).await?;
    let done = match d.done.as_deref() {
        Some("edited") => "已保存修改".to_string(),
        Some("sent") => "已发送，相关单位工作人员已收到消息提醒".to_string(),
        _ => String::new(),
    };
    Ok(no_store(
        LetterPage::new(viewer.chrome(), l, is_bureau(who), Errors::none(), done).into_response(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct EditForm {
    pub body: String,
}

/// `POST /bureau/letters/{id}`: saves the edited text.
pub async fn edit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let errors = match state.app.edit_letter(who, &id, &f.body).await {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/bureau/letters/{}?done=edited", urlencode(&id)))
                    .into_response(),
            );
        }
        Err(AppError::Conflict(message)) => {
            let mut e = Errors::none();
            e.add("", &message);
            e
        }
        Err(err) => Errors::from_app(err, &[])?,
    };
    let l = state.app.letter(who, &id).await?;
    let mut page = LetterPage::new(viewer.chrome(), l, true, errors, String::new());
    page.body = f.body;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /bureau/letters/{id}/send`.
pub async fn send(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    state.app.send_letter(who, &id).await?;
    Ok(Redirect::to(&format!("/bureau/letters/{}?done=sent", urlencode(&id))).into_response())
}

/// `GET /bureau/letters/{id}/letter.pdf`.
pub async fn pdf(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let l = state.app.letter(who, &id).await?;
    let file = format!("{}-{}-{}.pdf", l.kind_name, l.unit_name, l.period);
    pdf_download(&letter_doc(&l), &state.cjk_font, &file)
}

/// One indicator's weight on the form.
#[derive(Debug, Clone)]
pub struct WeightField {
    pub code: String,
    pub name: String,
    pub value: String,
    pub lower_is_better: bool,
}

/// One earlier version.
#[derive(Debug, Clone)]
pub struct VersionLine {
    pub version: i64,
    pub by: String,
    pub at: String,
    pub threshold: String,
    pub weights: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_weights.html")]
pub struct WeightsPage {
    pub c: Chrome,
    pub fields: Vec<WeightField>,
    pub threshold: String,
    pub version: i64,
    pub history: Vec<VersionLine>,
    pub errors: Errors,
    pub saved: bool,
}

/// The indicators that may carry a weight (ratios only).
pub fn weighable() -> Vec<Indicator> {
    Indicator::ALL
        .into_iter()
        .filter(|i| !matches!(i.value(&Default::default()), IndicatorValue::Count { .. }))
        .collect()
}

fn weights_page(
    c: Chrome,
    now: &AssessmentSettings,
    history: &[AssessmentSettings],
    values: Option<(&[(String, String)], &str)>,
    errors: Errors,
    saved: bool,
) -> WeightsPage {
    let fields = weighable()
        .into_iter()
        .map(|i| {
            let value = match values {
                Some((vals, _)) => vals
                    .iter()
                    .find(|(k, _)| k == i.code())
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                None => match now.weights.weight_of(i) {
                    0 => String::new(),
                    w => w.to_string(),
                },
            };
            WeightField {
                code: i.code().to_string(),
                name: i.name_zh().to_string(),
                value,
                lower_is_better: !i.higher_is_better(),
            }
        })
        .collect();
    WeightsPage {
        c,
        fields,
        threshold: values.map_or_else(|| now.threshold.text(), |(_, t)| t.to_string()),
        version: now.version,
        history: history
            .iter()
            .map(|h| VersionLine {
                version: h.version,
                by: h.changed_by.clone().unwrap_or_default(),
                at: h.changed_at_ms.map(beijing_time).unwrap_or_default(),
                threshold: h.threshold.text(),
                weights: h
                    .weights
                    .entries()
                    .iter()
                    .map(|(i, w)| format!("{} {}", i.name_zh(), w))
                    .collect::<Vec<_>>()
                    .join("，"),
            })
            .collect(),
        errors,
        saved,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedParam {
    #[serde(default)]
    pub saved: Option<String>,
}

/// `GET /bureau/weights`.
pub async fn weights(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(s): Query<SavedParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let (now, history) = state.app.assessment_settings(who).await?;
    Ok(no_store(
        weights_page(
            viewer.chrome(),
            &now,
            &history,
            None,
            Errors::none(),
            s.saved.is_some(),
        )
        .into_response(),
    ))
}

/// `POST /bureau/weights`: fields `w.<indicator code>` and `threshold`.
pub async fn save_weights(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let weights: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("w.").map(|c| (c.to_string(), v.clone())))
        .collect();
    let threshold = pairs
        .iter()
        .find(|(k, _)| k == "threshold")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    match state
        .app
        .change_assessment_settings(who, &weights, &threshold)
        .await
    {
        Ok(_) => Ok(Redirect::to("/bureau/weights?saved=1").into_response()),
        Err(err) => {
            let renames: Vec<(String, String)> = weights
                .iter()
                .map(|(c, _)| (format!("weight.{c}"), format!("w.{c}")))
                .collect();
            let renames: Vec<(&str, &str)> = renames
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let errors = Errors::from_app(err, &renames)?;
            let (now, history) = state.app.assessment_settings(who).await?;
            let page = weights_page(
                viewer.chrome(),
                &now,
                &history,
                Some((&weights, &threshold)),
                errors,
                false,
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
