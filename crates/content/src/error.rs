//! One error type for every content problem, shaped like a compiler diagnostic so an editor can jump to
//! it and a province's content editor can fix the file without reading Rust.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem in one content file. `line` is 1-based and counts lines of the whole file (front matter
/// included), so it matches what the editor shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub reason: String,
}

impl ContentError {
    pub fn new(path: &Path, line: Option<usize>, reason: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }

    pub fn at(path: &Path, line: usize, reason: impl Into<String>) -> Self {
        Self::new(path, Some(line), reason)
    }

    pub fn file(path: &Path, reason: impl Into<String>) -> Self {
        Self::new(path, None, reason)
    }

    /// Turns a TOML parse/deserialize error into a located error. `first_line` is the file line on which
    /// `text` starts, because a lesson's front matter begins on line 2.
    pub(crate) fn from_toml(
        path: &Path,
        text: &str,
        first_line: usize,
        err: &toml::de::Error,
    ) -> Self {
        let line = err
            .span()
            .map(|span| first_line + line_index(text, span.start));
        Self::new(path, line, err.message().trim().to_string())
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

/// 0-based index of the line holding byte `offset` of `text`. Offsets past the end (TOML reports
/// "unexpected end of input" there) land on the last line instead of panicking.
pub(crate) fn line_index(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_with_and_without_line() {
        let p = Path::new("content/faq/vneid.toml");
        assert_eq!(
            ContentError::at(p, 7, "duplicate id").to_string(),
            "content/faq/vneid.toml:7: duplicate id"
        );
        assert_eq!(
            ContentError::file(p, "cannot read").to_string(),
            "content/faq/vneid.toml: cannot read"
        );
    }

    #[test]
    fn line_index_counts_newlines_before_offset() {
        let text = "a\nbb\nccc";
        assert_eq!(line_index(text, 0), 0);
        assert_eq!(line_index(text, 2), 1);
        assert_eq!(line_index(text, 5), 2);
        assert_eq!(line_index(text, 999), 2);
    }
}
