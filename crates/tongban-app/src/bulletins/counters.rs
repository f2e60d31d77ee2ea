//! The bridge to the indicator engine: counters per county or department, and the city's
//! total, for a period.

use tongban_domain::indicators::{Counters, Dimension, Period, UnitCounters};

use crate::{App, AppError};

impl App {
    /// Every unit of `dim` with its counters for `period`.
    pub(crate) async fn unit_counters(
        &self,
        _dim: Dimension,
        _period: &Period,
    ) -> Result<Vec<UnitCounters>, AppError> {
        Err(AppError::Internal("the indicator engine is not merged yet".into()))
    }

    /// The city's counters for `period`.
    pub(crate) async fn total_counters(&self, _period: &Period) -> Result<Counters, AppError> {
        Err(AppError::Internal("the indicator engine is not merged yet".into()))
    }
}
