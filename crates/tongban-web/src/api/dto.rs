//! Request and response bodies of the API, converted by hand from the use-case types so the
//! wire format only changes on purpose.

use serde::{Deserialize, Serialize};
use tongban_store::{DepartmentRow, DivisionRow, HallRow};
use utoipa::ToSchema;

/// An error, as every failing call returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `unauthenticated`, `forbidden`, `invalid_input`.
    pub code: String,
    /// What went wrong, in Chinese, for people.
    pub message: String,
    pub fields: Vec<FieldErrorDto>,
    /// Quote this when asking for help.
    pub request_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorDto {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DivisionDto {
    /// 12-digit administrative division code.
    pub code: String,
    pub name: String,
    /// GB/T 39046 行使层级: 2 province … 6 village.
    pub level: i64,
    pub parent_code: Option<String>,
}

impl From<DivisionRow> for DivisionDto {
    fn from(d: DivisionRow) -> Self {
        DivisionDto {
            code: d.code,
            name: d.name,
            level: d.level,
            parent_code: d.parent_code,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: String,
    pub name: String,
    pub short_name: String,
    /// 统一社会信用代码.
    pub uscc: String,
    pub division_code: String,
    pub parent_id: Option<String>,
}

impl From<DepartmentRow> for DepartmentDto {
    fn from(d: DepartmentRow) -> Self {
        DepartmentDto {
            id: d.id,
            name: d.name,
            short_name: d.short_name,
            uscc: d.uscc,
            division_code: d.division_code,
            parent_id: d.parent_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HallDto {
    pub id: String,
    pub name: String,
    /// `city_center`, `county_center`, `township_center` or `village_station`.
    pub kind: String,
    pub division_code: String,
    pub address: String,
    pub phone: String,
    /// Micro-degrees (WGS-84 degrees × 1,000,000).
    pub latitude_e6: i64,
    pub longitude_e6: i64,
    pub opening_hours: String,
}

impl From<HallRow> for HallDto {
    fn from(h: HallRow) -> Self {
        HallDto {
            id: h.id,
            name: h.name,
            kind: h.kind,
            division_code: h.division_code,
            address: h.address,
            phone: h.phone,
            latitude_e6: h.latitude_e6,
            longitude_e6: h.longitude_e6,
            opening_hours: h.opening_hours,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DivisionPageDto {
    pub division: DivisionDto,
    pub ancestors: Vec<DivisionDto>,
    pub children: Vec<DivisionDto>,
    pub departments: Vec<DepartmentDto>,
    pub halls: Vec<HallDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HallEditDto {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// Decimal degrees, e.g. "31.858".
    pub latitude: String,
    pub longitude: String,
    pub opening_hours: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DepartmentEditDto {
    pub name: String,
    pub short_name: String,
    pub uscc: String,
}

/// A JSON body whose parse errors come back in the API's error format: the content type must
/// be JSON, the body within the route's limit (else 413 `payload_too_large`) and UTF-8 as RFC
/// 8259 requires — serde skips unknown fields without checking their text, so the check is
/// made here, on the whole body (found by the hostile-input checks).
pub struct ApiJson<T>(pub T);

/// Decodes a JSON body as [`ApiJson`] does once the bytes are read.
pub fn decode_json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    if std::str::from_utf8(bytes).is_err() {
        return Err("请求体不是 UTF-8 编码的 JSON".to_string());
    }
    axum::Json::<T>::from_bytes(bytes)
        .map(|axum::Json(value)| value)
        .map_err(|rejection| rejection.body_text())
}

fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::error::WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(crate::error::WebError::BadRequest(
                "请求体不是有效的 JSON 或缺少字段：Content-Type 应为 application/json".to_string(),
            ));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(crate::error::WebError::TooLarge);
            }
            Err(rejection) => {
                return Err(crate::error::WebError::BadRequest(format!(
                    "请求体无法读取：{}",
                    rejection.body_text()
                )));
            }
        };
        decode_json_body(&bytes).map(ApiJson).map_err(|reason| {
            crate::error::WebError::BadRequest(format!(
                "请求体不是有效的 JSON 或缺少字段：{reason}"
            ))
        })
    }
}
