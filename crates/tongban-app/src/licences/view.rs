//! A stored licence as facts, as its signed header and QR payload, and as a view for pages, with
//! who may see it.

use std::collections::BTreeMap;

use base64::Engine;
use serde::Serialize;
use time::Date;
use time::macros::format_description;
use tongban_domain::licence::{
    Holder, HolderKind, LicenceFacts, LicenceFile, LicenceId, LicenceState, LicenceStatus,
    LicenceTypeCode, SignedHeader, SignedLicence,
};
use tongban_domain::{Role, mask_name};
use tongban_store::LicenceRow;

use crate::{App, AppError, Principal};

pub(crate) fn date_text(d: Date) -> String {
    d.format(&format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub(crate) fn parse_date(s: &str) -> Result<Date, AppError> {
    Date::parse(s, &format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::Internal(format!("bad stored date {s}")))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The facts a stored row holds.
pub(crate) fn facts_of(row: &LicenceRow) -> Result<LicenceFacts, AppError> {
    let id = LicenceId::try_from(row.id.clone()).map_err(internal)?;
    Ok(LicenceFacts {
        type_code: LicenceTypeCode::parse(&row.type_code).map_err(internal)?,
        name: row.name.clone(),
        number: row.number.clone(),
        holder: Holder {
            name: row.holder_name.clone(),
            kind: HolderKind::from_code(&row.holder_kind).ok_or_else(|| internal("holder kind"))?,
            code: row.holder_code.clone(),
        },
        issuer_name: row.issuer_name.clone(),
        issuer_code: row.issuer_code.clone(),
        issued_on: parse_date(&row.issued_on)?,
        valid_from: parse_date(&row.valid_from)?,
        valid_until: row.valid_until.as_deref().map(parse_date).transpose()?,
        face: serde_json::from_str(&row.face).map_err(internal)?,
        id,
    })
}

/// The signed header rebuilt from the row, and its signature.
pub(crate) fn signed_of(row: &LicenceRow) -> Result<SignedLicence, AppError> {
    let facts = facts_of(row)?;
    Ok(SignedLicence {
        header_bytes: SignedHeader::of(&facts, &row.key_id).to_bytes(),
        signature: base64::engine::general_purpose::STANDARD
            .decode(&row.signature)
            .map_err(internal)?,
    })
}

/// The status a verifier is told today.
pub(crate) fn status_of(
    row_state: &str,
    valid_from: &str,
    valid_until: Option<&str>,
    today: Date,
) -> Result<LicenceStatus, AppError> {
    let state = LicenceState::parse(row_state).ok_or_else(|| internal("licence state"))?;
    Ok(LicenceStatus::of(
        state,
        parse_date(valid_from)?,
        valid_until.map(parse_date).transpose()?,
        today,
    ))
}

/// A licence as its holder or its issuer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct LicenceView {
    pub id: String,
    pub type_code: String,
    pub name: String,
    pub number: String,
    pub holder_name: String,
    /// The code, masked (the holder sees it whole on the printed file).
    pub holder_code_masked: String,
    pub holder_kind: String,
    pub issuer_department_id: String,
    pub issuer_name: String,
    pub issued_on: String,
    pub valid_from: String,
    /// `None` = 长期.
    pub valid_until: Option<String>,
    /// (label, value) in the type's order.
    pub face: Vec<(String, String)>,
    pub status: LicenceStatus,
    pub status_label: String,
    pub state_reason: String,
    pub source: String,
    pub application_id: Option<String>,
    pub warning: String,
    pub key_id: String,
    /// The QR code's text: the status URL with the signed payload.
    pub qr_text: String,
}

/// Masks a holder code: the first 6 and last 4 characters stay.
pub fn mask_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

impl App {
    /// The URL a licence's QR code opens: the public check page with the signed payload.
    pub fn licence_qr_text(&self, signed: &SignedLicence) -> String {
        format!(
            "{}/verify?p={}",
            self.config.public_base_url.trim_end_matches('/'),
            signed.qr_payload()
        )
    }

    pub(crate) async fn licence_view_of(&self, row: &LicenceRow) -> Result<LicenceView, AppError> {
        let labels: BTreeMap<String, String> = match self.licence_type(&row.type_code).await {
            Ok(lt) => lt
                .face_fields
                .into_iter()
                .map(|f| (f.key, f.label))
                .collect(),
            Err(_) => BTreeMap::new(),
        };
        let face_map: BTreeMap<String, String> =
            serde_json::from_str(&row.face).map_err(internal)?;
        let mut face: Vec<(String, String)> = Vec::new();
        for (key, label) in &labels {
            if let Some(v) = face_map.get(key) {
                face.push((label.clone(), v.clone()));
            }
        }
        for (key, v) in &face_map {
            if !labels.contains_key(key) {
                face.push((key.clone(), v.clone()));
            }
        }
        let status = status_of(
            &row.state,
            &row.valid_from,
            row.valid_until.as_deref(),
            self.today(),
        )?;
        let signed = signed_of(row)?;
        Ok(LicenceView {
            id: row.id.clone(),
            type_code: row.type_code.clone(),
            name: row.name.clone(),
            number: row.number.clone(),
            holder_name: row.holder_name.clone(),
            holder_code_masked: mask_code(&row.holder_code),
            holder_kind: row.holder_kind.clone(),
            issuer_department_id: row.issuer_department_id.clone(),
            issuer_name: row.issuer_name.clone(),
            issued_on: row.issued_on.clone(),
            valid_from: row.valid_from.clone(),
            valid_until: row.valid_until.clone(),
            face,
            status,
            status_label: status.label().to_string(),
            state_reason: row.state_reason.clone(),
            source: row.source.clone(),
            application_id: row.application_id.clone(),
            warning: row.warning.clone(),
            key_id: row.key_id.clone(),
            qr_text: self.licence_qr_text(&signed),
        })
    }

    /// The holder's code of the signed-in citizen (ID number) or enterprise (credit code).
    pub(crate) async fn own_holder_code(
        &self,
        who: &Principal,
    ) -> Result<Option<String>, AppError> {
        Ok(match who {
            Principal::Citizen { account_id, .. } => self
                .store
                .citizen_profile(account_id)
                .await?
                .map(|p| p.id_number),
            Principal::Enterprise { account_id, .. } => self
                .store
                .enterprise_profile(account_id)
                .await?
                .map(|p| p.uscc),
            Principal::Staff { .. } => None,
        })
    }

    /// Staff of the issuing department, or a system administrator within whose division the
    /// department sits; Forbidden for anyone else.
    pub(crate) async fn require_issuer_staff(
        &self,
        who: &Principal,
        issuer_department_id: &str,
    ) -> Result<(), AppError> {
        let unit = who.require_staff()?;
        if who.role() == Some(Role::SystemAdmin) {
            let issuer = self
                .store
                .department(issuer_department_id)
                .await?
                .and_then(|d| tongban_domain::DivisionCode::parse(&d.division_code).ok())
                .ok_or(AppError::Forbidden)?;
            who.require_scope(&[Role::SystemAdmin], &issuer)?;
        } else if unit.id() != issuer_department_id {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// A licence, for its holder, staff of its issuing department or a system admin over it (staff
    /// reads are recorded as events: the licence carries the holder's code).
    pub async fn licence_row_for(&self, who: &Principal, id: &str) -> Result<LicenceRow, AppError> {
        let row = self
            .store
            .licence(id.trim())
            .await?
            .ok_or(AppError::NotFound("该证照"))?;
        match who {
            Principal::Staff { .. } => {
                self.require_issuer_staff(who, &row.issuer_department_id)
                    .await?;
                self.record_read(
                    who,
                    "licence.viewed",
                    "licence",
                    &row.id,
                    serde_json::json!({ "type_code": row.type_code }),
                )
                .await?;
            }
            _ => {
                let own = self.own_holder_code(who).await?;
                if own.is_none_or(|c| self.holder_key(&c) != row.holder_key) {
                    return Err(AppError::Forbidden);
                }
            }
        }
        Ok(row)
    }

    /// A licence as a page shows it.
    pub async fn licence_view(&self, who: &Principal, id: &str) -> Result<LicenceView, AppError> {
        let row = self.licence_row_for(who, id).await?;
        self.licence_view_of(&row).await
    }

    /// The licence file (`tongban-licence/1`): what the holder downloads and anyone can verify
    /// offline with the published keys.
    pub async fn licence_file(&self, who: &Principal, id: &str) -> Result<LicenceFile, AppError> {
        let row = self.licence_row_for(who, id).await?;
        let facts = facts_of(&row)?;
        Ok(LicenceFile::new(&signed_of(&row)?, &facts.face))
    }

    /// The licence with its holder's name masked, for lists.
    pub fn masked_holder(name: &str) -> String {
        mask_name(name)
    }
}
