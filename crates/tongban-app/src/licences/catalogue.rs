//! The licence-type catalogue (证照目录) and the 互通互认清单: seeded, listed, and looked up.

use tongban_domain::Role;
use tongban_domain::licence::{LicenceType, Recognition};
use tongban_store::{LicenceTypeRow, RecognitionRow};

use crate::{App, AppError, Principal};

/// A catalogue to load: the types and the recognition list.
#[derive(Debug, Clone, Default)]
pub struct TypeSeed {
    pub types: Vec<LicenceType>,
    pub recognitions: Vec<Recognition>,
}

impl App {
    /// Loads (or replaces) licence types and the whole 互通互认清单. System admins; the demo
    /// seeds it with `None`.
    pub async fn load_licence_catalogue(
        &self,
        who: Option<&Principal>,
        seed: TypeSeed,
    ) -> Result<usize, AppError> {
        if let Some(who) = who {
            who.require_role(&[Role::SystemAdmin])?;
        }
        let at_ms = self.now_ms();
        let mut rows = Vec::with_capacity(seed.types.len());
        for t in &seed.types {
            rows.push(LicenceTypeRow {
                code: t.code.as_str().to_string(),
                name: t.name.clone(),
                holder_kind: t.holder_kind.code().to_string(),
                content: serde_json::to_string(t).map_err(|e| AppError::Internal(e.to_string()))?,
                updated_at_ms: at_ms,
            });
        }
        let recs: Vec<RecognitionRow> = seed
            .recognitions
            .iter()
            .map(|r| RecognitionRow {
                department_id: r.department_id.clone(),
                type_code: r.type_code.as_str().to_string(),
                item_code: r.item_code.clone().unwrap_or_default(),
            })
            .collect();
        let actor = who
            .map(|w| w.account_id().to_string())
            .unwrap_or_else(|| "system".into());
        let count = rows.len();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    for row in &rows {
                        ctx.upsert_licence_type(row).await?;
                    }
                    ctx.replace_recognitions(&recs).await?;
                    ctx.append_event(tongban_store::NewEvent {
                        at_ms,
                        actor,
                        action: "licence_catalogue.loaded".into(),
                        entity_type: "licence_catalogue".into(),
                        entity_id: "catalogue".into(),
                        payload: serde_json::json!({ "types": rows.len(), "recognitions": recs.len() }),
                    })
                    .await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.forget_cached_licence_types();
        Ok(count)
    }

    /// Drops the parsed catalogue; the next use reads it from the database.
    pub(crate) fn forget_cached_licence_types(&self) {
        if let Ok(mut cached) = self.licence_keys.types.write() {
            *cached = None;
        }
    }

    /// The catalogue, parsed once per load.
    pub(crate) async fn cached_licence_types(
        &self,
    ) -> Result<std::sync::Arc<Vec<LicenceType>>, AppError> {
        if let Some(types) = self.licence_keys.types.read().ok().and_then(|t| t.clone()) {
            return Ok(types);
        }
        let types = std::sync::Arc::new(self.licence_types().await?);
        if let Ok(mut cached) = self.licence_keys.types.write() {
            *cached = Some(types.clone());
        }
        Ok(types)
    }

    /// The whole 互通互认清单.
    pub async fn recognitions(&self) -> Result<Vec<Recognition>, AppError> {
        let mut out = Vec::new();
        for r in self.store.recognitions().await? {
            out.push(Recognition {
                department_id: r.department_id,
                type_code: tongban_domain::licence::LicenceTypeCode::parse(&r.type_code)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                item_code: (!r.item_code.is_empty()).then_some(r.item_code),
            });
        }
        Ok(out)
    }
}
