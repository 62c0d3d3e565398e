//! Checking one message: phrase signals, link and number analysis, score, verdict.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::domain::{HostInfo, host_matches};
use crate::extract::{self, normalize_phone};
use crate::pattern::{Tok, starts_with};
use crate::rules::{Rules, SignalKind};
use crate::text;

/// Longest input examined. Pasted messages are a few hundred characters; a cap keeps a pasted book
/// from tying up a request thread, and scam cues sit at the start anyway.
pub const MAX_CHARS: usize = 8_000;

/// Numbers and domains admins confirmed from citizens' reports. Stored outside the rule files
/// because they change daily; phone numbers in any spelling, domains as host names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityData {
    #[serde(default)]
    pub confirmed_numbers: Vec<String>,
    #[serde(default)]
    pub confirmed_domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Safe,
    Suspicious,
    Scam,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Suspicious => "suspicious",
            Self::Scam => "scam",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason behind a verdict, with the lesson that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// "course-slug/lesson-slug"; the page is /hoc/<course>/<lesson>.
    pub learn: String,
    /// Weight of the signal; negative for reassuring signs.
    pub weight: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub verdict: Level,
    /// 0.0 (no sign of a scam) to 1.0.
    pub score: f32,
    /// Risk reasons first, strongest first; then reassuring ones.
    pub reasons: Vec<Reason>,
    pub advice_vi: String,
    pub advice_en: String,
    /// The lesson to read next: that of the strongest reason, or the advice's.
    pub learn: String,
}

/// One phrase-pattern match, from [`Checker::explain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternMatch {
    pub code: String,
    pub pattern: String,
    /// The folded words it matched.
    pub words: String,
    /// Discarded because of a negation before or inside it.
    pub negated: bool,
}

/// A ready checker: rules plus community data. Cheap to share between threads (`&self` only).
#[derive(Debug, Clone)]
pub struct Checker {
    rules: Rules,
    numbers: HashSet<String>,
    domains: Vec<String>,
}

/// Values for a message template.
#[derive(Default)]
struct Fill<'a> {
    domain: &'a str,
    official: &'a str,
    name: &'a str,
    kind_vi: &'a str,
    kind_en: &'a str,
    number: &'a str,
}

