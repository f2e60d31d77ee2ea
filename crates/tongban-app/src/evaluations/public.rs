//! The public results of 好差评 (no login, no personal data): counts per level, 好评率 overall
//! and per department, and what was done about 差评.

use serde::Serialize;
use time::Duration;
use tongban_domain::evaluation::{LoopState, Rectification, RectificationRecord};

use crate::{App, AppError};

/// One department's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDepartmentLine {
    pub department: String,
    /// Counts for 满意度代码 1..=5.
    pub levels: [i64; 5],
    pub total: i64,
    /// 好评率 in per mille (好评 = the first three levels).
    pub good_per_mille: i64,
}

/// A settled 差评, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicRectification {
    pub unit: String,
    pub rated_on: String,
    pub settled_on: String,
    pub state: String,
    /// 整改措施 or 解释说明.
    pub what_was_done: String,
    pub on_time: bool,
}

/// The public page's figures over the last year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicEvaluations {
    pub from: String,
    pub levels: [i64; 5],
    pub total: i64,
    pub good_per_mille: i64,
    pub departments: Vec<PublicDepartmentLine>,
    pub rectifications: Vec<PublicRectification>,
}

fn good_per_mille(levels: &[i64; 5]) -> i64 {
    let total: i64 = levels.iter().sum();
    if total == 0 {
        return 0;
    }
    (levels[0] + levels[1] + levels[2]) * 1000 / total
}

impl App {
    /// The public results: ratings of the last 365 days (appeals upheld taken out) and the
    /// latest rectified or explained 差评.
    pub async fn public_evaluations(&self) -> Result<PublicEvaluations, AppError> {
        let from = (self.today() - Duration::days(365)).to_string();
        let counts = self.store.rating_counts(&from).await?;
        let departments = self.store.department_names().await?;
        let name_of = |id: &str| {
            departments
                .iter()
                .find(|(d, _)| d == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| "其他".into())
        };
        let mut levels = [0i64; 5];
        let mut lines: Vec<PublicDepartmentLine> = Vec::new();
        for c in &counts {
            let Some(slot) = usize::try_from(c.satisfaction - 1).ok().filter(|i| *i < 5) else {
                continue;
            };
            levels[slot] += c.n;
            let name = match &c.department_id {
                Some(id) => name_of(id),
                None => "窗口服务（无办件）".to_string(),
            };
            match lines.iter_mut().find(|l| l.department == name) {
                Some(line) => line.levels[slot] += c.n,
                None => {
                    let mut line = PublicDepartmentLine {
                        department: name,
                        levels: [0; 5],
                        total: 0,
                        good_per_mille: 0,
                    };
                    line.levels[slot] = c.n;
                    lines.push(line);
                }
            }
        }
        for line in &mut lines {
            line.total = line.levels.iter().sum();
            line.good_per_mille = good_per_mille(&line.levels);
        }
        lines.sort_by(|a, b| b.total.cmp(&a.total).then(a.department.cmp(&b.department)));
        let mut rectifications = Vec::new();
        for row in self.store.settled_rectifications(20).await? {
            let records: Vec<RectificationRecord> =
                serde_json::from_str(&row.records).unwrap_or_default();
            let Some(case) = Rectification::fold(&records) else {
                continue;
            };
            let what = if case.measures.is_empty() {
                case.explanation.clone()
            } else {
                case.measures.clone()
            };
            let settled = case.settled_on.map(|d| d.to_string()).unwrap_or_default();
            let unit = if row.unit_kind == "hall" {
                self.store
                    .hall(&row.unit_id)
                    .await?
                    .map(|h| h.name)
                    .unwrap_or_default()
            } else {
                name_of(&row.unit_id)
            };
            rectifications.push(PublicRectification {
                unit,
                rated_on: row.rated_on.clone(),
                on_time: case.settled_on.is_some_and(|d| d <= case.opened.due),
                settled_on: settled,
                state: LoopState::parse(&row.state)
                    .map(|s| s.name_zh().to_string())
                    .unwrap_or_default(),
                what_was_done: what,
            });
        }
        Ok(PublicEvaluations {
            from,
            total: levels.iter().sum(),
            good_per_mille: good_per_mille(&levels),
            levels,
            departments: lines,
            rectifications,
        })
    }
}
