//! Community digital teams, households and activities: the lists of kinds and what valid input is.
use crate::error::FieldError;
use crate::people::model::{SEXES, phone_field};
use crate::units::reference::is_ethnic_group;
use crate::web::fields::Fields;
use crate::web::text::{clean_line, clean_text};

/// A member's role in the team (tổ trưởng, trưởng thôn, Đoàn Thanh niên, công an, tình nguyện viên…).
pub const MEMBER_ROLES: &[&str] = &[
    "leader",
    "village_head",
    "youth_union",
    "police",
    "volunteer",
    "other",
];

/// The digital-readiness checklist of a household.
pub const CHECK_ITEMS: &[&str] = &[
    "vneid_installed",
    "vneid_level2",
    "online_service",
    "cashless",
    "scam_briefing",
    "has_certificate",
];

/// What a team did on a visit.
pub const ACTIVITY_KINDS: &[&str] = &[
    "vneid_install",
    "vneid_level2",
    "online_dossier",
    "cashless",
    "scam_warning",
    "social_safe",
    "other",
];

/// Ticking a checklist item is an activity of this kind.
pub(crate) fn kind_for_item(item: &str) -> &'static str {
    match item {
        "vneid_installed" => "vneid_install",
        "vneid_level2" => "vneid_level2",
        "online_service" => "online_dossier",
        "cashless" => "cashless",
        "scam_briefing" => "scam_warning",
        _ => "other",
    }
}

/// The checklist item an activity of this kind ticks, if any (the inverse of [`kind_for_item`]: one
/// record of help seen two ways).
pub(crate) fn item_for_kind(kind: &str) -> Option<&'static str> {
    CHECK_ITEMS
        .iter()
        .copied()
        .find(|i| kind_for_item(i) == kind && kind != "other")
}

pub(crate) fn name_line(
    field: &'static str,
    v: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    match clean_line(v) {
        Ok(s) if s.is_empty() => {
            errors.push(FieldError::new(field, "field-required"));
            s
        }
        Ok(s) if s.chars().count() > max => {
            errors.push(FieldError::new(field, "field-too-long"));
            s
        }
        Ok(s) => s,
        Err(r) => {
            errors.push(FieldError::new(field, r));
            String::new()
        }
    }
}

/// Same household whatever the spacing, case or tone placement of the head's name and address.
pub(crate) fn household_key(head_name: &str, address: &str) -> String {
    format!(
        "{}|{}",
        vntext::normalize(head_name),
        vntext::normalize(address)
    )
}

#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub village: String,
    pub head_name: String,
    pub address: String,
    pub adults: i64,
}

