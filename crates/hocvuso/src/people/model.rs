//! People: what a valid person looks like. Phone numbers, passwords, the sign-up form.
use crate::error::FieldError;
use crate::units::reference::is_ethnic_group;
use crate::web::text::clean_line;

/// Version of the personal-data consent text a person agreed to (stored with the time of consent).
pub const CONSENT_VERSION: &str = "2026-01";

pub const TARGET_GROUPS: &[&str] = &[
    "nguoi-dan",
    "can-bo",
    "doan-vien",
    "hoc-sinh",
    "doanh-nghiep",
];
pub const SEXES: &[&str] = &["nu", "nam", "khac"];

// Phone numbers are Vietnamese text: parsed and written by `vntext::phone`.
pub use vntext::phone::{display_phone, masked_phone, normalize_phone};

const COMMON_PASSWORDS: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "password",
    "password1",
    "matkhau",
    "matkhau1",
    "matkhau123",
    "abc12345",
    "abcd1234",
    "qwerty123",
    "iloveyou",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "1q2w3e4r",
    "aa123456",
    "vietnam123",
    "hocvuso123",
];

/// Why a password is too weak (Fluent id), or None when it is acceptable. Long and simple beats short
/// and clever for our users, so the rule is length plus a ban on the guessable, not symbol quotas.
pub(crate) fn password_problem(password: &str, phone: Option<&str>) -> Option<&'static str> {
    let n = password.chars().count();
    if n < 8 {
        return Some("password-too-short");
    }
    if n > 128 {
        return Some("field-too-long");
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    if lower.chars().all(|c| Some(c) == first) || COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Some("password-too-common");
    }
    if let Some(p) = phone {
        let national = p.strip_prefix("+84").unwrap_or(p);
        if lower.contains(national) {
            return Some("password-contains-phone");
        }
    }
    let digits_only = lower.chars().all(|c| c.is_ascii_digit());
    if digits_only && n < 12 {
        return Some("password-digits-only");
    }
    None
}

/// The sign-up form as submitted: strings only, so every problem gets a field and a reason.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    pub phone: String,
    pub password: String,
    pub password2: String,
    pub full_name: String,
    pub birth_year: String,
    pub sex: String,
    pub ethnic_group: String,
    pub commune: String,
    pub village: String,
    pub target_group: String,
    pub consent: String,
    /// The learner card code of a record a volunteer or instructor made for this person: signing up
    /// with it makes that record their account instead of a second one.
    pub card_code: String,
    /// "villages" when the no-JavaScript "show the villages" button was pressed: show the form again.
    pub step: String,
    /// Where to go once the account exists (see `SignUpQuery::next`).
    pub next: String,
}

/// A person ready to be stored (unit checks against the database come after).
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub phone: Option<String>,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub sex: String,
    pub ethnic_group: String,
    pub commune: String,
    pub village: Option<String>,
    pub target_group: String,
}

/// Validate the personal fields shared by self sign-up and registration by a volunteer.
pub(crate) fn validate_person_fields(
    f: &SignUpForm,
    this_year: i64,
    errors: &mut Vec<FieldError>,
) -> Option<NewPerson> {
    let full_name = match clean_line(&f.full_name) {
        Ok(n) if n.is_empty() => {
            errors.push(FieldError::new("full_name", "field-required"));
            None
        }
        Ok(n) if n.chars().count() > 100 => {
            errors.push(FieldError::new("full_name", "field-too-long"));
            None
        }
        Ok(n) => Some(n),
        Err(r) => {
            errors.push(FieldError::new("full_name", r));
            None
        }
    };
    let birth_year = match f.birth_year.trim() {
        "" => None,
        y => match y.parse::<i64>() {
            Ok(y) if (1900..=this_year - 5).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new("birth_year", "birth-year-invalid"));
                None
            }
        },
    };
    if !SEXES.contains(&f.sex.as_str()) {
        errors.push(FieldError::new("sex", "field-choose"));
    }
    let ethnic = vntext::nfc(f.ethnic_group.trim());
    if !is_ethnic_group(&ethnic) {
        errors.push(FieldError::new("ethnic_group", "field-choose"));
    }
    let village = crate::units::model::picked_place(&f.commune, &f.village, errors);
    if !TARGET_GROUPS.contains(&f.target_group.as_str()) {
        errors.push(FieldError::new("target_group", "field-choose"));
    }
    Some(NewPerson {
        phone: None,
        full_name: full_name?,
        birth_year,
        sex: f.sex.clone(),
        ethnic_group: ethnic,
        commune: f.commune.trim().to_owned(),
        village,
        target_group: f.target_group.clone(),
    })
}

/// Validate a self sign-up: personal fields plus phone, password twice, and consent.
pub(crate) fn validate_sign_up(
    f: &SignUpForm,
    this_year: i64,
) -> Result<NewPerson, Vec<FieldError>> {
    let mut errors = Vec::new();
    let phone = phone_field(&f.phone, &mut errors);
    if let Some(p) = password_problem(&f.password, phone.as_deref()) {
        errors.push(FieldError::new("password", p));
    } else if f.password != f.password2 {
        errors.push(FieldError::new("password2", "password-mismatch"));
    }
    let person = validate_person_fields(f, this_year, &mut errors);
    if f.consent != "yes" {
        errors.push(FieldError::new("consent", "consent-required"));
    }
    match person {
        Some(mut p) if errors.is_empty() => {
            p.phone = phone;
            Ok(p)
        }
        _ => Err(errors),
    }
}

/// A phone number field: required, and a Vietnamese number (normalised to +84…).
pub(crate) fn phone_field(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let phone = normalize_phone(raw);
    if phone.is_none() {
        let reason = if raw.trim().is_empty() {
            "field-required"
        } else {
            "phone-invalid"
        };
        errors.push(FieldError::new("phone", reason));
    }
    phone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert_eq!(password_problem("short", None), Some("password-too-short"));
        assert_eq!(
            password_problem("12345678", None),
            Some("password-too-common")
        );
        assert_eq!(
            password_problem("aaaaaaaaaa", None),
            Some("password-too-common")
        );
        assert_eq!(
            password_problem("x0912345678x", Some("+84912345678")),
            Some("password-contains-phone")
        );
        assert_eq!(
            password_problem("20481632", None),
            Some("password-digits-only")
        );
        assert_eq!(password_problem("lúa chín vàng đồng", None), None);
    }
}
