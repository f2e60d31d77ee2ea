//! The published lists, write side: drafting an edition, publishing it, and seeding the demo's
//! editions. Only city-level system administrators draft and publish, since a list binds the
//! whole city. A published edition is never changed; a draft may be replaced until it is
//! published.

use std::collections::BTreeSet;

use serde_json::json;
use tongban_domain::Role;
use tongban_domain::lists::{EDITION_YEARS, ListEntry, ListKind, edition_label, validate_edition};
use tongban_store::{ListDutyRow, ListEditionRow, ListEntryRow, NewEvent, StoreError, WriteCtx};

use crate::App;
use crate::error::{AppError, FieldError};
use crate::lists::{EditionInfo, edition_info};
use crate::principal::Principal;

/// One edition to seed: its list, year and entries; it is published once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedEdition {
    pub kind: ListKind,
    pub year: i32,
    pub entries: Vec<ListEntry>,
}

/// Rows (entries plus duties) per unit of work when seeding.
const SEED_ROWS_PER_UNIT: usize = 2_500;

/// A city-level system administrator, or Forbidden.
pub(crate) fn require_city_admin(who: &Principal) -> Result<(), AppError> {
    who.require_city_level(&[Role::SystemAdmin]).map(|_| ())
}

fn rows_of(entries: &[ListEntry]) -> (Vec<ListEntryRow>, Vec<ListDutyRow>) {
    let mut rows = Vec::with_capacity(entries.len());
    let mut duties = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        rows.push(ListEntryRow {
            entry_code: e.code.clone(),
            seq: i as i64 + 1,
            name: e.name.clone(),
            item_type: e.item_type.code().to_string(),
            basis: e.basis.clone(),
            department_id: e.department_id.clone(),
            department_name: String::new(),
            level: i64::from(e.level.code()),
            basic_code: e.basic_code.clone().unwrap_or_default(),
        });
        for (j, d) in e.duties.iter().enumerate() {
            duties.push(ListDutyRow {
                entry_code: e.code.clone(),
                seq: j as i64 + 1,
                name: d.name.clone(),
                accountability: d.accountability.clone(),
            });
        }
    }
    (rows, duties)
}

fn edition_event(actor: &str, action: &str, at_ms: i64, kind: ListKind, year: i32) -> NewEvent {
    NewEvent {
        at_ms,
        actor: actor.to_string(),
        action: action.into(),
        entity_type: "list_edition".into(),
        entity_id: format!("{}:{year}", kind.code()),
        payload: json!({ "list": kind.code(), "year": year, "label": edition_label(year) }),
    }
}

impl App {
    /// Saves an edition as a draft with its entries (replacing an earlier draft of the same
    /// year). City-level system administrators only; a published edition cannot be changed.
    pub async fn create_list_edition(
        &self,
        who: &Principal,
        kind: ListKind,
        year: i32,
        entries: Vec<ListEntry>,
    ) -> Result<EditionInfo, AppError> {
        require_city_admin(who)?;
        self.check_edition(kind, year, &entries).await?;
        let actor = who.account_id().to_string();
        self.save_draft(
            actor,
            kind,
            year,
            &entries,
            "list.edition_drafted",
            json!({}),
        )
        .await
    }

    /// Writes `entries` as the draft of `kind`'s `year` edition, replacing an earlier draft, in
    /// ONE unit of work with its event (`action`, its payload extended by `extra`): all rows or
    /// none. The caller has checked who asks and the entries.
    pub(crate) async fn save_draft(
        &self,
        actor: String,
        kind: ListKind,
        year: i32,
        entries: &[ListEntry],
        action: &'static str,
        extra: serde_json::Value,
    ) -> Result<EditionInfo, AppError> {
        let at_ms = self.now_ms();
        let (rows, duties) = rows_of(entries);
        let list = kind.code();
        let row = ListEditionRow {
            list_code: list.into(),
            year: i64::from(year),
            status: "draft".into(),
            entry_count: rows.len() as i64,
            duty_count: duties.len() as i64,
            created_at_ms: at_ms,
            published_at_ms: None,
        };
        let edition = row.clone();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    match ctx.list_edition_for_update(list, i64::from(year)).await? {
                        Some(e) if e.status == "draft" => {
                            ctx.delete_list_draft(list, i64::from(year)).await?
                        }
                        Some(_) => return Err(published_already(year)),
                        None => {}
                    }
                    ctx.insert_list_edition(&row).await?;
                    ctx.insert_list_entries(list, i64::from(year), &rows, &duties)
                        .await?;
                    let mut event = edition_event(&actor, action, at_ms, kind, year);
                    event.payload["entries"] = json!(row.entry_count);
                    event.payload["duties"] = json!(row.duty_count);
                    if let (Some(payload), serde_json::Value::Object(more)) =
                        (event.payload.as_object_mut(), extra)
                    {
                        payload.extend(more);
                    }
                    ctx.append_event(event).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        edition_info(edition)
    }