impl Checker {
    pub fn new(rules: Rules, community: CommunityData) -> Self {
        let numbers = community
            .confirmed_numbers
            .iter()
            .filter_map(|n| normalize_phone(n))
            .collect();
        let domains = community
            .confirmed_domains
            .iter()
            .filter_map(|d| clean_domain(d))
            .collect();
        Self {
            rules,
            numbers,
            domains,
        }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn check(&self, text: &str) -> Verdict {
        let text = truncate(text, MAX_CHARS);
        let text = vntext::nfc(text);
        let (links, apks) = extract::links(&text, &self.rules.domains.tlds);
        let phones = extract::phones(&text);

        let mut found = Found::default();
        self.phrase_signals(&mask(&text, links.iter().map(|l| l.span.clone()).chain(apks.iter().map(|a| a.span.clone()))), &mut found);
        let claims: Vec<usize> = found
            .hits
            .iter()
            .filter_map(|h| self.rules.signals[h.signal].claims)
            .collect();
        let infos: Vec<(HostInfo, bool, bool)> = links
            .iter()
            .map(|l| (self.rules.domains.analyze(&l.host), l.ip, l.apk))
            .collect();
        self.link_signals(&infos, &claims, &mut found);
        let c = &self.rules.computed;
        for apk in &apks {
            found.add(c.apk, self.reason(c.apk, &Fill { domain: &apk.name, ..Fill::default() }));
        }
        for p in &phones {
            if self.numbers.contains(&p.normalized) {
                let display = &text[p.span.clone()];
                found.add(
                    c.community_number,
                    self.reason(c.community_number, &Fill { number: display, ..Fill::default() }),
                );
            }
        }
        self.verdict(found)
    }

    /// Runs every phrase pattern over every sentence; a negatable signal only counts when at least
    /// one of its matches is not negated.
    fn phrase_signals(&self, text: &str, found: &mut Found) {
        let rules = &self.rules;
        let mut done = vec![false; rules.signals.len()];
        for toks in text::sentences(text) {
            let negations = self.negations(&toks);
            rules.matcher.scan(&toks, &mut done, |p, start, end| {
                !(rules.signals[p.signal].negatable && self.negated(&toks, &negations, start, end))
            });
        }
        for (sig, _) in done.iter().enumerate().filter(|(_, d)| **d) {
            found.add(sig, self.reason(sig, &Fill::default()));
        }
    }

    /// Every phrase-pattern match in `text`, negated ones included: what an admin needs to see
    /// when a rule fires where it should not.
    pub fn explain(&self, text: &str) -> Vec<PatternMatch> {
        let rules = &self.rules;
        let text = vntext::nfc(truncate(text, MAX_CHARS));
        let (links, apks) = extract::links(&text, &rules.domains.tlds);
        let masked = mask(&text, links.iter().map(|l| l.span.clone()).chain(apks.iter().map(|a| a.span.clone())));
        let mut out = Vec::new();
        for toks in text::sentences(&masked) {
            let negations = self.negations(&toks);
            let mut done = vec![false; rules.signals.len()];
            rules.matcher.scan(&toks, &mut done, |p, start, end| {
                let s = &rules.signals[p.signal];
                out.push(PatternMatch {
                    code: s.code.clone(),
                    pattern: p.source.to_string(),
                    words: toks[start..end].iter().map(|t| &*t.text).collect::<Vec<_>>().join(" "),
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

    fn link_signals(&self, infos: &[(HostInfo, bool, bool)], claims: &[usize], found: &mut Found) {
        let rules = &self.rules;
        let c = &rules.computed;
        let strict_claim = claims.iter().copied().find(|&k| rules.domains.kinds[k].strict);
        let mut all_vouched = !infos.is_empty();
        let mut first_official = None;
        for (info, ip, apk) in infos {
            let official = info.official.map(|o| &rules.domains.officials[o]);
            let domain = info.display.as_str();
            let before = found.hits.len();
            if self.domains.iter().any(|d| host_matches(&info.ascii, d)) {
                found.add(c.community_domain, self.reason(c.community_domain, &Fill { domain, ..Fill::default() }));
            }
            let simple = |sig: usize, on: bool, found: &mut Found| {
                if on {
                    found.add(sig, self.reason(sig, &Fill { domain, ..Fill::default() }));
                }
            };
            simple(c.ip, *ip, found);
            simple(c.apk, *apk, found);
            simple(c.shortener, info.shortener, found);
            simple(c.idn, info.idn, found);
            simple(c.risky_tld, info.risky_tld && official.is_none(), found);
            if let Some(o) = info.lookalike {
                let o = &rules.domains.officials[o];
                let kind = &rules.domains.kinds[o.kind];
                let fill = Fill {
                    domain,
                    official: o.domains.first().map_or("", String::as_str),
                    name: &o.name,
                    kind_vi: &kind.label_vi,
                    kind_en: &kind.label_en,
                    number: "",
                };
                found.add(kind.lookalike_signal, self.reason(kind.lookalike_signal, &fill));
            } else if official.is_none()
                && !info.shortener
                && let Some(k) = strict_claim
            {
                let kind = &rules.domains.kinds[k];
                let fill = Fill { domain, kind_vi: &kind.label_vi, kind_en: &kind.label_en, ..Fill::default() };
                found.add(c.claim_mismatch, self.reason(c.claim_mismatch, &fill));
            }
            let flagged = found.hits.len() > before || info.lookalike.is_some();
            if official.is_none() && !flagged {
                found.add(c.unknown, self.reason(c.unknown, &Fill { domain, ..Fill::default() }));
            }
            match official {
                Some(o) if rules.domains.kinds[o.kind].vouch && !flagged => {
                    first_official.get_or_insert((domain.to_owned(), o.name.clone()));
                }
                _ => all_vouched = false,
            }
        }
        if all_vouched && let Some((domain, name)) = first_official {
            found.add(c.official, self.reason(c.official, &Fill { domain: &domain, name: &name, ..Fill::default() }));
        }
    }

    fn reason(&self, sig: usize, fill: &Fill<'_>) -> Reason {
        let s = &self.rules.signals[sig];
        Reason {
            code: s.code.clone(),
            message_vi: render(&s.message_vi, fill, true),
            message_en: render(&s.message_en, fill, false),
            learn: s.learn.clone(),
            weight: s.weight,
        }
    }

    /// score = 1 − (1 − hard)·(1 − soft·(1 − calm)); see signals.toml for why.
    fn verdict(&self, found: Found) -> Verdict {
        let rules = &self.rules;
        let (mut hard_keep, mut soft_keep, mut calm) = (1.0f32, 1.0f32, 0.0f32);
        for h in &found.hits {
            let s = &rules.signals[h.signal];
            match s.kind {
                SignalKind::Safe => calm += -s.weight,
                k if k.is_hard() => hard_keep *= 1.0 - s.weight,
                _ => soft_keep *= 1.0 - s.weight,
            }
        }
        let calm = calm.min(rules.scoring.safe_cap);
        let soft = (1.0 - soft_keep) * (1.0 - calm);
        let score = (1.0 - hard_keep * (1.0 - soft)).clamp(0.0, 1.0);
        let level = if score >= rules.scoring.scam {
            Level::Scam
        } else if score >= rules.scoring.suspicious {
            Level::Suspicious
        } else {
            Level::Safe
        };
        let mut reasons: Vec<Reason> = found.hits.into_iter().map(|h| h.reason).collect();
        // Risks by falling weight, then reassurances by falling strength; stable for equal weights.
        reasons.sort_by(|a, b| {
            let key = |r: &Reason| if r.weight >= 0.0 { (0, -r.weight) } else { (1, r.weight) };
            key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
        });
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

struct Hit {
    signal: usize,
    reason: Reason,
}

/// Signals raised so far; each signal counts once.
#[derive(Default)]
struct Found {
    hits: Vec<Hit>,
}

impl Found {
    fn has(&self, signal: usize) -> bool {
        self.hits.iter().any(|h| h.signal == signal)
    }

    fn add(&mut self, signal: usize, reason: Reason) {
        if !self.has(signal) {
            self.hits.push(Hit { signal, reason });
        }
    }
}

fn render(template: &str, fill: &Fill<'_>, vi: bool) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    template
        .replace("{domain}", fill.domain)
        .replace("{official}", fill.official)
        .replace("{name}", fill.name)
        .replace("{kind}", if vi { fill.kind_vi } else { fill.kind_en })
        .replace("{number}", fill.number)
}

/// Replaces each span (links, file names) by the word "link" so patterns such as "bấm vào link" also
/// match a real address, and the words inside an address ("xac-minh") are not read as the message.
fn mask(text: &str, spans: impl Iterator<Item = std::ops::Range<usize>>) -> String {
    let mut spans: Vec<_> = spans.collect();
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        if s.start < at {
            continue;
        }
        out.push_str(&text[at..s.start]);
        out.push_str(" link ");
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// "https://www.Evil.top/x" → "evil.top"; `None` for something that is not a host name.
fn clean_domain(d: &str) -> Option<String> {
    let d = d.trim().to_lowercase();
    let d = d
        .strip_prefix("https://")
        .or_else(|| d.strip_prefix("http://"))
        .unwrap_or(&d);
    let host = d.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host).trim_end_matches('.');
    let ascii = idna::domain_to_ascii(host).ok()?;
    (ascii.contains('.') && !ascii.starts_with('.')).then_some(ascii)
}
