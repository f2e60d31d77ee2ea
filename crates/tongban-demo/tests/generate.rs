//! End-to-end checks of the generated demo city against the domain validators.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};

use time::macros::date;
use tongban_demo::{DemoCity, DemoConfig, HallKind, UnitKind, generate, summary};
use tongban_domain::division::{AdminLevel, DivisionCode};
use tongban_domain::resident_id::ResidentIdNumber;
use tongban_domain::role::Role;
use tongban_domain::uscc::Uscc;

fn city() -> DemoCity {
    generate(&DemoConfig::default())
}

fn count_level(city: &DemoCity, level: AdminLevel) -> usize {
    city.divisions.iter().filter(|d| d.level == level).count()
}

fn assert_unique<'a>(what: &str, items: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "duplicate {what}: {item}");
    }
}

fn inside(lat: i64, lon: i64) -> bool {
    (31_250_000..=32_750_000).contains(&lat) && (106_350_000..=107_850_000).contains(&lon)
}

#[test]
fn the_same_seed_yields_identical_output() {
    let cfg = DemoConfig {
        seed: 99,
        citizens: 500,
        enterprises: 200,
    };
    assert_eq!(generate(&cfg), generate(&cfg));
    assert_eq!(
        format!("{:?}", generate(&cfg)),
        format!("{:?}", generate(&cfg))
    );
}

#[test]
fn different_seeds_give_different_people_but_the_same_geography() {
    let a = generate(&DemoConfig {
        seed: 1,
        ..DemoConfig::default()
    });
    let b = generate(&DemoConfig {
        seed: 2,
        ..DemoConfig::default()
    });
    assert_ne!(a.citizens, b.citizens);
    assert_ne!(a.enterprises, b.enterprises);
    assert_eq!(a.divisions, b.divisions);
    assert_eq!(a.staff, b.staff);
}

#[test]
fn the_city_has_five_counties_202_townships_and_about_2000_villages() {
    let c = city();
    assert_eq!(count_level(&c, AdminLevel::Province), 1);
    assert_eq!(count_level(&c, AdminLevel::City), 1);
    assert_eq!(count_level(&c, AdminLevel::County), 5);
    assert_eq!(count_level(&c, AdminLevel::Township), 202);
    let villages = count_level(&c, AdminLevel::Village);
    assert!((1_800..=2_300).contains(&villages), "{villages} villages");
}

#[test]
fn every_division_code_parses_with_its_level_and_lies_in_its_parent() {
    let c = city();
    let codes: HashSet<&str> = c.divisions.iter().map(|d| d.code.as_str()).collect();
    for d in &c.divisions {
        let code = DivisionCode::parse(&d.code).unwrap();
        assert_eq!(code.level(), d.level, "{}", d.code);
        let parent = code.parent().map(|p| p.as_str().to_owned());
        assert_eq!(parent, d.parent_code, "{}", d.code);
        if let Some(p) = &d.parent_code {
            assert!(codes.contains(p.as_str()), "missing parent {p}");
        }
        assert!(!d.name.is_empty());
    }
    assert_unique("division code", c.divisions.iter().map(|d| d.code.as_str()));
}

#[test]
fn there_are_45_city_departments_with_county_counterparts() {
    let c = city();
    let city_depts: Vec<_> = c
        .departments
        .iter()
        .filter(|d| d.parent_key.is_none())
        .collect();
    assert_eq!(city_depts.len(), 45);
    assert!(city_depts.iter().all(|d| d.division_code == "511900000000"));
    assert!(city_depts.iter().any(|d| d.name == "巴中市市场监督管理局"));
    assert!(
        c.departments
            .iter()
            .any(|d| d.name == "巴州区市场监督管理局")
    );
    for county in ["511902", "511903", "511921", "511922", "511923"] {
        let n = c
            .departments
            .iter()
            .filter(|d| d.division_code == format!("{county}000000"))
            .count();
        assert!((30..=40).contains(&n), "{county}: {n}");
    }
    let keys: HashSet<&str> = c.departments.iter().map(|d| d.key.as_str()).collect();
    for d in &c.departments {
        if let Some(p) = &d.parent_key {
            assert!(keys.contains(p.as_str()), "missing parent {p}");
            assert!(p.starts_with("511900-"));
        }
        let uscc = Uscc::parse(&d.uscc).unwrap();
        assert_eq!(uscc.registration_authority(), '1');
        assert_eq!(uscc.organization_category(), '1');
        assert_eq!(uscc.division_code(), &d.division_code[..6]);
    }
    assert_unique(
        "department key",
        c.departments.iter().map(|d| d.key.as_str()),
    );
    assert_unique(
        "department uscc",
        c.departments.iter().map(|d| d.uscc.as_str()),
    );
    assert_unique(
        "department name",
        c.departments.iter().map(|d| d.name.as_str()),
    );
}

