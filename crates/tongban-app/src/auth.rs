//! Logging in and out, sessions that survive restarts, and login throttling.

use std::cell::RefCell;

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use serde_json::json;
use tongban_domain::{DivisionCode, Role, crypto::to_hex, hmac_sm3, sm3};
use tongban_store::{AccountRow, NewEvent, SessionRow, StoreError, ThrottleRow};

use crate::App;
use crate::error::AppError;
use crate::principal::{OrgUnit, Principal};

/// What a login form or API call sends.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    /// A login name, or a citizen's 公民身份号码.
    pub login: String,
    pub password: String,
    /// The client's address, for per-address throttling. Not stored in events.
    pub client: String,
}

/// A successful login. `token` is shown once, to the client; only its hash is stored.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub csrf_token: String,
    pub principal: Principal,
    pub expires_at_ms: i64,
}

/// A live session, as the web layer sees it on each request.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    pub csrf_token: String,
    pub expires_at_ms: i64,
}

/// Hashes a password as an Argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt: [u8; 16] = rand::random();
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h: PasswordHash| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Checks a password against an Argon2 PHC string, in this thread's reused Argon2 memory.
fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let hashed = with_argon2_memory(blocks, |memory| {
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            memory,
        )
    });
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::try_from(out.as_slice()).is_ok_and(|computed| &computed == expected)
}

thread_local! {
    /// Argon2's working memory (19 MiB at the default cost), kept by each hashing thread: a
    /// fresh allocation per login was retained by the allocator, thread by thread.
    static ARGON2_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on `blocks` blocks of this thread's Argon2 memory (every block is written before
/// it is read, so the memory needs no clearing between runs).
fn with_argon2_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    ARGON2_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() != blocks {
            *memory = vec![Block::default(); blocks];
        }
        f(&mut memory)
    })
}

/// Drops this thread's Argon2 memory (a hashing thread calls it when no login is waiting); the
/// next hash allocates it again.
pub(crate) fn release_argon2_memory() {
    ARGON2_MEMORY.with(|memory| {
        if let Ok(mut memory) = memory.try_borrow_mut() {
            *memory = Vec::new();
        }
    });
}

