//! The published lists, read side: the editions of each list, one edition's entries a page at
//! a time (optionally of one department), and the comparison of two editions (动态调整).
//!
//! Anyone may read published editions; drafts are for staff. Drafting, publishing and seeding
//! are in `lists_flow.rs`.

use std::collections::BTreeMap;

use tongban_domain::AdminLevel;
use tongban_domain::catalog::ItemType;
use tongban_domain::lists::{
    Duty, EditionDiff, EntryField, ListEntry, ListKind, diff_editions, edition_label,
};
use tongban_store::{ListDutyRow, ListEditionRow, ListEntryRow, StoreError};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// One edition of a list, as lists of editions show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionInfo {
    pub kind: ListKind,
    pub year: i32,
    /// "2023年本".
    pub label: String,
    pub published: bool,
    pub entry_count: i64,
    pub duty_count: i64,
    pub published_at_ms: Option<i64>,
}

/// A list with its editions, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOverview {
    pub kind: ListKind,
    pub editions: Vec<EditionInfo>,
}

/// One entry as an edition page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryView {
    /// Position in the edition, from 1.
    pub seq: i64,
    pub department_name: String,
    pub entry: ListEntry,
}

/// What to read of an edition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntriesQuery {
    pub department_id: Option<String>,
    /// From 1; anything lower means 1.
    pub page: i64,
    /// 20 when 0 or less, at most 200.
    pub per_page: i64,
}

/// One page of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntriesPage {
    pub edition: EditionInfo,
    pub entries: Vec<EntryView>,
    /// Entries passing the department filter.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Departments with entries in the edition: id, name, entry count.
    pub departments: Vec<(String, String, i64)>,
}

/// Two editions compared. Department changes carry department names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionComparison {
    pub from: EditionInfo,
    pub to: EditionInfo,
    pub diff: EditionDiff,
    /// Department id → name, for every department the diff mentions.
    pub department_names: BTreeMap<String, String>,
}

impl App {
    /// Every list with its editions; drafts only for staff.
    pub async fn list_overview(
        &self,
        who: Option<&Principal>,
    ) -> Result<Vec<ListOverview>, AppError> {
        let rows = self.store.list_editions().await?;
        let staff = who.is_some_and(Principal::is_staff);
        let mut out: Vec<ListOverview> = ListKind::ALL
            .into_iter()
            .map(|kind| ListOverview {
                kind,
                editions: Vec::new(),
            })
            .collect();
        for row in rows {
            let info = edition_info(row)?;
            if !info.published && !staff {
                continue;
            }
            if let Some(list) = out.iter_mut().find(|l| l.kind == info.kind) {
                list.editions.push(info);
            }
        }
        Ok(out)
    }

    /// One edition, if `who` may see it (a draft is "not found" to all but staff).
    pub async fn list_edition(
        &self,
        who: Option<&Principal>,
        kind: ListKind,
        year: i32,
    ) -> Result<EditionInfo, AppError> {
        let row = self
            .store
            .list_edition(kind.code(), i64::from(year))
            .await?;
        let info = row.map(edition_info).transpose()?;
        match info {
            Some(info) if info.published || who.is_some_and(Principal::is_staff) => Ok(info),
            _ => Err(AppError::NotFound("该清单版本")),
        }
    }

    /// One page of an edition's entries, with their responsibility items.
    pub async fn list_entries(
        &self,
        who: Option<&Principal>,
        kind: ListKind,
        year: i32,
        q: &EntriesQuery,
    ) -> Result<EntriesPage, AppError> {
        let edition = self.list_edition(who, kind, year).await?;
        let per_page = if q.per_page <= 0 {
            20
        } else {
            q.per_page.min(200)
        };
        let page = q.page.max(1);
        let department = q.department_id.clone().unwrap_or_default();
        let (rows, duties, total) = self
            .store
            .list_entries_page(
                kind.code(),
                i64::from(year),
                department.trim(),
                per_page,
                (page - 1).saturating_mul(per_page),
            )
            .await?;
        let departments = self
            .store
            .list_departments(kind.code(), i64::from(year))
            .await?;
        Ok(EntriesPage {
            edition,
            entries: entry_views(rows, duties)?,
            total,
            page,
            per_page,
            departments,
        })
    }

