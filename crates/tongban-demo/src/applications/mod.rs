//! A year of demo applications (办件): which citizen or enterprise applies for which published
//! item, on which working day, by which channel, and the script of commands each case then goes
//! through, with the historic date and time of every step.
//!
//! The plan is pure data: seeding drives each command through the domain's own rules
//! (`Application::decide`), so every planned case becomes a valid event history. Most cases
//! are handled fully online and on time; some are refused, not accepted, withdrawn, corrected
//! (补正), accepted incomplete (容缺) or on a commitment (告知承诺), paused by a special
//! procedure, extended, countersigned or returned; a few hundred are still open, dated in the
//! last weeks, in every status and with yellow and red due dates for the staff queues.

use std::collections::{BTreeMap, HashMap};

use time::macros::{date, offset};
use time::{Date, Time};
use tongban_domain::WorkCalendar;
use tongban_domain::WorkingDays;
use tongban_domain::application::{
    AcceptanceMode, ApplyChannel, AttachedMaterial, Command, DeliveryMethod, ReturnTarget,
    RouteStep, SignMode, StepKind, route_from_steps,
};
use tongban_domain::catalog::{ServiceItem, ServiceObject};

use crate::rng::Rng;
use crate::{DemoCity, Role};

use stories::CaseCtx;

/// What history to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationsConfig {
    pub seed: u64,
    /// Closed cases over the year (about 98 % of them handled fully online).
    pub closed: usize,
    /// Open cases, dated in the last weeks before `until`.
    pub open: usize,
    /// First working day of the history.
    pub from: Date,
    /// Last working day of the history: the demo's "today".
    pub until: Date,
}

impl Default for ApplicationsConfig {
    /// About 20,700 cases from 2025-12-01 to 2026-11-27: ~20,300 with zero visits.
    fn default() -> Self {
        Self {
            seed: 2026,
            closed: 20_380,
            open: 320,
            from: date!(2025 - 12 - 01),
            until: date!(2026 - 11 - 27),
        }
    }
}

impl ApplicationsConfig {
    /// A smaller history of about `n` cases with the same mix (for tests).
    pub fn small(n: usize) -> Self {
        let open = (n / 20).max(24).min(n);
        Self {
            closed: n - open,
            open,
            ..Self::default()
        }
    }
}

/// Who sends a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedActor {
    /// The applicant, or the agent (clerk, runner) who applied for them: `account` acts on the
    /// applicant's side.
    Applicant { account: String },
    /// A member of staff (account id).
    Staff { account: String },
    /// The platform's own jobs.
    System,
}

/// One command of a case's script, with its historic time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAction {
    pub at_ms: i64,
    /// The Beijing date of `at_ms`.
    pub on: Date,
    pub actor: PlannedActor,
    pub command: Command,
}

/// One case: the item (by 实施编码), the applicant, the channel and its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCase {
    /// The item's implementation code (unique in the demo catalogue).
    pub item_code: String,
    /// Account id of the applicant (`citizen-…`, `enterprise-…`).
    pub applicant: String,
    /// The clerk or runner who applied for them (account id).
    pub agent: Option<String>,
    pub channel: ApplyChannel,
    /// When the draft was made.
    pub drafted_at_ms: i64,
    pub drafted_on: Date,
    pub actions: Vec<PlannedAction>,
    /// What the case is meant to show (`normal`, `refused`, `open_review_overdue` …).
    pub story: &'static str,
}

/// The whole history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplicationPlan {
    pub cases: Vec<PlannedCase>,
}

impl ApplicationPlan {
    /// How many cases tell each story.
    pub fn stories(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for c in &self.cases {
            *out.entry(c.story).or_insert(0) += 1;
        }
        out
    }
}

/// The stories of closed cases, with their weight per 10,000.
const CLOSED_STORIES: &[(&str, u32)] = &[
    ("normal", 8_560),
    ("late", 260),
    ("refused", 150),
    ("not_accepted", 140),
    ("withdrawn", 100),
    ("correction", 380),
    ("correction_refused", 30),
    ("incomplete_supplied", 110),
    ("incomplete_expired", 25),
    ("commitment", 110),
    ("special", 50),
    ("extension", 25),
    ("countersign", 30),
    ("returned", 30),
];

