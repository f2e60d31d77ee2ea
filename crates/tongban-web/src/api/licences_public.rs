//! Public licence verification for anyone, without login: verify a licence by identifier, QR
//! payload or licence file (every check lands in the licence's 用证记录), the published SM2
//! keys, and the signed status list offline verifiers cache.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use tongban_app::licences::{PublishedKey, StatusList, Verification, VerifyInput};
use tongban_app::{AppError, FieldError};
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::{PendingError, WebError};
use crate::state::AppState;

/// The largest licence file accepted, in bytes (before base64).
pub const MAX_LICENCE_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The largest request body of `POST /licences/verify` (a base64 file and some JSON).
pub const MAX_VERIFY_BODY_BYTES: usize = MAX_LICENCE_FILE_BYTES / 3 * 4 + 64 * 1024;

/// The longest identifier looked up.
const MAX_IDENTIFIER_CHARS: usize = 200;
/// The longest QR text (or URL) read.
const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// Exactly one of the three inputs.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyBody {
    /// 证照标识 (GB/T 36904), e.g. `11100000000013338W0901511900…`.
    pub identifier: Option<String>,
    /// The QR text: `TBL1.<header>.<signature>`, or the URL carrying it as `?p=`.
    pub payload: Option<String>,
    /// A licence file (`tongban-licence/1` JSON) or the licence PDF, base64 (at most 5 MB).
    pub file_base64: Option<String>,
}

/// What a verifier is shown: minimal data and the status.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// Genuine and currently valid: the one answer that lets the licence be relied on.
    pub valid: bool,
    /// `genuine`, `unknown_key`, `forged`, `face_altered` or `not_found`.
    pub signature: String,
    pub signature_label: String,
    /// `valid`, `not_yet_valid`, `expired`, `suspended` or `revoked`; null when the platform
    /// holds no record of the licence.
    pub status: Option<String>,
    pub status_label: String,
    /// Why it was suspended or revoked ("" otherwise).
    pub state_reason: String,
    /// 证照标识.
    pub id: String,
    /// 证照名称.
    pub name: String,
    /// 证照编号.
    pub number: String,
    /// 持证主体, masked (张*).
    pub holder: String,
    /// 颁发机构.
    pub issuer_name: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub valid_from: String,
    /// Null = 长期.
    pub valid_until: Option<String>,
    /// The id of the key that signed.
    pub key_id: String,
}

impl From<Verification> for VerificationDto {
    fn from(v: Verification) -> Self {
        VerificationDto {
            valid: v.is_valid(),
            signature: v.signature,
            signature_label: v.signature_label,
            status: v.status.map(|s| s.as_str().to_string()),
            status_label: v.status_label,
            state_reason: v.state_reason,
            id: v.id,
            name: v.name,
            number: v.number,
            holder: v.holder,
            issuer_name: v.issuer_name,
            issued_on: v.issued_on,
            valid_from: v.valid_from,
            valid_until: v.valid_until,
            key_id: v.key_id,
        }
    }
}

/// A published public key.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublishedKeyDto {
    /// First 16 hex digits of SM3 over the SubjectPublicKeyInfo DER.
    pub key_id: String,
    /// The department that signs with it (`platform` for the status-list key).
    pub department_id: String,
    pub department_name: String,
    /// SubjectPublicKeyInfo PEM (SM2, OID 1.2.156.10197.1.301).
    pub public_pem: String,
    pub created_at_ms: i64,
    /// Set once a newer key took over; licences it signed still verify.
    pub retired_at_ms: Option<i64>,
}

impl From<PublishedKey> for PublishedKeyDto {
    fn from(k: PublishedKey) -> Self {
        PublishedKeyDto {
            key_id: k.key_id,
            department_id: k.department_id,
            department_name: k.department_name,
            public_pem: k.public_pem,
            created_at_ms: k.created_at_ms,
            retired_at_ms: k.retired_at_ms,
        }
    }
}

/// Every published key, current and retired.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedKeysDto {
    pub keys: Vec<PublishedKeyDto>,
}

/// The signed status list.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusListDto {
    /// The exact signed bytes, JSON text: `{"format":"tongban-status-list/1",
    /// "generated_at_ms":…,"entries":[{"id":…,"state":"suspended"|"revoked","since_ms":…}]}`.
    pub list: String,
    /// DER SM2 signature over the UTF-8 bytes of `list`, base64.
    pub signature: String,
    /// The platform key that signed (see `/api/v1/licences/keys`).
    pub key_id: String,
}

impl From<StatusList> for StatusListDto {
    fn from(s: StatusList) -> Self {
        StatusListDto {
            list: s.list,
            signature: s.signature,
            key_id: s.key_id,
        }
    }
}

