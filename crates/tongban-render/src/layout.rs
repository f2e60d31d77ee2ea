//! Where things go on the A4 licence page, and the little text layout krilla does not do:
//! breaking a value into lines that fit a column, and fitting the table above the QR code.
//! Units are PDF points, origin at the top left, y growing downwards.

use crate::RenderError;
use crate::font::Face;

pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;

/// The outer and inner frame lines, inset from the page edge.
pub(crate) const FRAME_OUTER: f32 = 28.0;
pub(crate) const FRAME_INNER: f32 = 34.0;

/// Left and right edges of the content (table, footer).
pub(crate) const CONTENT_LEFT: f32 = 70.0;
pub(crate) const CONTENT_RIGHT: f32 = PAGE_WIDTH - 70.0;

pub(crate) const TITLE_BASELINE: f32 = 122.0;
pub(crate) const TITLE_SIZE: f32 = 30.0;
pub(crate) const TITLE_RULE_Y: f32 = 142.0;

pub(crate) const TABLE_TOP: f32 = 168.0;
/// The table must end here, above the issuer block and the QR code.
pub(crate) const TABLE_BOTTOM_LIMIT: f32 = 612.0;
pub(crate) const LABEL_WIDTH: f32 = 104.0;
pub(crate) const CELL_PAD_X: f32 = 9.0;
pub(crate) const CELL_PAD_Y: f32 = 7.0;

pub(crate) const QR_SIZE: f32 = 118.0;
pub(crate) const QR_LEFT: f32 = CONTENT_RIGHT - QR_SIZE;
pub(crate) const QR_TOP: f32 = 640.0;
pub(crate) const QR_CAPTION_BASELINE: f32 = QR_TOP + QR_SIZE + 16.0;

pub(crate) const ISSUER_BASELINE: f32 = 700.0;
pub(crate) const ISSUED_ON_BASELINE: f32 = 724.0;

pub(crate) const IDENTIFIER_BASELINE: f32 = PAGE_HEIGHT - FRAME_INNER - 12.0;
pub(crate) const IDENTIFIER_SIZE: f32 = 8.0;

/// The 加注 runs along the page diagonal, in parallel lines this far apart.
pub(crate) const WATERMARK_SPACING: f32 = 190.0;
pub(crate) const WATERMARK_MAX_SIZE: f32 = 16.0;
/// Space kept clear between the ends of a 加注 line and the inner frame.
const WATERMARK_MARGIN: f32 = 30.0;

/// Table font sizes tried in turn until the table fits.
const TABLE_SIZES: [f32; 4] = [12.0, 11.0, 10.0, 9.0];

/// Characters that must not start a line (they hang at the end of the previous one).
const NO_LINE_START: &str = "，。、；：！？）」』》〉】,.;:!?)]%";

/// One table row: its wrapped label and value and its height.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) label: Vec<String>,
    pub(crate) value: Vec<String>,
    pub(crate) height: f32,
}

/// The table laid out at one font size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub(crate) size: f32,
    pub(crate) line_height: f32,
    pub(crate) rows: Vec<Row>,
}

impl Table {
    pub(crate) fn height(&self) -> f32 {
        self.rows.iter().map(|r| r.height).sum()
    }

    /// The baseline of the first line in a row starting at `top`.
    pub(crate) fn first_baseline(&self, top: f32) -> f32 {
        top + CELL_PAD_Y + (self.line_height - self.size) / 2.0 + self.size * 0.88
    }
}

