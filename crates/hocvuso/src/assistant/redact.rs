//! Personal data out of a question before it is stored: people type their own phone number, ID-card
//! number, e-mail or bank account into a chat box ("số tk 0123456789 bị trừ tiền"). Unanswered
//! questions are kept so admins can see what people need, not who asked.
//!
//! Rules, chosen to over-redact rather than leak: an e-mail address becomes `[email]`; any run of six
//! or more digits, even split by spaces, dots, dashes or a leading `+` ("0912 345 678",
//! "+84 912.345.678", "0011-2233-4455"), becomes `[số điện thoại]` when it reads as a Vietnamese phone
//! number, `[số giấy tờ]` when it has the 9 or 12 digits of an ID card, and `[số]` otherwise (bank
//! accounts, card numbers). Short numbers stay ("mức 2", "5 triệu", "113", "2025").

/// Digits in a run before it is treated as personal.
const MIN_DIGITS: usize = 6;

pub const PHONE: &str = "[số điện thoại]";
pub const ID_NUMBER: &str = "[số giấy tờ]";
pub const NUMBER: &str = "[số]";
pub const EMAIL: &str = "[email]";

/// `text` with e-mails and long numbers replaced by placeholders. Idempotent.
pub fn redact(text: &str) -> String {
    let without_mail = redact_emails(text);
    redact_numbers(&without_mail)
}

fn is_mail_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn redact_emails(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // byte offset copied so far
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1 != '@' {
            i += 1;
            continue;
        }
        // Local part: mail characters right before '@'.
        let mut s = i;
        while s > 0 && is_mail_char(chars[s - 1].1) {
            s -= 1;
        }
        // Domain: mail characters after '@' containing a dot that is not at either end.
        let mut e = i + 1;
        while e < chars.len() && is_mail_char(chars[e].1) {
            e += 1;
        }
        // A sentence's full stop after the address is not part of it.
        while e > i + 1 && matches!(chars[e - 1].1, '.' | '-') {
            e -= 1;
        }
        let domain: String = chars[i + 1..e].iter().map(|(_, c)| c).collect();
        let looks_like_domain = domain.contains('.') && !domain.starts_with('.');
        if s < i && looks_like_domain {
            let start = chars[s].0;
            let end = chars.get(e).map_or(text.len(), |(b, _)| *b);
            out.push_str(&text[copied..start]);
            out.push_str(EMAIL);
            copied = end;
            i = e;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '_' | '/' | ',')
}

fn redact_numbers(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run: digits, possibly separated by single separators between digits.
        let start = if i > 0 && chars[i - 1].1 == '+' {
            i - 1
        } else {
            i
        };
        let mut digits = String::new();
        let mut e = i;
        loop {
            while e < chars.len() && chars[e].1.is_ascii_digit() {
                digits.push(chars[e].1);
                e += 1;
            }
            let joined =
                e + 1 < chars.len() && is_separator(chars[e].1) && chars[e + 1].1.is_ascii_digit();
            if !joined {
                break;
            }
            e += 1;
        }
        // Letters glued to the number ("2fa", "abc123456") do not make it less personal, so no
        // word-boundary check: over-redacting a product code is the safe mistake.
        if digits.len() >= MIN_DIGITS {
            let b_start = chars[start].0;
            let b_end = chars.get(e).map_or(text.len(), |(b, _)| *b);
            out.push_str(&text[copied..b_start]);
            out.push_str(placeholder(&digits));
            copied = b_end;
        }
        i = e;
    }
    out.push_str(&text[copied..]);
    out
}

