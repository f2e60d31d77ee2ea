//! 好差评 storage: ratings, the invitations sent after completion, window services (一次一评)
//! and the 差评 cases (rectifications). Each is written by its use case's unit of work, next to
//! the `evaluation.rated` / `rectification.*` events.

use sqlx::Any;

use crate::applications::values_list;
use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One rating. `rater_account` is set only for real-name ratings: personal data, audited.
    pub struct EvaluationRow {
        pub id: String,
        pub application_id: Option<String>,
        pub window_service_id: Option<String>,
        pub stage: String,
        pub item_id: Option<String>,
        pub department_id: Option<String>,
        pub hall_id: Option<String>,
        pub served_by: Option<String>,
        pub channel: String,
        pub satisfaction: i64,
        /// The ticked option codes, as a JSON array.
        pub options: String,
        pub option_set_version: i64,
        pub comment: String,
        pub real_name: i64,
        pub rater_account: Option<String>,
        pub rater_key: String,
        /// The staff account that recorded a phone rating.
        pub recorded_by: Option<String>,
        pub division_code: String,
        pub rated_on: String,
        pub at_ms: i64,
        pub excluded: i64,
    }
}

row_struct! {
    /// An invitation to rate a stage of a case; the token itself is never stored.
    pub struct InvitationRow {
        pub token_sm3: String,
        pub application_id: String,
        pub stage: String,
        pub account_id: String,
        pub created_at_ms: i64,
        pub expires_on: String,
        pub used_at_ms: Option<i64>,
    }
}

row_struct! {
    /// A service at a hall window, rated once with its one-time token.
    pub struct WindowServiceRow {
        pub id: String,
        pub token_sm3: String,
        pub hall_id: String,
        pub division_code: String,
        pub served_by: String,
        pub application_id: Option<String>,
        pub item_id: Option<String>,
        pub department_id: Option<String>,
        pub started_at_ms: i64,
        pub expires_at_ms: i64,
        pub rated_at_ms: Option<i64>,
    }
}

row_struct! {
    /// A 差评 case: the loop's projection, with its records (JSON) to fold.
    pub struct RectificationRow {
        pub id: String,
        pub evaluation_id: String,
        pub unit_kind: String,
        pub unit_id: String,
        pub division_code: String,
        pub application_id: Option<String>,
        pub item_id: Option<String>,
        pub satisfaction: i64,
        pub real_name: i64,
        pub state: String,
        pub rated_on: String,
        pub due: String,
        pub escalated: i64,
        pub appeal_upheld: Option<i64>,
        pub settled_on: Option<String>,
        pub closed_on: Option<String>,
        pub records: String,
        pub revision: i64,
        pub updated_at_ms: i64,
    }
}

row_struct! {
    /// Counts of ratings per department and level (appeals upheld taken out).
    pub struct RatingCountRow {
        pub department_id: Option<String>,
        pub satisfaction: i64,
        pub n: i64,
    }
}

/// Which 差评 cases a queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RectificationScope {
    /// The cases of these units (department or hall ids).
    Units(Vec<String>),
    /// Appeals waiting for a decision in a division's subtree (division code prefix).
    AppealsUnder(String),
    /// Escalated, unclosed cases in a division's subtree.
    EscalatedUnder(String),
    /// Every case of units in exactly this division (a city-level handler's).
    DivisionIs(String),
    /// Every case of units in a division's subtree (division code prefix).
    DivisionUnder(String),
}

const EVAL_COLS: &str = "id, application_id, window_service_id, stage, item_id, department_id, \
     hall_id, served_by, channel, satisfaction, options, option_set_version, comment, real_name, \
     rater_account, rater_key, recorded_by, division_code, rated_on, at_ms, excluded";
const EVAL_COL_COUNT: usize = 21;
const INVITE_COLS: &str =
    "token_sm3, application_id, stage, account_id, created_at_ms, expires_on, used_at_ms";
