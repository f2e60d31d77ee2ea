//! Exports of lists and search results: a small table model (title, column headers, rows of
//! text and numbers) written as an xlsx workbook or as CSV, and the download response for either.
//!
//! The xlsx has one sheet named after the title, a bold header row that stays in view while
//! scrolling (frozen) with an autofilter, and column widths measured in display columns, a
//! Chinese character counting as two. The CSV is UTF-8 with a byte-order mark, which is what
//! makes Excel read Chinese text in a CSV correctly.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tongban_app::{AppError, EditionSheet};

use crate::error::WebError;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The most rows any export holds.
pub const MAX_ROWS: usize = 5_000;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(f64::from(n))
    }
}

/// A table to export.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Names the sheet and the downloaded file.
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// What to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => XLSX_TYPE,
            ExportFormat::Csv => CSV_TYPE,
        }
    }
}

/// Display columns of a text: East Asian wide characters take two.
pub fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Width of each column in Excel's units (about one Latin character): the widest cell plus a
/// margin, at least 6 and at most 60.
pub fn column_widths(table: &Table) -> Vec<f64> {
    (0..table.headers.len())
        .map(|col| {
            let widest = table
                .rows
                .iter()
                .filter_map(|row| row.get(col))
                .map(|cell| display_width(&cell.text()))
                .chain(std::iter::once(display_width(&table.headers[col])))
                .max()
                .unwrap_or(0);
            (widest + 2).clamp(6, 60) as f64
        })
        .collect()
}

/// A valid sheet name from a title: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let name = name.trim_matches('\'').to_string();
    if name.is_empty() {
        "Sheet1".into()
    } else {
        name
    }
}

/// The edition's sheet as an export table, titled “权责清单2023年本”.
pub fn edition_table(sheet: EditionSheet) -> Table {
    Table {
        title: format!("{}{}", sheet.edition.kind.name_zh(), sheet.edition.label),
        headers: sheet.headers,
        rows: sheet
            .rows
            .into_iter()
            .map(|row| row.into_iter().map(Cell::Text).collect())
            .collect(),
    }
}

/// The workbook as bytes.
pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    for (col, header) in (0u16..).zip(&table.headers) {
        sheet.write_string_with_format(0, col, header, &bold)?;
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => sheet.write_string(row, col, text)?,
                Cell::Number(n) => sheet.write_number(row, col, *n)?,
            };
        }
    }
    for (col, width) in (0u16..).zip(column_widths(table)) {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if let Some(last_col) = table.headers.len().checked_sub(1) {
        let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
        sheet.autofilter(0, 0, last_row, u16::try_from(last_col).unwrap_or(0))?;
    }
    workbook.save_to_buffer()
}

/// The CSV as bytes: a byte-order mark, the header row, then the rows.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer.write_record(&table.headers)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(Cell::text))?;
    }
    writer
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))
}

/// `filename*` value: UTF-8, percent-encoded except RFC 5987's attr-chars.
pub fn rfc5987(text: &str) -> String {
    let mut out = String::from("UTF-8''");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `Content-Disposition` of a download named `title` (with `fallback`, ASCII, for clients
/// that do not read `filename*`).
pub fn disposition(title: &str, fallback: &str, format: ExportFormat) -> String {
    let ext = format.extension();
    format!(
        "attachment; filename=\"{fallback}.{ext}\"; filename*={}",
        rfc5987(&format!("{title}.{ext}"))
    )
}

/// The table as a download in `format`; `fallback` is the ASCII file name (without extension).
pub fn download(table: &Table, fallback: &str, format: ExportFormat) -> Result<Response, WebError> {
    let body = match format {
        ExportFormat::Xlsx => to_xlsx(table).map_err(|e| internal(&e))?,
        ExportFormat::Csv => to_csv(table).map_err(|e| internal(&e))?,
    };
    let disposition = HeaderValue::from_str(&disposition(&table.title, fallback, format))
        .map_err(|e| internal(&e))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

fn internal(err: &dyn std::fmt::Display) -> WebError {
    WebError::App(AppError::Internal(format!("export failed: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            title: "政务服务事项".into(),
            headers: vec!["事项名称".into(), "到现场次数".into()],
            rows: vec![
                vec!["企业设立登记".into(), Cell::from(1u32)],
                vec!["a,\"b\"".into(), Cell::Number(0.0)],
            ],
        }
    }

    #[test]
    fn chinese_characters_count_as_two_columns() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("营业执照"), 8);
        assert_eq!(display_width("（工作日）"), 10);
        assert_eq!(column_widths(&table()), vec![14.0, 12.0]);
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_quotes_what_needs_quoting() {
        let bytes = to_csv(&table()).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[BOM.len()..].to_vec()).unwrap();
        assert_eq!(
            text,
            "事项名称,到现场次数\n企业设立登记,1\n\"a,\"\"b\"\"\",0\n"
        );
    }

    #[test]
    fn the_xlsx_is_a_zip_archive() {
        let bytes = to_xlsx(&table()).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }

    #[test]
    fn sheet_names_drop_forbidden_characters_and_stay_short() {
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name(&"办".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name(""), "Sheet1");
    }

    #[test]
    fn the_disposition_has_an_ascii_fallback_and_an_encoded_chinese_name() {
        assert_eq!(
            disposition("事项", "items", ExportFormat::Csv),
            "attachment; filename=\"items.csv\"; filename*=UTF-8''%E4%BA%8B%E9%A1%B9.csv"
        );
    }
}
