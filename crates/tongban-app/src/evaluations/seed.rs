//! The demo's 好差评: most completed cases of the history rated (mostly 非常满意/满意, about
//! 0.3 % 差评, a share anonymous, channels mixed), decided by a hash of the case id so every run
//! is the same, and 差评 loops left in every state (open, verified, rectified, explained,
//! revisited, closed, escalated, appealed, appeal upheld and refused). The ratings go through
//! the same preparation as real ones and are written in bulk units of work.

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, Duration};
use tongban_domain::application::Status;
use tongban_domain::evaluation::{
    EvalChannel, EvalStage, LoopActor, LoopCommand, Rectification, RectificationEvent,
    RectificationRecord, Satisfaction,
};
use tongban_domain::sm3;
use tongban_store::{EvaluationRow, NewEvent, RectificationRow};

use super::RatingInput;
use super::rate::{PreparedRating, RatedSubject, Rater, internal, prepare_rating};
use crate::applications::state_of;
use crate::{App, AppError};

/// What the demo seeding wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvaluationSeedReport {
    pub already_seeded: bool,
    pub ratings: usize,
    pub bad: usize,
    pub anonymous: usize,
}

/// The demo citizen's cases stay unrated, so that `citizen` can rate one.
const LEFT_FOR_THE_DEMO_CITIZEN: &str = "citizen-citizen";

/// The loop states the demo's 差评 are left in, in the order they are handed out.
const SCENARIOS: [&str; 10] = [
    "open",
    "appealed",
    "verified",
    "escalated",
    "rectified",
    "explained",
    "revisited",
    "closed",
    "appeal_upheld",
    "appeal_refused",
];

fn hash_of(text: &str) -> [u8; 32] {
    sm3(text.as_bytes())
}

fn id_of(prefix: &str, app_id: &str) -> String {
    hex::encode(&hash_of(&format!("{prefix}:{app_id}"))[..12])
}

/// The level from a number in 0..10_000: about 0.3 % 差评.
fn level_of(n: u32) -> Satisfaction {
    match n {
        0..=7_799 => Satisfaction::VerySatisfied,
        7_800..=9_399 => Satisfaction::Satisfied,
        9_400..=9_969 => Satisfaction::BasicallySatisfied,
        9_970..=9_984 => Satisfaction::Dissatisfied,
        _ => Satisfaction::VeryDissatisfied,
    }
}

const GOOD_OPTIONS: [&str; 4] = ["efficiency", "convenience", "guide_accuracy", "operability"];
const BAD_COMMENTS: [&str; 4] = [
    "材料要求前后说法不一致，多跑了一趟",
    "办理时间比承诺的长",
    "网上提交后很久没有回音",
    "窗口人员解释不够耐心",
];

