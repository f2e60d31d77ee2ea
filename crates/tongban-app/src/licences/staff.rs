//! The issuing department's desk: its licences (filtered, paged, holders masked, counts by
//! state), one licence with its 用证记录 as the issuer sees it, the types it issues and its
//! signing keys. Approvers and department admins of the department, or a system admin.

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::licence::{LicenceState, LicenceType};
use tongban_store::{DepartmentRow, LicenceFilter, UsageRow};

use super::import::issuing_department;
use super::keys::PublishedKey;
use super::view::{LicenceView, mask_code, status_of};
use crate::{App, AppError, Principal};

/// Licences per page of the desk.
pub const DESK_PAGE_SIZE: i64 = 20;

/// What the desk lists: a department (system admin: `None` = every department), a type, a
/// state (`active`, `suspended`, `revoked`) and a 1-based page.
#[derive(Debug, Clone, Default)]
pub struct DeskQuery {
    pub department_id: Option<String>,
    pub type_code: Option<String>,
    pub state: Option<String>,
    pub page: u32,
}

/// One licence in the desk's list.
#[derive(Debug, Clone, Serialize)]
pub struct DeskRow {
    pub id: String,
    pub name: String,
    pub number: String,
    pub holder_name_masked: String,
    pub holder_code_masked: String,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub status_label: String,
    pub source: String,
    pub has_warning: bool,
}

/// A page of the desk.
#[derive(Debug, Clone, Serialize)]
pub struct DeskPage {
    /// `None` for a system admin looking at every department.
    pub department: Option<(String, String)>,
    pub rows: Vec<DeskRow>,
    /// Licences matching the filters.
    pub total: i64,
    /// Of the department (type filter applied): (state, count) for active, suspended, revoked.
    pub counts: Vec<(String, i64)>,
    pub page: u32,
    pub pages: u32,
    /// The types the department issues (every type for a system admin without a department).
    pub types: Vec<LicenceType>,
}

/// The signing keys of a department.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentKeys {
    pub department_id: String,
    pub department_name: String,
    /// The key new licences are signed with (none until the first licence).
    pub current: Option<PublishedKey>,
    pub retired: Vec<PublishedKey>,
    /// Whether the caller may rotate the key.
    pub can_rotate: bool,
}

fn require_desk(who: &Principal) -> Result<(), AppError> {
    who.require_role(&[Role::Approver, Role::DeptAdmin, Role::SystemAdmin])
        .map(|_| ())
}

impl App {
    /// The department a member of staff issues for (their own; a system admin names one).
    pub async fn licence_desk_department(
        &self,
        who: &Principal,
        department_id: Option<&str>,
    ) -> Result<DepartmentRow, AppError> {
        issuing_department(self, who, department_id).await
    }

    /// The types `department_id` issues.
    pub async fn types_issued_by(&self, department_id: &str) -> Result<Vec<LicenceType>, AppError> {
        Ok(self
            .licence_types()
            .await?
            .into_iter()
            .filter(|t| t.issuing_department_ids.iter().any(|d| d == department_id))
            .collect())
    }

    /// The departments that issue some type: (id, name), for a system admin's choice.
    pub async fn issuing_departments(&self) -> Result<Vec<(String, String)>, AppError> {
        let mut ids: Vec<String> = self
            .licence_types()
            .await?
            .into_iter()
            .flat_map(|t| t.issuing_department_ids)
            .collect();
        ids.sort();
        ids.dedup();
        let names: std::collections::HashMap<String, String> =
            self.store.department_names().await?.into_iter().collect();
        Ok(ids
            .into_iter()
            .map(|id| {
                let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
                (id, name)
            })
            .collect())
    }

    /// A page of the department's licences, newest first.
    pub async fn licence_desk(&self, who: &Principal, q: DeskQuery) -> Result<DeskPage, AppError> {
        require_desk(who)?;
        // Every department's licences at once: a city-level system administrator only; one below
        // names a department within their division.
        let wants_all = who.require_city_level(&[Role::SystemAdmin]).is_ok()
            && q.department_id
                .as_deref()
                .is_none_or(|d| d.trim().is_empty());
        let department = if wants_all {
            None
        } else {
            Some(issuing_department(self, who, q.department_id.as_deref()).await?)
        };
        let types = match &department {
            Some(d) => self.types_issued_by(&d.id).await?,
            None => self.licence_types().await?,
        };
        let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let state = blank(q.state).filter(|s| LicenceState::parse(s).is_some());
        let page = q.page.max(1);
        let filter = LicenceFilter {
            type_code: blank(q.type_code),
            issuer_department_id: department.as_ref().map(|d| d.id.clone()),
            state: state.clone(),
            holder_key: None,
            offset: i64::from(page - 1) * DESK_PAGE_SIZE,
            limit: DESK_PAGE_SIZE,
        };
        let (rows, total) = self.store.licences_page(&filter).await?;
        let mut counts = Vec::new();
        for s in ["active", "suspended", "revoked"] {
            let f = LicenceFilter {
                state: Some(s.into()),
                offset: 0,
                limit: 1,
                ..filter.clone()
            };
            counts.push((s.to_string(), self.store.licences_page(&f).await?.1));
        }
        let today = self.today();
        let rows = rows
            .into_iter()
            .map(|r| {
                let status = status_of(&r.state, &r.valid_from, r.valid_until.as_deref(), today)?;
                Ok(DeskRow {
                    holder_name_masked: App::masked_holder(&r.holder_name),
                    holder_code_masked: mask_code(&r.holder_code),
                    status_label: status.label().to_string(),
                    has_warning: !r.warning.is_empty(),
                    id: r.id,
                    name: r.name,
                    number: r.number,
                    issued_on: r.issued_on,
                    valid_until: r.valid_until,
                    source: r.source,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let pages = u32::try_from((total + DESK_PAGE_SIZE - 1) / DESK_PAGE_SIZE)
            .unwrap_or(u32::MAX)
            .max(1);
        Ok(DeskPage {
            department: department.map(|d| (d.id, d.name)),
            rows,
            total,
            counts,
            page,
            pages,
            types,
        })
    }

    /// A licence as its issuer sees it, with its latest uses. Staff of the issuing department
    /// (approver or department admin) or a system admin; the read is recorded.
    pub async fn licence_for_issuer(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<(LicenceView, Vec<UsageRow>), AppError> {
        require_desk(who)?;
        let view = self.licence_view(who, id).await?;
        let usages = self.store.usages_of_licence(&view.id, 100).await?;
        Ok((view, usages))
    }

    /// A department's current and retired signing keys.
    pub async fn department_keys(
        &self,
        who: &Principal,
        department_id: Option<&str>,
    ) -> Result<DepartmentKeys, AppError> {
        let dept = issuing_department(self, who, department_id).await?;
        let (current, retired): (Vec<PublishedKey>, Vec<PublishedKey>) = self
            .published_keys()
            .await?
            .into_iter()
            .filter(|k| k.department_id == dept.id)
            .partition(|k| k.retired_at_ms.is_none());
        Ok(DepartmentKeys {
            department_id: dept.id,
            department_name: dept.name,
            current: current.into_iter().next(),
            retired,
            can_rotate: matches!(who.role(), Some(Role::SystemAdmin | Role::DeptAdmin)),
        })
    }
}
