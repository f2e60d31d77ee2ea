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
pub const SAMPLE_MATERIAL_PDF: &[u8] = include_bytes!("../assets/sample-material.pdf");

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

/// Everything about one case the script needs.
struct CaseCtx<'p, 'a> {
    p: &'p Planner<'a>,
    item: &'a ServiceItem,
    route: &'a [RouteStep],
    me: PlannedActor,
    who: String,
    agent: Option<String>,
    channel: ApplyChannel,
    clerk: PlannedActor,
    reviewer: String,
    approver: String,
    hall: String,
}

impl<'p, 'a> CaseCtx<'p, 'a> {
    fn new(
        p: &'p Planner<'a>,
        item: &'a ServiceItem,
        route: &'a [RouteStep],
        who: &str,
        division: &str,
        channel: ApplyChannel,
        rng: &mut Rng,
    ) -> Self {
        let dept = item.department_id.as_str();
        let dept_division = p
            .city
            .departments
            .iter()
            .find(|d| d.key == dept)
            .map_or("511900000000", |d| d.division_code.as_str());
        let county_of_case = if dept_division.starts_with("511900") {
            division
        } else {
            dept_division
        };
        let clerk_id = p.county_clerk(county_of_case, rng);
        let agent = match channel {
            ApplyChannel::Window => Some(p.county_clerk(division, rng)),
            ApplyChannel::Outlet => Some(p.township_staff("clerk", division)),
            ApplyChannel::Runner => Some(p.township_staff("runner", division)),
            _ => None,
        };
        let me = applicant(agent.as_deref().unwrap_or(who));
        let demo_staff = dept == DEMO_DEPARTMENT && rng.chance(1, 2);
        let reviewer = if demo_staff {
            "staff-reviewer".to_string()
        } else {
            p.staff_of(Role::Reviewer, dept)
        };
        let approver = if demo_staff {
            "staff-approver".to_string()
        } else {
            p.staff_of(Role::Approver, dept)
        };
        let hall = format!("hall-{}", &county_of_case.get(..6).unwrap_or("511902"));
        CaseCtx {
            p,
            item,
            route,
            me,
            who: who.to_string(),
            agent,
            channel,
            clerk: staff(&clerk_id),
            reviewer,
            approver,
            hall,
        }
    }

    fn step_actor(&self, step: &RouteStep) -> PlannedActor {
        match step.role.as_str() {
            "reviewer" => staff(&self.reviewer),
            "approver" => staff(&self.approver),
            _ => self.clerk.clone(),
        }
    }

