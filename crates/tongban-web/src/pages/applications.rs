//! The applicant's case pages: "在线办理" from the 办事指南 starts a draft (one case per
//! rendered form, by its idempotency key), `/applications/{id}` is the form while it is a draft
//! (fields, a file per material, 告知承诺) and the case's status and timeline afterwards,
//! `/applications/{id}/check` is the check-your-answers page, and `/me/applications` lists
//! the caller's cases and 一件事.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Multipart, Path, Query, RawForm, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::applications::{ApplicationView, QueueEntry, StartRequest};
use tongban_app::{AppError, Principal};
use tongban_domain::application::{Command, Status};

use super::case_form::{
    ActionForm, DraftForm, HistoryRow, MaterialSlot, history, materials, status_line,
};
use super::case_notices::{NoticeLink, links};
use super::chrome::Chrome;
use super::elder_steps::{self, HOTLINE, Step, StepExtras};
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::api::applications::read_upload;
use crate::error::WebError;
use crate::state::AppState;

/// The upload form's field naming which material slot (for the error's place on the page).
const SLOT_FIELD: &str = "slot";

/// The upload form's field naming the 长者版 step it was sent from.
const STEP_FIELD: &str = "step";

/// The page of a case for its applicant.
pub fn case_path(id: &str) -> String {
    format!("/applications/{}", urlencode(id))
}

pub(super) fn is_phone(headers: &HeaderMap) -> bool {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| {
            ["Mobile", "Android", "iPhone"]
                .iter()
                .any(|w| ua.contains(w))
        })
}

#[derive(Debug, Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    pub key: String,
}

/// `POST /items/{id}/apply`: a draft case (the same one for a repeated form), then its page.
pub async fn apply(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(item_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(_) => {
            let back = format!("/items/{}", urlencode(&item_id));
            return Ok(Redirect::to(&format!("/login?next={}", urlencode(&back))).into_response());
        }
    };
    if who.is_staff() {
        return Ok(Redirect::to("/work/walk-in").into_response());
    }
    let applicant = who.display_name().to_string();
    let req = StartRequest {
        item_id,
        channel: if is_phone(&headers) { "mobile" } else { "pc" }.into(),
        idempotency_key: Some(form.key).filter(|k| !k.trim().is_empty()),
        form: [("applicant".to_string(), applicant)].into_iter().collect(),
        ..StartRequest::default()
    };
    let app = state.app.start_application(who, req).await?;
    Ok(Redirect::to(&case_path(&app.id)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
    /// The 长者版 step to show (`applicant`, `phone`, `material-0` …).
    #[serde(default)]
    pub step: String,
}

fn notice_key(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "case.done.saved",
        "uploaded" => "case.done.uploaded",
        "submit" => "case.done.submit",
        "supply_correction" => "case.done.supply_correction",
        "resubmit" => "case.done.resubmit",
        "withdraw" => "case.done.withdraw",
        _ => return None,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "application.html")]
pub struct CasePage {
    c: Chrome,
    v: ApplicationView,
    status_line: String,
    editable: bool,
    can_upload: bool,
    can_supply_correction: bool,
    can_resubmit: bool,
    can_withdraw: bool,
    slots: Vec<MaterialSlot>,
    f: DraftForm,
    commitment_text: String,
    commitment_signed: bool,
    history: Vec<HistoryRow>,
    /// The printable notices the case has given.
    notices: Vec<NoticeLink>,
    /// 长者版: the status in one sentence and the next thing to do.
    elder_status: String,
    elder_next: String,
    /// The item's consultation phone.
    phone: String,
    notice: Option<&'static str>,
    errors: Errors,
    /// 免提交: the materials the applicant's licences can stand in for (draft only).
    substitutes: Vec<tongban_app::licences::Substitute>,
    /// The licences the case issued.
    lic: super::case_licences::CaseLicencePanel,
}

impl CasePage {
    /// The licence that can stand in for a material, if any.
    pub fn substitute(&self, material: &str) -> Option<&tongban_app::licences::Substitute> {
        self.substitutes.iter().find(|s| s.material == material)
    }
}

/// The text of the 告知承诺 for an item.
fn commitment_text(item_name: &str) -> String {
    format!(
        "{}{item_name}{}",
        t("case.commitment_before"),
        t("case.commitment_after")
    )
}

async fn case_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    id: &str,
    typed: Option<DraftForm>,
    notice: Option<&'static str>,
    errors: Errors,
) -> Result<CasePage, WebError> {
    let v = state.app.application_view(who, id).await?;
    let department = state
        .app
        .department(&v.app.department_id)
        .await
        .map(|d| d.name)
        .unwrap_or_else(|_| v.app.department_id.clone());
    let status = v.app.status;
    let field = |k: &str| v.app.form.get(k).cloned().unwrap_or_default();
    let f = typed.unwrap_or_else(|| DraftForm {
        revision: v.app.revision.to_string(),
        applicant: field("applicant"),
        phone: field("phone"),
        description: field("description"),
        commit: if v.app.commitment.is_some() {
            "1".into()
        } else {
            String::new()
        },
        next: String::new(),
        step: String::new(),
    });
    let f = DraftForm {
        revision: v.app.revision.to_string(),
        ..f
    };
    let (elder_status, elder_next) = elder_steps::status_sentence(&v);
    let phone = hotline(state, who, id).await;
    let substitutes = if status == Status::Draft {
        super::free_submit::offered(state, who, id).await
    } else {
        Vec::new()
    };
    let lic = super::case_licences::CaseLicencePanel::load(state, who, id).await?;
    Ok(CasePage {
        substitutes,
        lic,
        elder_status,
        elder_next,
        phone,
        c: viewer.chrome(),
        status_line: status_line(&v, &department),
        editable: status == Status::Draft,
        can_upload: matches!(
            status,
            Status::Draft | Status::AwaitingCorrection | Status::ReturnedToApplicant
        ),
        can_supply_correction: status == Status::AwaitingCorrection,
        can_resubmit: status == Status::ReturnedToApplicant,
        can_withdraw: !status.is_closed() && status != Status::Decided,
        slots: materials(&v),
        commitment_text: commitment_text(&v.app.item_name),
        commitment_signed: v.app.commitment.is_some(),
        history: history(&v, false),
        notices: links(&v.app, &case_path(id)),
        f,
        notice,
        errors,
        v,
    })
}