/// The stories of open cases, with their weights.
const OPEN_STORIES: &[(&str, u32)] = &[
    ("open_submitted", 12),
    ("open_submitted_overdue", 4),
    ("open_correction", 6),
    ("open_review", 14),
    ("open_review_due_soon", 8),
    ("open_review_overdue", 6),
    ("open_decide", 10),
    ("open_decide_due_soon", 6),
    ("open_decide_overdue", 4),
    ("open_special", 3),
    ("open_incomplete", 4),
    ("open_returned", 5),
    ("open_decided", 8),
];

/// Per 10,000 closed cases: applied at a window or outlet (they come in person).
const IN_PERSON_PER_10K: usize = 186;
/// Per 10,000 closed cases: applied by a runner (帮代办, online under a mandate).
const RUNNER_PER_10K: usize = 300;

/// The department whose demo reviewer and approver should find work waiting.
const DEMO_DEPARTMENT: &str = "511900-scjgj";

/// Plans the history of `cfg` over the demo city and its catalogue. Pure and deterministic.
pub fn application_plan(
    city: &DemoCity,
    items: &[ServiceItem],
    cfg: &ApplicationsConfig,
) -> ApplicationPlan {
    let cal = WorkCalendar::builtin();
    let Some(planner) = Planner::new(city, items, &cal, cfg) else {
        return ApplicationPlan::default();
    };
    planner.plan()
}

struct Planner<'a> {
    city: &'a DemoCity,
    items: Vec<(&'a ServiceItem, Vec<RouteStep>)>,
    demo_items: Vec<usize>,
    cal: &'a WorkCalendar,
    cfg: &'a ApplicationsConfig,
    days: Vec<Date>,
    staff: HashMap<(Role, String), String>,
    staff_logins: HashMap<String, ()>,
    parents: HashMap<String, String>,
    /// The one applicant whose commitment is found false (never commits again).
    liar: String,
}

/// A case being written: its day, its clock and its actions.
struct Script<'c> {
    cal: &'c WorkCalendar,
    on: Date,
    at_ms: i64,
    actions: Vec<PlannedAction>,
    ok: bool,
}

fn day_start_ms(on: Date) -> i64 {
    on.with_time(Time::MIDNIGHT)
        .assume_offset(offset!(+8))
        .unix_timestamp()
        * 1000
}

impl<'c> Script<'c> {
    fn new(cal: &'c WorkCalendar, on: Date, minute: i64) -> Self {
        Script {
            cal,
            on,
            at_ms: day_start_ms(on) + (9 * 60 + minute) * 60_000,
            actions: Vec::new(),
            ok: true,
        }
    }

    fn act(&mut self, actor: &PlannedActor, command: Command) {
        self.actions.push(PlannedAction {
            at_ms: self.at_ms,
            on: self.on,
            actor: actor.clone(),
            command,
        });
        self.at_ms += 7 * 60_000 + 13_000;
    }

    /// Moves `n` working days on (0: later the same day), to `minute` past 09:00.
    fn wait(&mut self, n: u32, minute: i64) {
        match self.cal.add_working_days(self.on, WorkingDays(n)) {
            Ok(d) => {
                let start = day_start_ms(d) + (9 * 60 + minute.clamp(0, 450)) * 60_000;
                self.on = d;
                self.at_ms = self.at_ms.max(start);
            }
            Err(_) => self.ok = false,
        }
    }

    fn later(&self, n: u32) -> Option<Date> {
        self.cal.add_working_days(self.on, WorkingDays(n)).ok()
    }
}

fn applicant(account: &str) -> PlannedActor {
    PlannedActor::Applicant {
        account: account.to_string(),
    }
}

fn staff(account: &str) -> PlannedActor {
    PlannedActor::Staff {
        account: account.to_string(),
    }
}

