//! Online backup of a SQLite database: a consistent copy taken with `VACUUM INTO` while the
//! writer keeps committing, made durable and put in place atomically; and SQLite's own check of
//! a file. PostgreSQL is backed up with its own tools (`pg_dump`), not through the store.

use std::path::Path;

use crate::StoreError;
use crate::pool::{Engine, Store};

impl Store {
    /// Copies the whole SQLite database into `dest` as of one moment, without stopping writers:
    /// `VACUUM INTO` reads in one transaction, so the copy holds exactly the commits made before
    /// it began. The copy is written next to `dest`, synced, and renamed into place, so `dest`
    /// either does not exist or is whole. Refuses an existing `dest` and PostgreSQL.
    pub async fn backup_sqlite_into(&self, dest: &Path) -> Result<(), StoreError> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Config(
                "online backup copies SQLite databases; back up PostgreSQL with pg_dump".into(),
            ));
        }
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "the backup file {} already exists",
                dest.display()
            )));
        }
        let partial = partial_path(dest);
        let _ = std::fs::remove_file(&partial);
        let Some(text) = partial.to_str() else {
            return Err(StoreError::Config(
                "the backup path must be valid UTF-8".into(),
            ));
        };
        // A string literal: single quotes doubled. The path comes from the operator.
        let sql = format!("VACUUM INTO '{}'", text.replace('\'', "''"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&self.pool)
            .await?;
        let io = |e: std::io::Error| StoreError::Config(format!("writing the backup: {e}"));
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        std::fs::rename(&partial, dest).map_err(io)?;
        sync_parent(dest).map_err(io)?;
        Ok(())
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"`, or the problems it found. PostgreSQL: `"ok"`
    /// (it keeps its own pages sound).
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        if self.engine != Engine::Sqlite {
            return Ok("ok".into());
        }
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(line,)| line)
            .collect::<Vec<_>>()
            .join("; "))
    }

    /// The newest migration applied to this database.
    pub async fn applied_schema_version(&self) -> Result<i64, StoreError> {
        let (version,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                .fetch_one(&self.pool)
                .await?;
        Ok(version)
    }
}

/// Where a backup is written before it is complete: `dest` with `.partial` appended.
fn partial_path(dest: &Path) -> std::path::PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".partial");
    name.into()
}

/// Syncs the directory holding `path`, so a rename into it survives a power cut.
fn sync_parent(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => std::fs::File::open(dir)?.sync_all(),
        None => std::fs::File::open(".")?.sync_all(),
    }
}
