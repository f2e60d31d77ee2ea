//! Results of `tongban bench lifecycle`: the terminal summary and the "Application life
//! cycles" section of BENCHMARKS.md.

use std::fmt::Write as _;
use std::path::Path;

use crate::bench_http::HttpFigures;
use crate::bench_lifecycle::SpiffFigure;
use crate::bench_report::Machine;

/// The heading of this benchmark's section in BENCHMARKS.md.
pub const HEADING: &str = "## Application life cycles";

/// Goals, as stated in the issue.
pub const GOAL_TIMES_SPIFF: f64 = 30.0;
pub const GOAL_P99_MS: f64 = 50.0;

/// One timed phase.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timed {
    pub cycles: u64,
    pub transitions: u64,
    pub seconds: f64,
    /// A task ran out of prepared cases before the end (the phase then ran with fewer tasks).
    pub ran_out: bool,
}

impl Timed {
    pub fn per_second(&self) -> f64 {
        self.cycles as f64 / self.seconds.max(1e-9)
    }

    pub fn transitions_per_second(&self) -> f64 {
        self.transitions as f64 / self.seconds.max(1e-9)
    }
}

/// One engine's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineFigures {
    pub engine: String,
    /// How commits are made durable (PRAGMAs or server settings).
    pub durability: String,
    pub bare_commits_per_s: f64,
    /// start → attach → submit → accept → review → decide, all timed.
    pub whole: Timed,
    /// accept → review → decide timed, on cases brought to `submitted` beforehand.
    pub three_step: Timed,
    pub prep_cases: usize,
    pub prep_seconds: f64,
    /// Timed cases found `decided` afterwards.
    pub decided_verified: usize,
    /// Events in the verified chain.
    pub chain_events: i64,
    /// Cases rebuilt from their events without a mismatch.
    pub rebuilt_cases: usize,
}

