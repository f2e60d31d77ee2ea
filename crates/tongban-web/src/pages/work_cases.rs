//! The staff case pages: one case on one page (`/work/applications/{id}`) with the applicant
//! (masked), materials, timeline, clock and GB/T 39046 record, and only the actions the viewer
//! may take now, each a small form carrying the revision the page showed; and the window
//! clerk's walk-in registration (`/work/walk-in`), which finds the applicant's account or
//! registers a citizen who has none, and starts a case on the window channel.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::applications::{ApplicationView, StartRequest};
use tongban_app::{AppError, Principal};
use tongban_domain::application::{
    AcceptanceMode, Command, DeliveryMethod, ReturnTarget, SignMode,
};

use super::applications::case_path;
use super::case_form::{ActionForm, HistoryRow, MaterialSlot, history, materials, status_line};
use super::case_notices::{NoticeLink, links};
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// The staff page of a case.
pub fn staff_case_path(id: &str) -> String {
    format!("/work/applications/{}", urlencode(id))
}

/// Every staff action with a command that stands for it when asking whether it is allowed.
fn candidates(v: &ApplicationView) -> Vec<(&'static str, Command)> {
    let x = || "-".to_string();
    let mut out = vec![
        (
            "accept",
            Command::Accept {
                mode: AcceptanceMode::Normal,
                missing: Vec::new(),
                deadline: None,
            },
        ),
        (
            "request_correction",
            Command::RequestCorrection { items: vec![x()] },
        ),
        (
            "refuse_acceptance",
            Command::RefuseAcceptance { reason: x() },
        ),
        ("approve", Command::Approve { opinion: x() }),
        ("refuse", Command::Refuse { reason: x() }),
        (
            "return",
            Command::Return {
                target: ReturnTarget::Applicant,
                reason: x(),
            },
        ),
        (
            "transfer",
            Command::Transfer {
                to_account: x(),
                reason: x(),
            },
        ),
        (
            "countersign",
            Command::Countersign {
                mode: SignMode::All,
                signers: vec![x(), "--".into()],
            },
        ),
        ("add_signer", Command::AddSigner { account: x() }),
        (
            "copy_to",
            Command::CopyTo {
                accounts: vec![x()],
            },
        ),
        (
            "start_special",
            Command::StartSpecial {
                kind: x(),
                reason: x(),
            },
        ),
        ("end_special", Command::EndSpecial { result: x() }),
        ("extend", Command::Extend { reason: x() }),
        (
            "deliver",
            Command::Deliver {
                method: DeliveryMethod::Electronic,
            },
        ),
        (
            "verify_commitment",
            Command::VerifyCommitment {
                truthful: true,
                note: x(),
            },
        ),
        ("urge", Command::Urge { note: x() }),
        ("supply_missing", Command::SupplyMissing),
    ];
    if v.app.allows_commitment && v.app.commitment.is_some() {
        out.push((
            "accept_commitment",
            Command::Accept {
                mode: AcceptanceMode::Commitment,
                missing: Vec::new(),
                deadline: None,
            },
        ));
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "work_case.html")]
pub struct StaffCasePage {
    c: Chrome,
    v: ApplicationView,
    status_line: String,
    applicant_masked: String,
    slots: Vec<MaterialSlot>,
    history: Vec<HistoryRow>,
    /// The printable notices the case has given.
    notices: Vec<NoticeLink>,
    allowed: Vec<&'static str>,
    /// The item version's 设定依据, offered for citing in a refusal ('' when not needed).
    legal_basis: String,
    /// Standard reasons offered for 不予受理 and for 不予许可.
    refuse_acceptance_reasons: [&'static str; 3],
    refuse_reasons: [&'static str; 3],
    /// Earlier steps a case may be returned to: (index, name).
    earlier_steps: Vec<(usize, String)>,
    /// What the viewer typed, kept after a refusal or a conflict.
    f: ActionForm,
    /// The GB/T 39046 data sets, in a collapsed section.
    record: tongban_domain::application::CaseRecord,
    notice: bool,
    errors: Errors,
    /// The licences the case issued and the 用证 query.
    pub(super) lic: super::case_licences::CaseLicencePanel,
}

impl StaffCasePage {
    /// Whether the page offers `action`.
    pub fn can(&self, action: &str) -> bool {
        self.allowed.contains(&action)
    }

    /// Everything the viewer typed into the action they sent, so that nothing is lost when the
    /// action's form is no longer offered (e.g. after a conflict).
    pub fn unsaved(&self) -> Vec<&str> {
        let f = &self.f;
        [
            f.lines.as_str(),
            f.reason.as_str(),
            f.opinion.as_str(),
            f.note.as_str(),
            f.account.as_str(),
            f.kind.as_str(),
            f.result.as_str(),
            f.tracking_number.as_str(),
        ]
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect()
    }

    /// What the viewer typed for `action` into a field (kept only for the action they sent).
    pub fn typed<'a>(&'a self, action: &str, value: &'a str) -> &'a str {
        if self.f.action == action { value } else { "" }
    }
}

pub(super) async fn staff_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    id: &str,
    f: ActionForm,
    notice: bool,
    errors: Errors,
) -> Result<StaffCasePage, WebError> {
    let v = state.app.application_view(who, id).await?;
    let department = state
        .app
        .department(&v.app.department_id)
        .await
        .map(|d| d.name)
        .unwrap_or_else(|_| v.app.department_id.clone());
    let candidates = candidates(&v);
    let commands: Vec<Command> = candidates.iter().map(|(_, c)| c.clone()).collect();
    let verdicts = state.app.allowed_commands(who, id, &commands).await?;
    let mut allowed: Vec<&'static str> = candidates
        .iter()
        .zip(verdicts)
        .filter(|(_, ok)| *ok)
        .map(|((key, _), _)| *key)
        .collect();
    if allowed.contains(&"request_correction") && v.app.allows_incomplete {
        allowed.push("accept_incomplete");
    }
    let legal_basis = if allowed.contains(&"refuse") || allowed.contains(&"refuse_acceptance") {
        state
            .app
            .application_item(who, id)
            .await
            .map(|item| item.item.legal_basis)
            .unwrap_or_default()
    } else {
        String::new()
    };
    let record = state.app.record_of(&v.app).await?;
    let earlier_steps = v
        .app
        .route
        .iter()
        .enumerate()
        .skip(1)
        .take(v.app.current_step.saturating_sub(1))
        .map(|(i, s)| (i, s.name.clone()))
        .collect();
    Ok(StaffCasePage {
        c: viewer.chrome(),
        status_line: status_line(&v, &department),
        applicant_masked: v.app.applicant_shown(),
        slots: materials(&v),
        history: history(&v, true),
        notices: links(&v.app, &staff_case_path(id)),
        allowed,
        legal_basis,
        refuse_acceptance_reasons: [
            t("work_case.reason.not_competent"),
            t("work_case.reason.overdue_correction"),
            t("work_case.reason.no_licence_needed"),
        ],
        refuse_reasons: [
            t("work_case.reason.conditions"),
            t("work_case.reason.overdue_correction"),
            t("work_case.reason.false_materials"),
        ],
        earlier_steps,
        f,
        record,
        notice,
        errors,
        lic: super::case_licences::CaseLicencePanel::load(state, who, id).await?,
        v,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

/// `GET /work/applications/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    if !who.is_staff() {
        return Ok(Redirect::to(&case_path(&id)).into_response());
    }
    let page = staff_page(
        &state,
        &viewer,
        who,
        &id,
        ActionForm::default(),
        query.done == "1",
        Errors::none(),
    )
    .await?;
    Ok(page.into_response())
}

/// `POST /work/applications/{id}`: one action. A refusal or a conflict shows the page again
/// with the message at the top and what was typed kept.
pub async fn act(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    who.require_staff()?;
    let result = match form.to_action().and_then(|a| a.into_command()) {
        Ok(cmd) => {
            state
                .app
                .act_on_application(who, &id, form.revision(), cmd)
                .await
        }
        Err(err) => Err(err),
    };
    let (status, errors) = match result {
        Ok(_) => {
            let to = format!("{}?done=1", staff_case_path(&id));
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Conflict(message)) => {
            let mut errors = Errors::none();
            errors.add("", &message);
            (StatusCode::CONFLICT, errors)
        }
        Err(AppError::Forbidden) => {
            let mut errors = Errors::none();
            errors.add("", t("work_case.forbidden"));
            (StatusCode::FORBIDDEN, errors)
        }
        Err(err) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors::from_app(err, &[("status", "")])?,
        ),
    };
    let page = staff_page(&state, &viewer, who, &id, form, false, errors).await?;
    Ok((status, page).into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub item_id: String,
    #[serde(default)]
    pub key: String,
    /// A runner applies under this mandate (instead of finding a login).
    #[serde(default)]
    pub mandate: String,
}

/// Registering a walk-in citizen who has no account.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WalkInRegisterForm {
    #[serde(default)]
    pub real_name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub item_id: String,
}

/// A citizen just registered at the window: the login and the first password, shown once.
pub struct Registered {
    pub login: String,
    pub name_masked: String,
    pub password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "walk_in.html")]
