//! 用证记录 (who used which licence, when, why, with what result) and wallet shares.

use sqlx::Any;

use crate::applications::values_list;
use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One use of a licence (or of a holder's licences: `licence_id` is then `None`).
    pub struct UsageRow {
        pub id: String,
        pub at_ms: i64,
        pub licence_id: Option<String>,
        /// The holder's keyed hash ('' when unknown, e.g. a verification of a forged licence).
        pub holder_key: String,
        /// `query`, `download`, `verify`, `share_view`, `attach`.
        pub operation: String,
        /// 用证事由.
        pub cause: String,
        pub item_code: Option<String>,
        pub application_id: Option<String>,
        pub department_id: Option<String>,
        pub actor_id: Option<String>,
        /// Who, as shown to the holder: a department's name, 公众核验, 分享链接.
        pub actor_label: String,
        /// `ok` or the refusal's stable code.
        pub result: String,
        pub detail: String,
    }
}

row_struct! {
    /// A time-limited share of a licence from the holder's wallet.
    pub struct ShareRow {
        pub token_hash: String,
        pub licence_id: String,
        pub created_by: String,
        pub purpose: String,
        pub created_at_ms: i64,
        pub expires_at_ms: i64,
        pub revoked_at_ms: Option<i64>,
        pub views: i64,
    }
}

const USAGE_COLS: &str = "id, at_ms, licence_id, holder_key, operation, cause, item_code, \
     application_id, department_id, actor_id, actor_label, result, detail";
const SHARE_COLS: &str = "token_hash, licence_id, created_by, purpose, created_at_ms, expires_at_ms, revoked_at_ms, views";

impl Store {
    /// A holder's 用证记录, newest first.
    pub async fn usages_of_holder(
        &self,
        holder_key: &str,
        limit: i64,
    ) -> Result<Vec<UsageRow>, StoreError> {
        Ok(sqlx::query_as::<Any, UsageRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {USAGE_COLS} FROM licence_usages WHERE holder_key = $1
             ORDER BY at_ms DESC, id DESC LIMIT {}",
            limit.clamp(1, 1000)
        )))
        .bind(holder_key)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The uses of one licence, newest first.
    pub async fn usages_of_licence(
        &self,
        licence_id: &str,
        limit: i64,
    ) -> Result<Vec<UsageRow>, StoreError> {
        Ok(sqlx::query_as::<Any, UsageRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {USAGE_COLS} FROM licence_usages WHERE licence_id = $1
             ORDER BY at_ms DESC, id DESC LIMIT {}",
            limit.clamp(1, 1000)
        )))
        .bind(licence_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Counts of uses by operation and result (for indicators and the admin page).
    pub async fn usage_counts(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        Ok(sqlx::query_as::<Any, (String, String, i64)>(
            "SELECT operation, result, COUNT(*) FROM licence_usages
             GROUP BY operation, result ORDER BY operation, result",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn licence_share(&self, token_hash: &str) -> Result<Option<ShareRow>, StoreError> {
        Ok(sqlx::query_as::<Any, ShareRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLS} FROM licence_shares WHERE token_hash = $1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The shares of a licence, newest first.
    pub async fn licence_shares(&self, licence_id: &str) -> Result<Vec<ShareRow>, StoreError> {
        Ok(sqlx::query_as::<Any, ShareRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLS} FROM licence_shares WHERE licence_id = $1
             ORDER BY created_at_ms DESC LIMIT 100"
        )))
        .bind(licence_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    /// Records uses (one multi-row statement per 300).
    pub async fn insert_usages(&mut self, rows: &[UsageRow]) -> Result<(), StoreError> {
        let engine = self.engine();
        for chunk in rows.chunks(300) {
            let sql = format!(
                "INSERT INTO licence_usages ({USAGE_COLS}) VALUES {}",
                values_list(engine, chunk.len(), 13)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.id.clone())
                    .bind(r.at_ms)
                    .bind(r.licence_id.clone())
                    .bind(r.holder_key.clone())
                    .bind(r.operation.clone())
                    .bind(r.cause.clone())
                    .bind(r.item_code.clone())
                    .bind(r.application_id.clone())
                    .bind(r.department_id.clone())
                    .bind(r.actor_id.clone())
                    .bind(r.actor_label.clone())
                    .bind(r.result.clone())
                    .bind(r.detail.clone());
            }
            q.execute(self.conn().await?).await?;
        }
        Ok(())
    }

    /// Adds a share; a token already used is a `Conflict`.
    pub async fn insert_share(&mut self, row: &ShareRow) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO licence_shares ({SHARE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )))
        .bind(&row.token_hash)
        .bind(&row.licence_id)
        .bind(&row.created_by)
        .bind(&row.purpose)
        .bind(row.created_at_ms)
        .bind(row.expires_at_ms)
        .bind(row.revoked_at_ms)
        .bind(row.views)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Ends a share early; false if it was already ended.
    pub async fn revoke_share(&mut self, token_hash: &str, at_ms: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE licence_shares SET revoked_at_ms = $2
             WHERE token_hash = $1 AND revoked_at_ms IS NULL",
        )
        .bind(token_hash)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?
        .rows_affected()
            == 1)
    }

    pub async fn count_share_view(&mut self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE licence_shares SET views = views + 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.conn().await?)
            .await?;
        Ok(())
    }
}
