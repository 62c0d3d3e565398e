//! Judging a host name: official, look-alike of an official brand, shortener, risky ending, IDN.

use std::collections::{HashMap, HashSet};

/// A kind of organisation from `domains.toml` (gov, bank, …).
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    /// A link to this kind's own domains makes a message look safer.
    pub vouch: bool,
    /// A message claiming to be this kind must not carry other links.
    pub strict: bool,
    /// Signal raised for a look-alike of this kind.
    pub lookalike_signal: usize,
    /// A link on such an organisation's own domain shows that an offer is really the brand's.
    pub ads: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Official {
    pub kind: usize,
    pub name: String,
    /// ASCII (punycode) form, lowercase.
    pub domains: Vec<String>,
    pub brands: Vec<String>,
}

#[derive(Debug, Clone)]
struct Brand {
    skeleton: String,
    official: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct DomainRules {
    /// Sender names and short codes from the registry ([`sender_key`] form) → official index.
    pub senders: HashMap<String, usize>,
    pub kinds: Vec<Kind>,
    pub officials: Vec<Official>,
    pub tlds: HashSet<String>,
    brands: Vec<Brand>,
    two_level: HashSet<String>,
    risky: HashSet<String>,
    shorteners: Vec<String>,
    app_links: Vec<String>,
    extra: Vec<String>,
    single: HashMap<char, char>,
    multi: Vec<(String, String)>,
}

/// What is known about one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostInfo {
    /// Unicode form, for messages.
    pub display: String,
    /// ASCII form (punycode), for comparisons.
    pub ascii: String,
    pub registrable: String,
    pub official: Option<usize>,
    pub lookalike: Option<usize>,
    /// Contains non-ASCII letters or punycode labels.
    pub idn: bool,
    pub shortener: bool,
    pub risky_tld: bool,
}

pub(crate) struct DomainLists {
    pub two_level: Vec<String>,
    pub tlds: Vec<String>,
    pub risky: Vec<String>,
    pub shorteners: Vec<String>,
    pub app_links: Vec<String>,
    pub extra: Vec<String>,
    pub single: HashMap<char, char>,
    pub multi: Vec<(String, String)>,
}

/// Follows chains such as "ı" → "i" → "l" so every character maps straight to its final letter.
/// Cycles stop after a few steps instead of looping.
fn resolve_chains(map: HashMap<char, char>) -> HashMap<char, char> {
    map.iter()
        .map(|(&from, &to)| {
            let mut end = to;
            for _ in 0..8 {
                match map.get(&end) {
                    Some(&next) if next != end => end = next,
                    _ => break,
                }
            }
            (from, end)
        })
        .collect()
}

