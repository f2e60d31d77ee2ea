//! The indicator pages: the public formulas page (`/indicators/formulas`), the staff table of
//! every indicator per unit (`/work/indicators`, with drill-down county → its units → cases
//! and an xlsx export) and the cases behind a number (`/work/indicators/cases`). The figures
//! are the ones `/api/v1/indicators` returns; who may read what is decided in `tongban-app`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::AppError;
use tongban_app::indicators::{CaseCounter, IndicatorRow};
use tongban_domain::indicators::{Counters, Dimension, Indicator, Period, PeriodKind};

use super::chrome::Chrome;
use super::viewer::{Viewer, urlencode};
use crate::api::indicators::{
    FORMULAS_NOTE, case_filter, default_period, parse_counter, parse_dimension, parse_period,
};
use crate::error::WebError;
use crate::export::{Cell, ExportFormat, Table, download};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "indicator_formulas.html")]
pub struct FormulasPage {
    c: Chrome,
    note: &'static str,
    /// (name, formula, higher is better)
    formulas: Vec<(&'static str, &'static str, bool)>,
}

/// `/indicators/formulas`: every indicator and how it is computed (no sign-in needed).
pub async fn formulas(Extension(viewer): Extension<Viewer>) -> Response {
    FormulasPage {
        c: viewer.chrome(),
        note: FORMULAS_NOTE,
        formulas: Indicator::ALL
            .iter()
            .map(|i| (i.name_zh(), i.formula_zh(), i.higher_is_better()))
            .collect(),
    }
    .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct TableQuery {
    pub dimension: Option<String>,
    pub period: Option<String>,
    pub within: Option<String>,
}

/// One row of the table as the page shows it.
pub struct Line {
    pub name: String,
    /// Where the name leads: a county to its departments, a unit to its cases.
    pub href: String,
    pub completed: u64,
    pub values: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicators.html")]
pub struct IndicatorsPage {
    c: Chrome,
    error: Option<String>,
    dimension: &'static str,
    dimensions: Vec<(&'static str, &'static str)>,
    period_code: String,
    period_name: String,
    /// (code, label) of quick picks: this and last week/month/quarter/year.
    quick: Vec<(String, String)>,
    within: String,
    within_name: String,
    headers: Vec<&'static str>,
    total: Line,
    lines: Vec<Line>,
    query: String,
}

fn values(c: &Counters) -> Vec<String> {
    Indicator::ALL.iter().map(|i| i.value(c).text()).collect()
}

fn cases_href(period: &Period, dimension: Dimension, key: &str, counter: CaseCounter) -> String {
    format!(
        "/work/indicators/cases?period={}&dimension={}&key={}&counter={}",
        period.code(),
        dimension.code(),
        urlencode(key),
        counter.code()
    )
}

fn quick_periods(today: time::Date) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in PeriodKind::ALL {
        let this = Period::containing(kind, today);
        for p in [this.previous(), this] {
            out.push((p.code(), p.name_zh()));
        }
    }
    out
}

/// What the table shows for a query: the parse error (shown, the default used instead), the
/// period, the dimension and the rows with the total.
struct Loaded {
    error: Option<String>,
    period: Period,
    dimension: Dimension,
    within: Option<String>,
    rows: Vec<IndicatorRow>,
    total: Counters,
}

async fn load(
    state: &AppState,
    who: &tongban_app::Principal,
    q: &TableQuery,
) -> Result<Loaded, AppError> {
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let mut error = None;
    let period = match parse_period(q.period.as_deref(), default_period(today)) {
        Ok(p) => p,
        Err(e) => {
            error = Some(e.to_string());
            default_period(today)
        }
    };
    let dimension = match parse_dimension(q.dimension.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            error = Some(e.to_string());
            Dimension::Department
        }
    };
    let within = q
        .within
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string);
    let rows = state
        .app
        .indicator_rows(who, dimension, &period, within.as_deref())
        .await?;
    let total = state
        .app
        .indicator_total(who, &period, within.as_deref())
        .await?;
    Ok(Loaded {
        error,
        period,
        dimension,
        within,
        rows,
        total,
    })
}

