//! 卡包分享: the holder shares one licence by a time-limited link (or its QR); whoever opens it
//! sees the licence and its live status, and every view is in the 用证记录.

use rand::Rng;
use serde::Serialize;
use tongban_domain::crypto::{sm3, to_hex};
use tongban_store::{ShareRow, UsageRow};

use super::view::LicenceView;
use crate::{App, AppError, Principal};

/// A new share: the token is shown once (only its hash is kept).
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    pub token: String,
    pub licence_id: String,
    pub expires_at_ms: i64,
}

/// A share as its holder sees it in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// The first 12 hex digits of the token's hash: enough to name it, never the token.
    pub handle: String,
    pub purpose: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked: bool,
    pub views: i64,
}

fn token_hash(token: &str) -> String {
    to_hex(&sm3(token.as_bytes()))
}

impl App {
    /// Shares one of the caller's licences for `hours` (1–72) with a stated purpose.
    pub async fn share_licence(
        &self,
        who: &Principal,
        licence_id: &str,
        purpose: &str,
        hours: i64,
    ) -> Result<ShareLink, AppError> {
        if who.is_staff() {
            return Err(AppError::Forbidden);
        }
        let row = self.licence_row_for(who, licence_id).await?;
        let purpose = purpose.trim();
        if purpose.is_empty() || purpose.chars().count() > 100 {
            return Err(AppError::field(
                "purpose",
                "licence.purpose_required",
                "请填写分享用途（不超过100字）",
            ));
        }
        if !(1..=72).contains(&hours) {
            return Err(AppError::field(
                "hours",
                "licence.share_hours",
                "有效时长应为1至72小时",
            ));
        }
        const ALNUM: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        // The thread-local generator is not `Send`: keep it out of the awaits below.
        let token: String = {
            let mut rng = rand::rng();
            (0..24)
                .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
                .collect()
        };
        let now = self.now_ms();
        let share = ShareRow {
            token_hash: token_hash(&token),
            licence_id: row.id.clone(),
            created_by: who.account_id().to_string(),
            purpose: purpose.to_string(),
            created_at_ms: now,
            expires_at_ms: now + hours * 3_600_000,
            revoked_at_ms: None,
            views: 0,
        };
        let expires_at_ms = share.expires_at_ms;
        let actor = who.account_id().to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_share(&share).await?;
                    ctx.append_event(tongban_store::NewEvent {
                        at_ms: now,
                        actor,
                        action: "licence.shared".into(),
                        entity_type: "licence".into(),
                        entity_id: share.licence_id.clone(),
                        payload: serde_json::json!({ "purpose": share.purpose, "expires_at_ms": share.expires_at_ms }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok(ShareLink {
            token,
            licence_id: row.id,
            expires_at_ms,
        })
    }

    /// The shares of one of the caller's licences.
    pub async fn licence_share_list(
        &self,
        who: &Principal,
        licence_id: &str,
    ) -> Result<Vec<ShareView>, AppError> {
        let row = self.licence_row_for(who, licence_id).await?;
        Ok(self
            .store
            .licence_shares(&row.id)
            .await?
            .into_iter()
            .map(|s| ShareView {
                handle: s.token_hash[..12].to_string(),
                purpose: s.purpose,
                created_at_ms: s.created_at_ms,
                expires_at_ms: s.expires_at_ms,
                revoked: s.revoked_at_ms.is_some(),
                views: s.views,
            })
            .collect())
    }

    /// Ends a share early (by its handle).
    pub async fn end_share(
        &self,
        who: &Principal,
        licence_id: &str,
        handle: &str,
    ) -> Result<(), AppError> {
        let row = self.licence_row_for(who, licence_id).await?;
        let share = self
            .store
            .licence_shares(&row.id)
            .await?
            .into_iter()
            .find(|s| handle.len() >= 12 && s.token_hash.starts_with(handle))
            .ok_or(AppError::NotFound("该分享"))?;
        let at_ms = self.now_ms();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.revoke_share(&share.token_hash, at_ms)
                        .await
                        .map_err(AppError::from)
                })
            })
            .await?;
        Ok(())
    }

    /// Opens a shared licence: no login; an ended or unknown link says so.
    pub async fn open_share(&self, token: &str) -> Result<LicenceView, AppError> {
        let hash = token_hash(token.trim());
        let share = self
            .store
            .licence_share(&hash)
            .await?
            .ok_or(AppError::NotFound("该分享链接"))?;
        let now = self.now_ms();
        if share.revoked_at_ms.is_some() || now > share.expires_at_ms {
            return Err(AppError::Conflict(
                "该分享链接已失效，请向持证人索取新的链接".into(),
            ));
        }
        let row = self
            .store
            .licence(&share.licence_id)
            .await?
            .ok_or(AppError::NotFound("该证照"))?;
        let usage = UsageRow {
            id: uuid::Uuid::now_v7().to_string(),
            at_ms: now,
            licence_id: Some(row.id.clone()),
            holder_key: row.holder_key.clone(),
            operation: "share_view".into(),
            cause: share.purpose.clone(),
            item_code: None,
            application_id: None,
            department_id: None,
            actor_id: None,
            actor_label: "分享链接访问者".into(),
            result: "ok".into(),
            detail: String::new(),
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.count_share_view(&hash).await?;
                    ctx.insert_usages(&[usage]).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.licence_view_of(&row).await
    }
}
