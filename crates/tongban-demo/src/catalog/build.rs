//! Turns table rows into full [`ServiceItem`]s: codes, time limits, steps, online depth,
//! channels, materials, conditions and phones, all consistent with `validate_item`.

use tongban_domain::catalog::{
    Channel, ItemType, Material, OnlineDepth, OnlineLevel, ServiceItem, Step, Theme,
    TransactionKind,
};

use super::Place;
use super::fees::fees_for;
use super::materials::{
    BUSINESS_LICENCE, Flag, ID_CARD, LEGAL_REP_ID, MatDef, application_form, material,
};
use super::model::{LicRow, Obj, Profile, PubRow, VARIANTS};
use crate::rng::Rng;

const CATALOG_SEED: u64 = 0x5119_0020_2600_0003;
const LICENSING_LAW: &str = "《中华人民共和国行政许可法》第十二条";
const PROMISE_SHARE: [u32; 5] = [20, 25, 30, 40, 50];

/// 办理流程 whose budgets add up to exactly `promised` working days.
pub(crate) fn steps(promised: u32) -> Vec<Step> {
    let step = |name: &str, role: &str, budget_days: u32| Step {
        name: name.into(),
        role: role.into(),
        budget_days,
    };
    match promised {
        0 => vec![
            step("受理", "window_clerk", 0),
            step("办结", "window_clerk", 0),
        ],
        1 | 2 => vec![
            step("受理", "window_clerk", 0),
            step("审查", "reviewer", 1),
            step("决定", "approver", promised - 1),
        ],
        p => {
            let deliver = u32::from(p >= 5);
            vec![
                step("受理", "window_clerk", 1),
                step("审查", "reviewer", p - 2 - deliver),
                step("决定", "approver", 1),
                step("送达", "window_clerk", deliver),
            ]
        }
    }
}

fn level_of(code: u8) -> OnlineLevel {
    match code {
        1 => OnlineLevel::One,
        2 => OnlineLevel::Two,
        3 => OnlineLevel::Three,
        _ => OnlineLevel::Four,
    }
}

/// 网上办理深度 codes matching the level.
fn depth(level: OnlineLevel, licence_result: bool) -> Vec<OnlineDepth> {
    use OnlineDepth as D;
    let mut out = match level {
        OnlineLevel::One => vec![D::Consultation],
        OnlineLevel::Two => vec![D::Consultation, D::Submission, D::PreReview],
        OnlineLevel::Three | OnlineLevel::Four => vec![
            D::Consultation,
            D::Submission,
            D::PreReview,
            D::Acceptance,
            D::Handling,
            D::ResultFeedback,
        ],
    };
    if level == OnlineLevel::Four && licence_result {
        out.push(D::LicenceFeedback);
    }
    out
}

/// Visits and channels for a level; `mailed` = results go out by post.
fn visits_and_channels(level: OnlineLevel, mailed: bool, outlet: bool) -> (u32, Vec<Channel>) {
    let mut channels = vec![Channel::Window];
    let visits = match level {
        OnlineLevel::One => 2 - u32::from(mailed),
        OnlineLevel::Two => 1,
        OnlineLevel::Three => u32::from(!mailed),
        OnlineLevel::Four => 0,
    };
    if level != OnlineLevel::One {
        channels.push(Channel::Pc);
    }
    if matches!(level, OnlineLevel::Three | OnlineLevel::Four) {
        channels.push(Channel::Phone);
        if visits == 0 {
            channels.push(Channel::Post);
        }
    }
    if outlet {
        channels.push(Channel::PartnerOutlet);
    }
    (visits, channels)
}

fn limit_notes(legal: u32, promised: u32, special: Option<&str>, public: bool) -> (String, String) {
    let legal_note = match (legal, public) {
        (0, true) => "法律法规未规定办结时限".to_string(),
        (0, false) => "即办".to_string(),
        (n, _) => format!("自受理之日起 {n} 个工作日内作出决定"),
    };
    let promised_note = match (promised, special) {
        (0, _) => "即来即办，材料齐全的当场办结".to_string(),
        (n, Some(s)) => format!("自受理之日起 {n} 个工作日内办结（{s}所需时间不计算在内）"),
        (n, None) => format!("自受理之日起 {n} 个工作日内办结"),
    };
    (legal_note, promised_note)
}

