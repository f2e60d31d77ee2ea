//! The facts the log keeps for a rating (`evaluation.rated`) and for each step of a 差评's
//! closed loop (`rectification.*`). Both the evaluation use cases and the indicator projector
//! use these types, so the two can never disagree on a field.

use serde::{Deserialize, Serialize};
use time::Date;

use super::codes::{EvalChannel, EvalStage, Satisfaction};

/// The payload of `evaluation.rated` (entity type `evaluation`, entity id = `id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedFacts {
    pub id: String,
    /// The application rated; `None` for a window service without one.
    pub application_id: Option<String>,
    pub stage: EvalStage,
    /// The service item, when known.
    pub item_id: Option<String>,
    /// The department that handled it (谁办理谁负责), when an application is rated.
    pub department_id: Option<String>,
    /// The hall where the service was given (window services and window applications).
    pub hall_id: Option<String>,
    /// The staff account that served at the window, when known.
    pub served_by: Option<String>,
    pub channel: EvalChannel,
    pub satisfaction: Satisfaction,
    /// The codes of the ticked options of the standard option set.
    pub options: Vec<String>,
    pub comment: String,
    /// 实名评价 (the rater's identity is kept, for 回访) or anonymous.
    pub real_name: bool,
    /// The 12-digit 行政区划代码 where the rating was made.
    pub division_code: String,
    /// 评价次数: 1 for the first rating of this stage (a stage is rated once).
    pub sequence: u32,
    /// The Beijing date of the rating.
    pub on: Date,
}

/// The payload of `rectification.opened`: a 差评 became a case for the unit that handled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationOpened {
    pub id: String,
    pub evaluation_id: String,
    pub application_id: Option<String>,
    pub item_id: Option<String>,
    pub department_id: Option<String>,
    pub hall_id: Option<String>,
    pub satisfaction: Satisfaction,
    pub real_name: bool,
    /// The Beijing date of the rating.
    pub rated_on: Date,
    /// The 整改 deadline (15 working days by default, configurable per region).
    pub due: Date,
}

/// One change of a 差评 case (entity type `rectification`, entity id = the case id).
/// The log's action is `rectification.<type>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RectificationEvent {
    Opened(Box<RectificationOpened>),
    /// 核实: the unit checked the facts.
    Verified {
        finding: String,
    },
    /// 整改: the fault was put right (立行立改 or 限期整改).
    Rectified {
        measures: String,
    },
    /// 解释说明: no legal basis for the demand; explained instead.
    Explained {
        explanation: String,
    },
    /// 回访: the rater was contacted about the outcome.
    Revisited {
        outcome: String,
        satisfied: bool,
    },
    Closed,
    /// Overdue: sent up to `to_role` of the unit above.
    Escalated {
        to_role: String,
    },
    /// 申诉: the unit says the rating was mistaken or malicious.
    Appealed {
        reason: String,
    },
    /// 复核, decided one level up: `upheld` removes the rating from the statistics.
    AppealDecided {
        upheld: bool,
        note: String,
    },
}

impl RectificationEvent {
    pub fn action(&self) -> &'static str {
        match self {
            RectificationEvent::Opened(_) => "rectification.opened",
            RectificationEvent::Verified { .. } => "rectification.verified",
            RectificationEvent::Rectified { .. } => "rectification.rectified",
            RectificationEvent::Explained { .. } => "rectification.explained",
            RectificationEvent::Revisited { .. } => "rectification.revisited",
            RectificationEvent::Closed => "rectification.closed",
            RectificationEvent::Escalated { .. } => "rectification.escalated",
            RectificationEvent::Appealed { .. } => "rectification.appealed",
            RectificationEvent::AppealDecided { .. } => "rectification.appeal_decided",
        }
    }
}

/// What the log keeps for a rectification change: the event and its Beijing date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationRecord {
    pub on: Date,
    pub event: RectificationEvent,
}