    /// Publishes a draft edition. City-level system administrators only.
    pub async fn publish_list_edition(
        &self,
        who: &Principal,
        kind: ListKind,
        year: i32,
    ) -> Result<EditionInfo, AppError> {
        require_city_admin(who)?;
        let at_ms = self.now_ms();
        let actor = who.account_id().to_string();
        let row = self
            .store
            .write(move |ctx| Box::pin(publish(ctx, actor, at_ms, kind, year)))
            .await?;
        edition_info(row)
    }

    /// Loads the demo's editions into a store that has none, each published. Returns how many
    /// responsibility items and entries were written (0 when lists exist already). Entries and
    /// duties go in units of about 2,500 rows, each with its event.
    pub async fn seed_lists(&self, editions: Vec<SeedEdition>) -> Result<usize, AppError> {
        if !self.store.list_editions().await?.is_empty() {
            return Ok(0);
        }
        for e in &editions {
            self.check_edition(e.kind, e.year, &e.entries).await?;
        }
        let at_ms = self.now_ms();
        let mut written = 0;
        for edition in editions {
            let (kind, year) = (edition.kind, edition.year);
            let (rows, duties) = rows_of(&edition.entries);
            written += rows.len() + duties.len();
            let head = ListEditionRow {
                list_code: kind.code().into(),
                year: i64::from(year),
                status: "draft".into(),
                entry_count: rows.len() as i64,
                duty_count: duties.len() as i64,
                created_at_ms: at_ms,
                published_at_ms: None,
            };
            let mut first = Some(head);
            let mut rest_rows = rows.into_iter().peekable();
            let mut rest_duties = duties.into_iter().peekable();
            while rest_rows.peek().is_some() || first.is_some() {
                let mut chunk_rows = Vec::new();
                let mut chunk_duties = Vec::new();
                while let Some(row) = rest_rows
                    .next_if(|_| chunk_rows.len() + chunk_duties.len() < SEED_ROWS_PER_UNIT)
                {
                    while let Some(d) = rest_duties.next_if(|d| d.entry_code == row.entry_code) {
                        chunk_duties.push(d);
                    }
                    chunk_rows.push(row);
                }
                let head = first.take();
                self.store
                    .write(move |ctx| {
                        Box::pin(async move {
                            if let Some(head) = &head {
                                ctx.insert_list_edition(head).await?;
                            }
                            ctx.insert_list_entries(
                                kind.code(),
                                i64::from(year),
                                &chunk_rows,
                                &chunk_duties,
                            )
                            .await?;
                            let mut event = edition_event(
                                "system:lists-seed",
                                "list.entries_seeded",
                                at_ms,
                                kind,
                                year,
                            );
                            event.payload["entries"] = json!(chunk_rows.len());
                            event.payload["duties"] = json!(chunk_duties.len());
                            ctx.append_event(event).await?;
                            Ok::<_, AppError>(())
                        })
                    })
                    .await?;
            }
            self.store
                .write(move |ctx| {
                    Box::pin(publish(ctx, "system:lists-seed".into(), at_ms, kind, year))
                })
                .await?;
        }
        Ok(written)
    }

    /// The year must be sensible, every entry valid and every department real.
    pub(crate) async fn check_edition(
        &self,
        kind: ListKind,
        year: i32,
        entries: &[ListEntry],
    ) -> Result<(), AppError> {
        if !EDITION_YEARS.contains(&year) {
            return Err(AppError::field("year", "list.year", "版本年份不正确"));
        }
        let mut fields: Vec<FieldError> = validate_edition(kind, entries)
            .into_iter()
            .take(50)
            .map(|p| FieldError {
                field: format!("entries.{}.{}", p.index, p.field).into(),
                code: "list.invalid_entry",
                message: p.message,
            })
            .collect();
        let departments: BTreeSet<&str> =
            entries.iter().map(|e| e.department_id.as_str()).collect();
        for id in departments.into_iter().filter(|d| !d.trim().is_empty()) {
            if self.store.department(id).await?.is_none() {
                let index = entries
                    .iter()
                    .position(|e| e.department_id == id)
                    .unwrap_or(0);
                fields.push(FieldError {
                    field: format!("entries.{index}.department_id").into(),
                    code: "department.unknown",
                    message: format!("实施部门“{id}”不存在"),
                });
            }
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::fields(fields))
        }
    }
}

pub(crate) fn published_already(year: i32) -> AppError {
    AppError::Conflict(format!(
        "{}已发布，发布后的版本不能修改",
        edition_label(year)
    ))
}

async fn publish(
    ctx: &mut WriteCtx,
    actor: String,
    at_ms: i64,
    kind: ListKind,
    year: i32,
) -> Result<ListEditionRow, AppError> {
    let list = kind.code();
    match ctx.list_edition_for_update(list, i64::from(year)).await? {
        None => return Err(AppError::NotFound("该清单版本")),
        Some(e) if e.status != "draft" => return Err(published_already(year)),
        Some(_) => {}
    }
    ctx.publish_list_edition(list, i64::from(year), at_ms)
        .await?;
    ctx.append_event(edition_event(
        &actor,
        "list.edition_published",
        at_ms,
        kind,
        year,
    ))
    .await?;
    ctx.list_edition_for_update(list, i64::from(year))
        .await?
        .ok_or(AppError::from(StoreError::NotFound("list_draft")))
}