/// `/work/indicators`: every indicator per unit for a period.
pub async fn table(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<TableQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let l = load(&state, who, &q).await?;
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let within_name = match &l.within {
        Some(w) => state
            .app
            .store()
            .indicator_unit_names(
                if w.len() == 12 && w.bytes().all(|b| b.is_ascii_digit()) {
                    "county"
                } else {
                    "department"
                },
                std::slice::from_ref(w),
            )
            .await
            .map_err(AppError::from)?
            .into_iter()
            .next()
            .map(|(_, n)| n)
            .unwrap_or_else(|| w.clone()),
        None => String::new(),
    };
    let lines = l
        .rows
        .iter()
        .map(|r| Line {
            href: if l.dimension == Dimension::County {
                format!(
                    "/work/indicators?dimension=department&period={}&within={}",
                    l.period.code(),
                    urlencode(&r.key)
                )
            } else {
                cases_href(&l.period, l.dimension, &r.key, CaseCounter::Completed)
            },
            name: r.name.clone(),
            completed: r.counters.completed,
            values: values(&r.counters),
        })
        .collect();
    let total_href = match &l.within {
        Some(w) if w.len() == 12 => {
            cases_href(&l.period, Dimension::County, w, CaseCounter::Completed)
        }
        Some(w) => cases_href(&l.period, Dimension::Department, w, CaseCounter::Completed),
        None => format!(
            "/work/indicators/cases?period={}&counter=completed",
            l.period.code()
        ),
    };
    let query = format!(
        "dimension={}&period={}&within={}",
        l.dimension.code(),
        l.period.code(),
        urlencode(l.within.as_deref().unwrap_or(""))
    );
    let page = IndicatorsPage {
        c: viewer.chrome(),
        error: l.error,
        dimension: l.dimension.code(),
        dimensions: Dimension::ALL
            .iter()
            .map(|d| (d.code(), d.name_zh()))
            .collect(),
        period_code: l.period.code(),
        period_name: l.period.name_zh(),
        quick: quick_periods(today),
        within: l.within.clone().unwrap_or_default(),
        within_name,
        headers: Indicator::ALL.iter().map(|i| i.name_zh()).collect(),
        total: Line {
            name: String::new(),
            href: total_href,
            completed: l.total.completed,
            values: values(&l.total),
        },
        lines,
        query,
    };
    Ok(super::me::no_store(page.into_response()))
}

/// `/work/indicators/export.xlsx`: the same table as a workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<TableQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let l = load(&state, who, &q).await?;
    if let Some(error) = l.error {
        return Err(AppError::Invalid {
            message: error,
            fields: Vec::new(),
        }
        .into());
    }
    let mut headers = vec![
        l.dimension.name_zh().to_string(),
        "代码".to_string(),
        "办结件数".to_string(),
    ];
    headers.extend(Indicator::ALL.iter().map(|i| i.name_zh().to_string()));
    let row = |name: &str, key: &str, c: &Counters| {
        let mut cells: Vec<Cell> = vec![name.into(), key.into(), Cell::Number(c.completed as f64)];
        cells.extend(values(c).into_iter().map(Cell::from));
        cells
    };
    let mut rows: Vec<Vec<Cell>> = l
        .rows
        .iter()
        .map(|r| row(&r.name, &r.key, &r.counters))
        .collect();
    rows.push(row("合计", l.within.as_deref().unwrap_or(""), &l.total));
    let table = Table {
        title: format!("统计指标 {} {}", l.dimension.name_zh(), l.period.name_zh()),
        headers,
        rows,
    };
    download(&table, "indicators", ExportFormat::Xlsx)
}

#[derive(Debug, Default, Deserialize)]
pub struct CasesQuery {
    pub period: Option<String>,
    pub dimension: Option<String>,
    pub key: Option<String>,
    pub counter: Option<String>,
    pub page: Option<u32>,
}

pub struct CaseLine {
    pub id: String,
    pub number: String,
    pub item_name: String,
    pub channel: &'static str,
    pub visits: u32,
    pub completed_on: String,
    pub days: String,
    pub on_time: bool,
    pub fully_online: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator_cases.html")]
pub struct CasesPage {
    c: Chrome,
    period_code: String,
    period_name: String,
    dimension: String,
    key: String,
    counter: &'static str,
    counters: Vec<(&'static str, &'static str)>,
    total: u64,
    cases: Vec<CaseLine>,
    page: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// `/work/indicators/cases`: the completed cases behind a number.
pub async fn cases(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<CasesQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let period = parse_period(q.period.as_deref(), default_period(today))?;
    let counter = parse_counter(q.counter.as_deref())?;
    let filter = case_filter(
        period,
        q.dimension.as_deref(),
        q.key.as_deref(),
        counter,
        q.page,
    )?;
    let found = state.app.indicator_cases(who, filter).await?;
    let key = q.key.clone().unwrap_or_default();
    let dimension = parse_dimension(q.dimension.as_deref())?.code().to_string();
    let href = |page: u32| {
        format!(
            "/work/indicators/cases?period={}&dimension={}&key={}&counter={}&page={page}",
            period.code(),
            dimension,
            urlencode(&key),
            counter.code()
        )
    };
    let pages = found.total.div_ceil(u64::from(found.per_page.max(1)));
    let page = CasesPage {
        c: viewer.chrome(),
        period_code: period.code(),
        period_name: period.name_zh(),
        counter: counter.code(),
        counters: CaseCounter::ALL
            .iter()
            .map(|c| (c.code(), c.name_zh()))
            .collect(),
        total: found.total,
        prev_href: (found.page > 1).then(|| href(found.page - 1)),
        next_href: (u64::from(found.page) < pages).then(|| href(found.page + 1)),
        page: found.page,
        cases: found
            .cases
            .into_iter()
            .map(|f| CaseLine {
                id: f.application_id,
                number: f.number,
                item_name: f.item_name,
                channel: f.channel.name_zh(),
                visits: f.visits,
                completed_on: f.completed_on.to_string(),
                days: format!("{} / {} / {}", f.used_days, f.promised_days, f.legal_days),
                on_time: f.on_time,
                fully_online: f.fully_online,
            })
            .collect(),
        dimension,
        key,
    };
    Ok(super::me::no_store(page.into_response()))
}
