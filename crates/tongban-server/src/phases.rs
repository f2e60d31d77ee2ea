//! Wall-clock and CPU time of the phases of a long command, for its closing summary (CPU time
//! tells what a phase costs on a machine shared with other work).

use std::time::Instant;

/// The phases timed so far and the one running.
#[derive(Default)]
pub struct Phases {
    done: Vec<(String, f64, f64)>,
    running: Option<(String, Instant, f64)>,
}

impl Phases {
    /// Ends the running phase, if any, and starts `name`.
    pub fn start(&mut self, name: &str) {
        self.end();
        self.running = Some((name.to_string(), Instant::now(), cpu_seconds()));
    }

    /// Ends the running phase.
    pub fn end(&mut self) {
        if let Some((name, wall, cpu)) = self.running.take() {
            self.done.push((
                name,
                wall.elapsed().as_secs_f64(),
                (cpu_seconds() - cpu).max(0.0),
            ));
        }
    }

    /// One line per phase: name, wall seconds, CPU seconds of this process.
    pub fn table(&self) -> String {
        let mut out = String::from("phase          wall s    cpu s\n");
        for (name, wall, cpu) in &self.done {
            out.push_str(&format!("{name:<12} {wall:>8.1} {cpu:>8.1}\n"));
        }
        let (wall, cpu) = self
            .done
            .iter()
            .fold((0.0, 0.0), |(w, c), (_, pw, pc)| (w + pw, c + pc));
        out.push_str(&format!("{:<12} {wall:>8.1} {cpu:>8.1}\n", "total"));
        out
    }
}

/// User plus system CPU time of this process so far, in seconds (0 where `/proc` is missing).
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phase_gets_a_line_and_the_total_adds_them_up() {
        let mut p = Phases::default();
        p.start("city");
        p.start("applications");
        p.end();
        let t = p.table();
        assert!(
            t.contains("\ncity ") && t.contains("\napplications "),
            "{t}"
        );
        assert!(
            t.lines().last().is_some_and(|l| l.starts_with("total")),
            "{t}"
        );
    }

    #[test]
    fn the_cpu_time_of_this_process_only_grows() {
        let before = cpu_seconds();
        let mut x = 0u64;
        for i in 0..3_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(cpu_seconds() >= before);
    }
}
