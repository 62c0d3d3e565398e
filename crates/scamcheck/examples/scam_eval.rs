//! Prints precision/recall on the evaluation set and the time per check.
//!
//!     cargo run --release -p scamcheck --example scam_eval -- /work/main/content

use std::io::Write;
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
    let set =
        EvalSet::from_toml(&read(dir, scamcheck::eval::EVAL_FILE)?).map_err(|e| e.to_string())?;
    // The learnt wording model too, when the content folder has one: the checker as served.
    let model = match std::fs::read_to_string(dir.join(scamcheck::model::MODEL_FILE)) {
        Ok(src) => Some(scamcheck::model::NgramModel::from_toml(&src).map_err(|e| e.to_string())?),
        Err(_) => None,
    };
    let checker = Checker::new(rules, set.community.clone()).with_model(model);

    let report = evaluate(&checker, &set.cases);
    // Written through a handle so a closed pipe (`| head`) ends the program instead of panicking.
    let mut out = std::io::stdout().lock();
    write!(out, "{report}").map_err(|e| e.to_string())?;

    let mut micros: Vec<f64> = Vec::with_capacity(set.cases.len() * TIMING_ROUNDS);
    // Best time per case: a case that is slow every round points at a costly pattern, while a
    // single slow round is the machine doing something else.
    let mut best = vec![f64::INFINITY; set.cases.len()];
    for _ in 0..TIMING_ROUNDS {
        for (i, case) in set.cases.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(checker.check(std::hint::black_box(&case.text)));
            let us = t.elapsed().as_secs_f64() * 1e6;
            micros.push(us);
            best[i] = best[i].min(us);
        }
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    writeln!(
        out,
        "timing: {} checks  p50 {:.1} µs  p95 {:.1} µs  max {:.1} µs",
        micros.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    )
    .map_err(|e| e.to_string())?;
    if let Some((i, us)) = best.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
        let text: String = set.cases[i].text.chars().take(70).collect();
        writeln!(
            out,
            "slowest case (best of {TIMING_ROUNDS}): {us:.1} µs  {text}"
        )
        .map_err(|e| e.to_string())?;
    }
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
