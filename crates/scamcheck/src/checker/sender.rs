//! Who sent it, as the person saw it on the phone. A brand name or short code from the registry in
//! domains.toml calms the wording (it never outweighs a link or a request: fake base stations send
//! SMS under real brand names); a personal mobile number or a chat account speaking as a bank or an
//! agency is a reason of its own.

use super::{Checker, Fill, Found, Input};
use crate::domain::sender_key;
use crate::extract::normalize_phone;

/// Chat apps and social networks: anyone can open an account there under any name.
const CHAT: [&str; 9] = [
    "zalo",
    "facebook",
    "fb",
    "messenger",
    "telegram",
    "viber",
    "tiktok",
    "instagram",
    "whatsapp",
];

pub(super) enum Sender {
    /// An official entry of the registry.
    Known(usize),
    /// A personal mobile number or a chat account, as typed.
    Personal(String),
    /// Nothing we can use: "khác", an unknown name or short code.
    Other,
}

impl Checker {
    pub(super) fn classify_sender(&self, raw: &str) -> Sender {
        let key = sender_key(raw);
        if key.is_empty() {
            return Sender::Other;
        }
        if let Some(&o) = self.rules.domains.senders.get(&key) {
            return Sender::Known(o);
        }
        if CHAT.iter().any(|c| key.starts_with(c)) {
            return Sender::Personal(raw.trim().to_owned());
        }
        let digits_only = raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'));
        if digits_only
            && let Some(n) = normalize_phone(raw)
            && n.strip_prefix("+84")
                .is_some_and(|r| r.len() == 9 && r.starts_with(['3', '5', '7', '8', '9']))
        {
            return Sender::Personal(raw.trim().to_owned());
        }
        Sender::Other
    }

    pub(super) fn sender_signals(&self, sender: Option<&str>, found: &mut Found) {
        let Some(raw) = sender else { return };
        let rules = &self.rules;
        let c = &rules.computed;
        match self.classify_sender(raw) {
            Sender::Known(o) => {
                let fill = Fill {
                    name: &rules.domains.officials[o].name,
                    ..Fill::default()
                };
                found.add(c.sender_known, self.reason(c.sender_known, &fill));
                found.known_sender = true;
            }
            Sender::Personal(shown) => {
                if let Some(k) = self.strict_claim(found) {
                    let kind = &rules.domains.kinds[k];
                    let fill = Fill {
                        number: &shown,
                        kind_vi: &kind.label_vi,
                        kind_en: &kind.label_en,
                        ..Fill::default()
                    };
                    found.add(c.sender_personal, self.reason(c.sender_personal, &fill));
                }
            }
            Sender::Other => {}
        }
    }

    /// A short code or hotline of the registry written in the text ("soạn ST90 gửi 191"): with the
    /// carrier's own sign-up wording and no link, it shows whose offer it is.
    pub(super) fn names_known_code(&self, input: &Input) -> bool {
        let senders = &self.rules.domains.senders;
        let b = input.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let clean_end = b.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
            if clean_end && (3..=5).contains(&(j - i)) && senders.contains_key(&input.text[i..j]) {
                return true;
            }
            i = j;
        }
        false
    }
}
