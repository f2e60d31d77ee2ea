//! Rows of a licence import file to licence drafts, reporting every bad cell with a stable code
//! and a Chinese message (`docs/licence-import-format.md`). Pure: the issuing department, the
//! licence types, "today" and whether a wrong check character may be kept come in as data.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use time::{Date, Duration, Month};
use tongban_domain::licence::{Holder, LicenceId, LicenceState, LicenceType};
use tongban_store::DepartmentRow;

use super::issue::{LicenceDraft, check_holder_code, draft_facts, random_serial};
use crate::AppError;
use crate::import::{SheetRows, column_letter};

/// The fixed columns, by header.
pub const TYPE_CODE: &str = "证照类型代码";
pub const LICENCE_ID: &str = "证照标识";
pub const NUMBER: &str = "证照编号";
pub const HOLDER_NAME: &str = "持证主体名称";
pub const HOLDER_CODE: &str = "持证主体代码";
pub const ISSUED_ON: &str = "颁发日期";
pub const VALID_FROM: &str = "有效期起始日期";
/// In the order the template writes them; face fields follow.
pub const FIXED_HEADERS: [&str; 7] = [
    TYPE_CODE,
    LICENCE_ID,
    NUMBER,
    HOLDER_NAME,
    HOLDER_CODE,
    ISSUED_ON,
    VALID_FROM,
];
const REQUIRED_HEADERS: [&str; 4] = [TYPE_CODE, HOLDER_NAME, HOLDER_CODE, ISSUED_ON];
const IGNORED_HEADERS: [&str; 2] = ["序号", "备注"];

/// One thing wrong: row (1-based as the spreadsheet shows it, 0 = the file), column letter and
/// header (empty = the whole row), a stable code and the reason in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceImportProblem {
    pub row: u32,
    pub column: String,
    pub header: String,
    pub code: String,
    pub reason: String,
}

/// What the rows are read against.
pub struct RowContext<'a> {
    pub issuer: &'a DepartmentRow,
    pub types: &'a HashMap<String, LicenceType>,
    pub today: Date,
    /// An admin confirmed that identifiers with a wrong check character are kept.
    pub accept_bad_check: bool,
}

/// The drafts, with the row each came from, and every problem.
#[derive(Default)]
pub struct ParsedRows {
    pub drafts: Vec<(u32, LicenceDraft)>,
    /// Identifiers given in the file (not generated), with their rows.
    pub given_ids: Vec<(u32, String)>,
    pub rows: usize,
    pub accepted_bad_check: usize,
    pub problems: Vec<LicenceImportProblem>,
}

struct Columns {
    at: HashMap<String, usize>,
}

impl Columns {
    fn index(&self, header: &str) -> Option<usize> {
        self.at.get(header).copied()
    }

    fn cell<'r>(&self, cells: &'r [String], header: &str) -> &'r str {
        self.index(header)
            .and_then(|i| cells.get(i))
            .map_or("", |s| s.trim())
    }
}

fn problem(
    row: u32,
    cols: Option<&Columns>,
    header: &str,
    code: &str,
    reason: impl Into<String>,
) -> LicenceImportProblem {
    let column = cols
        .and_then(|c| c.index(header))
        .map(column_letter)
        .unwrap_or_default();
    LicenceImportProblem {
        row,
        column,
        header: header.to_string(),
        code: code.to_string(),
        reason: reason.into(),
    }
}

