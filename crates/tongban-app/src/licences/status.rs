//! Suspending, revoking and reinstating licences (with a reason, by the issuing department), and
//! the signed status list offline verifiers cache.

use base64::Engine;
use serde::{Deserialize, Serialize};
use tongban_domain::Role;
use tongban_domain::licence::LicenceState;
use tongban_store::NewEvent;

use super::keys::PLATFORM_KEY_OWNER;
use crate::{App, AppError, Principal};

/// What an issuer may do to a licence's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateChange {
    Suspend,
    Reinstate,
    Revoke,
}

impl StateChange {
    fn transition(self) -> (&'static [LicenceState], LicenceState, &'static str) {
        match self {
            StateChange::Suspend => (
                &[LicenceState::Active],
                LicenceState::Suspended,
                "licence.suspended",
            ),
            StateChange::Reinstate => (
                &[LicenceState::Suspended],
                LicenceState::Active,
                "licence.reinstated",
            ),
            StateChange::Revoke => (
                &[LicenceState::Active, LicenceState::Suspended],
                LicenceState::Revoked,
                "licence.revoked",
            ),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StateChange::Suspend => "暂停",
            StateChange::Reinstate => "恢复",
            StateChange::Revoke => "注销",
        }
    }
}

/// The status list: every licence not active, signed by the platform key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusList {
    /// The exact signed bytes: JSON `{"format":"tongban-status-list/1","generated_at_ms":…,
    /// "entries":[{"id":…,"state":…,"since_ms":…}]}`.
    pub list: String,
    /// DER SM2 signature over `list`, base64.
    pub signature: String,
    pub key_id: String,
}

#[derive(Serialize)]
struct ListBody<'a> {
    format: &'a str,
    generated_at_ms: i64,
    entries: Vec<ListEntry>,
}

#[derive(Serialize)]
struct ListEntry {
    id: String,
    state: String,
    since_ms: i64,
}

impl App {
    /// Suspends, reinstates or revokes a licence, with a reason. Staff (approver or department
    /// admin) of the issuing department, or a system admin.
    pub async fn change_licence_state(
        &self,
        who: &Principal,
        id: &str,
        change: StateChange,
        reason: &str,
    ) -> Result<(), AppError> {
        who.require_role(&[Role::Approver, Role::DeptAdmin, Role::SystemAdmin])?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(AppError::field(
                "reason",
                "licence.reason_required",
                "请填写原因",
            ));
        }
        if reason.chars().count() > 200 {
            return Err(AppError::field(
                "reason",
                "licence.reason_too_long",
                "原因不超过200字",
            ));
        }
        let row = self
            .store
            .licence(id.trim())
            .await?
            .ok_or(AppError::NotFound("该证照"))?;
        self.require_issuer_staff(who, &row.issuer_department_id)
            .await?;
        let (from, to, action) = change.transition();
        let current = LicenceState::parse(&row.state).ok_or(AppError::Internal("state".into()))?;
        if !from.contains(&current) {
            return Err(AppError::Conflict(format!(
                "该证照当前为“{}”，不能{}",
                state_label(current),
                change.label()
            )));
        }
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let id = row.id.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if !ctx
                        .set_licence_state(&id, current.as_str(), to.as_str(), &reason, at_ms)
                        .await?
                    {
                        return Err(AppError::Conflict(
                            "该证照状态刚刚已被他人修改，请刷新后重试".into(),
                        ));
                    }
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: action.into(),
                        entity_type: "licence".into(),
                        entity_id: id,
                        payload: serde_json::json!({ "reason": reason }),
                    })
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// The current status list, signed with the platform key.
    pub async fn status_list(&self) -> Result<StatusList, AppError> {
        let entries = self
            .store
            .inactive_licences()
            .await?
            .into_iter()
            .map(|(id, state, since_ms)| ListEntry {
                id,
                state,
                since_ms,
            })
            .collect();
        let body = ListBody {
            format: "tongban-status-list/1",
            generated_at_ms: self.now_ms(),
            entries,
        };
        let list = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.to_string()))?;
        let signer = self.signer_for(PLATFORM_KEY_OWNER).await?;
        let signature =
            base64::engine::general_purpose::STANDARD.encode(signer.sign(list.as_bytes()));
        Ok(StatusList {
            list,
            signature,
            key_id: signer.key_id().to_string(),
        })
    }
}

pub(crate) fn state_label(s: LicenceState) -> &'static str {
    match s {
        LicenceState::Active => "有效",
        LicenceState::Suspended => "已暂停",
        LicenceState::Revoked => "已注销",
    }
}
