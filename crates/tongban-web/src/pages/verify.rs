//! `/verify` (证照核验): anyone, without login, checks a licence by its 证照标识 (`?id=`), by the
//! QR payload a phone opens after scanning (`?p=TBL1.…`), or by uploading the licence file or
//! PDF (a multipart form carrying the CSRF token like every POST). The answer is one verdict in
//! plain words, then the minimal data; every check is written to the licence's 用证记录.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::AppError;
use tongban_app::licences::{Verification, VerifyInput};
use tongban_domain::licence::LicenceStatus;

use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::Viewer;
use crate::api::licences_public::MAX_LICENCE_FILE_BYTES;
use crate::error::WebError;
use crate::state::AppState;

/// The longest identifier or QR text looked at.
const MAX_TYPED_CHARS: usize = 2000;

#[derive(Debug, Deserialize, Default)]
pub struct VerifyQuery {
    /// 证照标识 typed or pasted (a pasted QR text is accepted too).
    pub id: Option<String>,
    /// The QR payload, as the licence's QR code opens this page.
    pub p: Option<String>,
}

/// How the verdict looks: `valid` green, `warn` amber, `invalid` red.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub tone: &'static str,
    pub mark: &'static str,
    pub title: &'static str,
    pub sentence: String,
    /// Shown under the sentence (why a key is unknown, what to do).
    pub note: &'static str,
    /// The data shown are what the licence claims, not confirmed.
    pub unconfirmed: bool,
    pub found: bool,
    pub v: Verification,
    pub validity: String,
    /// 暂停原因 / 注销原因, with its label.
    pub reason: Option<(&'static str, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    c: Chrome,
    errors: Errors,
    id: String,
    result: Option<ResultView>,
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_string(), |s, (k, v)| s.replace(k, v))
}

/// The verdict for a verification, in words a clerk or citizen understands.
pub fn result_view(v: Verification) -> ResultView {
    let until = v
        .valid_until
        .clone()
        .unwrap_or_else(|| t("verify.long_term").to_string());
    let validity = format!("{} {} {}", v.valid_from, t("verify.to"), until);
    let (tone, mark, title, sentence, note) = match v.signature.as_str() {
        "genuine" => match v.status {
            Some(LicenceStatus::Valid) => (
                "valid",
                "✔",
                t("verify.title.valid"),
                fill(t("verify.say.valid"), &[("{issuer}", &v.issuer_name)]),
                "",
            ),
            Some(LicenceStatus::Expired) => (
                "warn",
                "!",
                t("verify.title.expired"),
                fill(t("verify.say.expired"), &[("{until}", &until)]),
                "",
            ),
            Some(LicenceStatus::NotYetValid) => (
                "warn",
                "!",
                t("verify.title.not_yet_valid"),
                fill(t("verify.say.not_yet_valid"), &[("{from}", &v.valid_from)]),
                "",
            ),
            Some(LicenceStatus::Suspended) => (
                "stop",
                "!",
                t("verify.title.suspended"),
                t("verify.say.suspended").to_string(),
                "",
            ),
            Some(LicenceStatus::Revoked) => (
                "stop",
                "✘",
                t("verify.title.revoked"),
                t("verify.say.revoked").to_string(),
                "",
            ),
            None => (
                "warn",
                "?",
                t("verify.title.no_record"),
                t("verify.say.no_record").to_string(),
                "",
            ),
        },
        "unknown_key" => (
            "invalid",
            "✘",
            t("verify.title.unknown_key"),
            fill(t("verify.say.unknown_key"), &[("{key}", &v.key_id)]),
            t("verify.note.unknown_key"),
        ),
        "face_altered" => (
            "invalid",
            "✘",
            t("verify.title.invalid"),
            t("verify.say.face_altered").to_string(),
            "",
        ),
        "not_found" => (
            "invalid",
            "✘",
            t("verify.title.not_found"),
            fill(t("verify.say.not_found"), &[("{id}", &v.id)]),
            t("verify.note.not_found"),
        ),
        _ => (
            "invalid",
            "✘",
            t("verify.title.invalid"),
            t("verify.say.forged").to_string(),
            "",
        ),
    };
    let reason = (!v.state_reason.is_empty()).then(|| {
        let label = match v.status {
            Some(LicenceStatus::Revoked) => t("verify.revoke_reason"),
            Some(LicenceStatus::Suspended) => t("verify.suspend_reason"),
            _ => t("verify.state_reason"),
        };
        (label, v.state_reason.clone())
    });
    ResultView {
        tone,
        mark,
        title,
        sentence,
        note,
        unconfirmed: v.signature != "genuine",
        found: v.signature != "not_found",
        validity,
        reason,
        v,
    }
}

