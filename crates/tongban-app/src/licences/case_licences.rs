//! What pages need around one case's licences: the licences the case issued (for whoever may
//! see the case), the licence types a department may query for it (the 互通互认清单), and the
//! public base URL share links and QR codes start with.

use serde::Serialize;
use tongban_domain::licence::recognised;

use super::shares::ShareView;
use super::view::LicenceView;
use crate::{App, AppError, Principal};

/// A licence type a department may use for a case: its code and name.
#[derive(Debug, Clone, Serialize)]
pub struct UsableType {
    pub code: String,
    pub name: String,
}

impl App {
    /// Where the public pages are reached, without a trailing slash.
    pub fn public_base_url(&self) -> &str {
        self.config.public_base_url.trim_end_matches('/')
    }

    /// Whether a share link still opens now (not ended, not expired).
    pub fn share_live(&self, share: &ShareView) -> bool {
        !share.revoked && self.now_ms() <= share.expires_at_ms
    }

    /// The licences a case issued, for whoever may see the case.
    pub async fn case_licences(
        &self,
        who: &Principal,
        application_id: &str,
    ) -> Result<Vec<LicenceView>, AppError> {
        let app = self.application(who, application_id).await?;
        let rows = self.store.licences_of_application(&app.id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.licence_view_of(&row).await?);
        }
        Ok(out)
    }

    /// The licence types the case's department may query for the case's item (staff only).
    pub async fn case_licence_types(
        &self,
        who: &Principal,
        application_id: &str,
    ) -> Result<Vec<UsableType>, AppError> {
        who.require_staff()?;
        let app = self.application(who, application_id).await?;
        let item_code = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
            .map(|v| v.basic_code)
            .unwrap_or_default();
        let list = self.recognitions().await?;
        let types = self.cached_licence_types().await?;
        Ok(types
            .iter()
            .filter(|t| recognised(&list, &app.department_id, &t.code, &item_code))
            .map(|t| UsableType {
                code: t.code.to_string(),
                name: t.name.clone(),
            })
            .collect())
    }
}
