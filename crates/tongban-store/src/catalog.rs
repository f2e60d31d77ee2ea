//! The service-item catalogue: numbered versions of each item, and the search index of the
//! published ones.
//!
//! A version row keeps the item's content as JSON plus copies of the fields lists filter and
//! sort on; the store derives those copies from the [`ServiceItem`] itself, so they cannot drift
//! from the content. Only published versions are in `item_search`, and only the write methods
//! here put them in or take them out, in the same transaction as the status change.
//!
//! Search is one SQL text for both engines: `LIKE '%q%'` on the index table, which SQLite's FTS5
//! trigram tokenizer and PostgreSQL's pg_trgm GIN index both answer from the index when q has
//! three or more characters. Ranking is plain SQL: the name equals q, then starts with it, then
//! contains it, then an alias contains it, then a material or theme does; ties go to the shorter
//! name, then the item id.

use sqlx::Any;
use tongban_domain::AdminLevel;
use tongban_domain::catalog::{ItemStatus, ItemType, OnlineLevel, ServiceItem, Theme};

use crate::error::StoreError;
use crate::org::escape_like;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One version of a service item.
    pub struct ItemVersionRow {
        pub item_id: String,
        pub version: i64,
        /// `draft`, `in_review`, `published` or `withdrawn` ([`ItemStatus::code`]).
        pub status: String,
        /// The [`ServiceItem`] as JSON.
        pub body_json: String,
        pub name: String,
        /// Aliases joined by spaces.
        pub aliases: String,
        /// [`ItemType::code`].
        pub item_type: String,
        /// [`AdminLevel::code`].
        pub level: i64,
        pub department_id: String,
        pub basic_code: String,
        pub implementation_code: String,
        /// [`OnlineLevel::code`].
        pub online_level: String,
        pub visits: i64,
        pub promised_limit_days: i64,
        pub legal_limit_days: i64,
        /// Theme codes wrapped in commas: `,birth,business,` (empty when none).
        pub themes: String,
        /// What search looks in, ASCII letters lower-cased.
        pub search_text: String,
        pub created_at_ms: i64,
        pub published_at_ms: Option<i64>,
    }
}

row_struct! {
    /// One line of a search result: a published version with its department's name.
    pub struct ItemHitRow {
        pub item_id: String,
        pub version: i64,
        pub status: String,
        pub name: String,
        pub item_type: String,
        pub level: i64,
        pub department_id: String,
        pub department_name: String,
        pub promised_limit_days: i64,
        pub legal_limit_days: i64,
        pub online_level: String,
        pub visits: i64,
    }
}

/// A catalogue search: a text (may be empty), filters, and the page wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemSearch {
    pub text: String,
    pub department_id: Option<String>,
    pub level: Option<AdminLevel>,
    pub item_type: Option<ItemType>,
    pub theme: Option<Theme>,
    pub online_level: Option<OnlineLevel>,
    pub limit: i64,
    pub offset: i64,
}

impl ItemVersionRow {
    /// The row for `item` as version `version` of `item_id`, with every copied column derived
    /// from the item.
    pub fn new(
        item_id: &str,
        version: i64,
        status: ItemStatus,
        item: &ServiceItem,
        created_at_ms: i64,
        published_at_ms: Option<i64>,
    ) -> Result<ItemVersionRow, StoreError> {
        let body_json = serde_json::to_string(item)
            .map_err(|e| StoreError::Corrupt(format!("item does not serialise: {e}")))?;
        let themes = if item.themes.is_empty() {
            String::new()
        } else {
            let codes: Vec<&str> = item.themes.iter().map(|t| t.code()).collect();
            format!(",{},", codes.join(","))
        };
        Ok(ItemVersionRow {
            item_id: item_id.to_string(),
            version,
            status: status.code().to_string(),
            body_json,
            name: item.name.clone(),
            aliases: item.aliases.join(" "),
            item_type: item.item_type.code().to_string(),
            level: i64::from(item.level.code()),
            department_id: item.department_id.clone(),
            basic_code: item.basic_code.clone(),
            implementation_code: item.implementation_code.clone(),
            online_level: item.online_level.code().to_string(),
            visits: i64::from(item.visits),
            promised_limit_days: i64::from(item.promised_limit_days),
            legal_limit_days: i64::from(item.legal_limit_days),
            themes,
            search_text: item.search_text().to_ascii_lowercase(),
            created_at_ms,
            published_at_ms,
        })
    }

