//! Personal fields sealed at rest: the data key the store seals with, sealing on every write
//! of a personal column, opening on every read, and the idempotent pass that seals rows written
//! in plaintext before sealing existed.
//!
//! Sealed columns (each value bound to its column and row, see `tongban_domain::pii`):
//! `citizen_profiles.id_number` and `.phone` (row id: the account id), `outbox.recipient`
//! (row id: the idempotency key) and, for natural persons' licences, `licences.number`,
//! `.holder_code` and `.face` (row id: the licence id; see `licences.rs`). A value without the `sm4g1:` prefix is legacy plaintext: it is
//! read as it is until [`Store::seal_plaintext_pii`] seals it.

use std::sync::{Arc, OnceLock};

use tongban_domain::pii::{PiiKey, SEALED_PREFIX, is_sealed};

use crate::error::StoreError;
use crate::pool::Store;

pub(crate) const ID_NUMBER: &str = "citizen_profiles.id_number";
pub(crate) const PHONE: &str = "citizen_profiles.phone";
pub(crate) const RECIPIENT: &str = "outbox.recipient";

/// The data key, installed once per store (shared by its clones and its writer).
#[derive(Clone, Default)]
pub(crate) struct PiiSlot(Arc<OnceLock<PiiKey>>);

impl PiiSlot {
    fn key(&self) -> Result<&PiiKey, StoreError> {
        self.0.get().ok_or_else(|| {
            StoreError::Config(
                "no personal-data key installed: personal fields cannot be written or read".into(),
            )
        })
    }

    /// Seals `value` for `column` of row `row_id` under a fresh random nonce.
    pub(crate) fn seal(
        &self,
        value: &str,
        column: &str,
        row_id: &str,
    ) -> Result<String, StoreError> {
        let nonce: [u8; 12] = rand::random();
        self.key()?
            .seal(&nonce, value, column, row_id)
            .map_err(|e| StoreError::Corrupt(format!("{column}: {}", e.code())))
    }

    /// The plaintext of a stored value: opened if sealed, as it is if legacy plaintext.
    pub(crate) fn open(
        &self,
        stored: &str,
        column: &str,
        row_id: &str,
    ) -> Result<String, StoreError> {
        if !is_sealed(stored) {
            return Ok(stored.to_string());
        }
        self.key()?
            .open(stored, column, row_id)
            .map_err(|e| StoreError::Corrupt(format!("{column} of {row_id}: {}", e.code())))
    }
}

/// What one sealing pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealReport {
    /// Citizen profiles whose ID number or phone was sealed.
    pub citizen_profiles: u64,
    /// Outbox messages whose recipient was sealed.
    pub outbox: u64,
    /// Natural persons' licences whose number, code and face were sealed.
    pub licences: u64,
    /// Transactions committed.
    pub batches: u64,
}

/// A `LIKE` pattern matching every sealed value.
fn sealed_pattern() -> String {
    format!("{SEALED_PREFIX}%")
}

impl Store {
    /// Installs the key personal fields are sealed under. A store takes one key for its life:
    /// installing the same key again is fine, another one is refused.
    pub fn install_pii_key(&self, key: PiiKey) -> Result<(), StoreError> {
        let installed = self.pii.0.get_or_init(|| key.clone());
        if installed.key_id() == key.key_id() {
            Ok(())
        } else {
            Err(StoreError::Config(format!(
                "another personal-data key ({}) is already installed",
                installed.key_id()
            )))
        }
    }

    /// Whether a personal-data key is installed.
    pub fn has_pii_key(&self) -> bool {
        self.pii.0.get().is_some()
    }

    /// Seals every personal field still stored in plaintext, `batch` rows per transaction.
    /// Idempotent: sealed values are never touched, and a row changed meanwhile is left to the
    /// next pass (each update is guarded by the plaintext it read).
    pub async fn seal_plaintext_pii(&self, batch: i64) -> Result<SealReport, StoreError> {
        self.pii.key()?;
        let batch = batch.clamp(1, 10_000);
        let mut report = SealReport::default();
        let pattern = sealed_pattern();
        let mut after = String::new();
        loop {
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT account_id, id_number, phone FROM citizen_profiles
                 WHERE account_id > $1 AND (id_number NOT LIKE $2 OR phone NOT LIKE $2)
                 ORDER BY account_id LIMIT $3",
            )
            .bind(&after)
            .bind(&pattern)
            .bind(batch)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0.clone();
            let mut sealed = Vec::with_capacity(rows.len());
            for (id, number, phone) in rows {
                let new_number = self.seal_if_plain(&number, ID_NUMBER, &id)?;
                let new_phone = self.seal_if_plain(&phone, PHONE, &id)?;
                sealed.push((id, number, phone, new_number, new_phone));
            }
            let changed = self
                .write(move |ctx| {
                    Box::pin(async move {
                        let mut changed = 0;
                        for (id, number, phone, new_number, new_phone) in &sealed {
                            let done = sqlx::query(
                                "UPDATE citizen_profiles SET id_number = $1, phone = $2
                                 WHERE account_id = $3 AND id_number = $4 AND phone = $5",
                            )
                            .bind(new_number)
                            .bind(new_phone)
                            .bind(id)
                            .bind(number)
                            .bind(phone)
                            .execute(ctx.conn().await?)
                            .await?;
                            changed += done.rows_affected();
                        }
                        Ok::<_, StoreError>(changed)
                    })
                })
                .await?;
            report.citizen_profiles += changed;
            report.batches += 1;
        }
        let mut after = String::new();
        loop {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT idempotency_key, recipient FROM outbox
                 WHERE idempotency_key > $1 AND recipient NOT LIKE $2
                 ORDER BY idempotency_key LIMIT $3",
            )
            .bind(&after)
            .bind(&pattern)
            .bind(batch)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0.clone();
            let mut sealed = Vec::with_capacity(rows.len());
            for (key, recipient) in rows {
                let new_recipient = self.pii.seal(&recipient, RECIPIENT, &key)?;
                sealed.push((key, recipient, new_recipient));
            }
            let changed = self
                .write(move |ctx| {
                    Box::pin(async move {
                        let mut changed = 0;
                        for (key, recipient, new_recipient) in &sealed {
                            let done = sqlx::query(
                                "UPDATE outbox SET recipient = $1
                                 WHERE idempotency_key = $2 AND recipient = $3",
                            )
                            .bind(new_recipient)
                            .bind(key)
                            .bind(recipient)
                            .execute(ctx.conn().await?)
                            .await?;
                            changed += done.rows_affected();
                        }
                        Ok::<_, StoreError>(changed)
                    })
                })
                .await?;
            report.outbox += changed;
            report.batches += 1;
        }
        let mut after = String::new();
        while let (Some(last), changed) =
            crate::licences::seal_plaintext_licences(self, &after, batch).await?
        {
            after = last;
            report.licences += changed;
            report.batches += 1;
        }
        Ok(report)
    }

    fn seal_if_plain(
        &self,
        stored: &str,
        column: &str,
        row_id: &str,
    ) -> Result<String, StoreError> {
        if is_sealed(stored) {
            Ok(stored.to_string())
        } else {
            self.pii.seal(stored, column, row_id)
        }
    }
}
