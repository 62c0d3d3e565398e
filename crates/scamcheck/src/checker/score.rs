//! Turning the signals found into a score, a level and advice.
//!
//! score = 1 − (1 − hard)·(1 − soft·(1 − calm)), where hard and soft are noisy-ORs
//! (1 − Π(1 − w)) of link/community and phrase weights, and calm is the capped sum of reassuring
//! weights. Phrase signals of one family say the same thing twice ("nhờ chuyển hộ" is both a
//! transfer request and a borrowing), so only the strongest of a family enters the noisy-OR.

use std::collections::HashMap;

use super::{Checker, Found};
use crate::rules::SignalKind;
use crate::verdict::{Level, Reason, Verdict};

impl Checker {
    pub(super) fn verdict(&self, found: Found) -> Verdict {
        let rules = &self.rules;
        let (mut hard_keep, mut soft_keep, mut calm) = (1.0f32, 1.0f32, 0.0f32);
        let mut family_best: HashMap<&str, f32> = HashMap::new();
        for h in &found.hits {
            let s = &rules.signals[h.signal];
            match (s.kind, &s.family) {
                (SignalKind::Safe, _) => calm -= s.weight,
                (k, _) if k.is_hard() => hard_keep *= 1.0 - s.weight,
                (_, Some(family)) => {
                    let best = family_best.entry(family.as_str()).or_default();
                    *best = best.max(s.weight);
                }
                (_, None) => soft_keep *= 1.0 - s.weight,
            }
        }
        for w in family_best.values() {
            soft_keep *= 1.0 - w;
        }
        let calm = calm.min(rules.scoring.safe_cap);
        let soft = (1.0 - soft_keep) * (1.0 - calm);
        // Rounded so that 1 − (1 − 0.4) is 0.4 again: f32 leaves it at 0.39999998, just under a
        // threshold of 0.4. Three decimals is also what people are shown.
        let score = ((1.0 - hard_keep * (1.0 - soft)).clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        let level = if score >= rules.scoring.scam {
            Level::Scam
        } else if score >= rules.scoring.suspicious {
            Level::Suspicious
        } else {
            Level::Safe
        };
        let mut reasons: Vec<Reason> = found.hits.into_iter().map(|h| h.reason).collect();
        // Risks by falling weight, then reassurances by falling strength; stable for equal weights.
        reasons.sort_by(|a, b| order_key(a).total_cmp(&order_key(b)));
        let advice = &rules.advice[level as usize];
        let learn = match level {
            Level::Safe => advice.learn.clone(),
            _ => reasons
                .iter()
                .find(|r| r.weight > 0.0)
                .map_or_else(|| rules.default_learn.clone(), |r| r.learn.clone()),
        };
        Verdict {
            verdict: level,
            score,
            reasons,
            advice_vi: advice.vi.clone(),
            advice_en: advice.en.clone(),
            learn,
        }
    }
}

/// Risks (0..1 weight) sort before reassurances (negative weight), each strongest first.
fn order_key(r: &Reason) -> f32 {
    if r.weight >= 0.0 {
        -r.weight
    } else {
        2.0 + r.weight
    }
}
