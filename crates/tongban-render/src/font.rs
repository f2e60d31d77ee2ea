//! The CJK font a licence is drawn with: finding it on the machine, loading it once, and
//! answering the two questions layout asks (does it cover this text, how wide is it).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::RenderError;

/// The environment variable naming the font file, optionally with `#index` for a collection.
pub const FONT_ENV: &str = "TONGBAN_CJK_FONT";

/// Where distributions put CJK fonts, best first, with the face index of Simplified Chinese.
/// In the Noto CJK collections the faces are JP, KR, SC, TC, HK (then the Mono ones), so SC
/// is index 2 (checked with `fc-scan`, and by a test).
const CANDIDATES: &[(&str, u32)] = &[
    // Debian/Ubuntu fonts-noto-cjk.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    // Fedora google-noto-cjk, Arch noto-fonts-cjk.
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    // WenQuanYi and the Droid fallback.
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
];

/// Characters any usable font must have; a Latin-only font is refused up front.
const PROBE: &str = "证照许可中华人民共和国";

/// A loaded CJK font: the file's bytes, the face index and the krilla font made from them.
/// Cloning is cheap (reference counted), so load it once and share it.
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    source: Arc<str>,
    pdf_font: krilla::text::Font,
}

impl fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CjkFont")
            .field("source", &self.source)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl CjkFont {
    /// Finds a CJK font: `TONGBAN_CJK_FONT` (`path` or `path#index`) if set, else the first of
    /// the usual system paths that exists. A set but unusable `TONGBAN_CJK_FONT` is an error,
    /// not a reason to fall back.
    pub fn discover() -> Result<CjkFont, RenderError> {
        let env = std::env::var(FONT_ENV).ok();
        discover_in(env.as_deref(), CANDIDATES)
    }

    /// Loads face `index` of a font file (0 unless it is a collection such as a `.ttc`).
    pub fn from_file(path: impl AsRef<Path>, index: u32) -> Result<CjkFont, RenderError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => RenderError::NoCjkFont {
                tried: path.display().to_string(),
            },
            _ => RenderError::BadFont(format!("{}：{e}", path.display())),
        })?;
        Self::from_bytes(bytes, index, &path.display().to_string())
    }

    /// Loads face `index` of font bytes; `source` names them in messages.
    pub fn from_bytes(bytes: Vec<u8>, index: u32, source: &str) -> Result<CjkFont, RenderError> {
        let data = Arc::new(bytes);
        {
            let face = Face::new(&data, index)
                .map_err(|e| RenderError::BadFont(format!("{source}#{index}：{e}")))?;
            if let Err(RenderError::MissingGlyph(_)) = face.check_covers(PROBE) {
                return Err(RenderError::BadFont(format!(
                    "{source}#{index} 不是中文字体（缺少常用汉字）"
                )));
            }
        }
        let pdf_font = krilla::text::Font::new(krilla::Data::from(Arc::clone(&data)), index)
            .ok_or_else(|| RenderError::BadFont(format!("{source}#{index}：krilla 无法读取")))?;
        Ok(CjkFont {
            data,
            index,
            source: Arc::from(source),
            pdf_font,
        })
    }

    /// The file (or other source) the font was loaded from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The face index within the file.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The font's family name, e.g. "Noto Sans CJK SC".
    pub fn family_name(&self) -> Option<String> {
        let font = FontRef::from_index(&self.data, self.index).ok()?;
        font.localized_strings(skrifa::string::StringId::FAMILY_NAME)
            .english_or_first()
            .map(|name| name.to_string())
    }

    pub(crate) fn face(&self) -> Result<Face<'_>, RenderError> {
        Face::new(&self.data, self.index)
            .map_err(|e| RenderError::BadFont(format!("{}#{}：{e}", self.source, self.index)))
    }

    pub(crate) fn pdf_font(&self) -> krilla::text::Font {
        self.pdf_font.clone()
    }
}

/// `discover` with the environment and the candidate list passed in.
pub(crate) fn discover_in(
    env: Option<&str>,
    candidates: &[(&str, u32)],
) -> Result<CjkFont, RenderError> {
    if let Some(spec) = env.map(str::trim).filter(|s| !s.is_empty()) {
        let (path, index) = parse_spec(spec)?;
        return CjkFont::from_file(path, index);
    }
    let mut tried = Vec::new();
    for &(path, index) in candidates {
        match CjkFont::from_file(path, index) {
            Ok(font) => return Ok(font),
            Err(RenderError::NoCjkFont { .. }) | Err(RenderError::BadFont(_)) => {
                tried.push(path);
            }
            Err(other) => return Err(other),
        }
    }
    let mut tried = tried.join("、");
    if env.is_none() {
        tried = format!("{FONT_ENV} 未设置；{tried}");
    }
    Err(RenderError::NoCjkFont { tried })
}

/// Splits `path#index` (the index defaults to 0).
pub(crate) fn parse_spec(spec: &str) -> Result<(&str, u32), RenderError> {
    match spec.rsplit_once('#') {
        Some((path, index)) => index
            .trim()
            .parse()
            .map(|index| (path, index))
            .map_err(|_| RenderError::BadFont(format!("{FONT_ENV}={spec}：# 后应为字体序号"))),
        None => Ok((spec, 0)),
    }
}

/// A parsed view of the font for coverage checks and measuring.
pub(crate) struct Face<'a> {
    charmap: Charmap<'a>,
    glyphs: GlyphMetrics<'a>,
    units_per_em: f32,
}

impl<'a> Face<'a> {
    fn new(data: &'a [u8], index: u32) -> Result<Face<'a>, skrifa::raw::ReadError> {
        let font = FontRef::from_index(data, index)?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em
                .max(1),
        );
        Ok(Face {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    /// Fails on the first character the font has no glyph for (line breaks are not drawn).
    pub(crate) fn check_covers(&self, text: &str) -> Result<(), RenderError> {
        match text
            .chars()
            .filter(|&c| c != '\n')
            .find(|&c| self.charmap.map(c).is_none())
        {
            Some(c) => Err(RenderError::MissingGlyph(c)),
            None => Ok(()),
        }
    }

    /// The advance of one character at `size` points (0 if unknown; coverage is checked first).
    pub(crate) fn advance(&self, c: char, size: f32) -> f32 {
        self.charmap
            .map(c)
            .and_then(|glyph| self.glyphs.advance_width(glyph))
            .map_or(0.0, |units| units * size / self.units_per_em)
    }

    /// The glyphs of a single line, one per character, placed by their advances: licences hold
    /// CJK text and codes, which need no shaping, and the line is then exactly as wide as
    /// [`Face::width`] says. (krilla's `draw_text` would re-parse the whole font file with
    /// rustybuzz on every call.)
    pub(crate) fn glyphs(&self, text: &str) -> Vec<krilla::text::KrillaGlyph> {
        text.char_indices()
            .filter_map(|(at, c)| {
                let glyph = self.charmap.map(c)?;
                let advance = self.glyphs.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
                Some(krilla::text::KrillaGlyph::new(
                    krilla::text::GlyphId::new(glyph.to_u32()),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    at..at + c.len_utf8(),
                    None,
                ))
            })
            .collect()
    }

    /// The width of a single line at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }
}
