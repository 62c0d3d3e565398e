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
//! 3. **Numbers** — phone numbers in any spelling, normalised to +84…, against confirmed scam numbers.
//!
//! The score combines them by noisy-OR; reassuring phrases ("không cung cấp OTP cho bất kỳ ai")
//! calm the phrase part only, never link or community evidence. The formula and thresholds are
//! documented and set in `signals.toml`. The crate does no I/O.

mod checker;
mod domain;
mod error;
pub mod eval;
mod extract;
mod pattern;
mod rules;
mod text;

pub use checker::{Checker, CommunityData, Level, MAX_CHARS, PatternMatch, Reason, Verdict};
pub use error::RulesError;
pub use extract::normalize_phone;
pub use rules::{DOMAINS_FILE, Rules, SIGNALS_FILE, SignalKind};
