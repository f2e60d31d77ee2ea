//! Results of `tongban bench load`: every figure next to its limit, on the terminal and as the
//! "Province scale" section of BENCHMARKS.md, which keeps one subsection per database size (the
//! figures of each run are kept in the section as a JSON comment, so a run at 10 M adds to the
//! run at 1 M and the growth table compares them).

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::bench_load_client::Figures;

/// The heading of the section in BENCHMARKS.md.
pub const HEADING: &str = "## Province scale (`tongban bench load`)";
/// Group commit over the bare per-commit rate.
pub const LIMIT_GROUP_RATIO: f64 = 10.0;
/// The 办事指南 page's requests/s over the hello-world's.
pub const LIMIT_GUIDE_SHARE: f64 = 0.20;
/// The 办事指南 page's 99th percentile, in milliseconds.
pub const LIMIT_GUIDE_P99_MS: f64 = 20.0;
/// The serve process's peak resident memory, in MB (10⁶ bytes).
pub const LIMIT_RSS_MB: f64 = 150.0;

/// The marker of the JSON comment holding a run's figures.
const RUN_MARKER: &str = "<!-- load-run ";

/// Where the run was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineFacts {
    pub cpus: usize,
    pub cpu_model: String,
    pub kernel: String,
    pub filesystem: String,
    pub load_before: String,
}

/// The group-commit measurement (`bench events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCommit {
    pub writers: usize,
    pub bare_per_second: f64,
    pub group_per_second: f64,
    pub avg_batch: f64,
}

impl GroupCommit {
    pub fn ratio(&self) -> f64 {
        self.group_per_second / self.bare_per_second.max(1e-9)
    }
}

/// One HTTP drive: its figures and the CPU each side used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriveFigures {
    pub figures: Figures,
    pub seconds: f64,
    pub client_cpu_s: f64,
    pub server_cpu_s: f64,
    /// VmHWM of the server process at the end of the drive, in KiB.
    pub server_peak_kib: u64,
}

