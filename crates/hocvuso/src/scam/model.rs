//! What a checked message looks like to a person or a program, and what is kept of a reported one.
use scamcheck::{Level, Verdict};

use crate::error::FieldError;
use crate::i18n::Lang;

/// Longest message accepted. Real messages are a few hundred characters; the cap keeps the page and
/// the database free of pasted books.
pub const MAX_TEXT: usize = 5_000;

/// Longest sender accepted: brand names, short codes and phone numbers are short; "Zalo: Nguyễn
/// Văn A" fits.
pub const MAX_SENDER: usize = 60;

/// Put where the reporter's own data was.
pub const HIDDEN: &str = "[đã ẩn]";

/// The message as typed, cleaned (NFC, trimmed); a field error on `text` when empty, too long or
/// holding control characters other than line breaks and tabs.
pub(crate) fn clean_message(s: &str) -> Result<String, FieldError> {
    let text = crate::web::text::clean_text(s, MAX_TEXT).map_err(|r| FieldError::new("text", r))?;
    if text.is_empty() {
        return Err(FieldError::new("text", "field-required"));
    }
    Ok(text)
}

/// The sender as typed, cleaned (one line, NFC); `None` when left empty; a field error on `sender`
/// when too long or holding control characters.
pub(crate) fn clean_sender(s: &str) -> Result<Option<String>, FieldError> {
    let line = crate::web::text::clean_line(s).map_err(|r| FieldError::new("sender", r))?;
    if line.chars().count() > MAX_SENDER {
        return Err(FieldError::new("sender", "field-too-long"));
    }
    Ok(Some(line).filter(|l| !l.is_empty()))
}

/// The verdict as the reports table stores it: the risk at report time. Advertising and "no record"
/// carry no risk of their own, so they are kept as "safe" (the table's check constraint predates
/// them, and an admin triaging reports needs the risk, not the kind of message).
pub(crate) fn stored_verdict(l: Level) -> &'static str {
    match l {
        Level::Scam | Level::Suspicious => l.as_str(),
        Level::Safe | Level::Advertising | Level::NoRecord => Level::Safe.as_str(),
    }
}

/// The code of the strongest risk reason, or "none": the kind a report is filed and counted under.
pub(crate) fn kind_of(v: &Verdict) -> String {
    v.reasons
        .iter()
        .find(|r| r.weight > 0.0)
        .map_or_else(|| "none".to_owned(), |r| r.code.clone())
}

/// What is stored of a reported message: the reporter's own phone number (in any spelling), their
/// full name, and anything shaped like an ID card (9 or 12 digits) or a bank card (16 digits) replaced
/// by [`HIDDEN`]. The scammer's numbers and links stay: they are the evidence.
pub(crate) fn strip_reporter_data(text: &str, phone: Option<&str>, name: Option<&str>) -> String {
    let mut out = text.to_owned();
    if let Some(own) = phone.and_then(scamcheck::normalize_phone) {
        let spans: Vec<_> = scamcheck::find_phones(&out)
            .into_iter()
            .filter(|(_, n)| *n == own)
            .map(|(span, _)| span)
            .collect();
        out = replace_spans(&out, spans);
    }
    if let Some(name) = name.map(vntext::nfc) {
        // A one-word name ("An", "Lan") is also an everyday word; removing it would garble the text.
        if name.split_whitespace().count() >= 2 {
            let spans = word_matches(&out, &name);
            out = replace_spans(&out, spans);
        }
    }
    let spans = id_like_numbers(&out);
    replace_spans(&out, spans)
}

fn replace_spans(text: &str, mut spans: Vec<std::ops::Range<usize>>) -> String {
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        if s.start < at {
            continue;
        }
        out.push_str(&text[at..s.start]);
        out.push_str(HIDDEN);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Case-insensitive whole-word occurrences of `needle` (same number of characters when lowercased,
/// which holds for Vietnamese letters).
fn word_matches(text: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let lower_needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = needle.chars().count();
    let mut out = Vec::new();
    let mut i = 0;
    while i + n <= chars.len() {
        let boundary_before = i == 0 || !chars[i - 1].1.is_alphanumeric();
        let boundary_after = chars.get(i + n).is_none_or(|(_, c)| !c.is_alphanumeric());
        let same = boundary_before
            && boundary_after
            && chars[i..i + n]
                .iter()
                .flat_map(|(_, c)| c.to_lowercase())
                .eq(lower_needle.iter().copied());
        if same {
            let end = chars.get(i + n).map_or(text.len(), |(b, _)| *b);
            out.push(chars[i].0..end);
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

/// Runs of exactly 9, 12 or 16 digits (16 also as four groups of four): old and new ID cards, bank
/// cards. Not part of a longer number, not after "+".
fn id_like_numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit()
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'+'))
        {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut groups_of_four = true;
        let mut group = 0;
        while j < b.len() {
            if b[j].is_ascii_digit() {
                digits += 1;
                group += 1;
                j += 1;
            } else if b[j] == b' ' && group == 4 && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                group = 0;
                j += 1;
            } else {
                break;
            }
        }
        if group != 4 {
            groups_of_four = false;
        }
        let spaced = text[i..j].contains(' ');
        let ends_clean = b.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
        let hit = ends_clean
            && if spaced {
                digits == 16 && groups_of_four
            } else {
                matches!(digits, 9 | 12 | 16)
            };
        if hit {
            out.push(i..j);
        }
        i = j.max(i + 1);
    }
    out
}

/// One reason, ready to show.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    /// Stable code of the signal, e.g. `asks_otp`, `link_lookalike`.
    pub code: String,
    /// Plain-language explanation in the requested language.
    pub message: String,
    /// The lesson that explains this sign.
    pub learn_url: String,
    /// A reassuring sign (lowers the risk) rather than a warning.
    pub reassuring: bool,
    #[serde(skip)]
    pub learn_title: String,
}

