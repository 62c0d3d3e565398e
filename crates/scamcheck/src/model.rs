//! A character n-gram linear model learnt from the tuning half of the corpus, used next to the rules.
//!
//! Why: rules name the signs people can be taught, but only the ones someone wrote down; the model
//! sees how whole messages are worded (a bank's OTP notice, a carrier's offer, a task-job pitch) and
//! catches what no rule names. It never decides alone and never hides a link or community reason:
//! - the rules say "suspicious" only from wording (no link or community evidence) and the model is
//!   sure the wording is that of genuine notices (p ≤ `genuine_below`) → safe;
//! - the rules find only weak signs and nothing reassuring, and the model is sure the wording is a
//!   scam's (p ≥ `scam_above`) → suspicious.
//!
//! Either way the verdict carries a plain-Vietnamese reason saying so.
//!
//! Features: character 3- to 5-grams of the folded text (no diacritics, lowercase, look-alike letters
//! undone, every digit written 0, links written "link"), each counted once, scaled by 1/√(number of
//! features) so long messages do not shout. Logistic regression, classes weighted equally, trained
//! deterministically (fixed order, no randomness); the weights kept are the largest, as readable
//! n-grams in `content/scam/model.toml`. The two thresholds are calibrated on out-of-fold
//! predictions: the tuning half is cut into folds *by kind*, so each prediction comes from a model
//! that never saw that kind of message.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::RulesError;

pub const MODEL_FILE: &str = "scam/model.toml";

const N_MIN: usize = 3;
const N_MAX: usize = 5;

/// The model as stored: thresholds, bias and the kept weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub bias: f32,
    /// At or below this probability, wording-only suspicion is lifted.
    pub genuine_below: f32,
    /// At or above it, a message the rules pass is called suspicious.
    pub scam_above: f32,
    pub weights: BTreeMap<String, f32>,
}

/// A ready model.
#[derive(Debug, Clone)]
pub struct NgramModel {
    pub(crate) bias: f32,
    pub(crate) genuine_below: f32,
    pub(crate) scam_above: f32,
    weights: HashMap<String, f32>,
}

impl NgramModel {
    pub fn from_toml(src: &str) -> Result<Self, RulesError> {
        let f: ModelFile =
            toml::from_str(src).map_err(|e| RulesError::from_toml(MODEL_FILE, src, &e))?;
        let ok = (0.0..=1.0).contains(&f.genuine_below)
            && (0.0..=1.0).contains(&f.scam_above)
            && f.genuine_below < f.scam_above
            && f.bias.is_finite()
            && f.weights.values().all(|w| w.is_finite());
        if !ok {
            return Err(RulesError::Invalid {
                file: MODEL_FILE.into(),
                line: 1,
                message: "need 0 <= genuine_below < scam_above <= 1 and finite weights".into(),
            });
        }
        Ok(Self::from_file(f))
    }

    fn from_file(f: ModelFile) -> Self {
        Self {
            bias: f.bias,
            genuine_below: f.genuine_below,
            scam_above: f.scam_above,
            weights: f.weights.into_iter().collect(),
        }
    }

    /// Probability that `text` (already with links written as "link") is a scam.
    pub fn probability(&self, text: &str) -> f32 {
        let feats = features(text);
        if feats.is_empty() {
            return sigmoid(self.bias);
        }
        let scale = 1.0 / (feats.len() as f32).sqrt();
        let z: f32 = feats
            .iter()
            .filter_map(|f| self.weights.get(f.as_str()))
            .sum::<f32>()
            * scale;
        sigmoid(self.bias + z)
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Folded text with digits as 0 and anything else than letters and digits as one space.
fn normalize(text: &str) -> String {
    let folded = vntext::fold(&crate::text::join_dotted_letters(
        &crate::text::unmask_lookalikes(text),
    ));
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    for c in folded.chars() {
        let c = if c.is_ascii_digit() {
            '0'
        } else if c.is_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            ' '
        };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Distinct character n-grams of the normalised text.
fn features(text: &str) -> HashSet<String> {
    let chars: Vec<char> = normalize(text).chars().collect();
    let mut out = HashSet::new();
    for n in N_MIN..=N_MAX {
        for w in chars.windows(n) {
            // An n-gram of spaces and one letter says nothing.
            if w.iter().filter(|c| c.is_alphanumeric()).count() >= 2 {
                out.insert(w.iter().collect());
            }
        }
    }
    out
}

/// One labelled message for training.
pub struct Example<'a> {
    pub text: &'a str,
    pub scam: bool,
    /// Messages of one kind are held out together when calibrating.
    pub kind: &'a str,
}

/// Training settings; the defaults are what `hocvuso scam train` uses.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Weights kept in the file (largest magnitude first).
    pub keep: usize,
    pub folds: usize,
    /// Share of out-of-fold scams allowed at or below `genuine_below`.
    pub scam_loss: f64,
    /// Share of out-of-fold genuine messages allowed at or above `scam_above`.
    pub genuine_loss: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            epochs: 40,
            learning_rate: 0.5,
            l2: 1e-4,
            keep: 4000,
            folds: 5,
            scam_loss: 0.02,
            genuine_loss: 0.005,
        }
    }
}

