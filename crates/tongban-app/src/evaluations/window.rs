//! 一次一评 at a hall window: a 窗口人员 starts a service record (with or without a case), which
//! gives a one-time token shown as a QR code and on the hall tablet; the person served rates it
//! once, anonymously, before the token expires. The hall answers for a 差评.

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::evaluation::{EvalChannel, EvalStage};
use tongban_store::{NewEvent, WindowServiceRow};

use super::rate::{RatedSubject, Rater, RatingReceipt, Spend};
use super::{RatingInput, new_id, new_token, token_sm3};
use crate::applications::state_of;
use crate::principal::{OrgUnit, Principal};
use crate::{App, AppError};

/// A started window service: the token is shown once (as the QR code's link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowServiceStarted {
    pub id: String,
    pub token: String,
    /// The link the QR code carries.
    pub url: String,
    pub expires_at_ms: i64,
}

impl App {
    /// Starts a window service record at the clerk's hall, optionally for a case.
    pub async fn start_window_service(
        &self,
        who: &Principal,
        application_id: Option<&str>,
    ) -> Result<WindowServiceStarted, AppError> {
        let Principal::Staff {
            role: Role::WindowClerk,
            unit:
                OrgUnit::Hall {
                    id: hall_id,
                    division,
                },
            account_id,
            ..
        } = who
        else {
            return Err(AppError::Forbidden);
        };
        let (mut item_id, mut department_id, mut app_id) = (None, None, None);
        if let Some(id) = application_id.map(str::trim).filter(|s| !s.is_empty()) {
            let row = self
                .store
                .application(id)
                .await?
                .ok_or(AppError::NotFound("该办件"))?;
            let app = state_of(&row)?;
            item_id = Some(app.item_id);
            department_id = Some(app.department_id);
            app_id = Some(app.id);
        }
        let (token, stored) = new_token();
        let at_ms = self.now_ms();
        let expires_at_ms = at_ms + self.evaluation_settings().window_token_minutes * 60_000;
        let row = WindowServiceRow {
            id: new_id(),
            token_sm3: stored,
            hall_id: hall_id.clone(),
            division_code: division.as_str().to_string(),
            served_by: account_id.clone(),
            application_id: app_id,
            item_id,
            department_id,
            started_at_ms: at_ms,
            expires_at_ms,
            rated_at_ms: None,
        };
        let event = NewEvent {
            at_ms,
            actor: account_id.clone(),
            action: "window_service.started".into(),
            entity_type: "window_service".into(),
            entity_id: row.id.clone(),
            payload: serde_json::json!({
                "hall_id": row.hall_id,
                "application_id": row.application_id,
            }),
        };
        let id = row.id.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_window_service(&row).await?;
                    ctx.append_event(event).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        let base = self.config.public_base_url.trim_end_matches('/');
        Ok(WindowServiceStarted {
            id,
            url: format!("{base}/w/{token}"),
            token,
            expires_at_ms,
        })
    }

    /// The hall name of a live window token (for the rating page).
    pub async fn window_service_hall(&self, token: &str) -> Result<String, AppError> {
        let row = self.live_window_service(token).await?;
        Ok(self
            .store
            .hall(&row.hall_id)
            .await?
            .map(|h| h.name)
            .unwrap_or_default())
    }

    async fn live_window_service(&self, token: &str) -> Result<WindowServiceRow, AppError> {
        let row = self
            .store
            .window_service_by_token(&token_sm3(token))
            .await?
            .ok_or(AppError::NotFound("该评价码"))?;
        if row.rated_at_ms.is_some() {
            return Err(AppError::field(
                "satisfaction",
                "evaluation.already_rated",
                "本次服务已评价，每次服务只能评价一次",
            ));
        }
        if self.now_ms() > row.expires_at_ms {
            return Err(AppError::field(
                "token",
                "evaluation.window_token_expired",
                "该评价码已过期，请向窗口人员索取新的评价码",
            ));
        }
        Ok(row)
    }

    /// 一次一评: the holder of the window token rates the service (anonymous), by QR code on
    /// their phone or on the hall tablet.
    pub async fn rate_window_service(
        &self,
        token: &str,
        input: &RatingInput,
    ) -> Result<RatingReceipt, AppError> {
        let row = self.live_window_service(token).await?;
        if !matches!(input.channel, EvalChannel::QrCode | EvalChannel::HallTablet) {
            return Err(AppError::field(
                "channel",
                "evaluation.wrong_channel",
                "窗口评价的渠道应为二维码或政务大厅平板电脑",
            ));
        }
        let subject = RatedSubject {
            application_id: row.application_id.clone(),
            window_service_id: Some(row.id.clone()),
            stage: EvalStage::WindowService,
            item_id: row.item_id.clone(),
            department_id: row.department_id.clone(),
            hall_id: Some(row.hall_id.clone()),
            served_by: Some(row.served_by.clone()),
            unit_kind: "hall",
            unit_id: row.hall_id.clone(),
            division_code: row.division_code.clone(),
        };
        let rater = Rater {
            account: None,
            key: self.rater_key(&format!("window:{}", row.id)),
            recorded_by: None,
            actor: "anonymous".into(),
        };
        let input = RatingInput {
            real_name: false,
            ..input.clone()
        };
        self.write_rating(subject, rater, &input, Spend::WindowService(row.id))
            .await
    }
}
