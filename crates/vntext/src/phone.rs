//! Vietnamese mobile numbers: every spelling people type (0912 345 678, +84 912…, 84912…) to one
//! stored form, and back to how people read their own number.

/// A Vietnamese mobile number in any common spelling → "+84xxxxxxxxx", or None if it is not one.
/// Mobile numbers are 10 digits starting 03, 05, 07, 08 or 09.
pub fn normalize_phone(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = compact.strip_prefix("+84") {
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix("0084") {
        rest.to_owned()
    } else if compact.len() == 11 && compact.starts_with("84") {
        compact[2..].to_owned()
    } else if let Some(rest) = compact.strip_prefix('0') {
        rest.to_owned()
    } else {
        return None;
    };
    let national = national.strip_prefix('0').unwrap_or(&national);
    if national.len() == 9
        && national.bytes().all(|b| b.is_ascii_digit())
        && matches!(national.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9')
    {
        Some(format!("+84{national}"))
    } else {
        None
    }
}

/// "+84912345678" → "0912 345 678", how people read their own number.
pub fn display_phone(normalized: &str) -> String {
    match normalized.strip_prefix("+84") {
        Some(n) if n.len() == 9 => format!("0{} {} {}", &n[..3], &n[3..6], &n[6..]),
        _ => normalized.to_owned(),
    }
}

/// "+84912345678" → "091*****78": enough for an admin list, not enough to call.
pub fn masked_phone(normalized: &str) -> String {
    match normalized.strip_prefix("+84") {
        Some(n) if n.len() == 9 => format!("0{}*****{}", &n[..2], &n[7..]),
        _ => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phones() {
        for (input, want) in [
            ("0912345678", "+84912345678"),
            ("0912 345 678", "+84912345678"),
            ("+84 912.345.678", "+84912345678"),
            ("84912345678", "+84912345678"),
            ("+840912345678", "+84912345678"),
            ("0352-111-222", "+84352111222"),
        ] {
            assert_eq!(normalize_phone(input).as_deref(), Some(want), "{input}");
        }
        for bad in [
            "",
            "091234567",
            "09123456789",
            "0212345678",
            "abc",
            "+1 555 0100",
            "0912a45678",
            "０９１２３４５６７８",
        ] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
        assert_eq!(display_phone("+84912345678"), "0912 345 678");
        assert_eq!(masked_phone("+84912345678"), "091*****78");
    }

    proptest! {
        #[test]
        fn normalized_phones_are_canonical(s in "[0-9 +.\\-]{0,16}") {
            if let Some(p) = normalize_phone(&s) {
                prop_assert!(p.starts_with("+84") && p.len() == 12);
                prop_assert_eq!(normalize_phone(&p), Some(p.clone()));
                prop_assert_eq!(normalize_phone(&display_phone(&p)), Some(p.clone()));
            }
        }
    }
}