    /// The stored content.
    pub fn item(&self) -> Result<ServiceItem, StoreError> {
        serde_json::from_str(&self.body_json).map_err(|e| {
            StoreError::Corrupt(format!(
                "item {} version {} has unreadable content: {e}",
                self.item_id, self.version
            ))
        })
    }

    pub fn item_status(&self) -> Result<ItemStatus, StoreError> {
        ItemStatus::parse(&self.status).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "item {} version {} has unknown status {:?}",
                self.item_id, self.version, self.status
            ))
        })
    }
}

macro_rules! version_cols {
    () => {
        "item_id, version, status, body_json, name, aliases, item_type, level, department_id, \
         basic_code, implementation_code, online_level, visits, promised_limit_days, \
         legal_limit_days, themes, search_text, created_at_ms, published_at_ms"
    };
}

const ONE_VERSION: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM item_versions WHERE item_id = $1 AND version = $2"
);
const LATEST_VERSION: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM item_versions WHERE item_id = $1 ORDER BY version DESC LIMIT 1"
);
const PUBLISHED_VERSION: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM item_versions WHERE item_id = $1 AND status = 'published'"
);
const ALL_PUBLISHED: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM item_versions WHERE status = 'published' ORDER BY item_id"
);
const ALL_VERSIONS: &str = concat!(
    "SELECT ",
    version_cols!(),
    " FROM item_versions WHERE item_id = $1 ORDER BY version"
);

/// The filters both search texts share, `$1` … `$5`; `$6` and `$7` are limit and offset.
macro_rules! search_filters {
    () => {
        "($1 = '' OR v.department_id = $1)
          AND ($2 = 0 OR v.level = $2)
          AND ($3 = '' OR v.item_type = $3)
          AND ($4 = '' OR v.themes LIKE $4)
          AND ($5 = '' OR v.online_level = $5)"
    };
}

macro_rules! hit_cols {
    () => {
        "v.item_id, v.version, v.status, v.name, v.item_type, v.level, v.department_id, \
         d.name AS department_name, v.promised_limit_days, v.legal_limit_days, v.online_level, \
         v.visits, COUNT(*) OVER () AS total"
    };
}

/// Browsing without a text: every published version that passes the filters.
const SEARCH_ALL: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM item_versions v
      JOIN departments d ON d.id = v.department_id
     WHERE v.status = 'published' AND ",
    search_filters!(),
    " ORDER BY LENGTH(v.name), v.item_id
     LIMIT $6 OFFSET $7"
);

/// A search with a text, driven by the search index: `$8` is the text, `$9` the pattern
/// `%text%`, `$10` the pattern `text%` and `$11` the pattern `% text %` (a whole alias: the
/// aliases are stored space-separated). Rank: the name itself, then an item whose everyday name
/// is exactly the text (营业执照 → 企业设立登记), then names that start with it, contain it,
/// then aliases that contain it, then materials and themes.
const SEARCH_TEXT: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM item_search s
      JOIN item_versions v ON v.item_id = s.item_id AND v.version = s.version
      JOIN departments d ON d.id = v.department_id
     WHERE s.text LIKE $9 AND ",
    search_filters!(),
    " ORDER BY CASE WHEN s.name = $8 THEN 0
                    WHEN (' ' || s.aliases || ' ') LIKE $11 THEN 1
                    WHEN s.name LIKE $10 THEN 2
                    WHEN s.name LIKE $9 THEN 3
                    WHEN s.aliases LIKE $9 THEN 4
                    ELSE 5 END,
               LENGTH(s.name), s.item_id
     LIMIT $6 OFFSET $7"
);

/// A search hit with the total the window function added.
struct HitWithTotal {
    hit: ItemHitRow,
    total: i64,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for HitWithTotal {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(HitWithTotal {
            hit: ItemHitRow::from_row(row)?,
            total: row.try_get("total")?,
        })
    }
}

async fn fetch_version<'e, E>(
    executor: E,
    sql: &'static str,
    item_id: &str,
    version: Option<i64>,
) -> Result<Option<ItemVersionRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let query = sqlx::query_as(sql).bind(item_id.to_string());
    let query = match version {
        Some(v) => query.bind(v),
        None => query,
    };
    Ok(query.fetch_optional(executor).await?)
}