/// Everything a run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleReport {
    pub tasks: usize,
    pub seconds: f64,
    pub warmup: f64,
    pub spiff: Result<SpiffFigure, String>,
    pub engines: Vec<EngineFigures>,
    pub http: Vec<HttpFigures>,
    pub machine: Machine,
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl LifecycleReport {
    fn spiff_rate(&self) -> Option<f64> {
        self.spiff
            .as_ref()
            .ok()
            .map(|s| s.per_second)
            .filter(|r| *r > 0.0)
    }

    /// `rate` as a multiple of Spiff's, when Spiff was measured.
    fn times_spiff(&self, rate: f64) -> Option<f64> {
        self.spiff_rate().map(|s| rate / s)
    }

    fn verdict(&self, rate: f64) -> &'static str {
        match self.times_spiff(rate) {
            Some(x) if x >= GOAL_TIMES_SPIFF => "met",
            Some(_) => "not met",
            None => "no Spiff figure",
        }
    }

    /// A short summary for the terminal.
    pub fn terminal(&self) -> String {
        let mut out = String::new();
        let times = |rate: f64| {
            self.times_spiff(rate)
                .map_or_else(|| "—".to_string(), |x| format!("{x:.1}×"))
        };
        match &self.spiff {
            Ok(s) => {
                let _ = writeln!(
                    out,
                    "SpiffWorkflow {}: {:.1} cycles/s",
                    s.version, s.per_second
                );
            }
            Err(why) => {
                let _ = writeln!(out, "SpiffWorkflow: not measured ({why})");
            }
        }
        for e in &self.engines {
            let _ = writeln!(
                out,
                "{}: three steps {:.1} cycles/s = {} Spiff (goal ≥ {GOAL_TIMES_SPIFF}×, {}); whole life cycle {:.1}/s = {} Spiff; bare durable commits {:.0}/s",
                e.engine,
                e.three_step.per_second(),
                times(e.three_step.per_second()),
                self.verdict(e.three_step.per_second()),
                e.whole.per_second(),
                times(e.whole.per_second()),
                e.bare_commits_per_s
            );
        }
        for h in &self.http {
            for r in &h.routes {
                let goal = if r.goal {
                    format!(" (goal p99 ≤ {GOAL_P99_MS} ms)")
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "HTTP {} {}: {} requests, p50 {:.2} ms, p99 {:.2} ms{goal}",
                    h.engine, r.route, r.requests, r.p50_ms, r.p99_ms
                );
            }
        }
        out
    }

    /// The "Application life cycles" section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "{HEADING} (`tongban bench lifecycle`)\n");
        let _ = writeln!(
            md,
            "Goals: complete three-step life cycles (受理 accept → 审查 review → 决定 decide, every transition durable with its event) ≥ {GOAL_TIMES_SPIFF}× SpiffWorkflow running the same process with its state reloaded from and saved to SQLite (synchronous=FULL) at every step; HTTP p99 of submit and approve ≤ {GOAL_P99_MS} ms under {} concurrent clients.\n",
            self.tasks
        );
        let mut results = Vec::new();
        for e in &self.engines {
            let x = self.times_spiff(e.three_step.per_second());
            results.push(format!(
                "{} {:.0} three-step cycles/s{} ({})",
                e.engine,
                e.three_step.per_second(),
                x.map_or_else(String::new, |x| format!(", {x:.1}× Spiff")),
                self.verdict(e.three_step.per_second())
            ));
        }
        for h in &self.http {
            for r in h.routes.iter().filter(|r| r.goal) {
                results.push(format!(
                    "HTTP {} {} p99 {:.1} ms ({})",
                    h.engine,
                    r.route,
                    r.p99_ms,
                    if r.p99_ms <= GOAL_P99_MS {
                        "met"
                    } else {
                        "not met"
                    }
                ));
            }
        }
        let _ = writeln!(md, "Result: {}.\n", results.join("; "));

        let _ = writeln!(md, "### Life cycles per second\n");
        let _ = writeln!(
            md,
            "| engine | timed part | cycles | seconds | cycles/s | transitions/s | bare durable commits/s | × Spiff | goal ≥ {GOAL_TIMES_SPIFF}× |"
        );
        let _ = writeln!(
            md,
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        let times = |rate: f64| {
            self.times_spiff(rate)
                .map_or_else(|| "—".to_string(), |x| format!("{x:.1}×"))
        };
        for e in &self.engines {
            for (part, t, goal) in [
                ("accept → review → decide", &e.three_step, true),
                ("start → attach → submit → … → decide", &e.whole, false),
            ] {
                let _ = writeln!(
                    md,
                    "| {} | {part}{} | {} | {:.2} | {:.1} | {:.0} | {:.0} | {} | {} |",
                    e.engine,
                    if t.ran_out { " (ran out of cases)" } else { "" },
                    t.cycles,
                    t.seconds,
                    t.per_second(),
                    t.transitions_per_second(),
                    e.bare_commits_per_s,
                    times(t.per_second()),
                    if goal {
                        self.verdict(t.per_second())
                    } else {
                        "(for comparison)"
                    }
                );
            }
        }
        match &self.spiff {
            Ok(s) => {
                let _ = writeln!(
                    md,
                    "| SpiffWorkflow {} (SQLite, 1 process) | create → accept → review → decide | {} | {:.2} | {:.1} | {:.0} | — | 1.0× | — |",
                    s.version,
                    s.lifecycles,
                    s.seconds,
                    s.per_second,
                    s.per_second * 3.0
                );
            }
            Err(why) => {
                let _ = writeln!(md, "\nSpiffWorkflow was not measured: {why}.");
            }
        }
        let _ = writeln!(md);
        for e in &self.engines {
            let _ = writeln!(
                md,
                "{}: {} timed cases checked afterwards, every one `decided`; `Store::verify_events` re-computed the SM3 chain: intact, {} events; `App::rebuild_applications` folded every case ({}) from its events and found no mismatch with the stored rows. Durability: {}. Bringing {} cases to `submitted` (untimed) took {:.2} s.\n",
                e.engine,
                e.decided_verified,
                e.chain_events,
                e.rebuilt_cases,
                e.durability,
                e.prep_cases,
                e.prep_seconds
            );
        }

        if !self.http.is_empty() {
            let _ = writeln!(md, "### HTTP latency\n");
            let _ = writeln!(
                md,
                "| engine | request | requests | p50 ms | p90 ms | p99 ms | max ms | goal p99 ≤ {GOAL_P99_MS} ms |"
            );
            let _ = writeln!(md, "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
            for h in &self.http {
                for r in &h.routes {
                    let goal = if !r.goal {
                        "(for comparison)"
                    } else if r.p99_ms <= GOAL_P99_MS {
                        "met"
                    } else {
                        "not met"
                    };
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {goal} |",
                        h.engine, r.route, r.requests, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms
                    );
                }
            }
            let _ = writeln!(md);
            for h in &self.http {
                let _ = writeln!(
                    md,
                    "{}: {} clients × {} cases ({} unmeasured warm-up cases per client first), {} cases `decided` afterwards, {:.2} s wall clock for the measured part, {:.0} requests/s.\n",
                    h.engine,
                    h.clients,
                    h.cases_per_client,
                    h.warmup_per_client,
                    h.decided,
                    h.seconds,
                    h.requests_per_second()
                );
            }
        }

        let _ = writeln!(md, "### Method\n");
        let _ = writeln!(
            md,
            "All figures come from one run of `tongban bench lifecycle`. Each engine gets a fresh database (SQLite: a new file; PostgreSQL: a new schema, dropped afterwards) seeded with a small demo city (`DemoConfig {{ seed: 7, citizens: 20, enterprises: 5 }}`) and its catalogue; every case is for the same county 市场监管 item, whose route is 受理 → 审查 → 决定 with {} concurrent tokio tasks, each running cases back to back, after {} s of unmeasured warm-up.\n",
            self.tasks, self.warmup
        );
        let _ = writeln!(
            md,
            "- **accept → review → decide** (the figure compared with the goal): the cases are first started, given every required material and submitted, untimed; then for {} s each task takes its next submitted case and sends `Accept` (clerk), `Approve` (reviewer), `Approve` (approver) through `App::act_on_application`, the call behind the pages and the API. Each command is its own unit of work: the fresh state is read inside the writer, the domain decides, the events are appended to the hash-chained log, the notice is queued and the projection row is updated, all committed durably before the call returns. A cycle counts when its decide has returned.",
            self.seconds
        );
        let _ = writeln!(
            md,
            "- **start → attach → submit → … → decide**: the whole case timed, including `App::start_application`, one `AttachMaterial` per required material and `Submit`, for comparison; it does more durable transitions per cycle than Spiff's loop.",
        );
        let _ = writeln!(
            md,
            "- **bare durable commits**: one connection, a loop of `BEGIN`, a single-row `INSERT` into a plain table, `COMMIT`, for {} s, measured just before the engine's life cycles (SQLite: a new file with the store's PRAGMAs; PostgreSQL: a table in the benchmark schema).",
            self.seconds
        );
        let _ = writeln!(
            md,
            "- **SpiffWorkflow**: `python3 bench/spiff/spiff_bench.py --seconds {}` (see bench/spiff/README.md), run first in the same run: one process, one SQLite connection in WAL mode with synchronous=FULL; per cycle it creates the workflow and saves it (one commit), then for each of accept, review and decide begins an IMMEDIATE transaction, loads and deserializes the workflow, completes the ready user task, runs the engine, serializes, updates and commits: four durable commits per cycle. Its timed loop includes creating the case, which Tongban's three-step figure does not; the whole-case row includes start, materials and submit, which Spiff does not have. It runs single-threaded: SQLite admits one writer at a time, and Spiff has no group commit to share a sync between requests.",
            self.seconds
        );
        if !self.http.is_empty() {
            let _ = writeln!(
                md,
                "- **HTTP**: the real axum router (`tongban_web::router`) served on 127.0.0.1 (an ephemeral port) over a freshly seeded store in the same process; {} reqwest clients, each with bearer tokens from `POST /api/v1/auth/login` for the citizen, the clerk, the reviewer and the approver, each running its cases one after another: `POST /api/v1/applications`, `POST …/materials` (multipart, one small PDF per required material), then `POST …/actions` with `submit` (citizen), `accept` (clerk), `approve` (reviewer) and `approve` (approver), each naming the revision the previous answer returned. Each request is timed by the client, from sending to the whole answer read; percentiles are nearest-rank. `approve` counts both approvals.",
                self.tasks
            );
        }
        let _ = writeln!(
            md,
            "\nRe-run with `cargo build --release --bin tongban && ./target/release/tongban bench lifecycle --pg-url postgres://postgres@127.0.0.1:5432/test --write-md BENCHMARKS.md` (`--tasks`, `--seconds`, `--warmup`, `--http-cases`, `--dir` choose the set-up).\n"
        );

        let _ = writeln!(md, "### Caveats\n");
        let _ = writeln!(
            md,
            "- Spiff's figure follows the disk's fsync latency and the machine's load: on this machine repeated runs of the script alone have given from about 60 to 340 cycles/s, so the ratio moves with it; it is measured in the same run to keep the conditions alike, not identical. The bare commit rate moves the same way.",
        );
        let _ = writeln!(
            md,
            "- The machine has {} CPUs, shared with other work (see the load average); Tongban's engines, the HTTP clients and the server all run on them, and PostgreSQL's server does too.",
            self.machine.cpus
        );
        let _ = writeln!(
            md,
            "- Every case is for one item and one department; the writer serialises units of work either way, so more items would change little, but the figures are for this process only.\n",
        );

        let _ = writeln!(md, "### Machine\n");
        let m = &self.machine;
        let _ = writeln!(md, "- date: {} (UTC)", self.date);
        let _ = writeln!(md, "- CPUs (nproc): {}", m.cpus);
        let _ = writeln!(md, "- CPU model: {}", m.cpu_model);
        let _ = writeln!(md, "- kernel: {}", m.kernel);
        let _ = writeln!(md, "- file system of the SQLite files: {}", m.filesystem);
        let _ = writeln!(
            md,
            "- load average (1, 5, 15 min) at the start: {}",
            m.load_before
        );
        let _ = writeln!(md, "- build: release");
        md
    }
}

