//! The demo service-item catalogue (政务服务事项): 351 行政许可 items of 37 departments across
//! city, county and township levels, plus the public services (公共服务) citizens search for.
//!
//! Every item is built from compact tables (`lic_*`, `pub_*`) plus per-department profiles, and
//! placed on the demo city's org tree: city-level items at the city department and the city
//! centre; county-level items at one county's department (cycling through the five counties per
//! department kind) and its county centre; township-level items at a county department and all
//! of that county's township 便民服务中心. Pure and deterministic.

mod build;
mod fees;
mod lic_a;
mod lic_b;
mod lic_c;
mod materials;
mod model;
mod profiles;
mod pub_a;
mod pub_b;
mod summary;

use std::collections::BTreeMap;

use tongban_domain::catalog::ServiceItem;

use crate::places::{CITY6, COUNTIES};
use crate::{DemoCity, DepartmentSeed, HallKind};
use model::{LicDept, Lv, VARIANTS};

pub use summary::catalog_summary;

/// Number of 行政许可 entries the demo catalogue holds.
pub const LICENSING_ITEMS: usize = 351;
/// Number of department kinds implementing them.
pub const LICENSING_DEPARTMENTS: usize = 37;

/// Where an item sits on the org tree.
pub(crate) struct Place<'a> {
    pub dept: &'a DepartmentSeed,
    pub lv: Lv,
    pub hall_ids: Vec<String>,
    /// Department consultation line, "0827-" + 7 digits.
    pub phone: String,
}

/// Hands out places, cycling county and township items through the counties per department kind.
struct Placer<'a> {
    city: &'a DemoCity,
    turns: BTreeMap<&'static str, usize>,
}

impl<'a> Placer<'a> {
    fn place(&mut self, slug: &'static str, lv: Lv) -> Option<Place<'a>> {
        let (code6, phone_prefix) = match lv {
            Lv::C => (CITY6, "52"),
            Lv::X | Lv::T => {
                let turn = self.turns.entry(slug).or_insert(0);
                let county = COUNTIES[*turn % COUNTIES.len()];
                *turn += 1;
                (county.code6, county.phone_prefix)
            }
        };
        let key = format!("{code6}-{slug}");
        let dept = self.city.departments.iter().find(|d| d.key == key)?;
        let hall_ids = match lv {
            Lv::C | Lv::X => vec![format!("hall-{code6}")],
            Lv::T => self
                .city
                .halls
                .iter()
                .filter(|h| {
                    h.kind == HallKind::TownshipCenter && h.division_code.starts_with(code6)
                })
                .map(|h| h.key.clone())
                .collect(),
        };
        Some(Place {
            dept,
            lv,
            hall_ids,
            phone: format!("0827-{phone_prefix}{:05}", fnv(&key) % 100_000),
        })
    }
}

/// FNV-1a, a stable hash for deterministic per-department numbers.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn licensing_tables() -> impl Iterator<Item = &'static LicDept> {
    lic_a::TABLE.iter().chain(lic_b::TABLE).chain(lic_c::TABLE)
}

/// The whole demo catalogue: the licensing items first (by department kind), then the public
/// services. Same city, same items.
pub fn catalog_items(city: &DemoCity) -> Vec<ServiceItem> {
    let mut placer = Placer {
        city,
        turns: BTreeMap::new(),
    };
    let mut out = Vec::with_capacity(LICENSING_ITEMS + 100);
    let mut main = 0u32;
    for dept in licensing_tables() {
        let profile = profiles::profile_of(dept.slug);
        for row in dept.rows {
            main += 1;
            let Some(place) = placer.place(dept.slug, row.1) else {
                continue;
            };
            out.push(build::licensing(&place, profile, row, main, 0));
            let mut sub = 0;
            for (flag, _) in VARIANTS {
                sub += 1;
                if row.2 & flag != 0 {
                    out.push(build::licensing(&place, profile, row, main, sub));
                }
            }
        }
    }
    for (n, row) in pub_a::ROWS.iter().chain(pub_b::ROWS).enumerate() {
        let Some(place) = placer.place(row.1, row.2) else {
            continue;
        };
        out.push(build::public_service(&place, row, n as u32 + 1));
    }
    out
}

#[cfg(test)]
mod tests;