/// A date as people type it: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, or an
/// Excel date serial number.
pub fn parse_cell_date(text: &str) -> Option<Date> {
    let t = text.trim();
    if let Ok(serial) = t.parse::<f64>()
        && (1.0..=2_958_465.0).contains(&serial)
        && !(t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
    {
        let base = Date::from_calendar_date(1899, Month::December, 30).ok()?;
        return base.checked_add(Duration::days(serial.floor() as i64));
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let parts: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let (y, m, d): (i32, u8, u8) = match parts.as_slice() {
        [y, m, d] => (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [one] if digits.len() == 8 => (
            one[..4].parse().ok()?,
            one[4..6].parse().ok()?,
            one[6..].parse().ok()?,
        ),
        _ => return None,
    };
    let month = Month::try_from(m).ok()?;
    Date::from_calendar_date(y, month, d).ok()
}

fn face_headers(lt: &LicenceType, cols: &Columns) -> Vec<(String, String, bool, Option<usize>)> {
    lt.face_fields
        .iter()
        .map(|f| {
            let at = cols.index(&f.key).or_else(|| cols.index(&f.label));
            let header = if cols.index(&f.key).is_some() {
                f.key.clone()
            } else {
                f.label.clone()
            };
            (f.key.clone(), header, f.required, at)
        })
        .collect()
}

/// Reads the header row: where each column is, and the problems with the headers.
fn read_headers(
    sheet: &SheetRows,
    ctx: &RowContext<'_>,
    problems: &mut Vec<LicenceImportProblem>,
) -> Option<Columns> {
    let Some((header_row, headers)) = sheet.rows.first() else {
        problems.push(problem(
            0,
            None,
            "",
            "licence_import.empty",
            "文件中没有数据，第一行应为列标题",
        ));
        return None;
    };
    let face_names: Vec<&str> = ctx
        .types
        .values()
        .flat_map(|t| t.face_fields.iter())
        .flat_map(|f| [f.key.as_str(), f.label.as_str()])
        .collect();
    let mut at = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() || IGNORED_HEADERS.contains(&h) {
            continue;
        }
        if at.contains_key(h) {
            problems.push(LicenceImportProblem {
                row: *header_row,
                column: column_letter(i),
                header: h.to_string(),
                code: "licence_import.header_twice".into(),
                reason: format!("列标题“{h}”出现了两次"),
            });
            continue;
        }
        if !FIXED_HEADERS.contains(&h) && !face_names.contains(&h) {
            problems.push(LicenceImportProblem {
                row: *header_row,
                column: column_letter(i),
                header: h.to_string(),
                code: "licence_import.unknown_header".into(),
                reason: format!(
                    "无法识别的列标题“{h}”：应为固定列或证照类型的照面项名称（或 KZ_ 代码）"
                ),
            });
        }
        at.insert(h.to_string(), i);
    }
    let missing: Vec<&str> = REQUIRED_HEADERS
        .iter()
        .copied()
        .filter(|h| !at.contains_key(*h))
        .collect();
    if !missing.is_empty() {
        problems.push(problem(
            *header_row,
            None,
            "",
            "licence_import.missing_header",
            format!("缺少必需的列：{}", missing.join("、")),
        ));
        return None;
    }
    Some(Columns { at })
}

/// Reads every data row of `sheet` into a draft of a licence issued by `ctx.issuer`.
pub fn parse_licence_rows(sheet: &SheetRows, ctx: &RowContext<'_>) -> ParsedRows {
    let mut out = ParsedRows::default();
    let Some(cols) = read_headers(sheet, ctx, &mut out.problems) else {
        return out;
    };
    let mut seen_ids: HashMap<String, u32> = HashMap::new();
    for (row, cells) in sheet.rows.iter().skip(1) {
        out.rows += 1;
        let before = out.problems.len();
        let draft = parse_row(*row, cells, &cols, ctx, &mut out, &mut seen_ids);
        if let Some(draft) = draft
            && out.problems.len() == before
        {
            out.drafts.push((*row, draft));
        }
    }
    out
}

fn parse_row(
    row: u32,
    cells: &[String],
    cols: &Columns,
    ctx: &RowContext<'_>,
    out: &mut ParsedRows,
    seen_ids: &mut HashMap<String, u32>,
) -> Option<LicenceDraft> {
    let p = &mut out.problems;
    let start = p.len();
    let type_text = cols.cell(cells, TYPE_CODE);
    let lt = if type_text.is_empty() {
        p.push(problem(
            row,
            Some(cols),
            TYPE_CODE,
            "licence_import.type_required",
            "请填写证照类型代码",
        ));
        None
    } else if let Some(lt) = ctx.types.get(type_text) {
        if lt
            .issuing_department_ids
            .iter()
            .any(|d| d == &ctx.issuer.id)
        {
            Some(lt)
        } else {
            p.push(problem(
                row,
                Some(cols),
                TYPE_CODE,
                "licence_import.type_not_issued",
                format!("{}不能颁发“{}”（{type_text}）", ctx.issuer.name, lt.name),
            ));
            None
        }
    } else {
        p.push(problem(
            row,
            Some(cols),
            TYPE_CODE,
            "licence_import.type_unknown",
            format!("证照目录中没有证照类型代码“{type_text}”"),
        ));
        None
    };
    let holder_name = cols.cell(cells, HOLDER_NAME);
    if holder_name.is_empty() {
        p.push(problem(
            row,
            Some(cols),
            HOLDER_NAME,
            "licence.holder_name",
            "请填写持证主体名称",
        ));
    } else if holder_name.chars().count() > 200 {
        p.push(problem(
            row,
            Some(cols),
            HOLDER_NAME,
            "licence.holder_name",
            "持证主体名称不超过200字",
        ));
    }
    let issued_text = cols.cell(cells, ISSUED_ON);
    let issued_on = if issued_text.is_empty() {
        p.push(problem(
            row,
            Some(cols),
            ISSUED_ON,
            "licence_import.issued_on_required",
            "请填写颁发日期",
        ));
        None
    } else {
        match parse_cell_date(issued_text) {
            Some(d) if d > ctx.today => {
                p.push(problem(
                    row,
                    Some(cols),
                    ISSUED_ON,
                    "licence_import.issued_on_future",
                    format!("颁发日期 {issued_text} 晚于今天"),
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                p.push(problem(
                    row,
                    Some(cols),
                    ISSUED_ON,
                    "licence_import.date",
                    format!("颁发日期“{issued_text}”不是日期，请写成 2024-03-01"),
                ));
                None
            }
        }
    };
    let from_text = cols.cell(cells, VALID_FROM);
    let valid_from = if from_text.is_empty() {
        issued_on
    } else {
        let d = parse_cell_date(from_text);
        if d.is_none() {
            p.push(problem(
                row,
                Some(cols),
                VALID_FROM,
                "licence_import.date",
                format!("有效期起始日期“{from_text}”不是日期，请写成 2024-03-01"),
            ));
        }
        d
    };
    let lt = lt?;
    let holder_code =
        match check_holder_code(lt.holder_kind, cols.cell(cells, HOLDER_CODE), ctx.today) {
            Ok(code) => Some(code),
            Err(AppError::Invalid { fields, message }) => {
                let (code, reason) = fields
                    .first()
                    .map_or(("licence.holder_code", message), |f| {
                        (f.code, f.message.clone())
                    });
                p.push(problem(
                    row,
                    Some(cols),
                    HOLDER_CODE,
                    code,
                    format!("{}：{reason}", lt.holder_kind.label()),
                ));
                None
            }
            Err(other) => {
                p.push(problem(
                    row,
                    Some(cols),
                    HOLDER_CODE,
                    other.code(),
                    other.to_string(),
                ));
                None
            }
        };
    let mut face = BTreeMap::new();
    for (key, header, required, at) in face_headers(lt, cols) {
        let value = at.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        if value.is_empty() {
            if required {
                let label = lt
                    .face_fields
                    .iter()
                    .find(|f| f.key == key)
                    .map_or(key.as_str(), |f| f.label.as_str());
                let reason = if at.is_some() {
                    format!("请填写照面项“{label}”（{}必填）", lt.name)
                } else {
                    format!("缺少照面项“{label}”列（{}必填）", lt.name)
                };
                p.push(problem(
                    row,
                    Some(cols),
                    &header,
                    "licence.face_missing",
                    reason,
                ));
            }
        } else {
            face.insert(key, value.to_string());
        }
    }
    let (id, warning) = read_identifier(
        row,
        cells,
        cols,
        ctx,
        lt,
        p,
        seen_ids,
        &mut out.accepted_bad_check,
    );
    let (holder_code, issued_on, valid_from) = (holder_code?, issued_on?, valid_from?);
    if p.len() > start {
        return None;
    }
    let number = Some(cols.cell(cells, NUMBER).to_string());
    let serial = random_serial();
    let holder = Holder {
        name: holder_name.to_string(),
        kind: lt.holder_kind,
        code: holder_code,
    };
    let mut facts = match draft_facts(
        lt, ctx.issuer, &serial, holder, face, issued_on, valid_from, number,
    ) {
        Ok(f) => f,
        Err(e) => {
            p.push(problem(row, Some(cols), "", e.code(), e.to_string()));
            return None;
        }
    };
    match id {
        IdCell::Generate => {}
        IdCell::Given(id) => {
            out.given_ids.push((row, id.as_str().to_string()));
            facts.id = id;
        }
        IdCell::Bad => return None,
    }
    Some(LicenceDraft {
        licence_type: lt.clone(),
        facts,
        issuer_department_id: ctx.issuer.id.clone(),
        source: "import",
        application_id: None,
        state: LicenceState::Active,
        state_reason: String::new(),
        warning,
    })
}

enum IdCell {
    Generate,
    Given(LicenceId),
    Bad,
}

#[allow(clippy::too_many_arguments)]
fn read_identifier(
    row: u32,
    cells: &[String],
    cols: &Columns,
    ctx: &RowContext<'_>,
    lt: &LicenceType,
    p: &mut Vec<LicenceImportProblem>,
    seen_ids: &mut HashMap<String, u32>,
    accepted_bad_check: &mut usize,
) -> (IdCell, String) {
    let text = cols.cell(cells, LICENCE_ID).to_uppercase();
    if text.is_empty() {
        return (IdCell::Generate, String::new());
    }
    let mut bad = |code: &str, reason: String| {
        p.push(problem(row, Some(cols), LICENCE_ID, code, reason));
        (IdCell::Bad, String::new())
    };
    let parts = match LicenceId::parse_parts(&text) {
        Ok(parts) => parts,
        Err(e) => return bad(e.code(), e.to_string()),
    };
    if parts.type_code != lt.code {
        return bad(
            "licence_import.id_type",
            format!(
                "证照标识中的证照类型代码 {} 与本行证照类型代码 {} 不符",
                parts.type_code, lt.code
            ),
        );
    }
    if parts.issuer != ctx.issuer.uscc {
        return bad(
            "licence_import.id_issuer",
            format!(
                "证照标识中的颁发机构代码 {} 与{}的统一社会信用代码 {} 不符",
                parts.issuer, ctx.issuer.name, ctx.issuer.uscc
            ),
        );
    }
    let (id, warning) = match LicenceId::parse(&text) {
        Ok(id) => (id, String::new()),
        Err(e) => {
            let expected = parts.expected_check();
            if !ctx.accept_bad_check {
                return bad(
                    e.code(),
                    format!(
                        "证照标识校验位不正确：应为 {expected}，实为 {}。如确为历史证照的原有标识，可由管理员勾选“保留校验位错误的证照标识”后导入",
                        parts.check
                    ),
                );
            }
            *accepted_bad_check += 1;
            (
                LicenceId::accept_unchecked(&parts),
                format!("导入的证照标识校验位不正确（应为 {expected}），经管理员确认保留"),
            )
        }
    };
    if let Some(first) = seen_ids.get(id.as_str()) {
        return bad(
            "licence_import.duplicate_id",
            format!("证照标识与第 {first} 行重复"),
        );
    }
    seen_ids.insert(id.as_str().to_string(), row);
    (IdCell::Given(id), warning)
}
