//! The storage contract: one suite of stories, run on SQLite always and on PostgreSQL when
//! `TONGBAN_TEST_PG_URL` is set. Each test gets its own database (SQLite file) or schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engines;
mod stories_accounts;
mod stories_applications;
mod stories_bulletins;
mod stories_catalog;
mod stories_catalog_queue;
mod stories_evaluations;
mod stories_events;
mod stories_indicators;
mod stories_licences;
mod stories_lists;
mod stories_notices;
mod stories_org;
mod stories_pii;
mod stories_upstream;

/// Declares one contract story as two tests, `sqlite` and `postgres`.
#[macro_export]
macro_rules! contract {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let db = $crate::engines::TestDb::sqlite().await;
                $body(&db).await;
                db.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(db) = $crate::engines::TestDb::postgres().await else {
                    eprintln!("TONGBAN_TEST_PG_URL not set: PostgreSQL story skipped");
                    return;
                };
                $body(&db).await;
                db.cleanup().await;
            }
        }
    };
}
