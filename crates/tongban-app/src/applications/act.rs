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
    /// covers it (or who are named on it), with its timeline (folded from its events).
    pub async fn application(&self, who: &Principal, id: &str) -> Result<Application, AppError> {
        let (row, mut app) = self.visible_case(who, id).await?;
        self.fill_timeline(&row, &mut app).await?;
        Ok(app)
    }

    /// [`App::application`] without the timeline: the row and the stored state, for a caller
    /// that only needs to know the case and that it may see it.
    pub(crate) async fn visible_case(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<(tongban_store::ApplicationRow, Application), AppError> {
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        if super::authorize::speaks_for_applicant(who, &app) {
            return Ok((row, app));
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
            Ok((row, app))
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Sends one command to a case. `seen_revision` is the revision the caller's page showed;
    /// when given and the case has moved on, nothing is done and the answer is a conflict.
    /// The new state is returned without its timeline ([`App::with_timeline`] adds it).
    pub async fn act_on_application(
        &self,
        who: &Principal,
        id: &str,
        seen_revision: Option<u64>,
        cmd: Command,
    ) -> Result<Application, AppError> {
        let mut case = self.load_case(id, seen_revision).await?;
        let actor = match actor_for(who, &case.app, &case.row.division_code, &cmd) {
            Ok(actor) => actor,
            Err(_) => {
                // The cache may hold an older state than the store (another process moved the
                // case on): decide who may act on the committed one.
                self.cases.forget(id);
                case = self.load_case(id, seen_revision).await?;
                actor_for(who, &case.app, &case.row.division_code, &cmd)?
            }
        };
        let current = &case.app;
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
        let app = self
            .apply_command(actor, Some(who), Some(case), id, seen_revision, cmd)
            .await?;
        if urged {
            self.tell_assignees_urged(&app).await?;
        }
        Ok(app)
    }

    /// A case as last committed, from the cache when it holds it at the revision the caller
    /// saw (or any revision when the caller saw none), else from the store.
    async fn load_case(
        &self,
        id: &str,
        seen_revision: Option<u64>,
    ) -> Result<super::cache::CachedCase, AppError> {
        if let Some(case) = self.cases.get(id)
            && seen_revision.is_none_or(|seen| seen == case.app.revision)
        {
            return Ok(case);
        }
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        let phone = self.applicant_phone(&row.applicant_account).await?;
        let case = super::cache::CachedCase { row, app, phone };
        self.cases.put(case.clone());
        Ok(case)
    }

    /// Runs `cmd` as `actor` (already authorized) as one unit of work.
    ///
    /// The command is decided on the case as last committed, outside the writer (so the work
    /// of many callers runs in parallel); the unit then only checks that the case is still at
    /// the revision the decision was made on, and queues the events, the new row and the
    /// notices for the batch's commit. If somebody else moved the case on in between, a caller
    /// that named the revision it saw gets the conflict; anyone else is decided again on the
    /// new state (a few times at most).
    pub(crate) async fn apply_command(
        &self,
        actor: tongban_domain::application::Actor,
        who: Option<&Principal>,
        loaded: Option<super::cache::CachedCase>,
        id: &str,
        seen_revision: Option<u64>,
        cmd: Command,
    ) -> Result<Application, AppError> {
        self.apply_command_telling(actor, who, loaded, id, seen_revision, cmd, Vec::new())
            .await
    }

    /// [`App::apply_command`], writing `also_tell` (notices to other people, deduplicated by
    /// their keys) in the same unit of work, so they exist exactly when the change does.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_command_telling(
        &self,
        mut actor: tongban_domain::application::Actor,
        who: Option<&Principal>,
        mut loaded: Option<super::cache::CachedCase>,
        id: &str,
        seen_revision: Option<u64>,
        cmd: Command,
        also_tell: Vec<tongban_store::NewNotice>,
    ) -> Result<Application, AppError> {
        const ATTEMPTS: usize = 5;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let case = match loaded.take() {
                Some(case) => case,
                None => self.load_case(id, seen_revision).await?,
            };
            if attempt > 1
                && let Some(who) = who
            {
                // The case moved on: who may act is decided again on its new state.
                actor = actor_for(who, &case.app, &case.row.division_code, &cmd)?;
            }
            let phone = case.phone.clone();
            let mut unit = self.decided_unit(&actor, case, seen_revision, &cmd)?;
            unit.notices.extend(also_tell.iter().cloned());
            if unit.issues_licences {
                unit.licences = self.licences_for_case(&unit.app, &actor.account_id).await?;
            }
            let number = unit.app.number.clone();
            // The cache keeps the row without its state text (the state is kept parsed).
            let state = std::mem::take(&mut unit.new_row.state_json);
            let cached_row = unit.new_row.clone();
            unit.new_row.state_json = state;
            match self.store.write(move |ctx| Box::pin(unit.write(ctx))).await {
                Ok(mut app) => {
                    // The timeline is the log's: the state a command leaves carries none (the
                    // stored one never does; one of an older release may).
                    app.history = Vec::new();
                    self.cases.put(super::cache::CachedCase {
                        row: cached_row,
                        app: app.clone(),
                        phone,
                    });
                    return Ok(app);
                }
                Err(AppError::Conflict(_)) => {
                    self.cases.forget(id);
                    if seen_revision.is_some() || attempt >= ATTEMPTS {
                        return Err(stale(&number));
                    }
                }
                Err(other) => {
                    self.cases.forget(id);
                    return Err(other);
                }
            }
        }
    }

    /// Decides `cmd` on `row` and prepares everything its unit of work writes.
    fn decided_unit(
        &self,
        actor: &tongban_domain::application::Actor,
        case: super::cache::CachedCase,
        seen_revision: Option<u64>,
        cmd: &Command,
    ) -> Result<DecidedUnit, AppError> {
        let at_ms = self.now_ms();
        let today = self.today();
        let cal = self.calendar();
        let super::cache::CachedCase {
            row,
            mut app,
            phone,
        } = case;
        if let Some(seen) = seen_revision
            && seen != app.revision
        {
            return Err(stale(&app.number));
        }
        let from_revision = row.revision;
        let was_licensable = crate::licences::licensable(&app);
        let was_completed = app.status == tongban_domain::application::Status::Completed;
        let events = app.decide(cmd, actor, today, &cal).map_err(transition)?;
        let signers_before = signers(&app);
        let copies_before = app.copied_to.clone();
        let in_bundle = !row.bundle_id.is_empty();
        let mut log = Vec::with_capacity(events.len());
        let mut notices = Vec::new();
        let mut credit_flag = None;
        for event in events {
            let r = Recorded {
                at_ms,
                on: today,
                actor: actor.account_id.clone(),
                event,
            };
            app.apply(&r);
            log.push(log_event(&app.id, &r)?);
            if let Some(notice) = notice_for(&app, &r, in_bundle, phone.clone()) {
                notices.push(notice);
            }
            if let ApplicationEvent::CommitmentVerified {
                truthful: false,
                note,
            } = &r.event
            {
                credit_flag = Some(note.clone());
            }
        }
        let signers_after = signers(&app);
        let new_signers = (signers_after != signers_before).then_some(signers_after);
        let new_copies = (app.copied_to != copies_before).then(|| app.copied_to.clone());
        let new_row = project(&mut app, &row.division_code, &row.bundle_id, &cal, at_ms)?;
        let closes_bundle = in_bundle && app.status.is_closed();
        let issues_licences = !was_licensable && crate::licences::licensable(&app);
        // 好差评: a case that became 办结 in this unit invites its applicant to rate it.
        let invitation = (!was_completed
            && app.status == tongban_domain::application::Status::Completed)
            .then(|| self.completion_invitation(&app, today, &cal, at_ms, phone.clone()))
            .flatten();
        Ok(DecidedUnit {
            invitation,
            issues_licences,
            licences: Vec::new(),
            app,
            from_revision,
            new_row,
            log,
            notices,
            credit_flag,
            new_signers,
            new_copies,
            bundle_id: closes_bundle.then_some(row.bundle_id),
            phone,
            at_ms,
        })
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
        self.visible_case(who, id).await?;
        let stored = blobs.put_async(bytes, &UploadLimits::default()).await?;
        let cmd = Command::AttachMaterial(AttachedMaterial {
            material: material.to_string(),
            blob_id: stored.sm3_hex.clone(),
            file_name: file_name.chars().take(120).collect(),
            size: stored.size,
            media_type: stored.media_type.mime().to_string(),
            licence_id: None,
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
        let (_, app) = self.visible_case(who, id).await?;
        let attached = app
            .materials
            .iter()
            .find(|m| m.blob_id == blob_id)
            .cloned()
            .ok_or(AppError::NotFound("该材料"))?;
        let bytes = if let Some(licence_id) = &attached.licence_id {
            // 证照免提交: the licence stands in for the file.
            self.attached_licence_file(licence_id).await?
        } else {
            let blobs = self
                .uploads
                .as_ref()
                .ok_or_else(|| AppError::Internal("no upload directory is configured".into()))?;
            blobs
                .get_async(blob_id)
                .await?
                .ok_or(AppError::NotFound("该材料"))?
        };
        if who.is_staff() {
            // Materials carry personal information: every staff read is on the record.
            let payload = serde_json::json!({ "material": attached.material, "blob_id": blob_id });
            self.record_read(
                who,
                "application.material_viewed",
                "application_material",
                &app.id,
                payload,
            )
            .await?;
        }
        Ok((attached, bytes))
    }
}

/// What one decided command writes.
struct DecidedUnit {
    app: Application,
    from_revision: i64,
    new_row: tongban_store::ApplicationRow,
    log: Vec<tongban_store::NewEvent>,
    notices: Vec<tongban_store::NewNotice>,
    credit_flag: Option<String>,
    new_signers: Option<Vec<String>>,
    new_copies: Option<Vec<String>>,
    /// The bundle whose closing this may complete.
    bundle_id: Option<String>,
    phone: Option<String>,
    at_ms: i64,
    /// The decision became final in this unit: the case's licences are issued with it.
    issues_licences: bool,
    /// Signed licences (and their events) written in this unit.
    licences: Vec<(tongban_store::LicenceRow, tongban_store::NewEvent)>,
    /// The invitation to rate, when the case was completed in this unit.
    invitation: Option<crate::evaluations::Invitation>,
}

impl DecidedUnit {
    /// The unit of work: still at the revision decided on, then everything queued.
    async fn write(mut self, ctx: &mut tongban_store::WriteCtx) -> Result<Application, AppError> {
        if ctx.application_revision(&self.app.id).await? != Some(self.from_revision) {
            return Err(AppError::Conflict(String::new()));
        }
        for event in self.log {
            let seq = ctx.append_event(event).await?;
            tongban_store::push_event_seqs(&mut self.new_row.event_seqs, [seq]);
        }
        for notice in self.notices {
            ctx.defer_notice(notice);
        }
        if let Some(note) = &self.credit_flag {
            ctx.insert_credit_flag(&self.app.applicant_account, &self.app.id, self.at_ms, note)
                .await?;
        }
        if let Some(list) = &self.new_signers {
            ctx.set_assignees(&self.app.id, "signer", list).await?;
        }
        if let Some(list) = &self.new_copies {
            ctx.set_assignees(&self.app.id, "copy", list).await?;
        }
        for (row, event) in self.licences {
            if ctx.insert_licences(std::slice::from_ref(&row)).await? == 1 {
                ctx.append_event(event).await?;
            }
        }
        if let Some(invite) = self.invitation
            && ctx.insert_invitation(&invite.row).await?
        {
            ctx.defer_notice(invite.notice);
        }
        ctx.defer_application(self.new_row, self.from_revision);
        if let Some(bundle_id) = &self.bundle_id {
            bundle_closing_notice(ctx, bundle_id, self.at_ms, self.phone.clone()).await?;
        }
        Ok(self.app)
    }
}
