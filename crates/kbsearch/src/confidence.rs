//! Whether the best document actually answers the question.
//!
//! BM25 always ranks something first, even for "giá vàng hôm nay". The signal used to decide is how much
//! of the question's information the best document explains: each content term weighs its inverse
//! document frequency (a word the knowledge base never uses weighs the most), and the document gets
//! credit for the terms it contains. An off-topic question keeps at least one heavy word no document
//! has ("vàng", "xổ số", "bún bò"); a short or misspelt on-topic one is mostly explained by one document.

use std::collections::HashMap;

use crate::analysis::{QueryTerm, QueryTerms, TermSets};

/// Credit for an accented question term found only without its diacritics ("thuốc" vs "thuộc"): usually
/// a typo in the marks, sometimes a different word.
const FOLDED_ONLY: f32 = 0.7;
/// Credit for a term found only within one edit (typo).
const FUZZY: f32 = 0.6;
const FUZZY_MIN_LEN: usize = 4;
/// Words at least this long may be two edits off.
pub const LONG_WORD: usize = 8;
/// Numbers in a question are specifics (an amount, a date: "chuyển nhầm 5 triệu"), rarely its topic, so
/// they weigh at most this much however rare they are.
const NUMBER_WEIGHT: f32 = 1.0;
const FUZZY_BIGRAM_MIN_LEN: usize = 6;

/// Document frequencies over the knowledge base, for weighting question terms.
pub struct Idf {
    terms: HashMap<String, u32>,
    bigrams: HashMap<String, u32>,
    docs: f32,
}

impl Idf {
    pub fn new(sets: &[TermSets]) -> Self {
        let mut terms = HashMap::new();
        let mut bigrams = HashMap::new();
        for s in sets {
            for t in &s.folded {
                *terms.entry(t.clone()).or_insert(0) += 1;
            }
            for b in &s.bigrams {
                *bigrams.entry(b.clone()).or_insert(0) += 1;
            }
        }
        Idf { terms, bigrams, docs: sets.len() as f32 }
    }

    fn weight(&self, df: Option<&u32>) -> f32 {
        let df = df.copied().unwrap_or(0) as f32;
        (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln()
    }
}

/// How much of a question one document explains, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// IDF-weighted share of the question's content terms found in the document.
    pub terms: f32,
    /// The same over adjacent content-term pairs; `None` when the question has fewer than two.
    pub bigrams: Option<f32>,
}

impl Coverage {
    /// One number for the refusal threshold: pairs, where there are any, count as much as terms,
    /// because a question whose words each appear somewhere but never together is not answered.
    pub fn score(&self) -> f32 {
        match self.bigrams {
            Some(b) => (self.terms + b) / 2.0,
            None => self.terms,
        }
    }
}

/// Where a document says something: its title/question part, and everything (head and body).
pub struct DocSets<'a> {
    pub head: &'a TermSets,
    pub all: &'a TermSets,
}

pub fn coverage(q: &QueryTerms, doc: &DocSets, idf: &Idf, body_credit: f32) -> Coverage {
    let credit = |f: &dyn Fn(&TermSets) -> f32| f(doc.head).max(body_credit * f(doc.all));
    let (mut got, mut total) = (0.0, 0.0);
    for t in &q.terms {
        let mut w = idf.weight(idf.terms.get(&t.folded));
        if t.folded.bytes().all(|b| b.is_ascii_digit()) {
            w = w.min(NUMBER_WEIGHT);
        }
        total += w;
        got += w * credit(&|s| term_credit(t, s));
    }
    let terms = if total > 0.0 { got / total } else { 0.0 };

    let bigrams = (!q.content_bigrams.is_empty()).then(|| {
        let (mut got, mut total) = (0.0, 0.0);
        for b in &q.content_bigrams {
            let w = idf.weight(idf.bigrams.get(b));
            total += w;
            got += w * credit(&|s| bigram_credit(b, s));
        }
        got / total
    });
    Coverage { terms, bigrams }
}

