//! Administrative layout of the demo city: counties, townships and villages with codes, names and positions.

use std::collections::BTreeSet;

use crate::places::{
    CITY, COMMUNITY_NAMES, COUNTIES, County, PROVINCE, TOWNSHIP_STEMS, VILLAGE_HEADS,
    VILLAGE_TAILS, VILLAGE_WHOLE,
};
use crate::rng::Rng;
use crate::{AdminLevel, DivisionSeed};

/// Fixed seed of the layout: the geography is the same for every [`crate::DemoConfig::seed`].
const GEO_SEED: u64 = 0x5119_0020_2600_0001;

/// Surnames used in "X家湾村"-style village names.
const CLAN_NAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "何", "赵", "黄", "周", "吴", "罗", "苟", "岳", "向", "蒋",
    "唐", "谢", "邓", "冯", "蒲", "严", "余", "侯",
];

/// A village (村) or community (社区).
#[derive(Debug, Clone)]
pub(crate) struct Village {
    pub code: String,
    pub name: String,
    pub pos: (i64, i64),
}

/// A township, town or street office.
#[derive(Debug, Clone)]
pub(crate) struct Township {
    pub code: String,
    pub name: String,
    pub street: bool,
    pub pos: (i64, i64),
    pub villages: Vec<Village>,
}

/// A county with its townships.
#[derive(Debug, Clone)]
pub(crate) struct CountyGeo {
    pub info: &'static County,
    pub code: String,
    pub townships: Vec<Township>,
}

/// The whole layout.
#[derive(Debug, Clone)]
pub(crate) struct Geo {
    pub counties: Vec<CountyGeo>,
}

/// 12-digit code of the city.
pub(crate) fn city_code() -> String {
    String::from(CITY.0)
}

/// Pads a 6-digit county code to 12 digits.
pub(crate) fn county_code(code6: &str) -> String {
    format!("{code6}000000")
}

/// Builds the fixed layout.
pub(crate) fn build() -> Geo {
    let mut rng = Rng::new(GEO_SEED);
    let mut used: BTreeSet<String> = COUNTIES
        .iter()
        .flat_map(|c| c.streets.iter().chain(c.towns.iter()))
        .map(|n| stem(n).to_owned())
        .collect();
    let counties = COUNTIES
        .iter()
        .map(|info| CountyGeo {
            info,
            code: county_code(info.code6),
            townships: townships(info, &mut rng, &mut used),
        })
        .collect();
    Geo { counties }
}

