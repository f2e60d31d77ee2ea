//! The published lists: editions, their entries and the entries' responsibility items.
//!
//! Entries and duties are written many rows per statement: a power list edition has tens of
//! thousands of duties, and a round trip per row would make seeding it slow. As with the event
//! INSERT in `write_ctx.rs`, SQLite gets anonymous `?` placeholders (it finds numbered ones by a
//! linear scan) and PostgreSQL `$n`. Only drafts are written; a published edition is read only.

use sqlx::{Any, AnyConnection};

use crate::error::StoreError;
use crate::pool::{Engine, Store};
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One edition of a list.
    pub struct ListEditionRow {
        /// `power`, `licensing` or `trading`.
        pub list_code: String,
        pub year: i64,
        /// `draft` or `published`.
        pub status: String,
        pub entry_count: i64,
        pub duty_count: i64,
        pub created_at_ms: i64,
        pub published_at_ms: Option<i64>,
    }
}

row_struct! {
    /// One entry of an edition; `department_name` is filled on reads only.
    pub struct ListEntryRow {
        pub entry_code: String,
        pub seq: i64,
        pub name: String,
        pub item_type: String,
        pub basis: String,
        pub department_id: String,
        pub department_name: String,
        pub level: i64,
        /// '' when none.
        pub basic_code: String,
    }
}

row_struct! {
    /// One responsibility item of an entry.
    pub struct ListDutyRow {
        pub entry_code: String,
        pub seq: i64,
        pub name: String,
        pub accountability: String,
    }
}

/// Rows per multi-row INSERT: at most 9 columns each, so under 2,000 parameters a statement.
const ROWS_PER_INSERT: usize = 200;
/// Entries written at once from which PostgreSQL's statistics are refreshed before the duties.
const ANALYZE_AFTER_ROWS: usize = 1_000;

const EDITION_COLS: &str =
    "list_code, year, status, entry_count, duty_count, created_at_ms, published_at_ms";

const ENTRY_SELECT: &str =
    "SELECT e.entry_code, e.seq, e.name, e.item_type, e.basis, e.department_id,
        d.name AS department_name, e.level, e.basic_code
   FROM list_entries e JOIN departments d ON d.id = e.department_id
  WHERE e.list_code = $1 AND e.year = $2 AND ($3 = '' OR e.department_id = $3)";

const DUTY_SELECT: &str = "SELECT u.entry_code, u.seq, u.name, u.accountability
   FROM list_duties u
   JOIN list_entries e ON e.list_code = u.list_code AND e.year = u.year AND e.entry_code = u.entry_code
  WHERE e.list_code = $1 AND e.year = $2 AND ($3 = '' OR e.department_id = $3)
    AND e.seq BETWEEN $4 AND $5
  ORDER BY e.seq, u.seq";

