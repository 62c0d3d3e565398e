//! What reports show: the measures built from aggregates, small-count suppression, and the rules for
//! indicator values (no I/O).
use crate::error::FieldError;
use crate::stats::metric;

use crate::stats::cube::ACTIVE;

/// Counts from 1 to `SUPPRESS_BELOW - 1` are shown as "<5" on public pages, the open-data API and the
/// open-data export: in a small village, "2 ethnic-minority women over 60 got a certificate" can point at
/// a person. Zero is shown (it identifies no one); administrators in scope see exact figures.
pub const SUPPRESS_BELOW: i64 = 5;

pub(crate) fn suppressed(n: i64) -> bool {
    (1..SUPPRESS_BELOW).contains(&n)
}

/// Which cells of a breakdown are hidden: `parts` add up to `total` (a measure by sex, by age band, by
/// village…), and publishing the total with all but one part would give the hidden one away by
/// subtraction ("total 9, men 5, women <5" is women = 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub total: bool,
    pub parts: Vec<bool>,
}

/// Small-count suppression with complementary suppression. Every count from 1 to 4 is hidden; then, as
/// long as a hidden small count could still be worked out from what is published (knowing that the
/// total is the sum, that every hidden cell is at least 1, and that a "<5" cell is at most 4), the
/// smallest published non-zero part is hidden too; when none is left, the total is. Zeros are always
/// published: they point at nobody, and hiding them would only blur the "<5" ones' meaning.
pub(crate) fn protect(total: i64, parts: &[i64]) -> Protected {
    let mut hidden: Vec<bool> = parts.iter().map(|&n| suppressed(n)).collect();
    let mut total_hidden = suppressed(total);
    while !total_hidden && derivable(total, parts, &hidden) {
        let next = (0..parts.len())
            .filter(|&i| !hidden[i] && parts[i] > 0)
            .min_by_key(|&i| (parts[i], i));
        match next {
            Some(i) => hidden[i] = true,
            None => total_hidden = true,
        }
    }
    Protected {
        total: total_hidden,
        parts: hidden,
    }
}

/// Can a reader pin down any hidden small count from the published cells? Each hidden cell lies in a
/// range (1–4 for a small one, 5 and up for a complementary one) and the hidden cells sum to the total
/// minus the published parts; a small cell is given away when that leaves it one possible value.
fn derivable(total: i64, parts: &[i64], hidden: &[bool]) -> bool {
    let rest: i64 = total
        - parts
            .iter()
            .zip(hidden)
            .filter(|(_, h)| !**h)
            .map(|(n, _)| n)
            .sum::<i64>();
    let range = |n: i64| {
        if suppressed(n) {
            (1, SUPPRESS_BELOW - 1)
        } else {
            (SUPPRESS_BELOW, i64::MAX / 4)
        }
    };
    let cells: Vec<(i64, i64)> = parts
        .iter()
        .zip(hidden)
        .filter(|(_, h)| **h)
        .map(|(n, _)| range(*n))
        .collect();
    let (lo_all, hi_all) = cells
        .iter()
        .fold((0i64, 0i64), |(l, h), c| (l + c.0, h.saturating_add(c.1)));
    parts
        .iter()
        .zip(hidden)
        .filter(|(n, h)| **h && suppressed(**n))
        .any(|(n, _)| {
            let (lo, hi) = range(*n);
            // What the others can take up, at least and at most.
            let (others_lo, others_hi) = (lo_all - lo, hi_all.saturating_sub(hi));
            let can_lo = lo.max(rest.saturating_sub(others_hi));
            let can_hi = hi.min(rest - others_lo);
            can_lo >= can_hi
        })
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

pub(crate) fn measure(code: &str) -> Option<&'static Measure> {
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
pub(crate) fn share(part: i64, whole: i64) -> Option<f64> {
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
    pub(crate) fn is_percent(&self) -> bool {
        self.measure == "percent"
    }
}

/// Parse a value typed by an administrator. Percentages take a decimal comma or point ("92,7", "92.7");
/// counts are whole numbers, with optional Vietnamese thousands dots or spaces ("1.197", "4 327").
pub(crate) fn parse_value(ind: &Indicator, raw: &str) -> Result<f64, &'static str> {
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
pub(crate) fn validate_entry(
    ind: &Indicator,
    value: &str,
    target: &str,
    period: &str,
) -> Result<(Option<f64>, Option<f64>, crate::stats::period::Period), Vec<FieldError>> {
    let mut errors = Vec::new();
    let period = crate::stats::period::Period::parse(period);
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
        // "total 9, men 5, women 4": the women's 4 cannot stand alone, so the men's 5 goes too.
        assert_eq!(
            protect(9, &[5, 4]),
            Protected {
                total: false,
                parts: vec![true, true]
            }
        );
        // Only small parts and nothing left to hide beside them: the total goes.
        assert!(protect(2, &[1, 1]).total);
        // The smallest published part keeps it company.
        assert_eq!(protect(29, &[20, 5, 4]).parts, vec![false, true, true]);
        // Two small ones that could only be 1 and 1 are not enough either.
        assert_eq!(protect(12, &[10, 1, 1]).parts, vec![true, true, true]);
        assert_eq!(protect(10, &[10, 0, 0]).parts, vec![false, false, false]);
    }
}