pub struct WalkInPage {
    c: Chrome,
    f: WalkInForm,
    reg: WalkInRegisterForm,
    registered: Option<Registered>,
    /// A runner's page: the name of the person the mandate is from.
    runner_for: Option<String>,
    errors: Errors,
}

fn walk_in_page(viewer: &Viewer, f: WalkInForm, errors: Errors) -> WalkInPage {
    let key = if f.key.is_empty() {
        uuid::Uuid::new_v4().simple().to_string()
    } else {
        f.key.clone()
    };
    WalkInPage {
        c: viewer.chrome(),
        f: WalkInForm { key, ..f },
        reg: WalkInRegisterForm::default(),
        registered: None,
        runner_for: None,
        errors,
    }
}

/// The live mandate `id` the runner holds.
async fn held_mandate(
    state: &AppState,
    who: &Principal,
    id: &str,
) -> Result<tongban_app::applications::MandateView, AppError> {
    state
        .app
        .mandates(who)
        .await?
        .into_iter()
        .find(|m| m.id == id && m.agent_account == who.account_id() && m.active)
        .ok_or(AppError::NotFound("该委托"))
}

/// A runner's start page: the walk-in form under one mandate.
async fn runner_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    f: WalkInForm,
    errors: Errors,
) -> Result<WalkInPage, WebError> {
    let mandate = held_mandate(state, who, &f.mandate).await?;
    let mut page = walk_in_page(viewer, f, errors);
    page.runner_for = Some(mandate.principal_name);
    Ok(page)
}

