//! Self-registration of citizens (real name + 公民身份号码) and enterprises (统一社会信用代码).

use serde_json::json;
use tongban_domain::{ResidentIdNumber, Uscc};
use tongban_store::{AccountRow, CitizenProfileRow, EnterpriseProfileRow, NewEvent};

use crate::App;
use crate::auth::hash_off_thread;
use crate::error::AppError;
use crate::org::collect;

#[derive(Debug, Clone, Default)]
pub struct CitizenRegistration {
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
    pub password: String,
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseRegistration {
    pub name: String,
    pub uscc: String,
    pub legal_rep_name: String,
    pub password: String,
}

impl App {
    /// Creates a citizen account. Returns the new account's login name. Every wrong field is
    /// reported at once, each with what to fix.
    pub async fn register_citizen(&self, form: CitizenRegistration) -> Result<String, AppError> {
        self.create_citizen(form, None)
            .await
            .map(|(login, _)| login)
    }

    /// Creates a citizen account; `registered_by` is the window clerk who registered a walk-in
    /// applicant (the event's actor), `None` for self-registration. Returns login and account id.
    pub(crate) async fn create_citizen(
        &self,
        form: CitizenRegistration,
        registered_by: Option<String>,
    ) -> Result<(String, String), AppError> {
        let mut errors = Vec::new();
        let name = collect(&mut errors, person_name("real_name", &form.real_name));
        let id = collect(
            &mut errors,
            ResidentIdNumber::parse(&form.id_number, self.today())
                .map_err(|e| AppError::field("id_number", e.code(), e.to_string())),
        );
        let phone = collect(&mut errors, mobile("phone", &form.phone));
        let password = collect(&mut errors, password_policy(&form.password));
        let (Some(name), Some(id), Some(phone), Some(password)) = (name, id, phone, password)
        else {
            return Err(AppError::fields(errors));
        };
        let key = self.id_number_key(id.as_str());
        let account_id = uuid::Uuid::now_v7().to_string();
        let new_id = account_id.clone();
        let login = format!("c{}", &key[..10.min(key.len())]);
        let at_ms = self.now_ms();
        let account = AccountRow {
            id: account_id.clone(),
            kind: "citizen".into(),
            login: login.clone(),
            display_name: name.clone(),
            password_hash: hash_off_thread(password).await?,
            role: None,
            unit_kind: None,
            unit_id: None,
            disabled: 0,
            created_at_ms: at_ms,
        };
        let profile = CitizenProfileRow {
            account_id: account_id.clone(),
            real_name: name,
            id_number: id.as_str().to_string(),
            id_number_key: key,
            phone,
            division_code: None,
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_account(&account).await?;
                    ctx.insert_citizen_profile(&profile).await?;
                    let (actor, channel) = match registered_by {
                        Some(clerk) => (clerk, "window"),
                        None => (account.id.clone(), "self"),
                    };
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "account.registered".into(),
                        entity_type: "account".into(),
                        entity_id: account.id.clone(),
                        payload: json!({ "kind": "citizen", "login": account.login,
                                         "channel": channel }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => AppError::field(
                    "id_number",
                    "id_number.registered",
                    "该身份证号已注册，请直接登录；如忘记密码，请到就近便民服务中心办理",
                ),
                other => other,
            })?;
        Ok((login, new_id))
    }

    /// Creates an enterprise account; its login is the USCC.
    pub async fn register_enterprise(
        &self,
        form: EnterpriseRegistration,
    ) -> Result<String, AppError> {
        let mut errors = Vec::new();
        let name = collect(&mut errors, crate::org::required("name", &form.name, 100));
        let uscc = collect(
            &mut errors,
            Uscc::parse(&form.uscc).map_err(|e| AppError::field("uscc", e.code(), e.to_string())),
        );
        let legal_rep = collect(
            &mut errors,
            person_name("legal_rep_name", &form.legal_rep_name),
        );
        let password = collect(&mut errors, password_policy(&form.password));
        let (Some(name), Some(uscc), Some(legal_rep), Some(password)) =
            (name, uscc, legal_rep, password)
        else {
            return Err(AppError::fields(errors));
        };
        let account_id = uuid::Uuid::now_v7().to_string();
        let login = uscc.as_str().to_string();
        let at_ms = self.now_ms();
        let account = AccountRow {
            id: account_id.clone(),
            kind: "enterprise".into(),
            login: login.clone(),
            display_name: name.clone(),
            password_hash: hash_off_thread(password).await?,
            role: None,
            unit_kind: None,
            unit_id: None,
            disabled: 0,
            created_at_ms: at_ms,
        };
        let profile = EnterpriseProfileRow {
            account_id,
            name,
            uscc: login.clone(),
            legal_rep_name: legal_rep,
            division_code: None,
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_account(&account).await?;
                    ctx.insert_enterprise_profile(&profile).await?;
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor: account.id.clone(),
                        action: "account.registered".into(),
                        entity_type: "account".into(),
                        entity_id: account.id.clone(),
                        payload: json!({ "kind": "enterprise", "uscc": profile.uscc }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => AppError::field(
                    "uscc",
                    "uscc.registered",
                    "该统一社会信用代码已注册，请直接登录",
                ),
                other => other,
            })?;
        Ok(login)
    }
}

/// A person's name: 2–30 characters, Chinese characters, letters, spaces or the middle dot.
fn person_name(field: &'static str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    let count = value.chars().count();
    let allowed = value
        .chars()
        .all(|c| c.is_alphabetic() || c == '·' || c == ' ');
    if !(2..=30).contains(&count) || !allowed {
        return Err(AppError::field(
            field,
            "person_name",
            "请填写 2 到 30 个字的真实姓名（可含“·”）",
        ));
    }
    Ok(value.to_string())
}

/// An 11-digit mobile number starting with 1.
fn mobile(field: &'static str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.len() != 11 || !value.starts_with('1') || !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::field(
            field,
            "mobile",
            "请填写 11 位手机号码，如 13812348000",
        ));
    }
    Ok(value.to_string())
}

/// A first password for an account a clerk registered: 10 characters from an alphabet
/// without look-alikes, with letters and digits, to be changed at first sign-in.
pub(crate) fn initial_password() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    let bytes: [u8; 10] = rand::random();
    bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let set = if i % 2 == 0 { LETTERS } else { DIGITS };
            char::from(set[usize::from(*b) % set.len()])
        })
        .collect()
}

/// At least 8 characters, with a letter and a digit.
fn password_policy(value: &str) -> Result<String, AppError> {
    let long_enough = (8..=128).contains(&value.chars().count());
    let letter = value.chars().any(|c| c.is_ascii_alphabetic());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    if !(long_enough && letter && digit) {
        return Err(AppError::field(
            "password",
            "password_weak",
            "密码至少 8 位，且须同时包含字母和数字",
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_the_rule() {
        assert!(password_policy("12345678").is_err());
        assert!(password_policy("abcdefgh").is_err());
        assert!(password_policy("abc123").is_err());
        assert!(password_policy("Tongban2026").is_ok());
    }

    #[test]
    fn an_initial_password_meets_the_policy() {
        let first = initial_password();
        assert!(password_policy(&first).is_ok(), "{first}");
        assert_ne!(first, initial_password());
    }

    #[test]
    fn names_and_mobiles_are_checked() {
        assert!(person_name("n", "张三").is_ok());
        assert!(person_name("n", "阿依古丽·买买提").is_ok());
        assert!(person_name("n", "张").is_err());
        assert!(person_name("n", "张3").is_err());
        assert!(mobile("p", "13812348000").is_ok());
        assert!(mobile("p", "2381234800").is_err());
    }
}
