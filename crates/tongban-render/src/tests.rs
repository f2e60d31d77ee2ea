//! Tests of the QR code, the font discovery and the licence PDF. Tests that draw need a CJK
//! font on the machine (fonts-noto-cjk); they fail, not skip, when there is none.

use std::sync::OnceLock;

use tongban_domain::licence::{Presented, SignedLicence, read_presented};

use crate::font::{discover_in, parse_spec};
use crate::layout;
use crate::qr::{QUIET_ZONE, QrMatrix};
use crate::{CjkFont, LicenceSheet, RenderError, licence_pdf, qr_svg};

fn font() -> CjkFont {
    static FONT: OnceLock<Result<CjkFont, RenderError>> = OnceLock::new();
    match FONT.get_or_init(CjkFont::discover) {
        Ok(font) => font.clone(),
        Err(e) => panic!("these tests need a CJK font (apt-get install fonts-noto-cjk): {e}"),
    }
}

/// A payload shaped like a real one: `TBL1.` + 540 + `.` + 96 base64url characters.
fn real_sized_payload() -> String {
    let signed = SignedLicence {
        header_bytes: (0..405u32).map(|i| (i * 37 + 11) as u8).collect(),
        signature: (0..72u32).map(|i| (i * 91 + 5) as u8).collect(),
    };
    signed.qr_payload()
}

fn sheet() -> LicenceSheet {
    LicenceSheet {
        title: "食品经营许可证".into(),
        number: "JY13301060012345".into(),
        holder_name: "杭州市西湖区小桥流水餐饮有限公司".into(),
        holder_code: "91330106MA2****45X".into(),
        issuer_name: "杭州市西湖区市场监督管理局".into(),
        issued_on: "2026年11月30日".into(),
        validity: "2026年11月30日至2031年11月29日".into(),
        face: vec![
            ("法定代表人".into(), "张*".into()),
            ("住所".into(), "浙江省杭州市西湖区文三路478号华星时代广场A座12层1201室（自主申报）".into()),
            ("经营场所".into(), "浙江省杭州市西湖区文三路478号1层".into()),
            ("主体业态".into(), "餐饮服务经营者（中型餐馆）".into()),
            (
                "经营项目".into(),
                "热食类食品制售；冷食类食品制售（不含烧卤熟肉）；生食类食品制售（限生食类水产品）；\
                 自制饮品制售（不含自酿酒）；预包装食品（含冷藏冷冻食品）销售"
                    .into(),
            ),
        ],
        identifier: "1.2.156.3005.2.11100000000013338W.JY1330106001234X.001".into(),
        status: "有效".into(),
        qr_text: real_sized_payload(),
        watermark: Some(
            "此件由杭州市西湖区市场监督管理局提供，仅供办理政务服务事项时使用，有效期至2026年12月30日"
                .into(),
        ),
    }
}

/// Draws the matrix into a greyscale raster (4 px per module, with the quiet zone) and decodes
/// it with rqrr.
fn decode_matrix(width: usize, is_dark: impl Fn(usize, usize) -> bool) -> Vec<String> {
    let scale = 4;
    let side = (width + 2 * QUIET_ZONE) * scale;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&mx)
            && (QUIET_ZONE..QUIET_ZONE + width).contains(&my);
        if inside && is_dark(mx - QUIET_ZONE, my - QUIET_ZONE) {
            0
        } else {
            255
        }
    });
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().map(|(_, text)| text).unwrap_or_default())
        .collect()
}

/// Reads back the dark modules of an SVG from `qr_svg` (`M{x} {y}h{w}v{h}H{x}V{y}` rects).
fn svg_modules(svg: &str, module: usize) -> (usize, Vec<Vec<bool>>) {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    let side = attr("width") / module;
    assert_eq!(attr("height") / module, side);
    let mut dark = vec![vec![false; side]; side];
    let d_start = svg.find(" d=\"").unwrap() + 4;
    let d = svg[d_start..].split('"').next().unwrap();
    for cmd in d.split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<usize> = cmd
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for row in &mut dark[y / module..(y + h) / module] {
            row[x / module..(x + w) / module].fill(true);
        }
    }
    (side, dark)
}

