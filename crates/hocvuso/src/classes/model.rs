//! Venues, classes and sessions: what valid input looks like (no I/O).
use crate::error::FieldError;
use crate::web::text::{clean_line, clean_text};

pub const VENUE_KINDS: &[&str] = &["cultural_house", "community_hall", "school", "other"];
pub const MODES: &[&str] = &["in_person", "online"];
pub const STATUSES: &[&str] = &["planned", "open", "running", "done", "cancelled"];
/// Statuses a learner may register in.
pub const REGISTERABLE: &[&str] = &["planned", "open", "running"];
pub const RESULTS: &[&str] = &["passed", "not_passed", "incomplete"];

/// Vietnam is UTC+7 all year.
pub const VN_OFFSET_SECONDS: i64 = 7 * 3600;

fn required_line(
    field: &'static str,
    value: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    match clean_line(value) {
        Ok(v) if v.is_empty() => {
            errors.push(FieldError::new(field, "field-required"));
            v
        }
        Ok(v) if v.chars().count() > max => {
            errors.push(FieldError::new(field, "field-too-long"));
            v
        }
        Ok(v) => v,
        Err(r) => {
            errors.push(FieldError::new(field, r));
            String::new()
        }
    }
}

fn optional_count(
    field: &'static str,
    value: &str,
    max: i64,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match value.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError::new(field, "value-number-invalid"));
                None
            }
        },
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct VenueForm {
    /// The form's client id (see `web::once`).
    pub client_id: String,
    pub commune: String,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub capacity: String,
    pub equipment: String,
}

#[derive(Debug, Clone)]
pub struct NewVenue {
    pub commune: String,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub capacity: Option<i64>,
    pub equipment: String,
}

pub(crate) fn validate_venue(f: &VenueForm) -> Result<NewVenue, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !crate::units::model::valid_code(f.commune.trim()) {
        errors.push(FieldError::new("commune", "field-choose"));
    }
    if !VENUE_KINDS.contains(&f.kind.as_str()) {
        errors.push(FieldError::new("kind", "field-choose"));
    }
    let name = required_line("name", &f.name, 120, &mut errors);
    let address = required_line("address", &f.address, 200, &mut errors);
    let capacity = optional_count("capacity", &f.capacity, 100_000, &mut errors);
    let equipment = clean_text(&f.equipment, 1000).unwrap_or_else(|r| {
        errors.push(FieldError::new("equipment", r));
        String::new()
    });
    if errors.is_empty() {
        Ok(NewVenue {
            commune: f.commune.trim().to_owned(),
            kind: f.kind.clone(),
            name,
            address,
            capacity,
            equipment,
        })
    } else {
        Err(errors)
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ClassForm {
    /// The form's client id (see `web::once`).
    pub client_id: String,
    pub commune: String,
    pub village: String,
    pub title: String,
    pub courses: String,
    pub mode: String,
    pub venue: String,
    pub meeting_url: String,
    pub how_to_join: String,
    pub target_group: String,
    pub capacity: String,
    pub status: String,
    /// Sessions a learner must attend to pass; empty = all sessions but one.
    pub min_attendance: String,
}

impl ClassForm {
    /// The form from its fields: each ticked course box sends one `courses` value (a hand-typed list
    /// of slugs, as the API and older forms send, is kept as it is).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = ClassForm::default();
        let mut courses: Vec<String> = Vec::new();
        for (k, v) in pairs {
            let field = match k.as_str() {
                "courses" => {
                    courses.push(v);
                    continue;
                }
                "client_id" => &mut f.client_id,
                "commune" => &mut f.commune,
                "village" => &mut f.village,
                "title" => &mut f.title,
                "mode" => &mut f.mode,
                "venue" => &mut f.venue,
                "meeting_url" => &mut f.meeting_url,
                "how_to_join" => &mut f.how_to_join,
                "target_group" => &mut f.target_group,
                "capacity" => &mut f.capacity,
                "status" => &mut f.status,
                "min_attendance" => &mut f.min_attendance,
                _ => continue,
            };
            *field = v;
        }
        f.courses = courses.join(" ");
        f
    }
}

