//! Vietnamese alphabetical order for lists people scan (communes, villages): a ă â b c d đ e ê … with
//! the tone deciding only between words that are otherwise the same. Code-point order puts "Ái Tử" and
//! "Đakrông" after "Vĩnh Linh"; the ICU collator would be right but costs a large dependency for the
//! few lists that need it.
use crate::letters;

/// Weights of ASCII letters leave room for the marked letters that follow them (a < ă < â).
const LETTER_BASE: u32 = 0x1000;
const PER_LETTER: u32 = 4;
/// Anything that is not a letter of the alphabet keeps its code point, above the letters if it is past
/// ASCII (another script), below them if not (spaces, digits, punctuation come first).
const OTHER_BASE: u32 = 0x10_0000;

/// A key whose order is Vietnamese dictionary order: letters first, then tones left to right.
pub fn sort_key(s: &str) -> Vec<u32> {
    let text = crate::normalize(s);
    let mut primary = Vec::with_capacity(text.len());
    let mut tones = Vec::with_capacity(text.len());
    for c in text.chars() {
        let (weight, tone) = weigh(c);
        primary.push(weight);
        tones.push(u32::from(tone));
    }
    primary.push(0);
    primary.extend(tones);
    primary
}

fn weigh(c: char) -> (u32, u8) {
    let letter =
        |base: char, mark: u32| LETTER_BASE + (base as u32 - 'a' as u32) * PER_LETTER + mark;
    if c.is_ascii_lowercase() {
        return (letter(c, 0), 0);
    }
    if c == 'đ' {
        return (letter('d', 1), 0);
    }
    if let Some((quality, tone)) = letters::split(c) {
        let (base, mark) = match quality {
            0 => ('a', 0),
            1 => ('a', 1),
            2 => ('a', 2),
            3 => ('e', 0),
            4 => ('e', 1),
            5 => ('i', 0),
            6 => ('o', 0),
            7 => ('o', 1),
            8 => ('o', 2),
            9 => ('u', 0),
            10 => ('u', 1),
            _ => ('y', 0),
        };
        return (letter(base, mark), tone);
    }
    let code = c as u32;
    if code < 0x80 {
        (code, 0)
    } else {
        (OTHER_BASE + code, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_cached_key(|s| sort_key(s));
        v
    }

    #[test]
    fn communes_sort_in_dictionary_order() {
        assert_eq!(
            sorted(&[
                "Vĩnh Linh",
                "Đakrông",
                "Ái Tử",
                "Dân Chủ",
                "Ân Thi",
                "Ba Lòng",
                "An Lạc",
                "Ea Súp"
            ]),
            [
                "Ái Tử",
                "An Lạc",
                "Ân Thi",
                "Ba Lòng",
                "Dân Chủ",
                "Đakrông",
                "Ea Súp",
                "Vĩnh Linh"
            ]
        );
    }

    #[test]
    fn tone_decides_only_between_otherwise_equal_words() {
        assert_eq!(sorted(&["má", "ma", "mà", "mb"]), ["ma", "mà", "má", "mb"]);
        assert_eq!(
            sorted(&["Thôn 10", "Thôn 2", "Thôn"]),
            ["Thôn", "Thôn 10", "Thôn 2"]
        );
    }

    #[test]
    fn case_and_composition_do_not_matter() {
        assert_eq!(sort_key("ĐAKRÔNG"), sort_key("đakrông"));
        assert_eq!(sort_key("Hoà"), sort_key("Hòa"));
    }
}
