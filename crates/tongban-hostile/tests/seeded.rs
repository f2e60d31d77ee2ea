//! Every hostile-input check run on stable: over valid samples and seeded mutations of them
//! (the same functions the cargo-fuzz targets in `fuzz/` run), and over the regression inputs
//! kept in `tests/regressions/<check>/`. `TONGBAN_HOSTILE_RUNS` sets the mutations per check
//! (default 3,000); `TONGBAN_HOSTILE_CORPUS=dir` writes the samples out as fuzz corpora.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use tongban_hostile::{Mutator, checks, seeds};

fn runs() -> usize {
    std::env::var("TONGBAN_HOSTILE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

#[test]
fn every_parser_holds_its_invariants_on_samples_and_their_mutations() {
    let runs = runs();
    for (name, check) in checks() {
        let samples = seeds(name);
        assert!(!samples.is_empty(), "{name} has samples");
        if let Ok(dir) = std::env::var("TONGBAN_HOSTILE_CORPUS") {
            let dir = Path::new(&dir).join(name);
            std::fs::create_dir_all(&dir).unwrap();
            for (i, sample) in samples.iter().enumerate() {
                std::fs::write(dir.join(format!("seed-{i}")), sample).unwrap();
            }
        }
        let started = std::time::Instant::now();
        let mut mutator = Mutator::new(0x7011_6BA1 ^ name.len() as u64);
        for sample in &samples {
            check(sample);
        }
        for n in 0..runs {
            let sample = &samples[n % samples.len()];
            let input = mutator.mutate(sample);
            let outcome = std::panic::catch_unwind(|| check(&input));
            if outcome.is_err() {
                panic!("{name}: invariant broken by input {input:?}");
            }
        }
        eprintln!("{name}: {runs} mutations in {:?}", started.elapsed());
    }
}

#[test]
fn the_kept_regression_inputs_hold_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    for (name, check) in checks() {
        let Ok(dir) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            check(&std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn a_broken_invariant_is_caught() {
    // The driver would be worthless if a check could not fail: a valid resident ID with its
    // check digit replaced must be refused, not accepted.
    let good = &seeds("resident_id")[0];
    let mut bad = good.clone();
    bad[17] = if bad[17] == b'0' { b'1' } else { b'0' };
    let today = time::macros::date!(2026 - 11 - 30);
    let text = std::str::from_utf8(&bad).unwrap();
    assert!(tongban_domain::ResidentIdNumber::parse(text, today).is_err());
}
