//! Rows of text to list entries, reporting every bad cell. Pure: the departments come as data.

use std::collections::{BTreeMap, BTreeSet};

use tongban_domain::AdminLevel;
use tongban_domain::catalog::ItemType;
use tongban_domain::lists::{Duty, ListEntry, ListKind, validate_entry};

use super::{
    Column, Departments, IGNORED_HEADERS, ImportProblem, MAX_ROWS, Parsed, SheetRows, column_letter,
};

/// Where each column is, and the sheet's name, for reporting.
struct Layout<'a> {
    sheet: &'a str,
    at: BTreeMap<Column, usize>,
}

impl Layout<'_> {
    fn problem(
        &self,
        row: u32,
        column: Option<Column>,
        reason: String,
    ) -> (u32, usize, ImportProblem) {
        let index = column.and_then(|c| self.at.get(&c).copied());
        let sort = index.map_or(0, |i| i + 1);
        (
            row,
            sort,
            ImportProblem {
                sheet: self.sheet.to_string(),
                row,
                column: index.map(column_letter).unwrap_or_default(),
                header: column.map(|c| c.header().to_string()).unwrap_or_default(),
                reason,
            },
        )
    }

    fn cell<'r>(&self, cells: &'r [String], column: Column) -> &'r str {
        self.at
            .get(&column)
            .and_then(|&i| cells.get(i))
            .map_or("", String::as_str)
    }
}

/// An entry being read: its first row and the row of each responsibility item.
struct Reading {
    entry: ListEntry,
    first_row: u32,
    first_cells: Vec<String>,
    duty_rows: Vec<u32>,
    /// Fields already reported as unreadable, so the entry check does not repeat them.
    bad: BTreeSet<&'static str>,
}

fn parse_type(text: &str) -> Option<ItemType> {
    ItemType::parse(text).or_else(|| ItemType::ALL.iter().copied().find(|t| t.name_zh() == text))
}

fn parse_level(text: &str) -> Option<AdminLevel> {
    let by_code = text.parse::<u8>().ok().and_then(AdminLevel::from_code);
    by_code.or_else(|| AdminLevel::ALL.into_iter().find(|l| l.name_zh() == text))
}

/// Whether two cells of column `c` say the same (a type as code or name, and so on).
fn same(c: Column, a: &str, b: &str, departments: &Departments) -> bool {
    a == b
        || match c {
            Column::Type => parse_type(a).is_some_and(|t| Some(t) == parse_type(b)),
            Column::Level => parse_level(a).is_some_and(|l| Some(l) == parse_level(b)),
            Column::Department => resolve_department(departments, a)
                .is_ok_and(|d| Ok(d) == resolve_department(departments, b)),
            _ => false,
        }
}

/// Whether the first row's cell was readable: when it was not, that cell alone is reported.
fn readable(c: Column, first: &str, departments: &Departments) -> bool {
    match c {
        Column::Type => parse_type(first).is_some(),
        Column::Level => parse_level(first).is_some(),
        Column::Department => resolve_department(departments, first).is_ok(),
        _ => true,
    }
}

/// The department an id or a full name means, or why none.
fn resolve_department(departments: &Departments, text: &str) -> Result<String, String> {
    if departments.names.contains_key(text) {
        return Ok(text.to_string());
    }
    let ids: Vec<&String> = departments
        .names
        .iter()
        .filter(|(_, name)| name.as_str() == text)
        .map(|(id, _)| id)
        .collect();
    match ids.as_slice() {
        [id] => Ok((*id).clone()),
        [] => Err(format!("实施部门“{text}”不存在，请填写部门全称或部门编号")),
        _ => Err(format!("实施部门名称“{text}”对应多个部门，请改填部门编号")),
    }
}

