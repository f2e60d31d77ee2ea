//! The organisation browser: `/org` (the city) and `/org/{code}` (one division with its
//! ancestors, children, departments and halls).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tongban_app::AppError;
use tongban_store::{DepartmentRow, DivisionRow};

use super::chrome::Chrome;
use super::form::hall_kind_key;
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

/// The catalogue key of an administrative level's name (1 = 国家级 … 6 = 村级).
pub fn level_key(level: i64) -> &'static str {
    match level {
        1 => "org.level.national",
        2 => "org.level.province",
        3 => "org.level.city",
        4 => "org.level.county",
        5 => "org.level.township",
        6 => "org.level.village",
        _ => "org.level.other",
    }
}

/// The city: the parent of the counties, or else the top of the tree.
pub async fn root(State(state): State<AppState>) -> Result<Response, WebError> {
    let counties = state.app.counties().await?;
    let city = match counties.into_iter().find_map(|d| d.parent_code) {
        Some(code) => Some(code),
        None => state
            .app
            .top_divisions()
            .await?
            .into_iter()
            .next()
            .map(|d| d.code),
    };
    match city {
        Some(code) => Ok(Redirect::to(&format!("/org/{}", urlencode(&code))).into_response()),
        None => Err(WebError::NotFound),
    }
}

/// A hall in a list: id, name and the key of its kind.
pub type HallItem = (String, String, &'static str);

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
pub struct DivisionPage {
    c: Chrome,
    division: DivisionRow,
    level_key: &'static str,
    ancestors: Vec<DivisionRow>,
    children: Vec<DivisionRow>,
    departments: Vec<DepartmentRow>,
    halls: Vec<HallItem>,
}

pub async fn division(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
) -> Result<DivisionPage, WebError> {
    let page = state.app.division_page(&code).await.map_err(|e| match e {
        AppError::Invalid { .. } => WebError::NotFound,
        other => WebError::App(other),
    })?;
    Ok(DivisionPage {
        c: viewer.chrome(),
        level_key: level_key(page.division.level),
        division: page.division,
        ancestors: page.ancestors,
        children: page.children,
        departments: page.departments,
        halls: page
            .halls
            .into_iter()
            .map(|h| (h.id, h.name, hall_kind_key(&h.kind)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    fn row(code: &str, name: &str, level: i64) -> DivisionRow {
        DivisionRow {
            code: code.into(),
            name: name.into(),
            level,
            parent_code: None,
        }
    }

    #[test]
    fn every_level_has_a_name() {
        for level in 0..=7 {
            assert!(Catalog::zh_cn().contains(level_key(level)), "{level}");
        }
    }

    #[test]
    fn the_division_page_links_children_departments_and_halls() {
        let page = DivisionPage {
            c: Chrome {
                elder: false,
                csrf: String::new(),
                user: None,
                path: "/org".into(),
            },
            division: row("511900000000", "巴中市", 3),
            level_key: level_key(3),
            ancestors: vec![row("510000000000", "四川省", 2)],
            children: vec![row("511902000000", "巴州区", 4)],
            departments: vec![DepartmentRow {
                id: "511900-scjgj".into(),
                name: "巴中市市场监督管理局".into(),
                short_name: "市市场监管局".into(),
                uscc: "11511900MB0000000X".into(),
                division_code: "511900000000".into(),
                parent_id: None,
            }],
            halls: vec![(
                "hall-511900".into(),
                "巴中市政务服务中心".into(),
                "hall.kind.city_center",
            )],
        };
        let html = page.render().unwrap();
        assert!(html.contains("href=\"/org/510000000000\""));
        assert!(html.contains("href=\"/org/511902000000\""));
        assert!(html.contains("href=\"/departments/511900-scjgj\""));
        assert!(html.contains("href=\"/halls/hall-511900\""));
    }
}
