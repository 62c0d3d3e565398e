//! One tone placement for every syllable.
//!
//! Vietnamese is written with two conventions for where the tone mark goes in an open syllable whose vowel
//! starts with a glide: `hòa`/`hoà`, `khỏe`/`khoẻ`, `thủy`/`thuỷ`, `úy`/`uý`. Keyboards, fonts and decades of
//! documents mix both, so a search for one must find the other. We rewrite every syllable to one placement,
//! the one the platform's content is written in (`hòa`, `thủy`: the mark on the first vowel of an open
//! two-vowel rhyme), rather than keeping the input's choice.
//!
//! The placement is recomputed from the syllable's letters, never from where the input put the mark, so any
//! placement (including wrong ones such as `gìa`) comes out the same. Anything that does not parse as one
//! Vietnamese syllable with exactly one tone is left untouched.

use crate::letters::{NO_TONE, has_quality_mark, join, split};

/// Longest real syllable ("nghiêng") has 7 letters; one more lets misspelt forms such as "nghuyêng" through.
pub const MAX_SYLLABLE: usize = 8;

/// Rewrites `word` (lowercase letters only) so its tone sits on the canonical vowel.
pub fn unify(word: &mut [char]) {
    if word.len() > MAX_SYLLABLE {
        return;
    }
    let mut quality = [None; MAX_SYLLABLE];
    let mut toned = None;
    for (i, &c) in word.iter().enumerate() {
        let Some((q, t)) = split(c) else { continue };
        quality[i] = Some(q);
        if t != NO_TONE {
            if toned.is_some() {
                return; // two tone marks: not a syllable we understand
            }
            toned = Some((i, t));
        }
    }
    let Some((from, tone)) = toned else { return };
    let Some(to) = tone_position(word, &quality[..word.len()]) else {
        return;
    };
    if from == to {
        return;
    }
    if let (Some(qf), Some(qt)) = (quality[from], quality[to]) {
        word[from] = join(qf, NO_TONE);
        word[to] = join(qt, tone);
    }
}

/// Index of the letter that carries the tone, or `None` if `word` is not a Vietnamese syllable.
fn tone_position(word: &[char], quality: &[Option<u8>]) -> Option<usize> {
    let mut start = quality.iter().position(Option::is_some)?;
    if !is_initial(&word[..start]) {
        return None;
    }
    // "qu" and "gi" + vowel are consonants (quý, già, giữa), so their u/i never takes the tone.
    let next_is_vowel = quality.get(start + 1).is_some_and(Option::is_some);
    let glide = quality[start].map(|q| join(q, NO_TONE));
    match (&word[..start], glide) {
        (['q'], Some('u')) => start += 1,
        (['g'], Some('i')) if next_is_vowel => start += 1,
        (['q'], _) => return None,
        _ => {}
    }
    let len = quality[start..].iter().take_while(|q| q.is_some()).count();
    let end = start + len;
    if !(1..=3).contains(&len) || !is_final(&word[end..]) {
        return None;
    }
    let rhyme = &quality[start..end];
    // ă â ê ô ơ ư take the tone; in ươ/uyê the last of them does (người, khuyên).
    if let Some(i) = rhyme.iter().rposition(|q| q.is_some_and(has_quality_mark)) {
        return Some(start + i);
    }
    let offset = match (len, end < word.len()) {
        (_, true) => len - 1, // closed syllable: hoàng, quýt, huỳnh
        (3, false) => 1,      // ngoài, khuỷu, xoáy
        _ => 0,               // hòa, thủy, mùa, cái
    };
    Some(start + offset)
}

fn is_initial(c: &[char]) -> bool {
    matches!(
        c,
        [] | ['b'
            | 'c'
            | 'd'
            | 'đ'
            | 'g'
            | 'h'
            | 'k'
            | 'l'
            | 'm'
            | 'n'
            | 'p'
            | 'q'
            | 'r'
            | 's'
            | 't'
            | 'v'
            | 'x']
            | ['c' | 'g' | 'k' | 'n' | 'p' | 't', 'h']
            | ['n', 'g']
            | ['t', 'r']
            | ['n', 'g', 'h']
    )
}

fn is_final(c: &[char]) -> bool {
    matches!(
        c,
        [] | ['c' | 'm' | 'n' | 'p' | 't'] | ['c' | 'n', 'h'] | ['n', 'g']
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        unify(&mut chars);
        chars.into_iter().collect()
    }

    #[test]
    fn open_glide_rhymes_take_the_mark_on_the_first_vowel() {
        for (input, want) in [
            ("hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("khoẻ", "khỏe"),
            ("uý", "úy"),
            ("toà", "tòa"),
            ("hoá", "hóa"),
        ] {
            assert_eq!(placed(input), want, "{input}");
            assert_eq!(placed(want), want, "{want}");
        }
    }

    #[test]
    fn consonant_clusters_qu_and_gi_never_carry_the_mark() {
        for (input, want) in [
            ("qúy", "quý"),
            ("quỳ", "quỳ"),
            ("quả", "quả"),
            ("gìa", "già"),
            ("giữa", "giữa"),
            ("gì", "gì"),
            ("gìn", "gìn"),
            ("quyển", "quyển"),
        ] {
            assert_eq!(placed(input), want, "{input}");
        }
    }

    #[test]
    fn closed_three_vowel_and_marked_rhymes() {
        for (input, want) in [
            ("hòang", "hoàng"),
            ("huỳnh", "huỳnh"),
            ("ngòai", "ngoài"),
            ("khủyu", "khuỷu"),
            ("ngừơi", "người"),
            ("khúyên", "khuyến"),
            ("mùa", "mùa"),
            ("thúê", "thuế"),
            ("đuọc", "đuọc"), // closed: the last vowel already has it
            ("đụoc", "đuọc"),
        ] {
            assert_eq!(placed(input), want, "{input}");
        }
    }

    #[test]
    fn non_syllables_are_left_alone() {
        for word in ["facebook", "hoàà", "wá", "àbcdefgh", "qá"] {
            assert_eq!(placed(word), word);
        }
    }
}
