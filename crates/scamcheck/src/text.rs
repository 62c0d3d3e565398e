//! Cutting a message into sentences, clauses and folded tokens.

use std::borrow::Cow;

use crate::pattern::{Tok, fold_phrase};

/// The letter a character stands for when scammers write it inside a word to slip past filters
/// ("T1EN", "d!eu", "h0ng", "nhận quà" with Cyrillic "а", "Thưởng" as "Thüởng"). Digits and symbols
/// only count between two letters (see [`unmask_lookalikes`]); letters from other alphabets and
/// non-Vietnamese diacritics count anywhere, since no Vietnamese word uses them.
fn lookalike(c: char, interior: bool) -> Option<char> {
    let digit_or_symbol = match c {
        '0' => Some('o'),
        '1' | '!' | '¡' | '|' => Some('i'),
        '3' => Some('e'),
        '4' | '@' => Some('a'),
        '5' | '$' => Some('s'),
        '7' => Some('t'),
        _ => None,
    };
    if digit_or_symbol.is_some() {
        return digit_or_symbol.filter(|_| interior);
    }
    Some(match c {
        'ä' | 'å' | 'а' | 'α' => 'a',
        'Ä' | 'Å' | 'А' | 'Α' => 'A',
        'ë' | 'е' | 'ε' => 'e',
        'Ë' | 'Е' | 'Ε' => 'E',
        'ï' | 'і' | 'ι' | 'ı' => 'i',
        'Ï' | 'І' | 'Ι' => 'I',
        'ö' | 'ø' | 'о' | 'ο' => 'o',
        'Ö' | 'Ø' | 'О' | 'Ο' => 'O',
        'ü' | 'μ' => 'u',
        'Ü' => 'U',
        'с' => 'c',
        'С' => 'C',
        'р' | 'ρ' => 'p',
        'Р' | 'Ρ' => 'P',
        'х' | 'χ' => 'x',
        'Х' | 'Χ' => 'X',
        'у' => 'y',
        'У' => 'Y',
        'ν' => 'v',
        'Т' | 'Τ' => 'T',
        'т' | 'τ' => 't',
        'Н' | 'Η' => 'H',
        'н' => 'h',
        'К' | 'Κ' => 'K',
        'к' | 'κ' => 'k',
        'М' | 'Μ' => 'M',
        'В' | 'Β' => 'B',
        // Latin letters with marks Vietnamese never uses ("ŜšĕŊ ThâŋGửĮ", "Ńạp LàTħưởŋg"): real
        // gambling spam writes whole messages in them to slip past filters. Vietnamese's own marked
        // letters (ĩ, ũ, ă, â, ơ, ư, đ…) are not in this list and stay as written.
        'ŝ' | 'š' | 'ś' | 'ş' => 's',
        'Ŝ' | 'Š' | 'Ś' | 'Ş' => 'S',
        'ĕ' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'Ĕ' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'ŋ' | 'ń' | 'ņ' | 'ň' | 'ñ' => 'n',
        'Ŋ' | 'Ń' | 'Ņ' | 'Ň' | 'Ñ' => 'N',
        'ħ' | 'ĥ' => 'h',
        'Ħ' | 'Ĥ' => 'H',
        'į' | 'ī' | 'ĭ' => 'i',
        'Į' | 'Ī' | 'Ĭ' | 'İ' => 'I',
        'ğ' | 'ġ' | 'ĝ' | 'ģ' => 'g',
        'Ğ' | 'Ġ' | 'Ĝ' | 'Ģ' => 'G',
        'ų' | 'ū' | 'ŭ' | 'ů' | 'ű' => 'u',
        'Ų' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' => 'U',
        'ť' | 'ţ' => 't',
        'Ť' | 'Ţ' => 'T',
        'č' | 'ć' | 'ĉ' | 'ċ' | 'ç' => 'c',
        'Č' | 'Ć' | 'Ĉ' | 'Ċ' | 'Ç' => 'C',
        'ŷ' | 'ÿ' => 'y',
        'Ŷ' | 'Ÿ' => 'Y',
        'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
        'Ł' | 'Ľ' | 'Ĺ' | 'Ļ' => 'L',
        'ž' | 'ź' | 'ż' => 'z',
        'Ž' | 'Ź' | 'Ż' => 'Z',
        _ => return None,
    })
}

