//! The indicators, each a named formula over `Counters`, with the text the formulas page
//! publishes. Values are exact fractions, shown in hundredths of a percent rounded half up, so
//! that every figure can be recomputed to the digit.

use serde::{Deserialize, Serialize};

use super::counters::Counters;

/// An exact fraction. The numerator may be negative (a case can take longer than the legal
/// limit, so 办理提速 can fall below zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: u64,
}

impl Ratio {
    pub fn new(num: i64, den: u64) -> Ratio {
        Ratio { num, den }
    }

    /// The value in hundredths of a percent (9824 = 98.24 %), rounded half away from zero;
    /// `None` when there is nothing to divide by.
    pub fn hundredths_of_percent(self) -> Option<i64> {
        if self.den == 0 {
            return None;
        }
        let den = i128::from(self.den);
        let scaled = i128::from(self.num) * 10_000;
        let half = den / 2;
        let rounded = if scaled >= 0 {
            (scaled + half) / den
        } else {
            (scaled - half) / den
        };
        i64::try_from(rounded).ok()
    }

    /// "98.24%", or "—" when there is nothing to divide by.
    pub fn percent_text(self) -> String {
        match self.hundredths_of_percent() {
            None => "—".to_string(),
            Some(v) => {
                let sign = if v < 0 { "-" } else { "" };
                let v = v.unsigned_abs();
                format!("{sign}{}.{:02}%", v / 100, v % 100)
            }
        }
    }
}

/// The published indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    FullyOnlineRate,
    OnlineCapableRate,
    ZeroVisitCount,
    ZeroVisitRate,
    AtMostOneVisitRate,
    ImmediateShare,
    PromiseCompression,
    Speedup,
    OnTimeRate,
    LicenceSubstitutionRate,
    GoodRate,
    BadRate,
    ActiveRatingRate,
    RectificationRate,
    OnTimeRectificationRate,
    RealNameRevisitRate,
}

/// An indicator's value: a count or a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndicatorValue {
    Count { value: u64 },
    Ratio(Ratio),
}

impl IndicatorValue {
    pub fn text(self) -> String {
        match self {
            IndicatorValue::Count { value } => value.to_string(),
            IndicatorValue::Ratio(r) => r.percent_text(),
        }
    }

    /// A comparable number for ranking: a count, or hundredths of a percent.
    pub fn score(self) -> Option<i64> {
        match self {
            IndicatorValue::Count { value } => i64::try_from(value).ok(),
            IndicatorValue::Ratio(r) => r.hundredths_of_percent(),
        }
    }
}

fn ratio(num: u64, den: u64) -> IndicatorValue {
    IndicatorValue::Ratio(Ratio::new(i64::try_from(num).unwrap_or(i64::MAX), den))
}

fn signed_ratio(num: i128, den: u64) -> IndicatorValue {
    let num = i64::try_from(num).unwrap_or(if num < 0 { i64::MIN } else { i64::MAX });
    IndicatorValue::Ratio(Ratio::new(num, den))
}

