//! The JSON editor of an item version (`/admin/items/new`, `/admin/items/{id}/versions/{v}/edit`):
//! a textarea holding the `ServiceItem` as JSON, a documented template for a new item, and every
//! problem listed with the field it belongs to. A structured form will replace it later.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{AppError, OrgUnit, Principal};
use tongban_domain::catalog::ServiceItem;

use super::admin_items::{require_author, version_path};
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::i18n::Catalog;
use crate::state::AppState;

/// The form control every problem points at.
const FIELD: &str = "item";

#[derive(Debug, Deserialize, Default)]
pub struct ItemForm {
    #[serde(default)]
    pub item: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_item_edit.html")]
pub struct EditPage {
    c: Chrome,
    /// Where the form posts, and the version edited (None for a new item).
    action: String,
    editing: Option<(String, i64)>,
    text: String,
    errors: Errors,
}

/// A field path with the Chinese name of its top-level field: `materials.0.name` →
/// `申请材料（materials.0.name）`.
pub fn field_label(path: &str) -> String {
    let top = path.split('.').next().unwrap_or_default();
    let key = format!("item_field.{top}");
    let catalog = Catalog::zh_cn();
    if path.is_empty() {
        String::new()
    } else if catalog.contains(&key) {
        format!("{}（{path}）", catalog.get(&key))
    } else {
        path.to_string()
    }
}

/// The problems of a rejected item, all shown at the textarea; other errors stay errors.
fn problems(err: AppError) -> Result<Errors, WebError> {
    match err {
        AppError::Invalid { message, fields } => {
            let mut errors = Errors::none();
            for f in &fields {
                let label = field_label(&f.field);
                if label.is_empty() {
                    errors.add(FIELD, &f.message);
                } else {
                    errors.add(FIELD, &format!("{label}：{}", f.message));
                }
            }
            if !errors.any() {
                errors.add(FIELD, &message);
            }
            Ok(errors)
        }
        AppError::Conflict(message) => {
            let mut errors = Errors::none();
            errors.add(FIELD, &message);
            Ok(errors)
        }
        other => Err(WebError::App(other)),
    }
}

/// The item in the textarea, or what is wrong with its JSON.
fn parse(text: &str) -> Result<ServiceItem, Errors> {
    let mut errors = Errors::none();
    if text.trim().is_empty() {
        errors.add(FIELD, t("admin_item_edit.empty"));
        return Err(errors);
    }
    serde_json::from_str(text).map_err(|e| {
        let at = format!(
            "{}（{} {}，{} {}）：{e}",
            t("admin_item_edit.bad_json"),
            t("admin_item_edit.line"),
            e.line(),
            t("admin_item_edit.column"),
            e.column()
        );
        errors.add(FIELD, &at);
        errors
    })
}

fn pretty(item: &ServiceItem) -> String {
    serde_json::to_string_pretty(item).unwrap_or_default()
}

/// The documented template, made the viewer's department's when they have one.
fn template(who: &Principal) -> String {
    let raw = t("admin_item_edit.template");
    let Ok(mut item) = serde_json::from_str::<ServiceItem>(raw) else {
        return raw.to_string();
    };
    if let Principal::Staff {
        unit: OrgUnit::Department { id, division },
        ..
    } = who
    {
        item.department_id = id.clone();
        item.level = division.level();
    } else {
        item.department_id = String::new();
    }
    pretty(&item)
}

fn render(
    viewer: &Viewer,
    editing: Option<(String, i64)>,
    text: String,
    errors: Errors,
) -> Response {
    let action = match &editing {
        Some((id, v)) => format!("{}/edit", version_path(id, *v)),
        None => "/admin/items/new".to_string(),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = EditPage {
        c: viewer.chrome(),
        action,
        editing,
        text,
        errors,
    };
    (status, page).into_response()
}

pub async fn new_form(Extension(viewer): Extension<Viewer>) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    Ok(render(&viewer, None, template(who), Errors::none()))
}

pub async fn new_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<ItemForm>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let errors = match parse(&form.item) {
        Err(errors) => errors,
        Ok(item) => match state.app.create_item_draft(who, item).await {
            Ok((id, v)) => {
                let to = format!("{}?done=created", version_path(&id, v));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(err) => problems(err)?,
        },
    };
    Ok(render(&viewer, None, form.item, errors))
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((item_id, version)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let v = state.app.item_version(who, &item_id, version).await?;
    Ok(render(
        &viewer,
        Some((item_id, version)),
        pretty(&v.item),
        Errors::none(),
    ))
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((item_id, version)): Path<(String, i64)>,
    Form(form): Form<ItemForm>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let errors = match parse(&form.item) {
        Err(errors) => errors,
        Ok(item) => match state
            .app
            .update_item_draft(who, &item_id, version, item)
            .await
        {
            Ok(()) => {
                let to = format!("{}?done=saved", version_path(&item_id, version));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(err) => problems(err)?,
        },
    };
    Ok(render(&viewer, Some((item_id, version)), form.item, errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::catalog::validate_item;

    #[test]
    fn the_template_is_a_valid_item_apart_from_its_department() {
        let item: ServiceItem = serde_json::from_str(t("admin_item_edit.template")).unwrap();
        let problems = validate_item(&item);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn field_paths_are_named_in_chinese() {
        assert_eq!(
            field_label("materials.0.name"),
            "申请材料（materials.0.name）"
        );
        assert_eq!(field_label("nonsense"), "nonsense");
        assert_eq!(field_label(""), "");
    }

    #[test]
    fn bad_json_says_where() {
        let errors = parse("{\n  \"name\": ").unwrap_err();
        let message = errors.on(FIELD).unwrap();
        assert!(message.contains(t("admin_item_edit.bad_json")), "{message}");
        assert!(parse("  ").is_err());
    }
}
