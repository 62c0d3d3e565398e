//! `hocvuso eval assistant`: the knowledge base built exactly as the server builds it, measured on
//! content/eval/assistant.toml with kbsearch's evaluation.
use std::path::Path;
use std::time::Instant;

use kbsearch::eval::{EvalCase, EvalReport, evaluate};

use super::engine::{Fingerprint, build, load_library};

/// Targets the issue sets; the command fails below them.
pub const TARGET_TOP1: f64 = 0.8;
pub const TARGET_TOP3: f64 = 0.9;
pub const TARGET_REFUSALS: f64 = 0.9;

/// The evaluation cases of `<content>/eval/assistant.toml`.
pub fn load_cases(content_dir: &Path) -> Result<Vec<EvalCase>, String> {
    let path = content_dir.join("eval/assistant.toml");
    let cases = content::eval::load_assistant_cases(&path).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(cases
        .into_iter()
        .map(|c| EvalCase {
            q: c.q,
            kind: c.kind,
            expect: c.expect,
        })
        .collect())
}

/// The report as printed, and whether every target is met.
pub fn eval(content_dir: &Path, misses: bool) -> Result<(String, bool), String> {
    let lib = load_library(content_dir).map_err(|e| e.to_string())?;
    let cases = load_cases(content_dir)?;
    let started = Instant::now();
    let k = build(&lib, &[], Fingerprint::default(), 0).map_err(|e| e.to_string())?;
    let build_time = started.elapsed();
    let report = evaluate(&k.kb, &cases);
    let mut out = format!(
        "{} FAQ entries and {} lessons indexed in {:.1?}; {} evaluation cases\n\n{report}",
        k.faq.len(),
        k.lessons,
        build_time,
        cases.len()
    );
    out.push_str(&summary(&report));
    if misses {
        out.push_str("\nmisses:\n");
        for m in &report.misses {
            out.push_str(&format!(
                "  [{}] {:?} coverage {:.2} {} expected {:?} got {:?}\n",
                m.kind,
                m.q,
                m.coverage,
                if m.confident { "answered" } else { "refused" },
                m.expect,
                m.got
            ));
        }
    }
    let pass = report.top1() >= TARGET_TOP1
        && report.top3() >= TARGET_TOP3
        && report.refusals() >= TARGET_REFUSALS;
    Ok((out, pass))
}

fn summary(r: &EvalReport) -> String {
    format!(
        "\ntop-1 {:.3} (target {TARGET_TOP1})   top-3 {:.3} (target {TARGET_TOP3})   correct refusals {:.3} (target {TARGET_REFUSALS})\n",
        r.top1(),
        r.top3(),
        r.refusals()
    )
}
