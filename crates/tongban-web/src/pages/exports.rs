//! Downloads of lists as xlsx or CSV: the item search (`/items/export.xlsx`, `.csv`) with the
//! query string of `/items`, and the hall finder (`/halls/export.xlsx`, `.csv`) with the query
//! string of `/halls`. Every match is exported, not one page, up to [`MAX_ROWS`].

use axum::extract::{Query, State};
use axum::response::Response;
use tongban_app::{App, AppError, CatalogQuery, HallQuery, ItemSummary};
use tongban_store::HallRow;

use super::form::{HALL_KINDS, hall_kind_key, one_of, t};
use super::halls::{FinderQuery, chosen_places};
use super::items::{ItemsQuery, catalog_query};
use crate::error::WebError;
use crate::export::{Cell, ExportFormat, MAX_ROWS, Table, download};
use crate::state::AppState;

/// Items fetched per search call while exporting (the most a search returns).
const ITEM_BATCH: i64 = 100;
/// Halls fetched per call while exporting (the most the finder returns).
const HALL_BATCH: i64 = 200;

pub async fn items_xlsx(
    State(state): State<AppState>,
    Query(query): Query<ItemsQuery>,
) -> Result<Response, WebError> {
    items(&state.app, &query, ExportFormat::Xlsx).await
}

pub async fn items_csv(
    State(state): State<AppState>,
    Query(query): Query<ItemsQuery>,
) -> Result<Response, WebError> {
    items(&state.app, &query, ExportFormat::Csv).await
}

pub async fn halls_xlsx(
    State(state): State<AppState>,
    Query(query): Query<FinderQuery>,
) -> Result<Response, WebError> {
    halls(&state.app, &query, ExportFormat::Xlsx).await
}

pub async fn halls_csv(
    State(state): State<AppState>,
    Query(query): Query<FinderQuery>,
) -> Result<Response, WebError> {
    halls(&state.app, &query, ExportFormat::Csv).await
}

async fn items(app: &App, query: &ItemsQuery, format: ExportFormat) -> Result<Response, WebError> {
    let found = all_items(app, catalog_query(query)).await?;
    download(&items_table(&found), "items", format)
}

/// Every item the query matches, in search order, at most [`MAX_ROWS`].
async fn all_items(app: &App, mut query: CatalogQuery) -> Result<Vec<ItemSummary>, AppError> {
    query.per_page = ITEM_BATCH;
    query.page = 1;
    let mut found = Vec::new();
    loop {
        let (batch, total) = app.search_items(&query).await?;
        let last = batch.len() < ITEM_BATCH as usize;
        found.extend(batch);
        let total = usize::try_from(total).unwrap_or(0).min(MAX_ROWS);
        if last || found.len() >= total {
            found.truncate(MAX_ROWS);
            return Ok(found);
        }
        query.page += 1;
    }
}

/// The item columns: 事项名称, 实施部门, 事项类型, 层级, 法定时限, 承诺时限, 到现场次数, 网办深度.
pub fn items_table(found: &[ItemSummary]) -> Table {
    let headers = [
        "export.item.name",
        "export.item.department",
        "export.item.type",
        "export.item.level",
        "export.item.legal_limit",
        "export.item.promised_limit",
        "export.item.visits",
        "export.item.online_level",
    ];
    Table {
        title: t("export.items_title").to_string(),
        headers: headers.iter().map(|k| t(k).to_string()).collect(),
        rows: found
            .iter()
            .map(|i| {
                vec![
                    Cell::from(i.name.as_str()),
                    Cell::from(i.department_name.as_str()),
                    Cell::from(i.item_type.name_zh()),
                    Cell::from(i.level.name_zh()),
                    Cell::from(i.legal_limit_days),
                    Cell::from(i.promised_limit_days),
                    Cell::from(i.visits),
                    Cell::from(i.online_level.name_zh()),
                ]
            })
            .collect(),
    }
}

async fn halls(app: &App, query: &FinderQuery, format: ExportFormat) -> Result<Response, WebError> {
    let counties = app.counties().await?;
    let (county, mut township) = chosen_places(query, &counties);
    if !county.is_empty()
        && !township.is_empty()
        && !app
            .child_divisions(&county)
            .await?
            .iter()
            .any(|d| d.code == township)
    {
        township.clear();
    }
    let division = if township.is_empty() {
        county
    } else {
        township
    };
    let mut hall_query = HallQuery {
        division: Some(division).filter(|d| !d.is_empty()),
        kind: Some(one_of(query.kind.trim(), &HALL_KINDS)).filter(|k| !k.is_empty()),
        name: Some(query.q.trim().chars().take(50).collect::<String>()).filter(|q| !q.is_empty()),
        page: 1,
        per_page: HALL_BATCH,
    };
    let mut found = Vec::new();
    loop {
        let batch = app.find_halls(&hall_query).await?;
        let last = batch.len() < HALL_BATCH as usize;
        found.extend(batch);
        if last || found.len() >= MAX_ROWS {
            break;
        }
        hall_query.page += 1;
    }
    found.truncate(MAX_ROWS);
    download(&halls_table(&found), "halls", format)
}

/// The hall columns: 名称, 类型, 地址, 电话, 办公时间.
pub fn halls_table(found: &[HallRow]) -> Table {
    let headers = [
        "halls.col_name",
        "halls.kind",
        "halls.address",
        "halls.phone",
        "halls.hours",
    ];
    Table {
        title: t("export.halls_title").to_string(),
        headers: headers.iter().map(|k| t(k).to_string()).collect(),
        rows: found
            .iter()
            .map(|h| {
                vec![
                    Cell::from(h.name.as_str()),
                    Cell::from(t(hall_kind_key(&h.kind))),
                    Cell::from(h.address.as_str()),
                    Cell::from(h.phone.as_str()),
                    Cell::from(h.opening_hours.as_str()),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_headers_come_from_the_catalogue() {
        let items = items_table(&[]);
        assert_eq!(items.title, "政务服务事项");
        assert_eq!(
            items.headers,
            [
                "事项名称",
                "实施部门",
                "事项类型",
                "层级",
                "法定时限(工作日)",
                "承诺时限(工作日)",
                "到现场次数",
                "网办深度"
            ]
        );
        let halls = halls_table(&[]);
        assert_eq!(halls.headers, ["名称", "类型", "地址", "电话", "办公时间"]);
    }
}
