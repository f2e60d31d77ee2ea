//! The 差评 closed loop as use cases: the unit's 好差评处理人员 verify, rectify or explain,
//! revisit the rater and close; an appeal goes to the city's 局督查人员 (never the unit itself);
//! the sweep escalates overdue cases once. Each command is one unit of work: the case's new
//! projection (at the revision it was decided on) and its `rectification.*` events.

use serde::Serialize;
use time::Date;
use tongban_domain::evaluation::{
    LoopActor, LoopCommand, Rectification, RectificationRecord, may_decide_appeal,
};
use tongban_domain::{AdminLevel, DivisionCode, Role, mask_name};
use tongban_store::{NewEvent, RectificationRow, RectificationScope};

use super::rate::internal;
use crate::principal::{OrgUnit, Principal};
use crate::{App, AppError};

/// A 差评 case as staff see it: no rater identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationView {
    pub row: RectificationRow,
    pub case: Rectification,
    /// The rating's comment and ticked options.
    pub comment: String,
    pub options: Vec<String>,
    pub channel: String,
    /// Codes of the commands the caller may send now.
    pub allowed: Vec<&'static str>,
    pub overdue: bool,
    /// The caller is the handler of the unit and the rating is real-name: it may look up the
    /// rater for 回访.
    pub may_see_rater: bool,
}

/// The rater of a real-name 差评, for 回访 (an audited read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaterContact {
    pub name: String,
    pub phone: String,
}

fn records_of(row: &RectificationRow) -> Result<Vec<RectificationRecord>, AppError> {
    serde_json::from_str(&row.records).map_err(internal)
}

fn folded(row: &RectificationRow) -> Result<Rectification, AppError> {
    Rectification::fold(&records_of(row)?)
        .ok_or_else(|| AppError::Internal(format!("rectification {} has no opening", row.id)))
}

/// Whether `who` is the 好差评处理人员 of the case's unit.
fn is_unit_handler(who: &Principal, row: &RectificationRow) -> bool {
    match who {
        Principal::Staff {
            role: Role::EvaluationHandler,
            unit,
            ..
        } => match unit {
            OrgUnit::Department { id, .. } | OrgUnit::Hall { id, .. } => *id == row.unit_id,
            // A division's handler works the units of its county (and the townships in it);
            // a city-level one the city's own units.
            OrgUnit::Division { code } => DivisionCode::parse(&row.division_code).is_ok_and(|d| {
                d.is_within(code)
                    && (code.level() >= AdminLevel::County || d.level() == code.level())
            }),
        },
        _ => false,
    }
}

/// Whether `who` may decide the case's appeal (one level up).
fn is_appeal_reviewer(who: &Principal, row: &RectificationRow) -> bool {
    let Principal::Staff { role, unit, .. } = who else {
        return false;
    };
    let Ok(case_division) = DivisionCode::parse(&row.division_code) else {
        return false;
    };
    may_decide_appeal(
        *role,
        unit.id(),
        unit.division(),
        &row.unit_id,
        &case_division,
    )
}

/// Whether `who` may read the case: its unit's handler, the reviewer above, or a supervisor or
/// administrator whose area covers it.
fn may_read(who: &Principal, row: &RectificationRow) -> bool {
    if is_unit_handler(who, row) || is_appeal_reviewer(who, row) {
        return true;
    }
    let Principal::Staff { role, unit, .. } = who else {
        return false;
    };
    let Ok(case_division) = DivisionCode::parse(&row.division_code) else {
        return false;
    };
    matches!(role, Role::BureauSupervisor | Role::SystemAdmin)
        && case_division.is_within(unit.division())
}

/// The new projection of a case after `records`.
fn projected(
    row: &RectificationRow,
    records: &[RectificationRecord],
    at_ms: i64,
) -> Result<(RectificationRow, Rectification), AppError> {
    let case = Rectification::fold(records)
        .ok_or_else(|| AppError::Internal(format!("rectification {} has no opening", row.id)))?;
    let new = RectificationRow {
        state: case.state.code().to_string(),
        escalated: i64::from(case.escalated),
        appeal_upheld: case.appeal_upheld.map(i64::from),
        settled_on: case.settled_on.map(|d| d.to_string()),
        closed_on: case.closed_on.map(|d| d.to_string()),
        records: serde_json::to_string(records).map_err(internal)?,
        revision: row.revision + 1,
        updated_at_ms: at_ms,
        ..row.clone()
    };
    Ok((new, case))
}