#[cfg(test)]
mod protect_props {
    use super::*;
    use proptest::prelude::*;

    /// Every assignment of values to the hidden cells that a reader cannot rule out.
    fn consistent(total: i64, parts: &[i64], p: &Protected, candidate: &[i64]) -> bool {
        let mut it = candidate.iter();
        let mut sum = 0;
        for (n, h) in parts.iter().zip(&p.parts) {
            let v = if *h {
                let v = *it.next().expect("one per hidden cell");
                let ok = if suppressed(*n) {
                    (1..SUPPRESS_BELOW).contains(&v)
                } else {
                    v >= SUPPRESS_BELOW
                };
                if !ok {
                    return false;
                }
                v
            } else {
                *n
            };
            sum += v;
        }
        p.total || sum == total
    }

    proptest! {
        /// Brute force over every value the hidden cells could take: no hidden small count has only one
        /// possible value given what is published.
        #[test]
        fn no_hidden_small_count_can_be_derived(parts in proptest::collection::vec(
            prop_oneof![Just(0i64), 1i64..5, 5i64..12], 1..5)) {
            let total: i64 = parts.iter().sum();
            let p = protect(total, &parts);
            for (n, h) in parts.iter().zip(&p.parts) {
                prop_assert!(!suppressed(*n) || *h, "small counts are hidden");
            }
            let hidden_idx: Vec<usize> = (0..parts.len()).filter(|&i| p.parts[i]).collect();
            // Candidate values: small cells 1–4, others 5..=total (enough to cover every sum).
            let choices: Vec<Vec<i64>> = hidden_idx.iter().map(|&i| if suppressed(parts[i]) {
                (1..SUPPRESS_BELOW).collect()
            } else {
                (SUPPRESS_BELOW..=total.max(SUPPRESS_BELOW)).collect()
            }).collect();
            let mut seen: Vec<std::collections::BTreeSet<i64>> = vec![Default::default(); hidden_idx.len()];
            let mut idx = vec![0usize; choices.len()];
            loop {
                let cand: Vec<i64> = idx.iter().zip(&choices).map(|(i, c)| c[*i]).collect();
                if consistent(total, &parts, &p, &cand) {
                    for (k, v) in cand.iter().enumerate() { seen[k].insert(*v); }
                }
                let mut k = 0;
                while k < idx.len() {
                    idx[k] += 1;
                    if idx[k] < choices[k].len() { break; }
                    idx[k] = 0;
                    k += 1;
                }
                if k == idx.len() { break; }
            }
            for (k, &i) in hidden_idx.iter().enumerate() {
                if suppressed(parts[i]) {
                    prop_assert!(seen[k].len() > 1, "cell {i} of {parts:?} pinned to {:?} ({p:?})", seen[k]);
                }
            }
        }
    }
}
