//! Departments' SM2 signing keys: created on first use, private scalars sealed with SM4-GCM
//! under the master key (from config, never stored or logged), rotated without invalidating
//! earlier licences, and published with every retired key.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rand::Rng;
use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::licence::{LicenceSigner, LicenceVerifier, open_secret, seal_secret};
use tongban_store::{NewEvent, SigningKeyRow};

use crate::{App, AppError, Principal};

/// The pseudo-department whose key signs the status list.
pub const PLATFORM_KEY_OWNER: &str = "platform";

/// The master key and the keys already unsealed or parsed.
pub(crate) struct Keyring {
    master: Option<[u8; 16]>,
    /// The licence-type catalogue, parsed once (dropped when it is reloaded).
    pub(crate) types: RwLock<Option<Arc<Vec<tongban_domain::licence::LicenceType>>>>,
    /// Batches verification status reads (started on first use).
    pub(crate) status_loader: std::sync::OnceLock<super::status_loader::StatusLoader>,
    signers: RwLock<HashMap<String, LicenceSigner>>,
    verifiers: RwLock<HashMap<String, Arc<LicenceVerifier>>>,
}

impl Keyring {
    pub(crate) fn new(master: Option<[u8; 16]>) -> Self {
        Self {
            master,
            types: RwLock::default(),
            status_loader: std::sync::OnceLock::new(),
            signers: RwLock::default(),
            verifiers: RwLock::default(),
        }
    }

    fn cached_signer(&self, department_id: &str) -> Option<LicenceSigner> {
        self.signers.read().ok()?.get(department_id).cloned()
    }

    fn remember_signer(&self, department_id: &str, signer: &LicenceSigner) {
        if let Ok(mut map) = self.signers.write() {
            map.insert(department_id.to_string(), signer.clone());
        }
        if let Ok(mut map) = self.verifiers.write() {
            map.insert(signer.key_id().to_string(), Arc::new(signer.verifier()));
        }
    }

    fn cached_verifier(&self, key_id: &str) -> Option<Arc<LicenceVerifier>> {
        self.verifiers.read().ok()?.get(key_id).cloned()
    }
}

/// A published public key.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedKey {
    pub key_id: String,
    pub department_id: String,
    pub department_name: String,
    /// SubjectPublicKeyInfo PEM (OID 1.2.156.10197.1.301).
    pub public_pem: String,
    pub created_at_ms: i64,
    /// Set once a newer key took over; licences it signed still verify.
    pub retired_at_ms: Option<i64>,
}

fn no_master_key() -> AppError {
    AppError::Conflict("未配置证照签名主密钥（licence_master_key），无法签发证照".into())
}

fn new_signer() -> Result<LicenceSigner, AppError> {
    let mut rng = rand::rng();
    for _ in 0..8 {
        let mut scalar = [0u8; 32];
        rng.fill(&mut scalar);
        if let Ok(signer) = LicenceSigner::from_scalar(&scalar) {
            return Ok(signer);
        }
    }
    Err(AppError::Internal(
        "could not draw an SM2 private key".into(),
    ))
}

impl App {
    fn master_key(&self) -> Result<&[u8; 16], AppError> {
        self.licence_keys.master.as_ref().ok_or_else(no_master_key)
    }