/// Rewrites look-alike characters inside words as the letters they imitate, so "T1EN" reads as
/// "TIEN" and "d!eu" as "dieu". A digit or symbol is only rewritten between two letters: amounts
/// (500k, 1.500.000), plan names (ST90, 5G135) and codes keep their digits. Borrowed when nothing
/// changes, which is almost every message.
pub(crate) fn unmask_lookalikes(text: &str) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let is_letter = |i: usize| {
        chars
            .get(i)
            .is_some_and(|&c| c.is_alphabetic() || lookalike(c, false).is_some())
    };
    let mut out: Option<String> = None;
    for (i, &c) in chars.iter().enumerate() {
        // "n0 hu": a zero after a one-letter start of a word, at its end, is an "o" too (no
        // amount or plan name is a letter followed by one zero).
        let after_one_letter = c == '0'
            && i > 0
            && chars[i - 1].is_alphabetic()
            && (i < 2 || chars[i - 2].is_whitespace())
            && chars.get(i + 1).is_none_or(|c| c.is_whitespace());
        let interior = (i > 0 && is_letter(i - 1) && is_letter(i + 1)) || after_one_letter;
        let rewritten = if c.is_alphabetic() && c.is_ascii() {
            None
        } else {
            // A digit inside an upper-case word stands for an upper-case letter ("T1EN").
            lookalike(c, interior).map(|r| {
                if interior && chars[i - 1].is_uppercase() {
                    r.to_ascii_uppercase()
                } else {
                    r
                }
            })
        };
        match (rewritten, &mut out) {
            (Some(r), Some(o)) => o.push(r),
            (Some(r), None) => {
                let mut o: String = chars[..i].iter().collect();
                o.push(r);
                out = Some(o);
            }
            (None, Some(o)) => o.push(c),
            (None, None) => {}
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// "n.ổ h.ũ", "c.ờ b.ạ.c", "ta.i kh.oan": a dot between letters where one side is a single letter,
/// or both are lower-case, is filler put in to slip past filters, and is dropped ("TP.HCM" keeps its
/// dot: both sides are longer and upper-case). Run on the
/// text phrases are matched on, after links are masked (their dots are gone by then).
pub(crate) fn join_dotted_letters(text: &str) -> Cow<'_, str> {
    if !text.contains('.') {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let alpha = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    let alnum = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' && i > 0 && alpha(i - 1) && alpha(i + 1) {
            // Letters of the run before and after this dot.
            let single_before = i < 2 || !alnum(i - 2);
            let single_after = !alnum(i + 2);
            // "kh.oanta.ng": a dot wedged between two lower-case letters is filler too; a sentence
            // ends with a space or a capital after it, and "TP.HCM" keeps its dot.
            let lower = chars[i - 1].is_lowercase() && chars[i + 1].is_lowercase();
            if single_before || single_after || lower {
                continue;
            }
        }
        out.push(c);
    }
    if out.len() == text.len() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// In a bank's balance-change notice — a signed amount ("+500,000VND", "- 60,000") and a balance
/// ("SD 1,200,000", "Số dư: 5.500.000") — the text after "ND:", "Nội dung:", "Ref", "Lời nhắn:" is
/// the payer's own memo, not the bank speaking: "ND: gui ma otp cho em" is what a friend typed into
/// the transfer. Those memos are blanked before phrases are read (links in them are still checked).
pub(crate) fn mask_transfer_memo(text: &str) -> Cow<'_, str> {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .map(|(i, c)| {
            let lower = c.to_lowercase().next().unwrap_or(c);
            let folded = if lower.is_ascii() {
                lower
            } else {
                vntext::fold(&lower.to_string())
                    .chars()
                    .next()
                    .unwrap_or(lower)
            };
            (i, folded)
        })
        .collect();
    let f: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    if !has_signed_amount(&f) || !has_balance(&f) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0; // char index copied up to
    let mut k = 0;
    while k < f.len() {
        let Some(len) = memo_marker(&f, k) else {
            k += 1;
            continue;
        };
        let start = k + len;
        let end = (start..f.len())
            .find(|&j| matches!(f[j], '|' | '\n' | '\r'))
            .unwrap_or(f.len());
        let byte = |j: usize| chars.get(j).map_or(text.len(), |&(b, _)| b);
        out.push_str(&text[byte(at)..byte(start)]);
        out.push(' ');
        at = end;
        k = end;
    }
    if at == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[chars.get(at).map_or(text.len(), |&(b, _)| b)..]);
    Cow::Owned(out)
}

