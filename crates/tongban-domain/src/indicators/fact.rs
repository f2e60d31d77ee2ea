//! What one completed case (办结) contributes to the counters: the pure `case_fact` the
//! projector runs on every case the moment it reaches `Status::Completed`.

use serde::{Deserialize, Serialize};
use time::Date;

use super::counters::Counters;
use crate::application::{Application, ApplyChannel, CaseClock, Status};
use crate::calendar::{CalendarError, WorkCalendar};

/// One completed case as the indicators count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFact {
    pub application_id: String,
    pub number: String,
    pub item_id: String,
    pub item_name: String,
    pub department_id: String,
    pub hall_id: Option<String>,
    pub channel: ApplyChannel,
    /// 到现场次数.
    pub visits: u32,
    /// The Beijing day the case reached 办结.
    pub completed_on: Date,
    /// The item version could be applied for online (网上可办).
    pub online_capable: bool,
    /// Applied for online and no visit (全程网办).
    pub fully_online: bool,
    pub zero_visit: bool,
    pub at_most_one_visit: bool,
    pub immediate: bool,
    /// Decided within the 承诺时限 (plus any approved extension), pauses not counted.
    pub on_time: bool,
    pub legal_days: u32,
    /// 承诺时限; 0 for a 即办件.
    pub promised_days: u32,
    /// Working days from 受理 to the decision, less pauses.
    pub used_days: u32,
    pub materials_required: u32,
    /// Required materials an electronic licence stood in for.
    pub materials_by_licence: u32,
}

/// Why a case has no fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseFactError {
    #[error("the case has not reached 办结")]
    NotCompleted,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// The fact of a completed case: its channel and visits, its time limits against the days it
/// used (counted with the case's own deadline clock, so pauses and extensions agree with what
/// the staff saw), and the materials licences stood in for.
pub fn case_fact(
    app: &Application,
    cal: &WorkCalendar,
    online_capable: bool,
) -> Result<CaseFact, CaseFactError> {
    let completed_on = match (app.status, app.completed_on) {
        (Status::Completed, Some(on)) => on,
        _ => return Err(CaseFactError::NotCompleted),
    };
    let decided_on = app
        .outcome
        .as_ref()
        .map(|o| o.decided_on)
        .unwrap_or(completed_on);
    let promised_days = if app.immediate {
        0
    } else {
        app.promised_limit_days
    };
    let (used_days, allowed) = match CaseClock::clock(app, promised_days) {
        Some(clock) => (
            clock.used_as_of(cal, decided_on)?.get(),
            clock.total().get(),
        ),
        None => (0, promised_days),
    };
    let mut by_licence: Vec<&str> = app
        .materials
        .iter()
        .filter(|m| m.licence_id.is_some() && app.required_materials.contains(&m.material))
        .map(|m| m.material.as_str())
        .collect();
    by_licence.sort_unstable();
    by_licence.dedup();
    Ok(CaseFact {
        application_id: app.id.clone(),
        number: app.number.clone(),
        item_id: app.item_id.clone(),
        item_name: app.item_name.clone(),
        department_id: app.department_id.clone(),
        hall_id: app.hall_id.clone(),
        channel: app.channel,
        visits: app.visits,
        completed_on,
        online_capable,
        fully_online: app.channel.is_online() && app.visits == 0,
        zero_visit: app.visits == 0,
        at_most_one_visit: app.visits <= 1,
        immediate: app.immediate,
        on_time: used_days <= allowed,
        legal_days: app.legal_limit_days,
        promised_days,
        used_days,
        materials_required: u32::try_from(app.required_materials.len()).unwrap_or(u32::MAX),
        materials_by_licence: u32::try_from(by_licence.len()).unwrap_or(u32::MAX),
    })
}

impl CaseFact {
    /// The case counters this case adds on its 办结 day (`completed_rated` is added separately,
    /// when the applicant rates it).
    pub fn counters(&self) -> Counters {
        let b = |x: bool| u64::from(x);
        Counters {
            completed: 1,
            online_capable: b(self.online_capable),
            fully_online: b(self.fully_online),
            zero_visit: b(self.zero_visit),
            at_most_one_visit: b(self.at_most_one_visit),
            immediate: b(self.immediate),
            on_time: b(self.on_time),
            legal_days: u64::from(self.legal_days),
            promised_days: u64::from(self.promised_days),
            used_days: u64::from(self.used_days),
            materials_required: u64::from(self.materials_required),
            materials_by_licence: u64::from(self.materials_by_licence),
            ..Counters::default()
        }
    }
}

#[cfg(test)]
#[path = "fact_tests.rs"]
mod tests;
