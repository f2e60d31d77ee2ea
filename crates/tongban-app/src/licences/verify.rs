//! Verifying a licence for anyone, without login: by identifier, by QR payload or by an
//! uploaded file. The signature is checked against the published key, the face digest (for a
//! file) and the live status; every check is written to the 用证记录.

use serde::Serialize;
use tongban_domain::licence::{
    LicenceStatus, PayloadError, Presented, SignatureCheck, SignedLicence, check_signed,
    read_presented,
};
use tongban_domain::mask_name;
use tongban_store::UsageRow;

use super::view::{signed_of, status_of};
use crate::{App, AppError, Principal};

/// What a verifier handed in.
#[derive(Debug, Clone)]
pub enum VerifyInput {
    /// A 证照标识: the licence is looked up and its stored signature checked.
    Identifier(String),
    /// The QR text (bare `TBL1.…` or the URL carrying it).
    Payload(String),
    /// An uploaded file: a licence file (JSON) or a PDF carrying the payload.
    File(Vec<u8>),
}

/// What a verifier is shown: minimal data and the status.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// `genuine`, `unknown_key`, `forged`, `face_altered`, or `not_found`.
    pub signature: String,
    pub signature_label: String,
    /// Known only for licences this platform holds.
    pub status: Option<LicenceStatus>,
    pub status_label: String,
    /// Why it was suspended or revoked.
    pub state_reason: String,
    pub id: String,
    pub name: String,
    pub number: String,
    /// Masked: 张*.
    pub holder: String,
    pub issuer_name: String,
    pub issued_on: String,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub key_id: String,
}

impl Verification {
    /// Genuine and currently valid: the one answer that lets a licence be relied on.
    pub fn is_valid(&self) -> bool {
        self.signature == "genuine" && self.status == Some(LicenceStatus::Valid)
    }
}

fn bad_input(e: PayloadError) -> AppError {
    AppError::field("licence", e.code(), e.to_string())
}

impl App {
    /// Checks a signed licence: signature (and face) against the published key, then the
    /// status the platform holds. Records nothing (see [`App::verify_licence`]).
    pub async fn check_licence(
        &self,
        signed: &SignedLicence,
        face: Option<&std::collections::BTreeMap<String, String>>,
    ) -> Result<Verification, AppError> {
        Ok(self.check_with_holder(signed, face).await?.0)
    }

    /// [`App::check_licence`] and the holder key of the licence (empty when the platform does
    /// not hold it), from the same status read.
    async fn check_with_holder(
        &self,
        signed: &SignedLicence,
        face: Option<&std::collections::BTreeMap<String, String>>,
    ) -> Result<(Verification, String), AppError> {
        let header = signed.header().map_err(|e| bad_input(e.into()))?;
        let verifier = self.verifier_for(&header.key_id).await?;
        let check = check_signed(signed, face, |_| verifier.as_deref()).map_err(bad_input)?;
        let loader = self
            .licence_keys
            .status_loader
            .get_or_init(|| super::status_loader::StatusLoader::start(self.store.clone()));
        let state = loader.state(header.id.as_str()).await?;
        let today = self.today();
        let (status, reason, holder_key) = match state {
            Some(s) => (
                Some(status_of(
                    &s.state,
                    &s.valid_from,
                    s.valid_until.as_deref(),
                    today,
                )?),
                s.state_reason,
                s.holder_key,
            ),
            None => (None, String::new(), String::new()),
        };
        Ok((verification(&check, status, reason), holder_key))
    }

    /// Verifies what a member of the public (or staff) handed in and records the check.
    pub async fn verify_licence(
        &self,
        input: VerifyInput,
        who: Option<&Principal>,
    ) -> Result<Verification, AppError> {
        let (result, holder_key) = match input {
            VerifyInput::Identifier(id) => {
                let id = id.trim().to_string();
                match self.store.licence(&id).await? {
                    Some(row) => {
                        let v = self.check_licence(&signed_of(&row)?, None).await?;
                        (v, row.holder_key)
                    }
                    None => (not_found(&id), String::new()),
                }
            }
            VerifyInput::Payload(text) => {
                let signed = SignedLicence::from_qr(&text).map_err(bad_input)?;
                self.check_with_holder(&signed, None).await?
            }
            VerifyInput::File(bytes) => match read_presented(&bytes).map_err(bad_input)? {
                Presented::File(file) => {
                    let signed = file.signed().map_err(bad_input)?;
                    self.check_with_holder(&signed, Some(&file.face)).await?
                }
                Presented::Payload(signed) => self.check_with_holder(&signed, None).await?,
            },
        };
        let at_ms = self.now_ms();
        let usage = UsageRow {
            id: uuid::Uuid::now_v7().to_string(),
            at_ms,
            licence_id: (!result.id.is_empty()).then(|| result.id.clone()),
            holder_key,
            operation: "verify".into(),
            cause: "核验证照真伪和状态".into(),
            item_code: None,
            application_id: None,
            department_id: None,
            actor_id: who.map(|w| w.account_id().to_string()),
            actor_label: match who {
                Some(w) if w.is_staff() => w.display_name().to_string(),
                _ => "公众核验".into(),
            },
            result: result.signature.clone(),
            detail: result.status_label.clone(),
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move { ctx.insert_usages(&[usage]).await.map_err(AppError::from) })
            })
            .await?;
        Ok(result)
    }
}

fn not_found(id: &str) -> Verification {
    Verification {
        signature: "not_found".into(),
        signature_label: "未找到该证照标识".into(),
        status: None,
        status_label: "未找到".into(),
        state_reason: String::new(),
        id: id.chars().take(100).collect(),
        name: String::new(),
        number: String::new(),
        holder: String::new(),
        issuer_name: String::new(),
        issued_on: String::new(),
        valid_from: String::new(),
        valid_until: None,
        key_id: String::new(),
    }
}

fn verification(
    check: &SignatureCheck,
    status: Option<LicenceStatus>,
    reason: String,
) -> Verification {
    let h = check.header();
    let date = super::view::date_text;
    Verification {
        signature: check.code().into(),
        signature_label: check.label().into(),
        status,
        status_label: status
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| "本平台无此证照记录".into()),
        state_reason: reason,
        id: h.id.as_str().into(),
        name: h.name.clone(),
        number: h.number.clone(),
        holder: mask_name(&h.holder_name),
        issuer_name: h.issuer_name.clone(),
        issued_on: date(h.issued_on),
        valid_from: date(h.valid_from),
        valid_until: h.valid_until.map(date),
        key_id: h.key_id.clone(),
    }
}
