//! Small read-only look-ups the pages need: one division and its path, the name of a staff
//! member's unit, dashboard counts and the newest events. No writes, no business rules.

use tongban_domain::{DivisionCode, Role};
use tongban_store::DivisionRow;

use crate::App;
use crate::audit::EventView;
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

const AUDITORS: [Role; 2] = [Role::SystemAdmin, Role::BureauSupervisor];

/// Counts for the administration dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminOverview {
    /// (level code 1–6, number of divisions), by level.
    pub divisions_by_level: Vec<(i64, i64)>,
    /// (hall kind code, number of halls), by kind.
    pub halls_by_kind: Vec<(String, i64)>,
    /// (account kind code, number of accounts), by kind.
    pub accounts_by_kind: Vec<(String, i64)>,
}

impl App {
    /// One division by its 12-digit code.
    pub async fn division(&self, code: &str) -> Result<DivisionRow, AppError> {
        let parsed = DivisionCode::parse(code)
            .map_err(|e| AppError::field("code", "division_code", e.to_string()))?;
        self.store
            .division(parsed.as_str())
            .await?
            .ok_or(AppError::NotFound("该行政区划"))
    }

    /// The divisions directly under one division, by code.
    pub async fn child_divisions(&self, code: &str) -> Result<Vec<DivisionRow>, AppError> {
        let parsed = DivisionCode::parse(code)
            .map_err(|e| AppError::field("code", "division_code", e.to_string()))?;
        Ok(self.store.child_divisions(Some(parsed.as_str())).await?)
    }

    /// From the top of the tree down to and including this division (for breadcrumbs).
    pub async fn division_path(&self, code: &str) -> Result<Vec<DivisionRow>, AppError> {
        let mut path = vec![self.division(code).await?];
        let mut next = path.first().and_then(|d| d.parent_code.clone());
        while let Some(code) = next {
            let Some(row) = self.store.division(&code).await? else {
                break;
            };
            next = row.parent_code.clone();
            path.push(row);
        }
        path.reverse();
        Ok(path)
    }

    /// The name of a staff member's unit: a department, a hall or a division.
    pub async fn unit_name(&self, unit: &OrgUnit) -> Result<String, AppError> {
        Ok(match unit {
            OrgUnit::Division { code } => self.division(code.as_str()).await?.name,
            OrgUnit::Department { id, .. } => self.department(id).await?.name,
            OrgUnit::Hall { id, .. } => self.hall(id).await?.name,
        })
    }

    /// Counts of divisions, halls and accounts (system administrators and supervisors).
    pub async fn admin_overview(&self, who: &Principal) -> Result<AdminOverview, AppError> {
        who.require_role(&AUDITORS)?;
        Ok(AdminOverview {
            divisions_by_level: self.store.count_divisions_by_level().await?,
            halls_by_kind: self.store.count_halls_by_kind().await?,
            accounts_by_kind: self.store.count_accounts_by_kind().await?,
        })
    }

    /// The newest `n` events, oldest first (system administrators and supervisors).
    pub async fn recent_events(&self, who: &Principal, n: i64) -> Result<Vec<EventView>, AppError> {
        who.require_role(&AUDITORS)?;
        let n = n.clamp(1, 1_000);
        let head = self.store.head_seq().await?;
        self.events_after(who, (head - n).max(0), n).await
    }
}
