//! Importing and exporting a list edition in the column layout of `docs/import-format.md`: one
//! sheet, one row per responsibility item (责任事项), the power item's own columns repeated on
//! (or, as merged cells read, left blank on) the rows of its further responsibility items.
//!
//! `decode` turns file bytes (xlsx or CSV) into rows of trimmed text; `parse` maps the rows to
//! [`ListEntry`] values and reports every bad cell. Neither does I/O beyond reading the bytes it
//! is given: the organisation tree comes in as [`Departments`].

mod decode;
mod parse;

use std::collections::BTreeMap;

use serde::Serialize;
use tongban_domain::lists::{ListEntry, ListKind};

use crate::lists::{EditionInfo, EntryView};

pub use decode::{FileKind, decode};
pub use parse::parse_rows;

/// The most problems a report lists; the rest are only counted.
pub const MAX_PROBLEMS: usize = 1_000;
/// The most data rows a file may hold.
pub const MAX_ROWS: usize = 200_000;

/// A column of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Code,
    Name,
    Type,
    Department,
    Level,
    Basis,
    BasicCode,
    Duty,
    Accountability,
}

impl Column {
    /// In the order the export writes them.
    pub const ALL: [Column; 9] = [
        Column::Code,
        Column::Name,
        Column::Type,
        Column::Department,
        Column::Level,
        Column::Basis,
        Column::BasicCode,
        Column::Duty,
        Column::Accountability,
    ];

    /// The header text that identifies the column.
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "事项编码",
            Column::Name => "事项名称",
            Column::Type => "事项类型",
            Column::Department => "实施部门",
            Column::Level => "行使层级",
            Column::Basis => "设定依据",
            Column::BasicCode => "基本编码",
            Column::Duty => "责任事项",
            Column::Accountability => "追责情形",
        }
    }

    /// Whether a file of `kind`'s list must have the column.
    pub fn required(self, kind: ListKind) -> bool {
        match self {
            Column::BasicCode | Column::Accountability => false,
            Column::Duty => kind.has_duties(),
            _ => true,
        }
    }

    /// Whether the column belongs to the power item (repeated on each of its rows).
    pub fn of_entry(self) -> bool {
        !matches!(self, Column::Duty | Column::Accountability)
    }
}

/// Header texts accepted and ignored (a bureau's own numbering and remarks).
pub const IGNORED_HEADERS: [&str; 2] = ["序号", "备注"];

/// One sheet of text: each non-blank row with its 1-based row number as a spreadsheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRows {
    pub name: String,
    pub rows: Vec<(u32, Vec<String>)>,
}

/// The organisation tree as an import needs it: department id → full name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Departments {
    pub names: BTreeMap<String, String>,
}

/// One thing wrong with the file: where (sheet, 1-based row, column letter and header; row 0 and
/// empty column for the file as a whole) and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    pub sheet: String,
    pub row: u32,
    /// "C", or empty when the problem is the whole row or file.
    pub column: String,
    /// The column's header text, or empty.
    pub header: String,
    pub reason: String,
}

/// What the rows of a file make: the entries, and every problem found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub entries: Vec<ListEntry>,
    pub rows: usize,
    pub problems: Vec<ImportProblem>,
}

/// The outcome of an import, dry run or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: ListKind,
    pub year: i32,
    pub file_name: String,
    pub dry_run: bool,
    /// Whether the edition was written (never when there is a problem).
    pub applied: bool,
    /// Data rows read.
    pub rows: usize,
    pub entries: usize,
    pub duties: usize,
    /// The first [`MAX_PROBLEMS`] problems, by row and column.
    pub problems: Vec<ImportProblem>,
    /// All problems, listed or not.
    pub problem_count: usize,
    /// The draft edition written, when applied.
    pub edition: Option<EditionInfo>,
}

impl ImportReport {
    pub fn ok(&self) -> bool {
        self.problem_count == 0
    }
}

/// Spreadsheet column letters of a 0-based index: 0 → "A", 26 → "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.into_iter().rev().collect()
}

/// An edition in the layout: the header row, then one row per responsibility item (one row for
/// an entry without any), every column filled. Re-imports to the same entries.
pub fn edition_sheet(kind: ListKind, entries: &[EntryView]) -> (Vec<String>, Vec<Vec<String>>) {
    let columns: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| kind.has_duties() || c.of_entry())
        .collect();
    let headers = columns.iter().map(|c| c.header().to_string()).collect();
    let mut rows = Vec::new();
    for view in entries {
        let e = &view.entry;
        let department = if view.department_name.is_empty() {
            e.department_id.clone()
        } else {
            view.department_name.clone()
        };
        let duties: Vec<Option<&tongban_domain::lists::Duty>> = if e.duties.is_empty() {
            vec![None]
        } else {
            e.duties.iter().map(Some).collect()
        };
        for duty in duties {
            rows.push(
                columns
                    .iter()
                    .map(|c| match c {
                        Column::Code => e.code.clone(),
                        Column::Name => e.name.clone(),
                        Column::Type => e.item_type.name_zh().to_string(),
                        Column::Department => department.clone(),
                        Column::Level => e.level.name_zh().to_string(),
                        Column::Basis => e.basis.clone(),
                        Column::BasicCode => e.basic_code.clone().unwrap_or_default(),
                        Column::Duty => duty.map(|d| d.name.clone()).unwrap_or_default(),
                        Column::Accountability => {
                            duty.map(|d| d.accountability.clone()).unwrap_or_default()
                        }
                    })
                    .collect(),
            );
        }
    }
    (headers, rows)
}

#[cfg(test)]
mod tests;
