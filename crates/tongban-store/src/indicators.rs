//! The indicator engine's tables: per-day rollups of the counters by dimension and unit, one
//! fact row per completed case, one row per rating, and the projector's cursor with its lease.
//!
//! Days are `yyyymmdd` numbers. Rollups are added to (never overwritten), so a delta may be
//! negative (an upheld appeal takes a rating out again); sums over any range of days give the
//! counters of any period.

use sqlx::Row;
use sqlx::any::AnyRow;
use tongban_domain::indicators::Counters;

use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

/// The counter columns of `indicator_rollups`, in the order of [`counters_to_array`].
pub const COUNTER_COLUMNS: [&str; 23] = [
    "completed",
    "online_capable",
    "fully_online",
    "zero_visit",
    "at_most_one_visit",
    "immediate",
    "on_time",
    "legal_days",
    "promised_days",
    "used_days",
    "materials_required",
    "materials_by_licence",
    "completed_rated",
    "rated_1",
    "rated_2",
    "rated_3",
    "rated_4",
    "rated_5",
    "bad",
    "bad_rectified",
    "bad_rectified_on_time",
    "bad_real_name",
    "bad_real_name_revisited",
];

/// Counters as signed deltas in [`COUNTER_COLUMNS`] order.
pub fn counters_to_array(c: &Counters) -> [i64; 23] {
    let v = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
    [
        v(c.completed),
        v(c.online_capable),
        v(c.fully_online),
        v(c.zero_visit),
        v(c.at_most_one_visit),
        v(c.immediate),
        v(c.on_time),
        v(c.legal_days),
        v(c.promised_days),
        v(c.used_days),
        v(c.materials_required),
        v(c.materials_by_licence),
        v(c.completed_rated),
        v(c.ratings[0]),
        v(c.ratings[1]),
        v(c.ratings[2]),
        v(c.ratings[3]),
        v(c.ratings[4]),
        v(c.bad),
        v(c.bad_rectified),
        v(c.bad_rectified_on_time),
        v(c.bad_real_name),
        v(c.bad_real_name_revisited),
    ]
}

/// Counters from sums in [`COUNTER_COLUMNS`] order (a negative sum, which only a broken log
/// could produce, reads as 0).
pub fn counters_from_array(a: &[i64; 23]) -> Counters {
    let v = |i: usize| u64::try_from(a[i]).unwrap_or(0);
    Counters {
        completed: v(0),
        online_capable: v(1),
        fully_online: v(2),
        zero_visit: v(3),
        at_most_one_visit: v(4),
        immediate: v(5),
        on_time: v(6),
        legal_days: v(7),
        promised_days: v(8),
        used_days: v(9),
        materials_required: v(10),
        materials_by_licence: v(11),
        completed_rated: v(12),
        ratings: [v(13), v(14), v(15), v(16), v(17)],
        bad: v(18),
        bad_rectified: v(19),
        bad_rectified_on_time: v(20),
        bad_real_name: v(21),
        bad_real_name_revisited: v(22),
    }
}

/// `COALESCE(CAST(SUM(c) AS BIGINT), 0) AS c, …` for every counter column.
fn sum_columns() -> String {
    COUNTER_COLUMNS
        .iter()
        .map(|c| format!("COALESCE(CAST(SUM({c}) AS BIGINT), 0) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counters_of(row: &AnyRow, first: usize) -> Result<Counters, StoreError> {
    let mut a = [0i64; 23];
    for (i, slot) in a.iter_mut().enumerate() {
        *slot = row.try_get::<i64, _>(first + i)?;
    }
    Ok(counters_from_array(&a))
}

/// A change to one unit's counters on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDelta {
    pub dimension: String,
    pub key: String,
    pub day: i64,
    pub parent: String,
    pub county: String,
    /// Signed, in [`COUNTER_COLUMNS`] order.
    pub delta: [i64; 23],
}

/// One unit's summed counters over a range of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupSum {
    pub key: String,
    pub parent: String,
    pub county: String,
    pub counters: Counters,
}

