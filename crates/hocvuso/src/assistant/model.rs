//! Questions and replies: validation, and the reply the API and the page both show. No I/O.
use super::engine::{Knowledge, Source};
use crate::error::FieldError;

/// Longest question accepted, in characters: a chat message, not a letter.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Earlier turns the no-JavaScript page carries along.
pub const MAX_HISTORY: usize = 4;
/// Citations per answer.
const MAX_SOURCES: usize = 3;

/// The question trimmed, in NFC, with line breaks as spaces; or why it cannot be asked.
pub fn clean_question(raw: &str) -> Result<String, FieldError> {
    let nfc = vntext::nfc(raw);
    if nfc
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new("question", "field-control-chars"));
    }
    let one_line = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return Err(FieldError::new("question", "assistant-question-empty"));
    }
    if one_line.chars().count() > MAX_QUESTION_CHARS {
        return Err(FieldError::new("question", "assistant-question-too-long"));
    }
    if !one_line.chars().any(char::is_alphanumeric) {
        return Err(FieldError::new("question", "assistant-question-no-words"));
    }
    Ok(one_line)
}

/// The key unanswered questions are grouped by: folded tokens, so "Thời tiết mai?" and "thoi tiet
/// mai" count as one.
pub fn gap_key(redacted: &str) -> String {
    let key = vntext::folded_tokens(redacted).join(" ");
    key.chars().take(300).collect()
}

/// Which official portal a question is about, for the "where to go instead" pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Portal {
    Vneid,
    PublicServices,
}

impl Portal {
    pub fn for_question(q: &str) -> Portal {
        let folded = vntext::folded_tokens(q).join(" ");
        let about_identity = [
            "vneid",
            "dinh danh",
            "can cuoc",
            "cccd",
            "cmnd",
            "chung minh",
        ]
        .iter()
        .any(|w| folded.contains(w));
        if about_identity {
            Portal::Vneid
        } else {
            Portal::PublicServices
        }
    }

    pub fn url(self) -> &'static str {
        match self {
            Portal::Vneid => "https://vneid.gov.vn",
            Portal::PublicServices => "https://dichvucong.gov.vn",
        }
    }

    /// Fluent id of its name.
    pub fn message_id(self) -> &'static str {
        match self {
            Portal::Vneid => "assistant-portal-vneid",
            Portal::PublicServices => "assistant-portal-dvc",
        }
    }
}

/// The citations of a confident answer: the document itself (and the entry answering the question's
/// other part, if any), then the lessons they link. One more citation when two entries are shown, so
/// a lesson is still linked.
pub fn sources_of(k: &Knowledge, hit: &kbsearch::Hit, also: Option<&kbsearch::Hit>) -> Vec<Source> {
    let hits: Vec<&kbsearch::Hit> = std::iter::once(hit).chain(also).collect();
    let max = MAX_SOURCES + hits.len() - 1;
    let mut out: Vec<Source> = hits
        .iter()
        .map(|h| Source {
            title: h.title.clone(),
            url: h.url.clone(),
        })
        .collect();
    for h in &hits {
        if let Some(f) = k.faq(&h.id) {
            for l in &f.lessons {
                if out.len() < max && !out.contains(l) {
                    out.push(l.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_validated() {
        assert_eq!(
            clean_question("  làm sao\n kích hoạt  "),
            Ok("làm sao kích hoạt".into())
        );
        assert_eq!(
            clean_question("   ").unwrap_err().reason,
            "assistant-question-empty"
        );
        assert_eq!(
            clean_question("?!").unwrap_err().reason,
            "assistant-question-no-words"
        );
        assert_eq!(
            clean_question(&"a".repeat(501)).unwrap_err().reason,
            "assistant-question-too-long"
        );
        assert_eq!(
            clean_question(&"ạ".repeat(500)).map(|s| s.chars().count()),
            Ok(500)
        );
        assert_eq!(
            clean_question("a\u{0}b").unwrap_err().reason,
            "field-control-chars"
        );
    }

    #[test]
    fn gap_keys_ignore_marks_case_and_punctuation() {
        assert_eq!(gap_key("Thời tiết mai?"), gap_key("thoi  tiet MAI"));
    }

    #[test]
    fn portal_follows_the_question() {
        assert_eq!(
            Portal::for_question("tài khoản VNeID bị khóa của tôi"),
            Portal::Vneid
        );
        assert_eq!(
            Portal::for_question("hồ sơ đất của tôi đến đâu rồi"),
            Portal::PublicServices
        );
    }
}
