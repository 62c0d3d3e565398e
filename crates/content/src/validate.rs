//! Collects every problem of one file instead of stopping at the first, so one run of
//! `hocvuso content check` gives an editor the whole list.

use std::path::Path;
use toml::Spanned;

use crate::error::ContentError;
use crate::text::{nfc_reason, non_nfc_lines};
use crate::toml_doc::Source;

pub(crate) struct Checker<'p> {
    path: &'p Path,
    errors: Vec<ContentError>,
}

impl<'p> Checker<'p> {
    pub fn new(path: &'p Path) -> Self {
        Self {
            path,
            errors: Vec::new(),
        }
    }

    pub fn push(&mut self, line: Option<usize>, reason: impl Into<String>) {
        self.errors.push(ContentError::new(self.path, line, reason));
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = ContentError>) {
        self.errors.extend(errors);
    }

    pub fn at<T>(&mut self, src: &Source<'_>, value: &Spanned<T>, reason: impl Into<String>) {
        self.errors.push(src.error_at(value, reason));
    }

    pub fn non_empty(&mut self, src: &Source<'_>, value: &Spanned<String>, field: &str) {
        if value.get_ref().trim().is_empty() {
            self.at(src, value, format!("{field} must not be empty"));
        }
    }

    pub fn count(&self) -> usize {
        self.errors.len()
    }

    /// Errors in line order (file-level ones first), or Ok if there were none.
    pub fn finish(mut self) -> Result<(), Vec<ContentError>> {
        if self.errors.is_empty() {
            return Ok(());
        }
        self.errors.sort_by_key(|e| e.line);
        Err(self.errors)
    }

    /// Like `finish`, for the early return when a file cannot be parsed at all.
    pub fn fail(self) -> Vec<ContentError> {
        self.finish().err().unwrap_or_default()
    }
}

/// Stored text must be NFC (see `text::non_nfc_lines`).
pub(crate) fn check_nfc(check: &mut Checker<'_>, text: &str) {
    if let Some((line, reason)) = nfc_reason(&non_nfc_lines(text)) {
        check.push(Some(line), reason);
    }
}