/// `host` is `domain` or one of its subdomains.
pub(crate) fn host_matches(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

impl DomainRules {
    pub fn new(kinds: Vec<Kind>, officials: Vec<Official>, lists: DomainLists) -> Self {
        let mut rules = Self {
            senders: HashMap::new(),
            kinds,
            officials,
            tlds: lists.tlds.into_iter().collect(),
            brands: Vec::new(),
            two_level: lists.two_level.into_iter().collect(),
            risky: lists.risky.into_iter().collect(),
            shorteners: lists.shorteners,
            app_links: lists.app_links,
            extra: Vec::new(),
            single: resolve_chains(lists.single),
            multi: lists.multi,
        };
        rules.extra = lists.extra.iter().map(|w| rules.skeleton(w)).collect();
        rules.brands = rules
            .officials
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.brands.iter().map(move |b| (i, b)))
            .map(|(official, b)| Brand {
                skeleton: rules.skeleton(b),
                official,
            })
            .collect();
        rules
    }

    /// Folds diacritics and maps look-alike characters to the ASCII letters they imitate, so
    /// "vіetcombank" (Cyrillic і), "vietc0mbank" and "vietcombank" compare equal.
    pub fn skeleton(&self, s: &str) -> String {
        let mapped: String = vntext::fold(s)
            .chars()
            .map(|c| self.single.get(&c).copied().unwrap_or(c))
            .collect();
        self.multi
            .iter()
            .fold(mapped, |acc, (from, to)| acc.replace(from.as_str(), to))
    }

    pub fn analyze(&self, host: &str) -> HostInfo {
        let ascii = idna::domain_to_ascii(host).unwrap_or_else(|_| host.to_owned());
        let (display, _) = idna::domain_to_unicode(&ascii);
        let idn = !host.is_ascii() || ascii.split('.').any(|l| l.starts_with("xn--"));
        let labels: Vec<&str> = display.split('.').collect();
        let suffix_len = self.suffix_len(&labels);
        let registrable = labels[labels.len().saturating_sub(suffix_len + 1)..].join(".");
        let app_label = self.app_link_label(&ascii);
        let official = self
            .official_of(&ascii)
            .or_else(|| app_label.and_then(|l| self.brand_app_link(l)));
        // A brand's own name under an app-link service is not a look-alike, even when the brand is
        // too short to be vouched for: the name is issued by the service, not bought by a stranger.
        let brand_label = app_label.is_some_and(|l| self.exact_brand(l).is_some());
        let lookalike = if official.is_some() || brand_label {
            None
        } else {
            self.lookalike(&labels[..labels.len().saturating_sub(suffix_len)])
        };
        let tld = ascii.rsplit('.').next().unwrap_or_default();
        HostInfo {
            shortener: self.shorteners.iter().any(|s| host_matches(&ascii, s)),
            // "page.link", "go.link": the ending is the service's, not a throwaway domain's.
            risky_tld: self.risky.contains(tld) && app_label.is_none(),
            display,
            registrable,
            official,
            lookalike,
            idn,
            ascii,
        }
    }

    fn suffix_len(&self, labels: &[&str]) -> usize {
        if labels.len() >= 3 {
            let last_two = labels[labels.len() - 2..].join(".");
            if self.two_level.contains(&last_two) {
                return 2;
            }
        }
        1
    }

    /// The one label of a host directly under an app-link service ("momo" of `momo.onelink.me`).
    fn app_link_label<'a>(&self, ascii: &'a str) -> Option<&'a str> {
        let service = self.app_links.iter().find(|s| {
            ascii
                .strip_suffix(s.as_str())
                .is_some_and(|p| p.ends_with('.'))
        })?;
        let label = ascii.strip_suffix(service.as_str())?.strip_suffix('.')?;
        (!label.is_empty() && !label.contains('.')).then_some(label)
    }

    /// The brand whose word is exactly this label, and its length in letters.
    fn exact_brand(&self, label: &str) -> Option<(usize, usize)> {
        let sk = self.skeleton(label);
        self.brands
            .iter()
            .find(|b| b.skeleton == sk)
            .map(|b| (b.official, b.skeleton.chars().count()))
    }

    /// `<brand>.onelink.me`, `<brand>.go.link`: an app-link service's subdomain named exactly after a
    /// brand of at least four letters (momo, tiki, vnpt, viettel). Such subdomains are issued to the
    /// app's publisher account, so carriers, banks and e-wallets use them for deep links in genuine
    /// promotions; three-letter names are left out because an acronym (acb, vib, shb) is shared by
    /// many publishers and easy to take first. The brand must be the whole label:
    /// `vietcombank-hotro.onelink.me` is not the bank's.
    fn brand_app_link(&self, label: &str) -> Option<usize> {
        self.exact_brand(label)
            .filter(|&(_, len)| len >= 4)
            .map(|(official, _)| official)
    }

    /// The official entry whose domain matches most specifically.
    fn official_of(&self, ascii: &str) -> Option<usize> {
        self.officials
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.domains.iter().map(move |d| (i, d)))
            .filter(|(_, d)| host_matches(ascii, d))
            .max_by_key(|(_, d)| d.len())
            .map(|(i, _)| i)
    }

    /// The official entry whose brand a link's path names ("tichphan.vip/doidiemvietcombank"): a
    /// page on a stranger's host dressed as the brand. Only strong evidence counts — the brand as a
    /// whole word, glued to a known extra word, or (six letters or more) inside a word; no typos, so
    /// ordinary path words do not match by chance.
    pub(crate) fn brand_in_path(&self, path: &str) -> Option<usize> {
        let mut best: Option<(u8, usize, usize)> = None;
        for seg in path
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|s| !s.is_empty())
        {
            let sk = self.skeleton(&seg.to_lowercase());
            let words: Vec<&str> = sk.split(['-', '_']).filter(|w| !w.is_empty()).collect();
            let joined: String = words.concat();
            for brand in &self.brands {
                let score = self.brand_score(&brand.skeleton, &words, &joined);
                let len = brand.skeleton.chars().count();
                if score >= 3 && best.is_none_or(|(s, l, _)| (score, len) > (s, l)) {
                    best = Some((score, len, brand.official));
                }
            }
        }
        best.map(|(_, _, official)| official)
    }

    /// The official entry whose brand the labels imitate, best evidence first: the brand as a whole
    /// word or glued to a known extra word, then inside a word (long brands), then with typos.
    fn lookalike(&self, labels: &[&str]) -> Option<usize> {
        let mut best: Option<(u8, usize, usize)> = None;
        for label in labels {
            let sk = self.skeleton(label);
            let words: Vec<&str> = sk.split(['-', '_']).filter(|w| !w.is_empty()).collect();
            let joined: String = words.concat();
            for brand in &self.brands {
                let score = self.brand_score(&brand.skeleton, &words, &joined);
                let len = brand.skeleton.chars().count();
                if score > 0 && best.is_none_or(|(s, l, _)| (score, len) > (s, l)) {
                    best = Some((score, len, brand.official));
                }
            }
        }
        best.map(|(_, _, official)| official)
    }

    fn brand_score(&self, b: &str, words: &[&str], joined: &str) -> u8 {
        if words.contains(&b) {
            return 4;
        }
        let glued = |w: &str| {
            self.extra.iter().any(|e| {
                w.strip_prefix(b).is_some_and(|rest| rest == e)
                    || w.strip_suffix(b).is_some_and(|rest| rest == e)
            })
        };
        if words.iter().any(|w| glued(w)) || glued(joined) {
            return 4;
        }
        let len = b.chars().count();
        if len >= 6 && joined.contains(b) {
            return 3;
        }
        // Short brands only count whole; longer ones tolerate one typo, 9+ letters two.
        let max_typos = match len {
            0..=5 => return 0,
            6..=8 => 1,
            _ => 2,
        };
        let close = |w: &str| w.chars().count() >= 4 && strsim::osa_distance(w, b) <= max_typos;
        if words.iter().any(|w| close(w)) || close(joined) {
            return 2;
        }
        0
    }
}