    /// Compares edition `from` with edition `to` of the same list.
    pub async fn compare_editions(
        &self,
        who: Option<&Principal>,
        kind: ListKind,
        from: i32,
        to: i32,
    ) -> Result<EditionComparison, AppError> {
        let from_info = self.list_edition(who, kind, from).await?;
        let to_info = self.list_edition(who, kind, to).await?;
        let old = self.all_entries(kind, from).await?;
        let new = self.all_entries(kind, to).await?;
        let mut department_names = BTreeMap::new();
        for view in old.iter().chain(new.iter()) {
            department_names
                .entry(view.entry.department_id.clone())
                .or_insert_with(|| view.department_name.clone());
        }
        let old: Vec<ListEntry> = old.into_iter().map(|v| v.entry).collect();
        let new: Vec<ListEntry> = new.into_iter().map(|v| v.entry).collect();
        let mut diff = diff_editions(&old, &new);
        for change in &mut diff.changed {
            for field in &mut change.fields {
                if field.field == EntryField::Department {
                    for side in [&mut field.old, &mut field.new] {
                        if let Some(name) = department_names.get(side.as_str()) {
                            *side = name.clone();
                        }
                    }
                }
            }
        }
        Ok(EditionComparison {
            from: from_info,
            to: to_info,
            diff,
            department_names,
        })
    }

    pub(crate) async fn all_entries(
        &self,
        kind: ListKind,
        year: i32,
    ) -> Result<Vec<EntryView>, AppError> {
        let (rows, duties) = self
            .store
            .list_entries_all(kind.code(), i64::from(year))
            .await?;
        entry_views(rows, duties)
    }
}

pub(crate) fn edition_info(row: ListEditionRow) -> Result<EditionInfo, AppError> {
    let kind = ListKind::parse(&row.list_code).ok_or_else(|| {
        AppError::from(StoreError::Corrupt(format!(
            "unknown list {:?}",
            row.list_code
        )))
    })?;
    let year = i32::try_from(row.year)
        .map_err(|_| AppError::from(StoreError::Corrupt(format!("bad year {}", row.year))))?;
    Ok(EditionInfo {
        kind,
        year,
        label: edition_label(year),
        published: row.status == "published",
        entry_count: row.entry_count,
        duty_count: row.duty_count,
        published_at_ms: row.published_at_ms,
    })
}

/// Entries with their duties (both in edition order) as views.
fn entry_views(
    rows: Vec<ListEntryRow>,
    duties: Vec<ListDutyRow>,
) -> Result<Vec<EntryView>, AppError> {
    let mut by_entry: BTreeMap<String, Vec<Duty>> = BTreeMap::new();
    for d in duties {
        by_entry.entry(d.entry_code).or_default().push(Duty {
            name: d.name,
            accountability: d.accountability,
        });
    }
    rows.into_iter()
        .map(|row| {
            let corrupt = |what: &str| {
                AppError::from(StoreError::Corrupt(format!(
                    "list entry {}: bad {what}",
                    row.entry_code
                )))
            };
            let item_type = ItemType::parse(&row.item_type).ok_or_else(|| corrupt("type"))?;
            let level = u8::try_from(row.level)
                .ok()
                .and_then(AdminLevel::from_code)
                .ok_or_else(|| corrupt("level"))?;
            let duties = by_entry.remove(&row.entry_code).unwrap_or_default();
            Ok(EntryView {
                seq: row.seq,
                department_name: row.department_name,
                entry: ListEntry {
                    code: row.entry_code,
                    name: row.name,
                    item_type,
                    basis: row.basis,
                    department_id: row.department_id,
                    level,
                    basic_code: (!row.basic_code.is_empty()).then_some(row.basic_code),
                    duties,
                },
            })
        })
        .collect()
}
