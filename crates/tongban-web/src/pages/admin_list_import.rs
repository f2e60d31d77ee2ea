//! `/admin/lists/import`: a city-level system administrator uploads an xlsx or CSV file in the
//! layout of `docs/import-format.md` (a multipart form, no JavaScript), chooses the list, the
//! edition and whether to only check it, and sees every problem (sheet, row, column, reason) or
//! the counts written.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tongban_app::import::ImportReport;
use tongban_domain::Role;
use tongban_domain::lists::{ListKind, parse_edition};

use super::chrome::Chrome;
use super::form::t;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin_list_import.html")]
pub struct ImportPage {
    c: Chrome,
    /// (code, Chinese name, selected).
    lists: Vec<(&'static str, &'static str, bool)>,
    edition: String,
    dry_run: bool,
    /// A problem with the form itself (no file, bad edition).
    error: Option<String>,
    report: Option<ImportReport>,
}

fn page(viewer: &Viewer, list: &str, edition: String, dry_run: bool) -> ImportPage {
    ImportPage {
        c: viewer.chrome(),
        lists: ListKind::ALL
            .into_iter()
            .map(|k| (k.code(), k.name_zh(), k.code() == list))
            .collect(),
        edition,
        dry_run,
        error: None,
        report: None,
    }
}

pub async fn form(Extension(viewer): Extension<Viewer>) -> Response {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return redirect.into_response(),
    };
    // Only those who may import see the form (a city-level system administrator).
    if let Err(err) = who.require_city_level(&[Role::SystemAdmin]) {
        return WebError::from(err).into_response();
    }
    page(&viewer, "power", String::new(), true).into_response()
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    list: String,
    edition: String,
    dry_run: bool,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_form(mut form: Multipart) -> Result<Upload, WebError> {
    let bad = |_| WebError::BadRequest(t("list_import.bad_form").to_string());
    let mut upload = Upload {
        dry_run: true,
        ..Upload::default()
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "list" => upload.list = field.text().await.map_err(bad)?,
            "edition" => upload.edition = field.text().await.map_err(bad)?,
            "mode" => upload.dry_run = field.text().await.map_err(bad)? != "apply",
            "file" => {
                upload.file_name = field.file_name().unwrap_or_default().to_string();
                upload.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Multipart,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    who.require_city_level(&[Role::SystemAdmin])?;
    let upload = read_form(form).await?;
    let mut out = page(
        &viewer,
        &upload.list,
        upload.edition.clone(),
        upload.dry_run,
    );
    let kind = ListKind::parse(&upload.list);
    let year = parse_edition(&upload.edition);
    let (Some(kind), Some(year)) = (kind, year) else {
        out.error = Some(t("list_import.bad_choice").to_string());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response());
    };
    if upload.bytes.is_empty() {
        out.error = Some(t("list_import.no_file").to_string());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response());
    }
    let report = state
        .app
        .import_list_edition(
            who,
            kind,
            year,
            &upload.file_name,
            upload.bytes,
            upload.dry_run,
        )
        .await?;
    let status = if report.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    out.report = Some(report);
    Ok((status, out).into_response())
}
