//! The organisation tree: administrative divisions, departments and service halls.

use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    pub struct DivisionRow {
        pub code: String,
        pub name: String,
        pub level: i64,
        pub parent_code: Option<String>,
    }
}

row_struct! {
    pub struct DepartmentRow {
        pub id: String,
        pub name: String,
        pub short_name: String,
        pub uscc: String,
        pub division_code: String,
        pub parent_id: Option<String>,
    }
}

row_struct! {
    pub struct HallRow {
        pub id: String,
        pub name: String,
        pub kind: String,
        pub division_code: String,
        pub address: String,
        pub phone: String,
        pub latitude_e6: i64,
        pub longitude_e6: i64,
        pub opening_hours: String,
    }
}

macro_rules! division_cols {
    () => {
        "code, name, level, parent_code"
    };
}
macro_rules! department_cols {
    () => {
        "id, name, short_name, uscc, division_code, parent_id"
    };
}
macro_rules! hall_cols {
    () => {
        "id, name, kind, division_code, address, phone, latitude_e6, longitude_e6, opening_hours"
    };
}

impl Store {
    pub async fn division(&self, code: &str) -> Result<Option<DivisionRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            division_cols!(),
            " FROM divisions WHERE code = $1"
        );
        Ok(sqlx::query_as(sql)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The divisions directly under `parent` (or the top ones when `None`), by code.
    pub async fn child_divisions(
        &self,
        parent: Option<&str>,
    ) -> Result<Vec<DivisionRow>, StoreError> {
        let rows = match parent {
            Some(code) => {
                let sql = concat!(
                    "SELECT ",
                    division_cols!(),
                    " FROM divisions WHERE parent_code = $1 ORDER BY code"
                );
                sqlx::query_as(sql).bind(code).fetch_all(&self.pool).await?
            }
            None => {
                let sql = concat!(
                    "SELECT ",
                    division_cols!(),
                    " FROM divisions WHERE parent_code IS NULL ORDER BY code"
                );
                sqlx::query_as(sql).fetch_all(&self.pool).await?
            }
        };
        Ok(rows)
    }

    /// Every division of one level (4 = county), by code.
    pub async fn divisions_at_level(&self, level: i64) -> Result<Vec<DivisionRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            division_cols!(),
            " FROM divisions WHERE level = $1 ORDER BY code"
        );
        Ok(sqlx::query_as(sql)
            .bind(level)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Counts divisions per level, for dashboards and checks.
    pub async fn count_divisions_by_level(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT level, COUNT(*) FROM divisions GROUP BY level ORDER BY level")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn department(&self, id: &str) -> Result<Option<DepartmentRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            department_cols!(),
            " FROM departments WHERE id = $1"
        );
        Ok(sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Departments seated in exactly this division, by name.
    pub async fn departments_in(
        &self,
        division_code: &str,
    ) -> Result<Vec<DepartmentRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            department_cols!(),
            " FROM departments WHERE division_code = $1 ORDER BY id"
        );
        Ok(sqlx::query_as(sql)
            .bind(division_code)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every department's id and full name, by id: what an import resolves 实施部门 against.
    pub async fn department_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name FROM departments ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn count_departments(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM departments")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn hall(&self, id: &str) -> Result<Option<HallRow>, StoreError> {
        let sql = concat!("SELECT ", hall_cols!(), " FROM halls WHERE id = $1");
        Ok(sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Halls whose division code starts with `code_prefix` (a whole subtree: the significant
    /// digits of a division), optionally of one kind and matching a name fragment, by code.
    pub async fn find_halls(
        &self,
        code_prefix: &str,
        kind: Option<&str>,
        name_contains: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<HallRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            hall_cols!(),
            " FROM halls
             WHERE division_code LIKE $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR name LIKE $3)
             ORDER BY division_code, id LIMIT $4 OFFSET $5"
        );
        Ok(sqlx::query_as(sql)
            .bind(format!("{}%", escape_like(code_prefix)))
            .bind(kind.unwrap_or_default())
            .bind(
                name_contains
                    .map(|n| format!("%{}%", escape_like(n)))
                    .unwrap_or_default(),
            )
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn count_halls_by_kind(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT kind, COUNT(*) FROM halls GROUP BY kind ORDER BY kind")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Departments whose name contains `fragment`, for the portal search.
    pub async fn search_departments(
        &self,
        fragment: &str,
        limit: i64,
    ) -> Result<Vec<DepartmentRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            department_cols!(),
            " FROM departments WHERE name LIKE $1 ORDER BY division_code, id LIMIT $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(format!("%{}%", escape_like(fragment)))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }
}

impl WriteCtx {
    pub async fn insert_division(&mut self, row: &DivisionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO divisions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)",
        )
        .bind(&row.code)
        .bind(&row.name)
        .bind(row.level)
        .bind(&row.parent_code)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    pub async fn insert_department(&mut self, row: &DepartmentRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO departments (id, name, short_name, uscc, division_code, parent_id)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.short_name)
        .bind(&row.uscc)
        .bind(&row.division_code)
        .bind(&row.parent_id)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Renames a department or changes its USCC; the id, division and parent stay.
    pub async fn update_department(&mut self, row: &DepartmentRow) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE departments SET name = $2, short_name = $3, uscc = $4 WHERE id = $1",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.short_name)
        .bind(&row.uscc)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("department"));
        }
        Ok(())
    }

    pub async fn insert_hall(&mut self, row: &HallRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO halls (id, name, kind, division_code, address, phone, latitude_e6, longitude_e6, opening_hours)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.kind)
        .bind(&row.division_code)
        .bind(&row.address)
        .bind(&row.phone)
        .bind(row.latitude_e6)
        .bind(row.longitude_e6)
        .bind(&row.opening_hours)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Changes a hall's public details; its id, kind and division stay.
    pub async fn update_hall(&mut self, row: &HallRow) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE halls SET name = $2, address = $3, phone = $4, latitude_e6 = $5,
                    longitude_e6 = $6, opening_hours = $7 WHERE id = $1",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.address)
        .bind(&row.phone)
        .bind(row.latitude_e6)
        .bind(row.longitude_e6)
        .bind(&row.opening_hours)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("hall"));
        }
        Ok(())
    }

    /// Reads a department inside the transaction (to compare before and after an edit).
    pub async fn department_for_update(&mut self, id: &str) -> Result<DepartmentRow, StoreError> {
        let sql = concat!(
            "SELECT ",
            department_cols!(),
            " FROM departments WHERE id = $1"
        );
        sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn().await?)
            .await?
            .ok_or(StoreError::NotFound("department"))
    }

    pub async fn hall_for_update(&mut self, id: &str) -> Result<HallRow, StoreError> {
        let sql = concat!("SELECT ", hall_cols!(), " FROM halls WHERE id = $1");
        sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.conn().await?)
            .await?
            .ok_or(StoreError::NotFound("hall"))
    }
}

/// Escapes `%` and `_` so user text matches literally in LIKE (both engines treat `\` as the
/// escape character only when told; we avoid the need by dropping the wildcards instead).
pub(crate) fn escape_like(text: &str) -> String {
    text.chars().filter(|c| *c != '%' && *c != '_').collect()
}
