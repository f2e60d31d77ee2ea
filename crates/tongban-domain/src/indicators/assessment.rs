//! The monthly assessment (月考核): a score per unit from weighted indicator values, and the
//! ranking of units by score.
//!
//! The default weights and the scoring rule are Tongban's own (standards.md §4 leaves them to
//! the city): each weighted indicator contributes its value in hundredths of a percent
//! (lower-is-better indicators as 100 % minus the value), the weights are shared out among the
//! indicators that have a value for the unit, and a unit with no completed case and no rating
//! in the month is not scored and not ranked.

use serde::{Deserialize, Serialize};

use super::counters::Counters;
use super::indicator::{Indicator, IndicatorValue};

/// The most a weight may be.
pub const MAX_WEIGHT: u32 = 1000;

/// Why a set of weights or a threshold was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    #[error("“{0}”是件数指标，不能参与考核计分")]
    CountIndicator(&'static str),
    #[error("“{0}”重复设置了权重")]
    Duplicate(&'static str),
    #[error("权重应为 0 至 {MAX_WEIGHT} 的整数")]
    OutOfRange,
    #[error("至少为一项指标设置大于 0 的权重")]
    AllZero,
    #[error("达标分数线应在 0.00 至 100.00 之间")]
    Threshold,
}

impl WeightsError {
    pub fn code(&self) -> &'static str {
        match self {
            WeightsError::CountIndicator(_) => "assessment.count_indicator",
            WeightsError::Duplicate(_) => "assessment.duplicate_weight",
            WeightsError::OutOfRange => "assessment.weight_out_of_range",
            WeightsError::AllZero => "assessment.all_weights_zero",
            WeightsError::Threshold => "assessment.threshold_out_of_range",
        }
    }
}

/// The weights of the assessment: indicator → weight (a positive integer; only ratios).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    entries: Vec<(Indicator, u32)>,
}

impl Weights {
    /// Checks and keeps the weights; zero weights are dropped.
    pub fn new(entries: Vec<(Indicator, u32)>) -> Result<Weights, WeightsError> {
        let mut kept: Vec<(Indicator, u32)> = Vec::with_capacity(entries.len());
        for (indicator, weight) in entries {
            if weight > MAX_WEIGHT {
                return Err(WeightsError::OutOfRange);
            }
            if matches!(
                indicator.value(&Counters::default()),
                IndicatorValue::Count { .. }
            ) {
                return Err(WeightsError::CountIndicator(indicator.name_zh()));
            }
            if kept.iter().any(|(i, _)| *i == indicator) {
                return Err(WeightsError::Duplicate(indicator.name_zh()));
            }
            if weight > 0 {
                kept.push((indicator, weight));
            }
        }
        if kept.is_empty() {
            return Err(WeightsError::AllZero);
        }
        kept.sort_by_key(|(i, _)| Indicator::ALL.iter().position(|a| a == i));
        Ok(Weights { entries: kept })
    }

    /// Tongban's default weights (ours, not an official scheme): 全程网办率 20, 按时办结率 20,
    /// 好评率 20, 差评整改率 15, 最多跑一次率 10, 主动评价率 5, 电子证照免提交应用率 5,
    /// 实名差评回访率 5.
    pub fn ours() -> Weights {
        Weights {
            entries: vec![
                (Indicator::FullyOnlineRate, 20),
                (Indicator::AtMostOneVisitRate, 10),
                (Indicator::OnTimeRate, 20),
                (Indicator::LicenceSubstitutionRate, 5),
                (Indicator::GoodRate, 20),
                (Indicator::ActiveRatingRate, 5),
                (Indicator::RectificationRate, 15),
                (Indicator::RealNameRevisitRate, 5),
            ],
        }
    }

    pub fn entries(&self) -> &[(Indicator, u32)] {
        &self.entries
    }

    pub fn weight_of(&self, indicator: Indicator) -> u32 {
        self.entries
            .iter()
            .find(|(i, _)| *i == indicator)
            .map_or(0, |(_, w)| *w)
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights::ours()
    }
}

/// A score in hundredths of a point (8650 = 86.50 points out of 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Score(pub i64);

impl Score {
    /// Tongban's default threshold (ours): 80.00 points.
    pub const DEFAULT_THRESHOLD: Score = Score(8000);

    /// Reads a threshold in hundredths of a point, 0 ..= 10 000.
    pub fn threshold(hundredths: i64) -> Result<Score, WeightsError> {
        if (0..=10_000).contains(&hundredths) {
            Ok(Score(hundredths))
        } else {
            Err(WeightsError::Threshold)
        }
    }

    /// "86.50".
    pub fn text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", v / 100, v % 100)
    }
}

/// Whether a unit had anything to assess in the period.
pub fn is_active(c: &Counters) -> bool {
    c.completed > 0 || c.rated() > 0
}

/// The unit's score, or `None` when it had no activity or none of the weighted indicators has
/// a value for it.
pub fn score(weights: &Weights, c: &Counters) -> Option<Score> {
    if !is_active(c) {
        return None;
    }
    let mut weighted: i128 = 0;
    let mut total_weight: i128 = 0;
    for (indicator, weight) in &weights.entries {
        let Some(v) = indicator.value(c).score() else {
            continue;
        };
        let v = if indicator.higher_is_better() {
            v
        } else {
            10_000 - v
        };
        weighted += i128::from(v.clamp(-10_000, 10_000)) * i128::from(*weight);
        total_weight += i128::from(*weight);
    }
    if total_weight == 0 {
        return None;
    }
    let half = total_weight / 2;
    let rounded = if weighted >= 0 {
        (weighted + half) / total_weight
    } else {
        (weighted - half) / total_weight
    };
    i64::try_from(rounded).ok().map(Score)
}

