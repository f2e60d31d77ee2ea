//! The indicators: every figure the API and the page show equals the figure recomputed here,
//! independently, from the raw event log (cases folded with the domain, ratings and 差评 steps
//! counted from their payloads), for the city, every department and every county, for a month
//! and for a year. Plus who may read them, the formulas page, drill-down and the export.

use std::collections::{BTreeMap, HashMap};

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Date, Duration};
use tongban_app::indicators::CURSOR;
use tongban_demo::{ApplicationsConfig, DemoConfig};
use tongban_domain::application::{Application, ApplyChannel, CaseClock, Recorded, Status};
use tongban_domain::evaluation::{
    EvalChannel, EvalStage, RatedFacts, RectificationEvent, RectificationOpened,
    RectificationRecord, Satisfaction,
};
use tongban_domain::indicators::{Counters, Indicator, Period};
use tongban_store::{EventRow, NewEvent, StoreError};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

const DAY_MS: i64 = 86_400_000;

fn ms_of(d: Date) -> i64 {
    (d - Date::from_calendar_date(1970, time::Month::January, 1).unwrap()).whole_days() * DAY_MS
        + 3 * 3_600_000
}

/// One `evaluation.rated` event as the evaluation use cases write it.
#[allow(clippy::too_many_arguments)]
fn rated(
    id: &str,
    app: Option<&str>,
    stage: EvalStage,
    dept: Option<&str>,
    hall: Option<&str>,
    level: u8,
    real_name: bool,
    on: Date,
) -> NewEvent {
    let facts = RatedFacts {
        id: id.into(),
        application_id: app.map(str::to_string),
        stage,
        item_id: None,
        department_id: dept.map(str::to_string),
        hall_id: hall.map(str::to_string),
        served_by: None,
        channel: EvalChannel::parse("pc").unwrap_or(EvalChannel::ALL[0]),
        satisfaction: Satisfaction::from_code(level).unwrap(),
        options: Vec::new(),
        comment: String::new(),
        real_name,
        division_code: "511902001000".into(),
        sequence: 1,
        on,
    };
    NewEvent {
        at_ms: ms_of(on),
        actor: "citizen-x".into(),
        action: "evaluation.rated".into(),
        entity_type: "evaluation".into(),
        entity_id: id.into(),
        payload: serde_json::to_value(&facts).unwrap(),
    }
}

fn step(rect: &str, on: Date, event: RectificationEvent) -> NewEvent {
    let record = RectificationRecord { on, event };
    NewEvent {
        at_ms: ms_of(on),
        actor: "handler".into(),
        action: record.event.action().into(),
        entity_type: "rectification".into(),
        entity_id: rect.into(),
        payload: serde_json::to_value(&record).unwrap(),
    }
}

