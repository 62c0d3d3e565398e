//! `hocvuso eval scam` and `hocvuso scam check-rules`: the rule files measured and validated from the
//! command line, without a database.
use std::fmt::Write as _;
use std::path::Path;

use scamcheck::Checker;
use scamcheck::eval::{EvalSet, evaluate};

use super::engine::{RuleTexts, lesson_titles, read_model, read_rule_files};
use super::rules::{QUALITY_BAR, evaluate_dir, validate};
use crate::content_source::ContentSource;

/// The rule files in force (the folder's over the built-in ones) and the files they were read from.
fn read_texts(content_dir: &Path) -> Result<(RuleTexts, content::Files), String> {
    let files = ContentSource::new(content_dir).files().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let texts = read_rule_files(&files).map_err(|e| e.to_string())?;
    Ok((texts, files))
}

/// Validate the scam rules in force (`<content>/scam/*.toml`, else the built-in copies): the TOML,
/// every pattern and domain rule, every lesson link (against the courses in force) and the evaluation
/// set when the folder has one. Returns a one-paragraph summary, or the first problem as
/// "file:line: message". `hocvuso content check` can call this for the scam files.
pub fn check_rules(content_dir: &Path) -> Result<String, String> {
    let (texts, files) = read_texts(content_dir)?;
    let lessons = lesson_titles(&files);
    if lessons.is_empty() {
        return Err(format!(
            "{}: no lessons found; scam rules link lessons there",
            content_dir.join("courses").display()
        ));
    }
    let exists = |l: &str| lessons.contains_key(l);
    let rules = validate(&texts, Some(&exists)).map_err(|p| p.message)?;
    read_model(&files).map_err(|e| e.to_string())?;
    let mut out = format!(
        "{} and {}: {} signals, {} lesson links, {} registered senders (names and short codes, each entry with its source), all valid",
        scamcheck::DOMAINS_FILE,
        scamcheck::SIGNALS_FILE,
        rules.signal_codes().len(),
        rules.lesson_links().len(),
        rules.sender_count()
    );
    match evaluate_dir(content_dir, &rules) {
        Some(Ok(r)) => {
            let _ = write!(out, "; {}: {} cases", scamcheck::eval::EVAL_FILE, r.total());
        }
        Some(Err(e)) => return Err(e),
        None => {}
    }
    // The corpus files parse (the quoted real messages must each name their source).
    for rel in [
        scamcheck::eval::CORPUS_TUNE_FILE,
        scamcheck::eval::CORPUS_HELDOUT_FILE,
        scamcheck::eval::CORPUS_QUOTED_FILE,
    ] {
        let path = content_dir.join(rel);
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let set = EvalSet::from_toml(&src).map_err(|e| format!("{}: {e}", path.display()))?;
        if rel == scamcheck::eval::CORPUS_QUOTED_FILE
            && let Some(i) = set.cases.iter().position(|c| {
                !c.source
                    .as_deref()
                    .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"))
            })
        {
            return Err(format!(
                "{}: case {} has no source address",
                path.display(),
                i + 1
            ));
        }
        let _ = write!(out, "; {rel}: {} cases", set.cases.len());
    }
    Ok(out)
}

