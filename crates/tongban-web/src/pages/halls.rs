//! The hall finder (`/halls`) and one hall's page (`/halls/{id}`).
//!
//! The finder filters by county, then township (the township list is filled by reloading the
//! page with the county chosen, so no JavaScript is needed), kind and name, 20 to a page. In
//! the 长者版 it asks only for the county and then lists the county's centres as big cards
//! with a call button.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::{App, AppError, HallQuery, Principal};
use tongban_domain::{AdminLevel, DivisionCode, Role};
use tongban_store::{DivisionRow, HallRow};

use super::chrome::Chrome;
use super::form::{HALL_KINDS, degrees, hall_kind_key, one_of};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

const PER_PAGE: i64 = 20;

/// One hall as the pages show it.
#[derive(Debug, Clone)]
pub struct HallView {
    pub id: String,
    pub name: String,
    pub kind_key: &'static str,
    pub address: String,
    pub phone: String,
    pub opening_hours: String,
    pub latitude: String,
    pub longitude: String,
}

impl From<HallRow> for HallView {
    fn from(h: HallRow) -> HallView {
        HallView {
            kind_key: hall_kind_key(&h.kind),
            latitude: degrees(h.latitude_e6),
            longitude: degrees(h.longitude_e6),
            id: h.id,
            name: h.name,
            address: h.address,
            phone: h.phone,
            opening_hours: h.opening_hours,
        }
    }
}

