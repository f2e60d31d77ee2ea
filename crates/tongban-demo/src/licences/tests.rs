//! Tests of the demo licence catalogue, the 互通互认清单 and the licence history.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use time::Date;
use time::macros::date;
use tongban_domain::catalog::{ItemType, ServiceItem};
use tongban_domain::licence::{HolderKind, LicenceState, LicenceType, Validity, recognised};
use tongban_domain::uscc::Uscc;

use super::catalogue::{base_name, defs, slug};
use super::face::{birth_and_sex, derived};
use super::history::age;
use super::*;
use crate::{DemoCity, DemoConfig, catalog_items, generate};

const TODAY: Date = date!(2026 - 11 - 30);

fn city() -> &'static DemoCity {
    static CITY: OnceLock<DemoCity> = OnceLock::new();
    CITY.get_or_init(|| generate(&DemoConfig::default()))
}

fn types() -> &'static [LicenceType] {
    static TYPES: OnceLock<Vec<LicenceType>> = OnceLock::new();
    TYPES.get_or_init(|| licence_types(city()))
}

fn items() -> &'static [ServiceItem] {
    static ITEMS: OnceLock<Vec<ServiceItem>> = OnceLock::new();
    ITEMS.get_or_init(|| catalog_items(city()))
}

fn by_name(name: &str) -> Option<&'static LicenceType> {
    types().iter().find(|t| t.name == name)
}

#[test]
fn there_are_165_types_with_unique_names_and_codes_whose_authorities_are_valid_credit_codes() {
    let types = types();
    assert_eq!(types.len(), LICENCE_TYPES);
    assert_eq!(defs().count(), LICENCE_TYPES);
    let names: BTreeSet<&str> = types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), LICENCE_TYPES);
    let codes: BTreeSet<&str> = types.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes.len(), LICENCE_TYPES);
    for t in types {
        assert!(
            Uscc::parse(t.code.authority()).is_ok(),
            "{} {}",
            t.name,
            t.code
        );
        assert!(!t.authority_name.is_empty(), "{}", t.name);
    }
    for auth in authorities::all() {
        assert!(authorities::uscc(auth).is_some(), "{auth:?}");
    }
}

#[test]
fn the_ministry_of_housing_keeps_its_real_code_and_the_sample_type_code() {
    let t = by_name("建筑施工特种作业人员操作资格证书");
    assert_eq!(t.map(|t| t.code.as_str()), Some("11100000000013338W032"));
    assert_eq!(
        t.map(|t| t.authority_name.as_str()),
        Some("住房和城乡建设部")
    );
}

#[test]
fn both_holder_kinds_and_every_sector_are_present() {
    let persons = types()
        .iter()
        .filter(|t| t.holder_kind == HolderKind::Person)
        .count();
    assert!(persons >= 60, "{persons}");
    assert!(LICENCE_TYPES - persons >= 60, "{persons}");
    let authorities: BTreeSet<&str> = types().iter().map(|t| t.authority_name.as_str()).collect();
    assert!(authorities.len() >= 30, "{authorities:?}");
}

#[test]
fn realistic_validities_are_kept() {
    let validity = |n: &str| by_name(n).map(|t| t.validity);
    assert_eq!(validity("营业执照"), Some(Validity::Permanent));
    assert_eq!(validity("食品经营许可证"), Some(Validity::Years(5)));
    assert_eq!(validity("机动车驾驶证"), Some(Validity::Years(6)));
    assert_eq!(validity("结婚证"), Some(Validity::Permanent));
}

#[test]
fn each_type_has_two_to_six_distinct_kz_face_fields_each_derived_or_drawn_from_values() {
    for def in defs() {
        let n = def.face.len();
        assert!((2..=6).contains(&n), "{} has {n} face fields", def.name);
        let keys: BTreeSet<&str> = def.face.iter().map(|f| f.0).collect();
        assert_eq!(keys.len(), n, "{}", def.name);
        for (key, label, values) in def.face {
            assert!(key.starts_with("KZ_") && !label.is_empty(), "{}", def.name);
            let person = def.holder == HolderKind::Person;
            assert!(
                !values.is_empty() || derived(key, person),
                "{}: {key} has neither values nor a derivation",
                def.name
            );
        }
    }
}

#[test]
fn each_type_is_issued_by_departments_of_the_city_including_those_of_its_items() {
    let city = city();
    let items = items();
    for t in types() {
        assert!(!t.issuing_department_ids.is_empty(), "{}", t.name);
        let slugs: BTreeSet<&str> = t.issuing_department_ids.iter().map(|d| slug(d)).collect();
        assert_eq!(slugs.len(), 1, "{}: {slugs:?}", t.name);
        for id in &t.issuing_department_ids {
            assert!(city.departments.iter().any(|d| &d.key == id), "{id}");
        }
        for code in &t.issuing_items {
            let item = items.iter().find(|i| &i.basic_code == code);
            let Some(item) = item else {
                panic!("{}: no item {code}", t.name);
            };
            assert!(
                t.issuing_department_ids.contains(&item.department_id),
                "{}: {} is handled by {}",
                t.name,
                item.name,
                item.department_id
            );
        }
    }
}

