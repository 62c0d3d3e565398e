//! What reports show: the measures built from aggregates, small-count suppression, and the rules for
//! indicator values (no I/O).
use crate::error::FieldError;
use crate::stats::metric;

use super::cube::ACTIVE;

/// Counts from 1 to `SUPPRESS_BELOW - 1` are shown as "<5" on public pages, the open-data API and the
/// open-data export: in a small village, "2 ethnic-minority women over 60 got a certificate" can point at
/// a person. Zero is shown (it identifies no one); administrators in scope see exact figures.
pub const SUPPRESS_BELOW: i64 = 5;

pub fn suppressed(n: i64) -> bool {
    (1..SUPPRESS_BELOW).contains(&n)
}

/// Which number of an aggregate cell a measure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Number of events (activities, reports, active people).
    Events,
    /// Sum of the events' values (people helped, net households, registrations).
    Sum,
}

#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// Stable name used in the API, open data and exports.
    pub code: &'static str,
    pub metric: &'static str,
    pub field: Field,
    /// A running total up to the end of the period instead of what happened in it.
    pub cumulative: bool,
}

const fn m(code: &'static str, metric: &'static str, field: Field, cumulative: bool) -> Measure {
    Measure {
        code,
        metric,
        field,
        cumulative,
    }
}

/// Every measure, in the order reports list them.
pub const MEASURES: &[Measure] = &[
    m(
        "registered_total",
        metric::PERSON_REGISTERED,
        Field::Sum,
        true,
    ),
    m("registered", metric::PERSON_REGISTERED, Field::Sum, false),
    m("active", ACTIVE, Field::Events, false),
    m("lessons_opened", metric::LESSON_OPENED, Field::Sum, false),
    m(
        "lessons_completed",
        metric::LESSON_COMPLETED,
        Field::Sum,
        false,
    ),
    m(
        "courses_completed",
        metric::COURSE_COMPLETED,
        Field::Sum,
        false,
    ),
    m(
        "certificates",
        metric::CERTIFICATE_ISSUED,
        Field::Sum,
        false,
    ),
    m("classes_held", metric::CLASS_HELD, Field::Events, false),
    m(
        "class_attendance",
        metric::CLASS_ATTENDANCE,
        Field::Sum,
        false,
    ),
    m(
        "team_activities",
        metric::TEAM_ACTIVITY,
        Field::Events,
        false,
    ),
    m("people_helped", metric::TEAM_ACTIVITY, Field::Sum, false),
    m(
        "households_helped",
        metric::HOUSEHOLD_HELPED,
        Field::Events,
        false,
    ),
    m("scam_reports", metric::SCAM_REPORT, Field::Events, false),
    m("households", metric::HOUSEHOLD_COUNT, Field::Sum, true),
];

pub fn measure(code: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.code == code)
}

/// Columns of the administrative report (units in rows), in order.
pub const REPORT_COLUMNS: &[&str] = &[
    "registered_total",
    "registered",
    "active",
    "lessons_completed",
    "courses_completed",
    "certificates",
    "classes_held",
    "class_attendance",
    "team_activities",
    "people_helped",
    "scam_reports",
];

/// Measures broken down by target group, sex, age band and minority status.
pub const PERSON_MEASURES: &[&str] = &[
    "registered",
    "active",
    "lessons_completed",
    "courses_completed",
    "certificates",
    "class_attendance",
];

/// Measures broken down by kind, with the Fluent prefix of the kind names.
pub const KIND_MEASURES: &[(&str, &str)] = &[
    ("team_activities", "activity-kind-"),
    ("people_helped", "activity-kind-"),
    ("scam_reports", "scam-type-"),
];

/// Checklist coverage: share of households with each item.
pub const CHECKLIST_METRIC: &str = metric::HOUSEHOLD_CHECK;

/// Share in percent, None when there is no denominator.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

// ---- indicators ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Indicator {
    pub code: String,
    /// `percent` or `count`.
    pub measure: String,
    /// `sum`, `average` or `none` (how a parent unit's value follows from its children when not entered).
    pub aggregation: String,
    /// Highest acceptable value; None when a percentage may exceed 100.
    pub max_value: Option<f64>,
    pub sort: i64,
}

impl Indicator {
    pub fn is_percent(&self) -> bool {
        self.measure == "percent"
    }
}

