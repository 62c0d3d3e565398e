//! The dashboard as a page shows it: figures formatted the Vietnamese way, small counts suppressed on
//! public pages, charts laid out. Shared by the public page, the admin page and the printable report.
use super::charts::{BarInput, HBarChart, VBarChart};
use super::dashboard::{self, IndicatorRow, UnitTable};
use super::model::{self, KIND_MEASURES, PERSON_MEASURES, REPORT_COLUMNS};
use super::store;
use crate::AppState;
use crate::db::DbResult;
use crate::i18n::Lang;
use crate::people::model::{SEXES, TARGET_GROUPS};
use crate::stats::cube::{
    AGE_BANDS, DIM_AGE, DIM_ETHNIC, DIM_KIND, DIM_SEX, DIM_TARGET_GROUP, ETHNIC_VALUES,
};
use crate::stats::period::Period;
use crate::units::model::{LEVEL_VILLAGE, Unit};

/// Measures shown as headline figures.
pub const HEADLINE: &[&str] = &[
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
    "households_helped",
    "scam_reports",
];

pub struct Headline {
    pub code: &'static str,
    pub label: String,
    pub value: String,
}

pub struct TableView {
    pub headings: Vec<String>,
    /// (name, link, values)
    pub rows: Vec<(String, Option<String>, Vec<String>)>,
    pub direct: Option<Vec<String>>,
    pub total: Vec<String>,
}

pub struct Breakdown {
    pub id: String,
    pub title: String,
    pub headings: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

pub struct IndicatorView {
    pub code: String,
    pub name: String,
    pub value: String,
    pub value_period: String,
    pub rolled_up: bool,
    pub target: String,
    pub progress: String,
}

pub struct PeriodOption {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

pub struct DashboardView {
    pub unit: Unit,
    pub lineage: Vec<Unit>,
    pub period: Period,
    pub period_label: String,
    pub range_label: String,
    /// Exact figures (administrators) or small counts suppressed (public).
    pub exact: bool,
    pub demo: bool,
    pub as_of: String,
    pub pending: bool,
    pub headline: Vec<Headline>,
    pub children_label: String,
    pub children_chart: Option<HBarChart>,
    pub table: TableView,
    pub trend_lessons: VBarChart,
    pub trend_active: VBarChart,
    pub breakdowns: Vec<Breakdown>,
    pub kinds: Vec<Breakdown>,
    pub checklist: Vec<(String, String, String)>,
    pub indicators: Vec<IndicatorView>,
    pub progress_chart: Option<HBarChart>,
    pub period_options: Vec<PeriodOption>,
    /// Where this dashboard lives ("/so-lieu" or "/quan-ly/bao-cao/44"), for links.
    pub base: String,
}

/// A label from Fluent, or the raw value when there is none (kinds are open-ended).
pub(crate) fn label_or(lang: Lang, prefix: &str, value: &str) -> String {
    // Fluent ids allow letters, digits, "-" and "_" only ("60+" → "60plus").
    let id = format!("{prefix}{}", value.replace('+', "plus"));
    let t = lang.t(&id);
    if t == id { value.to_owned() } else { t }
}

/// A household checklist item by name: the reports' own wording, else the field work's ("check-…"),
/// whose items (vneid_installed, …) are what households are ticked for.
fn checklist_label(lang: Lang, item: &str) -> String {
    let t = label_or(lang, "checklist-item-", item);
    if t == item {
        label_or(lang, "check-", item)
    } else {
        t
    }
}

pub struct Fmt {
    pub lang: Lang,
    pub exact: bool,
}

impl Fmt {
    pub(crate) fn count(&self, n: i64) -> String {
        if !self.exact && model::suppressed(n) {
            format!("<{}", model::SUPPRESS_BELOW)
        } else {
            self.lang.int(n)
        }
    }

    pub(crate) fn hidden(&self, n: i64) -> bool {
        !self.exact && model::suppressed(n)
    }

