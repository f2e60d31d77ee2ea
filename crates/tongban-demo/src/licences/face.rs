//! Face values (照面) of a historic licence: fields taken from the holder, the issuer and the date,
//! addresses built from the demo divisions, and the 证照编号 templates.

use std::collections::HashMap;

use time::Date;

use crate::DemoCity;
use crate::codes::USCC_CHARSET;
use crate::names;
use crate::rng::Rng;

/// Keys whose value is the holder's name (person or organisation).
const NAME_KEYS: &[&str] = &[
    "KZ_XM", "KZ_QLR", "KZ_SYR", "KZ_HZXM", "KZ_SZXM", "KZ_MC", "KZ_PYDW", "KZ_JSDW", "KZ_YDDW",
    "KZ_YHMC", "KZ_DWMC", "KZ_QSQR", "KZ_CKQR", "KZ_HZ", "KZ_DYR", "KZ_CYR", "KZ_QYMC",
];
/// Keys whose value is an address in the holder's division.
const ADDRESS_KEYS: &[&str] = &[
    "KZ_ZZ", "KZ_JZDZ", "KZ_ZS", "KZ_JYCS", "KZ_DZ", "KZ_SCDZ", "KZ_SYDZ", "KZ_ZCDZ", "KZ_JYDZ",
    "KZ_CJDZ", "KZ_AZDD", "KZ_ZL", "KZ_JSDZ", "KZ_YDWZ", "KZ_JSWZ", "KZ_QSDD", "KZ_SGZDZ",
    "KZ_CKDZ", "KZ_CFDD",
];
/// Keys whose value is the date of issue.
const DATE_KEYS: &[&str] = &["KZ_DJRQ", "KZ_CCLZRQ"];
/// Keys whose value is another person's name (spouse, parents, a buyer).
const OTHER_PERSON_KEYS: &[&str] = &["KZ_POXM", "KZ_MQXM", "KZ_FQXM", "KZ_CGFZR"];
/// Keys that only a person has.
#[cfg(test)]
const PERSON_KEYS: &[&str] = &["KZ_XB", "KZ_CSRQ", "KZ_GMSFHM"];
/// Keys that only an organisation has.
#[cfg(test)]
const ORG_KEYS: &[&str] = &["KZ_TYSHXYDM", "KZ_FDDBR", "KZ_FZR"];
/// Other derived keys.
#[cfg(test)]
const OTHER_KEYS: &[&str] = &["KZ_FZJG", "KZ_CLRQ", "KZ_HPHM", "KZ_CPHM", "KZ_BDCDYH"];

const ROADS: &[&str] = &[
    "兴业路",
    "滨河路",
    "新华街",
    "人民路",
    "朝阳路",
    "工业园区",
    "建设路",
    "商贸街",
];

/// Whether a face key is filled from the holder, the issuer or the date, for a person holder
/// (`person`) or an organisation.
#[cfg(test)]
pub(crate) fn derived(key: &str, person: bool) -> bool {
    let either = [
        NAME_KEYS,
        ADDRESS_KEYS,
        DATE_KEYS,
        OTHER_PERSON_KEYS,
        OTHER_KEYS,
    ];
    either.iter().any(|keys| keys.contains(&key))
        || (person && PERSON_KEYS.contains(&key))
        || (!person && ORG_KEYS.contains(&key))
}

/// Address prefixes ("巴中市巴州区曾口镇某村") by 12-digit township or village code.
pub(crate) struct Places<'a> {
    prefixes: HashMap<&'a str, (String, bool)>,
}

impl<'a> Places<'a> {
    pub(crate) fn new(city: &'a DemoCity) -> Self {
        let names: HashMap<&str, &str> = city
            .divisions
            .iter()
            .map(|d| (d.code.as_str(), d.name.as_str()))
            .collect();
        let name = |code: String| names.get(code.as_str()).copied().unwrap_or("");
        let mut prefixes = HashMap::with_capacity(city.divisions.len());
        for d in &city.divisions {
            let (Some(c6), Some(c9)) = (d.code.get(..6), d.code.get(..9)) else {
                continue;
            };
            let county = name(format!("{c6}000000"));
            let township = name(format!("{c9}000"));
            let village = !d.code.ends_with("000");
            let prefix = if village {
                format!("巴中市{county}{township}{}", d.name)
            } else {
                format!("巴中市{county}{township}")
            };
            prefixes.insert(d.code.as_str(), (prefix, village));
        }
        Self { prefixes }
    }

