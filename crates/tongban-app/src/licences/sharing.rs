//! 用证: a department handling a case may query the applicant's licences only with a 用证事由,
//! for that case, and only for the types the 互通互认清单 lets it use for the case's item.
//! Every query and download — refused ones too — goes to the 用证记录 the holder can read.

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::licence::{LicenceFile, LicenceTypeCode, recognised};
use tongban_store::UsageRow;

use super::view::{LicenceView, facts_of, signed_of};
use crate::{App, AppError, Principal};

/// A department's request to see an applicant's licences.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LicenceQuery {
    pub application_id: String,
    /// 用证事由 (1–200 characters).
    pub cause: String,
    /// Only this type; `None` = every type the list allows.
    pub type_code: Option<String>,
}

/// One line of a holder's 用证记录.
#[derive(Debug, Clone, Serialize)]
pub struct UsageView {
    pub at_ms: i64,
    pub licence_id: Option<String>,
    pub operation: String,
    pub operation_label: String,
    pub cause: String,
    pub actor_label: String,
    pub application_id: Option<String>,
    pub result: String,
    pub result_label: String,
}

pub(crate) fn operation_label(op: &str) -> &'static str {
    match op {
        "query" => "查询",
        "download" => "下载",
        "verify" => "核验",
        "share_view" => "通过分享链接查看",
        "attach" => "证照免提交",
        _ => "其他",
    }
}

fn result_label(result: &str) -> &'static str {
    match result {
        "ok" | "genuine" => "成功",
        "cause_missing" => "被拒绝：未填写用证事由",
        "not_recognised" => "被拒绝：不在互通互认清单内",
        "forged" | "face_altered" => "核验未通过",
        "unknown_key" => "签名密钥未公布",
        "not_found" => "未找到",
        _ => "被拒绝",
    }
}

impl UsageView {
    pub(crate) fn of(row: tongban_store::UsageRow) -> Self {
        Self {
            operation_label: operation_label(&row.operation).into(),
            result_label: result_label(&row.result).into(),
            at_ms: row.at_ms,
            licence_id: row.licence_id,
            operation: row.operation,
            cause: row.cause,
            actor_label: row.actor_label,
            application_id: row.application_id,
            result: row.result,
        }
    }
}

struct CaseContext {
    department_id: String,
    department_name: String,
    item_code: String,
    holder_key: String,
}

/// The staff who may use an applicant's licences for a case.
const CASE_HANDLERS: [Role; 4] = [
    Role::WindowClerk,
    Role::Reviewer,
    Role::Approver,
    Role::DeptAdmin,
];

