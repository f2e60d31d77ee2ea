//! Bundles (一件事一次办): the record that ties a bundle's cases together.

use sqlx::Any;

use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One applied-for bundle.
    pub struct BundleRow {
        pub id: String,
        /// The bundle definition's code (`newborn`, `business`).
        pub code: String,
        pub name: String,
        pub applicant_account: String,
        pub idempotency_key: Option<String>,
        /// 1 once the combined completion notice was sent.
        pub completed_notice: i64,
        pub created_at_ms: i64,
    }
}

const COLS: &str =
    "id, code, name, applicant_account, idempotency_key, completed_notice, created_at_ms";

impl Store {
    pub async fn bundle(&self, id: &str) -> Result<Option<BundleRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, BundleRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM bundles WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// An applicant's bundles, newest first.
    pub async fn bundles_of(&self, account_id: &str) -> Result<Vec<BundleRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, BundleRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM bundles WHERE applicant_account = $1
              ORDER BY created_at_ms DESC, id LIMIT 200"
            )))
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?,
        )
    }
}

impl WriteCtx {
    /// The bundle an applicant already started with this key.
    pub async fn bundle_by_key(
        &mut self,
        applicant_account: &str,
        key: &str,
    ) -> Result<Option<BundleRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, BundleRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM bundles WHERE applicant_account = $1 AND idempotency_key = $2"
            )))
            .bind(applicant_account)
            .bind(key)
            .fetch_optional(self.conn().await?)
            .await?,
        )
    }

    pub async fn insert_bundle(&mut self, row: &BundleRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bundles (id, code, name, applicant_account, idempotency_key,
                                  completed_notice, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&row.id)
        .bind(&row.code)
        .bind(&row.name)
        .bind(&row.applicant_account)
        .bind(&row.idempotency_key)
        .bind(row.completed_notice)
        .bind(row.created_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    pub async fn bundle_for_update(&mut self, id: &str) -> Result<Option<BundleRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, BundleRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM bundles WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(self.conn().await?)
            .await?,
        )
    }

    /// Marks the combined completion notice as sent; `false` if it already was.
    pub async fn mark_bundle_notified(&mut self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE bundles SET completed_notice = 1 WHERE id = $1 AND completed_notice = 0",
        )
        .bind(id)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The states (JSON) of a bundle's cases inside the transaction, rows queued by this
    /// batch's units ([`WriteCtx::defer_application`]) included.
    pub async fn bundle_states(&mut self, bundle_id: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, state_json FROM applications WHERE bundle_id = $1 ORDER BY id",
        )
        .bind(bundle_id)
        .fetch_all(self.read_conn()?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, state)| {
                self.deferred_apps
                    .iter()
                    .rev()
                    .find(|(r, _)| r.id == id)
                    .map_or(state, |(r, _)| r.state_json.clone())
            })
            .collect())
    }
}
