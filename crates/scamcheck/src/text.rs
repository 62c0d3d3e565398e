//! Cutting a message into sentences, clauses and folded tokens.

use crate::pattern::{Tok, fold_phrase};

/// Tokens of each sentence. Patterns match inside one sentence; the clause number on each token lets
/// negation stop at a comma ("không được nói với ai, đọc mã OTP cho anh" is not "không … đọc mã").
pub(crate) fn sentences(text: &str) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    let mut clause = 0u32;
    for sentence in split_sentences(text) {
        let mut toks = Vec::new();
        for part in sentence.split(is_clause_break) {
            clause += 1;
            toks.extend(fold_phrase(part).iter().map(|t| Tok::new(t, clause)));
        }
        if !toks.is_empty() {
            out.push(toks);
        }
    }
    out
}

fn is_clause_break(c: char) -> bool {
    matches!(c, ',' | ':' | '(' | ')' | '"' | '“' | '”' | '，')
}

/// Splits at . ! ? ; … and line breaks. A dot only ends a sentence before a space or the end, so
/// amounts like 1.500.000 and what is left of dotted names stay whole.
fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = match c {
            '\n' | '\r' | '!' | '?' | ';' | '…' | '。' => true,
            '.' => chars.peek().is_none_or(|&(_, n)| n.is_whitespace()),
            _ => false,
        };
        if ends {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        sentences(text)
            .iter()
            .map(|s| s.iter().map(|t| t.text.to_string()).collect())
            .collect()
    }

    #[test]
    fn splits_sentences_but_not_amounts() {
        let w = words("Nộp 1.500.000đ ngay. Cảm ơn!\nHẹn gặp");
        assert_eq!(w.len(), 3);
        assert_eq!(w[0], ["nop", "1", "500", "000d", "ngay"]);
        assert_eq!(w[1], ["cam", "on"]);
    }

    #[test]
    fn clauses_are_numbered() {
        let s = sentences("không được nói với ai, đọc mã");
        assert_eq!(s.len(), 1);
        let first = s[0].first().map(|t| t.clause);
        let last = s[0].last().map(|t| t.clause);
        assert_ne!(first, last);
    }

    #[test]
    fn empty_text_has_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" .. ,, !").is_empty());
    }
}