impl Indicator {
    pub const ALL: [Indicator; 16] = [
        Indicator::FullyOnlineRate,
        Indicator::OnlineCapableRate,
        Indicator::ZeroVisitCount,
        Indicator::ZeroVisitRate,
        Indicator::AtMostOneVisitRate,
        Indicator::ImmediateShare,
        Indicator::PromiseCompression,
        Indicator::Speedup,
        Indicator::OnTimeRate,
        Indicator::LicenceSubstitutionRate,
        Indicator::GoodRate,
        Indicator::BadRate,
        Indicator::ActiveRatingRate,
        Indicator::RectificationRate,
        Indicator::OnTimeRectificationRate,
        Indicator::RealNameRevisitRate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::FullyOnlineRate => "fully_online_rate",
            Indicator::OnlineCapableRate => "online_capable_rate",
            Indicator::ZeroVisitCount => "zero_visit_count",
            Indicator::ZeroVisitRate => "zero_visit_rate",
            Indicator::AtMostOneVisitRate => "at_most_one_visit_rate",
            Indicator::ImmediateShare => "immediate_share",
            Indicator::PromiseCompression => "promise_compression",
            Indicator::Speedup => "speedup",
            Indicator::OnTimeRate => "on_time_rate",
            Indicator::LicenceSubstitutionRate => "licence_substitution_rate",
            Indicator::GoodRate => "good_rate",
            Indicator::BadRate => "bad_rate",
            Indicator::ActiveRatingRate => "active_rating_rate",
            Indicator::RectificationRate => "rectification_rate",
            Indicator::OnTimeRectificationRate => "on_time_rectification_rate",
            Indicator::RealNameRevisitRate => "real_name_revisit_rate",
        }
    }

    pub fn parse(code: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Indicator::FullyOnlineRate => "全程网办率",
            Indicator::OnlineCapableRate => "网上可办率",
            Indicator::ZeroVisitCount => "零跑动件数",
            Indicator::ZeroVisitRate => "零跑动率",
            Indicator::AtMostOneVisitRate => "最多跑一次率",
            Indicator::ImmediateShare => "即办件占比",
            Indicator::PromiseCompression => "承诺时限压缩比",
            Indicator::Speedup => "办理提速",
            Indicator::OnTimeRate => "按时办结率",
            Indicator::LicenceSubstitutionRate => "电子证照免提交应用率",
            Indicator::GoodRate => "好评率",
            Indicator::BadRate => "差评率",
            Indicator::ActiveRatingRate => "主动评价率",
            Indicator::RectificationRate => "差评整改率",
            Indicator::OnTimeRectificationRate => "按期整改率",
            Indicator::RealNameRevisitRate => "实名差评回访率",
        }
    }

    /// The formula as the formulas page publishes it.
    pub fn formula_zh(self) -> &'static str {
        match self {
            Indicator::FullyOnlineRate => "网上申请且到现场次数为 0 的办结件数 ÷ 办结件数",
            Indicator::OnlineCapableRate => "所属事项版本可网上申请的办结件数 ÷ 办结件数",
            Indicator::ZeroVisitCount => "到现场次数为 0 的办结件数",
            Indicator::ZeroVisitRate => "到现场次数为 0 的办结件数 ÷ 办结件数",
            Indicator::AtMostOneVisitRate => "到现场次数不超过 1 次的办结件数 ÷ 办结件数",
            Indicator::ImmediateShare => "即办件办结件数 ÷ 办结件数",
            Indicator::PromiseCompression => {
                "Σ(法定时限 − 承诺时限) ÷ Σ法定时限（工作日，即办件承诺时限计 0）"
            }
            Indicator::Speedup => "1 − Σ实际用时 ÷ Σ法定时限（工作日，自受理至决定，扣除特别程序）",
            Indicator::OnTimeRate => "在承诺时限内办结的件数 ÷ 办结件数",
            Indicator::LicenceSubstitutionRate => "以电子证照替代提交的材料次数 ÷ 应提交材料次数",
            Indicator::GoodRate => "（非常满意 + 满意 + 基本满意）÷ 全部评价数",
            Indicator::BadRate => "（不满意 + 非常不满意）÷ 全部评价数",
            Indicator::ActiveRatingRate => "申请人主动评价的办结件数 ÷ 办结件数",
            Indicator::RectificationRate => "已整改（含解释说明）的差评数 ÷ 差评总数",
            Indicator::OnTimeRectificationRate => {
                "在整改期限内整改（含解释说明）的差评数 ÷ 差评总数"
            }
            Indicator::RealNameRevisitRate => "已回访的实名差评数 ÷ 实名差评数",
        }
    }

    /// Whether a higher value ranks better (差评率 is the one where lower is better).
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Indicator::BadRate)
    }

    /// The indicator's value over `c`.
    pub fn value(self, c: &Counters) -> IndicatorValue {
        match self {
            Indicator::FullyOnlineRate => ratio(c.fully_online, c.completed),
            Indicator::OnlineCapableRate => ratio(c.online_capable, c.completed),
            Indicator::ZeroVisitCount => IndicatorValue::Count {
                value: c.zero_visit,
            },
            Indicator::ZeroVisitRate => ratio(c.zero_visit, c.completed),
            Indicator::AtMostOneVisitRate => ratio(c.at_most_one_visit, c.completed),
            Indicator::ImmediateShare => ratio(c.immediate, c.completed),
            Indicator::PromiseCompression => signed_ratio(
                i128::from(c.legal_days) - i128::from(c.promised_days),
                c.legal_days,
            ),
            Indicator::Speedup => signed_ratio(
                i128::from(c.legal_days) - i128::from(c.used_days),
                c.legal_days,
            ),
            Indicator::OnTimeRate => ratio(c.on_time, c.completed),
            Indicator::LicenceSubstitutionRate => {
                ratio(c.materials_by_licence, c.materials_required)
            }
            Indicator::GoodRate => ratio(c.good(), c.rated()),
            Indicator::BadRate => ratio(c.bad_ratings(), c.rated()),
            Indicator::ActiveRatingRate => ratio(c.completed_rated, c.completed),
            Indicator::RectificationRate => ratio(c.bad_rectified, c.bad),
            Indicator::OnTimeRectificationRate => ratio(c.bad_rectified_on_time, c.bad),
            Indicator::RealNameRevisitRate => ratio(c.bad_real_name_revisited, c.bad_real_name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_is_shown_to_the_hundredth_of_a_percent_rounded_half_up() {
        assert_eq!(Ratio::new(9824, 10_000).percent_text(), "98.24%");
        assert_eq!(Ratio::new(1, 3).percent_text(), "33.33%");
        assert_eq!(Ratio::new(2, 3).percent_text(), "66.67%");
        assert_eq!(Ratio::new(1, 80_000).percent_text(), "0.00%");
        assert_eq!(Ratio::new(1, 20_000).percent_text(), "0.01%");
        assert_eq!(Ratio::new(-1, 8).percent_text(), "-12.50%");
        assert_eq!(Ratio::new(5, 0).percent_text(), "—");
    }

    #[test]
    fn speedup_compares_the_days_used_with_the_legal_limit() {
        let c = Counters {
            completed: 2,
            legal_days: 40,
            promised_days: 10,
            used_days: 5,
            ..Counters::default()
        };
        assert_eq!(Indicator::Speedup.value(&c).text(), "87.50%");
        assert_eq!(Indicator::PromiseCompression.value(&c).text(), "75.00%");
    }

    #[test]
    fn good_and_bad_rates_split_the_five_levels_three_to_two() {
        let c = Counters {
            ratings: [5, 3, 1, 0, 1],
            ..Counters::default()
        };
        assert_eq!(Indicator::GoodRate.value(&c).text(), "90.00%");
        assert_eq!(Indicator::BadRate.value(&c).text(), "10.00%");
        assert!(!Indicator::BadRate.higher_is_better());
    }

    #[test]
    fn every_indicator_has_a_unique_code_and_a_published_formula() {
        let mut codes: Vec<_> = Indicator::ALL.iter().map(|i| i.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Indicator::ALL.len());
        for i in Indicator::ALL {
            assert_eq!(Indicator::parse(i.code()), Some(i));
            assert!(!i.formula_zh().is_empty());
        }
    }
}
