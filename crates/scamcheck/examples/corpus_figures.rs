//! Figures only (no misses) for both halves of the corpus, without building the server: what
//! `hocvuso eval scam` prints last.
//!
//!     cargo run -p scamcheck --example corpus_figures -- content

use std::path::PathBuf;
use std::process::ExitCode;

use scamcheck::eval::{CORPUS_HELDOUT_FILE, CORPUS_TUNE_FILE, EvalSet, evaluate};
use scamcheck::{Checker, Rules};

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    let read =
        |rel: &str| std::fs::read_to_string(dir.join(rel)).map_err(|e| format!("{rel}: {e}"));
    let run = || -> Result<(), String> {
        let rules = Rules::from_toml(
            &read(scamcheck::DOMAINS_FILE)?,
            &read(scamcheck::SIGNALS_FILE)?,
        )
        .map_err(|e| e.to_string())?;
        for (name, rel) in [
            ("tuning half", CORPUS_TUNE_FILE),
            ("held-out half", CORPUS_HELDOUT_FILE),
        ] {
            let set = EvalSet::from_toml(&read(rel)?).map_err(|e| e.to_string())?;
            let r = evaluate(&Checker::new(rules.clone(), set.community), &set.cases);
            let kinds: std::collections::BTreeSet<&str> =
                set.cases.iter().map(|c| c.kind.as_str()).collect();
            println!("{name}: {} ({} kinds)", r.summary(), kinds.len());
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
