//! The audit side: verifying the event chain, reading the log, and audited reads of personal
//! records by staff.

use serde_json::json;
use tongban_domain::{ResidentIdNumber, Role, mask_phone};
use tongban_store::{EventRow, NewEvent, StoreError, VerifyOutcome};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// One event as shown to supervisors.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventView {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub payload: serde_json::Value,
    pub hash: String,
}

/// A citizen's personal record as staff see it (after the read has been logged).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CitizenRecord {
    pub account_id: String,
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
    pub division_code: Option<String>,
}

const AUDITORS: [Role; 2] = [Role::SystemAdmin, Role::BureauSupervisor];
const RECORD_READERS: [Role; 5] = [
    Role::SystemAdmin,
    Role::WindowClerk,
    Role::Reviewer,
    Role::Approver,
    Role::Runner,
];

impl App {
    /// Records that a member of staff read something personal (`action`, on `entity_type`
    /// `entity_id`): one event, written before what was read is returned.
    pub(crate) async fn record_read(
        &self,
        who: &Principal,
        action: &str,
        entity_type: &str,
        entity_id: &str,
        payload: serde_json::Value,
    ) -> Result<(), AppError> {
        let event = tongban_store::NewEvent {
            at_ms: self.now_ms(),
            actor: who.account_id().to_string(),
            action: action.to_string(),
            entity_type: entity_type.to_string(),
            entity_id: entity_id.to_string(),
            payload,
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.append_event(event).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// Re-computes the whole chain (city-level system administrators and supervisors: the
    /// chain is the whole city's).
    pub async fn verify_audit_chain(&self, who: &Principal) -> Result<VerifyOutcome, AppError> {
        who.require_city_level(&AUDITORS)?;
        Ok(self.store.verify_events().await?)
    }

    /// The same, for the operator's CLI.
    pub async fn verify_audit_chain_as_operator(&self) -> Result<VerifyOutcome, AppError> {
        Ok(self.store.verify_events().await?)
    }

    /// Events after a cursor (city-level system administrators and supervisors: the log is the
    /// whole city's, with what applicants in every county typed).
    pub async fn events_after(
        &self,
        who: &Principal,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventView>, AppError> {
        who.require_city_level(&AUDITORS)?;
        let rows = self
            .store
            .events_after(after.max(0), limit.clamp(1, 1_000))
            .await?;
        // Applications' events carry what applicants typed (names, phones, addresses): a staff
        // read of them is itself on the record, written before the events are returned.
        let cases = rows
            .iter()
            .filter(|e| e.entity_type == "application")
            .count();
        if cases > 0 {
            let payload = serde_json::json!({
                "after": after.max(0),
                "last": rows.last().map(|e| e.seq),
                "application_events": cases,
            });
            self.record_read(
                who,
                "audit.application_events_read",
                "event_log",
                "",
                payload,
            )
            .await?;
        }
        Ok(rows.into_iter().map(event_view).collect())
    }

    /// A member of staff opens a citizen's personal record. The read is an event, written
    /// before the record is returned.
    pub async fn view_citizen_record(
        &self,
        who: &Principal,
        account_id: &str,
    ) -> Result<CitizenRecord, AppError> {
        who.require_role(&RECORD_READERS)?;
        let profile = self
            .store
            .citizen_profile(account_id)
            .await?
            .ok_or(AppError::NotFound("该群众"))?;
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let subject = profile.account_id.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "personal_record.viewed".into(),
                        entity_type: "citizen".into(),
                        entity_id: subject,
                        payload: json!({ "fields": ["real_name", "id_number", "phone"] }),
                    })
                    .await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        Ok(CitizenRecord {
            account_id: profile.account_id,
            real_name: profile.real_name,
            id_number: profile.id_number,
            phone: profile.phone,
            division_code: profile.division_code,
        })
    }

    /// The signed-in citizen's own record, masked for display (no audit: it is their own).
    pub async fn my_citizen_profile(&self, who: &Principal) -> Result<CitizenRecord, AppError> {
        let Principal::Citizen { account_id, .. } = who else {
            return Err(AppError::Forbidden);
        };
        let profile = self
            .store
            .citizen_profile(account_id)
            .await?
            .ok_or(AppError::NotFound("该群众"))?;
        let masked_id = ResidentIdNumber::parse(&profile.id_number, self.today())
            .map(|id| id.masked())
            .unwrap_or_else(|_| "******************".into());
        Ok(CitizenRecord {
            account_id: profile.account_id,
            real_name: profile.real_name,
            id_number: masked_id,
            phone: mask_phone(&profile.phone),
            division_code: profile.division_code,
        })
    }
}

fn event_view(row: EventRow) -> EventView {
    let payload =
        serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::String(row.payload));
    EventView {
        seq: row.seq,
        at_ms: row.at_ms,
        actor: row.actor,
        action: row.action,
        entity_type: row.entity_type,
        entity_id: row.entity_id,
        payload,
        hash: row.hash,
    }
}
