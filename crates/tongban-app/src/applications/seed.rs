//! Seeding the demo history: a planned year of cases, each driven command by command through
//! the domain's rules ([`Application::decide`]) with its own historic dates, and written with
//! its events and projection row in large units of work.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tongban_demo::{ApplicationPlan, PlannedActor, PlannedCase};
use tongban_domain::application::{
    Actor, Application, ApplicationEvent, DraftFacts, Recorded, application_number,
    route_from_steps,
};
use tongban_domain::catalog::{ServiceItem, TransactionKind};
use tongban_domain::{AccountKind, WorkCalendar};

use super::project::{log_event, project, signers};
use crate::App;
use crate::error::AppError;

/// Cases per unit of work.
const CASES_PER_UNIT: usize = 1_500;

/// What the history seed wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryReport {
    pub already_seeded: bool,
    pub cases: usize,
    pub events: usize,
}

/// An item as the cases need it.
struct ItemFacts {
    item_id: String,
    version: i64,
    item: ServiceItem,
    division_code: String,
}

/// A case ready to run: its facts and its script.
struct Prepared {
    facts: DraftFacts,
    division_code: String,
    case: PlannedCase,
}

impl App {
    /// Writes the planned history into a store that has no applications yet (the demo city and
    /// catalogue must be seeded). Every case is a valid event history: each command is decided
    /// by the domain on the state the earlier ones left. Returns what was written.
    pub async fn seed_applications(
        &self,
        plan: ApplicationPlan,
    ) -> Result<HistoryReport, AppError> {
        if !self.store.count_applications_by_status().await?.is_empty() {
            return Ok(HistoryReport {
                already_seeded: true,
                ..HistoryReport::default()
            });
        }
        let mut writer = self.history_writer().await?;
        writer.write(self, plan).await
    }

    /// A writer of planned history that may be fed plan after plan (`tongban gen` writes a
    /// province's history a year-sized plan at a time); it remembers the items, applicants and
    /// halls it has looked up, and numbers the cases so their ids are the same on every run.
    pub async fn history_writer(&self) -> Result<HistoryWriter, AppError> {
        let mut items: HashMap<String, Arc<ItemFacts>> = HashMap::new();
        let mut divisions: HashMap<String, String> = HashMap::new();
        for row in self.store.published_versions().await? {
            let item = row.item()?;
            let division_code = match divisions.get(&item.department_id) {
                Some(d) => d.clone(),
                None => {
                    let d = self.department(&item.department_id).await?.division_code;
                    divisions.insert(item.department_id.clone(), d.clone());
                    d
                }
            };
            items.insert(
                item.implementation_code.clone(),
                Arc::new(ItemFacts {
                    item_id: row.item_id.clone(),
                    version: row.version,
                    item,
                    division_code,
                }),
            );
        }
        Ok(HistoryWriter {
            items,
            people: HashMap::new(),
            agent_halls: HashMap::new(),
            ordinal: 0,
        })
    }
}

/// Writes planned cases, plan after plan, remembering what it looked up (see
/// [`App::history_writer`]).
pub struct HistoryWriter {
    items: HashMap<String, Arc<ItemFacts>>,
    people: HashMap<String, (AccountKind, String)>,
    /// The hall of the clerk who registered a window or outlet case.
    agent_halls: HashMap<String, Option<String>>,
    /// Cases prepared so far: part of each case id, so ids never repeat and never vary.
    ordinal: u64,
}

