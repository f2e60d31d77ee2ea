//! The indicator engine: the projector that turns the event log into per-day counters by
//! dimension and unit, and the queries every report (the indicators page, rankings,
//! bulletins, the dashboard) reads them through.

mod project;
mod query;
mod units;

pub use project::{CURSOR, RefreshReport};
pub use query::{CaseCounter, CaseFilter, CasePage, IndicatorRow, day_number};
pub use units::{county_of, township_of};
