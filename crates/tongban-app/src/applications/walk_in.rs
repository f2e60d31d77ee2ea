//! A walk-in applicant at a hall window: the clerk finds the applicant's account by login, or
//! registers a citizen who has none (with a first password shown once), before starting a case
//! for them on the window channel.

use tongban_domain::{AccountKind, Role};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;
use crate::registration::{CitizenRegistration, initial_password};

/// The applicant a clerk found: the account id to start the case for and the masked name.
#[derive(Debug, Clone)]
pub struct WalkInApplicant {
    pub account_id: String,
    pub login: String,
    pub name_masked: String,
}

/// A citizen a clerk registered at the window, with the first password to hand over once.
#[derive(Debug, Clone)]
pub struct WalkInRegistered {
    pub applicant: WalkInApplicant,
    pub initial_password: String,
}

impl App {
    /// A window clerk registers a walk-in citizen (real name, 公民身份号码, mobile): the same
    /// checks as self-registration, each wrong field named; the event names the clerk.
    pub async fn register_walk_in(
        &self,
        who: &Principal,
        real_name: &str,
        id_number: &str,
        phone: &str,
    ) -> Result<WalkInRegistered, AppError> {
        who.require_role(&[Role::WindowClerk])?;
        let password = initial_password();
        let form = CitizenRegistration {
            real_name: real_name.to_string(),
            id_number: id_number.to_string(),
            phone: phone.to_string(),
            password: password.clone(),
        };
        let (login, account_id) = self
            .create_citizen(form, Some(who.account_id().to_string()))
            .await?;
        Ok(WalkInRegistered {
            applicant: WalkInApplicant {
                account_id,
                login,
                name_masked: tongban_domain::mask_name(real_name.trim()),
            },
            initial_password: password,
        })
    }

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