/// A unit with its counters for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCounters {
    pub key: String,
    pub name: String,
    pub counters: Counters,
}

/// A unit's place in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub key: String,
    pub name: String,
    /// 1 = best; units with the same score share a rank (1, 1, 3); `None` for units not ranked.
    pub rank: Option<u32>,
    pub score: Option<Score>,
    /// Whether this unit holds the last rank (ties included) among two or more ranked units.
    pub last: bool,
    pub counters: Counters,
}

/// Ranks the units by score, best first. Ties share a rank; equal scores keep a stable order
/// by key; units without a score follow, unranked, by key.
pub fn rank(weights: &Weights, units: &[UnitCounters]) -> Vec<Ranked> {
    let mut scored: Vec<Ranked> = units
        .iter()
        .map(|u| Ranked {
            key: u.key.clone(),
            name: u.name.clone(),
            rank: None,
            score: score(weights, &u.counters),
            last: false,
            counters: u.counters,
        })
        .collect();
    scored.sort_by(|a, b| match (a.score, b.score) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.key.cmp(&b.key)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.key.cmp(&b.key),
    });
    let mut previous: Option<(Score, u32)> = None;
    for (position, r) in scored.iter_mut().enumerate() {
        let Some(s) = r.score else { break };
        let place = u32::try_from(position + 1).unwrap_or(u32::MAX);
        let shared = match previous {
            Some((ps, pr)) if ps == s => pr,
            _ => place,
        };
        r.rank = Some(shared);
        previous = Some((s, shared));
    }
    let ranked = scored.iter().filter(|r| r.rank.is_some()).count();
    let worst = scored.iter().filter_map(|r| r.rank).max();
    if ranked >= 2 {
        for r in &mut scored {
            r.last = r.rank.is_some() && r.rank == worst;
        }
    }
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(key: &str, completed: u64, on_time: u64, ratings: [u64; 5]) -> UnitCounters {
        UnitCounters {
            key: key.into(),
            name: format!("单位{key}"),
            counters: Counters {
                completed,
                on_time,
                ratings,
                ..Counters::default()
            },
        }
    }

    fn on_time_and_good() -> Weights {
        Weights::new(vec![(Indicator::OnTimeRate, 1), (Indicator::GoodRate, 1)]).unwrap()
    }

    #[test]
    fn a_score_is_the_weighted_mean_of_the_indicators_that_have_a_value() {
        let w = on_time_and_good();
        let u = unit("a", 4, 3, [9, 0, 0, 0, 1]);
        // 按时办结率 75.00 %, 好评率 90.00 % → 82.50
        assert_eq!(score(&w, &u.counters), Some(Score(8250)));
        let no_ratings = unit("b", 4, 3, [0; 5]);
        assert_eq!(
            score(&w, &no_ratings.counters),
            Some(Score(7500)),
            "the weight of an indicator without a value is shared out among the others"
        );
    }

    #[test]
    fn an_indicator_where_lower_is_better_is_inverted() {
        let w = Weights::new(vec![(Indicator::BadRate, 1)]).unwrap();
        let u = unit("a", 0, 0, [9, 0, 0, 0, 1]);
        assert_eq!(score(&w, &u.counters), Some(Score(9000)));
    }

    #[test]
    fn a_unit_with_no_activity_is_not_scored_nor_ranked() {
        let w = on_time_and_good();
        let idle = unit("idle", 0, 0, [0; 5]);
        assert_eq!(score(&w, &idle.counters), None);
        let ranking = rank(&w, &[idle, unit("busy", 2, 2, [1, 0, 0, 0, 0])]);
        assert_eq!(ranking[0].key, "busy");
        assert_eq!(ranking[0].rank, Some(1));
        assert_eq!(ranking[1].rank, None);
        assert!(!ranking[0].last, "a single ranked unit is not last");
    }

    #[test]
    fn ties_share_a_rank_and_keep_a_stable_order() {
        let w = on_time_and_good();
        let ranking = rank(
            &w,
            &[
                unit("c", 2, 1, [0; 5]),
                unit("b", 4, 4, [0; 5]),
                unit("a", 4, 4, [0; 5]),
                unit("d", 2, 1, [0; 5]),
            ],
        );
        let seen: Vec<_> = ranking
            .iter()
            .map(|r| (r.key.as_str(), r.rank, r.last))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a", Some(1), false),
                ("b", Some(1), false),
                ("c", Some(3), true),
                ("d", Some(3), true),
            ]
        );
    }

    #[test]
    fn weights_refuse_counts_duplicates_and_all_zero() {
        assert_eq!(
            Weights::new(vec![(Indicator::ZeroVisitCount, 1)]).unwrap_err(),
            WeightsError::CountIndicator("零跑动件数")
        );
        assert!(matches!(
            Weights::new(vec![(Indicator::GoodRate, 1), (Indicator::GoodRate, 2)]),
            Err(WeightsError::Duplicate(_))
        ));
        assert_eq!(
            Weights::new(vec![(Indicator::GoodRate, 0)]).unwrap_err(),
            WeightsError::AllZero
        );
        assert_eq!(
            Weights::new(vec![(Indicator::GoodRate, MAX_WEIGHT + 1)]).unwrap_err(),
            WeightsError::OutOfRange
        );
        let ours = Weights::ours();
        assert_eq!(Weights::new(ours.entries().to_vec()).unwrap(), ours);
        assert_eq!(ours.entries().iter().map(|(_, w)| w).sum::<u32>(), 100);
    }

    #[test]
    fn a_threshold_lies_between_zero_and_a_hundred_points() {
        assert_eq!(Score::threshold(8000).unwrap().text(), "80.00");
        assert!(Score::threshold(10_001).is_err());
        assert!(Score::threshold(-1).is_err());
    }
}
