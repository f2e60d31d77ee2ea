//! The projector: reads the event log after its cursor, in order, and turns completed cases,
//! ratings and 差评 steps into fact rows and per-day rollups, writing them in one transaction
//! with the cursor. Idempotent (facts and ratings are keyed, and the cursor only moves from
//! where the batch started) and restartable; a lease keeps a second process from projecting
//! at the same time.

use std::collections::HashMap;

use serde::Serialize;
use tongban_domain::application::{Application, ApplicationEvent, Recorded, Status};
use tongban_domain::evaluation::{EvalStage, RatedFacts, RectificationEvent, RectificationRecord};
use tongban_domain::indicators::{Counters, case_fact};
use tongban_store::{
    EventRow, IndicatorFactRow, IndicatorRatingRow, RollupDelta, StoreError, WriteCtx,
};

use super::query::day_number;
use super::units::{OrgMap, Units, merge};
use crate::App;
use crate::applications::state_of;
use crate::error::AppError;

/// The projector's cursor name.
pub const CURSOR: &str = "indicators";
const BATCH: i64 = 2_000;
const LEASE_MS: i64 = 5 * 60_000;

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// Events read from the log.
    pub events: u64,
    /// Completed cases counted.
    pub cases: u64,
    pub ratings: u64,
    pub rectification_steps: u64,
    /// Where the cursor stands now.
    pub last_seq: i64,
    /// Another process held the lease; nothing was done.
    pub busy: bool,
}

/// One change the batch makes, in log order.
enum Op {
    Fact {
        row: Box<IndicatorFactRow>,
        units: Units,
        counters: Box<Counters>,
    },
    Rating {
        row: Box<IndicatorRatingRow>,
        units: Units,
    },
    Rectification {
        id: String,
        record: RectificationRecord,
    },
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Cases whose events this run has read from their first (`Drafted`) on.
#[derive(Default)]
struct OpenCases {
    logs: HashMap<String, Vec<Recorded>>,
}

impl App {
    /// Projects every event not yet projected. `holder` names this process in the lease.
    pub async fn refresh_indicators(&self, holder: &str) -> Result<RefreshReport, AppError> {
        let mut report = RefreshReport::default();
        let org = self.indicator_org_map().await?;
        let mut open = OpenCases::default();
        let mut online_capable: HashMap<(String, i64), bool> = HashMap::new();
        loop {
            let now = self.now_ms();
            let (name, who) = (CURSOR.to_string(), holder.to_string());
            let claimed = self
                .store
                .write(move |ctx| {
                    Box::pin(async move {
                        ctx.claim_indicator_cursor(&name, &who, now, now + LEASE_MS)
                            .await
                    })
                })
                .await?;
            let Some(cursor) = claimed else {
                report.busy = true;
                return Ok(report);
            };
            report.last_seq = cursor.last_seq;
            let events = self.store.events_after(cursor.last_seq, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                let (name, who) = (CURSOR.to_string(), holder.to_string());
                self.store
                    .write(move |ctx| {
                        Box::pin(async move { ctx.release_indicator_cursor(&name, &who).await })
                    })
                    .await?;
                return Ok(report);
            };
            let mut ops = Vec::new();
            for e in &events {
                if let Some(op) = self
                    .indicator_op(e, &org, &mut open, &mut online_capable)
                    .await?
                {
                    match &op {
                        Op::Fact { .. } => report.cases += 1,
                        Op::Rating { .. } => report.ratings += 1,
                        Op::Rectification { .. } => report.rectification_steps += 1,
                    }
                    ops.push(op);
                }
            }
            let n = i64::try_from(events.len()).unwrap_or(i64::MAX);
            let (from, who, org2) = (cursor.last_seq, holder.to_string(), org.clone());
            let moved = self
                .store
                .write(move |ctx| {
                    Box::pin(async move {
                        let moved = ctx
                            .advance_indicator_cursor(CURSOR, &who, from, last, n, now)
                            .await?;
                        if moved {
                            apply(ctx, &org2, ops).await?;
                        }
                        Ok::<_, StoreError>(moved)
                    })
                })
                .await?;
            if !moved {
                report.busy = true;
                return Ok(report);
            }
            report.events += u64::try_from(n).unwrap_or(0);
            report.last_seq = last;
        }
    }

