//! Working-day calendar years, stored as the JSON document an administrator imported.

use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    pub struct CalendarYearRow {
        pub year: i64,
        pub source: String,
        pub body_json: String,
        pub updated_at_ms: i64,
    }
}

impl Store {
    /// Every stored calendar year, oldest first.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYearRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT year, source, body_json, updated_at_ms FROM calendar_years ORDER BY year",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    /// Stores a year, replacing an earlier version of the same year.
    pub async fn put_calendar_year(&mut self, row: &CalendarYearRow) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM calendar_years WHERE year = $1")
            .bind(row.year)
            .execute(self.conn().await?)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_years (year, source, body_json, updated_at_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(row.year)
        .bind(&row.source)
        .bind(&row.body_json)
        .bind(row.updated_at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(())
    }
}
