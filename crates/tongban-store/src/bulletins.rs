//! The assessment's weights and threshold (versioned) and the 两书一函 letters.

use sqlx::Any;

use crate::accounts::AccountRow;
use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// One version of the assessment settings.
    pub struct AssessmentSettingsRow {
        pub version: i64,
        /// JSON list of `[indicator code, weight]`.
        pub weights_json: String,
        /// Hundredths of a point.
        pub threshold: i64,
        pub changed_by: String,
        pub changed_at_ms: i64,
    }
}

row_struct! {
    /// A letter (提醒书, 督办书 or 约谈函) to a county or a department.
    pub struct LetterRow {
        pub id: String,
        pub kind: String,
        pub unit_kind: String,
        pub unit_id: String,
        pub unit_name: String,
        pub period: String,
        /// `drafted` or `sent`.
        pub status: String,
        pub reason: String,
        pub score: Option<i64>,
        pub rank_place: Option<i64>,
        pub body: String,
        pub drafted_at_ms: i64,
        pub edited_by: Option<String>,
        pub edited_at_ms: Option<i64>,
        pub sent_by: Option<String>,
        pub sent_at_ms: Option<i64>,
    }
}

/// Which letters to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterFilter {
    pub status: Option<String>,
    pub period: Option<String>,
    /// Only letters to this unit (`unit_kind`, `unit_id`).
    pub unit: Option<(String, String)>,
}

const ACCOUNT_COLS: &str = "id, kind, login, display_name, password_hash, role, unit_kind, \
     unit_id, disabled, created_at_ms";
const SETTINGS_COLS: &str = "version, weights_json, threshold, changed_by, changed_at_ms";
const LETTER_COLS: &str = "id, kind, unit_kind, unit_id, unit_name, period, status, reason, \
     score, rank_place, body, drafted_at_ms, edited_by, edited_at_ms, sent_by, sent_at_ms";

impl Store {
    /// The settings in force (the highest version), if any were ever saved.
    pub async fn assessment_settings(&self) -> Result<Option<AssessmentSettingsRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, AssessmentSettingsRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {SETTINGS_COLS} FROM assessment_settings ORDER BY version DESC LIMIT 1"
            )))
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// Every version of the settings, newest first.
    pub async fn assessment_settings_history(
        &self,
    ) -> Result<Vec<AssessmentSettingsRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, AssessmentSettingsRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {SETTINGS_COLS} FROM assessment_settings ORDER BY version DESC LIMIT 200"
            )))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    pub async fn letter(&self, id: &str) -> Result<Option<LetterRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, LetterRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {LETTER_COLS} FROM letters WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// Letters, newest month first, then by unit and kind.
    pub async fn letters(&self, f: &LetterFilter) -> Result<Vec<LetterRow>, StoreError> {
        let mut sql = format!("SELECT {LETTER_COLS} FROM letters WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if f.status.is_some() {
            sql.push_str(&format!(" AND status = ${}", next()));
        }
        if f.period.is_some() {
            sql.push_str(&format!(" AND period = ${}", next()));
        }
        if f.unit.is_some() {
            let a = next();
            let b = next();
            sql.push_str(&format!(" AND unit_kind = ${a} AND unit_id = ${b}"));
        }
        sql.push_str(" ORDER BY period DESC, unit_kind, unit_id, kind LIMIT 1000");
        let mut q = sqlx::query_as::<Any, LetterRow>(sqlx::AssertSqlSafe(sql));
        if let Some(s) = &f.status {
            q = q.bind(s);
        }
        if let Some(p) = &f.period {
            q = q.bind(p);
        }
        if let Some((k, id)) = &f.unit {
            q = q.bind(k).bind(id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Letters waiting to be sent.
    pub async fn count_letters_drafted(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM letters WHERE status = 'drafted'")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Open applications (submitted, not yet closed) whose case due date (`yyyy-mm-dd`) is
    /// before `today`; within a county when `county` (its 12-digit code) is given.
    pub async fn count_overdue_applications(
        &self,
        today: &str,
        county: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut sql = String::from(
            "SELECT COUNT(*) FROM applications WHERE case_due IS NOT NULL AND case_due < $1
               AND status NOT IN ('draft', 'completed', 'not_accepted', 'terminated',
                                  'revoked', 'withdrawn')",
        );
        if county.is_some() {
            sql.push_str(" AND division_code LIKE $2");
        }
        let mut q = sqlx::query_as::<Any, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(today);
        if let Some(c) = county {
            q = q.bind(format!("{}%", c.get(..6).unwrap_or(c)));
        }
        let (n,) = q.fetch_one(&self.pool).await?;
        Ok(n)
    }

    /// Who hears of a letter to a unit: the unit's own staff; for a county, also the
    /// department admins of the departments in that county.
    pub async fn letter_recipients(
        &self,
        unit_kind: &str,
        unit_id: &str,
    ) -> Result<Vec<AccountRow>, StoreError> {
        let mut staff = self.staff_in_unit(unit_kind, unit_id).await?;
        if unit_kind == "division" {
            let admins: Vec<AccountRow> =
                sqlx::query_as::<Any, AccountRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {ACCOUNT_COLS} FROM accounts WHERE kind = 'staff'
                       AND role = 'dept_admin' AND unit_kind = 'department' AND disabled = 0
                       AND unit_id IN (SELECT id FROM departments WHERE division_code = $1)
                     ORDER BY login"
                )))
                .bind(unit_id)
                .fetch_all(&self.pool)
                .await?;
            staff.extend(admins);
        }
        staff.retain(|a| a.disabled == 0);
        Ok(staff)
    }
}