    /// A cell that [`model::protect`] may have hidden: a small count reads "<5", a cell hidden beside it
    /// (it would give the small one away) reads "ẩn"; administrators in scope see every number.
    pub(crate) fn cell(&self, n: i64, hidden: bool) -> String {
        if self.exact || !hidden {
            self.lang.int(n)
        } else if model::suppressed(n) {
            format!("<{}", model::SUPPRESS_BELOW)
        } else {
            self.lang.t("report-hidden-cell")
        }
    }

    pub(crate) fn number(&self, ind: &model::Indicator, v: f64) -> String {
        if ind.is_percent() {
            self.lang.percent(v)
        } else {
            self.lang.int(v.round() as i64)
        }
    }
}

/// Build the whole dashboard of `unit` for `period`. `link` makes a drill-down link for a child unit.
pub(crate) async fn build(
    state: &AppState,
    lang: Lang,
    unit: Unit,
    period: Period,
    exact: bool,
    base: String,
    link: impl Fn(&str) -> String,
) -> DbResult<DashboardView> {
    let db = &state.db;
    let f = Fmt { lang, exact };
    let children = state.units.children(db, &unit.code).await?;
    let cached =
        super::cache::unit_figures(&state.dashboards, db, &unit, &children, &period).await?;
    let (figures, table) = (&cached.figures, &cached.table);
    let hidden = figures.protected();
    let table_hidden = protect_table(table);
    let lineage = crate::units::store::lineage(db, &unit).await?;
    let monthly = &cached.monthly;
    let indicators = dashboard::indicators(db, &unit, &period).await?;
    let demo = store::demo_present(db).await?;
    let last = store::last_aggregated(db).await?;
    let pending = crate::stats::fold::has_pending(db).await?;
    let years = store::years(db, &unit.code).await?;

    let headline = HEADLINE
        .iter()
        .map(|c| Headline {
            code: c,
            label: lang.t(&format!("measure-{c}")),
            value: f.cell(
                figures.total(c),
                hidden.total_hidden(c)
                    || REPORT_COLUMNS
                        .iter()
                        .position(|col| col == c)
                        .is_some_and(|i| table_hidden.total[i]),
            ),
        })
        .collect();

    let children_label = if unit.level >= 2 {
        lang.t("report-villages")
    } else {
        lang.t("report-communes")
    };
    let children_chart = (!table.rows.is_empty()).then(|| {
        let col = REPORT_COLUMNS
            .iter()
            .position(|c| *c == "registered_total")
            .unwrap_or(0);
        let mut rows: Vec<(usize, _)> = table.rows.iter().enumerate().collect();
        rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.value("registered_total")));
        HBarChart::new(
            "chart-units",
            format!(
                "{} — {}",
                lang.t("measure-registered_total"),
                children_label
            ),
            lang.t("chart-units-desc"),
            (children_label.clone(), lang.t("measure-registered_total")),
            rows.into_iter()
                .map(|(i, r)| {
                    let v = r.value("registered_total");
                    let h = !f.exact && table_hidden.rows[i][col];
                    BarInput {
                        label: r.name.clone(),
                        value: v as f64,
                        value_text: f.cell(v, h),
                        hidden: h,
                        href: (r.level < LEVEL_VILLAGE || exact).then(|| link(&r.code)),
                    }
                })
                .collect(),
        )
    });

    let trend = |idx: usize, code: &str, id: &str| {
        VBarChart::new(
            id,
            format!("{} — {}", lang.t(&format!("measure-{code}")), period.year()),
            lang.t("chart-monthly-desc"),
            (lang.t("label-month"), lang.t(&format!("measure-{code}"))),
            monthly
                .iter()
                .map(|(p, v)| BarInput {
                    label: p.short_label(lang),
                    value: v[idx] as f64,
                    value_text: f.count(v[idx]),
                    hidden: f.hidden(v[idx]),
                    href: None,
                })
                .collect(),
            |m| lang.int(m as i64),
        )
    };
    let trend_lessons = trend(0, "lessons_completed", "chart-lessons");
    let trend_active = trend(1, "active", "chart-active");

