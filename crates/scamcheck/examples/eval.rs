//! Prints precision/recall on the evaluation set and the time per check.
//!
//!     cargo run --release -p scamcheck --example eval -- /work/main/content

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use scamcheck::eval::{EvalSet, evaluate};
use scamcheck::{Checker, Rules};

const TIMING_ROUNDS: usize = 50;

fn read(dir: &Path, rel: &str) -> Result<String, String> {
    let path = dir.join(rel);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(dir: &Path) -> Result<(), String> {
    let rules = Rules::from_toml(
        &read(dir, scamcheck::DOMAINS_FILE)?,
        &read(dir, scamcheck::SIGNALS_FILE)?,
    )
    .map_err(|e| e.to_string())?;
    let set = EvalSet::from_toml(&read(dir, scamcheck::eval::EVAL_FILE)?).map_err(|e| e.to_string())?;
    let checker = Checker::new(rules, set.community.clone());

    let report = evaluate(&checker, &set.cases);
    print!("{report}");

    let mut micros: Vec<f64> = Vec::with_capacity(set.cases.len() * TIMING_ROUNDS);
    for _ in 0..TIMING_ROUNDS {
        for case in &set.cases {
            let t = Instant::now();
            std::hint::black_box(checker.check(std::hint::black_box(&case.text)));
            micros.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    println!(
        "timing: {} checks  p50 {:.1} µs  p95 {:.1} µs  max {:.1} µs",
        micros.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    Ok(())
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    match run(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
