//! Tests of the catalogue model.

use super::*;
use crate::division::AdminLevel;

pub fn sample() -> ServiceItem {
    ServiceItem {
        name: "食品经营许可".into(),
        aliases: vec!["开饭店".into(), "食品许可证".into()],
        item_type: ItemType::AdministrativeLicensing,
        basic_code: "000117028000".into(),
        implementation_code: "11511900MB0000000X-000117028000".into(),
        handling_code: "000117028000-01".into(),
        level: AdminLevel::County,
        department_id: "511902-scjgj".into(),
        legal_basis: "《中华人民共和国食品安全法》第三十五条".into(),
        legal_limit_days: 20,
        legal_limit_note: String::new(),
        promised_limit_days: 5,
        promised_limit_note: String::new(),
        transaction_kind: TransactionKind::Promised,
        visits: 0,
        online_depth: vec![
            OnlineDepth::Consultation,
            OnlineDepth::Acceptance,
            OnlineDepth::Handling,
        ],
        online_level: OnlineLevel::Four,
        channels: vec![Channel::Window, Channel::Pc],
        fees: Fees::default(),
        conditions: vec!["具有与经营的食品品种、数量相适应的经营场所".into()],
        steps: vec![
            Step {
                name: "受理".into(),
                role: "window_clerk".into(),
                budget_days: 1,
            },
            Step {
                name: "审查".into(),
                role: "reviewer".into(),
                budget_days: 3,
            },
            Step {
                name: "决定".into(),
                role: "approver".into(),
                budget_days: 1,
            },
        ],
        special_procedures: vec!["现场核查".into()],
        service_objects: vec![ServiceObject::Person, ServiceObject::Enterprise],
        themes: vec![Theme::Business],
        hall_ids: vec!["hall-511902".into()],
        materials: vec![Material {
            name: "营业执照".into(),
            required: true,
            form: "电子".into(),
            source: "政府部门核发".into(),
            originals: 1,
            copies: 0,
            licence_type: Some("营业执照".into()),
            may_be_missing: false,
            may_be_committed: false,
            note: String::new(),
        }],
        allows_incomplete_acceptance: false,
        allows_commitment: false,
        consultation_phone: "0827-5200000".into(),
        complaint_phone: "12345".into(),
    }
}

#[test]
fn a_well_formed_item_has_no_problems() {
    assert_eq!(validate_item(&sample()), vec![]);
}

#[test]
fn the_speed_up_is_the_share_of_the_legal_limit_saved() {
    assert_eq!(sample().speed_up_percent(), 75);
    let immediate = ServiceItem {
        legal_limit_days: 0,
        promised_limit_days: 0,
        ..sample()
    };
    assert_eq!(immediate.speed_up_percent(), 0);
}

#[test]
fn a_promise_longer_than_the_law_and_steps_over_budget_are_refused() {
    let item = ServiceItem {
        promised_limit_days: 25,
        steps: vec![Step {
            name: "审查".into(),
            role: "reviewer".into(),
            budget_days: 30,
        }],
        ..sample()
    };
    let fields: Vec<String> = validate_item(&item).into_iter().map(|p| p.field).collect();
    assert!(fields.contains(&"promised_limit_days".to_string()));
    assert!(fields.contains(&"steps".to_string()));
}

#[test]
fn a_material_may_be_missing_only_where_the_item_accepts_incomplete_applications() {
    let mut item = sample();
    item.materials[0].may_be_missing = true;
    let problems = validate_item(&item);
    assert_eq!(problems[0].field, "materials.0.may_be_missing");
    item.allows_incomplete_acceptance = true;
    assert!(validate_item(&item).is_empty());
}

#[test]
fn full_online_handling_means_zero_visits() {
    let item = ServiceItem {
        visits: 1,
        ..sample()
    };
    assert_eq!(validate_item(&item)[0].field, "visits");
}

#[test]
fn codes_keep_to_fifty_safe_characters() {
    let item = ServiceItem {
        basic_code: "编码".into(),
        implementation_code: "x".repeat(51),
        ..sample()
    };
    let fields: Vec<String> = validate_item(&item).into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["basic_code", "implementation_code"]);
}

#[test]
fn an_item_round_trips_through_json_with_codes_as_strings() {
    let item = sample();
    let json = serde_json::to_string(&item).unwrap();
    assert!(json.contains("\"item_type\":\"01\""));
    assert!(json.contains("\"online_level\":\"4\""));
    assert_eq!(serde_json::from_str::<ServiceItem>(&json).unwrap(), item);
    assert!(serde_json::from_str::<ServiceItem>(&json.replace("\"01\"", "\"99\"")).is_err());
}

#[test]
fn the_life_cycle_runs_draft_review_published_withdrawn_and_nothing_else() {
    let s = ItemStatus::Draft;
    let s = s.submit_for_review().unwrap();
    assert_eq!(s.return_to_draft().unwrap(), ItemStatus::Draft);
    let s = s.publish().unwrap();
    assert!(!s.editable());
    assert!(s.publish().is_err());
    let err = ItemStatus::Draft.publish().unwrap_err();
    assert_eq!(err.to_string(), "草稿的事项不能发布");
    assert_eq!(s.withdraw().unwrap(), ItemStatus::Withdrawn);
}

#[test]
fn search_text_covers_names_aliases_materials_and_themes() {
    let text = sample().search_text();
    for part in ["食品经营许可", "开饭店", "营业执照", "开办企业"] {
        assert!(text.contains(part), "{part}");
    }
}