/// Verifies on the hashing thread (Argon2 takes tens of milliseconds of CPU and 19 MiB; see
/// `password_threads`); a missing account is verified against a dummy hash so both paths take
/// the same time.
async fn verify_off_thread(password: String, phc: Option<String>) -> bool {
    crate::password_threads::run(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            let _ = verify_password(&password, DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Hashes on a hashing thread, for request paths.
pub(crate) async fn hash_off_thread(password: String) -> Result<String, AppError> {
    crate::password_threads::run(move || hash_password(&password))
        .await
        .ok_or_else(|| AppError::Internal("password hashing failed".into()))?
}

/// Hash verified against when the login does not exist, so both paths take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dlmRTFgS2L0sf0EhfAdQqT8QTd5wVSQ7NHK2bTpRJpA";

fn token_hash(token: &str) -> String {
    to_hex(&sm3(token.as_bytes()))
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    to_hex(&bytes)
}

impl App {
    /// Checks a login and password and opens a session.
    ///
    /// Throttling holds under concurrency: each attempt is counted (per account — whichever
    /// of its login names or ID number was typed — and per client address) in one unit of work
    /// *before* the password is verified, so parallel guesses cannot all pass the check. A
    /// success clears the account's counter and takes back its own count from the client's,
    /// leaving the client's earlier failures in place.
    pub async fn login(&self, req: LoginRequest) -> Result<LoginOutcome, AppError> {
        let now_ms = self.now_ms();
        let login = req.login.trim().to_string();
        let account = self.find_login_account(&login).await?;
        let account_key = match &account {
            Some(acc) => format!("account:{}", acc.id),
            // Kept as a keyed hash: an unknown login may be someone's ID number.
            None => format!("login:{}", self.id_number_key(&login.to_uppercase())),
        };
        let keys = [account_key, format!("client:{}", req.client)];
        let limits = [
            self.config.max_login_failures,
            self.config.max_login_failures * 4,
        ];
        self.reserve_login_attempt(keys.clone(), limits, now_ms)
            .await?;
        let phc = match &account {
            Some(acc) if acc.disabled == 0 => Some(acc.password_hash.clone()),
            _ => None,
        };
        let verified = verify_off_thread(req.password.clone(), phc).await;
        let Some(account) = account.filter(|_| verified) else {
            self.record_login_failure(&login, now_ms).await?;
            return Err(AppError::BadCredentials);
        };
        let principal = self.principal_for(&account).await?;
        let token = random_token();
        let csrf_token = random_token();
        let expires_at_ms = now_ms + self.config.session_hours * 3_600_000;
        let session = SessionRow {
            token_hash: token_hash(&token),
            account_id: account.id.clone(),
            csrf_token: csrf_token.clone(),
            created_at_ms: now_ms,
            expires_at_ms,
        };
        let account_id = account.id.clone();
        let [account_key, client_key] = keys;
        let client_limit = limits[1];
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.clear_throttle(&account_key).await?;
                    if let Some(row) = ctx.throttle_for_update(&client_key).await? {
                        ctx.put_throttle(&take_back_attempt(row, client_limit))
                            .await?;
                    }
                    ctx.insert_session(&session).await?;
                    ctx.append_event(NewEvent {
                        at_ms: now_ms,
                        actor: account_id.clone(),
                        action: "session.opened".into(),
                        entity_type: "account".into(),
                        entity_id: account_id,
                        payload: json!({ "expires_at_ms": expires_at_ms }),
                    })
                    .await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        Ok(LoginOutcome {
            token,
            csrf_token,
            principal,
            expires_at_ms,
        })
    }

    /// Counts one attempt against every key in one unit of work, or refuses it when a key is
    /// locked.
    async fn reserve_login_attempt(
        &self,
        keys: [String; 2],
        limits: [i64; 2],
        now_ms: i64,
    ) -> Result<(), AppError> {
        let window_ms = self.config.login_lock_minutes * 60_000;
        let locked_until_ms = self
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let mut rows = Vec::with_capacity(keys.len());
                    for (key, limit) in keys.iter().zip(limits) {
                        let previous = ctx.throttle_for_update(key).await?;
                        if let Some(row) = &previous
                            && row.locked_until_ms > now_ms
                        {
                            return Ok::<_, StoreError>(Some(row.locked_until_ms));
                        }
                        rows.push(next_throttle(previous, key, limit, now_ms, window_ms));
                    }
                    for row in &rows {
                        ctx.put_throttle(row).await?;
                    }
                    Ok(None)
                })
            })
            .await?;
        match locked_until_ms {
            Some(until) => Err(AppError::TooManyAttempts {
                minutes: (until - now_ms + 59_999) / 60_000,
            }),
            None => Ok(()),
        }
    }

    async fn find_login_account(&self, login: &str) -> Result<Option<AccountRow>, AppError> {
        if let Some(account) = self.store.account_by_login(login).await? {
            return Ok(Some(account));
        }
        // Citizens may also log in with their ID number.
        if login.len() == 18 {
            let key = self.id_number_key(&login.to_uppercase());
            return Ok(self.store.account_by_id_number_key(&key).await?);
        }
        Ok(None)
    }

    /// Records a failed login in the event log (the attempt was already counted).
    async fn record_login_failure(&self, login: &str, now_ms: i64) -> Result<(), AppError> {
        // The login may be an ID number: the event keeps only a masked form.
        let shown_login = mask_login(login);
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.append_event(NewEvent {
                        at_ms: now_ms,
                        actor: "anonymous".into(),
                        action: "session.login_failed".into(),
                        entity_type: "login".into(),
                        entity_id: shown_login,
                        payload: json!({}),
                    })
                    .await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        Ok(())
    }

    /// The session behind a token, if it is live.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>, AppError> {
        let Some(session) = self.store.session(&token_hash(token)).await? else {
            return Ok(None);
        };
        if session.expires_at_ms <= self.now_ms() {
            return Ok(None);
        }
        let Some(account) = self.store.account(&session.account_id).await? else {
            return Ok(None);
        };
        if account.disabled != 0 {
            return Ok(None);
        }
        let principal = self.principal_for(&account).await?;
        Ok(Some(SessionInfo {
            principal,
            csrf_token: session.csrf_token,
            expires_at_ms: session.expires_at_ms,
        }))
    }

    /// Ends a session. Logging out twice is not an error.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        let hash = token_hash(token);
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(());
        };
        let now_ms = self.now_ms();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if ctx.delete_session(&hash).await? {
                        ctx.append_event(NewEvent {
                            at_ms: now_ms,
                            actor: session.account_id.clone(),
                            action: "session.closed".into(),
                            entity_type: "account".into(),
                            entity_id: session.account_id,
                            payload: json!({}),
                        })
                        .await?;
                    }
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        Ok(())
    }

    /// Builds the principal of an account, resolving a staff member's unit.
    pub(crate) async fn principal_for(&self, account: &AccountRow) -> Result<Principal, AppError> {
        let account_id = account.id.clone();
        let login = account.login.clone();
        let name = account.display_name.clone();
        match account.kind.as_str() {
            "citizen" => Ok(Principal::Citizen {
                account_id,
                login,
                name,
            }),
            "enterprise" => Ok(Principal::Enterprise {
                account_id,
                login,
                name,
            }),
            "staff" => {
                let role = account
                    .role
                    .as_deref()
                    .and_then(Role::parse)
                    .ok_or_else(|| {
                        AppError::Internal(format!("staff account {account_id} has no valid role"))
                    })?;
                let unit = self.resolve_unit(account).await?;
                Ok(Principal::Staff {
                    account_id,
                    login,
                    name,
                    role,
                    unit,
                })
            }
            other => Err(AppError::Internal(format!("unknown account kind {other}"))),
        }
    }

    async fn resolve_unit(&self, account: &AccountRow) -> Result<OrgUnit, AppError> {
        let unit_id = account.unit_id.clone().unwrap_or_default();
        let broken =
            || AppError::Internal(format!("staff account {} has a broken unit", account.id));
        let division_of = |code: &str| DivisionCode::parse(code).map_err(|_| broken());
        match account.unit_kind.as_deref() {
            Some("division") => Ok(OrgUnit::Division {
                code: division_of(&unit_id)?,
            }),
            Some("department") => {
                let dept = self.store.department(&unit_id).await?.ok_or_else(broken)?;
                Ok(OrgUnit::Department {
                    division: division_of(&dept.division_code)?,
                    id: unit_id,
                })
            }
            Some("hall") => {
                let hall = self.store.hall(&unit_id).await?.ok_or_else(broken)?;
                Ok(OrgUnit::Hall {
                    division: division_of(&hall.division_code)?,
                    id: unit_id,
                })
            }
            _ => Err(broken()),
        }
    }

    /// The keyed hash under which an ID number is looked up (HMAC-SM3 with the secret key).
    pub(crate) fn id_number_key(&self, id_number: &str) -> String {
        to_hex(&hmac_sm3(&self.config.secret_key, id_number.as_bytes()))
    }
}

