//! Which units a case or a rating is counted under (docs/evaluations-and-indicators.md,
//! "Dimensions"): its department, county, township, hall and item, each with the unit above it.

use std::collections::HashMap;

use tongban_domain::indicators::{Counters, Dimension};
use tongban_domain::{AdminLevel, DivisionCode};
use tongban_store::{RollupDelta, counters_to_array};

/// The county a division lies in; a city-level (or higher) division is its own (市本级).
pub fn county_of(code: &str) -> String {
    match DivisionCode::parse(code) {
        Ok(c) => match c.level() {
            AdminLevel::County | AdminLevel::Township | AdminLevel::Village => {
                format!("{}000000", &code[..6])
            }
            _ => code.to_string(),
        },
        Err(_) => String::new(),
    }
}

/// The township a division lies in, when it is at township level or below.
pub fn township_of(code: &str) -> Option<String> {
    match DivisionCode::parse(code).ok()?.level() {
        AdminLevel::Township | AdminLevel::Village => Some(format!("{}000", &code[..9])),
        _ => None,
    }
}

/// Departments' and halls' divisions, loaded once per projector run.
#[derive(Debug, Clone, Default)]
pub struct OrgMap {
    pub departments: HashMap<String, String>,
    pub halls: HashMap<String, String>,
}

/// The keys one case or rating is counted under ('' = none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units {
    pub department: String,
    pub county: String,
    pub township: String,
    pub hall: String,
    pub item: String,
}

impl OrgMap {
    /// The units of a case or rating: county of the department, else of the hall, else of
    /// `home` (the applicant's home division or where the rating was made); township of the
    /// hall, else of `home`.
    pub fn units(
        &self,
        department: Option<&str>,
        hall: Option<&str>,
        item: Option<&str>,
        home: Option<&str>,
    ) -> Units {
        let dept_div = department.and_then(|d| self.departments.get(d));
        let hall_div = hall.and_then(|h| self.halls.get(h));
        let county = dept_div
            .or(hall_div)
            .map(|d| county_of(d))
            .or_else(|| home.map(county_of))
            .unwrap_or_default();
        let township = hall_div
            .and_then(|d| township_of(d))
            .or_else(|| home.and_then(township_of))
            .unwrap_or_default();
        Units {
            department: department.unwrap_or_default().to_string(),
            county,
            township,
            hall: hall.unwrap_or_default().to_string(),
            item: item.unwrap_or_default().to_string(),
        }
    }

    /// The rollup deltas of `counters` on `day` under every unit in `u`.
    pub fn deltas(&self, u: &Units, day: i64, counters: &Counters, sign: i64) -> Vec<RollupDelta> {
        let mut delta = counters_to_array(counters);
        for v in delta.iter_mut() {
            *v *= sign;
        }
        let dept_county = self
            .departments
            .get(&u.department)
            .map(|d| county_of(d))
            .unwrap_or_else(|| u.county.clone());
        let hall_county = self
            .halls
            .get(&u.hall)
            .map(|d| county_of(d))
            .unwrap_or_else(|| u.county.clone());
        let mut out = Vec::with_capacity(5);
        let mut push = |dim: Dimension, key: &str, parent: &str, county: &str| {
            if !key.is_empty() {
                out.push(RollupDelta {
                    dimension: dim.code().to_string(),
                    key: key.to_string(),
                    day,
                    parent: parent.to_string(),
                    county: county.to_string(),
                    delta,
                });
            }
        };
        push(Dimension::County, &u.county, "", &u.county);
        push(
            Dimension::Department,
            &u.department,
            &dept_county,
            &dept_county,
        );
        push(
            Dimension::Township,
            &u.township,
            &county_of(&u.township),
            &county_of(&u.township),
        );
        push(Dimension::Hall, &u.hall, &hall_county, &hall_county);
        push(Dimension::Item, &u.item, &u.department, &dept_county);
        out
    }
}

/// Adds `more` into `acc`, merging deltas of the same (dimension, key, day).
pub fn merge(acc: &mut HashMap<(String, String, i64), RollupDelta>, more: Vec<RollupDelta>) {
    for d in more {
        let k = (d.dimension.clone(), d.key.clone(), d.day);
        match acc.get_mut(&k) {
            Some(existing) => {
                for (a, b) in existing.delta.iter_mut().zip(d.delta.iter()) {
                    *a += b;
                }
            }
            None => {
                acc.insert(k, d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_department_counts_under_the_city_itself_and_a_village_under_its_township() {
        assert_eq!(county_of("511900000000"), "511900000000");
        assert_eq!(county_of("511902003004"), "511902000000");
        assert_eq!(township_of("511902003004").as_deref(), Some("511902003000"));
        assert_eq!(township_of("511902000000"), None);
        assert_eq!(county_of("not a code"), "");
    }

    #[test]
    fn a_window_case_counts_under_its_halls_township_and_an_online_one_under_the_home() {
        let org = OrgMap {
            departments: [("d".to_string(), "511900000000".to_string())].into(),
            halls: [("h".to_string(), "511902003000".to_string())].into(),
        };
        let window = org.units(Some("d"), Some("h"), Some("i"), Some("511903001001"));
        assert_eq!(window.county, "511900000000");
        assert_eq!(window.township, "511902003000");
        let online = org.units(Some("d"), None, Some("i"), Some("511903001001"));
        assert_eq!(online.township, "511903001000");
        let deltas = org.deltas(
            &online,
            20260501,
            &Counters {
                completed: 1,
                ..Counters::default()
            },
            1,
        );
        assert_eq!(
            deltas.len(),
            4,
            "county, department, township, item; no hall"
        );
        let township = deltas.iter().find(|d| d.dimension == "township").unwrap();
        assert_eq!(township.parent, "511903000000");
    }
}
