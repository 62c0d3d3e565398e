//! Properties the rest of the platform relies on: search and scam check compare texts only through these
//! functions, so they must be stable (idempotent) and blind to encoding, tone placement and case.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use unicode_normalization::UnicodeNormalization;
use vntext::{fold, normalize, sort_key, tokens};

const INITIALS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
];
const RHYME_VOWELS: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "oai", "oay", "oeo", "uây", "uôi", "uya",
    "uyê", "uyu", "ươi", "ươu", "iêu", "yêu",
];
const FINALS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
/// huyền, hỏi, ngã, sắc, nặng as combining marks, so the tests do not share the crate's tables.
const TONES: &[char] = &['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// `initial + vowels + final` with `tone` after the vowel at `at`, composed to NFC.
fn spell(initial: &str, vowels: &str, fin: &str, tone: char, at: usize) -> String {
    let mut s = String::from(initial);
    for (i, v) in vowels.chars().enumerate() {
        s.push(v);
        if i == at {
            s.push(tone);
        }
    }
    s.push_str(fin);
    s.nfc().collect()
}

fn capitalise(s: &str, how: u8) -> String {
    match how % 3 {
        0 => s.to_owned(),
        1 => s.to_uppercase(),
        _ => {
            let mut chars = s.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

prop_compose! {
    fn syllable()(
        initial in select(INITIALS), vowels in select(RHYME_VOWELS), fin in select(FINALS),
        tone in select(TONES), at in any::<Index>(), case in any::<u8>(),
    ) -> String {
        let at = at.index(vowels.chars().count());
        capitalise(&spell(initial, vowels, fin, tone, at), case)
    }
}

prop_compose! {
    fn vietnamese_text()(
        words in prop::collection::vec((syllable(), select(&[" ", "  ", ", ", "\n", "-", ". ", "\t"][..])), 0..12)
    ) -> String {
        words.into_iter().map(|(w, sep)| w + sep).collect()
    }
}

proptest! {
    #[test]
    fn fold_is_idempotent(s in any::<String>(), v in vietnamese_text()) {
        prop_assert_eq!(fold(&fold(&s)), fold(&s));
        prop_assert_eq!(fold(&fold(&v)), fold(&v));
    }

    #[test]
    fn normalize_is_idempotent(s in any::<String>(), v in vietnamese_text()) {
        prop_assert_eq!(normalize(&normalize(&s)), normalize(&s));
        prop_assert_eq!(normalize(&normalize(&v)), normalize(&v));
    }

    #[test]
    fn nfc_and_nfd_input_are_indistinguishable(s in any::<String>(), v in vietnamese_text()) {
        for text in [s, v] {
            let (c, d): (String, String) = (text.nfc().collect(), text.nfd().collect());
            prop_assert_eq!(normalize(&c), normalize(&d));
            prop_assert_eq!(fold(&c), fold(&d));
            prop_assert_eq!(tokens(&c), tokens(&d));
        }
    }

    #[test]
    fn tone_placement_does_not_matter(
        initial in select(INITIALS), vowels in select(RHYME_VOWELS), fin in select(FINALS),
        tone in select(TONES), a in any::<Index>(), b in any::<Index>(), case in any::<u8>(),
    ) {
        let n = vowels.chars().count();
        let one = capitalise(&spell(initial, vowels, fin, tone, a.index(n)), case);
        let other = spell(initial, vowels, fin, tone, b.index(n));
        prop_assert_eq!(normalize(&one), normalize(&other));
        prop_assert_eq!(fold(&one), fold(&other));
    }

    #[test]
    fn old_style_glide_rhymes_become_the_platform_style(
        initial in select(INITIALS).prop_filter("qu/gi are consonants", |i| !matches!(*i, "qu" | "gi")),
        vowels in select(&["oa", "oe", "uy"][..]), tone in select(TONES), case in any::<u8>(),
    ) {
        let platform = spell(initial, vowels, "", tone, 0);
        let old = capitalise(&spell(initial, vowels, "", tone, 1), case);
        prop_assert_eq!(normalize(&old), platform);
    }

    #[test]
    fn sort_order_is_blind_to_case_composition_and_tone_placement(
        initial in select(INITIALS), vowels in select(RHYME_VOWELS), fin in select(FINALS),
        tone in select(TONES), a in any::<Index>(), b in any::<Index>(), case in any::<u8>(),
    ) {
        let n = vowels.chars().count();
        let one = capitalise(&spell(initial, vowels, fin, tone, a.index(n)), case);
        let other: String = spell(initial, vowels, fin, tone, b.index(n)).nfd().collect();
        prop_assert_eq!(sort_key(&one), sort_key(&other));
    }

    #[test]
    fn letters_outrank_tones_in_sort_order(x in vietnamese_text(), y in vietnamese_text()) {
        // When the letters (ă â đ ê ô ơ ư being letters of their own) differ, they alone decide;
        // tones only break ties.
        let (kx, ky) = (sort_key(&x), sort_key(&y));
        let letters = |k: &[u32]| k.iter().take_while(|w| **w != 0).copied().collect::<Vec<_>>();
        if letters(&kx) != letters(&ky) {
            prop_assert_eq!(kx.cmp(&ky), letters(&kx).cmp(&letters(&ky)));
        }
    }

    #[test]
    fn fold_never_panics_and_leaves_no_vietnamese_mark(s in any::<String>(), v in vietnamese_text()) {
        let _ = fold(&s);
        prop_assert!(fold(&v).is_ascii(), "{:?}", fold(&v));
    }
}

#[test]
fn every_vietnamese_letter_folds_to_ascii() {
    let mut letters: Vec<char> = Vec::new();
    for base in "aăâeêioôơuưy".chars() {
        letters.push(base);
        for tone in TONES {
            let c: String = [base, *tone].iter().collect::<String>().nfc().collect();
            let mut chars = c.chars();
            letters.extend(chars.next());
            assert_eq!(chars.next(), None, "{base}{tone} has a precomposed form");
        }
    }
    letters.push('đ');
    let upper: Vec<char> = letters.iter().flat_map(|c| c.to_uppercase()).collect();
    letters.extend(upper);
    let non_ascii = letters.iter().filter(|c| !c.is_ascii()).count();
    assert_eq!(
        non_ascii, 134,
        "66 marked vowel letters and đ, in both cases"
    );
    for c in letters {
        let folded = fold(&c.to_string());
        assert!(
            folded.len() == 1 && folded.bytes().all(|b| b.is_ascii_lowercase()),
            "{c} folded to {folded:?}"
        );
    }
}

#[test]
fn issue_examples() {
    for (old, new) in [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("uý", "úy"),
    ] {
        assert_eq!(normalize(old), new);
        assert_eq!(normalize(new), new);
        assert_eq!(fold(old), fold(new));
    }
    assert_eq!(normalize("Quỳ QUÝ giữa GIÀ"), "quỳ quý giữa già");
}