#[test]
fn the_qr_svg_is_an_inline_element_that_decodes_to_the_payload() {
    for text in ["TBL1.short.payload", real_sized_payload().as_str()] {
        let svg = qr_svg(text).unwrap();
        assert!(
            svg.starts_with("<svg "),
            "no XML declaration before the element"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 "));
        assert_eq!(
            svg.matches('"').count() % 2,
            0,
            "attribute quotes are balanced"
        );
        assert_eq!(svg.matches("<svg").count(), 1);

        let (side, dark) = svg_modules(&svg, 4);
        let width = side - 2 * QUIET_ZONE;
        let decoded = decode_matrix(width, |x, y| dark[y + QUIET_ZONE][x + QUIET_ZONE]);
        assert_eq!(decoded, vec![text.to_string()]);
    }
}

#[test]
fn the_modules_drawn_into_the_pdf_decode_to_a_real_sized_payload() {
    let text = real_sized_payload();
    assert_eq!(text.len(), 5 + 540 + 1 + 96);
    let qr = QrMatrix::encode(&text).unwrap();
    assert_eq!(decode_matrix(qr.width, |x, y| qr.is_dark(x, y)), vec![text]);
    let covered: usize = qr.dark_runs().iter().map(|r| r.2).sum();
    let dark = (0..qr.width)
        .flat_map(|y| (0..qr.width).map(move |x| (x, y)))
        .filter(|&(x, y)| qr.is_dark(x, y))
        .count();
    assert_eq!(covered, dark, "the runs cover exactly the dark modules");
}

#[test]
fn the_licence_pdf_embeds_a_font_subset_and_carries_the_payload_readably() {
    let sheet = sheet();
    let pdf = licence_pdf(&sheet, &font()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/FontFile"), "the font program is embedded");
    assert!(
        text.contains("/ToUnicode"),
        "text can be copied and searched"
    );
    assert!(
        pdf.len() < 200_000,
        "a subset, not the whole font: {} bytes",
        pdf.len()
    );

    match read_presented(&pdf).unwrap() {
        Presented::Payload(signed) => assert_eq!(signed.qr_payload(), sheet.qr_text),
        other => panic!("expected the QR payload, got {other:?}"),
    }
}

#[test]
fn the_pdf_metadata_names_the_licence_the_creator_and_the_language() {
    let pdf = licence_pdf(&sheet(), &font()).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    // XMP metadata is stored uncompressed.
    assert!(text.contains("食品经营许可证"), "title in the XMP metadata");
    assert!(text.contains("Tongban 通办"));
    assert!(text.contains("zh-CN"));
}

#[test]
fn the_same_sheet_gives_the_same_bytes() {
    let font = font();
    assert_eq!(licence_pdf(&sheet(), &font), licence_pdf(&sheet(), &font));
}

#[test]
fn a_sheet_without_a_watermark_or_face_fields_still_draws() {
    let mut plain = sheet();
    plain.watermark = None;
    plain.face.clear();
    plain.validity = "长期".into();
    let pdf = licence_pdf(&plain, &font()).unwrap();
    assert!(read_presented(&pdf).is_ok());
}

#[test]
fn a_character_the_font_lacks_is_refused_not_dropped() {
    let mut odd = sheet();
    odd.face.push(("备注".into(), "私用区\u{E000}字符".into()));
    assert_eq!(
        licence_pdf(&odd, &font()),
        Err(RenderError::MissingGlyph('\u{E000}'))
    );
    let mut odd = sheet();
    odd.watermark = Some("加注\u{E000}".into());
    assert_eq!(
        licence_pdf(&odd, &font()),
        Err(RenderError::MissingGlyph('\u{E000}'))
    );
    assert!(
        RenderError::MissingGlyph('\u{E000}')
            .to_string()
            .contains("U+E000")
    );
}

#[test]
fn a_payload_that_is_not_printable_ascii_is_refused() {
    let mut odd = sheet();
    odd.qr_text = "TBL1.证照".into();
    assert_eq!(
        licence_pdf(&odd, &font()),
        Err(RenderError::PayloadNotAscii)
    );
}

#[test]
fn a_table_too_long_for_one_page_is_refused() {
    let mut long = sheet();
    long.face = (0..40)
        .map(|i| (format!("字段{i}"), "很长的内容".repeat(12)))
        .collect();
    assert_eq!(licence_pdf(&long, &font()), Err(RenderError::TooMuchText));
}

#[test]
fn a_longer_table_shrinks_its_type_before_giving_up() {
    let face_font = font();
    let face = face_font.face().unwrap();
    let few = [("持证主体", "某公司")];
    assert_eq!(layout::table(&face, &few).unwrap().size, 12.0);
    let rows: Vec<(String, String)> = (0..15).map(|i| (format!("字段{i}"), "值".into())).collect();
    let rows: Vec<(&str, &str)> = rows.iter().map(|(l, v)| (l.as_str(), v.as_str())).collect();
    let table = layout::table(&face, &rows).unwrap();
    assert!(table.size < 12.0);
    assert!(layout::TABLE_TOP + table.height() <= layout::TABLE_BOTTOM_LIMIT);
}

#[test]
fn wrapped_lines_fit_their_column_and_closing_punctuation_hangs() {
    let font = font();
    let face = font.face().unwrap();
    let text = "热食类食品制售；冷食类食品制售（不含烧卤熟肉）；生食类食品制售";
    let lines = layout::wrap(&face, text, 12.0, 100.0);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), text);
    for line in &lines {
        let trimmed: String = line.trim_end_matches(['；', '）']).to_string();
        assert!(face.width(&trimmed, 12.0) <= 100.0, "{line}");
        assert!(!line.starts_with(['；', '）', '，', '。']), "{line}");
    }
    assert_eq!(
        layout::wrap(&face, "第一行\n第二行", 12.0, 300.0),
        vec!["第一行", "第二行"]
    );
    assert_eq!(layout::wrap(&face, "", 12.0, 300.0), vec![String::new()]);
}

