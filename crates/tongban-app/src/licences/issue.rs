//! Issuing licences: building the GB/T 36904 identifier and the facts, signing the header with
//! the issuing department's key, and writing the licence with its `licence.issued` event —
//! one at a time (manual, or when a case is approved) or in bulk (import, demo).

use std::collections::BTreeMap;

use rand::Rng;
use serde::Deserialize;
use time::Date;
use tongban_domain::licence::{
    Holder, HolderKind, LicenceFacts, LicenceId, LicenceSigner, LicenceState, LicenceType,
    SignedHeader,
};
use tongban_domain::{ResidentIdNumber, Role, Uscc};
use tongban_store::{DepartmentRow, LicenceRow, NewEvent};

use super::view::date_text;
use crate::{App, AppError, Principal};

/// What a member of staff fills in to issue a licence by hand.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueRequest {
    pub type_code: String,
    pub holder_name: String,
    /// 公民身份号码 or 统一社会信用代码, by the type's holder kind.
    pub holder_code: String,
    pub face: BTreeMap<String, String>,
    /// Defaults to today.
    pub valid_from: Option<Date>,
    /// 证照编号; generated when empty.
    pub number: Option<String>,
}

/// A licence to issue, already checked, with everything but the key and the signature.
#[derive(Debug, Clone)]
pub struct LicenceDraft {
    pub licence_type: LicenceType,
    pub facts: LicenceFacts,
    pub issuer_department_id: String,
    pub source: &'static str,
    pub application_id: Option<String>,
    pub state: LicenceState,
    pub state_reason: String,
    /// Kept on the record (an accepted import whose check character was wrong).
    pub warning: String,
}

/// 20 random upper-case letters and digits: the 流水号 of a generated identifier.
pub fn random_serial() -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
        .collect()
}

/// Checks a holder code against the holder kind (check digits included).
pub(crate) fn check_holder_code(
    kind: HolderKind,
    code: &str,
    today: Date,
) -> Result<String, AppError> {
    let code = code.trim().to_uppercase();
    match kind {
        HolderKind::Person => ResidentIdNumber::parse(&code, today)
            .map(|id| id.as_str().to_string())
            .map_err(|e| AppError::field("holder_code", e.code(), e.to_string())),
        HolderKind::Organisation => Uscc::parse(&code)
            .map(|u| u.as_str().to_string())
            .map_err(|e| AppError::field("holder_code", e.code(), e.to_string())),
    }
}

/// Builds the facts of a licence of `lt` issued by `issuer`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draft_facts(
    lt: &LicenceType,
    issuer: &DepartmentRow,
    serial: &str,
    holder: Holder,
    face: BTreeMap<String, String>,
    issued_on: Date,
    valid_from: Date,
    number: Option<String>,
) -> Result<LicenceFacts, AppError> {
    let id = LicenceId::generate(&lt.code, &issuer.uscc, serial, 1)
        .map_err(|e| AppError::field("serial", e.code(), e.to_string()))?;
    let missing: Vec<&str> = lt
        .face_fields
        .iter()
        .filter(|f| f.required && face.get(&f.key).is_none_or(|v| v.trim().is_empty()))
        .map(|f| f.label.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "face",
            "licence.face_missing",
            format!("请填写照面项：{}", missing.join("、")),
        ));
    }
    let number = number.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| {
        format!(
            "{}{}{}",
            &lt.code.as_str()[18..],
            date_text(issued_on).replace('-', ""),
            &serial[..8.min(serial.len())]
        )
    });
    Ok(LicenceFacts {
        type_code: lt.code.clone(),
        name: lt.name.clone(),
        number,
        holder,
        issuer_name: issuer.name.clone(),
        issuer_code: issuer.uscc.clone(),
        issued_on,
        valid_from,
        valid_until: lt.validity.until(valid_from),
        face,
        id,
    })
}

