//! The catalogue work pages for department and system administrators: the drafts and versions
//! in review of the viewer's scope (`/admin/items`), one version with its status, a summary and
//! the life-cycle buttons (`/admin/items/{id}/versions/{version}`), and those buttons' POSTs.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{AppError, ItemView, Principal};
use tongban_domain::Role;
use tongban_domain::catalog::ItemStatus;

use super::chrome::Chrome;
use super::form::Errors;
use super::items::days_text;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// Who may use these pages.
const AUTHORS: [Role; 2] = [Role::DeptAdmin, Role::SystemAdmin];
/// The longest work list shown.
const LIST_LIMIT: i64 = 200;

/// The signed-in department or system administrator; a redirect to log in, or 403.
pub fn require_author(viewer: &Viewer) -> Result<Result<&Principal, Redirect>, WebError> {
    match viewer.require_login() {
        Ok(who) => {
            who.require_role(&AUTHORS)?;
            Ok(Ok(who))
        }
        Err(redirect) => Ok(Err(redirect)),
    }
}

/// The catalogue key of a status's Chinese name.
pub fn status_key(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Draft => "admin_items.status.draft",
        ItemStatus::InReview => "admin_items.status.in_review",
        ItemStatus::Published => "admin_items.status.published",
        ItemStatus::Withdrawn => "admin_items.status.withdrawn",
    }
}

/// The page of one version.
pub fn version_path(item_id: &str, version: i64) -> String {
    format!("/admin/items/{item_id}/versions/{version}")
}

/// One line of the work list.
#[derive(Debug, Clone)]
pub struct Line {
    pub href: String,
    pub name: String,
    pub department: String,
    pub version: i64,
    pub status_key: &'static str,
    pub editable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_items.html")]
pub struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let lines = state
        .app
        .open_item_versions(who, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|s| Line {
            href: version_path(&s.item_id, s.version),
            name: s.name,
            department: s.department_name,
            version: s.version,
            status_key: status_key(s.status),
            editable: s.status == ItemStatus::Draft,
        })
        .collect();
    Ok(ListPage {
        c: viewer.chrome(),
        lines,
    }
    .into_response())
}

/// A life-cycle button: the last path segment it posts to and its label's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub step: &'static str,
    pub label_key: &'static str,
}

/// The buttons a status offers to a role.
pub fn actions(status: ItemStatus, reviewer: bool) -> Vec<Action> {
    let button = |step, label_key| Action { step, label_key };
    match status {
        ItemStatus::Draft => vec![button("submit", "admin_item.submit")],
        ItemStatus::InReview if reviewer => vec![
            button("publish", "admin_item.publish"),
            button("return", "admin_item.return"),
        ],
        ItemStatus::InReview => Vec::new(),
        ItemStatus::Published if reviewer => vec![
            button("withdraw", "admin_item.withdraw"),
            button("new-version", "admin_item.new_version"),
        ],
        ItemStatus::Published | ItemStatus::Withdrawn => {
            vec![button("new-version", "admin_item.new_version")]
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

fn notice_key(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "admin_item.done.created",
        "saved" => "admin_item.done.saved",
        "submit" => "admin_item.done.submit",
        "publish" => "admin_item.done.publish",
        "return" => "admin_item.done.return",
        "withdraw" => "admin_item.done.withdraw",
        "new-version" => "admin_item.done.new_version",
        _ => return None,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_item.html")]
pub struct VersionPage {
    c: Chrome,
    v: ItemView,
    status_key: &'static str,
    type_name: &'static str,
    level_name: &'static str,
    promised: String,
    legal: String,
    actions: Vec<Action>,
    can_edit: bool,
    notice: Option<&'static str>,
    errors: Errors,
}

async fn version_page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    (item_id, version): (&str, i64),
    notice: Option<&'static str>,
    errors: Errors,
) -> Result<VersionPage, WebError> {
    let v = state.app.item_version(who, item_id, version).await?;
    let reviewer = who.role() == Some(Role::SystemAdmin);
    Ok(VersionPage {
        c: viewer.chrome(),
        status_key: status_key(v.status),
        type_name: v.item.item_type.name_zh(),
        level_name: v.item.level.name_zh(),
        promised: days_text(v.item.promised_limit_days),
        legal: days_text(v.item.legal_limit_days),
        actions: actions(v.status, reviewer),
        can_edit: v.status == ItemStatus::Draft,
        notice,
        errors,
        v,
    })
}

pub async fn version(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((item_id, version)): Path<(String, i64)>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let notice = notice_key(&query.done);
    let page = version_page(
        &state,
        &viewer,
        who,
        (&item_id, version),
        notice,
        Errors::none(),
    )
    .await?;
    Ok(page.into_response())
}

pub async fn act(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((item_id, version, step)): Path<(String, i64, String)>,
) -> Result<Response, WebError> {
    let who = match require_author(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let app = &state.app;
    let result: Result<i64, AppError> = match step.as_str() {
        "submit" => app
            .submit_item(who, &item_id, version)
            .await
            .map(|()| version),
        "publish" => app
            .publish_item(who, &item_id, version)
            .await
            .map(|()| version),
        "return" => app
            .return_item(who, &item_id, version)
            .await
            .map(|()| version),
        "withdraw" => app
            .withdraw_item(who, &item_id, version)
            .await
            .map(|()| version),
        "new-version" => app.new_item_version(who, &item_id).await,
        _ => return Err(WebError::NotFound),
    };
    let errors = match result {
        Ok(shown) => {
            let to = format!("{}?done={step}", version_path(&item_id, shown));
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Conflict(message)) => {
            let mut errors = Errors::none();
            errors.add("", &message);
            errors
        }
        Err(err) => Errors::from_app(err, &[])?,
    };
    let page = version_page(&state, &viewer, who, (&item_id, version), None, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    const ALL: [ItemStatus; 4] = [
        ItemStatus::Draft,
        ItemStatus::InReview,
        ItemStatus::Published,
        ItemStatus::Withdrawn,
    ];

    #[test]
    fn every_status_action_and_notice_has_words() {
        let catalog = Catalog::zh_cn();
        for status in ALL {
            assert!(catalog.contains(status_key(status)), "{status:?}");
            for reviewer in [false, true] {
                for a in actions(status, reviewer) {
                    assert!(catalog.contains(a.label_key), "{}", a.label_key);
                    let key = notice_key(a.step).unwrap_or_default();
                    assert!(catalog.contains(key), "{}", a.step);
                }
            }
        }
        for done in ["created", "saved"] {
            assert!(notice_key(done).is_some_and(|k| catalog.contains(k)));
        }
        assert_eq!(notice_key("nonsense"), None);
    }

    #[test]
    fn only_reviewers_publish_return_and_withdraw() {
        let steps = |s, r| -> Vec<&str> { actions(s, r).iter().map(|a| a.step).collect() };
        assert_eq!(steps(ItemStatus::Draft, false), ["submit"]);
        assert!(steps(ItemStatus::InReview, false).is_empty());
        assert_eq!(steps(ItemStatus::InReview, true), ["publish", "return"]);
        assert_eq!(
            steps(ItemStatus::Published, true),
            ["withdraw", "new-version"]
        );
        assert_eq!(steps(ItemStatus::Withdrawn, false), ["new-version"]);
    }
}
