//! The licence history of the demo city: a lazy, deterministic plan of licences issued to its
//! citizens and enterprises over the past years, each with holder, issuer, date, number,
//! GB/T 36904 serial, face and, rarely, a suspension or revocation.

use std::collections::BTreeMap;

use time::{Date, Duration};
use tongban_domain::licence::{LicenceState, Validity};

use super::catalogue::typed;
use super::face::{HolderFacts, Places, birth_and_sex, derived_value, number};
use super::model::{ANY_AGE, Issued, TypeDef};
use super::plan::{RoundRobin, Shuffle, mix, quotas};
use crate::rng::Rng;
use crate::{DemoCity, catalog_items};

/// Who holds a historic licence: an index into `city.citizens` or `city.enterprises`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HolderRef {
    Citizen(usize),
    Enterprise(usize),
}

/// One licence of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricLicence {
    /// Index into [`licence_types`](super::licence_types).
    pub type_index: usize,
    pub holder: HolderRef,
    pub issuing_department_id: String,
    pub issued_on: Date,
    /// Last valid day (`None` = 长期), from the type's validity.
    pub valid_until: Option<Date>,
    /// 证照编号 printed on the licence; unique within its type.
    pub number: String,
    /// GB/T 36904 流水号: 20 upper-case alphanumerics, unique in the history.
    pub serial: String,
    /// 照面: a value for every face field of the type.
    pub face: BTreeMap<String, String>,
    /// About 0.5 % are suspended (暂扣) or revoked (注销/撤销), with the reason.
    pub suspended_or_revoked: Option<(LicenceState, String)>,
}

/// Days of history: about eight years.
const HISTORY_DAYS: i64 = 8 * 365;
const ALNUM: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const PERSON_SUSPENDED: &[&str] = &["因违法行为被依法暂扣", "持证人涉嫌违法，证件暂停使用"];
const PERSON_REVOKED: &[&str] = &[
    "持证人死亡，依法注销",
    "持证人申请注销",
    "以欺骗手段取得，依法撤销",
];
const ORG_SUSPENDED: &[&str] = &[
    "因违法经营被责令停业整顿，暂扣许可证件",
    "未按规定整改安全隐患，暂停使用",
];
const ORG_REVOKED: &[&str] = &[
    "市场主体已注销，许可证件依法注销",
    "许可有效期届满未延续，依法注销",
    "申请人主动申请注销",
    "以欺骗、贿赂等不正当手段取得，依法撤销",
];

/// One type's part of the plan.
struct TypePlan {
    def: &'static TypeDef,
    validity: Validity,
    person: bool,
    shuffle: Shuffle,
    /// The citizens old enough (and young enough) to hold it, if the type has an age limit.
    eligible: Option<Vec<usize>>,
    next: usize,
    /// Index of the city department in `city.departments`, if it issues the type.
    city_dept: Option<usize>,
    /// County code and department index of the county departments that issue it.
    county_depts: Vec<(String, usize)>,
}

struct History<'a> {
    city: &'a DemoCity,
    seed: u64,
    today: Date,
    plans: Vec<TypePlan>,
    order: RoundRobin,
    emitted: u64,
    places: Places<'a>,
}

