//! Small text rules shared by every file kind.

use unicode_normalization::{UnicodeNormalization, is_nfc};

/// `^[a-z0-9]+(-[a-z0-9]+)*$`: slugs end up in URLs and database keys, so they stay plain ASCII.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Counts runs of letters/digits. Normalises first because in NFD text the tone marks are separate
/// combining characters that would otherwise split "hòa" into two words.
pub fn word_count(text: &str) -> usize {
    let nfc: String = text.nfc().collect();
    let mut count = 0;
    let mut in_word = false;
    for c in nfc.chars() {
        let is_word_char = c.is_alphanumeric();
        if is_word_char && !in_word {
            count += 1;
        }
        in_word = is_word_char;
    }
    count
}

/// Elderly readers go slowly, so we assume ~150 words a minute and never show "0 minutes".
pub fn reading_minutes(words: usize) -> u32 {
    let minutes = words.div_ceil(150).max(1);
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// 1-based numbers of the lines that are not NFC. Search, dedupe and comparisons all assume NFC, and the
/// same letter typed on different keyboards (Unikey vs. a phone) can arrive decomposed.
pub fn non_nfc_lines(text: &str) -> Vec<usize> {
    if is_nfc(text) {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !is_nfc(line))
        .map(|(i, _)| i + 1)
        .collect()
}

/// One error per file rather than per line: a file saved in NFD would otherwise bury every other problem.
pub fn nfc_reason(lines: &[usize]) -> Option<(usize, String)> {
    let first = *lines.first()?;
    let reason = if lines.len() == 1 {
        "text is not Unicode NFC (decomposed accents); re-save the file as NFC".to_string()
    } else {
        format!(
            "text is not Unicode NFC (decomposed accents) on {} lines, first here; re-save the file as NFC",
            lines.len()
        )
    };
    Some((first, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        for ok in ["vneid", "kich-hoat-muc-2", "a1", "2fa"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "Vneid", "muc_2", "định-danh", "a b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            word_count("Bấm nút \"Đăng nhập\", rồi nhập mã OTP 6 số."),
            10
        );
        assert_eq!(word_count("## 1. VNeID-mức-2"), 4);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn nfd_text_counts_like_nfc() {
        let nfd: String = "hòa bình".nfd().collect();
        assert_eq!(word_count(&nfd), 2);
    }

    #[test]
    fn reading_time_rounds_up_with_minimum_one() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(150), 1);
        assert_eq!(reading_minutes(151), 2);
        assert_eq!(reading_minutes(900), 6);
    }

    #[test]
    fn finds_decomposed_lines() {
        let nfd: String = "Hòa".nfd().collect();
        let text = format!("ok\n{nfd}\nok\n{nfd}");
        assert_eq!(non_nfc_lines(&text), vec![2, 4]);
        assert_eq!(non_nfc_lines("Hòa bình"), Vec::<usize>::new());
        assert_eq!(nfc_reason(&[2, 4]).map(|(l, _)| l), Some(2));
    }
}
