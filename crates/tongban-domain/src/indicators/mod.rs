//! The indicators the province ranks the city by: additive counters per unit and day, the
//! published formulas over them, the periods (week, month, quarter, year) and the dimensions
//! (department, county, township, hall, item) they are reported by; the monthly assessment
//! (月考核) and rankings, the 两书一函 rules and the bulletins built on them.
//!
//! Every formula here is Tongban's own where the official one is unconfirmed
//! (standards.md §1.5 and §4); `Indicator::formula_zh` is the text the formulas page shows.

mod assessment;
mod bulletin;
mod counters;
mod fact;
mod indicator;
mod letters;
mod period;

pub use assessment::{
    MAX_WEIGHT, Ranked, Score, UnitCounters, Weights, WeightsError, is_active, rank, score,
};
pub use bulletin::{
    Bulletin, BulletinInput, BulletinKind, Figure, HEADLINE, Laggard, LetterLine, OpenBad, open_bad,
};
pub use counters::Counters;
pub use fact::{CaseFact, CaseFactError, case_fact};
pub use indicator::{Indicator, IndicatorValue, Ratio};
pub use letters::{LetterDecision, LetterKind, MonthStanding, letter_body, letter_for};
pub use period::{Dimension, Period, PeriodError, PeriodKind};
