//! The indicators the province ranks the city by: additive counters per unit and day, the
//! published formulas over them, the periods (week, month, quarter, year) and the dimensions
//! (department, county, township, hall, item) they are reported by.
//!
//! Every formula here is Tongban's own where the official one is unconfirmed
//! (standards.md §1.5 and §4); `Indicator::formula_zh` is the text the formulas page shows.

mod counters;
mod fact;
mod indicator;
mod period;

pub use counters::Counters;
pub use fact::{CaseFact, CaseFactError, case_fact};
pub use indicator::{Indicator, IndicatorValue, Ratio};
pub use period::{Dimension, Period, PeriodError, PeriodKind};
