//! A generic A4 document as PDF — a title, headings, paragraphs and tables that break across
//! pages — for bulletins, assessments and letters. Same font discovery and the same rule as
//! the licence: every character is checked against the font first, so a missing glyph is an
//! error and never a blank.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;

use crate::RenderError;
use crate::font::{CjkFont, Face};
use crate::layout::{PAGE_HEIGHT, PAGE_WIDTH, wrap};
use crate::pdf::{Pen, fill, fill_rect, line, rect, stroke};

const MARGIN_X: f32 = 56.0;
const MARGIN_TOP: f32 = 64.0;
const MARGIN_BOTTOM: f32 = 64.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const TITLE_SIZE: f32 = 20.0;
const SUBTITLE_SIZE: f32 = 11.0;
const HEADING_SIZE: f32 = 14.0;
const BODY_SIZE: f32 = 11.0;
const TABLE_SIZE: f32 = 9.0;
const CELL_PAD: f32 = 4.0;
const FOOTER_SIZE: f32 = 8.0;
const INK: (u8, u8, u8) = (20, 20, 20);
const MUTED: (u8, u8, u8) = (90, 90, 90);
const RULE: (u8, u8, u8) = (150, 150, 150);
const HEADER_BG: (u8, u8, u8) = (240, 236, 228);
const TITLE_RED: (u8, u8, u8) = (158, 28, 32);

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocBlock {
    Heading(String),
    /// Text; `\n` starts a new line.
    Paragraph(String),
    /// A table with a header row; a row shorter than the header is padded with blanks.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// A document to print.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocSheet {
    pub title: String,
    /// A line under the title (period, issuer, date).
    pub subtitle: String,
    pub blocks: Vec<DocBlock>,
}

/// Draws `doc` on as many A4 pages as it needs.
pub fn document_pdf(doc: &DocSheet, font: &CjkFont) -> Result<Vec<u8>, RenderError> {
    let face = font.face()?;
    check_coverage(&face, doc)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .creator("Tongban 通办".to_string())
            .language("zh-CN".to_string()),
    );
    let pen = Pen {
        font: font.pdf_font(),
        face: &face,
    };
    let pages = paginate(&face, doc);
    let count = pages.len();
    for (n, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| RenderError::Pdf("页面尺寸无效".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in &ops {
            draw(&mut surface, &pen, op)?;
        }
        let footer = format!("第 {} 页 / 共 {} 页", n + 1, count);
        let w = face.width(&footer, FOOTER_SIZE);
        pen.text(
            &mut surface,
            (PAGE_WIDTH - w) / 2.0,
            PAGE_HEIGHT - MARGIN_BOTTOM / 2.0,
            FOOTER_SIZE,
            MUTED,
            &footer,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

fn check_coverage(face: &Face<'_>, doc: &DocSheet) -> Result<(), RenderError> {
    face.check_covers(&doc.title)?;
    face.check_covers(&doc.subtitle)?;
    face.check_covers("第页共/0123456789 ")?;
    for b in &doc.blocks {
        match b {
            DocBlock::Heading(t) | DocBlock::Paragraph(t) => {
                face.check_covers(&t.replace('\n', ""))?;
            }
            DocBlock::Table { header, rows } => {
                for cell in header.iter().chain(rows.iter().flatten()) {
                    face.check_covers(&cell.replace('\n', ""))?;
                }
            }
        }
    }
    Ok(())
}

/// One thing to draw at a place on a page.
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        color: (u8, u8, u8),
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        color: (u8, u8, u8),
        width: f32,
    },
}

fn draw(surface: &mut Surface<'_>, pen: &Pen<'_>, op: &Op) -> Result<(), RenderError> {
    match op {
        Op::Text {
            x,
            baseline,
            size,
            color,
            text,
        } => pen.text(surface, *x, *baseline, *size, *color, text),
        Op::Fill { x, y, w, h } => fill_rect(surface, rect(*x, *y, *w, *h)?, fill(HEADER_BG, 1.0)),
        Op::Line {
            from,
            to,
            color,
            width,
        } => line(surface, *from, *to, stroke(*color, *width)),
    }
    Ok(())
}

/// Lays the document out in pages of drawing operations.
struct Pager {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pager {
    fn new() -> Pager {
        Pager {
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN_BOTTOM && self.y > MARGIN_TOP {
            self.pages.push(Vec::new());
            self.y = MARGIN_TOP;
        }
    }

    fn lines(&mut self, face: &Face<'_>, text: &str, size: f32, color: (u8, u8, u8), center: bool) {
        let height = size * 1.6;
        for l in wrap(face, text, size, CONTENT_WIDTH) {
            self.room(height);
            let x = if center {
                MARGIN_X + (CONTENT_WIDTH - face.width(&l, size)).max(0.0) / 2.0
            } else {
                MARGIN_X
            };
            let baseline = self.y + size * 1.2;
            self.ops().push(Op::Text {
                x,
                baseline,
                size,
                color,
                text: l,
            });
            self.y += height;
        }
    }
}

/// Column widths: each column's widest content, shrunk proportionally to fit the page.
fn column_widths(face: &Face<'_>, header: &[String], rows: &[Vec<String>]) -> Vec<f32> {
    let n = header.len().max(1);
    let mut widths = vec![0.0_f32; n];
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (i, cell) in row.iter().enumerate().take(n) {
            let w = face.width(cell, TABLE_SIZE) + 2.0 * CELL_PAD;
            widths[i] = widths[i].max(w.min(CONTENT_WIDTH / 2.0));
        }
    }
    let min = TABLE_SIZE * 2.0 + 2.0 * CELL_PAD;
    for w in &mut widths {
        *w = w.max(min);
    }
    let total: f32 = widths.iter().sum();
    if total > 0.0 {
        for w in &mut widths {
            *w *= CONTENT_WIDTH / total;
        }
    }
    widths
}

fn table(pager: &mut Pager, face: &Face<'_>, header: &[String], rows: &[Vec<String>]) {
    let widths = column_widths(face, header, rows);
    let line_height = TABLE_SIZE * 1.4;
    let layout = |row: &[String]| -> (Vec<Vec<String>>, f32) {
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let text = row.get(i).map_or("", String::as_str);
                wrap(face, text, TABLE_SIZE, (w - 2.0 * CELL_PAD).max(TABLE_SIZE))
            })
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (cells, lines as f32 * line_height + 2.0 * CELL_PAD)
    };
    let (head_cells, head_height) = layout(header);
    let draw_row = |pager: &mut Pager, cells: &[Vec<String>], height: f32, shaded: bool| {
        let top = pager.y;
        if shaded {
            pager.ops().push(Op::Fill {
                x: MARGIN_X,
                y: top,
                w: CONTENT_WIDTH,
                h: height,
            });
        }
        let mut x = MARGIN_X;
        for (i, lines) in cells.iter().enumerate() {
            for (k, l) in lines.iter().enumerate() {
                pager.ops().push(Op::Text {
                    x: x + CELL_PAD,
                    baseline: top + CELL_PAD + line_height * (k as f32) + TABLE_SIZE,
                    size: TABLE_SIZE,
                    color: INK,
                    text: l.clone(),
                });
            }
            x += widths.get(i).copied().unwrap_or(0.0);
        }
        pager.ops().push(Op::Line {
            from: (MARGIN_X, top + height),
            to: (MARGIN_X + CONTENT_WIDTH, top + height),
            color: RULE,
            width: 0.5,
        });
        pager.y += height;
    };
    pager.room(head_height + line_height * 2.0);
    let y = pager.y;
    pager.ops().push(Op::Line {
        from: (MARGIN_X, y),
        to: (MARGIN_X + CONTENT_WIDTH, y),
        color: RULE,
        width: 0.8,
    });
    draw_row(pager, &head_cells, head_height, true);
    for row in rows {
        let (cells, height) = layout(row);
        let before = pager.pages.len();
        pager.room(height);
        if pager.pages.len() != before {
            draw_row(pager, &head_cells, head_height, true);
        }
        draw_row(pager, &cells, height, false);
    }
    pager.y += BODY_SIZE;
}

