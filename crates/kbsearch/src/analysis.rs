//! Turning documents and questions into the terms the index and the confidence check compare.
//!
//! Every text yields three term streams: exact syllables (NFC, lowercase, one tone placement), folded
//! search terms (no diacritics, abbreviations expanded) and folded bigrams. Vietnamese words are mostly
//! two syllables, so a bigram such as `matkhau` is what says "mật khẩu" rather than two unrelated
//! syllables; bigrams are glued without a separator so `matkhau` typed as one word also matches.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::confidence::{FUZZY_MIN_LEN, max_edits, within_edits};
use crate::termset::TermSet;

/// Accented function words: question words, pronouns, particles, and the kinship words Vietnamese uses
/// as pronouns ("mẹ tôi", "cháu nó", "con gái"). They say how or by whom something is asked, not what
/// about, so they neither score nor count towards the confidence check.
const STOP_EXACT: &[&str] = &[
    "à", "ạ", "anh", "bà", "bác", "bạn", "bị", "bởi", "các", "cái", "cách", "cho", "chị", "chú",
    "chưa", "có", "cô", "của", "cũng", "cứ", "đã", "đang", "đây", "để", "đến", "đi", "đó", "được",
    "em", "gì", "giờ", "hả", "hay", "hỏi", "họ", "khi", "không", "là", "làm", "mà", "mấy", "mình",
    "muốn", "này", "nào", "nay", "nên", "nếu", "nghĩa", "nhé", "nhiêu", "như", "những", "nó",
    "nữa", "ơi", "ở", "ông", "phải", "ra", "rồi", "sao", "sẽ", "ta", "tại", "thế", "thì", "thôi",
    "tôi", "trên", "từ", "và", "vào", "vậy", "về", "vì", "với", "xin", "đâu", "kiểu", "bố", "cha",
    "mẹ", "con", "cháu", "cụ", "vợ", "chồng", "gái", "trai",
    // Framing: particles, politeness, hedges and intensifiers a narrated question wraps its subject in
    // ("dạ cho em hỏi ạ", "hãy", "rất lo lắm", "liệu … chăng"), and their teen-code forms.
    "nhỉ", "nha", "nhá", "hở", "ấy", "vâng", "dạ", "ừ", "hãy", "rằng", "lắm", "rất", "quá", "chăng",
    "giùm", "dùm", "chứ", "nhưng", "chào", "hông", "ạk", "ak", "ah", "ad", "admin", "ui", "ik",
    "nhen", "nghen", "zậy", "dzậy", "zị", "zay", "dzay", "zi", "z", "chút", "lỡ", "sợ", "một",
    "nhiều", "thấy", "mot", "chut",
];

/// The same words typed without diacritics, minus every folded form that is also a content word people
/// type bare: `ma` (mã), `vay` (vay tiền), `vi` (ví), `dang` (đăng ký), `ho` (hồ sơ), `la` (lạ), `muon`
/// (mượn), `minh` (xác minh), `no` (nợ), `anh` (ảnh), `ban` (bản), `tai` (tài khoản), `hoi` (xã hội),
/// `bo` (bộ), `chong` (phòng chống), `cai` (cài ứng dụng), `dau` (đau, dấu hiệu) …
const STOP_FOLDED: &[&str] = &[
    "a", "bi", "boi", "cac", "cach", "cho", "chua", "co", "cua", "cung", "da", "de", "den", "di",
    "duoc", "em", "gi", "gio", "hay", "khi", "kieu", "khong", "lam", "nao", "nay", "neu", "nghia",
    "nhe", "nhieu", "nhu", "nhung", "nua", "o", "oi", "ong", "phai", "ra", "roi", "sao", "se",
    "ta", "the", "thi", "toi", "tren", "va", "vao", "ve", "voi", "xin", "cha", "me", "con", "chau",
    "vo", "gai", "trai", "rat", "gium", "dum", "chao", "ak", "ah", "ad", "admin", "ui", "ik",
    "nhen", "nghen", "zay", "dzay", "zi", "z", "mot", "chut",
];