/// The one file that stands in for every material of the demo history (a one-page PDF). The
/// demo puts it in the upload store, so every attached material of every case opens.
pub const SAMPLE_MATERIAL_PDF: &[u8] = include_bytes!("../../assets/sample-material.pdf");

/// The upload-store id (SM3, lower-case hex) of [`SAMPLE_MATERIAL_PDF`].
pub fn sample_material_id() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| hex_lower(&tongban_domain::sm3(SAMPLE_MATERIAL_PDF)))
        .clone()
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attach(material: &str, _n: u64) -> Command {
    Command::AttachMaterial(AttachedMaterial {
        material: material.to_string(),
        blob_id: sample_material_id(),
        file_name: format!("{material}.pdf"),
        size: SAMPLE_MATERIAL_PDF.len() as u64,
        media_type: "application/pdf".into(),
        licence_id: None,
    })
}

impl<'a> Planner<'a> {
    fn new(
        city: &'a DemoCity,
        items: &'a [ServiceItem],
        cal: &'a WorkCalendar,
        cfg: &'a ApplicationsConfig,
    ) -> Option<Self> {
        let mut days = Vec::new();
        let mut d = cfg.from;
        while d <= cfg.until {
            if cal.is_working_day(d).ok()? {
                days.push(d);
            }
            d = d.next_day()?;
        }
        let mut staff = HashMap::new();
        let mut staff_logins = HashMap::new();
        for s in &city.staff {
            staff_logins.insert(s.login.clone(), ());
            if s.unit_kind == crate::UnitKind::Department {
                staff
                    .entry((s.role, s.unit_key.clone()))
                    .or_insert_with(|| format!("staff-{}", s.login));
            }
        }
        let parents = city
            .departments
            .iter()
            .filter_map(|d| Some((d.key.clone(), d.parent_key.clone()?)))
            .collect();
        let items: Vec<(&ServiceItem, Vec<RouteStep>)> = items
            .iter()
            .map(|i| (i, route_from_steps(&i.steps)))
            .collect();
        let demo_items = items
            .iter()
            .enumerate()
            .filter(|(_, (i, r))| {
                i.department_id == DEMO_DEPARTMENT
                    && r.len() >= 3
                    && i.promised_limit_days <= 15
                    && i.service_objects.contains(&ServiceObject::Enterprise)
            })
            .map(|(n, _)| n)
            .collect();
        let liar = city
            .enterprises
            .last()
            .map(|e| format!("enterprise-{}", e.login))?;
        if days.len() < 60 || items.is_empty() || city.citizens.is_empty() {
            return None;
        }
        Some(Planner {
            city,
            items,
            demo_items,
            cal,
            cfg,
            days,
            staff,
            staff_logins,
            parents,
            liar,
        })
    }

    fn plan(&self) -> ApplicationPlan {
        let mut rng = Rng::derive(self.cfg.seed, 0xA991);
        let mut cases = Vec::with_capacity(self.cfg.closed + self.cfg.open);
        let weights: Vec<u32> = CLOSED_STORIES.iter().map(|s| s.1).collect();
        let mut n = 0u64;
        for i in 0..self.cfg.closed {
            let story = CLOSED_STORIES[rng.weighted(&weights)].0;
            let slot = (i * 10_000 / self.cfg.closed.max(1)) % 10_000;
            let channel = if slot % 10_000 < IN_PERSON_PER_10K {
                if rng.chance(1, 4) {
                    ApplyChannel::Outlet
                } else {
                    ApplyChannel::Window
                }
            } else if slot % 10_000 < IN_PERSON_PER_10K + RUNNER_PER_10K {
                ApplyChannel::Runner
            } else if rng.chance(52, 100) {
                ApplyChannel::Mobile
            } else {
                ApplyChannel::Pc
            };
            for _ in 0..40 {
                n += 1;
                if let Some(case) = self.closed_case(&mut rng, story, channel, n) {
                    cases.push(case);
                    break;
                }
            }
        }
        for _ in 0..40 {
            n += 1;
            let channel = ApplyChannel::Pc;
            if let Some(case) = self.closed_case(&mut rng, "commitment_false", channel, n) {
                cases.push(case);
                break;
            }
        }
        let weights: Vec<u32> = OPEN_STORIES.iter().map(|s| s.1).collect();
        for _ in 0..self.cfg.open {
            let story = OPEN_STORIES[rng.weighted(&weights)].0;
            let channel = if rng.chance(1, 2) {
                ApplyChannel::Mobile
            } else {
                ApplyChannel::Pc
            };
            for _ in 0..40 {
                n += 1;
                if let Some(case) = self.open_case(&mut rng, story, channel, n) {
                    cases.push(case);
                    break;
                }
            }
        }
        cases.sort_by_key(|c| c.drafted_at_ms);
        ApplicationPlan { cases }
    }

