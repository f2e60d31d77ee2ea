//! The spreadsheet imports of tongban-app: a list edition (xlsx or CSV decoded, then mapped to
//! entries) and a department's licences (decoded, then rows to signed-licence drafts).

use std::collections::HashMap;
use std::sync::OnceLock;

use time::Date;
use time::macros::date;
use tongban_app::import::{Departments, decode, parse_rows};
use tongban_app::licences::{RowContext, parse_licence_rows};
use tongban_domain::licence::kind::{HolderKind, LicenceType};
use tongban_domain::lists::ListKind;
use tongban_domain::lists::validate_edition;
use tongban_domain::{ResidentIdNumber, Uscc};
use tongban_store::DepartmentRow;

const TODAY: Date = date!(2026 - 11 - 30);

/// The demo city's departments, licence types and one issuing department, built once.
pub(crate) struct Fixture {
    pub departments: Departments,
    pub types: HashMap<String, LicenceType>,
    pub issuer: DepartmentRow,
}

pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let city = crate::seeds::city();
        let departments = Departments {
            names: city
                .departments
                .iter()
                .map(|d| (d.key.clone(), d.name.clone()))
                .collect(),
        };
        let types: HashMap<String, LicenceType> = tongban_demo::licence_types(city)
            .into_iter()
            .map(|t| (t.code.to_string(), t))
            .collect();
        let issuer_id = crate::seeds::first_type(city)
            .issuing_department_ids
            .first()
            .cloned()
            .unwrap_or_default();
        let seed = city.departments.iter().find(|d| d.key == issuer_id);
        let issuer = DepartmentRow {
            id: issuer_id,
            name: seed.map(|d| d.name.clone()).unwrap_or_default(),
            short_name: seed.map(|d| d.short_name.clone()).unwrap_or_default(),
            uscc: seed.map(|d| d.uscc.clone()).unwrap_or_default(),
            division_code: seed.map(|d| d.division_code.clone()).unwrap_or_default(),
            parent_id: None,
        };
        Fixture {
            departments,
            types,
            issuer,
        }
    })
}

/// A list edition file: decoded rows are numbered from 1 in increasing order; every problem
/// points at the file (row 0) or at a row of the sheet; there are never more entries than data
/// rows; and when no problem is reported the entries make a valid edition.
pub fn check_list_import(data: &[u8]) {
    let Ok(sheet) = decode("import.csv", data) else {
        return;
    };
    let numbers: Vec<u32> = sheet.rows.iter().map(|(n, _)| *n).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "rows in order");
    assert!(numbers.first().is_none_or(|n| *n >= 1));
    let fixture = fixture();
    for kind in ListKind::ALL {
        let parsed = parse_rows(kind, &sheet, &fixture.departments);
        assert!(parsed.entries.len() <= parsed.rows);
        assert!(parsed.rows <= sheet.rows.len());
        for problem in &parsed.problems {
            assert!(
                problem.row == 0 || numbers.contains(&problem.row),
                "problem at row {} not in the sheet",
                problem.row
            );
        }
        if parsed.problems.is_empty() {
            let problems = validate_edition(kind, &parsed.entries);
            assert!(
                problems.is_empty(),
                "a clean import makes an invalid edition: {problems:?}"
            );
        }
    }
}

/// A licence import file: every draft is issued by the importing department, of a type it
/// may issue, with a valid identifier (no wrong check character is accepted unasked), a
/// holder code valid for the holder's kind, a date of issue not after today and a validity
/// that does not end before it starts; problems point at the file or a row of the sheet.
pub fn check_licence_rows(data: &[u8]) {
    let Ok(sheet) = decode("licences.csv", data) else {
        return;
    };
    let fixture = fixture();
    let ctx = RowContext {
        issuer: &fixture.issuer,
        types: &fixture.types,
        today: TODAY,
        accept_bad_check: false,
    };
    let parsed = parse_licence_rows(&sheet, &ctx);
    let numbers: Vec<u32> = sheet.rows.iter().map(|(n, _)| *n).collect();
    assert!(parsed.drafts.len() <= parsed.rows);
    assert_eq!(parsed.accepted_bad_check, 0);
    for problem in &parsed.problems {
        assert!(problem.row == 0 || numbers.contains(&problem.row));
        assert!(!problem.code.is_empty());
    }
    for (row, draft) in &parsed.drafts {
        assert!(numbers.contains(row));
        let facts = &draft.facts;
        assert_eq!(draft.issuer_department_id, fixture.issuer.id);
        assert!(
            draft
                .licence_type
                .issuing_department_ids
                .contains(&fixture.issuer.id)
        );
        assert!(facts.id.check_ok(), "identifier {} accepted", facts.id);
        assert_eq!(facts.type_code, draft.licence_type.code);
        assert!(!facts.holder.name.is_empty());
        match facts.holder.kind {
            HolderKind::Person => {
                assert!(ResidentIdNumber::parse(&facts.holder.code, TODAY).is_ok())
            }
            HolderKind::Organisation => assert!(Uscc::parse(&facts.holder.code).is_ok()),
        }
        assert!(facts.issued_on <= TODAY);
        if let Some(until) = facts.valid_until {
            assert!(until >= facts.valid_from, "validity ends before it starts");
        }
    }
}