/// A verdict in one language, for the page and the API alike.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub level: Level,
    pub score: f32,
    pub reasons: Vec<ReasonView>,
    pub advice: String,
    pub learn_url: String,
    pub learn_title: String,
}

pub(crate) fn learn_url(link: &str) -> String {
    format!("/hoc/{link}")
}

impl ResultView {
    pub(crate) fn new(v: &Verdict, lang: Lang, title: impl Fn(&str) -> Option<String>) -> Self {
        let title_or = |link: &str| title(link).unwrap_or_else(|| lang.t("scam-read-lesson"));
        ResultView {
            level: v.verdict,
            score: v.score,
            reasons: v
                .reasons
                .iter()
                .map(|r| ReasonView {
                    code: r.code.clone(),
                    message: match lang {
                        Lang::Vi => r.message_vi.clone(),
                        Lang::En => r.message_en.clone(),
                    },
                    learn_url: learn_url(&r.learn),
                    reassuring: r.weight < 0.0,
                    learn_title: title_or(&r.learn),
                })
                .collect(),
            advice: match lang {
                Lang::Vi => v.advice_vi.clone(),
                Lang::En => v.advice_en.clone(),
            },
            learn_url: learn_url(&v.learn),
            learn_title: title_or(&v.learn),
        }
    }

    pub(crate) fn level_str(&self) -> &'static str {
        self.level.as_str()
    }

    pub(crate) fn warnings(&self) -> impl Iterator<Item = &ReasonView> {
        self.reasons.iter().filter(|r| !r.reassuring)
    }

    pub(crate) fn reassurances(&self) -> impl Iterator<Item = &ReasonView> {
        self.reasons.iter().filter(|r| r.reassuring)
    }

    pub(crate) fn has_reassurances(&self) -> bool {
        self.reasons.iter().any(|r| r.reassuring)
    }

    /// Scam or suspicious: the page lists what to do now and offers the report prominently.
    pub(crate) fn is_flagged(&self) -> bool {
        self.level.is_flagged()
    }

    pub(crate) fn is_advertising(&self) -> bool {
        self.level == Level::Advertising
    }

    pub(crate) fn is_no_record(&self) -> bool {
        self.level == Level::NoRecord
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporter_phone_and_name_are_hidden_in_any_spelling() {
        let text = "Gửi anh Nguyễn Văn Bình (0912.345.678): công an yêu cầu gọi 0587 654 321. \
                    NGUYỄN VĂN BÌNH xác nhận số +84 912 345 678.";
        let out = strip_reporter_data(text, Some("0912345678"), Some("Nguyễn Văn Bình"));
        assert!(
            !out.contains("0912.345.678") && !out.contains("912 345 678"),
            "{out}"
        );
        assert!(!out.to_lowercase().contains("nguyễn văn bình"), "{out}");
        assert!(
            out.contains("0587 654 321"),
            "the scammer's number is evidence: {out}"
        );
        assert_eq!(out.matches(HIDDEN).count(), 4, "{out}");
    }

    #[test]
    fn one_word_names_and_partial_words_are_left_alone() {
        let text = "Công an phường An Hòa yêu cầu";
        assert_eq!(strip_reporter_data(text, None, Some("An")), text);
        assert_eq!(
            strip_reporter_data("Lan Anhh đây", None, Some("Lan Anh")),
            "Lan Anhh đây"
        );
    }

    #[test]
    fn id_and_card_numbers_are_hidden_but_phones_and_amounts_are_not() {
        let out = strip_reporter_data(
            "CCCD 044190012345, CMND 197123456, the 4111 1111 1111 1111, goi 0912345678, chuyen 500000000d, ma 123456",
            None,
            None,
        );
        assert_eq!(
            out,
            "CCCD [đã ẩn], CMND [đã ẩn], the [đã ẩn], goi 0912345678, chuyen 500000000d, ma 123456"
        );
    }

    #[test]
    fn senders_are_validated() {
        assert_eq!(clean_sender("  ").unwrap(), None);
        assert_eq!(
            clean_sender(" Viettel ").unwrap().as_deref(),
            Some("Viettel")
        );
        assert_eq!(
            clean_sender(&"a".repeat(MAX_SENDER + 1))
                .unwrap_err()
                .reason,
            "field-too-long"
        );
        let e = clean_sender("VCB\n191").unwrap_err();
        assert_eq!((e.field, e.reason), ("sender", "field-control-chars"));
        assert_eq!(stored_verdict(Level::Advertising), "safe");
        assert_eq!(stored_verdict(Level::Scam), "scam");
    }

    #[test]
    fn messages_are_validated() {
        assert_eq!(clean_message("  ").unwrap_err().reason, "field-required");
        assert_eq!(
            clean_message(&"a".repeat(MAX_TEXT + 1)).unwrap_err().reason,
            "field-too-long"
        );
        assert_eq!(
            clean_message("a\u{7}b").unwrap_err().reason,
            "field-control-chars"
        );
        assert_eq!(
            clean_message(" dòng 1\r\ndòng 2 ").unwrap(),
            "dòng 1\ndòng 2"
        );
    }
}