impl App {
    async fn case_context(
        &self,
        who: &Principal,
        application_id: &str,
    ) -> Result<CaseContext, AppError> {
        // 用证 is part of handling the case: the roles that handle cases, and only for a case
        // they may see (not supervisors, system administrators, 好差评 handlers or runners).
        who.require_role(&CASE_HANDLERS)?;
        let app = self.application(who, application_id).await?;
        let holder = self
            .applicant_holder(&app)
            .await?
            .ok_or(AppError::NotFound("申请人的证件信息"))?;
        let item_code = self
            .store
            .item_version(&app.item_id, app.item_version)
            .await?
            .map(|v| v.basic_code)
            .unwrap_or_default();
        let department_name = self
            .store
            .department(&app.department_id)
            .await?
            .map(|d| d.name)
            .unwrap_or_default();
        Ok(CaseContext {
            department_id: app.department_id,
            department_name,
            item_code,
            holder_key: self.holder_key(&holder.code),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn usage(
        &self,
        who: &Principal,
        ctx: &CaseContext,
        application_id: &str,
        op: &str,
        cause: &str,
        licence_id: Option<String>,
        result: &str,
    ) -> UsageRow {
        UsageRow {
            id: uuid::Uuid::now_v7().to_string(),
            at_ms: self.now_ms(),
            licence_id,
            holder_key: ctx.holder_key.clone(),
            operation: op.into(),
            cause: cause.chars().take(200).collect(),
            item_code: Some(ctx.item_code.clone()),
            application_id: Some(application_id.to_string()),
            department_id: Some(ctx.department_id.clone()),
            actor_id: Some(who.account_id().to_string()),
            actor_label: format!("{}（{}）", ctx.department_name, who.display_name()),
            result: result.into(),
            detail: String::new(),
        }
    }

    async fn record_usages(&self, rows: Vec<UsageRow>) -> Result<(), AppError> {
        self.store
            .write(move |ctx| {
                Box::pin(async move { ctx.insert_usages(&rows).await.map_err(AppError::from) })
            })
            .await
    }

    /// The refusal (recorded first) when a query has no cause or asks for a type outside the list.
    async fn refuse(
        &self,
        who: &Principal,
        ctx: &CaseContext,
        q: &LicenceQuery,
        op: &str,
        licence_id: Option<String>,
        result: &str,
    ) -> AppError {
        let row = self.usage(
            who,
            ctx,
            &q.application_id,
            op,
            &q.cause,
            licence_id,
            result,
        );
        if let Err(e) = self.record_usages(vec![row]).await {
            return e;
        }
        match result {
            "cause_missing" => AppError::field(
                "cause",
                "licence.cause_required",
                "请填写用证事由（不超过200字）",
            ),
            _ => AppError::field(
                "type_code",
                "licence.not_recognised",
                "该证照类型不在本部门办理此事项的互通互认清单内，不能调用",
            ),
        }
    }

    /// The applicant's licences a department may use for a case. Refusals are recorded too.
    pub async fn query_case_licences(
        &self,
        who: &Principal,
        q: &LicenceQuery,
    ) -> Result<Vec<LicenceView>, AppError> {
        let ctx = self.case_context(who, &q.application_id).await?;
        let cause = q.cause.trim();
        if cause.is_empty() || cause.chars().count() > 200 {
            return Err(self
                .refuse(who, &ctx, q, "query", None, "cause_missing")
                .await);
        }
        let list = self.recognitions().await?;
        if let Some(t) = q.type_code.as_deref().filter(|t| !t.trim().is_empty()) {
            let allowed = LicenceTypeCode::parse(t)
                .map(|code| recognised(&list, &ctx.department_id, &code, &ctx.item_code))
                .unwrap_or(false);
            if !allowed {
                return Err(self
                    .refuse(who, &ctx, q, "query", None, "not_recognised")
                    .await);
            }
        }
        let rows = self.store.licences_of_holder(&ctx.holder_key).await?;
        let mut views = Vec::new();
        let mut usages = Vec::new();
        for row in rows {
            let Ok(code) = LicenceTypeCode::parse(&row.type_code) else {
                continue;
            };
            if q.type_code
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty() && t.trim() != row.type_code)
            {
                continue;
            }
            if !recognised(&list, &ctx.department_id, &code, &ctx.item_code) {
                continue;
            }
            usages.push(self.usage(
                who,
                &ctx,
                &q.application_id,
                "query",
                cause,
                Some(row.id.clone()),
                "ok",
            ));
            views.push(self.licence_view_of(&row).await?);
        }
        if usages.is_empty() {
            usages.push(self.usage(who, &ctx, &q.application_id, "query", cause, None, "ok"));
        }
        self.record_usages(usages).await?;
        Ok(views)
    }

    /// Downloads one of the applicant's licences for a case, under the same rules.
    pub async fn download_case_licence(
        &self,
        who: &Principal,
        q: &LicenceQuery,
        licence_id: &str,
    ) -> Result<LicenceFile, AppError> {
        let ctx = self.case_context(who, &q.application_id).await?;
        let cause = q.cause.trim();
        if cause.is_empty() || cause.chars().count() > 200 {
            return Err(self
                .refuse(
                    who,
                    &ctx,
                    q,
                    "download",
                    Some(licence_id.to_string()),
                    "cause_missing",
                )
                .await);
        }
        let row = self
            .store
            .licence(licence_id.trim())
            .await?
            .filter(|r| r.holder_key == ctx.holder_key)
            .ok_or(AppError::NotFound("该证照"))?;
        let list = self.recognitions().await?;
        let code = LicenceTypeCode::parse(&row.type_code)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !recognised(&list, &ctx.department_id, &code, &ctx.item_code) {
            return Err(self
                .refuse(
                    who,
                    &ctx,
                    q,
                    "download",
                    Some(row.id.clone()),
                    "not_recognised",
                )
                .await);
        }
        self.record_usages(vec![self.usage(
            who,
            &ctx,
            &q.application_id,
            "download",
            cause,
            Some(row.id.clone()),
            "ok",
        )])
        .await?;
        let facts = facts_of(&row)?;
        Ok(LicenceFile::new(&signed_of(&row)?, &facts.face))
    }

    /// The signed-in citizen's or enterprise's 用证记录: who used their licences, when, why.
    pub async fn my_licence_usages(&self, who: &Principal) -> Result<Vec<UsageView>, AppError> {
        let code = self
            .own_holder_code(who)
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok(self
            .store
            .usages_of_holder(&self.holder_key(&code), 500)
            .await?
            .into_iter()
            .map(UsageView::of)
            .collect())
    }

    /// The signed-in holder's licences (卡包).
    pub async fn my_licences(&self, who: &Principal) -> Result<Vec<LicenceView>, AppError> {
        let code = self
            .own_holder_code(who)
            .await?
            .ok_or(AppError::Forbidden)?;
        let rows = self
            .store
            .licences_of_holder(&self.holder_key(&code))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.licence_view_of(&row).await?);
        }
        Ok(out)
    }

    /// The uses of one licence (for its holder or its issuer).
    pub async fn licence_usages(
        &self,
        who: &Principal,
        licence_id: &str,
    ) -> Result<Vec<UsageView>, AppError> {
        let row = self.licence_row_for(who, licence_id).await?;
        Ok(self
            .store
            .usages_of_licence(&row.id, 500)
            .await?
            .into_iter()
            .map(UsageView::of)
            .collect())
    }
}