/// A stable seed from the city's generated people (so the same demo seed gives the same history).
fn city_seed(city: &DemoCity) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let first_citizen = city.citizens.first().map_or("", |c| c.id_number.as_str());
    let first_enterprise = city.enterprises.first().map_or("", |e| e.uscc.as_str());
    let counts = format!("{}/{}", city.citizens.len(), city.enterprises.len());
    for b in first_citizen
        .bytes()
        .chain(first_enterprise.bytes())
        .chain(counts.bytes())
    {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A deterministic, lazy plan of `total` licences issued before `today` (fewer only if the
/// city has too few holders for them: each holder holds at most one licence of a type, or
/// a few of a type such as 不动产权证书 or 道路运输证, and age-limited types such as
/// 老年人优待证 or 机动车驾驶证 go only to citizens of the right age). Person licences go to citizens,
/// organisation licences to enterprises, in shares following realistic weights; issue dates
/// spread over the past eight years, mostly within the licence's validity. The same city
/// (same demo seed) gives the same history.
pub fn historic_licences(
    city: &DemoCity,
    total: usize,
    today: Date,
) -> impl Iterator<Item = HistoricLicence> + '_ {
    let seed = city_seed(city);
    let items = catalog_items(city);
    let types = typed(city, &items);
    let mut plans = Vec::with_capacity(types.len());
    let mut weights = Vec::with_capacity(types.len());
    let mut caps = Vec::with_capacity(types.len());
    for (t, (def, ty)) in types.iter().enumerate() {
        let person = def.holder == tongban_domain::licence::HolderKind::Person;
        let eligible = (person && def.ages != ANY_AGE).then(|| eligible(city, def.ages, today));
        let population = match (&eligible, person) {
            (Some(list), _) => list.len(),
            (None, true) => city.citizens.len(),
            (None, false) => city.enterprises.len(),
        };
        let mut city_dept = None;
        let mut county_depts = Vec::new();
        for id in &ty.issuing_department_ids {
            let Some(index) = city.departments.iter().position(|d| &d.key == id) else {
                continue;
            };
            let code6 = id.get(..6).unwrap_or("");
            if code6 == crate::places::CITY6 {
                city_dept = Some(index);
            } else {
                county_depts.push((code6.to_string(), index));
            }
        }
        let issuable = city_dept.is_some() || !county_depts.is_empty();
        weights.push(def.weight);
        caps.push(if issuable {
            population * usize::from(def.copies.max(1))
        } else {
            0
        });
        plans.push(TypePlan {
            def,
            validity: ty.validity,
            person,
            shuffle: Shuffle::new(population, mix(seed ^ (t as u64 + 1))),
            eligible,
            next: 0,
            city_dept,
            county_depts,
        });
    }
    let order = RoundRobin::new(&quotas(total, &weights, &caps));
    History {
        city,
        seed,
        today,
        plans,
        order,
        emitted: 0,
        places: Places::new(city),
    }
}

/// Age in whole years on `today`.
pub(crate) fn age(birth: Date, today: Date) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (birth.month(), birth.day());
    today.year() - birth.year() - i32::from(!had_birthday)
}

/// Indices of the citizens whose age on `today` lies within `ages`.
fn eligible(city: &DemoCity, ages: (u8, u8), today: Date) -> Vec<usize> {
    let (min, max) = (i32::from(ages.0), i32::from(ages.1));
    city.citizens
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            birth_and_sex(&c.id_number)
                .0
                .is_some_and(|b| (min..=max).contains(&age(b, today)))
        })
        .map(|(i, _)| i)
        .collect()
}

impl History<'_> {
    fn issued_on(&self, plan: &TypePlan, birth: Option<Date>, rng: &mut Rng) -> Date {
        let yesterday = self.today.previous_day().unwrap_or(self.today);
        // 出生医学证明 exist since 1996; older holders got theirs re-issued recently.
        if plan.def.issued == Issued::AtBirth
            && let Some(b) = birth.filter(|b| b.year() >= 1996)
        {
            let day = b
                .checked_add(Duration::days(rng.range_i64(1, 20)))
                .unwrap_or(b);
            return day.min(yesterday);
        }
        let valid_days = match plan.validity {
            Validity::Permanent => HISTORY_DAYS,
            Validity::Years(y) => i64::from(y) * 365 - 1,
            Validity::Months(m) => i64::from(m) * 30 - 1,
        };
        // One in ten is an older licence that has run out.
        let window = if rng.chance(1, 10) {
            HISTORY_DAYS
        } else {
            valid_days.min(HISTORY_DAYS)
        };
        let back = Duration::days(rng.range_i64(1, window.max(1)));
        let mut day = self.today.checked_sub(back).unwrap_or(yesterday);
        if let Some(adult) = birth.and_then(|b| b.checked_add(Duration::days(16 * 365 + 4)))
            && day < adult
        {
            let later = adult.checked_add(Duration::days(rng.range_i64(0, 365)));
            day = later.unwrap_or(adult).min(yesterday);
        }
        day
    }

    fn serial(&self, rng: &mut Rng) -> String {
        let mut s = String::with_capacity(20);
        for _ in 0..7 {
            s.push(char::from(ALNUM[rng.below(36)]));
        }
        // 13 base-36 digits of a bijection of the position: unique in the history.
        let mut x = mix(self.emitted ^ self.seed);
        let mut tail = [b'0'; 13];
        for slot in tail.iter_mut().rev() {
            *slot = ALNUM[(x % 36) as usize];
            x /= 36;
        }
        s.extend(tail.iter().map(|b| char::from(*b)));
        s
    }
}

