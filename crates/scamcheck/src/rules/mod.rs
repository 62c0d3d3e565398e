//! Loading and validating the rule files into a ready-to-use [`Rules`].

mod domains;
mod schema;
mod signals;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::RulesError;
use crate::domain::DomainRules;
use crate::error::Reporter;
use crate::pattern::{Matcher, Seq};

/// File names used in error messages, relative to the content folder.
pub const DOMAINS_FILE: &str = "scam/domains.toml";
pub const SIGNALS_FILE: &str = "scam/signals.toml";

/// What a signal says about a message; decides how its weight enters the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// Asks for codes, passwords, money, installs.
    Request,
    /// Speaks as an authority or company.
    Impersonation,
    /// Urgency, threats, secrecy.
    Pressure,
    /// Prizes, jobs, loans, investments.
    Lure,
    /// Lowers the phrase score (negative weight).
    Safe,
    /// The wording of a commercial offer (weight 0): never a reason by itself, but with a real brand
    /// and no other risk it makes the message advertising.
    Offer,
    /// Computed from a link.
    Link,
    /// Computed from community-confirmed numbers and domains.
    Community,
}

impl SignalKind {
    /// Link and community evidence is never talked down by reassuring wording.
    pub(crate) fn is_hard(self) -> bool {
        matches!(self, Self::Link | Self::Community)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Signal {
    pub code: String,
    pub kind: SignalKind,
    pub weight: f32,
    pub message_vi: String,
    pub message_en: String,
    pub learn: String,
    pub negatable: bool,
    pub claims: Option<usize>,
    /// Signals of one family say the same thing in different words; only the strongest counts.
    pub family: Option<String>,
    /// Raised when all these signals were (indices); no patterns of its own.
    pub requires: Vec<usize>,
    /// Wording of a commercial offer.
    pub offer: bool,
    /// A risk sign genuine advertising also carries.
    pub in_ads: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Scoring {
    pub scam: f32,
    pub suspicious: f32,
    pub safe_cap: f32,
    pub negation_window: usize,
    pub negations: Vec<Seq>,
    pub cancel_before: HashSet<Box<str>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Advice {
    pub vi: String,
    pub en: String,
    pub learn: String,
}

/// Indices of the signals raised by code rather than by phrases.
#[derive(Debug, Clone)]
pub(crate) struct Computed {
    pub claim_mismatch: usize,
    pub claim_mobile: usize,
    pub idn: usize,
    pub shortener: usize,
    pub ip: usize,
    pub apk: usize,
    pub risky_tld: usize,
    pub unknown: usize,
    pub official: usize,
    pub community_number: usize,
    pub community_domain: usize,
    pub sender_known: usize,
    pub sender_personal: usize,
    pub model_scam: usize,
    pub model_genuine: usize,
    /// Optional safe signal "public_notice" (a notice to all citizens): with it and no request or
    /// lure, a mobile number is a local office's hotline, not a personal number posing as one.
    pub public_notice: Option<usize>,
    /// Optional safe signal "balance_notice" (a transaction record): with it, no link and no request
    /// or lure, a mobile number is the counterpart in the record ("Ref MB… - 0909…", "ND: CK tu
    /// 0912…"), not a personal number given as the bank's contact.
    pub balance_notice: Option<usize>,
    /// Optional "unrequested_charge" (a fee you never asked for) and its combination "charge_cancel":
    /// a charge story that gives a personal mobile number to call and cancel is that combination too.
    pub unrequested_charge: Option<usize>,
    pub charge_cancel: Option<usize>,
}

/// Computed codes every `signals.toml` must define, with the kind each must have.
pub(crate) const COMPUTED: [(&str, SignalKind); 15] = [
    ("link_claim_mismatch", SignalKind::Link),
    ("claim_mobile_number", SignalKind::Link),
    ("link_idn", SignalKind::Link),
    ("link_shortener", SignalKind::Link),
    ("link_ip", SignalKind::Link),
    ("link_apk", SignalKind::Link),
    ("link_risky_tld", SignalKind::Link),
    ("link_unknown", SignalKind::Link),
    ("link_official", SignalKind::Safe),
    ("community_number", SignalKind::Community),
    ("community_domain", SignalKind::Community),
    ("sender_known", SignalKind::Safe),
    ("sender_personal", SignalKind::Link),
    ("model_scam", SignalKind::Lure),
    ("model_genuine", SignalKind::Safe),
];

/// Everything the checker needs, validated and compiled once.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(crate) signals: Vec<Signal>,
    pub(crate) scoring: Scoring,
    /// Indexed by [`crate::Level::index`].
    pub(crate) advice: [Advice; 5],
    pub(crate) default_learn: String,
    pub(crate) matcher: Matcher,
    pub(crate) domains: DomainRules,
    pub(crate) computed: Computed,
}

impl Rules {
    /// Parses and validates `content/scam/domains.toml` and `content/scam/signals.toml` (given as
    /// text so the caller decides where they come from: files, the database, a test).
    pub fn from_toml(domains: &str, signals: &str) -> Result<Rules, RulesError> {
        let dfile: schema::DomainsFile = toml::from_str(domains)
            .map_err(|e| RulesError::from_toml(DOMAINS_FILE, domains, &e))?;
        let sfile: schema::SignalsFile = toml::from_str(signals)
            .map_err(|e| RulesError::from_toml(SIGNALS_FILE, signals, &e))?;
        let drep = Reporter {
            file: DOMAINS_FILE,
            src: domains,
        };
        let srep = Reporter {
            file: SIGNALS_FILE,
            src: signals,
        };
        let mut signals_out = signals::signals(&sfile, &srep)?;
        signals::resolve_requires(&sfile, &srep, &mut signals_out)?;
        let domain_rules = domains::compile(dfile, &drep, &signals_out)?;
        signals::resolve_claims(&sfile, &srep, &mut signals_out, &domain_rules)?;
        let computed = signals::computed(&signals_out, &sfile, &srep)?;
        let matcher = signals::patterns(&sfile, &srep, &domain_rules)?;
        Ok(Rules {
            scoring: signals::scoring(&sfile, &srep)?,
            advice: signals::advice(&sfile, &srep)?,
            default_learn: signals::lesson(&sfile.default_learn, &srep)?,
            signals: signals_out,
            matcher,
            domains: domain_rules,
            computed,
        })
    }

    /// Every lesson link ("course/lesson") the rules point to, so a content check can verify that
    /// each lesson exists.
    pub fn lesson_links(&self) -> Vec<&str> {
        let mut links: Vec<&str> = self
            .signals
            .iter()
            .map(|s| s.learn.as_str())
            .chain(self.advice.iter().map(|a| a.learn.as_str()))
            .chain([self.default_learn.as_str()])
            .collect();
        links.sort_unstable();
        links.dedup();
        links
    }

    /// Score from which a message is at least suspicious.
    pub fn suspicious_threshold(&self) -> f32 {
        self.scoring.suspicious
    }

    /// Score from which a message is called a scam.
    pub fn scam_threshold(&self) -> f32 {
        self.scoring.scam
    }

    /// Sender names and short codes in the registry (domains.toml).
    pub fn sender_count(&self) -> usize {
        self.domains.senders.len()
    }

    /// Codes of all signals, in file order.
    pub fn signal_codes(&self) -> Vec<&str> {
        self.signals.iter().map(|s| s.code.as_str()).collect()
    }
}

/// "course-slug/lesson-slug" with ASCII slugs.
pub(crate) fn is_lesson_link(s: &str) -> bool {
    let slug = |p: &str| {
        !p.is_empty()
            && !p.starts_with('-')
            && !p.ends_with('-')
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    s.split_once('/').is_some_and(|(c, l)| slug(c) && slug(l))
}
