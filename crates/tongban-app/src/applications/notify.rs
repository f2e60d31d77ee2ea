//! Telling the applicant: a notice at every change that matters to them, written in the same
//! unit of work as the change (in-app, and by SMS to the phone on their record through the
//! outbox). A bundle's parts are announced once for the bundle, and the bundle's completion
//! is one combined notice.

use tongban_domain::application::{
    Application, ApplicationEvent, BundleStatus, Recorded, combined_status,
};
use tongban_store::{NewNotice, WriteCtx};

use super::bundles::BundleView;
use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

impl App {
    /// The phone number on the applicant's record, for SMS (citizens only).
    pub(crate) async fn applicant_phone(
        &self,
        account_id: &str,
    ) -> Result<Option<String>, AppError> {
        Ok(self
            .store
            .citizen_profile(account_id)
            .await?
            .map(|p| p.phone)
            .filter(|p| !p.trim().is_empty()))
    }

    /// Active staff of a department in one role.
    pub(crate) async fn department_staff(
        &self,
        department_id: &str,
        role: tongban_domain::Role,
    ) -> Result<Vec<String>, AppError> {
        Ok(self
            .store
            .staff_in_unit("department", department_id)
            .await?
            .into_iter()
            .filter(|a| a.role.as_deref() == Some(role.code()) && a.disabled == 0)
            .map(|a| a.id)
            .collect())
    }

    /// The same in-app notice to several members of staff, once each per `key`.
    pub(crate) async fn notify_staff(
        &self,
        accounts: Vec<String>,
        key: &str,
        subject: &str,
        body: &str,
        link: &str,
    ) -> Result<(), AppError> {
        if accounts.is_empty() {
            return Ok(());
        }
        let at_ms = self.now_ms();
        let notices: Vec<NewNotice> = accounts
            .into_iter()
            .map(|account| NewNotice {
                dedupe_key: format!("{key}:{account}"),
                account_id: account,
                at_ms,
                subject: subject.to_string(),
                body: body.to_string(),
                link: link.to_string(),
                sms_to: None,
                email_to: None,
            })
            .collect();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    for n in &notices {
                        ctx.enqueue_notice(n).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// 催办: the people due to act on the case's current step are told.
    pub(crate) async fn tell_assignees_urged(&self, app: &Application) -> Result<(), AppError> {
        let named: Vec<String> = app
            .pending_signers()
            .into_iter()
            .map(str::to_string)
            .collect();
        let people = if named.is_empty() {
            match app.role_due().and_then(tongban_domain::Role::parse) {
                Some(role) => self.department_staff(&app.department_id, role).await?,
                None => Vec::new(),
            }
        } else {
            named
        };
        let step = app.step().map(|s| s.name.clone()).unwrap_or_default();
        self.notify_staff(
            people,
            &format!("urged:{}:{}", app.id, app.revision),
            &format!("催办：{}", app.item_name),
            &format!(
                "办件 {}（{}）在“{}”环节被催办，请尽快办理。",
                app.number, app.item_name, step
            ),
            &format!("/work/applications/{}", app.id),
        )
        .await
    }

    /// One notice for a whole bundle just submitted.
    pub(crate) async fn bundle_submitted_notice(
        &self,
        who: &Principal,
        bundle: &tongban_store::BundleRow,
    ) -> Result<(), AppError> {
        let view: BundleView = self.bundle_view(who, &bundle.id).await?;
        let phone = self.applicant_phone(&bundle.applicant_account).await?;
        let notice = NewNotice {
            dedupe_key: format!("bundle:{}:submitted", bundle.id),
            account_id: bundle.applicant_account.clone(),
            at_ms: self.now_ms(),
            subject: format!("{}已提交", bundle.name),
            body: format!(
                "您申请的“{}”已提交，共 {} 个事项，将由各部门分别办理，进度可在“我的办件”中查看。",
                bundle.name,
                view.parts.len()
            ),
            link: format!("/bundles/{}", bundle.id),
            sms_to: phone,
            email_to: None,
        };
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.enqueue_notice(&notice).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await
    }
}

/// The notice of one recorded event, if the applicant should hear of it.
pub(crate) fn notice_for(
    app: &Application,
    r: &Recorded,
    in_bundle: bool,
    phone: Option<String>,
) -> Option<NewNotice> {
    if !r.event.tells_applicant() {
        return None;
    }
    if in_bundle && matches!(r.event, ApplicationEvent::Submitted { .. }) {
        return None;
    }
    // Called right after `r` was applied: the timeline's last line is `r`'s (a state read from
    // the store has no timeline, but applying an event appends its line).
    let line = app.history.last()?;
    let note = if line.note.is_empty() {
        String::new()
    } else {
        format!("（{}）", line.note)
    };
    Some(NewNotice {
        dedupe_key: format!("application:{}:{}", app.id, app.revision),
        account_id: app.applicant_account.clone(),
        at_ms: r.at_ms,
        subject: format!("{}：{}", app.item_name, line.what),
        body: format!(
            "您申请的“{}”（办件编号 {}）：{}{}。当前状态：{}。",
            app.item_name,
            app.number,
            line.what,
            note,
            app.status.name_zh()
        ),
        link: format!("/applications/{}", app.id),
        sms_to: phone,
        email_to: None,
    })
}

/// When the last part of a bundle closes, one combined notice (once).
pub(crate) async fn bundle_closing_notice(
    ctx: &mut WriteCtx,
    bundle_id: &str,
    at_ms: i64,
    phone: Option<String>,
) -> Result<(), AppError> {
    let mut parts = Vec::new();
    for json in ctx.bundle_states(bundle_id).await? {
        parts.push(
            serde_json::from_str::<Application>(&json)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
    }
    let status = combined_status(parts.iter());
    if !matches!(
        status,
        BundleStatus::Completed | BundleStatus::PartlyCompleted
    ) {
        return Ok(());
    }
    let Some(bundle) = ctx.bundle_for_update(bundle_id).await? else {
        return Ok(());
    };
    if !ctx.mark_bundle_notified(bundle_id).await? {
        return Ok(());
    }
    let granted = parts
        .iter()
        .filter(|p| tongban_domain::application::part_granted(p))
        .count();
    ctx.enqueue_notice(&NewNotice {
        dedupe_key: format!("bundle:{bundle_id}:closed"),
        account_id: bundle.applicant_account.clone(),
        at_ms,
        subject: format!("{}：{}", bundle.name, status.name_zh()),
        body: format!(
            "您申请的“{}”共 {} 个事项已全部办理完毕，其中 {} 项准予办理{}。",
            bundle.name,
            parts.len(),
            granted,
            if granted < parts.len() {
                "，未通过的事项请查看各自的办理意见"
            } else {
                ""
            }
        ),
        link: format!("/bundles/{bundle_id}"),
        sms_to: phone,
        email_to: None,
    })
    .await?;
    Ok(())
}