#[test]
fn the_debian_noto_collection_has_simplified_chinese_at_index_2() {
    let font =
        CjkFont::from_file("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2).unwrap();
    assert_eq!(font.family_name().as_deref(), Some("Noto Sans CJK SC"));
    let discovered = font_family_of_discovered();
    assert!(
        discovered.contains("CJK SC") || !discovered.contains("Noto"),
        "{discovered}"
    );
}

fn font_family_of_discovered() -> String {
    font().family_name().unwrap_or_default()
}

#[test]
fn a_missing_font_file_says_to_install_fonts_noto_cjk() {
    let err = CjkFont::from_file("/nonexistent/NotoSansCJK-Regular.ttc", 2).unwrap_err();
    assert!(matches!(err, RenderError::NoCjkFont { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("fonts-noto-cjk"), "{message}");
    assert!(message.contains("TONGBAN_CJK_FONT"), "{message}");
    assert!(
        message.contains("/nonexistent/NotoSansCJK-Regular.ttc"),
        "{message}"
    );

    let err = discover_in(
        None,
        &[("/nonexistent/a.ttc", 2), ("/nonexistent/b.ttf", 0)],
    )
    .unwrap_err();
    assert_eq!(err.code(), "render.no_cjk_font");
    assert!(err.to_string().contains("/nonexistent/b.ttf"));

    let err = discover_in(Some("/nonexistent/c.ttc#2"), &[]).unwrap_err();
    assert!(matches!(err, RenderError::NoCjkFont { .. }), "{err:?}");
}

#[test]
fn a_font_named_by_the_environment_wins_over_the_system_paths() {
    let path = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
    let font = discover_in(Some(&format!("{path}#2")), &[]).unwrap();
    assert_eq!(font.family_name().as_deref(), Some("Noto Serif CJK SC"));
    assert_eq!(parse_spec("/a/b.ttc#3"), Ok(("/a/b.ttc", 3)));
    assert_eq!(parse_spec("/a/b.ttf"), Ok(("/a/b.ttf", 0)));
    assert!(matches!(
        parse_spec("/a/b.ttc#x"),
        Err(RenderError::BadFont(_))
    ));
}

#[test]
fn a_file_that_is_not_a_font_is_refused_and_discovery_moves_on() {
    let not_a_font = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    assert!(matches!(
        CjkFont::from_file(not_a_font, 0),
        Err(RenderError::BadFont(_))
    ));
    assert!(matches!(
        CjkFont::from_bytes(b"not a font".to_vec(), 0, "bytes"),
        Err(RenderError::BadFont(_))
    ));
    let font = discover_in(
        None,
        &[
            (not_a_font, 0),
            ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ],
    )
    .unwrap();
    assert_eq!(font.index(), 2);
}

#[test]
fn the_watermark_lines_stay_inside_the_frame() {
    let placement = layout::watermark_lines();
    assert!(
        placement.angle < -45.0 && placement.angle > -60.0,
        "{placement:?}"
    );
    assert!(placement.longest > 300.0, "{placement:?}");
    let (cx, cy) = (layout::PAGE_WIDTH / 2.0, layout::PAGE_HEIGHT / 2.0);
    let (sin, cos) = placement.angle.to_radians().sin_cos();
    let inside = |v: f32, page: f32| v > layout::FRAME_INNER && v < page - layout::FRAME_INNER;
    for (offset, middle) in placement.lines {
        for along in [
            middle - placement.longest / 2.0,
            middle + placement.longest / 2.0,
        ] {
            // A line end in page coordinates: (along, offset) rotated about the centre.
            let (x, y) = (
                cx + along * cos - offset * sin,
                cy + along * sin + offset * cos,
            );
            assert!(inside(x, layout::PAGE_WIDTH), "{x} {placement:?}");
            assert!(inside(y, layout::PAGE_HEIGHT), "{y} {placement:?}");
        }
    }
}