/// The entries `sheet` describes for `kind`'s list, and every problem with it: unknown or
/// missing headers, unreadable cells, rows that disagree with their entry's first row, entry
/// codes used twice, and whatever the list's own checks find. Problems are by row and column.
pub fn parse_rows(kind: ListKind, sheet: &SheetRows, departments: &Departments) -> Parsed {
    let mut problems = Vec::new();
    let mut layout = Layout {
        sheet: &sheet.name,
        at: BTreeMap::new(),
    };
    let Some((header_row, headers)) = sheet.rows.first() else {
        problems.push(layout.problem(0, None, "文件中没有数据，第一行应为列标题".into()));
        return finish(Vec::new(), 0, problems);
    };
    let by_header: BTreeMap<&str, Column> =
        Column::ALL.into_iter().map(|c| (c.header(), c)).collect();
    let mut unknown = Vec::new();
    for (i, text) in headers.iter().enumerate() {
        match by_header.get(text.as_str()) {
            Some(&c) if !kind.has_duties() && !c.of_entry() => unknown.push((
                i,
                format!("{}不列责任事项，不能有“{text}”列", kind.name_zh()),
            )),
            Some(&c) if layout.at.contains_key(&c) => {
                unknown.push((i, format!("列标题“{text}”重复")))
            }
            Some(&c) => {
                layout.at.insert(c, i);
            }
            None if text.is_empty() || IGNORED_HEADERS.contains(&text.as_str()) => {}
            None => unknown.push((i, format!("无法识别的列标题“{text}”"))),
        }
    }
    for (i, reason) in unknown {
        let (_, _, mut p) = layout.problem(*header_row, None, reason);
        p.column = column_letter(i);
        p.header = headers[i].clone();
        problems.push((*header_row, i + 1, p));
    }
    for c in Column::ALL {
        if c.required(kind) && !layout.at.contains_key(&c) {
            let reason = format!("缺少必填列“{}”", c.header());
            problems.push(layout.problem(*header_row, None, reason));
        }
    }
    if !problems.is_empty() {
        return finish(Vec::new(), 0, problems);
    }
    let data = &sheet.rows[1..];
    if data.len() > MAX_ROWS {
        let reason = format!("文件超过 {MAX_ROWS} 行，请分批导入");
        problems.push(layout.problem(*header_row, None, reason));
        return finish(Vec::new(), data.len(), problems);
    }
    let mut readings: Vec<Reading> = Vec::new();
    let mut first_row_of: BTreeMap<String, u32> = BTreeMap::new();
    for (row, cells) in data {
        let row = *row;
        let code = layout.cell(cells, Column::Code);
        let continues = kind.has_duties()
            && readings
                .last()
                .is_some_and(|r| code.is_empty() || r.entry.code == code);
        if continues {
            if let Some(reading) = readings.last_mut() {
                for c in Column::ALL.into_iter().filter(|c| c.of_entry()) {
                    let text = layout.cell(cells, c);
                    let first = layout.cell(&reading.first_cells, c);
                    if !text.is_empty()
                        && !same(c, text, first, departments)
                        && readable(c, first, departments)
                    {
                        let reason = format!(
                            "与本事项第 {} 行的“{}”不一致（该行为“{first}”）",
                            reading.first_row,
                            c.header()
                        );
                        problems.push(layout.problem(row, Some(c), reason));
                    }
                }
            }
        } else {
            if code.is_empty() {
                let reason = "事项编码不能为空".to_string();
                problems.push(layout.problem(row, Some(Column::Code), reason));
            } else if let Some(first) = first_row_of.get(code) {
                let reason = format!("事项编码“{code}”重复（第 {first} 行已出现）");
                problems.push(layout.problem(row, Some(Column::Code), reason));
            } else {
                first_row_of.insert(code.to_string(), row);
            }
            readings.push(new_reading(&layout, row, cells, departments, &mut problems));
        }
        let duty = layout.cell(cells, Column::Duty);
        let accountability = layout.cell(cells, Column::Accountability);
        if let Some(reading) = readings.last_mut() {
            if !duty.is_empty() {
                reading.entry.duties.push(Duty {
                    name: duty.to_string(),
                    accountability: accountability.to_string(),
                });
                reading.duty_rows.push(row);
            } else if !accountability.is_empty() {
                let reason = "填写了追责情形，但缺少责任事项".to_string();
                problems.push(layout.problem(row, Some(Column::Duty), reason));
            } else if continues {
                let reason = "续行既没有责任事项，也不是新的事项".to_string();
                problems.push(layout.problem(row, Some(Column::Duty), reason));
            }
        }
    }
    for (index, reading) in readings.iter().enumerate() {
        for p in validate_entry(kind, index, &reading.entry) {
            let (column, row) = locate(&p.field, reading);
            let key = p.field.as_str();
            if reading.bad.iter().any(|b| *b == key) {
                continue;
            }
            problems.push(layout.problem(row, Some(column), p.message));
        }
    }
    let rows = data.len();
    finish(
        readings.into_iter().map(|r| r.entry).collect(),
        rows,
        problems,
    )
}

