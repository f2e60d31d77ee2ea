//! Tests of the import layout: headers, cells, continuation rows and the problem report.

use super::*;

fn departments() -> Departments {
    Departments {
        names: [
            (
                "511900-scjgj".to_string(),
                "巴州市市场监督管理局".to_string(),
            ),
            ("511900-sfj".to_string(), "巴州市司法局".to_string()),
        ]
        .into_iter()
        .collect(),
    }
}

fn sheet(rows: &[&[&str]]) -> SheetRows {
    SheetRows {
        name: "权责清单".into(),
        rows: (1u32..)
            .zip(rows)
            .map(|(i, r)| (i, r.iter().map(|c| c.to_string()).collect()))
            .collect(),
    }
}

const HEADER: &[&str] = &[
    "序号",
    "事项编码",
    "事项名称",
    "事项类型",
    "实施部门",
    "行使层级",
    "设定依据",
    "责任事项",
    "追责情形",
];

#[test]
fn column_letters_count_like_a_spreadsheet() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(701), "ZZ");
}

#[test]
fn rows_of_one_entry_make_one_entry_with_each_responsibility_item() {
    let parsed = parse_rows(
        ListKind::PowerDuty,
        &sheet(&[
            HEADER,
            &[
                "1",
                "QZ-1",
                "对无照经营的处罚",
                "02",
                "巴州市市场监督管理局",
                "市级",
                "《行政处罚法》",
                "立案责任",
                "不依法立案的",
            ],
            &["", "", "", "", "", "", "", "调查责任", ""],
            &[
                "",
                "QZ-1",
                "对无照经营的处罚",
                "行政处罚",
                "511900-scjgj",
                "3",
                "",
                "决定责任",
                "",
            ],
            &[
                "2",
                "QZ-2",
                "法律援助",
                "行政给付",
                "巴州市司法局",
                "市级",
                "《法律援助法》",
                "",
                "",
            ],
        ]),
        &departments(),
    );
    assert_eq!(parsed.problems, vec![], "{:?}", parsed.problems);
    assert_eq!(parsed.rows, 4);
    assert_eq!(parsed.entries.len(), 2);
    let first = &parsed.entries[0];
    assert_eq!(first.department_id, "511900-scjgj");
    assert_eq!(first.duties.len(), 3);
    assert_eq!(first.duties[0].accountability, "不依法立案的");
    assert!(parsed.entries[1].duties.is_empty());
}

#[test]
fn every_bad_cell_is_reported_with_its_row_column_and_a_chinese_reason() {
    let parsed = parse_rows(
        ListKind::PowerDuty,
        &sheet(&[
            HEADER,
            &[
                "1",
                "QZ-1",
                "",
                "03x",
                "不存在的局",
                "市级",
                "依据",
                "立案责任",
                "",
            ],
            &["", "QZ-1", "别的名称", "", "", "", "", "调查责任", ""],
            &[
                "3",
                "QZ-3",
                "又一个",
                "02",
                "巴州市司法局",
                "9",
                "依据",
                "立案责任",
                "",
            ],
        ]),
        &departments(),
    );
    let got: Vec<(u32, &str, &str)> = parsed
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.header.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "C", "事项名称"),
            (2, "D", "事项类型"),
            (2, "E", "实施部门"),
            (3, "C", "事项名称"),
            (4, "F", "行使层级"),
        ]
    );
    assert!(parsed.problems[1].reason.contains("事项类型“03x”不存在"));
    assert!(parsed.problems[3].reason.contains("不一致"));
}

#[test]
fn a_code_used_again_further_down_is_a_duplicate() {
    let parsed = parse_rows(
        ListKind::PowerDuty,
        &sheet(&[
            HEADER,
            &[
                "1",
                "QZ-1",
                "甲",
                "02",
                "511900-sfj",
                "3",
                "依据",
                "立案责任",
                "",
            ],
            &[
                "2",
                "QZ-2",
                "乙",
                "02",
                "511900-sfj",
                "3",
                "依据",
                "立案责任",
                "",
            ],
            &[
                "3",
                "QZ-1",
                "甲",
                "02",
                "511900-sfj",
                "3",
                "依据",
                "立案责任",
                "",
            ],
        ]),
        &departments(),
    );
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].row, 4);
    assert!(parsed.problems[0].reason.contains("第 2 行已出现"));
}

#[test]
fn unknown_duplicate_and_missing_headers_are_reported_on_the_header_row() {
    let parsed = parse_rows(
        ListKind::PowerDuty,
        &sheet(&[
            &["事项编码", "事项名", "事项编码", "事项类型"],
            &["QZ-1", "甲", "", "02"],
        ]),
        &departments(),
    );
    assert!(parsed.entries.is_empty());
    assert!(parsed.problems.iter().all(|p| p.row == 1));
    let reasons: Vec<&str> = parsed.problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(reasons.contains(&"无法识别的列标题“事项名”"));
    assert!(reasons.contains(&"列标题“事项编码”重复"));
    assert!(reasons.contains(&"缺少必填列“实施部门”"));
}

#[test]
fn a_csv_with_a_bom_and_blank_lines_keeps_its_line_numbers() {
    let csv = "\u{feff}事项编码,事项名称\n\n QZ-1 ,甲\n";
    let rows = decode("a.csv", csv.as_bytes()).unwrap();
    assert_eq!(rows.rows.len(), 2);
    assert_eq!(
        rows.rows[1],
        (3, vec!["QZ-1".to_string(), "甲".to_string()])
    );
}

#[test]
fn a_csv_that_is_not_utf8_is_refused_with_advice() {
    let err = decode("a.csv", &[0xC4, 0xE3, 0xBA, 0xC3]).unwrap_err();
    assert!(err.reason.contains("CSV UTF-8"));
}

#[test]
fn an_xlsx_is_read_from_its_first_sheet_with_numbers_as_integers() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("职权").unwrap();
    ws.write_string(0, 0, "事项编码").unwrap();
    ws.write_string(0, 1, "行使层级").unwrap();
    ws.write_string(2, 0, " QZ-1 ").unwrap();
    ws.write_number(2, 1, 3.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let rows = decode("a.xlsx", &bytes).unwrap();
    assert_eq!(rows.name, "职权");
    assert_eq!(rows.rows[1], (3, vec!["QZ-1".to_string(), "3".to_string()]));
}

#[test]
fn a_csv_with_old_mac_line_ends_numbers_each_row_on_its_own_line() {
    // Found by the hostile-input checks: lone CR ends a record, and every row was "row 1".
    let sheet = decode(
        "a.csv",
        "事项编码,事项名称\rQZ-1,甲\r\rQZ-2,乙\r\nQZ-3,丙\n".as_bytes(),
    )
    .unwrap();
    let numbers: Vec<u32> = sheet.rows.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, vec![1, 2, 4, 5]);
}
