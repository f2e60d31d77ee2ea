//! Licences around one case: the licences the case issued (on the applicant's status page and
//! the staff case page), and the staff's 调用申请人电子证照 — a query that needs a 用证事由,
//! listed with download links that carry the cause along. Refusals are recorded by the use
//! case and shown next to the field.

use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::Principal;
use tongban_app::licences::{LicenceQuery, UsableType};

use super::form::Errors;
use super::licence_cards::{LicenceCard, download, wallet_path};
use super::viewer::{Viewer, urlencode};
use super::work_cases::{staff_case_path, staff_page};
use crate::error::WebError;
use crate::state::AppState;

/// The form controls errors are shown next to.
pub const CAUSE_FIELD: &str = "licence-cause";
pub const TYPE_FIELD: &str = "licence-type";

/// A licence the staff query found, with its download link (cause carried along).
#[derive(Debug, Clone)]
pub struct FoundLicence {
    pub card: LicenceCard,
    pub download_href: String,
}

/// What a case page shows about licences.
#[derive(Debug, Clone, Default)]
pub struct CaseLicencePanel {
    /// The licences the case issued: (card, link for the viewer).
    pub issued: Vec<(LicenceCard, String)>,
    /// Staff only: the types the department may query, the typed cause and type, and the result.
    pub staff: bool,
    pub types: Vec<UsableType>,
    pub cause: String,
    pub type_code: String,
    pub found: Option<Vec<FoundLicence>>,
}

impl CaseLicencePanel {
    /// The panel of a case for `who` (staff get the query form too).
    pub async fn load(state: &AppState, who: &Principal, id: &str) -> Result<Self, WebError> {
        let staff = who.is_staff();
        let issued = state
            .app
            .case_licences(who, id)
            .await?
            .iter()
            .map(|view| {
                let card = LicenceCard::of(view);
                let href = if staff {
                    format!("{}/licence.pdf", wallet_path(&view.id))
                } else {
                    card.href.clone()
                };
                (card, href)
            })
            .collect();
        let types = if staff {
            state.app.case_licence_types(who, id).await?
        } else {
            Vec::new()
        };
        Ok(CaseLicencePanel {
            issued,
            staff,
            types,
            ..CaseLicencePanel::default()
        })
    }
}

/// The query form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueryForm {
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub type_code: String,
}

impl QueryForm {
    fn query(&self, application_id: &str) -> LicenceQuery {
        LicenceQuery {
            application_id: application_id.to_string(),
            cause: self.cause.clone(),
            type_code: Some(self.type_code.trim().to_string()).filter(|t| !t.is_empty()),
        }
    }
}

/// `POST /work/applications/{id}/licences`: 调用申请人电子证照.
pub async fn query(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(f): Form<QueryForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    who.require_staff()?;
    let (status, found, errors) = match state.app.query_case_licences(who, &f.query(&id)).await {
        Ok(views) => {
            let carried = format!(
                "cause={}&type_code={}",
                urlencode(f.cause.trim()),
                urlencode(f.type_code.trim())
            );
            let found = views
                .iter()
                .map(|v| FoundLicence {
                    card: LicenceCard::of(v),
                    download_href: format!(
                        "{}/licences/{}/download?{carried}",
                        staff_case_path(&id),
                        urlencode(&v.id)
                    ),
                })
                .collect();
            (StatusCode::OK, Some(found), Errors::none())
        }
        Err(err) => {
            let rename = [("cause", CAUSE_FIELD), ("type_code", TYPE_FIELD)];
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Errors::from_app(err, &rename)?,
            )
        }
    };
    let mut page = staff_page(&state, &viewer, who, &id, Default::default(), false, errors).await?;
    page.lic.cause = f.cause;
    page.lic.type_code = f.type_code;
    page.lic.found = found;
    Ok((status, page).into_response())
}

/// `GET /work/applications/{id}/licences/{licence}/download?cause=…`: the licence file, under
/// the same rules as the query (the cause is carried in the link).
pub async fn download_file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, licence)): Path<(String, String)>,
    Query(f): Query<QueryForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let file = state
        .app
        .download_case_licence(who, &f.query(&id), &licence)
        .await?;
    Ok(download(
        file.to_json().into_bytes(),
        "application/json",
        &format!("{licence}.json"),
    ))
}