/// Writes the report as this benchmark's section of the markdown file at `path`.
pub fn write_markdown(report: &LifecycleReport, path: &Path) -> anyhow::Result<()> {
    crate::bench_md::write_section(path, HEADING, &report.markdown())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_http::RouteFigures;

    fn report(spiff: f64) -> LifecycleReport {
        let timed = |cycles, transitions| Timed {
            cycles,
            transitions,
            seconds: 2.0,
            ran_out: false,
        };
        LifecycleReport {
            tasks: 32,
            seconds: 2.0,
            warmup: 1.0,
            spiff: Ok(SpiffFigure {
                version: "3.2.0".into(),
                lifecycles: (spiff * 2.0) as u64,
                seconds: 2.0,
                per_second: spiff,
            }),
            engines: vec![EngineFigures {
                engine: "SQLite".into(),
                durability: "WAL, synchronous=FULL".into(),
                bare_commits_per_s: 4000.0,
                whole: timed(2000, 16000),
                three_step: timed(6200, 18600),
                prep_cases: 7000,
                prep_seconds: 3.0,
                decided_verified: 8200,
                chain_events: 90000,
                rebuilt_cases: 9000,
            }],
            http: vec![HttpFigures {
                engine: "SQLite".into(),
                clients: 32,
                cases_per_client: 50,
                warmup_per_client: 3,
                decided: 1600,
                seconds: 10.0,
                total_requests: 11200,
                routes: vec![RouteFigures {
                    route: "POST …/actions submit".into(),
                    goal: true,
                    requests: 1600,
                    p50_ms: 5.0,
                    p90_ms: 9.0,
                    p99_ms: 60.0,
                    max_ms: 80.0,
                }],
            }],
            machine: Machine::detect(Path::new("/")),
            date: "2026-11-30".into(),
        }
    }

    #[test]
    fn the_section_compares_each_engine_with_spiff_and_the_latency_goal() {
        let md = report(100.0).markdown();
        assert!(md.starts_with(HEADING));
        assert!(md.contains("| SQLite | accept → review → decide | 6200 | 2.00 | 3100.0 | 9300 | 4000 | 31.0× | met |"));
        assert!(md.contains("HTTP SQLite POST …/actions submit p99 60.0 ms (not met)"));
        assert!(md.contains("SpiffWorkflow 3.2.0"));
        let slow = report(1000.0).markdown();
        assert!(slow.contains("3.1× Spiff (not met)"));
    }
}
