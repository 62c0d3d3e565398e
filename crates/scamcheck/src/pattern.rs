//! Phrase patterns: parsing the small pattern language of `signals.toml` and matching it on tokens.
//!
//! Every word of a pattern goes through the same `vntext::search_terms` as the message, so a pattern
//! written "ck" and a message written "chuyển khoản" meet in the middle whatever teen code vntext
//! expands. See the header of `content/scam/signals.toml` for the syntax.

use std::collections::HashMap;

/// One folded word sequence ("ma", "otp").
pub(crate) type Seq = Vec<Box<str>>;

#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// Any one of these word sequences.
    Alt(Vec<Seq>),
    /// Any token starting with a digit.
    Number,
    /// Skip 0..=n tokens.
    Gap(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub signal: usize,
    pub items: Vec<Item>,
    /// The pattern as written, for explanations.
    pub source: Box<str>,
}

/// A token of the message, with the clause it came from (negation does not reach across commas).
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub text: Box<str>,
    pub clause: u32,
    pub numeric: bool,
}

impl Tok {
    pub fn new(text: &str, clause: u32) -> Self {
        Self {
            text: text.into(),
            clause,
            numeric: text.starts_with(|c: char| c.is_ascii_digit()),
        }
    }
}

const MAX_GAP: usize = 10;

/// Folds a phrase exactly as message text is folded.
pub(crate) fn fold_phrase(s: &str) -> Seq {
    vntext::search_terms(s)
        .iter()
        .flat_map(|t| t.split_whitespace().map(Box::from).collect::<Vec<_>>())
        .collect()
}

/// Starts a number word inside a phrase: `#` is any number, `#h` a number written with that unit
/// ("24h", "16h"). Message tokens are alphanumeric, so they never start with it.
const NUMBER: char = '#';

/// Folds a phrase of a pattern or group, keeping number words (`#`, `#h`) in place.
pub(crate) fn fold_pattern_phrase(s: &str) -> Seq {
    s.split_whitespace()
        .flat_map(|w| match w.strip_prefix(NUMBER) {
            Some(unit) => vec![format!("{NUMBER}{}", vntext::fold(unit)).into_boxed_str()],
            None => fold_phrase(w),
        })
        .collect()
}

/// Parses one pattern. `groups` holds the folded phrases of each `[groups]` entry.
pub(crate) fn parse(
    src: &str,
    groups: &HashMap<String, Vec<Seq>>,
    default_gap: usize,
) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut rest = src.trim();
    while !rest.is_empty() {
        let (word, tail) = if let Some(inner) = rest.strip_prefix('(') {
            let close = inner
                .find(')')
                .ok_or_else(|| format!("'(' without ')' in pattern \"{src}\""))?;
            (&rest[..close + 2], &inner[close + 1..])
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        items.push(parse_item(word, src, groups, default_gap)?);
        rest = tail.trim_start();
    }
    validate(&items, src)?;
    Ok(items)
}

fn parse_item(
    word: &str,
    src: &str,
    groups: &HashMap<String, Vec<Seq>>,
    default_gap: usize,
) -> Result<Item, String> {
    if word == "#" {
        return Ok(Item::Number);
    }
    if let Some(n) = word.strip_prefix('*') {
        let gap = if n.is_empty() {
            default_gap
        } else {
            n.parse::<usize>()
                .map_err(|_| format!("bad gap \"{word}\" in pattern \"{src}\" (use * or *N)"))?
        };
        if gap == 0 || gap > MAX_GAP {
            return Err(format!(
                "gap \"{word}\" must be 1..={MAX_GAP} in pattern \"{src}\""
            ));
        }
        return Ok(Item::Gap(gap));
    }
    if let Some(name) = word.strip_prefix('@') {
        return groups
            .get(name)
            .map(|seqs| Item::Alt(seqs.clone()))
            .ok_or_else(|| format!("unknown group @{name} in pattern \"{src}\""));
    }
    let inner = word
        .strip_prefix('(')
        .and_then(|w| w.strip_suffix(')'))
        .unwrap_or(word);
    let mut alts = Vec::new();
    for alt in inner.split('|') {
        if let Some(unit) = alt.split_whitespace().find_map(|w| w.strip_prefix(NUMBER))
            && !unit.chars().all(char::is_alphanumeric)
        {
            return Err(format!("bad number word \"#{unit}\" in pattern \"{src}\""));
        }
        if alt.contains(['*', '@', '(', ')']) {
            return Err(format!(
                "\"{alt}\" in pattern \"{src}\": * and @ cannot be alternatives"
            ));
        }
        let seq = fold_pattern_phrase(alt);
        if seq.is_empty() {
            return Err(format!("empty alternative in pattern \"{src}\""));
        }
        alts.push(seq);
    }
    Ok(Item::Alt(alts))
}

fn validate(items: &[Item], src: &str) -> Result<(), String> {
    match (items.first(), items.last()) {
        (None, _) => return Err("empty pattern".into()),
        (Some(Item::Gap(_)), _) | (_, Some(Item::Gap(_))) => {
            return Err(format!("pattern \"{src}\" cannot start or end with *"));
        }
        _ => {}
    }
    if items
        .windows(2)
        .any(|w| matches!((&w[0], &w[1]), (Item::Gap(_), Item::Gap(_))))
    {
        return Err(format!("two * in a row in pattern \"{src}\""));
    }
    Ok(())
}

/// All patterns, indexed by the words they can start with so a check only tries the few patterns whose
/// first word is present.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    patterns: Vec<Pattern>,
    by_first: HashMap<Box<str>, Vec<usize>>,
    number_first: Vec<usize>,
}