fn word_at(f: &[char], k: usize, w: &str) -> bool {
    let n = w.chars().count();
    (k == 0 || !f[k - 1].is_alphanumeric())
        && f.len() >= k + n
        && f[k..k + n].iter().copied().eq(w.chars())
        && f.get(k + n).is_none_or(|c| !c.is_alphanumeric())
}

/// "+500,000VND", "- 60,000", "−50.000 đ": a sign, digits, and a currency or a thousands group.
fn has_signed_amount(f: &[char]) -> bool {
    (0..f.len()).any(|k| {
        if !matches!(f[k], '+' | '-' | '−') || (k > 0 && f[k - 1].is_alphanumeric()) {
            return false;
        }
        let mut j = k + 1;
        if f.get(j) == Some(&' ') {
            j += 1;
        }
        let digits = j;
        while f
            .get(j)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        {
            j += 1;
        }
        let number: String = f[digits..j].iter().collect();
        if !number.starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        let grouped = number.contains([',', '.']) && number.len() >= 5;
        while f.get(j) == Some(&' ') {
            j += 1;
        }
        let currency = ["vnd", "d", "dong"].iter().any(|w| word_at(f, j, w));
        grouped || currency
    })
}

/// "SD 1,234,567", "SD: 800,000", "So du kha dung: 2,150,000", "Số dư hiện tại: 3.500.000".
fn has_balance(f: &[char]) -> bool {
    (0..f.len()).any(|k| {
        let len = if word_at(f, k, "sd") || word_at(f, k, "sdc") {
            if word_at(f, k, "sd") { 2 } else { 3 }
        } else if word_at(f, k, "so du") {
            5
        } else {
            return false;
        };
        // A few words ("kha dung", "hien tai", "cuoi") and a colon may come before the amount.
        let rest = &f[k + len..f.len().min(k + len + 24)];
        rest.iter().position(char::is_ascii_digit).is_some_and(|p| {
            rest[..p]
                .iter()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | ':'))
        })
    })
}