    /// A staff account of `role` for a department: its own, its city counterpart's, or the
    /// unit head's.
    fn staff_of(&self, role: Role, department: &str) -> String {
        let parent = self.parents.get(department).map(String::as_str);
        for dept in std::iter::once(department).chain(parent) {
            if let Some(a) = self.staff.get(&(role, dept.to_string())) {
                return a.clone();
            }
        }
        for dept in std::iter::once(department).chain(parent) {
            if let Some(a) = self.staff.get(&(Role::DeptAdmin, dept.to_string())) {
                return a.clone();
            }
        }
        "staff-admin".into()
    }

    /// A window clerk at the county centre of `division` (a 12-digit code).
    fn county_clerk(&self, division: &str, rng: &mut Rng) -> String {
        let county = division.get(..6).unwrap_or("511902");
        let county = if county == "511900" { "511902" } else { county };
        format!("staff-clerk-{county}-{}", 1 + rng.below(4))
    }

    fn township_staff(&self, kind: &str, division: &str) -> String {
        let prefix = division.get(..9).unwrap_or_default();
        let login = if kind == "runner" {
            format!("runner-{prefix}")
        } else {
            format!("clerk-{prefix}-1")
        };
        if self.staff_logins.contains_key(&login) {
            format!("staff-{login}")
        } else if kind == "runner" {
            "staff-runner".into()
        } else {
            "staff-clerk".into()
        }
    }

    /// Picks an applicant for the item: (account id, division code).
    fn applicant_for(
        &self,
        item: &ServiceItem,
        rng: &mut Rng,
        may_commit: bool,
    ) -> (String, String) {
        let person = item.service_objects.contains(&ServiceObject::Person);
        let firm = item
            .service_objects
            .iter()
            .any(|o| *o != ServiceObject::Person);
        let as_firm = firm && (!person || rng.chance(1, 3));
        if as_firm && !self.city.enterprises.is_empty() {
            let mut n = self.city.enterprises.len();
            if may_commit {
                n = n.saturating_sub(1).max(1);
            }
            let e = &self.city.enterprises[rng.below(n)];
            (format!("enterprise-{}", e.login), e.division_code.clone())
        } else {
            let c = &self.city.citizens[rng.below(self.city.citizens.len())];
            (format!("citizen-{}", c.login), c.division_code.clone())
        }
    }

    fn item_for(&self, rng: &mut Rng, story: &str, demo: bool) -> Option<usize> {
        let i = if demo && !self.demo_items.is_empty() {
            self.demo_items[rng.below(self.demo_items.len())]
        } else {
            rng.below(self.items.len())
        };
        let (item, route) = &self.items[i];
        let has_work = route.len() >= 3;
        let fits = match story {
            "incomplete_supplied" | "incomplete_expired" | "open_incomplete" => {
                item.allows_incomplete_acceptance
                    && has_work
                    && item.promised_limit_days >= 3
                    && item
                        .materials
                        .iter()
                        .any(|m| m.required && m.may_be_missing)
            }
            "commitment" | "commitment_false" => {
                item.allows_commitment
                    && item
                        .materials
                        .iter()
                        .any(|m| m.required && m.may_be_committed)
            }
            "normal"
            | "not_accepted"
            | "correction"
            | "correction_refused"
            | "open_submitted"
            | "open_submitted_overdue"
            | "open_correction" => true,
            _ => has_work && item.promised_limit_days >= 3,
        };
        fits.then_some(i)
    }

