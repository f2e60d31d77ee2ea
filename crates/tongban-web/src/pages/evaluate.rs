//! The rating pages (一事一评 and 一次一评): the applicant's `/me/applications/{id}/evaluate`,
//! the SMS link `/e/{token}` and the window QR code / hall tablet page `/w/{token}`. One form
//! (five levels, the standard options, a comment, real name or anonymous); in 长者版 one
//! question per page: five big buttons, then the options, then a confirmation.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::AppError;
use tongban_app::evaluations::{RatingInput, RatingReceipt};
use tongban_domain::evaluation::{
    CURRENT_OPTION_SET, EvalChannel, EvalOption, EvalStage, Satisfaction,
};

use super::applications::no_store;
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// One level as a choice.
pub struct LevelChoice {
    pub code: u8,
    pub name: &'static str,
    pub checked: bool,
}

/// One option as a checkbox.
pub struct OptionChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// What the rater has said so far (from the submitted form).
#[derive(Debug, Clone, Default)]
pub struct Said {
    pub satisfaction: Option<u8>,
    pub options: Vec<String>,
    pub comment: String,
    pub real_name: bool,
    /// "" (the whole form), `options`, `confirm` or `submit` (长者版 steps).
    pub step: String,
    /// `tablet` when the hall tablet shows the page.
    pub device: String,
}

impl Said {
    fn parse(pairs: &[(String, String)]) -> Said {
        let field_of = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        Said {
            satisfaction: field_of("satisfaction").parse().ok(),
            options: pairs
                .iter()
                .filter(|(k, _)| k == "options")
                .map(|(_, v)| v.trim().to_string())
                .collect(),
            comment: field_of("comment"),
            real_name: field_of("real_name") != "0",
            step: field_of("step"),
            device: field_of("device"),
        }
    }

