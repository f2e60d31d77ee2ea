//! Tests of the demo catalogue: counts, validity, placement on the org tree and searchability.

use std::collections::{BTreeMap, BTreeSet};

use tongban_domain::catalog::{ItemType, ServiceItem, Theme, TransactionKind, validate_item};

use super::summary::dept_slug;
use super::*;
use crate::{AdminLevel, DemoConfig, generate};

fn city() -> DemoCity {
    generate(&DemoConfig {
        citizens: 1,
        enterprises: 1,
        ..DemoConfig::default()
    })
}

fn items() -> Vec<ServiceItem> {
    catalog_items(&city())
}

fn of_type(items: &[ServiceItem], t: ItemType) -> Vec<&ServiceItem> {
    items.iter().filter(|i| i.item_type == t).collect()
}

#[test]
fn there_are_exactly_351_licensing_items_of_37_department_kinds_on_three_levels() {
    let items = items();
    let lic = of_type(&items, ItemType::AdministrativeLicensing);
    assert_eq!(lic.len(), LICENSING_ITEMS);
    let kinds: BTreeSet<&str> = lic.iter().map(|i| dept_slug(&i.department_id)).collect();
    assert_eq!(kinds.len(), LICENSING_DEPARTMENTS, "{kinds:?}");
    for level in [AdminLevel::City, AdminLevel::County, AdminLevel::Township] {
        assert!(lic.iter().any(|i| i.level == level), "{level:?}");
    }
    assert_eq!(
        items.len(),
        lic.len() + of_type(&items, ItemType::PublicService).len()
    );
}

#[test]
fn there_are_enough_public_services() {
    let items = items();
    assert!(of_type(&items, ItemType::PublicService).len() >= 60);
}

#[test]
fn every_item_passes_validation_and_keeps_to_the_demo_shape() {
    for item in items() {
        assert_eq!(validate_item(&item), vec![], "{}", item.name);
        assert!((2..=4).contains(&item.steps.len()), "{}", item.name);
        assert!((1..=6).contains(&item.materials.len()), "{}", item.name);
        assert!((1..=3).contains(&item.conditions.len()), "{}", item.name);
        assert!(item.promised_limit_days <= item.legal_limit_days || item.legal_limit_days == 0);
        let immediate = item.transaction_kind == TransactionKind::Immediate;
        assert_eq!(immediate, item.promised_limit_days == 0, "{}", item.name);
        assert!(!item.online_depth.is_empty() && !item.hall_ids.is_empty());
        assert!(item.legal_basis.contains('《'), "{}", item.name);
        assert_eq!(item.complaint_phone, "12345");
        let phone = item.consultation_phone.as_bytes();
        assert!(item.consultation_phone.starts_with("0827-") && phone.len() == 12);
        assert!(phone[5..].iter().all(u8::is_ascii_digit));
    }
}

#[test]
fn codes_are_unique_and_built_from_the_department_uscc() {
    let city = city();
    let items = catalog_items(&city);
    let mut basics = BTreeSet::new();
    for item in &items {
        assert!(
            basics.insert(item.basic_code.clone()),
            "{}",
            item.basic_code
        );
        let dept = city
            .departments
            .iter()
            .find(|d| d.key == item.department_id);
        let uscc = dept.map(|d| d.uscc.as_str()).unwrap_or("?");
        assert_eq!(
            item.implementation_code,
            format!("{uscc}-{}", item.basic_code)
        );
        assert_eq!(
            item.handling_code,
            format!("{}-01", item.implementation_code)
        );
    }
}

#[test]
fn every_department_and_hall_exists_and_township_items_sit_in_their_county() {
    let city = city();
    let depts: BTreeSet<&str> = city.departments.iter().map(|d| d.key.as_str()).collect();
    let halls: BTreeMap<&str, &crate::HallSeed> =
        city.halls.iter().map(|h| (h.key.as_str(), h)).collect();
    for item in catalog_items(&city) {
        assert!(
            depts.contains(item.department_id.as_str()),
            "{}",
            item.department_id
        );
        let code6 = &item.department_id[..6];
        for id in &item.hall_ids {
            let hall = halls.get(id.as_str());
            assert!(hall.is_some(), "{id}");
            let Some(hall) = hall else { continue };
            assert!(
                hall.division_code.starts_with(code6),
                "{id} for {}",
                item.name
            );
            let expected = match item.level {
                AdminLevel::City => HallKind::CityCenter,
                AdminLevel::County => HallKind::CountyCenter,
                _ => HallKind::TownshipCenter,
            };
            assert_eq!(hall.kind, expected, "{}", item.name);
        }
        if item.level == AdminLevel::City {
            assert!(item.department_id.starts_with("511900-"));
        } else {
            assert!(!item.department_id.starts_with("511900-"));
        }
    }
}

