//! Scam check for Vietnamese messages: text in, verdict out.
//!
//! ```text
//! Rules::from_toml(domains.toml, signals.toml) ─┐
//! CommunityData (confirmed numbers, domains) ───┴─► Checker::check(text) ─► Verdict
//! ```
//! A message is read three ways:
//! 1. **Phrases** — folded tokens (no diacritics, teen code expanded by `vntext`) matched against the
//!    patterns of `signals.toml`: OTP requests, impersonation, threats, prizes, jobs, loans….
//! 2. **Links** — every web address, with or without `https://`, is checked against the official
//!    domains of `domains.toml`: look-alikes (brand word + extras, typos, homoglyphs, punycode), a
//!    message speaking as an agency with a non-official link, shorteners, raw IPs, `.apk` files.
//! 3. **Numbers** — phone numbers in any spelling, normalised to +84…, against confirmed scam
//!    numbers; a personal mobile given as a bank's or agency's contact.
//!
//! Scoring (set and documented in `signals.toml`): noisy-OR of phrase weights (one per family of
//! signals that say the same thing), calmed by reassuring phrases ("không cung cấp OTP cho bất kỳ
//! ai") up to a cap; link and community evidence is combined by noisy-OR on top and never calmed.
//! [`Checker::explain`] lists every pattern that matched, for admins tuning the rules.
//! The crate does no I/O; `examples/eval.rs` measures it on `content/eval/scam.toml`.

mod checker;
mod domain;
mod error;
pub mod eval;
mod extract;
pub mod model;
mod pattern;
mod rules;
mod text;
mod verdict;

pub use checker::{Checker, MAX_CHARS};
pub use error::RulesError;
pub use extract::{find_phones, normalize_phone};
pub use rules::{DOMAINS_FILE, Rules, SIGNALS_FILE, SignalKind};
pub use verdict::{CommunityData, Evidence, Level, PatternMatch, Reason, Verdict};
