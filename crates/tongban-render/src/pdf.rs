//! The printable licence: one A4 page drawn with krilla, with the font subset embedded and the
//! QR payload kept readable in the file bytes (as the document keywords, a literal ASCII
//! string) so `tongban_domain::licence::read_presented` finds it in an uploaded PDF.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;

use crate::font::{CjkFont, Face};
use crate::layout::{self, Table};
use crate::qr::{QUIET_ZONE, QrMatrix};
use crate::{LicenceSheet, RenderError};

const INK: (u8, u8, u8) = (20, 20, 20);
const MUTED: (u8, u8, u8) = (90, 90, 90);
const FRAME: (u8, u8, u8) = (158, 28, 32);
const RULE: (u8, u8, u8) = (120, 120, 120);
const LABEL_BG: (u8, u8, u8) = (246, 242, 236);
const WATERMARK: (u8, u8, u8) = (120, 120, 120);
const WATERMARK_OPACITY: f32 = 0.28;

const QR_CAPTION: &str = "扫码核验";
const IDENTIFIER_LABEL: &str = "证照标识：";
const ISSUER_LABEL: &str = "发证机关：";
const ISSUED_ON_LABEL: &str = "发证日期：";

/// Draws `sheet` as a one-page A4 PDF. Fails rather than print a licence with a missing glyph.
pub fn licence_pdf(sheet: &LicenceSheet, font: &CjkFont) -> Result<Vec<u8>, RenderError> {
    if !sheet.qr_text.bytes().all(|b| b.is_ascii_graphic()) || sheet.qr_text.is_empty() {
        return Err(RenderError::PayloadNotAscii);
    }
    let face = font.face()?;
    let rows = table_rows(sheet);
    check_coverage(&face, sheet, &rows)?;
    let table = layout::table(&face, &rows)?;
    let qr = QrMatrix::encode(&sheet.qr_text)?;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .description(format!("{} {}", sheet.title, sheet.number))
            .keywords(vec![sheet.qr_text.clone()])
            .creator("Tongban 通办".to_string())
            .language("zh-CN".to_string()),
    );
    let settings = PageSettings::from_wh(layout::PAGE_WIDTH, layout::PAGE_HEIGHT)
        .ok_or_else(|| RenderError::Pdf("页面尺寸无效".into()))?;
    {
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let pen = Pen {
            font: font.pdf_font(),
            face: &face,
        };
        draw_frame(&mut surface)?;
        draw_title(&mut surface, &pen, &sheet.title);
        draw_table(&mut surface, &pen, &table)?;
        draw_issuer(&mut surface, &pen, sheet);
        draw_qr(&mut surface, &pen, &qr)?;
        draw_identifier(&mut surface, &pen, &sheet.identifier);
        if let Some(watermark) = &sheet.watermark {
            draw_watermark(&mut surface, &pen, watermark);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// The rows of the table, fixed ones first, then the licence type's own fields.
fn table_rows(sheet: &LicenceSheet) -> Vec<(&str, &str)> {
    let mut rows = vec![
        ("持证主体", sheet.holder_name.as_str()),
        ("证照编号", sheet.number.as_str()),
        ("主体代码", sheet.holder_code.as_str()),
        ("颁发机构", sheet.issuer_name.as_str()),
        ("颁发日期", sheet.issued_on.as_str()),
        ("有效期", sheet.validity.as_str()),
    ];
    rows.extend(sheet.face.iter().map(|(l, v)| (l.as_str(), v.as_str())));
    rows.push(("证照状态", sheet.status.as_str()));
    rows
}

/// Every piece of text the page draws must have a glyph in the font.
fn check_coverage(
    face: &Face<'_>,
    sheet: &LicenceSheet,
    rows: &[(&str, &str)],
) -> Result<(), RenderError> {
    let fixed = [
        sheet.title.as_str(),
        sheet.identifier.as_str(),
        QR_CAPTION,
        IDENTIFIER_LABEL,
        ISSUER_LABEL,
        ISSUED_ON_LABEL,
    ];
    let texts = fixed
        .into_iter()
        .chain(rows.iter().flat_map(|(l, v)| [*l, *v]))
        .chain(sheet.watermark.as_deref());
    for text in texts {
        face.check_covers(text)?;
    }
    Ok(())
}

/// Draws single lines of text in one font.
pub(crate) struct Pen<'a> {
    pub(crate) font: Font,
    pub(crate) face: &'a Face<'a>,
}

impl Pen<'_> {
    pub(crate) fn text(
        &self,
        surface: &mut Surface<'_>,
        x: f32,
        baseline: f32,
        size: f32,
        color: (u8, u8, u8),
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        surface.set_fill(Some(fill(color, 1.0)));
        self.glyphs(surface, x, baseline, size, text);
    }

    /// Draws with whatever fill is set.
    fn glyphs(&self, surface: &mut Surface<'_>, x: f32, baseline: f32, size: f32, text: &str) {
        let glyphs = self.face.glyphs(text);
        surface.draw_glyphs(
            Point::from_xy(x, baseline),
            &glyphs,
            self.font.clone(),
            text,
            size,
            false,
        );
    }
}