impl DriveFigures {
    /// Server CPU time per answered request, in microseconds: a figure that other work on
    /// the machine disturbs less than requests/s.
    pub fn server_micros_per_request(&self) -> f64 {
        self.server_cpu_s * 1e6 / (self.figures.requests.max(1) as f64)
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// `release` or `debug`.
    pub build: String,
    /// `SQLite` or `PostgreSQL`.
    pub engine: String,
    /// Applications in the database when the run started.
    pub applications: i64,
    pub machine: MachineFacts,
    pub group: GroupCommit,
    /// Keep-alive connections of the hello-world and 办事指南 drives.
    pub connections: usize,
    pub hello: DriveFigures,
    pub guide: DriveFigures,
    /// Workers per journey.
    pub journey_clients: usize,
    pub journeys: DriveFigures,
    pub journey_figures: Vec<Figures>,
    /// Whether a held licence was found (otherwise the verify journey did not run).
    pub licence_found: bool,
    /// VmRSS of the serve process once it answered, before any load, in KiB.
    pub rss_idle_kib: u64,
    /// VmHWM (peak VmRSS) of the serve process at the end, in KiB.
    pub rss_peak_kib: u64,
    /// The first non-2xx answer of the run, if any.
    #[serde(default)]
    pub first_error: Option<String>,
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn errors_note(errors: usize) -> String {
    if errors == 0 {
        String::new()
    } else {
        format!(" (**{errors} error answers**)")
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "**NOT met**" }
}

/// "1.0 M", "20.7 k": the size a run is filed under.
pub fn size_label(applications: i64) -> String {
    let n = applications as f64;
    if n >= 1e6 {
        format!("{:.1} M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k", n / 1e3)
    } else {
        applications.to_string()
    }
}

impl LoadReport {
    pub fn guide_share(&self) -> f64 {
        self.guide.figures.per_second / self.hello.figures.per_second.max(1e-9)
    }

    fn key(&self) -> (String, String) {
        (self.engine.clone(), size_label(self.applications))
    }

    /// (figure, measured, limit, verdict) rows.
    pub fn goal_rows(&self) -> Vec<[String; 4]> {
        let ratio = self.group.ratio();
        let share = self.guide_share();
        let p99 = self.guide.figures.p99_ms;
        let peak = mb(self.rss_peak_kib);
        vec![
            [
                format!(
                    "durable writes, group commit ({} writers) ÷ bare per-commit",
                    self.group.writers
                ),
                format!(
                    "{:.0}/s ÷ {:.0}/s = {ratio:.1}×",
                    self.group.group_per_second, self.group.bare_per_second
                ),
                format!("≥ {LIMIT_GROUP_RATIO}×"),
                met(ratio >= LIMIT_GROUP_RATIO).into(),
            ],
            [
                "办事指南 page ÷ bare axum hello-world (requests/s)".into(),
                format!(
                    "{:.0}/s ÷ {:.0}/s = {:.1} %{}",
                    self.guide.figures.per_second,
                    self.hello.figures.per_second,
                    share * 100.0,
                    errors_note(self.guide.figures.errors + self.hello.figures.errors)
                ),
                format!("≥ {:.0} %", LIMIT_GUIDE_SHARE * 100.0),
                met(share >= LIMIT_GUIDE_SHARE).into(),
            ],
            [
                "办事指南 page p99".into(),
                format!("{p99:.1} ms{}", errors_note(self.guide.figures.errors)),
                format!("≤ {LIMIT_GUIDE_P99_MS} ms"),
                met(p99 <= LIMIT_GUIDE_P99_MS).into(),
            ],
            [
                format!(
                    "serve RSS peak (VmHWM) with {} applications",
                    self.applications
                ),
                format!("{peak:.1} MB (idle {:.1} MB)", mb(self.rss_idle_kib)),
                format!("≤ {LIMIT_RSS_MB} MB"),
                met(peak <= LIMIT_RSS_MB).into(),
            ],
        ]
    }

    /// The figures for the terminal.
    pub fn terminal(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "bench load — {} applications on {} ({} build)",
            self.applications, self.engine, self.build
        );
        for [figure, measured, limit, verdict] in self.goal_rows() {
            let _ = writeln!(out, "  {figure}: {measured} (limit {limit}) {verdict}");
        }
        for (name, d) in [("hello-world", &self.hello), ("办事指南", &self.guide)] {
            let _ = writeln!(
                out,
                "  {name}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms; CPU client {:.1} s, server {:.1} s over {:.1} s; server peak RSS {:.1} MB",
                d.figures.per_second,
                d.figures.p50_ms,
                d.figures.p99_ms,
                d.client_cpu_s,
                d.server_cpu_s,
                d.seconds,
                mb(d.server_peak_kib)
            );
        }
        let _ = writeln!(
            out,
            "  journeys: {:.0}/s in all; CPU client {:.1} s, server {:.1} s; server peak RSS {:.1} MB",
            self.journeys.figures.per_second,
            self.journeys.client_cpu_s,
            self.journeys.server_cpu_s,
            mb(self.journeys.server_peak_kib)
        );
        for f in &self.journey_figures {
            let _ = writeln!(
                out,
                "  {}: {} requests, {:.1}/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
                f.label, f.requests, f.per_second, f.p50_ms, f.p99_ms, f.errors
            );
        }
        if let Some(error) = &self.first_error {
            let _ = writeln!(out, "  first error answer: {error}");
        }
        out
    }

    /// This run's subsection of the section.
    fn subsection(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### {} applications on {} ({} build, {})\n",
            size_label(self.applications),
            self.engine,
            self.build,
            self.date
        );
        let _ = writeln!(
            out,
            "{} applications counted in the database at the start. Machine: {} × {}, {}, {} (load before: {}).\n",
            self.applications,
            self.machine.cpus,
            self.machine.cpu_model,
            self.machine.kernel,
            self.machine.filesystem,
            self.machine.load_before
        );
        out.push_str("| figure | measured | limit | |\n| --- | --- | --- | --- |\n");
        for [figure, measured, limit, verdict] in self.goal_rows() {
            let _ = writeln!(out, "| {figure} | {measured} | {limit} | {verdict} |");
        }
        let _ = writeln!(
            out,
            "\nSame load generator, {} keep-alive connections, {:.0} s each:\n",
            self.connections, self.hello.seconds
        );
        out.push_str("| target | requests/s | p50 | p99 | max | errors | client CPU | server CPU | server CPU per request | server peak RSS |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (name, d) in [
            ("bare axum hello-world `GET /`", &self.hello),
            ("办事指南 `GET /items/{id}`", &self.guide),
        ] {
            let _ = writeln!(
                out,
                "| {name} | {:.0} | {:.2} ms | {:.2} ms | {:.1} ms | {} | {:.1} s | {:.1} s | {:.0} µs | {:.1} MB |",
                d.figures.per_second,
                d.figures.p50_ms,
                d.figures.p99_ms,
                d.figures.max_ms,
                d.figures.errors,
                d.client_cpu_s,
                d.server_cpu_s,
                d.server_micros_per_request(),
                mb(d.server_peak_kib)
            );
        }
        let _ = writeln!(
            out,
            "\nJourneys, all at once, {} clients each, {:.0} s ({:.0} requests/s in all; CPU client {:.1} s, server {:.1} s; serve peak RSS {:.1} MB){}:\n",
            self.journey_clients,
            self.journeys.seconds,
            self.journeys.figures.per_second,
            self.journeys.client_cpu_s,
            self.journeys.server_cpu_s,
            mb(self.journeys.server_peak_kib),
            if self.licence_found {
                ""
            } else {
                "; no held licence was found, so licence verification did not run"
            }
        );
        out.push_str("| request | requests | requests/s | p50 | p99 | max | errors |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for f in &self.journey_figures {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
                f.label, f.requests, f.per_second, f.p50_ms, f.p99_ms, f.max_ms, f.errors
            );
        }
        if let Some(error) = &self.first_error {
            let _ = writeln!(out, "\nFirst error answer: `{}`", error.replace('`', "'"));
        }
        let json = serde_json::to_string(self).unwrap_or_default();
        let _ = writeln!(out, "\n{RUN_MARKER}{json} -->");
        out
    }
}

