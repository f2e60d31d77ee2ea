//! Power items (职权) with their responsibility items (责任事项), built from compact tables:
//! per-type name templates and laws, per-type core and optional duties, and 追责情形 texts.
//! The counts are exact: items are shared out among the departments by weight (largest
//! remainder), and duties are topped up round-robin until the total is reached.

use tongban_domain::AdminLevel;
use tongban_domain::catalog::ItemType;
use tongban_domain::lists::{Duty, ListEntry};

use crate::DepartmentSeed;
use crate::rng::Rng;

/// Item types of a power list and their weights (行政处罚 dominates, as in real lists).
const TYPES: [(ItemType, u32); 10] = [
    (ItemType::AdministrativePenalty, 60),
    (ItemType::AdministrativeInspection, 9),
    (ItemType::AdministrativeCoercion, 6),
    (ItemType::AdministrativeLicensing, 5),
    (ItemType::AdministrativeConfirmation, 5),
    (ItemType::OtherPower, 6),
    (ItemType::AdministrativePayment, 3),
    (ItemType::AdministrativeReward, 3),
    (ItemType::AdministrativeLevy, 2),
    (ItemType::AdministrativeRuling, 1),
];

/// Name templates per type; `{f}` is the department's field (市场监督管理, 交通运输 …).
fn templates(t: ItemType) -> &'static [&'static str] {
    match t {
        ItemType::AdministrativePenalty => &[
            "对未经许可擅自从事{f}相关经营活动的行政处罚",
            "对违反{f}管理规定拒不改正的行政处罚",
            "对伪造、变造、出租、出借{f}许可证件的行政处罚",
            "对以欺骗、贿赂等不正当手段取得{f}许可的行政处罚",
            "对拒绝、阻碍{f}监督检查的行政处罚",
            "对未按规定报送{f}统计资料的行政处罚",
            "对超出许可范围从事{f}活动的行政处罚",
            "对未按规定建立{f}安全管理制度的行政处罚",
            "对隐瞒有关情况或者提供虚假{f}材料的行政处罚",
            "对未按规定公示{f}信息的行政处罚",
            "对未按规定办理{f}变更手续的行政处罚",
            "对违反{f}技术规范造成后果的行政处罚",
        ],
        ItemType::AdministrativeInspection => &[
            "对{f}领域生产经营单位的监督检查",
            "对{f}许可事项实施情况的监督检查",
            "对{f}相关法律法规执行情况的监督检查",
            "对{f}安全生产情况的监督检查",
        ],
        ItemType::AdministrativeCoercion => &[
            "查封、扣押与{f}违法行为有关的场所、设施或者财物",
            "对{f}违法所得的强制执行",
            "责令暂停{f}相关活动",
        ],
        ItemType::AdministrativeLicensing => {
            &["{f}相关经营许可", "{f}相关设施建设审批", "{f}从业资格认定"]
        }
        ItemType::AdministrativeConfirmation => &[
            "{f}相关事项的登记确认",
            "{f}相关资质的认定",
            "{f}事故责任认定",
        ],
        ItemType::OtherPower => &[
            "{f}相关事项的备案",
            "{f}规划编制及组织实施",
            "{f}相关信息的公开与发布",
            "{f}突发事件应急处置",
        ],
        ItemType::AdministrativePayment => {
            &["{f}相关补助资金的发放", "{f}相关困难群体救助金的给付"]
        }
        ItemType::AdministrativeReward => &["对{f}工作中做出突出贡献的单位和个人的表彰奖励"],
        ItemType::AdministrativeLevy => &["{f}相关费用的征收", "{f}相关设施补偿费的征收"],
        _ => &["{f}相关权属争议的裁决", "{f}相关合同纠纷的裁决"],
    }
}

/// The law the templates rest on, per type.
fn law(t: ItemType) -> &'static str {
    match t {
        ItemType::AdministrativePenalty => "《中华人民共和国行政处罚法》",
        ItemType::AdministrativeCoercion => "《中华人民共和国行政强制法》",
        ItemType::AdministrativeLicensing => "《中华人民共和国行政许可法》",
        _ => "《四川省行政执法监督条例》",
    }
}

/// (core duties every item of the type has, optional duties in the order they are added).
fn duties(t: ItemType) -> (&'static [&'static str], &'static [&'static str]) {
    const TAIL: &[&str] = &[
        "信息公开责任",
        "档案管理责任",
        "廉政风险防控责任",
        "其他法律法规规章文件规定应履行的责任",
    ];
    match t {
        ItemType::AdministrativePenalty => (
            &[
                "立案责任",
                "调查责任",
                "审查责任",
                "告知责任",
                "决定责任",
                "送达责任",
            ],
            &[
                "执行责任",
                "事后监管责任",
                "信息公开责任",
                "档案管理责任",
                "其他法律法规规章文件规定应履行的责任",
            ],
        ),
        ItemType::AdministrativeInspection => (
            &["检查责任", "处置责任"],
            &[
                "移送责任",
                "事后监管责任",
                "信息公开责任",
                "档案管理责任",
                "其他法律法规规章文件规定应履行的责任",
            ],
        ),
        ItemType::AdministrativeCoercion => (
            &["催告责任", "决定责任", "执行责任"],
            &[
                "事后监管责任",
                "信息公开责任",
                "档案管理责任",
                "其他法律法规规章文件规定应履行的责任",
            ],
        ),
        ItemType::AdministrativeReward => (
            &["制定方案责任", "组织推荐责任", "审核公示责任", "表彰责任"],
            TAIL,
        ),
        ItemType::AdministrativeRuling => (
            &["受理责任", "审理责任", "裁决责任", "送达责任", "执行责任"],
            TAIL,
        ),
        _ => (
            &["受理责任", "审查责任", "决定责任", "送达责任"],
            &[
                "事后监管责任",
                "信息公开责任",
                "档案管理责任",
                "廉政风险防控责任",
                "其他法律法规规章文件规定应履行的责任",
            ],
        ),
    }
}