/// The item's consultation phone, or the 12345 hotline when it names none.
async fn hotline(state: &AppState, who: &Principal, id: &str) -> String {
    state
        .app
        .application_item(who, id)
        .await
        .ok()
        .map(|item| item.item.consultation_phone)
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| HOTLINE.to_string())
}

/// The 长者版 page of one step of a draft; `None` when the case is no longer a draft (its
/// page is then the status page).
async fn step_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    step: Step,
    typed: Option<&DraftForm>,
    uploaded: bool,
    errors: Errors,
) -> Result<Option<elder_steps::StepPage>, WebError> {
    let who = viewer.principal().ok_or(AppError::Unauthenticated)?;
    let v = state.app.application_view(who, id).await?;
    if v.app.status != Status::Draft {
        return Ok(None);
    }
    let substitute = match step {
        Step::Material(i) => {
            let name = super::case_form::materials(&v)
                .into_iter()
                .find(|s| s.index == i)
                .map(|s| s.name);
            super::free_submit::offered(state, who, id)
                .await
                .into_iter()
                .find(|s| Some(&s.material) == name.as_ref())
        }
        _ => None,
    };
    let extras = StepExtras {
        commitment_text: commitment_text(&v.app.item_name),
        phone: hotline(state, who, id).await,
        uploaded,
        substitute,
    };
    Ok(Some(elder_steps::step_page(
        viewer.chrome(),
        v,
        step,
        typed,
        extras,
        errors,
    )))
}

/// Saves the one answer of a 长者版 step and goes on to the next step.
async fn save_step(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    id: &str,
    step: Step,
    f: DraftForm,
    chosen: Vec<String>,
) -> Result<Response, WebError> {
    let errors = elder_steps::check_step(step, &f);
    let result: Result<(), Errors> = if errors.any() {
        Err(errors)
    } else {
        let app = state.app.application(who, id).await?;
        let mut form = app.form.clone();
        let answer = match step {
            Step::Applicant => Some(("applicant", f.applicant.trim())),
            Step::Phone => Some(("phone", f.phone.trim())),
            Step::Description => Some(("description", f.description.trim())),
            Step::Material(_) | Step::Commitment => None,
        };
        let revision = f.revision.trim().parse().ok();
        let outcome = match answer {
            Some((key, value)) => {
                form.insert(key.to_string(), value.to_string());
                state
                    .app
                    .act_on_application(who, id, revision, Command::SaveDraft { form })
                    .await
                    .map(|_| ())
            }
            None if step == Step::Commitment
                && f.commit == "1"
                && app.allows_commitment
                && app.commitment.is_none() =>
            {
                let text = commitment_text(&app.item_name);
                state
                    .app
                    .act_on_application(who, id, revision, Command::SignCommitment { text })
                    .await
                    .map(|_| ())
            }
            None if !chosen.is_empty() => state
                .app
                .attach_licences(who, id, &chosen)
                .await
                .map(|_| ()),
            None => Ok(()),
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(err) => Err(errors_of(err)?),
        }
    };
    match result {
        Ok(()) => {
            let v = state.app.application_view(who, id).await?;
            Ok(Redirect::to(&elder_steps::next_url(&v, step)).into_response())
        }
        Err(errors) => match step_page(state, viewer, id, step, Some(&f), false, errors).await? {
            Some(page) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()),
            None => Ok(Redirect::to(&case_path(id)).into_response()),
        },
    }
}

