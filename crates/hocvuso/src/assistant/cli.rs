//! `hocvuso eval assistant`: the knowledge base built exactly as the server builds it, measured with
//! kbsearch's evaluation on seven parts: content/eval/assistant.toml (the tuning part: content and
//! thresholds may be adjusted to it), content/eval/assistant-heldout.toml (split off once, never tuned
//! on), and content/eval/assistant-real.toml … assistant-real5.toml (questions copied from public
//! sources, each with its address, written by nobody here). The misses of the tuning part, of real3 and
//! of real4 (tuned on by kind since real5 took real4's place as the unseen set) are listed with
//! `--misses`; those of the other four never are, so nobody tunes on them by reading the output. Every part's expected entries must exist, or a typo would silently
//! score a case as missed.
use std::path::Path;
use std::time::Instant;

use kbsearch::eval::{EvalCase, EvalReport, evaluate};

use super::engine::{Fingerprint, build, load_library};

/// Targets the issue sets; the command fails below them.
pub const TARGET_TOP1: f64 = 0.8;
pub const TARGET_TOP3: f64 = 0.9;
pub const TARGET_REFUSALS: f64 = 0.9;

/// The share of held-out cases that must pass (confident with an expected document first, or an
/// off-topic question refused).
pub const TARGET_HELDOUT_PASS: f64 = 0.9;

/// The tuning part's file and the held-out part's, under the content folder.
pub const TUNING_FILE: &str = "eval/assistant.toml";
pub const HELDOUT_FILE: &str = "eval/assistant-heldout.toml";
/// Real citizens' questions from public FAQ pages, newspapers' readers' questions and public Vietnamese
/// QA data sets (issue 14's "your own tests are not the world").
pub const REAL_FILE: &str = "eval/assistant-real.toml";
/// A second batch of real questions, gathered and measured once before any content was written for
/// them (0.625 then), since tuned on by kind of miss.
pub const REAL2_FILE: &str = "eval/assistant-real2.toml";
/// A third batch, gathered after real2 had been tuned on; measured once before any change of that
/// round (0.435), then not read miss by miss until real4 existed. Since tuned on by kind of miss.
pub const REAL3_FILE: &str = "eval/assistant-real3.toml";
/// A fourth batch, gathered after real3 had been tuned on and before anything of its round changed;
/// measured once blind (0.556, 7 confident answers to questions it must refer), not read miss by miss
/// until real5 existed. Since tuned on by kind of miss.
pub const REAL4_FILE: &str = "eval/assistant-real4.toml";
/// A fifth batch, gathered after real4 had been tuned on and before anything of its round changed;
/// measured once blind (see the file's header). Never read miss by miss.
pub const REAL5_FILE: &str = "eval/assistant-real5.toml";

/// The parts after the tuning one, with the name each is reported under and whether its misses may be
/// listed (only parts already tuned on by kind).
const OTHER_PARTS: [(&str, &str, bool); 6] = [
    (HELDOUT_FILE, "held-out", false),
    (REAL_FILE, "real", false),
    (REAL2_FILE, "real2", false),
    (REAL3_FILE, "real3", true),
    (REAL4_FILE, "real4", true),
    (REAL5_FILE, "unseen real5", false),
];

/// The evaluation cases of `<content>/eval/assistant.toml` (the tuning part).
pub fn load_cases(content_dir: &Path) -> Result<Vec<EvalCase>, String> {
    load_part(content_dir, TUNING_FILE)
}

/// The cases of one part; a missing held-out or real file is an empty part (older content folders).
pub fn load_part(content_dir: &Path, file: &str) -> Result<Vec<EvalCase>, String> {
    load_part_checked(content_dir, file, None)
}

