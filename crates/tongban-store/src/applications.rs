//! Applications (办件): the projection row of each case, its named assignees, the daily
//! 办件编号 counter, mandates and credit flags.
//!
//! The row is written only inside a unit of work, together with the events that produced it. A
//! new case is inserted at once; a changed case is queued (`defer_application`) with the
//! revision it was derived from and written at the batch's commit by a multi-row UPDATE guarded
//! by those revisions, so two clerks acting at once cannot both win. The row's state leaves the
//! case's timeline out; `event_seqs` lists where the case's events are in the log instead, and
//! each queued row appends the positions of its unit's events.

use sqlx::Any;

use crate::error::StoreError;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    /// The projection of one case.
    pub struct ApplicationRow {
        pub id: String,
        pub number: String,
        pub item_id: String,
        pub item_version: i64,
        pub department_id: String,
        pub division_code: String,
        pub applicant_account: String,
        /// '' when nobody applied on the applicant's behalf.
        pub agent_account: String,
        /// '' when the case is not part of a bundle (一件事).
        pub bundle_id: String,
        pub channel: String,
        pub status: String,
        /// '' when no staff role is due.
        pub role_due: String,
        /// 1 when named people hold the current step.
        pub assigned: i64,
        pub step_due: Option<String>,
        pub case_due: Option<String>,
        pub incomplete_due: Option<String>,
        pub visits: i64,
        pub revision: i64,
        pub idempotency_key: Option<String>,
        pub state_json: String,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
        pub submitted_on: Option<String>,
        pub completed_on: Option<String>,
        /// 1 when the current step has been escalated (the sweep passes it by).
        pub step_escalated: i64,
        /// The sequence numbers of the case's events in the log, each followed by a comma
        /// (`12,15,19,`): where its timeline is read from, since `state_json` leaves the
        /// timeline out. On a row queued with [`WriteCtx::defer_application`], only the numbers
        /// of the events the unit wrote: they are appended to the stored ones.
        pub event_seqs: String,
    }
}

/// `event_seqs` of a row: the log positions, in ascending order.
pub fn parse_event_seqs(text: &str) -> Vec<i64> {
    let mut seqs: Vec<i64> = text
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    seqs.sort_unstable();
    seqs.dedup();
    seqs
}

/// Appends log positions to an `event_seqs` text.
pub fn push_event_seqs(text: &mut String, seqs: impl IntoIterator<Item = i64>) {
    use std::fmt::Write as _;
    for seq in seqs {
        let _ = write!(text, "{seq},");
    }
}

row_struct! {
    /// A mandate (委托) under which an agent applies for a principal.
    pub struct MandateRow {
        pub id: String,
        pub agent_account: String,
        pub principal_account: String,
        /// Item ids wrapped in commas (`,a,b,`), or `*` for every item.
        pub item_ids: String,
        /// Last valid day, `YYYY-MM-DD`.
        pub valid_until: String,
        pub created_at_ms: i64,
        pub revoked_at_ms: Option<i64>,
    }
}

/// Whose cases a staff queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueScope {
    /// One department's cases.
    Department(String),
    /// Cases of departments in a division subtree (division-code prefix).
    DivisionPrefix(String),
    /// A hall's cases: departments in its division's subtree (prefix) and departments whose
    /// division contains the hall (the full 12-digit codes of the hall's ancestors): any hall
    /// in a department's area may accept its cases (无差别受理, 就近办).
    Hall {
        prefix: String,
        ancestors: Vec<String>,
    },
}

impl QueueScope {
    /// (department id or '', division LIKE pattern, ',code,code,' of ancestors or '').
    fn binds(&self) -> (String, String, String) {
        match self {
            QueueScope::Department(id) => (id.clone(), "%".into(), String::new()),
            QueueScope::DivisionPrefix(prefix) => {
                (String::new(), format!("{prefix}%"), String::new())
            }
            QueueScope::Hall { prefix, ancestors } => (
                String::new(),
                format!("{prefix}%"),
                format!(",{},", ancestors.join(",")),
            ),
        }
    }
}

