//! 一件事一次办: one form and one set of materials fanned out to the items of several
//! departments, each part a case of its own with its own clock, plus the bundle's combined
//! status. A repeated request with the same idempotency key resumes the same bundle.

use std::collections::BTreeMap;

use serde::Serialize;
use tongban_domain::application::{
    Application, AttachedMaterial, BundleDef, BundleStatus, Command, Status, builtin_bundles,
    combined_status,
};
use tongban_store::BundleRow;

use super::queue::QueueEntry;
use super::start::StartRequest;
use super::state_of;
use crate::App;
use crate::error::{AppError, FieldError};
use crate::principal::Principal;
use crate::uploads::UploadLimits;

/// A file of the bundle's one set of materials.
#[derive(Debug, Clone)]
pub struct BundleFile {
    pub material: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Applying for a bundle.
#[derive(Debug, Clone, Default)]
pub struct BundleRequest {
    pub code: String,
    /// `pc` or `mobile`.
    pub channel: String,
    pub idempotency_key: Option<String>,
    pub form: BTreeMap<String, String>,
    pub files: Vec<BundleFile>,
}

/// A bundle with its parts.
#[derive(Debug, Clone, Serialize)]
pub struct BundleView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub status: BundleStatus,
    pub status_zh: &'static str,
    pub parts: Vec<QueueEntry>,
}

/// A material of a bundle's one set: the union of its parts' materials.
#[derive(Debug, Clone, Serialize)]
pub struct BundleMaterial {
    pub name: String,
    /// Some part needs it and none may do without it (not 可容缺).
    pub required: bool,
    /// The names of the parts' items that ask for it.
    pub items: Vec<String>,
}

/// What the one form of a bundle asks for: its definition (fields, parts) and its materials.
#[derive(Debug, Clone, Serialize)]
pub struct BundleForm {
    pub def: BundleDef,
    pub materials: Vec<BundleMaterial>,
}

/// The bundle definitions on offer.
pub fn bundle_definitions() -> Vec<BundleDef> {
    builtin_bundles()
}

fn definition(code: &str) -> Result<BundleDef, AppError> {
    builtin_bundles()
        .into_iter()
        .find(|d| d.code == code)
        .ok_or(AppError::NotFound("该一件事"))
}

/// A part's materials the bundle's files can stand for (required or 可容缺): the case takes
/// no others.
fn wanted(item: &tongban_domain::catalog::ServiceItem) -> Vec<String> {
    item.materials
        .iter()
        .filter(|m| m.required || m.may_be_missing)
        .map(|m| m.name.clone())
        .collect()
}

impl App {
    /// The published item of each part of `def`, in order.
    async fn bundle_items(
        &self,
        def: &BundleDef,
    ) -> Result<Vec<(String, tongban_domain::catalog::ServiceItem)>, AppError> {
        let mut out = Vec::new();
        for part in &def.parts {
            let (hits, _) = self
                .search_items(&crate::CatalogQuery {
                    text: part.item_name.clone(),
                    per_page: 20,
                    ..Default::default()
                })
                .await?;
            let hit = hits
                .into_iter()
                .find(|h| h.name == part.item_name)
                .ok_or(AppError::NotFound("一件事所含的事项"))?;
            let view = self.published_item(&hit.item_id).await?;
            out.push((hit.item_id, view.item));
        }
        Ok(out)
    }

    /// The form of a bundle: its fields and the union of the materials its parts' published
    /// items ask for, required ones first.
    pub async fn bundle_form(&self, code: &str) -> Result<BundleForm, AppError> {
        let def = definition(code)?;
        let items = self.bundle_items(&def).await?;
        let mut materials: Vec<BundleMaterial> = Vec::new();
        for (_, item) in &items {
            for m in item
                .materials
                .iter()
                .filter(|m| m.required || m.may_be_missing)
            {
                let required = m.required && !m.may_be_missing;
                match materials.iter_mut().find(|b| b.name == m.name) {
                    Some(b) => {
                        b.required |= required;
                        if !b.items.contains(&item.name) {
                            b.items.push(item.name.clone());
                        }
                    }
                    None => materials.push(BundleMaterial {
                        name: m.name.clone(),
                        required,
                        items: vec![item.name.clone()],
                    }),
                }
            }
        }
        materials.sort_by_key(|m| !m.required);
        Ok(BundleForm { def, materials })
    }

