//! Staff 好差评 pages: `/work/evaluations` (the 差评 queue of a 好差评处理人员 with due dates and
//! overdue marked; the appeals and escalations of the city's 局督查人员; the window clerk's
//! 一次一评 code), one 差评 case with only the allowed actions, the audited look-up of a
//! real-name rater for 回访, the phone record form; and the public `/evaluations`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::evaluations::{
    PublicEvaluations, RaterContact, RatingReceipt, RectificationView, WindowServiceStarted,
};
use tongban_app::{AppError, Principal};
use tongban_domain::Role;
use tongban_domain::evaluation::{LoopState, Satisfaction};
use tongban_store::RectificationRow;

use super::applications::no_store;
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::api::evaluations::{loop_command, rating_input};
use crate::error::WebError;
use crate::state::AppState;

/// One line of a queue.
pub struct QueueLine {
    pub id: String,
    pub level: &'static str,
    pub state: &'static str,
    pub rated_on: String,
    pub due: String,
    pub overdue: bool,
    pub escalated: bool,
    pub real_name: bool,
}

fn line(r: &RectificationRow, today: &str) -> QueueLine {
    let open = !matches!(r.state.as_str(), "closed" | "appealed") && r.settled_on.is_none();
    QueueLine {
        id: r.id.clone(),
        level: u8::try_from(r.satisfaction)
            .ok()
            .and_then(Satisfaction::from_code)
            .map(Satisfaction::name_zh)
            .unwrap_or(""),
        state: LoopState::parse(&r.state)
            .map(LoopState::name_zh)
            .unwrap_or(""),
        rated_on: r.rated_on.clone(),
        due: r.due.clone(),
        overdue: open && r.due.as_str() < today,
        escalated: r.escalated == 1,
        real_name: r.real_name == 1,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "work_evaluations.html")]
pub struct DeskPage {
    c: Chrome,
    is_handler: bool,
    is_supervisor: bool,
    is_clerk: bool,
    queue: Vec<QueueLine>,
    appeals: Vec<QueueLine>,
    started: Option<WindowServiceStarted>,
    qr_svg: String,
    tablet_url: String,
    errors: Errors,
}

async fn desk(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    started: Option<WindowServiceStarted>,
    errors: Errors,
) -> Result<DeskPage, WebError> {
    if !who.is_staff() {
        return Err(AppError::Forbidden.into());
    }
    let role = who.role();
    let today = state
        .app
        .now()
        .to_offset(tongban_app::beijing())
        .date()
        .to_string();
    let is_handler = role == Some(Role::EvaluationHandler);
    let is_supervisor = matches!(role, Some(Role::BureauSupervisor | Role::SystemAdmin));
    let queue = if is_handler || is_supervisor {
        state.app.rectification_queue(who).await?
    } else {
        Vec::new()
    };
    let appeals = if role == Some(Role::BureauSupervisor) {
        state.app.appeal_queue(who).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let (qr_svg, tablet_url) = match &started {
        Some(s) => (
            tongban_render::qr_svg(&s.url).unwrap_or_default(),
            format!("/w/{}?device=tablet", urlencode(&s.token)),
        ),
        None => (String::new(), String::new()),
    };
    Ok(DeskPage {
        c: viewer.chrome(),
        is_handler,
        is_supervisor,
        is_clerk: role == Some(Role::WindowClerk),
        queue: queue.iter().map(|r| line(r, &today)).collect(),
        appeals: appeals.iter().map(|r| line(r, &today)).collect(),
        started,
        qr_svg,
        tablet_url,
        errors,
    })
}

/// `GET /work/evaluations`.
pub async fn index(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let page = desk(&state, &viewer, who, None, Errors::none()).await?;
    Ok(no_store(page.into_response()))
}

#[derive(Debug, Default, Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    pub application_id: String,
}