    async fn indicator_org_map(&self) -> Result<OrgMap, AppError> {
        let (departments, halls) = self.store.indicator_org_units().await?;
        Ok(OrgMap {
            departments: departments.into_iter().collect(),
            halls: halls.into_iter().collect(),
        })
    }

    /// What one event changes, if anything.
    async fn indicator_op(
        &self,
        e: &EventRow,
        org: &OrgMap,
        open: &mut OpenCases,
        online: &mut HashMap<(String, i64), bool>,
    ) -> Result<Option<Op>, AppError> {
        match e.entity_type.as_str() {
            "application" => self.case_op(e, org, open, online).await,
            "evaluation" if e.action == "evaluation.rated" => {
                let r: RatedFacts = serde_json::from_str(&e.payload).map_err(internal)?;
                let units = org.units(
                    r.department_id.as_deref(),
                    r.hall_id.as_deref(),
                    r.item_id.as_deref(),
                    Some(&r.division_code),
                );
                let bad = r.satisfaction.is_bad();
                let row = IndicatorRatingRow {
                    evaluation_id: r.id.clone(),
                    rectification_id: None,
                    application_id: r.application_id.clone(),
                    stage: r.stage.code().to_string(),
                    day: day_number(r.on),
                    due_day: None,
                    department_id: units.department.clone(),
                    county: units.county.clone(),
                    township: units.township.clone(),
                    hall_id: units.hall.clone(),
                    item_id: units.item.clone(),
                    satisfaction: i64::from(r.satisfaction.code()),
                    real_name: flag(r.real_name),
                    bad: flag(bad),
                    rectified: 0,
                    rectified_on_time: 0,
                    revisited: 0,
                    removed: 0,
                };
                Ok(Some(Op::Rating {
                    row: Box::new(row),
                    units,
                }))
            }
            "rectification" if e.action.starts_with("rectification.") => {
                let record: RectificationRecord =
                    serde_json::from_str(&e.payload).map_err(internal)?;
                Ok(Some(Op::Rectification {
                    id: e.entity_id.clone(),
                    record,
                }))
            }
            _ => Ok(None),
        }
    }

    async fn case_op(
        &self,
        e: &EventRow,
        org: &OrgMap,
        open: &mut OpenCases,
        online: &mut HashMap<(String, i64), bool>,
    ) -> Result<Option<Op>, AppError> {
        let r: Recorded = serde_json::from_str(&e.payload).map_err(internal)?;
        let completes = matches!(
            r.event,
            ApplicationEvent::Decided { .. } | ApplicationEvent::Delivered { .. }
        );
        if matches!(r.event, ApplicationEvent::Drafted(_)) {
            open.logs.insert(e.entity_id.clone(), Vec::new());
        }
        let Some(log) = open.logs.get_mut(&e.entity_id) else {
            // Drafted before this run: fold it from the log when it completes.
            return if completes {
                let at = (e.seq, r.at_ms, r.event.action());
                self.case_fact_op(&e.entity_id, at, None, org, online).await
            } else {
                Ok(None)
            };
        };
        log.push(r);
        if !completes {
            return Ok(None);
        }
        let app = Application::from_events(log.iter());
        let closed = app.as_ref().is_none_or(|a| a.status.is_closed());
        let op = match app {
            Some(app) if app.status == Status::Completed => {
                self.case_fact_op(&e.entity_id, (e.seq, 0, ""), Some(app), org, online)
                    .await?
            }
            _ => None,
        };
        if closed {
            open.logs.remove(&e.entity_id);
        }
        Ok(op)
    }