    fn fresh() -> Said {
        Said {
            real_name: true,
            ..Said::default()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluate.html")]
pub struct EvaluatePage {
    c: Chrome,
    heading: String,
    subject: String,
    action: String,
    /// Which 长者版 step to show ("" = the whole form).
    step: String,
    levels: Vec<LevelChoice>,
    options: Vec<OptionChoice>,
    chosen_name: &'static str,
    chosen_labels: Vec<&'static str>,
    said: Said,
    /// Window ratings are anonymous: no real-name question.
    ask_real_name: bool,
    done: Option<RatingReceipt>,
    errors: Errors,
}

/// Which rating page.
enum Target {
    Case { id: String },
    Invitation { token: String },
    Window { token: String },
}

fn option_set(window: bool) -> Vec<&'static EvalOption> {
    let s = &CURRENT_OPTION_SET;
    if window {
        s.offline.iter().chain(s.questions.iter()).collect()
    } else {
        s.online.iter().chain(s.questions.iter()).collect()
    }
}

/// What the page is about.
#[derive(Debug, Clone, Default)]
struct Described {
    heading: String,
    subject: String,
    action: String,
    window: bool,
}

impl Described {
    /// A spent or expired link: no form.
    fn gone() -> Described {
        Described {
            heading: t("eval.heading_case").to_string(),
            ..Described::default()
        }
    }
}

fn page(
    viewer: &Viewer,
    d: &Described,
    said: Said,
    done: Option<RatingReceipt>,
    errors: Errors,
) -> EvaluatePage {
    let window = d.window;
    let chosen = said.satisfaction.and_then(Satisfaction::from_code);
    // 长者版 steps; without a level chosen the first step is shown again.
    let step = if viewer.elder {
        match (said.step.as_str(), chosen) {
            (_, None) => "levels".to_string(),
            ("options", Some(_)) | ("", Some(_)) => "options".to_string(),
            ("confirm", Some(_)) | ("submit", Some(_)) => "confirm".to_string(),
            _ => "levels".to_string(),
        }
    } else {
        String::new()
    };
    let options: Vec<OptionChoice> = option_set(window)
        .into_iter()
        .map(|o| OptionChoice {
            code: o.code,
            label: o.label,
            checked: said.options.iter().any(|c| c == o.code),
        })
        .collect();
    EvaluatePage {
        c: viewer.chrome(),
        heading: d.heading.clone(),
        subject: d.subject.clone(),
        action: d.action.clone(),
        step,
        levels: Satisfaction::ALL
            .into_iter()
            .map(|s| LevelChoice {
                code: s.code(),
                name: s.name_zh(),
                checked: chosen == Some(s),
            })
            .collect(),
        chosen_labels: options
            .iter()
            .filter(|o| o.checked)
            .map(|o| o.label)
            .collect(),
        options,
        chosen_name: chosen.map(Satisfaction::name_zh).unwrap_or(""),
        ask_real_name: !window,
        said,
        done,
        errors,
    }
}

/// Whether this submission should be written (the whole form, or the 长者版 confirmation).
fn submits(viewer: &Viewer, said: &Said) -> bool {
    !viewer.elder || said.step == "submit"
}

async fn describe(
    state: &AppState,
    viewer: &Viewer,
    target: &Target,
) -> Result<Described, WebError> {
    Ok(match target {
        Target::Case { id } => {
            let who = viewer.principal().ok_or(AppError::Unauthenticated)?;
            let app = state.app.application(who, id).await?;
            Described {
                heading: t("eval.heading_case").to_string(),
                subject: format!("{} · {}", app.item_name, app.number),
                action: format!("/me/applications/{}/evaluate", urlencode(id)),
                window: false,
            }
        }
        Target::Invitation { token } => {
            let (number, item) = state.app.invitation_case(token).await?;
            Described {
                heading: t("eval.heading_case").to_string(),
                subject: format!("{item} · {number}"),
                action: format!("/e/{}", urlencode(token)),
                window: false,
            }
        }
        Target::Window { token } => {
            let hall = state.app.window_service_hall(token).await?;
            Described {
                heading: t("eval.heading_window").to_string(),
                subject: hall,
                action: format!("/w/{}", urlencode(token)),
                window: true,
            }
        }
    })
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
    said: Said,
) -> Result<Response, WebError> {
    match describe(state, viewer, &target).await {
        Ok(d) => {
            let p = page(viewer, &d, said, None, Errors::none());
            Ok(no_store(p.into_response()))
        }
        Err(WebError::App(err @ AppError::Invalid { .. })) => {
            // An expired or spent link: say so on the page.
            let errors = Errors::from_app(err, &[])?;
            let p = page(viewer, &Described::gone(), Said::fresh(), None, errors);
            Ok((StatusCode::GONE, no_store(p.into_response())).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn submit(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let said = Said::parse(&pairs);
    let d = match describe(state, viewer, &target).await {
        Ok(d) => d,
        Err(WebError::App(err @ AppError::Invalid { .. })) => {
            let errors = Errors::from_app(err, &[])?;
            let p = page(viewer, &Described::gone(), said, None, errors);
            return Ok((StatusCode::GONE, p).into_response());
        }
        Err(other) => return Err(other),
    };
    let render = |said: Said, done: Option<RatingReceipt>, errors: Errors| {
        page(viewer, &d, said, done, errors)
    };
    let Some(level) = said.satisfaction.and_then(Satisfaction::from_code) else {
        let mut errors = Errors::none();
        if !viewer.elder || !said.step.is_empty() {
            errors.add("satisfaction", t("eval.choose_level"));
        }
        let status = if errors.any() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok((status, render(said, None, errors)).into_response());
    };
    if !submits(viewer, &said) {
        return Ok(render(said, None, Errors::none()).into_response());
    }
    let channel = match &target {
        Target::Case { .. } if viewer.elder => EvalChannel::Mobile,
        Target::Case { .. } => EvalChannel::Pc,
        Target::Invitation { .. } => EvalChannel::Sms,
        Target::Window { .. } if said.device == "tablet" => EvalChannel::HallTablet,
        Target::Window { .. } => EvalChannel::QrCode,
    };
    let input = RatingInput {
        satisfaction: level,
        options: said.options.clone(),
        comment: said.comment.clone(),
        real_name: said.real_name,
        channel,
    };
    let result = match &target {
        Target::Case { id } => {
            let who = viewer.principal().ok_or(AppError::Unauthenticated)?;
            state
                .app
                .rate_application(who, id, EvalStage::Completed, &input)
                .await
        }
        Target::Invitation { token } => state.app.rate_by_invitation(token, &input).await,
        Target::Window { token } => state.app.rate_window_service(token, &input).await,
    };
    match result {
        Ok(receipt) => Ok(render(said, Some(receipt), Errors::none()).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let errors = Errors::from_app(err, &[])?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(said, None, errors)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /me/applications/{id}/evaluate`.
pub async fn case_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(redirect) = viewer.require_login() {
        return Ok(redirect.into_response());
    }
    show(&state, &viewer, Target::Case { id }, Said::fresh()).await
}

/// `POST /me/applications/{id}/evaluate`.
pub async fn case_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if let Err(redirect) = viewer.require_login() {
        return Ok(redirect.into_response());
    }
    submit(&state, &viewer, Target::Case { id }, pairs).await
}

/// `GET /e/{token}`: the invitation's SMS link (no login).
pub async fn invitation_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    show(&state, &viewer, Target::Invitation { token }, Said::fresh()).await
}

/// `POST /e/{token}`.
pub async fn invitation_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, Target::Invitation { token }, pairs).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DeviceQuery {
    #[serde(default)]
    pub device: String,
}

/// `GET /w/{token}[?device=tablet]`: the window QR code or the hall tablet (no login).
pub async fn window_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
    Query(q): Query<DeviceQuery>,
) -> Result<Response, WebError> {
    let said = Said {
        device: if q.device == "tablet" {
            "tablet".into()
        } else {
            String::new()
        },
        ..Said::fresh()
    };
    show(&state, &viewer, Target::Window { token }, said).await
}

/// `POST /w/{token}`.
pub async fn window_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, Target::Window { token }, pairs).await
}
