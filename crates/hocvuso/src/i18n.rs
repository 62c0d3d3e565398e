//! Every UI string goes through Fluent (`locales/{vi,en}/*.ftl`). Vietnamese first, English second.
//! Numbers and dates are formatted here, the Vietnamese way (1.197; 92,7%; 28/11/2026, Vietnam time).
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Without this Fluent wraps arguments in invisible bidi marks, which then leak into HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LazyLock<LanguageIdentifier> = LazyLock::new(|| "vi".parse().expect("valid tag"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("valid tag"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The message, or its id when missing (a test checks no id is missing in either language).
    pub(crate) fn t(self, id: &str) -> String {
        LOCALES
            .try_lookup(self.id(), id)
            .unwrap_or_else(|| id.to_owned())
    }

    /// A message with arguments: `lang.t_args("people-count", &[("n", 5.into())])`.
    pub(crate) fn t_args(self, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), id, &map)
            .unwrap_or_else(|| id.to_owned())
    }

    /// 1197 → "1.197" (vi) or "1,197" (en).
    pub(crate) fn int(self, n: i64) -> String {
        let sep = if self == Lang::Vi { '.' } else { ',' };
        group_digits(n, sep)
    }

    /// 92.7 → "92,7%" (vi) or "92.7%" (en); one decimal, dropped when zero.
    pub(crate) fn percent(self, p: f64) -> String {
        let rounded = (p * 10.0).round() / 10.0;
        let whole = rounded.trunc() as i64;
        let tenth = ((rounded - rounded.trunc()).abs() * 10.0).round() as i64;
        let (group, dec) = if self == Lang::Vi {
            ('.', ',')
        } else {
            (',', '.')
        };
        let sign = if rounded < 0.0 && whole == 0 { "-" } else { "" };
        if tenth == 0 {
            format!("{sign}{}%", group_digits(whole, group))
        } else {
            format!("{sign}{}{dec}{tenth}%", group_digits(whole, group))
        }
    }

    /// Unix seconds → "28/11/2026" in Vietnam time (UTC+7 all year, no daylight saving).
    pub(crate) fn date(self, unix: i64) -> String {
        let t = vn_time(unix);
        format!("{:02}/{:02}/{}", t.day(), u8::from(t.month()), t.year())
    }

    /// Unix seconds → "14:05 28/11/2026" in Vietnam time.
    pub(crate) fn datetime(self, unix: i64) -> String {
        let t = vn_time(unix);
        format!("{:02}:{:02} {}", t.hour(), t.minute(), self.date(unix))
    }
}

/// A stored calendar day or month ("2026-12-05", "2026-12") as people write it ("05/12/2026",
/// "12/2026"); anything else unchanged.
pub(crate) fn day_text(iso: &str) -> String {
    let b = iso.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
    {
        format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4])
    } else if b.len() == 7 && b[4] == b'-' && digits(0..4) && digits(5..7) {
        format!("{}/{}", &iso[5..7], &iso[0..4])
    } else {
        iso.to_owned()
    }
}

/// The instant in Vietnam's offset.
pub fn vn_time(unix: i64) -> time::OffsetDateTime {
    let offset = time::UtcOffset::from_hms(7, 0, 0).expect("constant offset");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// A calendar date typed as YYYY-MM-DD, within a sane range.
pub(crate) fn parse_date(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &fmt).ok()?;
    (2000..=2100).contains(&d.year()).then_some(d)
}

/// Today's date in Vietnam as YYYY-MM-DD.
pub(crate) fn today_vn() -> String {
    let t = crate::i18n::vn_time(crate::db::now());
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn group_digits(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_days_read_as_people_write_them() {
        assert_eq!(day_text("2026-12-05"), "05/12/2026");
        assert_eq!(day_text("2026-12"), "12/2026");
        assert_eq!(day_text("2026-Q4"), "2026-Q4");
        assert_eq!(day_text("ngày 5"), "ngày 5");
    }

    #[test]
    fn vietnamese_numbers_and_dates() {
        assert_eq!(Lang::Vi.int(1197), "1.197");
        assert_eq!(Lang::Vi.int(4_327_000), "4.327.000");
        assert_eq!(Lang::En.int(1197), "1,197");
        assert_eq!(Lang::Vi.int(-12), "-12");
        assert_eq!(Lang::Vi.percent(92.7), "92,7%");
        assert_eq!(Lang::Vi.percent(107.3), "107,3%");
        assert_eq!(Lang::Vi.percent(100.0), "100%");
        assert_eq!(Lang::En.percent(72.94), "72.9%");
        // 2026-11-28 17:30 UTC is already the 29th in Vietnam.
        assert_eq!(Lang::Vi.date(1_795_887_000), "29/11/2026");
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let ids = |lang: &str| -> Vec<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(lang);
            let mut ids = Vec::new();
            for entry in std::fs::read_dir(dir).expect("locale dir") {
                let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
                for line in text.lines() {
                    if let Some((id, _)) = line.split_once(" =")
                        && !id.starts_with([' ', '#', '.'])
                        && !id.is_empty()
                    {
                        ids.push(id.trim().to_owned());
                    }
                }
            }
            ids.sort();
            ids
        };
        let (vi, en) = (ids("vi"), ids("en"));
        let missing_en: Vec<_> = vi.iter().filter(|i| !en.contains(i)).collect();
        let missing_vi: Vec<_> = en.iter().filter(|i| !vi.contains(i)).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_vi.is_empty(), "missing in vi: {missing_vi:?}");
    }
}