/// [`load_part`], and with a library, every expected FAQ id or lesson must exist in it.
fn load_part_checked(
    content_dir: &Path,
    file: &str,
    library: Option<&content::Library>,
) -> Result<Vec<EvalCase>, String> {
    let path = content_dir.join(file);
    if file != TUNING_FILE && !path.exists() {
        return Ok(Vec::new());
    }
    let report = |errors: Vec<content::ContentError>| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cases = content::eval::load_assistant_cases(&path).map_err(report)?;
    if let Some(lib) = library {
        let problems = content::eval::check_references(&path, &cases, lib);
        if !problems.is_empty() {
            return Err(report(problems));
        }
    }
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
    let lib = load_library(&crate::content_source::ContentSource::new(content_dir))
        .map_err(|e| e.to_string())?;
    let cases = load_part_checked(content_dir, TUNING_FILE, Some(&lib))?;
    let others = OTHER_PARTS
        .iter()
        .map(|&(file, name, listed)| {
            Ok((
                file,
                name,
                listed,
                load_part_checked(content_dir, file, Some(&lib))?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let started = Instant::now();
    let k = build(&lib, &[], Fingerprint::default(), 0).map_err(|e| e.to_string())?;
    let build_time = started.elapsed();
    let report = evaluate(&k.kb, &cases);
    let mut out = format!(
        "{} FAQ entries and {} lessons indexed in {:.1?}\n\n== tuning part ({TUNING_FILE}, {} cases)\n{report}",
        k.faq.len(),
        k.lessons,
        build_time,
        cases.len()
    );
    out.push_str(&summary(&report));
    // Printed like the other parts' so the six figures compare at a glance.
    out.push_str(&format!("tuning pass {:.3}\n", pass_rate(&report)));
    let mut heldout_ok = true;
    let mut listed_misses = vec![("tuning part", report.misses.clone())];
    for (file, name, listed, part) in &others {
        if part.is_empty() {
            continue;
        }
        let part_report = evaluate(&k.kb, part);
        let rate = pass_rate(&part_report);
        out.push_str(&format!(
            "\n== {name} part ({file}, {} cases; {})\n{part_report}",
            part.len(),
            if *listed {
                "tuned on by kind, misses listed"
            } else {
                "misses not listed"
            }
        ));
        if *listed {
            listed_misses.push((*name, part_report.misses.clone()));
        }
        out.push_str(&summary(&part_report));
        if *file == HELDOUT_FILE {
            heldout_ok = rate >= TARGET_HELDOUT_PASS;
            out.push_str(&format!(
                "{name} pass {rate:.3} (target {TARGET_HELDOUT_PASS})\n"
            ));
        } else {
            out.push_str(&format!("{name} pass {rate:.3}\n"));
        }
    }
    for (name, list) in listed_misses.iter().filter(|_| misses) {
        out.push_str(&format!("\nmisses ({name}):\n"));
        for m in list {
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
        && report.refusals() >= TARGET_REFUSALS
        && heldout_ok;
    Ok((out, pass))
}

/// Share of all cases handled right: answered confidently with an expected document first, or
/// (off-topic) referred elsewhere.
pub fn pass_rate(r: &EvalReport) -> f64 {
    let n = r.total.answerable + r.total.offtopic;
    if n == 0 {
        0.0
    } else {
        (r.total.top1 + r.total.refused) as f64 / n as f64
    }
}

fn summary(r: &EvalReport) -> String {
    // Confident answers to off-topic questions are counted apart: they are the one failure a citizen
    // cannot notice (a refusal or a wrong-but-unsure answer sends them to a person).
    format!(
        "\ntop-1 {:.3} (target {TARGET_TOP1})   top-3 {:.3} (target {TARGET_TOP3})   correct refusals {:.3} (target {TARGET_REFUSALS})\nhonest referrals {} of {} off-topic; confident off-topic answers {}; answerable questions referred {}; answered confidently with the wrong entry first {}\n",
        r.top1(),
        r.top3(),
        r.refusals(),
        r.total.refused,
        r.total.offtopic,
        r.total.offtopic - r.total.refused,
        r.total.wrongly_refused,
        // Every answerable case is right first, referred, or confidently wrong first; the last is the
        // same harm as a confident off-topic answer when the first hit is unrelated.
        r.total.answerable - r.total.top1 - r.total.wrongly_refused,
    )
}
