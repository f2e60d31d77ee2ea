//! Pure, deterministic demo-data generator for a Bazhong-like city (巴中市, Sichuan).
//!
//! [`generate`] builds the whole demo city from a [`DemoConfig`]: administrative divisions
//! (四川省 → 巴中市 → 5 counties/districts → 202 townships/streets → about 2,000
//! villages/communities), 45 city departments plus county counterparts, the 1+5+202+N
//! service-hall network, staff for every role, citizens and enterprises. There is no I/O, no
//! clock and no global RNG: the same seed always yields identical data.
//!
//! The geography, departments, halls and staff are the same for every seed (so logins stay
//! stable); only citizens and enterprises depend on [`DemoConfig::seed`].
//!
//! # Demo logins
//!
//! All staff use the password [`STAFF_PASSWORD`] (`Tongban@2026`), citizens
//! [`CITIZEN_PASSWORD`] (`Citizen@2026`) and enterprises [`ENTERPRISE_PASSWORD`]
//! (`Enterprise@2026`).
//!
//! Systematic staff logins (`CCCCCC` = 6-digit county code, `TTTTTTTTT` = 9-digit township
//! code prefix, `KEY` = department key such as `511900-scjgj`):
//!
//! | login | role | scope |
//! | --- | --- | --- |
//! | `admin` | system admin | division 511900000000 |
//! | `supervisor1`, `supervisor2` | bureau supervisor | division 511900000000 |
//! | `deptadmin-KEY` | dept admin | each of the 45 city departments |
//! | `reviewer-KEY`, `approver-KEY` | reviewer / approver | city `zwfwj`, `scjgj`, `rsj`, `mzj`, `gaj`, `zjj`, `bdcdj`, `ybj`; each county's `scjgj` and `zwfwj` |
//! | `clerk-CCCCCC-1` … `-4` | window clerk | county 政务服务中心 hall |
//! | `clerk-TTTTTTTTT-1`, `-2` | window clerk | township 便民服务中心 hall |
//! | `handler-511900`, `handler-CCCCCC` | 好差评 evaluation handler | city / county division |
//! | `runner-TTTTTTTTT` | 帮代办员 runner | township 便民服务中心 hall |
//!
//! Fixed easy demo logins, extra accounts on top of the systematic ones: `supervisor`
//! (city), `clerk` and `runner` (巴州区东城街道便民服务中心, hall `hall-511902001`),
//! `reviewer`, `approver` and `deptadmin` (巴中市市场监督管理局, `511900-scjgj`), `handler`
//! (city division). The first citizen has login `citizen`, the others `c00001`, `c00002`, …;
//! likewise the first enterprise is `enterprise`, the others `e00001`, ….
//!
//! The service-item catalogue ([`catalog_items`]) is built on the generated city: 351
//! 行政许可 items of 37 department kinds plus about 80 公共服务 items. Its electronic licences:
//! [`licence_types`] (the 证照目录 of 165 types), [`recognitions`] (the 互通互认清单) and
//! [`historic_licences`] (a lazy plan of licences issued before and by the platform).
//!
//! Hall keys: `hall-511900` (city), `hall-CCCCCC` (county), `hall-TTTTTTTTT` (township) and
//! `hall-` + the 12-digit village code for village stations.

mod applications;
mod catalog;
mod codes;
mod departments;
mod geo;
mod halls;
mod licences;
mod lists;
mod names;
mod people;
mod places;
mod rng;
mod staff;
mod summary;

pub use applications::{
    ApplicationPlan, ApplicationsConfig, PlannedAction, PlannedActor, PlannedCase,
    SAMPLE_MATERIAL_PDF, application_plan, sample_material_id,
};
pub use catalog::{LICENSING_DEPARTMENTS, LICENSING_ITEMS, catalog_items, catalog_summary};
pub use licences::{
    HistoricLicence, HolderRef, LICENCE_TYPES, historic_licences, licence_types, recognitions,
};
pub use lists::{
    DemoListEdition, POWER_DEPARTMENTS, POWER_DUTIES, POWER_ITEMS, TRADING_DEPARTMENTS,
    TRADING_DUTIES, TRADING_ITEMS, list_editions,
};
pub use summary::summary;
pub use tongban_domain::division::AdminLevel;
pub use tongban_domain::role::Role;