const WINDOW_COLS: &str = "id, token_sm3, hall_id, division_code, served_by, application_id, \
     item_id, department_id, started_at_ms, expires_at_ms, rated_at_ms";
const RECT_COLS: &str = "id, evaluation_id, unit_kind, unit_id, division_code, application_id, \
     item_id, satisfaction, real_name, state, rated_on, due, escalated, appeal_upheld, \
     settled_on, closed_on, records, revision, updated_at_ms";
const RECT_COL_COUNT: usize = 19;

impl Store {
    pub async fn evaluation(&self, id: &str) -> Result<Option<EvaluationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, EvaluationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {EVAL_COLS} FROM evaluations WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// The ratings of a case (its stages and window services), oldest first.
    pub async fn evaluations_of_application(
        &self,
        application_id: &str,
    ) -> Result<Vec<EvaluationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, EvaluationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {EVAL_COLS} FROM evaluations WHERE application_id = $1 ORDER BY at_ms, id"
            )))
            .bind(application_id)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Ratings given on or after `from` (a `YYYY-MM-DD` date), counted per department and
    /// level; ratings whose appeal was upheld are not counted.
    pub async fn rating_counts(&self, from: &str) -> Result<Vec<RatingCountRow>, StoreError> {
        Ok(sqlx::query_as::<Any, RatingCountRow>(
            "SELECT department_id, satisfaction, COUNT(*) AS n FROM evaluations
             WHERE excluded = 0 AND rated_on >= $1
             GROUP BY department_id, satisfaction
             ORDER BY department_id, satisfaction",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn invitation(&self, token_sm3: &str) -> Result<Option<InvitationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, InvitationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {INVITE_COLS} FROM evaluation_invitations WHERE token_sm3 = $1"
            )))
            .bind(token_sm3)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn invitation_for(
        &self,
        application_id: &str,
        stage: &str,
    ) -> Result<Option<InvitationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, InvitationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {INVITE_COLS} FROM evaluation_invitations
             WHERE application_id = $1 AND stage = $2"
            )))
            .bind(application_id)
            .bind(stage)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn window_service(&self, id: &str) -> Result<Option<WindowServiceRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, WindowServiceRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {WINDOW_COLS} FROM window_services WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn window_service_by_token(
        &self,
        token_sm3: &str,
    ) -> Result<Option<WindowServiceRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, WindowServiceRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {WINDOW_COLS} FROM window_services WHERE token_sm3 = $1"
            )))
            .bind(token_sm3)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    pub async fn rectification(&self, id: &str) -> Result<Option<RectificationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {RECT_COLS} FROM rectifications WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// A queue of 差评 cases: unclosed first, by due date.
    pub async fn rectification_queue(
        &self,
        scope: &RectificationScope,
        limit: i64,
    ) -> Result<Vec<RectificationRow>, StoreError> {
        let order = "ORDER BY CASE WHEN state = 'closed' THEN 1 ELSE 0 END, due, id LIMIT";
        match scope {
            RectificationScope::Units(units) => {
                if units.is_empty() {
                    return Ok(Vec::new());
                }
                let marks: Vec<String> = (2..units.len() + 2).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT {RECT_COLS} FROM rectifications WHERE unit_id IN ({}) {order} $1",
                    marks.join(", ")
                );
                let mut q =
                    sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(sql)).bind(limit);
                for u in units {
                    q = q.bind(u.clone());
                }
                Ok(q.fetch_all(&self.pool).await?)
            }
            RectificationScope::AppealsUnder(prefix) => Ok(
                sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {RECT_COLS} FROM rectifications
                 WHERE state = 'appealed' AND division_code LIKE $2 {order} $1"
                )))
                .bind(limit)
                .bind(format!("{prefix}%"))
                .fetch_all(&self.pool)
                .await?,
            ),
            RectificationScope::EscalatedUnder(prefix) => Ok(
                sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {RECT_COLS} FROM rectifications
                 WHERE escalated = 1 AND state <> 'closed' AND division_code LIKE $2 {order} $1"
                )))
                .bind(limit)
                .bind(format!("{prefix}%"))
                .fetch_all(&self.pool)
                .await?,
            ),
            RectificationScope::DivisionIs(code) => Ok(sqlx::query_as::<Any, RectificationRow>(
                sqlx::AssertSqlSafe(format!(
                    "SELECT {RECT_COLS} FROM rectifications WHERE division_code = $2 {order} $1"
                )),
            )
            .bind(limit)
            .bind(code.clone())
            .fetch_all(&self.pool)
            .await?),
            RectificationScope::DivisionUnder(prefix) => Ok(
                sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {RECT_COLS} FROM rectifications WHERE division_code LIKE $2 {order} $1"
                )))
                .bind(limit)
                .bind(format!("{prefix}%"))
                .fetch_all(&self.pool)
                .await?,
            ),
        }
    }

    /// Unclosed, unescalated, unsettled cases whose due date is before `today` (the sweep).
    pub async fn overdue_rectifications(
        &self,
        today: &str,
        limit: i64,
    ) -> Result<Vec<RectificationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {RECT_COLS} FROM rectifications
             WHERE escalated = 0 AND due < $1 AND settled_on IS NULL
               AND state IN ('open', 'verified')
             ORDER BY due, id LIMIT $2"
            )))
            .bind(today)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// The most recently changed cases that were rectified or explained (for the public page).
    pub async fn settled_rectifications(
        &self,
        limit: i64,
    ) -> Result<Vec<RectificationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, RectificationRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {RECT_COLS} FROM rectifications
             WHERE settled_on IS NOT NULL
             ORDER BY settled_on DESC, id LIMIT $1"
            )))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?,
        )
    }
}

