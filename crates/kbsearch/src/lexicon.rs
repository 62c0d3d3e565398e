//! Vietnamese two-syllable words (`data/compounds.txt`, from underthesea's Viet74K list), glued and
//! without diacritics, as the question's adjacent-term pairs are.
//!
//! A question typed bare has no marked word the knowledge base lacks to give it away: "dang ky ket hon
//! can giay to gi" shares "đăng ký" and "giấy tờ" with the VNeID entries and only "ket hon" says what it
//! is about. Two syllables side by side are often nothing ("lam ngay", "hon can"), but when they form
//! a real word the knowledge base never uses ("kết hôn", "đau lưng", "mất ngủ"), that word is likely the
//! question's subject, as an unknown marked word is.

use std::collections::HashSet;
use std::sync::OnceLock;

static WORDS: &str = include_str!("../data/compounds.txt");

fn compounds() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (a, b) = l.split_once(' ')?;
                Some(format!("{}{}", vntext::fold(a), vntext::fold(b)))
            })
            .collect()
    })
}

/// Whether a glued, folded pair (`kethon`) is a two-syllable Vietnamese word, with some diacritics.
pub fn is_compound(glued: &str) -> bool {
    compounds().contains(glued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_words_are_known_and_neighbours_are_not() {
        for w in ["kethon", "daulung", "matngu", "matkhau", "dienthoai"] {
            assert!(is_compound(w), "{w}");
        }
        for w in ["lamngay", "honcan", "vneidmuc"] {
            assert!(!is_compound(w), "{w}");
        }
    }
}
