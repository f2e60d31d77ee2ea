//! 证照管理, the issuing department's licence pages: the list (`/work/licences`, filtered by type
//! and state, holders masked, counts that link to their lists), one licence as the issuer sees
//! it with its 用证记录 and the 暂停/恢复/注销 forms (`/work/licences/{id}`), and the licence
//! file download (`/licences/{id}/file.json`) for its holder and issuer.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::licences::{DeskPage, DeskQuery, LicenceView, StateChange};
use tongban_domain::licence::LicenceStatus;

use super::chrome::Chrome;
use super::form::{Errors, beijing_time, t};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// The issuer's page of a licence.
pub fn licence_path(id: &str) -> String {
    format!("/work/licences/{}", urlencode(id))
}

/// `?department=` for a system admin's links ('' otherwise).
pub fn department_query(department: &str) -> String {
    if department.is_empty() {
        String::new()
    } else {
        format!("?department={}", urlencode(department))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeskParams {
    #[serde(default)]
    pub department: String,
    #[serde(default, rename = "type")]
    pub type_code: String,
    #[serde(default)]
    pub state: String,
    pub page: Option<u32>,
}

impl DeskParams {
    fn href(&self, state: &str, page: u32) -> String {
        let pairs = [
            ("department", self.department.as_str()),
            ("type", self.type_code.as_str()),
            ("state", state),
        ];
        let mut q: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        if page > 1 {
            q.push(("page", page.to_string()));
        }
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        if query.is_empty() {
            "/work/licences".into()
        } else {
            format!("/work/licences?{query}")
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "work_licences.html")]
pub struct DeskTemplate {
    c: Chrome,
    p: DeskPage,
    f: DeskParams,
    /// A system admin's choice of department: (id, name).
    departments: Vec<(String, String)>,
    is_admin: bool,
    /// (state, label, count, href).
    counts: Vec<(String, &'static str, i64, String)>,
    dq: String,
    /// Every licence of the department (all states).
    all_count: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    page: u32,
}

impl DeskTemplate {
    pub fn link(&self, id: &str) -> String {
        licence_path(id)
    }
}

pub fn state_label(state: &str) -> &'static str {
    match state {
        "active" => "有效",
        "suspended" => "已暂停",
        "revoked" => "已注销",
        _ => "",
    }
}

pub async fn desk(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(f): Query<DeskParams>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let p = state
        .app
        .licence_desk(
            who,
            DeskQuery {
                department_id: Some(f.department.clone()),
                type_code: Some(f.type_code.clone()),
                state: Some(f.state.clone()),
                page: f.page.unwrap_or(1),
            },
        )
        .await?;
    let is_admin = who.role() == Some(tongban_domain::Role::SystemAdmin);
    let departments = if is_admin {
        state.app.issuing_departments().await?
    } else {
        Vec::new()
    };
    let counts = p
        .counts
        .iter()
        .map(|(s, n)| (s.clone(), state_label(s), *n, f.href(s, 1)))
        .collect();
    let page = p.page;
    let all_count = p.counts.iter().map(|(_, n)| n).sum();
    let out = DeskTemplate {
        all_count,
        c: viewer.chrome(),
        counts,
        departments,
        is_admin,
        dq: department_query(&f.department),
        prev_href: (page > 1).then(|| f.href(&f.state, page - 1)),
        next_href: (page < p.pages).then(|| f.href(&f.state, page + 1)),
        page,
        p,
        f,
    };
    Ok(out.into_response())
}

/// One use of the licence, as the page lists it.
pub struct UsageLine {
    pub at: String,
    pub operation: &'static str,
    pub who: String,
    pub cause: String,
    pub ok: bool,
    pub result: String,
}

fn operation_label(op: &str) -> &'static str {
    match op {
        "query" => "查询",
        "download" => "下载",
        "verify" => "核验",
        "share_view" => "分享查看",
        "attach" => "办件引用",
        _ => "其他",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "work_licence.html")]
pub struct LicenceTemplate {
    c: Chrome,
    v: LicenceView,
    usages: Vec<UsageLine>,
    /// The state changes offered now: (action, label).
    actions: Vec<&'static str>,
    /// The change just made ('' none), or `issued`.
    done: String,
    f: StateForm,
    errors: Errors,
}

impl LicenceTemplate {
    /// What the viewer typed as the reason of `action` (kept only for the action they sent).
    pub fn typed(&self, action: &str) -> &str {
        if self.f.action == action {
            &self.f.reason
        } else {
            ""
        }
    }

    pub fn error_of(&self, action: &str) -> Option<&str> {
        if self.f.action == action {
            self.errors.on(&format!("{action}-reason"))
        } else {
            None
        }
    }

    pub fn action_label(&self, action: &str) -> &'static str {
        match action {
            "suspend" => "暂停",
            "reinstate" => "恢复",
            "revoke" => "注销",
            _ => "",
        }
    }

    pub fn source_label(&self) -> &'static str {
        match self.v.source.as_str() {
            "import" => "批量导入",
            "manual" => "手工签发",
            "application" => "办件办结签发",
            _ => "其他",
        }
    }

    pub fn file_link(&self) -> String {
        format!("/licences/{}/file.json", urlencode(&self.v.id))
    }

    pub fn state_link(&self) -> String {
        format!("{}/state", licence_path(&self.v.id))
    }

    pub fn done_text(&self) -> &'static str {
        match self.done.as_str() {
            "issued" => "证照已签发。",
            "suspend" => "已暂停该证照。",
            "reinstate" => "已恢复该证照。",
            "revoke" => "已注销该证照。",
            _ => "",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub confirm: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParam {
    #[serde(default)]
    pub done: String,
}

async fn licence_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    done: String,
    f: StateForm,
    errors: Errors,
) -> Result<LicenceTemplate, WebError> {
    let who = viewer
        .principal()
        .ok_or(WebError::App(tongban_app::AppError::Unauthenticated))?;
    let (v, usages) = state.app.licence_for_issuer(who, id).await?;
    let actions = match v.status {
        LicenceStatus::Revoked => vec![],
        LicenceStatus::Suspended => vec!["reinstate", "revoke"],
        _ => vec!["suspend", "revoke"],
    };
    let usages = usages
        .into_iter()
        .map(|u| UsageLine {
            at: beijing_time(u.at_ms),
            operation: operation_label(&u.operation),
            who: u.actor_label,
            cause: u.cause,
            ok: u.result == "ok",
            result: u.result,
        })
        .collect();
    Ok(LicenceTemplate {
        c: viewer.chrome(),
        v,
        usages,
        actions,
        done,
        f,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Query(d): Query<DoneParam>,
) -> Result<Response, WebError> {
    if let Err(redirect) = viewer.require_login() {
        return Ok(redirect.into_response());
    }
    let page = licence_page(
        &state,
        &viewer,
        &id,
        d.done,
        StateForm::default(),
        Errors::none(),
    )
    .await?;
    Ok(page.into_response())
}

pub async fn change_state(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(f): Form<StateForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let change = match f.action.as_str() {
        "suspend" => StateChange::Suspend,
        "reinstate" => StateChange::Reinstate,
        "revoke" => StateChange::Revoke,
        _ => return Err(WebError::BadRequest(t("lic.bad_action").into())),
    };
    let field = format!("{}-reason", f.action);
    let mut errors = Errors::none();
    if change == StateChange::Revoke && f.confirm != "yes" {
        errors.add(
            &format!("{}-confirm", f.action),
            "请勾选确认：注销后不能恢复",
        );
    }
    if !errors.any() {
        match state
            .app
            .change_licence_state(who, &id, change, &f.reason)
            .await
        {
            Ok(()) => {
                let to = format!("{}?done={}", licence_path(&id), f.action);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(tongban_app::AppError::Conflict(message)) => errors.add("", &message),
            Err(err) => errors = Errors::from_app(err, &[("reason", field.as_str())])?,
        }
    }
    let page = licence_page(&state, &viewer, &id, String::new(), f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `GET /licences/{id}/file.json`: the signed licence file, for its holder or issuer.
pub async fn file_json(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let file = state.app.licence_file(who, &id).await?;
    let name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let disposition = format!("attachment; filename=\"licence-{name}.json\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        file.to_json(),
    )
        .into_response())
}