/// Themes the name suggests, on top of the department's.
fn name_themes(name: &str) -> Vec<Theme> {
    const RULES: &[(&str, Theme)] = &[
        ("宅基地", Theme::Housing),
        ("预售", Theme::Housing),
        ("入学", Theme::School),
        ("教师资格", Theme::Work),
        ("执业注册", Theme::Work),
        ("从业资格", Theme::Work),
        ("工作许可", Theme::Work),
        ("作业人员", Theme::Work),
        ("设立登记", Theme::Business),
        ("施工许可", Theme::Construction),
        ("规划许可", Theme::Construction),
        ("消防", Theme::Construction),
    ];
    RULES
        .iter()
        .filter(|(k, _)| name.contains(k))
        .map(|(_, t)| *t)
        .collect()
}

fn push_material(out: &mut Vec<Material>, m: Material) {
    if out.len() < 6 && out.iter().all(|x| x.name != m.name) {
        out.push(m);
    }
}

/// Proof of who applies, by service object.
fn identity(obj: Obj, name: &str) -> Vec<MatDef> {
    let founding = ["设立", "成立", "筹备"].iter().any(|k| name.contains(k));
    match obj {
        Obj::P => vec![ID_CARD],
        Obj::B => vec![
            MatDef {
                flag: Flag::Optional,
                ..ID_CARD
            },
            MatDef {
                flag: Flag::Optional,
                ..BUSINESS_LICENCE
            },
        ],
        Obj::S => vec![LEGAL_REP_ID],
        Obj::E | Obj::O if founding => vec![LEGAL_REP_ID],
        Obj::E | Obj::O => vec![BUSINESS_LICENCE],
    }
}

/// Codes: 基本编码 (Sichuan-style, 14 characters), 实施编码 and 业务办理项编码.
fn codes(prefix: &str, main: u32, sub: u32, uscc: &str) -> (String, String, String) {
    let basic = format!("{prefix}{main:04}{sub:03}000");
    let implementation = format!("{uscc}-{basic}");
    let handling = format!("{implementation}-01");
    (basic, implementation, handling)
}

/// A 行政许可 item: the base entry (`sub` = 0) or one of its 业务办理项 variants.
pub(crate) fn licensing(
    place: &Place<'_>,
    profile: &Profile,
    row: &LicRow,
    main: u32,
    sub: u32,
) -> ServiceItem {
    let (base, _, _, base_legal, obj, law, aliases) = *row;
    // Time-limit share and online level are per row, so the variants of an entry agree.
    let mut row_rng = Rng::derive(CATALOG_SEED ^ 0xFFFF, u64::from(main));
    let share = row_rng.pick(&PROMISE_SHARE);
    let level = level_of(row_rng.pick(&[1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4]));
    let (visits, channels) = visits_and_channels(level, row_rng.chance(1, 2), false);
    let mut rng = Rng::derive(CATALOG_SEED, u64::from(main) * 8 + u64::from(sub));
    let variant = VARIANTS.get((sub as usize).wrapping_sub(1)).map(|v| v.1);
    let name = match variant {
        Some(suffix) => format!("{base}（{suffix}）"),
        None => base.to_string(),
    };
    let legal = match variant {
        Some("延续") | None => base_legal,
        Some(_) => base_legal.min(10),
    };
    let promised = if legal == 0 {
        0
    } else {
        (legal * share / 100).max(1)
    };
    let special = (promised > 0 && !profile.specials.is_empty() && rng.chance(1, 2))
        .then(|| rng.pick(profile.specials));
    let incomplete_ok = rng.chance(2, 5);
    let commitment_ok = rng.chance(3, 10);

    let mut materials = vec![application_form(&name)];
    for def in identity(obj, base) {
        push_material(&mut materials, material(&def, incomplete_ok, commitment_ok));
    }
    let extra = match variant {
        Some("变更") => "变更事项相关证明材料",
        Some("延续") => "许可有效期内守法经营情况说明",
        Some("注销") => "原许可证件（正、副本）",
        Some(_) => "许可证件遗失或者损毁情况说明",
        None => "",
    };
    if !extra.is_empty() {
        push_material(
            &mut materials,
            material(&super::materials::own(extra), false, false),
        );
    }
    let pool = profile.pool;
    let picks = if variant.is_some() {
        1
    } else {
        1 + rng.below(3)
    };
    let start = rng.below(pool.len());
    for i in 0..picks.min(pool.len()) {
        let def = &pool[(start + i) % pool.len()];
        push_material(&mut materials, material(def, incomplete_ok, commitment_ok));
    }

    let mut conditions: Vec<String> = Vec::new();
    match variant {
        Some("变更") => conditions.push("已取得该许可，且许可证件载明的事项发生变化。".into()),
        Some("延续") => {
            conditions.push("许可有效期届满 30 日前提出延续申请，且仍符合许可条件。".into())
        }
        Some("注销") => {
            conditions.push("许可有效期届满未延续、主体终止或者自愿申请注销。".into())
        }
        Some(_) => conditions.push("许可证件遗失或者损毁，且许可仍在有效期内。".into()),
        None => {}
    }
    let cs = profile.conditions;
    let take = if variant.is_some() {
        1
    } else {
        1 + rng.below(cs.len().min(3))
    };
    let first = rng.below(cs.len());
    for i in 0..take.min(cs.len()) {
        conditions.push(cs[(first + i) % cs.len()].to_string());
    }

    let mut themes: Vec<Theme> = profile.themes.to_vec();
    for t in name_themes(base) {
        if !themes.contains(&t) {
            themes.push(t);
        }
    }
    let (legal_note, promised_note) = limit_notes(legal, promised, special, false);
    let (basic_code, implementation_code, handling_code) =
        codes("511A", main, sub, &place.dept.uscc);
    ServiceItem {
        name,
        aliases: if variant.is_none() {
            aliases.iter().map(|a| a.to_string()).collect()
        } else {
            Vec::new()
        },
        item_type: ItemType::AdministrativeLicensing,
        basic_code,
        implementation_code,
        handling_code,
        level: place.lv.admin_level(),
        department_id: place.dept.key.clone(),
        legal_basis: format!("{LICENSING_LAW}；{law}"),
        legal_limit_days: legal,
        legal_limit_note: legal_note,
        promised_limit_days: promised,
        promised_limit_note: promised_note,
        transaction_kind: kind(promised),
        visits,
        online_depth: depth(level, true),
        online_level: level,
        channels,
        fees: if variant.is_none() {
            fees_for(base)
        } else {
            Default::default()
        },
        conditions,
        steps: steps(promised),
        special_procedures: special.map(str::to_string).into_iter().collect(),
        service_objects: obj.objects(),
        themes,
        hall_ids: place.hall_ids.clone(),
        materials,
        allows_incomplete_acceptance: incomplete_ok,
        allows_commitment: commitment_ok,
        consultation_phone: place.phone.clone(),
        complaint_phone: "12345".into(),
    }
}