/// Lays out label/value rows at the largest size that fits above the QR code.
pub(crate) fn table(face: &Face<'_>, rows: &[(&str, &str)]) -> Result<Table, RenderError> {
    let label_width = LABEL_WIDTH - 2.0 * CELL_PAD_X;
    let value_width = CONTENT_RIGHT - CONTENT_LEFT - LABEL_WIDTH - 2.0 * CELL_PAD_X;
    for size in TABLE_SIZES {
        let line_height = size * 1.45;
        let rows: Vec<Row> = rows
            .iter()
            .map(|(label, value)| {
                let label = wrap(face, label, size, label_width);
                let value = wrap(face, value, size, value_width);
                let lines = label.len().max(value.len()).max(1) as f32;
                Row {
                    label,
                    value,
                    height: lines * line_height + 2.0 * CELL_PAD_Y,
                }
            })
            .collect();
        let table = Table {
            size,
            line_height,
            rows,
        };
        if TABLE_TOP + table.height() <= TABLE_BOTTOM_LIMIT {
            return Ok(table);
        }
    }
    Err(RenderError::TooMuchText)
}

/// Breaks `text` into lines no wider than `max_width` at `size`, character by character (CJK
/// text has no spaces to break at), honouring explicit line breaks. Closing punctuation hangs
/// at the end of a line rather than starting the next one.
pub(crate) fn wrap(face: &Face<'_>, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut width = 0.0;
        for c in paragraph.chars() {
            let advance = face.advance(c, size);
            if width + advance > max_width && !line.is_empty() && !NO_LINE_START.contains(c) {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push(c);
            width += advance;
        }
        lines.push(line);
    }
    lines
}

/// The largest size not above `preferred` at which `text` fits `max_width` on one line.
pub(crate) fn fit_size(face: &Face<'_>, text: &str, preferred: f32, max_width: f32) -> f32 {
    let width = face.width(text, preferred);
    if width <= max_width || width <= 0.0 {
        preferred
    } else {
        preferred * max_width / width
    }
}

/// Where the 加注 lines go: the rotation (degrees, about the page centre) that lays text along
/// the diagonal from bottom left to top right, and for each line its offset across the diagonal
/// and the shift along it of the middle of its chord through the inner frame; plus the longest
/// text that stays inside the frame on every line.
pub(crate) fn watermark_lines() -> WatermarkLines {
    let (w, h) = (
        PAGE_WIDTH - 2.0 * FRAME_INNER,
        PAGE_HEIGHT - 2.0 * FRAME_INNER,
    );
    let angle = -h.atan2(w);
    let (dx, dy) = (angle.cos(), angle.sin());
    let mut lines = [(0.0, 0.0); 3];
    let mut longest = f32::INFINITY;
    for (line, offset) in lines
        .iter_mut()
        .zip([-WATERMARK_SPACING, 0.0, WATERMARK_SPACING])
    {
        // The line's foot: the local point (0, offset) rotated onto the page.
        let foot = (-dy * offset, dx * offset);
        let (lo, hi) = chord(w / 2.0, h / 2.0, foot, (dx, dy));
        *line = (offset, (lo + hi) / 2.0);
        longest = longest.min(hi - lo);
    }
    WatermarkLines {
        angle: angle.to_degrees(),
        lines,
        longest: (longest - 2.0 * WATERMARK_MARGIN).max(0.0),
    }
}

/// See [`watermark_lines`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WatermarkLines {
    pub(crate) angle: f32,
    /// `(offset across, middle along)` of each line, in the rotated frame about the centre.
    pub(crate) lines: [(f32, f32); 3],
    pub(crate) longest: f32,
}

/// Where the line through `p` along unit `dir` enters and leaves the box |x| <= hw, |y| <= hh,
/// as distances along `dir` from `p` (an empty interval if it misses).
fn chord(hw: f32, hh: f32, p: (f32, f32), dir: (f32, f32)) -> (f32, f32) {
    let (mut lo, mut hi) = (f32::NEG_INFINITY, f32::INFINITY);
    for (pos, d, half) in [(p.0, dir.0, hw), (p.1, dir.1, hh)] {
        if d.abs() < f32::EPSILON {
            if pos.abs() > half {
                return (0.0, 0.0);
            }
            continue;
        }
        let (a, b) = ((-half - pos) / d, (half - pos) / d);
        lo = lo.max(a.min(b));
        hi = hi.min(a.max(b));
    }
    if hi > lo { (lo, hi) } else { (0.0, 0.0) }
}
