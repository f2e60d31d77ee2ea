//! `tongban gen`: a deterministic province-sized history written into an empty database — the
//! city's base (scaled so there are many applicants), then `--applications` cases with their
//! hash-chained events, licences for approved cases, 好差评 for completed ones, and the
//! projections the server reads (indicator rollups and cursor, the upstream push cursor).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use time::macros::datetime;
use tongban_app::{App, FakeClock};
use tongban_demo::DemoConfig;

use crate::context::open_app_with;
use crate::gen_history::write_history;
use crate::phases::Phases;
use crate::progress::Progress;
use crate::settings::Settings;

/// The generator's "now": the Monday after the history's last working day (2026-11-27), so
/// the same options always write the same data.
const GEN_NOW: time::OffsetDateTime = datetime!(2026-11-30 09:00 +8);
/// Applications per citizen account and per enterprise account, at most (the demo's 3,000
/// citizens and 1,500 enterprises at least).
const CASES_PER_CITIZEN: u64 = 20;
const CASES_PER_ENTERPRISE: u64 = 40;
/// The streams pushed upstream whose history counts as already pushed.
const UPSTREAM_STREAMS: [&str; 1] = ["licences"];

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub applications: u64,
    pub seed: u64,
}

/// The demo city sized for `applications` cases.
pub fn city_config(o: &GenOptions) -> DemoConfig {
    let d = DemoConfig::default();
    DemoConfig {
        seed: o.seed,
        citizens: d
            .citizens
            .max(usize::try_from(o.applications / CASES_PER_CITIZEN).unwrap_or(usize::MAX)),
        enterprises: d
            .enterprises
            .max(usize::try_from(o.applications / CASES_PER_ENTERPRISE).unwrap_or(usize::MAX)),
    }
}

