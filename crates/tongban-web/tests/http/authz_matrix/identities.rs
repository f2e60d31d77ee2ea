//! The identities of the matrix, one column each: anonymous, the citizen who owns the case and
//! the licence, another citizen, an enterprise, then every staff role twice — `+` in the unit
//! the records belong to (巴州区 511902: its hall, its market regulator, its division; the city
//! for the city-wide roles), `-` in another unit (恩阳区 511903).

use tongban_domain::Role;

use crate::support::{CITIZEN_PW, PASSWORD, TestApp};

/// Column headers, in the order of the letters of a matrix row.
pub const COLUMNS: [&str; 20] = [
    "anon", "citizen", "citizen2", "ent", "admin+", "admin-", "superv+", "superv-", "dept+",
    "dept-", "clerk+", "clerk-", "review+", "review-", "approv+", "approv-", "handler+",
    "handler-", "runner+", "runner-",
];

/// The staff accounts: role, the login in the records' unit and the one in another unit.
/// Accounts marked `Add` do not exist in the demo city and are added (role, unit kind, unit).
const STAFF: [(Role, Account, Account); 8] = [
    (
        Role::SystemAdmin,
        Account::Demo("admin"),
        Account::Add("admin-511903", "division", "511903000000"),
    ),
    (
        Role::BureauSupervisor,
        Account::Demo("supervisor"),
        Account::Add("supervisor-511903", "division", "511903000000"),
    ),
    (
        Role::DeptAdmin,
        Account::Add("deptadmin-511902-scjgj", "department", "511902-scjgj"),
        Account::Add("deptadmin-511903-scjgj", "department", "511903-scjgj"),
    ),
    (
        Role::WindowClerk,
        Account::Demo("clerk-511902-1"),
        Account::Demo("clerk-511903-1"),
    ),
    (
        Role::Reviewer,
        Account::Demo("reviewer-511902-scjgj"),
        Account::Demo("reviewer-511903-scjgj"),
    ),
    (
        Role::Approver,
        Account::Demo("approver-511902-scjgj"),
        Account::Demo("approver-511903-scjgj"),
    ),
    (
        Role::EvaluationHandler,
        Account::Demo("handler-511902"),
        Account::Demo("handler-511903"),
    ),
    (
        Role::Runner,
        Account::Demo("runner"),
        Account::Add("runner-511903", "hall", "hall-511903"),
    ),
];

#[derive(Clone, Copy)]
enum Account {
    Demo(&'static str),
    Add(&'static str, &'static str, &'static str),
}

/// A signed-in (or anonymous) caller: bearer token and session cookie are the same token.
pub struct Identity {
    pub token: Option<String>,
    pub csrf: String,
    anon_id: String,
}

impl Identity {
    pub fn cookie(&self) -> String {
        match &self.token {
            Some(token) => format!("tb_session={token}; tb_anon={}", self.anon_id),
            None => format!("tb_anon={}", self.anon_id),
        }
    }
}

async fn signed_in(app: &TestApp, login: &str, password: &str) -> Identity {
    let token = app.token(login, password).await;
    let session = app.app.session(&token).await.unwrap().unwrap();
    Identity {
        token: Some(token),
        csrf: session.csrf_token,
        anon_id: "a".repeat(32),
    }
}

/// Every identity, in the order of [`COLUMNS`]; every role of `Role::ALL` is there.
pub async fn identities(app: &TestApp) -> Vec<Identity> {
    let anon_id = "b".repeat(32);
    let mut out = vec![
        Identity {
            token: None,
            csrf: app.app.anonymous_csrf(&anon_id),
            anon_id,
        },
        signed_in(app, "citizen", CITIZEN_PW).await,
        signed_in(app, "c00001", CITIZEN_PW).await,
        signed_in(app, "enterprise", tongban_demo::ENTERPRISE_PASSWORD).await,
    ];
    for role in Role::ALL {
        let (_, own, other) = STAFF
            .iter()
            .find(|(r, _, _)| *r == role)
            .unwrap_or_else(|| panic!("the matrix has no accounts for {role:?}"));
        for account in [own, other] {
            let login = match *account {
                Account::Demo(login) => login,
                Account::Add(login, kind, unit) => {
                    app.add_staff_in(login, role.code(), kind, unit).await;
                    login
                }
            };
            out.push(signed_in(app, login, PASSWORD).await);
        }
    }
    assert_eq!(out.len(), COLUMNS.len());
    out
}
