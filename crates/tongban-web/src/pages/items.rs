//! The catalogue for citizens: item search with filters (`/items`) and the 办事指南 of one item
//! (`/items/{id}`), both generated from the published item version.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::{AppError, CatalogQuery, ItemSummary, ItemView};
use tongban_domain::catalog::{ItemType, OnlineLevel, Theme};
use tongban_domain::{AdminLevel, Role};

use super::chrome::Chrome;
use super::flow_svg::{FlowBox, flow_svg};
use super::form::t;
use super::page_holes::{HoledPage, Markers, Values, html_response};
use super::viewer::{Viewer, urlencode};
use crate::error::WebError;
use crate::state::AppState;

const PER_PAGE: i64 = 20;

#[derive(Debug, Deserialize, Default)]
pub struct ItemsQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub level: String,
    #[serde(default, rename = "type")]
    pub item_type: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub online_level: String,
    #[serde(default)]
    pub page: String,
}

/// A choice in a filter: code, label, selected.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "items.html")]
pub struct ItemsPage {
    c: Chrome,
    q: String,
    department: String,
    levels: Vec<Choice>,
    types: Vec<Choice>,
    themes: Vec<Choice>,
    online_levels: Vec<Choice>,
    total: i64,
    items: Vec<ItemSummary>,
    page: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The filters as a query string, for the export links.
    export_query: String,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    code: fn(T) -> String,
    label: fn(T) -> String,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            code: code(*v),
            label: label(*v),
            selected: Some(*v) == chosen,
        })
        .collect()
}

const LEVELS: [AdminLevel; 3] = [AdminLevel::City, AdminLevel::County, AdminLevel::Township];

/// The catalogue query a `/items` query string asks for (page size [`PER_PAGE`]); the filters
/// that are not real codes are dropped.
pub fn catalog_query(query: &ItemsQuery) -> CatalogQuery {
    let level = query
        .level
        .parse::<u8>()
        .ok()
        .and_then(AdminLevel::from_code)
        .filter(|l| LEVELS.contains(l));
    let item_type = ItemType::parse(query.item_type.trim());
    let theme = Theme::parse(query.theme.trim());
    let online_level = OnlineLevel::parse(query.online_level.trim());
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let department = query.department.trim().to_string();
    CatalogQuery {
        text: query.q.trim().chars().take(50).collect(),
        department_id: (!department.is_empty()).then_some(department),
        level,
        item_type,
        theme,
        online_level,
        page,
        per_page: PER_PAGE,
    }
}

pub async fn search(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<ItemsQuery>,
) -> Result<ItemsPage, WebError> {
    let catalog_query = catalog_query(&query);
    let (items, total) = state.app.search_items(&catalog_query).await?;
    let CatalogQuery {
        text: q,
        department_id,
        level,
        item_type,
        theme,
        online_level,
        page,
        ..
    } = catalog_query;
    let department = department_id.unwrap_or_default();
    let filters = format!(
        "q={}&department={}&level={}&type={}&theme={}&online_level={}",
        urlencode(&q),
        urlencode(&department),
        level.map(|l| l.code().to_string()).unwrap_or_default(),
        item_type.map(|v| v.code()).unwrap_or_default(),
        theme.map(|v| v.code()).unwrap_or_default(),
        online_level.map(|v| v.code()).unwrap_or_default(),
    );
    let href = |p: i64| format!("/items?{filters}&page={p}");
    Ok(ItemsPage {
        c: viewer.chrome(),
        levels: choices(
            &LEVELS,
            level,
            |l| l.code().to_string(),
            |l| l.name_zh().to_string(),
        ),
        types: choices(
            ItemType::ALL,
            item_type,
            |v| v.code().into(),
            |v| v.name_zh().into(),
        ),
        themes: choices(
            Theme::ALL,
            theme,
            |v| v.code().into(),
            |v| v.name_zh().into(),
        ),
        online_levels: choices(
            OnlineLevel::ALL,
            online_level,
            |v| v.code().into(),
            |v| v.name_zh().into(),
        ),
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page * PER_PAGE < total).then(|| href(page + 1)),
        export_query: filters,
        q,
        department,
        total,
        items,
        page,
    })
}

