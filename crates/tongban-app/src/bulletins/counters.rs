//! The bridge to the indicator engine (`App::indicator_rows`, `App::indicator_total`):
//! counters per county or department, and the city's total, for a period — read as the
//! caller, or as the system for the periodic job and the CLI.

use tongban_domain::indicators::{Counters, Dimension, Period, UnitCounters};
use tongban_domain::{DivisionCode, Role};

use crate::{App, AppError, OrgUnit, Principal};

impl App {
    /// The principal background jobs read indicators as: a system administrator of the city.
    pub(crate) fn system_reader(&self) -> Result<Principal, AppError> {
        let code = format!("{:0<12}", self.config.region_code);
        let code = DivisionCode::parse(&code)
            .map_err(|e| AppError::Internal(format!("region code {code}: {e}")))?;
        Ok(Principal::Staff {
            account_id: "system".into(),
            login: "system".into(),
            name: "系统".into(),
            role: Role::SystemAdmin,
            unit: OrgUnit::Division { code },
        })
    }

    /// Every unit of `dim` active in `period`, with its counters.
    pub(crate) async fn unit_counters(
        &self,
        who: &Principal,
        dim: Dimension,
        period: &Period,
    ) -> Result<Vec<UnitCounters>, AppError> {
        Ok(self
            .indicator_rows(who, dim, period, None)
            .await?
            .into_iter()
            .map(|r| UnitCounters {
                key: r.key,
                name: r.name,
                counters: r.counters,
            })
            .collect())
    }

    /// The city's counters for `period`.
    pub(crate) async fn total_counters(
        &self,
        who: &Principal,
        period: &Period,
    ) -> Result<Counters, AppError> {
        self.indicator_total(who, period, None).await
    }
}
