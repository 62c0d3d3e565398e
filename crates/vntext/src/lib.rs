//! Vietnamese text handling with no I/O: NFC, one tone placement, diacritic folding, tokens, abbreviations.
//!
//! Everything here runs on the hot path of search and scam check, so the common case (text that is
//! already NFC, words that are ASCII) costs a scan and one output allocation, not one per character.

mod abbrev;
mod collate;
mod letters;
pub mod phone;
mod tone;

pub use collate::sort_key;

use std::borrow::Cow;

use unicode_normalization::char::decompose_canonical;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// NFC-normalise: every text stored by the platform goes through this.
pub fn nfc(s: &str) -> String {
    nfc_cow(s).into_owned()
}

fn nfc_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// NFC, lowercase, one tone placement (`hoà` → `hòa`, `thuỷ` → `thủy`), whitespace collapsed.
pub fn normalize(s: &str) -> String {
    let composed = nfc_cow(s);
    let mut out = String::with_capacity(composed.len());
    // ASCII text (much of what is typed without diacritics) has no tones to place.
    let ascii = composed.is_ascii();
    for word in composed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if ascii {
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            push_lower_unified(word, &mut out);
        }
    }
    out
}

/// Appends `word` lowercased, rewriting each run of letters to the canonical tone placement.
fn push_lower_unified(word: &str, out: &mut String) {
    let mut run_start = out.len();
    let mut run_ascii = true;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
        if !c.is_alphabetic() {
            run_start = out.len();
            run_ascii = true;
            continue;
        }
        run_ascii &= c.is_ascii();
        if run_ascii || chars.peek().is_some_and(|n| n.is_alphabetic()) {
            continue;
        }
        // A combining mark right after the run belongs to its last letter; moving a tone there could
        // let NFC compose a second tone, so such runs stay as they are.
        let mark_follows = chars
            .peek()
            .is_some_and(|&n| unicode_normalization::char::is_combining_mark(n));
        if !mark_follows {
            unify_tail(out, run_start);
        }
    }
}

/// Applies the tone placement to `out[start..]`, a run of lowercase letters.
fn unify_tail(out: &mut String, start: usize) {
    let mut buf = ['\0'; tone::MAX_SYLLABLE];
    let mut len = 0;
    for c in out[start..].chars() {
        if len == buf.len() {
            return;
        }
        buf[len] = c;
        len += 1;
    }
    let before = buf;
    tone::unify(&mut buf[..len]);
    if buf != before {
        out.truncate(start);
        out.extend(&buf[..len]);
    }
}

/// `normalize`, then every diacritic removed and đ → d: "Hòa Bình" → "hoa binh".
pub fn fold(s: &str) -> String {
    let normal = normalize(s);
    if normal.is_ascii() {
        return normal;
    }
    let mut out = String::with_capacity(normal.len());
    let mut decomposed = false;
    let mut dropped = false;
    for c in normal.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(a) = letters::fold_char(c) {
            out.push(a);
        } else if is_diacritic(c) {
            dropped = true;
        } else {
            // Other scripts (ç, ñ, Greek, Cyrillic) lose their accents too, so the text still matches
            // when someone types them bare.
            decomposed = true;
            decompose_canonical(c, |d| {
                if is_diacritic(d) {
                    dropped = true;
                } else {
                    out.push(d);
                }
            });
        }
    }
    if decomposed {
        out = out.nfc().collect();
    }
    if dropped {
        // A word made only of stray marks disappears; do not leave its spaces behind.
        out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out
}

/// Combining diacritical marks (the basic block and its extensions).
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

fn split_tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Syllable tokens of the normalised text (diacritics kept), split on anything not a letter or digit.
pub fn tokens(s: &str) -> Vec<String> {
    split_tokens(&normalize(s))
}

/// Folded syllable tokens.
pub fn folded_tokens(s: &str) -> Vec<String> {
    split_tokens(&fold(s))
}

/// Folded tokens with the domain's abbreviations and teen-code expanded (ko → khong, dvc → dich vu cong).
pub fn search_terms(s: &str) -> Vec<String> {
    let folded = fold(s);
    let mut out = Vec::new();
    for token in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        push_expanded(token, &mut out);
    }
    out
}

/// Replaces each abbreviation among folded `tokens` by its expansion, which may be several tokens.
///
/// Expects folded tokens (as from [`folded_tokens`]); anything else passes through unchanged.
pub fn expand_abbreviations(tokens: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len() + 2);
    for token in tokens {
        push_expanded(token, &mut out);
    }
    out
}

fn push_expanded(token: &str, out: &mut Vec<String>) {
    match abbrev::lookup(token) {
        Some(expansion) => out.extend(expansion.split(' ').map(str::to_owned)),
        None => out.push(token.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_examples_unify_tone_placement() {
        assert_eq!(normalize("hoà"), normalize("hòa"));
        assert_eq!(normalize("thuỷ"), normalize("thủy"));
        assert_eq!(normalize("khoẻ"), normalize("khỏe"));
        assert_eq!(normalize("uý"), normalize("úy"));
        assert_eq!(normalize("Hoà Bình"), "hòa bình");
        assert_eq!(normalize("  UỶ   BAN\tnhân dân "), "ủy ban nhân dân");
        assert_eq!(normalize("HOÁ ĐƠN"), "hóa đơn");
    }

    #[test]
    fn punctuation_does_not_hide_a_syllable() {
        assert_eq!(normalize("(hoà)."), "(hòa).");
        assert_eq!(
            tokens("Sức khoẻ, thuỷ-lợi!"),
            ["sức", "khỏe", "thủy", "lợi"]
        );
    }

    #[test]
    fn fold_strips_every_mark() {
        assert_eq!(fold("Hòa Bình"), "hoa binh");
        assert_eq!(fold("Đăng ký ĐỊNH DANH mức 2"), "dang ky dinh danh muc 2");
        assert_eq!(fold("garçon año"), "garcon ano");
        assert_eq!(fold("a \u{301} b"), "a b");
    }

    #[test]
    fn search_terms_expand_abbreviations() {
        assert_eq!(
            search_terms("Sđt đc ko?"),
            ["so", "dien", "thoai", "duoc", "khong"]
        );
        assert_eq!(
            search_terms("làm CCCD ntn"),
            ["lam", "can", "cuoc", "cong", "dan", "nhu", "the", "nao"]
        );
        assert_eq!(search_terms("dvc"), ["dich", "vu", "cong"]);
        assert_eq!(search_terms("sao bit"), ["sao", "biet"]);
    }

    #[test]
    fn empty_and_blank_inputs() {
        assert_eq!(normalize(""), "");
        assert_eq!(fold(" \t\n"), "");
        assert!(tokens("?!").is_empty());
        assert!(search_terms("").is_empty());
    }
}
