//! Bulk import of historic licences from a spreadsheet (`docs/licence-import-format.md`): a dry
//! run reports every bad cell; apply reads and checks everything first and, only when nothing is
//! wrong, signs every licence with the issuing department's key and writes them (source
//! `import`). Staff (approver or department admin) of the issuing department, or a system admin
//! naming the department. An identifier whose check character is wrong is refused unless an
//! admin confirms keeping it; the licence then carries a warning.

use std::collections::HashMap;

use serde::Serialize;
use tongban_domain::Role;
use tongban_domain::licence::LicenceType;
use tongban_store::DepartmentRow;

use super::import_rows::{LicenceImportProblem, ParsedRows, RowContext, parse_licence_rows};
use crate::import::{MAX_PROBLEMS, decode};
use crate::{App, AppError, Principal};

/// The most data rows one file may hold.
pub const MAX_LICENCE_ROWS: usize = 20_000;

/// How to run an import.
#[derive(Debug, Clone, Default)]
pub struct LicenceImportOptions {
    /// Only check (the default of pages and the API).
    pub dry_run: bool,
    /// Keep identifiers whose check character is wrong (department or system admins only).
    pub accept_bad_check: bool,
    /// The issuing department; required of a system admin, ignored otherwise.
    pub department_id: Option<String>,
}

/// The outcome of an import, dry run or not.
#[derive(Debug, Clone, Serialize)]
pub struct LicenceImportReport {
    pub file_name: String,
    pub department_id: String,
    pub department_name: String,
    pub dry_run: bool,
    /// Whether the licences were written (never when there is a problem).
    pub applied: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows that make a licence.
    pub licences: usize,
    /// Licences written (an identifier written meanwhile by someone else is skipped).
    pub written: usize,
    /// Identifiers generated because the cell was empty.
    pub generated_ids: usize,
    /// Identifiers kept despite a wrong check character (with a warning on the licence).
    pub accepted_bad_check: usize,
    /// The first 1,000 problems, by row.
    pub problems: Vec<LicenceImportProblem>,
    pub problem_count: usize,
}

impl LicenceImportReport {
    pub fn ok(&self) -> bool {
        self.problem_count == 0
    }
}

/// The issuing department a member of staff acts for: their own department, or (system admin)
/// the one named.
pub(crate) async fn issuing_department(
    app: &App,
    who: &Principal,
    department_id: Option<&str>,
) -> Result<DepartmentRow, AppError> {
    let unit = who.require_role(&[Role::Approver, Role::DeptAdmin, Role::SystemAdmin])?;
    let id = if who.role() == Some(Role::SystemAdmin) {
        department_id
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .ok_or_else(|| {
                AppError::field(
                    "department_id",
                    "licence.department_required",
                    "请选择颁发部门",
                )
            })?
            .to_string()
    } else {
        if department_id.is_some_and(|d| !d.trim().is_empty() && d.trim() != unit.id()) {
            return Err(AppError::Forbidden);
        }
        unit.id().to_string()
    };
    let dept = app
        .store
        .department(&id)
        .await?
        .ok_or(AppError::NotFound("该部门"))?;
    if who.role() == Some(Role::SystemAdmin) {
        let division = tongban_domain::DivisionCode::parse(&dept.division_code)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        who.require_scope(&[Role::SystemAdmin], &division)?;
    }
    Ok(dept)
}

impl App {
    /// Imports licences issued by the caller's department (a system admin names it) from
    /// `bytes` (xlsx or CSV). A dry run only reports; otherwise, when no row has a problem, every
    /// licence is signed and written.
    pub async fn import_licences(
        &self,
        who: &Principal,
        file_name: &str,
        bytes: Vec<u8>,
        options: LicenceImportOptions,
    ) -> Result<LicenceImportReport, AppError> {
        let issuer = issuing_department(self, who, options.department_id.as_deref()).await?;
        if options.accept_bad_check
            && !matches!(who.role(), Some(Role::SystemAdmin | Role::DeptAdmin))
        {
            return Err(AppError::Forbidden);
        }
        let types: HashMap<String, LicenceType> = self
            .licence_types()
            .await?
            .into_iter()
            .map(|t| (t.code.as_str().to_string(), t))
            .collect();
        let today = self.today();
        let accept = options.accept_bad_check;
        let name = file_name.to_string();
        let dept = issuer.clone();
        let mut parsed = tokio::task::spawn_blocking(move || {
            let sheet = match decode(&name, &bytes) {
                Ok(sheet) => sheet,
                Err(p) => {
                    return ParsedRows {
                        problems: vec![LicenceImportProblem {
                            row: 0,
                            column: String::new(),
                            header: String::new(),
                            code: "licence_import.unreadable".into(),
                            reason: p.reason,
                        }],
                        ..ParsedRows::default()
                    };
                }
            };
            if sheet.rows.len() > MAX_LICENCE_ROWS + 1 {
                return ParsedRows {
                    rows: sheet.rows.len() - 1,
                    problems: vec![LicenceImportProblem {
                        row: 0,
                        column: String::new(),
                        header: String::new(),
                        code: "licence_import.too_many_rows".into(),
                        reason: format!("一个文件最多 {MAX_LICENCE_ROWS} 行，请分成几个文件导入"),
                    }],
                    ..ParsedRows::default()
                };
            }
            let ctx = RowContext {
                issuer: &dept,
                types: &types,
                today,
                accept_bad_check: accept,
            };
            parse_licence_rows(&sheet, &ctx)
        })
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))?;
        for (row, id) in &parsed.given_ids {
            if self.store.licence(id).await?.is_some() {
                parsed.problems.push(LicenceImportProblem {
                    row: *row,
                    column: String::new(),
                    header: super::import_rows::LICENCE_ID.into(),
                    code: "licence_import.id_exists".into(),
                    reason: format!("证照标识 {id} 已存在，不能重复导入"),
                });
            }
        }
        parsed.problems.sort_by_key(|p| p.row);
        let mut report = LicenceImportReport {
            file_name: file_name.to_string(),
            department_id: issuer.id.clone(),
            department_name: issuer.name.clone(),
            dry_run: options.dry_run,
            applied: false,
            rows: parsed.rows,
            licences: parsed.drafts.len(),
            written: 0,
            generated_ids: parsed
                .drafts
                .iter()
                .filter(|(row, _)| !parsed.given_ids.iter().any(|(r, _)| r == row))
                .count(),
            accepted_bad_check: parsed.accepted_bad_check,
            problem_count: parsed.problems.len(),
            problems: parsed.problems.into_iter().take(MAX_PROBLEMS).collect(),
        };
        if report.rows == 0 && report.ok() {
            report.problems.push(LicenceImportProblem {
                row: 0,
                column: String::new(),
                header: String::new(),
                code: "licence_import.no_rows".into(),
                reason: "文件中只有列标题，没有证照".into(),
            });
            report.problem_count = 1;
        }
        if options.dry_run || !report.ok() {
            return Ok(report);
        }
        let drafts = parsed.drafts.into_iter().map(|(_, d)| d).collect();
        let written = self.sign_and_write(drafts, who.account_id()).await?;
        report.applied = true;
        report.written = written.len();
        Ok(report)
    }
}
