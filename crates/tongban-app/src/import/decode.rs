//! File bytes to rows of trimmed text: the first sheet of an xlsx workbook (calamine), or a
//! UTF-8 CSV file (with or without a byte-order mark). Blank rows are dropped; each row keeps
//! its number as a spreadsheet shows it.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};

use super::{ImportProblem, SheetRows};

/// How the bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
}

impl FileKind {
    /// An xlsx file is a zip archive; anything else is read as CSV.
    pub fn sniff(bytes: &[u8]) -> FileKind {
        if bytes.starts_with(b"PK\x03\x04") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }
}

fn file_problem(sheet: &str, reason: String) -> ImportProblem {
    ImportProblem {
        sheet: sheet.to_string(),
        row: 0,
        column: String::new(),
        header: String::new(),
        reason,
    }
}

/// The rows of the file, or the reason it cannot be read. `file_name` names a CSV's sheet.
pub fn decode(file_name: &str, bytes: &[u8]) -> Result<SheetRows, ImportProblem> {
    match FileKind::sniff(bytes) {
        FileKind::Xlsx => decode_xlsx(file_name, bytes),
        FileKind::Csv => decode_csv(file_name, bytes),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

fn decode_xlsx(file_name: &str, bytes: &[u8]) -> Result<SheetRows, ImportProblem> {
    let unreadable = |err: &dyn std::fmt::Display| {
        file_problem(
            file_name,
            format!("无法读取 xlsx 文件（{err}），请用 Excel 或 WPS 另存为 .xlsx 后重试"),
        )
    };
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(file_problem(file_name, "工作簿中没有工作表".into()));
    };
    let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let lead = usize::try_from(col0).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, row) in (row0..).zip(range.rows()) {
        let mut cells = vec![String::new(); lead];
        cells.extend(row.iter().map(cell_text));
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push((i.saturating_add(1), cells));
        }
    }
    Ok(SheetRows { name, rows })
}

/// Line breaks as the CSV reader sees them: `\n`, `\r\n` and a lone `\r` (old Mac files).
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

fn decode_csv(file_name: &str, bytes: &[u8]) -> Result<SheetRows, ImportProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(file_problem(
            file_name,
            "CSV 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”".into(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    // Lines are counted from the bytes: the reader's own count skips blank lines.
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_problem(file_name, format!("CSV 第 {line} 行格式有误：{e}"))
        })?;
        let start = record.position().map_or(counted_to, |p| {
            usize::try_from(p.byte()).unwrap_or(counted_to)
        });
        let mut start = start.clamp(counted_to, bytes.len());
        while bytes.get(start).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            start += 1;
        }
        line += line_breaks(&bytes[counted_to..start]);
        counted_to = start;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push((u32::try_from(line).unwrap_or(u32::MAX), cells));
        }
    }
    Ok(SheetRows {
        name: file_name.to_string(),
        rows,
    })
}
