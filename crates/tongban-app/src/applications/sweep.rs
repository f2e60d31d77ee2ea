//! The sweeps a background job runs: 容缺 cases past their deadline end, and overdue steps are
//! escalated to the unit head (told in the same unit of work). Each case is its own unit of
//! work, recorded as the system.

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::application::{Actor, Command};
use tongban_store::{ApplicationRow, NewNotice};

use crate::App;
use crate::error::AppError;

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub terminated: usize,
    pub escalated: usize,
}

impl App {
    /// Ends overdue 容缺 cases and escalates overdue steps; at most `limit` of each.
    pub async fn sweep_applications(&self, limit: i64) -> Result<SweepReport, AppError> {
        let today = self.today().to_string();
        let mut report = SweepReport::default();
        for row in self.store.incomplete_overdue(&today, limit).await? {
            let done = self
                .apply_command(
                    Actor::system(),
                    None,
                    None,
                    &row.id,
                    None,
                    Command::ExpireIncomplete,
                )
                .await;
            if done.is_ok() {
                report.terminated += 1;
            }
        }
        for row in self.store.steps_to_escalate(&today, limit).await? {
            let cmd = Command::Escalate {
                to_role: Role::DeptAdmin.code().into(),
            };
            // The unit heads' notices are written with the escalation itself: a process that
            // stops between the two can neither skip them nor, with their keys, send them twice.
            let tell = self.unit_head_notices(&row).await?;
            if self
                .apply_command_telling(Actor::system(), None, None, &row.id, None, cmd, tell)
                .await
                .is_ok()
            {
                report.escalated += 1;
            }
        }
        Ok(report)
    }

    /// The notices to the department's administrators (the unit head) about the escalation of
    /// the current step of the case in `row`.
    async fn unit_head_notices(&self, row: &ApplicationRow) -> Result<Vec<NewNotice>, AppError> {
        let app = super::state_of(row)?;
        let heads = self
            .department_staff(&app.department_id, Role::DeptAdmin)
            .await?;
        let step = app.step().map(|s| s.name.clone()).unwrap_or_default();
        let key = format!("escalated:{}:{}", app.id, app.current_step);
        let at_ms = self.now_ms();
        Ok(heads
            .into_iter()
            .map(|account| NewNotice {
                dedupe_key: format!("{key}:{account}"),
                account_id: account,
                at_ms,
                subject: format!("超期督办：{}", app.item_name),
                body: format!(
                    "办件 {}（{}）在“{}”环节已超过办理期限，请督促办理。",
                    app.number, app.item_name, step
                ),
                link: format!("/work/applications/{}", app.id),
                sms_to: None,
                email_to: None,
            })
            .collect())
    }
}
