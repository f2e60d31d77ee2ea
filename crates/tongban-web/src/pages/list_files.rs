//! An edition as a file in the import layout (`docs/import-format.md`), so that an export
//! re-imports cleanly: `/lists/{list}/{edition}/export.xlsx` and `.csv`. A draft only for staff.

use super::viewer::Viewer;
use crate::api::lists::{kind, year};
use crate::error::WebError;
use crate::export::{ExportFormat, download, edition_table};
use crate::state::AppState;
use axum::extract::{Extension, Path, State};
use axum::response::Response;

async fn edition(
    state: &AppState,
    viewer: &Viewer,
    list: &str,
    edition: &str,
    format: ExportFormat,
) -> Result<Response, WebError> {
    let kind = kind(list)?;
    let year = year(edition)?;
    let sheet = state
        .app
        .list_edition_sheet(viewer.principal(), kind, year)
        .await?;
    let fallback = format!("list-{}-{year}", kind.code());
    download(&edition_table(sheet), &fallback, format)
}

pub async fn edition_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((list, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    edition(&state, &viewer, &list, &year, ExportFormat::Xlsx).await
}

pub async fn edition_csv(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((list, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    edition(&state, &viewer, &list, &year, ExportFormat::Csv).await
}
