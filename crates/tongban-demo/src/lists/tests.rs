//! The demo lists have the source's exact counts, agree with the catalogue, and their two
//! editions really differ.

use std::collections::BTreeSet;

use tongban_domain::lists::{EntryField, ListKind, diff_editions, validate_edition};

use super::*;
use crate::{DemoConfig, catalog_items, generate};

fn editions() -> Vec<DemoListEdition> {
    let city = generate(&DemoConfig {
        seed: 1,
        citizens: 1,
        enterprises: 1,
    });
    list_editions(&city, &catalog_items(&city))
}

fn edition(all: &[DemoListEdition], kind: ListKind, year: i32) -> &DemoListEdition {
    all.iter()
        .find(|e| e.kind == kind && e.year == year)
        .unwrap()
}

fn counts(e: &DemoListEdition) -> (usize, usize, usize) {
    let depts: BTreeSet<&str> = e.entries.iter().map(|x| x.department_id.as_str()).collect();
    let duties = e.entries.iter().map(|x| x.duties.len()).sum();
    (depts.len(), e.entries.len(), duties)
}

#[test]
fn the_2023_power_list_has_45_departments_5577_items_and_41366_duties() {
    let all = editions();
    assert_eq!(
        counts(edition(&all, ListKind::PowerDuty, 2023)),
        (45, 5_577, 41_366)
    );
}

#[test]
fn the_2023_trading_list_has_9_departments_143_items_and_1101_duties() {
    let all = editions();
    assert_eq!(
        counts(edition(&all, ListKind::PublicResourceTrading, 2023)),
        (9, 143, 1_101)
    );
}

#[test]
fn the_2023_licensing_list_is_the_catalogues_351_items_of_37_department_kinds() {
    let all = editions();
    let lic = edition(&all, ListKind::Licensing, 2023);
    assert_eq!(lic.entries.len(), 351);
    let kinds: BTreeSet<&str> = lic
        .entries
        .iter()
        .map(|e| e.department_id.rsplit('-').next().unwrap())
        .collect();
    assert_eq!(kinds.len(), 37);
    let levels: BTreeSet<_> = lic.entries.iter().map(|e| e.level).collect();
    assert_eq!(levels.len(), 3, "city, county and township");
}

#[test]
fn every_edition_is_valid_and_the_two_editions_differ_in_every_way() {
    let all = editions();
    for e in &all {
        assert!(
            validate_edition(e.kind, &e.entries).is_empty(),
            "{:?} {}",
            e.kind,
            e.year
        );
    }
    for kind in ListKind::ALL {
        let diff = diff_editions(
            &edition(&all, kind, 2022).entries,
            &edition(&all, kind, 2023).entries,
        );
        assert!(
            !diff.added.is_empty() && !diff.removed.is_empty(),
            "{kind:?}"
        );
        let fields: BTreeSet<EntryField> = diff
            .changed
            .iter()
            .flat_map(|c| c.fields.iter().map(|f| f.field))
            .collect();
        for f in [EntryField::Name, EntryField::Basis, EntryField::Department] {
            assert!(
                fields.contains(&f),
                "{kind:?} lacks a {f:?} change: {fields:?}"
            );
        }
    }
    let power = diff_editions(
        &edition(&all, ListKind::PowerDuty, 2022).entries,
        &edition(&all, ListKind::PowerDuty, 2023).entries,
    );
    assert_eq!(
        (power.added.len(), power.removed.len(), power.changed.len()),
        (48, 31, 66)
    );
}

#[test]
fn the_lists_are_the_same_every_time() {
    assert_eq!(editions(), editions());
}
