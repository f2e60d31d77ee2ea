//! Seed-dependent residents and enterprises: names, valid ID numbers and USCCs, unique phones.

use std::collections::HashSet;

use time::Date;
use time::macros::date;

use crate::codes::{self, USCC_CHARSET};
use crate::geo::{Geo, Township, Village};
use crate::names;
use crate::rng::Rng;
use crate::{CITIZEN_PASSWORD, CitizenSeed, ENTERPRISE_PASSWORD, EnterpriseSeed};

/// Earliest and latest birth dates of demo residents.
const BORN_FROM: Date = date!(1940 - 01 - 01);
const BORN_TO: Date = date!(2008 - 12 - 31);

/// Draws before giving up on a unique value (never reached in practice).
const MAX_ATTEMPTS: usize = 10_000;

/// Mobile number prefixes of the three carriers.
const MOBILE_PREFIXES: &[&str] = &[
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
    "182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153",
    "173", "177", "180", "181", "189", "191", "198", "199",
];

/// Draws values until one is new to `seen`.
fn unique(
    rng: &mut Rng,
    seen: &mut HashSet<String>,
    mut draw: impl FnMut(&mut Rng) -> Option<String>,
) -> Option<String> {
    for _ in 0..MAX_ATTEMPTS {
        if let Some(v) = draw(rng)
            && seen.insert(v.clone())
        {
            return Some(v);
        }
    }
    None
}

/// Population weights of the counties.
fn county_weights(geo: &Geo) -> Vec<u32> {
    geo.counties.iter().map(|c| c.info.population_10k).collect()
}

/// `citizen` for the first account, then `{prefix}00001`, `{prefix}00002`, ….
fn login(i: usize, first: &str, prefix: char) -> String {
    if i == 0 {
        first.to_owned()
    } else {
        format!("{prefix}{i:05}")
    }
}

/// `n` residents, each living in a village of the county that issued their ID number.
pub(crate) fn citizens(geo: &Geo, seed: u64, n: usize) -> Vec<CitizenSeed> {
    let mut rng = Rng::derive(seed, 1);
    let weights = county_weights(geo);
    let villages: Vec<Vec<(&Township, &Village)>> = geo
        .counties
        .iter()
        .map(|c| {
            c.townships
                .iter()
                .flat_map(|t| t.villages.iter().map(move |v| (t, v)))
                .collect()
        })
        .collect();
    let (from, to) = (BORN_FROM.to_julian_day(), BORN_TO.to_julian_day());
    let mut ids = HashSet::with_capacity(n);
    let mut phones = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let ci = rng.weighted(&weights);
        let (Some(county), Some(list)) = (geo.counties.get(ci), villages.get(ci)) else {
            continue;
        };
        let Some((_, village)) = list.get(rng.below(list.len())) else {
            continue;
        };
        let male = rng.chance(1, 2);
        let mut birth = BORN_FROM;
        let id = unique(&mut rng, &mut ids, |r| {
            birth =
                Date::from_julian_day(r.range_i64(i64::from(from), i64::from(to)) as i32).ok()?;
            let seq = r.below(500) * 2 + usize::from(male);
            codes::resident_id(county.info.code6, birth, seq as u16)
        });
        let phone = unique(&mut rng, &mut phones, |r| {
            Some(format!(
                "{}{:08}",
                r.pick(MOBILE_PREFIXES),
                r.below(100_000_000)
            ))
        });
        let (Some(id_number), Some(phone)) = (id, phone) else {
            continue;
        };
        out.push(CitizenSeed {
            login: login(i, "citizen", 'c'),
            name: names::person(&mut rng, male, birth.year()),
            id_number,
            phone,
            password: CITIZEN_PASSWORD.to_owned(),
            division_code: village.code.clone(),
        });
    }
    out
}

/// `n` enterprises registered in Bazhong townships.
pub(crate) fn enterprises(geo: &Geo, seed: u64, n: usize) -> Vec<EnterpriseSeed> {
    let mut rng = Rng::derive(seed, 2);
    let weights = county_weights(geo);
    let mut names_seen = HashSet::with_capacity(n);
    let mut codes_seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let Some(county) = geo.counties.get(rng.weighted(&weights)) else {
            continue;
        };
        let Some(township) = county.townships.get(rng.below(county.townships.len())) else {
            continue;
        };
        let place = if rng.chance(1, 2) {
            "巴中市"
        } else {
            county.info.name
        };
        let name = unique(&mut rng, &mut names_seen, |r| {
            Some(names::company(r, place))
        });
        let uscc = unique(&mut rng, &mut codes_seen, |r| {
            let mut body = String::from("MA6");
            for _ in 0..5 {
                body.push(char::from(r.pick(USCC_CHARSET)));
            }
            codes::uscc("91", county.info.code6, &body)
        });
        let (Some(name), Some(uscc)) = (name, uscc) else {
            continue;
        };
        let male = rng.chance(7, 10);
        let year = 1955 + rng.below(45) as i32;
        out.push(EnterpriseSeed {
            login: login(i, "enterprise", 'e'),
            name,
            uscc,
            legal_rep_name: names::person(&mut rng, male, year),
            password: ENTERPRISE_PASSWORD.to_owned(),
            division_code: township.code.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_account_gets_the_easy_login() {
        assert_eq!(login(0, "citizen", 'c'), "citizen");
        assert_eq!(login(1, "citizen", 'c'), "c00001");
        assert_eq!(login(123_456, "enterprise", 'e'), "e123456");
    }
}