/// Signs a draft: the row and its event.
pub(crate) fn sign_draft(
    draft: &LicenceDraft,
    signer: &LicenceSigner,
    holder_key: String,
    actor: &str,
    at_ms: i64,
) -> Result<(LicenceRow, NewEvent), AppError> {
    let f = &draft.facts;
    let header = SignedHeader::of(f, signer.key_id()).to_bytes();
    let signature = signer.sign(&header);
    use base64::Engine;
    let row = LicenceRow {
        id: f.id.as_str().to_string(),
        type_code: f.type_code.as_str().to_string(),
        name: f.name.clone(),
        number: f.number.clone(),
        holder_kind: f.holder.kind.code().to_string(),
        holder_name: f.holder.name.clone(),
        holder_code: f.holder.code.clone(),
        holder_key,
        issuer_department_id: draft.issuer_department_id.clone(),
        issuer_name: f.issuer_name.clone(),
        issuer_code: f.issuer_code.clone(),
        issued_on: date_text(f.issued_on),
        valid_from: date_text(f.valid_from),
        valid_until: f.valid_until.map(date_text),
        face: serde_json::to_string(&f.face).map_err(|e| AppError::Internal(e.to_string()))?,
        key_id: signer.key_id().to_string(),
        signature: base64::engine::general_purpose::STANDARD.encode(&signature),
        state: draft.state.as_str().to_string(),
        state_reason: draft.state_reason.clone(),
        state_changed_at_ms: at_ms,
        source: draft.source.to_string(),
        application_id: draft.application_id.clone(),
        warning: draft.warning.clone(),
        created_at_ms: at_ms,
    };
    let event = NewEvent {
        at_ms,
        actor: actor.to_string(),
        action: "licence.issued".into(),
        entity_type: "licence".into(),
        entity_id: row.id.clone(),
        payload: serde_json::json!({
            "type_code": row.type_code,
            "issuer_department_id": row.issuer_department_id,
            "key_id": row.key_id,
            "source": row.source,
            "application_id": row.application_id,
        }),
    };
    Ok((row, event))
}

