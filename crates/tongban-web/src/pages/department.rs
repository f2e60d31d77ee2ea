//! One department (`/departments/{id}`) and its edit form (`/admin/departments/{id}/edit`),
//! open to system administrators in scope and to the department's own administrator.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{AppError, DepartmentEdit, OrgUnit, Principal};
use tongban_domain::{DivisionCode, Role};
use tongban_store::DepartmentRow;

use super::chrome::Chrome;
use super::form::Errors;
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// A system administrator whose division covers the department's, or its own administrator.
pub fn can_edit_department(who: &Principal, department: &DepartmentRow) -> bool {
    let own = matches!(
        who,
        Principal::Staff { role: Role::DeptAdmin, unit: OrgUnit::Department { id, .. }, .. } if *id == department.id
    );
    own || DivisionCode::parse(&department.division_code)
        .is_ok_and(|code| who.require_scope(&[Role::SystemAdmin], &code).is_ok())
}

#[derive(Debug, Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "department.html")]
pub struct DepartmentPage {
    c: Chrome,
    department: DepartmentRow,
    division_name: String,
    parent: Option<(String, String)>,
    can_edit: bool,
    saved: bool,
    items: Vec<tongban_app::ItemSummary>,
    items_total: i64,
}

pub async fn detail(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<DepartmentPage, WebError> {
    let department = state.app.department(&id).await?;
    let division_name = match state.app.division(&department.division_code).await {
        Ok(d) => d.name,
        Err(_) => department.division_code.clone(),
    };
    let parent = match &department.parent_id {
        Some(pid) => state.app.department(pid).await.ok().map(|p| (p.id, p.name)),
        None => None,
    };
    let can_edit = viewer
        .principal()
        .is_some_and(|p| can_edit_department(p, &department));
    let item_query = tongban_app::CatalogQuery {
        department_id: Some(department.id.clone()),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    let (items, items_total) = state.app.search_items(&item_query).await?;
    Ok(DepartmentPage {
        c: viewer.chrome(),
        department,
        division_name,
        parent,
        can_edit,
        saved: query.saved == "1",
        items,
        items_total,
    })
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct DepartmentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub uscc: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "department_edit.html")]
pub struct DepartmentEditPage {
    c: Chrome,
    id: String,
    title: String,
    form: DepartmentForm,
    errors: Errors,
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let d = state.app.department(&id).await?;
    if !can_edit_department(who, &d) {
        return Err(WebError::App(AppError::Forbidden));
    }
    let form = DepartmentForm {
        name: d.name.clone(),
        short_name: d.short_name,
        uscc: d.uscc,
    };
    Ok(DepartmentEditPage {
        c: viewer.chrome(),
        id: d.id,
        title: d.name,
        form,
        errors: Errors::none(),
    }
    .into_response())
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(form): Form<DepartmentForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let edit = DepartmentEdit {
        name: form.name.clone(),
        short_name: form.short_name.clone(),
        uscc: form.uscc.clone(),
    };
    match state.app.edit_department(who, &id, edit).await {
        Ok(d) => {
            Ok(Redirect::to(&format!("/departments/{}?saved=1", urlencode(&d.id))).into_response())
        }
        Err(err) => {
            let errors = Errors::from_app(err, &[])?;
            let title = state.app.department(&id).await?.name;
            let page = DepartmentEditPage {
                c: viewer.chrome(),
                id,
                title,
                form,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn department() -> DepartmentRow {
        DepartmentRow {
            id: "511900-scjgj".into(),
            name: "巴中市市场监督管理局".into(),
            short_name: "市市场监管局".into(),
            uscc: "11511900MB0000000X".into(),
            division_code: "511900000000".into(),
            parent_id: None,
        }
    }

    fn staff(role: Role, unit: OrgUnit) -> Principal {
        Principal::Staff {
            account_id: "a".into(),
            login: "a".into(),
            name: "甲".into(),
            role,
            unit,
        }
    }

    #[test]
    fn own_department_admins_and_admins_in_scope_may_edit() {
        let city = DivisionCode::parse("511900000000").unwrap();
        let county = DivisionCode::parse("511902000000").unwrap();
        let own = OrgUnit::Department {
            id: "511900-scjgj".into(),
            division: city.clone(),
        };
        let other = OrgUnit::Department {
            id: "511900-gaj".into(),
            division: city.clone(),
        };
        assert!(can_edit_department(
            &staff(Role::DeptAdmin, own),
            &department()
        ));
        assert!(!can_edit_department(
            &staff(Role::DeptAdmin, other),
            &department()
        ));
        assert!(can_edit_department(
            &staff(Role::SystemAdmin, OrgUnit::Division { code: city }),
            &department()
        ));
        assert!(!can_edit_department(
            &staff(Role::SystemAdmin, OrgUnit::Division { code: county }),
            &department()
        ));
    }

    #[test]
    fn the_uscc_error_is_shown_next_to_the_field() {
        let mut errors = Errors::none();
        errors.add("uscc", "第 18 位校验码应为 X");
        let page = DepartmentEditPage {
            c: Chrome {
                elder: false,
                csrf: "tok".into(),
                user: None,
                path: "/".into(),
            },
            id: "511900-scjgj".into(),
            title: "巴中市市场监督管理局".into(),
            form: DepartmentForm {
                uscc: "11511900MB00000001".into(),
                ..DepartmentForm::default()
            },
            errors,
        };
        let html = page.render().unwrap();
        assert!(html.contains("id=\"uscc-error\""));
        assert!(html.contains("第 18 位校验码应为 X"));
        assert!(html.contains("value=\"11511900MB00000001\""));
    }
}
