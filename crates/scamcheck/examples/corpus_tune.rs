//! The tuning half of the corpus with its misses, fast to rebuild while editing rules (the held-out
//! half is deliberately not read here: `hocvuso eval scam` prints only its figures).
//!
//!     cargo run -p scamcheck --example corpus_tune -- content

use std::path::PathBuf;
use std::process::ExitCode;

use scamcheck::eval::{CORPUS_TUNE_FILE, EvalSet, evaluate};
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
        let set = EvalSet::from_toml(&read(CORPUS_TUNE_FILE)?).map_err(|e| e.to_string())?;
        let r = evaluate(&Checker::new(rules, set.community), &set.cases);
        print!("{r}");
        println!("{}", r.summary());
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
