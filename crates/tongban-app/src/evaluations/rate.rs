//! Rating a stage of a case: by its applicant (PC or mobile), through the invitation's SMS link,
//! or as a phone call recorded by staff. Every rating is one unit of work: the rating row, its
//! `evaluation.rated` event and, for a 差评, the rectification case and `rectification.opened`.

use serde::Serialize;
use time::Date;
use tongban_domain::application::{Application, Status};
use tongban_domain::evaluation::{
    CURRENT_OPTION_SET, EvalChannel, EvalStage, RatedFacts, RectificationEvent,
    RectificationOpened, RectificationRecord, Satisfaction,
};
use tongban_domain::{AccountKind, Role};
use tongban_store::{EvaluationRow, NewEvent, RectificationRow};

use super::{RatingInput, new_id, token_sm3};
use crate::applications::state_of;
use crate::principal::Principal;
use crate::{App, AppError};

/// What a rating produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingReceipt {
    pub evaluation_id: String,
    pub satisfaction: Satisfaction,
    /// The 差评 case opened for the rating, if it was one.
    pub rectification_id: Option<String>,
}

/// What is rated, and which unit answers for it (谁办理谁负责).
#[derive(Debug, Clone)]
pub(crate) struct RatedSubject {
    pub application_id: Option<String>,
    pub window_service_id: Option<String>,
    pub stage: EvalStage,
    pub item_id: Option<String>,
    pub department_id: Option<String>,
    pub hall_id: Option<String>,
    pub served_by: Option<String>,
    /// `department` or `hall`.
    pub unit_kind: &'static str,
    pub unit_id: String,
    pub division_code: String,
}

/// Who rated, as far as the record keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Rater {
    /// The account, kept only for a real-name rating.
    pub account: Option<String>,
    pub key: String,
    pub recorded_by: Option<String>,
    /// The actor of the events: the account, `anonymous`, or the recording staff member.
    pub actor: String,
}

/// What a rating spends besides its own row.
#[derive(Debug, Clone)]
pub(crate) enum Spend {
    Nothing,
    Invitation(String),
    WindowService(String),
}

/// A rating ready to be written.
pub(crate) struct PreparedRating {
    pub row: EvaluationRow,
    pub events: Vec<NewEvent>,
    pub case: Option<RectificationRow>,
    pub receipt: RatingReceipt,
}

fn checked_input(input: &RatingInput) -> Result<(Vec<String>, String), AppError> {
    let options = CURRENT_OPTION_SET
        .parse_ticked(&input.options)
        .map_err(|m| AppError::field("options", "evaluation.unknown_option", m))?;
    let comment = input.comment.trim();
    if comment.chars().count() > 500 {
        return Err(AppError::field(
            "comment",
            "evaluation.comment_too_long",
            "评价内容请不超过500字",
        ));
    }
    Ok((options, comment.to_string()))
}

