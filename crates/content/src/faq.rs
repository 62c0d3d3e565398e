//! `faq/<topic>.toml`: `[[faq]]` entries the assistant answers from.

use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

use crate::error::ContentError;
use crate::model::Faq;
use crate::text::is_slug;
use crate::toml_doc::Source;
use crate::validate::{Checker, check_nfc};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFaq {
    id: Spanned<String>,
    q: Spanned<String>,
    #[serde(default)]
    alt: Vec<Spanned<String>>,
    a: Spanned<String>,
    #[serde(default)]
    lessons: Vec<Spanned<String>>,
    #[serde(default)]
    subject: Vec<Spanned<String>>,
}

/// An entry plus the lines the cross-file checks (unique ids, existing lessons) point at.
#[derive(Debug)]
pub(crate) struct FaqEntry {
    pub faq: Faq,
    pub id_line: usize,
    /// One per `faq.lessons` link.
    pub link_lines: Vec<usize>,
}

pub(crate) fn parse_faq_file(path: &Path, text: &str) -> Result<Vec<FaqEntry>, Vec<ContentError>> {
    let src = Source {
        path,
        text,
        first_line: 1,
    };
    let mut check = Checker::new(path);
    check_nfc(&mut check, text);
    let mut doc = match src.parse() {
        Ok(doc) => doc,
        Err(errors) => {
            check.extend(errors);
            return Err(check.fail());
        }
    };
    let (raw, errors) = src.take_array::<RawFaq>(&mut doc, "faq");
    let written = raw.len() + errors.len();
    check.extend(errors);
    // Anything besides [[faq]] is a typo such as [[faqs]] that would silently drop entries.
    for (key, value) in doc.get_ref().iter() {
        check.at(
            &src,
            value,
            format!(
                "unknown key `{}`; an FAQ file holds only [[faq]] entries",
                key.get_ref()
            ),
        );
    }
    if written == 0 {
        check.push(None, "no [[faq]] entries in this file");
    }
    let entries: Vec<FaqEntry> = raw
        .into_iter()
        .filter_map(|r| check_entry(&mut check, &src, r))
        .collect();
    check.finish()?;
    Ok(entries)
}

fn check_entry(check: &mut Checker<'_>, src: &Source<'_>, raw: RawFaq) -> Option<FaqEntry> {
    let before = check.count();
    let id = raw.id.get_ref();
    if !is_slug(id) {
        check.at(
            src,
            &raw.id,
            format!("id `{id}` must be lowercase ASCII words joined by `-`"),
        );
    }
    check.non_empty(src, &raw.q, "q");
    check.non_empty(src, &raw.a, "a");
    for alt in &raw.alt {
        check.non_empty(src, alt, "alt");
    }
    for word in &raw.subject {
        check.non_empty(src, word, "subject");
    }
    for link in &raw.lessons {
        let ok = link
            .get_ref()
            .split_once('/')
            .is_some_and(|(c, l)| is_slug(c) && is_slug(l));
        if !ok {
            check.at(
                src,
                link,
                format!(
                    "lesson link `{}` must be `course-slug/lesson-slug`",
                    link.get_ref()
                ),
            );
        }
    }
    if check.count() != before {
        return None;
    }
    Some(FaqEntry {
        id_line: src.line_of(&raw.id),
        link_lines: raw.lessons.iter().map(|l| src.line_of(l)).collect(),
        faq: Faq {
            id: raw.id.into_inner(),
            q: raw.q.into_inner(),
            alt: raw.alt.into_iter().map(Spanned::into_inner).collect(),
            a: raw.a.into_inner(),
            lessons: raw.lessons.into_iter().map(Spanned::into_inner).collect(),
            subject: raw.subject.into_iter().map(Spanned::into_inner).collect(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"[[faq]]
id = "vneid-muc-2-o-dau"
q = "Kích hoạt VNeID mức 2 ở đâu?"
alt = ["làm định danh mức 2 ở đâu"]
a = "Đến công an xã nơi cư trú, mang theo CCCD gắn chip."
lessons = ["vneid/kich-hoat-muc-2"]

[[faq]]
id = "quen-mat-khau"
q = "Quên mật khẩu VNeID?"
a = "Bấm Quên mật khẩu và làm theo hướng dẫn."
"#;

    fn parse(text: &str) -> Result<Vec<FaqEntry>, Vec<ContentError>> {
        parse_faq_file(Path::new("content/faq/dinh-danh.toml"), text)
    }

    #[test]
    fn good_file_parses_with_optional_fields() {
        let entries = parse(GOOD).expect("valid");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].faq.lessons, vec!["vneid/kich-hoat-muc-2"]);
        assert_eq!(entries[0].link_lines, vec![6]);
        assert_eq!(entries[1].id_line, 9);
        assert!(entries[1].faq.alt.is_empty() && entries[1].faq.lessons.is_empty());
    }

    #[test]
    fn bad_entries_are_all_reported() {
        let text = GOOD
            .replace("id = \"quen-mat-khau\"", "id = \"Quên mật khẩu\"")
            .replace("\"vneid/kich-hoat-muc-2\"", "\"kich-hoat-muc-2\"")
            .replace("a = \"Đến", "answer = \"Đến");
        let errors = parse(&text).expect_err("bad");
        let lines: Vec<Option<usize>> = errors.iter().map(|e| e.line).collect();
        // The first entry fails to deserialize (unknown `answer`), so its link is not checked.
        assert_eq!(lines, vec![Some(5), Some(9)], "{errors:?}");
        assert!(errors[0].reason.contains("answer"));
    }

    #[test]
    fn bad_link_and_typo_table() {
        let text = GOOD
            .replace("\"vneid/kich-hoat-muc-2\"", "\"kich-hoat-muc-2\"")
            .replace("[[faq]]\nid = \"quen", "[[faqs]]\nid = \"quen");
        let errors = parse(&text).expect_err("bad");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, Some(6));
        assert!(
            errors[1].reason.contains("unknown key `faqs`"),
            "{errors:?}"
        );
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(parse("# nothing yet\n").is_err());
    }
}
