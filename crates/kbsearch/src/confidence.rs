//! Whether the best document actually answers the question.
//!
//! BM25 always ranks something first, even for "giá vàng hôm nay". The signal used to decide is how much
//! of the question the best document explains. Each content term of the question weighs its inverse
//! document frequency (a word the knowledge base never uses weighs the most), and the document gets
//! credit for the terms it contains, full credit in its title/question, half in its body. The same is done
//! for adjacent term pairs, because Vietnamese words are mostly two syllables: "thời tiết" is not
//! explained by a lesson that says "thời gian" and "chi tiết". An off-topic question keeps a heavy word
//! or pair no document has ("giá vàng", "xổ số", "ly hôn"); a short or misspelt on-topic question is
//! mostly explained by the title of one document.

use crate::analysis::{QueryTerm, QueryTerms, TermSets, Vocabulary, maybe_stop};

/// Credit for a match only in the body, relative to one in the title/question: a lesson that mentions a
/// word in passing is weaker evidence than a FAQ question that asks about it.
const BODY_CREDIT: f32 = 0.5;
/// Credit for an accented question term found only without its diacritics ("thuốc" vs "thuộc"): usually
/// a slip in the marks, sometimes a different word.
const FOLDED_ONLY: f32 = 0.7;
/// Credit for an unknown term within typo distance of one the document has.
pub const FUZZY: f32 = 0.6;
/// Terms shorter than this are never matched as typos: one edit turns most 2–3 letter syllables into
/// another real syllable.
pub const FUZZY_MIN_LEN: usize = 4;
/// Glued pairs shorter than this are never matched as typos.
pub const FUZZY_BIGRAM_MIN_LEN: usize = 6;
/// Words at least this long may be two edits off.
const LONG_WORD: usize = 8;
/// Numbers in a question are specifics (an amount, a date: "chuyển nhầm 5 triệu"), rarely its topic, so
/// they weigh at most this much however rare they are.
const NUMBER_WEIGHT: f32 = 1.0;

/// Where a document says something: its title/question part, and everything (head and body).
pub struct DocSets<'a> {
    pub head: &'a TermSets,
    pub all: &'a TermSets,
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
    pub const NONE: Coverage = Coverage {
        terms: 0.0,
        bigrams: None,
    };

    /// One number for the refusal threshold: pairs, where there are any, count as much as terms,
    /// because a question whose words each appear somewhere but never together is not answered.
    pub fn score(&self) -> f32 {
        match self.bigrams {
            Some(b) => (self.terms + b) / 2.0,
            None => self.terms,
        }
    }
}

pub fn coverage(q: &QueryTerms, doc: &DocSets, vocab: &Vocabulary) -> Coverage {
    coverage_of(q, std::slice::from_ref(doc), vocab)
}

/// How much of a question several documents shown together explain: each term and pair gets the best
/// credit any of them gives it. A question asking two things ("là gì, có an toàn không") is explained
/// by two documents together better than by either alone.
pub fn coverage_of(q: &QueryTerms, docs: &[DocSets], vocab: &Vocabulary) -> Coverage {
    let credit = |f: &dyn Fn(&TermSets) -> f32| {
        docs.iter()
            .map(|doc| f(doc.head).max(BODY_CREDIT * f(doc.all)))
            .fold(0.0, f32::max)
    };
    let (mut got, mut total) = (0.0, 0.0);
    for t in &q.terms {
        let mut w = vocab.term_weight(&t.folded);
        if t.folded.bytes().all(|b| b.is_ascii_digit()) {
            w = w.min(NUMBER_WEIGHT);
        }
        let known = vocab.knows_term(&t.folded);
        let mut c = credit(&|s| term_credit(t, known, s));
        if t.corrected {
            c *= FUZZY;
        }
        // "dang" typed bare may be "đang" (a function word) or "đăng"; the documents that say it get
        // the credit, the others are not blamed for a word that was likely never asked about.
        if c == 0.0 && (maybe_stop(t) || unknown_shorthand(t, known)) {
            continue;
        }
        total += w;
        got += w * c;
    }
    let terms = if total > 0.0 { got / total } else { 0.0 };

    let bigrams = (!q.content_bigrams.is_empty()).then(|| {
        let (mut got, mut total) = (0.0, 0.0);
        for b in &q.content_bigrams {
            let w = vocab.bigram_weight(b);
            let known = vocab.knows_bigram(b);
            total += w;
            got += w * credit(&|s| bigram_credit(b, known, s));
        }
        got / total
    });
    Coverage { terms, bigrams }
}