/// Ratings for every third completed case (levels 1..5 in turn), their 差评 loops (on time,
/// late, revisited, an upheld appeal), an 受理-stage rating, and a window rating with no case.
async fn append_ratings(t: &TestApp) {
    let mut completed = Vec::new();
    let mut after = String::new();
    loop {
        let rows = t.app.store().applications_after(&after, 500).await.unwrap();
        let Some(last) = rows.last() else { break };
        after = last.id.clone();
        for r in rows {
            if r.status == "completed" {
                let on = Date::parse(
                    r.completed_on.as_deref().unwrap(),
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .unwrap();
                completed.push((r.id, r.department_id, on));
            }
        }
    }
    assert!(completed.len() > 100, "{}", completed.len());
    let mut events = Vec::new();
    for (n, (id, dept, on)) in completed.iter().enumerate().filter(|(n, _)| n % 3 == 0) {
        let level = u8::try_from(n / 3 % 5).unwrap() + 1;
        let eval = format!("ev-{n}");
        let real_name = n % 2 == 0;
        events.push(rated(
            &eval,
            Some(id),
            EvalStage::Completed,
            Some(dept),
            None,
            level,
            real_name,
            *on,
        ));
        if n % 9 == 0 {
            // A second rating of the same case, at 受理: the case still counts once as rated.
            events.push(rated(
                &format!("ev-{n}-a"),
                Some(id),
                EvalStage::Accepted,
                Some(dept),
                None,
                2,
                false,
                *on,
            ));
        }
        if level >= 4 {
            let rect = format!("rc-{n}");
            let due = *on + Duration::days(21);
            events.push(step(
                &rect,
                *on,
                RectificationEvent::Opened(Box::new(RectificationOpened {
                    id: rect.clone(),
                    evaluation_id: eval.clone(),
                    application_id: Some(id.clone()),
                    item_id: None,
                    department_id: Some(dept.clone()),
                    hall_id: None,
                    satisfaction: Satisfaction::from_code(level).unwrap(),
                    real_name,
                    rated_on: *on,
                    due,
                })),
            ));
            match n % 4 {
                0 => events.push(step(
                    &rect,
                    *on + Duration::days(3),
                    RectificationEvent::Rectified {
                        measures: "已整改".into(),
                    },
                )),
                1 => events.push(step(
                    &rect,
                    due + Duration::days(2),
                    RectificationEvent::Explained {
                        explanation: "已解释".into(),
                    },
                )),
                2 => {
                    events.push(step(
                        &rect,
                        *on + Duration::days(1),
                        RectificationEvent::Appealed {
                            reason: "恶意差评".into(),
                        },
                    ));
                    events.push(step(
                        &rect,
                        *on + Duration::days(5),
                        RectificationEvent::AppealDecided {
                            upheld: true,
                            note: "申诉成立".into(),
                        },
                    ));
                }
                _ => events.push(step(
                    &rect,
                    *on + Duration::days(2),
                    RectificationEvent::AppealDecided {
                        upheld: false,
                        note: "申诉不成立".into(),
                    },
                )),
            }
            if real_name {
                events.push(step(
                    &rect,
                    *on + Duration::days(6),
                    RectificationEvent::Revisited {
                        outcome: "满意".into(),
                        satisfied: true,
                    },
                ));
            }
        }
    }
    let day = completed[0].2;
    events.push(rated(
        "ev-window",
        None,
        EvalStage::WindowService,
        None,
        Some("hall-511903"),
        1,
        false,
        day,
    ));
    for chunk in events.chunks(200) {
        let chunk = chunk.to_vec();
        t.app
            .store()
            .write(move |ctx| {
                Box::pin(async move {
                    for e in chunk {
                        ctx.append_event(e).await?;
                    }
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .unwrap();
    }
}

async fn seeded() -> TestApp {
    let t = spawn_app().await;
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let items = tongban_demo::catalog_items(&city);
    t.app.seed_catalog(items.clone()).await.unwrap();
    let plan = tongban_demo::application_plan(&city, &items, &ApplicationsConfig::small(600));
    t.app.seed_applications(plan).await.unwrap();
    append_ratings(&t).await;
    let report = t.app.refresh_indicators("test").await.unwrap();
    assert!(report.cases > 100 && report.ratings > 30, "{report:?}");
    t
}

async fn all_events(t: &TestApp) -> Vec<EventRow> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = t.app.store().events_after(after, 5_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        out.extend(page);
    }
    out
}

/// The county of a 12-digit division code (a city-level code is its own: 市本级).
fn county(code: &str) -> String {
    if &code[4..6] == "00" {
        code.to_string()
    } else {
        format!("{}000000", &code[..6])
    }
}

/// What the test counts one contribution under: (day, department, county).
type Units = (Date, String, String);

/// Every contribution recomputed from the raw log.
async fn recompute(t: &TestApp) -> Vec<(Units, Counters)> {
    let store = t.app.store();
    let cal = t.app.calendar();
    let events = all_events(t).await;
    let mut out = Vec::new();
    // Cases: fold each case's events until it reaches 办结.
    let mut logs: BTreeMap<String, Vec<Recorded>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.entity_type == "application") {
        logs.entry(e.entity_id.clone())
            .or_default()
            .push(serde_json::from_str(&e.payload).unwrap());
    }
    let mut completed_units: HashMap<String, Units> = HashMap::new();
    for (id, log) in &logs {
        let Some(app) = (1..=log.len())
            .map(|n| Application::from_events(&log[..n]).unwrap())
            .find(|a| a.status == Status::Completed)
        else {
            continue;
        };
        let dept = store.department(&app.department_id).await.unwrap().unwrap();
        let version = store
            .item_version(&app.item_id, app.item_version)
            .await
            .unwrap()
            .unwrap();
        let capable = version.online_level == "3" || version.online_level == "4";
        let online = matches!(
            app.channel,
            ApplyChannel::Pc | ApplyChannel::Mobile | ApplyChannel::Runner
        );
        let decided = app.outcome.as_ref().unwrap().decided_on;
        let promised = if app.immediate {
            0
        } else {
            app.promised_limit_days
        };
        let clock = CaseClock::clock(&app, promised).unwrap();
        let used = clock.used_as_of(&cal, decided).unwrap().get();
        let licensed: std::collections::BTreeSet<&str> = app
            .materials
            .iter()
            .filter(|m| m.licence_id.is_some() && app.required_materials.contains(&m.material))
            .map(|m| m.material.as_str())
            .collect();
        let c = Counters {
            completed: 1,
            online_capable: u64::from(capable),
            fully_online: u64::from(online && app.visits == 0),
            zero_visit: u64::from(app.visits == 0),
            at_most_one_visit: u64::from(app.visits <= 1),
            immediate: u64::from(app.immediate),
            on_time: u64::from(used <= clock.total().get()),
            legal_days: u64::from(app.legal_limit_days),
            promised_days: u64::from(promised),
            used_days: u64::from(used),
            materials_required: app.required_materials.len() as u64,
            materials_by_licence: licensed.len() as u64,
            ..Counters::default()
        };
        let units = (
            app.completed_on.unwrap(),
            dept.id.clone(),
            county(&dept.division_code),
        );
        completed_units.insert(id.clone(), units.clone());
        out.push((units, c));
    }
    // Ratings and their 差评 loops, from the payloads.
    struct Rating {
        units: Units,
        level: u8,
        real_name: bool,
        due: Option<Date>,
        rectified: bool,
        on_time: bool,
        revisited: bool,
        removed: bool,
    }
    let mut ratings: BTreeMap<String, Rating> = BTreeMap::new();
    let mut rect_of: HashMap<String, String> = HashMap::new();
    let mut rated_cases: std::collections::BTreeSet<String> = Default::default();
    for e in &events {
        if e.action == "evaluation.rated" {
            let r: RatedFacts = serde_json::from_str(&e.payload).unwrap();
            let (dept, cty) = match (&r.department_id, &r.hall_id) {
                (Some(d), _) => {
                    let row = store.department(d).await.unwrap().unwrap();
                    (d.clone(), county(&row.division_code))
                }
                (None, Some(h)) => {
                    let row = store.hall(h).await.unwrap().unwrap();
                    (String::new(), county(&row.division_code))
                }
                (None, None) => (String::new(), county(&r.division_code)),
            };
            if r.stage == EvalStage::Completed
                && let Some(a) = &r.application_id
            {
                rated_cases.insert(a.clone());
            }
            ratings.insert(
                r.id.clone(),
                Rating {
                    units: (r.on, dept, cty),
                    level: r.satisfaction.code(),
                    real_name: r.real_name,
                    due: None,
                    rectified: false,
                    on_time: false,
                    revisited: false,
                    removed: false,
                },
            );
        } else if e.entity_type == "rectification" {
            let rec: RectificationRecord = serde_json::from_str(&e.payload).unwrap();
            if let RectificationEvent::Opened(o) = &rec.event {
                rect_of.insert(e.entity_id.clone(), o.evaluation_id.clone());
            }
            let r = ratings.get_mut(&rect_of[&e.entity_id]).unwrap();
            match rec.event {
                RectificationEvent::Opened(o) => r.due = Some(o.due),
                RectificationEvent::Rectified { .. } | RectificationEvent::Explained { .. }
                    if !r.rectified =>
                {
                    r.rectified = true;
                    r.on_time = rec.on <= r.due.unwrap();
                }
                RectificationEvent::Revisited { .. } => r.revisited = true,
                RectificationEvent::AppealDecided { upheld: true, .. } => r.removed = true,
                _ => {}
            }
        }
    }
    for r in ratings.values().filter(|r| !r.removed) {
        let mut c = Counters::default();
        c.ratings[usize::from(r.level - 1)] = 1;
        if r.level >= 4 {
            c.bad = 1;
            c.bad_real_name = u64::from(r.real_name);
            c.bad_rectified = u64::from(r.rectified);
            c.bad_rectified_on_time = u64::from(r.rectified && r.on_time);
            c.bad_real_name_revisited = u64::from(r.real_name && r.revisited);
        }
        out.push((r.units.clone(), c));
    }
    for case in &rated_cases {
        if let Some(units) = completed_units.get(case) {
            let c = Counters {
                completed_rated: 1,
                ..Counters::default()
            };
            out.push((units.clone(), c));
        }
    }
    out
}

fn sum<'a>(parts: impl Iterator<Item = &'a (Units, Counters)>) -> Counters {
    parts.map(|(_, c)| c).sum()
}

/// The API's counters and indicator texts of one row equal the recomputed ones.
fn assert_row(what: &str, row: &Value, expected: &Counters) {
    assert_eq!(
        row["counters"],
        serde_json::to_value(expected).unwrap(),
        "{what}: counters"
    );
    for (i, indicator) in Indicator::ALL.iter().enumerate() {
        assert_eq!(row["indicators"][i]["code"], indicator.code());
        assert_eq!(
            row["indicators"][i]["text"].as_str().unwrap(),
            indicator.value(expected).text(),
            "{what}: {}",
            indicator.name_zh()
        );
    }
}

#[tokio::test]
async fn every_indicator_recomputed_from_the_raw_events_equals_the_api_and_the_page() {
    let t = seeded().await;
    let parts = recompute(&t).await;
    let token = t.token("supervisor", PASSWORD).await;
    // The busiest month of the seeded history, and its year.
    let mut by_month: BTreeMap<String, usize> = BTreeMap::new();
    for ((day, _, _), c) in &parts {
        if c.completed > 0 {
            *by_month
                .entry(
                    Period::containing(tongban_domain::indicators::PeriodKind::Month, *day).code(),
                )
                .or_default() += 1;
        }
    }
    let month = by_month.iter().max_by_key(|(_, n)| **n).unwrap().0.clone();
    let year = month[..4].to_string();
    let mut compared = 0;
    for code in [month.as_str(), year.as_str()] {
        let period = Period::parse(code).unwrap();
        let inside: Vec<&(Units, Counters)> = parts
            .iter()
            .filter(|((d, _, _), _)| period.contains(*d))
            .collect();
        let city = sum(inside.iter().copied());
        assert!(
            city.completed > 10 && city.rated() > 3 && city.bad > 0,
            "{code}: {city:?}"
        );
        for dimension in ["department", "county"] {
            let (status, body) = t
                .call(
                    "GET",
                    &format!("/api/v1/indicators?dimension={dimension}&period={code}"),
                    Some(&token),
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_row(&format!("{code} city"), &body["total"], &city);
            let mut expected: BTreeMap<String, Counters> = BTreeMap::new();
            for ((_, dept, cty), c) in &inside {
                let key = if dimension == "department" { dept } else { cty };
                if !key.is_empty() {
                    *expected.entry(key.clone()).or_default() += c;
                }
            }
            let rows = body["rows"].as_array().unwrap();
            let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
            assert_eq!(
                keys,
                expected.keys().map(String::as_str).collect::<Vec<_>>(),
                "{code} {dimension}"
            );
            for row in rows {
                let key = row["key"].as_str().unwrap();
                assert_row(&format!("{code} {dimension} {key}"), row, &expected[key]);
                compared += 1;
            }
        }
        // The page shows the same city figures in its total row.
        let html = page(
            &t,
            &format!("/work/indicators?dimension=county&period={code}"),
        )
        .await;
        let tfoot = &html[html.find("<tfoot>").unwrap()..];
        for indicator in Indicator::ALL {
            let text = indicator.value(&city).text();
            assert!(
                tfoot.contains(&format!(">{text}<")),
                "{code} page: {} {text}",
                indicator.name_zh()
            );
        }
    }
    assert!(compared > 10, "{compared}");

    // Projecting again counts nothing twice (idempotent) and leaves the cursor at the head.
    let (_, before) = t
        .call(
            "GET",
            &format!("/api/v1/indicators?dimension=department&period={year}"),
            Some(&token),
            None,
        )
        .await;
    t.app.refresh_indicators("test").await.unwrap();
    let (_, after) = t
        .call(
            "GET",
            &format!("/api/v1/indicators?dimension=department&period={year}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(before, after);
    let cursor = t
        .app
        .store()
        .indicator_cursor(CURSOR)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cursor.last_seq, t.app.store().head_seq().await.unwrap());
}

async fn page(t: &TestApp, path: &str) -> String {
    let csrf = t.csrf_of("/login").await;
    let res = t
        .client
        .post(t.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "supervisor"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = t.client.get(t.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_department_admin_reads_only_their_department_and_citizens_and_clerks_nothing() {
    let t = seeded().await;
    let admin = t.token("deptadmin", PASSWORD).await;
    let (status, body) = t.call("GET", "/api/v1/me", Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let own = body["unit_id"].as_str().unwrap().to_string();
    let (status, body) = t
        .call(
            "GET",
            "/api/v1/indicators?dimension=department&period=2026",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert!(rows.len() <= 1);
    for row in rows {
        assert_eq!(row["key"].as_str(), Some(own.as_str()));
    }
    assert!(
        !rows.is_empty(),
        "the demo's department admin has cases in 2026"
    );
    assert_eq!(
        body["total"]["counters"], rows[0]["counters"],
        "their total is their department's"
    );
    let (status, _) = t
        .call(
            "GET",
            "/api/v1/indicators?dimension=county&period=2026",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a department's admin sees no county table"
    );
    let (status, _) = t
        .call(
            "GET",
            "/api/v1/indicators/cases?period=2026&dimension=department&key=511903-scjgj",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "nor another department's cases"
    );
    let citizen = t.token("citizen", CITIZEN_PW).await;
    let clerk = t.token("clerk", PASSWORD).await;
    for token in [&citizen, &clerk] {
        let (status, body) = t
            .call("GET", "/api/v1/indicators?period=2026", Some(token), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let (status, body) = t
        .call(
            "GET",
            "/api/v1/indicators?period=2026-13",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "indicators.bad_period");
}

#[tokio::test]
async fn the_cases_behind_a_number_are_exactly_the_ones_it_counts() {
    let t = seeded().await;
    let token = t.token("supervisor", PASSWORD).await;
    let (_, table) = t
        .call(
            "GET",
            "/api/v1/indicators?dimension=county&period=2026",
            Some(&token),
            None,
        )
        .await;
    let row = &table["rows"][0];
    let key = row["key"].as_str().unwrap();
    let completed = row["counters"]["completed"].as_u64().unwrap();
    let on_time = row["counters"]["on_time"].as_u64().unwrap();
    let fully = row["counters"]["fully_online"].as_u64().unwrap();
    for (counter, expected) in [
        ("completed", completed),
        ("not_on_time", completed - on_time),
        ("not_fully_online", completed - fully),
    ] {
        let (status, body) = t
            .call("GET", &format!("/api/v1/indicators/cases?period=2026&dimension=county&key={key}&counter={counter}"), Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"].as_u64().unwrap(), expected, "{counter}");
    }
    let (_, late) = t
        .call("GET", &format!("/api/v1/indicators/cases?period=2026&dimension=county&key={key}&counter=not_on_time"), Some(&token), None)
        .await;
    for case in late["cases"].as_array().unwrap() {
        assert_eq!(case["on_time"], json!(false));
        assert!(case["used_days"].as_u64() > case["promised_days"].as_u64());
    }
    // The page lists them too, and the county drills down to its departments.
    let html = page(
        &t,
        &format!("/work/indicators/cases?period=2026&dimension=county&key={key}&counter=completed"),
    )
    .await;
    assert!(html.contains(&format!("符合条件的办件数：{completed}")));
    let html = page(&t, "/work/indicators?dimension=county&period=2026").await;
    let drill = html
        .find(&format!("within={key}\""))
        .expect("the county links to its departments");
    assert!(
        html[drill.saturating_sub(80)..drill].contains("/work/indicators?dimension=department")
    );
    let res = t
        .client
        .get(t.url("/work/indicators/export.xlsx?dimension=county&period=2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
}

#[tokio::test]
async fn the_formulas_are_public_and_say_whose_they_are() {
    let t = spawn_app().await;
    let res = t
        .client
        .get(t.url("/indicators/formulas"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for indicator in Indicator::ALL {
        assert!(
            html.contains(indicator.name_zh()) && html.contains(indicator.formula_zh()),
            "{}",
            indicator.code()
        );
    }
    assert!(html.contains("通办平台的计算口径"));
    let (status, body) = t
        .call("GET", "/api/v1/indicators/formulas", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["formulas"].as_array().unwrap().len(),
        Indicator::ALL.len()
    );
    let (status, _) = t
        .call("GET", "/api/v1/indicators?period=2026", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_projector_resuming_mid_log_folds_the_cases_drafted_before_its_cursor() {
    let t = spawn_app().await;
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let items = tongban_demo::catalog_items(&city);
    t.app.seed_catalog(items.clone()).await.unwrap();
    let plan = tongban_demo::application_plan(&city, &items, &ApplicationsConfig::small(300));
    t.app.seed_applications(plan).await.unwrap();
    let events = all_events(&t).await;
    // The seeder writes each case's events together: put the cursor inside a completed case
    // in the middle of the log, after its draft and before its 办结.
    let completing: Vec<&EventRow> = events
        .iter()
        .filter(|e| e.action == "application.delivered")
        .collect();
    let split = completing[completing.len() / 2];
    let mid = events
        .iter()
        .find(|e| e.entity_id == split.entity_id)
        .unwrap()
        .seq;
    // As if a projector had read the log up to `mid` before.
    t.app
        .store()
        .write(move |ctx| {
            Box::pin(async move {
                ctx.claim_indicator_cursor(CURSOR, "earlier", 0, 1).await?;
                ctx.advance_indicator_cursor(CURSOR, "earlier", 0, mid, 0, 0)
                    .await?;
                ctx.release_indicator_cursor(CURSOR, "earlier").await
            })
        })
        .await
        .unwrap();
    t.app.refresh_indicators("test").await.unwrap();

    // The cases whose fold first reaches 办结 at an event after `mid`, drafted before it or not.
    let mut logs: BTreeMap<String, Vec<(i64, Recorded)>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.entity_type == "application") {
        logs.entry(e.entity_id.clone())
            .or_default()
            .push((e.seq, serde_json::from_str(&e.payload).unwrap()));
    }
    let (mut expected, mut drafted_before, mut used) = (0u64, 0, 0u64);
    for log in logs.values() {
        let records: Vec<Recorded> = log.iter().map(|(_, r)| r.clone()).collect();
        let Some(n) = (1..=records.len()).find(|n| {
            Application::from_events(&records[..*n]).unwrap().status == Status::Completed
        }) else {
            continue;
        };
        if log[n - 1].0 > mid {
            expected += 1;
            drafted_before += usize::from(log[0].0 <= mid);
            let app = Application::from_events(&records[..n]).unwrap();
            let promised = if app.immediate {
                0
            } else {
                app.promised_limit_days
            };
            let decided = app.outcome.as_ref().unwrap().decided_on;
            let clock = CaseClock::clock(&app, promised).unwrap();
            used += u64::from(clock.used_as_of(&t.app.calendar(), decided).unwrap().get());
        }
    }
    assert_eq!(drafted_before, 1, "the split case");
    let token = t.token("supervisor", PASSWORD).await;
    let mut total = Counters::default();
    for year in ["2025", "2026"] {
        let (_, body) = t
            .call(
                "GET",
                &format!("/api/v1/indicators?dimension=county&period={year}"),
                Some(&token),
                None,
            )
            .await;
        total.completed += body["total"]["counters"]["completed"].as_u64().unwrap();
        total.used_days += body["total"]["counters"]["used_days"].as_u64().unwrap();
    }
    assert_eq!((total.completed, total.used_days), (expected, used));
}
