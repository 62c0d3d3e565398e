//! Phrase signals: patterns over the folded tokens of each sentence, with negation.

use super::{Checker, Fill, Found};
use crate::pattern::{Tok, starts_with};
use crate::text;
use crate::verdict::PatternMatch;

impl Checker {
    /// A negatable signal only counts when at least one of its matches is not negated.
    pub(super) fn phrase_signals(&self, text: &str, found: &mut Found) {
        let rules = &self.rules;
        let mut done = vec![false; rules.signals.len()];
        for toks in text::sentences(text) {
            let negations = self.negations(&toks);
            rules.matcher.scan(&toks, &mut done, |p, start, end| {
                !(rules.signals[p.signal].negatable && self.negated(&toks, &negations, start, end))
            });
        }
        // Combinations ("a prize" and "a fee") after every pattern had its chance.
        for (sig, s) in rules.signals.iter().enumerate() {
            if !s.requires.is_empty() && s.requires.iter().all(|&r| done[r]) {
                done[sig] = true;
            }
        }
        for (sig, _) in done.iter().enumerate().filter(|(_, d)| **d) {
            found.add(sig, self.reason(sig, &Fill::default()));
        }
    }

    pub(super) fn pattern_matches(&self, text: &str) -> Vec<PatternMatch> {
        let rules = &self.rules;
        let mut out = Vec::new();
        for toks in text::sentences(text) {
            let negations = self.negations(&toks);
            // Never marking anything done makes the scan report every match.
            let mut done = vec![false; rules.signals.len()];
            rules.matcher.scan(&toks, &mut done, |p, start, end| {
                let s = &rules.signals[p.signal];
                out.push(PatternMatch {
                    code: s.code.clone(),
                    pattern: p.source.to_string(),
                    words: toks[start..end]
                        .iter()
                        .map(|t| &*t.text)
                        .collect::<Vec<_>>()
                        .join(" "),
                    negated: s.negatable && self.negated(&toks, &negations, start, end),
                });
                false
            });
        }
        out
    }

    /// Start positions of negations that are not cancelled ("nếu không" is a condition, not a "no").
    fn negations(&self, toks: &[Tok]) -> Vec<usize> {
        let s = &self.rules.scoring;
        (0..toks.len())
            .filter(|&i| s.negations.iter().any(|n| starts_with(toks, i, n)))
            .filter(|&i| {
                i == 0
                    || toks[i - 1].clause != toks[i].clause
                    || !s.cancel_before.contains(&toks[i - 1].text)
            })
            .collect()
    }

    /// A negation inside the match, or up to `negation_window` words before it in the same clause.
    fn negated(&self, toks: &[Tok], negations: &[usize], start: usize, end: usize) -> bool {
        let window = self.rules.scoring.negation_window;
        negations.iter().any(|&n| {
            (n >= start && n < end)
                || (n < start && start - n <= window && toks[n].clause == toks[start].clause)
        })
    }
}
