//! 两书一函: which letter a unit is drafted after a monthly assessment, and its default text.
//!
//! The rules are Tongban's own (the province leaves them to the city): a unit whose score is
//! under the threshold gets a 提醒书; under it two months running, or last in its ranking two
//! months running, a 督办书; under it three months running, a 约谈函. Only the most severe
//! letter is drafted. A month in which the unit was not ranked breaks a run.

use serde::{Deserialize, Serialize};

use super::assessment::{Ranked, Score};
use super::period::Period;

/// The three kinds of letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// 提醒书
    Reminder,
    /// 督办书
    Supervision,
    /// 约谈函
    Interview,
}

impl LetterKind {
    pub const ALL: [LetterKind; 3] = [
        LetterKind::Reminder,
        LetterKind::Supervision,
        LetterKind::Interview,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Reminder => "reminder",
            LetterKind::Supervision => "supervision",
            LetterKind::Interview => "interview",
        }
    }

    pub fn parse(code: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            LetterKind::Reminder => "提醒书",
            LetterKind::Supervision => "督办书",
            LetterKind::Interview => "约谈函",
        }
    }
}

/// How a unit stood in one month's assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthStanding {
    /// `None`: not ranked that month.
    pub score: Option<Score>,
    /// Last in its ranking (ties included).
    pub last: bool,
}

impl MonthStanding {
    pub fn of(r: &Ranked) -> MonthStanding {
        MonthStanding {
            score: r.score,
            last: r.last,
        }
    }

    fn under(self, threshold: Score) -> bool {
        self.score.is_some_and(|s| s < threshold)
    }
}

/// Why a letter is drafted, in Chinese, for its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterDecision {
    pub kind: LetterKind,
    pub reason: String,
}

/// The letter to draft for a unit, given its standing this month, the month before and the
/// one before that (most recent first).
pub fn letter_for(history: [MonthStanding; 3], threshold: Score) -> Option<LetterDecision> {
    let [now, before, earlier] = history;
    let t = threshold.text();
    if now.under(threshold) && before.under(threshold) && earlier.under(threshold) {
        return Some(LetterDecision {
            kind: LetterKind::Interview,
            reason: format!("连续三个月考核得分低于{t}分"),
        });
    }
    if now.under(threshold) && before.under(threshold) {
        return Some(LetterDecision {
            kind: LetterKind::Supervision,
            reason: format!("连续两个月考核得分低于{t}分"),
        });
    }
    if now.last && before.last && now.score.is_some() && before.score.is_some() {
        return Some(LetterDecision {
            kind: LetterKind::Supervision,
            reason: "连续两个月考核排名末位".to_string(),
        });
    }
    if now.under(threshold) {
        return Some(LetterDecision {
            kind: LetterKind::Reminder,
            reason: format!("本月考核得分低于{t}分"),
        });
    }
    None
}

/// The default text of a letter, which a supervisor may edit before sending.
pub fn letter_body(
    kind: LetterKind,
    unit_name: &str,
    month: &Period,
    score: Option<Score>,
    rank: Option<u32>,
    reason: &str,
) -> String {
    let score = score.map_or_else(|| "—".to_string(), Score::text);
    let rank = rank.map_or_else(|| "未排名".to_string(), |r| format!("第{r}名"));
    let ask = match kind {
        LetterKind::Reminder => "请认真分析原因，采取有效措施，切实提升政务服务质量。",
        LetterKind::Supervision => {
            "请于收到本督办书之日起10个工作日内提交书面整改报告，列明问题、原因、措施和完成时限。"
        }
        LetterKind::Interview => {
            "请单位主要负责人按通知时间到局接受约谈，并提交整改方案和落实情况报告。"
        }
    };
    format!(
        "{unit_name}：\n\n根据{month}政务服务月考核结果，你单位考核得分{score}分，排名{rank}，\
         {reason}。{ask}\n\n特此{kind}。",
        month = month.name_zh(),
        kind = match kind {
            LetterKind::Reminder => "提醒",
            LetterKind::Supervision => "督办",
            LetterKind::Interview => "函告",
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const T: Score = Score(8000);

    fn at(score: i64) -> MonthStanding {
        MonthStanding {
            score: Some(Score(score)),
            last: false,
        }
    }

    fn last_at(score: i64) -> MonthStanding {
        MonthStanding {
            score: Some(Score(score)),
            last: true,
        }
    }

    const UNRANKED: MonthStanding = MonthStanding {
        score: None,
        last: false,
    };

    fn kind(h: [MonthStanding; 3]) -> Option<LetterKind> {
        letter_for(h, T).map(|d| d.kind)
    }

    #[test]
    fn a_unit_under_the_threshold_once_gets_a_reminder() {
        assert_eq!(
            kind([at(7999), at(9000), at(9000)]),
            Some(LetterKind::Reminder)
        );
        assert_eq!(kind([at(8000), at(7000), at(7000)]), None);
    }

    #[test]
    fn under_the_threshold_two_months_running_gets_a_supervision_letter() {
        assert_eq!(
            kind([at(7000), at(7000), at(9000)]),
            Some(LetterKind::Supervision)
        );
    }

    #[test]
    fn last_in_the_ranking_two_months_running_gets_a_supervision_letter() {
        assert_eq!(
            kind([last_at(9000), last_at(9000), at(9000)]),
            Some(LetterKind::Supervision)
        );
        assert_eq!(kind([last_at(9000), at(9000), last_at(9000)]), None);
    }

    #[test]
    fn under_the_threshold_three_months_running_gets_an_interview_letter() {
        let d = letter_for([at(1), at(2), at(3)], T).unwrap();
        assert_eq!(d.kind, LetterKind::Interview);
        assert!(d.reason.contains("连续三个月"));
    }

    #[test]
    fn a_month_not_ranked_breaks_a_run() {
        assert_eq!(
            kind([at(7000), UNRANKED, at(7000)]),
            Some(LetterKind::Reminder)
        );
        assert_eq!(kind([UNRANKED, at(7000), at(7000)]), None);
    }

    #[test]
    fn a_letter_names_the_unit_month_score_and_rank() {
        let month = Period::containing(super::super::PeriodKind::Month, date!(2026 - 10 - 05));
        let body = letter_body(
            LetterKind::Supervision,
            "某县",
            &month,
            Some(Score(7512)),
            Some(5),
            "连续两个月考核得分低于80.00分",
        );
        assert!(body.starts_with("某县："));
        assert!(body.contains("2026年10月"));
        assert!(body.contains("75.12分"));
        assert!(body.contains("第5名"));
        assert!(body.contains("特此督办"));
        for k in LetterKind::ALL {
            assert_eq!(LetterKind::parse(k.code()), Some(k));
        }
    }
}