/// What training found, for the command to print.
#[derive(Debug, Clone)]
pub struct Trained {
    pub file: ModelFile,
    /// Out-of-fold: scams at or below `genuine_below`, genuine at or above `scam_above`, totals.
    pub oof_scams_low: usize,
    pub oof_genuine_high: usize,
    pub scams: usize,
    pub genuine: usize,
}

fn fit(examples: &[(&HashSet<String>, bool)], o: &TrainOptions) -> (f32, HashMap<String, f32>) {
    let scams = examples.iter().filter(|e| e.1).count().max(1) as f32;
    let genuine = examples.iter().filter(|e| !e.1).count().max(1) as f32;
    let total = scams + genuine;
    let mut w: HashMap<String, f32> = HashMap::new();
    let mut bias = 0.0f32;
    for epoch in 0..o.epochs {
        let lr = o.learning_rate / (1.0 + epoch as f32 * 0.1);
        for (feats, scam) in examples {
            let scale = 1.0 / (feats.len().max(1) as f32).sqrt();
            let z: f32 = feats
                .iter()
                .map(|f| w.get(f.as_str()).copied().unwrap_or(0.0))
                .sum::<f32>()
                * scale;
            let p = sigmoid(bias + z);
            let y = if *scam { 1.0 } else { 0.0 };
            // Each class weighs half of the total, however many messages it has.
            let class_weight = if *scam {
                total / (2.0 * scams)
            } else {
                total / (2.0 * genuine)
            };
            let g = (p - y) * class_weight;
            bias -= lr * g * 0.1;
            for f in feats.iter() {
                let wi = w.entry(f.clone()).or_insert(0.0);
                *wi -= lr * (g * scale + o.l2 * *wi);
            }
        }
    }
    (bias, w)
}

fn prune(w: HashMap<String, f32>, keep: usize) -> BTreeMap<String, f32> {
    let mut v: Vec<(String, f32)> = w.into_iter().filter(|(_, x)| x.abs() > 1e-4).collect();
    v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    v.truncate(keep);
    // Three decimals: a reviewer reads them, and the file stays diffable.
    v.into_iter()
        .map(|(k, x)| (k, (x * 1000.0).round() / 1000.0))
        .collect()
}

