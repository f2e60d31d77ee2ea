//! Reading a SQLite database file directly, beside (never through) the server.

use std::path::Path;

use sqlx::{Connection as _, Row as _, SqliteConnection};

use crate::server::sqlite_url;

async fn connect(db: &Path) -> SqliteConnection {
    SqliteConnection::connect(&sqlite_url(db)).await.unwrap()
}

/// The first column of every row of `sql`, as text.
pub async fn text(db: &Path, sql: &'static str) -> Vec<String> {
    let mut conn = connect(db).await;
    let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

/// Every case's id, revision and status.
pub async fn applications(db: &Path) -> Vec<(String, i64, String)> {
    let mut conn = connect(db).await;
    let rows = sqlx::query("SELECT id, revision, status FROM applications")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// SQLite's own check of the file: "ok" when every page and index is sound.
pub async fn integrity(db: &Path) -> String {
    text(db, "PRAGMA integrity_check").await.join("; ")
}