/// Framing phrases: how a question is narrated ("thực chất", "băn khoăn", "cho em hỏi trường hợp",
/// "tự dưng", "cảm ơn"), never what it is about. Their syllables are content words elsewhere ("xác
/// thực", "chất lượng", "hiện tại" vs "tải"), so they are stop words only together. A syllable typed
/// with diacritics must match these exactly ("có thẻ" is not "có thể"); one typed bare matches the
/// fold. Many are words no document uses, which weigh the most in the confidence check and would sink
/// a long question that is otherwise well explained.
const FRAMING_PHRASES: &[&str] = &[
    "thực chất",
    "thực sự",
    "thật sự",
    "băn khoăn",
    "thắc mắc",
    "mọi người",
    "hiện nay",
    "hiện tại",
    "bây giờ",
    "nghe nói",
    "có thể",
    "cụ thể",
    "trường hợp",
    "vui lòng",
    "làm ơn",
    "cảm ơn",
    "cám ơn",
    "xin chào",
    "vấn đề",
    "tự dưng",
    "bỗng dưng",
    "bỗng nhiên",
    "đột nhiên",
    "dạo này",
    "gần đây",
    "hôm qua",
    "lo lắng",
    "phân vân",
    "không biết có",
    "may mà",
];

/// Framing words that are also the second syllable of content words ("liệu" in "dữ liệu", "tài
/// liệu"): stop words only where they open a clause, at the start or after another stop word ("cho em
/// hỏi liệu …").
const LEADING_FRAMING: &[&str] = &["liệu"];

pub fn is_stop_exact(token: &str) -> bool {
    STOP_EXACT.contains(&token)
}

pub fn is_stop_folded(term: &str) -> bool {
    STOP_FOLDED.contains(&term)
}

/// Folded forms of the accented function words that are not stop words when typed bare, because the
/// same letters are a content word too ("dang": "đang" or "đăng ký"; "la": "là" or "lạ").
static MAYBE_STOP: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    STOP_EXACT
        .iter()
        .map(|w| vntext::fold(w))
        .filter(|f| !STOP_FOLDED.contains(&f.as_str()))
        .collect()
});

/// A term typed bare that may be a function word: it counts when a document has it, and is not held
/// against one that lacks it.
pub fn maybe_stop(t: &QueryTerm) -> bool {
    t.exact.is_none() && MAYBE_STOP.contains(&t.folded)
}

/// The three term streams of one document text, in order, for the index.
pub struct Analyzed {
    pub exact: Vec<String>,
    pub folded: Vec<String>,
    pub bigrams: Vec<String>,
}

/// Syllable tokens, with the ways of naming a level said one way: "cấp 2", "cấp độ 2", "mức độ 2" and
/// "level 2" become "mức 2" (the knowledge base says "mức 2" for VNeID; citizens and newspapers say
/// all of these). Applied to documents and questions alike.
fn tokens(text: &str) -> Vec<String> {
    let raw = vntext::tokens(text);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let f = vntext::fold(&raw[i]);
        let level_word = matches!(f.as_str(), "cap" | "muc" | "level");
        let number = |j: usize| {
            raw.get(j)
                .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
        };
        let skip = if level_word
            && raw.get(i + 1).is_some_and(|t| vntext::fold(t) == "do")
            && number(i + 2)
        {
            Some(2)
        } else if level_word && number(i + 1) {
            Some(1)
        } else {
            None
        };
        match skip {
            Some(n) => {
                // Keep the marks if the asker typed them, so the exact-diacritic match still applies.
                out.push(if f == raw[i] {
                    "muc".to_owned()
                } else {
                    "mức".to_owned()
                });
                out.push(raw[i + n].clone());
                i += n + 1;
            }
            None => {
                out.push(raw[i].clone());
                i += 1;
            }
        }
    }
    out
}

