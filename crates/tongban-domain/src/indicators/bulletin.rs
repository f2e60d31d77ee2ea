//! The bulletins (通报): 周通报, 月考核 and 季调度 as a document model — title, period, the
//! overall figures with their change from the previous period, ranking tables, laggards, 差评
//! still not rectified and the letters drafted. Pages, spreadsheets and PDFs render this model.

use serde::{Deserialize, Serialize};

use super::assessment::{Ranked, Score, UnitCounters, Weights, rank};
use super::counters::Counters;
use super::indicator::Indicator;
use super::letters::LetterKind;
use super::period::{Period, PeriodKind};

/// Which bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulletinKind {
    /// 周通报
    Week,
    /// 月考核
    Month,
    /// 季调度
    Quarter,
}

impl BulletinKind {
    pub const ALL: [BulletinKind; 3] = [
        BulletinKind::Week,
        BulletinKind::Month,
        BulletinKind::Quarter,
    ];

    pub fn code(self) -> &'static str {
        self.period_kind().code()
    }

    pub fn parse(code: &str) -> Option<BulletinKind> {
        BulletinKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn period_kind(self) -> PeriodKind {
        match self {
            BulletinKind::Week => PeriodKind::Week,
            BulletinKind::Month => PeriodKind::Month,
            BulletinKind::Quarter => PeriodKind::Quarter,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            BulletinKind::Week => "周通报",
            BulletinKind::Month => "月考核通报",
            BulletinKind::Quarter => "季调度通报",
        }
    }
}

/// The indicators a bulletin shows at the top, in order.
pub const HEADLINE: [Indicator; 8] = [
    Indicator::FullyOnlineRate,
    Indicator::ZeroVisitRate,
    Indicator::AtMostOneVisitRate,
    Indicator::OnTimeRate,
    Indicator::LicenceSubstitutionRate,
    Indicator::GoodRate,
    Indicator::BadRate,
    Indicator::RectificationRate,
];

/// One overall figure with the previous period's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub indicator: Indicator,
    pub name: String,
    pub value: String,
    pub previous: String,
    /// Change in hundredths of a percentage point (or in units for a count); `None` when one
    /// side has no value.
    pub change: Option<i64>,
    /// "+1.20 个百分点", "持平", "—".
    pub change_text: String,
    /// Whether the change is an improvement (`None` when unchanged or unknown).
    pub improved: Option<bool>,
}

impl Figure {
    pub fn of(indicator: Indicator, now: &Counters, before: &Counters) -> Figure {
        let v = indicator.value(now);
        let p = indicator.value(before);
        let change = match (v.score(), p.score()) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        let is_count = indicator == Indicator::ZeroVisitCount;
        let change_text = match change {
            None => "—".to_string(),
            Some(0) => "持平".to_string(),
            Some(d) if is_count => format!("{d:+}"),
            Some(d) => {
                let sign = if d < 0 { "-" } else { "+" };
                let a = d.unsigned_abs();
                format!("{sign}{}.{:02} 个百分点", a / 100, a % 100)
            }
        };
        let improved = match change {
            None | Some(0) => None,
            Some(d) => Some((d > 0) == indicator.higher_is_better()),
        };
        Figure {
            indicator,
            name: indicator.name_zh().to_string(),
            value: v.text(),
            previous: p.text(),
            change,
            change_text,
            improved,
        }
    }
}

/// A unit that lags: under the threshold, or last in its ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Laggard {
    /// "县（区）" or "部门".
    pub group: String,
    pub key: String,
    pub name: String,
    pub score: Option<Score>,
    pub why: String,
}

/// 差评 not yet rectified in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenBad {
    pub key: String,
    pub name: String,
    pub open: u64,
}

/// A letter listed in a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterLine {
    pub kind: LetterKind,
    pub unit_name: String,
    pub period: String,
    /// 已起草 / 已发送.
    pub status: String,
}

/// Everything a bulletin is made from.
#[derive(Debug, Clone)]
pub struct BulletinInput {
    pub kind: BulletinKind,
    pub period: Period,
    pub total: Counters,
    pub previous_total: Counters,
    pub counties: Vec<UnitCounters>,
    pub departments: Vec<UnitCounters>,
    pub weights: Weights,
    pub threshold: Score,
    pub letters: Vec<LetterLine>,
}

/// A bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    pub kind: BulletinKind,
    pub period: Period,
    pub period_code: String,
    pub title: String,
    pub completed: u64,
    pub previous_completed: u64,
    pub rated: u64,
    pub figures: Vec<Figure>,
    pub county_ranking: Vec<Ranked>,
    pub department_ranking: Vec<Ranked>,
    pub laggards: Vec<Laggard>,
    /// 差评 given in the period and not yet rectified: `bad − bad_rectified`.
    pub open_bad: u64,
    /// Units with 差评 not yet rectified, most first.
    pub open_bad_by_unit: Vec<OpenBad>,
    pub threshold: Score,
    pub letters: Vec<LetterLine>,
}

/// 差评 not yet rectified among these counters.
pub fn open_bad(c: &Counters) -> u64 {
    c.bad.saturating_sub(c.bad_rectified)
}

