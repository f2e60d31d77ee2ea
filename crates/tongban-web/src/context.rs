//! The outermost layer: a request id for every request, one log line and metrics per request
//! (method, route template, status, latency; never the query string, which may hold personal
//! data), and the final rendering of pending errors.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::PendingError;

pub async fn request_context(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let method = request.method().clone();
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RouteTag>()
        .map(|tag| tag.0.clone())
        .unwrap_or_else(|| "unmatched".to_string());
    let pending = response
        .extensions_mut()
        .remove::<PendingError>()
        .or_else(|| plain_rejection(&response));
    if let Some(pending) = pending {
        response = render_error(&pending, &request_id, is_api);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status,
        latency_ms = elapsed.as_millis() as u64,
        "request"
    );
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(elapsed.as_secs_f64());
    response
}

/// The route template that matched, copied onto the response by [`tag_route`].
#[derive(Debug, Clone)]
pub struct RouteTag(pub String);

/// A route layer: the outer layer runs before routing and cannot see `MatchedPath`, so the
/// matched template travels back on the response.
pub async fn tag_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteTag(route));
    }
    response
}

/// An error answered in plain text by the framework itself (an extractor's rejection: a body
/// over the limit, a wrong content type, a malformed path or query, a wrong method), turned
/// into the same JSON or page error as the handlers' own, with a stable code.
fn plain_rejection(response: &Response) -> Option<PendingError> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return None;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "提交的内容超过了允许的大小，请缩小文件或分批提交",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求体的格式不受支持，请检查 Content-Type",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不支持这种请求方法"),
        StatusCode::NOT_FOUND => ("not_found", "您访问的页面不存在"),
        s if s.is_server_error() => (
            "internal",
            "系统繁忙，请稍后再试；如需帮助，请提供下方的请求编号",
        ),
        _ => ("bad_request", "请求的格式或参数不正确"),
    };
    Some(PendingError {
        status,
        code,
        message: message.to_string(),
        fields: Vec::new(),
    })
}

fn render_error(pending: &PendingError, request_id: &str, is_api: bool) -> Response {
    if is_api {
        let body = serde_json::json!({
            "error": {
                "code": pending.code,
                "message": pending.message,
                "fields": pending.fields,
                "request_id": request_id,
            }
        });
        return (pending.status, axum::Json(body)).into_response();
    }
    let page = crate::pages::error_page(pending, request_id);
    let mut response = (pending.status, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
