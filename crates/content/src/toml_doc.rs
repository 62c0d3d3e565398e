//! TOML parsing that reports as many problems per file as possible. Plain `toml::from_str` stops at the
//! first error, so a content editor would fix one typo per run; instead we parse the document with error
//! recovery, then deserialize each `[[array]]` entry on its own so one bad quiz question does not hide
//! the next.

use serde::de::DeserializeOwned;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Deserializer, ValueDeserializer};

use crate::error::{ContentError, line_index};

/// A TOML text and where it sits in its file, so every span can be turned into a file line.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// File line (1-based) on which `text` starts: 1 for a `.toml` file, 2 for lesson front matter.
    pub first_line: usize,
}

impl<'a> Source<'a> {
    pub fn line(&self, offset: usize) -> usize {
        self.first_line + line_index(self.text, offset)
    }

    pub fn line_of<T>(&self, s: &Spanned<T>) -> usize {
        self.line(s.span().start)
    }

    pub fn error_at<T>(&self, s: &Spanned<T>, reason: impl Into<String>) -> ContentError {
        ContentError::at(self.path, self.line_of(s), reason)
    }

    fn toml_error(&self, err: &toml::de::Error) -> ContentError {
        ContentError::from_toml(self.path, self.text, self.first_line, err)
    }

    /// Every syntax error in the document, or the document if there are none.
    pub fn parse(&self) -> Result<Spanned<DeTable<'a>>, Vec<ContentError>> {
        let (doc, errors) = DeTable::parse_recoverable(self.text);
        if errors.is_empty() {
            Ok(doc)
        } else {
            // The recovering parser does not report in source order, and an editor fixes top to bottom.
            // Its follow-on complaints about the same line only add noise, so keep the first per line.
            let mut errors: Vec<ContentError> = errors.iter().map(|e| self.toml_error(e)).collect();
            errors.sort_by_key(|e| e.line);
            errors.dedup_by_key(|e| e.line);
            Err(errors)
        }
    }

    /// Deserializes what is left of a document once its arrays have been taken out.
    pub fn deserialize<T: DeserializeOwned>(
        &self,
        doc: Spanned<DeTable<'a>>,
    ) -> Result<T, ContentError> {
        T::deserialize(Deserializer::from(doc)).map_err(|e| self.toml_error(&e))
    }

    /// Removes `key` (an array of tables such as `[[quiz]]`) from the document and deserializes each entry
    /// separately. A missing key is an empty list; the caller decides whether that is allowed.
    pub fn take_array<T: DeserializeOwned>(
        &self,
        doc: &mut Spanned<DeTable<'a>>,
        key: &str,
    ) -> (Vec<T>, Vec<ContentError>) {
        let Some(value) = doc.get_mut().remove(key) else {
            return (Vec::new(), Vec::new());
        };
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            let line = self.line(span.start);
            return (
                Vec::new(),
                vec![ContentError::at(
                    self.path,
                    line,
                    format!("`{key}` must be a list of [[{key}]] entries"),
                )],
            );
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for item in items {
            match T::deserialize(ValueDeserializer::from(item)) {
                Ok(v) => out.push(v),
                Err(e) => errors.push(self.toml_error(&e)),
            }
        }
        (out, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        n: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Head {
        #[allow(dead_code)]
        name: String,
    }

    fn src(text: &str) -> Source<'_> {
        Source {
            path: Path::new("x.toml"),
            text,
            first_line: 1,
        }
    }

    #[test]
    fn every_bad_entry_is_reported_with_its_line() {
        let text = "name = \"a\"\n\n[[item]]\nn = 1\n\n[[item]]\nn = \"two\"\n\n[[item]]\nm = 3\n";
        let s = src(text);
        let mut doc = s.parse().expect("valid syntax");
        let (items, errors) = s.take_array::<Item>(&mut doc, "item");
        assert_eq!(items.len(), 1);
        let lines: Vec<Option<usize>> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![Some(7), Some(10)], "{errors:?}");
        assert!(s.deserialize::<Head>(doc).is_ok());
    }

    #[test]
    fn syntax_errors_are_all_reported() {
        let s = src("a = 1\nb = \nc = 3\nd = [1,\n");
        let errors = s.parse().expect_err("broken");
        let lines: Vec<Option<usize>> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![Some(2), Some(4)], "{errors:?}");
    }

    #[test]
    fn unknown_top_level_key_is_located() {
        let s = src("name = \"a\"\ncolour = 1\n");
        let doc = s.parse().expect("valid syntax");
        let err = s.deserialize::<Head>(doc).expect_err("unknown field");
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.reason.contains("colour"), "{err}");
    }

    #[test]
    fn non_array_is_reported() {
        let s = src("item = 3\n");
        let mut doc = s.parse().expect("valid syntax");
        let (_, errors) = s.take_array::<Item>(&mut doc, "item");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(1));
    }
}
