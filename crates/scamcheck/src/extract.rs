//! Finding links, .apk file names and phone numbers in raw message text.
//!
//! People paste links with and without "https://", glued to punctuation, in upper case, and write
//! numbers as 0912 345 678, 0912.345.678 or +84 912 345 678; all of these must be found.

use std::collections::HashSet;
use std::ops::Range;

/// A web address found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundLink {
    /// Byte range in the text, so the link can be masked before phrase matching.
    pub span: Range<usize>,
    /// Lowercase host as written (may contain non-Latin letters).
    pub host: String,
    /// A bare IPv4 address instead of a name.
    pub ip: bool,
    /// The path ends in .apk.
    pub apk: bool,
}

/// A word that names an .apk file but is not a web address ("etax-moi.apk").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundApk {
    pub span: Range<usize>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundPhone {
    pub span: Range<usize>,
    /// +84… for Vietnamese mobiles and landlines, bare digits for 1800/1900 service numbers.
    pub normalized: String,
}

impl FoundPhone {
    /// A personal mobile number (+84 3/5/7/8/9…), as opposed to a landline or a 1800/1900 hotline.
    pub fn is_mobile(&self) -> bool {
        self.normalized
            .strip_prefix("+84")
            .is_some_and(|rest| rest.len() == 9 && rest.starts_with(['3', '5', '7', '8', '9']))
    }
}

const SCHEMES: [&str; 4] = ["https://", "http://", "hxxps://", "hxxp://"];

/// Splits on whitespace and on characters that never occur inside a link as people paste them.
fn is_word_break(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | '，'
                | '|'
        )
}

fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_word_break(c) {
            if let Some(s) = start.take() {
                out.push((s, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
}

/// Links and bare .apk names. `tlds` are the endings accepted without a scheme.
pub(crate) fn links(text: &str, tlds: &HashSet<String>) -> (Vec<FoundLink>, Vec<FoundApk>) {
    let mut found = Vec::new();
    let mut apks = Vec::new();
    for (offset, raw) in words(text) {
        let trimmed = raw.trim_end_matches(['.', ';', ':', '!', '?', '…']);
        let (skip, word) = split_label_colon(trimmed);
        let span = offset + skip..offset + trimmed.len();
        let lower = word.to_lowercase();
        match parse_link(&lower, tlds) {
            Some((host, ip, apk)) => found.push(FoundLink {
                span,
                host,
                ip,
                apk,
            }),
            None if path_of(&lower).ends_with(".apk") && lower.len() > 4 => {
                apks.push(FoundApk { span, name: lower })
            }
            None => {}
        }
    }
    (found, apks)
}

/// "tại:vietcombank-vn.com" → skip the label before the colon; keeps "host:8080" and "https://".
fn split_label_colon(word: &str) -> (usize, &str) {
    if SCHEMES.iter().any(|s| word.to_lowercase().starts_with(s)) {
        return (0, word);
    }
    match word.find(':') {
        Some(i) if !word[i + 1..].starts_with(|c: char| c.is_ascii_digit()) => {
            (i + 1, &word[i + 1..])
        }
        _ => (0, word),
    }
}

fn path_of(s: &str) -> &str {
    s.split(['?', '#']).next().unwrap_or(s)
}

/// (host, is_ip, path ends in .apk) when `word` is a web address.
fn parse_link(word: &str, tlds: &HashSet<String>) -> Option<(String, bool, bool)> {
    let (rest, has_scheme) = match SCHEMES.iter().find_map(|s| word.strip_prefix(s)) {
        Some(r) => (r, true),
        None => (word, false),
    };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (mut authority, path) = rest.split_at(auth_end);
    if let Some(at) = authority.rfind('@') {
        // "https://vietcombank.com.vn@evil.top" goes to evil.top; without a scheme it is an email.
        if !has_scheme {
            return None;
        }
        authority = &authority[at + 1..];
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return None,
        None => authority,
    };
    let host = host.trim_end_matches('.');
    let has_www = host.starts_with("www.");
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || !l
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
    {
        return None;
    }
    let apk = path_of(path).ends_with(".apk");
    let ip = labels.len() == 4
        && labels.iter().all(|l| {
            l.len() <= 3
                && l.bytes().all(|b| b.is_ascii_digit())
                && l.parse::<u16>().is_ok_and(|n| n <= 255)
        });
    if ip {
        return Some((host.to_owned(), true, apk));
    }
    let tld = labels.last().copied().unwrap_or_default();
    // A file or dossier number with a dot ("hồ sơ số 134446.GD/2021/00107") is not an address: a
    // bare name of digits only is read as one under .vn, .com and .net alone ("1400.vn").
    if !has_scheme
        && !has_www
        && labels[..labels.len() - 1]
            .iter()
            .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        && !matches!(tld, "vn" | "com" | "net")
    {
        return None;
    }
    let tld_ok = if has_scheme || has_www {
        tld.len() >= 2 && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"))
    } else {
        tlds.contains(tld)
    };
    tld_ok.then(|| (host.to_owned(), false, apk))
}

/// Vietnamese phone numbers in any common spacing.
pub(crate) fn phones(text: &str) -> Vec<FoundPhone> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit()
            || (bytes[i] == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            && (i == 0 || !is_word_byte(bytes[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let (end, best) = scan_number(bytes, i);
        if let Some((stop, normalized)) = best {
            out.push(FoundPhone {
                span: i..stop,
                normalized,
            });
        }
        i = end.max(i + 1);
    }
    out
}

/// A byte that continues a word (ASCII letter/digit or part of a non-ASCII letter).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Reads digit groups separated by single spaces, dots or dashes from `start`; returns where the run
/// ends and the longest prefix (ending at a group boundary) that is a valid number.
fn scan_number(bytes: &[u8], start: usize) -> (usize, Option<(usize, String)>) {
    let mut digits = String::new();
    let plus = bytes[start] == b'+';
    let mut i = start + usize::from(plus);
    let mut best = None;
    loop {
        let group_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            digits.push(char::from(bytes[i]));
            i += 1;
        }
        if i == group_start || digits.len() > 12 {
            break;
        }
        let followed_by_word = bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80);
        if !followed_by_word && let Some(n) = normalize_digits(&digits, plus) {
            best = Some((i, n));
        }
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b' ' | b'.' | b'-'), Some(d)) if d.is_ascii_digit() => i += 1,
            _ => break,
        }
    }
    (i, best)
}

fn normalize_digits(d: &str, plus: bool) -> Option<String> {
    if let Some(rest) = d.strip_prefix("84")
        && (rest.len() == 9 || (rest.len() == 10 && rest.starts_with('2')))
        && (plus || d.len() >= 11)
    {
        return Some(format!("+84{rest}"));
    }
    if plus {
        return None;
    }
    if let Some(rest) = d.strip_prefix('0')
        && !rest.starts_with('0')
        && (rest.len() == 9 || (rest.len() == 10 && rest.starts_with('2')))
    {
        return Some(format!("+84{rest}"));
    }
    if (d.starts_with("1800") || d.starts_with("1900")) && (d.len() == 8 || d.len() == 10) {
        return Some(d.to_owned());
    }
    None
}

/// Every phone number in `text`: its byte range in `text` as given and its normalised form. Lets the
/// platform strip a reporter's own number from a message in whatever spelling it was written.
pub fn find_phones(text: &str) -> Vec<(Range<usize>, String)> {
    phones(text)
        .into_iter()
        .map(|p| (p.span, p.normalized))
        .collect()
}

