//! The sweeps a background job runs: 容缺 cases past their deadline end, and overdue steps are
//! escalated to the unit head. Each case is its own unit of work, recorded as the system.

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::application::{Actor, Command};

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
            if let Ok(app) = self
                .apply_command(Actor::system(), None, None, &row.id, None, cmd)
                .await
            {
                report.escalated += 1;
                self.tell_unit_heads(&app).await?;
            }
        }
        Ok(report)
    }

    /// A notice to the department's administrators (the unit head) about an escalated case.
    async fn tell_unit_heads(
        &self,
        app: &tongban_domain::application::Application,
    ) -> Result<(), AppError> {
        let heads = self
            .department_staff(&app.department_id, Role::DeptAdmin)
            .await?;
        let step = app.step().map(|s| s.name.clone()).unwrap_or_default();
        self.notify_staff(
            heads,
            &format!("escalated:{}:{}", app.id, app.current_step),
            &format!("超期督办：{}", app.item_name),
            &format!(
                "办件 {}（{}）在“{}”环节已超过办理期限，请督促办理。",
                app.number, app.item_name, step
            ),
            &format!("/work/applications/{}", app.id),
        )
        .await
    }
}
