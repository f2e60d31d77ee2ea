//! The viewer of a page: their session (from the `tb_session` cookie), their CSRF token, the
//! 长者版 switch and their address. Attached to every page request by [`attach_viewer`], which
//! also refuses any POST whose form lacks the right CSRF token, so no form can forget it.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use tongban_app::{Principal, SessionInfo};
use tongban_domain::crypto::constant_time_eq;

use super::chrome::Chrome;
use crate::error::WebError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "tb_session";
pub const ANON_COOKIE: &str = "tb_anon";
pub const MODE_COOKIE: &str = "tb_mode";
const FORWARDED_FOR: &str = "x-forwarded-for";

#[derive(Debug, Clone)]
pub struct Viewer {
    pub session: Option<SessionInfo>,
    pub token: Option<String>,
    pub csrf: String,
    pub elder: bool,
    pub path: String,
    pub client: String,
}

impl Viewer {
    pub fn chrome(&self) -> Chrome {
        Chrome::for_principal(
            self.principal(),
            self.csrf.clone(),
            self.elder,
            self.path.clone(),
        )
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.session.as_ref().map(|s| &s.principal)
    }

    /// The signed-in principal, or a redirect to the login page that comes back here (turn it
    /// into a response with `into_response()`).
    pub fn require_login(&self) -> Result<&Principal, Redirect> {
        self.principal().ok_or_else(|| {
            let next = urlencode(&self.path);
            Redirect::to(&format!("/login?next={next}"))
        })
    }
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)])
        .map(|s| s.trim_start_matches("x=").to_string())
        .unwrap_or_default()
}

/// The text of field `name` of a multipart form in memory: the parts are read in order up to
/// that field, so a token placed before the file is found without scanning the file.
pub fn multipart_field(content_type: &str, bytes: &[u8], name: &str) -> Option<String> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let wanted = format!("name=\"{name}\"");
    let mut rest = &bytes[find(bytes, &delimiter)? + delimiter.len()..];
    loop {
        let rest_part = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest_part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest_part[..head_end]);
        let body = &rest_part[head_end + 4..];
        let end = find(body, &delimiter)?;
        let is_wanted = head.lines().any(|line| {
            line.to_ascii_lowercase()
                .starts_with("content-disposition:")
                && line.split(';').any(|p| p.trim() == wanted)
        });
        if is_wanted {
            let value = body[..end].strip_suffix(b"\r\n").unwrap_or(&body[..end]);
            return String::from_utf8(value.to_vec()).ok();
        }
        rest = &body[end + delimiter.len()..];
    }
}

pub async fn attach_viewer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let jar = CookieJar::from_headers(&parts.headers);
    let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let session = match &token {
        Some(token) => match state.app.session(token).await {
            Ok(session) => session,
            Err(err) => return WebError::from(err).into_response(),
        },
        None => None,
    };
    let (anon_id, new_anon) = match jar.get(ANON_COOKIE) {
        Some(cookie) if cookie.value().len() == 32 => (cookie.value().to_string(), false),
        _ => (uuid::Uuid::new_v4().simple().to_string(), true),
    };
    let csrf = match &session {
        Some(s) => s.csrf_token.clone(),
        None => state.app.anonymous_csrf(&anon_id),
    };
    let body = if parts.method == Method::POST {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let multipart = content_type.starts_with("multipart/form-data");
        let limit = if multipart {
            state.options.max_upload_bytes
        } else {
            state.options.max_body_bytes
        };
        let bytes = match to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(_) => return WebError::TooLarge.into_response(),
        };
        let sent: Option<String> = if multipart {
            multipart_field(&content_type, &bytes, "csrf")
        } else {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        };
        let valid = sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), csrf.as_bytes()));
        if !valid {
            return WebError::Csrf.into_response();
        }
        Body::from(bytes)
    } else {
        body
    };
    let viewer = Viewer {
        session,
        token,
        csrf,
        elder: jar.get(MODE_COOKIE).is_some_and(|c| c.value() == "elder"),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
        client: client_address(
            &parts.headers,
            parts.extensions.get(),
            state.options.trust_forwarded_for,
        ),
    };
    parts.extensions.insert(viewer);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if new_anon {
        let cookie = Cookie::build((ANON_COOKIE, anon_id))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.options.cookie_secure)
            .build();
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

pub fn client_address(
    headers: &HeaderMap,
    connect: Option<&ConnectInfo<SocketAddr>>,
    trust_forwarded_for: bool,
) -> String {
    if trust_forwarded_for
        && let Some(first) = headers
            .get(FORWARDED_FOR)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    connect
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn the_csrf_field_of_a_multipart_form_is_found_before_or_after_the_file() {
        let form = "--XyZ\r\nContent-Disposition: form-data; name=\"list\"\r\n\r\npower\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
            Content-Type: text/csv\r\n\r\na,b\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_field(TYPE, form.as_bytes(), "csrf").as_deref(),
            Some("tok123")
        );
        assert_eq!(
            multipart_field(TYPE, form.as_bytes(), "list").as_deref(),
            Some("power")
        );
    }

    #[test]
    fn a_multipart_form_without_a_csrf_field_has_no_token() {
        let form = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf\"\r\n\r\n\
            name=\"csrf\"\r\n--XyZ--\r\n";
        assert_eq!(multipart_field(TYPE, form.as_bytes(), "csrf"), None);
        assert_eq!(
            multipart_field("multipart/form-data", form.as_bytes(), "csrf"),
            None
        );
    }
}
