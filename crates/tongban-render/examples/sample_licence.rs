//! Writes a sample licence to `target/sample-licence.pdf` and prints its size and the time one
//! render takes, to look at the layout: `cargo run -p tongban-render --example sample_licence`.

use std::time::Instant;

use tongban_render::{CjkFont, LicenceSheet, licence_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let font = CjkFont::discover()?;
    println!(
        "字体：{}#{}（{:?}）",
        font.source(),
        font.index(),
        font.family_name()
    );
    let sheet = LicenceSheet {
        title: "食品经营许可证".into(),
        number: "JY13301060012345".into(),
        holder_name: "杭州市西湖区小桥流水餐饮有限公司".into(),
        holder_code: "91330106MA2****45X".into(),
        issuer_name: "杭州市西湖区市场监督管理局".into(),
        issued_on: "2026年11月30日".into(),
        validity: "2026年11月30日至2031年11月29日".into(),
        face: vec![
            ("法定代表人".into(), "张*".into()),
            (
                "住所".into(),
                "浙江省杭州市西湖区文三路478号华星时代广场A座12层1201室".into(),
            ),
            ("经营场所".into(), "浙江省杭州市西湖区文三路478号1层".into()),
            ("主体业态".into(), "餐饮服务经营者（中型餐馆）".into()),
            (
                "经营项目".into(),
                "热食类食品制售；冷食类食品制售（不含烧卤熟肉）；生食类食品制售（限生食类水产品）；\
                 自制饮品制售（不含自酿酒）；预包装食品（含冷藏冷冻食品）销售"
                    .into(),
            ),
            ("日常监督管理机构".into(), "西湖区市场监督管理局文新市场监督管理所".into()),
            ("投诉举报电话".into(), "12315".into()),
        ],
        identifier: "1.2.156.3005.2.11100000000013338W.JY1330106001234X.001".into(),
        status: "有效".into(),
        qr_text: format!("TBL1.{}.{}", "A".repeat(540), "B".repeat(96)),
        watermark: Some(
            "此件由杭州市西湖区市场监督管理局提供，仅供办理政务服务事项时使用，有效期至2026年12月30日"
                .into(),
        ),
    };
    let started = Instant::now();
    let pdf = licence_pdf(&sheet, &font)?;
    let first = started.elapsed();
    let runs = 20;
    let started = Instant::now();
    for _ in 0..runs {
        licence_pdf(&sheet, &font)?;
    }
    let each = started.elapsed() / runs;
    let out =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sample-licence.pdf");
    std::fs::write(&out, &pdf)?;
    println!(
        "{}：{} 字节；首次 {:.1} ms，之后每份 {:.1} ms",
        out.display(),
        pdf.len(),
        first.as_secs_f64() * 1000.0,
        each.as_secs_f64() * 1000.0
    );
    Ok(())
}
