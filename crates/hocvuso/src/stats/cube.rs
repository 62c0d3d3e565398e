//! The rules that turn events into aggregate cells (pure, no I/O). The incremental aggregator and the
//! demo generator both go through [`Cube`], so they cannot disagree about what an event counts for.
//!
//! An event at a village counts for the village, its commune and the province (its unit path), for the
//! day (total only), the month, the quarter and the year; for month/quarter/year also broken down by
//! target group, sex, age band and minority status (person events) and by kind (events with a kind).
use std::collections::HashMap;

use super::period::{DAY, MONTH, QUARTER, YEAR};
use crate::stats::metric;

/// Derived metric: people with at least one learning activity in the period (counted once per period).
pub const ACTIVE: &str = "person_active";

/// Dimensions (stored in `stat_agg.dim`).
pub const DIM_ALL: &str = "all";
pub const DIM_TARGET_GROUP: &str = "tg";
pub const DIM_SEX: &str = "sex";
pub const DIM_AGE: &str = "age";
pub const DIM_ETHNIC: &str = "eth";
pub const DIM_KIND: &str = "kind";
pub const PERSON_DIMS: [&str; 4] = [DIM_TARGET_GROUP, DIM_SEX, DIM_AGE, DIM_ETHNIC];

pub const AGE_BANDS: [&str; 6] = ["0-14", "15-24", "25-39", "40-59", "60+", "unknown"];
pub const ETHNIC_VALUES: [&str; 3] = ["minority", "kinh", "unknown"];

/// Does this event make its person "active" in the period?
pub(crate) fn is_activity(m: &str) -> bool {
    matches!(
        m,
        metric::LESSON_OPENED
            | metric::LESSON_COMPLETED
            | metric::COURSE_COMPLETED
            | metric::CERTIFICATE_ISSUED
            | metric::CLASS_ATTENDANCE
    )
}

/// Age band in the year of the event.
pub(crate) fn age_band(birth_year: Option<i64>, year: i32) -> &'static str {
    match birth_year.map(|b| i64::from(year) - b) {
        None => "unknown",
        Some(a) if a < 0 => "unknown",
        Some(a) if a < 15 => "0-14",
        Some(a) if a < 25 => "15-24",
        Some(a) if a < 40 => "25-39",
        Some(a) if a < 60 => "40-59",
        Some(_) => "60+",
    }
}

pub(crate) fn ethnic_value(minority: Option<i64>) -> &'static str {
    match minority {
        Some(0) => "kinh",
        Some(_) => "minority",
        None => "unknown",
    }
}

/// The dimension values of a person at the time of an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonDims {
    pub target_group: String,
    pub sex: String,
    pub age: &'static str,
    pub ethnic: &'static str,
}

impl PersonDims {
    fn values(&self) -> [(&'static str, &str); 4] {
        [
            (DIM_TARGET_GROUP, self.target_group.as_str()),
            (DIM_SEX, self.sex.as_str()),
            (DIM_AGE, self.age),
            (DIM_ETHNIC, self.ethnic),
        ]
    }
}

/// Units of a materialised path "44/19360/19360-001/", province first.
pub(crate) fn path_units(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub unit: String,
    pub grain: &'static str,
    pub period: String,
    pub metric: String,
    pub dim: &'static str,
    pub dim_value: String,
}

/// Month/quarter/year keys of a month.
fn month_periods(year: i32, month: u8) -> [(&'static str, String); 3] {
    [
        (MONTH, format!("{year:04}-{month:02}")),
        (QUARTER, format!("{year:04}-Q{}", (month - 1) / 3 + 1)),
        (YEAR, format!("{year:04}")),
    ]
}

/// Aggregate cells being built: (events, sum of values) per cell.
#[derive(Debug, Default)]
pub struct Cube {
    pub cells: HashMap<CellKey, (i64, i64)>,
}

impl Cube {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        unit: &str,
        grain: &'static str,
        period: &str,
        metric: &str,
        dim: &'static str,
        dim_value: &str,
        n: i64,
        total: i64,
    ) {
        let e = self
            .cells
            .entry(CellKey {
                unit: unit.to_owned(),
                grain,
                period: period.to_owned(),
                metric: metric.to_owned(),
                dim,
                dim_value: dim_value.to_owned(),
            })
            .or_insert((0, 0));
        e.0 += n;
        e.1 += total;
    }

    /// The day part of `n` events summing to `total` (totals only: days are for trends).
    pub(crate) fn add_day(&mut self, units: &[&str], metric: &str, day: &str, n: i64, total: i64) {
        for u in units {
            self.add(u, DAY, day, metric, DIM_ALL, "", n, total);
        }
    }

    /// The month, quarter and year parts, with breakdowns.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_periods(
        &mut self,
        units: &[&str],
        metric: &str,
        (year, month): (i32, u8),
        person: Option<&PersonDims>,
        kind: Option<&str>,
        n: i64,
        total: i64,
    ) {
        let periods = month_periods(year, month);
        for u in units {
            for (grain, period) in &periods {
                self.add(u, grain, period, metric, DIM_ALL, "", n, total);
                if let Some(p) = person {
                    for (dim, v) in p.values() {
                        self.add(u, grain, period, metric, dim, v, n, total);
                    }
                }
                if let Some(k) = kind {
                    self.add(u, grain, period, metric, DIM_KIND, k, n, total);
                }
            }
        }
    }

