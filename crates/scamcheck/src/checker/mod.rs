//! Checking one message: phrase signals, then links and numbers, then the score.

mod links;
mod phrases;
mod score;
mod sender;

use std::collections::HashSet;

use crate::extract::{self, normalize_phone};
use crate::rules::Rules;
use crate::verdict::{CommunityData, Evidence, PatternMatch, Reason, Verdict};

/// Longest input examined. Pasted messages are a few hundred characters; a cap keeps a pasted book
/// from tying up a request thread, and scam cues sit at the start anyway.
pub const MAX_CHARS: usize = 8_000;

/// A ready checker: rules plus community data. Cheap to share between threads (`&self` only).
#[derive(Debug, Clone)]
pub struct Checker {
    rules: Rules,
    model: Option<crate::model::NgramModel>,
    numbers: HashSet<String>,
    domains: Vec<String>,
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
            model: None,
            numbers,
            domains,
        }
    }

    /// The learnt wording model used next to the rules (`content/scam/model.toml`).
    pub fn with_model(mut self, model: Option<crate::model::NgramModel>) -> Self {
        self.model = model;
        self
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn check(&self, text: &str) -> Verdict {
        self.check_from(text, None)
    }

    /// [`Checker::check`] with the sender as shown on the phone: a brand name ("Viettel", "VCB"), a
    /// short code ("191"), a phone number, or "Zalo"/"Facebook"/other.
    pub fn check_from(&self, text: &str, sender: Option<&str>) -> Verdict {
        let input = Input::new(text, &self.rules);
        let mut found = Found::default();
        self.phrase_signals(&input.masked, &mut found);
        self.link_signals(&input, &mut found);
        self.number_signals(&input, &mut found);
        self.sender_signals(sender.filter(|s| !s.trim().is_empty()), &mut found);
        self.verdict(found, &input)
    }

    /// Every phrase-pattern match in `text`, negated ones included: what an admin needs to see
    /// when a rule fires where it should not.
    pub fn explain(&self, text: &str) -> Vec<PatternMatch> {
        self.pattern_matches(&Input::new(text, &self.rules).masked)
    }

    /// The numbers and non-official, non-shortener hosts in `text`, each once, in order of appearance.
    pub fn evidence(&self, text: &str) -> Evidence {
        let input = Input::new(text, &self.rules);
        let mut ev = Evidence::default();
        for p in &input.phones {
            if !ev.numbers.contains(&p.normalized) {
                ev.numbers.push(p.normalized.clone());
            }
        }
        for link in &input.links {
            let info = self.rules.domains.analyze(&link.host);
            if info.official.is_some() || info.shortener {
                continue;
            }
            if let Some(d) = clean_domain(&info.ascii)
                && !ev.domains.contains(&d)
            {
                ev.domains.push(d);
            }
        }
        ev
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
}

/// The message, what was extracted from it, and the text phrases are matched on.
struct Input {
    text: String,
    links: Vec<extract::FoundLink>,
    apks: Vec<extract::FoundApk>,
    phones: Vec<extract::FoundPhone>,
    masked: String,
    /// Only a phone number or a link, with at most a couple of words around it.
    bare: bool,
}

/// The link starting at `start` is named by a warning as a fake: "giả mạo", "mạo danh" or "lừa
/// đảo" comes before it with nothing in between but "như", "là", other links and list punctuation.
/// "Để tránh lừa đảo, hãy đăng nhập tại …" has words in between and keeps its link.
fn cited_as_fake(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(120);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = vntext::fold(&text[from..start]);
    let Some(at) = ["gia mao", "mao danh", "lua dao"]
        .iter()
        .filter_map(|m| before.rfind(m).map(|i| i + m.len()))
        .max()
    else {
        return false;
    };
    const FILLER: &[&str] = &[
        "nhu", "la", "va", "hoac", "cac", "link", "trang", "web", "website", "ten", "mien",
    ];
    before[at..]
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"'))
        .filter(|w| !w.is_empty())
        .all(|w| w.contains('.') || FILLER.contains(&w))
}

impl Input {
    fn new(text: &str, rules: &Rules) -> Self {
        let text = vntext::nfc(truncate(text, MAX_CHARS));
        let (links, apks) = extract::links(&text, &rules.domains.tlds);
        let phones = extract::phones(&text);
        let spans = links
            .iter()
            .map(|l| l.span.clone())
            .chain(apks.iter().map(|a| a.span.clone()));
        // Look-alike letters are undone after links are masked: a domain keeps its digits for the
        // link checks, and phone numbers are read from the original text.
        // Memos are found on the text as written: "820,000VND|ND:" keeps its bar, which the
        // look-alike pass would read as a letter.
        let masked = mask(&text, spans);
        // Links a warning names as fakes ("các link giả mạo như vietinbank-ipay.com, …") are not the
        // message's own links; their text stays masked like any link.
        let links: Vec<_> = links
            .into_iter()
            .filter(|l| !cited_as_fake(&text, l.span.start))
            .collect();
        let masked = crate::text::mask_transfer_memo(&masked);
        let masked = crate::text::unmask_lookalikes(&masked).into_owned();
        let masked = crate::text::join_dotted_letters(&masked).into_owned();
        let bare = (!links.is_empty() || !phones.is_empty()) && {
            let rest = mask(
                &text,
                links
                    .iter()
                    .map(|l| l.span.clone())
                    .chain(phones.iter().map(|p| p.span.clone())),
            );
            rest.split_whitespace()
                .filter(|w| *w != "link" && w.chars().any(char::is_alphabetic))
                .count()
                <= 2
        };
        Self {
            text,
            links,
            apks,
            phones,
            masked,
            bare,
        }
    }
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

struct Hit {
    signal: usize,
    reason: Reason,
}

/// Signals raised so far; each signal counts once.
#[derive(Default)]
struct Found {
    hits: Vec<Hit>,
    /// Every link is on the own domain of an organisation whose links show an offer is theirs.
    brand_links: bool,
    /// The sender is in the registry.
    known_sender: bool,
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
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .trim_end_matches('.');
    let ascii = idna::domain_to_ascii(host).ok()?;
    (ascii.contains('.') && !ascii.starts_with('.')).then_some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_replaces_spans_with_the_word_link() {
        assert_eq!(
            mask("vao abc.com nhe", std::iter::once(4..11)),
            "vao  link  nhe"
        );
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("mã OTP", 2), "mã");
        assert_eq!(truncate("ab", 5), "ab");
    }

    #[test]
    fn community_domains_are_cleaned() {
        assert_eq!(
            clean_domain(" https://www.Evil.TOP/x ").as_deref(),
            Some("evil.top")
        );
        assert_eq!(clean_domain("not a domain"), None);
    }
}