    fn closed_case(
        &self,
        rng: &mut Rng,
        story: &'static str,
        channel: ApplyChannel,
        n: u64,
    ) -> Option<PlannedCase> {
        let i = self.item_for(rng, story, false)?;
        let (item, route) = &self.items[i];
        let may_commit = story == "commitment";
        let (who, division) = if story == "commitment_false" {
            let e = self.city.enterprises.last()?;
            (self.liar.clone(), e.division_code.clone())
        } else {
            self.applicant_for(item, rng, may_commit)
        };
        // Start early enough to finish before `until`.
        let last = self.days.len().saturating_sub(45).max(1);
        let day = if story == "commitment_false" {
            self.days[last.saturating_sub(1 + rng.below(20))]
        } else {
            self.days[rng.below(last)]
        };
        let mut s = Script::new(self.cal, day, rng.range_i64(0, 420));
        let ctx = CaseCtx::new(self, item, route, &who, &division, channel, rng);
        let drafted_at_ms = s.at_ms - 5 * 60_000;
        ctx.apply_and_submit(&mut s, story, n);
        ctx.closed_tail(&mut s, story, rng, n);
        let liar_case = story == "commitment" && who == self.liar;
        if liar_case || !s.ok || s.on > self.cfg.until {
            return None;
        }
        if !ctx.fits_calendar(&s) {
            return None;
        }
        Some(ctx.finish(s, story, drafted_at_ms, day))
    }

    fn open_case(
        &self,
        rng: &mut Rng,
        story: &'static str,
        channel: ApplyChannel,
        n: u64,
    ) -> Option<PlannedCase> {
        let demo = rng.chance(1, 2);
        let i = self.item_for(rng, story, demo)?;
        let (item, route) = &self.items[i];
        if item.promised_limit_days > 20 {
            return None;
        }
        let (who, division) = self.applicant_for(item, rng, false);
        let plan = self.open_start(rng, story, route)?;
        let mut s = Script::new(self.cal, plan, rng.range_i64(0, 420));
        let ctx = CaseCtx::new(self, item, route, &who, &division, channel, rng);
        let drafted_at_ms = s.at_ms - 5 * 60_000;
        ctx.apply_and_submit(&mut s, story, n);
        ctx.open_tail(&mut s, story, rng, n);
        if !s.ok || s.on > self.cfg.until || !ctx.fits_calendar(&s) {
            return None;
        }
        Some(ctx.finish(s, story, drafted_at_ms, plan))
    }

    /// The day an open case was submitted, so that its current step falls due where the story
    /// wants it: well ahead, within two working days of `until`, or past it.
    fn open_start(&self, rng: &mut Rng, story: &str, route: &[RouteStep]) -> Option<Date> {
        let back = |n: usize| self.days.get(self.days.len().checked_sub(1 + n)?).copied();
        let budget = |k: StepKind| {
            route
                .iter()
                .find(|s| s.kind == k)
                .map_or(1, |s| s.budget_days as usize)
        };
        match story {
            "open_submitted" => back(rng.below(3)),
            "open_submitted_overdue" => back(6 + rng.below(4)),
            "open_review" => back(rng.below(budget(StepKind::Work).saturating_sub(3).max(1)) + 1),
            "open_review_due_soon" => back(budget(StepKind::Work).saturating_sub(1 + rng.below(2))),
            "open_review_overdue" => back(budget(StepKind::Work) + 2 + rng.below(4)),
            "open_decide" | "open_decide_due_soon" | "open_decide_overdue" => {
                back(budget(StepKind::Work).min(6) + 4 + rng.below(4))
            }
            _ => back(3 + rng.below(10)),
        }
    }
}

mod stories;

#[cfg(test)]
mod tests;
