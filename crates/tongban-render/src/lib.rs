//! Draws electronic licences (电子证照): the QR code as inline SVG for web pages, and the
//! printable licence as a one-page A4 PDF with an embedded CJK font subset; and generic A4
//! documents (bulletins, assessments, letters) as PDF with the same font.
//!
//! The caller formats everything printed (dates, masked codes) into a [`LicenceSheet`]; this
//! crate only lays it out. It does no I/O except reading a font file.

mod document;
mod font;
mod layout;
mod pdf;
mod qr;

#[cfg(test)]
mod tests;

pub use document::{DocBlock, DocSheet, document_pdf};
pub use font::{CjkFont, FONT_ENV};
pub use pdf::licence_pdf;
pub use qr::qr_svg;

/// Everything printed on a licence, already formatted as text (dates as 2026年11月30日 etc.).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LicenceSheet {
    /// 证照名称, e.g. 食品经营许可证.
    pub title: String,
    /// 证照编号.
    pub number: String,
    /// 持证主体.
    pub holder_name: String,
    /// 主体代码, already masked by the caller.
    pub holder_code: String,
    /// 颁发机构.
    pub issuer_name: String,
    /// 颁发日期.
    pub issued_on: String,
    /// 有效期, e.g. "2026年11月30日至2031年11月29日" or "长期".
    pub validity: String,
    /// The licence type's own fields (照面信息), label and value, in print order.
    pub face: Vec<(String, String)>,
    /// 证照标识 (GB/T 36904).
    pub identifier: String,
    /// 证照状态 at the time of printing, e.g. 有效.
    pub status: String,
    /// The QR payload (`TBL1.…`), printable ASCII; also written uncompressed into the PDF.
    pub qr_text: String,
    /// 加注: "此件由××机构提供，仅供办理政务服务事项时使用，有效期至…".
    pub watermark: Option<String>,
}

/// Why a licence could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "未找到可用的中文字体（已查找：{tried}）。请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），\
         或设置环境变量 TONGBAN_CJK_FONT 为字体文件路径，TTC 字体集可用 #序号 指定字体，\
         如 /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2"
    )]
    NoCjkFont { tried: String },
    #[error("字体文件不可用：{0}")]
    BadFont(String),
    #[error("字体中没有字符「{0}」（U+{code:04X}），不能生成缺字的证照", code = u32::from(*.0))]
    MissingGlyph(char),
    #[error("二维码生成失败：{0}")]
    Qr(String),
    #[error("二维码数据只能含可打印的 ASCII 字符")]
    PayloadNotAscii,
    #[error("证照内容过多，一页 A4 纸放不下")]
    TooMuchText,
    #[error("PDF 生成失败：{0}")]
    Pdf(String),
}

impl RenderError {
    /// A stable code for logs and API answers.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::NoCjkFont { .. } => "render.no_cjk_font",
            RenderError::BadFont(_) => "render.bad_font",
            RenderError::MissingGlyph(_) => "render.missing_glyph",
            RenderError::Qr(_) => "render.qr",
            RenderError::PayloadNotAscii => "render.payload_not_ascii",
            RenderError::TooMuchText => "render.too_much_text",
            RenderError::Pdf(_) => "render.pdf",
        }
    }
}
