//! Tests of the lists: edition labels, validation and the edition diff.

use proptest::prelude::*;

use super::*;
use crate::catalog::ItemType;
use crate::division::AdminLevel;

fn duty(name: &str) -> Duty {
    Duty {
        name: name.into(),
        accountability: String::new(),
    }
}

fn entry(code: &str, name: &str) -> ListEntry {
    ListEntry {
        code: code.into(),
        name: name.into(),
        item_type: ItemType::AdministrativePenalty,
        basis: "《中华人民共和国行政处罚法》".into(),
        department_id: "511900-scjgj".into(),
        level: AdminLevel::City,
        basic_code: None,
        duties: vec![duty("立案责任"), duty("调查责任")],
    }
}

#[test]
fn an_edition_is_read_from_its_year_or_its_label() {
    assert_eq!(parse_edition("2023"), Some(2023));
    assert_eq!(parse_edition("2022年本"), Some(2022));
    assert_eq!(parse_edition("22年本"), None);
    assert_eq!(parse_edition("１９９９"), None);
    assert_eq!(parse_edition("3000"), None);
    assert_eq!(edition_label(2023), "2023年本");
}

#[test]
fn list_kinds_round_trip_through_their_codes() {
    for kind in ListKind::ALL {
        assert_eq!(ListKind::parse(kind.code()), Some(kind));
    }
    assert_eq!(ListKind::parse("nope"), None);
    assert!(!ListKind::Licensing.has_duties());
}

#[test]
fn a_good_entry_has_no_problems() {
    assert!(
        validate_entry(ListKind::PowerDuty, 0, &entry("QZ-1", "对某违法行为的处罚")).is_empty()
    );
}

#[test]
fn validation_names_every_bad_field() {
    let mut bad = entry(" QZ-1", "");
    bad.basis = String::new();
    bad.department_id = String::new();
    bad.duties.push(duty(" "));
    let fields: Vec<String> = validate_entry(ListKind::Licensing, 3, &bad)
        .into_iter()
        .map(|p| {
            assert_eq!(p.index, 3);
            p.field
        })
        .collect();
    assert_eq!(
        fields,
        [
            "code",
            "name",
            "item_type",
            "basis",
            "department_id",
            "duties",
            "duties.2.name"
        ]
    );
}

#[test]
fn an_edition_may_not_use_an_entry_code_twice() {
    let problems = validate_edition(
        ListKind::PowerDuty,
        &[entry("A", "甲"), entry("B", "乙"), entry("A", "丙")],
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].index, 2);
    assert!(problems[0].message.contains("重复"));
}

#[test]
fn the_diff_lists_added_removed_and_changed_entries_field_by_field() {
    let old = vec![entry("C", "丙"), entry("A", "甲"), entry("B", "乙")];
    let mut renamed = entry("A", "甲（更名）");
    renamed.basis = "《新条例》".into();
    let mut moved = entry("C", "丙");
    moved.department_id = "511900-zjj".into();
    moved.duties = vec![duty("调查责任"), duty("立案责任"), duty("执行责任")];
    let new = vec![moved, entry("D", "丁"), renamed];
    let diff = diff_editions(&old, &new);
    assert_eq!(
        diff.added.iter().map(|e| &e.code[..]).collect::<Vec<_>>(),
        ["D"]
    );
    assert_eq!(
        diff.removed.iter().map(|e| &e.code[..]).collect::<Vec<_>>(),
        ["B"]
    );
    assert_eq!(diff.changed.len(), 2);
    let a = &diff.changed[0];
    assert_eq!((a.code.as_str(), a.name.as_str()), ("A", "甲（更名）"));
    assert_eq!(
        a.fields,
        vec![
            FieldChange {
                field: EntryField::Name,
                old: "甲".into(),
                new: "甲（更名）".into()
            },
            FieldChange {
                field: EntryField::Basis,
                old: "《中华人民共和国行政处罚法》".into(),
                new: "《新条例》".into()
            },
        ]
    );
    let c = &diff.changed[1];
    assert_eq!(c.fields.len(), 2, "reordered duties are no change: {c:?}");
    assert_eq!(c.fields[0].field, EntryField::Department);
    assert_eq!(
        (c.fields[1].old.as_str(), c.fields[1].new.as_str()),
        ("", "执行责任")
    );
}

#[test]
fn an_edition_compared_with_itself_has_no_differences() {
    let e = vec![entry("A", "甲"), entry("B", "乙")];
    assert!(diff_editions(&e, &e).is_empty());
}

#[test]
fn a_changed_accountability_text_shows_the_duty_on_both_sides() {
    let old = vec![entry("A", "甲")];
    let mut new = old.clone();
    new[0].duties[1].accountability = "未依法调查的".into();
    let diff = diff_editions(&old, &new);
    let f = &diff.changed[0].fields[0];
    assert_eq!(
        (f.field, f.old.as_str(), f.new.as_str()),
        (EntryField::Duties, "调查责任", "调查责任")
    );
}

fn arb_entry() -> impl Strategy<Value = ListEntry> {
    (0u8..12, 0u8..3, 0u8..3, prop::collection::vec(0u8..4, 0..4)).prop_map(
        |(code, name, dept, duties)| ListEntry {
            code: format!("E{code:02}"),
            name: format!("事项{name}"),
            item_type: ItemType::AdministrativePenalty,
            basis: "依据".into(),
            department_id: format!("d{dept}"),
            level: AdminLevel::City,
            basic_code: None,
            duties: duties
                .into_iter()
                .map(|d| duty(&format!("责任{d}")))
                .collect(),
        },
    )
}

fn unique(entries: Vec<ListEntry>) -> Vec<ListEntry> {
    let mut seen = std::collections::BTreeSet::new();
    entries
        .into_iter()
        .filter(|e| seen.insert(e.code.clone()))
        .collect()
}

proptest! {
    #[test]
    fn the_diff_accounts_for_every_entry_exactly_once(
        old in prop::collection::vec(arb_entry(), 0..10).prop_map(unique),
        new in prop::collection::vec(arb_entry(), 0..10).prop_map(unique),
    ) {
        let diff = diff_editions(&old, &new);
        let codes = |v: &[ListEntry]| v.iter().map(|e| e.code.clone()).collect::<std::collections::BTreeSet<_>>();
        let (o, n) = (codes(&old), codes(&new));
        prop_assert_eq!(codes(&diff.added), n.difference(&o).cloned().collect());
        prop_assert_eq!(codes(&diff.removed), o.difference(&n).cloned().collect());
        for code in o.intersection(&n) {
            let a = old.iter().find(|e| &e.code == code).unwrap();
            let b = new.iter().find(|e| &e.code == code).unwrap();
            let sorted = |e: &ListEntry| {
                let mut e = e.clone();
                e.duties.sort_by(|x, y| x.name.cmp(&y.name));
                e
            };
            let same = sorted(a) == sorted(b);
            let listed = diff.changed.iter().any(|c| &c.code == code);
            prop_assert_eq!(same, !listed);
        }
        let back = diff_editions(&new, &old);
        prop_assert_eq!(back.added.len(), diff.removed.len());
        prop_assert_eq!(back.changed.len(), diff.changed.len());
    }
}
