//! 考核与排名 (`/bureau/assessment?month=`) and the bulletins
//! (`/bureau/bulletins/{week|month|quarter}/{period}`), each also as xlsx and PDF.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use tongban_app::AppError;
use tongban_app::bulletins::Assessment;
use tongban_domain::indicators::{Bulletin, BulletinKind, Period};
use tongban_render::{CjkFont, DocSheet, RenderError, document_pdf};

use super::bureau::{MonthParam, RankLine, draw_ranking};
use super::chrome::Chrome;
use super::licence_cards::download;
use super::me::no_store;
use super::viewer::{Viewer, urlencode};
use crate::bureau_docs::{
    assessment_doc, assessment_tables, bulletin_doc, bulletin_tables, ranking_headers,
    ranking_rows, workbook,
};
use crate::error::WebError;
use crate::export::{Table, XLSX_TYPE};
use crate::state::AppState;

/// A table as the page shows it.
#[derive(Debug, Clone)]
pub struct PageTable {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn page_tables(tables: Vec<Table>) -> Vec<PageTable> {
    tables
        .into_iter()
        .map(|t| PageTable {
            rows: t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            crate::export::Cell::Text(s) => s.clone(),
                            crate::export::Cell::Number(n) => n.to_string(),
                        })
                        .collect()
                })
                .collect(),
            title: t.title,
            headers: t.headers,
        })
        .collect()
}

/// A PDF of `doc`, or 503 `render.no_cjk_font` when there is no font.
pub fn pdf_download(
    doc: &DocSheet,
    font: &Result<CjkFont, RenderError>,
    file: &str,
) -> Result<Response, WebError> {
    let font = font.as_ref().map_err(|e| WebError::Render(e.clone()))?;
    let bytes = document_pdf(doc, font).map_err(WebError::Render)?;
    Ok(download(bytes, "application/pdf", file))
}