/// Prepares a rating (pure apart from ids): the row, its events and the 差评 case.
pub(crate) fn prepare_rating(
    subject: &RatedSubject,
    rater: &Rater,
    input: &RatingInput,
    on: Date,
    at_ms: i64,
    due: Date,
    ids: (String, String),
) -> Result<PreparedRating, AppError> {
    let (options, comment) = checked_input(input)?;
    let (evaluation_id, case_id) = ids;
    let real_name = input.real_name && rater.account.is_some();
    let facts = RatedFacts {
        id: evaluation_id.clone(),
        application_id: subject.application_id.clone(),
        stage: subject.stage,
        item_id: subject.item_id.clone(),
        department_id: subject.department_id.clone(),
        hall_id: subject.hall_id.clone(),
        served_by: subject.served_by.clone(),
        channel: input.channel,
        satisfaction: input.satisfaction,
        options: options.clone(),
        comment: comment.clone(),
        real_name,
        division_code: subject.division_code.clone(),
        sequence: 1,
        on,
    };
    let row = EvaluationRow {
        id: evaluation_id.clone(),
        application_id: subject.application_id.clone(),
        window_service_id: subject.window_service_id.clone(),
        stage: subject.stage.code().to_string(),
        item_id: subject.item_id.clone(),
        department_id: subject.department_id.clone(),
        hall_id: subject.hall_id.clone(),
        served_by: subject.served_by.clone(),
        channel: input.channel.code().to_string(),
        satisfaction: i64::from(input.satisfaction.code()),
        options: serde_json::to_string(&options).map_err(internal)?,
        option_set_version: i64::from(CURRENT_OPTION_SET.version),
        comment,
        real_name: i64::from(real_name),
        rater_account: if real_name {
            rater.account.clone()
        } else {
            None
        },
        rater_key: rater.key.clone(),
        recorded_by: rater.recorded_by.clone(),
        division_code: subject.division_code.clone(),
        rated_on: on.to_string(),
        at_ms,
        excluded: 0,
    };
    let actor = if real_name || rater.recorded_by.is_some() {
        rater.actor.clone()
    } else {
        "anonymous".to_string()
    };
    let mut events = vec![NewEvent {
        at_ms,
        actor: actor.clone(),
        action: "evaluation.rated".into(),
        entity_type: "evaluation".into(),
        entity_id: evaluation_id.clone(),
        payload: serde_json::to_value(&facts).map_err(internal)?,
    }];
    let mut case = None;
    if input.satisfaction.is_bad() {
        let opened = RectificationOpened {
            id: case_id.clone(),
            evaluation_id: evaluation_id.clone(),
            application_id: subject.application_id.clone(),
            item_id: subject.item_id.clone(),
            department_id: subject.department_id.clone(),
            hall_id: subject.hall_id.clone(),
            satisfaction: input.satisfaction,
            real_name,
            rated_on: on,
            due,
        };
        let record = RectificationRecord {
            on,
            event: RectificationEvent::Opened(Box::new(opened)),
        };
        events.push(NewEvent {
            at_ms,
            actor: "system".into(),
            action: record.event.action().into(),
            entity_type: "rectification".into(),
            entity_id: case_id.clone(),
            payload: serde_json::to_value(&record).map_err(internal)?,
        });
        case = Some(RectificationRow {
            id: case_id.clone(),
            evaluation_id: evaluation_id.clone(),
            unit_kind: subject.unit_kind.to_string(),
            unit_id: subject.unit_id.clone(),
            division_code: subject.division_code.clone(),
            application_id: subject.application_id.clone(),
            item_id: subject.item_id.clone(),
            satisfaction: i64::from(input.satisfaction.code()),
            real_name: i64::from(real_name),
            state: "open".into(),
            rated_on: on.to_string(),
            due: due.to_string(),
            escalated: 0,
            appeal_upheld: None,
            settled_on: None,
            closed_on: None,
            records: serde_json::to_string(&vec![record]).map_err(internal)?,
            revision: 1,
            updated_at_ms: at_ms,
        });
    }
    Ok(PreparedRating {
        row,
        events,
        receipt: RatingReceipt {
            evaluation_id,
            satisfaction: input.satisfaction,
            rectification_id: case.as_ref().map(|c| c.id.clone()),
        },
        case,
    })
}

pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

fn already_rated() -> AppError {
    AppError::field(
        "satisfaction",
        "evaluation.already_rated",
        "该环节已评价，每个环节只能评价一次",
    )
}

impl App {
    /// What rating a case's stage concerns: its department answers for it.
    pub(crate) async fn case_subject(
        &self,
        app: &Application,
        stage: EvalStage,
    ) -> Result<RatedSubject, AppError> {
        let division_code = self
            .store
            .department(&app.department_id)
            .await?
            .map(|d| d.division_code)
            .ok_or(AppError::NotFound("办理部门"))?;
        Ok(RatedSubject {
            application_id: Some(app.id.clone()),
            window_service_id: None,
            stage,
            item_id: Some(app.item_id.clone()),
            department_id: Some(app.department_id.clone()),
            hall_id: app.hall_id.clone(),
            served_by: None,
            unit_kind: "department",
            unit_id: app.department_id.clone(),
            division_code,
        })
    }