const COLS: &str = "id, number, item_id, item_version, department_id, division_code, \
    applicant_account, agent_account, bundle_id, channel, status, role_due, assigned, \
    step_due, case_due, incomplete_due, visits, revision, idempotency_key, state_json, \
    created_at_ms, updated_at_ms, submitted_on, completed_on, step_escalated, event_seqs";

fn select(tail: &str) -> String {
    format!("SELECT {COLS} FROM applications {tail}")
}

/// Statuses in which staff have work.
const OPEN_FOR_STAFF: &str = "('submitted', 'in_progress', 'decided')";

impl Store {
    pub async fn application(&self, id: &str) -> Result<Option<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select("WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn application_by_number(
        &self,
        number: &str,
    ) -> Result<Option<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select("WHERE number = $1")))
                .bind(number)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The cases an account applied for, or applied for others as their agent, newest first.
    pub async fn applications_of(
        &self,
        account_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE applicant_account = $1 OR agent_account = $1
             ORDER BY created_at_ms DESC, id LIMIT $2 OFFSET $3",
            )))
            .bind(account_id)
            .bind(limit.clamp(0, 500))
            .bind(offset.max(0))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// A staff member's queue: cases in `scope` due for one of `roles` and held by nobody in
    /// particular, plus cases whose current step names `account_id`; soonest due first.
    pub async fn work_queue(
        &self,
        scope: &QueueScope,
        roles: &[&str],
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        let (department, pattern, ancestors) = scope.binds();
        let role = |i: usize| roles.get(i).or(roles.first()).copied().unwrap_or("");
        // The pool's page of ids comes from the partial covering index `applications_open_pool`
        // alone (no case row read), then only the rows shown are read by id; the named-signer
        // branch is its own indexed lookup, joined by UNION (an OR, or a status test outside
        // the list, would read every open row with its state).
        let sql = select(&format!(
            "WHERE id IN (
                 SELECT id FROM (
                     SELECT id FROM applications
                      WHERE status IN {OPEN_FOR_STAFF} AND assigned = 0
                        AND role_due IN ($1, $2, $3)
                        AND ($4 = '' OR department_id = $4)
                        AND (division_code LIKE $5 OR $8 LIKE '%,' || division_code || ',%')
                      ORDER BY COALESCE(step_due, '9999-12-31'), created_at_ms, id
                      LIMIT $7) AS pool
                 UNION
                 SELECT s.application_id FROM application_assignees s
                   JOIN applications c ON c.id = s.application_id
                  WHERE s.account_id = $6 AND s.kind = 'signer'
                    AND c.status IN {OPEN_FOR_STAFF})
             ORDER BY COALESCE(step_due, '9999-12-31'), created_at_ms, id
             LIMIT $7"
        ));
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(sql))
                .bind(role(0))
                .bind(role(1))
                .bind(role(2))
                .bind(department)
                .bind(pattern)
                .bind(account_id)
                .bind(limit.clamp(0, 1_000))
                .bind(ancestors)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Cases copied (抄送) to an account, newest first.
    pub async fn copied_to(
        &self,
        account_id: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE id IN (SELECT application_id FROM application_assignees
                           WHERE account_id = $1 AND kind = 'copy')
             ORDER BY updated_at_ms DESC, id LIMIT $2",
            )))
            .bind(account_id)
            .bind(limit.clamp(0, 1_000))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Open cases whose current step was due before `today`, in a scope (for escalation and
    /// the unit head's list).
    pub async fn overdue_steps(
        &self,
        scope: &QueueScope,
        today: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        let (department, pattern, ancestors) = scope.binds();
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(&format!(
                "WHERE status IN {OPEN_FOR_STAFF} AND step_due < $1
               AND ($2 = '' OR department_id = $2)
               AND (division_code LIKE $3 OR $5 LIKE '%,' || division_code || ',%')
             ORDER BY step_due, id LIMIT $4"
            ))))
            .bind(today)
            .bind(department)
            .bind(pattern)
            .bind(limit.clamp(0, 10_000))
            .bind(ancestors)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Open cases whose current step was due before `today` and has not been escalated yet,
    /// most overdue first (the sweep escalates them; escalated ones never block the rest).
    pub async fn steps_to_escalate(
        &self,
        today: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(&format!(
                "WHERE step_escalated = 0 AND step_due < $1 AND status IN {OPEN_FOR_STAFF}
             ORDER BY step_due, id LIMIT $2"
            ))))
            .bind(today)
            .bind(limit.clamp(0, 10_000))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// Cases whose 容缺 deadline passed before `today` (the sweep ends them).
    pub async fn incomplete_overdue(
        &self,
        today: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE incomplete_due < $1 AND status IN ('in_progress', 'decided', 'returned')
             ORDER BY incomplete_due, id LIMIT $2",
            )))
            .bind(today)
            .bind(limit.clamp(0, 10_000))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// The cases of a bundle (一件事).
    pub async fn bundle_applications(
        &self,
        bundle_id: &str,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE bundle_id = $1 AND bundle_id <> '' ORDER BY id",
            )))
            .bind(bundle_id)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// How many cases there are in each status.
    pub async fn count_applications_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT status, COUNT(*) FROM applications GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every case, in id order, a page at a time (for rebuild checks and exports).
    pub async fn applications_after(
        &self,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE id > $1 ORDER BY id LIMIT $2",
            )))
            .bind(after_id)
            .bind(limit.clamp(0, 10_000))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    pub async fn mandate(&self, id: &str) -> Result<Option<MandateRow>, StoreError> {
        Ok(sqlx::query_as::<Any, MandateRow>(
            "SELECT id, agent_account, principal_account, item_ids, valid_until, created_at_ms,
                    revoked_at_ms FROM mandates WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Mandates an account gave or holds, newest first.
    pub async fn mandates_of(&self, account_id: &str) -> Result<Vec<MandateRow>, StoreError> {
        Ok(sqlx::query_as::<Any, MandateRow>(
            "SELECT id, agent_account, principal_account, item_ids, valid_until, created_at_ms,
                    revoked_at_ms FROM mandates
              WHERE agent_account = $1 OR principal_account = $1
              ORDER BY created_at_ms DESC, id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether a 核查 found a false commitment by this account.
    pub async fn has_credit_flag(&self, account_id: &str) -> Result<bool, StoreError> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM credit_flags WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(n > 0)
    }
}

impl WriteCtx {
    /// The next 办件编号 sequence of `day` (from 1).
    pub async fn next_application_seq(&mut self, day: &str) -> Result<i64, StoreError> {
        let (last,): (i64,) = sqlx::query_as(
            "INSERT INTO application_counters (day, last) VALUES ($1, 1)
             ON CONFLICT (day) DO UPDATE SET last = application_counters.last + 1
             RETURNING last",
        )
        .bind(day)
        .fetch_one(self.conn().await?)
        .await?;
        Ok(last)
    }

    /// The case an applicant already made with this idempotency key, if any.
    pub async fn application_by_key(
        &mut self,
        applicant_account: &str,
        key: &str,
    ) -> Result<Option<ApplicationRow>, StoreError> {
        Ok(
            sqlx::query_as::<Any, ApplicationRow>(sqlx::AssertSqlSafe(select(
                "WHERE applicant_account = $1 AND idempotency_key = $2",
            )))
            .bind(applicant_account)
            .bind(key)
            .fetch_optional(self.conn().await?)
            .await?,
        )
    }

    /// Stores a new case. A taken id, number or idempotency key is a conflict.
    pub async fn insert_application(&mut self, row: &ApplicationRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO applications ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&row.id)
            .bind(&row.number)
            .bind(&row.item_id)
            .bind(row.item_version)
            .bind(&row.department_id)
            .bind(&row.division_code)
            .bind(&row.applicant_account)
            .bind(&row.agent_account)
            .bind(&row.bundle_id)
            .bind(&row.channel)
            .bind(&row.status)
            .bind(&row.role_due)
            .bind(row.assigned)
            .bind(&row.step_due)
            .bind(&row.case_due)
            .bind(&row.incomplete_due)
            .bind(row.visits)
            .bind(row.revision)
            .bind(&row.idempotency_key)
            .bind(&row.state_json)
            .bind(row.created_at_ms)
            .bind(row.updated_at_ms)
            .bind(&row.submitted_on)
            .bind(&row.completed_on)
            .bind(row.step_escalated)
            .bind(&row.event_seqs)
            .execute(self.conn().await?)
            .await
            .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Replaces the named people of one kind (`signer` or `copy`) on a case.
    pub async fn set_assignees(
        &mut self,
        application_id: &str,
        kind: &str,
        accounts: &[String],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM application_assignees WHERE application_id = $1 AND kind = $2")
            .bind(application_id)
            .bind(kind)
            .execute(self.conn().await?)
            .await?;
        for account in accounts {
            sqlx::query(
                "INSERT INTO application_assignees (application_id, account_id, kind)
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(application_id)
            .bind(account)
            .bind(kind)
            .execute(self.conn().await?)
            .await?;
        }
        Ok(())
    }

    pub async fn insert_mandate(&mut self, row: &MandateRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mandates (id, agent_account, principal_account, item_ids, valid_until,
                                   created_at_ms, revoked_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&row.id)
        .bind(&row.agent_account)
        .bind(&row.principal_account)
        .bind(&row.item_ids)
        .bind(&row.valid_until)
        .bind(row.created_at_ms)
        .bind(row.revoked_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Revokes a mandate (once); `false` if it was already revoked or does not exist.
    pub async fn revoke_mandate(&mut self, id: &str, at_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE mandates SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL",
        )
        .bind(id)
        .bind(at_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_credit_flag(
        &mut self,
        account_id: &str,
        application_id: &str,
        at_ms: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credit_flags (account_id, application_id, at_ms, reason)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(application_id)
        .bind(at_ms)
        .bind(reason)
        .execute(self.conn().await?)
        .await?;
        Ok(())
    }
}

/// `(?, ?, …), (?, ?, …)` for SQLite or `($1, $2, …), ($n, …)` for PostgreSQL: the VALUES of
/// a multi-row statement of `rows` rows of `cols` columns.
pub(crate) fn values_list(engine: crate::pool::Engine, rows: usize, cols: usize) -> String {
    let mut sql = String::new();
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 1..=cols {
            if col > 1 {
                sql.push_str(", ");
            }
            match engine {
                crate::pool::Engine::Sqlite => sql.push('?'),
                crate::pool::Engine::Postgres => {
                    sql.push('$');
                    sql.push_str(&(row * cols + col).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

/// The committed revisions of the cases this process's writer wrote, so that a unit can check a
/// case's revision without reading it. Trusted only while the event chain's head is where this
/// writer left it: a batch that finds the head moved (another process committed events since,
/// and every change to a case has events) forgets the map first, so its units read revisions
/// from the table under the chain lock and a stale case fails its own unit alone. The batch's
/// UPDATE stays guarded by the revisions the units started from, and a batch whose guard fails
/// is refused whole (and this map forgotten).
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownRevisions(std::sync::Arc<std::sync::Mutex<Known>>);

#[derive(Debug, Default)]
struct Known {
    revisions: std::collections::HashMap<String, i64>,
    /// The chain head's seq after this writer's last commit; `None` before it has one.
    head_seq: Option<i64>,
}

impl KnownRevisions {
    /// Held at most; past that the map starts over.
    const CAPACITY: usize = 100_000;

    fn get(&self, id: &str) -> Option<i64> {
        self.0.lock().ok()?.revisions.get(id).copied()
    }

    /// Called with the chain head a batch begins at: forgets everything unless this writer's
    /// own last commit left the head there.
    pub(crate) fn check_head(&self, head_seq: i64) {
        if let Ok(mut known) = self.0.lock()
            && known.head_seq != Some(head_seq)
        {
            known.revisions.clear();
            known.head_seq = None;
        }
    }

    /// Records the revisions a batch committed and the chain head it left.
    pub(crate) fn remember(&self, written: Vec<(String, i64)>, head_seq: i64) {
        if let Ok(mut known) = self.0.lock() {
            if known.revisions.len() + written.len() > Self::CAPACITY {
                known.revisions.clear();
            }
            known.revisions.extend(written);
            known.head_seq = Some(head_seq);
        }
    }

    pub(crate) fn forget_all(&self) {
        if let Ok(mut known) = self.0.lock() {
            known.revisions.clear();
            known.head_seq = None;
        }
    }
}

impl WriteCtx {
    /// Queues the new state of an existing case, derived from revision `from_revision`; the
    /// batch's queued rows are written in one guarded statement before the commit (or dropped
    /// with the unit if it fails). Read it back with [`WriteCtx::application_revision`] and
    /// [`WriteCtx::bundle_states`].
    pub fn defer_application(&mut self, row: ApplicationRow, from_revision: i64) {
        self.deferred_apps.push((row, from_revision));
    }

    /// The revision a case is at inside this transaction: a row queued by an earlier unit of
    /// the batch counts, then what this writer last committed, then the table. `None` when
    /// there is no such case.
    pub async fn application_revision(&mut self, id: &str) -> Result<Option<i64>, StoreError> {
        if let Some((row, _)) = self.deferred_apps.iter().rev().find(|(r, _)| r.id == id) {
            return Ok(Some(row.revision));
        }
        if let Some(revision) = self.known.get(id) {
            return Ok(Some(revision));
        }
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT revision FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(self.read_conn()?)
                .await?;
        Ok(found.map(|(r,)| r))
    }
}

/// Writes the batch's queued case rows — the last state of each case, guarded by the revision
/// the batch started from — as multi-row UPDATEs. A case found at another revision (another
/// process wrote it) refuses the whole batch with a conflict. Returns what was written.
pub(crate) async fn flush_applications(
    conn: &mut sqlx::AnyConnection,
    engine: crate::pool::Engine,
    rows: Vec<(ApplicationRow, i64)>,
) -> Result<Vec<(String, i64)>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // The last row of each case, with the revision of the case's first queued row and the
    // event numbers of all its queued rows.
    let mut last: Vec<(ApplicationRow, i64)> = Vec::with_capacity(rows.len());
    for (mut row, base) in rows {
        match last.iter_mut().find(|(r, _)| r.id == row.id) {
            Some(slot) => {
                let mut seqs = std::mem::take(&mut slot.0.event_seqs);
                seqs.push_str(&row.event_seqs);
                row.event_seqs = seqs;
                slot.0 = row;
            }
            None => last.push((row, base)),
        }
    }
    let written: Vec<(String, i64)> = last
        .iter()
        .map(|(r, _)| (r.id.clone(), r.revision))
        .collect();
    const ROWS_PER_STATEMENT: usize = 100;
    let mut rest = last.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<(ApplicationRow, i64)> = rest.by_ref().take(ROWS_PER_STATEMENT).collect();
        let expected = chunk.len() as u64;
        let sql = format!(
            "UPDATE applications SET
                status = v.column3, role_due = v.column4, assigned = v.column5,
                step_due = v.column6, case_due = v.column7, incomplete_due = v.column8,
                visits = v.column9, revision = v.column10, state_json = v.column11,
                updated_at_ms = v.column12, submitted_on = v.column13, completed_on = v.column14,
                step_escalated = v.column15,
                event_seqs = applications.event_seqs || v.column16
              FROM (VALUES {}) AS v
             WHERE applications.id = v.column1 AND applications.revision = v.column2",
            values_list(engine, chunk.len(), 16)
        );
        // Built from constants and placeholders only.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (row, base) in chunk {
            query = query
                .bind(row.id)
                .bind(base)
                .bind(row.status)
                .bind(row.role_due)
                .bind(row.assigned)
                .bind(row.step_due)
                .bind(row.case_due)
                .bind(row.incomplete_due)
                .bind(row.visits)
                .bind(row.revision)
                .bind(row.state_json)
                .bind(row.updated_at_ms)
                .bind(row.submitted_on)
                .bind(row.completed_on)
                .bind(row.step_escalated)
                .bind(row.event_seqs);
        }
        let done = query.execute(&mut *conn).await?;
        if done.rows_affected() != expected {
            return Err(StoreError::Conflict(
                "a case was changed elsewhere since this batch read it".into(),
            ));
        }
    }
    Ok(written)
}
