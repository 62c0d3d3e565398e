//! Errors from loading rule and evaluation files.
//!
//! Every error names the file and the 1-based line, because the people fixing them are content admins
//! editing TOML by hand, not developers reading a backtrace.

use thiserror::Error;

/// A content file that could not be loaded; nothing from it is used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RulesError {
    /// Not valid TOML, or a field is missing, unknown or of the wrong type.
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    /// Valid TOML whose content breaks a rule (bad pattern, unknown group, weight out of range, …).
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

impl RulesError {
    /// The file the error is in, as named in the message ("scam/signals.toml").
    pub fn file(&self) -> &str {
        match self {
            Self::Syntax { file, .. } | Self::Invalid { file, .. } => file,
        }
    }

    /// 1-based line of the error.
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. } | Self::Invalid { line, .. } => *line,
        }
    }

    pub(crate) fn from_toml(file: &str, src: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map_or(1, |s| line_of(src, s.start));
        Self::Syntax {
            file: file.to_owned(),
            line,
            message: err.message().trim().to_owned(),
        }
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Builds `Invalid` errors for one file, turning spans into line numbers.
pub(crate) struct Reporter<'a> {
    pub file: &'a str,
    pub src: &'a str,
}

impl Reporter<'_> {
    pub fn at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> RulesError {
        RulesError::Invalid {
            file: self.file.to_owned(),
            line: line_of(self.src, span.start),
            message: message.into(),
        }
    }
}
