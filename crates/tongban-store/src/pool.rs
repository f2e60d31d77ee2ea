//! Opening a store: engine detection from the URL, pool set-up and the writer task.

use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use crate::error::StoreError;
use crate::writer::{self, WriterHandle};

/// Which database engine a store runs on. Only used for engine-specific set-up, never for
/// business logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://path/to/file.db` (created if missing) or `postgres://…`.
    pub url: String,
    /// Read connections in the pool.
    pub max_connections: u32,
    /// Most units of work committed together in one transaction.
    pub max_batch: usize,
    /// A bulk load (`tongban gen`): SQLite commits without syncing (a crash loses the load,
    /// which is started again on a new file); [`Store::finish_bulk_load`] makes it durable.
    pub bulk_load: bool,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>) -> StoreOptions {
        StoreOptions {
            url: url.into(),
            max_connections: 8,
            max_batch: 256,
            bulk_load: false,
        }
    }
}

/// The store: a read pool plus the handle of the single group-committing writer.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) engine: Engine,
    pub(crate) writer: WriterHandle,
    /// Wakes SQLite's background WAL checkpoints (see `checkpointer.rs`).
    pub(crate) checkpoints: crate::checkpointer::CheckpointHandle,
    /// The key personal fields are sealed under (see `pii.rs`).
    pub(crate) pii: crate::pii::PiiSlot,
}

impl Store {
    /// Opens (and for SQLite creates) the database, applies pending migrations and starts the
    /// writer. `now_ms` stamps the migration records.
    pub async fn open(options: &StoreOptions, now_ms: i64) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (engine, url) = normalise_url(&options.url)?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(30))
            // Connections are local and used constantly; a ping before each use only adds a round trip.
            .test_before_acquire(false);
        let pragmas: std::sync::Arc<str> = if options.bulk_load {
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;"
                .into()
        } else {
            // Checkpoints run beside the writer (`checkpointer.rs`); a connection copies the
            // WAL back by itself only once it has grown to the backstop size.
            format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA wal_autocheckpoint = {}; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                crate::checkpointer::WRITER_AUTOCHECKPOINT_PAGES
            )
            .into()
        };
        let pool_options = match engine {
            Engine::Sqlite => pool_options.after_connect(move |conn, _meta| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    // WAL lets readers run beside the writer; FULL makes each commit durable
                    // (the WAL is synced before COMMIT returns).
                    // Built from constants only.
                    sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas.to_string()))
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            }),
            Engine::Postgres => pool_options,
        };
        let pool = pool_options.connect(&url).await?;
        crate::migrate::run(&pool, engine, now_ms).await?;
        let pii = crate::pii::PiiSlot::default();
        let checkpoints = match engine {
            Engine::Sqlite if !options.bulk_load => crate::checkpointer::spawn(pool.clone()),
            _ => crate::checkpointer::CheckpointHandle::none(),
        };
        let writer = writer::spawn(
            pool.clone(),
            engine,
            options.max_batch.max(1),
            pii.clone(),
            checkpoints.clone(),
        );
        Ok(Store {
            pool,
            engine,
            writer,
            checkpoints,
            pii,
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The newest schema version this build applies.
    pub fn schema_version() -> i64 {
        crate::migrate::latest_version()
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Ends a bulk load: SQLite copies the WAL into the database file, syncs it and empties the
    /// WAL; PostgreSQL refreshes the planner's statistics of every table.
    pub async fn finish_bulk_load(&self) -> Result<(), StoreError> {
        // A checkpoint under synchronous = FULL syncs the database file before emptying the WAL.
        let sql = match self.engine {
            Engine::Sqlite => "PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE);",
            Engine::Postgres => "ANALYZE",
        };
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool after the writer has drained.
    pub async fn close(&self) {
        self.pool.close().await;
        // Wakes the checkpoint task so that it sees the closed pool and ends.
        self.checkpoints.wake();
    }
}

/// Recognises the engine and makes SQLite URLs create their file.
fn normalise_url(url: &str) -> Result<(Engine, String), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Engine::Postgres, url.to_string()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let with_mode = if rest.contains("mode=") {
            url.to_string()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        return Ok((Engine::Sqlite, with_mode));
    }
    Err(StoreError::Config(format!(
        "unsupported database URL (expected sqlite:// or postgres://): {}",
        url.split('@').next_back().unwrap_or_default()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_are_opened_in_create_mode() {
        let (engine, url) = normalise_url("sqlite://data/tongban.db").unwrap();
        assert_eq!(engine, Engine::Sqlite);
        assert_eq!(url, "sqlite://data/tongban.db?mode=rwc");
    }

    #[test]
    fn postgres_urls_are_kept_as_they_are() {
        let (engine, url) = normalise_url("postgres://127.0.0.1/test").unwrap();
        assert_eq!(engine, Engine::Postgres);
        assert_eq!(url, "postgres://127.0.0.1/test");
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(normalise_url("mysql://x").is_err());
    }
}