/// `POST /work/evaluations/window`: a window clerk starts a service record and gets its code.
pub async fn start_window(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<WindowForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let app_id = Some(f.application_id.trim()).filter(|s| !s.is_empty());
    match state.app.start_window_service(who, app_id).await {
        Ok(started) => {
            let page = desk(&state, &viewer, who, Some(started), Errors::none()).await?;
            Ok(no_store(page.into_response()))
        }
        Err(AppError::NotFound(_)) => {
            let mut errors = Errors::none();
            errors.add("application_id", t("eval.no_such_case"));
            let page = desk(&state, &viewer, who, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "work_evaluation.html")]
pub struct CasePage {
    c: Chrome,
    v: RectificationView,
    /// The allowed actions' codes.
    actions: Vec<String>,
    level: &'static str,
    state: &'static str,
    history: Vec<(String, String, String)>,
    contact: Option<RaterContact>,
    notice: Option<&'static str>,
    errors: Errors,
}

fn action_name(action: &str) -> &'static str {
    match action {
        "rectification.opened" => "差评受理",
        "rectification.verified" => "核实",
        "rectification.rectified" => "整改",
        "rectification.explained" => "解释说明",
        "rectification.revisited" => "回访",
        "rectification.closed" => "办结",
        "rectification.escalated" => "超期上报",
        "rectification.appealed" => "申诉",
        "rectification.appeal_decided" => "申诉复核",
        _ => "",
    }
}

fn case_page(
    viewer: &Viewer,
    v: RectificationView,
    contact: Option<RaterContact>,
    notice: Option<&'static str>,
    errors: Errors,
) -> CasePage {
    use tongban_domain::evaluation::{RectificationEvent as E, RectificationRecord};
    let records: Vec<RectificationRecord> =
        serde_json::from_str(&v.row.records).unwrap_or_default();
    let history = records
        .iter()
        .map(|r| {
            let text = match &r.event {
                E::Opened(o) => format!("{}前整改或解释说明", o.due),
                E::Verified { finding } => finding.clone(),
                E::Rectified { measures } => measures.clone(),
                E::Explained { explanation } => explanation.clone(),
                E::Revisited { outcome, satisfied } => format!(
                    "{outcome}（{}）",
                    if *satisfied {
                        "评价人满意"
                    } else {
                        "评价人仍不满意"
                    }
                ),
                E::Closed => String::new(),
                E::Escalated { .. } => "已超期，上报局督查人员".to_string(),
                E::Appealed { reason } => reason.clone(),
                E::AppealDecided { upheld, note } => format!(
                    "{}：{note}",
                    if *upheld {
                        "申诉成立，该评价不计入统计"
                    } else {
                        "申诉不成立"
                    }
                ),
            };
            (
                r.on.to_string(),
                action_name(r.event.action()).to_string(),
                text,
            )
        })
        .collect();
    CasePage {
        c: viewer.chrome(),
        level: v.case.opened.satisfaction.name_zh(),
        state: v.case.state.name_zh(),
        actions: v.allowed.iter().map(|a| a.to_string()).collect(),
        v,
        history,
        contact,
        notice,
        errors,
    }
}

/// `GET /work/evaluations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let v = state.app.rectification(who, &id).await?;
    Ok(no_store(
        case_page(&viewer, v, None, None, Errors::none()).into_response(),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub yes: String,
    #[serde(default)]
    pub revision: Option<i64>,
}

/// `POST /work/evaluations/{id}`: one step of the loop.
pub async fn act(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let result = match loop_command(&f.action, f.text.clone(), f.yes == "1") {
        Ok(cmd) => {
            state
                .app
                .act_on_rectification(who, &id, f.revision, cmd)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/work/evaluations/{}", urlencode(&id))).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let errors = match err {
                AppError::Conflict(msg) => {
                    let mut e = Errors::none();
                    e.add("", &msg);
                    e
                }
                other => Errors::from_app(other, &[("command", "text")])?,
            };
            let v = state.app.rectification(who, &id).await?;
            let page = case_page(&viewer, v, None, None, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /work/evaluations/{id}/rater`: the handler looks up the real-name rater for 回访
/// (recorded in the audit log).
pub async fn rater(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let contact = state.app.rater_contact(who, &id).await?;
    let v = state.app.rectification(who, &id).await?;
    Ok(no_store(
        case_page(
            &viewer,
            v,
            Some(contact),
            Some("eval.rater_audited"),
            Errors::none(),
        )
        .into_response(),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "work_evaluation_phone.html")]
pub struct PhonePage {
    c: Chrome,
    f: PhoneForm,
    levels: Vec<(u8, &'static str)>,
    done: Option<RatingReceipt>,
    errors: Errors,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    pub application_id: String,
    #[serde(default)]
    pub satisfaction: String,
    #[serde(default)]
    pub caller_words: String,
    #[serde(default)]
    pub real_name: String,
}

fn phone_page(
    viewer: &Viewer,
    f: PhoneForm,
    done: Option<RatingReceipt>,
    errors: Errors,
) -> PhonePage {
    PhonePage {
        c: viewer.chrome(),
        f,
        levels: Satisfaction::ALL
            .into_iter()
            .map(|s| (s.code(), s.name_zh()))
            .collect(),
        done,
        errors,
    }
}

/// `GET /work/evaluations/phone`.
pub async fn phone_form(Extension(viewer): Extension<Viewer>) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    if who.role() != Some(Role::EvaluationHandler) {
        return Err(AppError::Forbidden.into());
    }
    let f = PhoneForm {
        real_name: "1".into(),
        ..PhoneForm::default()
    };
    Ok(no_store(
        phone_page(&viewer, f, None, Errors::none()).into_response(),
    ))
}

/// `POST /work/evaluations/phone`.
pub async fn phone_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<PhoneForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let result = async {
        let level: u8 = f.satisfaction.trim().parse().unwrap_or(0);
        let input = rating_input(
            level,
            Vec::new(),
            String::new(),
            f.real_name == "1",
            tongban_domain::evaluation::EvalChannel::Phone,
        )?;
        state
            .app
            .record_phone_rating(who, f.application_id.trim(), &input, &f.caller_words)
            .await
    }
    .await;
    match result {
        Ok(receipt) => Ok(phone_page(&viewer, f, Some(receipt), Errors::none()).into_response()),
        Err(AppError::NotFound(_)) => {
            let mut errors = Errors::none();
            errors.add("application_id", t("eval.no_such_case"));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                phone_page(&viewer, f, None, errors),
            )
                .into_response())
        }
        Err(err @ AppError::Invalid { .. }) => {
            let errors = Errors::from_app(err, &[("stage", "application_id")])?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                phone_page(&viewer, f, None, errors),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations_public.html")]
pub struct PublicPage {
    c: Chrome,
    p: PublicEvaluations,
    level_names: Vec<&'static str>,
}

impl PublicPage {
    /// A per-mille figure as a percentage with one decimal.
    pub fn pct(&self, per_mille: &i64) -> String {
        format!("{}.{}%", per_mille / 10, per_mille % 10)
    }
}

/// `GET /evaluations`: the public results (no login, no personal data).
pub async fn public(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let p = state.app.public_evaluations().await?;
    Ok(PublicPage {
        c: viewer.chrome(),
        p,
        level_names: Satisfaction::ALL
            .into_iter()
            .map(Satisfaction::name_zh)
            .collect(),
    }
    .into_response())
}
