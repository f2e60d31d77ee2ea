//! The demo lists: the 权责清单 of the 45 city departments (5,577 power items, 41,366
//! responsibility items), the 行政许可事项清单 (the catalogue's 351 licensing items of 37
//! department kinds, so the two agree) and the 公共资源交易监管权力和责任清单 (9 departments,
//! 143 power items, 1,101 responsibility items), each as a 2023年本 at exactly these counts and
//! a 2022年本 that differs from it: some entries the 2023年本 added, some it removed, and some
//! it changed (renamed, basis amended, moved to another department, a duty added). Pure and
//! deterministic.

mod power;

use tongban_domain::catalog::{ItemType, ServiceItem};
use tongban_domain::lists::{ListEntry, ListKind};

use crate::places::CITY6;
use crate::rng::Rng;
use crate::{DemoCity, DepartmentSeed};

/// Departments of the demo 权责清单.
pub const POWER_DEPARTMENTS: usize = 45;
/// Power items of the demo 权责清单 (2023年本).
pub const POWER_ITEMS: usize = 5_577;
/// Responsibility items of the demo 权责清单 (2023年本).
pub const POWER_DUTIES: usize = 41_366;
/// Departments, power items and duties of the demo 公共资源交易监管 list (2023年本).
pub const TRADING_DEPARTMENTS: usize = 9;
pub const TRADING_ITEMS: usize = 143;
pub const TRADING_DUTIES: usize = 1_101;

/// The city departments that supervise public-resource trading.
const TRADING_SLUGS: [&str; 9] = [
    "fgw", "czj", "zrzyj", "zjj", "jtj", "slj", "nyncj", "ggzy", "sjj",
];

/// One edition of one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoListEdition {
    pub kind: ListKind,
    pub year: i32,
    pub entries: Vec<ListEntry>,
}

/// How many entries an older edition lacks, has extra and has in another form.
struct Churn {
    added: usize,
    removed: usize,
    changed: usize,
}

/// Every demo edition: each list's 2022年本 then its 2023年本. `catalog` is
/// [`crate::catalog_items`] of the same city.
pub fn list_editions(city: &DemoCity, catalog: &[ServiceItem]) -> Vec<DemoListEdition> {
    let city_depts: Vec<&DepartmentSeed> = city
        .departments
        .iter()
        .filter(|d| d.key.starts_with(CITY6))
        .collect();
    let mut rng = Rng::derive(2023, 0x11575);
    let weighted: Vec<(&DepartmentSeed, u32)> = city_depts
        .iter()
        .map(|d| (*d, 20 + rng.below(200) as u32))
        .collect();
    let power = power::power_items(&mut rng, "QZ", &weighted, POWER_ITEMS, POWER_DUTIES);
    let trading_depts: Vec<(&DepartmentSeed, u32)> = TRADING_SLUGS
        .iter()
        .filter_map(|s| city_depts.iter().find(|d| d.key == format!("{CITY6}-{s}")))
        .map(|d| (*d, 10 + rng.below(20) as u32))
        .collect();
    let trading = power::power_items(
        &mut rng,
        "GG",
        &trading_depts,
        TRADING_ITEMS,
        TRADING_DUTIES,
    )
    .into_iter()
    .map(|mut e| {
        e.name = format!("公共资源交易活动中{}", e.name.trim_start_matches('对'));
        e
    })
    .collect();
    let licensing: Vec<ListEntry> = catalog
        .iter()
        .filter(|i| i.item_type == ItemType::AdministrativeLicensing)
        .map(|i| ListEntry {
            code: format!("XK-{}", i.basic_code),
            name: i.name.clone(),
            item_type: i.item_type,
            basis: i.legal_basis.clone(),
            department_id: i.department_id.clone(),
            level: i.level,
            basic_code: Some(i.basic_code.clone()),
            duties: Vec::new(),
        })
        .collect();
    let dept_ids: Vec<String> = city_depts.iter().map(|d| d.key.clone()).collect();
    let mut out = Vec::new();
    for (kind, latest, churn) in [
        (
            ListKind::PowerDuty,
            power,
            Churn {
                added: 48,
                removed: 31,
                changed: 66,
            },
        ),
        (
            ListKind::Licensing,
            licensing,
            Churn {
                added: 9,
                removed: 6,
                changed: 14,
            },
        ),
        (
            ListKind::PublicResourceTrading,
            trading,
            Churn {
                added: 5,
                removed: 3,
                changed: 7,
            },
        ),
    ] {
        let older = older_edition(&mut rng, &latest, &churn, &dept_ids);
        out.push(DemoListEdition {
            kind,
            year: 2022,
            entries: older,
        });
        out.push(DemoListEdition {
            kind,
            year: 2023,
            entries: latest,
        });
    }
    out
}

/// The 2022年本 of a list whose 2023年本 is `latest`: without the entries 2023 added, with
/// some 2023 removed (older copies under retired codes), and with some in their older form.
fn older_edition(
    rng: &mut Rng,
    latest: &[ListEntry],
    churn: &Churn,
    dept_ids: &[String],
) -> Vec<ListEntry> {
    let n = latest.len();
    // Distinct positions: the first `added` are new in 2023, the next `changed` changed.
    let mut picks: Vec<usize> = Vec::new();
    while picks.len() < churn.added + churn.changed && picks.len() < n {
        let i = rng.below(n);
        if !picks.contains(&i) {
            picks.push(i);
        }
    }
    let (added, changed) = picks.split_at(churn.added.min(picks.len()));
    let mut older = Vec::with_capacity(n);
    for (i, entry) in latest.iter().enumerate() {
        if added.contains(&i) {
            continue;
        }
        let mut e = entry.clone();
        if let Some(k) = changed.iter().position(|c| *c == i) {
            match k % 4 {
                0 => {
                    e.name = e
                        .name
                        .replacen("的行政处罚", "的处罚", 1)
                        .replacen("相关", "", 1)
                        + "（旧称）"
                }
                1 => e.basis = format!("{}（2017年修正）", e.basis),
                2 => {
                    let other = dept_ids.iter().find(|d| **d != e.department_id);
                    if let Some(other) = other {
                        e.department_id = other.clone();
                    }
                }
                _ => {
                    if e.duties.len() > 1 {
                        e.duties.pop();
                    } else {
                        e.name.push_str("（旧称）");
                    }
                }
            }
        }
        older.push(e);
    }
    for r in 0..churn.removed.min(n) {
        let mut e = latest[rng.below(n)].clone();
        e.code = format!("{}-R{r:03}", e.code);
        e.name = format!("{}（已取消）", e.name);
        if let Some(basic) = &mut e.basic_code {
            basic.push_str(&format!("R{r:02}"));
        }
        older.push(e);
    }
    older
}

#[cfg(test)]
mod tests;