/// The finder's query string. Everything is text so a garbled link still shows the page.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct FinderQuery {
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub township: String,
    /// Any division (the home page's picker sends the county this way).
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "halls.html")]
pub struct FinderPage {
    c: Chrome,
    counties: Vec<(String, String)>,
    townships: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    county: String,
    township: String,
    kind: String,
    q: String,
    county_name: String,
    page: i64,
    halls: Vec<HallView>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn finder(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<FinderQuery>,
) -> Result<FinderPage, WebError> {
    let app = &state.app;
    let counties = app.counties().await?;
    let (county, township) = chosen_places(&query, &counties);
    let townships = match county.is_empty() {
        true => Vec::new(),
        false => app.child_divisions(&county).await?,
    };
    let township = if townships.iter().any(|t| t.code == township) {
        township
    } else {
        String::new()
    };
    let county_name = counties
        .iter()
        .find(|d| d.code == county)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let mut filters = Filters {
        county: county.clone(),
        township: township.clone(),
        kind: one_of(query.kind.trim(), &HALL_KINDS),
        q: query.q.trim().chars().take(50).collect(),
    };
    let (halls, has_next) = if viewer.elder {
        filters.township.clear();
        filters.kind.clear();
        filters.q.clear();
        elder_halls(app, &county, page).await?
    } else {
        let division = if township.is_empty() {
            county.clone()
        } else {
            township.clone()
        };
        standard_halls(app, &division, &filters, page).await?
    };
    Ok(FinderPage {
        c: viewer.chrome(),
        counties: counties.into_iter().map(|d| (d.code, d.name)).collect(),
        townships: townships.into_iter().map(|d| (d.code, d.name)).collect(),
        kinds: HALL_KINDS.iter().map(|k| (*k, hall_kind_key(k))).collect(),
        prev_href: (page > 1).then(|| filters.href(page - 1)),
        next_href: has_next.then(|| filters.href(page + 1)),
        county,
        township,
        kind: filters.kind,
        q: filters.q,
        county_name,
        page,
        halls: halls.into_iter().map(HallView::from).collect(),
    })
}

/// The county and township asked for, kept only when they are real places of this city.
pub(super) fn chosen_places(query: &FinderQuery, counties: &[DivisionRow]) -> (String, String) {
    let (mut county, mut township) = (
        query.county.trim().to_string(),
        query.township.trim().to_string(),
    );
    if county.is_empty()
        && let Ok(code) = DivisionCode::parse(query.division.trim())
    {
        match code.level() {
            AdminLevel::County => county = code.as_str().to_string(),
            AdminLevel::Township => {
                county = code
                    .parent()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                township = code.as_str().to_string();
            }
            _ => {}
        }
    }
    if !counties.iter().any(|d| d.code == county) {
        return (String::new(), String::new());
    }
    (county, township)
}

struct Filters {
    county: String,
    township: String,
    kind: String,
    q: String,
}

impl Filters {
    /// The finder's URL for another page with the same filters.
    fn href(&self, page: i64) -> String {
        let page = page.to_string();
        let pairs: Vec<(&str, &str)> = [
            ("county", self.county.as_str()),
            ("township", self.township.as_str()),
            ("kind", self.kind.as_str()),
            ("q", self.q.as_str()),
            ("page", page.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/halls?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// One page of halls, and whether another page follows (probed with a one-row query).
async fn standard_halls(
    app: &App,
    division: &str,
    filters: &Filters,
    page: i64,
) -> Result<(Vec<HallRow>, bool), AppError> {
    let mut query = HallQuery {
        division: Some(division.to_string()).filter(|d| !d.is_empty()),
        kind: Some(filters.kind.clone()).filter(|k| !k.is_empty()),
        name: Some(filters.q.clone()).filter(|q| !q.is_empty()),
        page,
        per_page: PER_PAGE,
    };
    let halls = app.find_halls(&query).await?;
    let mut has_next = false;
    if halls.len() as i64 == PER_PAGE {
        // Page `page * 20 + 1` of one row each is the first hall of the next page.
        query.page = page * PER_PAGE + 1;
        query.per_page = 1;
        has_next = !app.find_halls(&query).await?.is_empty();
    }
    Ok((halls, has_next))
}

/// 长者版: the county's centre first, then its township centres, 20 to a page.
async fn elder_halls(app: &App, county: &str, page: i64) -> Result<(Vec<HallRow>, bool), AppError> {
    if county.is_empty() {
        return Ok((Vec::new(), false));
    }
    let mut halls = Vec::new();
    if page == 1 {
        let centre = HallQuery {
            division: Some(county.to_string()),
            kind: Some("county_center".into()),
            page: 1,
            per_page: 5,
            ..HallQuery::default()
        };
        halls = app.find_halls(&centre).await?;
    }
    let filters = Filters {
        county: county.to_string(),
        township: String::new(),
        kind: "township_center".into(),
        q: String::new(),
    };
    let (townships, has_next) = standard_halls(app, county, &filters, page).await?;
    halls.extend(townships);
    Ok((halls, has_next))
}

#[derive(Debug, Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    pub saved: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "hall.html")]
pub struct HallPage {
    c: Chrome,
    hall: HallView,
    breadcrumbs: Vec<(String, String)>,
    can_edit: bool,
    saved: bool,
}

pub async fn detail(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, WebError> {
    let hall = state.app.hall(&id).await?;
    let breadcrumbs = state
        .app
        .division_path(&hall.division_code)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let can_edit = viewer
        .principal()
        .is_some_and(|p| can_edit_hall(p, &hall.division_code));
    let page = HallPage {
        c: viewer.chrome(),
        hall: hall.into(),
        breadcrumbs,
        can_edit,
        saved: query.saved == "1",
    };
    Ok(page.into_response())
}

/// A system administrator whose division covers the hall's.
pub fn can_edit_hall(who: &Principal, division_code: &str) -> bool {
    DivisionCode::parse(division_code)
        .is_ok_and(|code| who.require_scope(&[Role::SystemAdmin], &code).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(elder: bool) -> Chrome {
        Chrome {
            elder,
            csrf: "t".into(),
            user: None,
            path: "/halls".into(),
        }
    }

    fn hall() -> HallView {
        HallRow {
            id: "hall-511902".into(),
            name: "巴州区政务服务中心".into(),
            kind: "county_center".into(),
            division_code: "511902000000".into(),
            address: "巴州区江北大道 1 号".into(),
            phone: "0827-5200000".into(),
            latitude_e6: 31_858_000,
            longitude_e6: 106_747_000,
            opening_hours: "工作日 9:00—17:00".into(),
        }
        .into()
    }

    fn finder(elder: bool) -> FinderPage {
        FinderPage {
            c: chrome(elder),
            counties: vec![("511902000000".into(), "巴州区".into())],
            townships: Vec::new(),
            kinds: HALL_KINDS.iter().map(|k| (*k, hall_kind_key(k))).collect(),
            county: "511902000000".into(),
            township: String::new(),
            kind: String::new(),
            q: String::new(),
            county_name: "巴州区".into(),
            page: 2,
            halls: vec![hall()],
            prev_href: Some("/halls?county=511902000000&page=1".into()),
            next_href: None,
        }
    }

    #[test]
    fn the_finder_renders_a_table_with_call_links_and_paging() {
        let html = finder(false).render().unwrap();
        assert!(html.contains("<th scope=\"col\">"));
        assert!(html.contains("href=\"tel:0827-5200000\""));
        assert!(html.contains("county_center"));
        assert!(html.contains("上一页"));
        assert!(!html.contains("下一页"));
    }

    #[test]
    fn the_elder_finder_shows_cards_with_a_call_button() {
        let html = finder(true).render().unwrap();
        assert!(html.contains("拨打电话"));
        assert!(!html.contains("<table"));
    }

    #[test]
    fn the_hall_page_shows_decimal_degrees() {
        let page = HallPage {
            c: chrome(false),
            hall: hall(),
            breadcrumbs: Vec::new(),
            can_edit: true,
            saved: true,
        };
        let html = page.render().unwrap();
        assert!(html.contains("31.858000"));
        assert!(html.contains("/admin/halls/hall-511902/edit"));
    }
}