impl HistoryWriter {
    /// Writes the cases of `plan` with their events and projection rows, in large units of
    /// work. Every command is decided by the domain; one it refuses is a fault in the plan.
    pub async fn write(
        &mut self,
        app: &App,
        plan: ApplicationPlan,
    ) -> Result<HistoryReport, AppError> {
        let mut prepared = Vec::with_capacity(plan.cases.len());
        for case in plan.cases {
            let item = self.items.get(&case.item_code).cloned().ok_or_else(|| {
                AppError::Internal(format!("planned item {} is not published", case.item_code))
            })?;
            if !self.people.contains_key(&case.applicant) {
                let row = app
                    .store
                    .account(&case.applicant)
                    .await?
                    .ok_or(AppError::NotFound("该申请人"))?;
                let kind = AccountKind::parse(&row.kind).unwrap_or(AccountKind::Citizen);
                self.people
                    .insert(case.applicant.clone(), (kind, row.display_name));
            }
            let (kind, name) = self
                .people
                .get(&case.applicant)
                .cloned()
                .ok_or(AppError::NotFound("该申请人"))?;
            let hall = match (&case.agent, case.channel.is_online()) {
                (Some(agent), false) => match self.agent_halls.get(agent) {
                    Some(h) => h.clone(),
                    None => {
                        let h = app.store.account(agent).await?.and_then(|row| {
                            (row.unit_kind.as_deref() == Some("hall"))
                                .then_some(row.unit_id)
                                .flatten()
                        });
                        self.agent_halls.insert(agent.clone(), h.clone());
                        h
                    }
                },
                _ => None,
            };
            self.ordinal += 1;
            let mut facts = facts_of(&item, &case, kind, name, hall);
            facts.id = history_id(case.drafted_at_ms, self.ordinal);
            facts.mandate_id = facts.mandate_id.map(|_| format!("mandate-{}", facts.id));
            prepared.push(Prepared {
                facts,
                division_code: item.division_code.clone(),
                case,
            });
        }
        write_prepared(app, prepared).await
    }
}

async fn write_prepared(app: &App, prepared: Vec<Prepared>) -> Result<HistoryReport, AppError> {
    let cal = app.calendar();
    let region = app.config.region_code.clone();
    let mut report = HistoryReport::default();
    let mut rest = prepared.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<Prepared> = rest.by_ref().take(CASES_PER_UNIT).collect();
        let cal = cal.clone();
        let region = region.clone();
        let (cases, events) = app
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let mut events = 0;
                    let cases = chunk.len();
                    for mut p in chunk {
                        let day = p.case.drafted_on;
                        let seq = ctx.next_application_seq(&day.to_string()).await?;
                        p.facts.number =
                            application_number(&region, day, u64::try_from(seq).unwrap_or(0));
                        if let (Some(mandate), Some(agent)) =
                            (&p.facts.mandate_id, &p.facts.agent_account)
                        {
                            ctx.insert_mandate(&tongban_store::MandateRow {
                                id: mandate.clone(),
                                agent_account: agent.clone(),
                                principal_account: p.facts.applicant_account.clone(),
                                item_ids: format!(",{},", p.facts.item_id),
                                valid_until: (day + time::Duration::days(365)).to_string(),
                                created_at_ms: p.case.drafted_at_ms,
                                revoked_at_ms: None,
                            })
                            .await?;
                            ctx.append_event(tongban_store::NewEvent {
                                at_ms: p.case.drafted_at_ms,
                                actor: p.facts.applicant_account.clone(),
                                action: "mandate.granted".into(),
                                entity_type: "mandate".into(),
                                entity_id: mandate.clone(),
                                payload: serde_json::json!({ "agent": agent,
                                        "items": format!(",{},", p.facts.item_id) }),
                            })
                            .await?;
                        }
                        let (mut app, log) = run_case(&p.facts, &p.case, &cal)?;
                        let mut seqs = Vec::with_capacity(log.len());
                        for r in &log {
                            seqs.push(ctx.append_event(log_event(&app.id, r)?).await?);
                            if let ApplicationEvent::CommitmentVerified {
                                truthful: false,
                                note,
                            } = &r.event
                            {
                                ctx.insert_credit_flag(
                                    &app.applicant_account,
                                    &app.id,
                                    r.at_ms,
                                    note,
                                )
                                .await?;
                            }
                        }
                        events += log.len();
                        let pending = signers(&app);
                        if !pending.is_empty() {
                            ctx.set_assignees(&app.id, "signer", &pending).await?;
                        }
                        if !app.copied_to.is_empty() {
                            ctx.set_assignees(&app.id, "copy", &app.copied_to).await?;
                        }
                        let at_ms = log.last().map_or(app.created_at_ms, |r| r.at_ms);
                        let mut row = project(&mut app, &p.division_code, "", &cal, at_ms)?;
                        tongban_store::push_event_seqs(&mut row.event_seqs, seqs);
                        ctx.insert_application(&row).await?;
                    }
                    Ok::<_, AppError>((cases, events))
                })
            })
            .await?;
        report.cases += cases;
        report.events += events;
    }
    Ok(report)
}