impl App {
    /// Rates the demo history (once).
    pub async fn seed_evaluations(&self) -> Result<EvaluationSeedReport, AppError> {
        let mut report = EvaluationSeedReport::default();
        if !self.store.rating_counts("0000-01-01").await?.is_empty() {
            report.already_seeded = true;
            return Ok(report);
        }
        let today = self.today();
        let cal = self.calendar();
        let mut divisions: HashMap<String, String> = HashMap::new();
        let mut bad_cases: Vec<(PreparedRating, bool)> = Vec::new();
        let mut batch: Vec<PreparedRating> = Vec::new();
        let mut after = String::new();
        loop {
            let rows = self.store.applications_after(&after, 1_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            for row in &rows {
                if row.applicant_account == LEFT_FOR_THE_DEMO_CITIZEN {
                    continue;
                }
                let Ok(app) = state_of(row) else { continue };
                if app.status != Status::Completed {
                    continue;
                }
                let Some(done_on) = app.completed_on else {
                    continue;
                };
                let h = hash_of(&format!("demo-eval:{}", app.id));
                // About 88 % of the completed cases are rated.
                if h[0] >= 225 {
                    continue;
                }
                let level = level_of(u32::from(u16::from_be_bytes([h[1], h[2]])) % 10_000);
                let anonymous = h[3] < 51;
                let channel = match (h[4] % 10, app.hall_id.is_some()) {
                    (0..=3, true) => EvalChannel::HallTablet,
                    (0..=3, false) | (4..=5, _) => EvalChannel::Mobile,
                    (6..=7, _) => EvalChannel::Pc,
                    _ => EvalChannel::Sms,
                };
                if !divisions.contains_key(&app.department_id) {
                    let code = self
                        .store
                        .department(&app.department_id)
                        .await?
                        .map(|d| d.division_code)
                        .unwrap_or_default();
                    divisions.insert(app.department_id.clone(), code);
                }
                let division_code = divisions
                    .get(&app.department_id)
                    .cloned()
                    .unwrap_or_default();
                let subject = RatedSubject {
                    application_id: Some(app.id.clone()),
                    window_service_id: None,
                    stage: EvalStage::Completed,
                    item_id: Some(app.item_id.clone()),
                    department_id: Some(app.department_id.clone()),
                    hall_id: app.hall_id.clone(),
                    served_by: None,
                    unit_kind: "department",
                    unit_id: app.department_id.clone(),
                    division_code: division_code.clone(),
                };
                let rater = Rater {
                    account: Some(app.applicant_account.clone()),
                    key: self.rater_key(&app.applicant_account),
                    recorded_by: None,
                    actor: app.applicant_account.clone(),
                };
                let bad = level.is_bad();
                let comment = if bad {
                    BAD_COMMENTS[usize::from(h[5]) % BAD_COMMENTS.len()].to_string()
                } else {
                    String::new()
                };
                let input = RatingInput {
                    satisfaction: level,
                    options: vec![GOOD_OPTIONS[usize::from(h[6]) % GOOD_OPTIONS.len()].into()],
                    comment,
                    real_name: !anonymous,
                    channel,
                };
                let rated_on = (done_on + Duration::days(i64::from(h[7] % 3))).min(today);
                let due = self
                    .evaluation_settings()
                    .deadlines
                    .due(rated_on, &division_code, &cal)
                    .map_err(internal)?;
                let at_ms = noon_ms(rated_on);
                let prepared = prepare_rating(
                    &subject,
                    &rater,
                    &input,
                    rated_on,
                    at_ms,
                    due,
                    (id_of("ev", &app.id), id_of("rc", &app.id)),
                )?;
                report.ratings += 1;
                if anonymous {
                    report.anonymous += 1;
                }
                if bad {
                    report.bad += 1;
                    let city_level = division_code.ends_with("00000000");
                    bad_cases.push((prepared, city_level));
                } else {
                    batch.push(prepared);
                    if batch.len() >= 2_000 {
                        self.write_seeded(std::mem::take(&mut batch)).await?;
                    }
                }
            }
        }
        // The city's own units' 差评 get the scenarios first (the city-level demo handler and
        // supervisor work them), then the counties' in turn.
        bad_cases.sort_by_key(|(p, city)| (!*city, p.row.id.clone()));
        for (i, (mut prepared, _)) in bad_cases.into_iter().enumerate() {
            let scenario = SCENARIOS[i % SCENARIOS.len()];
            self.play_scenario(&mut prepared, scenario, today)?;
            batch.push(prepared);
        }
        self.write_seeded(batch).await?;
        Ok(report)
    }

    /// Moves a 差评's case on to `scenario`, dated after the rating (recent cases for the
    /// states that still wait for someone, so they are not all overdue).
    fn play_scenario(
        &self,
        prepared: &mut PreparedRating,
        scenario: &str,
        today: Date,
    ) -> Result<(), AppError> {
        let Some(row) = prepared.case.as_mut() else {
            return Ok(());
        };
        let mut records: Vec<RectificationRecord> =
            serde_json::from_str(&row.records).map_err(internal)?;
        let Some(mut case) = Rectification::fold(&records) else {
            return Ok(());
        };
        let rated_on = case.opened.rated_on;
        let waiting = matches!(scenario, "open" | "verified" | "appealed");
        if waiting && today - rated_on > Duration::days(10) {
            // Keep the waiting ones fresh: re-date the rating to a few days ago.
            let on = today - Duration::days(2);
            let due = self
                .evaluation_settings()
                .deadlines
                .due(on, &row.division_code, &self.calendar())
                .map_err(internal)?;
            case.opened.rated_on = on;
            case.opened.due = due;
            records[0] = RectificationRecord {
                on,
                event: RectificationEvent::Opened(Box::new(case.opened.clone())),
            };
            row.rated_on = on.to_string();
            row.due = due.to_string();
            prepared.row.rated_on = on.to_string();
            prepared.row.at_ms = noon_ms(on);
            for e in &mut prepared.events {
                e.at_ms = noon_ms(on);
                if e.action == "evaluation.rated" {
                    let mut facts: tongban_domain::evaluation::RatedFacts =
                        serde_json::from_value(e.payload.clone()).map_err(internal)?;
                    facts.on = on;
                    e.payload = serde_json::to_value(&facts).map_err(internal)?;
                }
                if e.action == "rectification.opened" {
                    e.payload = serde_json::to_value(&records[0]).map_err(internal)?;
                }
            }
        }
        let on = case.opened.rated_on;
        let verify = LoopCommand::Verify {
            finding: "经核实，反映情况基本属实".into(),
        };
        let steps: Vec<(LoopCommand, LoopActor, i64)> = match scenario {
            "open" => vec![],
            "verified" => vec![(verify, LoopActor::UnitHandler, 1)],
            "appealed" => vec![(
                LoopCommand::Appeal {
                    reason: "办件按承诺时限办结，评价人误选等级".into(),
                },
                LoopActor::UnitHandler,
                1,
            )],
            "escalated" => vec![(LoopCommand::Escalate, LoopActor::Sweep, 30)],
            "rectified" | "revisited" | "closed" => {
                let mut s = vec![
                    (verify, LoopActor::UnitHandler, 1),
                    (
                        LoopCommand::Rectify {
                            measures: "已组织窗口人员培训，统一材料口径并在办事指南中明确".into(),
                        },
                        LoopActor::UnitHandler,
                        5,
                    ),
                ];
                if scenario != "rectified" && case.opened.real_name {
                    s.push((
                        LoopCommand::Revisit {
                            outcome: "电话回访，评价人对整改结果表示满意".into(),
                            satisfied: true,
                        },
                        LoopActor::UnitHandler,
                        7,
                    ));
                }
                if scenario == "closed" {
                    s.push((LoopCommand::Close, LoopActor::UnitHandler, 8));
                }
                s
            }
            "explained" => vec![
                (verify, LoopActor::UnitHandler, 1),
                (
                    LoopCommand::Explain {
                        explanation: "该事项法定须现场核验原件，已向评价人说明依据".into(),
                    },
                    LoopActor::UnitHandler,
                    3,
                ),
            ],
            "appeal_upheld" | "appeal_refused" => vec![
                (
                    LoopCommand::Appeal {
                        reason: "评价人误评，办件当日即办结".into(),
                    },
                    LoopActor::UnitHandler,
                    1,
                ),
                (
                    LoopCommand::DecideAppeal {
                        upheld: scenario == "appeal_upheld",
                        note: if scenario == "appeal_upheld" {
                            "经复核属误评，不计入统计".into()
                        } else {
                            "理由不成立，请按程序核实整改".into()
                        },
                    },
                    LoopActor::AppealReviewer,
                    3,
                ),
            ],
            _ => vec![],
        };
        for (cmd, actor, days) in steps {
            let day = (on + Duration::days(days)).min(today);
            let Ok(events) = case.decide(&cmd, actor, day) else {
                continue;
            };
            for event in events {
                if matches!(
                    event,
                    RectificationEvent::AppealDecided { upheld: true, .. }
                ) {
                    prepared.row.excluded = 1;
                }
                let record = RectificationRecord { on: day, event };
                case.apply(&record);
                prepared.events.push(NewEvent {
                    at_ms: noon_ms(day),
                    actor: "system".into(),
                    action: record.event.action().into(),
                    entity_type: "rectification".into(),
                    entity_id: row.id.clone(),
                    payload: serde_json::to_value(&record).map_err(internal)?,
                });
                records.push(record);
            }
        }
        row.state = case.state.code().to_string();
        row.escalated = i64::from(case.escalated);
        row.appeal_upheld = case.appeal_upheld.map(i64::from);
        row.settled_on = case.settled_on.map(|d| d.to_string());
        row.closed_on = case.closed_on.map(|d| d.to_string());
        row.revision = records.len() as i64;
        row.records = serde_json::to_string(&records).map_err(internal)?;
        Ok(())
    }

    async fn write_seeded(&self, batch: Vec<PreparedRating>) -> Result<(), AppError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut rows: Vec<EvaluationRow> = Vec::with_capacity(batch.len());
        let mut cases: Vec<RectificationRow> = Vec::new();
        let mut events: Vec<NewEvent> = Vec::with_capacity(batch.len());
        for p in batch {
            rows.push(p.row);
            cases.extend(p.case);
            events.extend(p.events);
        }
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.insert_evaluations(&rows).await?;
                    ctx.insert_rectifications(&cases).await?;
                    for event in events {
                        ctx.append_event(event).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
    }
}

/// Noon (Beijing) of a day, in milliseconds.
fn noon_ms(day: Date) -> i64 {
    let at = day
        .with_hms(4, 0, 0)
        .map(|t| t.assume_utc().unix_timestamp());
    at.unwrap_or_default() * 1_000
}
