//! The demo history: a planned year of cases seeded through the domain's rules, rebuilt from the
//! event log with nothing differing, leaving the demo staff work to do, and no citizen ID number
//! or phone readable in the database file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{App, AppConfig, FakeClock, LoginRequest};
use tongban_demo::{ApplicationsConfig, DemoConfig, STAFF_PASSWORD};
use tongban_store::{Store, StoreOptions, VerifyOutcome};

async fn seeded_app(cfg: ApplicationsConfig) -> (App, usize) {
    let dir = std::env::temp_dir().join(format!("tongban-history-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-30 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock, AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig::default());
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city.clone()).await.unwrap();
    app.seed_catalog(items.clone()).await.unwrap();
    let plan = tongban_demo::application_plan(&city, &items, &cfg);
    let planned = plan.cases.len();
    let report = app.seed_applications(plan).await.unwrap();
    assert_eq!(report.cases, planned);
    (app, planned)
}

#[tokio::test]
async fn every_demo_application_rebuilds_from_its_events_with_no_mismatch() {
    // The whole year the demo seeds (`tongban demo` uses the same plan).
    let (app, planned) = seeded_app(ApplicationsConfig::default()).await;
    assert!(planned > 20_000, "{planned}");
    let rebuilt = app.rebuild_applications().await.unwrap();
    assert_eq!(rebuilt.cases, planned);
    assert!(rebuilt.events > planned * 5, "{rebuilt:?}");
    assert!(rebuilt.mismatches.is_empty(), "{:?}", rebuilt.mismatches);
    assert!(matches!(
        app.store().verify_events().await.unwrap(),
        VerifyOutcome::Intact { .. }
    ));
    let again = app
        .seed_applications(tongban_demo::ApplicationPlan::default())
        .await
        .unwrap();
    assert!(again.already_seeded);
}

#[tokio::test]
async fn the_demo_reviewer_and_approver_find_work_some_of_it_due_soon_or_overdue() {
    let (app, _) = seeded_app(ApplicationsConfig::small(2_000)).await;
    for login in ["reviewer", "approver"] {
        let outcome = app
            .login(LoginRequest {
                login: login.into(),
                password: STAFF_PASSWORD.into(),
                client: "test".into(),
            })
            .await
            .unwrap();
        let queue = app.work_queue(&outcome.principal, 200).await.unwrap();
        assert!(!queue.entries.is_empty(), "{login} has no work");
        assert!(queue.overdue + queue.due_soon > 0, "{login}: {queue:?}");
    }
}

/// Which of `needles` (ID numbers and phones: digits and `X`) occur in `haystack`: every
/// window of a needle's length inside a run of digits and `X` is looked up.
fn found_in(haystack: &[u8], needles: &[String]) -> BTreeSet<String> {
    let wanted: HashSet<&[u8]> = needles.iter().map(|n| n.as_bytes()).collect();
    let lengths: BTreeSet<usize> = needles.iter().map(String::len).collect();
    let mut found = BTreeSet::new();
    for run in haystack.split(|b| !(b.is_ascii_digit() || *b == b'X')) {
        for len in &lengths {
            for window in run.windows(*len) {
                if wanted.contains(window) {
                    found.insert(String::from_utf8_lossy(window).into_owned());
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn the_database_file_of_a_seeded_demo_holds_no_citizen_id_number_or_phone() {
    let dir = std::env::temp_dir().join(format!("tongban-pii-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let url = format!("sqlite://{}", path.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-30 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let mut config = AppConfig::new(b"k".to_vec());
    config.licence_master_key = Some([0x42; 16]);
    let app = App::new(store, clock, config).await.unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 3,
        citizens: 400,
        enterprises: 40,
    });
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city.clone()).await.unwrap();
    app.seed_catalog(items.clone()).await.unwrap();
    let plan = tongban_demo::application_plan(&city, &items, &ApplicationsConfig::small(300));
    app.seed_applications(plan).await.unwrap();
    app.seed_licences(&city, 400).await.unwrap();
    let citizen = app
        .store()
        .citizen_profile(&format!("citizen-{}", city.citizens[0].login))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        citizen.id_number, city.citizens[0].id_number,
        "the store reads plaintext"
    );
    app.store().close().await;

    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(dir.join("t.db-wal")) {
        bytes.extend_from_slice(&wal);
    }
    let needles: Vec<String> = city
        .citizens
        .iter()
        .flat_map(|c| [c.id_number.clone(), c.phone.clone()])
        .collect();
    assert!(needles.len() >= 800, "{}", needles.len());
    let leaked = found_in(&bytes, &needles);
    assert!(
        leaked.is_empty(),
        "{} of {} ID numbers and phones found in the file ({})",
        leaked.len(),
        needles.len(),
        dir.display()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