pub fn analyze(text: &str) -> Analyzed {
    let exact = tokens(text);
    let folded =
        vntext::expand_abbreviations(&exact.iter().map(|t| vntext::fold(t)).collect::<Vec<_>>());
    let bigrams = folded
        .windows(2)
        .map(|w| format!("{}{}", w[0], w[1]))
        .collect();
    Analyzed {
        exact,
        folded,
        bigrams,
    }
}

/// What one document contains, as sets, for the confidence check.
pub struct TermSets {
    pub exact: TermSet,
    pub folded: TermSet,
    pub bigrams: TermSet,
}

impl TermSets {
    pub fn from_texts(texts: &[&Analyzed]) -> Self {
        let collect = |pick: fn(&Analyzed) -> &Vec<String>| -> TermSet {
            texts
                .iter()
                .flat_map(|a| pick(a).iter().map(String::as_str))
                .collect()
        };
        TermSets {
            exact: collect(|a| &a.exact),
            folded: collect(|a| &a.folded),
            bigrams: collect(|a| &a.bigrams),
        }
    }
}

/// Document frequencies over the knowledge base: which terms it knows, and how rare each is.
pub struct Vocabulary {
    terms: TermSet,
    /// How many documents hold each of `terms`, in the same order.
    term_docs: Vec<u32>,
    /// Every accented syllable any document uses.
    exact: TermSet,
    bigrams: TermSet,
    bigram_docs: Vec<u32>,
    docs: f32,
}

/// The terms of all documents and, for each, how many documents hold it.
fn document_frequencies<'a>(sets: impl Iterator<Item = &'a TermSet>) -> (TermSet, Vec<u32>) {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for set in sets {
        for t in set.iter() {
            *counts.entry(t).or_insert(0) += 1;
        }
    }
    let terms: TermSet = counts.keys().copied().collect();
    let docs = terms.iter().map(|t| counts[t]).collect();
    (terms, docs)
}

impl Vocabulary {
    pub fn new(docs: &[TermSets]) -> Self {
        let (terms, term_docs) = document_frequencies(docs.iter().map(|d| &d.folded));
        let (bigrams, bigram_docs) = document_frequencies(docs.iter().map(|d| &d.bigrams));
        Vocabulary {
            terms,
            term_docs,
            exact: docs.iter().flat_map(|d| d.exact.iter()).collect(),
            bigrams,
            bigram_docs,
            docs: docs.len() as f32,
        }
    }

    pub fn knows_term(&self, folded: &str) -> bool {
        self.terms.contains(folded)
    }

    /// Whether some document uses this syllable with these very marks.
    pub fn knows_exact(&self, exact: &str) -> bool {
        self.exact.contains(exact)
    }

    pub fn knows_bigram(&self, bigram: &str) -> bool {
        self.bigrams.contains(bigram)
    }

    /// BM25's inverse document frequency; a term no document has weighs the most.
    pub fn term_weight(&self, folded: &str) -> f32 {
        self.idf(self.terms.position(folded).map(|i| self.term_docs[i]))
    }

    /// The known term `word` is most likely a slip for, when `word` is not known itself: the nearest
    /// within [`max_edits`], the one more documents use on a tie. Short words are never corrected
    /// (one edit turns most syllables into another real one), nor glued pairs the knowledge base
    /// has ("matkhau"), nor abbreviations.
    pub fn nearest_term(&self, word: &str) -> Option<String> {
        if word.len() < FUZZY_MIN_LEN
            || !word.bytes().all(|b| b.is_ascii_lowercase())
            || self.knows_term(word)
            || self.knows_bigram(word)
            || vntext::expand_abbreviations(&[word.to_owned()]) != [word]
        {
            return None;
        }
        (1..=max_edits(word)).find_map(|edits| {
            self.terms
                .iter()
                .zip(&self.term_docs)
                .filter(|(t, _)| t.len() >= FUZZY_MIN_LEN - 1)
                .filter(|(t, _)| within_edits(word.as_bytes(), t.as_bytes(), edits))
                .max_by_key(|&(_, &df)| df)
                .map(|(t, _)| t.to_owned())
        })
    }

