//! How a signed licence travels: the compact QR payload (`TBL1.<header>.<signature>`, base64url
//! without padding), optionally inside a status URL as `?p=`, and the licence file
//! (`tongban-licence/1`, JSON) that also carries the face.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use super::signed::{HeaderError, SignedHeader};

/// The prefix of every QR payload.
pub const QR_PREFIX: &str = "TBL1.";
/// The `format` of a licence file.
pub const FILE_FORMAT: &str = "tongban-licence/1";

/// A signed header and its DER signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLicence {
    pub header_bytes: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Why a payload or a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("未找到证照二维码数据（应以 TBL1. 开头）")]
    NotFound,
    #[error("证照二维码数据不完整")]
    Malformed,
    #[error("证照文件格式不正确：{0}")]
    File(String),
    #[error(transparent)]
    Header(#[from] HeaderError),
}

impl PayloadError {
    pub fn code(&self) -> &'static str {
        match self {
            PayloadError::NotFound => "licence.payload_missing",
            PayloadError::Malformed => "licence.payload_malformed",
            PayloadError::File(_) => "licence.file_malformed",
            PayloadError::Header(_) => "licence.header_malformed",
        }
    }
}

impl SignedLicence {
    /// The QR payload text.
    pub fn qr_payload(&self) -> String {
        format!(
            "{QR_PREFIX}{}.{}",
            URL_SAFE_NO_PAD.encode(&self.header_bytes),
            URL_SAFE_NO_PAD.encode(&self.signature)
        )
    }

    /// Reads a QR payload: the bare `TBL1.…` text, or a URL carrying it as `p=`.
    pub fn from_qr(text: &str) -> Result<Self, PayloadError> {
        let text = text.trim();
        let start = text.find(QR_PREFIX).ok_or(PayloadError::NotFound)?;
        let rest = &text[start + QR_PREFIX.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let mut parts = rest[..end].split('.');
        let (Some(h), Some(s), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(PayloadError::Malformed);
        };
        let header_bytes = URL_SAFE_NO_PAD
            .decode(h)
            .map_err(|_| PayloadError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| PayloadError::Malformed)?;
        if header_bytes.is_empty() || signature.is_empty() {
            return Err(PayloadError::Malformed);
        }
        Ok(Self {
            header_bytes,
            signature,
        })
    }

    /// The parsed header (not yet verified).
    pub fn header(&self) -> Result<SignedHeader, HeaderError> {
        SignedHeader::parse(&self.header_bytes)
    }
}

/// A licence file: the signed header, its signature, and the face it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFile {
    pub format: String,
    /// The signed header bytes, base64.
    pub header: String,
    /// The DER signature, base64.
    pub signature: String,
    pub face: BTreeMap<String, String>,
}

impl LicenceFile {
    pub fn new(signed: &SignedLicence, face: &BTreeMap<String, String>) -> Self {
        Self {
            format: FILE_FORMAT.to_string(),
            header: STANDARD.encode(&signed.header_bytes),
            signature: STANDARD.encode(&signed.signature),
            face: face.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        let file: LicenceFile =
            serde_json::from_slice(bytes).map_err(|e| PayloadError::File(e.to_string()))?;
        if file.format != FILE_FORMAT {
            return Err(PayloadError::File(format!("format 应为 {FILE_FORMAT}")));
        }
        Ok(file)
    }

    pub fn signed(&self) -> Result<SignedLicence, PayloadError> {
        let header_bytes = STANDARD
            .decode(&self.header)
            .map_err(|_| PayloadError::File("header 不是 base64".into()))?;
        let signature = STANDARD
            .decode(&self.signature)
            .map_err(|_| PayloadError::File("signature 不是 base64".into()))?;
        Ok(SignedLicence {
            header_bytes,
            signature,
        })
    }
}

/// What an uploaded file holds: a licence file (JSON), or any file carrying a QR payload in its
/// bytes (the PDF writes it uncompressed), or the payload text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    File(LicenceFile),
    Payload(SignedLicence),
}

/// Reads whatever a verifier was handed.
pub fn read_presented(bytes: &[u8]) -> Result<Presented, PayloadError> {
    let trimmed = bytes.trim_ascii_start();
    if trimmed.first() == Some(&b'{') {
        return LicenceFile::parse(trimmed).map(Presented::File);
    }
    let marker = QR_PREFIX.as_bytes();
    let start = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .ok_or(PayloadError::NotFound)?;
    let tail = &bytes[start..];
    let end = tail
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_' || *c == b'.'))
        .unwrap_or(tail.len());
    let text = std::str::from_utf8(&tail[..end]).map_err(|_| PayloadError::Malformed)?;
    SignedLicence::from_qr(text).map(Presented::Payload)
}
