//! Results of `tongban bench search`: percentiles, the terminal table and the "Catalogue
//! search" section of BENCHMARKS.md.

use std::fmt::Write as _;

use crate::bench_report::Machine;

/// The heading of this benchmark's section in BENCHMARKS.md.
pub const HEADING: &str = "## Catalogue search";

/// The goal, as stated in the issue.
pub const GOAL: &str = "p50 ≤ 10 ms, p99 ≤ 50 ms";
pub const GOAL_P50_MS: f64 = 10.0;
pub const GOAL_P99_MS: f64 = 50.0;

/// The `p`-th percentile (0 < p ≤ 100) of `sorted` (ascending) by the nearest-rank method: the
/// smallest value with at least p % of the values at or below it. 0 for no values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One engine's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineResult {
    pub engine: String,
    /// Published items searched over.
    pub items: usize,
    pub queries: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl EngineResult {
    /// Summarises the latencies (milliseconds, any order).
    pub fn new(engine: &str, items: usize, mut latencies: Vec<f64>) -> EngineResult {
        latencies.sort_by(f64::total_cmp);
        let n = latencies.len();
        let mean_ms = if n == 0 {
            0.0
        } else {
            latencies.iter().sum::<f64>() / n as f64
        };
        EngineResult {
            engine: engine.to_string(),
            items,
            queries: n,
            mean_ms,
            p50_ms: percentile(&latencies, 50.0),
            p90_ms: percentile(&latencies, 90.0),
            p99_ms: percentile(&latencies, 99.0),
            max_ms: latencies.last().copied().unwrap_or(0.0),
        }
    }

    pub fn goal_met(&self) -> bool {
        self.queries > 0 && self.p50_ms <= GOAL_P50_MS && self.p99_ms <= GOAL_P99_MS
    }

    fn verdict(&self) -> &'static str {
        if self.goal_met() { "met" } else { "not met" }
    }
}

/// Everything a run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReport {
    pub queries: usize,
    pub warmup: usize,
    /// Distinct queries in the mix.
    pub mix_len: usize,
    pub engines: Vec<EngineResult>,
    pub machine: Machine,
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl SearchReport {
    pub fn goal_met(&self) -> bool {
        !self.engines.is_empty() && self.engines.iter().all(EngineResult::goal_met)
    }

    /// The table printed to the terminal.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<11} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  goal",
            "engine", "items", "queries", "mean ms", "p50 ms", "p90 ms", "p99 ms", "max ms"
        );
        for e in &self.engines {
            let _ = writeln!(
                out,
                "{:<11} {:>6} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}  {}",
                e.engine,
                e.items,
                e.queries,
                e.mean_ms,
                e.p50_ms,
                e.p90_ms,
                e.p99_ms,
                e.max_ms,
                e.verdict().to_uppercase()
            );
        }
        let _ = writeln!(out, "goal: {GOAL}");
        out
    }

    /// The "Catalogue search" section of BENCHMARKS.md, heading included.
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let verdict = if self.goal_met() {
            "**met**"
        } else {
            "**not met**"
        };
        let mut out = String::new();
        let _ = writeln!(out, "{HEADING} (`tongban bench search`)\n");
        let _ = writeln!(
            out,
            "Goal: search over the whole demo catalogue answers in {GOAL}, on SQLite and on PostgreSQL.\n"
        );
        let figures: Vec<String> = self
            .engines
            .iter()
            .map(|e| {
                format!(
                    "{} p50 {:.2} ms, p99 {:.2} ms",
                    e.engine, e.p50_ms, e.p99_ms
                )
            })
            .collect();
        let _ = writeln!(out, "Result: {verdict}. {}.\n", figures.join("; "));
        let _ = writeln!(
            out,
            "| engine | items | queries | mean ms | p50 ms | p90 ms | p99 ms | max ms | goal |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        for e in &self.engines {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
                e.engine,
                e.items,
                e.queries,
                e.mean_ms,
                e.p50_ms,
                e.p90_ms,
                e.p99_ms,
                e.max_ms,
                e.verdict()
            );
        }
        let _ = writeln!(out, "\n### Method\n");
        let _ = writeln!(
            out,
            "Each engine gets a fresh database (SQLite: a new file; PostgreSQL: a new schema, \
             dropped afterwards) seeded with the demo city (`DemoConfig::default()`) and its \
             catalogue (`tongban_demo::catalog_items`), every item published. A fixed mix of \
             {} queries then runs round-robin through `App::search_items`, the call the `/items` \
             page and the API make, one at a time: everyday words of two to eleven characters \
             (营业执照, 出生, 社保, 公积金, 结婚, 退休, 食品, 施工许可, 医疗, 排污, …), some on \
             pages 2 and 3, words combined with a department, level, type, theme or online-depth \
             filter, and browsing by filters alone. {} unmeasured calls warm up the caches, then \
             {} calls are timed one by one (wall clock around the call, including the count of \
             all matches). Percentiles are nearest-rank. Re-run with `cargo build --release --bin \
             tongban && ./target/release/tongban bench search --write-md BENCHMARKS.md \
             --pg-url postgres://…` (`--queries`, `--warmup` choose the set-up).\n",
            self.mix_len, self.warmup, self.queries
        );
        let _ = writeln!(out, "### Machine\n");
        let _ = writeln!(out, "- date: {} (UTC)", self.date);
        let _ = writeln!(out, "- CPUs (nproc): {}", m.cpus);
        let _ = writeln!(out, "- CPU model: {}", m.cpu_model);
        let _ = writeln!(out, "- kernel: {}", m.kernel);
        let _ = writeln!(out, "- file system of the SQLite file: {}", m.filesystem);
        let _ = writeln!(
            out,
            "- load average (1, 5, 15 min) at the start: {}",
            m.load_before
        );
        let _ = writeln!(out, "- build: release");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 90.0), 90.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), 2.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 51.0), 3.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[7.0], 0.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn a_summary_sorts_first_and_checks_both_goals() {
        let fast = EngineResult::new("SQLite", 430, vec![3.0, 1.0, 2.0, 40.0]);
        assert_eq!((fast.p50_ms, fast.p99_ms, fast.max_ms), (2.0, 40.0, 40.0));
        assert!((fast.mean_ms - 11.5).abs() < 1e-9);
        assert!(fast.goal_met());
        assert!(!EngineResult::new("x", 1, vec![11.0, 11.0]).goal_met());
        assert!(!EngineResult::new("x", 1, vec![1.0, 60.0]).goal_met());
        assert!(!EngineResult::new("x", 1, Vec::new()).goal_met());
    }

    #[test]
    fn the_section_starts_with_its_heading_and_shows_the_figures() {
        let report = SearchReport {
            queries: 4,
            warmup: 1,
            mix_len: 2,
            engines: vec![EngineResult::new("SQLite", 430, vec![1.0, 2.0, 3.0, 4.0])],
            machine: Machine {
                cpus: 2,
                cpu_model: "Test CPU".into(),
                kernel: "Linux".into(),
                filesystem: "ext4".into(),
                load_before: "0.1 0.2 0.3".into(),
            },
            date: "2026-01-01".into(),
        };
        let md = report.markdown();
        assert!(md.starts_with(HEADING));
        assert!(
            md.contains("| SQLite | 430 | 4 | 2.50 | 2.00 | 4.00 | 4.00 | 4.00 | met |"),
            "{md}"
        );
        assert!(md.contains("**met**") && md.contains("Test CPU"));
        assert!(report.table().contains("MET"));
    }
}