    /// Writes a rating as one unit of work.
    pub(crate) async fn write_rating(
        &self,
        subject: RatedSubject,
        rater: Rater,
        input: &RatingInput,
        spend: Spend,
    ) -> Result<RatingReceipt, AppError> {
        let today = self.today();
        let at_ms = self.now_ms();
        let due = self
            .evaluation_settings()
            .deadlines
            .due(today, &subject.division_code, &self.calendar())
            .map_err(internal)?;
        let prepared = prepare_rating(
            &subject,
            &rater,
            input,
            today,
            at_ms,
            due,
            (new_id(), new_id()),
        )?;
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    match &spend {
                        Spend::Nothing => {}
                        Spend::Invitation(token) => {
                            if !ctx.use_invitation(token, at_ms).await? {
                                return Err(already_rated());
                            }
                        }
                        Spend::WindowService(id) => {
                            if !ctx.mark_window_service_rated(id, at_ms).await? {
                                return Err(already_rated());
                            }
                        }
                    }
                    if ctx
                        .insert_evaluations(std::slice::from_ref(&prepared.row))
                        .await?
                        .is_empty()
                    {
                        return Err(already_rated());
                    }
                    if let Some(case) = &prepared.case {
                        ctx.insert_rectifications(std::slice::from_ref(case))
                            .await?;
                    }
                    for event in prepared.events {
                        ctx.append_event(event).await?;
                    }
                    Ok::<_, AppError>(prepared.receipt)
                })
            })
            .await
    }

    /// The case as its applicant may rate it at `stage`.
    async fn rateable_case(&self, id: &str, stage: EvalStage) -> Result<Application, AppError> {
        let row = self
            .store
            .application(id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        let ready = match stage {
            EvalStage::Completed => app.status == Status::Completed,
            EvalStage::Accepted => app.accepted_on.is_some(),
            EvalStage::WindowService => false,
        };
        if !ready {
            return Err(AppError::field(
                "stage",
                "evaluation.not_ready",
                format!("该办件尚未到{}，暂不能评价", stage.name_zh()),
            ));
        }
        Ok(app)
    }

    /// 一事一评 by the applicant in person: only the applicant's own account may rate (not an
    /// agent, runner or clerk), once per stage, on PC or mobile.
    pub async fn rate_application(
        &self,
        who: &Principal,
        id: &str,
        stage: EvalStage,
        input: &RatingInput,
    ) -> Result<RatingReceipt, AppError> {
        let app = self.rateable_case(id, stage).await?;
        let me = who.account_id();
        if who.is_staff() || app.applicant_account != me {
            return Err(AppError::field(
                "rater",
                "evaluation.not_applicant",
                "只有申请人本人可以评价该办件，他人不能代为评价",
            ));
        }
        if !matches!(input.channel, EvalChannel::Pc | EvalChannel::Mobile) {
            return Err(AppError::field(
                "channel",
                "evaluation.wrong_channel",
                "在线评价的渠道应为PC端或移动服务端",
            ));
        }
        let subject = self.case_subject(&app, stage).await?;
        let rater = Rater {
            account: Some(me.to_string()),
            key: self.rater_key(me),
            recorded_by: None,
            actor: me.to_string(),
        };
        self.write_rating(subject, rater, input, Spend::Nothing)
            .await
    }

    /// Rating through the invitation's SMS link: the holder of the token rates the completed
    /// case as its applicant, once, until the invitation expires.
    pub async fn rate_by_invitation(
        &self,
        token: &str,
        input: &RatingInput,
    ) -> Result<RatingReceipt, AppError> {
        let invite = self.live_invitation(token).await?;
        let stage = EvalStage::parse(&invite.stage).ok_or(AppError::NotFound("该评价链接"))?;
        let app = self.rateable_case(&invite.application_id, stage).await?;
        let subject = self.case_subject(&app, stage).await?;
        let rater = Rater {
            account: Some(invite.account_id.clone()),
            key: self.rater_key(&invite.account_id),
            recorded_by: None,
            actor: invite.account_id.clone(),
        };
        let input = RatingInput {
            channel: EvalChannel::Sms,
            ..input.clone()
        };
        self.write_rating(subject, rater, &input, Spend::Invitation(invite.token_sm3))
            .await
    }

    /// The case an unexpired, unused invitation token is for (its number and item, no
    /// personal data).
    pub async fn invitation_case(&self, token: &str) -> Result<(String, String), AppError> {
        let invite = self.live_invitation(token).await?;
        let row = self
            .store
            .application(&invite.application_id)
            .await?
            .ok_or(AppError::NotFound("该办件"))?;
        let app = state_of(&row)?;
        Ok((app.number, app.item_name))
    }

    async fn live_invitation(&self, token: &str) -> Result<tongban_store::InvitationRow, AppError> {
        let invite = self
            .store
            .invitation(&token_sm3(token))
            .await?
            .ok_or(AppError::NotFound("该评价链接"))?;
        if invite.used_at_ms.is_some() {
            return Err(already_rated());
        }
        if self.today().to_string() > invite.expires_on {
            return Err(AppError::field(
                "token",
                "evaluation.invitation_expired",
                format!(
                    "评价邀请已于{}过期，可在“我的办件”中评价",
                    invite.expires_on
                ),
            ));
        }
        Ok(invite)
    }

    /// A rating given by telephone, recorded by a 好差评处理人员 whose unit covers the case, with the caller's own words. The rating is the applicant's; the record says
    /// who wrote it down.
    pub async fn record_phone_rating(
        &self,
        who: &Principal,
        id: &str,
        input: &RatingInput,
        caller_words: &str,
    ) -> Result<RatingReceipt, AppError> {
        let Principal::Staff {
            role,
            unit,
            account_id,
            ..
        } = who
        else {
            return Err(AppError::Forbidden);
        };
        if *role != Role::EvaluationHandler {
            return Err(AppError::Forbidden);
        }
        // The caller reads out the 办件编号 printed on their notices; the internal id works too.
        let id = id.trim();
        let row = match self.store.application_by_number(id).await? {
            Some(row) => row,
            None => self
                .store
                .application(id)
                .await?
                .ok_or(AppError::NotFound("该办件"))?,
        };
        if !crate::applications::covers(unit, &row.department_id, &row.division_code) {
            return Err(AppError::Forbidden);
        }
        let app = self.rateable_case(&row.id, EvalStage::Completed).await?;
        let words = caller_words.trim();
        if words.is_empty() {
            return Err(AppError::field(
                "caller_words",
                "evaluation.caller_words_required",
                "请记录来电人的原话",
            ));
        }
        if app.applicant_kind == AccountKind::Staff {
            return Err(AppError::Forbidden);
        }
        let subject = self.case_subject(&app, EvalStage::Completed).await?;
        let rater = Rater {
            account: Some(app.applicant_account.clone()),
            key: self.rater_key(&app.applicant_account),
            recorded_by: Some(account_id.clone()),
            actor: account_id.clone(),
        };
        let input = RatingInput {
            channel: EvalChannel::Phone,
            comment: format!("来电人原话：{words}"),
            ..input.clone()
        };
        let receipt = self
            .write_rating(subject, rater, &input, Spend::Nothing)
            .await?;
        tracing::info!(evaluation = %receipt.evaluation_id, "phone rating recorded");
        Ok(receipt)
    }

    /// The ratings the applicant gave a case (for their own case page).
    pub async fn my_ratings(
        &self,
        who: &Principal,
        id: &str,
    ) -> Result<Vec<EvaluationRow>, AppError> {
        let app = self.application(who, id).await?;
        if app.applicant_account != who.account_id() {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .evaluations_of_application(id)
            .await?
            .into_iter()
            .filter(|e| e.window_service_id.is_none())
            .collect())
    }
}