fn new_reading(
    layout: &Layout<'_>,
    row: u32,
    cells: &[String],
    departments: &Departments,
    problems: &mut Vec<(u32, usize, ImportProblem)>,
) -> Reading {
    let mut bad = BTreeSet::new();
    if layout.cell(cells, Column::Code).is_empty() {
        bad.insert("code");
    }
    let type_text = layout.cell(cells, Column::Type);
    let item_type = parse_type(type_text).unwrap_or_else(|| {
        bad.insert("item_type");
        let reason = if type_text.is_empty() {
            "事项类型不能为空".to_string()
        } else {
            format!("事项类型“{type_text}”不存在，请填写类型代码（如 02）或名称（如 行政处罚）")
        };
        problems.push(layout.problem(row, Some(Column::Type), reason));
        ItemType::OtherPower
    });
    let level_text = layout.cell(cells, Column::Level);
    let level = parse_level(level_text).unwrap_or_else(|| {
        let reason = format!("行使层级“{level_text}”不正确，请填写 1–6 或如“市级”的名称");
        problems.push(layout.problem(row, Some(Column::Level), reason));
        AdminLevel::City
    });
    let department_text = layout.cell(cells, Column::Department);
    let department_id = if department_text.is_empty() {
        String::new()
    } else {
        resolve_department(departments, department_text).unwrap_or_else(|reason| {
            problems.push(layout.problem(row, Some(Column::Department), reason));
            bad.insert("department_id");
            department_text.to_string()
        })
    };
    let basic = layout.cell(cells, Column::BasicCode);
    Reading {
        entry: ListEntry {
            code: layout.cell(cells, Column::Code).to_string(),
            name: layout.cell(cells, Column::Name).to_string(),
            item_type,
            basis: layout.cell(cells, Column::Basis).to_string(),
            department_id,
            level,
            basic_code: (!basic.is_empty()).then(|| basic.to_string()),
            duties: Vec::new(),
        },
        first_row: row,
        first_cells: cells.to_vec(),
        duty_rows: Vec::new(),
        bad,
    }
}

/// The cell an entry problem's field names: (column, row).
fn locate(field: &str, reading: &Reading) -> (Column, u32) {
    let duty_row = |i: &str| {
        i.parse::<usize>()
            .ok()
            .and_then(|i| reading.duty_rows.get(i).copied())
            .unwrap_or(reading.first_row)
    };
    let mut parts = field.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("duties"), Some(i), Some("accountability")) => (Column::Accountability, duty_row(i)),
        (Some("duties"), Some(i), _) => (Column::Duty, duty_row(i)),
        (Some("duties"), None, _) => (Column::Duty, reading.first_row),
        (Some("name"), ..) => (Column::Name, reading.first_row),
        (Some("item_type"), ..) => (Column::Type, reading.first_row),
        (Some("basis"), ..) => (Column::Basis, reading.first_row),
        (Some("department_id"), ..) => (Column::Department, reading.first_row),
        (Some("basic_code"), ..) => (Column::BasicCode, reading.first_row),
        _ => (Column::Code, reading.first_row),
    }
}

fn finish(
    entries: Vec<ListEntry>,
    rows: usize,
    mut problems: Vec<(u32, usize, ImportProblem)>,
) -> Parsed {
    problems.sort_by_key(|(row, col, _)| (*row, *col));
    Parsed {
        entries,
        rows,
        problems: problems.into_iter().map(|(_, _, p)| p).collect(),
    }
}