#[derive(Debug, Clone)]
pub struct NewClass {
    pub commune: String,
    pub village: Option<String>,
    pub title: String,
    /// Course slugs, space-separated (the learning module's courses; not checked against it).
    pub courses: String,
    pub mode: String,
    pub venue_id: Option<String>,
    pub meeting_url: Option<String>,
    pub how_to_join: String,
    pub target_group: String,
    pub capacity: i64,
    pub status: String,
    pub min_attendance: Option<i64>,
}

/// A course slug: lowercase ASCII letters, digits and hyphens (as in content/courses/).
pub(crate) fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Only https links (or http for a local server) are accepted as meeting links.
pub(crate) fn valid_meeting_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= 500
        && s.len() > 10
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<')
}

pub(crate) fn validate_class(f: &ClassForm) -> Result<NewClass, Vec<FieldError>> {
    let mut errors = Vec::new();
    let village = crate::units::model::picked_place(&f.commune, &f.village, &mut errors);
    let title = required_line("title", &f.title, 150, &mut errors);
    let slugs: Vec<&str> = f
        .courses
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect();
    if slugs.len() > 20 || slugs.iter().any(|s| !valid_slug(s)) {
        errors.push(FieldError::new("courses", "class-courses-invalid"));
    }
    if !MODES.contains(&f.mode.as_str()) {
        errors.push(FieldError::new("mode", "field-choose"));
    }
    let venue_id = match f.venue.trim() {
        "" => None,
        v if uuid::Uuid::parse_str(v).is_ok() => Some(v.to_owned()),
        _ => {
            errors.push(FieldError::new("venue", "field-choose"));
            None
        }
    };
    let meeting_url = match f.meeting_url.trim() {
        "" => None,
        u if valid_meeting_url(u) => Some(u.to_owned()),
        _ => {
            errors.push(FieldError::new("meeting_url", "class-url-invalid"));
            None
        }
    };
    match f.mode.as_str() {
        "in_person" if venue_id.is_none() && !errors.iter().any(|e| e.field == "venue") => {
            errors.push(FieldError::new("venue", "class-venue-required"))
        }
        "online" if meeting_url.is_none() && !errors.iter().any(|e| e.field == "meeting_url") => {
            errors.push(FieldError::new("meeting_url", "class-url-required"))
        }
        _ => {}
    }
    let how_to_join = clean_text(&f.how_to_join, 1000).unwrap_or_else(|r| {
        errors.push(FieldError::new("how_to_join", r));
        String::new()
    });
    if !crate::people::model::TARGET_GROUPS.contains(&f.target_group.as_str())
        && f.target_group != "all"
    {
        errors.push(FieldError::new("target_group", "field-choose"));
    }
    let capacity = match f.capacity.trim().parse::<i64>() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => {
            errors.push(FieldError::new("capacity", "value-number-invalid"));
            0
        }
    };
    let min_attendance = optional_count("min_attendance", &f.min_attendance, 1000, &mut errors);
    let status = if f.status.is_empty() {
        "open".to_owned()
    } else if STATUSES.contains(&f.status.as_str()) {
        f.status.clone()
    } else {
        errors.push(FieldError::new("status", "field-choose"));
        String::new()
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewClass {
        commune: f.commune.trim().to_owned(),
        village,
        title,
        courses: slugs.join(" "),
        venue_id: if f.mode == "in_person" {
            venue_id
        } else {
            None
        },
        meeting_url: if f.mode == "online" {
            meeting_url
        } else {
            None
        },
        mode: f.mode.clone(),
        how_to_join,
        target_group: f.target_group.clone(),
        capacity,
        status,
        min_attendance,
    })
}

