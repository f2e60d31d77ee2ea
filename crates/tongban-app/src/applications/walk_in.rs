//! A walk-in applicant at a hall window: the clerk finds the applicant's account by login
//! before starting a case for them on the window channel.

use tongban_domain::{AccountKind, Role};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// The applicant a clerk found: the account id to start the case for and the masked name.
#[derive(Debug, Clone)]
pub struct WalkInApplicant {
    pub account_id: String,
    pub login: String,
    pub name_masked: String,
}

impl App {
    /// A window clerk looks up a citizen's or enterprise's account by its login.
    pub async fn find_applicant(
        &self,
        who: &Principal,
        login: &str,
    ) -> Result<WalkInApplicant, AppError> {
        who.require_role(&[Role::WindowClerk])?;
        let login = login.trim();
        let not_found = || {
            AppError::field(
                "login",
                "application.applicant_not_found",
                "未找到该申请人账号，请核对登录名；没有账号的群众请先协助其注册",
            )
        };
        if login.is_empty() {
            return Err(not_found());
        }
        let row = self
            .store
            .account_by_login(login)
            .await?
            .filter(|a| a.disabled == 0)
            .filter(|a| AccountKind::parse(&a.kind).is_some_and(|k| k != AccountKind::Staff))
            .ok_or_else(not_found)?;
        Ok(WalkInApplicant {
            account_id: row.id,
            login: row.login,
            name_masked: tongban_domain::mask_name(&row.display_name),
        })
    }
}
