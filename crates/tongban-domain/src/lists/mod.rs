//! The published lists (清单): the 权责清单 of each department, the 行政许可事项清单 and the
//! 公共资源交易监管权力和责任清单.
//!
//! A list is published as yearly editions ("2022年本", "2023年本"). An edition is a set of
//! [`ListEntry`] values, each with a stable entry code that matches it across editions, so any
//! two editions can be compared ([`diff_editions`]): entries added, removed, and changed field by
//! field (动态调整). A published edition never changes.

mod diff;
mod validate;

use serde::{Deserialize, Serialize};

pub use diff::{EditionDiff, EntryChange, EntryField, FieldChange, diff_editions};
pub use validate::{EntryProblem, MAX_CODE_CHARS, validate_edition, validate_entry};

use crate::catalog::ItemType;
use crate::division::AdminLevel;

/// Which list an edition belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// 权责清单: every department's powers with their responsibility items.
    PowerDuty,
    /// 行政许可事项清单: licensing items at city, county and township levels.
    Licensing,
    /// 公共资源交易监管权力和责任清单.
    PublicResourceTrading,
}

impl ListKind {
    pub const ALL: [ListKind; 3] = [
        ListKind::PowerDuty,
        ListKind::Licensing,
        ListKind::PublicResourceTrading,
    ];

    /// The stored code, also used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            ListKind::PowerDuty => "power",
            ListKind::Licensing => "licensing",
            ListKind::PublicResourceTrading => "trading",
        }
    }

    pub fn parse(code: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ListKind::PowerDuty => "权责清单",
            ListKind::Licensing => "行政许可事项清单",
            ListKind::PublicResourceTrading => "公共资源交易监管权力和责任清单",
        }
    }

    /// Whether its entries carry responsibility items (责任事项).
    pub fn has_duties(self) -> bool {
        !matches!(self, ListKind::Licensing)
    }
}

/// The first and last edition years accepted.
pub const EDITION_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The label of an edition year: 2023 → "2023年本".
pub fn edition_label(year: i32) -> String {
    format!("{year}年本")
}

/// Reads an edition as its year ("2023") or its label ("2023年本").
pub fn parse_edition(text: &str) -> Option<i32> {
    let text = text.trim();
    let digits = text.strip_suffix("年本").unwrap_or(text);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|y| EDITION_YEARS.contains(y))
}

/// One entry of a list: a power item (职权) or a licensing item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// Stable entry code, the same in every edition (up to 50 characters).
    pub code: String,
    /// 事项名称.
    pub name: String,
    /// 职权类型 (the catalogue's [`ItemType`]).
    pub item_type: ItemType,
    /// 设定依据.
    pub basis: String,
    /// The implementing department (its id in the organisation tree).
    pub department_id: String,
    /// 行使层级.
    pub level: AdminLevel,
    /// 基本编码 of the catalogue's service item it corresponds to, if any.
    #[serde(default)]
    pub basic_code: Option<String>,
    /// 责任事项, in order.
    #[serde(default)]
    pub duties: Vec<Duty>,
}

/// One responsibility item (责任事项) of a power item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duty {
    /// A short name or text, e.g. "受理责任：依法受理或不予受理…".
    pub name: String,
    /// 追责情形 (optional: empty when the list does not state it).
    #[serde(default)]
    pub accountability: String,
}

#[cfg(test)]
mod tests;