    pub fn bigram_weight(&self, bigram: &str) -> f32 {
        self.idf(self.bigrams.position(bigram).map(|i| self.bigram_docs[i]))
    }

    fn idf(&self, df: Option<u32>) -> f32 {
        let df = df.unwrap_or(0) as f32;
        (1.0 + (self.docs - df + 0.5) / (df + 0.5)).ln()
    }
}

/// One content term of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    /// The accented syllable when the asker typed diacritics; `None` when typed bare or expanded.
    pub exact: Option<String>,
    pub folded: String,
    /// Put right from a typo by [`analyze_query_corrected`].
    pub corrected: bool,
}

/// A question reduced to content terms and the bigrams between them.
#[derive(Debug, Default)]
pub struct QueryTerms {
    pub terms: Vec<QueryTerm>,
    /// Bigrams of adjacent folded terms where at least one side is a content term (for ranking).
    pub bigrams: Vec<String>,
    /// Bigrams of adjacent content terms only (for the confidence check).
    pub content_bigrams: Vec<String>,
    /// Every adjacent pair of terms in order, and whether both are content terms typed without
    /// diacritics (and not put right as typos): pairs whose marks the asker left for the reader to guess.
    pub pairs: Vec<(String, bool)>,
}

pub fn analyze_query(q: &str) -> QueryTerms {
    analyze_query_with(q, |_| None)
}

/// [`analyze_query`] with typos put right: a word typed bare that the knowledge base does not know
/// becomes the known word it is one slip from (two for long words), the more common one on a tie
/// ("venid" → "vneid", "chtagpt" → "chatgpt", "kohng" → "khong", a stop word then). Such a term is
/// marked `corrected`, so it ranks like the word meant but explains only [`crate::confidence::FUZZY`] of itself.
pub fn analyze_query_corrected(q: &str, vocab: &Vocabulary) -> QueryTerms {
    analyze_query_with(q, |folded| vocab.nearest_term(folded))
}

/// [`analyze_query`] with the words `correct` puts right (see [`analyze_query_corrected`]).
pub fn analyze_query_with(q: &str, correct: impl Fn(&str) -> Option<String>) -> QueryTerms {
    let mut all: Vec<(QueryTerm, bool)> = Vec::new();
    for token in tokens(q) {
        let folded = vntext::fold(&token);
        // Only words typed bare: one typed with its marks is seldom a slip (see has_unknown_word).
        if folded == token
            && let Some(meant) = correct(&folded)
        {
            let stop = is_stop_folded(&meant);
            all.push((
                QueryTerm {
                    exact: None,
                    folded: meant,
                    corrected: true,
                },
                stop,
            ));
            continue;
        }
        let expanded = vntext::expand_abbreviations(std::slice::from_ref(&folded));
        if expanded.len() == 1 && expanded[0] == folded {
            let accented = folded != token;
            let stop = if accented {
                is_stop_exact(&token)
            } else {
                is_stop_folded(&folded)
            };
            let exact = accented.then_some(token);
            all.push((
                QueryTerm {
                    exact,
                    folded,
                    corrected: false,
                },
                stop,
            ));
        } else {
            for term in expanded {
                let stop = is_stop_folded(&term);
                all.push((
                    QueryTerm {
                        exact: None,
                        folded: term,
                        corrected: false,
                    },
                    stop,
                ));
            }
        }
    }
    mark_framing(&mut all);
    // Each adjacent pair glued once; the three lists below are views of it.
    let bare = |t: &QueryTerm| t.exact.is_none() && !t.corrected;
    let glued: Vec<(String, bool, bool, bool)> = all
        .windows(2)
        .map(|w| {
            let (a, b) = (&w[0], &w[1]);
            let bare_pair = bare(&a.0) && bare(&b.0);
            (format!("{}{}", a.0.folded, b.0.folded), a.1, b.1, bare_pair)
        })
        .collect();
    let bigrams = glued
        .iter()
        .filter(|(_, a, b, _)| !(*a && *b))
        .map(|(g, ..)| g.clone())
        .collect();
    let content_bigrams = glued
        .iter()
        .filter(|(_, a, b, _)| !a && !b)
        .map(|(g, ..)| g.clone())
        .collect();
    let pairs = glued
        .into_iter()
        .map(|(g, a, b, bare_pair)| (g, !a && !b && bare_pair))
        .collect();
    let terms = all
        .into_iter()
        .filter(|(_, stop)| !stop)
        .map(|(t, _)| t)
        .collect();
    QueryTerms {
        terms,
        bigrams,
        content_bigrams,
        pairs,
    }
}

