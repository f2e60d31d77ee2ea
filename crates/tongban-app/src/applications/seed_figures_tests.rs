//! The demo history's headline figures, computed without a store: every planned case is run
//! through the domain and counted as the indicator projector counts it, and the city's
//! 全程网办率 and 办理提速 come out of the source's kind (98.24 % and 87.28 %).

use tongban_demo::{ApplicationsConfig, DemoConfig};
use tongban_domain::WorkCalendar;
use tongban_domain::indicators::{Counters, Indicator, IndicatorValue, case_fact};

use super::{ItemFacts, facts_of, run_case};

fn percent(value: IndicatorValue) -> f64 {
    match value {
        IndicatorValue::Ratio(r) => r.num as f64 * 100.0 / r.den.max(1) as f64,
        IndicatorValue::Count { value } => value as f64,
    }
}

#[test]
fn the_demo_year_is_about_as_fully_online_and_as_fast_as_the_source_reports() {
    let city = tongban_demo::generate(&DemoConfig::default());
    let items = tongban_demo::catalog_items(&city);
    let plan = tongban_demo::application_plan(&city, &items, &ApplicationsConfig::default());
    let cal = WorkCalendar::builtin();
    let mut city_total = Counters::default();
    for case in &plan.cases {
        let item = items
            .iter()
            .find(|i| i.implementation_code == case.item_code)
            .expect("planned items are in the catalogue");
        let facts = facts_of(
            &ItemFacts {
                item_id: item.implementation_code.clone(),
                version: 1,
                item: item.clone(),
                division_code: String::new(),
            },
            case,
            tongban_domain::AccountKind::Citizen,
            "申请人".into(),
            None,
        );
        let (app, _) = run_case(&facts, case, &cal).expect("every planned case is valid");
        if let Ok(fact) = case_fact(&app, &cal, true) {
            city_total += &fact.counters();
        }
    }
    let fully_online = percent(Indicator::FullyOnlineRate.value(&city_total));
    let speedup = percent(Indicator::Speedup.value(&city_total));
    eprintln!(
        "{} completed: 全程网办率 {fully_online:.2} %, 办理提速 {speedup:.2} %",
        city_total.completed
    );
    assert!((97.5..=99.0).contains(&fully_online), "{fully_online}");
    assert!((85.0..=90.0).contains(&speedup), "{speedup}");
}