/// The evaluation report and whether both precision and recall reach the bar.
pub fn eval(content_dir: &Path) -> Result<(String, bool), String> {
    let (texts, files) = read_texts(content_dir)?;
    let rules = texts.parse().map_err(|e| e.to_string())?;
    let model = read_model(&files).map_err(|e| e.to_string())?;
    let report = evaluate_dir(content_dir, &rules).ok_or_else(|| {
        format!(
            "{}: not found",
            content_dir.join(scamcheck::eval::EVAL_FILE).display()
        )
    })??;
    let pass = report.precision() >= QUALITY_BAR && report.recall() >= QUALITY_BAR;
    let mut out = report.to_string();
    let _ = writeln!(
        out,
        "\nprecision {:.3}  recall {:.3}  (bar {QUALITY_BAR:.2}): {}",
        report.precision(),
        report.recall(),
        if pass { "PASS" } else { "FAIL" }
    );
    for (name, rel, misses) in [
        ("tuning half", scamcheck::eval::CORPUS_TUNE_FILE, true),
        ("held-out half", scamcheck::eval::CORPUS_HELDOUT_FILE, false),
        // A development set since its first measurement: misses are shown so they can be fixed by kind.
        (
            "quoted real messages",
            scamcheck::eval::CORPUS_QUOTED_FILE,
            true,
        ),
    ] {
        let path = content_dir.join(rel);
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let set = EvalSet::from_toml(&src).map_err(|e| format!("{}: {e}", path.display()))?;
        // The checker as served: rules and the learnt model.
        let checker = Checker::new(rules.clone(), set.community).with_model(Some(model.clone()));
        let r = evaluate(&checker, &set.cases);
        let _ = writeln!(out, "\n{name} ({rel}):");
        if misses {
            let _ = write!(out, "{r}");
        }
        let _ = writeln!(out, "{name}: {}", r.summary());
    }
    // Real messages that may not be stored in the repo (no licence from their sources) are kept in a
    // folder outside it; the flag for it would live in config.rs, so the folder comes from the
    // environment instead. Its tuning part prints misses; its held-out part prints figures only.
    if let Some(dir) = std::env::var_os(EXTRA_ENV) {
        let dir = std::path::PathBuf::from(dir);
        for (name, file, misses) in [
            ("real tuning part", "real-tune.toml", true),
            ("real held-out part", "real-heldout.toml", false),
        ] {
            let path = dir.join(file);
            let src =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let set = EvalSet::from_toml(&src).map_err(|e| format!("{}: {e}", path.display()))?;
            let checker =
                Checker::new(rules.clone(), set.community).with_model(Some(model.clone()));
            let r = evaluate(&checker, &set.cases);
            let _ = writeln!(out, "\n{name} ({}):", path.display());
            if misses {
                let _ = write!(out, "{r}");
            }
            let _ = writeln!(out, "{name}: {}", r.summary());
        }
    }
    Ok((out, pass))
}

/// Environment variable naming a folder with `real-tune.toml` and `real-heldout.toml` (the corpus
/// format) to score as well: real messages kept outside the repo.
pub const EXTRA_ENV: &str = "HOCVUSO_SCAM_EXTRA";

/// `hocvuso scam train`: learn the wording model from the tuning half of the corpus ONLY, calibrate
/// its thresholds out of fold, write `<content>/scam/model.toml` and report the figures.
pub fn train(content_dir: &Path) -> Result<String, String> {
    use scamcheck::eval::{CORPUS_TUNE_FILE, Expect};
    use scamcheck::model::{Example, MODEL_FILE, TrainOptions, model_file_text};
    let path = content_dir.join(CORPUS_TUNE_FILE);
    let src = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let set = EvalSet::from_toml(&src).map_err(|e| format!("{}: {e}", path.display()))?;
    let examples: Vec<Example<'_>> = set
        .cases
        .iter()
        .map(|c| Example {
            text: &c.text,
            scam: c.expect == Expect::Scam,
            kind: &c.kind,
        })
        .collect();
    let t = scamcheck::model::train(&examples, &TrainOptions::default());
    let out = content_dir.join(MODEL_FILE);
    std::fs::write(&out, model_file_text(&t)).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(format!(
        "{}: {} weights from {} scams and {} genuine messages of {CORPUS_TUNE_FILE}; out of fold, {} scams at or below genuine_below {} and {} genuine at or above scam_above {}. Review the diff, then run `hocvuso eval scam`.",
        out.display(),
        t.file.weights.len(),
        t.scams,
        t.genuine,
        t.oof_scams_low,
        t.file.genuine_below,
        t.oof_genuine_high,
        t.file.scam_above
    ))
}
