//! The rules an item must satisfy before it can be saved, each broken rule reported with the
//! field it concerns and what to fix, in Chinese.

use super::{OnlineLevel, ServiceItem, TransactionKind};
use crate::role::Role;

/// One broken rule: the field (dotted path, e.g. `materials.2.name`) and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProblem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> ItemProblem {
    ItemProblem {
        field: field.into(),
        message: message.into(),
    }
}

fn check_code(
    problems: &mut Vec<ItemProblem>,
    field: &str,
    label: &str,
    code: &str,
    required: bool,
) {
    if code.is_empty() {
        if required {
            problems.push(problem(field, format!("{label}不能为空")));
        }
        return;
    }
    if code.chars().count() > 50 {
        problems.push(problem(field, format!("{label}最长 50 个字符")));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        problems.push(problem(
            field,
            format!("{label}只能包含字母、数字、“-”和“_”"),
        ));
    }
}

/// Every rule the item breaks (empty when it is valid).
pub fn validate_item(item: &ServiceItem) -> Vec<ItemProblem> {
    let mut problems = Vec::new();
    let name_len = item.name.trim().chars().count();
    if name_len == 0 || name_len > 100 {
        problems.push(problem("name", "事项名称不能为空，且最长 100 个字"));
    }
    check_code(
        &mut problems,
        "basic_code",
        "基本编码",
        &item.basic_code,
        true,
    );
    check_code(
        &mut problems,
        "implementation_code",
        "实施编码",
        &item.implementation_code,
        true,
    );
    check_code(
        &mut problems,
        "handling_code",
        "业务办理项编码",
        &item.handling_code,
        false,
    );
    if item.department_id.trim().is_empty() {
        problems.push(problem("department_id", "请选择实施部门"));
    }
    if item.promised_limit_days > item.legal_limit_days && item.legal_limit_days > 0 {
        problems.push(problem(
            "promised_limit_days",
            "承诺办结时限不能长于法定办结时限",
        ));
    }
    match item.transaction_kind {
        TransactionKind::Immediate if item.promised_limit_days != 0 => {
            problems.push(problem(
                "transaction_kind",
                "即办件的承诺办结时限应为 0 个工作日",
            ));
        }
        TransactionKind::Promised if item.promised_limit_days == 0 => {
            problems.push(problem(
                "transaction_kind",
                "承诺件须填写承诺办结时限（工作日）",
            ));
        }
        _ => {}
    }
    let budget: u32 = item.steps.iter().map(|s| s.budget_days).sum();
    if item.promised_limit_days > 0 && budget > item.promised_limit_days {
        problems.push(problem(
            "steps",
            format!(
                "各环节时限合计 {budget} 个工作日，超过承诺办结时限 {} 个工作日",
                item.promised_limit_days
            ),
        ));
    }
    if item.steps.is_empty() {
        problems.push(problem("steps", "请至少填写一个办理环节"));
    }
    for (i, step) in item.steps.iter().enumerate() {
        if step.name.trim().is_empty() {
            problems.push(problem(format!("steps.{i}.name"), "环节名称不能为空"));
        }
        if Role::parse(&step.role).is_none() {
            problems.push(problem(
                format!("steps.{i}.role"),
                format!("环节“{}”的办理角色不正确", step.name),
            ));
        }
    }
    for (i, m) in item.materials.iter().enumerate() {
        if m.name.trim().is_empty() {
            problems.push(problem(format!("materials.{i}.name"), "材料名称不能为空"));
        }
        if m.may_be_missing && !item.allows_incomplete_acceptance {
            problems.push(problem(
                format!("materials.{i}.may_be_missing"),
                format!("材料“{}”标为可容缺，但本事项未开通容缺受理", m.name),
            ));
        }
        if m.may_be_committed && !item.allows_commitment {
            problems.push(problem(
                format!("materials.{i}.may_be_committed"),
                format!("材料“{}”标为可承诺，但本事项未实行告知承诺", m.name),
            ));
        }
    }
    if item.fees.charged && item.fees.items.is_empty() {
        problems.push(problem("fees", "收费事项须列出收费项目"));
    }
    if !item.fees.charged && !item.fees.items.is_empty() {
        problems.push(problem("fees", "不收费的事项不应列出收费项目"));
    }
    for (i, fee) in item.fees.items.iter().enumerate() {
        if fee.amount_fen.is_some_and(|a| a < 0) {
            problems.push(problem(
                format!("fees.items.{i}.amount_fen"),
                "收费标准不能为负数",
            ));
        }
    }
    match item.online_level {
        OnlineLevel::Four if item.visits > 0 => {
            problems.push(problem("visits", "全程网办（Ⅳ级）的事项到现场次数应为 0"));
        }
        OnlineLevel::Three if item.visits > 1 => {
            problems.push(problem("visits", "Ⅲ级事项最多跑一次，到现场次数不能超过 1"));
        }
        _ => {}
    }
    if item.channels.is_empty() {
        problems.push(problem("channels", "请至少选择一种办理渠道"));
    }
    if item.service_objects.is_empty() {
        problems.push(problem("service_objects", "请选择服务对象"));
    }
    if item.consultation_phone.trim().is_empty() {
        problems.push(problem("consultation_phone", "请填写咨询电话"));
    }
    if item.complaint_phone.trim().is_empty() {
        problems.push(problem("complaint_phone", "请填写监督投诉电话"));
    }
    problems
}
