//! Cleaning what people type: NFC, trimmed, one space between words, no control characters.

/// Longest single-line field accepted anywhere (names, titles); longer input is refused, not cut.
pub const MAX_LINE: usize = 200;

/// A single-line field, cleaned; `Err(fluent id)` when it holds control characters or is too long.
pub(crate) fn clean_line(s: &str) -> Result<String, &'static str> {
    if s.chars().any(|c| c.is_control()) {
        return Err("field-control-chars");
    }
    let s = vntext::nfc(s);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > MAX_LINE {
        return Err("field-too-long");
    }
    Ok(s)
}

/// A multi-line note: control characters other than newlines refused, NFC, trimmed.
pub(crate) fn clean_text(s: &str, max_chars: usize) -> Result<String, &'static str> {
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("field-control-chars");
    }
    let s = vntext::nfc(s.trim()).replace("\r\n", "\n");
    if s.chars().count() > max_chars {
        return Err("field-too-long");
    }
    Ok(s)
}

/// A text cell for a spreadsheet export (CSV): one that Excel or LibreOffice would read as a formula —
/// it begins with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'`, so a village
/// named `=HYPERLINK(…)` is shown as typed instead of being run on the computer of whoever opens the
/// report (OWASP "CSV injection"). Only for text columns: numbers are written as numbers.
pub(crate) fn spreadsheet_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A local redirect target: "/path" only, never "//host" or "http://…" (no open redirects).
pub(crate) fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_text_defuses_formulas() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_text(bad), format!("'{bad}"));
        }
        for ok in ["Thôn Tân Lập", "19360-001", "a=b", "", "'quoted"] {
            assert_eq!(spreadsheet_text(ok), ok);
        }
    }
    use proptest::prelude::*;

    #[test]
    fn cleans() {
        assert_eq!(
            clean_line("  Nguyễn   Văn  A ").as_deref(),
            Ok("Nguyễn Văn A")
        );
        assert_eq!(clean_line("a\u{0}b"), Err("field-control-chars"));
        assert_eq!(clean_line(&"x".repeat(201)), Err("field-too-long"));
        assert_eq!(local_path(Some("//evil.com")), "/");
        assert_eq!(local_path(Some("https://evil.com")), "/");
        assert_eq!(local_path(Some("/hoc?x=1")), "/hoc?x=1");
    }

    proptest! {
        #[test]
        fn clean_line_output_is_clean(s in ".{0,300}") {
            if let Ok(c) = clean_line(&s) {
                prop_assert!(!c.chars().any(char::is_control));
                prop_assert_eq!(c.trim(), c.as_str());
                prop_assert!(!c.contains("  "));
                prop_assert_eq!(clean_line(&c), Ok(c.clone()));
            }
        }

        #[test]
        fn local_path_never_leaves_the_site(s in ".{0,50}") {
            let p = local_path(Some(&s));
            prop_assert!(p.starts_with('/') && !p.starts_with("//"));
        }
    }
}
