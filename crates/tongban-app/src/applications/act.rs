//! Acting on a case: one command, decided on the fresh state inside the writer, recorded as
//! events with the new projection in the same unit of work.

use tongban_domain::application::{
    Application, ApplicationEvent, AttachedMaterial, Command, Recorded,
};

use super::authorize::actor_for;
use super::notify::{bundle_closing_notice, notice_for};
use super::project::{log_event, project, signers, transition};
use super::{stale, state_of};
use crate::App;
use crate::error::AppError;
use crate::principal::Principal;
use crate::uploads::UploadLimits;

impl App {
    /// Reads a case the caller may see: the applicant, their agent, or staff whose unit
    /// covers it (or who are named on it).
    pub async fn application(&self, who: &Principal, id: &str) -> Result<Application, AppError> {
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        if super::authorize::speaks_for_applicant(who, &app) {
            return Ok(app);
        }
        let crate::principal::Principal::Staff {
            unit, account_id, ..
        } = who
        else {
            return Err(AppError::NotFound("该办件"));
        };
        let named = app.pending_signers().contains(&account_id.as_str())
            || app.copied_to.contains(account_id);
        if named || super::authorize::covers(unit, &app.department_id, &row.division_code) {
            Ok(app)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Sends one command to a case. `seen_revision` is the revision the caller's page showed;
    /// when given and the case has moved on, nothing is done and the answer is a conflict.
    pub async fn act_on_application(
        &self,
        who: &Principal,
        id: &str,
        seen_revision: Option<u64>,
        cmd: Command,
    ) -> Result<Application, AppError> {
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let current = state_of(&row)?;
        let actor = actor_for(who, &current, &row.division_code, &cmd)?;
        if matches!(cmd, Command::SignCommitment { .. })
            && self
                .store
                .has_credit_flag(&current.applicant_account)
                .await?
        {
            return Err(AppError::field(
                "commitment",
                "application.credit_flagged",
                "申请人有虚假承诺记录，信用修复前不适用告知承诺制，请按一般程序提交材料",
            ));
        }
        let urged = matches!(cmd, Command::Urge { .. });
        let app = self.apply_command(actor, id, seen_revision, cmd).await?;
        if urged {
            self.tell_assignees_urged(&app).await?;
        }
        Ok(app)
    }

    /// Runs `cmd` as `actor` (already authorized) in one unit of work.
    pub(crate) async fn apply_command(
        &self,
        actor: tongban_domain::application::Actor,
        id: &str,
        seen_revision: Option<u64>,
        cmd: Command,
    ) -> Result<Application, AppError> {
        let at_ms = self.now_ms();
        let today = self.today();
        let cal = self.calendar();
        let phone = match self.store.application(id).await? {
            Some(row) => self.applicant_phone(&row.applicant_account).await?,
            None => None,
        };
        let id = id.to_string();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    let row = ctx
                        .application_for_update(&id)
                        .await?
                        .ok_or(AppError::NotFound("该办件"))?;
                    let mut app = state_of(&row)?;
                    if let Some(seen) = seen_revision
                        && seen != app.revision
                    {
                        return Err(stale(&app.number));
                    }
                    let events = app.decide(&cmd, &actor, today, &cal).map_err(transition)?;
                    let signers_before = signers(&app);
                    let copies_before = app.copied_to.clone();
                    for event in events {
                        let r = Recorded {
                            at_ms,
                            on: today,
                            actor: actor.account_id.clone(),
                            event,
                        };
                        app.apply(&r);
                        ctx.append_event(log_event(&app.id, &r)?).await?;
                        let in_bundle = !row.bundle_id.is_empty();
                        if let Some(notice) = notice_for(&app, &r, in_bundle, phone.clone()) {
                            ctx.enqueue_notice(&notice).await?;
                        }
                        if let ApplicationEvent::CommitmentVerified {
                            truthful: false,
                            note,
                        } = &r.event
                        {
                            ctx.insert_credit_flag(&app.applicant_account, &app.id, at_ms, note)
                                .await?;
                        }
                    }
                    let signers_after = signers(&app);
                    if signers_after != signers_before {
                        ctx.set_assignees(&app.id, "signer", &signers_after).await?;
                    }
                    if app.copied_to != copies_before {
                        ctx.set_assignees(&app.id, "copy", &app.copied_to).await?;
                    }
                    let new_row = project(&app, &row.division_code, &row.bundle_id, &cal, at_ms)?;
                    ctx.update_application(&new_row, row.revision)
                        .await
                        .map_err(|e| match e {
                            tongban_store::StoreError::Conflict(_) => stale(&app.number),
                            other => other.into(),
                        })?;
                    if !row.bundle_id.is_empty() && app.status.is_closed() {
                        bundle_closing_notice(ctx, &row.bundle_id, at_ms, phone.clone()).await?;
                    }
                    Ok::<_, AppError>(app)
                })
            })
            .await
    }

    /// Stores an uploaded file (content-addressed) and attaches it to a material of the case.
    pub async fn attach_upload(
        &self,
        who: &Principal,
        id: &str,
        seen_revision: Option<u64>,
        material: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Application, AppError> {
        let blobs = self
            .uploads
            .as_ref()
            .ok_or_else(|| AppError::Internal("no upload directory is configured".into()))?;
        // Check the caller may touch the case before storing anything.
        self.application(who, id).await?;
        let stored = blobs.put_async(bytes, &UploadLimits::default()).await?;
        let cmd = Command::AttachMaterial(AttachedMaterial {
            material: material.to_string(),
            blob_id: stored.sm3_hex.clone(),
            file_name: file_name.chars().take(120).collect(),
            size: stored.size,
            media_type: stored.media_type.mime().to_string(),
        });
        self.act_on_application(who, id, seen_revision, cmd).await
    }

    /// The bytes of a material file of a case the caller may see.
    pub async fn material_file(
        &self,
        who: &Principal,
        id: &str,
        blob_id: &str,
    ) -> Result<(AttachedMaterial, Vec<u8>), AppError> {
        let app = self.application(who, id).await?;
        let attached = app
            .materials
            .iter()
            .find(|m| m.blob_id == blob_id)
            .cloned()
            .ok_or(AppError::NotFound("该材料"))?;
        let blobs = self
            .uploads
            .as_ref()
            .ok_or_else(|| AppError::Internal("no upload directory is configured".into()))?;
        let bytes = blobs
            .get_async(blob_id)
            .await?
            .ok_or(AppError::NotFound("该材料"))?;
        if who.is_staff() {
            // Materials carry personal information: every staff read is on the record.
            let event = tongban_store::NewEvent {
                at_ms: self.now_ms(),
                actor: who.account_id().to_string(),
                action: "application.material_viewed".into(),
                entity_type: "application_material".into(),
                entity_id: app.id.clone(),
                payload: serde_json::json!({ "material": attached.material, "blob_id": blob_id }),
            };
            self.store
                .write(move |ctx| {
                    Box::pin(async move {
                        ctx.append_event(event).await?;
                        Ok::<_, AppError>(())
                    })
                })
                .await?;
        }
        Ok((attached, bytes))
    }
}
