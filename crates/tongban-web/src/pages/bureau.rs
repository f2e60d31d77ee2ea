//! The bureau's dashboard (`/bureau`): trends of the last twelve months and the county ranking
//! as server-drawn SVG charts, overdue work, open 差评 and letters waiting — and the drill-down
//! city → county (`/bureau/counties/{code}`) → unit → the cases behind a number
//! (`/bureau/cases`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::bulletins::{CountyView, Dashboard};
use tongban_app::indicators::{CaseCounter, CaseFilter, CasePage};
use tongban_domain::indicators::{Counters, Dimension, Indicator, Period, PeriodKind, Ranked};

use super::chrome::Chrome;
use super::me::no_store;
use super::viewer::{Viewer, urlencode};
use crate::bureau_docs::ranking_rows;
use crate::error::WebError;
use crate::state::AppState;
use crate::svg_chart::{Bar, Series, bar_chart, line_chart};

/// The indicators the trend chart follows.
pub const TREND: [Indicator; 3] = [
    Indicator::FullyOnlineRate,
    Indicator::GoodRate,
    Indicator::OnTimeRate,
];

#[derive(Debug, Default, Deserialize)]
pub struct MonthParam {
    #[serde(default)]
    pub month: Option<String>,
}

/// One figure at a glance.
#[derive(Debug, Clone)]
pub struct Tile {
    pub label: String,
    pub value: String,
    pub link: String,
}

/// A ranking row with its drill-down link.
#[derive(Debug, Clone)]
pub struct RankLine {
    pub cells: Vec<String>,
    pub link: String,
    pub lagging: bool,
}

fn percent(i: Indicator, c: &Counters) -> Option<f64> {
    i.value(c).score().map(|v| v as f64 / 100.0)
}

/// The trend chart of the three indicators over the months given.
pub fn draw_trend(title: &str, trend: &[(Period, Counters)]) -> String {
    let labels: Vec<String> = trend
        .iter()
        .map(|(p, _)| format!("{}月", u8::from(p.first.month())))
        .collect();
    let series: Vec<Series> = TREND
        .iter()
        .map(|i| Series {
            name: i.name_zh().to_string(),
            values: trend.iter().map(|(_, c)| percent(*i, c)).collect(),
        })
        .collect();
    line_chart(title, &labels, &series)
}

/// The ranking as bars of scores.
pub fn draw_ranking(title: &str, ranking: &[Ranked], threshold: i64) -> String {
    let bars: Vec<Bar> = ranking
        .iter()
        .filter_map(|r| {
            let s = r.score?;
            Some(Bar {
                label: r.name.clone(),
                value: s.0 as f64 / 100.0,
                text: s.text(),
                alert: s.0 < threshold || r.last,
            })
        })
        .collect();
    bar_chart(title, &bars)
}

