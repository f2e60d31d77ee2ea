//! Versioned schema migrations, embedded in the binary and applied in order.
//!
//! A tiny runner of our own instead of `sqlx::migrate!`: the macro needs sqlx's `macros` feature,
//! which compiles both database drivers a second time. Each migration is applied in its own
//! transaction and recorded with its SM3 checksum; an applied migration whose text has since
//! changed is refused, because an applied migration must never be edited.
//!
//! A migration is one portable text for both engines, optionally followed by a text of each
//! engine's own (`NNNN_name.sqlite.sql`, `NNNN_name.postgres.sql`) for what the dialects say
//! differently, such as the catalogue's search index. The checksum covers exactly the text
//! applied on that engine, so a migration without engine texts keeps its original checksum.

use sqlx::AnyPool;
use tongban_domain::crypto::sm3;

use crate::error::StoreError;
use crate::pool::Engine;

/// One schema migration.
struct Migration {
    version: i64,
    description: &'static str,
    /// Applied on both engines, first.
    portable: &'static str,
    /// Applied after `portable` on SQLite only.
    sqlite: &'static str,
    /// Applied after `portable` on PostgreSQL only.
    postgres: &'static str,
}

impl Migration {
    /// The whole text this engine runs (and whose checksum it records).
    fn text(&self, engine: Engine) -> std::borrow::Cow<'static, str> {
        let own = match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        };
        if own.is_empty() {
            std::borrow::Cow::Borrowed(self.portable)
        } else {
            std::borrow::Cow::Owned(format!("{}\n{own}", self.portable))
        }
    }
}

/// In ascending order. Append; never edit an applied entry.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "init",
        portable: include_str!("../migrations/0001_init.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 2,
        description: "drop events_entity index",
        portable: include_str!("../migrations/0002_drop_events_entity_index.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        description: "service-item catalogue and its search index",
        portable: include_str!("../migrations/0003_catalog.sql"),
        sqlite: include_str!("../migrations/0003_catalog.sqlite.sql"),
        postgres: include_str!("../migrations/0003_catalog.postgres.sql"),
    },
    Migration {
        version: 4,
        description: "published lists and their editions",
        portable: include_str!("../migrations/0004_lists.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        description: "applications, mandates and credit flags",
        portable: include_str!("../migrations/0005_applications.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        description: "notices and their outbox",
        portable: include_str!("../migrations/0006_notices.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        description: "electronic licences, signing keys, usage records and shares",
        portable: include_str!("../migrations/0007_licences.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        description: "cursors of the push to the provincial platform",
        portable: include_str!("../migrations/0008_upstream.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        description: "好差评 ratings, invitations, window services and 差评 cases",
        portable: include_str!("../migrations/0009_evaluations.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        description: "indicators",
        portable: include_str!("../migrations/0010_indicators.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        description: "assessment settings and letters (两书一函)",
        portable: include_str!("../migrations/0011_bulletins.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        description: "escalated steps in the case projection",
        portable: include_str!("../migrations/0012_step_escalated.sql"),
        sqlite: include_str!("../migrations/0012_step_escalated.sqlite.sql"),
        postgres: include_str!("../migrations/0012_step_escalated.postgres.sql"),
    },
    Migration {
        version: 13,
        description: "partial covering index of the staff queue's open cases",
        portable: include_str!("../migrations/0013_open_queue_index.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        description: "the log positions of each case's events",
        portable: include_str!("../migrations/0014_event_seqs.sql"),
        sqlite: include_str!("../migrations/0014_event_seqs.sqlite.sql"),
        postgres: include_str!("../migrations/0014_event_seqs.postgres.sql"),
    },
];

pub(crate) async fn run(pool: &AnyPool, engine: Engine, now_ms: i64) -> Result<usize, StoreError> {
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
    for migration in MIGRATIONS {
        let (version, description) = (migration.version, migration.description);
        let sql = migration.text(engine);
        let checksum = hex::encode(sm3(sql.as_bytes()));
        let existing: Option<(String,)> =
            sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(version)
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
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, checksum, applied_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(version)
        .bind(description)
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
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}