pub(crate) fn fill(color: (u8, u8, u8), opacity: f32) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }
}

pub(crate) fn stroke(color: (u8, u8, u8), width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Default::default()
    }
}

pub(crate) fn rect(x: f32, y: f32, w: f32, h: f32) -> Result<Rect, RenderError> {
    Rect::from_xywh(x, y, w, h)
        .ok_or_else(|| RenderError::Pdf(format!("矩形无效：{x},{y},{w},{h}")))
}

pub(crate) fn stroke_rect(surface: &mut Surface<'_>, r: Rect, stroke_with: Stroke) {
    let mut path = PathBuilder::new();
    path.push_rect(r);
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke_with));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

pub(crate) fn fill_rect(surface: &mut Surface<'_>, r: Rect, fill_with: Fill) {
    let mut path = PathBuilder::new();
    path.push_rect(r);
    if let Some(path) = path.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill_with));
        surface.draw_path(&path);
    }
}

pub(crate) fn line(
    surface: &mut Surface<'_>,
    from: (f32, f32),
    to: (f32, f32),
    stroke_with: Stroke,
) {
    let mut path = PathBuilder::new();
    path.move_to(from.0, from.1);
    path.line_to(to.0, to.1);
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke_with));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// The double frame of a certificate.
fn draw_frame(surface: &mut Surface<'_>) -> Result<(), RenderError> {
    for (inset, width) in [(layout::FRAME_OUTER, 2.4), (layout::FRAME_INNER, 0.8)] {
        let r = rect(
            inset,
            inset,
            layout::PAGE_WIDTH - 2.0 * inset,
            layout::PAGE_HEIGHT - 2.0 * inset,
        )?;
        stroke_rect(surface, r, stroke(FRAME, width));
    }
    Ok(())
}

fn draw_title(surface: &mut Surface<'_>, pen: &Pen, title: &str) {
    let face = pen.face;
    let max = layout::CONTENT_RIGHT - layout::CONTENT_LEFT;
    let size = layout::fit_size(face, title, layout::TITLE_SIZE, max);
    let x = (layout::PAGE_WIDTH - face.width(title, size)) / 2.0;
    pen.text(surface, x, layout::TITLE_BASELINE, size, INK, title);
    let half = 90.0;
    let mid = layout::PAGE_WIDTH / 2.0;
    for (dy, width) in [(0.0, 1.2), (3.0, 0.5)] {
        let y = layout::TITLE_RULE_Y + dy;
        line(
            surface,
            (mid - half, y),
            (mid + half, y),
            stroke(FRAME, width),
        );
    }
}

fn draw_table(surface: &mut Surface<'_>, pen: &Pen, table: &Table) -> Result<(), RenderError> {
    let left = layout::CONTENT_LEFT;
    let right = layout::CONTENT_RIGHT;
    let divider = left + layout::LABEL_WIDTH;
    let top = layout::TABLE_TOP;
    let bottom = top + table.height();
    fill_rect(
        surface,
        rect(left, top, layout::LABEL_WIDTH, table.height())?,
        fill(LABEL_BG, 1.0),
    );
    let mut y = top;
    for (i, row) in table.rows.iter().enumerate() {
        if i > 0 {
            line(surface, (left, y), (right, y), stroke(RULE, 0.5));
        }
        let mut baseline = table.first_baseline(y);
        for n in 0..row.label.len().max(row.value.len()) {
            if let Some(label) = row.label.get(n) {
                pen.text(
                    surface,
                    left + layout::CELL_PAD_X,
                    baseline,
                    table.size,
                    MUTED,
                    label,
                );
            }
            if let Some(value) = row.value.get(n) {
                pen.text(
                    surface,
                    divider + layout::CELL_PAD_X,
                    baseline,
                    table.size,
                    INK,
                    value,
                );
            }
            baseline += table.line_height;
        }
        y += row.height;
    }
    line(
        surface,
        (divider, top),
        (divider, bottom),
        stroke(RULE, 0.5),
    );
    stroke_rect(
        surface,
        rect(left, top, right - left, bottom - top)?,
        stroke(INK, 1.0),
    );
    Ok(())
}