/// A word typed bare with no vowel that no entry uses: teen code this reader does not know ("tn" is
/// "thế nào" as often as "tin nhắn") or a person's initial ("chị L.", "anh H."). Every Vietnamese
/// syllable has a vowel, so it is no word, and too short to put right as a typo; weighed as the rarest
/// term it would sink the question, so it is left out like a word that may be a function word. A real
/// syllable stays ("xo so": "xổ số" is what the question is about).
fn unknown_shorthand(t: &QueryTerm, known: bool) -> bool {
    !known
        && t.exact.is_none()
        && t.folded.bytes().all(|b| b.is_ascii_lowercase())
        && !t.folded.bytes().any(|b| b"aeiouy".contains(&b))
}

/// Whether `second` is about what `first` is about: it matches the heaviest question term `first`
/// matches (the question's subject). Two entries shown together must be: "ChatGPT có an toàn không, có
/// mất tiền không" may add the ChatGPT price entry to the ChatGPT safety one, never the VNeID fee entry,
/// which explains "mất tiền" too but not "ChatGPT".
pub fn same_subject(q: &QueryTerms, first: &DocSets, second: &DocSets, vocab: &Vocabulary) -> bool {
    let credit = |t: &QueryTerm, doc: &DocSets| {
        let known = vocab.knows_term(&t.folded);
        term_credit(t, known, doc.head).max(BODY_CREDIT * term_credit(t, known, doc.all))
    };
    q.terms
        .iter()
        .map(|t| (t, vocab.term_weight(&t.folded) * credit(t, first)))
        .filter(|&(_, w)| w > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .is_some_and(|(t, _)| credit(t, second) > 0.0)
}

/// Whether the question has a word typed with its diacritics that no document uses with those marks,
/// and that `doc` does not match as a typo either. A word typed with its marks is seldom a slip, so it
/// is likely what the question is about ("đăng ký kết hôn cần giấy tờ gì": "hôn", whose bare form
/// "hon" the knowledge base has only as "hơn"), and the rest matching a document ("đăng ký", "giấy
/// tờ") is then a coincidence of common words.
pub fn has_unknown_word(q: &QueryTerms, doc: &DocSets, vocab: &Vocabulary) -> bool {
    q.terms.iter().any(|t| {
        t.exact.as_ref().is_some_and(|e| !vocab.knows_exact(e))
            && !doc.head.folded.contains(&t.folded)
            && !(t.folded.len() >= FUZZY_MIN_LEN
                && near(&t.folded, max_edits(&t.folded), doc.all.folded.iter()))
    })
}

/// Whether two adjacent content words typed bare form a Vietnamese word ([`crate::lexicon`]) that no
/// document uses: like an unknown marked word, it is likely what the question is about ("dang ky ket
/// hon can giay to gi": "kết hôn"; "cach chua dau lung tai nha": "đau lưng").
pub fn has_unknown_compound(q: &QueryTerms, vocab: &Vocabulary) -> bool {
    // Read the question as a reader would: split it into two-syllable words, the most words possible,
    // pairs the knowledge base uses first; "nop tien le phi" is "nộp tiền" + "lệ phí", never "tiền lệ".
    #[derive(Clone, Copy, PartialEq)]
    enum Pair {
        Nothing,
        Known,
        Word,
    }
    let kinds: Vec<Pair> = q
        .pairs
        .iter()
        .map(|(b, _)| {
            if vocab.knows_bigram(b) {
                Pair::Known
            } else if crate::lexicon::is_compound(b) {
                Pair::Word
            } else {
                Pair::Nothing
            }
        })
        .collect();
    // A pair the knowledge base uses counts a hair more, so it wins a tie with a dictionary word.
    let worth = |k: Pair| match k {
        Pair::Known => 1.01,
        Pair::Word => 1.0,
        Pair::Nothing => 0.0,
    };
    // best[i]: the most words in pairs[i..]; pair i joins terms i and i+1, so the next pair is i+2.
    let n = kinds.len();
    let mut best = vec![0.0f32; n + 2];
    for i in (0..n).rev() {
        let take = if kinds[i] == Pair::Nothing {
            0.0
        } else {
            worth(kinds[i]) + best[i + 2]
        };
        best[i] = best[i + 1].max(take);
    }
    let mut i = 0;
    while i < n {
        if kinds[i] != Pair::Nothing && worth(kinds[i]) + best[i + 2] >= best[i + 1] {
            if kinds[i] == Pair::Word && q.pairs[i].1 {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Typo matching only for terms the knowledge base does not know: a known word missing from this
/// document is a different word, not a misspelling of one it has.
fn term_credit(t: &QueryTerm, known: bool, s: &TermSets) -> f32 {
    match &t.exact {
        Some(e) if s.exact.contains(e) => 1.0,
        Some(_) if s.folded.contains(&t.folded) => FOLDED_ONLY,
        None if s.folded.contains(&t.folded) || s.bigrams.contains(&t.folded) => 1.0,
        _ if !known
            && t.folded.len() >= FUZZY_MIN_LEN
            && near(&t.folded, max_edits(&t.folded), s.folded.iter()) =>
        {
            FUZZY
        }
        _ => 0.0,
    }
}

fn bigram_credit(b: &str, known: bool, s: &TermSets) -> f32 {
    if s.bigrams.contains(b) {
        1.0
    } else if !known && b.len() >= FUZZY_BIGRAM_MIN_LEN && near(b, 1, s.bigrams.iter()) {
        FUZZY
    } else {
        0.0
    }
}

/// How many edits a typo may be away: one, or two for long words (a long word two edits from another
/// real word is rare, and long words are where people slip twice: "deepfack").
pub fn max_edits(word: &str) -> usize {
    if word.len() >= LONG_WORD { 2 } else { 1 }
}

fn near<'a>(word: &str, max: usize, mut candidates: impl Iterator<Item = &'a str>) -> bool {
    candidates.any(|c| within_edits(word.as_bytes(), c.as_bytes(), max))
}

/// Optimal-string-alignment distance ≤ `max` (substitution, insertion, deletion, adjacent swap).
/// Folded terms are ASCII, so bytes are letters.
pub fn within_edits(a: &[u8], b: &[u8], max: usize) -> bool {
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Three rolling rows of the table; terms are short, so this is a few hundred steps at most.
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
    use crate::analysis::{TermSets, Vocabulary, analyze, analyze_query};

    #[test]
    fn one_edit_covers_typos_and_nothing_more() {
        let yes = [
            ("vneid", "vnied"),
            ("facebook", "faceboook"),
            ("khoan", "khaon"),
            ("mat", "mat"),
            ("ab", "abc"),
        ];
        for (a, b) in yes {
            assert!(within_edits(a.as_bytes(), b.as_bytes(), 1), "{a} {b}");
            assert!(within_edits(b.as_bytes(), a.as_bytes(), 1), "{b} {a}");
        }
        for (a, b) in [
            ("vneid", "vndie"),
            ("khoan", "khan "),
            ("abcd", "ab"),
            ("chuyen", "chuyin2"),
        ] {
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

    fn sets(head: &str, body: &str) -> (TermSets, TermSets) {
        let (h, b) = (analyze(head), analyze(body));
        (TermSets::from_texts(&[&h]), TermSets::from_texts(&[&h, &b]))
    }

    #[test]
    fn title_matches_count_more_than_body_matches_and_pairs_matter() {
        let (h1, a1) = sets(
            "Quên mật khẩu VNeID",
            "Bấm Quên mật khẩu, nhập số định danh.",
        );
        let (h2, a2) = sets(
            "Cài ứng dụng",
            "Đặt mật khẩu khi cài; quên thì hỏi người thân về khẩu vị.",
        );
        let all = [a1, a2];
        let vocab = Vocabulary::new(&all);
        let q = analyze_query("quen mat khau vneid");
        let title = coverage(
            &q,
            &DocSets {
                head: &h1,
                all: &all[0],
            },
            &vocab,
        );
        let body = coverage(
            &q,
            &DocSets {
                head: &h2,
                all: &all[1],
            },
            &vocab,
        );
        assert!((title.score() - 1.0).abs() < 1e-6, "{title:?}");
        assert!(body.score() < 0.5, "{body:?}");
    }

    #[test]
    fn an_unknown_heavy_word_sinks_coverage() {
        let (h, a) = sets("Giá cước Internet", "Giá gói cước di động.");
        let vocab = Vocabulary::new(std::slice::from_ref(&a));
        let doc = DocSets { head: &h, all: &a };
        assert!(coverage(&analyze_query("giá cước internet"), &doc, &vocab).score() > 0.99);
        assert!(coverage(&analyze_query("giá vàng hôm nay"), &doc, &vocab).score() < 0.3);
    }

    #[test]
    fn a_bare_word_that_may_be_a_function_word_counts_only_where_it_is_found() {
        let (h, a) = sets(
            "Hồ sơ nộp trực tuyến xem ở đâu",
            "Tra cứu hồ sơ bằng mã hồ sơ.",
        );
        let (h2, a2) = sets("Đăng ký tài khoản", "Đăng ký bằng số điện thoại.");
        let all = [a, a2];
        let vocab = Vocabulary::new(&all);
        let doc = DocSets {
            head: &h,
            all: &all[0],
        };
        // "dang" bare: "đang" (nothing to explain) or "đăng"; the document lacking it keeps full credit.
        let bare = coverage(
            &analyze_query("ho so nop truc tuyen dang o dau"),
            &doc,
            &vocab,
        );
        assert!(bare.terms > 0.99, "{bare:?}");
        // Typed with its marks, "đăng" is a content word this document does not explain.
        let marked = coverage(
            &analyze_query("hồ sơ nộp trực tuyến đăng ở đâu"),
            &doc,
            &vocab,
        );
        assert!(marked.terms < 0.95, "{marked:?}");
        // And the document that does say it gets the credit.
        let other = DocSets {
            head: &h2,
            all: &all[1],
        };
        assert!(coverage(&analyze_query("dang ky"), &other, &vocab).terms > 0.99);
    }

    #[test]
    fn teen_code_and_initials_without_a_vowel_are_not_held_against_a_question() {
        let (h, a) = sets(
            "Mật khẩu thế nào thì an toàn",
            "Dài, khó đoán, không dùng lại.",
        );
        let (_, a2) = sets("Cài ứng dụng", "Tải từ kho chính thức.");
        let all = [a, a2];
        let vocab = Vocabulary::new(&all);
        let doc = DocSets {
            head: &h,
            all: &all[0],
        };
        let plain = coverage(&analyze_query("mat khau an toan"), &doc, &vocab);
        for q in ["mk tn thi an toan", "chi L. hoi mat khau an toan"] {
            let c = coverage(&analyze_query(q), &doc, &vocab);
            assert!(
                (c.terms - plain.terms).abs() < 1e-6,
                "{q}: {c:?} vs {plain:?}"
            );
        }
        // "xo" is a syllable ("xổ"): a word this document lacks, held against it.
        let lottery = coverage(&analyze_query("xo mat khau an toan"), &doc, &vocab);
        assert!(lottery.terms < plain.terms - 0.1, "{lottery:?}");
    }

    #[test]
    fn narration_around_a_question_does_not_lower_its_coverage() {
        let (h, a) = sets("Mã OTP có an toàn không", "Mã OTP chỉ mình bạn biết.");
        let (_, a2) = sets("Cài ứng dụng", "Tải ứng dụng từ kho chính thức.");
        let all = [a, a2];
        let vocab = Vocabulary::new(&all);
        let doc = DocSets {
            head: &h,
            all: &all[0],
        };
        let core = coverage(&analyze_query("mã OTP có an toàn không"), &doc, &vocab);
        let narrated = coverage(
            &analyze_query(
                "Dạ cho em hỏi thực chất mã OTP có an toàn không ạ, em băn khoăn quá, cảm ơn ad",
            ),
            &doc,
            &vocab,
        );
        assert_eq!(narrated, core);
        assert!(core.score() > 0.99, "{core:?}");
    }
}