/// Personal data must not be kept by browsers or proxies.
pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /applications/{id}`.
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
    if who.is_staff() {
        // A clerk fills in the form of a walk-in applicant they registered; other staff work
        // on the staff page.
        let app = state.app.application(who, &id).await?;
        if app.agent_account.as_deref() != Some(who.account_id()) {
            return Ok(Redirect::to(&format!("/work{}", case_path(&id))).into_response());
        }
    }
    let step = Step::parse(&query.step);
    if viewer.elder || step.is_some() {
        let step = step.unwrap_or(Step::Applicant);
        let uploaded = query.done == "uploaded";
        let page = step_page(&state, &viewer, &id, step, None, uploaded, Errors::none());
        if let Some(page) = page.await? {
            return Ok(no_store(page.into_response()));
        }
    }
    let page = case_page(
        &state,
        &viewer,
        who,
        &id,
        None,
        notice_key(&query.done),
        Errors::none(),
    )
    .await?;
    Ok(no_store(page.into_response()))
}

/// An error of an action, shown on the page: conflicts and field errors at the top.
fn errors_of(err: AppError) -> Result<Errors, WebError> {
    match err {
        AppError::Conflict(message) => {
            let mut errors = Errors::none();
            errors.add("", &message);
            Ok(errors)
        }
        other => Errors::from_app(other, &[("status", "")]),
    }
}

/// `POST /applications/{id}`: saves the draft (and the commitment), then back to the form or
/// on to the check page.
pub async fn save(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let (f, chosen) = super::free_submit::read_draft(&body)?;
    if let Some(step) = Step::parse(&f.step) {
        return save_step(&state, &viewer, who, &id, step, f, chosen).await;
    }
    let to_check = f.next == "check";
    let errors = f.check(to_check);
    if errors.any() {
        let page = case_page(&state, &viewer, who, &id, Some(f), None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let revision = f.revision.trim().parse().ok();
    let mut result = state
        .app
        .act_on_application(who, &id, revision, Command::SaveDraft { form: f.form() })
        .await;
    if let Ok(app) = &result
        && f.commit == "1"
        && app.allows_commitment
        && app.commitment.is_none()
    {
        let text = commitment_text(&app.item_name);
        result = state
            .app
            .act_on_application(who, &id, None, Command::SignCommitment { text })
            .await;
    }
    if result.is_ok() && !chosen.is_empty() {
        result = state.app.attach_licences(who, &id, &chosen).await;
    }
    match result {
        Ok(_) if to_check => Ok(Redirect::to(&format!("{}/check", case_path(&id))).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("{}?done=saved", case_path(&id))).into_response()),
        Err(err) => {
            let status = if matches!(err, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = errors_of(err)?;
            let page = case_page(&state, &viewer, who, &id, Some(f), None, errors).await?;
            Ok((status, page).into_response())
        }
    }
}

/// `POST /applications/{id}/upload` (multipart): one file for one material; a size or type
/// problem is shown next to that material.
pub async fn upload(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let upload = read_upload(form).await?;
    let slot = upload.other.get(SLOT_FIELD).cloned().unwrap_or_default();
    let step = upload.other.get(STEP_FIELD).and_then(|s| Step::parse(s));
    let field = format!("file-{slot}");
    let result = if upload.bytes.is_empty() {
        Err(AppError::field(
            "file",
            "upload.empty",
            t("case.error.no_file"),
        ))
    } else {
        state
            .app
            .attach_upload(
                who,
                &id,
                upload.revision,
                upload.material.trim(),
                &upload.file_name,
                upload.bytes,
            )
            .await
    };
    match result {
        Ok(_) => match step {
            Some(step) => {
                let to = format!("{}&done=uploaded", elder_steps::step_url(&id, step));
                Ok(Redirect::to(&to).into_response())
            }
            None => Ok(
                Redirect::to(&format!("{}?done=uploaded#{field}", case_path(&id))).into_response(),
            ),
        },
        Err(err) => {
            let rename = [("file", field.as_str()), ("status", "")];
            let errors = match err {
                AppError::Conflict(message) => {
                    let mut errors = Errors::none();
                    errors.add("", &message);
                    errors
                }
                other => Errors::from_app(other, &rename)?,
            };
            if let Some(step) = step {
                let page = step_page(&state, &viewer, &id, step, None, false, errors);
                if let Some(page) = page.await? {
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
                }
                return Ok(Redirect::to(&case_path(&id)).into_response());
            }
            let page = case_page(&state, &viewer, who, &id, None, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "application_check.html")]
pub struct CheckPage {
    c: Chrome,
    v: ApplicationView,
    /// (field key, label, value).
    rows: Vec<(&'static str, &'static str, String)>,
    /// 长者版: the last step (上一步) and the item's phone.
    last_step: String,
    phone: String,
    slots: Vec<MaterialSlot>,
    missing: Vec<String>,
    commitment_signed: bool,
    errors: Errors,
}

async fn check_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    id: &str,
    errors: Errors,
) -> Result<CheckPage, WebError> {
    let v = state.app.application_view(who, id).await?;
    let rows = super::case_form::FIELDS
        .iter()
        .map(|(k, label)| {
            (
                *k,
                t(label),
                v.app.form.get(*k).cloned().unwrap_or_default(),
            )
        })
        .collect();
    Ok(CheckPage {
        c: viewer.chrome(),
        last_step: elder_steps::last_step_url(&v),
        phone: hotline(state, who, id).await,
        rows,
        slots: materials(&v),
        missing: v
            .app
            .missing_required()
            .into_iter()
            .map(str::to_string)
            .collect(),
        commitment_signed: v.app.commitment.is_some(),
        errors,
        v,
    })
}

/// `GET /applications/{id}/check`: check your answers before submitting.
pub async fn check(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let page = check_page(&state, &viewer, who, &id, Errors::none()).await?;
    Ok(no_store(page.into_response()))
}

/// `POST /applications/{id}/act`: the applicant's buttons (提交, 提交补正, 重新提交, 撤回).
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
    if !matches!(
        form.action.as_str(),
        "submit" | "supply_correction" | "resubmit" | "withdraw"
    ) {
        return Err(WebError::NotFound);
    }
    let result = match form.to_action().and_then(|a| a.into_command()) {
        Ok(cmd) => {
            state
                .app
                .act_on_application(who, &id, form.revision(), cmd)
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?done={}", case_path(&id), form.action)).into_response())
        }
        Err(err) => {
            let errors = errors_of(err)?;
            if form.action == "submit" {
                let page = check_page(&state, &viewer, who, &id, errors).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
            let page = case_page(&state, &viewer, who, &id, None, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `GET /applications/{id}/files/{blob}`: a material file of a case the caller may see.
pub async fn file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, blob)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let (attached, bytes) = state.app.material_file(who, &id, &blob).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&attached.media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let disposition = format!(
        "attachment; filename=\"material\"; filename*=UTF-8''{}",
        urlencode(&attached.file_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(no_store(response))
}

#[derive(Template, WebTemplate)]
#[template(path = "my_applications.html")]
pub struct MinePage {
    c: Chrome,
    lines: Vec<QueueEntry>,
    bundles: Vec<tongban_app::applications::BundleView>,
}

/// `GET /me/applications` (我的办件).
pub async fn mine(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let lines = state.app.my_applications(who, 100, 0).await?;
    let bundles = state.app.my_bundles(who).await?;
    Ok(no_store(
        MinePage {
            c: viewer.chrome(),
            lines,
            bundles,
        }
        .into_response(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    #[test]
    fn every_notice_has_words_and_a_phone_is_recognised() {
        for done in [
            "saved",
            "uploaded",
            "submit",
            "supply_correction",
            "resubmit",
            "withdraw",
        ] {
            let key = notice_key(done).unwrap();
            assert!(Catalog::zh_cn().contains(key), "{key}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148"),
        );
        assert!(is_phone(&headers));
        assert!(!is_phone(&HeaderMap::new()));
    }
}
