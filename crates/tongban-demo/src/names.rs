//! Chinese personal and company name generation from static tables (common Sichuan surnames, era-typical given names).

use crate::rng::Rng;

/// Surnames with rough relative frequencies in north-eastern Sichuan (苟, 岳, 向, 蒲 are locally common).
#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("李", 79), ("王", 73), ("张", 60), ("刘", 55), ("陈", 52), ("杨", 45), ("何", 30), ("赵", 26),
    ("黄", 26), ("周", 24), ("吴", 22), ("罗", 22), ("苟", 20), ("岳", 14), ("向", 14), ("蒋", 13),
    ("唐", 13), ("谢", 12), ("邓", 12), ("冯", 11), ("徐", 11), ("胡", 11), ("郑", 10), ("孙", 10),
    ("马", 10), ("朱", 10), ("高", 9), ("郭", 9), ("林", 8), ("曾", 8), ("彭", 8), ("袁", 7),
    ("杜", 7), ("任", 7), ("蒲", 7), ("严", 6), ("付", 6), ("文", 6), ("余", 6), ("熊", 5),
    ("侯", 5), ("韩", 5), ("宋", 5), ("梁", 5), ("秦", 5), ("雷", 5), ("廖", 5), ("母", 4),
    ("庞", 4), ("尹", 4), ("伏", 4), ("姚", 4), ("贾", 4), ("汪", 4), ("钟", 4), ("苏", 4),
    ("魏", 4), ("程", 4), ("邱", 4), ("田", 4), ("董", 4), ("石", 4), ("沈", 3), ("姜", 3),
    ("范", 3), ("牟", 3), ("冉", 3), ("鲜", 3), ("寇", 3), ("覃", 3), ("敬", 2), ("勾", 2),
];

const MALE_OLD: &[&str] = &[
    "建", "国", "军", "华", "明", "强", "平", "刚", "林", "德", "成", "云", "兵", "福", "贵", "富",
    "财", "元", "洪", "春", "永", "海", "文", "志", "学", "正", "忠", "义", "安", "全", "荣", "光",
    "宗", "泽", "清", "山", "树", "发", "章", "良",
];
const MALE_NEW: &[&str] = &[
    "宇", "浩", "俊", "杰", "涛", "斌", "超", "波", "辉", "鹏", "磊", "峰", "鑫", "帅", "飞", "宏",
    "松", "龙", "川", "江", "轩", "博", "睿", "晨", "阳", "航", "凯", "一", "子", "梓", "豪", "毅",
    "铭", "锐", "哲", "泽", "然", "亮", "洋", "健",
];
const FEMALE_OLD: &[&str] = &[
    "秀", "英", "兰", "芳", "华", "玉", "珍", "桂", "凤", "琼", "淑", "梅", "翠", "群", "素", "碧",
    "琴", "萍", "蓉", "春", "菊", "莲", "霞", "红", "芬", "容", "惠", "银", "金", "家",
];
const FEMALE_NEW: &[&str] = &[
    "丽", "敏", "静", "燕", "玲", "娟", "艳", "莉", "婷", "雪", "琳", "颖", "欣", "怡", "佳", "慧",
    "倩", "丹", "悦", "月", "洁", "露", "晶", "菲", "萌", "涵", "雨", "诗", "茜", "瑶", "思", "梦",
    "可", "心", "琪", "妍", "璐", "薇", "婧", "馨",
];

/// A surname drawn by frequency.
fn surname(rng: &mut Rng) -> &'static str {
    let total: u32 = SURNAMES.iter().map(|(_, w)| *w).sum();
    let mut x = rng.below(total as usize) as u32;
    for (s, w) in SURNAMES {
        if x < *w {
            return s;
        }
        x -= w;
    }
    "李"
}

/// A full personal name; `birth_year` picks an era-typical given-name pool.
pub(crate) fn person(rng: &mut Rng, male: bool, birth_year: i32) -> String {
    let surname = surname(rng);
    let old = birth_year < 1978 || (birth_year < 1990 && rng.chance(1, 2));
    let pool = match (male, old) {
        (true, true) => MALE_OLD,
        (true, false) => MALE_NEW,
        (false, true) => FEMALE_OLD,
        (false, false) => FEMALE_NEW,
    };
    let mut name = String::from(surname);
    let first = rng.pick(pool);
    name.push_str(first);
    if rng.chance(3, 4) {
        let mut second = rng.pick(pool);
        if second == first && rng.chance(3, 4) {
            second = pool[(pool.iter().position(|c| *c == first).unwrap_or(0) + 1) % pool.len()];
        }
        name.push_str(second);
    }
    name
}

/// Characters for company trade names (字号).
const TRADE_CHARS: &[&str] = &[
    "鑫", "源", "盛", "华", "宏", "泰", "福", "顺", "达", "瑞", "丰", "德", "嘉", "恒", "锦", "川",
    "巴", "秦", "汇", "邦", "诚", "信", "和", "兴", "隆", "昌", "润", "禾", "佳", "安", "康", "裕",
    "通", "远", "博", "众", "创", "美", "家", "乐", "新", "金", "宇", "辰", "星", "峰", "蓉", "蜀",
    "益", "民", "农", "林", "茂", "光", "明", "卓", "凯", "天", "雅", "聚",
];

/// Local brand-like trade names.
#[rustfmt::skip]
const TRADE_PLACES: &[&str] = &[
    "秦巴", "光雾山", "米仓山", "诺水河", "巴山", "恩阳", "巴人", "红军城", "南龛",
    "空山", "驷马", "江口", "佛头山", "云顶", "巴河", "通河", "银耳", "巴渠",
];

/// Business lines common in a hilly agricultural city.
#[rustfmt::skip]
const INDUSTRIES: &[&str] = &[
    "农业开发", "茶业", "银耳种植", "建筑工程", "商贸", "餐饮管理", "物流", "旅游开发", "食品",
    "中药材种植", "生猪养殖", "电子商务", "装饰工程", "劳务", "汽车服务", "酒业", "生态农业", "文化传媒",
    "医药", "家政服务", "信息技术", "新能源", "建材", "机械制造", "物业管理", "环保科技", "教育咨询",
    "房地产开发", "木业", "服饰", "核桃种植", "青花椒种植", "农产品加工", "水产养殖", "运输", "酒店管理",
    "广告", "砂石", "水电安装", "园林绿化",
];

/// A company name such as "巴中市鑫源农业开发有限公司"; `place` is "巴中市" or a county name.
pub(crate) fn company(rng: &mut Rng, place: &str) -> String {
    let trade = if rng.chance(1, 5) {
        String::from(rng.pick(TRADE_PLACES))
    } else {
        let a = rng.pick(TRADE_CHARS);
        let mut b = rng.pick(TRADE_CHARS);
        if a == b {
            b = "鑫";
        }
        format!("{a}{b}")
    };
    let industry = rng.pick(INDUSTRIES);
    let form = if rng.chance(1, 6) {
        "有限责任公司"
    } else {
        "有限公司"
    };
    format!("{place}{trade}{industry}{form}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names_have_two_to_four_characters() {
        let mut rng = Rng::new(1);
        for i in 0..500 {
            let n = person(&mut rng, i % 2 == 0, 1940 + (i % 69));
            let len = n.chars().count();
            assert!((2..=4).contains(&len), "{n}");
        }
    }

    #[test]
    fn company_names_end_with_a_legal_form() {
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let n = company(&mut rng, "巴中市");
            assert!(n.starts_with("巴中市") && n.ends_with("公司"), "{n}");
        }
    }
}