impl Store {
    pub async fn item_version(
        &self,
        item_id: &str,
        version: i64,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(&self.pool, ONE_VERSION, item_id, Some(version)).await
    }

    /// The highest-numbered version, whatever its status.
    pub async fn latest_version(
        &self,
        item_id: &str,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(&self.pool, LATEST_VERSION, item_id, None).await
    }

    /// The version in force, if any.
    pub async fn published_version(
        &self,
        item_id: &str,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(&self.pool, PUBLISHED_VERSION, item_id, None).await
    }

    /// Every version in force (for seeding the demo history).
    pub async fn published_versions(&self) -> Result<Vec<ItemVersionRow>, StoreError> {
        Ok(sqlx::query_as(ALL_PUBLISHED).fetch_all(&self.pool).await?)
    }

    /// Every version of an item, oldest first.
    pub async fn versions_of(&self, item_id: &str) -> Result<Vec<ItemVersionRow>, StoreError> {
        Ok(sqlx::query_as(ALL_VERSIONS)
            .bind(item_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Published versions matching `search`, ranked, one page of them, and how many match in all.
    pub async fn search_items(
        &self,
        search: &ItemSearch,
    ) -> Result<(Vec<ItemHitRow>, i64), StoreError> {
        let text = escape_like(search.text.trim()).to_ascii_lowercase();
        let query = sqlx::query_as(if text.is_empty() {
            SEARCH_ALL
        } else {
            SEARCH_TEXT
        })
        .bind(search.department_id.clone().unwrap_or_default())
        .bind(search.level.map_or(0, |l| i64::from(l.code())))
        .bind(search.item_type.map_or("", |t| t.code()))
        .bind(
            search
                .theme
                .map_or(String::new(), |t| format!("%,{},%", t.code())),
        )
        .bind(search.online_level.map_or("", |l| l.code()))
        .bind(search.limit.max(0))
        .bind(search.offset.max(0));
        let query = if text.is_empty() {
            query
        } else {
            query
                .bind(text.clone())
                .bind(format!("%{text}%"))
                .bind(format!("{text}%"))
                .bind(format!("% {text} %"))
        };
        let hits: Vec<HitWithTotal> = query.fetch_all(&self.pool).await?;
        let total = match hits.first() {
            Some(first) => first.total,
            // A page past the end: count the matches with the first page.
            None if search.offset > 0 => {
                let first = ItemSearch {
                    limit: 1,
                    offset: 0,
                    ..search.clone()
                };
                return Box::pin(self.search_items(&first))
                    .await
                    .map(|(_, total)| (Vec::new(), total));
            }
            None => 0,
        };
        Ok((hits.into_iter().map(|h| h.hit).collect(), total))
    }

    /// How many versions there are of each status, by status.
    pub async fn count_items_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT status, COUNT(*) FROM item_versions GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    /// Stores a new version (and the item, on its first version). A published version also
    /// goes into the search index. An existing (item, version) is a [`StoreError::Conflict`].
    pub async fn insert_item_version(&mut self, row: &ItemVersionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO items (item_id, created_at_ms) VALUES ($1, $2)
             ON CONFLICT (item_id) DO NOTHING",
        )
        .bind(&row.item_id)
        .bind(row.created_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        let sql = concat!(
            "INSERT INTO item_versions (",
            version_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
        );
        sqlx::query(sql)
            .bind(&row.item_id)
            .bind(row.version)
            .bind(&row.status)
            .bind(&row.body_json)
            .bind(&row.name)
            .bind(&row.aliases)
            .bind(&row.item_type)
            .bind(row.level)
            .bind(&row.department_id)
            .bind(&row.basic_code)
            .bind(&row.implementation_code)
            .bind(&row.online_level)
            .bind(row.visits)
            .bind(row.promised_limit_days)
            .bind(row.legal_limit_days)
            .bind(&row.themes)
            .bind(&row.search_text)
            .bind(row.created_at_ms)
            .bind(row.published_at_ms)
            .execute(self.conn().await?)
            .await
            .map_err(StoreError::from_write)?;
        if row.status == ItemStatus::Published.code() {
            self.index_version(&row.item_id, row.version).await?;
        }
        Ok(())
    }

    /// Replaces the content of a draft (and every column copied from it). Anything but a draft
    /// is left alone and reported as [`StoreError::NotFound`].
    pub async fn update_draft_body(
        &mut self,
        item_id: &str,
        version: i64,
        item: &ServiceItem,
    ) -> Result<(), StoreError> {
        let row = ItemVersionRow::new(item_id, version, ItemStatus::Draft, item, 0, None)?;
        let done = sqlx::query(
            "UPDATE item_versions
                SET body_json = $3, name = $4, aliases = $5, item_type = $6, level = $7,
                    department_id = $8, basic_code = $9, implementation_code = $10,
                    online_level = $11, visits = $12, promised_limit_days = $13,
                    legal_limit_days = $14, themes = $15, search_text = $16
              WHERE item_id = $1 AND version = $2 AND status = 'draft'",
        )
        .bind(item_id)
        .bind(version)
        .bind(&row.body_json)
        .bind(&row.name)
        .bind(&row.aliases)
        .bind(&row.item_type)
        .bind(row.level)
        .bind(&row.department_id)
        .bind(&row.basic_code)
        .bind(&row.implementation_code)
        .bind(&row.online_level)
        .bind(row.visits)
        .bind(row.promised_limit_days)
        .bind(row.legal_limit_days)
        .bind(&row.themes)
        .bind(&row.search_text)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("item_draft"));
        }
        Ok(())
    }

    /// Moves a version from status `from` to `to` (nothing happens unless it is in `from`:
    /// [`StoreError::NotFound`]). Publishing stamps `published_at_ms` and puts the version into
    /// the search index; leaving `published` takes it out. The life-cycle rules themselves are
    /// the caller's ([`ItemStatus`]).
    pub async fn set_item_status(
        &mut self,
        item_id: &str,
        version: i64,
        from: ItemStatus,
        to: ItemStatus,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let published_at = (to == ItemStatus::Published).then_some(at_ms);
        let done = sqlx::query(
            "UPDATE item_versions
                SET status = $4, published_at_ms = COALESCE($5, published_at_ms)
              WHERE item_id = $1 AND version = $2 AND status = $3",
        )
        .bind(item_id)
        .bind(version)
        .bind(from.code())
        .bind(to.code())
        .bind(published_at)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("item_version"));
        }
        if from == ItemStatus::Published && to != ItemStatus::Published {
            sqlx::query("DELETE FROM item_search WHERE item_id = $1 AND version = $2")
                .bind(item_id)
                .bind(version)
                .execute(self.conn().await?)
                .await?;
        }
        if to == ItemStatus::Published && from != ItemStatus::Published {
            self.index_version(item_id, version).await?;
        }
        Ok(())
    }

    /// Copies a version's searchable text into the search index.
    async fn index_version(&mut self, item_id: &str, version: i64) -> Result<(), StoreError> {
        let (name, aliases, text): (String, String, String) = sqlx::query_as(
            "SELECT name, aliases, search_text FROM item_versions WHERE item_id = $1 AND version = $2",
        )
        .bind(item_id)
        .bind(version)
        .fetch_optional(self.conn().await?)
        .await?
        .ok_or(StoreError::NotFound("item_version"))?;
        sqlx::query(
            "INSERT INTO item_search (item_id, version, name, aliases, text) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(item_id)
        .bind(version)
        .bind(name.to_ascii_lowercase())
        .bind(aliases.to_ascii_lowercase())
        .bind(text)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Reads a version inside the transaction.
    pub async fn item_version_for_update(
        &mut self,
        item_id: &str,
        version: i64,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(self.conn().await?, ONE_VERSION, item_id, Some(version)).await
    }

    pub async fn latest_version_for_update(
        &mut self,
        item_id: &str,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(self.conn().await?, LATEST_VERSION, item_id, None).await
    }

    pub async fn published_version_for_update(
        &mut self,
        item_id: &str,
    ) -> Result<Option<ItemVersionRow>, StoreError> {
        fetch_version(self.conn().await?, PUBLISHED_VERSION, item_id, None).await
    }

    /// How many items there are (any status), inside the transaction.
    pub async fn count_items(&mut self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM items")
            .fetch_one(self.conn().await?)
            .await?;
        Ok(n)
    }
}