pub(crate) fn validate_household(f: &Fields) -> Result<NewHousehold, Vec<FieldError>> {
    let mut errors = Vec::new();
    let village = f.get("village").trim();
    if !crate::units::model::valid_code(village) {
        errors.push(FieldError::new("village", "field-choose"));
    }
    let head_name = name_line("head_name", f.get("head_name"), 100, &mut errors);
    let address = name_line("address", f.get("address"), 200, &mut errors);
    let adults = match f.get("adults").trim().parse::<i64>() {
        Ok(n) if (1..=50).contains(&n) => n,
        _ => {
            errors.push(FieldError::new("adults", "value-number-invalid"));
            0
        }
    };
    if errors.is_empty() {
        Ok(NewHousehold {
            village: village.to_owned(),
            head_name,
            address,
            adults,
        })
    } else {
        Err(errors)
    }
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub team: String,
    pub village: String,
    pub household: Option<String>,
    pub happened_on: String,
    pub kinds: Vec<String>,
    pub members: Vec<String>,
    pub people_helped: i64,
    pub notes: String,
    pub phone: Option<String>,
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// An optional phone of a person helped (to record on their page what was done for them).
pub(crate) fn optional_phone(f: &Fields, errors: &mut Vec<FieldError>) -> Option<String> {
    match f.get("phone").trim() {
        "" => None,
        p => match crate::people::model::normalize_phone(p) {
            Some(p) => Some(p),
            None => {
                errors.push(FieldError::new("phone", "phone-invalid"));
                None
            }
        },
    }
}

pub(crate) fn validate_activity(f: &Fields, today: &str) -> Result<NewActivity, Vec<FieldError>> {
    let mut errors = Vec::new();
    let team = f.get("team").trim();
    if !is_uuid(team) {
        errors.push(FieldError::new("team", "field-choose"));
    }
    let village = f.get("village").trim();
    if !crate::units::model::valid_code(village) {
        errors.push(FieldError::new("village", "field-choose"));
    }
    let household = match f.get("household").trim() {
        "" => None,
        h if is_uuid(h) => Some(h.to_owned()),
        _ => {
            errors.push(FieldError::new("household", "field-choose"));
            None
        }
    };
    let happened_on = f.get("happened_on").trim();
    match crate::i18n::parse_date(happened_on) {
        // ISO dates compare as text; a visit cannot be in the future.
        Some(_) if happened_on <= today => {}
        Some(_) => errors.push(FieldError::new("happened_on", "value-date-future")),
        None => errors.push(FieldError::new("happened_on", "value-date-invalid")),
    }
    let mut kinds: Vec<String> = Vec::new();
    for k in f.all("kinds") {
        if !ACTIVITY_KINDS.contains(&k.as_str()) {
            errors.push(FieldError::new("kinds", "field-choose"));
            break;
        }
        if !kinds.contains(k) {
            kinds.push(k.clone());
        }
    }
    if kinds.is_empty() && !errors.iter().any(|e| e.field == "kinds") {
        errors.push(FieldError::new("kinds", "activity-kinds-required"));
    }
    let mut members: Vec<String> = Vec::new();
    for m in f.all("members") {
        if !is_uuid(m) {
            errors.push(FieldError::new("members", "field-choose"));
            break;
        }
        if !members.contains(m) {
            members.push(m.clone());
        }
    }
    let people_helped = match f.get("people_helped").trim() {
        "" => 1,
        s => match s.parse::<i64>() {
            Ok(n) if (0..=1000).contains(&n) => n,
            _ => {
                errors.push(FieldError::new("people_helped", "value-number-invalid"));
                0
            }
        },
    };
    let notes = clean_text(f.get("notes"), 1000).unwrap_or_else(|r| {
        errors.push(FieldError::new("notes", r));
        String::new()
    });
    let phone = optional_phone(f, &mut errors);
    if errors.is_empty() {
        Ok(NewActivity {
            team: team.to_owned(),
            village: village.to_owned(),
            household,
            happened_on: happened_on.to_owned(),
            kinds,
            members,
            people_helped,
            notes,
            phone,
        })
    } else {
        Err(errors)
    }
}

/// Yes/no from a form or JSON.
pub(crate) fn yes(v: &str) -> Option<bool> {
    match v {
        "yes" | "true" | "1" | "on" => Some(true),
        "no" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct MemberForm {
    /// The form's client id (see `web::once`).
    pub client_id: String,
    pub phone: String,
    pub full_name: String,
    pub sex: String,
    pub ethnic_group: String,
    pub role: String,
    pub joined_on: String,
}

pub struct NewMember {
    pub phone: String,
    pub full_name: String,
    pub sex: String,
    pub ethnic_group: String,
    pub role: String,
    pub joined_on: String,
}

/// A member as typed; name, sex and ethnic group matter only when the phone has no record yet.
pub(crate) fn validate_member(f: &MemberForm) -> Result<NewMember, Vec<FieldError>> {
    let mut errors = Vec::new();
    let phone = phone_field(&f.phone, &mut errors);
    let full_name = clean_line(&f.full_name).unwrap_or_else(|r| {
        errors.push(FieldError::new("full_name", r));
        String::new()
    });
    if !MEMBER_ROLES.contains(&f.role.as_str()) {
        errors.push(FieldError::new("role", "field-choose"));
    }
    if crate::i18n::parse_date(&f.joined_on).is_none() {
        errors.push(FieldError::new("joined_on", "value-date-invalid"));
    }
    if !f.sex.is_empty() && !SEXES.contains(&f.sex.as_str()) {
        errors.push(FieldError::new("sex", "field-choose"));
    }
    let ethnic = vntext::nfc(f.ethnic_group.trim());
    if !ethnic.is_empty() && !is_ethnic_group(&ethnic) {
        errors.push(FieldError::new("ethnic_group", "field-choose"));
    }
    match phone {
        Some(phone) if errors.is_empty() => Ok(NewMember {
            phone,
            full_name,
            sex: f.sex.clone(),
            ethnic_group: ethnic,
            role: f.role.clone(),
            joined_on: f.joined_on.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn activity_rules() {
        let team = uuid::Uuid::now_v7().to_string();
        let ok = fields(&[
            ("team", &team),
            ("village", "19360-001"),
            ("happened_on", "2026-11-20"),
            ("kinds", "cashless"),
            ("kinds", "scam_warning"),
            ("kinds", "cashless"),
            ("people_helped", "3"),
        ]);
        let a = validate_activity(&ok, "2026-11-28").unwrap();
        assert_eq!(a.kinds, ["cashless", "scam_warning"]);
        assert_eq!(a.people_helped, 3);
        let future = validate_activity(&ok, "2026-11-01").unwrap_err();
        assert_eq!(future[0].field, "happened_on");
        let bad = fields(&[
            ("team", "x"),
            ("village", "abc"),
            ("happened_on", "20/11/2026"),
            ("kinds", "hack"),
        ]);
        let e = validate_activity(&bad, "2026-11-28").unwrap_err();
        for f in ["team", "village", "happened_on", "kinds"] {
            assert!(e.iter().any(|e| e.field == f), "{f}");
        }
    }

    #[test]
    fn household_keys_ignore_spelling_noise() {
        assert_eq!(
            household_key("Hồ Văn  Lai", "Thôn 1"),
            household_key("hồ văn lai", " thôn 1")
        );
        assert_eq!(
            household_key("Nguyễn Thị Hoà", "x"),
            household_key("Nguyễn Thị Hòa", "x")
        );
        let e = validate_household(&fields(&[
            ("village", "19360-001"),
            ("head_name", ""),
            ("adults", "0"),
        ]))
        .unwrap_err();
        assert!(e.iter().any(|e| e.field == "head_name") && e.iter().any(|e| e.field == "adults"));
    }
}
