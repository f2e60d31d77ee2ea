//! The published lists for everyone: `/lists` (each list with its editions), one edition's
//! entries by department a page at a time (`/lists/{list}/{edition}`), and what changed between
//! two editions (`/lists/{list}/diff?from=&to=`, 动态调整).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use serde::Deserialize;
use tongban_app::{EditionComparison, EditionInfo, EntriesQuery, EntryView, ListOverview};
use tongban_domain::lists::ListEntry;

use super::chrome::Chrome;
use super::viewer::{Viewer, urlencode};
use crate::api::lists::{kind, year};
use crate::error::WebError;
use crate::state::AppState;

const PER_PAGE: i64 = 20;

/// A department in the filter: id, label with its entry count, selected.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "lists.html")]
pub struct ListsPage {
    c: Chrome,
    lists: Vec<ListOverview>,
}

pub async fn index(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<ListsPage, WebError> {
    Ok(ListsPage {
        lists: state.app.list_overview(viewer.principal()).await?,
        c: viewer.chrome(),
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct EditionQuery {
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "list_edition.html")]
pub struct EditionPage {
    c: Chrome,
    list_code: &'static str,
    list_name: &'static str,
    edition: EditionInfo,
    departments: Vec<Choice>,
    entries: Vec<EntryView>,
    total: i64,
    page: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn edition(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((list, edition)): Path<(String, String)>,
    Query(query): Query<EditionQuery>,
) -> Result<EditionPage, WebError> {
    let kind = kind(&list)?;
    let year = year(&edition)?;
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let department = query.department.trim().to_string();
    let q = EntriesQuery {
        department_id: (!department.is_empty()).then(|| department.clone()),
        page,
        per_page: PER_PAGE,
    };
    let result = state
        .app
        .list_entries(viewer.principal(), kind, year, &q)
        .await?;
    let href = |p: i64| {
        format!(
            "/lists/{}/{year}?department={}&page={p}",
            kind.code(),
            urlencode(&department)
        )
    };
    Ok(EditionPage {
        c: viewer.chrome(),
        list_code: kind.code(),
        list_name: kind.name_zh(),
        departments: result
            .departments
            .into_iter()
            .map(|(id, name, count)| Choice {
                selected: id == department,
                label: format!("{name}（{count}）"),
                code: id,
            })
            .collect(),
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page * PER_PAGE < result.total).then(|| href(page + 1)),
        edition: result.edition,
        entries: result.entries,
        total: result.total,
        page,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct DiffQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "list_diff.html")]
pub struct DiffPage {
    c: Chrome,
    list_code: &'static str,
    list_name: &'static str,
    /// (title key, entries): the added, then the removed entries.
    sections: Vec<(&'static str, Vec<ListEntry>)>,
    cmp: EditionComparison,
}

impl DiffPage {
    fn department(&self, id: &str) -> String {
        self.cmp
            .department_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

pub async fn diff(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(list): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Result<DiffPage, WebError> {
    let kind = kind(&list)?;
    // Without both editions named: the latest edition against the one before it.
    let (from, to) = if query.from.trim().is_empty() || query.to.trim().is_empty() {
        let lists = state.app.list_overview(viewer.principal()).await?;
        let years: Vec<i32> = lists
            .into_iter()
            .find(|l| l.kind == kind)
            .map(|l| l.editions.iter().map(|e| e.year).collect())
            .unwrap_or_default();
        match years.as_slice() {
            [.., a, b] => (*a, *b),
            _ => return Err(WebError::NotFound),
        }
    } else {
        (year(&query.from)?, year(&query.to)?)
    };
    let cmp = state
        .app
        .compare_editions(viewer.principal(), kind, from, to)
        .await?;
    Ok(DiffPage {
        c: viewer.chrome(),
        list_code: kind.code(),
        list_name: kind.name_zh(),
        sections: vec![
            ("lists.diff_added", cmp.diff.added.clone()),
            ("lists.diff_removed", cmp.diff.removed.clone()),
        ],
        cmp,
    })
}
