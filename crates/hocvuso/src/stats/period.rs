//! Report periods in Vietnam time: day `2025-03-14`, month `2025-03`, quarter `2025-Q1`, year `2025`.
use time::{Date, Month};

use crate::i18n::{Lang, vn_time};

/// Grains as stored in `stat_agg.grain`.
pub const DAY: &str = "d";
pub const MONTH: &str = "m";
pub const QUARTER: &str = "q";
pub const YEAR: &str = "y";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day(Date),
    Month(i32, u8),
    Quarter(i32, u8),
    Year(i32),
}

fn month_of(m: u8) -> Month {
    Month::try_from(m).unwrap_or(Month::January)
}

impl Period {
    /// `YYYY`, `YYYY-MM`, `YYYY-Qn` or `YYYY-MM-DD`; None for anything else (years 1900–2199).
    pub(crate) fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse::<i32>().ok())
                .flatten()
                .filter(|y| (1900..2200).contains(y))
        };
        let two = |m: &str| -> Option<u8> {
            (m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()))
                .then(|| m.parse::<u8>().ok())
                .flatten()
        };
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] => Some(Period::Year(year(y)?)),
            [y, q] if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let n = q[1..].parse::<u8>().ok().filter(|n| (1..=4).contains(n))?;
                Some(Period::Quarter(year(y)?, n))
            }
            [y, m] => {
                let m = two(m).filter(|m| (1..=12).contains(m))?;
                Some(Period::Month(year(y)?, m))
            }
            [y, m, d] => {
                let m = two(m).filter(|m| (1..=12).contains(m))?;
                let d = two(d)?;
                Date::from_calendar_date(year(y)?, month_of(m), d)
                    .ok()
                    .map(Period::Day)
            }
            _ => None,
        }
    }

    /// The period of a grain that contains the instant `unix` (Vietnam time).
    pub fn containing(grain: &str, unix: i64) -> Period {
        Self::of_date(grain, vn_time(unix).date())
    }

    pub(crate) fn of_date(grain: &str, d: Date) -> Period {
        let m = u8::from(d.month());
        match grain {
            DAY => Period::Day(d),
            MONTH => Period::Month(d.year(), m),
            QUARTER => Period::Quarter(d.year(), (m - 1) / 3 + 1),
            _ => Period::Year(d.year()),
        }
    }

    pub fn key(&self) -> String {
        match self {
            Period::Day(d) => format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
            Period::Month(y, m) => format!("{y:04}-{m:02}"),
            Period::Quarter(y, q) => format!("{y:04}-Q{q}"),
            Period::Year(y) => format!("{y:04}"),
        }
    }

    pub(crate) fn grain(&self) -> &'static str {
        match self {
            Period::Day(_) => DAY,
            Period::Month(..) => MONTH,
            Period::Quarter(..) => QUARTER,
            Period::Year(_) => YEAR,
        }
    }

    /// English name of the grain, as the API and open data spell it.
    pub(crate) fn grain_name(&self) -> &'static str {
        match self {
            Period::Day(_) => "day",
            Period::Month(..) => "month",
            Period::Quarter(..) => "quarter",
            Period::Year(_) => "year",
        }
    }

    pub(crate) fn year(&self) -> i32 {
        match self {
            Period::Day(d) => d.year(),
            Period::Month(y, _) | Period::Quarter(y, _) | Period::Year(y) => *y,
        }
    }

    pub(crate) fn first_day(&self) -> Date {
        let d = |y: i32, m: u8| Date::from_calendar_date(y, month_of(m), 1).unwrap_or(Date::MIN);
        match *self {
            Period::Day(day) => day,
            Period::Month(y, m) => d(y, m),
            Period::Quarter(y, q) => d(y, (q - 1) * 3 + 1),
            Period::Year(y) => d(y, 1),
        }
    }

    pub(crate) fn last_day(&self) -> Date {
        let last_of = |y: i32, m: u8| {
            let m = month_of(m);
            Date::from_calendar_date(y, m, m.length(y)).unwrap_or(Date::MAX)
        };
        match *self {
            Period::Day(day) => day,
            Period::Month(y, m) => last_of(y, m),
            Period::Quarter(y, q) => last_of(y, q * 3),
            Period::Year(y) => last_of(y, 12),
        }
    }

    /// The months of this period's year, January first (for monthly trends).
    pub(crate) fn months_of_year(&self) -> Vec<Period> {
        (1..=12).map(|m| Period::Month(self.year(), m)).collect()
    }

    /// What "up to the end of this period" is made of, for running totals (registered people,
    /// households): every year before this one, plus the finer periods of this year up to and including
    /// this one. Returns (last whole year key, Some((grain, first key, last key)) for the rest).
    pub(crate) fn cumulative_parts(&self) -> (String, Option<(&'static str, String, String)>) {
        let y = self.year();
        match *self {
            Period::Year(_) => (format!("{y:04}"), None),
            Period::Quarter(_, q) => (
                format!("{:04}", y - 1),
                Some((QUARTER, format!("{y:04}-Q1"), format!("{y:04}-Q{q}"))),
            ),
            Period::Month(_, m) => (
                format!("{:04}", y - 1),
                Some((MONTH, format!("{y:04}-01"), format!("{y:04}-{m:02}"))),
            ),
            // Days: whole months before this one are summed by month; the day rows of this month
            // are too fine to be worth it, so a day's running total ends with the month (documented).
            Period::Day(d) => (
                format!("{:04}", y - 1),
                Some((
                    MONTH,
                    format!("{y:04}-01"),
                    format!("{y:04}-{:02}", u8::from(d.month())),
                )),
            ),
        }
    }

    /// "Năm 2025", "Quý 1/2025", "Tháng 3/2025", "14/03/2025".
    pub(crate) fn label(&self, lang: Lang) -> String {
        use fluent_templates::fluent_bundle::FluentValue;
        match *self {
            Period::Day(d) => format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()),
            Period::Month(y, m) => lang.t_args(
                "period-month",
                &[
                    ("m", FluentValue::from(m)),
                    ("y", FluentValue::from(y.to_string())),
                ],
            ),
            Period::Quarter(y, q) => lang.t_args(
                "period-quarter",
                &[
                    ("q", FluentValue::from(q)),
                    ("y", FluentValue::from(y.to_string())),
                ],
            ),
            Period::Year(y) => {
                lang.t_args("period-year", &[("y", FluentValue::from(y.to_string()))])
            }
        }
    }

    /// Short label for chart axes: "T3" / "Mar" for a month, else the label.
    pub(crate) fn short_label(&self, lang: Lang) -> String {
        match *self {
            Period::Month(_, m) => match lang {
                Lang::Vi => format!("T{m}"),
                Lang::En => month_of(m).to_string()[..3].to_owned(),
            },
            _ => self.label(lang),
        }
    }

    /// "từ 01/01/2025 đến 31/03/2025" style range.
    pub(crate) fn range_label(&self, lang: Lang) -> String {
        use fluent_templates::fluent_bundle::FluentValue;
        let f = |d: Date| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
        lang.t_args(
            "period-range",
            &[
                ("from", FluentValue::from(f(self.first_day()))),
                ("to", FluentValue::from(f(self.last_day()))),
            ],
        )
    }

    /// The year, quarter and month periods that contain this one (itself included), coarsest first.
    pub fn current_year(now: i64) -> Period {
        Period::containing(YEAR, now)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_grain_and_refuses_the_rest() {
        for ok in ["2025", "2025-03", "2025-Q1", "2025-q4", "2024-02-29"] {
            let p = Period::parse(ok).unwrap_or_else(|| panic!("{ok}"));
            assert_eq!(Period::parse(&p.key()), Some(p));
        }
        assert_eq!(
            Period::parse("2025-q2").map(|p| p.key()).as_deref(),
            Some("2025-Q2")
        );
        for bad in [
            "",
            "25",
            "20255",
            "2025-13",
            "2025-00",
            "2025-Q5",
            "2025-Q0",
            "2025-3",
            "2023-02-29",
            "2025-03-1",
            "abcd",
            "2025-Q1-01",
            "1800",
            "2025/03",
            " 2025-",
            "２０２５",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn vietnam_time_decides_the_period() {
        // 2024-12-31 17:30 UTC is already 2025-01-01 00:30 in Vietnam.
        let t = 1_735_666_200;
        assert_eq!(Period::containing(YEAR, t).key(), "2025");
        assert_eq!(Period::containing(QUARTER, t).key(), "2025-Q1");
        assert_eq!(Period::containing(MONTH, t).key(), "2025-01");
        assert_eq!(Period::containing(DAY, t).key(), "2025-01-01");
    }

    #[test]
    fn bounds_and_running_totals() {
        let q = Period::parse("2024-Q1").unwrap_or(Period::Year(0));
        assert_eq!(q.last_day().to_string(), "2024-03-31");
        assert_eq!(
            q.cumulative_parts(),
            (
                "2023".into(),
                Some((QUARTER, "2024-Q1".into(), "2024-Q1".into()))
            )
        );
        assert_eq!(Period::Year(2025).cumulative_parts(), ("2025".into(), None));
        assert_eq!(Period::Month(2025, 2).last_day().to_string(), "2025-02-28");
    }
}
