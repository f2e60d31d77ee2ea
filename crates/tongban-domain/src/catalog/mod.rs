//! The service-item catalogue (政务服务事项, GB/T 39046 表4): one model from which the 办事指南,
//! the application form and the workflow are all derived, so they cannot disagree.
//!
//! An item's content is a [`ServiceItem`]; each saved content is a numbered version with a
//! [`ItemStatus`]. A published version never changes: a change is a new version, and an
//! application refers to the version it was made under.

mod codes;
mod lifecycle;
mod validate;

use serde::{Deserialize, Serialize};

pub use codes::{
    Channel, ItemType, OnlineDepth, OnlineLevel, ServiceObject, Theme, TransactionKind,
};
pub use lifecycle::{ItemStatus, LifecycleError};
pub use validate::{ItemProblem, validate_item};

use crate::division::AdminLevel;

/// Everything a service item says, as one version holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceItem {
    /// 事项名称.
    pub name: String,
    /// Everyday names people search by (e.g. "营业执照" for 个体工商户设立登记).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// 事项类型.
    pub item_type: ItemType,
    /// 基本编码 (up to 50 characters).
    pub basic_code: String,
    /// 实施编码 (up to 50 characters).
    pub implementation_code: String,
    /// 业务办理项编码 (up to 50 characters).
    pub handling_code: String,
    /// 行使层级.
    pub level: AdminLevel,
    /// The implementing department (its id in the organisation tree).
    pub department_id: String,
    /// 设定依据.
    pub legal_basis: String,
    /// 法定办结时限, in working days (0 = 即办).
    pub legal_limit_days: u32,
    #[serde(default)]
    pub legal_limit_note: String,
    /// 承诺办结时限, in working days (0 = 即办).
    pub promised_limit_days: u32,
    #[serde(default)]
    pub promised_limit_note: String,
    /// 办件类型.
    pub transaction_kind: TransactionKind,
    /// 到办事现场次数.
    pub visits: u32,
    /// 网上办理深度: the 1–8 code set (several may apply).
    pub online_depth: Vec<OnlineDepth>,
    /// Ⅰ–Ⅳ.
    pub online_level: OnlineLevel,
    pub channels: Vec<Channel>,
    pub fees: Fees,
    /// 受理条件.
    pub conditions: Vec<String>,
    /// 办理流程, in order.
    pub steps: Vec<Step>,
    /// Which 特别程序 may apply (e.g. 专家评审, 现场勘查).
    #[serde(default)]
    pub special_procedures: Vec<String>,
    /// 服务对象.
    pub service_objects: Vec<ServiceObject>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Halls (ids in the organisation tree) where it can be handled.
    #[serde(default)]
    pub hall_ids: Vec<String>,
    pub materials: Vec<Material>,
    /// 容缺受理 allowed for this item.
    #[serde(default)]
    pub allows_incomplete_acceptance: bool,
    /// 告知承诺 allowed for this item.
    #[serde(default)]
    pub allows_commitment: bool,
    /// 咨询电话.
    pub consultation_phone: String,
    /// 监督投诉电话.
    pub complaint_phone: String,
}

/// 是否收费 and the fee items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fees {
    pub charged: bool,
    #[serde(default)]
    pub items: Vec<FeeItem>,
}

/// One fee: 收费项目, 标准 (in fen), 依据, 减免.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    pub name: String,
    /// The standard amount in fen; `None` when the standard is a rule rather than an amount.
    pub amount_fen: Option<i64>,
    /// The standard in words (e.g. "按面积每平方米 3 元").
    pub standard: String,
    pub basis: String,
    #[serde(default)]
    pub waiver: String,
}

/// One step of 办理流程: who does it and how many working days it may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 受理, 审查, 决定, 送达 …
    pub name: String,
    /// The staff role that does it (a [`crate::Role`] code).
    pub role: String,
    /// Its share of the promised limit, in working days.
    pub budget_days: u32,
}

/// One material the applicant provides (申请材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// 必要性: required, or only in some cases.
    pub required: bool,
    /// 材料形式: 纸质, 电子, 纸质或电子.
    pub form: String,
    /// 来源渠道: 申请人自备, 政府部门核发, 其他.
    pub source: String,
    /// 原件份数.
    pub originals: u32,
    /// 复印件份数.
    pub copies: u32,
    /// The electronic-licence type that can stand in for it (免提交), if any.
    #[serde(default)]
    pub licence_type: Option<String>,
    /// 可容缺: may be supplied after acceptance.
    #[serde(default)]
    pub may_be_missing: bool,
    /// 可承诺: a written commitment may replace it.
    #[serde(default)]
    pub may_be_committed: bool,
    #[serde(default)]
    pub note: String,
}

impl ServiceItem {
    /// 提速: how much shorter the promised limit is than the legal one, in whole percent
    /// (rounded down). 0 when the legal limit is 0.
    pub fn speed_up_percent(&self) -> u32 {
        if self.legal_limit_days == 0 || self.promised_limit_days >= self.legal_limit_days {
            return 0;
        }
        (self.legal_limit_days - self.promised_limit_days) * 100 / self.legal_limit_days
    }

    /// The text the catalogue search looks in: names, aliases, materials and themes.
    pub fn search_text(&self) -> String {
        let mut parts = vec![self.name.clone()];
        parts.extend(self.aliases.iter().cloned());
        parts.extend(self.materials.iter().map(|m| m.name.clone()));
        parts.extend(self.themes.iter().map(|t| t.name_zh().to_string()));
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests;
