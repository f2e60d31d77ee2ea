//! Tests of the demo history plan: its size, mix and dates.

use std::collections::HashSet;

use super::*;
use crate::{DemoConfig, catalog_items, generate};

fn plan(cfg: &ApplicationsConfig) -> ApplicationPlan {
    let city = generate(&DemoConfig::default());
    let items = catalog_items(&city);
    application_plan(&city, &items, cfg)
}

#[test]
fn item_codes_name_one_item_each() {
    let city = generate(&DemoConfig::default());
    let items = catalog_items(&city);
    let codes: HashSet<&str> = items
        .iter()
        .map(|i| i.implementation_code.as_str())
        .collect();
    assert_eq!(codes.len(), items.len());
}

#[test]
fn the_year_has_about_twenty_thousand_cases_nearly_all_fully_online() {
    let cfg = ApplicationsConfig::default();
    let plan = plan(&cfg);
    let total = plan.cases.len();
    assert!((20_000..=21_500).contains(&total), "{total}");
    let in_person = plan
        .cases
        .iter()
        .filter(|c| c.channel.counts_a_visit())
        .count();
    let online_share = 1.0 - in_person as f64 / total as f64;
    assert!((0.978..=0.986).contains(&online_share), "{online_share}");
    for c in &plan.cases {
        assert!(
            c.drafted_on >= cfg.from && c.drafted_on <= cfg.until,
            "{c:?}"
        );
        let last = c.actions.last().map_or(c.drafted_on, |a| a.on);
        assert!(last <= cfg.until, "{c:?}");
        let times: Vec<i64> = c.actions.iter().map(|a| a.at_ms).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{c:?}");
    }
    let stories = plan.stories();
    for (story, _) in CLOSED_STORIES.iter().chain(OPEN_STORIES) {
        assert!(
            stories.get(story).copied().unwrap_or(0) > 0,
            "{story}: {stories:?}"
        );
    }
    assert_eq!(stories.get("commitment_false"), Some(&1));
}

#[test]
fn the_same_seed_plans_the_same_history() {
    let cfg = ApplicationsConfig::small(500);
    assert_eq!(plan(&cfg), plan(&cfg));
}
