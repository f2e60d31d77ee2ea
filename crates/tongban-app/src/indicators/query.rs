//! Reading the indicators: rows per unit, totals, trends and the cases behind a number.
//!
//! Who may read: 局督查人员 and 系统管理员 of the city everything, of a county that county's
//! units and cases; a 部门管理员 their own department (its row, its items and its cases);
//! nobody else.

use serde::Serialize;
use time::Date;
use tongban_domain::application::ApplyChannel;
use tongban_domain::indicators::{CaseFact, Counters, Dimension, Period, PeriodKind};
use tongban_domain::{AdminLevel, DivisionCode, Role};
use tongban_store::{FactFilter, IndicatorFactRow};

use crate::App;
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

/// A Beijing day as the tables keep it: `yyyymmdd`.
pub fn day_number(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(u8::from(d.month())) * 100 + i64::from(d.day())
}

fn day_of_number(n: i64) -> Option<Date> {
    let year = i32::try_from(n / 10_000).ok()?;
    let month = time::Month::try_from(u8::try_from((n / 100) % 100).ok()?).ok()?;
    let day = u8::try_from(n % 100).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// One unit's counters over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorRow {
    /// Department id, division code (county, township), hall id or item id.
    pub key: String,
    pub name: String,
    /// The unit above: the county of a department, township or hall; the department of an
    /// item; `None` for a county.
    pub parent_key: Option<String>,
    pub counters: Counters,
}

/// Which cases behind a number to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseCounter {
    /// Every completed case.
    Completed,
    OnlineCapable,
    NotOnlineCapable,
    FullyOnline,
    NotFullyOnline,
    ZeroVisit,
    NotZeroVisit,
    MoreThanOneVisit,
    Immediate,
    OnTime,
    NotOnTime,
    Rated,
    NotRated,
    ByLicence,
}

impl CaseCounter {
    pub const ALL: [CaseCounter; 14] = [
        CaseCounter::Completed,
        CaseCounter::OnlineCapable,
        CaseCounter::NotOnlineCapable,
        CaseCounter::FullyOnline,
        CaseCounter::NotFullyOnline,
        CaseCounter::ZeroVisit,
        CaseCounter::NotZeroVisit,
        CaseCounter::MoreThanOneVisit,
        CaseCounter::Immediate,
        CaseCounter::OnTime,
        CaseCounter::NotOnTime,
        CaseCounter::Rated,
        CaseCounter::NotRated,
        CaseCounter::ByLicence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseCounter::Completed => "completed",
            CaseCounter::OnlineCapable => "online_capable",
            CaseCounter::NotOnlineCapable => "not_online_capable",
            CaseCounter::FullyOnline => "fully_online",
            CaseCounter::NotFullyOnline => "not_fully_online",
            CaseCounter::ZeroVisit => "zero_visit",
            CaseCounter::NotZeroVisit => "not_zero_visit",
            CaseCounter::MoreThanOneVisit => "more_than_one_visit",
            CaseCounter::Immediate => "immediate",
            CaseCounter::OnTime => "on_time",
            CaseCounter::NotOnTime => "not_on_time",
            CaseCounter::Rated => "rated",
            CaseCounter::NotRated => "not_rated",
            CaseCounter::ByLicence => "by_licence",
        }
    }

    pub fn parse(code: &str) -> Option<CaseCounter> {
        CaseCounter::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseCounter::Completed => "全部办结件",
            CaseCounter::OnlineCapable => "网上可办",
            CaseCounter::NotOnlineCapable => "非网上可办",
            CaseCounter::FullyOnline => "全程网办",
            CaseCounter::NotFullyOnline => "非全程网办",
            CaseCounter::ZeroVisit => "零跑动",
            CaseCounter::NotZeroVisit => "跑动一次及以上",
            CaseCounter::MoreThanOneVisit => "跑动超过一次",
            CaseCounter::Immediate => "即办件",
            CaseCounter::OnTime => "按时办结",
            CaseCounter::NotOnTime => "超期办结",
            CaseCounter::Rated => "已主动评价",
            CaseCounter::NotRated => "未评价",
            CaseCounter::ByLicence => "使用电子证照免提交",
        }
    }

    fn flag(self) -> Option<(&'static str, i64)> {
        match self {
            CaseCounter::Completed => None,
            CaseCounter::OnlineCapable => Some(("online_capable", 1)),
            CaseCounter::NotOnlineCapable => Some(("online_capable", 0)),
            CaseCounter::FullyOnline => Some(("fully_online", 1)),
            CaseCounter::NotFullyOnline => Some(("fully_online", 0)),
            CaseCounter::ZeroVisit => Some(("zero_visit", 1)),
            CaseCounter::NotZeroVisit => Some(("zero_visit", 0)),
            CaseCounter::MoreThanOneVisit => Some(("at_most_one_visit", 0)),
            CaseCounter::Immediate => Some(("immediate", 1)),
            CaseCounter::OnTime => Some(("on_time", 1)),
            CaseCounter::NotOnTime => Some(("on_time", 0)),
            CaseCounter::Rated => Some(("rated", 1)),
            CaseCounter::NotRated => Some(("rated", 0)),
            CaseCounter::ByLicence => Some(("materials_by_licence", 1)),
        }
    }
}