/// `rows` groups of `cols` placeholders: `(?, ?), (?, ?)` or `($1, $2), ($3, $4)`.
fn values(engine: Engine, rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 1..=cols {
            if col > 1 {
                sql.push_str(", ");
            }
            match engine {
                Engine::Sqlite => sql.push('?'),
                Engine::Postgres => {
                    sql.push('$');
                    sql.push_str(&(row * cols + col).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

async fn fetch_edition<'e, E>(
    executor: E,
    list_code: &str,
    year: i64,
) -> Result<Option<ListEditionRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let sql =
        format!("SELECT {EDITION_COLS} FROM list_editions WHERE list_code = $1 AND year = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(list_code.to_string())
        .bind(year)
        .fetch_optional(executor)
        .await?)
}

impl Store {
    /// Every edition of every list, by list then year.
    pub async fn list_editions(&self) -> Result<Vec<ListEditionRow>, StoreError> {
        let sql = format!("SELECT {EDITION_COLS} FROM list_editions ORDER BY list_code, year");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn list_edition(
        &self,
        list_code: &str,
        year: i64,
    ) -> Result<Option<ListEditionRow>, StoreError> {
        fetch_edition(&self.pool, list_code, year).await
    }

    /// One page of an edition's entries in edition order (optionally of one department), the
    /// duties of those entries, and how many entries pass the filter.
    pub async fn list_entries_page(
        &self,
        list_code: &str,
        year: i64,
        department_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ListEntryRow>, Vec<ListDutyRow>, i64), StoreError> {
        let sql = format!("{ENTRY_SELECT} ORDER BY e.seq LIMIT $4 OFFSET $5");
        let entries: Vec<ListEntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(list_code)
            .bind(year)
            .bind(department_id)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM list_entries
              WHERE list_code = $1 AND year = $2 AND ($3 = '' OR department_id = $3)",
        )
        .bind(list_code)
        .bind(year)
        .bind(department_id)
        .fetch_one(&self.pool)
        .await?;
        let duties = match (entries.first(), entries.last()) {
            (Some(first), Some(last)) => {
                self.duties_between(list_code, year, department_id, first.seq, last.seq)
                    .await?
            }
            _ => Vec::new(),
        };
        Ok((entries, duties, total))
    }

    /// Every entry of an edition with every duty, in edition order.
    pub async fn list_entries_all(
        &self,
        list_code: &str,
        year: i64,
    ) -> Result<(Vec<ListEntryRow>, Vec<ListDutyRow>), StoreError> {
        let sql = format!("{ENTRY_SELECT} ORDER BY e.seq");
        let entries: Vec<ListEntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(list_code)
            .bind(year)
            .bind("")
            .fetch_all(&self.pool)
            .await?;
        let duties = self
            .duties_between(list_code, year, "", 0, i64::MAX)
            .await?;
        Ok((entries, duties))
    }

    async fn duties_between(
        &self,
        list_code: &str,
        year: i64,
        department_id: &str,
        from_seq: i64,
        to_seq: i64,
    ) -> Result<Vec<ListDutyRow>, StoreError> {
        Ok(sqlx::query_as(DUTY_SELECT)
            .bind(list_code)
            .bind(year)
            .bind(department_id)
            .bind(from_seq)
            .bind(to_seq)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The departments with entries in an edition: id, name and how many entries, by name.
    pub async fn list_departments(
        &self,
        list_code: &str,
        year: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.department_id, d.name, COUNT(*) FROM list_entries e
               JOIN departments d ON d.id = e.department_id
              WHERE e.list_code = $1 AND e.year = $2
              GROUP BY e.department_id, d.name ORDER BY d.name, e.department_id",
        )
        .bind(list_code)
        .bind(year)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    pub async fn list_edition_for_update(
        &mut self,
        list_code: &str,
        year: i64,
    ) -> Result<Option<ListEditionRow>, StoreError> {
        fetch_edition(self.conn().await?, list_code, year).await
    }

    /// Stores a new draft edition (its counts as given); an existing one is a
    /// [`StoreError::Conflict`].
    pub async fn insert_list_edition(&mut self, row: &ListEditionRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO list_editions ({EDITION_COLS}) VALUES ($1, $2, 'draft', $3, $4, $5, NULL)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&row.list_code)
            .bind(row.year)
            .bind(row.entry_count)
            .bind(row.duty_count)
            .bind(row.created_at_ms)
            .execute(self.conn().await?)
            .await
            .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Removes a draft edition with its entries and duties; anything but a draft is left alone
    /// and reported as [`StoreError::NotFound`].
    pub async fn delete_list_draft(
        &mut self,
        list_code: &str,
        year: i64,
    ) -> Result<(), StoreError> {
        match self.list_edition_for_update(list_code, year).await? {
            Some(e) if e.status == "draft" => {}
            _ => return Err(StoreError::NotFound("list_draft")),
        }
        for table in ["list_duties", "list_entries", "list_editions"] {
            let sql = format!("DELETE FROM {table} WHERE list_code = $1 AND year = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(list_code)
                .bind(year)
                .execute(self.conn().await?)
                .await?;
        }
        Ok(())
    }

    /// Adds entries and their duties to a draft edition, many rows per statement.
    pub async fn insert_list_entries(
        &mut self,
        list_code: &str,
        year: i64,
        entries: &[ListEntryRow],
        duties: &[ListDutyRow],
    ) -> Result<(), StoreError> {
        match self.list_edition_for_update(list_code, year).await? {
            Some(e) if e.status == "draft" => {}
            _ => return Err(StoreError::NotFound("list_draft")),
        }
        let engine = self.engine();
        let conn = self.conn().await?;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            insert_entries(conn, engine, list_code, year, chunk).await?;
        }
        if engine == Engine::Postgres && entries.len() >= ANALYZE_AFTER_ROWS {
            // PostgreSQL checks each duty's foreign key with a plan made while the table was
            // small: a sequential scan, which over thousands of new entries makes the duties
            // quadratic (15 s for the demo 权责清单). Fresh statistics make it an index look-up.
            sqlx::raw_sql("ANALYZE list_entries")
                .execute(&mut *conn)
                .await?;
        }
        for chunk in duties.chunks(ROWS_PER_INSERT) {
            insert_duties(conn, engine, list_code, year, chunk).await?;
        }
        Ok(())
    }

    /// Publishes a draft edition; anything but a draft is [`StoreError::NotFound`].
    pub async fn publish_list_edition(
        &mut self,
        list_code: &str,
        year: i64,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE list_editions SET status = 'published', published_at_ms = $3
              WHERE list_code = $1 AND year = $2 AND status = 'draft'",
        )
        .bind(list_code)
        .bind(year)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("list_draft"));
        }
        Ok(())
    }
}

async fn insert_entries(
    conn: &mut AnyConnection,
    engine: Engine,
    list_code: &str,
    year: i64,
    rows: &[ListEntryRow],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO list_entries (list_code, year, entry_code, seq, name, item_type, basis, \
         department_id, level, basic_code) VALUES {}",
        values(engine, rows.len(), 10)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for r in rows {
        query = query
            .bind(list_code)
            .bind(year)
            .bind(&r.entry_code)
            .bind(r.seq)
            .bind(&r.name)
            .bind(&r.item_type)
            .bind(&r.basis)
            .bind(&r.department_id)
            .bind(r.level)
            .bind(&r.basic_code);
    }
    query
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}

async fn insert_duties(
    conn: &mut AnyConnection,
    engine: Engine,
    list_code: &str,
    year: i64,
    rows: &[ListDutyRow],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO list_duties (list_code, year, entry_code, seq, name, accountability) VALUES {}",
        values(engine, rows.len(), 6)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for r in rows {
        query = query
            .bind(list_code)
            .bind(year)
            .bind(&r.entry_code)
            .bind(r.seq)
            .bind(&r.name)
            .bind(&r.accountability);
    }
    query
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}