fn kind(promised: u32) -> TransactionKind {
    if promised == 0 {
        TransactionKind::Immediate
    } else {
        TransactionKind::Promised
    }
}

/// A 公共服务 item.
pub(crate) fn public_service(place: &Place<'_>, row: &PubRow, main: u32) -> ServiceItem {
    let (name, slug, _, legal, promised, online, obj, themes, aliases, law, cond, mats) = *row;
    let level = level_of(online);
    let outlet = slug == "gjj" || name.contains("社会保障卡");
    let (visits, channels) = visits_and_channels(level, true, outlet);
    let incomplete_ok = mats.iter().any(|m| m.flag == Flag::Missable);
    let commitment_ok = mats.iter().any(|m| m.flag == Flag::Commitable);
    let mut materials = Vec::new();
    if promised > 0 {
        materials.push(application_form(name));
    }
    for def in mats {
        push_material(&mut materials, material(def, incomplete_ok, commitment_ok));
    }
    let special = ["低保", "特困", "救助"]
        .iter()
        .any(|k| name.contains(k))
        .then_some("入户调查、民主评议和公示");
    let (legal_note, promised_note) = limit_notes(legal, promised, special, true);
    let (basic_code, implementation_code, handling_code) = codes("512C", main, 0, &place.dept.uscc);
    let licence_result = name.contains("证") || name.contains("登记");
    ServiceItem {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        item_type: ItemType::PublicService,
        basic_code,
        implementation_code,
        handling_code,
        level: place.lv.admin_level(),
        department_id: place.dept.key.clone(),
        legal_basis: law.into(),
        legal_limit_days: legal,
        legal_limit_note: legal_note,
        promised_limit_days: promised,
        promised_limit_note: promised_note,
        transaction_kind: kind(promised),
        visits,
        online_depth: depth(level, licence_result),
        online_level: level,
        channels,
        fees: fees_for(name),
        conditions: vec![cond.into(), "申请材料齐全、真实、有效。".into()],
        steps: steps(promised),
        special_procedures: special.map(str::to_string).into_iter().collect(),
        service_objects: obj.objects(),
        themes: themes.to_vec(),
        hall_ids: place.hall_ids.clone(),
        materials,
        allows_incomplete_acceptance: incomplete_ok,
        allows_commitment: commitment_ok,
        consultation_phone: place.phone.clone(),
        complaint_phone: "12345".into(),
    }
}
