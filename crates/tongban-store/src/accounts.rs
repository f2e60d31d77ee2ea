//! Accounts (staff, citizens, enterprises), their profiles, sessions and login throttling.

use crate::error::StoreError;
use crate::pii;
use crate::pool::Store;
use crate::row::row_struct;
use crate::write_ctx::WriteCtx;

row_struct! {
    pub struct AccountRow {
        pub id: String,
        pub kind: String,
        pub login: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: Option<String>,
        pub unit_kind: Option<String>,
        pub unit_id: Option<String>,
        pub disabled: i64,
        pub created_at_ms: i64,
    }
}

row_struct! {
    /// A citizen's personal record. Reading it as staff must be audited by the caller.
    pub struct CitizenProfileRow {
        pub account_id: String,
        pub real_name: String,
        pub id_number: String,
        pub id_number_key: String,
        pub phone: String,
        pub division_code: Option<String>,
    }
}

row_struct! {
    pub struct EnterpriseProfileRow {
        pub account_id: String,
        pub name: String,
        pub uscc: String,
        pub legal_rep_name: String,
        pub division_code: Option<String>,
    }
}

row_struct! {
    pub struct SessionRow {
        pub token_hash: String,
        pub account_id: String,
        pub csrf_token: String,
        pub created_at_ms: i64,
        pub expires_at_ms: i64,
    }
}

row_struct! {
    pub struct ThrottleRow {
        pub throttle_key: String,
        pub failures: i64,
        pub window_start_ms: i64,
        pub locked_until_ms: i64,
    }
}

/// A new account to create.
pub type NewAccount = AccountRow;

macro_rules! account_cols {
    () => {
        "id, kind, login, display_name, password_hash, role, unit_kind, unit_id, disabled, created_at_ms"
    };
}

impl Store {
    pub async fn account_by_login(&self, login: &str) -> Result<Option<AccountRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            account_cols!(),
            " FROM accounts WHERE login = $1"
        );
        Ok(sqlx::query_as(sql)
            .bind(login)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn account(&self, id: &str) -> Result<Option<AccountRow>, StoreError> {
        let sql = concat!("SELECT ", account_cols!(), " FROM accounts WHERE id = $1");
        Ok(sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The account of the citizen whose ID-number key (a keyed hash) matches.
    pub async fn account_by_id_number_key(
        &self,
        key: &str,
    ) -> Result<Option<AccountRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            account_cols!(),
            " FROM accounts WHERE id = (SELECT account_id FROM citizen_profiles WHERE id_number_key = $1)"
        );
        Ok(sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Staff accounts scoped to a unit, by login.
    pub async fn staff_in_unit(
        &self,
        unit_kind: &str,
        unit_id: &str,
    ) -> Result<Vec<AccountRow>, StoreError> {
        let sql = concat!(
            "SELECT ",
            account_cols!(),
            " FROM accounts WHERE kind = 'staff' AND unit_kind = $1 AND unit_id = $2 ORDER BY login"
        );
        Ok(sqlx::query_as(sql)
            .bind(unit_kind)
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn count_accounts_by_kind(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT kind, COUNT(*) FROM accounts GROUP BY kind ORDER BY kind")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// A citizen's profile, its ID number and phone opened (see `pii.rs`).
    pub async fn citizen_profile(
        &self,
        account_id: &str,
    ) -> Result<Option<CitizenProfileRow>, StoreError> {
        let row: Option<CitizenProfileRow> = sqlx::query_as(
            "SELECT account_id, real_name, id_number, id_number_key, phone, division_code
             FROM citizen_profiles WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|mut row| {
            row.id_number = self
                .pii
                .open(&row.id_number, pii::ID_NUMBER, &row.account_id)?;
            row.phone = self.pii.open(&row.phone, pii::PHONE, &row.account_id)?;
            Ok(row)
        })
        .transpose()
    }

    pub async fn enterprise_profile(
        &self,
        account_id: &str,
    ) -> Result<Option<EnterpriseProfileRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT account_id, name, uscc, legal_rep_name, division_code
             FROM enterprise_profiles WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A live session by the hash of its token.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT token_hash, account_id, csrf_token, created_at_ms, expires_at_ms
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn throttle(&self, key: &str) -> Result<Option<ThrottleRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT throttle_key, failures, window_start_ms, locked_until_ms
             FROM login_throttle WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?)
    }
}

impl WriteCtx {
    pub async fn insert_account(&mut self, row: &NewAccount) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO accounts (",
            account_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(&row.id)
        .bind(&row.kind)
        .bind(&row.login)
        .bind(&row.display_name)
        .bind(&row.password_hash)
        .bind(&row.role)
        .bind(&row.unit_kind)
        .bind(&row.unit_id)
        .bind(row.disabled)
        .bind(row.created_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Writes a citizen's profile, its ID number and phone sealed (see `pii.rs`).
    pub async fn insert_citizen_profile(
        &mut self,
        row: &CitizenProfileRow,
    ) -> Result<(), StoreError> {
        let id_number = self
            .pii
            .seal(&row.id_number, pii::ID_NUMBER, &row.account_id)?;
        let phone = self.pii.seal(&row.phone, pii::PHONE, &row.account_id)?;
        sqlx::query(
            "INSERT INTO citizen_profiles (account_id, real_name, id_number, id_number_key, phone, division_code)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&row.account_id)
        .bind(&row.real_name)
        .bind(id_number)
        .bind(&row.id_number_key)
        .bind(phone)
        .bind(&row.division_code)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    pub async fn insert_enterprise_profile(
        &mut self,
        row: &EnterpriseProfileRow,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO enterprise_profiles (account_id, name, uscc, legal_rep_name, division_code)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&row.account_id)
        .bind(&row.name)
        .bind(&row.uscc)
        .bind(&row.legal_rep_name)
        .bind(&row.division_code)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    pub async fn insert_session(&mut self, row: &SessionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&row.token_hash)
        .bind(&row.account_id)
        .bind(&row.csrf_token)
        .bind(row.created_at_ms)
        .bind(row.expires_at_ms)
        .execute(self.conn().await?)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    /// Deletes a session; returns whether it existed.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.conn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes every session that expired before `now_ms`; returns how many.
    pub async fn delete_expired_sessions(&mut self, now_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at_ms < $1")
            .bind(now_ms)
            .execute(self.conn().await?)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn throttle_for_update(
        &mut self,
        key: &str,
    ) -> Result<Option<ThrottleRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT throttle_key, failures, window_start_ms, locked_until_ms
             FROM login_throttle WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_optional(self.conn().await?)
        .await?)
    }

    pub async fn put_throttle(&mut self, row: &ThrottleRow) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(&row.throttle_key)
            .execute(self.conn().await?)
            .await?;
        sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_start_ms, locked_until_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&row.throttle_key)
        .bind(row.failures)
        .bind(row.window_start_ms)
        .bind(row.locked_until_ms)
        .execute(self.conn().await?)
        .await?;
        Ok(())
    }

    pub async fn clear_throttle(&mut self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .execute(self.conn().await?)
            .await?;
        Ok(())
    }
}