/// "2026-12-05" + "14:30" in Vietnam time → Unix seconds.
pub fn parse_local_start(date: &str, start: &str) -> Option<i64> {
    let d = crate::i18n::parse_date(date)?;
    let (h, m) = start.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    let midnight_utc = d.midnight().assume_utc().unix_timestamp();
    Some(midnight_utc + h * 3600 + m * 60 - VN_OFFSET_SECONDS)
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SessionForm {
    /// The form's client id (see `web::once`).
    pub client_id: String,
    pub date: String,
    pub start: String,
    pub duration: String,
}

pub(crate) fn validate_session(f: &SessionForm) -> Result<(i64, i64), Vec<FieldError>> {
    let mut errors = Vec::new();
    let starts = if crate::i18n::parse_date(&f.date).is_none() {
        errors.push(FieldError::new("date", "value-date-invalid"));
        None
    } else {
        let s = parse_local_start(&f.date, &f.start);
        if s.is_none() {
            errors.push(FieldError::new("start", "value-time-invalid"));
        }
        s
    };
    let duration = match f.duration.trim().parse::<i64>() {
        Ok(n) if (10..=600).contains(&n) => n,
        _ => {
            errors.push(FieldError::new("duration", "value-number-invalid"));
            0
        }
    };
    match starts {
        Some(s) if errors.is_empty() => Ok((s, duration)),
        _ => Err(errors),
    }
}

/// A short code a person can read out or type: no 0/O or 1/I confusion.
pub(crate) fn short_code(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What a typed or scanned code names: a sign-up card code, or a certificate (its /verify/<code> URL
/// or bare code). Uppercased and trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedCode {
    Card(String),
    Certificate(String),
}

pub(crate) fn parse_scanned(input: &str) -> Option<ScannedCode> {
    let s = input.trim();
    if s.is_empty() || s.len() > 300 {
        return None;
    }
    if let Some(i) = s.find("/verify/") {
        let code = s[i + "/verify/".len()..]
            .trim_end_matches('/')
            .split(['?', '#'])
            .next()?;
        return valid_code_chars(code).then(|| ScannedCode::Certificate(code.to_uppercase()));
    }
    let code = s.strip_prefix("HVS:").unwrap_or(s);
    valid_code_chars(code).then(|| ScannedCode::Card(code.to_uppercase()))
}

fn valid_code_chars(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_course_boxes_become_one_list() {
        let f = ClassForm::from_pairs(vec![
            ("title".into(), "Lớp VNeID".into()),
            ("courses".into(), "vneid".into()),
            ("csrf".into(), "x".into()),
            ("courses".into(), "nhan-dien-lua-dao".into()),
        ]);
        assert_eq!(f.title, "Lớp VNeID");
        assert_eq!(f.courses, "vneid nhan-dien-lua-dao");
        assert_eq!(ClassForm::from_pairs(Vec::new()).courses, "");
    }

    #[test]
    fn local_times_are_vietnam_time() {
        // 05/12/2026 14:30 in Vietnam is 07:30 UTC.
        let t = parse_local_start("2026-12-05", "14:30").unwrap();
        assert_eq!(crate::i18n::Lang::Vi.datetime(t), "14:30 05/12/2026");
        assert!(parse_local_start("2026-13-05", "14:30").is_none());
        assert!(parse_local_start("2026-12-05", "25:00").is_none());
    }

    #[test]
    fn class_validation() {
        let mut f = ClassForm {
            commune: "19360".into(),
            title: "Dùng VNeID".into(),
            courses: "vneid, dich-vu-cong".into(),
            mode: "online".into(),
            meeting_url: "https://meet.example.vn/abc".into(),
            target_group: "nguoi-dan".into(),
            capacity: "30".into(),
            ..Default::default()
        };
        let c = validate_class(&f).unwrap();
        assert_eq!(c.courses, "vneid dich-vu-cong");
        f.mode = "in_person".into();
        let e = validate_class(&f).unwrap_err();
        assert_eq!(e[0].field, "venue");
        f.courses = "VNeID!".into();
        f.capacity = "0".into();
        let e = validate_class(&f).unwrap_err();
        assert!(e.iter().any(|e| e.field == "courses"));
        assert!(e.iter().any(|e| e.field == "capacity"));
        f.meeting_url = "javascript:alert(1)".into();
        f.mode = "online".into();
        assert!(
            validate_class(&f)
                .unwrap_err()
                .iter()
                .any(|e| e.field == "meeting_url")
        );
    }

    #[test]
    fn scanned_codes() {
        assert_eq!(
            parse_scanned("https://hocvuso.vn/verify/ab12-cd34"),
            Some(ScannedCode::Certificate("AB12-CD34".into()))
        );
        assert_eq!(parse_scanned(" hvs:k7p2q9xz "), None);
        assert_eq!(
            parse_scanned("HVS:K7P2Q9XZ"),
            Some(ScannedCode::Card("K7P2Q9XZ".into()))
        );
        assert_eq!(
            parse_scanned("k7p2q9xz"),
            Some(ScannedCode::Card("K7P2Q9XZ".into()))
        );
        assert_eq!(parse_scanned("<script>"), None);
        assert_eq!(short_code(8).len(), 8);
    }
}
