//! Bulk generation of the indicator tables for `tongban bench indicators`: `apps` completed
//! cases' fact rows and `ratings` rating rows spread over one year and over the seeded units,
//! made inside the database (a generated series joined to small lookup tables, no rows
//! travel over the wire), then the per-day rollups of every dimension aggregated from them,
//! as the projector would have written them. No event log is involved: the benchmark measures
//! the queries over the projected tables.

use crate::error::StoreError;
use crate::indicators::COUNTER_COLUMNS;
use crate::pool::{Engine, Store};

/// The units generated rows are spread over: (key, county, township) of departments, halls
/// and items (an item's township holds its department), and the days of the year.
#[derive(Debug, Clone, Default)]
pub struct BenchUnits {
    pub departments: Vec<(String, String)>,
    /// (hall id, county, township)
    pub halls: Vec<(String, String, String)>,
    /// (item id, department id)
    pub items: Vec<(String, String)>,
    /// yyyymmdd of every day of the year.
    pub days: Vec<i64>,
}

impl Store {
    /// Empties the indicator tables and fills them with `apps` facts and `ratings` ratings
    /// and the rollups of both. With `rollups_by_day` the rollup rows are written day by day,
    /// as the projector writes them when it follows the log (cases complete day after day);
    /// without it they are written unit by unit, which scatters a month's rows over the table
    /// (the worst case for reading one month).
    pub async fn bench_generate_indicators(
        &self,
        units: &BenchUnits,
        apps: i64,
        ratings: i64,
        rollups_by_day: bool,
    ) -> Result<(), StoreError> {
        let p = &self.pool;
        for sql in [
            "DELETE FROM indicator_rollups",
            "DELETE FROM indicator_facts",
            "DELETE FROM indicator_ratings",
            "DROP TABLE IF EXISTS bench_units",
            "CREATE TABLE bench_units (kind TEXT NOT NULL, idx BIGINT NOT NULL, key TEXT NOT NULL,
                 county TEXT NOT NULL, township TEXT NOT NULL, PRIMARY KEY (kind, idx))",
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
        }
        let mut rows: Vec<(String, i64, String, String, String)> = Vec::new();
        for (i, (id, county)) in units.departments.iter().enumerate() {
            rows.push((
                "d".into(),
                i as i64,
                id.clone(),
                county.clone(),
                String::new(),
            ));
        }
        for (i, (id, county, township)) in units.halls.iter().enumerate() {
            rows.push((
                "h".into(),
                i as i64,
                id.clone(),
                county.clone(),
                township.clone(),
            ));
        }
        for (i, (id, dept)) in units.items.iter().enumerate() {
            rows.push((
                "i".into(),
                i as i64,
                id.clone(),
                String::new(),
                dept.clone(),
            ));
        }
        for (i, day) in units.days.iter().enumerate() {
            rows.push((
                "y".into(),
                i as i64,
                day.to_string(),
                String::new(),
                String::new(),
            ));
        }
        for chunk in rows.chunks(500) {
            let values = (0..chunk.len())
                .map(|i| {
                    let b = i * 5;
                    format!(
                        "(${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO bench_units (kind, idx, key, county, township) VALUES {values}"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.0.clone())
                    .bind(r.1)
                    .bind(r.2.clone())
                    .bind(r.3.clone())
                    .bind(r.4.clone());
            }
            q.execute(p).await?;
        }
        let (nd, nh, ni, ny) = (
            units.departments.len().max(1),
            units.halls.len().max(1),
            units.items.len().max(1),
            units.days.len().max(1),
        );
        let series = |n: i64| match self.engine {
            Engine::Sqlite => (
                format!(
                    "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {})",
                    n - 1
                ),
                "s".to_string(),
            ),
            Engine::Postgres => (
                String::new(),
                format!("generate_series(0, {}) AS s(n)", n - 1),
            ),
        };
        if apps > 0 {
            let (with, from) = series(apps);
            let sql = format!(
                "{with} INSERT INTO indicator_facts (application_id, number, item_name, day,
                     department_id, county, township, hall_id, item_id, channel, visits,
                     online_capable, fully_online, zero_visit, at_most_one_visit, immediate,
                     on_time, legal_days, promised_days, used_days, materials_required,
                     materials_by_licence, rated)
                 SELECT 'bench-' || CAST(s.n AS TEXT), 'B' || CAST(s.n AS TEXT), '基准事项',
                     CAST(y.key AS BIGINT), d.key, d.county, h.township,
                     CASE WHEN s.n % 50 = 0 THEN h.key ELSE '' END, i.key,
                     CASE WHEN s.n % 50 = 0 THEN 'window' ELSE 'mobile' END,
                     CASE WHEN s.n % 50 = 0 THEN 1 ELSE 0 END,
                     1, CASE WHEN s.n % 50 = 0 THEN 0 ELSE 1 END,
                     CASE WHEN s.n % 50 = 0 THEN 0 ELSE 1 END, 1,
                     CASE WHEN s.n % 10 = 0 THEN 1 ELSE 0 END,
                     CASE WHEN s.n % 33 = 0 THEN 0 ELSE 1 END,
                     20, 10, s.n % 9, 4, s.n % 2, CASE WHEN s.n % 4 = 0 THEN 1 ELSE 0 END
                 FROM {from}
                 JOIN bench_units y ON y.kind = 'y' AND y.idx = s.n % {ny}
                 JOIN bench_units d ON d.kind = 'd' AND d.idx = (s.n / {ny}) % {nd}
                 JOIN bench_units h ON h.kind = 'h' AND h.idx = ((s.n / {ny}) * 7) % {nh}
                 JOIN bench_units i ON i.kind = 'i' AND i.idx = ((s.n / {ny}) * 3) % {ni}"
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
        }
        if ratings > 0 {
            let (with, from) = series(ratings);
            let sql = format!(
                "{with} INSERT INTO indicator_ratings (evaluation_id, rectification_id,
                     application_id, stage, day, due_day, department_id, county, township,
                     hall_id, item_id, satisfaction, real_name, bad, rectified,
                     rectified_on_time, revisited, removed)
                 SELECT 'bench-ev-' || CAST(s.n AS TEXT), NULL, NULL, 'completed',
                     CAST(y.key AS BIGINT), NULL, d.key, d.county, h.township, '', i.key,
                     CASE WHEN s.n % 100 = 0 THEN 5 WHEN s.n % 100 = 1 THEN 4 ELSE 1 + s.n % 3 END,
                     s.n % 2, CASE WHEN s.n % 100 < 2 THEN 1 ELSE 0 END,
                     CASE WHEN s.n % 100 < 2 THEN 1 ELSE 0 END,
                     CASE WHEN s.n % 100 = 0 THEN 1 ELSE 0 END,
                     CASE WHEN s.n % 100 < 2 THEN s.n % 2 ELSE 0 END, 0
                 FROM {from}
                 JOIN bench_units y ON y.kind = 'y' AND y.idx = s.n % {ny}
                 JOIN bench_units d ON d.kind = 'd' AND d.idx = ((s.n / {ny}) * 5) % {nd}
                 JOIN bench_units h ON h.kind = 'h' AND h.idx = ((s.n / {ny}) * 11) % {nh}
                 JOIN bench_units i ON i.kind = 'i' AND i.idx = ((s.n / {ny}) * 17) % {ni}"
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
        }
        // The rollups: each dimension's (key, day) sums over facts and ratings.
        let fact_cols = "1, online_capable, fully_online, zero_visit, at_most_one_visit, \
             immediate, on_time, legal_days, promised_days, used_days, materials_required, \
             materials_by_licence, rated, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0";
        let rating_cols = "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, \
             CASE WHEN satisfaction = 1 THEN 1 ELSE 0 END, \
             CASE WHEN satisfaction = 2 THEN 1 ELSE 0 END, \
             CASE WHEN satisfaction = 3 THEN 1 ELSE 0 END, \
             CASE WHEN satisfaction = 4 THEN 1 ELSE 0 END, \
             CASE WHEN satisfaction = 5 THEN 1 ELSE 0 END, \
             bad, rectified, rectified_on_time, bad * real_name, bad * real_name * revisited";
        // The first SELECT of the union names the columns (c0 … c22).
        let fact_cols = fact_cols
            .split(", ")
            .enumerate()
            .map(|(i, c)| format!("{c} AS c{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sums = (0..COUNTER_COLUMNS.len())
            .map(|i| format!("CAST(SUM(c{i}) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        for (dimension, key, parent) in [
            ("department", "department_id", "county"),
            ("county", "county", "''"),
            ("township", "township", "county"),
            ("hall", "hall_id", "county"),
            ("item", "item_id", "department_id"),
        ] {
            let sql = format!(
                "INSERT INTO indicator_rollups (dimension, key, day, parent, county, {cols})
                 SELECT '{dimension}', k, day, MIN(p), MIN(cty), {sums} FROM (
                     SELECT {key} AS k, day, {parent} AS p, county AS cty, {fact_cols}
                     FROM indicator_facts
                     UNION ALL
                     SELECT {key}, day, {parent}, county, {rating_cols}
                     FROM indicator_ratings
                 ) AS u
                 WHERE k <> '' GROUP BY k, day{order}",
                cols = COUNTER_COLUMNS.join(", "),
                order = if rollups_by_day {
                    " ORDER BY day, k"
                } else {
                    ""
                },
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
        }
        sqlx::raw_sql("DROP TABLE bench_units").execute(p).await?;
        let analyze = match self.engine {
            Engine::Sqlite => "ANALYZE",
            Engine::Postgres => "ANALYZE indicator_rollups; ANALYZE indicator_facts",
        };
        sqlx::raw_sql(analyze).execute(p).await?;
        Ok(())
    }

    /// How many rows the indicator tables hold: (rollups, facts, ratings).
    pub async fn indicator_table_sizes(&self) -> Result<(i64, i64, i64), StoreError> {
        let count = |t: &'static str| format!("SELECT COUNT(*) FROM {t}");
        let mut out = [0i64; 3];
        for (i, t) in ["indicator_rollups", "indicator_facts", "indicator_ratings"]
            .into_iter()
            .enumerate()
        {
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(count(t)))
                .fetch_one(&self.pool)
                .await?;
            out[i] = n;
        }
        Ok((out[0], out[1], out[2]))
    }
}