    /// The fact of a case completed by the event at `seq`: `app` as folded by this run, or
    /// else the stored state when nothing happened to the case since, or else the fold of its
    /// events up to `seq` read back from the log.
    async fn case_fact_op(
        &self,
        id: &str,
        at: (i64, i64, &str),
        app: Option<Application>,
        org: &OrgMap,
        online: &mut HashMap<(String, i64), bool>,
    ) -> Result<Option<Op>, AppError> {
        let app = match app {
            Some(app) => app,
            None => match self.case_state_at(id, at).await? {
                Some(app) => app,
                None => return Ok(None),
            },
        };
        if app.status != Status::Completed {
            return Ok(None);
        }
        let key = (app.item_id.clone(), app.item_version);
        let capable = match online.get(&key) {
            Some(c) => *c,
            None => {
                let c = self
                    .store
                    .item_version(&app.item_id, app.item_version)
                    .await?
                    .is_some_and(|v| matches!(v.online_level.as_str(), "3" | "4"));
                online.insert(key, c);
                c
            }
        };
        let fact = case_fact(&app, &self.calendar(), capable).map_err(internal)?;
        let home = self.applicant_home(&app).await?;
        let units = org.units(
            Some(&app.department_id),
            app.hall_id.as_deref(),
            Some(&app.item_id),
            home.as_deref(),
        );
        let row = IndicatorFactRow {
            application_id: fact.application_id.clone(),
            number: fact.number.clone(),
            item_name: fact.item_name.clone(),
            day: day_number(fact.completed_on),
            department_id: units.department.clone(),
            county: units.county.clone(),
            township: units.township.clone(),
            hall_id: units.hall.clone(),
            item_id: units.item.clone(),
            channel: fact.channel.code().to_string(),
            visits: i64::from(fact.visits),
            online_capable: flag(fact.online_capable),
            fully_online: flag(fact.fully_online),
            zero_visit: flag(fact.zero_visit),
            at_most_one_visit: flag(fact.at_most_one_visit),
            immediate: flag(fact.immediate),
            on_time: flag(fact.on_time),
            legal_days: i64::from(fact.legal_days),
            promised_days: i64::from(fact.promised_days),
            used_days: i64::from(fact.used_days),
            materials_required: i64::from(fact.materials_required),
            materials_by_licence: i64::from(fact.materials_by_licence),
            rated: 0,
        };
        Ok(Some(Op::Fact {
            row: Box::new(row),
            units,
            counters: Box::new(fact.counters()),
        }))
    }

    /// A case's state just after the event `(seq, at_ms, action)`: the stored row when that
    /// event is the last of the case's events it lists (nothing happened since), else the fold
    /// of the case's events up to `seq`, read back from the log by their positions. (A row
    /// stored by an older release, without positions, is recognised by its timeline's last line
    /// and otherwise folded from a scan of the log.)
    async fn case_state_at(
        &self,
        id: &str,
        (seq, at_ms, action): (i64, i64, &str),
    ) -> Result<Option<Application>, AppError> {
        let events = match self.store.application(id).await? {
            Some(row) if !row.event_seqs.is_empty() => {
                let seqs = tongban_store::parse_event_seqs(&row.event_seqs);
                if seqs.last() == Some(&seq) {
                    return Ok(Some(state_of(&row)?));
                }
                let upto: Vec<i64> = seqs.into_iter().filter(|s| *s <= seq).collect();
                self.store.events_at(&upto).await?
            }
            Some(row) => {
                let stored = state_of(&row)?;
                if stored
                    .history
                    .last()
                    .is_some_and(|h| h.at_ms == at_ms && h.action == action)
                {
                    return Ok(Some(stored));
                }
                self.store.events_of("application", id).await?
            }
            None => self.store.events_of("application", id).await?,
        };
        let mut log = Vec::new();
        for ev in events.iter().filter(|ev| ev.seq <= seq) {
            log.push(serde_json::from_str::<Recorded>(&ev.payload).map_err(internal)?);
        }
        Ok(Application::from_events(log.iter()))
    }

