//! The service-item catalogue, read side: search over published items (public), one item as
//! published (public) or any version of it (staff), and seeding a whole catalogue at once.
//!
//! Drafting and the life cycle are in `catalog_flow.rs`.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde_json::json;
use tongban_domain::AdminLevel;
use tongban_domain::catalog::{
    ItemStatus, ItemType, OnlineLevel, ServiceItem, Theme, validate_item,
};
use tongban_store::{
    DepartmentRow, HallRow, ItemHitRow, ItemSearch, ItemVersionRow, NewEvent, StoreError,
};

use crate::App;
use crate::error::{AppError, FieldError};
use crate::item_cache::ItemPage;
use crate::principal::Principal;

/// One line of a catalogue list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    pub item_id: String,
    pub version: i64,
    pub status: ItemStatus,
    pub name: String,
    pub item_type: ItemType,
    pub level: AdminLevel,
    pub department_id: String,
    pub department_name: String,
    pub promised_limit_days: u32,
    pub legal_limit_days: u32,
    pub online_level: OnlineLevel,
    pub visits: u32,
}

/// One version of an item with what a 办事指南 shows beside it: the implementing department
/// and the halls where it can be handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView {
    pub item_id: String,
    pub version: i64,
    pub status: ItemStatus,
    pub item: ServiceItem,
    pub department: DepartmentRow,
    /// The item's halls that exist, in the item's order.
    pub halls: Vec<HallRow>,
    pub published_at_ms: Option<i64>,
}

/// A catalogue search: words (may be empty) and filters, one page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogQuery {
    pub text: String,
    pub department_id: Option<String>,
    pub level: Option<AdminLevel>,
    pub item_type: Option<ItemType>,
    pub theme: Option<Theme>,
    pub online_level: Option<OnlineLevel>,
    /// From 1; anything lower means 1.
    pub page: i64,
    /// 20 when 0 or less, at most 100.
    pub per_page: i64,
}

/// The longest search text accepted, in characters.
const MAX_QUERY_CHARS: usize = 50;
/// Items written per unit of work when seeding.
const SEED_CHUNK: usize = 200;

/// The id of the `n`th item of a seeded catalogue: a UUIDv7 at the seed's time whose next bits
/// are `n` (so ids sort as the items came) and the rest from the item's code, so that a seed of
/// the same catalogue at the same time gives the same ids.
fn seeded_item_id(at_ms: i64, n: usize, code: &str) -> String {
    let digest = tongban_domain::sm3(format!("seed-item:{n}:{code}").as_bytes());
    let mut bits = [0u8; 10];
    bits.copy_from_slice(&digest[..10]);
    // The builder keeps the low 4 bits of byte 0, byte 1 and the low 6 bits of byte 2.
    bits[0] = ((n >> 14) & 0x0f) as u8;
    bits[1] = ((n >> 6) & 0xff) as u8;
    bits[2] = (n & 0x3f) as u8;
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(at_ms).unwrap_or(0), &bits)
        .into_uuid()
        .to_string()
}

