//! The bureau's dashboard (`/bureau`) and a county's page: the last twelve months' trend, the
//! month's ranking, overdue work, 差评 not yet rectified and letters waiting to be sent.

use serde::{Deserialize, Serialize};
use tongban_domain::DivisionCode;
use tongban_domain::indicators::{
    Counters, Dimension, Period, PeriodKind, Ranked, Score, open_bad, rank,
};

use super::require_bureau;
use crate::{App, AppError, Principal};

/// Months a trend covers.
pub const TREND_MONTHS: usize = 12;

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub month: Period,
    pub month_code: String,
    /// The city's counters per month, oldest first, ending with `month`.
    pub trend: Vec<(Period, Counters)>,
    /// The month's county ranking.
    pub counties: Vec<Ranked>,
    pub threshold: Score,
    /// The month's counters.
    pub total: Counters,
    /// Open applications past their due date today.
    pub overdue: i64,
    /// 差评 of the last twelve months not yet rectified.
    pub open_bad: u64,
    /// Letters drafted and not yet sent.
    pub letters_waiting: i64,
}

/// A county's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountyView {
    pub code: String,
    pub name: String,
    pub month: Period,
    pub month_code: String,
    pub trend: Vec<(Period, Counters)>,
    pub total: Counters,
    /// The county's departments ranked among themselves for the month.
    pub departments: Vec<Ranked>,
    pub threshold: Score,
    pub overdue: i64,
    pub open_bad: u64,
}

impl App {
    /// The month asked for (`2026-10`), or by default the last complete month: the month the
    /// bureau assesses (the current one is still filling up).
    pub(crate) fn month_or_last(&self, month: Option<&str>) -> Result<Period, AppError> {
        match month.map(str::trim).filter(|m| !m.is_empty()) {
            None => Ok(Period::containing(PeriodKind::Month, self.today()).previous()),
            Some(m) => match Period::parse(m) {
                Ok(p) if p.kind == PeriodKind::Month => Ok(p),
                _ => Err(AppError::field(
                    "month",
                    "bulletins.bad_month",
                    format!("月份格式不正确：{m}（应为 2026-10）"),
                )),
            },
        }
    }

    /// The dashboard for a month (default: the last complete one).
    pub async fn bureau_dashboard(
        &self,
        who: &Principal,
        month: Option<&str>,
    ) -> Result<Dashboard, AppError> {
        require_bureau(who)?;
        let month = self.month_or_last(month)?;
        let settings = self.current_assessment_settings().await?;
        let trend = self
            .indicator_trend(who, PeriodKind::Month, &month, TREND_MONTHS, None)
            .await?;
        let counties = self.unit_counters(who, Dimension::County, &month).await?;
        let total = trend.last().map(|(_, c)| *c).unwrap_or_default();
        let year: Counters = trend.iter().map(|(_, c)| c).sum();
        let today = self.today().to_string();
        Ok(Dashboard {
            month_code: month.code(),
            month,
            counties: rank(&settings.weights, &counties),
            threshold: settings.threshold,
            total,
            overdue: self.store.count_overdue_applications(&today, None).await?,
            open_bad: open_bad(&year),
            letters_waiting: self.store.count_letters_drafted().await?,
            trend,
        })
    }

    /// One county: its trend, its departments ranked, its overdue work and open 差评.
    pub async fn bureau_county(
        &self,
        who: &Principal,
        code: &str,
        month: Option<&str>,
    ) -> Result<CountyView, AppError> {
        // A county's own supervisors and administrators too (the trend below is scoped).
        who.require_role(&super::BUREAU_ROLES)?;
        let code = DivisionCode::parse(code.trim())
            .map_err(|_| AppError::NotFound("该县（区）"))?
            .as_str()
            .to_string();
        let division = self
            .store
            .division(&code)
            .await?
            .ok_or(AppError::NotFound("该县（区）"))?;
        let month = self.month_or_last(month)?;
        let settings = self.current_assessment_settings().await?;
        let trend = self
            .indicator_trend(
                who,
                PeriodKind::Month,
                &month,
                TREND_MONTHS,
                Some((Dimension::County, &code)),
            )
            .await?;
        let departments: Vec<_> = self
            .indicator_rows(who, Dimension::Department, &month, Some(&code))
            .await?
            .into_iter()
            .map(|r| tongban_domain::indicators::UnitCounters {
                key: r.key,
                name: r.name,
                counters: r.counters,
            })
            .collect();
        let year: Counters = trend.iter().map(|(_, c)| c).sum();
        let today = self.today().to_string();
        Ok(CountyView {
            name: division.name,
            month_code: month.code(),
            month,
            total: trend.last().map(|(_, c)| *c).unwrap_or_default(),
            departments: rank(&settings.weights, &departments),
            threshold: settings.threshold,
            overdue: self
                .store
                .count_overdue_applications(&today, Some(&code))
                .await?,
            open_bad: open_bad(&year),
            trend,
            code,
        })
    }
}
