//! The staff work list of the catalogue: the drafts and versions in review in the caller's
//! scope (a department administrator's department, a system administrator's division). Read-only.

use tongban_domain::Role;
use tongban_domain::catalog::ItemStatus;
use tongban_store::VersionScope;

use crate::App;
use crate::catalog::{ItemSummary, summary};
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

impl App {
    /// Drafts and versions in review that `who` may act on, newest first, at most `limit`.
    /// Department and system administrators only.
    pub async fn open_item_versions(
        &self,
        who: &Principal,
        limit: i64,
    ) -> Result<Vec<ItemSummary>, AppError> {
        let unit = who.require_role(&[Role::DeptAdmin, Role::SystemAdmin])?;
        let scope = match (who.role(), unit) {
            (Some(Role::DeptAdmin), OrgUnit::Department { id, .. }) => {
                VersionScope::Departments(vec![id.clone()])
            }
            (Some(Role::DeptAdmin), _) => VersionScope::Departments(Vec::new()),
            _ => VersionScope::DivisionPrefix(unit.division().significant_prefix().to_string()),
        };
        let statuses = [ItemStatus::Draft, ItemStatus::InReview];
        self.store
            .versions_in_status(&statuses, &scope, limit)
            .await?
            .into_iter()
            .map(summary)
            .collect()
    }
}
