//! Staff accounts for every role, each scoped to a division, department or hall (logins documented in the crate docs).

use crate::departments::{REVIEWING_CITY, REVIEWING_COUNTY, key};
use crate::geo::{Geo, city_code};
use crate::halls;
use crate::names;
use crate::places::{CITY6, COUNTIES};
use crate::rng::Rng;
use crate::{DepartmentSeed, Role, STAFF_PASSWORD, StaffSeed, UnitKind};

const STAFF_SEED: u64 = 0x5119_0020_2600_0003;

/// Window clerks at each county 政务服务中心.
const COUNTY_CLERKS: usize = 4;
/// Window clerks at each township 便民服务中心.
const TOWNSHIP_CLERKS: usize = 2;

struct Builder {
    rng: Rng,
    out: Vec<StaffSeed>,
}

impl Builder {
    fn add(&mut self, login: String, role: Role, unit_kind: UnitKind, unit_key: String) {
        let male = self.rng.chance(1, 2);
        let year = 1966 + self.rng.below(36) as i32;
        let name = names::person(&mut self.rng, male, year);
        self.out.push(StaffSeed {
            login,
            name,
            role,
            unit_kind,
            unit_key,
            password: STAFF_PASSWORD.to_owned(),
        });
    }
}

/// All staff accounts.
pub(crate) fn build(geo: &Geo, departments: &[DepartmentSeed]) -> Vec<StaffSeed> {
    let mut b = Builder {
        rng: Rng::new(STAFF_SEED),
        out: Vec::new(),
    };
    let city = city_code();
    b.add(
        "admin".into(),
        Role::SystemAdmin,
        UnitKind::Division,
        city.clone(),
    );
    for i in 1..=2 {
        let login = format!("supervisor{i}");
        b.add(
            login,
            Role::BureauSupervisor,
            UnitKind::Division,
            city.clone(),
        );
    }
    for d in departments.iter().filter(|d| d.parent_key.is_none()) {
        let login = format!("deptadmin-{}", d.key);
        b.add(login, Role::DeptAdmin, UnitKind::Department, d.key.clone());
    }
    let reviewing = REVIEWING_CITY.iter().map(|s| key(CITY6, s)).chain(
        COUNTIES
            .iter()
            .flat_map(|c| REVIEWING_COUNTY.iter().map(|s| key(c.code6, s))),
    );
    for k in reviewing {
        if departments.iter().any(|d| d.key == k) {
            b.add(
                format!("reviewer-{k}"),
                Role::Reviewer,
                UnitKind::Department,
                k.clone(),
            );
            b.add(
                format!("approver-{k}"),
                Role::Approver,
                UnitKind::Department,
                k.clone(),
            );
        }
    }
    b.add(
        format!("handler-{CITY6}"),
        Role::EvaluationHandler,
        UnitKind::Division,
        city.clone(),
    );
    for c in &geo.counties {
        let hall = halls::county_key(c);
        for i in 1..=COUNTY_CLERKS {
            let login = format!("clerk-{}-{i}", c.info.code6);
            b.add(login, Role::WindowClerk, UnitKind::Hall, hall.clone());
        }
        let login = format!("handler-{}", c.info.code6);
        b.add(
            login,
            Role::EvaluationHandler,
            UnitKind::Division,
            c.code.clone(),
        );
    }
    for c in &geo.counties {
        for t in &c.townships {
            let hall = halls::township_key(t);
            let prefix = &t.code[..9];
            for i in 1..=TOWNSHIP_CLERKS {
                let login = format!("clerk-{prefix}-{i}");
                b.add(login, Role::WindowClerk, UnitKind::Hall, hall.clone());
            }
            b.add(
                format!("runner-{prefix}"),
                Role::Runner,
                UnitKind::Hall,
                hall.clone(),
            );
        }
    }
    add_fixed(&mut b, geo, city);
    b.out
}

/// The easy demo logins, extra accounts on top of the systematic ones.
fn add_fixed(b: &mut Builder, geo: &Geo, city: String) {
    let market = key(CITY6, "scjgj");
    b.add(
        "supervisor".into(),
        Role::BureauSupervisor,
        UnitKind::Division,
        city.clone(),
    );
    if let Some(first) = geo.counties.first().and_then(|c| c.townships.first()) {
        let hall = halls::township_key(first);
        b.add(
            "clerk".into(),
            Role::WindowClerk,
            UnitKind::Hall,
            hall.clone(),
        );
        b.add("runner".into(), Role::Runner, UnitKind::Hall, hall);
    }
    b.add(
        "reviewer".into(),
        Role::Reviewer,
        UnitKind::Department,
        market.clone(),
    );
    b.add(
        "approver".into(),
        Role::Approver,
        UnitKind::Department,
        market.clone(),
    );
    b.add(
        "deptadmin".into(),
        Role::DeptAdmin,
        UnitKind::Department,
        market,
    );
    b.add(
        "handler".into(),
        Role::EvaluationHandler,
        UnitKind::Division,
        city,
    );
}