impl WriteCtx {
    /// Inserts ratings; a second rating of the same (case, stage) or window service is
    /// skipped. Returns the ids inserted.
    pub async fn insert_evaluations(
        &mut self,
        rows: &[EvaluationRow],
    ) -> Result<Vec<String>, StoreError> {
        let engine = self.engine();
        let mut inserted = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(200) {
            let sql = format!(
                "INSERT INTO evaluations ({EVAL_COLS}) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
                values_list(engine, chunk.len(), EVAL_COL_COUNT)
            );
            let mut q = sqlx::query_as::<Any, (String,)>(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.id.clone())
                    .bind(r.application_id.clone())
                    .bind(r.window_service_id.clone())
                    .bind(r.stage.clone())
                    .bind(r.item_id.clone())
                    .bind(r.department_id.clone())
                    .bind(r.hall_id.clone())
                    .bind(r.served_by.clone())
                    .bind(r.channel.clone())
                    .bind(r.satisfaction)
                    .bind(r.options.clone())
                    .bind(r.option_set_version)
                    .bind(r.comment.clone())
                    .bind(r.real_name)
                    .bind(r.rater_account.clone())
                    .bind(r.rater_key.clone())
                    .bind(r.recorded_by.clone())
                    .bind(r.division_code.clone())
                    .bind(r.rated_on.clone())
                    .bind(r.at_ms)
                    .bind(r.excluded);
            }
            for (id,) in q.fetch_all(self.conn().await?).await? {
                inserted.push(id);
            }
        }
        Ok(inserted)
    }

    /// Whether a rating of this (case, stage) exists, read inside the unit.
    pub async fn evaluation_exists(
        &mut self,
        application_id: &str,
        stage: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM evaluations
             WHERE application_id = $1 AND stage = $2 AND window_service_id IS NULL",
        )
        .bind(application_id)
        .bind(stage)
        .fetch_optional(self.conn().await?)
        .await?;
        Ok(found.is_some())
    }

    /// Takes a rating out of the statistics (its appeal was upheld).
    pub async fn exclude_evaluation(&mut self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE evaluations SET excluded = 1 WHERE id = $1")
            .bind(id)
            .execute(self.conn().await?)
            .await?;
        Ok(())
    }

    /// Records an invitation; an existing one for the same (case, stage) is kept.
    pub async fn insert_invitation(&mut self, row: &InvitationRow) -> Result<bool, StoreError> {
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO evaluation_invitations ({INVITE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT DO NOTHING"
        )))
        .bind(&row.token_sm3)
        .bind(&row.application_id)
        .bind(&row.stage)
        .bind(&row.account_id)
        .bind(row.created_at_ms)
        .bind(&row.expires_on)
        .bind(row.used_at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks an invitation used; false if it already was.
    pub async fn use_invitation(
        &mut self,
        token_sm3: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE evaluation_invitations SET used_at_ms = $2
             WHERE token_sm3 = $1 AND used_at_ms IS NULL",
        )
        .bind(token_sm3)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_window_service(
        &mut self,
        row: &WindowServiceRow,
    ) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO window_services ({WINDOW_COLS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )))
        .bind(&row.id)
        .bind(&row.token_sm3)
        .bind(&row.hall_id)
        .bind(&row.division_code)
        .bind(&row.served_by)
        .bind(&row.application_id)
        .bind(&row.item_id)
        .bind(&row.department_id)
        .bind(row.started_at_ms)
        .bind(row.expires_at_ms)
        .bind(row.rated_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Marks a window service rated; false if it already was (its token is spent).
    pub async fn mark_window_service_rated(
        &mut self,
        id: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE window_services SET rated_at_ms = $2 WHERE id = $1 AND rated_at_ms IS NULL",
        )
        .bind(id)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Inserts new 差评 cases; existing ids (or evaluations) are skipped.
    pub async fn insert_rectifications(
        &mut self,
        rows: &[RectificationRow],
    ) -> Result<u64, StoreError> {
        let engine = self.engine();
        let mut n = 0;
        for chunk in rows.chunks(200) {
            let sql = format!(
                "INSERT INTO rectifications ({RECT_COLS}) VALUES {} ON CONFLICT DO NOTHING",
                values_list(engine, chunk.len(), RECT_COL_COUNT)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.id.clone())
                    .bind(r.evaluation_id.clone())
                    .bind(r.unit_kind.clone())
                    .bind(r.unit_id.clone())
                    .bind(r.division_code.clone())
                    .bind(r.application_id.clone())
                    .bind(r.item_id.clone())
                    .bind(r.satisfaction)
                    .bind(r.real_name)
                    .bind(r.state.clone())
                    .bind(r.rated_on.clone())
                    .bind(r.due.clone())
                    .bind(r.escalated)
                    .bind(r.appeal_upheld)
                    .bind(r.settled_on.clone())
                    .bind(r.closed_on.clone())
                    .bind(r.records.clone())
                    .bind(r.revision)
                    .bind(r.updated_at_ms);
            }
            n += q.execute(self.conn().await?).await?.rows_affected();
        }
        Ok(n)
    }

    /// Replaces a case's changing columns if it is still at `from_revision` (then at
    /// `row.revision`); false when somebody else changed it first.
    pub async fn update_rectification(
        &mut self,
        row: &RectificationRow,
        from_revision: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE rectifications SET state = $3, escalated = $4, appeal_upheld = $5,
                 settled_on = $6, closed_on = $7, records = $8, revision = $9, updated_at_ms = $10
             WHERE id = $1 AND revision = $2",
        )
        .bind(&row.id)
        .bind(from_revision)
        .bind(&row.state)
        .bind(row.escalated)
        .bind(row.appeal_upheld)
        .bind(&row.settled_on)
        .bind(&row.closed_on)
        .bind(&row.records)
        .bind(row.revision)
        .bind(row.updated_at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
