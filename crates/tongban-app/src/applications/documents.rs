//! What a case's printed notices (文书) and its pages need beyond the case itself: the notice
//! of a kind with the issuing department, and the item version the case was made under (its
//! 设定依据 and consultation phone), each for whoever may see the case.

use tongban_domain::application::{Notice, NoticeKind};

use super::view::ApplicationView;
use crate::App;
use crate::catalog::ItemView;
use crate::error::AppError;
use crate::principal::Principal;

/// One notice of a case, ready to print.
#[derive(Debug, Clone)]
pub struct CaseNotice {
    pub view: ApplicationView,
    /// The issuing department's name.
    pub department: String,
    /// `None` when the case has not given a notice of that kind.
    pub notice: Option<Notice>,
}

impl App {
    /// The notice of `kind` of a case the caller may see (the applicant, their agent or staff
    /// covering it); a kind the case has not given is `notice: None`.
    pub async fn application_notice(
        &self,
        who: &Principal,
        id: &str,
        kind: NoticeKind,
    ) -> Result<CaseNotice, AppError> {
        let view = self.application_view(who, id).await?;
        let notice = view
            .app
            .notice(kind, &self.calendar())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let department = self
            .department(&view.app.department_id)
            .await
            .map(|d| d.name)
            .unwrap_or_else(|_| view.app.department_id.clone());
        Ok(CaseNotice {
            view,
            department,
            notice,
        })
    }

    /// The item version a case was made under, for a caller who may see the case.
    pub async fn application_item(&self, who: &Principal, id: &str) -> Result<ItemView, AppError> {
        let (_, app) = self.visible_case(who, id).await?;
        let row = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
            .ok_or(AppError::NotFound("该事项版本"))?;
        self.view(row).await
    }
}
