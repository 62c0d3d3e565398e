//! The Vietnamese vowel letters as (quality, tone) pairs.
//!
//! Every lowercase vowel letter is one of 12 qualities (a ă â e ê i o ô ơ u ư y) times 6 tones. Tone
//! placement and folding both need to take a letter apart and put it back together; a lookup table
//! built at compile time keeps that to an index per character on the hot path.

/// Tone marks in the order of [`FORMS`] columns; 0 is "no mark" (thanh ngang).
pub const NO_TONE: u8 = 0;

/// Lowercase forms: row = quality, column = tone (none, huyền, hỏi, ngã, sắc, nặng).
pub const FORMS: [[char; 6]; 12] = [
    ['a', 'à', 'ả', 'ã', 'á', 'ạ'],
    ['ă', 'ằ', 'ẳ', 'ẵ', 'ắ', 'ặ'],
    ['â', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ'],
    ['e', 'è', 'ẻ', 'ẽ', 'é', 'ẹ'],
    ['ê', 'ề', 'ể', 'ễ', 'ế', 'ệ'],
    ['i', 'ì', 'ỉ', 'ĩ', 'í', 'ị'],
    ['o', 'ò', 'ỏ', 'õ', 'ó', 'ọ'],
    ['ô', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ'],
    ['ơ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ'],
    ['u', 'ù', 'ủ', 'ũ', 'ú', 'ụ'],
    ['ư', 'ừ', 'ử', 'ữ', 'ứ', 'ự'],
    ['y', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ'],
];

/// The ASCII letter each quality folds to, row for row with [`FORMS`].
const ASCII: [char; 12] = ['a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y'];

/// Qualities that carry their own mark (ă â ê ô ơ ư): the tone sits on these when present.
pub const fn has_quality_mark(quality: u8) -> bool {
    matches!(quality, 1 | 2 | 4 | 7 | 8 | 10)
}

/// Vietnamese lowercase vowels live in two code-point ranges; the table covers both and nothing else.
const LOW_START: u32 = 0x61; // 'a'
const LOW_END: u32 = 0x1B1; // one past 'ư'
const HIGH_START: u32 = 0x1EA0; // 'Ạ'
const HIGH_END: u32 = 0x1EFA; // one past 'ỹ'
const LOW_LEN: usize = (LOW_END - LOW_START) as usize;
const TABLE_LEN: usize = LOW_LEN + (HIGH_END - HIGH_START) as usize;

const fn slot(c: u32) -> Option<usize> {
    if c >= LOW_START && c < LOW_END {
        Some((c - LOW_START) as usize)
    } else if c >= HIGH_START && c < HIGH_END {
        Some((c - HIGH_START) as usize + LOW_LEN)
    } else {
        None
    }
}

/// 0 = not a Vietnamese vowel; otherwise `quality * 6 + tone + 1`.
static TABLE: [u8; TABLE_LEN] = build_table();

const fn build_table() -> [u8; TABLE_LEN] {
    let mut table = [0u8; TABLE_LEN];
    let mut q = 0;
    while q < FORMS.len() {
        let mut t = 0;
        while t < 6 {
            if let Some(i) = slot(FORMS[q][t] as u32) {
                table[i] = (q * 6 + t + 1) as u8;
            }
            t += 1;
        }
        q += 1;
    }
    table
}

/// `(quality, tone)` of a lowercase Vietnamese vowel letter, `None` for anything else.
#[inline]
pub fn split(c: char) -> Option<(u8, u8)> {
    let code = *TABLE.get(slot(c as u32)?)?;
    if code == 0 {
        return None;
    }
    let code = code - 1;
    Some((code / 6, code % 6))
}

/// The letter with the given quality and tone.
#[inline]
pub fn join(quality: u8, tone: u8) -> char {
    FORMS[usize::from(quality)][usize::from(tone)]
}

/// The ASCII letter a lowercase Vietnamese letter (vowel or đ) folds to.
#[inline]
pub fn fold_char(c: char) -> Option<char> {
    if c == 'đ' {
        return Some('d');
    }
    split(c).map(|(q, _)| ASCII[usize::from(q)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips() {
        for (q, row) in FORMS.iter().enumerate() {
            for (t, &c) in row.iter().enumerate() {
                assert_eq!(split(c), Some((q as u8, t as u8)), "{c}");
                assert_eq!(join(q as u8, t as u8), c);
            }
        }
    }

    #[test]
    fn consonants_and_other_scripts_are_not_vowels() {
        for c in ['b', 'đ', 'z', 'ç', 'ñ', 'Ạ', 'A', '1', 'α', '中'] {
            assert_eq!(split(c), None, "{c}");
        }
    }
}
