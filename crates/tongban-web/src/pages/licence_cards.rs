//! Licences as pages show them: a card (name, number, issuer, validity, status badge), dates in
//! words (2026年11月30日), the printable sheet handed to `tongban-render`, the PDF response, and
//! the CJK font found once per process.

use std::sync::{Arc, OnceLock};

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tongban_app::licences::LicenceView;
use tongban_render::{CjkFont, LicenceSheet, RenderError};

use super::viewer::urlencode;
use crate::error::WebError;

/// The CJK font for licence PDFs: discovered once; a failure is kept (and logged), never fatal.
pub fn licence_font() -> Arc<Result<CjkFont, RenderError>> {
    static FONT: OnceLock<Arc<Result<CjkFont, RenderError>>> = OnceLock::new();
    FONT.get_or_init(|| {
        let found = CjkFont::discover();
        if let Err(err) = &found {
            tracing::warn!(code = err.code(), cause = %err, "no CJK font: licence PDFs unavailable");
        }
        Arc::new(found)
    })
    .clone()
}

/// `2026-03-02` → `2026年3月2日`; anything else unchanged.
pub fn cn_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        _ => iso.to_string(),
    }
}

/// 有效期: "自2026年3月2日至2031年3月1日", or "自2026年3月2日起长期有效"; `long` = just 长期.
pub fn validity_text(view: &LicenceView, long: bool) -> String {
    match &view.valid_until {
        Some(until) => format!("自{}至{}", cn_date(&view.valid_from), cn_date(until)),
        None if long => format!("自{}起长期有效", cn_date(&view.valid_from)),
        None => "长期".to_string(),
    }
}

/// The page path of one of the viewer's licences.
pub fn wallet_path(id: &str) -> String {
    format!("/me/licences/{}", urlencode(id))
}

/// A licence as a card in a list.
#[derive(Debug, Clone)]
pub struct LicenceCard {
    pub id: String,
    pub href: String,
    pub name: String,
    pub number: String,
    pub holder_name: String,
    pub holder_code: String,
    pub issuer_name: String,
    pub issued_on: String,
    pub validity: String,
    /// `valid`, `expired`, `suspended`, `revoked`, `not_yet_valid` (the badge's class).
    pub status: &'static str,
    pub status_label: String,
    pub state_reason: String,
    pub face: Vec<(String, String)>,
    /// Valid today (cards of other states are greyed and struck).
    pub usable: bool,
}

impl LicenceCard {
    pub fn of(view: &LicenceView) -> LicenceCard {
        LicenceCard {
            id: view.id.clone(),
            href: wallet_path(&view.id),
            name: view.name.clone(),
            number: view.number.clone(),
            holder_name: view.holder_name.clone(),
            holder_code: view.holder_code_masked.clone(),
            issuer_name: view.issuer_name.clone(),
            issued_on: cn_date(&view.issued_on),
            validity: validity_text(view, true),
            status: view.status.as_str(),
            status_label: view.status_label.clone(),
            state_reason: view.state_reason.clone(),
            face: view.face.clone(),
            usable: view.status.as_str() == "valid",
        }
    }
}

/// What the printed licence says.
pub fn sheet_of(view: &LicenceView) -> LicenceSheet {
    LicenceSheet {
        title: view.name.clone(),
        number: view.number.clone(),
        holder_name: view.holder_name.clone(),
        holder_code: view.holder_code_masked.clone(),
        issuer_name: view.issuer_name.clone(),
        issued_on: cn_date(&view.issued_on),
        validity: match &view.valid_until {
            Some(until) => format!("{}至{}", cn_date(&view.valid_from), cn_date(until)),
            None => "长期".to_string(),
        },
        face: view.face.clone(),
        identifier: view.id.clone(),
        status: view.status_label.clone(),
        qr_text: view.qr_text.clone(),
        watermark: Some(format!(
            "此件由{}提供，仅供办理政务服务事项时使用",
            view.issuer_name
        )),
    }
}

/// The licence as an A4 PDF download, or the font problem as a 503.
pub fn pdf_response(
    view: &LicenceView,
    font: &Result<CjkFont, RenderError>,
) -> Result<Response, WebError> {
    let font = font.as_ref().map_err(|e| WebError::Render(e.clone()))?;
    let bytes = tongban_render::licence_pdf(&sheet_of(view), font).map_err(WebError::Render)?;
    Ok(download(
        bytes,
        "application/pdf",
        &format!("{}-{}.pdf", view.name, view.number),
    ))
}

/// A file download that browsers and proxies do not keep.
pub fn download(bytes: Vec<u8>, media_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    let disposition = format!(
        "attachment; filename=\"licence\"; filename*=UTF-8''{}",
        urlencode(file_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The QR code of `text` as inline SVG ('' if it cannot be drawn; the page still works).
pub fn qr(text: &str) -> String {
    tongban_render::qr_svg(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_chinese_without_leading_zeros() {
        assert_eq!(cn_date("2026-03-02"), "2026年3月2日");
        assert_eq!(cn_date("2026-11-30"), "2026年11月30日");
        assert_eq!(cn_date("长期"), "长期");
    }

    #[test]
    fn without_a_font_the_pdf_is_a_503_with_a_stable_code() {
        let err = WebError::Render(RenderError::NoCjkFont { tried: "x".into() });
        let pending = err.pending();
        assert_eq!(pending.status.as_u16(), 503);
        assert_eq!(pending.code, "render.no_cjk_font");
        assert!(pending.message.contains("中文字体"));
    }
}