/// A login as it may appear in the event log: anything shaped like an ID number keeps only its
/// first 6 and last 4 characters.
fn mask_login(login: &str) -> String {
    let chars: Vec<char> = login.chars().collect();
    if chars.len() < 15 {
        return login.to_string();
    }
    let head: String = chars.iter().take(6).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Counts one more failure, starting a new window when the old one has passed, and locks
/// the key once `limit` failures fall inside one window.
fn next_throttle(
    previous: Option<ThrottleRow>,
    key: &str,
    limit: i64,
    now_ms: i64,
    window_ms: i64,
) -> ThrottleRow {
    let (failures, window_start_ms) = match previous {
        Some(row) if now_ms - row.window_start_ms < window_ms => {
            (row.failures + 1, row.window_start_ms)
        }
        _ => (1, now_ms),
    };
    let locked_until_ms = if failures >= limit {
        now_ms + window_ms
    } else {
        0
    };
    ThrottleRow {
        throttle_key: key.to_string(),
        failures,
        window_start_ms,
        locked_until_ms,
    }
}

/// Undoes the count a successful attempt reserved on a client's key: the failures before it
/// stay, and a lock that only this attempt's count caused is lifted.
fn take_back_attempt(row: ThrottleRow, limit: i64) -> ThrottleRow {
    let failures = (row.failures - 1).max(0);
    let locked_until_ms = if failures >= limit {
        row.locked_until_ms
    } else {
        0
    };
    ThrottleRow {
        failures,
        locked_until_ms,
        ..row
    }
}

impl App {
    /// The CSRF token of a visitor who is not logged in, bound to their anonymous cookie.
    pub fn anonymous_csrf(&self, anonymous_id: &str) -> String {
        let mut msg = b"csrf:".to_vec();
        msg.extend_from_slice(anonymous_id.as_bytes());
        to_hex(&hmac_sm3(&self.config.secret_key, &msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verification_keeps_argon2_memory_on_its_thread_until_it_is_released() {
        let held = || ARGON2_MEMORY.with(|m| m.borrow().len());
        let phc = hash_password("Citizen@2026").unwrap();
        assert!(verify_password("Citizen@2026", &phc));
        assert!(held() > 0, "the buffer is kept for the next login");
        release_argon2_memory();
        assert_eq!(held(), 0);
        assert!(!verify_password("wrong", &phc), "and is allocated again");
        assert!(held() > 0);
    }

    #[test]
    fn the_fifth_failure_inside_the_window_locks_the_login() {
        let mut row = None;
        for _ in 0..4 {
            let next = next_throttle(row, "login:x", 5, 1_000, 900_000);
            assert_eq!(next.locked_until_ms, 0);
            row = Some(next);
        }
        let fifth = next_throttle(row, "login:x", 5, 2_000, 900_000);
        assert_eq!(fifth.failures, 5);
        assert_eq!(fifth.locked_until_ms, 902_000);
    }

    #[test]
    fn a_failure_after_the_window_starts_counting_again() {
        let old = ThrottleRow {
            throttle_key: "k".into(),
            failures: 4,
            window_start_ms: 0,
            locked_until_ms: 0,
        };
        let next = next_throttle(Some(old), "k", 5, 900_000, 900_000);
        assert_eq!(
            (next.failures, next.window_start_ms, next.locked_until_ms),
            (1, 900_000, 0)
        );
    }

    #[test]
    fn a_successful_attempt_takes_back_only_its_own_count() {
        let row = ThrottleRow {
            throttle_key: "client:x".into(),
            failures: 20,
            window_start_ms: 0,
            locked_until_ms: 900_000,
        };
        let back = take_back_attempt(row, 20);
        assert_eq!((back.failures, back.locked_until_ms), (19, 0));
        let row = ThrottleRow {
            throttle_key: "client:x".into(),
            failures: 3,
            window_start_ms: 0,
            locked_until_ms: 0,
        };
        assert_eq!(take_back_attempt(row, 20).failures, 2);
    }

    #[test]
    fn id_numbers_typed_as_logins_are_masked_in_events() {
        assert_eq!(mask_login("11010519491231002X"), "110105********002X");
        assert_eq!(mask_login("clerk"), "clerk");
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let phc = hash_password("Tongban@2026").unwrap();
        assert!(verify_password("Tongban@2026", &phc));
        assert!(!verify_password("tongban@2026", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn reused_argon2_memory_gives_the_same_answers_run_after_run() {
        let phc = hash_password("Tongban@2026").unwrap();
        let cheap = "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$dGhpcyBpcyBub3QgdGhlIGhhc2g";
        for _ in 0..3 {
            assert!(verify_password("Tongban@2026", &phc));
            assert!(!verify_password("Tongban@2027", &phc));
            // Another cost resizes the memory; the next run at the default cost still verifies.
            assert!(!verify_password("Tongban@2026", cheap));
            assert!(!verify_password("Tongban@2026", DUMMY_HASH));
        }
        let blocks = ARGON2_MEMORY.with(|m| m.borrow().len());
        assert_eq!(blocks, 19456);
    }
}
