//! Unit types and the rules for codes and village names.
use serde::Serialize;

use crate::error::FieldError;
use crate::web::text;

pub const LEVEL_PROVINCE: i64 = 1;
pub const LEVEL_COMMUNE: i64 = 2;
pub const LEVEL_VILLAGE: i64 = 3;

/// Kinds of village-level units a commune may create.
pub const VILLAGE_TYPES: &[&str] = &[
    "thôn",
    "bản",
    "tổ dân phố",
    "khu phố",
    "ấp",
    "làng",
    "buôn",
    "xóm",
    "khối",
    "khóm",
    "tổ",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Unit {
    /// Official code (province, commune) or `<commune>-<NNN>` for a village.
    pub code: String,
    pub name: String,
    pub division_type: String,
    /// 1 province, 2 commune/ward/special zone, 3 village.
    pub level: i64,
    pub parent_code: Option<String>,
    #[serde(skip)]
    pub path: String,
}

/// A unit code is digits, optionally followed by `-digits` (villages). Anything else is malformed.
pub(crate) fn valid_code(code: &str) -> bool {
    let (head, tail) = match code.split_once('-') {
        Some((h, t)) => (h, Some(t)),
        None => (code, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(head, 6) && tail.is_none_or(|t| digits(t, 4))
}

/// The materialised path of a child: parent path + code + "/".
pub(crate) fn child_path(parent_path: &str, code: &str) -> String {
    format!("{parent_path}{code}/")
}

/// A cleaned village name and its type, or the reasons it is not acceptable.
pub(crate) fn validate_village(
    name: &str,
    division_type: &str,
) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = text::clean_line(name);
    match &name {
        Err(reason) => errors.push(FieldError::new("name", reason)),
        Ok(n) if n.is_empty() => errors.push(FieldError::new("name", "field-required")),
        Ok(n) if n.chars().count() > 100 => errors.push(FieldError::new("name", "field-too-long")),
        Ok(_) => {}
    }
    let dt = vntext::nfc(division_type.trim()).to_lowercase();
    let dt = if dt.is_empty() {
        "thôn".to_owned()
    } else {
        dt
    };
    if !VILLAGE_TYPES.contains(&dt.as_str()) {
        errors.push(FieldError::new("division_type", "unit-type-invalid"));
    }
    match name {
        Ok(n) if errors.is_empty() => Ok((n, dt)),
        _ => Err(errors),
    }
}

/// Key that makes "Thôn 1" and "thôn  1" the same village under one commune.
pub(crate) fn name_key(name: &str) -> String {
    vntext::normalize(name)
}

/// A place picker's answer: the commune (required) and the village (optional) as codes, each refused
/// with "choose" when it is not a code; the village, when one was chosen.
pub(crate) fn picked_place(
    commune: &str,
    village: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    if !valid_code(commune.trim()) {
        errors.push(FieldError::new("commune", "field-choose"));
    }
    match village.trim() {
        "" => None,
        v if valid_code(v) => Some(v.to_owned()),
        _ => {
            errors.push(FieldError::new("village", "field-choose"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for ok in ["44", "19360", "19360-001", "1"] {
            assert!(valid_code(ok), "{ok}");
        }
        for bad in [
            "", "abc", "44-", "-1", "1234567", "44-00001", "4 4", "44/1", "１２",
        ] {
            assert!(!valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn village_names() {
        assert_eq!(
            validate_village("  Thôn   Tân Lập ", "").map(|v| v.0),
            Ok("Thôn Tân Lập".to_owned())
        );
        assert!(validate_village("", "thôn").is_err());
        assert!(validate_village("Bản\u{7}Ka", "bản").is_err());
        assert!(validate_village("Thôn A", "quận").is_err());
    }
}
