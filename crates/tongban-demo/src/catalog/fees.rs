//! The few charged items of the demo catalogue (收费项目, 标准, 依据, 减免); everything else is free.

use tongban_domain::catalog::{FeeItem, Fees};

/// Item name, fee name, amount in fen (None = a rule), standard in words, basis, waiver.
type FeeRow = (
    &'static str,
    &'static str,
    Option<i64>,
    &'static str,
    &'static str,
    &'static str,
);

const PASSPORT_BASIS: &str =
    "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）";
const ID_BASIS: &str =
    "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）";

#[rustfmt::skip]
const FEES: &[FeeRow] = &[
    ("普通护照签发", "普通护照工本费", Some(12_000), "每本 120 元", PASSPORT_BASIS, ""),
    ("内地居民前往港澳通行证、往来港澳通行证和签注签发", "往来港澳通行证工本费", Some(6_000), "卡式证件每证 60 元；签注每次 15 元", PASSPORT_BASIS, ""),
    ("大陆居民往来台湾通行证和签注签发", "往来台湾通行证工本费", Some(6_000), "卡式证件每证 60 元；签注每次 15 元", PASSPORT_BASIS, ""),
    ("机动车驾驶证核发、审验", "机动车驾驶证工本费", Some(1_000), "每证 10 元", "《国家发展改革委 财政部关于公安交通管理收费标准有关问题的通知》（发改价格〔2004〕2831号）", "审验不收费"),
    ("居民身份证申领", "居民身份证工本费", Some(2_000), "每证 20 元", ID_BASIS, "城乡居民最低生活保障对象免收"),
    ("居民身份证换领、补领", "居民身份证工本费", Some(4_000), "换领每证 20 元；丢失补领、损坏换领每证 40 元", ID_BASIS, "城乡居民最低生活保障对象免收"),
    ("临时居民身份证申领", "临时居民身份证工本费", Some(1_000), "每证 10 元", ID_BASIS, ""),
    ("采矿权新立登记", "矿业权出让收益", None, "按评估价值或者市场基准价确定，可分期缴纳", "《财政部 自然资源部 税务总局关于印发〈矿业权出让收益征收办法〉的通知》（财综〔2023〕10号）", ""),
    ("开采矿产资源审批（砂石土类矿产）", "矿业权出让收益", None, "以出让成交价为准", "《财政部 自然资源部 税务总局关于印发〈矿业权出让收益征收办法〉的通知》（财综〔2023〕10号）", ""),
    ("建设项目使用林地审核审批", "森林植被恢复费", None, "按占用林地类型，每平方米 6 元至 30 元", "《财政部 国家林业局关于调整森林植被恢复费征收标准引导节约集约利用林地的通知》（财税〔2015〕122号）", "农村居民建设自用住宅、公益性项目按规定减免"),
    ("生产建设项目水土保持方案审批", "水土保持补偿费", None, "按征占用土地面积一次性计征，每平方米 1.4 元", "《水土保持补偿费征收使用管理办法》（财综〔2014〕8号）；四川省有关收费标准", "学校、幼儿园、保障性安居工程等按规定免征"),
    ("防空地下室易地建设审批", "防空地下室易地建设费", None, "按应建防空地下室面积计征", "《四川省物价局 四川省财政厅关于人民防空工程易地建设费收费标准的通知》", "廉租住房、经济适用住房等按规定减免"),
];

/// The fees of an item (by base name); [`Fees::default`] (free) for items not listed.
pub(crate) fn fees_for(name: &str) -> Fees {
    let items: Vec<FeeItem> = FEES
        .iter()
        .filter(|row| row.0 == name && row.2 != Some(0))
        .map(|row| FeeItem {
            name: row.1.into(),
            amount_fen: row.2,
            standard: row.3.into(),
            basis: row.4.into(),
            waiver: row.5.into(),
        })
        .collect();
    Fees {
        charged: !items.is_empty(),
        items,
    }
}