impl Iterator for History<'_> {
    type Item = HistoricLicence;

    fn next(&mut self) -> Option<HistoricLicence> {
        loop {
            let t = self.order.next_type()?;
            if let Some(licence) = self.make(t) {
                self.emitted += 1;
                return Some(licence);
            }
        }
    }
}

impl History<'_> {
    fn make(&mut self, t: usize) -> Option<HistoricLicence> {
        let k = {
            let plan = self.plans.get_mut(t)?;
            plan.next += 1;
            plan.next - 1
        };
        let plan = self.plans.get(t)?;
        let def = plan.def;
        let mut rng = Rng::derive(self.seed ^ ((t as u64 + 1) << 40), k as u64);
        let drawn = plan.shuffle.at(k);
        let index = match &plan.eligible {
            Some(list) => *list.get(drawn)?,
            None => drawn,
        };
        let (holder, facts) = if plan.person {
            let c = self.city.citizens.get(index)?;
            let (birth, male) = birth_and_sex(&c.id_number);
            let facts = HolderFacts {
                name: &c.name,
                code: &c.id_number,
                legal_rep: None,
                division: &c.division_code,
                birth,
                male,
            };
            (HolderRef::Citizen(index), facts)
        } else {
            let e = self.city.enterprises.get(index)?;
            let facts = HolderFacts {
                name: &e.name,
                code: &e.uscc,
                legal_rep: Some(&e.legal_rep_name),
                division: &e.division_code,
                birth: None,
                male: None,
            };
            (HolderRef::Enterprise(index), facts)
        };
        let code6 = facts.division.get(..6).unwrap_or("");
        let county = plan
            .county_depts
            .iter()
            .find(|(c, _)| c == code6)
            .map(|(_, d)| *d);
        let dept_index = match (plan.city_dept, county) {
            (Some(c), Some(k)) => {
                if rng.chance(1, 6) {
                    c
                } else {
                    k
                }
            }
            (Some(c), None) => c,
            (None, Some(k)) => k,
            (None, None) => plan.county_depts.first()?.1,
        };
        let dept = self.city.departments.get(dept_index)?;
        let issued_on = self.issued_on(plan, facts.birth, &mut rng);
        let d6 = dept.key.get(..6).unwrap_or("");
        let number = number(def.number, d6, issued_on.year(), k + 1, facts.code);
        let serial = self.serial(&mut rng);
        let mut face = BTreeMap::new();
        for (key, _, values) in def.face {
            let value = if values.is_empty() {
                derived_value(key, &facts, &dept.name, issued_on, &self.places, &mut rng)
                    .unwrap_or_default()
            } else {
                rng.pick(values).to_string()
            };
            face.insert((*key).to_string(), value);
        }
        let suspended_or_revoked = rng.chance(1, 200).then(|| {
            let suspend = rng.chance(1, 3);
            let reasons = match (plan.person, suspend) {
                (true, true) => PERSON_SUSPENDED,
                (true, false) => PERSON_REVOKED,
                (false, true) => ORG_SUSPENDED,
                (false, false) => ORG_REVOKED,
            };
            let state = if suspend {
                LicenceState::Suspended
            } else {
                LicenceState::Revoked
            };
            (state, rng.pick(reasons).to_string())
        });
        Some(HistoricLicence {
            type_index: t,
            holder,
            issuing_department_id: dept.key.clone(),
            issued_on,
            valid_until: plan.validity.until(issued_on),
            number,
            serial,
            face,
            suspended_or_revoked,
        })
    }
}
