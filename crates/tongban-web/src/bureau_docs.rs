//! Bulletins, assessments and letters as files: tables for the xlsx workbook (one sheet per
//! table) and the same content as an A4 PDF document (`tongban_render::document_pdf`).

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tongban_app::bulletins::{Assessment, LetterView};
use tongban_domain::indicators::{Bulletin, Indicator, Ranked};
use tongban_render::{DocBlock, DocSheet};

use crate::export::{Cell, Table, column_widths, sheet_name};

/// The issuing authority printed under titles.
pub const ISSUER: &str = "巴中市政务服务和大数据管理局";

/// The columns of a ranking.
pub fn ranking_headers(unit: &str) -> Vec<String> {
    [
        "排名",
        unit,
        "得分",
        "办结件数",
        "全程网办率",
        "按时办结率",
        "好评率",
        "差评整改率",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

/// A ranking's rows as text.
pub fn ranking_rows(ranking: &[Ranked]) -> Vec<Vec<String>> {
    ranking
        .iter()
        .map(|r| {
            vec![
                r.rank
                    .map_or_else(|| "未排名".to_string(), |n| n.to_string()),
                r.name.clone(),
                r.score.map_or_else(|| "—".to_string(), |s| s.text()),
                r.counters.completed.to_string(),
                Indicator::FullyOnlineRate.value(&r.counters).text(),
                Indicator::OnTimeRate.value(&r.counters).text(),
                Indicator::GoodRate.value(&r.counters).text(),
                Indicator::RectificationRate.value(&r.counters).text(),
            ]
        })
        .collect()
}

fn table(title: &str, headers: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    Table {
        title: title.to_string(),
        headers,
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// The overall figures of a bulletin.
fn figure_rows(b: &Bulletin) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "办结件数".to_string(),
        b.completed.to_string(),
        b.previous_completed.to_string(),
        format!(
            "{:+}",
            i128::from(b.completed) - i128::from(b.previous_completed)
        ),
    ]];
    rows.extend(b.figures.iter().map(|f| {
        vec![
            f.name.clone(),
            f.value.clone(),
            f.previous.clone(),
            f.change_text.clone(),
        ]
    }));
    rows.push(vec![
        "未整改差评".to_string(),
        b.open_bad.to_string(),
        String::new(),
        String::new(),
    ]);
    rows
}

/// The tables of a bulletin, in the order the page shows them.
pub fn bulletin_tables(b: &Bulletin) -> Vec<Table> {
    vec![
        table(
            "总体情况",
            strings(&["指标", "本期", "上期", "变化"]),
            figure_rows(b),
        ),
        table(
            "县区排名",
            ranking_headers("县（区）"),
            ranking_rows(&b.county_ranking),
        ),
        table(
            "部门排名",
            ranking_headers("部门"),
            ranking_rows(&b.department_ranking),
        ),
        table(
            "后进单位",
            strings(&["类别", "单位", "得分", "原因"]),
            b.laggards
                .iter()
                .map(|l| {
                    vec![
                        l.group.clone(),
                        l.name.clone(),
                        l.score.map_or_else(|| "—".to_string(), |s| s.text()),
                        l.why.clone(),
                    ]
                })
                .collect(),
        ),
        table(
            "未整改差评",
            strings(&["部门", "未整改差评数"]),
            b.open_bad_by_unit
                .iter()
                .map(|o| vec![o.name.clone(), o.open.to_string()])
                .collect(),
        ),
        table(
            "两书一函",
            strings(&["文书", "单位", "考核月份", "状态"]),
            b.letters
                .iter()
                .map(|l| {
                    vec![
                        l.kind.name_zh().to_string(),
                        l.unit_name.clone(),
                        l.period.clone(),
                        l.status.clone(),
                    ]
                })
                .collect(),
        ),
    ]
}

/// The tables of an assessment.
pub fn assessment_tables(a: &Assessment) -> Vec<Table> {
    vec![
        table(
            "县区排名",
            ranking_headers("县（区）"),
            ranking_rows(&a.counties),
        ),
        table(
            "部门排名",
            ranking_headers("部门"),
            ranking_rows(&a.departments),
        ),
        table(
            "考核权重",
            strings(&["指标", "权重"]),
            a.weights
                .iter()
                .map(|(i, w)| vec![i.name_zh().to_string(), w.to_string()])
                .collect(),
        ),
    ]
}

/// A workbook with one sheet per table.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&t.title))?;
        for (col, header) in (0u16..).zip(&t.headers) {
            sheet.write_string_with_format(0, col, header, &bold)?;
        }
        for (row, cells) in (1u32..).zip(&t.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) => sheet.write_string(row, col, text)?,
                    Cell::Number(n) => sheet.write_number(row, col, *n)?,
                };
            }
        }
        for (col, width) in (0u16..).zip(column_widths(t)) {
            sheet.set_column_width(col, width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

fn text_rows(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => n.to_string(),
                })
                .collect()
        })
        .collect()
}

fn tables_as_blocks(tables: &[Table], number: bool) -> Vec<DocBlock> {
    const NUMBERS: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
    let mut blocks = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let heading = if number {
            format!("{}、{}", NUMBERS.get(i).copied().unwrap_or("·"), t.title)
        } else {
            t.title.clone()
        };
        blocks.push(DocBlock::Heading(heading));
        if t.rows.is_empty() {
            blocks.push(DocBlock::Paragraph("无。".into()));
        } else {
            blocks.push(DocBlock::Table {
                header: t.headers.clone(),
                rows: text_rows(t),
            });
        }
    }
    blocks
}

/// A bulletin as a document.
pub fn bulletin_doc(b: &Bulletin) -> DocSheet {
    let mut blocks = vec![DocBlock::Paragraph(format!(
        "统计周期：{} 至 {}。本期办结 {} 件，收到评价 {} 条；未整改差评 {} 件。考核达标分数线 {} 分。",
        b.period.first,
        b.period.last,
        b.completed,
        b.rated,
        b.open_bad,
        b.threshold.text()
    ))];
    blocks.extend(tables_as_blocks(&bulletin_tables(b), true));
    DocSheet {
        title: b.title.clone(),
        subtitle: ISSUER.to_string(),
        blocks,
    }
}

/// An assessment as a document.
pub fn assessment_doc(a: &Assessment) -> DocSheet {
    let mut blocks = vec![DocBlock::Paragraph(format!(
        "考核月份：{}。得分为各项指标按权重加权的平均值（满分 100 分，差评率等越低越好的指标按 100% 减去其值计），当月无办结、无评价的单位不参加排名。达标分数线 {} 分。",
        a.period.name_zh(),
        a.threshold.text()
    ))];
    blocks.extend(tables_as_blocks(&assessment_tables(a), true));
    DocSheet {
        title: a.title.clone(),
        subtitle: ISSUER.to_string(),
        blocks,
    }
}

/// A letter as a document.
pub fn letter_doc(l: &LetterView) -> DocSheet {
    DocSheet {
        title: l.kind_name.clone(),
        subtitle: format!("{ISSUER}　{}", l.period),
        blocks: vec![
            DocBlock::Paragraph(l.body.clone()),
            DocBlock::Paragraph(String::new()),
            DocBlock::Paragraph(ISSUER.to_string()),
        ],
    }
}
