//! The invitation to rate, written in the same unit of work as the change that completes a
//! case: an in-app notice and an SMS with a one-time link (`/e/{token}`), valid for a number of
//! working days. Only the token's SM3 is kept in the invitations table.

use time::Date;
use tongban_domain::AccountKind;
use tongban_domain::WorkingDays;
use tongban_domain::application::Application;
use tongban_domain::evaluation::EvalStage;
use tongban_store::{InvitationRow, NewNotice};

use super::new_token;
use crate::App;

/// An invitation and the notice that carries it.
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    pub row: InvitationRow,
    pub notice: NewNotice,
}

impl App {
    /// The invitation a case just completed sends its applicant (none for staff-owned cases or
    /// when the calendar cannot count the validity).
    pub(crate) fn completion_invitation(
        &self,
        app: &Application,
        today: Date,
        cal: &tongban_domain::WorkCalendar,
        at_ms: i64,
        phone: Option<String>,
    ) -> Option<Invitation> {
        if app.applicant_kind == AccountKind::Staff {
            return None;
        }
        let days = self.evaluation_settings().invitation_working_days;
        let expires_on = cal.add_working_days(today, WorkingDays::new(days)).ok()?;
        let (token, token_sm3) = new_token();
        let base = self.config.public_base_url.trim_end_matches('/');
        let notice = NewNotice {
            dedupe_key: format!("evaluation:{}:completed", app.id),
            account_id: app.applicant_account.clone(),
            at_ms,
            subject: format!("请评价办件{}", app.number),
            body: format!(
                "您的办件{}（{}）已办结。欢迎对本次服务作出评价，{}前有效：{base}/e/{token}",
                app.number, app.item_name, expires_on
            ),
            link: format!("/me/applications/{}/evaluate", app.id),
            sms_to: phone,
            email_to: None,
        };
        Some(Invitation {
            row: InvitationRow {
                token_sm3,
                application_id: app.id.clone(),
                stage: EvalStage::Completed.code().to_string(),
                account_id: app.applicant_account.clone(),
                created_at_ms: at_ms,
                expires_on: expires_on.to_string(),
                used_at_ms: None,
            },
            notice,
        })
    }
}