/// Only 好差评处理人员, 局督查人员 and system administrators work 差评 cases at all; anyone
/// else is refused before anything is looked up.
fn works_cases(who: &Principal) -> Result<(), AppError> {
    match who.role() {
        Some(Role::EvaluationHandler | Role::BureauSupervisor | Role::SystemAdmin) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

impl App {
    async fn rectification_row(&self, id: &str) -> Result<RectificationRow, AppError> {
        self.store
            .rectification(id)
            .await?
            .ok_or(AppError::NotFound("该差评"))
    }

    /// Whether the caller is the 好差评处理人员 answering for a case (used by pages).
    pub fn handles_rectification(who: &Principal, row: &RectificationRow) -> bool {
        is_unit_handler(who, row)
    }

    /// A 差评 case for staff whose duty covers it.
    pub async fn rectification(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<RectificationView, AppError> {
        works_cases(who)?;
        let row = self.rectification_row(id).await?;
        if !may_read(who, &row) {
            return Err(AppError::Forbidden);
        }
        self.rectification_view(who, row).await
    }

    async fn rectification_view(
        &self,
        who: &Principal,
        row: RectificationRow,
    ) -> Result<RectificationView, AppError> {
        let case = folded(&row)?;
        let today = self.today();
        let actor = if is_unit_handler(who, &row) {
            Some(LoopActor::UnitHandler)
        } else if is_appeal_reviewer(who, &row) {
            Some(LoopActor::AppealReviewer)
        } else {
            None
        };
        let allowed = actor.map(|a| case.allowed(a, today)).unwrap_or_default();
        let rating = self.store.evaluation(&row.evaluation_id).await?;
        let (comment, options, channel) = rating
            .map(|e| {
                let options: Vec<String> = serde_json::from_str(&e.options).unwrap_or_default();
                (e.comment, options, e.channel)
            })
            .unwrap_or_default();
        Ok(RectificationView {
            overdue: case.is_overdue(today),
            may_see_rater: case.opened.real_name && is_unit_handler(who, &row),
            row,
            case,
            comment,
            options,
            channel,
            allowed,
        })
    }

    /// The queue of the caller: a handler's unit's cases; a 局督查人员 at city level sees the
    /// appeals and escalations under it.
    pub async fn rectification_queue(
        &self,
        who: &Principal,
    ) -> Result<Vec<RectificationRow>, AppError> {
        let Principal::Staff { role, unit, .. } = who else {
            return Err(AppError::Forbidden);
        };
        let scope = match (role, unit) {
            (Role::EvaluationHandler, OrgUnit::Department { id, .. })
            | (Role::EvaluationHandler, OrgUnit::Hall { id, .. }) => {
                RectificationScope::Units(vec![id.clone()])
            }
            (Role::EvaluationHandler, OrgUnit::Division { code }) => {
                if code.level() >= AdminLevel::County {
                    RectificationScope::DivisionUnder(code.significant_prefix().into())
                } else {
                    RectificationScope::DivisionIs(code.as_str().into())
                }
            }
            (Role::BureauSupervisor | Role::SystemAdmin, unit) => {
                RectificationScope::EscalatedUnder(unit.division().significant_prefix().into())
            }
            _ => return Err(AppError::Forbidden),
        };
        Ok(self.store.rectification_queue(&scope, 500).await?)
    }

    /// Appeals waiting for the caller's decision (a city-level 局督查人员).
    pub async fn appeal_queue(&self, who: &Principal) -> Result<Vec<RectificationRow>, AppError> {
        let Principal::Staff { role, unit, .. } = who else {
            return Err(AppError::Forbidden);
        };
        if *role != Role::BureauSupervisor
            || unit.division().level() > tongban_domain::AdminLevel::City
        {
            return Err(AppError::Forbidden);
        }
        let prefix = unit.division().significant_prefix().to_string();
        let rows = self
            .store
            .rectification_queue(&RectificationScope::AppealsUnder(prefix), 500)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| is_appeal_reviewer(who, r))
            .collect())
    }

    /// Sends a command to a 差评 case. `seen_revision`, when given, must still be current.
    pub async fn act_on_rectification(
        &self,
        who: &Principal,
        id: &str,
        seen_revision: Option<i64>,
        cmd: LoopCommand,
    ) -> Result<RectificationView, AppError> {
        works_cases(who)?;
        let row = self.rectification_row(id).await?;
        let actor = match cmd {
            LoopCommand::DecideAppeal { .. } if is_appeal_reviewer(who, &row) => {
                LoopActor::AppealReviewer
            }
            LoopCommand::DecideAppeal { .. } if is_unit_handler(who, &row) => {
                LoopActor::UnitHandler
            }
            LoopCommand::Escalate => return Err(AppError::Forbidden),
            _ if is_unit_handler(who, &row) => LoopActor::UnitHandler,
            _ => return Err(AppError::Forbidden),
        };
        if seen_revision.is_some_and(|seen| seen != row.revision) {
            return Err(AppError::Conflict(
                "该差评已被他人更新，请刷新后再操作".into(),
            ));
        }
        let new_row = self
            .decide_rectification(&row, cmd, actor, who.account_id())
            .await?;
        self.rectification_view(who, new_row).await
    }

    /// Decides and writes one command; returns the new row.
    async fn decide_rectification(
        &self,
        row: &RectificationRow,
        cmd: LoopCommand,
        actor: LoopActor,
        actor_id: &str,
    ) -> Result<RectificationRow, AppError> {
        let today = self.today();
        let at_ms = self.now_ms();
        let mut records = records_of(row)?;
        let case = folded(row)?;
        let events = case
            .decide(&cmd, actor, today)
            .map_err(|r| AppError::field("command", r.code, r.message))?;
        let mut log = Vec::with_capacity(events.len());
        let mut upheld = false;
        for event in events {
            if let tongban_domain::evaluation::RectificationEvent::AppealDecided {
                upheld: true,
                ..
            } = &event
            {
                upheld = true;
            }
            let record = RectificationRecord { on: today, event };
            log.push(NewEvent {
                at_ms,
                actor: actor_id.to_string(),
                action: record.event.action().into(),
                entity_type: "rectification".into(),
                entity_id: row.id.clone(),
                payload: serde_json::to_value(&record).map_err(internal)?,
            });
            records.push(record);
        }
        let (new_row, _) = projected(row, &records, at_ms)?;
        let from = row.revision;
        let evaluation_id = row.evaluation_id.clone();
        let written = new_row.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if !ctx.update_rectification(&written, from).await? {
                        return Err(AppError::Conflict(
                            "该差评已被他人更新，请刷新后再操作".into(),
                        ));
                    }
                    if upheld {
                        ctx.exclude_evaluation(&evaluation_id).await?;
                    }
                    for event in log {
                        ctx.append_event(event).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok(new_row)
    }

    /// The sweep: every overdue case is escalated to the 局督查人员 once; returns how many.
    pub async fn sweep_rectifications(&self, limit: i64) -> Result<usize, AppError> {
        let today = self.today();
        let mut escalated = 0;
        for row in self
            .store
            .overdue_rectifications(&today.to_string(), limit)
            .await?
        {
            if self
                .decide_rectification(&row, LoopCommand::Escalate, LoopActor::Sweep, "system")
                .await
                .is_ok()
            {
                escalated += 1;
            }
        }
        Ok(escalated)
    }

    /// The rater of a real-name 差评, for the handler's 回访: masked name and the phone, read
    /// on the record. Nobody else, and nothing for anonymous ratings.
    pub async fn rater_contact(&self, who: &Principal, id: &str) -> Result<RaterContact, AppError> {
        let row = self.rectification_row(id).await?;
        if row.real_name == 0 || !is_unit_handler(who, &row) {
            return Err(AppError::Forbidden);
        }
        let account = self
            .store
            .evaluation(&row.evaluation_id)
            .await?
            .and_then(|e| e.rater_account)
            .ok_or(AppError::NotFound("评价人"))?;
        let (name, phone) = match self.store.citizen_profile(&account).await? {
            Some(p) => (p.real_name, p.phone),
            None => match self.store.enterprise_profile(&account).await? {
                Some(p) => (p.name, String::new()),
                None => return Err(AppError::NotFound("评价人")),
            },
        };
        self.record_read(
            who,
            "evaluation.rater_viewed",
            "rectification",
            &row.id,
            serde_json::json!({ "purpose": "回访" }),
        )
        .await?;
        Ok(RaterContact {
            name: mask_name(&name),
            phone,
        })
    }

    /// Due date of a case, for pages.
    pub fn rectification_due(row: &RectificationRow) -> Option<Date> {
        Date::parse(
            &row.due,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()
    }
}