/// A framing syllable as written and folded, so a question term is compared without folding again.
type Syllable = (&'static str, String);

fn syllables(words: &'static str) -> Vec<Syllable> {
    words.split(' ').map(|w| (w, vntext::fold(w))).collect()
}

/// The framing phrases and leading words, split and folded once rather than on every question.
static FRAMING: LazyLock<Vec<Vec<Syllable>>> =
    LazyLock::new(|| FRAMING_PHRASES.iter().map(|p| syllables(p)).collect());
static LEADING: LazyLock<Vec<Syllable>> =
    LazyLock::new(|| LEADING_FRAMING.iter().flat_map(|w| syllables(w)).collect());

/// Whether a question term is the syllable `word` (accented, normalized) as typed.
fn is_syllable(t: &QueryTerm, (word, folded): &Syllable) -> bool {
    match &t.exact {
        Some(e) => e == word,
        None => &t.folded == folded,
    }
}

/// Marks framing phrases and leading framing words as stop words.
fn mark_framing(all: &mut [(QueryTerm, bool)]) {
    for words in FRAMING.iter() {
        let mut i = 0;
        while i + words.len() <= all.len() {
            if words
                .iter()
                .zip(&all[i..])
                .all(|(w, (t, _))| is_syllable(t, w))
            {
                for (_, stop) in &mut all[i..i + words.len()] {
                    *stop = true;
                }
                i += words.len();
            } else {
                i += 1;
            }
        }
    }
    for i in 0..all.len() {
        if (i == 0 || all[i - 1].1) && LEADING.iter().any(|w| is_syllable(&all[i].0, w)) {
            all[i].1 = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_stop_words_are_folded_exact_stop_words() {
        let folded: std::collections::HashSet<String> =
            STOP_EXACT.iter().map(|w| vntext::fold(w)).collect();
        for w in STOP_FOLDED {
            assert!(
                folded.contains(*w),
                "{w} is not the fold of an exact stop word"
            );
        }
        for w in STOP_EXACT
            .iter()
            .chain(FRAMING_PHRASES)
            .chain(LEADING_FRAMING)
        {
            assert_eq!(vntext::normalize(w), *w);
        }
    }

    #[test]
    fn a_bare_unknown_word_is_put_right_to_the_nearest_known_one() {
        let docs = [
            analyze("Khóa Zalo, đặt mật khẩu VNeID, tài khoản ChatGPT"),
            analyze("Mật khẩu ngân hàng, không cho ai biết"),
        ];
        let sets: Vec<TermSets> = docs.iter().map(|a| TermSets::from_texts(&[a])).collect();
        let vocab = Vocabulary::new(&sets);
        assert_eq!(vocab.nearest_term("venid").as_deref(), Some("vneid"));
        assert_eq!(vocab.nearest_term("chtagpt").as_deref(), Some("chatgpt"));
        // Known words, short words and abbreviations stay as they are.
        for w in ["zalo", "mat", "ck", "otp", "xyzw"] {
            assert_eq!(vocab.nearest_term(w), None, "{w}");
        }
        let q = analyze_query_corrected("quen mat khau venid kohng", &vocab);
        let terms: Vec<(&str, bool)> = q
            .terms
            .iter()
            .map(|t| (t.folded.as_str(), t.corrected))
            .collect();
        // "kohng" became "khong", a stop word, and left the content terms.
        assert_eq!(
            terms,
            [
                ("quen", false),
                ("mat", false),
                ("khau", false),
                ("vneid", true)
            ]
        );
        // Typed with its marks, an unknown word is not a slip.
        let marked = analyze_query_corrected("vénid", &vocab);
        assert!(marked.terms.iter().all(|t| !t.corrected));
    }

    fn content(q: &str) -> (Vec<String>, Vec<String>) {
        let q = analyze_query(q);
        (
            q.terms.into_iter().map(|t| t.folded).collect(),
            q.content_bigrams,
        )
    }

    #[test]
    fn a_narrated_question_keeps_only_its_core() {
        let core = content("mã OTP có an toàn");
        for narrated in [
            "Dạ cho em hỏi thực chất mã OTP có an toàn không ạ, em băn khoăn quá",
            "mn ơi cho mình hỏi liệu mã OTP có an toàn không nhé, cảm ơn ad",
            "Xin chào, hiện nay mã OTP có thật sự an toàn không vậy? Tôi rất lo lắng",
            "thuc chat ma OTP co an toan ko ak",
        ] {
            assert_eq!(content(narrated), core, "{narrated}");
        }
        let narrated = "Cho mình hỏi chút, mình phân vân không biết có phải mã OTP an toàn, sợ lắm";
        assert_eq!(content(narrated), content("mã OTP an toàn"), "{narrated}");
    }

    #[test]
    fn framing_syllables_stay_content_words_elsewhere() {
        // "liệu" of "dữ liệu", "thể" of a card ("thẻ"), "thực" of "xác thực", "tại" of "tải".
        let (terms, _) = content("dữ liệu có bị lộ không");
        assert_eq!(terms, ["du", "lieu", "lo"]);
        let (terms, _) = content("có thẻ ATM");
        assert_eq!(terms, ["the", "atm"]);
        let (terms, _) = content("xác thực sinh trắc học");
        assert_eq!(terms, ["xac", "thuc", "sinh", "trac", "hoc"]);
        let (terms, _) = content("hiện tải ứng dụng");
        assert_eq!(terms, ["hien", "tai", "ung", "dung"]);
    }

    #[test]
    fn question_words_drop_out_and_diacritics_are_kept_where_typed() {
        let q = analyze_query("Mã OTP là gì vậy?");
        let folded: Vec<&str> = q.terms.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(folded, ["ma", "otp"]);
        assert_eq!(q.terms[0].exact.as_deref(), Some("mã"));
        assert_eq!(q.terms[1].exact, None);
        assert!(q.bigrams.contains(&"maotp".to_owned()));
        assert!(!q.bigrams.contains(&"lagi".to_owned()));
    }

    #[test]
    fn abbreviations_expand_and_bare_ambiguous_words_stay() {
        let q = analyze_query("ck nham stk r phai lam j");
        let folded: Vec<&str> = q.terms.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(folded, ["chuyen", "khoan", "nham", "so", "tai", "khoan"]);
        let q = analyze_query("vay tien online");
        assert_eq!(q.terms.len(), 3);
    }

    #[test]
    fn levels_are_named_one_way() {
        let terms = |q: &str| -> Vec<String> {
            analyze_query(q)
                .terms
                .into_iter()
                .map(|t| t.folded)
                .collect()
        };
        for q in [
            "định danh cấp 2",
            "định danh cấp độ 2",
            "dinh danh muc do 2",
            "định danh level 2",
        ] {
            assert_eq!(terms(q), terms("định danh mức 2"), "{q}");
        }
        assert_eq!(
            analyze_query("cấp 2").terms[0].exact.as_deref(),
            Some("mức")
        );
        assert_eq!(terms("cấp lại thẻ"), ["cap", "lai", "the"]);
        assert_eq!(
            analyze("dịch vụ công mức độ 3").folded,
            analyze("dịch vụ công mức 3").folded
        );
    }

    #[test]
    fn only_stop_words_leaves_no_terms() {
        let q = analyze_query("là gì vậy");
        assert!(q.terms.is_empty());
        assert!(q.bigrams.is_empty());
    }
}