const ACCOUNTABILITY: [&str; 4] = [
    "因不履行或不正确履行{d}，有下列情形的，行政机关及相关工作人员应承担相应责任：对符合法定条件的不予办理的；对不符合法定条件的违法办理的；无法定依据或违反法定程序的。",
    "因不履行或不正确履行{d}，滥用职权、玩忽职守、徇私舞弊的，依法追究责任。",
    "因不履行或不正确履行{d}，索取或者收受他人财物、谋取其他利益的，依法追究责任；构成犯罪的，依法追究刑事责任。",
    "因不履行或不正确履行{d}，造成严重后果或恶劣影响的，依照《中华人民共和国公务员法》《行政机关公务员处分条例》等规定追究责任。",
];

/// The field a department works in: its name without the place and the organ word.
pub(crate) fn field_of(dept: &DepartmentSeed) -> String {
    let mut name = dept.name.trim_start_matches("巴中市").to_string();
    for suffix in [
        "委员会",
        "办公室",
        "服务中心",
        "管理中心",
        "联合会",
        "联合社",
        "支队",
        "中心",
        "局",
        "馆",
    ] {
        if let Some(rest) = name.strip_suffix(suffix) {
            name = rest.to_string();
            break;
        }
    }
    name
}

/// Shares `total` out in proportion to `weights` (largest remainder), exactly.
pub(crate) fn share(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum::<u64>().max(1);
    let exact: Vec<(usize, u64)> = weights
        .iter()
        .map(|w| {
            let num = total as u64 * u64::from(*w);
            ((num / sum) as usize, num % sum)
        })
        .collect();
    let mut out: Vec<usize> = exact.iter().map(|(q, _)| *q).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    let missing = total - out.iter().sum::<usize>();
    for i in order.into_iter().take(missing) {
        out[i] += 1;
    }
    out
}

/// `items` power items with exactly `duty_total` duties among `depts` (with their weights);
/// entry codes are `{prefix}-{slug}-{type}-{nnnn}`.
pub(crate) fn power_items(
    rng: &mut Rng,
    prefix: &str,
    depts: &[(&DepartmentSeed, u32)],
    items: usize,
    duty_total: usize,
) -> Vec<ListEntry> {
    let counts = share(items, &depts.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    let type_weights: Vec<u32> = TYPES.iter().map(|(_, w)| *w).collect();
    let mut out = Vec::with_capacity(items);
    for ((dept, _), count) in depts.iter().zip(counts) {
        let field = field_of(dept);
        let slug = dept.key.rsplit('-').next().unwrap_or(&dept.key);
        for n in 1..=count {
            let t = TYPES[rng.weighted(&type_weights)].0;
            let name = rng.pick(templates(t)).replace("{f}", &field);
            let article = 10 + rng.below(60);
            out.push(ListEntry {
                code: format!("{prefix}-{slug}-{}-{n:04}", t.code()),
                name,
                item_type: t,
                basis: format!(
                    "{}第{}条；《四川省{field}管理条例》第{article}条",
                    law(t),
                    2 + rng.below(70)
                ),
                department_id: dept.key.clone(),
                level: AdminLevel::City,
                basic_code: None,
                duties: duties(t).0.iter().map(|d| duty(rng, d)).collect(),
            });
        }
    }
    top_up(rng, &mut out, duty_total);
    out
}

fn duty(rng: &mut Rng, name: &str) -> Duty {
    let accountability = if rng.chance(1, 5) {
        String::new()
    } else {
        rng.pick(&ACCOUNTABILITY).replace("{d}", name)
    };
    Duty {
        name: name.to_string(),
        accountability,
    }
}

/// Adds optional duties round-robin (from a random start) until there are `total`, or removes
/// the last ones the same way if there are too many.
fn top_up(rng: &mut Rng, entries: &mut [ListEntry], total: usize) {
    let n = entries.len();
    if n == 0 {
        return;
    }
    let mut have: usize = entries.iter().map(|e| e.duties.len()).sum();
    let mut i = rng.below(n);
    let mut idle = 0;
    while have != total && idle < n {
        let e = &mut entries[i];
        let (core, extra) = duties(e.item_type);
        let k = e.duties.len();
        if have < total && k < core.len() + extra.len() {
            let name = if k < core.len() {
                core[k]
            } else {
                extra[k - core.len()]
            };
            let d = duty(rng, name);
            e.duties.push(d);
            have += 1;
            idle = 0;
        } else if have > total && k > 1 {
            e.duties.pop();
            have -= 1;
            idle = 0;
        } else {
            idle += 1;
        }
        i = (i + 1) % n;
    }
}
