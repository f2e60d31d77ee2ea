//! Staff roles and account kinds, with stable codes and Chinese names.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A role a staff account can hold. Codes are stable (stored in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    SystemAdmin,
    /// 局督查人员
    BureauSupervisor,
    /// 部门管理员
    DeptAdmin,
    /// 窗口人员
    WindowClerk,
    /// 审查人员
    Reviewer,
    /// 审批人员
    Approver,
    /// 好差评处理人员
    EvaluationHandler,
    /// 帮代办员
    Runner,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 8] = [
        Role::SystemAdmin,
        Role::BureauSupervisor,
        Role::DeptAdmin,
        Role::WindowClerk,
        Role::Reviewer,
        Role::Approver,
        Role::EvaluationHandler,
        Role::Runner,
    ];

    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::BureauSupervisor => "bureau_supervisor",
            Role::DeptAdmin => "dept_admin",
            Role::WindowClerk => "window_clerk",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::EvaluationHandler => "evaluation_handler",
            Role::Runner => "runner",
        }
    }

    /// Inverse of [`Self::code`].
    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Chinese display name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::BureauSupervisor => "局督查人员",
            Role::DeptAdmin => "部门管理员",
            Role::WindowClerk => "窗口人员",
            Role::Reviewer => "审查人员",
            Role::Approver => "审批人员",
            Role::EvaluationHandler => "好差评处理人员",
            Role::Runner => "帮代办员",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

/// Who an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// 工作人员
    Staff,
    /// 自然人
    Citizen,
    /// 法人
    Enterprise,
}

impl AccountKind {
    /// Every account kind.
    pub const ALL: [AccountKind; 3] = [
        AccountKind::Staff,
        AccountKind::Citizen,
        AccountKind::Enterprise,
    ];

    /// Stable code: "staff", "citizen" or "enterprise".
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Staff => "staff",
            AccountKind::Citizen => "citizen",
            AccountKind::Enterprise => "enterprise",
        }
    }

    /// Inverse of [`Self::code`].
    pub fn parse(s: &str) -> Option<AccountKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Chinese display name.
    pub fn name_zh(self) -> &'static str {
        match self {
            AccountKind::Staff => "工作人员",
            AccountKind::Citizen => "自然人",
            AccountKind::Enterprise => "法人",
        }
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse("System_Admin"), None);
    }

    #[test]
    fn role_codes_and_names_are_the_agreed_ones() {
        let codes: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "system_admin",
                "bureau_supervisor",
                "dept_admin",
                "window_clerk",
                "reviewer",
                "approver",
                "evaluation_handler",
                "runner"
            ]
        );
        assert_eq!(Role::EvaluationHandler.name_zh(), "好差评处理人员");
        assert_eq!(Role::Runner.to_string(), "帮代办员");
    }

    #[test]
    fn serde_uses_the_same_codes_as_code() {
        for r in Role::ALL {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
        for k in AccountKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.code()));
        }
    }

    #[test]
    fn account_kinds_round_trip() {
        for k in AccountKind::ALL {
            assert_eq!(AccountKind::parse(k.code()), Some(k));
        }
        assert_eq!(AccountKind::parse("admin"), None);
    }
}
