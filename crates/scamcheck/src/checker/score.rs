//! Turning the signals found into a score, a level and advice.
//!
//! score = 1 − (1 − hard)·(1 − soft·(1 − calm)), where hard and soft are noisy-ORs
//! (1 − Π(1 − w)) of link/community and phrase weights, and calm is the capped sum of reassuring
//! weights. Phrase signals of one family say the same thing twice ("nhờ chuyển hộ" is both a
//! transfer request and a borrowing), so only the strongest of a family enters the noisy-OR.
//!
//! Two verdicts come from what was found rather than from the score:
//! - **advertising**: the wording of an offer (`offer` signals), a brand shown to be real (every link
//!   on its own domain, a sender in the registry, or — with no link — one of its short codes in the
//!   sign-up line) and no risk sign other than those real advertising carries (`in_ads`);
//! - **no record**: a bare number or link that nothing flags; "safe" would be false reassurance.
//!
//! A safe verdict lists only reassuring reasons: a "speaks for a bank" line under a green tick reads
//! as an alarm.

use std::collections::HashMap;

use super::{Checker, Found, Input};
use crate::rules::SignalKind;
use crate::verdict::{Level, Reason, Verdict};

impl Checker {
    pub(super) fn verdict(&self, mut found: Found, input: &Input) -> Verdict {
        let rules = &self.rules;
        let (mut hard_keep, mut soft_keep, mut calm) = (1.0f32, 1.0f32, 0.0f32);
        let mut family_best: HashMap<&str, f32> = HashMap::new();
        for h in &found.hits {
            let s = &rules.signals[h.signal];
            match (s.kind, &s.family) {
                (SignalKind::Offer, _) => {}
                (SignalKind::Safe, _) => calm -= s.weight,
                // A combination ("a prize and a fee") is the scam itself: no copied reassurance
                // talks it down.
                (k, _) if k.is_hard() || !s.requires.is_empty() => hard_keep *= 1.0 - s.weight,
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
        let mut score =
            ((1.0 - hard_keep * (1.0 - soft)).clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        let mut by_score = if score >= rules.scoring.scam {
            Level::Scam
        } else if score >= rules.scoring.suspicious {
            Level::Suspicious
        } else {
            Level::Safe
        };
        // The learnt model only moves the line between "safe" and "suspicious", and only where the
        // rules have no link or community evidence (see crate::model).
        if let Some(m) = &self.model
            && !input.bare
            && input.masked.split_whitespace().count() >= 5
        {
            let c = &rules.computed;
            let wording_only = !found.hits.iter().any(|h| {
                let s = &rules.signals[h.signal];
                s.kind.is_hard() || !s.requires.is_empty()
            });
            let p = m.probability(&input.masked);
            if by_score == Level::Suspicious && wording_only && p <= m.genuine_below {
                by_score = Level::Safe;
                score = score.min(rules.scoring.suspicious - 0.001);
                found.add(
                    c.model_genuine,
                    self.reason(c.model_genuine, &Default::default()),
                );
            } else if by_score == Level::Safe
                && p >= m.scam_above
                // It confirms a weak sign the rules found; it never invents one, and never
                // overrides a reassurance (an official link, a warning about scams). Naming an
                // organisation is no sign by itself: "chú qua đóng tiền điện nước nha" names the
                // power bill the way a family reminder does.
                && found.hits.iter().any(|h| {
                    let s = &rules.signals[h.signal];
                    s.weight > 0.0 && s.kind != SignalKind::Impersonation
                })
                && !found
                    .hits
                    .iter()
                    .any(|h| rules.signals[h.signal].kind == SignalKind::Safe)
            {
                by_score = Level::Suspicious;
                score = score.max(rules.scoring.suspicious);
                found.add(c.model_scam, self.reason(c.model_scam, &Default::default()));
            }
        }
        let sig = |h: &super::Hit| &rules.signals[h.signal];
        let offer = found
            .hits
            .iter()
            .any(|h| sig(h).offer || sig(h).kind == SignalKind::Offer);
        let risk_outside_ads = found
            .hits
            .iter()
            .any(|h| sig(h).weight > 0.0 && !sig(h).in_ads);
        let brand = found.known_sender
            || found.brand_links
            || (input.links.is_empty() && input.apks.is_empty() && self.names_known_code(input));
        let level = if offer && brand && !risk_outside_ads {
            Level::Advertising
        } else if by_score == Level::Safe && input.bare && !found.has(rules.computed.official) {
            Level::NoRecord
        } else {
            by_score
        };
        let mut reasons: Vec<Reason> = found
            .hits
            .into_iter()
            .filter(|h| rules.signals[h.signal].kind != SignalKind::Offer)
            .map(|h| h.reason)
            .collect();
        if matches!(level, Level::Safe | Level::Advertising) {
            reasons.retain(|r| r.weight <= 0.0);
        }
        // Risks by falling weight, then reassurances by falling strength; stable for equal weights.
        reasons.sort_by(|a, b| order_key(a).total_cmp(&order_key(b)));
        let advice = &rules.advice[level.index()];
        let learn = match level {
            Level::Safe | Level::Advertising | Level::NoRecord => advice.learn.clone(),
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