/// `gen --applications N [--seed S]`.
pub async fn run(settings: &Settings, o: &GenOptions) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let app = open_app_with(settings, Arc::new(FakeClock::at(GEN_NOW)), true).await?;
    if let Some(why) = not_empty(&app).await? {
        eprintln!(
            "数据库不是空的 / the database is not empty ({why}): `tongban gen` writes only into a \
             new, empty database ({})",
            settings.database_url_masked()
        );
        app.store().close().await;
        return Ok(ExitCode::FAILURE);
    }
    let mut phases = Phases::default();
    phases.start("city");
    let city = Arc::new(tongban_demo::generate(&city_config(o)));
    let items = Arc::new(tongban_demo::catalog_items(&city));
    seed_base(&app, &city, &items, &mut phases).await?;
    phases.start("applications");
    let history = write_history(&app, city.clone(), items, o.seed, o.applications).await?;

    phases.start("licences");
    let store = app.store().clone();
    let p = Progress::watch("licences", 0, move || {
        let store = store.clone();
        async move {
            let counts = store.licence_counts().await.unwrap_or_default();
            counts.iter().map(|(_, n)| *n).sum::<i64>().max(0) as u64
        }
    });
    let licences = app
        .seed_licences(&city, 0)
        .await
        .context("signing the licences of approved cases")?;
    p.finish().await;
    phases.start("evaluations");
    let store = app.store().clone();
    let p = Progress::watch("evaluations", 0, move || {
        let store = store.clone();
        async move {
            let counts = store.rating_counts("0000-01-01").await.unwrap_or_default();
            counts.iter().map(|r| r.n).sum::<i64>().max(0) as u64
        }
    });
    let ratings = app
        .seed_evaluations()
        .await
        .context("rating the completed cases")?;
    p.finish().await;
    phases.start("indicators");
    let store = app.store().clone();
    let head = store.head_seq().await.context("reading the log")?;
    let p = Progress::watch("indicators", head.max(0) as u64, move || {
        let store = store.clone();
        async move {
            match store
                .indicator_cursor(tongban_app::indicators::CURSOR)
                .await
            {
                Ok(Some(c)) => c.last_seq.max(0) as u64,
                _ => 0,
            }
        }
    });
    let projected = app
        .refresh_indicators("tongban-gen")
        .await
        .context("projecting the indicators")?;
    p.finish().await;
    phases.start("checkpoint");
    mark_upstream_pushed(&app).await?;
    let p = Progress::start("checkpoint", 0);
    app.store()
        .finish_bulk_load()
        .await
        .context("making the load durable")?;
    p.finish();
    phases.end();
    app.store().close().await;
    print!("{}", phases.table());
    println!(
        "已生成 / generated: {} 件办件 (applications), {} 条办件事件 (case events), {} 张电子证照 \
         (licences), {} 条好差评 (ratings), {} 名群众 (citizens), {} 家企业 (enterprises); \
         统计游标 / indicator cursor at {}; {:.1} s",
        history.cases,
        history.events,
        licences.from_cases,
        ratings.ratings,
        city.citizens.len(),
        city.enterprises.len(),
        projected.last_seq,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Why the database is not empty, if it is not.
async fn not_empty(app: &App) -> anyhow::Result<Option<String>> {
    let store = app.store();
    let divisions = store
        .child_divisions(None)
        .await
        .context("reading the database")?;
    if !divisions.is_empty() {
        return Ok(Some("it has an organisation tree".into()));
    }
    let cases: i64 = store
        .count_applications_by_status()
        .await
        .context("reading the database")?
        .iter()
        .map(|(_, n)| *n)
        .sum();
    if cases > 0 {
        return Ok(Some(format!("it has {cases} applications")));
    }
    Ok(None)
}

/// The city, its catalogue and its lists, through the demo's seeding.
async fn seed_base(
    app: &App,
    city: &Arc<tongban_demo::DemoCity>,
    items: &Arc<Vec<tongban_domain::catalog::ServiceItem>>,
    phases: &mut Phases,
) -> anyhow::Result<()> {
    let p = Progress::start("city", 0);
    app.seed_demo(city.as_ref().clone())
        .await
        .context("writing the city")?;
    p.finish();
    phases.start("catalogue");
    let p = Progress::start("catalogue", 0);
    app.seed_catalog(items.as_ref().clone())
        .await
        .context("writing the catalogue")?;
    let editions = tongban_demo::list_editions(city, items)
        .into_iter()
        .map(|e| tongban_app::SeedEdition {
            kind: e.kind,
            year: e.year,
            entries: e.entries,
        })
        .collect();
    app.seed_lists(editions)
        .await
        .context("writing the lists")?;
    p.finish();
    Ok(())
}

/// The generated history counts as pushed to the provincial platform: each stream's cursor
/// stands at the head of the log, so a server started on the result pushes only new events.
async fn mark_upstream_pushed(app: &App) -> anyhow::Result<()> {
    let head = app.store().head_seq().await.context("reading the log")?;
    let now = (GEN_NOW.unix_timestamp_nanos() / 1_000_000) as i64;
    app.store()
        .write(move |ctx| {
            Box::pin(async move {
                for stream in UPSTREAM_STREAMS {
                    let claimed = ctx
                        .claim_upstream(stream, "tongban-gen", now, now + 60_000, i64::MAX)
                        .await?;
                    if claimed.is_some() && head > 0 {
                        ctx.advance_upstream(stream, "tongban-gen", head, now, true)
                            .await?;
                    }
                }
                Ok::<_, tongban_store::StoreError>(())
            })
        })
        .await
        .context("setting the upstream cursors")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_million_applications_have_half_a_million_citizens() {
        let c = city_config(&GenOptions {
            applications: 10_000_000,
            seed: 1,
        });
        assert_eq!((c.citizens, c.enterprises), (500_000, 250_000));
        let small = city_config(&GenOptions {
            applications: 1_000,
            seed: 1,
        });
        assert_eq!((small.citizens, small.enterprises), (3_000, 1_500));
    }
}
