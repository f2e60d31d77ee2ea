//! The offline part of verifying a licence: parse the header, find the key it names, check the
//! SM2 signature and, for a licence file, the face digest. Status comes from elsewhere.

use std::collections::BTreeMap;

use super::payload::{PayloadError, SignedLicence};
use super::signed::SignedHeader;
use super::signing::LicenceVerifier;

/// The result of checking a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The signature is the named key's, over exactly these bytes (and the face matches).
    Genuine(SignedHeader),
    /// The header names a key nobody published.
    UnknownKey(SignedHeader),
    /// The signature does not match the bytes: altered or forged.
    Forged(SignedHeader),
    /// The face shown is not the face that was signed.
    FaceAltered(SignedHeader),
}

impl SignatureCheck {
    pub fn header(&self) -> &SignedHeader {
        match self {
            SignatureCheck::Genuine(h)
            | SignatureCheck::UnknownKey(h)
            | SignatureCheck::Forged(h)
            | SignatureCheck::FaceAltered(h) => h,
        }
    }

    pub fn is_genuine(&self) -> bool {
        matches!(self, SignatureCheck::Genuine(_))
    }

    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureCheck::Genuine(_) => "genuine",
            SignatureCheck::UnknownKey(_) => "unknown_key",
            SignatureCheck::Forged(_) => "forged",
            SignatureCheck::FaceAltered(_) => "face_altered",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            SignatureCheck::Genuine(_) => "签名有效",
            SignatureCheck::UnknownKey(_) => "签名密钥未公布，无法确认",
            SignatureCheck::Forged(_) => "签名无效：数据被改动或伪造",
            SignatureCheck::FaceAltered(_) => "照面内容与签名不符",
        }
    }
}

/// Checks a signed licence against the published keys (`key` looks one up by id); `face`, when
/// given, must be the signed face.
pub fn check_signed<'k>(
    signed: &SignedLicence,
    face: Option<&BTreeMap<String, String>>,
    key: impl FnOnce(&str) -> Option<&'k LicenceVerifier>,
) -> Result<SignatureCheck, PayloadError> {
    let header = signed.header()?;
    let Some(verifier) = key(&header.key_id) else {
        return Ok(SignatureCheck::UnknownKey(header));
    };
    let ok = verifier
        .verify(&signed.header_bytes, &signed.signature)
        .map_err(|_| PayloadError::Malformed)?;
    if !ok || verifier.key_id() != header.key_id {
        return Ok(SignatureCheck::Forged(header));
    }
    if face.is_some_and(|f| !header.face_matches(f)) {
        return Ok(SignatureCheck::FaceAltered(header));
    }
    Ok(SignatureCheck::Genuine(header))
}