fn rank_lines(
    ranking: &[Ranked],
    link: impl Fn(&Ranked) -> String,
    threshold: i64,
) -> Vec<RankLine> {
    ranking
        .iter()
        .zip(ranking_rows(ranking))
        .map(|(r, cells)| RankLine {
            cells,
            link: link(r),
            lagging: r.score.is_some_and(|s| s.0 < threshold) || r.last,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau.html")]
pub struct DashboardPage {
    pub c: Chrome,
    pub month: String,
    pub month_name: String,
    pub tiles: Vec<Tile>,
    pub trend_svg: String,
    pub ranking_svg: String,
    pub headers: Vec<String>,
    pub counties: Vec<RankLine>,
}

impl DashboardPage {
    pub fn new(c: Chrome, d: &Dashboard) -> DashboardPage {
        let month = d.month_code.clone();
        let t = &d.total;
        let tiles = vec![
            Tile {
                label: "本月办结件数".into(),
                value: t.completed.to_string(),
                link: format!("/bureau/cases?period={month}"),
            },
            Tile {
                label: Indicator::FullyOnlineRate.name_zh().into(),
                value: Indicator::FullyOnlineRate.value(t).text(),
                link: format!("/bureau/cases?period={month}&counter=fully_online"),
            },
            Tile {
                label: Indicator::OnTimeRate.name_zh().into(),
                value: Indicator::OnTimeRate.value(t).text(),
                link: format!("/bureau/cases?period={month}&counter=not_on_time"),
            },
            Tile {
                label: Indicator::GoodRate.name_zh().into(),
                value: Indicator::GoodRate.value(t).text(),
                link: format!("/bureau/bulletins/month/{month}"),
            },
            Tile {
                label: "逾期未办结".into(),
                value: d.overdue.to_string(),
                link: "/work".into(),
            },
            Tile {
                label: "未整改差评（近12个月）".into(),
                value: d.open_bad.to_string(),
                link: format!("/bureau/bulletins/month/{month}"),
            },
            Tile {
                label: "待发送两书一函".into(),
                value: d.letters_waiting.to_string(),
                link: "/bureau/letters?status=drafted".into(),
            },
        ];
        let threshold = d.threshold.0;
        DashboardPage {
            c,
            month_name: d.month.name_zh(),
            tiles,
            trend_svg: draw_trend("近12个月全程网办率、好评率、按时办结率", &d.trend),
            ranking_svg: draw_ranking("县（区）考核得分", &d.counties, threshold),
            headers: crate::bureau_docs::ranking_headers("县（区）"),
            counties: rank_lines(
                &d.counties,
                |r| format!("/bureau/counties/{}?month={month}", urlencode(&r.key)),
                threshold,
            ),
            month,
        }
    }
}

/// `GET /bureau`.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<MonthParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let d = state.app.bureau_dashboard(who, q.month.as_deref()).await?;
    Ok(no_store(
        DashboardPage::new(viewer.chrome(), &d).into_response(),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_county.html")]
pub struct CountyPage {
    pub c: Chrome,
    pub code: String,
    pub name: String,
    pub month: String,
    pub month_name: String,
    pub tiles: Vec<Tile>,
    pub trend_svg: String,
    pub headers: Vec<String>,
    pub departments: Vec<RankLine>,
}

impl CountyPage {
    pub fn new(c: Chrome, v: &CountyView) -> CountyPage {
        let month = v.month_code.clone();
        let code = v.code.clone();
        let t = &v.total;
        let unit = format!("dimension=county&unit={code}");
        let threshold = v.threshold.0;
        CountyPage {
            c,
            tiles: vec![
                Tile {
                    label: "本月办结件数".into(),
                    value: t.completed.to_string(),
                    link: format!("/bureau/cases?period={month}&{unit}"),
                },
                Tile {
                    label: Indicator::FullyOnlineRate.name_zh().into(),
                    value: Indicator::FullyOnlineRate.value(t).text(),
                    link: format!("/bureau/cases?period={month}&{unit}&counter=fully_online"),
                },
                Tile {
                    label: Indicator::OnTimeRate.name_zh().into(),
                    value: Indicator::OnTimeRate.value(t).text(),
                    link: format!("/bureau/cases?period={month}&{unit}&counter=not_on_time"),
                },
                Tile {
                    label: Indicator::GoodRate.name_zh().into(),
                    value: Indicator::GoodRate.value(t).text(),
                    link: String::new(),
                },
                Tile {
                    label: "逾期未办结".into(),
                    value: v.overdue.to_string(),
                    link: String::new(),
                },
                Tile {
                    label: "未整改差评（近12个月）".into(),
                    value: v.open_bad.to_string(),
                    link: String::new(),
                },
            ],
            trend_svg: draw_trend(&format!("{}近12个月趋势", v.name), &v.trend),
            headers: crate::bureau_docs::ranking_headers("部门"),
            departments: rank_lines(
                &v.departments,
                |r| {
                    format!(
                        "/bureau/cases?period={month}&dimension=department&unit={}",
                        urlencode(&r.key)
                    )
                },
                threshold,
            ),
            month_name: v.month.name_zh(),
            name: v.name.clone(),
            code,
            month,
        }
    }
}

/// `GET /bureau/counties/{code}`.
pub async fn county(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
    Query(q): Query<MonthParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let v = state
        .app
        .bureau_county(who, &code, q.month.as_deref())
        .await?;
    Ok(no_store(
        CountyPage::new(viewer.chrome(), &v).into_response(),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct CasesParams {
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub dimension: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub counter: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
}

/// One case behind a number.
#[derive(Debug, Clone)]
pub struct CaseLine {
    pub number: String,
    pub item: String,
    pub completed_on: String,
    pub channel: String,
    pub visits: u32,
    pub on_time: bool,
    pub fully_online: bool,
    pub link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_cases.html")]
pub struct CasesPage {
    pub c: Chrome,
    pub heading: String,
    pub total: u64,
    pub cases: Vec<CaseLine>,
    pub prev: String,
    pub next: String,
}

pub const PER_PAGE: u32 = 50;

/// Reads the drill-down's parameters into a filter.
pub fn case_filter(q: &CasesParams, default_month: Period) -> Result<CaseFilter, WebError> {
    let bad = |m: &str| WebError::BadRequest(m.to_string());
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        None => default_month,
        Some(p) => Period::parse(p).map_err(|e| bad(&e.to_string()))?,
    };
    let unit = match (q.dimension.as_deref(), q.unit.as_deref()) {
        (Some(d), Some(u)) if !d.is_empty() && !u.is_empty() => Some((
            Dimension::parse(d).ok_or_else(|| bad("统计维度不正确"))?,
            u.to_string(),
        )),
        _ => None,
    };
    let counter = match q.counter.as_deref().filter(|c| !c.is_empty()) {
        None => CaseCounter::Completed,
        Some(c) => CaseCounter::parse(c).ok_or_else(|| bad("统计口径不正确"))?,
    };
    Ok(CaseFilter {
        period,
        unit,
        counter,
        page: q.page.unwrap_or(1).max(1),
        per_page: PER_PAGE,
    })
}

fn page_link(q: &CasesParams, f: &CaseFilter, page: u32) -> String {
    let mut link = format!("/bureau/cases?period={}", f.period.code());
    if let Some((d, u)) = &f.unit {
        link.push_str(&format!("&dimension={}&unit={}", d.code(), urlencode(u)));
    }
    if let Some(c) = &q.counter {
        link.push_str(&format!("&counter={}", urlencode(c)));
    }
    link.push_str(&format!("&page={page}"));
    link
}

impl CasesPage {
    pub fn new(c: Chrome, q: &CasesParams, f: &CaseFilter, page: CasePage) -> CasesPage {
        let heading = format!(
            "{}{}：{}",
            f.period.name_zh(),
            f.unit
                .as_ref()
                .map(|(d, u)| format!("（{} {}）", d.name_zh(), u))
                .unwrap_or_default(),
            f.counter.name_zh()
        );
        let pages = page.total.div_ceil(u64::from(page.per_page.max(1)));
        CasesPage {
            c,
            heading,
            total: page.total,
            prev: if page.page > 1 {
                page_link(q, f, page.page - 1)
            } else {
                String::new()
            },
            next: if u64::from(page.page) < pages {
                page_link(q, f, page.page + 1)
            } else {
                String::new()
            },
            cases: page
                .cases
                .into_iter()
                .map(|k| CaseLine {
                    link: format!("/work/applications/{}", urlencode(&k.application_id)),
                    number: k.number,
                    item: k.item_name,
                    completed_on: k.completed_on.to_string(),
                    channel: k.channel.name_zh().to_string(),
                    visits: k.visits,
                    on_time: k.on_time,
                    fully_online: k.fully_online,
                })
                .collect(),
        }
    }
}

/// `GET /bureau/cases`: the completed cases behind a number.
pub async fn cases(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<CasesParams>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let last_month = Period::containing(PeriodKind::Month, state.app.now().date()).previous();
    let f = case_filter(&q, last_month)?;
    let page = state.app.indicator_cases(who, f.clone()).await?;
    Ok(no_store(
        CasesPage::new(viewer.chrome(), &q, &f, page).into_response(),
    ))
}
