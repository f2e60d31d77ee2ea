//! The route a case travels: the item's 办理流程 steps, each classified as acceptance, work,
//! decision or delivery.
//!
//! Step 0 is always 受理. Trailing steps named 送达, 办结, 制证 or 发证 deliver the result. The
//! last remaining step decides (准予/不予); any steps between 受理 and it are work steps
//! (审查, 初审 …). A route of only 受理 and 办结 is an 即办 route: acceptance decides.

use serde::{Deserialize, Serialize};

use crate::catalog::Step;

/// What a step of the route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 受理: accepting the application.
    Accept,
    /// 审查 and similar: examined, then passed on.
    Work,
    /// 决定: approve or refuse.
    Decide,
    /// 送达/办结: the result is handed over.
    Deliver,
}

/// One step of a case's route, copied from the item version it was made under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteStep {
    pub name: String,
    /// The staff role that does it (a [`crate::Role`] code).
    pub role: String,
    pub budget_days: u32,
    pub kind: StepKind,
}

fn is_delivery(name: &str) -> bool {
    ["送达", "办结", "制证", "发证"]
        .iter()
        .any(|word| name.contains(word))
}

/// Classifies an item's steps. An empty list gets the default route 受理 → 审查 → 决定 → 办结.
pub fn route_from_steps(steps: &[Step]) -> Vec<RouteStep> {
    let steps: Vec<Step> = if steps.is_empty() {
        let step = |name: &str, role: &str, budget_days| Step {
            name: name.into(),
            role: role.into(),
            budget_days,
        };
        vec![
            step("受理", "window_clerk", 1),
            step("审查", "reviewer", 1),
            step("决定", "approver", 1),
            step("办结", "window_clerk", 0),
        ]
    } else {
        steps.to_vec()
    };
    let mut delivery_from = steps.len();
    while delivery_from > 1 && is_delivery(&steps[delivery_from - 1].name) {
        delivery_from -= 1;
    }
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let kind = if i == 0 {
                StepKind::Accept
            } else if i >= delivery_from {
                StepKind::Deliver
            } else if i + 1 == delivery_from {
                StepKind::Decide
            } else {
                StepKind::Work
            };
            RouteStep {
                name: s.name.clone(),
                role: s.role.clone(),
                budget_days: s.budget_days,
                kind,
            }
        })
        .collect()
}
