//! Measuring the assistant on an evaluation set (`content/eval/assistant.toml`).
//!
//! An answerable case counts as right at top-k only if the assistant is confident *and* one of the
//! expected documents is among the first k hits: refusing a question it could answer is a failure too.
//! Off-topic cases (no expected document) count as right when the assistant refuses.

use std::collections::BTreeMap;
use std::fmt;

use crate::KnowledgeBase;

#[derive(Debug, Clone)]
pub struct EvalCase {
    pub q: String,
    /// How the question is typed ("normal", "no-diacritics", "typo", "offtopic", …), for the breakdown.
    pub kind: String,
    /// Ids of documents that answer it (FAQ id or `lesson:<course>/<lesson>`); empty = must refuse.
    pub expect: Vec<String>,
}

/// Counts for one slice of the cases (all of them, or one kind).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindStats {
    pub answerable: usize,
    pub top1: usize,
    pub top3: usize,
    /// Answerable cases whose right document ranked first, whether or not the assistant refused.
    pub ranked_first: usize,
    pub wrongly_refused: usize,
    pub offtopic: usize,
    pub refused: usize,
}

impl KindStats {
    fn add(&mut self, s: &KindStats) {
        self.answerable += s.answerable;
        self.top1 += s.top1;
        self.top3 += s.top3;
        self.ranked_first += s.ranked_first;
        self.wrongly_refused += s.wrongly_refused;
        self.offtopic += s.offtopic;
        self.refused += s.refused;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub q: String,
    pub kind: String,
    pub expect: Vec<String>,
    pub got: Vec<String>,
    pub confident: bool,
    pub coverage: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalReport {
    pub total: KindStats,
    pub by_kind: BTreeMap<String, KindStats>,
    /// Cases that went wrong, for reading.
    pub misses: Vec<Miss>,
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

impl EvalReport {
    pub fn top1(&self) -> f64 {
        ratio(self.total.top1, self.total.answerable)
    }
    pub fn top3(&self) -> f64 {
        ratio(self.total.top3, self.total.answerable)
    }
    /// Share of off-topic cases refused.
    pub fn refusals(&self) -> f64 {
        ratio(self.total.refused, self.total.offtopic)
    }
}

pub fn evaluate(kb: &KnowledgeBase, cases: &[EvalCase]) -> EvalReport {
    evaluate_at(kb, cases, crate::CONFIDENCE_THRESHOLD)
}

/// [`evaluate`] as if the refusal threshold were `threshold`, for choosing it.
pub fn evaluate_at(kb: &KnowledgeBase, cases: &[EvalCase], threshold: f32) -> EvalReport {
    let mut report = EvalReport::default();
    for case in cases {
        let mut answer = kb.ask(&case.q);
        // The same margin over the threshold as the real one asked for this question.
        answer.confident = answer.story
            || answer.coverage >= threshold + (answer.required - crate::CONFIDENCE_THRESHOLD);
        let got: Vec<String> = answer.hits.iter().map(|h| h.id.clone()).collect();
        let rank = got.iter().position(|id| case.expect.contains(id));
        let stats = if case.expect.is_empty() {
            KindStats {
                offtopic: 1,
                refused: usize::from(!answer.confident),
                ..KindStats::default()
            }
        } else {
            KindStats {
                answerable: 1,
                top1: usize::from(answer.confident && rank == Some(0)),
                top3: usize::from(answer.confident && rank.is_some_and(|r| r < 3)),
                ranked_first: usize::from(rank == Some(0)),
                wrongly_refused: usize::from(!answer.confident),
                ..KindStats::default()
            }
        };
        report.total.add(&stats);
        report
            .by_kind
            .entry(case.kind.clone())
            .or_default()
            .add(&stats);
        if stats.top1 + stats.refused == 0 {
            report.misses.push(Miss {
                q: case.q.clone(),
                kind: case.kind.clone(),
                expect: case.expect.clone(),
                got,
                confident: answer.confident,
                coverage: answer.coverage,
            });
        }
    }
    report
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = std::iter::once(("all", &self.total))
            .chain(self.by_kind.iter().map(|(k, s)| (k.as_str(), s)));
        writeln!(
            f,
            "{:<14} {:>4} {:>7} {:>7} {:>9} {:>8} {:>4} {:>8}",
            "kind", "n", "top-1", "top-3", "ranked-1", "refused", "off", "refusal"
        )?;
        for (kind, s) in rows {
            let pct = |n, d| {
                if d == 0 {
                    "-".to_owned()
                } else {
                    format!("{:.3}", ratio(n, d))
                }
            };
            writeln!(
                f,
                "{kind:<14} {:>4} {:>7} {:>7} {:>9} {:>8} {:>4} {:>8}",
                s.answerable,
                pct(s.top1, s.answerable),
                pct(s.top3, s.answerable),
                pct(s.ranked_first, s.answerable),
                s.wrongly_refused,
                s.offtopic,
                pct(s.refused, s.offtopic),
            )?;
        }
        Ok(())
    }
}