/// The cases behind a number: a period, optionally a unit, optionally one counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFilter {
    pub period: Period,
    /// The unit (a county's code, a department's id, …) the cases were counted under.
    pub unit: Option<(Dimension, String)>,
    pub counter: CaseCounter,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// One page of completed cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasePage {
    pub cases: Vec<CaseFact>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// What a reader may see.
enum Scope {
    All,
    /// A county's system administrator or supervisor: that county's units.
    County(String),
    Department(String),
}

fn scope_of(who: &Principal) -> Result<Scope, AppError> {
    match (who.role(), who.require_staff()) {
        (Some(Role::SystemAdmin | Role::BureauSupervisor), Ok(unit)) => {
            let division = unit.division();
            match division.level() {
                AdminLevel::National | AdminLevel::Province | AdminLevel::City => Ok(Scope::All),
                _ => Ok(Scope::County(super::units::county_of(division.as_str()))),
            }
        }
        (Some(Role::DeptAdmin), Ok(OrgUnit::Department { id, .. })) => {
            Ok(Scope::Department(id.clone()))
        }
        _ => Err(AppError::Forbidden),
    }
}

fn is_division(text: &str) -> bool {
    DivisionCode::parse(text).is_ok()
}

fn fact_of(row: IndicatorFactRow) -> CaseFact {
    let flag = |v: i64| v != 0;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    CaseFact {
        completed_on: day_of_number(row.day).unwrap_or(Date::MIN),
        channel: ApplyChannel::parse(&row.channel).unwrap_or(ApplyChannel::Window),
        hall_id: (!row.hall_id.is_empty()).then_some(row.hall_id),
        application_id: row.application_id,
        number: row.number,
        item_id: row.item_id,
        item_name: row.item_name,
        department_id: row.department_id,
        visits: n(row.visits),
        online_capable: flag(row.online_capable),
        fully_online: flag(row.fully_online),
        zero_visit: flag(row.zero_visit),
        at_most_one_visit: flag(row.at_most_one_visit),
        immediate: flag(row.immediate),
        on_time: flag(row.on_time),
        legal_days: n(row.legal_days),
        promised_days: n(row.promised_days),
        used_days: n(row.used_days),
        materials_required: n(row.materials_required),
        materials_by_licence: n(row.materials_by_licence),
    }
}

impl App {
    /// One row per unit of `dimension` with activity in `period`, with its counters, ordered
    /// by key. `within` narrows to the units of a county (its code) or of a parent unit (e.g.
    /// a department's items). A 部门管理员 sees their department's row and its items only.
    pub async fn indicator_rows(
        &self,
        who: &Principal,
        dimension: Dimension,
        period: &Period,
        within: Option<&str>,
    ) -> Result<Vec<IndicatorRow>, AppError> {
        let scope = scope_of(who)?;
        let (first, last) = (day_number(period.first), day_number(period.last));
        let sums = match &scope {
            Scope::All => {
                self.store
                    .indicator_sums(dimension.code(), first, last, within)
                    .await?
            }
            Scope::County(own) => {
                let mut rows = self
                    .store
                    .indicator_sums(dimension.code(), first, last, Some(within.unwrap_or(own)))
                    .await?;
                rows.retain(|r| &r.county == own);
                rows
            }
            Scope::Department(own) => match dimension {
                Dimension::Department => {
                    let mut rows = self
                        .store
                        .indicator_sums(dimension.code(), first, last, within)
                        .await?;
                    rows.retain(|r| &r.key == own);
                    rows
                }
                Dimension::Item => {
                    if within.is_some_and(|w| w != own) {
                        return Err(AppError::Forbidden);
                    }
                    self.store
                        .indicator_sums(dimension.code(), first, last, Some(own))
                        .await?
                        .into_iter()
                        .filter(|r| &r.parent == own)
                        .collect()
                }
                _ => return Err(AppError::Forbidden),
            },
        };
        let keys: Vec<String> = sums.iter().map(|s| s.key.clone()).collect();
        let names: std::collections::HashMap<String, String> = self
            .store
            .indicator_unit_names(dimension.code(), &keys)
            .await?
            .into_iter()
            .collect();
        Ok(sums
            .into_iter()
            .map(|s| IndicatorRow {
                name: names.get(&s.key).cloned().unwrap_or_else(|| s.key.clone()),
                parent_key: (!s.parent.is_empty()).then_some(s.parent),
                key: s.key,
                counters: s.counters,
            })
            .collect())
    }

    /// The city's counters over `period`, for the server's operator (the CLI and the demo's
    /// report run with the database's own access, not as a signed-in user).
    pub async fn indicator_city_counters(&self, period: &Period) -> Result<Counters, AppError> {
        Ok(self
            .store
            .indicator_sum(
                Dimension::County.code(),
                day_number(period.first),
                day_number(period.last),
                None,
            )
            .await?)
    }