/// One row of the materials table.
pub struct MaterialRow {
    pub name: String,
    pub required: bool,
    pub form: String,
    pub source: String,
    pub originals: u32,
    pub copies: u32,
    pub licence: Option<String>,
    pub may_be_missing: bool,
    pub may_be_committed: bool,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
pub struct GuidePage {
    c: Chrome,
    v: Arc<ItemView>,
    type_name: &'static str,
    level_name: &'static str,
    kind_name: &'static str,
    online_level_name: &'static str,
    online_depth: Vec<&'static str>,
    channels: Vec<&'static str>,
    objects: Vec<&'static str>,
    themes: Vec<(&'static str, &'static str)>,
    speed_up: u32,
    materials: Vec<MaterialRow>,
    fees: Vec<(String, String, String, String)>,
    flow: String,
    /// The item can be applied for online (网上办理深度 above 在线咨询).
    can_apply: bool,
    /// The idempotency key of this rendering of the "在线办理" form.
    apply_key: String,
}

/// Days in words: 0 is "即时办结".
pub fn days_text(days: u32) -> String {
    if days == 0 {
        t("item.immediate").to_string()
    } else {
        format!("{days} {}", t("item.working_days"))
    }
}

fn money(fen: i64) -> String {
    format!("¥{}.{:02}", fen / 100, fen % 100)
}

/// The 办事指南. Anonymous visitors get the page rendered once per item and 长者版 switch and kept
/// beside the cached item (`tongban_app::App::keep_item_page`), its CSRF token, idempotency key
/// and path filled in per request (`page_holes.rs`); signed-in visitors get it rendered anew.
pub async fn guide(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let apply_key = uuid::Uuid::new_v4().simple().to_string();
    if viewer.session.is_some() {
        let v = state.app.published_item_shared(&id).await?;
        return Ok(guide_page(viewer.chrome(), v, apply_key).into_response());
    }
    let variant = u32::from(viewer.elder);
    let values = Values {
        csrf: &viewer.csrf,
        key: &apply_key,
        path: &viewer.path,
    };
    let cached = state
        .app
        .cached_item_page(&id, variant)
        .and_then(|page| page.downcast::<HoledPage>().ok());
    if let Some(page) = cached {
        return Ok(html_response(page.fill(&values)));
    }
    let v = state.app.published_item_shared(&id).await?;
    let markers = Markers::new();
    let chrome = Chrome::for_principal(
        None,
        markers.csrf.clone(),
        viewer.elder,
        markers.path.clone(),
    );
    let rendered = guide_page(chrome, v.clone(), markers.key.clone())
        .render()
        .map_err(|err| WebError::App(AppError::Internal(format!("办事指南: {err}"))))?;
    let page = Arc::new(HoledPage::split(&rendered, &markers));
    state.app.keep_item_page(&v, variant, page.clone());
    Ok(html_response(page.fill(&values)))
}

/// The 办事指南 of `v` with the page chrome `c` and the "在线办理" form's idempotency key.
fn guide_page(c: Chrome, v: Arc<ItemView>, apply_key: String) -> GuidePage {
    let item = &v.item;
    let boxes: Vec<FlowBox<'_>> = item
        .steps
        .iter()
        .map(|s| FlowBox {
            name: &s.name,
            who: Role::parse(&s.role).map(Role::name_zh).unwrap_or(""),
            budget: days_text(s.budget_days),
        })
        .collect();
    let flow = flow_svg(&format!("{}{}", item.name, t("item.flow_suffix")), &boxes);
    let materials = item
        .materials
        .iter()
        .map(|m| MaterialRow {
            name: m.name.clone(),
            required: m.required,
            form: m.form.clone(),
            source: m.source.clone(),
            originals: m.originals,
            copies: m.copies,
            licence: m.licence_type.clone(),
            may_be_missing: m.may_be_missing,
            may_be_committed: m.may_be_committed,
            note: m.note.clone(),
        })
        .collect();
    let fees = item
        .fees
        .items
        .iter()
        .map(|f| {
            let amount = f
                .amount_fen
                .map(money)
                .unwrap_or_else(|| f.standard.clone());
            (f.name.clone(), amount, f.basis.clone(), f.waiver.clone())
        })
        .collect();
    GuidePage {
        c,
        type_name: item.item_type.name_zh(),
        level_name: item.level.name_zh(),
        kind_name: item.transaction_kind.name_zh(),
        online_level_name: item.online_level.name_zh(),
        online_depth: item.online_depth.iter().map(|d| d.name_zh()).collect(),
        channels: item.channels.iter().map(|c| c.name_zh()).collect(),
        objects: item.service_objects.iter().map(|o| o.name_zh()).collect(),
        themes: item
            .themes
            .iter()
            .map(|th| (th.code(), th.name_zh()))
            .collect(),
        speed_up: item.speed_up_percent(),
        materials,
        fees,
        flow,
        can_apply: item.online_level != tongban_domain::catalog::OnlineLevel::One,
        apply_key,
        v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_as_words() {
        assert_eq!(days_text(0), "即时办结");
        assert_eq!(days_text(5), "5 个工作日");
        assert_eq!(money(12_050), "¥120.50");
    }

    fn demo_view() -> Arc<ItemView> {
        let city = tongban_demo::generate(&tongban_demo::DemoConfig {
            seed: 7,
            citizens: 1,
            enterprises: 1,
        });
        let item = tongban_demo::catalog_items(&city)
            .into_iter()
            .find(|i| i.online_level != OnlineLevel::One && i.fees.charged)
            .or_else(|| tongban_demo::catalog_items(&city).into_iter().next())
            .unwrap();
        let hall = tongban_store::HallRow {
            id: "hall-1".into(),
            name: "市民服务中心 <一楼>".into(),
            kind: "city".into(),
            division_code: "511900".into(),
            address: "人民路 1 号 & 2 号".into(),
            phone: "0827-5200000".into(),
            latitude_e6: 0,
            longitude_e6: 0,
            opening_hours: "周一至周五 9:00-17:00".into(),
        };
        Arc::new(ItemView {
            item_id: "item-1".into(),
            version: 3,
            status: tongban_domain::catalog::ItemStatus::Published,
            department: tongban_store::DepartmentRow {
                id: item.department_id.clone(),
                name: "巴中市\"市场\"监督管理局".into(),
                short_name: "市场监管局".into(),
                uscc: String::new(),
                division_code: "511900".into(),
                parent_id: None,
            },
            item,
            halls: vec![hall],
            published_at_ms: Some(0),
        })
    }

    #[test]
    fn the_kept_guide_filled_in_is_byte_for_byte_the_guide_rendered_for_the_request() {
        let v = demo_view();
        for elder in [false, true] {
            let markers = Markers::new();
            let chrome =
                Chrome::for_principal(None, markers.csrf.clone(), elder, markers.path.clone());
            let kept = HoledPage::split(
                &guide_page(chrome, v.clone(), markers.key.clone())
                    .render()
                    .unwrap(),
                &markers,
            );
            for (csrf, key, path) in [
                ("0123abcd", "k1", "/items/item-1"),
                ("ffee", "k2", "/items/item-1?from=<search>&q='营业执照'\""),
            ] {
                let chrome = Chrome::for_principal(None, csrf.into(), elder, path.into());
                let direct = guide_page(chrome, v.clone(), key.into()).render().unwrap();
                let filled = kept.fill(&Values { csrf, key, path });
                assert_eq!(std::str::from_utf8(&filled).unwrap(), direct, "{path}");
                assert!(direct.contains(csrf) && direct.contains(key));
            }
        }
    }
}