/// Parse a value typed by an administrator. Percentages take a decimal comma or point ("92,7", "92.7");
/// counts are whole numbers, with optional Vietnamese thousands dots or spaces ("1.197", "4 327").
pub fn parse_value(ind: &Indicator, raw: &str) -> Result<f64, &'static str> {
    let s: String = raw.trim().trim_end_matches('%').trim().to_owned();
    if s.is_empty() {
        return Err("field-required");
    }
    if s.starts_with('-') {
        return Err("indicator-negative");
    }
    let v = if ind.is_percent() {
        let normal = s.replace(',', ".");
        let ok = normal.chars().all(|c| c.is_ascii_digit() || c == '.')
            && normal.matches('.').count() <= 1
            && !normal.starts_with('.')
            && !normal.ends_with('.')
            && normal.split('.').nth(1).is_none_or(|d| d.len() <= 2);
        if !ok {
            return Err("indicator-not-number");
        }
        normal.parse::<f64>().map_err(|_| "indicator-not-number")?
    } else {
        let groups: Vec<&str> = s.split(['.', ' ', ',']).collect();
        let grouped = groups.len() > 1;
        let ok = groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
            && (!grouped || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
        if !ok {
            return Err("indicator-not-integer");
        }
        let digits: String = groups.concat();
        if digits.len() > 12 {
            return Err("indicator-too-large");
        }
        digits.parse::<i64>().map_err(|_| "indicator-not-integer")? as f64
    };
    if let Some(max) = ind.max_value
        && v > max
    {
        return Err("indicator-over-max");
    }
    // Even a share that may pass 100 (subscriptions per person) has a sane ceiling.
    if ind.is_percent() && v > 1000.0 {
        return Err("indicator-too-large");
    }
    Ok(v)
}

/// Validate an indicator entry: value, optional target, and the period.
pub fn validate_entry(
    ind: &Indicator,
    value: &str,
    target: &str,
    period: &str,
) -> Result<(Option<f64>, Option<f64>, super::period::Period), Vec<FieldError>> {
    let mut errors = Vec::new();
    let period = super::period::Period::parse(period);
    if period.is_none() {
        errors.push(FieldError::new("period", "period-malformed"));
    }
    let value = match value.trim() {
        "" => None,
        v => match parse_value(ind, v) {
            Ok(v) => Some(v),
            Err(r) => {
                errors.push(FieldError::new("value", r));
                None
            }
        },
    };
    let target = match target.trim() {
        "" => None,
        v => match parse_value(ind, v) {
            Ok(v) => Some(v),
            Err(r) => {
                errors.push(FieldError::new("target", r));
                None
            }
        },
    };
    if value.is_none() && target.is_none() && errors.is_empty() {
        errors.push(FieldError::new("value", "field-required"));
    }
    match period {
        Some(p) if errors.is_empty() => Ok((value, target, p)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(measure: &str, max: Option<f64>) -> Indicator {
        Indicator {
            code: "x".into(),
            measure: measure.into(),
            aggregation: "sum".into(),
            max_value: max,
            sort: 0,
        }
    }

    #[test]
    fn percentages() {
        let p = ind("percent", Some(100.0));
        assert_eq!(parse_value(&p, "92,7"), Ok(92.7));
        assert_eq!(parse_value(&p, "92.7 %"), Ok(92.7));
        assert_eq!(parse_value(&p, "100"), Ok(100.0));
        assert_eq!(parse_value(&p, "107,3"), Err("indicator-over-max"));
        assert_eq!(parse_value(&p, "-1"), Err("indicator-negative"));
        assert_eq!(parse_value(&p, "9,2,1"), Err("indicator-not-number"));
        assert_eq!(parse_value(&p, "abc"), Err("indicator-not-number"));
        assert_eq!(parse_value(&p, ""), Err("field-required"));
        let over = ind("percent", None);
        assert_eq!(parse_value(&over, "107,3"), Ok(107.3));
        assert_eq!(parse_value(&over, "-0,5"), Err("indicator-negative"));
    }

    #[test]
    fn counts() {
        let c = ind("count", None);
        assert_eq!(parse_value(&c, "1.197"), Ok(1197.0));
        assert_eq!(parse_value(&c, "4 327"), Ok(4327.0));
        assert_eq!(parse_value(&c, "829"), Ok(829.0));
        assert_eq!(parse_value(&c, "1.5"), Err("indicator-not-integer"));
        assert_eq!(parse_value(&c, "12,5"), Err("indicator-not-integer"));
        assert_eq!(parse_value(&c, "-3"), Err("indicator-negative"));
        assert_eq!(parse_value(&c, "3e5"), Err("indicator-not-integer"));
    }

    #[test]
    fn small_counts() {
        assert!(!suppressed(0));
        assert!(suppressed(1) && suppressed(4));
        assert!(!suppressed(5));
    }
}