fn laggards(group: &str, ranking: &[Ranked], threshold: Score) -> Vec<Laggard> {
    ranking
        .iter()
        .filter_map(|r| {
            let score = r.score?;
            let why = match (score < threshold, r.last) {
                (true, true) => format!("得分低于{}分，排名末位", threshold.text()),
                (true, false) => format!("得分低于{}分", threshold.text()),
                (false, true) => "排名末位".to_string(),
                (false, false) => return None,
            };
            Some(Laggard {
                group: group.to_string(),
                key: r.key.clone(),
                name: r.name.clone(),
                score: Some(score),
                why,
            })
        })
        .collect()
}

impl Bulletin {
    pub fn build(input: BulletinInput) -> Bulletin {
        let county_ranking = rank(&input.weights, &input.counties);
        let department_ranking = rank(&input.weights, &input.departments);
        let mut lag = laggards("县（区）", &county_ranking, input.threshold);
        lag.extend(laggards("部门", &department_ranking, input.threshold));
        let mut open_bad_by_unit: Vec<OpenBad> = input
            .departments
            .iter()
            .map(|u| OpenBad {
                key: u.key.clone(),
                name: u.name.clone(),
                open: open_bad(&u.counters),
            })
            .filter(|o| o.open > 0)
            .collect();
        open_bad_by_unit.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.key.cmp(&b.key)));
        Bulletin {
            kind: input.kind,
            period: input.period,
            period_code: input.period.code(),
            title: format!("{}政务服务{}", input.period.name_zh(), input.kind.name_zh()),
            completed: input.total.completed,
            previous_completed: input.previous_total.completed,
            rated: input.total.rated(),
            figures: HEADLINE
                .iter()
                .map(|i| Figure::of(*i, &input.total, &input.previous_total))
                .collect(),
            county_ranking,
            department_ranking,
            laggards: lag,
            open_bad: open_bad(&input.total),
            open_bad_by_unit,
            threshold: input.threshold,
            letters: input.letters,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(completed: u64, on_time: u64, bad: u64, bad_rectified: u64) -> Counters {
        Counters {
            completed,
            on_time,
            fully_online: completed / 2,
            ratings: [completed, 0, 0, bad, 0],
            bad,
            bad_rectified,
            ..Counters::default()
        }
    }

    fn unit(key: &str, counters: Counters) -> UnitCounters {
        UnitCounters {
            key: key.into(),
            name: format!("单位{key}"),
            counters,
        }
    }

    fn input() -> BulletinInput {
        BulletinInput {
            kind: BulletinKind::Month,
            period: Period::parse("2026-10").unwrap(),
            total: c(100, 90, 5, 2),
            previous_total: c(80, 76, 1, 1),
            counties: vec![unit("c1", c(60, 60, 0, 0)), unit("c2", c(40, 30, 5, 2))],
            departments: vec![
                unit("d1", c(50, 50, 1, 0)),
                unit("d2", c(50, 40, 4, 2)),
                unit("d3", Counters::default()),
            ],
            weights: Weights::new(vec![(Indicator::OnTimeRate, 1)]).unwrap(),
            threshold: Score(8000),
            letters: vec![],
        }
    }

    #[test]
    fn a_bulletin_is_titled_by_its_period_and_kind() {
        let b = Bulletin::build(input());
        assert_eq!(b.title, "2026年10月政务服务月考核通报");
        assert_eq!(b.period_code, "2026-10");
        assert_eq!(BulletinKind::parse("quarter"), Some(BulletinKind::Quarter));
    }

    #[test]
    fn overall_figures_show_the_change_from_the_previous_period() {
        let b = Bulletin::build(input());
        let on_time = b
            .figures
            .iter()
            .find(|f| f.indicator == Indicator::OnTimeRate)
            .unwrap();
        assert_eq!(on_time.value, "90.00%");
        assert_eq!(on_time.previous, "95.00%");
        assert_eq!(on_time.change, Some(-500));
        assert_eq!(on_time.change_text, "-5.00 个百分点");
        assert_eq!(on_time.improved, Some(false));
        let bad_rate = b
            .figures
            .iter()
            .find(|f| f.indicator == Indicator::BadRate)
            .unwrap();
        assert_eq!(
            bad_rate.improved,
            Some(false),
            "差评率 going up is worse, not better"
        );
    }

    #[test]
    fn laggards_are_units_under_the_threshold_or_last() {
        let b = Bulletin::build(input());
        let lag: Vec<_> = b
            .laggards
            .iter()
            .map(|l| (l.key.as_str(), l.why.as_str()))
            .collect();
        assert_eq!(
            lag,
            vec![("c2", "得分低于80.00分，排名末位"), ("d2", "排名末位")]
        );
    }

    #[test]
    fn open_bad_is_bad_less_rectified_by_unit_most_first() {
        let b = Bulletin::build(input());
        assert_eq!(b.open_bad, 3);
        let units: Vec<_> = b
            .open_bad_by_unit
            .iter()
            .map(|o| (o.key.as_str(), o.open))
            .collect();
        assert_eq!(units, vec![("d2", 2), ("d1", 1)]);
        assert_eq!(
            b.department_ranking[2].rank, None,
            "an idle unit is not ranked"
        );
    }
}