/// Normalises a phone number the way the platform stores them: "+84…" for Vietnamese numbers, bare
/// digits for 1800/1900 numbers. `None` when it is not a Vietnamese phone number.
pub fn normalize_phone(s: &str) -> Option<String> {
    let t = s.trim();
    let plus = t.starts_with('+');
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    normalize_digits(&digits, plus)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlds() -> HashSet<String> {
        ["com", "vn", "net", "top", "ly", "xyz", "gd"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    fn hosts(text: &str) -> Vec<String> {
        links(text, &tlds()).0.into_iter().map(|l| l.host).collect()
    }

    #[test]
    fn links_with_and_without_scheme() {
        assert_eq!(
            hosts("Truy cap https://vietcombank-vn.com/xac-minh ngay"),
            ["vietcombank-vn.com"]
        );
        assert_eq!(
            hosts("vao VIETCOMBANK-VN.COM/xac-minh."),
            ["vietcombank-vn.com"]
        );
        assert_eq!(
            hosts("tại:dichvucong.gov.vn, đăng nhập"),
            ["dichvucong.gov.vn"]
        );
        assert_eq!(hosts("(bit.ly/abc)"), ["bit.ly"]);
    }

    #[test]
    fn not_links() {
        assert!(hosts("Nộp 1.500.000đ. Xong.Cảm ơn, Tp.HCM, v.v. ST90.").is_empty());
        assert!(hosts("gửi về abc@gmail.com nhé").is_empty());
        assert!(hosts("ảnh.jpg").is_empty());
        assert!(hosts("so ho so la 134446.GD/2021/00107. Vui long").is_empty());
        assert_eq!(hosts("Website 1400.vn."), ["1400.vn"]);
    }

    #[test]
    fn userinfo_trick_goes_to_the_real_host() {
        assert_eq!(
            hosts("https://vietcombank.com.vn@evil.top/login"),
            ["evil.top"]
        );
    }

    #[test]
    fn ip_and_apk() {
        let (l, a) = links(
            "http://103.72.96.14/hoanthue va 45.119.82.7:8080/login, tai etax.apk",
            &tlds(),
        );
        assert!(l.iter().all(|l| l.ip));
        assert_eq!(l.len(), 2);
        assert_eq!(a.len(), 1);
        let (l, _) = links("https://dvc-app.com/dvc.apk?x=1", &tlds());
        assert!(l[0].apk);
    }

    #[test]
    fn unicode_hosts_are_kept() {
        assert_eq!(hosts("vào https://аgribank.com"), ["аgribank.com"]);
    }

    fn numbers(text: &str) -> Vec<String> {
        phones(text).into_iter().map(|p| p.normalized).collect()
    }

    #[test]
    fn phone_spellings() {
        assert_eq!(numbers("goi 0912 345 678 nhe"), ["+84912345678"]);
        assert_eq!(numbers("goi 0912.345.678"), ["+84912345678"]);
        assert_eq!(numbers("+84 912 345 678"), ["+84912345678"]);
        assert_eq!(numbers("84912345678"), ["+84912345678"]);
        assert_eq!(numbers("0233 3852 123"), ["+842333852123"]);
        assert_eq!(numbers("tong dai 1900 6868 99"), ["1900686899"]);
    }

    #[test]
    fn mobiles_are_told_from_hotlines_and_landlines() {
        let mobile = |t: &str| {
            phones(t)
                .iter()
                .map(FoundPhone::is_mobile)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            mobile("0912 345 678, 0233 3852 123, 1900 545 426"),
            [true, false, false]
        );
    }

    #[test]
    fn amounts_dates_and_codes_are_not_phones() {
        assert!(
            numbers("1.500.000d ngay 10-11-2025 luc 09:15, ma 482913, ref12345678901").is_empty()
        );
        assert!(numbers("PC05BB0123456").is_empty());
    }

    #[test]
    fn normalize_phone_for_community_lists() {
        assert_eq!(
            normalize_phone("0912-345-678").as_deref(),
            Some("+84912345678")
        );
        assert_eq!(
            normalize_phone("+84912345678").as_deref(),
            Some("+84912345678")
        );
        assert_eq!(normalize_phone("12345"), None);
    }
}
