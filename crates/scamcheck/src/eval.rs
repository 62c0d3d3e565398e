//! Measuring the checker on a labelled set of messages (`content/eval/scam.toml`).
//!
//! Scam and suspicious verdicts both count as positive: a citizen told "suspicious" stops and checks,
//! which is what we want for every scam.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::{Checker, CommunityData, Level, RulesError};

pub const EVAL_FILE: &str = "eval/scam.toml";
/// The corpus in real senders' shapes (`scripts/scam_corpus.py`), split once: rules are tuned on
/// the first half only; the second is scored, never read for misses.
pub const CORPUS_TUNE_FILE: &str = "eval/scam-corpus/tune.toml";
pub const CORPUS_HELDOUT_FILE: &str = "eval/scam-corpus/heldout.toml";
/// Real messages quoted verbatim by public sources (press, police, banks, carriers), each with its
/// address: a proxy for real inboxes written by other hands than the rules. A development set: it is
/// looked at when fixing rules by kind, so its figures are not a held-out measure.
pub const CORPUS_QUOTED_FILE: &str = "eval/scam-corpus/quoted.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Scam,
    Safe,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub text: String,
    pub expect: Expect,
    /// Category, e.g. "police_impersonation" or "bank_otp_notice".
    pub kind: String,
    /// Where a quoted real message was copied from (an address); absent for generated cases.
    #[serde(default)]
    pub source: Option<String>,
}

/// The evaluation file: cases plus the community data they assume.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSet {
    #[serde(default)]
    pub community: CommunityData,
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

impl EvalSet {
    pub fn from_toml(src: &str) -> Result<Self, RulesError> {
        toml::from_str(src).map_err(|e| RulesError::from_toml(EVAL_FILE, src, &e))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub kind: String,
    pub expect: Expect,
    pub got: Level,
    pub score: f32,
    pub codes: Vec<String>,
    pub text: String,
}

/// Score of one case, for showing the closest calls.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub kind: String,
    pub expect: Expect,
    pub score: f32,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindStats {
    pub total: usize,
    pub missed: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub true_pos: usize,
    pub false_pos: usize,
    pub true_neg: usize,
    pub false_neg: usize,
    /// Verdict counts per expected label: (expected, got) → n.
    pub confusion: BTreeMap<(&'static str, Level), usize>,
    pub by_kind: BTreeMap<String, KindStats>,
    pub misses: Vec<Miss>,
    pub scores: Vec<Scored>,
    /// Score at or above which a message is flagged (the "suspicious" threshold).
    pub threshold: f32,
}

impl Report {
    /// Of the messages flagged, the share that were scams (1.0 when nothing was flagged).
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    /// Of the scams, the share flagged (1.0 when there were none).
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }

    /// Of the genuine messages, the share flagged: what a citizen pasting a real message sees go
    /// wrong, so it is reported next to precision (which depends on how many scams a set holds).
    pub fn false_alarm_rate(&self) -> f64 {
        let genuine = self.false_pos + self.true_neg;
        if genuine == 0 {
            0.0
        } else {
            self.false_pos as f64 / genuine as f64
        }
    }

    /// One line of figures, for sets whose misses must not be printed (the held-out half).
    pub fn summary(&self) -> String {
        let ads = self
            .confusion
            .get(&("safe", Level::Advertising))
            .copied()
            .unwrap_or(0);
        format!(
            "cases {} ({} scams, {} genuine)  precision {:.3}  recall {:.3}  false alarms {:.2}% ({}/{})  genuine called advertising {ads}",
            self.total(),
            self.true_pos + self.false_neg,
            self.false_pos + self.true_neg,
            self.precision(),
            self.recall(),
            100.0 * self.false_alarm_rate(),
            self.false_pos,
            self.false_pos + self.true_neg
        )
    }

    pub fn total(&self) -> usize {
        self.true_pos + self.false_pos + self.true_neg + self.false_neg
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

pub fn evaluate(checker: &Checker, cases: &[Case]) -> Report {
    let mut r = Report {
        threshold: checker.rules().suspicious_threshold(),
        ..Report::default()
    };
    for case in cases {
        let v = checker.check(&case.text);
        let flagged = v.verdict.is_flagged();
        let expected_scam = case.expect == Expect::Scam;
        match (expected_scam, flagged) {
            (true, true) => r.true_pos += 1,
            (false, true) => r.false_pos += 1,
            (false, false) => r.true_neg += 1,
            (true, false) => r.false_neg += 1,
        }
        r.scores.push(Scored {
            kind: case.kind.clone(),
            expect: case.expect,
            score: v.score,
            text: case.text.clone(),
        });
        let label = if expected_scam { "scam" } else { "safe" };
        *r.confusion.entry((label, v.verdict)).or_default() += 1;
        let stats = r.by_kind.entry(case.kind.clone()).or_default();
        stats.total += 1;
        if expected_scam != flagged {
            stats.missed += 1;
            r.misses.push(Miss {
                kind: case.kind.clone(),
                expect: case.expect,
                got: v.verdict,
                score: v.score,
                codes: v.reasons.iter().map(|x| x.code.clone()).collect(),
                text: case.text.clone(),
            });
        }
    }
    r
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "cases {}  precision {:.3}  recall {:.3}  (scam+suspicious = positive)",
            self.total(),
            self.precision(),
            self.recall()
        )?;
        writeln!(f, "confusion (expected → verdict):")?;
        for expected in ["scam", "safe"] {
            let n = |l: Level| self.confusion.get(&(expected, l)).copied().unwrap_or(0);
            writeln!(
                f,
                "  {expected:<5} → scam {:>3}  suspicious {:>3}  quang_cao {:>3}  no_record {:>3}  safe {:>3}",
                n(Level::Scam),
                n(Level::Suspicious),
                n(Level::Advertising),
                n(Level::NoRecord),
                n(Level::Safe)
            )?;
        }
        writeln!(f, "per kind (missed/total):")?;
        for (kind, s) in &self.by_kind {
            let mark = if s.missed > 0 { "  <-" } else { "" };
            writeln!(f, "  {kind:<28} {}/{}{mark}", s.missed, s.total)?;
        }
        let closest = |expect: Expect, n: usize| {
            let mut v: Vec<&Scored> = self.scores.iter().filter(|s| s.expect == expect).collect();
            v.sort_by(|a, b| {
                (a.score - self.threshold)
                    .abs()
                    .total_cmp(&(b.score - self.threshold).abs())
            });
            v.into_iter().take(n).collect::<Vec<_>>()
        };
        writeln!(f, "closest calls (threshold {:.2}):", self.threshold)?;
        for s in closest(Expect::Scam, 4)
            .into_iter()
            .chain(closest(Expect::Safe, 4))
        {
            let text: String = s.text.chars().take(90).collect();
            writeln!(f, "  {:.2} [{:?} {}] {text}", s.score, s.expect, s.kind)?;
        }
        if !self.misses.is_empty() {
            writeln!(f, "misses:")?;
            for m in &self.misses {
                writeln!(
                    f,
                    "  [{}] expected {:?}, got {} ({:.2}) {:?}\n      {}",
                    m.kind, m.expect, m.got, m.score, m.codes, m.text
                )?;
            }
        }
        Ok(())
    }
}