/// Length of a memo label at `k` ("nd:", "noi dung:", "ref ", "loi nhan:") with its separator.
fn memo_marker(f: &[char], k: usize) -> Option<usize> {
    ["nd", "noi dung", "ref", "loi nhan"].iter().find_map(|w| {
        let n = w.chars().count();
        (word_at(f, k, w) && matches!(f.get(k + n), Some(':' | ' ' | '.'))).then_some(n + 1)
    })
}

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

    #[test]
    fn transfer_memos_are_blanked_in_balance_notices() {
        assert_eq!(
            mask_transfer_memo("GD: +20,000VND. SD: 520,000VND. ND: gui ma otp cho em"),
            "GD: +20,000VND. SD: 520,000VND. ND: "
        );
        assert_eq!(
            mask_transfer_memo(
                "TK 0123xxx789|GD: -35,000VND 23/09/26 12:01 |SD: 1,200,000VND|ND: MBVCB ca phe"
            ),
            "TK 0123xxx789|GD: -35,000VND 23/09/26 12:01 |SD: 1,200,000VND|ND: "
        );
        assert_eq!(
            mask_transfer_memo(
                "Tài khoản 1903: +2,000,000 VND\nSố dư: 5,500,000 VND\nNội dung: LUONG THANG 9\nCam on"
            ),
            "Tài khoản 1903: +2,000,000 VND\nSố dư: 5,500,000 VND\nNội dung: \nCam on"
        );
        // Not a balance notice: nothing is blanked.
        for s in [
            "ND: cung cap ma OTP cho anh",
            "Chuyen 500.000d roi, ND: gui ma otp cho em",
            "SD TK cua ban: vui long gui ma OTP",
        ] {
            assert_eq!(mask_transfer_memo(s), s);
        }
    }

    #[test]
    fn lookalike_letters_read_as_letters() {
        assert_eq!(unmask_lookalikes("NHAN T1EN NGAY"), "NHAN TIEN NGAY");
        assert_eq!(unmask_lookalikes("d!eu kien"), "dieu kien");
        assert_eq!(unmask_lookalikes("t¡nh d.uc"), "tinh d.uc");
        assert_eq!(
            unmask_lookalikes("h0an v0n kem hoa h0ng"),
            "hoan von kem hoa hong"
        );
        assert_eq!(unmask_lookalikes("Thüởng nóng"), "Thuởng nóng");
        assert_eq!(
            unmask_lookalikes("Ńạp LàTħưởŋg BấťKĔ Thắŋġ Thųa"),
            // Inside an upper-case run a rewritten letter is upper case too ("TH"): matching folds case.
            "Nạp LàTHưởng BấtKE Thắng Thua"
        );
        // Vietnamese's own marked letters are left alone.
        assert_eq!(unmask_lookalikes("ĩ ũ ă â ơ ư đ"), "ĩ ũ ă â ơ ư đ");
        assert_eq!(unmask_lookalikes("nhận quà"), "nhận quà");
        // Cyrillic а and о in "nhаn quа tоt".
        assert_eq!(
            unmask_lookalikes("nh\u{430}n qu\u{430} t\u{43e}t"),
            "nhan qua tot"
        );
    }

    #[test]
    fn numbers_codes_and_punctuation_stay() {
        for s in [
            "Nap 500k nhan 1.500.000d",
            "Goi ST90 va 5G135, bam *098*3# hoac soan V120 gui 191",
            "Ma OTP: 482913!",
            "Hello! Call 19001570 | 0912 345 678",
            "G-482913 is your code",
        ] {
            assert_eq!(unmask_lookalikes(s), s);
        }
    }

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
    fn dotted_letters_are_joined_but_abbreviations_stay() {
        assert_eq!(join_dotted_letters("n.ổ h.ũ c.ờ b.ạ.c"), "nổ hũ cờ bạc");
        assert_eq!(
            join_dotted_letters("t.o ta.i kh.oanta.ng"),
            "to tai khoantang"
        );
        assert_eq!(
            join_dotted_letters("TP.HCM, 1.500.000d. Xong"),
            "TP.HCM, 1.500.000d. Xong"
        );
    }

    #[test]
    fn empty_text_has_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" .. ,, !").is_empty());
    }

    proptest::proptest! {
        /// One character in, one character out: spans and counts computed on the text stay valid.
        #[test]
        fn keeps_the_number_of_characters(s in "\\PC{0,40}") {
            proptest::prop_assert_eq!(unmask_lookalikes(&s).chars().count(), s.chars().count());
        }

        /// Undoing look-alikes twice changes nothing more.
        #[test]
        fn is_idempotent(s in "[a-zA-Z0-9!|@$ .,äöüаео]{0,40}") {
            let once = unmask_lookalikes(&s).into_owned();
            let twice = unmask_lookalikes(&once).into_owned();
            proptest::prop_assert_eq!(once, twice);
        }

        /// Numbers, amounts and codes that are not wedged between letters keep every digit.
        #[test]
        fn leaves_numbers_alone(n in "[0-9][0-9.,]{0,12}[0-9kKdđ%]?", w in "[a-z]{1,8}") {
            let s = format!("{w} {n} {w}");
            proptest::prop_assert_eq!(unmask_lookalikes(&s), s.as_str());
        }
    }
}