/// Name without its 街道/镇/乡 suffix.
pub(crate) fn stem(name: &str) -> &str {
    ["街道", "镇", "乡"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

fn townships(info: &'static County, rng: &mut Rng, used: &mut BTreeSet<String>) -> Vec<Township> {
    let need = info.townships.saturating_sub(info.streets.len());
    let mut names: Vec<String> = info
        .towns
        .iter()
        .take(need)
        .map(|s| (*s).to_owned())
        .collect();
    let start = rng.below(TOWNSHIP_STEMS.len());
    let mut cursor = 0;
    while names.len() < need {
        let candidate = if cursor < TOWNSHIP_STEMS.len() {
            TOWNSHIP_STEMS[(start + cursor) % TOWNSHIP_STEMS.len()].to_owned()
        } else {
            format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS))
        };
        cursor += 1;
        if used.insert(candidate.clone()) {
            let suffix = if rng.chance(1, 3) { "乡" } else { "镇" };
            names.push(format!("{candidate}{suffix}"));
        }
    }
    let (lat_min, lat_max, lon_min, lon_max) = info.bbox;
    let mut out = Vec::with_capacity(info.townships);
    for (i, name) in info.streets.iter().enumerate() {
        let pos = (
            info.seat.0 + rng.range_i64(-20_000, 20_000),
            info.seat.1 + rng.range_i64(-20_000, 20_000),
        );
        let code = format!("{}{:03}000", info.code6, i + 1);
        out.push(township(info, code, (*name).to_owned(), true, pos, rng));
    }
    let (mut towns, mut xiang) = (0, 0);
    for name in names {
        let seq = if name.ends_with('乡') {
            xiang += 1;
            199 + xiang
        } else {
            towns += 1;
            99 + towns
        };
        let pos = (
            rng.range_i64(lat_min + 15_000, lat_max - 15_000),
            rng.range_i64(lon_min + 15_000, lon_max - 15_000),
        );
        let code = format!("{}{seq:03}000", info.code6);
        out.push(township(info, code, name, false, pos, rng));
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

fn township(
    info: &County,
    code: String,
    name: String,
    street: bool,
    pos: (i64, i64),
    rng: &mut Rng,
) -> Township {
    let count = 7 + rng.below(7);
    let prefix = &code[..9];
    let mut seen = BTreeSet::new();
    let mut villages = Vec::with_capacity(count);
    while villages.len() < count {
        let base = if street {
            rng.pick(COMMUNITY_NAMES).to_owned()
        } else {
            match rng.below(10) {
                0..=5 => format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS)),
                6..=8 => format!("{}家{}", rng.pick(CLAN_NAMES), rng.pick(VILLAGE_TAILS)),
                _ => rng.pick(VILLAGE_WHOLE).to_owned(),
            }
        };
        if !seen.insert(base.clone()) {
            continue;
        }
        let n = villages.len();
        let (vname, seq) = if street {
            (format!("{base}社区"), n + 1)
        } else {
            (format!("{base}村"), n + 200)
        };
        let (lat_min, lat_max, lon_min, lon_max) = info.bbox;
        let vpos = (
            (pos.0 + rng.range_i64(-35_000, 35_000)).clamp(lat_min, lat_max),
            (pos.1 + rng.range_i64(-35_000, 35_000)).clamp(lon_min, lon_max),
        );
        villages.push(Village {
            code: format!("{prefix}{seq:03}"),
            name: vname,
            pos: vpos,
        });
    }
    Township {
        code,
        name,
        street,
        pos,
        villages,
    }
}

impl Geo {
    /// All divisions as seeds, parents first.
    pub(crate) fn division_seeds(&self) -> Vec<DivisionSeed> {
        let seed = |code: &str, name: &str, level, parent: Option<&str>| DivisionSeed {
            code: code.to_owned(),
            name: name.to_owned(),
            level,
            parent_code: parent.map(str::to_owned),
        };
        let mut out = vec![
            seed(PROVINCE.0, PROVINCE.1, AdminLevel::Province, None),
            seed(CITY.0, CITY.1, AdminLevel::City, Some(PROVINCE.0)),
        ];
        for c in &self.counties {
            out.push(seed(&c.code, c.info.name, AdminLevel::County, Some(CITY.0)));
        }
        for c in &self.counties {
            for t in &c.townships {
                out.push(seed(&t.code, &t.name, AdminLevel::Township, Some(&c.code)));
                for v in &t.villages {
                    out.push(seed(&v.code, &v.name, AdminLevel::Village, Some(&t.code)));
                }
            }
        }
        out
    }

    /// Every village with its county, in code order.
    pub(crate) fn villages(&self) -> impl Iterator<Item = (&CountyGeo, &Township, &Village)> {
        self.counties.iter().flat_map(|c| {
            c.townships
                .iter()
                .flat_map(move |t| t.villages.iter().map(move |v| (c, t, v)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::places::CITY6;

    #[test]
    fn city_six_digit_code_matches_the_city_row() {
        assert!(CITY.0.starts_with(CITY6));
        assert_eq!(county_code("511902"), "511902000000");
        assert_eq!(stem("东城街道"), "东城");
        assert_eq!(stem("曾口镇"), "曾口");
    }

    #[test]
    fn township_names_are_unique_across_the_city() {
        let geo = build();
        let mut names = BTreeSet::new();
        for c in &geo.counties {
            for t in &c.townships {
                assert!(names.insert(t.name.clone()), "duplicate {}", t.name);
            }
        }
        assert_eq!(names.len(), 202);
    }
}