fn placeholder(digits: &str) -> &'static str {
    let n = digits.len();
    let phone = (n == 10 && digits.starts_with('0'))
        || (n == 11 && digits.starts_with("84"))
        || (n == 9 && matches!(digits.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9'));
    if phone {
        PHONE
    } else if n == 9 || n == 12 {
        ID_NUMBER
    } else {
        NUMBER
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        let cases = [
            ("gọi em 0912345678 nhé", "gọi em [số điện thoại] nhé"),
            ("sđt 0912 345 678", "sđt [số điện thoại]"),
            ("+84 912.345.678 bị khóa", "[số điện thoại] bị khóa"),
            ("cccd 038123456789 mất", "cccd [số giấy tờ] mất"),
            ("cmnd 197123456", "cmnd [số giấy tờ]"),
            ("stk 1903 6666 8888 99 techcombank", "stk [số] techcombank"),
            ("mail lan.ho@gmail.com.", "mail [email]."),
            (
                "liên hệ a_b+c@xa-quangtri.gov.vn giúp",
                "liên hệ [email] giúp",
            ),
            (
                "vneid mức 2 năm 2025, mất 5 triệu, gọi 113",
                "vneid mức 2 năm 2025, mất 5 triệu, gọi 113",
            ),
            ("@ở đâu", "@ở đâu"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    fn vn_phone() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("0"), Just("+84"), Just("84"), Just("+84 ")],
            prop::sample::select(vec!['3', '5', '7', '8', '9']),
            "[0-9]{8}",
            prop_oneof![Just(""), Just(" "), Just("."), Just("-")],
        )
            .prop_map(|(prefix, first, rest, sep)| {
                format!(
                    "{prefix}{first}{}{sep}{}{sep}{}",
                    &rest[..2],
                    &rest[2..5],
                    &rest[5..]
                )
            })
    }

    fn id_number() -> impl Strategy<Value = String> {
        prop_oneof!["0[0-9]{11}", "[1-9][0-9]{8}"]
    }

    fn account() -> impl Strategy<Value = String> {
        ("[0-9]{6,19}", prop_oneof![Just(""), Just(" ")]).prop_map(|(d, sep)| {
            let mut s = String::new();
            for (i, c) in d.chars().enumerate() {
                if i > 0 && i % 4 == 0 {
                    s.push_str(sep);
                }
                s.push(c);
            }
            s
        })
    }

    fn email() -> impl Strategy<Value = String> {
        (
            "[a-z][a-z0-9._]{0,12}",
            "[a-z]{2,10}",
            prop::sample::select(vec!["com", "vn", "gov.vn", "com.vn"]),
        )
            .prop_map(|(l, d, tld)| format!("{l}@{d}.{tld}"))
    }

    /// Vietnamese words and punctuation, never six digits in a row.
    fn words() -> impl Strategy<Value = String> {
        "[a-zà-ỹđ ,?!]{0,30}( [0-9]{1,3})?[a-zà-ỹđ ,?!]{0,10}"
    }

    fn digits_of(s: &str) -> String {
        s.chars().filter(char::is_ascii_digit).collect()
    }

    proptest! {
        #[test]
        fn personal_numbers_never_survive(
            before in words(), after in words(),
            secret in prop_oneof![vn_phone(), id_number(), account()],
        ) {
            let text = format!("{before} {secret} {after}");
            let out = redact(&text);
            prop_assert!(!out.contains(&digits_of(&secret)[..]), "{out:?}");
            let longest = out.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            prop_assert!(longest < MIN_DIGITS, "{out:?}");
        }

        #[test]
        fn emails_never_survive(before in words(), after in words(), mail in email()) {
            let text = format!("{before} {mail} {after}");
            let out = redact(&text);
            prop_assert!(!out.contains('@'), "{out:?}");
            prop_assert!(out.contains(EMAIL), "{out:?}");
        }

        #[test]
        fn redaction_is_idempotent(s in "\\PC{0,80}") {
            let once = redact(&s);
            prop_assert_eq!(redact(&once), once.clone());
        }

        #[test]
        fn text_without_long_numbers_or_mail_is_unchanged(s in words()) {
            prop_assert_eq!(redact(&s), s);
        }
    }
}