    /// The counters of the whole city, or of one county (`within` = its code) or one
    /// department (`within` = its id), over `period`. A 部门管理员 gets their department's.
    pub async fn indicator_total(
        &self,
        who: &Principal,
        period: &Period,
        within: Option<&str>,
    ) -> Result<Counters, AppError> {
        let (first, last) = (day_number(period.first), day_number(period.last));
        let (dimension, key) = match scope_of(who)? {
            Scope::All => match within {
                None => (Dimension::County, None),
                Some(w) if is_division(w) => (Dimension::County, Some(w.to_string())),
                Some(w) => (Dimension::Department, Some(w.to_string())),
            },
            Scope::County(own) => match within {
                None => (Dimension::County, Some(own)),
                Some(w) if w == own => (Dimension::County, Some(own)),
                Some(w) if is_division(w) => return Err(AppError::Forbidden),
                Some(w) => {
                    // A department of the county: its row, if it had activity.
                    let rows = self
                        .store
                        .indicator_sums(Dimension::Department.code(), first, last, Some(&own))
                        .await?;
                    return Ok(rows
                        .into_iter()
                        .find(|r| r.key == w && r.county == own)
                        .map(|r| r.counters)
                        .unwrap_or_default());
                }
            },
            Scope::Department(own) => {
                if within.is_some_and(|w| w != own) {
                    return Err(AppError::Forbidden);
                }
                (Dimension::Department, Some(own))
            }
        };
        Ok(self
            .store
            .indicator_sum(dimension.code(), first, last, key.as_deref())
            .await?)
    }

    /// The counters of `count` consecutive periods of `kind` ending with the one containing
    /// `last.last`, oldest first: of the city, or of one unit. At most 120 periods.
    pub async fn indicator_trend(
        &self,
        who: &Principal,
        kind: PeriodKind,
        last: &Period,
        count: usize,
        unit: Option<(Dimension, &str)>,
    ) -> Result<Vec<(Period, Counters)>, AppError> {
        let scope = scope_of(who)?;
        let (dimension, key) = match (&scope, unit) {
            (Scope::All, None) => (Dimension::County, None),
            (Scope::All, Some((d, k))) => (d, Some(k.to_string())),
            (Scope::County(own), None) => (Dimension::County, Some(own.clone())),
            (Scope::County(own), Some((Dimension::County, k))) if k == own => {
                (Dimension::County, Some(own.clone()))
            }
            (Scope::County(_), Some(_)) => return Err(AppError::Forbidden),
            (Scope::Department(own), None) => (Dimension::Department, Some(own.clone())),
            (Scope::Department(own), Some((Dimension::Department, k))) if k == own => {
                (Dimension::Department, Some(own.clone()))
            }
            (Scope::Department(_), Some(_)) => return Err(AppError::Forbidden),
        };
        let mut periods = Vec::new();
        let mut p = Period::containing(kind, last.last);
        for _ in 0..count.min(120) {
            periods.push(p);
            p = p.previous();
        }
        periods.reverse();
        let mut out = Vec::with_capacity(periods.len());
        for p in periods {
            let c = self
                .store
                .indicator_sum(
                    dimension.code(),
                    day_number(p.first),
                    day_number(p.last),
                    key.as_deref(),
                )
                .await?;
            out.push((p, c));
        }
        Ok(out)
    }

    /// The completed cases behind a number, newest first. A 部门管理员 sees their
    /// department's cases only.
    pub async fn indicator_cases(
        &self,
        who: &Principal,
        filter: CaseFilter,
    ) -> Result<CasePage, AppError> {
        let scope = scope_of(who)?;
        let per_page = filter.per_page.clamp(1, 200);
        let page = filter.page.max(1);
        let mut f = FactFilter {
            first_day: day_number(filter.period.first),
            last_day: day_number(filter.period.last),
            flag: filter.counter.flag(),
            offset: i64::from(page - 1) * i64::from(per_page),
            limit: i64::from(per_page),
            ..FactFilter::default()
        };
        if let Some((dimension, key)) = filter.unit {
            match dimension {
                Dimension::Department => f.department_id = Some(key),
                Dimension::County => f.county = Some(key),
                Dimension::Township => f.township = Some(key),
                Dimension::Hall => f.hall_id = Some(key),
                Dimension::Item => f.item_id = Some(key),
            }
        }
        match scope {
            Scope::All => {}
            Scope::County(own) => {
                if f.county.as_ref().is_some_and(|c| c != &own) {
                    return Err(AppError::Forbidden);
                }
                f.county = Some(own);
            }
            Scope::Department(own) => {
                if f.department_id.as_ref().is_some_and(|d| d != &own) {
                    return Err(AppError::Forbidden);
                }
                f.department_id = Some(own);
            }
        }
        let (rows, total) = self.store.indicator_facts(&f).await?;
        Ok(CasePage {
            cases: rows.into_iter().map(fact_of).collect(),
            total: u64::try_from(total).unwrap_or(0),
            page,
            per_page,
        })
    }
}