/// The draft facts of a planned case (its number is given inside the unit of work).
fn facts_of(
    item: &ItemFacts,
    case: &PlannedCase,
    kind: AccountKind,
    name: String,
    hall_id: Option<String>,
) -> DraftFacts {
    let materials = |pred: fn(&tongban_domain::catalog::Material) -> bool| {
        item.item
            .materials
            .iter()
            .filter(|m| pred(m))
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
    };
    let id = history_id(case.drafted_at_ms, 0);
    // A runner applies under a mandate, which the seed records next to the case.
    let mandate_id = case.agent.as_ref().and_then(|_| {
        (case.channel == tongban_domain::application::ApplyChannel::Runner)
            .then(|| format!("mandate-{id}"))
    });
    DraftFacts {
        id,
        number: String::new(),
        item_id: item.item_id.clone(),
        item_version: item.version,
        item_name: item.item.name.clone(),
        department_id: item.item.department_id.clone(),
        applicant_account: case.applicant.clone(),
        applicant_kind: kind,
        applicant_name: name,
        agent_account: case.agent.clone(),
        mandate_id,
        channel: case.channel,
        hall_id,
        route: route_from_steps(&item.item.steps),
        legal_limit_days: item.item.legal_limit_days,
        promised_limit_days: item.item.promised_limit_days,
        immediate: item.item.transaction_kind == TransactionKind::Immediate
            || item.item.promised_limit_days == 0,
        required_materials: materials(|m| m.required),
        may_be_missing: materials(|m| m.may_be_missing),
        may_be_committed: materials(|m| m.may_be_committed),
        allows_incomplete: item.item.allows_incomplete_acceptance,
        allows_commitment: item.item.allows_commitment,
        idempotency_key: None,
    }
}

/// A UUIDv7 carrying the case's historic creation time, so ids sort by when cases began; its
/// other bits come from the case's ordinal in the history, so every run makes the same ids.
fn history_id(at_ms: i64, ordinal: u64) -> String {
    let ms = u64::try_from(at_ms).unwrap_or(0);
    let digest = tongban_domain::sm3(format!("history-case:{ordinal}").as_bytes());
    let mut random = [0u8; 10];
    random.copy_from_slice(&digest[..10]);
    uuid::Builder::from_unix_timestamp_millis(ms, &random)
        .into_uuid()
        .to_string()
}

/// Runs a planned case through the domain: the draft, then every command decided on the state
/// the earlier ones left. A command the rules refuse is a fault in the plan.
fn run_case(
    facts: &DraftFacts,
    case: &PlannedCase,
    cal: &WorkCalendar,
) -> Result<(Application, Vec<Recorded>), AppError> {
    let drafter = case.agent.clone().unwrap_or_else(|| case.applicant.clone());
    let first = Recorded {
        at_ms: case.drafted_at_ms,
        on: case.drafted_on,
        actor: drafter,
        event: ApplicationEvent::Drafted(Box::new(facts.clone())),
    };
    let mut app = Application::new_draft(facts, first.at_ms);
    app.apply(&first);
    let mut log = vec![first];
    for action in &case.actions {
        let actor = match &action.actor {
            PlannedActor::Applicant { account } => Actor::applicant(account),
            PlannedActor::Staff { account } => Actor::staff(account),
            PlannedActor::System => Actor::system(),
        };
        let events = app
            .decide(&action.command, &actor, action.on, cal)
            .map_err(|e| {
                AppError::Internal(format!(
                    "demo case {} ({}) on {}: {} refused: {}",
                    facts.item_name,
                    case.story,
                    action.on,
                    action.command.name_zh(),
                    e.message
                ))
            })?;
        for event in events {
            let r = Recorded {
                at_ms: action.at_ms,
                on: action.on,
                actor: actor.account_id.clone(),
                event,
            };
            app.apply(&r);
            log.push(r);
        }
    }
    Ok((app, log))
}

#[cfg(test)]
#[path = "seed_figures_tests.rs"]
mod figures_tests;