fn page(viewer: &Viewer, id: String) -> VerifyPage {
    VerifyPage {
        c: viewer.chrome(),
        errors: Errors::none(),
        id,
        result: None,
    }
}

/// Runs the check and fills the page: a refusal of the input goes next to `field`.
async fn check(
    state: &AppState,
    viewer: &Viewer,
    mut out: VerifyPage,
    input: VerifyInput,
    field: &str,
) -> Result<Response, WebError> {
    match state.app.verify_licence(input, viewer.principal()).await {
        Ok(v) => {
            out.result = Some(result_view(v));
            Ok(out.into_response())
        }
        Err(AppError::Invalid { message, fields }) => {
            let message = fields.first().map_or(message, |f| f.message.clone());
            out.errors.add(field, &message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

fn refuse(mut out: VerifyPage, field: &str, key: &'static str) -> Response {
    out.errors.add(field, t(key));
    (StatusCode::UNPROCESSABLE_ENTITY, out).into_response()
}

/// `GET /verify`, `?id=` or `?p=`.
pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, WebError> {
    if let Some(p) = q.p.filter(|p| !p.trim().is_empty()) {
        let out = page(&viewer, String::new());
        if p.chars().count() > MAX_TYPED_CHARS {
            return Ok(refuse(out, "id", "verify.err.too_long"));
        }
        return check(&state, &viewer, out, VerifyInput::Payload(p), "id").await;
    }
    let Some(id) = q.id else {
        return Ok(page(&viewer, String::new()).into_response());
    };
    let id = id.trim().to_string();
    let out = page(&viewer, id.clone());
    if id.is_empty() {
        return Ok(refuse(out, "id", "verify.err.empty"));
    }
    if id.chars().count() > MAX_TYPED_CHARS {
        return Ok(refuse(out, "id", "verify.err.too_long"));
    }
    let input = if id.contains("TBL1.") {
        VerifyInput::Payload(id)
    } else {
        VerifyInput::Identifier(id)
    };
    check(&state, &viewer, out, input, "id").await
}

/// What the upload form sent.
enum Upload {
    Nothing,
    TooLarge,
    File(Vec<u8>),
}

async fn read_upload(mut form: Multipart) -> Result<Upload, WebError> {
    let bad = |_| WebError::BadRequest(t("verify.err.bad_form").to_string());
    let mut upload = Upload::Nothing;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > MAX_LICENCE_FILE_BYTES {
                return Ok(Upload::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        if !bytes.is_empty() {
            upload = Upload::File(bytes);
        }
    }
    Ok(upload)
}

/// `POST /verify`: the uploaded licence file or PDF.
pub async fn upload(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Multipart,
) -> Result<Response, WebError> {
    let out = page(&viewer, String::new());
    match read_upload(form).await? {
        Upload::Nothing => Ok(refuse(out, "file", "verify.err.no_file")),
        Upload::TooLarge => Ok(refuse(out, "file", "verify.err.too_large")),
        Upload::File(bytes) => check(&state, &viewer, out, VerifyInput::File(bytes), "file").await,
    }
}