/// A 400 answer with a stable code, rendered by the request-context layer like every error.
pub fn bad_input(code: &'static str, field: &'static str, message: &str) -> Response {
    let pending = PendingError {
        status: StatusCode::BAD_REQUEST,
        code,
        message: message.to_string(),
        fields: vec![FieldError {
            field: field.into(),
            code,
            message: message.to_string(),
        }],
    };
    let mut response = StatusCode::BAD_REQUEST.into_response();
    response.extensions_mut().insert(pending);
    response
}

/// Turns a use-case refusal of the input (an unreadable payload or file) into a 400 whose code
/// is the field's stable code (`licence.payload_malformed`, …).
fn refused(err: AppError, field: &'static str) -> Response {
    match err {
        AppError::Invalid { fields, message } => {
            let code = fields.first().map_or("invalid_input", |f| f.code);
            let message = fields.first().map_or(message, |f| f.message.clone());
            bad_input(code, field, &message)
        }
        other => WebError::from(other).into_response(),
    }
}

/// Verify a licence by identifier, QR payload or file. No login needed; every check is
/// recorded in the licence's 用证记录 (by whom, when, with what result).
#[utoipa::path(post, path = "/api/v1/licences/verify", tag = "licences", security(()),
    request_body = VerifyBody,
    responses((status = 200, description = "核验结果（含伪造、未找到等结论）", body = VerificationDto),
        (status = 400, description = "输入有误：licence.input_one_of、licence.identifier_empty、licence.identifier_too_long、licence.payload_too_long、licence.file_base64、licence.file_too_large、licence.payload_missing、licence.payload_malformed、licence.header_malformed、licence.file_malformed", body = ErrorBody)))]
pub async fn verify_licence(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Response {
    let given = [&body.identifier, &body.payload, &body.file_base64]
        .iter()
        .filter(|v| v.is_some())
        .count();
    if given != 1 {
        return bad_input(
            "licence.input_one_of",
            "",
            "请只提供 identifier、payload、file_base64 三者中的一项",
        );
    }
    let (input, field) = if let Some(id) = body.identifier {
        if id.trim().is_empty() {
            return bad_input("licence.identifier_empty", "identifier", "请填写证照标识");
        }
        if id.chars().count() > MAX_IDENTIFIER_CHARS {
            return bad_input(
                "licence.identifier_too_long",
                "identifier",
                "证照标识过长，请核对",
            );
        }
        (VerifyInput::Identifier(id), "identifier")
    } else if let Some(payload) = body.payload {
        if payload.len() > MAX_PAYLOAD_BYTES {
            return bad_input(
                "licence.payload_too_long",
                "payload",
                "二维码内容过长，不是本平台的证照二维码",
            );
        }
        (VerifyInput::Payload(payload), "payload")
    } else {
        let text = body.file_base64.unwrap_or_default();
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
            return bad_input(
                "licence.file_base64",
                "file_base64",
                "file_base64 不是有效的 base64",
            );
        };
        if bytes.len() > MAX_LICENCE_FILE_BYTES {
            return bad_input(
                "licence.file_too_large",
                "file_base64",
                "证照文件不能超过 5 MB",
            );
        }
        (VerifyInput::File(bytes), "file_base64")
    };
    let who = caller.as_ref().map(|c| &c.0.principal);
    match state.app.verify_licence(input, who).await {
        Ok(v) => Json(VerificationDto::from(v)).into_response(),
        Err(err) => refused(err, field),
    }
}

/// Every published signing key (current and retired), to verify licences offline.
#[utoipa::path(get, path = "/api/v1/licences/keys", tag = "licences", security(()),
    responses((status = 200, description = "成功", body = PublishedKeysDto)))]
pub async fn licence_keys(State(state): State<AppState>) -> Result<Response, WebError> {
    let keys = state.app.published_keys().await?;
    let body = PublishedKeysDto {
        keys: keys.into_iter().map(Into::into).collect(),
    };
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        )],
        Json(body),
    )
        .into_response())
}

/// The signed status list: every suspended or revoked licence. Cache it for 5 minutes.
#[utoipa::path(get, path = "/api/v1/licences/status-list", tag = "licences", security(()),
    responses((status = 200, description = "成功（Cache-Control: public, max-age=300）", body = StatusListDto),
        (status = 409, description = "平台未配置签名主密钥", body = ErrorBody)))]
pub async fn licence_status_list(State(state): State<AppState>) -> Result<Response, WebError> {
    let list = state.app.status_list().await?;
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        )],
        Json(StatusListDto::from(list)),
    )
        .into_response())
}
