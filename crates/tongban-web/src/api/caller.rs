//! Who is calling the API: the principal behind the `Authorization: Bearer` token.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tongban_app::{AppError, Principal};

use crate::error::WebError;
use crate::state::AppState;

/// A signed-in API caller, with the token they used.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub token: String,
}

/// Looks the token up once per request; handlers then take [`Caller`].
pub async fn attach_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    if let Some(token) = token {
        match state.app.session(&token).await {
            Ok(Some(session)) => {
                request.extensions_mut().insert(Caller {
                    principal: session.principal,
                    token,
                });
            }
            Ok(None) => {}
            Err(err) => return WebError::from(err).into_response(),
        }
    }
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(WebError::App(AppError::Unauthenticated))
    }
}
