//! Human-readable counts of a generated demo city.

use std::fmt::Write as _;

use crate::{AdminLevel, DemoCity, HallKind, Role};

const LEVELS: [(AdminLevel, &str); 5] = [
    (AdminLevel::Province, "provinces"),
    (AdminLevel::City, "cities"),
    (AdminLevel::County, "counties"),
    (AdminLevel::Township, "townships"),
    (AdminLevel::Village, "villages"),
];

/// Counts per kind, one `label: count` per line.
pub fn summary(city: &DemoCity) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "divisions: {}", city.divisions.len());
    for (level, label) in LEVELS {
        let n = city.divisions.iter().filter(|d| d.level == level).count();
        let _ = writeln!(s, "  {label}: {n}");
    }
    let city_depts = city
        .departments
        .iter()
        .filter(|d| d.parent_key.is_none())
        .count();
    let _ = writeln!(s, "departments: {}", city.departments.len());
    let _ = writeln!(s, "  city: {city_depts}");
    let _ = writeln!(s, "  county: {}", city.departments.len() - city_depts);
    let _ = writeln!(s, "halls: {}", city.halls.len());
    for kind in HallKind::ALL {
        let n = city.halls.iter().filter(|h| h.kind == kind).count();
        let _ = writeln!(s, "  {}: {n}", kind.code());
    }
    let _ = writeln!(s, "staff: {}", city.staff.len());
    for role in Role::ALL {
        let n = city.staff.iter().filter(|m| m.role == role).count();
        let _ = writeln!(s, "  {}: {n}", role.code());
    }
    let _ = writeln!(s, "citizens: {}", city.citizens.len());
    let _ = write!(s, "enterprises: {}", city.enterprises.len());
    s
}