    let dims: [(&str, Vec<&str>, &str); 4] = [
        (DIM_TARGET_GROUP, TARGET_GROUPS.to_vec(), "group-"),
        (DIM_SEX, SEXES.to_vec(), "sex-"),
        (DIM_AGE, AGE_BANDS.to_vec(), "age-band-"),
        (DIM_ETHNIC, ETHNIC_VALUES.to_vec(), "eth-"),
    ];
    let breakdowns = dims
        .iter()
        .map(|(dim, values, prefix)| Breakdown {
            id: format!("by-{dim}"),
            title: lang.t(&format!("breakdown-{dim}")),
            headings: PERSON_MEASURES
                .iter()
                .map(|c| lang.t(&format!("measure-{c}")))
                .collect(),
            rows: values
                .iter()
                .map(|v| {
                    (
                        label_or(lang, prefix, v),
                        PERSON_MEASURES
                            .iter()
                            .filter_map(|c| model::measure(c))
                            .map(|m| {
                                f.cell(figures.get(m, dim, v), hidden.is_hidden(m.code, dim, v))
                            })
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect();

    let kinds = KIND_MEASURES
        .iter()
        .filter_map(|(code, prefix)| {
            let m = model::measure(code)?;
            let values = figures.dim_values(m.metric, DIM_KIND, false);
            (!values.is_empty()).then(|| Breakdown {
                id: format!("kind-{code}"),
                title: lang.t(&format!("breakdown-kind-{code}")),
                headings: vec![lang.t(&format!("measure-{code}"))],
                rows: values
                    .iter()
                    .map(|v| {
                        (
                            label_or(lang, prefix, v),
                            vec![f.cell(
                                figures.get(m, DIM_KIND, v),
                                hidden.is_hidden(m.code, DIM_KIND, v),
                            )],
                        )
                    })
                    .collect(),
            })
        })
        .collect();

    let checklist = figures
        .checklist()
        .into_iter()
        .map(|(item, have, share)| {
            (
                checklist_label(lang, &item),
                f.count(have),
                match share {
                    Some(s) if !f.hidden(have) => lang.percent(s),
                    _ => "—".to_owned(),
                },
            )
        })
        .collect();

    let progress: Vec<&IndicatorRow> = indicators
        .iter()
        .filter(|r| r.progress().is_some())
        .collect();
    let progress_chart = (!progress.is_empty()).then(|| {
        HBarChart::progress(
            "chart-targets",
            lang.t("chart-targets-title"),
            lang.t("chart-targets-desc"),
            (lang.t("label-indicator"), lang.t("label-progress")),
            progress
                .iter()
                .map(|r| {
                    let p = r.progress().unwrap_or(0.0);
                    (
                        lang.t(&format!("indicator-{}", r.indicator.code)),
                        p,
                        format!(
                            "{} / {}",
                            r.value
                                .map(|v| f.number(&r.indicator, v.0))
                                .unwrap_or_default(),
                            r.target
                                .map(|t| f.number(&r.indicator, t.0))
                                .unwrap_or_default()
                        ),
                    )
                })
                .collect(),
        )
    });
    let indicators = indicators
        .iter()
        .map(|r| IndicatorView {
            code: r.indicator.code.clone(),
            name: lang.t(&format!("indicator-{}", r.indicator.code)),
            value: r
                .value
                .map(|v| f.number(&r.indicator, v.0))
                .unwrap_or_else(|| "—".into()),
            value_period: r.value.map(|v| v.1.label(lang)).unwrap_or_default(),
            rolled_up: r.rolled_up,
            target: r
                .target
                .map(|t| f.number(&r.indicator, t.0))
                .unwrap_or_else(|| "—".into()),
            progress: r
                .progress()
                .map(|p| lang.percent(p))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();

    let table = table_view(&f, table, &link, exact);
    let period_options = period_options(lang, &period, &years);
    Ok(DashboardView {
        period_label: period.label(lang),
        range_label: period.range_label(lang),
        lineage,
        unit,
        period,
        exact,
        demo,
        as_of: if last > 0 {
            lang.datetime(last)
        } else {
            "—".into()
        },
        pending,
        headline,
        children_label,
        children_chart,
        table,
        trend_lessons,
        trend_active,
        breakdowns,
        kinds,
        checklist,
        indicators,
        progress_chart,
        period_options,
        base,
    })
}

/// Which cells of a units-in-rows table are hidden: each column is a breakdown of the unit's total into
/// its children and the people attached to the unit itself.
pub struct TableHidden {
    pub rows: Vec<Vec<bool>>,
    pub direct: Vec<bool>,
    pub total: Vec<bool>,
}

pub(crate) fn protect_table(t: &UnitTable) -> TableHidden {
    let cols = t.total.values.len();
    let mut out = TableHidden {
        rows: vec![vec![false; cols]; t.rows.len()],
        direct: vec![false; cols],
        total: vec![false; cols],
    };
    for c in 0..cols {
        let mut parts: Vec<i64> = t.rows.iter().map(|r| r.values[c]).collect();
        if let Some(d) = &t.direct {
            parts.push(d.values[c]);
        }
        let p = model::protect(t.total.values[c], &parts);
        out.total[c] = p.total;
        for (i, h) in p.parts.into_iter().enumerate() {
            match out.rows.get_mut(i) {
                Some(row) => row[c] = h,
                None => out.direct[c] = h,
            }
        }
    }
    out
}

fn table_view(f: &Fmt, t: &UnitTable, link: &impl Fn(&str) -> String, exact: bool) -> TableView {
    let hidden = protect_table(t);
    let fmt = |vals: &[i64], h: &[bool]| {
        vals.iter()
            .zip(h)
            .map(|(v, h)| f.cell(*v, *h))
            .collect::<Vec<_>>()
    };
    TableView {
        headings: REPORT_COLUMNS
            .iter()
            .map(|c| f.lang.t(&format!("measure-{c}")))
            .collect(),
        rows: t
            .rows
            .iter()
            .zip(&hidden.rows)
            .map(|(r, h)| {
                let href = (r.level < LEVEL_VILLAGE || exact).then(|| link(&r.code));
                (r.name.clone(), href, fmt(&r.values, h))
            })
            .collect(),
        direct: t.direct.as_ref().map(|d| fmt(&d.values, &hidden.direct)),
        total: fmt(&t.total.values, &hidden.total),
    }
}

/// Years with data, the current one and the two before it, and the quarters and months of the selected
/// year, each by its name: what a period picker offers.
pub(crate) fn period_options(lang: Lang, selected: &Period, years: &[String]) -> Vec<PeriodOption> {
    let now_year = Period::current_year(crate::db::now()).year();
    let mut ys: Vec<i32> = years.iter().filter_map(|y| y.parse().ok()).collect();
    ys.extend([now_year, now_year - 1, now_year - 2]);
    ys.push(selected.year());
    ys.sort_unstable_by(|a, b| b.cmp(a));
    ys.dedup();
    let y = selected.year();
    let mut periods: Vec<Period> = ys.into_iter().map(Period::Year).collect();
    let at = periods
        .iter()
        .position(|p| *p == Period::Year(y))
        .map_or(0, |i| i + 1);
    let finer: Vec<Period> = (1..=4)
        .map(|q| Period::Quarter(y, q))
        .chain((1..=12).map(|m| Period::Month(y, m)))
        .collect();
    periods.splice(at..at, finer);
    if let Period::Day(_) = selected {
        periods.insert(0, *selected);
    }
    periods
        .into_iter()
        .map(|p| PeriodOption {
            key: p.key(),
            label: p.label(lang),
            selected: p == *selected,
        })
        .collect()
}