    /// Applies for a bundle: checks the one form and the one set of materials against every
    /// part first, then starts, fills and submits each part. Nothing is started when
    /// something is missing.
    pub async fn apply_bundle(
        &self,
        who: &Principal,
        req: BundleRequest,
    ) -> Result<BundleView, AppError> {
        if who.is_staff() {
            return Err(AppError::Forbidden);
        }
        let def = definition(&req.code)?;
        let mut problems = Vec::new();
        for f in def.fields.iter().filter(|f| f.required) {
            if req.form.get(&f.key).is_none_or(|v| v.trim().is_empty()) {
                problems.push(FieldError {
                    field: format!("form.{}", f.key).into(),
                    code: "bundle.field_missing",
                    message: format!("请填写{}", f.label),
                });
            }
        }
        let items = self.bundle_items(&def).await?;
        let provided: Vec<&str> = req.files.iter().map(|f| f.material.as_str()).collect();
        let mut reported: Vec<String> = Vec::new();
        for (_, item) in &items {
            for m in item
                .materials
                .iter()
                .filter(|m| m.required && !m.may_be_missing)
            {
                if !provided.contains(&m.name.as_str()) && !reported.contains(&m.name) {
                    reported.push(m.name.clone());
                    problems.push(FieldError {
                        field: format!("files.{}", m.name).into(),
                        code: "bundle.material_missing",
                        message: format!("请上传“{}”（{}需要）", m.name, item.name),
                    });
                }
            }
        }
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let blobs = self
            .uploads
            .as_ref()
            .ok_or_else(|| AppError::Internal("no upload directory is configured".into()))?;
        let mut stored = Vec::new();
        for f in &req.files {
            let blob = blobs
                .put_async(f.bytes.clone(), &UploadLimits::default())
                .await
                .map_err(|e| {
                    let err: AppError = e.into();
                    match err {
                        AppError::Invalid { message, .. } => AppError::Invalid {
                            message: format!("“{}”：{message}", f.material),
                            fields: vec![FieldError {
                                field: format!("files.{}", f.material).into(),
                                code: "bundle.bad_file",
                                message: format!("“{}”：{message}", f.material),
                            }],
                        },
                        other => other,
                    }
                })?;
            stored.push(AttachedMaterial {
                material: f.material.clone(),
                blob_id: blob.sm3_hex,
                file_name: f.file_name.chars().take(120).collect(),
                size: blob.size,
                media_type: blob.media_type.mime().to_string(),
                licence_id: None,
            });
        }
        let bundle = self
            .bundle_record(who, &def, req.idempotency_key.clone())
            .await?;
        let key = bundle
            .idempotency_key
            .clone()
            .unwrap_or_else(|| bundle.id.clone());
        for (i, ((item_id, item), part)) in items.iter().zip(&def.parts).enumerate() {
            let form = part
                .field_map
                .iter()
                .filter_map(|(from, to)| req.form.get(from).map(|v| (to.clone(), v.clone())))
                .collect();
            let app = self
                .start_application(
                    who,
                    StartRequest {
                        item_id: item_id.clone(),
                        channel: req.channel.clone(),
                        idempotency_key: Some(format!("{key}:{i}")),
                        form,
                        bundle_id: bundle.id.clone(),
                        ..Default::default()
                    },
                )
                .await?;
            if app.status != Status::Draft {
                continue;
            }
            let names = wanted(item);
            for m in stored.iter().filter(|m| names.contains(&m.material)) {
                if !app
                    .materials
                    .iter()
                    .any(|a| a.blob_id == m.blob_id && a.material == m.material)
                {
                    self.act_on_application(who, &app.id, None, Command::AttachMaterial(m.clone()))
                        .await?;
                }
            }
            self.act_on_application(who, &app.id, None, Command::Submit)
                .await?;
        }
        self.bundle_submitted_notice(who, &bundle).await?;
        self.bundle_view(who, &bundle.id).await
    }

    /// The bundle row for this request: an existing one for a repeated key, else a new one.
    async fn bundle_record(
        &self,
        who: &Principal,
        def: &BundleDef,
        key: Option<String>,
    ) -> Result<BundleRow, AppError> {
        let row = BundleRow {
            id: self.new_item_id(),
            code: def.code.clone(),
            name: def.name.clone(),
            applicant_account: who.account_id().to_string(),
            idempotency_key: key,
            completed_notice: 0,
            created_at_ms: self.now_ms(),
        };
        let event = tongban_store::NewEvent {
            at_ms: row.created_at_ms,
            actor: row.applicant_account.clone(),
            action: "bundle.applied".into(),
            entity_type: "bundle".into(),
            entity_id: row.id.clone(),
            payload: serde_json::json!({ "code": row.code }),
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if let Some(k) = &row.idempotency_key
                        && let Some(existing) = ctx.bundle_by_key(&row.applicant_account, k).await?
                    {
                        return Ok::<_, AppError>(existing);
                    }
                    ctx.insert_bundle(&row).await?;
                    ctx.append_event(event).await?;
                    Ok(row)
                })
            })
            .await
    }

    /// A bundle with its parts and combined status.
    pub async fn bundle_view(&self, who: &Principal, id: &str) -> Result<BundleView, AppError> {
        let bundle = self
            .store
            .bundle(id)
            .await?
            .ok_or(AppError::NotFound("该一件事"))?;
        let rows = self.store.bundle_applications(id).await?;
        let mut parts: Vec<Application> = Vec::new();
        for row in &rows {
            parts.push(state_of(row)?);
        }
        let mine = bundle.applicant_account == who.account_id();
        if !mine {
            // Staff may look at a bundle when they may see one of its parts.
            let mut visible = false;
            for p in &parts {
                visible |= self.application(who, &p.id).await.is_ok();
            }
            if !visible {
                return Err(AppError::NotFound("该一件事"));
            }
        }
        let status = combined_status(parts.iter());
        let today = self.today();
        let entries = rows
            .iter()
            .map(|r| self.queue_entry(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BundleView {
            id: bundle.id,
            code: bundle.code,
            name: bundle.name,
            status,
            status_zh: status.name_zh(),
            parts: entries,
        })
    }

    /// The caller's bundles.
    pub async fn my_bundles(&self, who: &Principal) -> Result<Vec<BundleView>, AppError> {
        let mut out = Vec::new();
        for b in self.store.bundles_of(who.account_id()).await? {
            out.push(self.bundle_view(who, &b.id).await?);
        }
        Ok(out)
    }
}