    /// A person's first activity in a month (and maybe in its quarter and year): `new` says which of
    /// month, quarter, year this is the first activity of.
    pub(crate) fn add_active(
        &mut self,
        units: &[&str],
        (year, month): (i32, u8),
        new: [bool; 3],
        person: &PersonDims,
        count: i64,
    ) {
        let periods = month_periods(year, month);
        for u in units {
            for ((grain, period), is_new) in periods.iter().zip(new) {
                if !is_new {
                    continue;
                }
                self.add(u, grain, period, ACTIVE, DIM_ALL, "", count, count);
                for (dim, v) in person.values() {
                    self.add(u, grain, period, ACTIVE, dim, v, count, count);
                }
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.cells.len()
    }
}

/// Bits of the three months of quarter `q` (1–4) in a months mask.
pub(crate) fn quarter_bits(q: u8) -> i64 {
    0b111 << ((q - 1) * 3)
}

/// Record an activity in `month` (1–12) in a person's months mask; returns which of month, quarter, year
/// it is the first activity of, and the new mask.
pub(crate) fn mark_active(mask: i64, month: u8) -> ([bool; 3], i64) {
    let bit = 1i64 << (month - 1);
    let q = (month - 1) / 3 + 1;
    let new_month = mask & bit == 0;
    let new_quarter = mask & quarter_bits(q) == 0;
    let new_year = mask == 0;
    ([new_month, new_quarter, new_year], mask | bit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(age_band(Some(1960), 2025), "60+");
        assert_eq!(age_band(Some(1985), 2025), "40-59");
        assert_eq!(age_band(Some(2015), 2025), "0-14");
        assert_eq!(age_band(None, 2025), "unknown");
        assert_eq!(ethnic_value(Some(1)), "minority");
    }

    #[test]
    fn active_marks() {
        let (new, m) = mark_active(0, 2);
        assert_eq!(new, [true, true, true]);
        let (new, m) = mark_active(m, 2);
        assert_eq!(new, [false, false, false]);
        let (new, m) = mark_active(m, 3);
        assert_eq!(new, [true, false, false]);
        let (new, _) = mark_active(m, 4);
        assert_eq!(new, [true, true, false]);
    }

    #[test]
    fn an_event_counts_up_the_path_with_breakdowns() {
        let mut c = Cube::default();
        let p = PersonDims {
            target_group: "nguoi-dan".into(),
            sex: "nu".into(),
            age: "60+",
            ethnic: "minority",
        };
        let units = path_units("44/19360/19360-001/");
        c.add_day(&units, "lesson_completed", "2025-03-14", 1, 1);
        c.add_periods(&units, "lesson_completed", (2025, 3), Some(&p), None, 1, 1);
        // 3 units × (1 day + 3 periods × (all + 4 dims)).
        assert_eq!(c.len(), 3 * (1 + 3 * 5));
        let k = CellKey {
            unit: "44".into(),
            grain: QUARTER,
            period: "2025-Q1".into(),
            metric: "lesson_completed".into(),
            dim: DIM_SEX,
            dim_value: "nu".into(),
        };
        assert_eq!(c.cells.get(&k), Some(&(1, 1)));
    }
}
