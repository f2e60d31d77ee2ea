//! The applications phase of `tongban gen`: a province's history planned a demo year at a time
//! (each year-sized chunk with its own seed), each chunk written through the platform's own
//! history writer while the next one is planned on another thread.

use std::sync::Arc;

use anyhow::Context as _;
use tongban_app::App;
use tongban_demo::{ApplicationPlan, ApplicationsConfig, DemoCity};
use tongban_domain::catalog::ServiceItem;

use crate::progress::Progress;

/// Cases planned together: one demo year (its open/closed mix is the demo's).
pub const CHUNK_CASES: u64 = 20_700;
/// Open cases per chunk of [`CHUNK_CASES`] (the demo year's 320).
const OPEN_PER_CHUNK: u64 = 320;
/// Cases handed to the writer at once (also how often the progress moves).
const WRITE_SLICE: usize = 3_000;

/// What the applications phase wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct HistoryTotals {
    pub cases: u64,
    pub events: u64,
}

/// The seed of chunk `k` of a history seeded with `seed`.
fn chunk_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed ^ (k + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The plan of chunk `k`: `size` cases over the demo year, in the demo's mix.
pub fn plan_chunk(
    city: &DemoCity,
    items: &[ServiceItem],
    seed: u64,
    k: u64,
    size: u64,
) -> ApplicationPlan {
    let open = (size * OPEN_PER_CHUNK).div_ceil(CHUNK_CASES);
    // The planner gives up on a case it cannot fit now and then: ask for a few more closed
    // ones and drop the surplus below (it adds one case of its own, the false commitment).
    let closed = (size + size / 100 + 2).saturating_sub(open + 1);
    let cfg = ApplicationsConfig {
        seed: chunk_seed(seed, k),
        closed: usize::try_from(closed).unwrap_or(0),
        open: usize::try_from(open).unwrap_or(0),
        ..ApplicationsConfig::default()
    };
    let mut plan = tongban_demo::application_plan(city, items, &cfg);
    trim(&mut plan, usize::try_from(size).unwrap_or(0));
    plan
}

/// Drops ordinary closed cases, spread evenly over the period, until `size` are left.
fn trim(plan: &mut ApplicationPlan, size: usize) {
    let surplus = plan.cases.len().saturating_sub(size);
    if surplus == 0 {
        return;
    }
    let normal = plan.cases.iter().filter(|c| c.story == "normal").count();
    let every = (normal / surplus).max(1);
    let (mut seen, mut dropped) = (0usize, 0usize);
    plan.cases.retain(|c| {
        if c.story != "normal" || dropped == surplus {
            return true;
        }
        seen += 1;
        let drop = seen % every == 0;
        dropped += usize::from(drop);
        !drop
    });
    plan.cases.truncate(size);
}

/// Plans and writes `total` cases, showing progress.
pub async fn write_history(
    app: &App,
    city: Arc<DemoCity>,
    items: Arc<Vec<ServiceItem>>,
    seed: u64,
    total: u64,
) -> anyhow::Result<HistoryTotals> {
    let mut writer = app
        .history_writer()
        .await
        .context("reading the published catalogue")?;
    let chunks = total.div_ceil(CHUNK_CASES);
    let size_of = move |k: u64| CHUNK_CASES.min(total - k * CHUNK_CASES);
    let spawn_plan = |k: u64| {
        let (city, items) = (city.clone(), items.clone());
        tokio::task::spawn_blocking(move || plan_chunk(&city, &items, seed, k, size_of(k)))
    };
    let mut progress = Progress::start("applications", total);
    let mut totals = HistoryTotals::default();
    let mut next = (chunks > 0).then(|| spawn_plan(0));
    for k in 0..chunks {
        let Some(planning) = next.take() else { break };
        let plan = planning.await.context("planning the history")?;
        if plan.cases.is_empty() {
            anyhow::bail!("the demo city cannot make a history (too few working days or people)");
        }
        next = (k + 1 < chunks).then(|| spawn_plan(k + 1));
        let mut cases = plan.cases.into_iter().peekable();
        while cases.peek().is_some() {
            let slice = ApplicationPlan {
                cases: cases.by_ref().take(WRITE_SLICE).collect(),
            };
            let report = writer
                .write(app, slice)
                .await
                .context("writing the history of applications")?;
            totals.cases += report.cases as u64;
            totals.events += report.events as u64;
            progress.add(report.cases as u64);
        }
    }
    progress.finish();
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_have_their_own_seeds_and_keep_them() {
        assert_eq!(chunk_seed(7, 0), chunk_seed(7, 0));
        assert_ne!(chunk_seed(7, 0), chunk_seed(7, 1));
        assert_ne!(chunk_seed(7, 0), chunk_seed(8, 0));
    }

    #[test]
    fn a_chunk_plans_as_many_cases_as_asked_in_the_demo_mix() {
        let city = tongban_demo::generate(&tongban_demo::DemoConfig::default());
        let items = tongban_demo::catalog_items(&city);
        let plan = plan_chunk(&city, &items, 1, 0, 2_000);
        assert_eq!(plan.cases.len(), 2_000);
        let open = plan
            .cases
            .iter()
            .filter(|c| c.story.starts_with("open_"))
            .count();
        assert!((20..=60).contains(&open), "{open}");
        assert_eq!(plan, plan_chunk(&city, &items, 1, 0, 2_000));
    }
}
