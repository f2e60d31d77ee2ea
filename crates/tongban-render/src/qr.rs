//! The licence QR code: the module matrix (drawn into the PDF as rectangles) and an inline
//! SVG for HTML pages. Error correction level M, as for printed licences.

use qrcode::{EcLevel, QrCode};

use crate::RenderError;

/// Light modules around the symbol, as the QR standard asks.
pub(crate) const QUIET_ZONE: usize = 4;

/// The dark/light modules of a QR symbol, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QrMatrix {
    pub(crate) width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` (as bytes) at error correction level M.
    pub(crate) fn encode(text: &str) -> Result<QrMatrix, RenderError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| RenderError::Qr(e.to_string()))?;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix {
            width: code.width(),
            dark,
        })
    }

    pub(crate) fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// The horizontal runs of dark modules as `(x, y, length)`, fewer shapes than modules.
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

/// The QR code of `text` as an inline `<svg>` element (no XML declaration), black on white,
/// with a quiet zone and a `viewBox`, so CSS can size it.
pub fn qr_svg(text: &str) -> Result<String, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::Qr(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(4, 4)
        .build();
    // The renderer writes a standalone document; HTML wants the element alone.
    let element = match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    };
    Ok(element.replacen("<svg ", "<svg role=\"img\" aria-label=\"证照二维码\" ", 1))
}
