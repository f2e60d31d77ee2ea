//! Mandates (委托): an applicant authorises a runner to apply for them — for which items and
//! until when — and may revoke it; every case a runner starts names the mandate it used.

use serde::Serialize;
use serde_json::json;
use time::Date;
use tongban_domain::Role;
use tongban_store::{MandateRow, NewEvent};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// Granting a mandate.
#[derive(Debug, Clone)]
pub struct MandateRequest {
    /// The runner's login.
    pub agent_login: String,
    /// Item ids; empty means every item.
    pub item_ids: Vec<String>,
    pub valid_until: Date,
}

/// A mandate as its two parties see it.
#[derive(Debug, Clone, Serialize)]
pub struct MandateView {
    pub id: String,
    pub agent_account: String,
    pub agent_name: String,
    pub principal_account: String,
    pub principal_name: String,
    /// `None`: every item.
    pub item_ids: Option<Vec<String>>,
    pub valid_until: String,
    pub revoked: bool,
    pub active: bool,
}

fn items_text(ids: &[String]) -> String {
    if ids.is_empty() {
        "*".into()
    } else {
        format!(",{},", ids.join(","))
    }
}

impl App {
    /// The applicant grants a runner a mandate.
    pub async fn grant_mandate(
        &self,
        who: &Principal,
        req: MandateRequest,
    ) -> Result<MandateView, AppError> {
        if who.is_staff() {
            return Err(AppError::Forbidden);
        }
        let agent = self
            .store
            .account_by_login(req.agent_login.trim())
            .await?
            .filter(|a| a.role.as_deref() == Some(Role::Runner.code()) && a.disabled == 0)
            .ok_or_else(|| {
                AppError::field(
                    "agent_login",
                    "mandate.no_runner",
                    "未找到该帮代办员，请核对账号",
                )
            })?;
        if req.valid_until <= self.today() {
            return Err(AppError::field(
                "valid_until",
                "mandate.bad_date",
                "委托有效期须晚于今天",
            ));
        }
        let row = MandateRow {
            id: self.new_item_id(),
            agent_account: agent.id.clone(),
            principal_account: who.account_id().to_string(),
            item_ids: items_text(&req.item_ids),
            valid_until: req.valid_until.to_string(),
            created_at_ms: self.now_ms(),
            revoked_at_ms: None,
        };
        let event = NewEvent {
            at_ms: row.created_at_ms,
            actor: who.account_id().to_string(),
            action: "mandate.granted".into(),
            entity_type: "mandate".into(),
            entity_id: row.id.clone(),
            payload: json!({ "agent": row.agent_account, "items": row.item_ids,
                             "valid_until": row.valid_until }),
        };
        let stored = row.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_mandate(&stored).await?;
                    ctx.append_event(event).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.mandate_view(row).await
    }

    /// The applicant revokes a mandate they gave.
    pub async fn revoke_mandate(&self, who: &Principal, id: &str) -> Result<(), AppError> {
        let row = self
            .store
            .mandate(id)
            .await?
            .ok_or(AppError::NotFound("该委托"))?;
        if row.principal_account != who.account_id() {
            return Err(AppError::Forbidden);
        }
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let id = id.to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if !ctx.revoke_mandate(&id, at_ms).await? {
                        return Err(AppError::Conflict("该委托已撤销".into()));
                    }
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "mandate.revoked".into(),
                        entity_type: "mandate".into(),
                        entity_id: id,
                        payload: json!({}),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// Mandates the caller gave or holds.
    pub async fn mandates(&self, who: &Principal) -> Result<Vec<MandateView>, AppError> {
        let mut out = Vec::new();
        for row in self.store.mandates_of(who.account_id()).await? {
            out.push(self.mandate_view(row).await?);
        }
        Ok(out)
    }

    async fn mandate_view(&self, row: MandateRow) -> Result<MandateView, AppError> {
        let name =
            |a: Option<tongban_store::AccountRow>| a.map(|a| a.display_name).unwrap_or_default();
        let agent_name = name(self.store.account(&row.agent_account).await?);
        let principal_name = name(self.store.account(&row.principal_account).await?);
        let today = self.today().to_string();
        Ok(MandateView {
            active: row.revoked_at_ms.is_none() && row.valid_until >= today,
            revoked: row.revoked_at_ms.is_some(),
            item_ids: (row.item_ids != "*").then(|| {
                row.item_ids
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
            id: row.id,
            agent_account: row.agent_account,
            agent_name,
            principal_account: row.principal_account,
            principal_name,
            valid_until: row.valid_until,
        })
    }

    /// A runner may apply for `principal` for `item_id` under `mandate_id` today.
    pub(crate) async fn check_mandate(
        &self,
        agent: &str,
        principal: &str,
        item_id: &str,
        mandate_id: &str,
    ) -> Result<(), AppError> {
        let refused = |msg: &str| AppError::field("mandate_id", "mandate.invalid", msg.to_string());
        let row = self
            .store
            .mandate(mandate_id)
            .await?
            .ok_or_else(|| refused("未找到委托书，请先由申请人授权"))?;
        if row.agent_account != agent || row.principal_account != principal {
            return Err(refused("该委托书不是申请人授权给您的"));
        }
        if row.revoked_at_ms.is_some() {
            return Err(refused("申请人已撤销该委托"));
        }
        if row.valid_until < self.today().to_string() {
            return Err(refused("委托已过期"));
        }
        if row.item_ids != "*" && !row.item_ids.contains(&format!(",{item_id},")) {
            return Err(refused("委托范围不包括该事项"));
        }
        Ok(())
    }
}