/// Train on `examples` (the tuning half only) and calibrate the thresholds out of fold.
pub fn train(examples: &[Example<'_>], o: &TrainOptions) -> Trained {
    let feats: Vec<HashSet<String>> = examples.iter().map(|e| features(e.text)).collect();
    let fold_of = |kind: &str| {
        // FNV-1a: stable across runs and platforms, unlike the std hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in kind.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        (h % o.folds.max(2) as u64) as usize
    };
    let mut oof: Vec<(f32, bool)> = Vec::with_capacity(examples.len());
    for fold in 0..o.folds.max(2) {
        let train_set: Vec<(&HashSet<String>, bool)> = examples
            .iter()
            .zip(&feats)
            .filter(|(e, _)| fold_of(e.kind) != fold)
            .map(|(e, f)| (f, e.scam))
            .collect();
        let (bias, w) = fit(&train_set, o);
        let m = NgramModel {
            bias,
            genuine_below: 0.0,
            scam_above: 1.0,
            weights: prune(w, o.keep).into_iter().collect(),
        };
        for e in examples.iter().filter(|e| fold_of(e.kind) == fold) {
            oof.push((m.probability(e.text), e.scam));
        }
    }
    let mut scam_p: Vec<f32> = oof.iter().filter(|x| x.1).map(|x| x.0).collect();
    let mut genuine_p: Vec<f32> = oof.iter().filter(|x| !x.1).map(|x| x.0).collect();
    scam_p.sort_by(f32::total_cmp);
    genuine_p.sort_by(f32::total_cmp);
    // Lift wording-only suspicion below the level that loses at most `scam_loss` of the scams;
    // raise the alarm above the level that wrongly flags at most `genuine_loss` of genuine ones.
    let lo_idx = (scam_p.len() as f64 * o.scam_loss).floor() as usize;
    let genuine_below = if lo_idx == 0 {
        0.0
    } else {
        scam_p.get(lo_idx - 1).copied().unwrap_or(0.0)
    };
    let hi_idx = (genuine_p.len() as f64 * o.genuine_loss).floor() as usize;
    let scam_above = genuine_p
        .len()
        .checked_sub(hi_idx + 1)
        .and_then(|i| genuine_p.get(i))
        .map_or(1.0, |p| (p + 1e-3).min(1.0));
    let round = |x: f32| (x * 10_000.0).round() / 10_000.0;
    let (genuine_below, scam_above) = (
        round(genuine_below),
        round(scam_above).max(round(genuine_below) + 1e-4),
    );
    let oof_scams_low = scam_p.iter().filter(|&&p| p <= genuine_below).count();
    let oof_genuine_high = genuine_p.iter().filter(|&&p| p >= scam_above).count();
    let all: Vec<(&HashSet<String>, bool)> = feats
        .iter()
        .zip(examples)
        .map(|(f, e)| (f, e.scam))
        .collect();
    let (bias, w) = fit(&all, o);
    Trained {
        file: ModelFile {
            bias: round(bias),
            genuine_below,
            scam_above,
            weights: prune(w, o.keep),
        },
        oof_scams_low,
        oof_genuine_high,
        scams: scam_p.len(),
        genuine: genuine_p.len(),
    }
}

/// The model file as written by `hocvuso scam train`: a header saying how it was made and how to
/// review it, then the thresholds and the weights.
pub fn model_file_text(t: &Trained) -> String {
    let body = toml::to_string(&t.file).unwrap_or_default();
    format!(
        "# Learnt wording model for the scam check (crates/scamcheck/src/model.rs).\n\
         # Written by `hocvuso scam train` from content/eval/scam-corpus/tune.toml ONLY (never the held-out\n\
         # half). Do not edit by hand: retrain. Review a new version like a rule change: the weights are\n\
         # character n-grams of folded text (digits as 0); the largest ones should read as scam wording\n\
         # (positive) or genuine notices (negative), never as a brand or place name alone.\n\
         # It only moves the line between safe and suspicious where the rules found no link or community\n\
         # evidence, and every such verdict says so in plain words.\n\
         # Trained on {} scams and {} genuine. Thresholds calibrated out of fold (folds by kind):\n\
         # {} scams scored at or below genuine_below, {} genuine at or above scam_above.\n\n{body}",
        t.scams, t.genuine, t.oof_scams_low, t.oof_genuine_high
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_diacritics_are_folded() {
        assert_eq!(normalize("Mã OTP: 482913!"), " ma otp 000000 ");
        assert!(features("ab").is_empty() || features("ab").iter().all(|f| f.len() >= 3));
    }

    #[test]
    fn learns_a_toy_split_and_round_trips() {
        let ex = [
            ("doc ma otp cho em", true, "a"),
            ("doc giup ma otp nhe", true, "b"),
            ("chuyen phi nhan qua ngay", true, "c"),
            ("ma otp cua ban la 123 khong chia se", false, "d"),
            ("hen gap lai toi nay nhe", false, "e"),
            ("hoa don tien dien thang nay", false, "f"),
        ];
        let examples: Vec<Example<'_>> = ex
            .iter()
            .map(|(t, s, k)| Example {
                text: t,
                scam: *s,
                kind: k,
            })
            .collect();
        let t = train(&examples, &TrainOptions::default());
        let src = toml::to_string(&t.file).expect("serialise");
        let m = NgramModel::from_toml(&src).expect("parse");
        assert!(m.probability("doc ma otp cho anh") > m.probability("hen gap lai ngay mai"));
    }
}