#[test]
fn the_hall_network_is_one_plus_five_plus_202_plus_one_per_village() {
    let c = city();
    let kind = |k: HallKind| c.halls.iter().filter(|h| h.kind == k).count();
    assert_eq!(kind(HallKind::CityCenter), 1);
    assert_eq!(kind(HallKind::CountyCenter), 5);
    assert_eq!(kind(HallKind::TownshipCenter), 202);
    assert_eq!(
        kind(HallKind::VillageStation),
        count_level(&c, AdminLevel::Village)
    );
    let levels: HashMap<&str, AdminLevel> = c
        .divisions
        .iter()
        .map(|d| (d.code.as_str(), d.level))
        .collect();
    for h in &c.halls {
        let expected = match h.kind {
            HallKind::CityCenter => AdminLevel::City,
            HallKind::CountyCenter => AdminLevel::County,
            HallKind::TownshipCenter => AdminLevel::Township,
            HallKind::VillageStation => AdminLevel::Village,
        };
        assert_eq!(
            levels.get(h.division_code.as_str()),
            Some(&expected),
            "{}",
            h.key
        );
        assert!(
            inside(h.latitude_e6, h.longitude_e6),
            "{} outside Bazhong",
            h.key
        );
        assert!(
            h.phone.starts_with("0827-") && h.phone.len() == 12,
            "{}",
            h.phone
        );
        assert!(!h.address.is_empty() && !h.opening_hours.is_empty());
    }
    assert_eq!(HallKind::VillageStation.code(), "village_station");
    assert_eq!(HallKind::CityCenter.name_zh(), "市级政务服务中心");
    assert_unique("hall key", c.halls.iter().map(|h| h.key.as_str()));
    assert_unique("hall name", c.halls.iter().map(|h| h.name.as_str()));
}

#[test]
fn every_role_has_staff_scoped_to_an_existing_unit() {
    let c = city();
    for role in Role::ALL {
        assert!(c.staff.iter().any(|s| s.role == role), "no {}", role.code());
    }
    let divisions: HashSet<&str> = c.divisions.iter().map(|d| d.code.as_str()).collect();
    let departments: HashSet<&str> = c.departments.iter().map(|d| d.key.as_str()).collect();
    let halls: HashSet<&str> = c.halls.iter().map(|h| h.key.as_str()).collect();
    for s in &c.staff {
        let set = match s.unit_kind {
            UnitKind::Division => &divisions,
            UnitKind::Department => &departments,
            UnitKind::Hall => &halls,
        };
        assert!(
            set.contains(s.unit_key.as_str()),
            "{} -> {}",
            s.login,
            s.unit_key
        );
        assert_eq!(s.password, tongban_demo::STAFF_PASSWORD);
    }
    for h in c
        .halls
        .iter()
        .filter(|h| h.kind == HallKind::TownshipCenter)
    {
        let clerks = c
            .staff
            .iter()
            .filter(|s| s.role == Role::WindowClerk && s.unit_key == h.key)
            .count();
        assert!(clerks >= 2, "{} has {clerks} clerks", h.key);
    }
    assert_unique("staff login", c.staff.iter().map(|s| s.login.as_str()));
}

