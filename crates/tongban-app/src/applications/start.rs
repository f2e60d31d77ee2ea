//! Starting a case: a citizen or enterprise online, a window clerk for a walk-in applicant, or
//! a runner under a mandate. The case refers to the item version in force and copies what it
//! needs from it; the same idempotency key twice gives the same case.

use std::collections::BTreeMap;

use tongban_domain::application::{
    Application, ApplicationEvent, ApplyChannel, DraftFacts, Recorded, application_number,
    route_from_steps,
};
use tongban_domain::catalog::TransactionKind;
use tongban_domain::{AccountKind, Role};

use super::project::{log_event, project};
use super::state_of;
use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// What starting a case takes.
#[derive(Debug, Clone, Default)]
pub struct StartRequest {
    pub item_id: String,
    /// `pc` or `mobile` online; `window` or `outlet` for a clerk; `runner` for a runner.
    pub channel: String,
    /// The applicant, when a clerk or runner applies for somebody else (account id).
    pub applicant_account: Option<String>,
    /// The mandate a runner acts under.
    pub mandate_id: Option<String>,
    /// A key the form carries so that a repeated submission makes one case.
    pub idempotency_key: Option<String>,
    pub form: BTreeMap<String, String>,
    /// The bundle (一件事) this case belongs to; empty when none.
    pub bundle_id: String,
}

impl App {
    /// Starts a draft case. Returns the case (an existing one for a repeated idempotency key).
    pub async fn start_application(
        &self,
        who: &Principal,
        req: StartRequest,
    ) -> Result<Application, AppError> {
        let channel = ApplyChannel::parse(&req.channel).ok_or_else(|| {
            AppError::field("channel", "application.bad_channel", "请选择办理渠道")
        })?;
        let (applicant, agent, mandate) = self.applicant_of(who, &req, channel).await?;
        let applicant_row = self
            .store
            .account(&applicant)
            .await?
            .ok_or(AppError::NotFound("该申请人"))?;
        let applicant_kind = AccountKind::parse(&applicant_row.kind)
            .filter(|k| *k != AccountKind::Staff)
            .ok_or_else(|| {
                AppError::field(
                    "applicant",
                    "application.bad_applicant",
                    "申请人须为个人或法人账号",
                )
            })?;
        let version = self
            .store
            .published_version(&req.item_id)
            .await?
            .ok_or(AppError::NotFound("该事项"))?;
        let item = version.item()?;
        if let Some(key) = &req.idempotency_key
            && key.len() > 100
        {
            return Err(AppError::field(
                "idempotency_key",
                "application.bad_key",
                "幂等键过长",
            ));
        }
        let department = self.department(&item.department_id).await?;
        let materials = |pred: fn(&tongban_domain::catalog::Material) -> bool| {
            item.materials
                .iter()
                .filter(|m| pred(m))
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
        };
        let mut facts = DraftFacts {
            id: self.new_item_id(),
            number: String::new(),
            item_id: version.item_id.clone(),
            item_version: version.version,
            item_name: item.name.clone(),
            department_id: item.department_id.clone(),
            applicant_account: applicant.clone(),
            applicant_kind,
            applicant_name: applicant_row.display_name.clone(),
            agent_account: agent,
            mandate_id: mandate,
            channel,
            hall_id: match who {
                Principal::Staff {
                    unit: crate::principal::OrgUnit::Hall { id, .. },
                    ..
                } if !channel.is_online() => Some(id.clone()),
                _ => None,
            },
            route: route_from_steps(&item.steps),
            legal_limit_days: item.legal_limit_days,
            promised_limit_days: item.promised_limit_days,
            immediate: item.transaction_kind == TransactionKind::Immediate
                || item.promised_limit_days == 0,
            required_materials: materials(|m| m.required),
            may_be_missing: materials(|m| m.may_be_missing),
            may_be_committed: materials(|m| m.may_be_committed),
            allows_incomplete: item.allows_incomplete_acceptance,
            allows_commitment: item.allows_commitment,
            idempotency_key: req.idempotency_key.clone(),
        };
        let at_ms = self.now_ms();
        let today = self.today();
        let actor = who.account_id().to_string();
        let cal = self.calendar();
        let region = self.config.region_code.clone();
        let division = department.division_code.clone();
        let form = req.form.clone();
        let bundle_id = req.bundle_id.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    if let Some(key) = &facts.idempotency_key
                        && let Some(existing) = ctx
                            .application_by_key(&facts.applicant_account, key)
                            .await?
                    {
                        return state_of(&existing);
                    }
                    let seq = ctx.next_application_seq(&today.to_string()).await?;
                    facts.number =
                        application_number(&region, today, u64::try_from(seq).unwrap_or(0));
                    let mut events = vec![ApplicationEvent::Drafted(Box::new(facts.clone()))];
                    if !form.is_empty() {
                        events.push(ApplicationEvent::DraftSaved { form });
                    }
                    let mut app = Application::new_draft(&facts, at_ms);
                    let mut seqs = Vec::with_capacity(events.len());
                    for event in events {
                        let r = Recorded {
                            at_ms,
                            on: today,
                            actor: actor.clone(),
                            event,
                        };
                        app.apply(&r);
                        seqs.push(ctx.append_event(log_event(&app.id, &r)?).await?);
                    }
                    let mut row = project(&mut app, &division, &bundle_id, &cal, at_ms)?;
                    tongban_store::push_event_seqs(&mut row.event_seqs, seqs);
                    ctx.insert_application(&row).await?;
                    Ok::<_, AppError>(app)
                })
            })
            .await
    }

    /// Whose case it is, who applies for them, and under which mandate.
    async fn applicant_of(
        &self,
        who: &Principal,
        req: &StartRequest,
        channel: ApplyChannel,
    ) -> Result<(String, Option<String>, Option<String>), AppError> {
        match who {
            Principal::Citizen { account_id, .. } | Principal::Enterprise { account_id, .. } => {
                if !matches!(channel, ApplyChannel::Pc | ApplyChannel::Mobile) {
                    return Err(AppError::field(
                        "channel",
                        "application.bad_channel",
                        "网上申请请选择电脑端或手机端",
                    ));
                }
                Ok((account_id.clone(), None, None))
            }
            Principal::Staff {
                role, account_id, ..
            } => {
                let applicant = req
                    .applicant_account
                    .clone()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        AppError::field(
                            "applicant",
                            "application.applicant_missing",
                            "请先查找或登记申请人",
                        )
                    })?;
                match role {
                    Role::WindowClerk
                        if matches!(
                            channel,
                            ApplyChannel::Window | ApplyChannel::Outlet | ApplyChannel::Post
                        ) =>
                    {
                        Ok((applicant, Some(account_id.clone()), None))
                    }
                    Role::Runner if channel == ApplyChannel::Runner => {
                        let mandate_id = req.mandate_id.clone().unwrap_or_default();
                        self.check_mandate(account_id, &applicant, &req.item_id, &mandate_id)
                            .await?;
                        Ok((applicant, Some(account_id.clone()), Some(mandate_id)))
                    }
                    _ => Err(AppError::Forbidden),
                }
            }
        }
    }
}
