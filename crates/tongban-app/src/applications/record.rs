//! The GB/T 39046 record of a case (申请, 受理, 办理, 办结): folded from the case's own events
//! in the log, with the 实施编码 of the item version the case refers to and the promised due
//! date of its clock.

use tongban_domain::application::{Application, CaseClock, CaseRecord};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

impl App {
    /// The record of a case, for whoever may see the case (its applicant or agent, staff whose
    /// unit covers it).
    pub async fn case_record(&self, who: &Principal, id: &str) -> Result<CaseRecord, AppError> {
        let app = self.application(who, id).await?;
        self.record_of(&app).await
    }

    /// The record of a case the caller has already read with its timeline (the staff case page
    /// has it from [`App::application_view`]), without reading it again.
    pub async fn record_of(&self, app: &Application) -> Result<CaseRecord, AppError> {
        let implementation_code = match self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
        {
            Some(v) => v.item()?.implementation_code,
            None => String::new(),
        };
        let promised = CaseClock::promised(app, &self.calendar())
            .map_err(|e| AppError::Internal(e.to_string()))?
            .and_then(|d| d.date());
        Ok(CaseRecord::of(app, &implementation_code, promised))
    }
}