/// `POST /work/walk-in/register`: the clerk registers a citizen who has no account (the same
/// checks as self-registration, each wrong field named next to it); the page then shows the
/// login and first password once, with the login filled in to start the case.
pub async fn walk_in_register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(reg): Form<WalkInRegisterForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let result = state
        .app
        .register_walk_in(who, &reg.real_name, &reg.id_number, &reg.phone)
        .await;
    match result {
        Ok(done) => {
            let f = WalkInForm {
                login: done.applicant.login.clone(),
                item_id: reg.item_id.clone(),
                ..WalkInForm::default()
            };
            let mut page = walk_in_page(&viewer, f, Errors::none());
            page.registered = Some(Registered {
                login: done.applicant.login,
                name_masked: done.applicant.name_masked,
                password: done.initial_password,
            });
            Ok(super::applications::no_store(page.into_response()))
        }
        Err(err) => {
            let rename = [
                ("real_name", "reg_real_name"),
                ("id_number", "reg_id_number"),
                ("phone", "reg_phone"),
            ];
            let errors = Errors::from_app(err, &rename)?;
            let f = WalkInForm {
                item_id: reg.item_id.clone(),
                ..WalkInForm::default()
            };
            let mut page = walk_in_page(&viewer, f, errors);
            page.reg = reg;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WalkInQuery {
    #[serde(default)]
    pub mandate: String,
}

/// `GET /work/walk-in[?mandate=…]`: the window clerk's form, or a runner's under a mandate.
pub async fn walk_in_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<WalkInQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    if who.role() == Some(tongban_domain::Role::Runner) {
        let f = WalkInForm {
            mandate: query.mandate,
            ..WalkInForm::default()
        };
        let page = runner_page(&state, &viewer, who, f, Errors::none()).await?;
        return Ok(page.into_response());
    }
    who.require_role(&[tongban_domain::Role::WindowClerk])?;
    Ok(walk_in_page(&viewer, WalkInForm::default(), Errors::none()).into_response())
}

/// `POST /work/walk-in`: finds the applicant, starts the case on the window channel and opens
/// the same form the applicant would fill in.
pub async fn walk_in_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<WalkInForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let runner = who.role() == Some(tongban_domain::Role::Runner);
    let result = async {
        let (applicant, channel, mandate_id) = if runner {
            let mandate = held_mandate(&state, who, &f.mandate).await?;
            (mandate.principal_account, "runner", Some(mandate.id))
        } else {
            let found = state.app.find_applicant(who, &f.login).await?;
            (found.account_id, "window", None)
        };
        let req = StartRequest {
            item_id: f.item_id.trim().to_string(),
            channel: channel.into(),
            applicant_account: Some(applicant),
            mandate_id,
            idempotency_key: Some(f.key.clone()).filter(|k| !k.is_empty()),
            ..StartRequest::default()
        };
        state.app.start_application(who, req).await
    }
    .await;
    let again = |f: WalkInForm, errors: Errors| {
        let state = state.clone();
        let viewer = viewer.clone();
        async move {
            if runner {
                runner_page(&state, &viewer, who, f, errors).await
            } else {
                Ok(walk_in_page(&viewer, f, errors))
            }
        }
    };
    match result {
        Ok(app) => Ok(Redirect::to(&case_path(&app.id)).into_response()),
        Err(AppError::NotFound(_)) => {
            let mut errors = Errors::none();
            errors.add("item_id", t("walk_in.no_item"));
            let page = again(f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => {
            let errors =
                Errors::from_app(err, &[("applicant", "login"), ("mandate_id", "item_id")])?;
            let page = again(f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Catalog;

    #[test]
    fn every_staff_action_has_a_label() {
        for key in [
            "accept",
            "accept_incomplete",
            "accept_commitment",
            "request_correction",
            "refuse_acceptance",
            "approve",
            "refuse",
            "return",
            "transfer",
            "countersign",
            "add_signer",
            "copy_to",
            "start_special",
            "end_special",
            "extend",
            "deliver",
            "verify_commitment",
            "urge",
            "supply_missing",
        ] {
            let label = format!("work_case.action.{key}");
            assert!(Catalog::zh_cn().contains(&label), "{label}");
        }
    }
}