    fn required(&self) -> impl Iterator<Item = &'a tongban_domain::catalog::Material> {
        self.item.materials.iter().filter(|m| m.required)
    }

    /// Draft, attach, (sign), submit; then the acceptance the story wants.
    fn apply_and_submit(&self, s: &mut Script<'_>, story: &str, n: u64) {
        let incomplete = story.starts_with("incomplete") || story == "open_incomplete";
        let commitment = story.starts_with("commitment");
        let mut left_out: Option<String> = None;
        for (k, m) in self.required().enumerate() {
            if incomplete && left_out.is_none() && m.may_be_missing {
                left_out = Some(m.name.clone());
                continue;
            }
            if commitment && m.may_be_committed {
                continue;
            }
            s.act(&self.me, attach(&m.name, n * 16 + k as u64));
        }
        if commitment {
            s.act(
                &self.me,
                Command::SignCommitment {
                    text: "本人承诺所填报信息及提交材料真实有效，符合许可条件，如有不实愿承担相应法律责任。".into(),
                },
            );
        }
        s.act(&self.me, Command::Submit);
        if story.starts_with("open_submitted") {
            return;
        }
        s.wait(u32::from(n.is_multiple_of(3)), (n % 300) as i64);
        match story {
            "open_submitted" | "open_submitted_overdue" => {}
            "not_accepted" => s.act(
                &self.clerk,
                Command::RefuseAcceptance {
                    reason: "申请事项依法不属于本机关职权范围，已告知向有关机关申请".into(),
                },
            ),
            "correction" | "correction_refused" | "open_correction" => {
                let items: Vec<String> = self
                    .required()
                    .take(2)
                    .map(|m| format!("{}（须加盖公章、内容完整）", m.name))
                    .collect();
                let items = if items.is_empty() {
                    vec!["申请表签字不全".to_string()]
                } else {
                    items
                };
                s.act(&self.clerk, Command::RequestCorrection { items });
                if story == "open_correction" {
                    return;
                }
                s.wait(1 + (n % 3) as u32, (n % 200) as i64);
                s.act(&self.me, attach("其他：补正材料", n * 16 + 15));
                s.act(&self.me, Command::SupplyCorrection);
                s.wait(u32::from(n.is_multiple_of(2)), 60);
                if story == "correction_refused" {
                    s.act(
                        &self.clerk,
                        Command::RefuseAcceptance {
                            reason: "补正后申请材料仍不符合法定形式".into(),
                        },
                    );
                } else {
                    self.accept(s, AcceptanceMode::Normal, None);
                }
            }
            _ if incomplete => {
                let deadline = s.later(3.min(self.item.promised_limit_days));
                self.accept(s, AcceptanceMode::Incomplete, deadline.zip(left_out));
            }
            _ if commitment => self.accept(s, AcceptanceMode::Commitment, None),
            "withdrawn" if n.is_multiple_of(2) => s.act(
                &self.me,
                Command::Withdraw {
                    reason: "申请人情况变化，主动撤回".into(),
                },
            ),
            _ => self.accept(s, AcceptanceMode::Normal, None),
        }
    }

    fn accept(&self, s: &mut Script<'_>, mode: AcceptanceMode, missing: Option<(Date, String)>) {
        let (deadline, missing) = match missing {
            Some((d, m)) => (Some(d), vec![m]),
            None => (None, Vec::new()),
        };
        s.act(
            &self.clerk,
            Command::Accept {
                mode,
                missing,
                deadline,
            },
        );
    }

    fn approve(&self, s: &mut Script<'_>, at: usize) {
        if let Some(step) = self.route.get(at) {
            s.act(
                &self.step_actor(step),
                Command::Approve {
                    opinion: if step.kind == StepKind::Decide {
                        "符合法定条件，准予许可".into()
                    } else {
                        "材料齐全，符合要求，同意".into()
                    },
                },
            );
        }
    }

    fn deliver(&self, s: &mut Script<'_>, n: u64) {
        let method = match self.channel {
            ApplyChannel::Window if n.is_multiple_of(2) => DeliveryMethod::Pickup {
                hall_id: self.hall.clone(),
            },
            _ if n % 4 == 1 => DeliveryMethod::Post {
                tracking_number: format!("SF{:012}", n * 7919 % 1_000_000_000_000),
            },
            _ => DeliveryMethod::Electronic,
        };
        s.act(&self.clerk, Command::Deliver { method });
    }

    /// Waits within (or, when `late`, beyond) the step's budget.
    fn wait_step(&self, s: &mut Script<'_>, at: usize, late: bool, n: u64) {
        let budget = self.route.get(at).map_or(1, |st| st.budget_days);
        let days = if late {
            budget + 2 + (n % 3) as u32
        } else if budget == 0 {
            0
        } else {
            ((n as u32 % budget.max(1)) / 2).min(budget)
        };
        s.wait(days, (n % 400) as i64);
    }

    fn work_steps(&self) -> Vec<usize> {
        self.route
            .iter()
            .enumerate()
            .filter(|(_, st)| st.kind == StepKind::Work)
            .map(|(i, _)| i)
            .collect()
    }

    fn decide_at(&self) -> usize {
        self.route
            .iter()
            .position(|st| st.kind == StepKind::Decide)
            .unwrap_or(0)
    }

    /// After acceptance, to a closed end.
    fn closed_tail(&self, s: &mut Script<'_>, story: &str, rng: &mut Rng, n: u64) {
        if matches!(story, "not_accepted" | "correction_refused") {
            return;
        }
        if story == "withdrawn" {
            if n % 2 == 1 {
                s.wait(1, 30);
                s.act(
                    &self.me,
                    Command::Withdraw {
                        reason: "已通过其他途径办理，申请撤回".into(),
                    },
                );
            }
            return;
        }
        let immediate = self.route.len() < 3 || self.item.promised_limit_days == 0;
        if !immediate {
            let work = self.work_steps();
            for (k, &at) in work.iter().enumerate() {
                self.wait_step(s, at, story == "late" && k == 0, n);
                match story {
                    "special" if k == 0 => {
                        let actor = staff(&self.reviewer);
                        s.act(
                            &actor,
                            Command::StartSpecial {
                                kind: "现场勘验".into(),
                                reason: "需核实经营场所与申请材料是否一致".into(),
                            },
                        );
                        s.wait(2 + (n % 4) as u32, 120);
                        s.act(
                            &actor,
                            Command::EndSpecial {
                                result: "现场勘验符合要求".into(),
                            },
                        );
                    }
                    "countersign" if k == 0 => {
                        let other = self.p.staff_of(Role::DeptAdmin, &self.item.department_id);
                        let signers = vec![self.reviewer.clone(), other];
                        if signers[0] == signers[1] {
                            s.ok = false;
                            return;
                        }
                        s.act(
                            &staff(&self.reviewer),
                            Command::Countersign {
                                mode: SignMode::All,
                                signers: signers.clone(),
                            },
                        );
                        s.wait(1, 60);
                        for signer in &signers {
                            s.act(
                                &staff(signer),
                                Command::Approve {
                                    opinion: "会签同意".into(),
                                },
                            );
                        }
                        continue;
                    }
                    "returned" if k == 0 => {
                        s.act(
                            &staff(&self.reviewer),
                            Command::Return {
                                target: ReturnTarget::Applicant,
                                reason: "申请表经营范围填写不规范，请修改后重新提交".into(),
                            },
                        );
                        s.wait(2, 90);
                        s.act(&self.me, attach("其他：修改后的申请表", n * 16 + 14));
                        s.act(
                            &self.me,
                            Command::Resubmit {
                                note: "已按要求修改".into(),
                            },
                        );
                        s.wait(1, 30);
                    }
                    "incomplete_supplied" if k == 0 => {
                        s.act(&self.clerk, Command::SupplyMissing);
                        s.wait(u32::from(n.is_multiple_of(2)), 30);
                    }
                    "incomplete_expired" => {
                        s.wait(4, 0);
                        s.act(&PlannedActor::System, Command::ExpireIncomplete);
                        return;
                    }
                    _ => {}
                }
                self.approve(s, at);
            }
            let decide = self.decide_at();
            if story == "extension" {
                s.act(
                    &staff(&self.approver),
                    Command::Extend {
                        reason: "需征求相关部门意见，经本机关负责人批准延长十个工作日".into(),
                    },
                );
                s.wait(4 + (n % 4) as u32, 60);
            } else {
                self.wait_step(s, decide, story == "late", n);
            }
            if story == "refused" {
                s.act(
                    &staff(&self.approver),
                    Command::Refuse {
                        reason: "申请人不符合法定条件，依据《行政许可法》第三十八条第二款不予许可"
                            .into(),
                    },
                );
                return;
            }
            self.approve(s, decide);
        }
        let deliver_budget = self
            .route
            .iter()
            .find(|st| st.kind == StepKind::Deliver)
            .map_or(0, |st| st.budget_days);
        s.wait(u32::from(deliver_budget > 0 && n.is_multiple_of(3)), 200);
        self.deliver(s, n);
        if story.starts_with("commitment") {
            let truthful = story == "commitment";
            s.wait(5 + rng.below(10) as u32, 100);
            s.act(
                &staff(&self.reviewer),
                Command::VerifyCommitment {
                    truthful,
                    note: if truthful {
                        "事后核查，承诺属实".into()
                    } else {
                        "事后核查发现经营场所与承诺不符，承诺不实".into()
                    },
                },
            );
        }
    }

    /// After acceptance, to where an open case stands on `until`.
    fn open_tail(&self, s: &mut Script<'_>, story: &str, _rng: &mut Rng, n: u64) {
        let work = self.work_steps();
        let first = work.first().copied().unwrap_or(1);
        match story {
            "open_decide" | "open_decide_due_soon" | "open_decide_overdue" => {
                for &at in &work {
                    let wait = match story {
                        "open_decide_overdue" => {
                            (self.days_to_until(s)).saturating_sub(3 + (n % 3) as u32)
                        }
                        "open_decide_due_soon" => self.days_to_until(s).saturating_sub(0),
                        _ => self.days_to_until(s).saturating_sub(1).min(2),
                    };
                    s.wait(wait, (n % 300) as i64);
                    self.approve(s, at);
                }
            }
            "open_special" => {
                s.wait(1, 60);
                s.act(
                    &staff(&self.reviewer),
                    Command::StartSpecial {
                        kind: "专家评审".into(),
                        reason: "涉及专业技术问题，组织专家评审".into(),
                    },
                );
            }
            "open_returned" => {
                s.wait(1, 60);
                s.act(
                    &staff(&self.reviewer),
                    Command::Return {
                        target: ReturnTarget::Applicant,
                        reason: "请补充说明经营场所的权属情况".into(),
                    },
                );
            }
            "open_decided" => {
                for &at in &work {
                    s.wait(1, 60);
                    self.approve(s, at);
                }
                s.wait(1, 60);
                self.approve(s, self.decide_at());
                if self.route.get(self.decide_at() + 1).is_none() {
                    // No delivery step: still held by the approver, as decided.
                }
            }
            "open_incomplete" => {
                s.wait(1, 60);
                self.approve(s, first);
            }
            _ => {}
        }
    }

    fn days_to_until(&self, s: &Script<'_>) -> u32 {
        self.p
            .cal
            .working_days_between(s.on, self.p.cfg.until)
            .map_or(0, |d| d.get())
    }

    /// Every due date the case's pages will compute stays within the loaded calendar years.
    fn fits_calendar(&self, s: &Script<'_>) -> bool {
        let accepted = s
            .actions
            .iter()
            .find(|a| matches!(a.command, Command::Accept { .. }))
            .map_or(s.on, |a| a.on);
        let extended = s
            .actions
            .iter()
            .any(|a| matches!(a.command, Command::Extend { .. }));
        let paused = s.actions.iter().any(|a| {
            matches!(
                a.command,
                Command::StartSpecial { .. } | Command::Return { .. }
            )
        });
        let slack = self
            .item
            .legal_limit_days
            .max(self.item.promised_limit_days)
            + if extended { 10 } else { 0 }
            + if paused { 6 } else { 0 };
        self.p
            .cal
            .add_working_days(accepted, WorkingDays(slack))
            .is_ok()
    }

    fn finish(
        &self,
        s: Script<'_>,
        story: &'static str,
        drafted_at_ms: i64,
        drafted_on: Date,
    ) -> PlannedCase {
        PlannedCase {
            item_code: self.item.implementation_code.clone(),
            applicant: self.who.clone(),
            agent: self.agent.clone(),
            channel: self.channel,
            drafted_at_ms,
            drafted_on,
            actions: s.actions,
            story,
        }
    }
}

#[cfg(test)]
mod tests {
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
}