row_struct! {
    /// One completed case as the indicators counted it.
    pub struct IndicatorFactRow {
        pub application_id: String,
        pub number: String,
        pub item_name: String,
        /// The Beijing day it reached 办结 (yyyymmdd).
        pub day: i64,
        pub department_id: String,
        pub county: String,
        pub township: String,
        pub hall_id: String,
        pub item_id: String,
        pub channel: String,
        pub visits: i64,
        pub online_capable: i64,
        pub fully_online: i64,
        pub zero_visit: i64,
        pub at_most_one_visit: i64,
        pub immediate: i64,
        pub on_time: i64,
        pub legal_days: i64,
        pub promised_days: i64,
        pub used_days: i64,
        pub materials_required: i64,
        pub materials_by_licence: i64,
        pub rated: i64,
    }
}

const FACT_COLS: &str = "application_id, number, item_name, day, department_id, county, \
     township, hall_id, item_id, channel, visits, online_capable, fully_online, zero_visit, \
     at_most_one_visit, immediate, on_time, legal_days, promised_days, used_days, \
     materials_required, materials_by_licence, rated";

/// Which completed cases to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactFilter {
    pub first_day: i64,
    pub last_day: i64,
    pub department_id: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    pub hall_id: Option<String>,
    pub item_id: Option<String>,
    /// A 0/1 column of the fact row and the value it must have (e.g. `("on_time", 0)`).
    pub flag: Option<(&'static str, i64)>,
    pub offset: i64,
    pub limit: i64,
}

/// The 0/1 columns a fact filter may test.
pub const FACT_FLAGS: [&str; 8] = [
    "online_capable",
    "fully_online",
    "zero_visit",
    "at_most_one_visit",
    "immediate",
    "on_time",
    "rated",
    "materials_by_licence",
];

row_struct! {
    /// One rating as the indicators counted it.
    pub struct IndicatorRatingRow {
        pub evaluation_id: String,
        pub rectification_id: Option<String>,
        pub application_id: Option<String>,
        pub stage: String,
        pub day: i64,
        pub due_day: Option<i64>,
        pub department_id: String,
        pub county: String,
        pub township: String,
        pub hall_id: String,
        pub item_id: String,
        pub satisfaction: i64,
        pub real_name: i64,
        pub bad: i64,
        pub rectified: i64,
        pub rectified_on_time: i64,
        pub revisited: i64,
        pub removed: i64,
    }
}

const RATING_COLS: &str = "evaluation_id, rectification_id, application_id, stage, day, due_day, \
     department_id, county, township, hall_id, item_id, satisfaction, real_name, bad, rectified, \
     rectified_on_time, revisited, removed";

row_struct! {
    /// How far the projector has read the log, and who may project now.
    pub struct IndicatorCursorRow {
        pub name: String,
        pub last_seq: i64,
        pub projected: i64,
        pub lease_holder: Option<String>,
        pub lease_until_ms: Option<i64>,
        pub updated_at_ms: i64,
    }
}

const CURSOR_COLS: &str = "name, last_seq, projected, lease_holder, lease_until_ms, updated_at_ms";

fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Each unit of `dimension` with rollups between the two days, with its summed counters,
    /// by key. `within` keeps units whose county or parent is that key.
    pub async fn indicator_sums(
        &self,
        dimension: &str,
        first_day: i64,
        last_day: i64,
        within: Option<&str>,
    ) -> Result<Vec<RollupSum>, StoreError> {
        let filter = if within.is_some() {
            " AND (county = $4 OR parent = $4)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT key, MIN(parent), MIN(county), {} FROM indicator_rollups
             WHERE dimension = $1 AND day >= $2 AND day <= $3{filter}
             GROUP BY key ORDER BY key",
            sum_columns()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(dimension)
            .bind(first_day)
            .bind(last_day);
        if let Some(w) = within {
            q = q.bind(w);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(RollupSum {
                    key: r.try_get(0)?,
                    parent: r.try_get(1)?,
                    county: r.try_get(2)?,
                    counters: counters_of(r, 3)?,
                })
            })
            .collect()
    }

    /// The counters of `dimension` summed over all units (or over `key` alone) between the
    /// two days.
    pub async fn indicator_sum(
        &self,
        dimension: &str,
        first_day: i64,
        last_day: i64,
        key: Option<&str>,
    ) -> Result<Counters, StoreError> {
        let filter = if key.is_some() { " AND key = $4" } else { "" };
        let sql = format!(
            "SELECT {} FROM indicator_rollups
             WHERE dimension = $1 AND day >= $2 AND day <= $3{filter}",
            sum_columns()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(dimension)
            .bind(first_day)
            .bind(last_day);
        if let Some(k) = key {
            q = q.bind(k);
        }
        let row = q.fetch_one(&self.pool).await?;
        counters_of(&row, 0)
    }

    /// The completed cases matching `filter`, newest first, and how many match in all.
    pub async fn indicator_facts(
        &self,
        filter: &FactFilter,
    ) -> Result<(Vec<IndicatorFactRow>, i64), StoreError> {
        let mut conds = vec!["day >= $1".to_string(), "day <= $2".to_string()];
        let mut binds: Vec<String> = Vec::new();
        for (col, value) in [
            ("department_id", &filter.department_id),
            ("county", &filter.county),
            ("township", &filter.township),
            ("hall_id", &filter.hall_id),
            ("item_id", &filter.item_id),
        ] {
            if let Some(v) = value {
                binds.push(v.clone());
                conds.push(format!("{col} = ${}", binds.len() + 2));
            }
        }
        if let Some((flag, value)) = filter.flag {
            if !FACT_FLAGS.contains(&flag) {
                return Err(StoreError::Config(format!("unknown fact flag {flag}")));
            }
            let test = match (flag, value) {
                ("materials_by_licence", 0) => "materials_by_licence = 0".to_string(),
                ("materials_by_licence", _) => "materials_by_licence > 0".to_string(),
                (f, 0) => format!("{f} = 0"),
                (f, _) => format!("{f} = 1"),
            };
            conds.push(test);
        }
        let where_ = conds.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM indicator_facts WHERE {where_}");
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(count_sql))
            .bind(filter.first_day)
            .bind(filter.last_day);
        for b in &binds {
            q = q.bind(b.clone());
        }
        let (total,) = q.fetch_one(&self.pool).await?;
        let n = binds.len();
        let sql = format!(
            "SELECT {FACT_COLS} FROM indicator_facts WHERE {where_}
             ORDER BY day DESC, application_id LIMIT ${} OFFSET ${}",
            n + 3,
            n + 4
        );
        let mut q = sqlx::query_as::<_, IndicatorFactRow>(sqlx::AssertSqlSafe(sql))
            .bind(filter.first_day)
            .bind(filter.last_day);
        for b in &binds {
            q = q.bind(b.clone());
        }
        let rows = q
            .bind(filter.limit.clamp(0, 1000))
            .bind(filter.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        Ok((rows, total))
    }

    /// One case's fact row, if it has been counted.
    pub async fn indicator_fact(
        &self,
        application_id: &str,
    ) -> Result<Option<IndicatorFactRow>, StoreError> {
        let sql = format!("SELECT {FACT_COLS} FROM indicator_facts WHERE application_id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(application_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The names of units of `dimension` (a department, a division, a hall or an item), by
    /// key; keys without a name are left out.
    pub async fn indicator_unit_names(
        &self,
        dimension: &str,
        keys: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let source = match dimension {
            "department" => "SELECT id, name FROM departments WHERE id IN",
            "county" | "township" => "SELECT code, name FROM divisions WHERE code IN",
            "hall" => "SELECT id, name FROM halls WHERE id IN",
            "item" => "SELECT item_id, MAX(name) FROM item_versions WHERE item_id IN",
            _ => return Ok(Vec::new()),
        };
        let group = if dimension == "item" {
            " GROUP BY item_id"
        } else {
            ""
        };
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(500) {
            let sql = format!("{source} ({}){group}", placeholders(1, chunk.len()));
            let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
            for k in chunk {
                q = q.bind(k.clone());
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Every department's and every hall's division code (the projector's map of units to
    /// counties and townships).
    pub async fn indicator_org_units(
        &self,
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>), StoreError> {
        let departments = sqlx::query_as("SELECT id, division_code FROM departments")
            .fetch_all(&self.pool)
            .await?;
        let halls = sqlx::query_as("SELECT id, division_code FROM halls")
            .fetch_all(&self.pool)
            .await?;
        Ok((departments, halls))
    }

    /// The projector's cursor (`None` before its first run).
    pub async fn indicator_cursor(
        &self,
        name: &str,
    ) -> Result<Option<IndicatorCursorRow>, StoreError> {
        let sql = format!("SELECT {CURSOR_COLS} FROM indicator_cursor WHERE name = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }
}

impl WriteCtx {
    /// Adds each delta to its (dimension, key, day) row, creating the row at zero first.
    pub async fn add_indicator_rollups(
        &mut self,
        deltas: &[RollupDelta],
    ) -> Result<(), StoreError> {
        const PER_ROW: usize = 5 + 23;
        let engine = self.engine();
        // Stay well under both engines' bind limits. SQLite gets anonymous `?` placeholders:
        // sqlx looks each numbered one up by name, which grows with the square of their count.
        for chunk in deltas.chunks(500) {
            let values = crate::applications::values_list(engine, chunk.len(), PER_ROW);
            let updates = COUNTER_COLUMNS
                .iter()
                .map(|c| format!("{c} = indicator_rollups.{c} + excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO indicator_rollups (dimension, key, day, parent, county, {})
                 VALUES {values}
                 ON CONFLICT (dimension, key, day) DO UPDATE SET {updates}",
                COUNTER_COLUMNS.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for d in chunk {
                q = q
                    .bind(d.dimension.clone())
                    .bind(d.key.clone())
                    .bind(d.day)
                    .bind(d.parent.clone())
                    .bind(d.county.clone());
                for v in d.delta {
                    q = q.bind(v);
                }
            }
            q.execute(self.conn().await?).await?;
        }
        Ok(())
    }

    /// Records a completed case's fact; false (and nothing changes) if it was recorded before.
    pub async fn insert_indicator_fact(
        &mut self,
        f: &IndicatorFactRow,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO indicator_facts ({FACT_COLS}) VALUES ({})
             ON CONFLICT (application_id) DO NOTHING",
            placeholders(1, 23)
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.application_id.clone())
            .bind(f.number.clone())
            .bind(f.item_name.clone())
            .bind(f.day)
            .bind(f.department_id.clone())
            .bind(f.county.clone())
            .bind(f.township.clone())
            .bind(f.hall_id.clone())
            .bind(f.item_id.clone())
            .bind(f.channel.clone())
            .bind(f.visits)
            .bind(f.online_capable)
            .bind(f.fully_online)
            .bind(f.zero_visit)
            .bind(f.at_most_one_visit)
            .bind(f.immediate)
            .bind(f.on_time)
            .bind(f.legal_days)
            .bind(f.promised_days)
            .bind(f.used_days)
            .bind(f.materials_required)
            .bind(f.materials_by_licence)
            .bind(f.rated)
            .execute(self.conn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Marks a counted case as rated; returns its fact if this changed it (so the caller adds
    /// `completed_rated` once), `None` if it is not counted yet or was already rated.
    pub async fn mark_indicator_fact_rated(
        &mut self,
        application_id: &str,
    ) -> Result<Option<IndicatorFactRow>, StoreError> {
        let done = sqlx::query(
            "UPDATE indicator_facts SET rated = 1 WHERE application_id = $1 AND rated = 0",
        )
        .bind(application_id)
        .execute(self.conn().await?)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sql = format!("SELECT {FACT_COLS} FROM indicator_facts WHERE application_id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(application_id)
            .fetch_optional(self.conn().await?)
            .await?)
    }

    /// Records a rating; false if it was recorded before.
    pub async fn insert_indicator_rating(
        &mut self,
        r: &IndicatorRatingRow,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO indicator_ratings ({RATING_COLS}) VALUES ({})
             ON CONFLICT (evaluation_id) DO NOTHING",
            placeholders(1, 18)
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(r.evaluation_id.clone())
            .bind(r.rectification_id.clone())
            .bind(r.application_id.clone())
            .bind(r.stage.clone())
            .bind(r.day)
            .bind(r.due_day)
            .bind(r.department_id.clone())
            .bind(r.county.clone())
            .bind(r.township.clone())
            .bind(r.hall_id.clone())
            .bind(r.item_id.clone())
            .bind(r.satisfaction)
            .bind(r.real_name)
            .bind(r.bad)
            .bind(r.rectified)
            .bind(r.rectified_on_time)
            .bind(r.revisited)
            .bind(r.removed)
            .execute(self.conn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A rating by its evaluation id.
    pub async fn indicator_rating(
        &mut self,
        evaluation_id: &str,
    ) -> Result<Option<IndicatorRatingRow>, StoreError> {
        let sql = format!("SELECT {RATING_COLS} FROM indicator_ratings WHERE evaluation_id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(evaluation_id)
            .fetch_optional(self.conn().await?)
            .await?)
    }

    /// The rating a 差评 case was opened for.
    pub async fn indicator_rating_of_rectification(
        &mut self,
        rectification_id: &str,
    ) -> Result<Option<IndicatorRatingRow>, StoreError> {
        let sql =
            format!("SELECT {RATING_COLS} FROM indicator_ratings WHERE rectification_id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(rectification_id)
            .fetch_optional(self.conn().await?)
            .await?)
    }

    /// Whether the application has a rating of stage `stage` recorded.
    pub async fn indicator_application_rated(
        &mut self,
        application_id: &str,
        stage: &str,
    ) -> Result<bool, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM indicator_ratings WHERE application_id = $1 AND stage = $2",
        )
        .bind(application_id)
        .bind(stage)
        .fetch_one(self.conn().await?)
        .await?;
        Ok(n > 0)
    }

    /// Writes a rating's changed flags, due day and rectification case.
    pub async fn update_indicator_rating(
        &mut self,
        r: &IndicatorRatingRow,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE indicator_ratings SET rectification_id = $1, due_day = $2, bad = $3,
                 rectified = $4, rectified_on_time = $5, revisited = $6, removed = $7
             WHERE evaluation_id = $8",
        )
        .bind(r.rectification_id.clone())
        .bind(r.due_day)
        .bind(r.bad)
        .bind(r.rectified)
        .bind(r.rectified_on_time)
        .bind(r.revisited)
        .bind(r.removed)
        .bind(r.evaluation_id.clone())
        .execute(self.conn().await?)
        .await?;
        Ok(())
    }

    /// Claims the projector `name` for `holder` until `lease_until_ms` (creating its cursor at
    /// 0); `None` when someone else holds an unexpired lease.
    pub async fn claim_indicator_cursor(
        &mut self,
        name: &str,
        holder: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<Option<IndicatorCursorRow>, StoreError> {
        sqlx::query(
            "INSERT INTO indicator_cursor (name, last_seq, projected, lease_holder,
                 lease_until_ms, updated_at_ms)
             VALUES ($1, 0, 0, NULL, NULL, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(now_ms)
        .execute(self.conn().await?)
        .await?;
        let done = sqlx::query(
            "UPDATE indicator_cursor SET lease_holder = $1, lease_until_ms = $2
             WHERE name = $3 AND (lease_holder IS NULL OR lease_holder = $1
                                  OR lease_until_ms <= $4)",
        )
        .bind(holder)
        .bind(lease_until_ms)
        .bind(name)
        .bind(now_ms)
        .execute(self.conn().await?)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sql = format!("SELECT {CURSOR_COLS} FROM indicator_cursor WHERE name = $1");
        Ok(Some(
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(name)
                .fetch_one(self.conn().await?)
                .await?,
        ))
    }

    /// Moves the cursor from `from_seq` to `to_seq` (counting `projected` more events); false
    /// (nothing changes) unless `holder` holds it and it still stands at `from_seq`.
    pub async fn advance_indicator_cursor(
        &mut self,
        name: &str,
        holder: &str,
        from_seq: i64,
        to_seq: i64,
        projected: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE indicator_cursor SET last_seq = $1, projected = projected + $2,
                 updated_at_ms = $3
             WHERE name = $4 AND lease_holder = $5 AND last_seq = $6",
        )
        .bind(to_seq)
        .bind(projected)
        .bind(now_ms)
        .bind(name)
        .bind(holder)
        .bind(from_seq)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives the lease up; false if `holder` did not hold it.
    pub async fn release_indicator_cursor(
        &mut self,
        name: &str,
        holder: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE indicator_cursor SET lease_holder = NULL, lease_until_ms = NULL
             WHERE name = $1 AND lease_holder = $2",
        )
        .bind(name)
        .bind(holder)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