fn term_credit(t: &QueryTerm, s: &TermSets) -> f32 {
    match &t.exact {
        Some(e) if s.exact.contains(e) => 1.0,
        Some(_) if s.folded.contains(&t.folded) => FOLDED_ONLY,
        None if s.folded.contains(&t.folded) || s.bigrams.contains(&t.folded) => 1.0,
        _ if t.folded.len() >= FUZZY_MIN_LEN && near(&t.folded, s.folded.iter()) => FUZZY,
        _ => 0.0,
    }
}

fn bigram_credit(b: &str, s: &TermSets) -> f32 {
    if s.bigrams.contains(b) {
        1.0
    } else if b.len() >= FUZZY_BIGRAM_MIN_LEN && near(b, s.bigrams.iter()) {
        FUZZY
    } else {
        0.0
    }
}

pub fn debug(q: &QueryTerms, doc: &TermSets, idf: &Idf) -> String {
    let doc = doc;
    let mut out = String::new();
    let (mut got, mut total, mut unknown) = (0.0, 0.0, 0.0);
    for t in &q.terms {
        let w = idf.weight(idf.terms.get(&t.folded));
        let known = idf.terms.contains_key(&t.folded);
        let hit = doc.folded.contains(&t.folded);
        total += w;
        if hit { got += w; }
        if !known { unknown += w; }
        out.push_str(&format!("{}{}:{:.1} ", t.folded, if hit {"+"} else if known {"-"} else {"?"}, w));
    }
    let (mut bg, mut bt) = (0.0, 0.0);
    for b in &q.content_bigrams {
        let w = idf.weight(idf.bigrams.get(b));
        bt += w;
        if doc.bigrams.contains(b) { bg += w; out.push_str(&format!("[{b}] ")); }
    }
    format!("{got:.1}\t{total:.1}\t{unknown:.1}\t{bg:.1}\t{bt:.1}\t{out}")
}

/// How many edits a typo may be away: one, or two for long words (a long word two edits from another
/// real word is rare, and long words are where people slip twice: "deepfack").
pub fn max_edits(word: &str) -> usize {
    if word.len() >= LONG_WORD { 2 } else { 1 }
}

fn near<'a>(word: &str, mut candidates: impl Iterator<Item = &'a String>) -> bool {
    let max = max_edits(word);
    candidates.any(|c| within_edits(word.as_bytes(), c.as_bytes(), max))
}

/// Optimal-string-alignment distance ≤ `max` (substitution, insertion, deletion, adjacent swap).
/// Folded terms are ASCII, so bytes are letters.
pub fn within_edits(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Three rolling rows of the OSA table; terms are short, so this is a few hundred steps at most.
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_covers_typos_and_nothing_more() {
        let yes = [("vneid", "vnied"), ("facebook", "faceboook"), ("khoan", "khaon"), ("mat", "mat"), ("ab", "abc")];
        for (a, b) in yes {
            assert!(within_edits(a.as_bytes(), b.as_bytes(), 1), "{a} {b}");
            assert!(within_edits(b.as_bytes(), a.as_bytes(), 1), "{b} {a}");
        }
        for (a, b) in [("vneid", "vndie"), ("khoan", "khan "), ("abcd", "ab"), ("chuyen", "chuyin2")] {
            assert!(!within_edits(a.as_bytes(), b.as_bytes(), 1), "{a} {b}");
        }
    }

    #[test]
    fn long_words_may_be_two_edits_off() {
        assert_eq!(max_edits("deepfack"), 2);
        assert_eq!(max_edits("vneid"), 1);
        assert!(within_edits(b"deepfack", b"deepfake", 2));
        assert!(!within_edits(b"deepfack", b"deepfake", 1));
        assert!(!within_edits(b"facebook", b"feedback", 2));
    }
}
