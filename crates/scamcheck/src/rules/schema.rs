//! The shape of `domains.toml` and `signals.toml`, exactly as admins write them.
//!
//! `deny_unknown_fields` everywhere: a misspelt key ("negateable") must be an error with a line
//! number, not a silently ignored setting.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::SignalKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DomainsFile {
    pub two_level_suffixes: Vec<Spanned<String>>,
    pub tlds: Vec<Spanned<String>>,
    pub risky_tlds: Vec<Spanned<String>>,
    pub shorteners: Vec<Spanned<String>>,
    #[serde(default)]
    pub app_link_hosts: Vec<Spanned<String>>,
    pub extra_words: Vec<Spanned<String>>,
    pub homoglyphs: BTreeMap<String, Spanned<String>>,
    #[serde(rename = "kind")]
    pub kinds: Vec<Spanned<KindDef>>,
    #[serde(rename = "official")]
    pub officials: Vec<Spanned<OfficialDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KindDef {
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    pub vouch: bool,
    pub strict: bool,
    pub lookalike_code: String,
    /// A link on such an organisation's own domain shows an offer is really the brand's
    /// (advertising), as opposed to platforms where anyone may post.
    #[serde(default)]
    pub ads: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OfficialDef {
    pub kind: String,
    pub name: String,
    pub domains: Vec<Spanned<String>>,
    #[serde(default)]
    pub brands: Vec<Spanned<String>>,
    /// Sender names shown on the phone for the brand's SMS ("Vietcombank", "VCB").
    #[serde(default)]
    pub sms_names: Vec<Spanned<String>>,
    /// Short codes and hotlines the brand sends from or is reached on ("191", "18008098").
    #[serde(default)]
    pub short_codes: Vec<Spanned<String>>,
    /// Where the entry was checked: the organisation's own page or an official list.
    pub source: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignalsFile {
    pub scoring: ScoringDef,
    pub default_learn: Spanned<String>,
    pub advice: AdviceSetDef,
    pub groups: BTreeMap<String, Spanned<Vec<String>>>,
    #[serde(rename = "signal")]
    pub signals: Vec<Spanned<SignalDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScoringDef {
    pub scam: Spanned<f32>,
    pub suspicious: Spanned<f32>,
    pub safe_cap: Spanned<f32>,
    pub default_gap: Spanned<usize>,
    pub negation_window: Spanned<usize>,
    pub negations: Vec<String>,
    pub negation_cancel_before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdviceSetDef {
    pub scam: AdviceDef,
    pub suspicious: AdviceDef,
    pub safe: AdviceDef,
    pub advertising: AdviceDef,
    pub no_record: AdviceDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdviceDef {
    pub vi: String,
    pub en: String,
    pub learn: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignalDef {
    pub code: String,
    pub kind: SignalKind,
    pub weight: f32,
    pub message_vi: String,
    pub message_en: String,
    pub learn: Spanned<String>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub negatable: bool,
    #[serde(default)]
    pub claims: Option<String>,
    #[serde(default)]
    pub include_brands: bool,
    #[serde(default)]
    pub family: Option<String>,
    /// Raised when all these signals were raised (a prize *and* a fee); takes no patterns.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The wording of a commercial offer (sign-up codes, discounts): with a brand shown to be
    /// real, the message is advertising.
    #[serde(default)]
    pub offer: bool,
    /// A risk sign that genuine advertising also carries ("quà tặng", "chỉ hôm nay"): it does not
    /// stop a real brand's offer from being called advertising.
    #[serde(default)]
    pub in_ads: bool,
}