/// The runs recorded in an existing section.
pub fn recorded_runs(document: &str) -> Vec<LoadReport> {
    let mut inside = false;
    let mut runs = Vec::new();
    for line in document.lines() {
        if line.starts_with("## ") {
            inside = line.starts_with(HEADING);
        } else if inside
            && let Some(json) = line
                .strip_prefix(RUN_MARKER)
                .and_then(|l| l.strip_suffix(" -->"))
            && let Ok(run) = serde_json::from_str::<LoadReport>(json)
        {
            runs.push(run);
        }
    }
    runs
}

/// The whole section: the method, the growth table and one subsection per run, with `report`
/// replacing an earlier run of the same engine and size.
pub fn section(mut runs: Vec<LoadReport>, report: &LoadReport) -> String {
    runs.retain(|r| r.key() != report.key());
    runs.push(report.clone());
    runs.sort_by(|a, b| (&a.engine, a.applications).cmp(&(&b.engine, b.applications)));
    let mut out = format!("{HEADING}\n\n");
    out.push_str(
        "One run of `tongban bench load` measures everything below on the same machine, one \
         after the other: (1) the group-commit benchmark of `bench events` (bare SQLite \
         `INSERT`+`COMMIT` with `synchronous = FULL` against concurrent `Store::write`); (2) a \
         bare axum hello-world (`tongban bench hello`, a child process) and a real \
         `tongban serve` (a child process on the measured database), driven by the same Rust \
         load generator — hyper HTTP/1.1 keep-alive connections, fixed concurrency and \
         duration, every request timed until its body is read; (3) the main journeys through \
         the JSON API, all at once against the same `serve`; (4) the serve process's resident \
         memory, sampled every 50 ms from `/proc/<pid>/status` and read as VmHWM (its peak) at \
         the end. The client's and the server's CPU seconds are shown so that a saturated \
         client can be told apart from a slow server. Applications are counted in the database \
         before the run; the whole cases the journeys add are not included.\n\n",
    );
    out.push_str(
        "Reproduce: `tongban bench load --config FILE` (or `--data DIR` for a directory made by \
         `tongban demo` or `tongban gen`) `--write-md BENCHMARKS.md`.\n\n",
    );
    if runs.len() > 1 {
        out.push_str("#### How the figures grow with the database\n\n");
        out.push_str("| engine | applications | group commit | 办事指南 / hello | 办事指南 p99 | RSS peak | journeys requests/s |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for r in &runs {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1}× | {:.1} % | {:.1} ms | {:.1} MB | {:.0} |",
                r.engine,
                r.applications,
                r.group.ratio(),
                r.guide_share() * 100.0,
                r.guide.figures.p99_ms,
                mb(r.rss_peak_kib),
                r.journeys.figures.per_second
            );
        }
        out.push('\n');
    }
    for r in &runs {
        out.push_str(&r.subsection());
        out.push('\n');
    }
    out
}