/// Password of every demo staff account.
pub const STAFF_PASSWORD: &str = "Tongban@2026";
/// Password of every demo citizen account.
pub const CITIZEN_PASSWORD: &str = "Citizen@2026";
/// Password of every demo enterprise account.
pub const ENTERPRISE_PASSWORD: &str = "Enterprise@2026";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Seed for citizens and enterprises.
    pub seed: u64,
    /// Number of citizens (default 3000).
    pub citizens: usize,
    /// Number of enterprises (default 1500).
    pub enterprises: usize,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: 2026,
            citizens: 3000,
            enterprises: 1500,
        }
    }
}

/// The whole generated demo city. Every list is ordered parents-first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCity {
    pub divisions: Vec<DivisionSeed>,
    pub departments: Vec<DepartmentSeed>,
    pub halls: Vec<HallSeed>,
    pub staff: Vec<StaffSeed>,
    pub citizens: Vec<CitizenSeed>,
    pub enterprises: Vec<EnterpriseSeed>,
}

/// An administrative division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionSeed {
    /// 12-digit code.
    pub code: String,
    pub name: String,
    pub level: AdminLevel,
    pub parent_code: Option<String>,
}

/// A government department (city or county level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentSeed {
    /// Stable unique slug such as "511900-scjgj".
    pub key: String,
    /// Full name such as "巴中市市场监督管理局".
    pub name: String,
    pub short_name: String,
    /// Valid GB 32100 code, "11" + 6-digit division code + organisation code + check.
    pub uscc: String,
    /// 12-digit code of the city or county.
    pub division_code: String,
    /// County department → its city counterpart.
    pub parent_key: Option<String>,
}

/// Tier of a government-service hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HallKind {
    /// 市政务服务中心.
    CityCenter,
    /// 县（区）政务服务中心.
    CountyCenter,
    /// 乡镇（街道）便民服务中心.
    TownshipCenter,
    /// 村（社区）便民服务站.
    VillageStation,
}

impl HallKind {
    /// All kinds, top tier first.
    pub const ALL: [HallKind; 4] = [
        HallKind::CityCenter,
        HallKind::CountyCenter,
        HallKind::TownshipCenter,
        HallKind::VillageStation,
    ];

    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            HallKind::CityCenter => "city_center",
            HallKind::CountyCenter => "county_center",
            HallKind::TownshipCenter => "township_center",
            HallKind::VillageStation => "village_station",
        }
    }

    /// Chinese display name of the tier.
    pub fn name_zh(self) -> &'static str {
        match self {
            HallKind::CityCenter => "市级政务服务中心",
            HallKind::CountyCenter => "县级政务服务中心",
            HallKind::TownshipCenter => "乡镇（街道）便民服务中心",
            HallKind::VillageStation => "村（社区）便民服务站",
        }
    }
}

/// A government-service hall or station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallSeed {
    pub key: String,
    pub name: String,
    pub kind: HallKind,
    pub division_code: String,
    pub address: String,
    /// Office landline such as "0827-5261234".
    pub phone: String,
    pub latitude_e6: i64,
    pub longitude_e6: i64,
    pub opening_hours: String,
}

/// Kind of org unit a staff member is scoped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKind {
    /// `unit_key` is a 12-digit division code.
    Division,
    /// `unit_key` is a department key.
    Department,
    /// `unit_key` is a hall key.
    Hall,
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSeed {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub unit_kind: UnitKind,
    pub unit_key: String,
    pub password: String,
}

/// A citizen account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSeed {
    pub login: String,
    pub name: String,
    /// Valid GB 11643 number with a Bazhong county address code, born 1940–2008.
    pub id_number: String,
    /// 11-digit mobile number.
    pub phone: String,
    pub password: String,
    /// 12-digit code of the village/community they live in.
    pub division_code: String,
}

/// An enterprise account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseSeed {
    pub login: String,
    pub name: String,
    /// Valid GB 32100 code, "91" + Bazhong county code + organisation code + check.
    pub uscc: String,
    pub legal_rep_name: String,
    pub password: String,
    /// 12-digit code of the township where it is registered.
    pub division_code: String,
}

/// Generates the demo city. Pure and deterministic; runs in time linear in the output size.
pub fn generate(cfg: &DemoConfig) -> DemoCity {
    let geo = geo::build();
    let departments = departments::build();
    let halls = halls::build(&geo);
    let staff = staff::build(&geo, &departments);
    let citizens = people::citizens(&geo, cfg.seed, cfg.citizens);
    let enterprises = people::enterprises(&geo, cfg.seed, cfg.enterprises);
    DemoCity {
        divisions: geo.division_seeds(),
        departments,
        halls,
        staff,
        citizens,
        enterprises,
    }
}
