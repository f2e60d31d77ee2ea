//! Licence types (证照类型, GB/T 36902 目录): who holds them, who issues them, how long they last,
//! their face fields, and the 互通互认清单 of who may use them for what.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use super::identifier::LicenceTypeCode;

/// 持证主体代码类型 (GA/T 2000.156 常用证件代码).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    /// 111 公民身份号码.
    Person,
    /// 001 统一社会信用代码.
    Organisation,
}

impl HolderKind {
    /// The 3-digit 持证主体代码类型代码.
    pub fn code(self) -> &'static str {
        match self {
            HolderKind::Person => "111",
            HolderKind::Organisation => "001",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "111" => Some(HolderKind::Person),
            "001" => Some(HolderKind::Organisation),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HolderKind::Person => "公民身份号码",
            HolderKind::Organisation => "统一社会信用代码",
        }
    }
}

/// How long a licence of a type is valid from its start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Validity {
    /// 长期有效.
    Permanent,
    Years(u8),
    Months(u8),
}

impl Validity {
    /// The last valid day of a licence valid from `from`: `None` for 长期.
    /// A 5-year licence from 2026-03-01 is valid until 2031-02-28.
    pub fn until(self, from: Date) -> Option<Date> {
        let months = match self {
            Validity::Permanent => return None,
            Validity::Years(y) => u32::from(y) * 12,
            Validity::Months(m) => u32::from(m),
        };
        let total = from.month() as u32 - 1 + months;
        let year = from.year() + (total / 12) as i32;
        let month = Month::try_from((total % 12 + 1) as u8).ok()?;
        let last_day = time::util::days_in_month(month, year);
        let day = from.day().min(last_day);
        let same_day = Date::from_calendar_date(year, month, day).ok()?;
        same_day.checked_sub(Duration::days(1))
    }

    pub fn label(self) -> String {
        match self {
            Validity::Permanent => "长期".to_string(),
            Validity::Years(y) => format!("{y}年"),
            Validity::Months(m) => format!("{m}个月"),
        }
    }
}

/// One face field (照面项) of a licence type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceField {
    /// Stable key, e.g. `KZ_JYFW` (经营范围).
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// A licence type of the 证照目录.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceType {
    pub code: LicenceTypeCode,
    pub name: String,
    /// 证照定义机构名称.
    pub authority_name: String,
    pub holder_kind: HolderKind,
    /// Organisation units (departments) of the platform that may issue it.
    pub issuing_department_ids: Vec<String>,
    pub validity: Validity,
    pub face_fields: Vec<FaceField>,
    /// 事项基本编码 of the items whose approval issues it.
    pub issuing_items: Vec<String>,
    /// Material names it can stand in for (证照免提交).
    pub replaces_materials: Vec<String>,
}

impl LicenceType {
    /// Whether a licence of this type can stand in for a material of this name.
    pub fn replaces(&self, material: &str) -> bool {
        self.name == material || self.replaces_materials.iter().any(|m| m == material)
    }
}

/// One entry of the 互通互认清单: a department may use licences of a type for an item
/// (`item_code` = 事项基本编码; `None` means for every item it handles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recognition {
    pub department_id: String,
    pub type_code: LicenceTypeCode,
    pub item_code: Option<String>,
}

/// Whether the 互通互认清单 lets `department_id` use `type_code` for `item_code`.
pub fn recognised(
    list: &[Recognition],
    department_id: &str,
    type_code: &LicenceTypeCode,
    item_code: &str,
) -> bool {
    list.iter().any(|r| {
        r.department_id == department_id
            && &r.type_code == type_code
            && r.item_code.as_deref().is_none_or(|c| c == item_code)
    })
}
