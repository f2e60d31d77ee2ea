//! Per-test databases: a fresh SQLite file, or a fresh PostgreSQL schema.

use sqlx::AnyPool;
use tongban_domain::pii::PiiKey;
use tongban_store::{Store, StoreOptions};

pub struct TestDb {
    pub store: Store,
    /// A second, raw connection for tests that tamper with rows behind the store's back.
    pub raw: AnyPool,
    /// The URL the store was opened with (to open a second store on the same data).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema { admin_url: String, schema: String },
}

pub const NOW_MS: i64 = 1_764_028_800_000; // 2025-11-25T00:00:00Z

/// The personal-data key every test store seals with.
pub fn test_pii_key() -> PiiKey {
    PiiKey::derive(b"contract-test-secret")
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("tongban-contract-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/test.db", dir.display());
        let store = Store::open(&StoreOptions::new(&url), NOW_MS).await.unwrap();
        store.install_pii_key(test_pii_key()).unwrap();
        let raw = AnyPool::connect(&url).await.unwrap();
        TestDb {
            store,
            raw,
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TONGBAN_TEST_PG_URL").ok()?;
        sqlx::any::install_default_drivers();
        let schema = format!("tb_{}", uuid::Uuid::new_v4().simple());
        let admin = AnyPool::connect(&admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options[search_path]={schema}");
        let store = Store::open(&StoreOptions::new(&url), NOW_MS).await.unwrap();
        store.install_pii_key(test_pii_key()).unwrap();
        let raw = AnyPool::connect(&url).await.unwrap();
        Some(TestDb {
            store,
            raw,
            url,
            cleanup: Cleanup::Schema { admin_url, schema },
        })
    }

    pub async fn cleanup(self) {
        self.raw.close().await;
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { admin_url, schema } => {
                let admin = AnyPool::connect(&admin_url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
            }
        }
    }
}
