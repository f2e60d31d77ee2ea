//! One error type for handlers. It turns into a pending error that the request-context layer
//! finishes: JSON with a stable code, a Chinese message and the request id under `/api`, an
//! HTML page elsewhere. Internal errors are logged in full and shown as an opaque message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tongban_app::{AppError, FieldError};

#[derive(Debug)]
pub enum WebError {
    App(AppError),
    /// No such page or route.
    NotFound,
    /// Malformed request (bad JSON, bad query).
    BadRequest(String),
    /// The form's CSRF token is missing or stale.
    Csrf,
    /// The request body is larger than the route accepts (413 `payload_too_large`).
    TooLarge,
    /// A licence could not be drawn (no CJK font: 503 `render.no_cjk_font`).
    Render(tongban_render::RenderError),
}

impl From<AppError> for WebError {
    fn from(err: AppError) -> WebError {
        WebError::App(err)
    }
}

/// What the request-context layer renders; carried as a response extension.
#[derive(Debug, Clone)]
pub struct PendingError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl WebError {
    pub fn pending(&self) -> PendingError {
        let (status, code, message, fields) = match self {
            WebError::App(err) => {
                let status = match err {
                    AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                    AppError::Unauthenticated | AppError::BadCredentials => {
                        StatusCode::UNAUTHORIZED
                    }
                    AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                    AppError::Forbidden => StatusCode::FORBIDDEN,
                    AppError::NotFound(_) => StatusCode::NOT_FOUND,
                    AppError::Conflict(_) => StatusCode::CONFLICT,
                    AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
                };
                let fields = match err {
                    AppError::Invalid { fields, .. } => fields.clone(),
                    _ => Vec::new(),
                };
                let message = match err {
                    AppError::Internal(_) => {
                        "系统繁忙，请稍后再试；如需帮助，请提供下方的请求编号".to_string()
                    }
                    other => other.to_string(),
                };
                (status, err.code(), message, fields)
            }
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "您访问的页面不存在".to_string(),
                Vec::new(),
            ),
            WebError::BadRequest(msg) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                msg.clone(),
                Vec::new(),
            ),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "页面已过期或来源不明，请刷新页面后重新提交".to_string(),
                Vec::new(),
            ),
            WebError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "提交的内容超过了允许的大小，请缩小文件或分批提交".to_string(),
                Vec::new(),
            ),
            WebError::Render(err) => render_error(err),
        };
        PendingError {
            status,
            code,
            message,
            fields,
        }
    }
}

/// A drawing failure: a missing or unusable font is the server's state (503), anything else an
/// internal error; the details go to the log, the page says what the holder can do.
fn render_error(
    err: &tongban_render::RenderError,
) -> (StatusCode, &'static str, String, Vec<FieldError>) {
    use tongban_render::RenderError as R;
    let status = match err {
        R::NoCjkFont { .. } | R::BadFont(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match err {
        R::NoCjkFont { .. } | R::BadFont(_) => {
            "证照 PDF 暂时无法生成：服务器缺少中文字体。请稍后再试，或先下载证照文件（JSON），其效力相同"
                .to_string()
        }
        other => format!("证照 PDF 生成失败：{other}"),
    };
    (status, err.code(), message, Vec::new())
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Render(err) = &self {
            tracing::error!(code = err.code(), cause = %err, "licence pdf not drawn");
        }
        if let WebError::App(AppError::Internal(cause)) = &self {
            tracing::error!(cause = %cause, "internal error");
        }
        let pending = self.pending();
        let mut response = pending.status.into_response();
        response.extensions_mut().insert(pending);
        response
    }
}
