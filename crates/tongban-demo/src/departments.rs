//! The 45 departments of the city government and their county counterparts, with valid USCCs.

use crate::DepartmentSeed;
use crate::codes;
use crate::geo::{city_code, county_code};
use crate::places::{CITY6, COUNTIES};

/// One department definition. `{c}` in a name is replaced by the place name ("巴中市" or a
/// county); names without it get the place name as prefix.
struct DeptDef {
    slug: &'static str,
    name: &'static str,
    short: &'static str,
    /// County counterpart (name, short name), if counties have one.
    county: Option<(&'static str, &'static str)>,
}

const fn dept(
    slug: &'static str,
    name: &'static str,
    short: &'static str,
    county: Option<(&'static str, &'static str)>,
) -> DeptDef {
    DeptDef {
        slug,
        name,
        short,
        county,
    }
}

/// Same name and short name at county level.
const SAME: Option<(&str, &str)> = Some(("", ""));

const DEPARTMENTS: [DeptDef; 45] = [
    dept("zfb", "人民政府办公室", "政府办", SAME),
    dept(
        "fgw",
        "发展和改革委员会",
        "发展改革委",
        Some(("发展和改革局", "发展改革局")),
    ),
    dept("jyj", "教育局", "教育局", SAME),
    dept("kjj", "科学技术局", "科技局", SAME),
    dept("jxj", "经济和信息化局", "经信局", SAME),
    dept("mzzj", "民族宗教事务局", "民宗局", None),
    dept("gaj", "公安局", "公安局", SAME),
    dept("mzj", "民政局", "民政局", SAME),
    dept("sfj", "司法局", "司法局", SAME),
    dept("czj", "财政局", "财政局", SAME),
    dept("rsj", "人力资源和社会保障局", "人社局", SAME),
    dept("zrzyj", "自然资源和规划局", "自然资源规划局", SAME),
    dept(
        "sthjj",
        "生态环境局",
        "生态环境局",
        Some(("巴中市生态环境局{c}分局", "生态环境{c}分局")),
    ),
    dept("zjj", "住房和城乡建设局", "住建局", SAME),
    dept("jtj", "交通运输局", "交通运输局", SAME),
    dept("slj", "水利局", "水利局", SAME),
    dept("nyncj", "农业农村局", "农业农村局", SAME),
    dept("swj", "商务局", "商务局", SAME),
    dept("wglj", "文化广播电视和旅游局", "文广旅局", SAME),
    dept(
        "wjw",
        "卫生健康委员会",
        "卫健委",
        Some(("卫生健康局", "卫健局")),
    ),
    dept("tyjrj", "退役军人事务局", "退役军人局", SAME),
    dept("yjj", "应急管理局", "应急局", SAME),
    dept("sjj", "审计局", "审计局", SAME),
    dept("gzw", "国有资产监督管理委员会", "国资委", None),
    dept("scjgj", "市场监督管理局", "市场监管局", SAME),
    dept("tjj", "统计局", "统计局", SAME),
    dept("ybj", "医疗保障局", "医保局", SAME),
    dept("lyj", "林业局", "林业局", SAME),
    dept(
        "zwfwj",
        "政务服务和大数据管理局",
        "政务服务和大数据局",
        SAME,
    ),
    dept("xfj", "信访局", "信访局", SAME),
    dept("jgswj", "机关事务管理局", "机关事务局", None),
    dept("xczxj", "乡村振兴局", "乡村振兴局", SAME),
    dept("rfb", "人民防空办公室", "人防办", None),
    dept("jrj", "地方金融监督管理局", "金融局", None),
    dept("zhzfj", "综合行政执法局", "综合执法局", SAME),
    dept("bdcdj", "不动产登记中心", "不动产登记中心", SAME),
    dept(
        "gjj",
        "住房公积金管理中心",
        "公积金中心",
        Some(("巴中市住房公积金管理中心{c}管理部", "公积金{c}管理部")),
    ),
    dept("swuj", "国家税务总局{c}税务局", "税务局", SAME),
    dept(
        "xfzd",
        "消防救援支队",
        "消防支队",
        Some(("消防救援大队", "消防大队")),
    ),
    dept("qxj", "气象局", "气象局", SAME),
    dept("cl", "残疾人联合会", "残联", SAME),
    dept("gxs", "供销合作社联合社", "供销社", SAME),
    dept("ggzy", "公共资源交易服务中心", "公共资源交易中心", SAME),
    dept("yzglj", "邮政管理局", "邮政管理局", None),
    dept("dag", "档案馆", "档案馆", SAME),
];

/// Slugs of city departments that also get reviewers and approvers.
pub(crate) const REVIEWING_CITY: &[&str] =
    &["zwfwj", "scjgj", "rsj", "mzj", "gaj", "zjj", "bdcdj", "ybj"];
/// Slugs of county departments that also get reviewers and approvers.
pub(crate) const REVIEWING_COUNTY: &[&str] = &["scjgj", "zwfwj"];

/// Department key: `{6-digit division}-{slug}`.
pub(crate) fn key(code6: &str, slug: &str) -> String {
    format!("{code6}-{slug}")
}

/// Fills a name template for a place.
fn place_name(template: &str, place: &str) -> String {
    if template.contains("{c}") {
        template.replace("{c}", place)
    } else {
        format!("{place}{template}")
    }
}

/// All departments: the 45 city ones first, then each county's counterparts.
pub(crate) fn build() -> Vec<DepartmentSeed> {
    let mut out = Vec::with_capacity(45 * 6);
    for (d, def) in DEPARTMENTS.iter().enumerate() {
        let body = format!("0086{}{:02}{}", 0, d + 1, (d * 7) % 10);
        let Some(uscc) = codes::uscc("11", CITY6, &body) else {
            continue;
        };
        out.push(DepartmentSeed {
            key: key(CITY6, def.slug),
            name: place_name(def.name, "巴中市"),
            short_name: place_name(def.short, "市"),
            uscc,
            division_code: city_code(),
            parent_key: None,
        });
    }
    for (c, county) in COUNTIES.iter().enumerate() {
        for (d, def) in DEPARTMENTS.iter().enumerate() {
            let Some((name, short)) = def.county else {
                continue;
            };
            let (name, short) = match (name, short) {
                ("", _) => (def.name, def.short),
                pair => pair,
            };
            let body = format!("0086{}{:02}{}", c + 1, d + 1, (d * 7 + c) % 10);
            let Some(uscc) = codes::uscc("11", county.code6, &body) else {
                continue;
            };
            out.push(DepartmentSeed {
                key: key(county.code6, def.slug),
                name: place_name(name, county.name),
                short_name: place_name(short, county.name),
                uscc,
                division_code: county_code(county.code6),
                parent_key: Some(key(CITY6, def.slug)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_place_templates() {
        assert_eq!(
            place_name("市场监督管理局", "巴中市"),
            "巴中市市场监督管理局"
        );
        assert_eq!(
            place_name("国家税务总局{c}税务局", "通江县"),
            "国家税务总局通江县税务局"
        );
    }

    #[test]
    fn slugs_are_unique_and_reviewing_slugs_exist() {
        let mut slugs: Vec<_> = DEPARTMENTS.iter().map(|d| d.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 45);
        for s in REVIEWING_CITY.iter().chain(REVIEWING_COUNTY) {
            let def = DEPARTMENTS.iter().find(|d| d.slug == *s);
            assert!(def.is_some(), "{s}");
        }
    }
}