/// How a sender is compared with the registry: lowercase ASCII letters and digits only, so
/// "VIETCOMBANK", "Vietcombank" and "Viet combank" match, and "1900 545 413" is "1900545413".
pub(crate) fn sender_key(s: &str) -> String {
    vntext::fold(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> DomainRules {
        let kinds = vec![Kind {
            name: "bank".into(),
            label_vi: "ngân hàng".into(),
            label_en: "a bank".into(),
            vouch: true,
            strict: true,
            lookalike_signal: 0,
            ads: true,
        }];
        let official = |name: &str, domains: &[&str], brands: &[&str]| Official {
            kind: 0,
            name: name.into(),
            domains: domains.iter().map(|s| (*s).to_owned()).collect(),
            brands: brands.iter().map(|s| (*s).to_owned()).collect(),
        };
        let officials = vec![
            official(
                "Vietcombank",
                &["vietcombank.com.vn"],
                &["vietcombank", "vcb"],
            ),
            official("VietinBank", &["vietinbank.vn"], &["vietinbank", "ipay"]),
            official("Gov", &["gov.vn"], &["gov"]),
            official("DVC", &["dichvucong.gov.vn"], &["dichvucong"]),
        ];
        let single = [('а', 'a'), ('і', 'i'), ('0', 'o'), ('1', 'l'), ('i', 'l')]
            .into_iter()
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        DomainRules::new(
            kinds,
            officials,
            DomainLists {
                two_level: strings(&["com.vn", "gov.vn"]),
                tlds: strings(&["com", "vn"]),
                risky: strings(&["top", "link"]),
                shorteners: strings(&["bit.ly"]),
                app_links: strings(&["onelink.me", "go.link"]),
                extra: strings(&["vn", "online"]),
                single,
                multi: vec![("rn".into(), "m".into())],
            },
        )
    }

    fn lookalike_name(host: &str) -> Option<String> {
        let r = rules();
        r.analyze(host)
            .lookalike
            .map(|i| r.officials[i].name.clone())
    }

    #[test]
    fn brand_app_links_are_the_brands() {
        let r = rules();
        assert_eq!(r.analyze("vietcombank.onelink.me").official, Some(0));
        assert_eq!(r.analyze("vietinbank.go.link").official, Some(1));
        // Not the whole label, a three-letter brand, or a deeper name: not vouched for.
        assert_eq!(r.analyze("vietcombank-hotro.onelink.me").official, None);
        assert_eq!(r.analyze("vcb.onelink.me").official, None);
        assert_eq!(r.analyze("x.vietcombank.onelink.me").official, None);
        assert_eq!(r.analyze("onelink.me").official, None);
        // A four-letter brand is the brand's; a three-letter one is no look-alike either, only unknown.
        assert_eq!(r.analyze("ipay.onelink.me").official, Some(1));
        assert_eq!(r.analyze("vcb.onelink.me").lookalike, None);
        assert_eq!(r.analyze("vcb-hotro.onelink.me").lookalike, Some(0));
        // The service's own ending is not a throwaway domain's.
        assert!(!r.analyze("vcb.go.link").risky_tld);
        assert!(r.analyze("evil.link").risky_tld);
    }

    #[test]
    fn official_domains_and_subdomains() {
        let r = rules();
        assert_eq!(r.analyze("vietcombank.com.vn").official, Some(0));
        assert_eq!(
            r.analyze("vcbdigibank.vietcombank.com.vn").official,
            Some(0)
        );
        assert_eq!(r.analyze("dichvucong.gov.vn").official, Some(3));
        assert_eq!(r.analyze("quangtri.gov.vn").official, Some(2));
        assert_eq!(r.analyze("notvietcombank.com.vn").official, None);
    }

    #[test]
    fn lookalikes() {
        assert_eq!(
            lookalike_name("vietcombank-vn.com").as_deref(),
            Some("Vietcombank")
        );
        assert_eq!(
            lookalike_name("vcb-online.top").as_deref(),
            Some("Vietcombank")
        );
        assert_eq!(
            lookalike_name("vcbonline.com").as_deref(),
            Some("Vietcombank")
        );
        assert_eq!(
            lookalike_name("vietcornbank.com").as_deref(),
            Some("Vietcombank")
        );
        assert_eq!(
            lookalike_name("vietc0mbank.com").as_deref(),
            Some("Vietcombank")
        );
        assert_eq!(
            lookalike_name("vietlnbank.vn").as_deref(),
            Some("VietinBank")
        );
        assert_eq!(
            lookalike_name("vіetіnbank.com").as_deref(),
            Some("VietinBank")
        );
        assert_eq!(
            lookalike_name("dichvucong.gov.vn.hoso.net").as_deref(),
            Some("DVC")
        );
        assert_eq!(lookalike_name("dichvucong-gov.com").as_deref(), Some("DVC"));
        assert_eq!(lookalike_name("thegioididong.com"), None);
        assert_eq!(lookalike_name("vcbx.com"), None);
    }

    #[test]
    fn brands_named_in_a_path() {
        let r = rules();
        assert_eq!(r.brand_in_path("/DDoiiemVietcombankqq"), Some(0));
        assert_eq!(r.brand_in_path("/doi-diem/vcb"), Some(0));
        // A short brand glued to other letters, or a word close to a brand: no evidence.
        assert_eq!(r.brand_in_path("/doidiemvcbx"), None);
        assert_eq!(r.brand_in_path("/tin-tuc/lai-suat"), None);
        assert_eq!(r.brand_in_path(""), None);
    }

    #[test]
    fn punycode_is_decoded_and_compared() {
        let r = rules();
        let info = r.analyze("xn--vitcombank-lsi.com");
        assert!(info.idn);
        assert_eq!(info.display, "viеtcombank.com");
        assert_eq!(info.lookalike, Some(0));
    }

    #[test]
    fn registrable_domain() {
        let r = rules();
        assert_eq!(
            r.analyze("a.b.vietcombank.com.vn").registrable,
            "vietcombank.com.vn"
        );
        assert_eq!(r.analyze("x.evil.top").registrable, "evil.top");
        assert!(r.analyze("bit.ly").shortener);
        assert!(r.analyze("evil.top").risky_tld);
    }
}
