//! Life-event themes (`/themes/{slug}`): what the event usually involves, in plain words, and
//! the service items published for it, and the city departments that handle it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use tongban_domain::catalog::Theme;
use tongban_domain::{AdminLevel, DivisionCode};
use tongban_store::DepartmentRow;

use super::chrome::Chrome;
use super::home::THEMES;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// Per theme: its slug, the key of its plain explanation and the department-name keywords of
/// the departments that usually handle it. Keywords are matched inside names, so they must be
/// specific: "民政局", not "民政", which also matches "人民政府办公室".
const THEME_DETAILS: [(&str, &str, &[&str]); 7] = [
    (
        "birth",
        "theme.birth.intro",
        &["卫生健康", "公安", "医疗保障"],
    ),
    ("school", "theme.school.intro", &["教育"]),
    ("work", "theme.work.intro", &["人力资源和社会保障"]),
    ("marriage", "theme.marriage.intro", &["民政局"]),
    ("business", "theme.business.intro", &["市场监督", "税务"]),
    (
        "retirement",
        "theme.retirement.intro",
        &["人力资源和社会保障", "医疗保障"],
    ),
    (
        "after-death",
        "theme.after_death.intro",
        &["民政局", "公安", "人力资源和社会保障"],
    ),
];

#[derive(Template, WebTemplate)]
#[template(path = "theme.html")]
pub struct ThemePage {
    c: Chrome,
    title_key: &'static str,
    intro_key: &'static str,
    theme_code: &'static str,
    items: Vec<tongban_app::ItemSummary>,
    items_total: i64,
    departments: Vec<DepartmentRow>,
    /// The 一件事 of this life event: (code, name).
    bundle: Option<(String, String)>,
}

/// The catalogue theme of a page slug.
fn catalog_theme(slug: &str) -> Option<Theme> {
    match slug {
        "birth" => Some(Theme::Birth),
        "school" => Some(Theme::School),
        "work" => Some(Theme::Work),
        "marriage" => Some(Theme::Marriage),
        "business" => Some(Theme::Business),
        "retirement" => Some(Theme::Retirement),
        "after-death" => Some(Theme::AfterDeath),
        _ => None,
    }
}

pub async fn theme(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(slug): Path<String>,
) -> Result<ThemePage, WebError> {
    let title_key = THEMES
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, key)| *key)
        .ok_or(WebError::NotFound)?;
    let (_, intro_key, keywords) = THEME_DETAILS
        .iter()
        .find(|(s, _, _)| *s == slug)
        .copied()
        .ok_or(WebError::NotFound)?;
    let mut found: Vec<DepartmentRow> = Vec::new();
    for keyword in keywords {
        let (departments, _) = state.app.search_org(keyword).await?;
        for d in departments {
            if !found.iter().any(|f| f.id == d.id) {
                found.push(d);
            }
        }
    }
    let city: Vec<DepartmentRow> = found.iter().filter(|d| is_city_level(d)).cloned().collect();
    let departments = if city.is_empty() { found } else { city };
    let theme = catalog_theme(&slug).ok_or(WebError::NotFound)?;
    let query = tongban_app::CatalogQuery {
        theme: Some(theme),
        page: 1,
        per_page: 30,
        ..Default::default()
    };
    let (items, items_total) = state.app.search_items(&query).await?;
    let bundle_code = match slug.as_str() {
        "birth" => "newborn",
        "business" => "business",
        _ => "",
    };
    let bundle = tongban_app::applications::bundle_definitions()
        .into_iter()
        .find(|d| d.code == bundle_code)
        .map(|d| (d.code, d.name));
    Ok(ThemePage {
        c: viewer.chrome(),
        bundle,
        title_key,
        intro_key,
        theme_code: theme.code(),
        items,
        items_total,
        departments,
    })
}

fn is_city_level(d: &DepartmentRow) -> bool {
    DivisionCode::parse(&d.division_code).is_ok_and(|code| code.level() == AdminLevel::City)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalog;

    #[test]
    fn every_theme_has_an_explanation_and_departments() {
        for (slug, _) in THEMES {
            let detail = THEME_DETAILS.iter().find(|(s, _, _)| *s == slug);
            let (_, intro, keywords) = detail.unwrap_or_else(|| panic!("no details for {slug}"));
            assert!(Catalog::zh_cn().contains(intro), "{intro}");
            assert!(!keywords.is_empty());
        }
    }

    #[test]
    fn the_theme_page_lists_its_items_and_departments() {
        let page = ThemePage {
            c: Chrome {
                elder: true,
                csrf: String::new(),
                user: None,
                path: "/themes/marriage".into(),
            },
            title_key: "theme.marriage",
            intro_key: "theme.marriage.intro",
            theme_code: "marriage",
            items: Vec::new(),
            items_total: 0,
            bundle: None,
            departments: vec![DepartmentRow {
                id: "511900-mzj".into(),
                name: "巴中市民政局".into(),
                short_name: "市民政局".into(),
                uscc: "X".into(),
                division_code: "511900000000".into(),
                parent_id: None,
            }],
        };
        let html = page.render().unwrap();
        assert!(html.contains("href=\"/departments/511900-mzj\""));
        assert!(html.contains(Catalog::zh_cn().get("theme.items")));
        assert!(html.contains("tel:12345"));
    }
}
