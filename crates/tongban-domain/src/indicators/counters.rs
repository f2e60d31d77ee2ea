//! The additive counters every indicator is computed from. Counters of two groups add up to
//! the counters of their union, so rollups by day sum to any period and any parent unit.

use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Sums over cases closed (办结) in a period and ratings given in it.
///
/// Case counters are counted on the day a case reached 办结; rating counters on the day of the
/// rating; 差评 counters on the day of the 差评 (later steps of its loop update that day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// 办结件数: cases completed (approved or refused) in the period.
    pub completed: u64,
    /// Completed cases whose item version could be applied for online (网上可办).
    pub online_capable: u64,
    /// 全程网办: applied for online and completed with no visit.
    pub fully_online: u64,
    /// 零跑动: completed with no visit.
    pub zero_visit: u64,
    /// 最多跑一次: completed with at most one visit.
    pub at_most_one_visit: u64,
    /// 即办件 completed.
    pub immediate: u64,
    /// Completed within the 承诺时限 (按时办结).
    pub on_time: u64,
    /// Σ 法定时限 of completed cases, in working days.
    pub legal_days: u64,
    /// Σ 承诺时限 of completed cases, in working days (即办 = 0).
    pub promised_days: u64,
    /// Σ working days actually used (from 受理 to decision, less 特别程序 pauses).
    pub used_days: u64,
    /// Materials the completed cases required.
    pub materials_required: u64,
    /// Of those, materials an electronic licence stood in for (证照免提交).
    pub materials_by_licence: u64,
    /// Completed cases that the applicant rated (主动评价).
    pub completed_rated: u64,
    /// Ratings by level, indexed by 满意度代码 − 1 (0 = 非常满意 … 4 = 非常不满意); ratings whose
    /// 差评 appeal was upheld are not counted.
    pub ratings: [u64; 5],
    /// 差评 (after upheld appeals are removed).
    pub bad: u64,
    /// 差评 rectified or explained (整改 or 解释说明 done).
    pub bad_rectified: u64,
    /// 差评 rectified or explained on or before their deadline.
    pub bad_rectified_on_time: u64,
    /// 实名差评.
    pub bad_real_name: u64,
    /// 实名差评 whose rater was visited back (回访).
    pub bad_real_name_revisited: u64,
}

impl Counters {
    /// All ratings counted.
    pub fn rated(&self) -> u64 {
        self.ratings.iter().sum()
    }

    /// 好评: 非常满意, 满意 and 基本满意.
    pub fn good(&self) -> u64 {
        self.ratings[0] + self.ratings[1] + self.ratings[2]
    }

    /// 差评 ratings: 不满意 and 非常不满意.
    pub fn bad_ratings(&self) -> u64 {
        self.ratings[3] + self.ratings[4]
    }
}

impl AddAssign<&Counters> for Counters {
    fn add_assign(&mut self, o: &Counters) {
        self.completed += o.completed;
        self.online_capable += o.online_capable;
        self.fully_online += o.fully_online;
        self.zero_visit += o.zero_visit;
        self.at_most_one_visit += o.at_most_one_visit;
        self.immediate += o.immediate;
        self.on_time += o.on_time;
        self.legal_days += o.legal_days;
        self.promised_days += o.promised_days;
        self.used_days += o.used_days;
        self.materials_required += o.materials_required;
        self.materials_by_licence += o.materials_by_licence;
        self.completed_rated += o.completed_rated;
        for (a, b) in self.ratings.iter_mut().zip(o.ratings.iter()) {
            *a += b;
        }
        self.bad += o.bad;
        self.bad_rectified += o.bad_rectified;
        self.bad_rectified_on_time += o.bad_rectified_on_time;
        self.bad_real_name += o.bad_real_name;
        self.bad_real_name_revisited += o.bad_real_name_revisited;
    }
}

impl<'a> std::iter::Sum<&'a Counters> for Counters {
    fn sum<I: Iterator<Item = &'a Counters>>(iter: I) -> Counters {
        let mut total = Counters::default();
        for c in iter {
            total += c;
        }
        total
    }
}
