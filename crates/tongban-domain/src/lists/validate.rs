//! What makes a list entry, and an edition of entries, acceptable.

use std::collections::BTreeSet;

use super::{ListEntry, ListKind};
use crate::catalog::ItemType;

/// The longest entry code, in characters.
pub const MAX_CODE_CHARS: usize = 50;
const MAX_NAME_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 2000;

/// One thing wrong with an entry: which entry (its index), which field, and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    pub index: usize,
    pub field: String,
    pub message: String,
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// Everything wrong with one entry of `kind`'s list, in field order. `index` is its position.
pub fn validate_entry(kind: ListKind, index: usize, entry: &ListEntry) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    let mut bad = |field: String, message: String| {
        out.push(EntryProblem {
            index,
            field,
            message,
        })
    };
    let code = entry.code.trim();
    if code.is_empty() || code != entry.code {
        bad("code".into(), "事项编码不能为空，且首尾不能有空格".into());
    } else if too_long(code, MAX_CODE_CHARS) {
        bad(
            "code".into(),
            format!("事项编码不能超过 {MAX_CODE_CHARS} 个字符"),
        );
    }
    if entry.name.trim().is_empty() || too_long(&entry.name, MAX_NAME_CHARS) {
        bad(
            "name".into(),
            format!("事项名称不能为空，且不超过 {MAX_NAME_CHARS} 个字"),
        );
    }
    if kind == ListKind::Licensing && entry.item_type != ItemType::AdministrativeLicensing {
        bad(
            "item_type".into(),
            "行政许可事项清单只能收录行政许可事项".into(),
        );
    }
    if kind != ListKind::Licensing && entry.item_type == ItemType::PublicService {
        bad(
            "item_type".into(),
            "公共服务不是行政权力，不能列入权责清单".into(),
        );
    }
    if entry.basis.trim().is_empty() || too_long(&entry.basis, MAX_TEXT_CHARS) {
        bad(
            "basis".into(),
            format!("设定依据不能为空，且不超过 {MAX_TEXT_CHARS} 个字"),
        );
    }
    if entry.department_id.trim().is_empty() {
        bad("department_id".into(), "实施部门不能为空".into());
    }
    if let Some(basic) = &entry.basic_code
        && (basic.trim().is_empty() || too_long(basic, MAX_CODE_CHARS))
    {
        bad(
            "basic_code".into(),
            format!("基本编码不能为空，且不超过 {MAX_CODE_CHARS} 个字符"),
        );
    }
    if !kind.has_duties() && !entry.duties.is_empty() {
        bad("duties".into(), "行政许可事项清单的事项不列责任事项".into());
    }
    for (i, duty) in entry.duties.iter().enumerate() {
        if duty.name.trim().is_empty() || too_long(&duty.name, MAX_TEXT_CHARS) {
            bad(format!("duties.{i}.name"), "责任事项不能为空".into());
        }
        if too_long(&duty.accountability, MAX_TEXT_CHARS) {
            bad(
                format!("duties.{i}.accountability"),
                format!("追责情形不能超过 {MAX_TEXT_CHARS} 个字"),
            );
        }
    }
    out
}

/// Everything wrong with an edition's entries: each entry's problems, and every entry code
/// used a second time.
pub fn validate_edition(kind: ListKind, entries: &[ListEntry]) -> Vec<EntryProblem> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, entry) in entries.iter().enumerate() {
        out.extend(validate_entry(kind, i, entry));
        if !seen.insert(entry.code.as_str()) {
            out.push(EntryProblem {
                index: i,
                field: "code".into(),
                message: format!("事项编码“{}”重复", entry.code),
            });
        }
    }
    out
}
