//! Who is acting: a member of staff scoped to an organisation unit, a citizen or an enterprise.
//! Authorization rules that depend only on the principal live here.

use tongban_domain::{DivisionCode, Role};

use crate::error::AppError;

/// The organisation unit a member of staff belongs to, with the division it sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgUnit {
    Division { code: DivisionCode },
    Department { id: String, division: DivisionCode },
    Hall { id: String, division: DivisionCode },
}

impl OrgUnit {
    /// The division whose subtree this unit covers.
    pub fn division(&self) -> &DivisionCode {
        match self {
            OrgUnit::Division { code } => code,
            OrgUnit::Department { division, .. } | OrgUnit::Hall { division, .. } => division,
        }
    }

    pub fn kind_code(&self) -> &'static str {
        match self {
            OrgUnit::Division { .. } => "division",
            OrgUnit::Department { .. } => "department",
            OrgUnit::Hall { .. } => "hall",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            OrgUnit::Division { code } => code.as_str(),
            OrgUnit::Department { id, .. } | OrgUnit::Hall { id, .. } => id,
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Staff {
        account_id: String,
        login: String,
        name: String,
        role: Role,
        unit: OrgUnit,
    },
    Citizen {
        account_id: String,
        login: String,
        name: String,
    },
    Enterprise {
        account_id: String,
        login: String,
        name: String,
    },
}

impl Principal {
    pub fn account_id(&self) -> &str {
        match self {
            Principal::Staff { account_id, .. }
            | Principal::Citizen { account_id, .. }
            | Principal::Enterprise { account_id, .. } => account_id,
        }
    }

    pub fn display_name(&self) -> &str {
        match self {
            Principal::Staff { name, .. }
            | Principal::Citizen { name, .. }
            | Principal::Enterprise { name, .. } => name,
        }
    }

    pub fn kind_code(&self) -> &'static str {
        match self {
            Principal::Staff { .. } => "staff",
            Principal::Citizen { .. } => "citizen",
            Principal::Enterprise { .. } => "enterprise",
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Staff { role, .. } => Some(*role),
            _ => None,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Principal::Staff { .. })
    }

    /// Staff in one of `roles`; returns their unit.
    pub fn require_role(&self, roles: &[Role]) -> Result<&OrgUnit, AppError> {
        match self {
            Principal::Staff { role, unit, .. } if roles.contains(role) => Ok(unit),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Staff in one of `roles` whose unit's division covers `target`.
    pub fn require_scope(
        &self,
        roles: &[Role],
        target: &DivisionCode,
    ) -> Result<&OrgUnit, AppError> {
        let unit = self.require_role(roles)?;
        if target.is_within(unit.division()) {
            Ok(unit)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Staff in one of `roles` whose unit covers the whole city (or more): for the records that
    /// are one for the whole city and cannot be cut by county (the audit log, the outbox, the
    /// lists, every department's licences at once).
    pub fn require_city_level(&self, roles: &[Role]) -> Result<&OrgUnit, AppError> {
        let unit = self.require_role(roles)?;
        if unit.division().level() > tongban_domain::AdminLevel::City {
            return Err(AppError::Forbidden);
        }
        Ok(unit)
    }

    /// Any member of staff.
    pub fn require_staff(&self) -> Result<&OrgUnit, AppError> {
        match self {
            Principal::Staff { unit, .. } => Ok(unit),
            _ => Err(AppError::Forbidden),
        }
    }
}