impl App {
    /// Published items matching the query, best first, and how many match in all. Public.
    pub async fn search_items(
        &self,
        q: &CatalogQuery,
    ) -> Result<(Vec<ItemSummary>, i64), AppError> {
        let text = q.text.trim();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::field(
                "text",
                "too_long",
                format!("搜索词不能超过 {MAX_QUERY_CHARS} 个字"),
            ));
        }
        let per_page = if q.per_page <= 0 {
            20
        } else {
            q.per_page.min(100)
        };
        let page = q.page.max(1);
        let search = ItemSearch {
            text: text.to_string(),
            department_id: q.department_id.clone().filter(|d| !d.trim().is_empty()),
            level: q.level,
            item_type: q.item_type,
            theme: q.theme,
            online_level: q.online_level,
            limit: per_page,
            offset: (page - 1).saturating_mul(per_page),
        };
        let (hits, total) = self.store.search_items(&search).await?;
        let items = hits
            .into_iter()
            .map(summary)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, total))
    }

    /// The version of an item in force, as citizens see it. Public.
    /// Served from a cache kept a few seconds (see `item_cache.rs`).
    pub async fn published_item(&self, item_id: &str) -> Result<ItemView, AppError> {
        let view = self.published_item_shared(item_id).await?;
        Ok(ItemView::clone(&view))
    }

    /// [`App::published_item`] without the copy: the cache's own view when it has one, which
    /// [`App::keep_item_page`] can keep a rendered page beside.
    pub async fn published_item_shared(
        &self,
        item_id: &str,
    ) -> Result<std::sync::Arc<ItemView>, AppError> {
        let now_ms = self.now_ms();
        if let Some(view) = self.items.get(item_id, now_ms) {
            return Ok(view);
        }
        let generation = self.items.generation();
        let row = self
            .store
            .published_version(item_id)
            .await?
            .ok_or(AppError::NotFound("该事项"))?;
        let view = std::sync::Arc::new(self.view(row).await?);
        self.items.put(generation, now_ms, view.clone());
        Ok(view)
    }

    /// The page of `variant` the web layer kept beside the cached item `item_id` with
    /// [`App::keep_item_page`], while that item is fresh (it goes when the item does: on any
    /// change to items, departments or halls in this process, and after
    /// [`crate::ITEM_CACHE_TTL_MS`]). Only published items that were found are cached, so an
    /// unknown id never has one.
    pub fn cached_item_page(&self, item_id: &str, variant: u32) -> Option<ItemPage> {
        self.items.page(item_id, variant, self.now_ms())
    }

    /// Keeps `page`, rendered from `view` (as [`App::published_item_shared`] returned it), as
    /// the page of `variant`: only if `view` is still the cache's copy of the item, and at most
    /// [`crate::MAX_PAGES_PER_ITEM`] variants per item.
    pub fn keep_item_page(&self, view: &std::sync::Arc<ItemView>, variant: u32, page: ItemPage) {
        self.items.put_page(view, variant, page);
    }

    /// Empties the cache of published items: call after any change to an item, a department
    /// or a hall.
    pub(crate) fn forget_cached_items(&self) {
        self.items.forget_all();
    }

    /// Any version of an item, drafts included. Staff only.
    pub async fn item_version(
        &self,
        who: &Principal,
        item_id: &str,
        version: i64,
    ) -> Result<ItemView, AppError> {
        who.require_staff()?;
        let row = self
            .store
            .item_version(item_id, version)
            .await?
            .ok_or(AppError::NotFound("该事项版本"))?;
        self.view(row).await
    }

    /// Loads a whole catalogue into a store that has none (the demo, or an operator's first
    /// import): every item becomes version 1, published, each with its event, about 200 items
    /// per unit of work. Returns how many were written; 0 when the store already has items.
    /// Every item is checked first, and nothing is written if one is wrong.
    pub async fn seed_catalog(&self, items: Vec<ServiceItem>) -> Result<usize, AppError> {
        if !self.store.count_items_by_status().await?.is_empty() {
            return Ok(0);
        }
        self.check_seed(&items).await?;
        let at_ms = self.now_ms();
        let count = items.len();
        let mut rows = Vec::with_capacity(count);
        for (n, item) in items.iter().enumerate() {
            let item_id = seeded_item_id(at_ms, n, &item.implementation_code);
            rows.push(ItemVersionRow::new(
                &item_id,
                1,
                ItemStatus::Published,
                item,
                at_ms,
                Some(at_ms),
            )?);
        }
        let mut first = true;
        let mut rest = rows.into_iter().peekable();
        while rest.peek().is_some() {
            let chunk: Vec<ItemVersionRow> = rest.by_ref().take(SEED_CHUNK).collect();
            let check_empty = std::mem::replace(&mut first, false);
            let written = self
                .store
                .write(move |ctx| {
                    Box::pin(async move {
                        // Another seed may have run since the check above.
                        if check_empty && ctx.count_items().await? > 0 {
                            return Ok(false);
                        }
                        for row in &chunk {
                            ctx.insert_item_version(row).await?;
                            ctx.append_event(NewEvent {
                                at_ms,
                                actor: "system:catalog-seed".into(),
                                action: "item.published".into(),
                                entity_type: "item".into(),
                                entity_id: row.item_id.clone(),
                                payload: json!({
                                    "item_id": row.item_id, "version": row.version, "name": row.name,
                                }),
                            })
                            .await?;
                        }
                        Ok::<_, StoreError>(true)
                    })
                })
                .await?;
            if !written {
                return Ok(0);
            }
        }
        Ok(count)
    }

    /// Every seed item must be valid and name existing departments and halls.
    async fn check_seed(&self, items: &[ServiceItem]) -> Result<(), AppError> {
        let bad = |i: usize, item: &ServiceItem, what: String| AppError::Invalid {
            message: format!("第 {} 个事项“{}”有误：{what}", i + 1, item.name),
            fields: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(problem) = validate_item(item).into_iter().next() {
                return Err(bad(
                    i,
                    item,
                    format!("{}（{}）", problem.message, problem.field),
                ));
            }
        }
        let departments: BTreeSet<&str> = items.iter().map(|i| i.department_id.as_str()).collect();
        for id in departments {
            if self.store.department(id).await?.is_none() {
                let (i, item) = items
                    .iter()
                    .enumerate()
                    .find(|(_, it)| it.department_id == id)
                    .ok_or_else(|| AppError::Internal("seed item vanished".into()))?;
                return Err(bad(i, item, format!("实施部门 {id} 不存在")));
            }
        }
        let halls: BTreeSet<&str> = items
            .iter()
            .flat_map(|i| i.hall_ids.iter().map(String::as_str))
            .collect();
        for id in halls {
            if self.store.hall(id).await?.is_none() {
                let (i, item) = items
                    .iter()
                    .enumerate()
                    .find(|(_, it)| it.hall_ids.iter().any(|h| h == id))
                    .ok_or_else(|| AppError::Internal("seed item vanished".into()))?;
                return Err(bad(i, item, format!("服务场所 {id} 不存在")));
            }
        }
        Ok(())
    }

    /// A version with its department and halls.
    pub(crate) async fn view(&self, row: ItemVersionRow) -> Result<ItemView, AppError> {
        let item = row.item()?;
        let status = row.item_status()?;
        let department = self
            .store
            .department(&row.department_id)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("item {} names a missing department", row.item_id))
            })?;
        let mut halls = Vec::with_capacity(item.hall_ids.len());
        for id in &item.hall_ids {
            if let Some(hall) = self.store.hall(id).await? {
                halls.push(hall);
            }
        }
        Ok(ItemView {
            item_id: row.item_id,
            version: row.version,
            status,
            item,
            department,
            halls,
            published_at_ms: row.published_at_ms,
        })
    }

    /// A new item id: a UUIDv7 stamped with the app's clock. Ids made in the same millisecond
    /// (a seed, or a clock a test holds still) still ascend in the order they were made.
    pub(crate) fn new_item_id(&self) -> String {
        static COUNTER: Mutex<uuid::ContextV7> = Mutex::new(uuid::ContextV7::new());
        let now = self.now();
        let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let ts = match COUNTER.lock() {
            Ok(context) => uuid::Timestamp::from_unix(&*context, seconds, now.nanosecond()),
            Err(_) => uuid::Timestamp::from_unix(uuid::NoContext, seconds, now.nanosecond()),
        };
        uuid::Uuid::new_v7(ts).to_string()
    }

    /// Everything wrong with an item as a whole: the domain rules, and whether its department
    /// and halls exist.
    pub(crate) async fn item_problems(
        &self,
        item: &ServiceItem,
    ) -> Result<Vec<FieldError>, AppError> {
        let mut fields: Vec<FieldError> = validate_item(item)
            .into_iter()
            .map(|p| FieldError {
                field: p.field.clone().into(),
                code: "item.invalid",
                message: p.message,
            })
            .collect();
        if !item.department_id.trim().is_empty()
            && self.store.department(&item.department_id).await?.is_none()
        {
            fields.push(FieldError {
                field: "department_id".into(),
                code: "department.unknown",
                message: "实施部门不存在，请从组织机构中选择".into(),
            });
        }
        for (i, id) in item.hall_ids.iter().enumerate() {
            if self.store.hall(id).await?.is_none() {
                fields.push(FieldError {
                    field: format!("hall_ids.{i}").into(),
                    code: "hall.unknown",
                    message: format!("服务场所“{id}”不存在"),
                });
            }
        }
        Ok(fields)
    }
}

pub(crate) fn summary(hit: ItemHitRow) -> Result<ItemSummary, AppError> {
    let corrupt = |what: &str| {
        AppError::from(StoreError::Corrupt(format!(
            "item {} version {}: bad {what}",
            hit.item_id, hit.version
        )))
    };
    let days = |n: i64, what: &str| u32::try_from(n).map_err(|_| corrupt(what));
    Ok(ItemSummary {
        status: ItemStatus::parse(&hit.status).ok_or_else(|| corrupt("status"))?,
        item_type: ItemType::parse(&hit.item_type).ok_or_else(|| corrupt("item type"))?,
        level: u8::try_from(hit.level)
            .ok()
            .and_then(AdminLevel::from_code)
            .ok_or_else(|| corrupt("level"))?,
        online_level: OnlineLevel::parse(&hit.online_level)
            .ok_or_else(|| corrupt("online level"))?,
        promised_limit_days: days(hit.promised_limit_days, "promised limit")?,
        legal_limit_days: days(hit.legal_limit_days, "legal limit")?,
        visits: days(hit.visits, "visits")?,
        item_id: hit.item_id,
        version: hit.version,
        name: hit.name,
        department_id: hit.department_id,
        department_name: hit.department_name,
    })
}