impl App {
    /// The licence type with this code.
    pub async fn licence_type(&self, code: &str) -> Result<LicenceType, AppError> {
        let row = self
            .store
            .licence_type(code)
            .await?
            .ok_or(AppError::NotFound("该证照类型"))?;
        serde_json::from_str(&row.content).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Every licence type of the catalogue.
    pub async fn licence_types(&self) -> Result<Vec<LicenceType>, AppError> {
        self.store
            .licence_types()
            .await?
            .iter()
            .map(|r| {
                serde_json::from_str(&r.content).map_err(|e| AppError::Internal(e.to_string()))
            })
            .collect()
    }

    /// The keyed hash under which a holder's licences are found.
    pub(crate) fn holder_key(&self, code: &str) -> String {
        self.id_number_key(&code.trim().to_uppercase())
    }

    /// Issues a licence by hand: staff (approver or department admin) of a department that
    /// issues the type.
    pub async fn issue_licence(
        &self,
        who: &Principal,
        req: IssueRequest,
    ) -> Result<LicenceRow, AppError> {
        let unit = who.require_role(&[Role::Approver, Role::DeptAdmin])?;
        let lt = self.licence_type(req.type_code.trim()).await?;
        if !lt.issuing_department_ids.iter().any(|d| d == unit.id()) {
            return Err(AppError::Forbidden);
        }
        if req.holder_name.trim().is_empty() {
            return Err(AppError::field(
                "holder_name",
                "licence.holder_name",
                "请填写持证主体名称",
            ));
        }
        let code = check_holder_code(lt.holder_kind, &req.holder_code, self.today())?;
        let issuer = self
            .store
            .department(unit.id())
            .await?
            .ok_or(AppError::NotFound("该部门"))?;
        let today = self.today();
        let facts = draft_facts(
            &lt,
            &issuer,
            &random_serial(),
            Holder {
                name: req.holder_name.trim().to_string(),
                kind: lt.holder_kind,
                code,
            },
            req.face,
            today,
            req.valid_from.unwrap_or(today),
            req.number,
        )?;
        let draft = LicenceDraft {
            licence_type: lt,
            facts,
            issuer_department_id: issuer.id.clone(),
            source: "manual",
            application_id: None,
            state: LicenceState::Active,
            state_reason: String::new(),
            warning: String::new(),
        };
        let mut rows = self.sign_and_write(vec![draft], who.account_id()).await?;
        rows.pop()
            .ok_or(AppError::Internal("no licence written".into()))
    }

    /// Signs drafts (in parallel on blocking threads when there are many) and writes them with
    /// their events, a thousand per unit of work. A draft whose identifier, or whose (case,
    /// type), exists already is skipped. Returns the rows written.
    pub async fn sign_and_write(
        &self,
        drafts: Vec<LicenceDraft>,
        actor: &str,
    ) -> Result<Vec<LicenceRow>, AppError> {
        let mut signers: BTreeMap<String, LicenceSigner> = BTreeMap::new();
        for d in &drafts {
            if !signers.contains_key(&d.issuer_department_id) {
                let s = self.signer_for(&d.issuer_department_id).await?;
                signers.insert(d.issuer_department_id.clone(), s);
            }
        }
        let at_ms = self.now_ms();
        let keyed: Vec<(LicenceDraft, String)> = drafts
            .into_iter()
            .map(|d| {
                let k = self.holder_key(&d.facts.holder.code);
                (d, k)
            })
            .collect();
        let mut written = Vec::with_capacity(keyed.len());
        for chunk in keyed.chunks(1000) {
            let signed =
                sign_chunk(chunk.to_vec(), signers.clone(), actor.to_string(), at_ms).await?;
            let rows: Vec<LicenceRow> = signed.iter().map(|(r, _)| r.clone()).collect();
            let inserted = self
                .store
                .write(move |ctx| {
                    Box::pin(async move {
                        let (rows, events): (Vec<LicenceRow>, Vec<NewEvent>) =
                            signed.into_iter().unzip();
                        let inserted: std::collections::HashSet<String> = ctx
                            .insert_licences_returning(&rows)
                            .await?
                            .into_iter()
                            .collect();
                        for event in events {
                            if inserted.contains(&event.entity_id) {
                                ctx.append_event(event).await?;
                            }
                        }
                        Ok::<_, AppError>(inserted)
                    })
                })
                .await?;
            written.extend(rows.into_iter().filter(|r| inserted.contains(&r.id)));
        }
        Ok(written)
    }
}

/// Signs a chunk of drafts, split across two blocking threads.
async fn sign_chunk(
    chunk: Vec<(LicenceDraft, String)>,
    signers: BTreeMap<String, LicenceSigner>,
    actor: String,
    at_ms: i64,
) -> Result<Vec<(LicenceRow, NewEvent)>, AppError> {
    let sign_all = move |part: Vec<(LicenceDraft, String)>,
                         signers: BTreeMap<String, LicenceSigner>,
                         actor: String| {
        part.into_iter()
            .map(|(d, key)| {
                let signer = signers
                    .get(&d.issuer_department_id)
                    .ok_or_else(|| AppError::Internal("no signer".into()))?;
                sign_draft(&d, signer, key, &actor, at_ms)
            })
            .collect::<Result<Vec<_>, AppError>>()
    };
    if chunk.len() < 64 {
        return sign_all(chunk, signers, actor);
    }
    let mut first = chunk;
    let second = first.split_off(first.len() / 2);
    let (s2, a2) = (signers.clone(), actor.clone());
    let h1 = tokio::task::spawn_blocking(move || sign_all(first, signers, actor));
    let h2 = tokio::task::spawn_blocking(move || sign_all(second, s2, a2));
    let mut out = h1.await.map_err(|e| AppError::Internal(e.to_string()))??;
    out.extend(h2.await.map_err(|e| AppError::Internal(e.to_string()))??);
    Ok(out)
}