#[test]
fn the_fixed_demo_logins_exist() {
    let c = city();
    let find = |login: &str| c.staff.iter().find(|s| s.login == login);
    let expected = [
        ("admin", Role::SystemAdmin, "511900000000"),
        ("supervisor", Role::BureauSupervisor, "511900000000"),
        ("clerk", Role::WindowClerk, "hall-511902001"),
        ("reviewer", Role::Reviewer, "511900-scjgj"),
        ("approver", Role::Approver, "511900-scjgj"),
        ("deptadmin", Role::DeptAdmin, "511900-scjgj"),
        ("handler", Role::EvaluationHandler, "511900000000"),
        ("runner", Role::Runner, "hall-511902001"),
    ];
    for (login, role, unit) in expected {
        let s = find(login).unwrap_or_else(|| panic!("missing {login}"));
        assert_eq!((s.role, s.unit_key.as_str()), (role, unit), "{login}");
    }
    assert!(find("supervisor1").is_some() && find("clerk-511902001-2").is_some());
    assert_eq!(c.citizens[0].login, "citizen");
    assert_eq!(c.citizens[1].login, "c00001");
    assert_eq!(c.enterprises[0].login, "enterprise");
}

#[test]
fn every_citizen_has_a_valid_unique_id_and_phone_in_a_bazhong_village() {
    let c = city();
    assert_eq!(c.citizens.len(), 3000);
    let villages: HashSet<&str> = c
        .divisions
        .iter()
        .filter(|d| d.level == AdminLevel::Village)
        .map(|d| d.code.as_str())
        .collect();
    for p in &c.citizens {
        let id = ResidentIdNumber::parse(&p.id_number, date!(2026 - 11 - 25)).unwrap();
        let birth = id.birth_date();
        assert!(birth >= date!(1940 - 01 - 01) && birth <= date!(2008 - 12 - 31));
        assert_eq!(id.address_code(), &p.division_code[..6]);
        assert!(villages.contains(p.division_code.as_str()));
        assert!(p.phone.len() == 11 && p.phone.starts_with('1'));
        assert!(p.phone.bytes().all(|b| b.is_ascii_digit()));
        assert!((2..=4).contains(&p.name.chars().count()), "{}", p.name);
    }
    assert_unique("citizen login", c.citizens.iter().map(|p| p.login.as_str()));
    assert_unique("id number", c.citizens.iter().map(|p| p.id_number.as_str()));
    assert_unique("phone", c.citizens.iter().map(|p| p.phone.as_str()));
}

#[test]
fn every_enterprise_has_a_valid_unique_uscc_in_a_bazhong_county() {
    let c = city();
    assert_eq!(c.enterprises.len(), 1500);
    let counties = ["511902", "511903", "511921", "511922", "511923"];
    for e in &c.enterprises {
        let uscc = Uscc::parse(&e.uscc).unwrap();
        assert_eq!(uscc.registration_authority(), '9');
        assert_eq!(uscc.organization_category(), '1');
        assert!(counties.contains(&uscc.division_code()));
        assert_eq!(uscc.division_code(), &e.division_code[..6]);
        assert!(e.name.ends_with("公司") && !e.legal_rep_name.is_empty());
    }
    assert_unique(
        "enterprise login",
        c.enterprises.iter().map(|e| e.login.as_str()),
    );
    assert_unique(
        "enterprise uscc",
        c.enterprises.iter().map(|e| e.uscc.as_str()),
    );
    assert_unique(
        "enterprise name",
        c.enterprises.iter().map(|e| e.name.as_str()),
    );
}

#[test]
fn the_summary_reports_counts_per_kind() {
    let s = summary(&city());
    for line in [
        "  townships: 202",
        "  city: 45",
        "  city_center: 1",
        "citizens: 3000",
    ] {
        assert!(s.contains(line), "{line} not in\n{s}");
    }
}

#[test]
fn zero_people_are_allowed() {
    let c = generate(&DemoConfig {
        seed: 5,
        citizens: 0,
        enterprises: 0,
    });
    assert!(c.citizens.is_empty() && c.enterprises.is_empty());
    assert_eq!(count_level(&c, AdminLevel::Township), 202);
}