impl WriteCtx {
    /// Saves a new version of the settings; returns its number.
    pub async fn save_assessment_settings(
        &mut self,
        weights_json: &str,
        threshold: i64,
        changed_by: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        let (last,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM assessment_settings")
                .fetch_one(self.conn().await?)
                .await?;
        let version = last + 1;
        sqlx::query(
            "INSERT INTO assessment_settings
                 (version, weights_json, threshold, changed_by, changed_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version)
        .bind(weights_json)
        .bind(threshold)
        .bind(changed_by)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(version)
    }

    /// Writes a drafted letter unless one of that kind, unit and month is already there;
    /// `false` when it was.
    pub async fn insert_letter(&mut self, row: &LetterRow) -> Result<bool, StoreError> {
        let existing: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM letters WHERE kind = $1 AND unit_kind = $2 AND unit_id = $3
               AND period = $4",
        )
        .bind(&row.kind)
        .bind(&row.unit_kind)
        .bind(&row.unit_id)
        .bind(&row.period)
        .fetch_optional(self.conn().await?)
        .await?;
        if existing.is_some() {
            return Ok(false);
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO letters ({LETTER_COLS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        )))
        .bind(&row.id)
        .bind(&row.kind)
        .bind(&row.unit_kind)
        .bind(&row.unit_id)
        .bind(&row.unit_name)
        .bind(&row.period)
        .bind(&row.status)
        .bind(&row.reason)
        .bind(row.score)
        .bind(row.rank_place)
        .bind(&row.body)
        .bind(row.drafted_at_ms)
        .bind(&row.edited_by)
        .bind(row.edited_at_ms)
        .bind(&row.sent_by)
        .bind(row.sent_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(true)
    }

    pub async fn letter_for_update(&mut self, id: &str) -> Result<Option<LetterRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, LetterRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {LETTER_COLS} FROM letters WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(self.conn().await?)
            .await?,
        )
    }

    /// Replaces the body of a letter still drafted; `false` if it is no longer drafted.
    pub async fn edit_letter(
        &mut self,
        id: &str,
        body: &str,
        by: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE letters SET body = $1, edited_by = $2, edited_at_ms = $3
             WHERE id = $4 AND status = 'drafted'",
        )
        .bind(body)
        .bind(by)
        .bind(at_ms)
        .bind(id)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a drafted letter sent; `false` if it already was.
    pub async fn mark_letter_sent(
        &mut self,
        id: &str,
        by: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE letters SET status = 'sent', sent_by = $1, sent_at_ms = $2
             WHERE id = $3 AND status = 'drafted'",
        )
        .bind(by)
        .bind(at_ms)
        .bind(id)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
