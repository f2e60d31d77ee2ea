//! Versioned schema migrations, embedded in the binary and applied in order.
//!
//! A tiny runner of our own instead of `sqlx::migrate!`: the macro needs sqlx's `macros` feature,
//! which compiles both database drivers a second time. Each migration is applied in its own
//! transaction and recorded with its SM3 checksum; an applied migration whose text has since
//! changed is refused, because an applied migration must never be edited.

use sqlx::AnyPool;
use tongban_domain::crypto::sm3;

use crate::error::StoreError;

/// (version, description, SQL) in ascending order. Append; never edit an applied entry.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "drop events_entity index",
        include_str!("../migrations/0002_drop_events_entity_index.sql"),
    ),
];

pub(crate) async fn run(pool: &AnyPool, now_ms: i64) -> Result<usize, StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at_ms BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let mut applied = 0;
    for (version, description, sql) in MIGRATIONS {
        let checksum = hex::encode(sm3(sql.as_bytes()));
        let existing: Option<(String,)> =
            sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(pool)
                .await?;
        match existing {
            Some((stored,)) if stored == checksum => continue,
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "migration {version} ({description}) was edited after it was applied"
                )));
            }
            None => {}
        }
        let mut tx = pool.begin().await?;
        // Migration texts are compiled into the binary, never built from input.
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, checksum, applied_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(*version)
        .bind(*description)
        .bind(checksum)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

/// The newest schema version this binary knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}
