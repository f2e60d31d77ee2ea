//! The staff work list of the catalogue: item versions in some statuses (drafts, versions in
//! review) within one department or one division's subtree, newest first.

use tongban_domain::catalog::ItemStatus;

use crate::catalog::ItemHitRow;
use crate::error::StoreError;
use crate::org::escape_like;
use crate::pool::Store;

/// Whose item versions a work list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionScope {
    /// The items of these departments.
    Departments(Vec<String>),
    /// The items of every department whose division code starts with this prefix (the
    /// significant digits of a division: a whole subtree).
    DivisionPrefix(String),
}

/// `$1` … `$4` are statuses (repeated to fill), `$5` a department id ('' = any), `$6` a
/// division-code pattern, `$7` the limit.
const IN_STATUS: &str = "SELECT v.item_id, v.version, v.status, v.name, v.item_type, v.level,
        v.department_id, d.name AS department_name, v.promised_limit_days, v.legal_limit_days,
        v.online_level, v.visits
   FROM item_versions v
   JOIN departments d ON d.id = v.department_id
  WHERE v.status IN ($1, $2, $3, $4)
    AND ($5 = '' OR v.department_id = $5)
    AND d.division_code LIKE $6
  ORDER BY v.created_at_ms DESC, v.item_id, v.version DESC
  LIMIT $7";

impl Store {
    /// Versions whose status is one of `statuses`, in `scope`, newest first (department by
    /// department, in the order given), at most `limit` in all (at most 1,000). No statuses or
    /// no departments: nothing.
    pub async fn versions_in_status(
        &self,
        statuses: &[ItemStatus],
        scope: &VersionScope,
        limit: i64,
    ) -> Result<Vec<ItemHitRow>, StoreError> {
        let Some(first) = statuses.first() else {
            return Ok(Vec::new());
        };
        let status = |i: usize| statuses.get(i).unwrap_or(first).code();
        let limit = limit.clamp(0, 1_000);
        let (departments, pattern) = match scope {
            VersionScope::Departments(ids) => (ids.clone(), "%".to_string()),
            VersionScope::DivisionPrefix(prefix) => {
                (vec![String::new()], format!("{}%", escape_like(prefix)))
            }
        };
        let mut rows: Vec<ItemHitRow> = Vec::new();
        for department in departments
            .iter()
            .filter(|d| matches!(scope, VersionScope::DivisionPrefix(_)) || !d.is_empty())
        {
            let found: Vec<ItemHitRow> = sqlx::query_as(IN_STATUS)
                .bind(status(0))
                .bind(status(1))
                .bind(status(2))
                .bind(status(3))
                .bind(department.clone())
                .bind(pattern.clone())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            rows.extend(found);
        }
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(rows)
    }
}