/// An xlsx of `tables`.
pub fn xlsx_download(tables: &[Table], file: &str) -> Result<Response, WebError> {
    let bytes =
        workbook(tables).map_err(|e| WebError::App(AppError::Internal(format!("xlsx: {e}"))))?;
    Ok(download(bytes, XLSX_TYPE, file))
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_assessment.html")]
pub struct AssessmentPage {
    pub c: Chrome,
    pub month: String,
    pub title: String,
    pub threshold: String,
    pub version: i64,
    pub chart: String,
    pub county_headers: Vec<String>,
    pub counties: Vec<RankLine>,
    pub department_headers: Vec<String>,
    pub departments: Vec<RankLine>,
    pub weights: Vec<(String, u32)>,
    pub draft_done: Option<String>,
}

fn lines(
    ranking: &[tongban_domain::indicators::Ranked],
    threshold: i64,
    link: impl Fn(&str) -> String,
) -> Vec<RankLine> {
    ranking
        .iter()
        .zip(ranking_rows(ranking))
        .map(|(r, cells)| RankLine {
            cells,
            link: link(&r.key),
            lagging: r.score.is_some_and(|s| s.0 < threshold) || r.last,
        })
        .collect()
}

impl AssessmentPage {
    pub fn new(c: Chrome, a: &Assessment, draft_done: Option<String>) -> AssessmentPage {
        let t = a.threshold.0;
        let month = a.period_code.clone();
        AssessmentPage {
            c,
            title: a.title.clone(),
            threshold: a.threshold.text(),
            version: a.settings_version,
            chart: draw_ranking("县（区）考核得分", &a.counties, t),
            county_headers: ranking_headers("县（区）"),
            counties: lines(&a.counties, t, |k| {
                format!("/bureau/counties/{}?month={month}", urlencode(k))
            }),
            department_headers: ranking_headers("部门"),
            departments: lines(&a.departments, t, |k| {
                format!(
                    "/bureau/cases?period={month}&dimension=department&unit={}",
                    urlencode(k)
                )
            }),
            weights: a
                .weights
                .iter()
                .map(|(i, w)| (i.name_zh().to_string(), *w))
                .collect(),
            draft_done,
            month,
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AssessmentParams {
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub drafted: Option<String>,
}

async fn load_assessment(
    state: &AppState,
    who: &tongban_app::Principal,
    month: Option<&str>,
) -> Result<Assessment, WebError> {
    let month = match month.filter(|m| !m.trim().is_empty()) {
        Some(m) => m.to_string(),
        None => {
            let now = Period::containing(
                tongban_domain::indicators::PeriodKind::Month,
                state.app.now().date(),
            );
            now.code()
        }
    };
    Ok(state.app.assessment(who, &month).await?)
}

/// `GET /bureau/assessment?month=2026-10`.
pub async fn assessment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<AssessmentParams>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let a = load_assessment(&state, who, q.month.as_deref()).await?;
    Ok(no_store(
        AssessmentPage::new(viewer.chrome(), &a, q.drafted).into_response(),
    ))
}

/// `GET /bureau/assessment/export.xlsx?month=`.
pub async fn assessment_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<MonthParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let a = load_assessment(&state, who, q.month.as_deref()).await?;
    xlsx_download(&assessment_tables(&a), &format!("{}.xlsx", a.title))
}

/// `GET /bureau/assessment/export.pdf?month=`.
pub async fn assessment_pdf(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<MonthParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let a = load_assessment(&state, who, q.month.as_deref()).await?;
    pdf_download(
        &assessment_doc(&a),
        &state.cjk_font,
        &format!("{}.pdf", a.title),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_bulletin.html")]
pub struct BulletinPage {
    pub c: Chrome,
    pub title: String,
    pub kind: String,
    pub period: String,
    pub previous: String,
    pub summary: String,
    pub tables: Vec<PageTable>,
    pub chart: String,
}

impl BulletinPage {
    pub fn new(c: Chrome, b: &Bulletin) -> BulletinPage {
        BulletinPage {
            c,
            title: b.title.clone(),
            kind: b.kind.code().to_string(),
            period: b.period_code.clone(),
            previous: b.period.previous().code(),
            summary: format!(
                "统计周期 {} 至 {}；办结 {} 件，评价 {} 条，未整改差评 {} 件；达标分数线 {} 分。",
                b.period.first,
                b.period.last,
                b.completed,
                b.rated,
                b.open_bad,
                b.threshold.text()
            ),
            chart: draw_ranking("县（区）得分", &b.county_ranking, b.threshold.0),
            tables: page_tables(bulletin_tables(b)),
        }
    }
}

/// The period of a bulletin: its code, or `current` for the one containing today.
fn bulletin_period(state: &AppState, kind: &str, period: &str) -> Result<String, WebError> {
    if period != "current" {
        return Ok(period.to_string());
    }
    let kind = BulletinKind::parse(kind).ok_or(WebError::NotFound)?;
    Ok(Period::containing(kind.period_kind(), state.app.now().date()).code())
}

async fn load_bulletin(
    state: &AppState,
    who: &tongban_app::Principal,
    kind: &str,
    period: &str,
) -> Result<Bulletin, WebError> {
    let period = bulletin_period(state, kind, period)?;
    Ok(state.app.bulletin(who, kind, &period).await?)
}

/// `GET /bureau/bulletins/{kind}/{period}`.
pub async fn bulletin(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let b = load_bulletin(&state, who, &kind, &period).await?;
    Ok(no_store(
        BulletinPage::new(viewer.chrome(), &b).into_response(),
    ))
}

/// `GET /bureau/bulletins/{kind}/{period}/export.xlsx`.
pub async fn bulletin_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let b = load_bulletin(&state, who, &kind, &period).await?;
    xlsx_download(&bulletin_tables(&b), &format!("{}.xlsx", b.title))
}

/// `GET /bureau/bulletins/{kind}/{period}/export.pdf`.
pub async fn bulletin_pdf(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let b = load_bulletin(&state, who, &kind, &period).await?;
    pdf_download(
        &bulletin_doc(&b),
        &state.cjk_font,
        &format!("{}.pdf", b.title),
    )
}