impl Matcher {
    pub fn new(patterns: Vec<Pattern>) -> Self {
        let mut by_first: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        let mut number_first = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            match p.items.first() {
                Some(Item::Alt(seqs)) => {
                    for seq in seqs {
                        let list = match seq.first() {
                            Some(w) if w.starts_with(NUMBER) => &mut number_first,
                            Some(w) => by_first.entry(w.clone()).or_default(),
                            None => continue,
                        };
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
                Some(Item::Number) => number_first.push(i),
                // parse() rejects patterns starting with a gap.
                Some(Item::Gap(_)) | None => {}
            }
        }
        Self {
            patterns,
            by_first,
            number_first,
        }
    }

    /// Tries every pattern at every token. `done[signal]` skips signals already settled; when
    /// `accept(pattern, start, end)` returns true for a match, the pattern's signal becomes done.
    pub fn scan(
        &self,
        toks: &[Tok],
        done: &mut [bool],
        mut accept: impl FnMut(&Pattern, usize, usize) -> bool,
    ) {
        for start in 0..toks.len() {
            let named = self.by_first.get(&toks[start].text).map(Vec::as_slice);
            let numeric = if toks[start].numeric {
                self.number_first.as_slice()
            } else {
                &[]
            };
            for &pi in named.unwrap_or(&[]).iter().chain(numeric) {
                let p = &self.patterns[pi];
                if done.get(p.signal).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(end) = match_from(&p.items, toks, start)
                    && accept(p, start, end)
                {
                    done[p.signal] = true;
                }
            }
        }
    }
}

/// End (exclusive) of the first match of `items` starting exactly at `pos`, shortest gaps first.
fn match_from(items: &[Item], toks: &[Tok], pos: usize) -> Option<usize> {
    let Some((first, rest)) = items.split_first() else {
        return Some(pos);
    };
    match first {
        Item::Alt(seqs) => seqs.iter().find_map(|seq| {
            starts_with(toks, pos, seq).then(|| match_from(rest, toks, pos + seq.len()))?
        }),
        Item::Number => {
            if toks.get(pos).is_some_and(|t| t.numeric) {
                match_from(rest, toks, pos + 1)
            } else {
                None
            }
        }
        Item::Gap(n) => (0..=*n)
            .take_while(|skip| pos + skip <= toks.len())
            .find_map(|skip| match_from(rest, toks, pos + skip)),
    }
}

pub(crate) fn starts_with(toks: &[Tok], pos: usize, seq: &[Box<str>]) -> bool {
    toks.get(pos..pos + seq.len()).is_some_and(|w| {
        w.iter()
            .zip(seq)
            .all(|(t, s)| match s.strip_prefix(NUMBER) {
                Some(unit) => t.numeric && t.text.ends_with(unit),
                None => t.text == *s,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        fold_phrase(s).iter().map(|t| Tok::new(t, 0)).collect()
    }

    fn matches(pattern: &str, text: &str) -> bool {
        let mut groups = HashMap::new();
        groups.insert(
            "OTP".to_owned(),
            vec![fold_phrase("mã OTP"), fold_phrase("mã xác thực")],
        );
        let items = parse(pattern, &groups, 3).expect("pattern parses");
        let m = Matcher::new(vec![Pattern {
            signal: 0,
            items,
            source: pattern.into(),
        }]);
        let mut done = [false];
        m.scan(&toks(text), &mut done, |_, _, _| true);
        done[0]
    }

    #[test]
    fn words_match_with_or_without_diacritics() {
        assert!(matches("cung cap", "Yêu cầu CUNG CẤP ngay"));
        assert!(matches("cung cấp", "yeu cau cung cap ngay"));
        assert!(!matches("cung cap", "cung ứng"));
    }

    #[test]
    fn gaps_allow_a_few_words_only() {
        assert!(matches("doc * @OTP", "đọc giúp em mã OTP"));
        assert!(matches("doc * @OTP", "đọc mã xác thực"));
        assert!(!matches("doc * @OTP", "đọc lại cho anh cái dãy mã OTP"));
        assert!(matches("doc *6 @OTP", "đọc lại cho anh cái dãy mã OTP"));
    }

    #[test]
    fn alternatives_and_phrases() {
        assert!(matches("bi (tam khoa|dong bang)", "tài khoản bị đóng băng"));
        assert!(matches("sim 4g|5g", "nâng cấp sim 5G"));
        assert!(!matches("sim 4g|5g", "sim 3g"));
    }

    #[test]
    fn numbers() {
        assert!(matches("trong # phut", "trong 30 phút"));
        assert!(matches("lai # ngay", "lãi 5% ngày"));
        assert!(!matches("trong # phut", "trong vài phút"));
        assert!(matches("(ma # so|otp)", "nhập mã 6 số"));
        assert!(!matches("(ma # so|otp)", "nhập mã số thuế"));
        assert!(matches("truoc #h", "chuyển trước 16h"));
        assert!(!matches("truoc #h", "chuyển trước 16/12"));
    }

    #[test]
    fn bad_patterns_are_rejected() {
        let g = HashMap::new();
        assert!(parse("* otp", &g, 3).is_err());
        assert!(parse("otp *", &g, 3).is_err());
        assert!(parse("a * * b", &g, 3).is_err());
        assert!(parse("@NOPE x", &g, 3).is_err());
        assert!(parse("(a|b", &g, 3).is_err());
        assert!(parse("a *99 b", &g, 3).is_err());
        assert!(parse("a (b|*) c", &g, 3).is_err());
        assert!(parse("", &g, 3).is_err());
    }
}
