//! Trains the wording model on the tuning half and writes `content/scam/model.toml`, then prints both
//! halves' figures with it: what `hocvuso scam train` does, without building the server.
//!
//!     cargo run --release -p scamcheck --example train_model -- content

use std::path::PathBuf;
use std::process::ExitCode;

use scamcheck::eval::{CORPUS_HELDOUT_FILE, CORPUS_TUNE_FILE, EvalSet, Expect, evaluate};
use scamcheck::model::{Example, MODEL_FILE, NgramModel, TrainOptions, model_file_text, train};
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
        let tune = EvalSet::from_toml(&read(CORPUS_TUNE_FILE)?).map_err(|e| e.to_string())?;
        let examples: Vec<Example<'_>> = tune
            .cases
            .iter()
            .map(|c| Example {
                text: &c.text,
                scam: c.expect == Expect::Scam,
                kind: &c.kind,
            })
            .collect();
        let t = train(&examples, &TrainOptions::default());
        let text = model_file_text(&t);
        std::fs::write(dir.join(MODEL_FILE), &text).map_err(|e| e.to_string())?;
        println!(
            "trained on {} scams and {} genuine; out of fold: {} scams at or below {}, {} genuine at or above {}",
            t.scams,
            t.genuine,
            t.oof_scams_low,
            t.file.genuine_below,
            t.oof_genuine_high,
            t.file.scam_above
        );
        let model = NgramModel::from_toml(&text).map_err(|e| e.to_string())?;
        for (name, rel) in [
            ("tuning half", CORPUS_TUNE_FILE),
            ("held-out half", CORPUS_HELDOUT_FILE),
        ] {
            let set = EvalSet::from_toml(&read(rel)?).map_err(|e| e.to_string())?;
            let c = Checker::new(rules.clone(), set.community).with_model(Some(model.clone()));
            println!("{name}: {}", evaluate(&c, &set.cases).summary());
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
