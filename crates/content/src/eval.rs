//! `eval/assistant.toml`: questions typed the way people really type them, with the FAQ entries or
//! lessons a good answer cites. `hocvuso eval assistant` runs them against the assistant.
//!
//! Unlike every other content file this one is NOT checked for NFC: its `kind = "nfd"` cases are stored
//! decomposed on purpose, to prove the assistant copes with them.

use serde::Deserialize;
use std::fs;
use std::path::Path;
use toml::Spanned;

use crate::error::ContentError;
use crate::model::Library;
use crate::text::is_slug;
use crate::toml_doc::Source;
use crate::validate::Checker;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct AssistantCase {
    pub q: String,
    /// How the question is typed: "normal", "no-diacritics", "nfd", "typo", "offtopic", … so a report
    /// can show where misses cluster.
    pub kind: String,
    /// Acceptable citations, any one is a pass: an FAQ id or `lesson:<course>/<lesson>`. Empty means the
    /// assistant must say it does not know.
    pub expect: Vec<String>,
    /// Line of the case's `q`, so an eval report can point at the failing case.
    pub line: usize,
}

/// What one `expect` entry refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected<'a> {
    Faq(&'a str),
    /// A `course-slug/lesson-slug` link.
    Lesson(&'a str),
}

impl<'a> Expected<'a> {
    pub fn parse(s: &'a str) -> Option<Self> {
        match s.strip_prefix("lesson:") {
            Some(link) => {
                let (course, lesson) = link.split_once('/')?;
                (is_slug(course) && is_slug(lesson)).then_some(Expected::Lesson(link))
            }
            None => is_slug(s).then_some(Expected::Faq(s)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    q: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    expect: Vec<Spanned<String>>,
}

pub fn load_assistant_cases(path: &Path) -> Result<Vec<AssistantCase>, Vec<ContentError>> {
    let text = fs::read_to_string(path)
        .map_err(|e| vec![ContentError::file(path, format!("cannot read file: {e}"))])?;
    parse_assistant_cases(path, &text)
}

/// Parses the file's text; `path` is only used in error messages.
pub fn parse_assistant_cases(
    path: &Path,
    text: &str,
) -> Result<Vec<AssistantCase>, Vec<ContentError>> {
    let src = Source {
        path,
        text,
        first_line: 1,
    };
    let mut check = Checker::new(path);
    let mut doc = src.parse()?;
    let (raw, errors) = src.take_array::<RawCase>(&mut doc, "case");
    let written = raw.len() + errors.len();
    check.extend(errors);
    for (key, value) in doc.get_ref().iter() {
        check.at(
            &src,
            value,
            format!(
                "unknown key `{}`; this file holds only [[case]] entries",
                key.get_ref()
            ),
        );
    }
    if written == 0 {
        check.push(None, "no [[case]] entries in this file");
    }
    let mut cases = Vec::with_capacity(raw.len());
    for r in raw {
        check.non_empty(&src, &r.q, "q");
        if !is_slug(r.kind.get_ref()) {
            check.at(
                &src,
                &r.kind,
                format!(
                    "kind `{}` must be a lowercase slug such as \"no-diacritics\"",
                    r.kind.get_ref()
                ),
            );
        }
        for e in &r.expect {
            if Expected::parse(e.get_ref()).is_none() {
                check.at(
                    &src,
                    e,
                    format!(
                        "expect `{}` must be an FAQ id or `lesson:<course>/<lesson>`",
                        e.get_ref()
                    ),
                );
            }
        }
        cases.push(AssistantCase {
            line: src.line_of(&r.q),
            q: r.q.into_inner(),
            kind: r.kind.into_inner(),
            expect: r.expect.into_iter().map(Spanned::into_inner).collect(),
        });
    }
    check.finish()?;
    Ok(cases)
}

/// Every `expect` must name an FAQ id or lesson that exists, or the eval would silently score a case
/// as unanswerable.
pub fn check_references(
    path: &Path,
    cases: &[AssistantCase],
    library: &Library,
) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for case in cases {
        for e in &case.expect {
            let found = match Expected::parse(e) {
                Some(Expected::Faq(id)) => library.faq.iter().any(|f| f.id == id),
                Some(Expected::Lesson(link)) => library.lesson_by_link(link).is_some(),
                None => false,
            };
            if !found {
                errors.push(ContentError::at(
                    path,
                    case.line,
                    format!("expect `{e}` does not exist"),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Faq;

    const TEXT: &str = "# comment\n\n[[case]]\nq = \"bi lua chuyen tien bao o dau\"\nkind = \"no-diacritics\"\nexpect = [\"ld-bao\", \"lesson:nhan-dien-lua-dao/bao-cao-lua-dao\"]\n\n[[case]]\nq = \"Giá vàng hôm nay?\"\nkind = \"offtopic\"\nexpect = []\n";

    fn parse(text: &str) -> Result<Vec<AssistantCase>, Vec<ContentError>> {
        parse_assistant_cases(Path::new("content/eval/assistant.toml"), text)
    }

    #[test]
    fn parses_cases_with_lines() {
        let cases = parse(TEXT).expect("valid");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].kind, "no-diacritics");
        assert_eq!(cases[0].line, 4);
        assert_eq!(cases[0].expect.len(), 2);
        assert!(cases[1].expect.is_empty());
    }

    #[test]
    fn nfd_questions_are_allowed() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "Giá vàng hôm nay?".nfd().collect();
        assert!(parse(&TEXT.replace("Giá vàng hôm nay?", &nfd)).is_ok());
    }

    #[test]
    fn bad_entries_are_reported() {
        let text = TEXT
            .replace("\"ld-bao\"", "\"lesson:vneid\"")
            .replace("kind = \"offtopic\"", "kind = \"Off topic\"");
        let lines: Vec<Option<usize>> = parse(&text)
            .expect_err("bad")
            .iter()
            .map(|e| e.line)
            .collect();
        assert_eq!(lines, vec![Some(6), Some(10)]);
        assert!(parse("[[case]]\nq = \"x\"\n").is_err(), "kind is required");
        assert!(parse("").is_err());
    }

    #[test]
    fn references_are_checked_against_the_library() {
        let cases = parse(TEXT).expect("valid");
        let mut lib = Library::default();
        lib.faq.push(Faq {
            id: "ld-bao".into(),
            q: "?".into(),
            alt: vec![],
            a: ".".into(),
            lessons: vec![],
            subject: vec![],
        });
        let errors = check_references(Path::new("a.toml"), &cases, &lib);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "a.toml:4: expect `lesson:nhan-dien-lua-dao/bao-cao-lua-dao` does not exist"
        );
    }
}