    /// The applicant's home division from their profile, if any.
    async fn applicant_home(&self, app: &Application) -> Result<Option<String>, AppError> {
        use tongban_domain::AccountKind;
        Ok(match app.applicant_kind {
            AccountKind::Citizen => self
                .store
                .citizen_profile(&app.applicant_account)
                .await?
                .and_then(|p| p.division_code),
            AccountKind::Enterprise => self
                .store
                .enterprise_profile(&app.applicant_account)
                .await?
                .and_then(|p| p.division_code),
            _ => None,
        })
    }
}

fn rating_units(r: &IndicatorRatingRow) -> Units {
    Units {
        department: r.department_id.clone(),
        county: r.county.clone(),
        township: r.township.clone(),
        hall: r.hall_id.clone(),
        item: r.item_id.clone(),
    }
}

fn fact_units(f: &IndicatorFactRow) -> Units {
    Units {
        department: f.department_id.clone(),
        county: f.county.clone(),
        township: f.township.clone(),
        hall: f.hall_id.clone(),
        item: f.item_id.clone(),
    }
}

/// The counters a rating row stands for now (zero once an appeal removed it).
fn rating_counters(r: &IndicatorRatingRow) -> Counters {
    let mut c = Counters::default();
    if r.removed != 0 {
        return c;
    }
    let level = usize::try_from(r.satisfaction - 1).unwrap_or(0).min(4);
    c.ratings[level] = 1;
    let u = |v: i64| u64::from(v != 0);
    if r.bad != 0 {
        c.bad = 1;
        c.bad_real_name = u(r.real_name);
        c.bad_rectified = u(r.rectified);
        c.bad_rectified_on_time = u(r.rectified_on_time);
        c.bad_real_name_revisited = u(r.real_name & r.revisited);
    }
    c
}

/// Writes the batch's facts, ratings and rollups.
async fn apply(ctx: &mut WriteCtx, org: &OrgMap, ops: Vec<Op>) -> Result<(), StoreError> {
    let mut acc: HashMap<(String, String, i64), RollupDelta> = HashMap::new();
    for op in ops {
        match op {
            Op::Fact {
                mut row,
                units,
                mut counters,
            } => {
                let rated = ctx
                    .indicator_application_rated(&row.application_id, EvalStage::Completed.code())
                    .await?;
                if rated {
                    row.rated = 1;
                    counters.completed_rated = 1;
                }
                if ctx.insert_indicator_fact(&row).await? {
                    merge(&mut acc, org.deltas(&units, row.day, &counters, 1));
                }
            }
            Op::Rating { row, units } => {
                if !ctx.insert_indicator_rating(&row).await? {
                    continue;
                }
                merge(
                    &mut acc,
                    org.deltas(&units, row.day, &rating_counters(&row), 1),
                );
                if row.stage == EvalStage::Completed.code()
                    && let Some(app) = &row.application_id
                    && let Some(fact) = ctx.mark_indicator_fact_rated(app).await?
                {
                    let c = Counters {
                        completed_rated: 1,
                        ..Counters::default()
                    };
                    merge(&mut acc, org.deltas(&fact_units(&fact), fact.day, &c, 1));
                }
            }
            Op::Rectification { id, record } => {
                let found = match &record.event {
                    RectificationEvent::Opened(o) => ctx.indicator_rating(&o.evaluation_id).await?,
                    _ => ctx.indicator_rating_of_rectification(&id).await?,
                };
                let Some(before) = found else { continue };
                let mut after = before.clone();
                match &record.event {
                    RectificationEvent::Opened(o) => {
                        after.rectification_id = Some(id.clone());
                        after.due_day = Some(day_number(o.due));
                    }
                    RectificationEvent::Rectified { .. } | RectificationEvent::Explained { .. }
                        if after.rectified == 0 =>
                    {
                        after.rectified = 1;
                        let on = day_number(record.on);
                        after.rectified_on_time = flag(after.due_day.is_some_and(|d| on <= d));
                    }
                    RectificationEvent::Revisited { .. } => after.revisited = 1,
                    RectificationEvent::AppealDecided { upheld: true, .. } => after.removed = 1,
                    _ => {}
                }
                if after == before {
                    continue;
                }
                ctx.update_indicator_rating(&after).await?;
                let units = rating_units(&after);
                merge(
                    &mut acc,
                    org.deltas(&units, after.day, &rating_counters(&before), -1),
                );
                merge(
                    &mut acc,
                    org.deltas(&units, after.day, &rating_counters(&after), 1),
                );
            }
        }
    }
    let mut deltas: Vec<RollupDelta> = acc
        .into_values()
        .filter(|d| d.delta.iter().any(|v| *v != 0))
        .collect();
    deltas.sort_by(|a, b| (&a.dimension, &a.key, a.day).cmp(&(&b.dimension, &b.key, b.day)));
    ctx.add_indicator_rollups(&deltas).await
}
