//! Self-registration of citizens (`/register/citizen`) and enterprises
//! (`/register/enterprise`). A new account is signed in at once and sent to `/me`, which shows
//! its login name. Passwords are never shown back in a re-displayed form.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::{CitizenRegistration, EnterpriseRegistration, LoginRequest};

use super::auth::signed_in;
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

const WELCOME: &str = "/me?welcome=1";

#[derive(Debug, Clone, Deserialize, Default)]
pub struct CitizenForm {
    #[serde(default)]
    pub real_name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct EnterpriseForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub uscc: String,
    #[serde(default)]
    pub legal_rep_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "register_citizen.html")]
pub struct CitizenPage {
    c: Chrome,
    form: CitizenForm,
    errors: Errors,
}

#[derive(Template, WebTemplate)]
#[template(path = "register_enterprise.html")]
pub struct EnterprisePage {
    c: Chrome,
    form: EnterpriseForm,
    errors: Errors,
}

pub async fn citizen_form(Extension(viewer): Extension<Viewer>) -> CitizenPage {
    CitizenPage {
        c: viewer.chrome(),
        form: CitizenForm::default(),
        errors: Errors::none(),
    }
}

pub async fn enterprise_form(Extension(viewer): Extension<Viewer>) -> EnterprisePage {
    EnterprisePage {
        c: viewer.chrome(),
        form: EnterpriseForm::default(),
        errors: Errors::none(),
    }
}

/// The confirmation must repeat the password; said next to the confirmation field.
fn confirm_errors(password: &str, confirm: &str) -> Errors {
    let mut errors = Errors::none();
    if confirm.is_empty() && !password.is_empty() {
        errors.add("password_confirm", t("register.confirm_missing"));
    } else if password != confirm {
        errors.add("password_confirm", t("register.confirm_mismatch"));
    }
    errors
}

pub async fn citizen_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<CitizenForm>,
) -> Result<Response, WebError> {
    let mut errors = confirm_errors(&form.password, &form.password_confirm);
    if !errors.any() {
        let registration = CitizenRegistration {
            real_name: form.real_name.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            password: form.password.clone(),
        };
        match state.app.register_citizen(registration).await {
            Ok(login) => return sign_in(&state, &viewer, login, form.password).await,
            Err(err) => errors = Errors::from_app(err, &[])?,
        }
    }
    let form = CitizenForm {
        password: String::new(),
        password_confirm: String::new(),
        ..form
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        CitizenPage {
            c: viewer.chrome(),
            form,
            errors,
        },
    )
        .into_response())
}

pub async fn enterprise_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<EnterpriseForm>,
) -> Result<Response, WebError> {
    let mut errors = confirm_errors(&form.password, &form.password_confirm);
    if !errors.any() {
        let registration = EnterpriseRegistration {
            name: form.name.clone(),
            uscc: form.uscc.clone(),
            legal_rep_name: form.legal_rep_name.clone(),
            password: form.password.clone(),
        };
        match state.app.register_enterprise(registration).await {
            Ok(login) => return sign_in(&state, &viewer, login, form.password).await,
            Err(err) => errors = Errors::from_app(err, &[])?,
        }
    }
    let form = EnterpriseForm {
        password: String::new(),
        password_confirm: String::new(),
        ..form
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        EnterprisePage {
            c: viewer.chrome(),
            form,
            errors,
        },
    )
        .into_response())
}

/// Opens a session for the new account; if that fails (e.g. throttled) the account still
/// exists, so the login page takes over.
async fn sign_in(
    state: &AppState,
    viewer: &Viewer,
    login: String,
    password: String,
) -> Result<Response, WebError> {
    let request = LoginRequest {
        login,
        password,
        client: viewer.client.clone(),
    };
    match state.app.login(request).await {
        Ok(outcome) => Ok(signed_in(state, outcome, WELCOME)),
        Err(_) => Ok(Redirect::to("/login").into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome() -> Chrome {
        Chrome {
            elder: false,
            csrf: "tok".into(),
            user: None,
            path: "/register/citizen".into(),
        }
    }

    #[test]
    fn a_mismatched_confirmation_is_a_field_error() {
        assert!(!confirm_errors("Secret123", "Secret123").any());
        assert!(
            confirm_errors("Secret123", "Secret124")
                .on("password_confirm")
                .is_some()
        );
        assert!(
            confirm_errors("Secret123", "")
                .on("password_confirm")
                .is_some()
        );
    }

    #[test]
    fn a_rejected_registration_keeps_the_input_but_not_the_password() {
        let mut errors = Errors::none();
        errors.add("id_number", "第 18 位校验码不对，应为 X");
        let form = CitizenForm {
            real_name: "张三".into(),
            id_number: "511902199001011234".into(),
            phone: "13812348000".into(),
            password: String::new(),
            password_confirm: String::new(),
        };
        let html = CitizenPage {
            c: chrome(),
            form,
            errors,
        }
        .render()
        .unwrap();
        assert!(html.contains("value=\"张三\""));
        assert!(html.contains("value=\"511902199001011234\""));
        assert!(html.contains("第 18 位校验码不对，应为 X"));
        assert!(html.contains("class=\"error-summary\""));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
        assert!(html.contains("for=\"password_confirm\""));
    }

    #[test]
    fn the_enterprise_form_renders() {
        let page = EnterprisePage {
            c: chrome(),
            form: EnterpriseForm::default(),
            errors: Errors::none(),
        };
        let html = page.render().unwrap();
        assert!(html.contains("name=\"uscc\""));
        assert!(html.contains("name=\"legal_rep_name\""));
        assert!(!html.contains("error-summary"));
    }
}
