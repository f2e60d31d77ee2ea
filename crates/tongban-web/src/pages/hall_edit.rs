//! Editing a hall (`/admin/halls/{id}/edit`): system administrators within their division.
//! A wrong field is said next to it, and what was typed is kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{AppError, HallEdit};

use super::chrome::Chrome;
use super::form::{Errors, degrees};
use super::halls::can_edit_hall;
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, Default)]
pub struct HallForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
    #[serde(default)]
    pub opening_hours: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "hall_edit.html")]
pub struct HallEditPage {
    c: Chrome,
    id: String,
    title: String,
    form: HallForm,
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
    let hall = state.app.hall(&id).await?;
    if !can_edit_hall(who, &hall.division_code) {
        return Err(WebError::App(AppError::Forbidden));
    }
    let form = HallForm {
        latitude: degrees(hall.latitude_e6),
        longitude: degrees(hall.longitude_e6),
        name: hall.name.clone(),
        address: hall.address,
        phone: hall.phone,
        opening_hours: hall.opening_hours,
    };
    let page = HallEditPage {
        c: viewer.chrome(),
        id: hall.id,
        title: hall.name,
        form,
        errors: Errors::none(),
    };
    Ok(page.into_response())
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Form(form): Form<HallForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let edit = HallEdit {
        name: form.name.clone(),
        address: form.address.clone(),
        phone: form.phone.clone(),
        latitude: form.latitude.clone(),
        longitude: form.longitude.clone(),
        opening_hours: form.opening_hours.clone(),
    };
    match state.app.edit_hall(who, &id, edit).await {
        Ok(hall) => {
            Ok(Redirect::to(&format!("/halls/{}?saved=1", urlencode(&hall.id))).into_response())
        }
        Err(err) => {
            let errors = Errors::from_app(err, &[])?;
            let title = state.app.hall(&id).await?.name;
            let page = HallEditPage {
                c: viewer.chrome(),
                id,
                title,
                form,
                errors,
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_edit_keeps_the_input_and_says_what_is_wrong() {
        let mut errors = Errors::none();
        errors.add("phone", "电话号码格式不正确");
        let page = HallEditPage {
            c: Chrome {
                elder: false,
                csrf: "tok".into(),
                user: None,
                path: "/".into(),
            },
            id: "hall-1".into(),
            title: "某中心".into(),
            form: HallForm {
                phone: "abc<1>".into(),
                ..HallForm::default()
            },
            errors,
        };
        let html = page.render().unwrap();
        assert!(html.contains("class=\"error-summary\""));
        assert!(html.contains("href=\"#phone\""));
        assert!(html.contains("id=\"phone-error\""));
        assert!(
            html.contains("value=\"abc&#60;1&#62;\"") || html.contains("value=\"abc&lt;1&gt;\"")
        );
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
    }
}
