//! Login, logout and the 长者版 switch.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use tongban_app::{AppError, LoginOutcome, LoginRequest, Principal};

use super::chrome::Chrome;
use super::viewer::{MODE_COOKIE, SESSION_COOKIE, Viewer};
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default, rename = "as")]
    pub as_kind: String,
    #[serde(default)]
    pub next: String,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: String,
    #[serde(default, rename = "as")]
    pub as_kind: String,
    #[serde(default)]
    pub next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    c: Chrome,
    as_kind: String,
    next: String,
    login: String,
    error: Option<String>,
}

fn kind_or_citizen(kind: &str) -> String {
    match kind {
        "staff" | "enterprise" => kind.to_string(),
        _ => "citizen".to_string(),
    }
}

pub async fn login_form(
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<LoginQuery>,
) -> LoginPage {
    LoginPage {
        c: viewer.chrome(),
        as_kind: kind_or_citizen(&q.as_kind),
        next: local_path(&q.next).unwrap_or_default(),
        login: String::new(),
        error: None,
    }
}

pub async fn login_submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<LoginForm>,
) -> Response {
    let request = LoginRequest {
        login: form.login.clone(),
        password: form.password,
        client: viewer.client.clone(),
    };
    match state.app.login(request).await {
        Ok(outcome) => {
            let target =
                local_path(&form.next).unwrap_or_else(|| home_of(&outcome.principal).to_string());
            signed_in(&state, outcome, &target)
        }
        Err(err @ (AppError::BadCredentials | AppError::TooManyAttempts { .. })) => {
            let status = match &err {
                AppError::TooManyAttempts { .. } => axum::http::StatusCode::TOO_MANY_REQUESTS,
                _ => axum::http::StatusCode::UNAUTHORIZED,
            };
            let page = LoginPage {
                c: viewer.chrome(),
                as_kind: kind_or_citizen(&form.as_kind),
                next: local_path(&form.next).unwrap_or_default(),
                login: form.login,
                error: Some(err.to_string()),
            };
            (status, page).into_response()
        }
        Err(other) => WebError::from(other).into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    if let Some(token) = &viewer.token
        && let Err(err) = state.app.logout(token).await
    {
        return WebError::from(err).into_response();
    }
    let cookie = Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .max_age(time::Duration::ZERO)
        .build();
    with_cookie(Redirect::to("/").into_response(), cookie)
}

#[derive(Debug, Deserialize)]
pub struct ModeForm {
    #[serde(default)]
    pub elder: String,
    #[serde(default)]
    pub back: String,
}

/// Turns the 长者版 on or off; the same URLs serve both, so a relative can help on the phone.
pub async fn switch_mode(State(state): State<AppState>, Form(form): Form<ModeForm>) -> Response {
    let value = if form.elder == "1" {
        "elder"
    } else {
        "standard"
    };
    let cookie = Cookie::build((MODE_COOKIE, value))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.options.cookie_secure)
        .max_age(time::Duration::days(365))
        .build();
    let back = local_path(&form.back).unwrap_or_else(|| "/".into());
    with_cookie(Redirect::to(&back).into_response(), cookie)
}

/// A redirect to `target` that sets the session cookie of a fresh login.
pub(crate) fn signed_in(state: &AppState, outcome: LoginOutcome, target: &str) -> Response {
    let max_age = time::Duration::milliseconds(
        outcome.expires_at_ms - state.app.now().unix_timestamp() * 1000,
    );
    let cookie = Cookie::build((SESSION_COOKIE, outcome.token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.options.cookie_secure)
        .max_age(max_age)
        .build();
    with_cookie(Redirect::to(target).into_response(), cookie)
}

fn with_cookie(mut response: Response, cookie: Cookie<'static>) -> Response {
    if let Ok(value) = cookie.to_string().parse() {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    response
}

/// Only local paths are followed after login (no open redirects).
pub fn local_path(next: &str) -> Option<String> {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    local.then(|| next.to_string())
}

fn home_of(principal: &Principal) -> &'static str {
    if principal.is_staff() { "/work" } else { "/me" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path("/work"), Some("/work".into()));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/\\evil"), None);
        assert_eq!(local_path(""), None);
    }
}
