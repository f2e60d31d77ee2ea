//! The page chrome every template shares: the catalogue, who is signed in, the CSRF token and
//! whether the 长者版 (elder mode) is on. Also the stand-alone error page.

use askama::Template;
use tongban_app::Principal;
use tongban_domain::Role;

use crate::error::PendingError;
use crate::i18n::Catalog;

/// Who is signed in, as the header shows it.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub is_staff: bool,
    pub is_admin: bool,
    pub is_auditor: bool,
    pub role_name: &'static str,
    /// Approvers, department admins and system admins manage licences (证照管理).
    pub manages_licences: bool,
}

#[derive(Debug, Clone)]
pub struct Chrome {
    pub elder: bool,
    pub csrf: String,
    pub user: Option<UserBadge>,
    /// The current path, for the mode switch to come back to.
    pub path: String,
}

impl Chrome {
    /// A message from the catalogue.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        Catalog::zh_cn().get(key)
    }

    pub fn for_principal(
        principal: Option<&Principal>,
        csrf: String,
        elder: bool,
        path: String,
    ) -> Chrome {
        let user = principal.map(|p| UserBadge {
            name: p.display_name().to_string(),
            is_staff: p.is_staff(),
            is_admin: p.role() == Some(Role::SystemAdmin),
            is_auditor: matches!(p.role(), Some(Role::SystemAdmin | Role::BureauSupervisor)),
            role_name: p.role().map(Role::name_zh).unwrap_or(""),
            manages_licences: matches!(
                p.role(),
                Some(Role::Approver | Role::DeptAdmin | Role::SystemAdmin)
            ),
        });
        Chrome {
            elder,
            csrf,
            user,
            path,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    c: Chrome,
    status: u16,
    message: &'a str,
    request_id: &'a str,
    login_needed: bool,
}

/// The error page. It has no session, so it shows the anonymous header.
pub fn error_page(pending: &PendingError, request_id: &str) -> String {
    let template = ErrorTemplate {
        c: Chrome {
            elder: false,
            csrf: String::new(),
            user: None,
            path: "/".into(),
        },
        status: pending.status.as_u16(),
        message: &pending.message,
        request_id,
        login_needed: pending.status.as_u16() == 401,
    };
    template
        .render()
        .unwrap_or_else(|_| format!("{} (request {request_id})", pending.message))
}
