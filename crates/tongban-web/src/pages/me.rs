//! Signed-in homes: `/me` for citizens and enterprises (their masked profile), `/work` for
//! staff (role, unit, to-do list, quick links) and the audited look-up of a citizen's record
//! (`/work/citizens/{id}`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{AppError, CitizenRecord, OrgUnit, Principal};
use tongban_domain::Role;

use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// Roles that may open a citizen's personal record (the use case checks it again).
const RECORD_READERS: [Role; 5] = [
    Role::SystemAdmin,
    Role::WindowClerk,
    Role::Reviewer,
    Role::Approver,
    Role::Runner,
];

#[derive(Debug, Deserialize, Default)]
pub struct WelcomeQuery {
    #[serde(default)]
    pub welcome: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "me.html")]
pub struct MePage {
    c: Chrome,
    welcome: bool,
    login: String,
    name: String,
    is_enterprise: bool,
    profile: Option<CitizenRecord>,
    unread: i64,
}

pub async fn me(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<WelcomeQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let (login, name, is_enterprise, profile) = match who {
        Principal::Staff { .. } => return Ok(Redirect::to("/work").into_response()),
        Principal::Citizen { login, name, .. } => (
            login.clone(),
            name.clone(),
            false,
            Some(state.app.my_citizen_profile(who).await?),
        ),
        Principal::Enterprise { login, name, .. } => (login.clone(), name.clone(), true, None),
    };
    let page = MePage {
        c: viewer.chrome(),
        welcome: query.welcome == "1",
        login,
        name,
        is_enterprise,
        profile,
        unread: state.app.unread_notices(who).await?,
    };
    Ok(no_store(page.into_response()))
}

#[derive(Template, WebTemplate)]
#[template(path = "work.html")]
pub struct WorkPage {
    c: Chrome,
    name: String,
    role_name: &'static str,
    unit_name: String,
    unit_link: Option<String>,
    links: Vec<(&'static str, &'static str)>,
    can_read_records: bool,
    citizen_id: String,
    errors: Errors,
    queue: Option<tongban_app::applications::WorkQueue>,
}

pub async fn work(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    Ok(
        work_page(&state, &viewer, who, String::new(), Errors::none())
            .await?
            .into_response(),
    )
}

async fn work_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    citizen_id: String,
    errors: Errors,
) -> Result<WorkPage, WebError> {
    let Principal::Staff {
        name, role, unit, ..
    } = who
    else {
        return Err(WebError::App(AppError::Forbidden));
    };
    let unit_name = state
        .app
        .unit_name(unit)
        .await
        .unwrap_or_else(|_| unit.id().to_string());
    let unit_link = match unit {
        OrgUnit::Division { code } => format!("/org/{}", code.as_str()),
        OrgUnit::Department { id, .. } => format!("/departments/{}", urlencode(id)),
        OrgUnit::Hall { id, .. } => format!("/halls/{}", urlencode(id)),
    };
    Ok(WorkPage {
        c: viewer.chrome(),
        name: name.clone(),
        role_name: role.name_zh(),
        unit_name,
        unit_link: Some(unit_link),
        links: quick_links(*role),
        can_read_records: RECORD_READERS.contains(role),
        citizen_id,
        errors,
        queue: state.app.work_queue(who, 200).await.ok(),
    })
}

/// Quick links for a role: (href, catalogue key).
fn quick_links(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    if matches!(role, Role::SystemAdmin | Role::BureauSupervisor) {
        links.push(("/admin", "work.link_admin"));
        links.push(("/admin/audit", "work.link_audit"));
    }
    if role == Role::SystemAdmin {
        links.push(("/admin/calendar", "work.link_calendar_admin"));
    }
    if role == Role::WindowClerk {
        links.push(("/work/walk-in", "work.link_walk_in"));
    }
    if role == Role::Runner {
        links.push(("/me/mandates", "work.link_mandates"));
    }
    if matches!(role, Role::Approver | Role::DeptAdmin | Role::SystemAdmin) {
        links.push(("/work/licences", "work.link_licences"));
    }
    if matches!(
        role,
        Role::SystemAdmin | Role::BureauSupervisor | Role::DeptAdmin
    ) {
        links.push(("/work/indicators", "work.link_indicators"));
    }
    links.push(("/halls", "work.link_halls"));
    links.push(("/calendar/due-date", "work.link_due_date"));
    links.push(("/calendar", "work.link_calendar"));
    links.push(("/org", "work.link_org"));
    links
}

#[derive(Debug, Deserialize, Default)]
pub struct CitizenLookup {
    #[serde(default, alias = "citizen_id")]
    pub id: String,
}

/// The look-up form sends `?id=`; an empty id is said next to the field.
pub async fn find_citizen(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<CitizenLookup>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let id = query.id.trim();
    if id.is_empty() {
        let mut errors = Errors::none();
        errors.add("citizen_id", t("work.citizen_id_missing"));
        let page = work_page(&state, &viewer, who, String::new(), errors).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(Redirect::to(&format!("/work/citizens/{}", urlencode(id))).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "work_citizen.html")]
pub struct CitizenRecordPage {
    c: Chrome,
    record: CitizenRecord,
    division_name: Option<String>,
}

/// A citizen's full record. The use case writes the audit event before returning it.
pub async fn citizen_record(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    who.require_staff()?;
    let record = state.app.view_citizen_record(who, &id).await?;
    let division_name = match &record.division_code {
        Some(code) => state.app.division(code).await.ok().map(|d| d.name),
        None => None,
    };
    Ok(no_store(
        CitizenRecordPage {
            c: viewer.chrome(),
            record,
            division_name,
        }
        .into_response(),
    ))
}

/// Personal data must not be kept by browsers or proxies.
pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
            path: "/".into(),
        }
    }

    fn record(id_number: &str, phone: &str) -> CitizenRecord {
        CitizenRecord {
            account_id: "citizen-c00001".into(),
            real_name: "张三".into(),
            id_number: id_number.into(),
            phone: phone.into(),
            division_code: None,
        }
    }

    #[test]
    fn every_quick_link_has_a_name() {
        for role in Role::ALL {
            for (_, key) in quick_links(role) {
                assert!(Catalog::zh_cn().contains(key), "{key}");
            }
        }
    }

    #[test]
    fn the_citizen_home_shows_the_masked_profile_and_the_welcome() {
        let page = MePage {
            c: chrome(),
            welcome: true,
            login: "c0123456789".into(),
            name: "张三".into(),
            is_enterprise: false,
            profile: Some(record("5119**********123X", "138****8000")),
            unread: 3,
        };
        let html = page.render().unwrap();
        assert!(html.contains("c0123456789"));
        assert!(html.contains("138****8000"));
        assert!(html.contains("class=\"notice\""));
        assert!(html.contains("<strong>3</strong>") && html.contains("href=\"/me/notices\""));
    }

    #[test]
    fn the_record_page_warns_that_the_read_is_audited() {
        let html = CitizenRecordPage {
            c: chrome(),
            record: record("511902199001011234", "13812348000"),
            division_name: None,
        }
        .render()
        .unwrap();
        assert!(html.contains("511902199001011234"));
        assert!(html.contains("本次查阅已记入审计日志"));
    }
}
