//! Prints, for every evaluation case, the signals [`KnowledgeBase::ask`] decides on and whether its first
//! hit is right: a table to study how confidence should be decided. The held-out part and real5 are left
//! out, so nobody fits a decision to them.
//!
//! `cargo run --release -p kbsearch --example kb_features [content-dir] > features.tsv`

// The loader shared with the tests; the cases are read part by part.
#[path = "../tests/support/local_content.rs"]
#[allow(dead_code)]
mod local_content;

use std::path::PathBuf;

use kbsearch::KnowledgeBase;

/// The parts tuned on: their questions may shape the decision.
const PARTS: [&str; 5] = [
    "eval/assistant.toml",
    "eval/assistant-real.toml",
    "eval/assistant-real2.toml",
    "eval/assistant-real3.toml",
    "eval/assistant-real4.toml",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(local_content::content_dir, PathBuf::from);
    let kb = KnowledgeBase::build(local_content::load_docs(&dir)?)?;
    println!(
        "part\tlabel\tconfident\tcoverage\trequired\tterms\tbigrams\tunknown\tsubject\tlead\twords\tcorrected\tfaq\tscore\tq"
    );
    for part in PARTS {
        let name = part
            .trim_start_matches("eval/assistant")
            .trim_start_matches('-')
            .trim_end_matches(".toml");
        let name = if name.is_empty() { "tuning" } else { name };
        for case in local_content::load_part(&dir, part)? {
            let a = kb.ask(&case.q);
            let s = &a.signals;
            // offtopic: no entry answers it; right: the first hit does; wrong: another entry would.
            let label = match a.hits.first() {
                _ if case.expect.is_empty() => "offtopic",
                Some(h) if case.expect.contains(&h.id) => "right",
                _ => "wrong",
            };
            println!(
                "{name}\t{label}\t{}\t{:.3}\t{:.3}\t{:.3}\t{}\t{}\t{}\t{:.3}\t{}\t{}\t{}\t{:.3}\t{}",
                u8::from(a.confident),
                a.coverage,
                a.required,
                s.terms,
                s.bigrams.map_or(-1.0, |b| b),
                u8::from(s.unknown_word),
                u8::from(s.names_subject),
                s.lead.min(99.0),
                s.words,
                s.corrected,
                u8::from(s.top_is_faq),
                s.top_score,
                case.q.replace(['\t', '\n'], " ")
            );
        }
    }
    Ok(())
}