fn paginate(face: &Face<'_>, doc: &DocSheet) -> Vec<Vec<Op>> {
    let mut pager = Pager::new();
    pager.lines(face, &doc.title, TITLE_SIZE, TITLE_RED, true);
    if !doc.subtitle.is_empty() {
        pager.lines(face, &doc.subtitle, SUBTITLE_SIZE, MUTED, true);
    }
    let y = pager.y + 4.0;
    pager.ops().push(Op::Line {
        from: (MARGIN_X, y),
        to: (MARGIN_X + CONTENT_WIDTH, y),
        color: TITLE_RED,
        width: 1.5,
    });
    pager.y = y + 12.0;
    for b in &doc.blocks {
        match b {
            DocBlock::Heading(t) => {
                pager.room(HEADING_SIZE * 4.0);
                pager.y += HEADING_SIZE * 0.4;
                pager.lines(face, t, HEADING_SIZE, INK, false);
            }
            DocBlock::Paragraph(t) => {
                pager.lines(face, t, BODY_SIZE, INK, false);
                pager.y += BODY_SIZE * 0.4;
            }
            DocBlock::Table { header, rows } => table(&mut pager, face, header, rows),
        }
    }
    pager.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> CjkFont {
        match CjkFont::discover() {
            Ok(f) => f,
            Err(e) => panic!("these tests need a CJK font (apt-get install fonts-noto-cjk): {e}"),
        }
    }

    fn bulletin(rows: usize) -> DocSheet {
        DocSheet {
            title: "2026年10月政务服务月考核通报".into(),
            subtitle: "巴中市政务服务和大数据管理局".into(),
            blocks: vec![
                DocBlock::Heading("一、总体情况".into()),
                DocBlock::Paragraph(
                    "本月共办结 1,234 件，全程网办率 62.15%，较上月提高 1.20 个百分点。".into(),
                ),
                DocBlock::Table {
                    header: vec!["排名".into(), "县（区）".into(), "得分".into()],
                    rows: (0..rows)
                        .map(|i| vec![format!("{}", i + 1), format!("第{i}县"), "86.50".into()])
                        .collect(),
                },
            ],
        }
    }

    #[test]
    fn a_document_is_a_pdf_and_a_long_table_runs_onto_more_pages() {
        let short = document_pdf(&bulletin(3), &font()).unwrap();
        assert!(short.starts_with(b"%PDF"));
        let long = document_pdf(&bulletin(200), &font()).unwrap();
        assert!(long.starts_with(b"%PDF"));
        assert!(long.len() > short.len());
        let pages = paginate(&font().face().unwrap(), &bulletin(200)).len();
        assert!(pages >= 4, "200 rows take several pages, got {pages}");
        assert_eq!(paginate(&font().face().unwrap(), &bulletin(3)).len(), 1);
    }

    #[test]
    fn a_character_the_font_lacks_is_an_error_not_a_blank() {
        let mut doc = bulletin(1);
        doc.blocks.push(DocBlock::Table {
            header: vec!["备注".into()],
            rows: vec![vec!["私用区\u{E000}".into()]],
        });
        assert_eq!(
            document_pdf(&doc, &font()),
            Err(RenderError::MissingGlyph('\u{E000}'))
        );
    }
}
