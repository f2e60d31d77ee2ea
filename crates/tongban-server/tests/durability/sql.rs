//! Reading the database directly, beside (never through) the server.

use sqlx::{AnyConnection, Connection as _, Row as _};

async fn connect(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(url).await.unwrap()
}

/// The first column of every row of `sql`, as text.
pub async fn text(url: &str, sql: &'static str) -> Vec<String> {
    let mut conn = connect(url).await;
    let rows = sqlx::query(sql).fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

/// Every case's id, revision and status.
pub async fn applications(url: &str) -> Vec<(String, i64, String)> {
    let mut conn = connect(url).await;
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
pub async fn integrity(url: &str) -> String {
    text(url, "PRAGMA integrity_check").await.join("; ")
}
