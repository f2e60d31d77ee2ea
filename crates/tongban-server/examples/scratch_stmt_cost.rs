//! Scratch: per-statement cost through sqlx Any on SQLite (to be deleted).
#![allow(clippy::unwrap_used)]
use sqlx::{AnyConnection, Connection as _};
use std::time::Instant;
#[tokio::main]
async fn main() {
    sqlx::any::install_default_drivers();
    let p = format!("/tmp/scratch-{}.db", std::process::id());
    let mut c = AnyConnection::connect(&format!("sqlite://{p}?mode=rwc")).await.unwrap();
    sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, a BIGINT, b TEXT)").execute(&mut c).await.unwrap();
    let n = 20000;
    let mut tx = c.begin().await.unwrap();
    let s = Instant::now();
    for i in 0..n { sqlx::query("INSERT INTO t (a,b) VALUES ($1,$2)").bind(i as i64).bind("{\"writer\":1,\"n\":2}").execute(&mut *tx).await.unwrap(); }
    println!("insert in tx: {:.1} us/stmt", s.elapsed().as_secs_f64()*1e6/n as f64);
    let s = Instant::now();
    for _ in 0..n { sqlx::query("SAVEPOINT x").execute(&mut *tx).await.unwrap(); sqlx::query("RELEASE SAVEPOINT x").execute(&mut *tx).await.unwrap(); }
    println!("savepoint+release: {:.1} us/pair", s.elapsed().as_secs_f64()*1e6/n as f64);
    let s = Instant::now();
    for _ in 0..n { sqlx::query("SELECT 1").execute(&mut *tx).await.unwrap(); }
    println!("select 1: {:.1} us/stmt", s.elapsed().as_secs_f64()*1e6/n as f64);
    tx.commit().await.unwrap();
    let _ = std::fs::remove_file(&p);
}