/// Writes (or replaces) the section in the markdown file at `path`, keeping the other runs.
pub fn write_markdown(report: &LoadReport, path: &Path) -> anyhow::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let text = section(recorded_runs(&existing), report);
    crate::bench_md::write_section(path, HEADING, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(label: &str, per_second: f64, p99_ms: f64) -> Figures {
        Figures {
            label: label.into(),
            requests: 1000,
            per_second,
            p50_ms: p99_ms / 4.0,
            p99_ms,
            max_ms: p99_ms * 2.0,
            errors: 0,
        }
    }

    fn drive(label: &str, per_second: f64, p99_ms: f64) -> DriveFigures {
        DriveFigures {
            figures: figures(label, per_second, p99_ms),
            seconds: 10.0,
            client_cpu_s: 5.0,
            server_cpu_s: 9.0,
            server_peak_kib: 60_000,
        }
    }

    fn report(applications: i64, guide_per_second: f64) -> LoadReport {
        LoadReport {
            date: "2026-11-30".into(),
            build: "release".into(),
            engine: "SQLite".into(),
            applications,
            machine: MachineFacts {
                cpus: 2,
                cpu_model: "test cpu".into(),
                kernel: "Linux 6".into(),
                filesystem: "ext4".into(),
                load_before: "0.1 0.1 0.1".into(),
            },
            group: GroupCommit {
                writers: 32,
                bare_per_second: 100.0,
                group_per_second: 1500.0,
                avg_batch: 20.0,
            },
            connections: 16,
            hello: drive("hello", 50_000.0, 1.0),
            guide: drive("guide", guide_per_second, 12.0),
            journey_clients: 2,
            journeys: drive("all", 800.0, 30.0),
            journey_figures: vec![figures("bureau dashboard", 50.0, 40.0)],
            licence_found: true,
            rss_idle_kib: 40_000,
            rss_peak_kib: 100_000,
            first_error: None,
        }
    }

    #[test]
    fn each_figure_is_judged_against_its_limit() {
        let good = report(1_000_000, 12_000.0).goal_rows();
        assert!(good.iter().all(|row| row[3] == "met"), "{good:?}");
        assert!(good[0][1].ends_with("= 15.0×"));
        assert!(good[1][1].ends_with("= 24.0 %"));
        // 9 CPU-seconds over 1000 requests.
        let guide = report(1_000_000, 12_000.0).guide;
        assert!((guide.server_micros_per_request() - 9000.0).abs() < 1e-6);
        let slow = report(1_000_000, 9_000.0).goal_rows();
        assert_eq!(slow[1][3], "**NOT met**");
        assert_eq!(slow[0][3], "met");
    }

    #[test]
    fn a_run_at_another_size_is_added_and_a_run_at_the_same_size_replaced() {
        let first = format!(
            "# Benchmarks\n\n## Other\n\nkept\n\n{}",
            section(Vec::new(), &report(1_000_000, 12_000.0))
        );
        let runs = recorded_runs(&first);
        assert_eq!(runs, vec![report(1_000_000, 12_000.0)]);
        let second = section(runs, &report(10_000_000, 11_000.0));
        assert!(second.contains("How the figures grow"));
        assert!(second.contains("### 1.0 M applications"));
        assert!(second.contains("### 10.0 M applications"));
        let again = section(recorded_runs(&second), &report(10_004_000, 10_000.0));
        let sizes: Vec<i64> = recorded_runs(&again)
            .iter()
            .map(|r| r.applications)
            .collect();
        assert_eq!(sizes, vec![1_000_000, 10_004_000]);
    }
}