#[test]
fn every_item_a_type_names_exists_in_the_catalogue() {
    let items = items();
    for def in defs() {
        for name in def.items {
            assert!(
                items.iter().any(|i| base_name(&i.name).0 == *name),
                "{}: no item {name}",
                def.name
            );
        }
    }
}

/// Licensing items ending in 许可 whose result is not one of the 165 types: a one-off 准予许可
/// 决定书 for works near infrastructure, a 初审 whose licence the province issues, and
/// per-shipment or per-event permits the demo catalogue of 165 types leaves out.
const WITHOUT_LICENCE: &[&str] = &[
    "在公路建筑控制区内埋设管道、电缆等设施许可",
    "在大坝管理和保护范围内修建码头、鱼塘许可",
    "在石油天然气管道保护范围内进行特定施工作业许可",
    "电力设施保护区内施工作业许可",
    "宗教活动场所内改建或者新建建筑物许可",
    "民用爆炸物品销售许可（初审）",
    "举办焰火晚会及其他大型焰火燃放活动许可",
    "第一类易制毒化学品运输许可",
    "放射性物品道路运输许可",
];

#[test]
fn every_licensing_item_that_grants_a_certificate_issues_a_type() {
    let issued: HashSet<&str> = types()
        .iter()
        .flat_map(|t| &t.issuing_items)
        .map(String::as_str)
        .collect();
    let grants = |name: &str| {
        let (base, variant) = base_name(name);
        let certificate = ["许可", "核发", "注册", "登记", "资格"]
            .iter()
            .any(|k| base.ends_with(k) || base.contains(&format!("{k}（")));
        certificate && variant != Some("注销") && !WITHOUT_LICENCE.contains(&base)
    };
    let missing: Vec<&str> = items()
        .iter()
        .filter(|i| i.item_type == ItemType::AdministrativeLicensing && grants(&i.name))
        .filter(|i| !issued.contains(i.basic_code.as_str()))
        .map(|i| i.name.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn every_licence_name_a_catalogue_material_uses_is_exactly_one_type() {
    let used: BTreeSet<&str> = items()
        .iter()
        .flat_map(|i| &i.materials)
        .filter_map(|m| m.licence_type.as_deref())
        .collect();
    assert!(used.len() >= 15, "{used:?}");
    for name in used {
        let n = types().iter().filter(|t| t.name == name).count();
        assert_eq!(n, 1, "{name}");
    }
}

#[test]
fn the_materials_a_type_replaces_are_catalogue_materials() {
    let materials: BTreeSet<&str> = items()
        .iter()
        .flat_map(|i| &i.materials)
        .map(|m| m.name.as_str())
        .collect();
    for t in types() {
        for m in &t.replaces_materials {
            assert!(materials.contains(m.as_str()), "{}: {m}", t.name);
            assert!(t.replaces(m));
        }
    }
    let id = by_name("居民身份证");
    assert!(id.is_some_and(|t| t.replaces("法定代表人（负责人）居民身份证")));
}

#[test]
fn recognitions_cover_every_use_of_a_licence_by_a_material() {
    let list = recognitions(city());
    for item in items() {
        for m in &item.materials {
            let Some(name) = m.licence_type.as_deref() else {
                continue;
            };
            let Some(t) = by_name(name) else {
                panic!("no type {name}");
            };
            assert!(
                recognised(&list, &item.department_id, &t.code, &item.basic_code),
                "{} may not use {name} for {}",
                item.department_id,
                item.name
            );
        }
    }
    let broad = list.iter().filter(|r| r.item_code.is_none()).count();
    assert!(broad >= 10, "{broad}");
    let licence = by_name("营业执照").map(|t| t.code.clone());
    assert!(licence.is_some_and(|c| recognised(&list, "511902-gaj", &c, "ANY")));
}

fn history(total: usize) -> Vec<HistoricLicence> {
    historic_licences(city(), total, TODAY).collect()
}

#[test]
fn the_history_is_deterministic() {
    let a: Vec<_> = historic_licences(city(), 5_000, TODAY).take(100).collect();
    let b: Vec<_> = historic_licences(city(), 5_000, TODAY).take(100).collect();
    assert_eq!(a, b);
    let other = generate(&DemoConfig {
        seed: 7,
        ..DemoConfig::default()
    });
    let c: Vec<_> = historic_licences(&other, 5_000, TODAY).take(100).collect();
    assert_ne!(
        a.iter().map(|l| &l.serial).collect::<Vec<_>>(),
        c.iter().map(|l| &l.serial).collect::<Vec<_>>()
    );
}

#[test]
fn the_history_holds_total_licences_valid_in_every_field() {
    let city = city();
    let types = types();
    let all = history(20_000);
    assert_eq!(all.len(), 20_000);
    let mut serials = HashSet::new();
    let mut numbers = HashSet::new();
    for l in &all {
        let t = &types[l.type_index];
        assert!(serials.insert(l.serial.clone()), "serial {}", l.serial);
        assert_eq!(l.serial.len(), 20);
        assert!(
            l.serial
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        assert!(
            numbers.insert((l.type_index, l.number.clone())),
            "{} {}",
            t.name,
            l.number
        );
        assert!(l.issued_on < TODAY, "{}", l.issued_on);
        assert!(l.issued_on > date!(1930 - 01 - 01));
        assert_eq!(l.valid_until, t.validity.until(l.issued_on));
        assert!(t.issuing_department_ids.contains(&l.issuing_department_id));
        match (l.holder, t.holder_kind) {
            (HolderRef::Citizen(i), HolderKind::Person) => {
                let def = defs().nth(l.type_index);
                let ages = def.map_or((0, u8::MAX), |d| d.ages);
                let birth = city
                    .citizens
                    .get(i)
                    .and_then(|c| birth_and_sex(&c.id_number).0);
                let years = birth.map(|b| age(b, TODAY));
                let range = i32::from(ages.0)..=i32::from(ages.1);
                assert!(
                    years.is_some_and(|y| range.contains(&y)),
                    "{} {years:?}",
                    t.name
                );
            }
            (HolderRef::Enterprise(i), HolderKind::Organisation) => {
                assert!(i < city.enterprises.len())
            }
            other => panic!("{}: {other:?}", t.name),
        }
        for f in &t.face_fields {
            let v = l.face.get(&f.key).map_or("", String::as_str);
            assert!(!v.is_empty(), "{} {} empty", t.name, f.key);
        }
        assert_eq!(l.face.len(), t.face_fields.len());
        if let Some((state, reason)) = &l.suspended_or_revoked {
            assert!(matches!(
                state,
                LicenceState::Suspended | LicenceState::Revoked
            ));
            assert!(!reason.is_empty());
        }
    }
    let flagged = all
        .iter()
        .filter(|l| l.suspended_or_revoked.is_some())
        .count();
    assert!((40..=180).contains(&flagged), "{flagged}");
}

#[test]
fn a_holder_holds_one_licence_of_a_type_unless_the_type_allows_more() {
    let all = history(60_000);
    let mut per: BTreeMap<(usize, HolderRef), usize> = BTreeMap::new();
    for l in &all {
        *per.entry((l.type_index, l.holder)).or_default() += 1;
    }
    for ((t, holder), n) in per {
        let def = defs().nth(t);
        let copies = def.map_or(1, |d| usize::from(d.copies));
        assert!(n <= copies, "{} {holder:?} holds {n}", types()[t].name);
    }
}

#[test]
fn person_licences_dominate_and_the_common_papers_lead() {
    let all = history(30_000);
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &all {
        *count
            .entry(types()[l.type_index].name.as_str())
            .or_default() += 1;
    }
    let persons = all
        .iter()
        .filter(|l| matches!(l.holder, HolderRef::Citizen(_)))
        .count();
    assert!(persons * 2 > all.len(), "{persons}");
    let id = count.get("居民身份证").copied().unwrap_or(0);
    let lawyer = count.get("律师执业证").copied().unwrap_or(0);
    assert!(id > 20 * lawyer.max(1), "{id} vs {lawyer}");
    assert!(count.get("营业执照").copied().unwrap_or(0) > 500);
}

#[test]
fn a_city_too_small_for_the_total_gives_what_it_can() {
    let small = generate(&DemoConfig {
        citizens: 3,
        enterprises: 2,
        ..DemoConfig::default()
    });
    let all: Vec<_> = historic_licences(&small, 100_000, TODAY).collect();
    assert!(!all.is_empty() && all.len() < 2_000, "{}", all.len());
    let none = generate(&DemoConfig {
        citizens: 0,
        enterprises: 0,
        ..DemoConfig::default()
    });
    assert_eq!(historic_licences(&none, 1_000, TODAY).count(), 0);
}

#[test]
fn generating_153000_licences_works() {
    let start = std::time::Instant::now();
    let mut serials = HashSet::with_capacity(153_000);
    let mut n = 0;
    for l in historic_licences(city(), 153_000, TODAY) {
        n += 1;
        serials.insert(l.serial);
    }
    assert_eq!(n, 153_000);
    assert_eq!(serials.len(), 153_000);
    eprintln!("153,000 historic licences in {:?}", start.elapsed());
}