    fn sealed_row(
        &self,
        department_id: &str,
        signer: &LicenceSigner,
    ) -> Result<SigningKeyRow, AppError> {
        let mut nonce = [0u8; 12];
        rand::rng().fill(&mut nonce);
        let sealed = seal_secret(
            self.master_key()?,
            &nonce,
            &signer.scalar(),
            signer.key_id().as_bytes(),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(SigningKeyRow {
            key_id: signer.key_id().to_string(),
            department_id: department_id.to_string(),
            public_pem: signer.public_pem().to_string(),
            sealed_secret: hex::encode(sealed),
            created_at_ms: self.now_ms(),
            retired_at_ms: None,
        })
    }

    fn unseal(&self, row: &SigningKeyRow) -> Result<LicenceSigner, AppError> {
        let sealed = hex::decode(&row.sealed_secret)
            .map_err(|_| AppError::Internal("sealed key is not hex".into()))?;
        let scalar =
            open_secret(self.master_key()?, &sealed, row.key_id.as_bytes()).map_err(|_| {
                AppError::Conflict("证照签名主密钥与已保存的密钥不符，无法签发证照".into())
            })?;
        LicenceSigner::from_scalar(&scalar).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The key `department_id` signs with; one is created (and its creation recorded) on first
    /// use.
    pub(crate) async fn signer_for(&self, department_id: &str) -> Result<LicenceSigner, AppError> {
        if let Some(signer) = self.licence_keys.cached_signer(department_id) {
            return Ok(signer);
        }
        let signer = match self.store.active_signing_key(department_id).await? {
            Some(row) => self.unseal(&row)?,
            None => {
                let fresh = new_signer()?;
                let row = self.sealed_row(department_id, &fresh)?;
                let at_ms = self.now_ms();
                let stored = self
                    .store
                    .write(move |ctx| {
                        Box::pin(async move {
                            if let Some(existing) =
                                ctx.active_signing_key_in(&row.department_id).await?
                            {
                                return Ok::<_, AppError>(existing);
                            }
                            ctx.insert_signing_key(&row).await?;
                            ctx.append_event(NewEvent {
                                at_ms,
                                actor: "system".into(),
                                action: "licence_key.created".into(),
                                entity_type: "signing_key".into(),
                                entity_id: row.key_id.clone(),
                                payload: serde_json::json!({ "department_id": row.department_id }),
                            })
                            .await?;
                            Ok(row)
                        })
                    })
                    .await?;
                if stored.key_id == fresh.key_id() {
                    fresh
                } else {
                    self.unseal(&stored)?
                }
            }
        };
        self.licence_keys.remember_signer(department_id, &signer);
        Ok(signer)
    }

    /// A published key by id, parsed once.
    pub(crate) async fn verifier_for(
        &self,
        key_id: &str,
    ) -> Result<Option<Arc<LicenceVerifier>>, AppError> {
        if let Some(v) = self.licence_keys.cached_verifier(key_id) {
            return Ok(Some(v));
        }
        let Some(row) = self.store.signing_key(key_id).await? else {
            return Ok(None);
        };
        let v = Arc::new(
            LicenceVerifier::from_pem(&row.public_pem)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
        if let Ok(mut map) = self.licence_keys.verifiers.write() {
            map.insert(key_id.to_string(), v.clone());
        }
        Ok(Some(v))
    }

    /// Replaces a department's signing key. Earlier licences keep verifying with the retired
    /// key, which stays published. A department's admin, or a system admin.
    pub async fn rotate_signing_key(
        &self,
        who: &Principal,
        department_id: &str,
    ) -> Result<PublishedKey, AppError> {
        let unit = who.require_role(&[Role::SystemAdmin, Role::DeptAdmin])?;
        if who.role() == Some(Role::DeptAdmin) && unit.id() != department_id {
            return Err(AppError::Forbidden);
        }
        let department_name = if department_id == PLATFORM_KEY_OWNER {
            "平台".to_string()
        } else {
            self.store
                .department(department_id)
                .await?
                .ok_or(AppError::NotFound("该部门"))?
                .name
        };
        let fresh = new_signer()?;
        let row = self.sealed_row(department_id, &fresh)?;
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let written = row.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.retire_signing_keys(&written.department_id, at_ms)
                        .await?;
                    ctx.insert_signing_key(&written).await?;
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "licence_key.rotated".into(),
                        entity_type: "signing_key".into(),
                        entity_id: written.key_id.clone(),
                        payload: serde_json::json!({ "department_id": written.department_id }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.licence_keys.remember_signer(department_id, &fresh);
        Ok(PublishedKey {
            key_id: row.key_id,
            department_id: row.department_id,
            department_name,
            public_pem: row.public_pem,
            created_at_ms: row.created_at_ms,
            retired_at_ms: None,
        })
    }

    /// Every public key, current and retired: anyone may fetch them to verify offline.
    pub async fn published_keys(&self) -> Result<Vec<PublishedKey>, AppError> {
        let names: HashMap<String, String> =
            self.store.department_names().await?.into_iter().collect();
        Ok(self
            .store
            .signing_keys()
            .await?
            .into_iter()
            .map(|row| PublishedKey {
                department_name: names
                    .get(&row.department_id)
                    .cloned()
                    .unwrap_or_else(|| "平台".to_string()),
                key_id: row.key_id,
                department_id: row.department_id,
                public_pem: row.public_pem,
                created_at_ms: row.created_at_ms,
                retired_at_ms: row.retired_at_ms,
            })
            .collect())
    }
}
