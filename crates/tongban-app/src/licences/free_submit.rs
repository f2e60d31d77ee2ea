//! 证照免提交 (国务院令第716号 第7条): a required material one of the applicant's valid licences can
//! stand in for is offered to them, and with their consent attached as that licence instead of a
//! file; the form need not ask for it, and each use is in the 用证记录.

use serde::Serialize;
use tongban_domain::application::{Application, AttachedMaterial, Command};
use tongban_domain::catalog::ServiceItem;
use tongban_domain::crypto::{sm3, to_hex};
use tongban_domain::licence::{LicenceStatus, LicenceType, LicenceTypeCode, recognised};
use tongban_store::UsageRow;

use super::view::{facts_of, signed_of, status_of};
use crate::{App, AppError, Principal};

/// A material a licence can stand in for.
#[derive(Debug, Clone, Serialize)]
pub struct Substitute {
    pub material: String,
    pub licence_id: String,
    pub licence_name: String,
    pub number: String,
    pub valid_until: Option<String>,
}

/// The media type of an attached licence.
pub const LICENCE_MEDIA_TYPE: &str = "application/vnd.tongban.licence+json";

fn stands_in(
    types: &[LicenceType],
    type_code: &str,
    material: &tongban_domain::catalog::Material,
) -> bool {
    types.iter().any(|t| {
        t.code.as_str() == type_code
            && (material.licence_type.as_deref() == Some(t.name.as_str())
                || t.replaces(&material.name))
    })
}

impl App {
    /// The case's materials (not yet attached) that the applicant's valid licences can stand in
    /// for, where the 互通互认清单 lets the handling department use them for the item.
    pub async fn licence_substitutes(
        &self,
        who: &Principal,
        application_id: &str,
    ) -> Result<Vec<Substitute>, AppError> {
        let app = self.application(who, application_id).await?;
        self.substitutes_for(&app).await
    }

    pub(crate) async fn substitutes_for(
        &self,
        app: &Application,
    ) -> Result<Vec<Substitute>, AppError> {
        let types = self.cached_licence_types().await?;
        if types.is_empty() {
            return Ok(Vec::new());
        }
        let Some(version) = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
        else {
            return Ok(Vec::new());
        };
        let item: ServiceItem = serde_json::from_str(&version.body_json)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let Some(holder) = self.applicant_holder(app).await? else {
            return Ok(Vec::new());
        };
        let licences = self
            .store
            .licences_of_holder(&self.holder_key(&holder.code))
            .await?;
        let list = self.recognitions().await?;
        let attached = app.attached_names();
        let today = self.today();
        let mut out = Vec::new();
        for m in &item.materials {
            if attached.contains(&m.name.as_str()) {
                continue;
            }
            let found = licences.iter().find(|l| {
                stands_in(&types, &l.type_code, m)
                    && LicenceTypeCode::parse(&l.type_code).is_ok_and(|c| {
                        recognised(&list, &app.department_id, &c, &version.basic_code)
                    })
                    && status_of(&l.state, &l.valid_from, l.valid_until.as_deref(), today)
                        .is_ok_and(|s| s == LicenceStatus::Valid)
            });
            if let Some(l) = found {
                out.push(Substitute {
                    material: m.name.clone(),
                    licence_id: l.id.clone(),
                    licence_name: l.name.clone(),
                    number: l.number.clone(),
                    valid_until: l.valid_until.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Attaches, with the applicant's consent, the licences that stand in for `materials`.
    pub async fn attach_licences(
        &self,
        who: &Principal,
        application_id: &str,
        materials: &[String],
    ) -> Result<Application, AppError> {
        let mut app = self.application(who, application_id).await?;
        let offered = self.substitutes_for(&app).await?;
        let department_name = self
            .store
            .department(&app.department_id)
            .await?
            .map(|d| d.name)
            .unwrap_or_default();
        let basic_code = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
            .map(|v| v.basic_code);
        let mut usages = Vec::new();
        for material in materials {
            let Some(sub) = offered.iter().find(|s| &s.material == material) else {
                return Err(AppError::field(
                    "materials",
                    "licence.no_substitute",
                    format!("“{material}”没有可用的电子证照，请上传材料"),
                ));
            };
            let row = self
                .store
                .licence(&sub.licence_id)
                .await?
                .ok_or(AppError::NotFound("该证照"))?;
            let file =
                tongban_domain::licence::LicenceFile::new(&signed_of(&row)?, &facts_of(&row)?.face)
                    .to_json();
            let cmd = Command::AttachMaterial(AttachedMaterial {
                material: material.clone(),
                blob_id: to_hex(&sm3(file.as_bytes())),
                file_name: format!("{}（电子证照 {}）", row.name, row.number)
                    .chars()
                    .take(120)
                    .collect(),
                size: file.len() as u64,
                media_type: LICENCE_MEDIA_TYPE.into(),
                licence_id: Some(row.id.clone()),
            });
            app = self
                .act_on_application(who, application_id, None, cmd)
                .await?;
            usages.push(UsageRow {
                id: uuid::Uuid::now_v7().to_string(),
                at_ms: self.now_ms(),
                licence_id: Some(row.id.clone()),
                holder_key: row.holder_key.clone(),
                operation: "attach".into(),
                cause: format!("证照免提交：{}（{}）", app.item_name, material),
                item_code: basic_code.clone(),
                application_id: Some(app.id.clone()),
                department_id: Some(app.department_id.clone()),
                actor_id: Some(who.account_id().to_string()),
                actor_label: department_name.clone(),
                result: "ok".into(),
                detail: app.number.clone(),
            });
        }
        if !usages.is_empty() {
            self.store
                .write(move |ctx| {
                    Box::pin(
                        async move { ctx.insert_usages(&usages).await.map_err(AppError::from) },
                    )
                })
                .await?;
        }
        Ok(app)
    }

    /// The licence file standing in for an attached material (for `material_file`).
    pub(crate) async fn attached_licence_file(
        &self,
        licence_id: &str,
    ) -> Result<Vec<u8>, AppError> {
        let row = self
            .store
            .licence(licence_id)
            .await?
            .ok_or(AppError::NotFound("该证照"))?;
        Ok(
            tongban_domain::licence::LicenceFile::new(&signed_of(&row)?, &facts_of(&row)?.face)
                .to_json()
                .into_bytes(),
        )
    }
}
