//! The public portal: home page with search, life-event themes and the hall finder entry, and
//! the search results page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Query, State};
use serde::Deserialize;
use tongban_store::{DepartmentRow, HallRow};

use super::chrome::Chrome;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// Life-event themes (出生, 上学, …): a slug and its catalogue key.
pub const THEMES: [(&str, &str); 7] = [
    ("birth", "theme.birth"),
    ("school", "theme.school"),
    ("work", "theme.work"),
    ("marriage", "theme.marriage"),
    ("business", "theme.business"),
    ("retirement", "theme.retirement"),
    ("after-death", "theme.after_death"),
];

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    c: Chrome,
    themes: Vec<(&'static str, &'static str)>,
    counties: Vec<(String, String)>,
}

pub async fn home(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<HomePage, WebError> {
    let counties = state
        .app
        .counties()
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    Ok(HomePage {
        c: viewer.chrome(),
        themes: THEMES.to_vec(),
        counties,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchPage {
    c: Chrome,
    q: String,
    items: Vec<tongban_app::ItemSummary>,
    items_total: i64,
    departments: Vec<DepartmentRow>,
    halls: Vec<HallRow>,
}

pub async fn search(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<SearchQuery>,
) -> Result<SearchPage, WebError> {
    let q: String = query.q.trim().chars().take(50).collect();
    let (departments, halls) = state.app.search_org(&q).await?;
    let (items, items_total) = if q.is_empty() {
        (Vec::new(), 0)
    } else {
        let catalog_query = tongban_app::CatalogQuery {
            text: q.clone(),
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        state.app.search_items(&catalog_query).await?
    };
    Ok(SearchPage {
        c: viewer.chrome(),
        q,
        items,
        items_total,
        departments,
        halls,
    })
}