/// 发证机关 and 发证日期 at the bottom left, where a seal would go on paper.
fn draw_issuer(surface: &mut Surface<'_>, pen: &Pen, sheet: &LicenceSheet) {
    let face = pen.face;
    let max = layout::QR_LEFT - 24.0 - layout::CONTENT_LEFT;
    let issuer = format!("{ISSUER_LABEL}{}", sheet.issuer_name);
    let size = layout::fit_size(face, &issuer, 14.0, max);
    pen.text(
        surface,
        layout::CONTENT_LEFT,
        layout::ISSUER_BASELINE,
        size,
        INK,
        &issuer,
    );
    let issued = format!("{ISSUED_ON_LABEL}{}", sheet.issued_on);
    let size = layout::fit_size(face, &issued, 12.0, max);
    pen.text(
        surface,
        layout::CONTENT_LEFT,
        layout::ISSUED_ON_BASELINE,
        size,
        INK,
        &issued,
    );
}

/// The QR code as filled rectangles (one per run of dark modules) with its caption below.
fn draw_qr(surface: &mut Surface<'_>, pen: &Pen, qr: &QrMatrix) -> Result<(), RenderError> {
    let face = pen.face;
    let modules = (qr.width + 2 * QUIET_ZONE) as f32;
    let module = layout::QR_SIZE / modules;
    let origin_x = layout::QR_LEFT + QUIET_ZONE as f32 * module;
    let origin_y = layout::QR_TOP + QUIET_ZONE as f32 * module;
    fill_rect(
        surface,
        rect(
            layout::QR_LEFT,
            layout::QR_TOP,
            layout::QR_SIZE,
            layout::QR_SIZE,
        )?,
        fill((255, 255, 255), 1.0),
    );
    let mut path = PathBuilder::new();
    for (x, y, len) in qr.dark_runs() {
        path.push_rect(rect(
            origin_x + x as f32 * module,
            origin_y + y as f32 * module,
            len as f32 * module,
            module,
        )?);
    }
    if let Some(path) = path.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill((0, 0, 0), 1.0)));
        surface.draw_path(&path);
    }
    let size = 10.0;
    let x = layout::QR_LEFT + (layout::QR_SIZE - face.width(QR_CAPTION, size)) / 2.0;
    pen.text(
        surface,
        x,
        layout::QR_CAPTION_BASELINE,
        size,
        MUTED,
        QR_CAPTION,
    );
    Ok(())
}

fn draw_identifier(surface: &mut Surface<'_>, pen: &Pen, identifier: &str) {
    let face = pen.face;
    if identifier.is_empty() {
        return;
    }
    let text = format!("{IDENTIFIER_LABEL}{identifier}");
    let max = layout::CONTENT_RIGHT - layout::CONTENT_LEFT;
    let size = layout::fit_size(face, &text, layout::IDENTIFIER_SIZE, max);
    let x = (layout::PAGE_WIDTH - face.width(&text, size)) / 2.0;
    pen.text(surface, x, layout::IDENTIFIER_BASELINE, size, MUTED, &text);
}

/// The 加注 text, translucent, in three lines along the page diagonal, over everything so it
/// cannot be cropped away.
fn draw_watermark(surface: &mut Surface<'_>, pen: &Pen, text: &str) {
    let face = pen.face;
    let placement = layout::watermark_lines();
    let size = layout::fit_size(face, text, layout::WATERMARK_MAX_SIZE, placement.longest);
    let width = face.width(text, size);
    let (cx, cy) = (layout::PAGE_WIDTH / 2.0, layout::PAGE_HEIGHT / 2.0);
    surface.push_transform(&Transform::from_rotate_at(placement.angle, cx, cy));
    surface.set_fill(Some(fill(WATERMARK, WATERMARK_OPACITY)));
    for (offset, middle) in placement.lines {
        let x = cx + middle - width / 2.0;
        pen.glyphs(surface, x, cy + offset + size * 0.35, size, text);
    }
    surface.pop();
}