#[test]
fn names_are_unique_within_a_department() {
    let mut seen = BTreeSet::new();
    for item in items() {
        assert!(
            seen.insert((item.department_id.clone(), item.name.clone())),
            "{} {}",
            item.department_id,
            item.name
        );
    }
}

#[test]
fn searching_business_licence_finds_the_registration_items_by_name_or_alias() {
    let items = items();
    let direct: Vec<&str> = items
        .iter()
        .filter(|i| i.name.contains("营业执照") || i.aliases.iter().any(|a| a.contains("营业执照")))
        .map(|i| i.name.as_str())
        .collect();
    assert!(direct.len() >= 2, "{direct:?}");
    for name in ["企业设立登记", "个体工商户设立登记"] {
        assert!(direct.contains(&name), "{name}");
    }
    let as_material = items
        .iter()
        .filter(|i| i.materials.iter().any(|m| m.name == "营业执照"))
        .count();
    assert!(as_material > direct.len());
}

#[test]
fn every_theme_is_used() {
    let items = items();
    for theme in Theme::ALL {
        assert!(
            items.iter().any(|i| i.themes.contains(theme)),
            "{}",
            theme.name_zh()
        );
    }
}

#[test]
fn the_catalogue_shows_the_whole_range_of_the_model() {
    let items = items();
    let materials = || items.iter().flat_map(|i| &i.materials);
    assert!(materials().any(|m| m.licence_type.as_deref() == Some("营业执照")));
    assert!(materials().any(|m| m.licence_type.as_deref() == Some("不动产权证书")));
    assert!(materials().any(|m| m.licence_type.as_deref() == Some("结婚证")));
    assert!(materials().any(|m| m.may_be_missing));
    assert!(materials().any(|m| m.may_be_committed));
    assert!(items.iter().filter(|i| i.fees.charged).count() >= 5);
    assert!(
        items
            .iter()
            .any(|i| i.fees.items.iter().any(|f| f.amount_fen.is_none()))
    );
    let immediate = items
        .iter()
        .filter(|i| i.transaction_kind == TransactionKind::Immediate)
        .count();
    assert!(immediate >= 20, "{immediate}");
    assert!(items.iter().any(|i| !i.special_procedures.is_empty()));
    assert!(items.iter().any(|i| i.speed_up_percent() >= 50));
    for level in tongban_domain::catalog::OnlineLevel::ALL {
        assert!(items.iter().any(|i| i.online_level == *level));
    }
}

#[test]
fn the_catalogue_is_deterministic() {
    let city = city();
    assert_eq!(catalog_items(&city), catalog_items(&city));
}

#[test]
fn variants_are_only_declared_on_names_without_a_trailing_qualifier() {
    for dept in licensing_tables() {
        for row in dept.rows {
            assert!(row.2 == 0 || !row.0.ends_with('）'), "{}", row.0);
        }
    }
}

#[test]
fn the_summary_reports_the_counts() {
    let s = catalog_summary(&items());
    assert!(s.contains("01 行政许可: 351 (37 department kinds"), "{s}");
    assert!(s.contains("20 公共服务"), "{s}");
}

#[test]
fn variants_share_the_online_level_and_promise_no_more_than_their_base() {
    let items = items();
    for item in &items {
        let Some((base, _)) = item.name.rsplit_once('（') else {
            continue;
        };
        let Some(parent) = items.iter().find(|i| {
            i.name == base && i.department_id == item.department_id && i.item_type == item.item_type
        }) else {
            continue;
        };
        assert_eq!(parent.online_level, item.online_level, "{}", item.name);
        assert!(
            item.promised_limit_days <= parent.promised_limit_days,
            "{}",
            item.name
        );
        assert_eq!(
            &item.basic_code[..8],
            &parent.basic_code[..8],
            "{}",
            item.name
        );
    }
}
