//! Comparing two editions of a list (动态调整): entries added, removed and changed, field by
//! field.
//!
//! Entries are matched by their entry code. Both editions are sorted by code once and walked
//! together (a merge join), so a diff costs O(n log n) for n entries, whatever the order they
//! come in. Responsibility items are compared as a multiset of (name, 追责情形): reordering them
//! is no change; the change lists the ones only the older edition has and the ones only the
//! newer has.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{Duty, ListEntry};

/// A field of an entry that can change between editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryField {
    Name,
    ItemType,
    Basis,
    Department,
    Level,
    BasicCode,
    Duties,
}

impl EntryField {
    pub fn code(self) -> &'static str {
        match self {
            EntryField::Name => "name",
            EntryField::ItemType => "item_type",
            EntryField::Basis => "basis",
            EntryField::Department => "department_id",
            EntryField::Level => "level",
            EntryField::BasicCode => "basic_code",
            EntryField::Duties => "duties",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            EntryField::Name => "事项名称",
            EntryField::ItemType => "职权类型",
            EntryField::Basis => "设定依据",
            EntryField::Department => "实施部门",
            EntryField::Level => "行使层级",
            EntryField::BasicCode => "基本编码",
            EntryField::Duties => "责任事项",
        }
    }
}

/// One field's old and new value, as text. Department changes carry department ids; the
/// caller may replace them with names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: EntryField,
    pub old: String,
    pub new: String,
}

/// An entry present in both editions whose content differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryChange {
    pub code: String,
    /// The name in the newer edition.
    pub name: String,
    /// The department in the newer edition.
    pub department_id: String,
    /// The fields that differ, in [`EntryField`] order.
    pub fields: Vec<FieldChange>,
}

/// What changed from one edition to another. Every list is ordered by entry code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct EditionDiff {
    pub added: Vec<ListEntry>,
    pub removed: Vec<ListEntry>,
    pub changed: Vec<EntryChange>,
}

impl EditionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares edition `old` with edition `new`. Entry codes should be unique within each
/// edition ([`super::validate_edition`]); a repeated code is matched once and its repeats count
/// as added or removed.
pub fn diff_editions(old: &[ListEntry], new: &[ListEntry]) -> EditionDiff {
    let mut a: Vec<&ListEntry> = old.iter().collect();
    let mut b: Vec<&ListEntry> = new.iter().collect();
    a.sort_by(|x, y| x.code.cmp(&y.code));
    b.sort_by(|x, y| x.code.cmp(&y.code));
    let mut out = EditionDiff::default();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.code.cmp(&y.code),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                out.removed.push(a[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                out.added.push(b[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                let fields = entry_changes(a[i], b[j]);
                if !fields.is_empty() {
                    out.changed.push(EntryChange {
                        code: b[j].code.clone(),
                        name: b[j].name.clone(),
                        department_id: b[j].department_id.clone(),
                        fields,
                    });
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The fields in which two versions of the same entry differ.
pub(crate) fn entry_changes(old: &ListEntry, new: &ListEntry) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |field: EntryField, o: String, n: String| {
        if o != n {
            out.push(FieldChange {
                field,
                old: o,
                new: n,
            });
        }
    };
    field(EntryField::Name, old.name.clone(), new.name.clone());
    field(
        EntryField::ItemType,
        old.item_type.name_zh().into(),
        new.item_type.name_zh().into(),
    );
    field(EntryField::Basis, old.basis.clone(), new.basis.clone());
    field(
        EntryField::Department,
        old.department_id.clone(),
        new.department_id.clone(),
    );
    field(
        EntryField::Level,
        old.level.name_zh().into(),
        new.level.name_zh().into(),
    );
    field(
        EntryField::BasicCode,
        old.basic_code.clone().unwrap_or_default(),
        new.basic_code.clone().unwrap_or_default(),
    );
    let (only_old, only_new) = duty_difference(&old.duties, &new.duties);
    if !only_old.is_empty() || !only_new.is_empty() {
        out.push(FieldChange {
            field: EntryField::Duties,
            old: describe(&only_old),
            new: describe(&only_new),
        });
    }
    out
}

/// The duties only `old` has and those only `new` has, counting repeats (a multiset
/// difference), each in its edition's order.
fn duty_difference<'a>(old: &'a [Duty], new: &'a [Duty]) -> (Vec<&'a Duty>, Vec<&'a Duty>) {
    let mut counts: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for d in new {
        *counts.entry((&d.name, &d.accountability)).or_default() += 1;
    }
    let mut only_old = Vec::new();
    for d in old {
        match counts.get_mut(&(d.name.as_str(), d.accountability.as_str())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => only_old.push(d),
        }
    }
    let mut only_new = Vec::new();
    for d in new.iter().rev() {
        if let Some(n) = counts.get_mut(&(d.name.as_str(), d.accountability.as_str()))
            && *n > 0
        {
            *n -= 1;
            only_new.push(d);
        }
    }
    only_new.reverse();
    (only_old, only_new)
}

/// Duties as one line: their names joined by "；".
fn describe(duties: &[&Duty]) -> String {
    duties
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join("；")
}
