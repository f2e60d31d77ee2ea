//! Importing a list edition from a spreadsheet (dry run or apply) and exporting one in the same
//! layout (`docs/import-format.md`). Like drafting, an import is for city-level system
//! administrators. Apply writes nothing when the file has any problem; otherwise the whole
//! edition is written as one draft in one unit of work: every row or none.

use serde_json::json;
use tongban_domain::lists::{EDITION_YEARS, ListKind, edition_label};

use crate::App;
use crate::error::AppError;
use crate::import::{
    Departments, ImportProblem, ImportReport, MAX_PROBLEMS, Parsed, decode, edition_sheet,
    parse_rows,
};
use crate::lists::EditionInfo;
use crate::lists_flow::require_city_admin;
use crate::principal::Principal;

/// An edition in the import layout: the header row and the data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionSheet {
    pub edition: EditionInfo,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl App {
    /// Reads `bytes` (xlsx or CSV, named `file_name`) as `kind`'s `year` edition. A dry run
    /// only reports; otherwise, if nothing is wrong, the edition is saved as a draft (replacing
    /// a draft of that year) with all its rows at once. Every problem is reported by sheet, row
    /// and column; the report lists the first [`MAX_PROBLEMS`].
    pub async fn import_list_edition(
        &self,
        who: &Principal,
        kind: ListKind,
        year: i32,
        file_name: &str,
        bytes: Vec<u8>,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        require_city_admin(who)?;
        let actor = who.account_id().to_string();
        self.import_list_edition_as(&actor, kind, year, file_name, bytes, dry_run)
            .await
    }

    /// [`App::import_list_edition`] by the operator (the CLI), recorded as `actor`.
    pub async fn import_list_edition_as(
        &self,
        actor: &str,
        kind: ListKind,
        year: i32,
        file_name: &str,
        bytes: Vec<u8>,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        if !EDITION_YEARS.contains(&year) {
            return Err(AppError::field("year", "list.year", "版本年份不正确"));
        }
        let departments = Departments {
            names: self.store.department_names().await?.into_iter().collect(),
        };
        let name = file_name.to_string();
        let mut parsed = tokio::task::spawn_blocking(move || match decode(&name, &bytes) {
            Ok(sheet) => parse_rows(kind, &sheet, &departments),
            Err(problem) => Parsed {
                problems: vec![problem],
                ..Parsed::default()
            },
        })
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))?;
        let existing = self
            .store
            .list_edition(kind.code(), i64::from(year))
            .await?;
        if existing.is_some_and(|e| e.status != "draft") {
            parsed.problems.insert(
                0,
                ImportProblem {
                    sheet: file_name.to_string(),
                    row: 0,
                    column: String::new(),
                    header: String::new(),
                    reason: format!("{}已发布，不能再导入", edition_label(year)),
                },
            );
        }
        let mut report = ImportReport {
            kind,
            year,
            file_name: file_name.to_string(),
            dry_run,
            applied: false,
            rows: parsed.rows,
            entries: parsed.entries.len(),
            duties: parsed.entries.iter().map(|e| e.duties.len()).sum(),
            problem_count: parsed.problems.len(),
            problems: parsed.problems.into_iter().take(MAX_PROBLEMS).collect(),
            edition: None,
        };
        if dry_run || !report.ok() {
            return Ok(report);
        }
        let extra = json!({ "file_name": file_name, "rows": report.rows });
        let edition = self
            .save_draft(
                actor.to_string(),
                kind,
                year,
                &parsed.entries,
                "list.edition_imported",
                extra,
            )
            .await?;
        report.applied = true;
        report.edition = Some(edition);
        Ok(report)
    }

    /// An edition in the import layout, for export; a draft only for staff.
    pub async fn list_edition_sheet(
        &self,
        who: Option<&Principal>,
        kind: ListKind,
        year: i32,
    ) -> Result<EditionSheet, AppError> {
        let edition = self.list_edition(who, kind, year).await?;
        let entries = self.all_entries(kind, year).await?;
        let (headers, rows) = edition_sheet(kind, &entries);
        Ok(EditionSheet {
            edition,
            headers,
            rows,
        })
    }
}
