//! `/licences/keys` (公钥公布): every SM2 public key that signs licences or the status list,
//! with its department and dates, how to verify with OpenSSL, and the stable per-key URL
//! `/licences/keys/{key_id}.pem` serving the SubjectPublicKeyInfo PEM.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tongban_app::licences::{PLATFORM_KEY_OWNER, PublishedKey};

use super::chrome::Chrome;
use super::form::{beijing_time, t};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// One key as the page lists it.
pub struct KeyLine {
    pub key_id: String,
    pub owner: String,
    pub for_status_list: bool,
    pub created: String,
    /// "" while in use.
    pub retired: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "licence_keys.html")]
pub struct KeysPage {
    c: Chrome,
    keys: Vec<KeyLine>,
}

fn line(k: PublishedKey) -> KeyLine {
    KeyLine {
        for_status_list: k.department_id == PLATFORM_KEY_OWNER,
        owner: if k.department_id == PLATFORM_KEY_OWNER {
            t("keys.platform").to_string()
        } else {
            k.department_name
        },
        created: beijing_time(k.created_at_ms),
        retired: k.retired_at_ms.map(beijing_time).unwrap_or_default(),
        key_id: k.key_id,
    }
}

/// `GET /licences/keys`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<KeysPage, WebError> {
    let mut keys: Vec<KeyLine> = state
        .app
        .published_keys()
        .await?
        .into_iter()
        .map(line)
        .collect();
    keys.sort_by(|a, b| (a.owner.as_str(), &a.created).cmp(&(b.owner.as_str(), &b.created)));
    Ok(KeysPage {
        c: viewer.chrome(),
        keys,
    })
}

/// `GET /licences/keys/{key_id}.pem`: the key as `application/x-pem-file`; 404 if unknown.
pub async fn pem(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let key_id = file.strip_suffix(".pem").ok_or(WebError::NotFound)?;
    let key = state
        .app
        .published_keys()
        .await?
        .into_iter()
        .find(|k| k.key_id == key_id)
        .ok_or(WebError::NotFound)?;
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{}.pem\"", key.key_id))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-pem-file"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        key.public_pem,
    )
        .into_response())
}