    /// "巴中市巴州区曾口镇某村3组12号" for a village, "巴中市巴州区东城街道兴业路18号" for a township.
    pub(crate) fn address(&self, division: &str, rng: &mut Rng) -> String {
        match self.prefixes.get(division) {
            Some((prefix, true)) => {
                let group = 1 + rng.below(9);
                format!("{prefix}{group}组{}号", 1 + rng.below(60))
            }
            Some((prefix, false)) => {
                let road = rng.pick(ROADS);
                format!("{prefix}{road}{}号", 1 + rng.below(300))
            }
            None => format!("巴中市{}号", 1 + rng.below(200)),
        }
    }
}

/// Who holds the licence, as far as the face needs.
pub(crate) struct HolderFacts<'a> {
    pub name: &'a str,
    /// 公民身份号码 or 统一社会信用代码.
    pub code: &'a str,
    pub legal_rep: Option<&'a str>,
    pub division: &'a str,
    pub birth: Option<Date>,
    pub male: Option<bool>,
}

/// Birth date and sex read from a resident ID number.
pub(crate) fn birth_and_sex(id: &str) -> (Option<Date>, Option<bool>) {
    let num = |r: std::ops::Range<usize>| id.get(r).and_then(|s| s.parse::<u32>().ok());
    let birth = match (num(6..10), num(10..12), num(12..14)) {
        (Some(y), Some(m), Some(d)) => time::Month::try_from(m as u8)
            .ok()
            .and_then(|m| Date::from_calendar_date(y as i32, m, d as u8).ok()),
        _ => None,
    };
    let male = num(16..17).map(|d| d % 2 == 1);
    (birth, male)
}

/// "2021年03月05日".
pub(crate) fn chinese_date(d: Date) -> String {
    format!("{}年{:02}月{:02}日", d.year(), u8::from(d.month()), d.day())
}

/// The value of a derived face field; `None` for a key that is not derived (or not for this
/// kind of holder).
pub(crate) fn derived_value(
    key: &str,
    holder: &HolderFacts<'_>,
    issuer: &str,
    issued_on: Date,
    places: &Places<'_>,
    rng: &mut Rng,
) -> Option<String> {
    if NAME_KEYS.contains(&key) {
        return Some(holder.name.to_string());
    }
    if ADDRESS_KEYS.contains(&key) {
        return Some(places.address(holder.division, rng));
    }
    if DATE_KEYS.contains(&key) {
        return Some(chinese_date(issued_on));
    }
    if OTHER_PERSON_KEYS.contains(&key) {
        let male = match key {
            "KZ_MQXM" => false,
            "KZ_FQXM" => true,
            "KZ_POXM" => !holder.male.unwrap_or(false),
            _ => rng.chance(1, 2),
        };
        let year = holder.birth.map_or(1980, |b| b.year());
        return Some(names::person(rng, male, year));
    }
    match key {
        "KZ_XB" => holder.male.map(|m| if m { "男" } else { "女" }.to_string()),
        "KZ_CSRQ" => holder.birth.map(chinese_date),
        "KZ_GMSFHM" => holder.birth.map(|_| holder.code.to_string()),
        "KZ_TYSHXYDM" => holder.legal_rep.map(|_| holder.code.to_string()),
        "KZ_FDDBR" | "KZ_FZR" => holder.legal_rep.map(str::to_string),
        "KZ_FZJG" => Some(issuer.to_string()),
        "KZ_CLRQ" => {
            let days = rng.range_i64(0, 3000);
            let d = issued_on
                .checked_sub(time::Duration::days(days))
                .unwrap_or(issued_on);
            Some(chinese_date(d))
        }
        "KZ_HPHM" | "KZ_CPHM" => {
            let mut plate = String::from("川Y");
            for _ in 0..5 {
                plate.push(char::from(rng.pick(USCC_CHARSET)));
            }
            Some(plate)
        }
        "KZ_BDCDYH" => {
            let c6 = holder.division.get(..6).unwrap_or("511900");
            Some(format!(
                "{c6}{:06}GB{:05}F{:08}",
                rng.below(1_000_000),
                rng.below(100_000),
                rng.below(100_000_000)
            ))
        }
        _ => None,
    }
}

/// Fills a 证照编号 template: `{d6}` the issuer's 6-digit division, `{y}` the year of issue,
/// `{id}` the holder's code, `{nK}` the type's running number padded to K digits.
pub(crate) fn number(template: &str, d6: &str, year: i32, seq: usize, id: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        match &after[..end] {
            "d6" => out.push_str(d6),
            "y" => out.push_str(&year.to_string()),
            "id" => out.push_str(id),
            token => {
                let width = token
                    .strip_prefix('n')
                    .and_then(|w| w.parse::<usize>().ok())
                    .unwrap_or(1);
                out.push_str(&format!("{seq:0width$}"));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
