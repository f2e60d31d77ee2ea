//! Queues: a member of staff's work sorted by due date with its urgency colour, the cases
//! copied to them, and an applicant's own cases.

use serde::Serialize;
use time::Date;
use tongban_domain::Role;
use tongban_domain::application::Urgency;
use tongban_store::{ApplicationRow, QueueScope};

use super::state_of;
use super::view::ApplicationView;
use crate::App;
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

/// One line of a queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    pub id: String,
    pub number: String,
    pub item_name: String,
    /// The department handling the case (承办).
    pub department_id: String,
    /// Masked name of the applicant (张*).
    pub applicant_masked: String,
    pub status_zh: &'static str,
    pub step_zh: String,
    pub channel_zh: &'static str,
    pub step_due: Option<Date>,
    pub due: Option<Date>,
    pub remaining_days: Option<i64>,
    pub urgency: Option<Urgency>,
    pub revision: u64,
    pub escalated: bool,
}

/// A staff member's work list.
#[derive(Debug, Clone, Serialize)]
pub struct WorkQueue {
    pub entries: Vec<QueueEntry>,
    pub overdue: usize,
    pub due_soon: usize,
    /// Cases copied to the caller.
    pub copied: Vec<QueueEntry>,
}

pub(crate) fn scope_of(unit: &OrgUnit) -> QueueScope {
    match unit {
        OrgUnit::Department { id, .. } => QueueScope::Department(id.clone()),
        OrgUnit::Division { code } => {
            QueueScope::DivisionPrefix(code.significant_prefix().to_string())
        }
        OrgUnit::Hall { division, .. } => {
            let mut ancestors = Vec::new();
            let mut at = division.parent();
            while let Some(d) = at {
                ancestors.push(d.as_str().to_string());
                at = d.parent();
            }
            QueueScope::Hall {
                prefix: division.significant_prefix().to_string(),
                ancestors,
            }
        }
    }
}

impl App {
    pub(crate) fn queue_entry(
        &self,
        row: &ApplicationRow,
        today: Date,
    ) -> Result<QueueEntry, AppError> {
        let view = ApplicationView::of(state_of(row)?, today, &self.calendar())?;
        Ok(QueueEntry {
            id: view.app.id.clone(),
            number: view.app.number.clone(),
            item_name: view.app.item_name.clone(),
            department_id: view.app.department_id.clone(),
            applicant_masked: view.app.applicant_shown(),
            status_zh: view.status_zh,
            step_zh: view.step_zh.clone(),
            channel_zh: view.app.channel.name_zh(),
            step_due: view.step_due,
            due: view.due,
            remaining_days: view.remaining_days,
            urgency: view.urgency,
            revision: view.app.revision,
            escalated: view.app.escalated_steps.contains(&view.app.current_step),
        })
    }

    /// The caller's work: cases due for their role in their unit, and cases naming them;
    /// soonest due first. A unit head (部门管理员) sees the unit's overdue cases.
    pub async fn work_queue(&self, who: &Principal, limit: i64) -> Result<WorkQueue, AppError> {
        let Principal::Staff {
            role,
            unit,
            account_id,
            ..
        } = who
        else {
            return Err(AppError::Forbidden);
        };
        let scope = scope_of(unit);
        let today = self.today();
        let rows = match role {
            Role::DeptAdmin | Role::BureauSupervisor | Role::SystemAdmin => {
                self.store
                    .overdue_steps(&scope, &today.to_string(), limit)
                    .await?
            }
            _ => {
                self.store
                    .work_queue(&scope, &[role.code()], account_id, limit)
                    .await?
            }
        };
        let entries = rows
            .iter()
            .map(|r| self.queue_entry(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        let copied = self
            .store
            .copied_to(account_id, 50)
            .await?
            .iter()
            .map(|r| self.queue_entry(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        let count = |u: Urgency| entries.iter().filter(|e| e.urgency == Some(u)).count();
        Ok(WorkQueue {
            overdue: count(Urgency::Overdue),
            due_soon: count(Urgency::DueSoon),
            entries,
            copied,
        })
    }

    /// The caller's own cases (and those they applied for as an agent), newest first.
    pub async fn my_applications(
        &self,
        who: &Principal,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<QueueEntry>, AppError> {
        let today = self.today();
        self.store
            .applications_of(who.account_id(), limit, offset)
            .await?
            .iter()
            .map(|r| self.queue_entry(r, today))
            .collect()
    }

    /// A case with its clocks, for the case page.
    pub async fn application_view(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<ApplicationView, AppError> {
        let app = self.application(who, id).await?;
        if who.is_staff() && !super::authorize::speaks_for_applicant(who, &app) {
            // The case shows what the applicant typed (names, addresses): a staff read is an
            // event, written before the case is returned.
            let payload = serde_json::json!({ "number": app.number });
            self.record_read(
                who,
                "application.viewed",
                "application_view",
                &app.id,
                payload,
            )
            .await?;
        }
        let mut view = ApplicationView::of(app, self.today(), &self.calendar())?;
        let mut actors: Vec<String> = view.app.history.iter().map(|h| h.actor.clone()).collect();
        actors.sort();
        actors.dedup();
        for actor in actors {
            let name = if actor == "system" {
                "系统".to_string()
            } else if actor == view.app.applicant_account {
                format!("{}（申请人）", view.app.applicant_shown())
            } else {
                match self.store.account(&actor).await? {
                    Some(a) => match a.role.as_deref().and_then(Role::parse) {
                        Some(role) => format!("{}（{}）", a.display_name, role.name_zh()),
                        None => a.display_name,
                    },
                    None => actor.clone(),
                }
            };
            view.actor_names.insert(actor, name);
        }
        Ok(view)
    }
}
