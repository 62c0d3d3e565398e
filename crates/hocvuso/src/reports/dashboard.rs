//! The figures of one unit and period, assembled from aggregates: what the dashboards, the exports and
//! the API all show (so they agree).
use std::collections::HashMap;

use super::model::{self, Field, Indicator, MEASURES, Measure, REPORT_COLUMNS};
use super::store::{self, CellRow, UnitCellRow};
use crate::db::{Db, DbResult};
use crate::stats::cube::{DIM_ALL, DIM_KIND};
use crate::stats::period::Period;
use crate::units::model::Unit;

type CellMap = HashMap<(String, String, String), (i64, i64)>;

/// A unit's cells in a period, plus running totals.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    cells: CellMap,
    cumulative: CellMap,
}

fn to_map(rows: Vec<CellRow>) -> CellMap {
    rows.into_iter()
        .map(|r| ((r.metric, r.dim, r.dim_value), (r.n, r.total)))
        .collect()
}

impl Figures {
    pub async fn load(db: &Db, unit: &str, period: &Period) -> DbResult<Figures> {
        Ok(Figures {
            cells: to_map(store::cells(db, unit, period).await?),
            cumulative: to_map(store::cumulative_cells(db, unit, period).await?),
        })
    }

    pub(crate) fn get(&self, m: &Measure, dim: &str, value: &str) -> i64 {
        let map = if m.cumulative {
            &self.cumulative
        } else {
            &self.cells
        };
        map.get(&(m.metric.to_owned(), dim.to_owned(), value.to_owned()))
            .map(|(n, t)| match m.field {
                Field::Events => *n,
                Field::Sum => *t,
            })
            .unwrap_or(0)
    }

    /// A measure's total (no breakdown); 0 for unknown codes.
    pub fn total(&self, code: &str) -> i64 {
        model::measure(code).map_or(0, |m| self.get(m, DIM_ALL, ""))
    }

    /// Values of a breakdown present in the data (kinds are open-ended), sorted.
    pub(crate) fn dim_values(&self, metric: &str, dim: &str, cumulative: bool) -> Vec<String> {
        let map = if cumulative {
            &self.cumulative
        } else {
            &self.cells
        };
        let mut v: Vec<String> = map
            .keys()
            .filter(|(m, d, _)| m == metric && d == dim)
            .map(|(_, _, v)| v.clone())
            .collect();
        v.sort();
        v
    }

    /// Share of households with each checklist item at the end of the period: (item, households, %).
    pub(crate) fn checklist(&self) -> Vec<(String, i64, Option<f64>)> {
        let households = self.total("households");
        self.dim_values(model::CHECKLIST_METRIC, DIM_KIND, true)
            .into_iter()
            .map(|item| {
                let have = self
                    .cumulative
                    .get(&(
                        model::CHECKLIST_METRIC.to_owned(),
                        DIM_KIND.to_owned(),
                        item.clone(),
                    ))
                    .map_or(0, |c| c.1);
                (item, have, model::share(have, households))
            })
            .collect()
    }

    /// The cells hidden on public pages: small counts and the complementary cells that would give them
    /// away, per measure and breakdown (the breakdown's categories add up to the measure's total).
    /// Cells are `(measure code, dimension, category)`; a hidden total is `(code, "all", "")`.
    pub(crate) fn protected(&self) -> Hidden {
        let mut by_breakdown: HashMap<(&'static str, String), Vec<(String, i64)>> = HashMap::new();
        let mut totals: HashMap<&'static str, i64> = HashMap::new();
        for (code, dim, cat, v) in self.flat() {
            if dim == DIM_ALL {
                totals.insert(code, v);
            } else {
                by_breakdown.entry((code, dim)).or_default().push((cat, v));
            }
        }
        let mut hidden = Hidden::default();
        for (code, total) in &totals {
            if model::suppressed(*total) {
                hidden
                    .cells
                    .insert(((*code).to_owned(), DIM_ALL.to_owned(), String::new()));
            }
        }
        for ((code, dim), cells) in by_breakdown {
            let total = totals.get(code).copied().unwrap_or(0);
            let values: Vec<i64> = cells.iter().map(|c| c.1).collect();
            let p = model::protect(total, &values);
            if p.total {
                hidden
                    .cells
                    .insert((code.to_owned(), DIM_ALL.to_owned(), String::new()));
            }
            for ((cat, _), h) in cells.into_iter().zip(p.parts) {
                if h {
                    hidden.cells.insert((code.to_owned(), dim.clone(), cat));
                }
            }
        }
        hidden
    }

    /// Every (measure, dimension, category, value) with a value, for the API and open data.
    pub(crate) fn flat(&self) -> Vec<(&'static str, String, String, i64)> {
        let mut out = Vec::new();
        for m in MEASURES {
            let map = if m.cumulative {
                &self.cumulative
            } else {
                &self.cells
            };
            let mut keys: Vec<&(String, String, String)> =
                map.keys().filter(|k| k.0 == m.metric).collect();
            keys.sort();
            if keys.is_empty() {
                out.push((m.code, DIM_ALL.to_owned(), String::new(), 0));
            }
            for k in keys {
                out.push((m.code, k.1.clone(), k.2.clone(), self.get(m, &k.1, &k.2)));
            }
        }
        out
    }
}

/// Cells to hide from the public (see [`Figures::protected`]).
#[derive(Debug, Default, Clone)]
pub struct Hidden {
    cells: std::collections::HashSet<(String, String, String)>,
}

impl Hidden {
    pub(crate) fn is_hidden(&self, code: &str, dim: &str, cat: &str) -> bool {
        self.cells
            .contains(&(code.to_owned(), dim.to_owned(), cat.to_owned()))
    }

    pub(crate) fn total_hidden(&self, code: &str) -> bool {
        self.is_hidden(code, DIM_ALL, "")
    }
}

/// One row of a units-in-rows table: the values of [`REPORT_COLUMNS`].
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub values: Vec<i64>,
}

impl UnitRow {
    pub(crate) fn value(&self, code: &str) -> i64 {
        REPORT_COLUMNS
            .iter()
            .position(|c| *c == code)
            .and_then(|i| self.values.get(i).copied())
            .unwrap_or(0)
    }
}

/// The children of `unit` in rows, a row for what happened directly at `unit` (not in any child) when
/// there is any, and the unit's own totals: rows always add up to the total.
pub struct UnitTable {
    pub rows: Vec<UnitRow>,
    pub direct: Option<UnitRow>,
    pub total: UnitRow,
}

fn column_values(cells: &[&UnitCellRow], cumulative: &[&UnitCellRow]) -> Vec<i64> {
    REPORT_COLUMNS
        .iter()
        .filter_map(|c| model::measure(c))
        .map(|m| {
            let src = if m.cumulative { cumulative } else { cells };
            src.iter()
                .filter(|r| r.metric == m.metric)
                .map(|r| match m.field {
                    Field::Events => r.n,
                    Field::Sum => r.total,
                })
                .sum()
        })
        .collect()
}

pub(crate) async fn unit_table(
    db: &Db,
    unit: &Unit,
    children: &[Unit],
    figures: &Figures,
    period: &Period,
) -> DbResult<UnitTable> {
    let cells = store::children_cells(db, &unit.code, period).await?;
    let cumulative = store::children_cumulative(db, &unit.code, period).await?;
    let rows: Vec<UnitRow> = children
        .iter()
        .map(|c| {
            let mine: Vec<&UnitCellRow> = cells.iter().filter(|r| r.unit_code == c.code).collect();
            let mine_cum: Vec<&UnitCellRow> = cumulative
                .iter()
                .filter(|r| r.unit_code == c.code)
                .collect();
            UnitRow {
                code: c.code.clone(),
                name: c.name.clone(),
                level: c.level,
                values: column_values(&mine, &mine_cum),
            }
        })
        .collect();
    let total = UnitRow {
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: unit.level,
        values: REPORT_COLUMNS.iter().map(|c| figures.total(c)).collect(),
    };
    let direct_values: Vec<i64> = (0..REPORT_COLUMNS.len())
        .map(|i| total.values[i] - rows.iter().map(|r| r.values[i]).sum::<i64>())
        .collect();
    let direct = direct_values.iter().any(|v| *v != 0).then(|| UnitRow {
        code: unit.code.clone(),
        name: String::new(),
        level: unit.level,
        values: direct_values,
    });
    Ok(UnitTable {
        rows,
        direct,
        total,
    })
}

/// Monthly values of a few measures over the period's year.
pub(crate) async fn monthly(
    db: &Db,
    unit: &str,
    period: &Period,
    codes: &[&str],
) -> DbResult<Vec<(Period, Vec<i64>)>> {
    let rows = store::monthly(db, unit, period).await?;
    Ok(period
        .months_of_year()
        .into_iter()
        .map(|p| {
            let key = p.key();
            let values = codes
                .iter()
                .filter_map(|c| model::measure(c))
                .map(|m| {
                    rows.iter()
                        .filter(|r| r.period == key && r.metric == m.metric)
                        .map(|r| match m.field {
                            Field::Events => r.n,
                            Field::Sum => r.total,
                        })
                        .sum()
                })
                .collect();
            (p, values)
        })
        .collect())
}

/// An indicator as a dashboard shows it for a unit and period.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    /// The value and the period it was entered for (the latest up to the end of the period).
    pub value: Option<(f64, Period)>,
    /// Computed from the child units' values (by the indicator's aggregation rule), not entered.
    pub rolled_up: bool,
    pub target: Option<(f64, Period)>,
}

impl IndicatorRow {
    /// Value as a share of the target, in percent.
    pub(crate) fn progress(&self) -> Option<f64> {
        match (self.value, self.target) {
            (Some((v, _)), Some((t, _))) if t > 0.0 => Some(v * 100.0 / t),
            _ => None,
        }
    }
}

pub(crate) async fn indicators(
    db: &Db,
    unit: &Unit,
    period: &Period,
) -> DbResult<Vec<IndicatorRow>> {
    let defs = store::indicators(db).await?;
    let values = store::indicator_values(db, &unit.code, false).await?;
    let targets = store::indicator_values(db, &unit.code, true).await?;
    let children = store::children_indicator_values(db, &unit.code, &period.key()).await?;
    let end = period.last_day();
    let latest = |rows: &[store::IndicatorValue], code: &str| -> Option<(f64, Period)> {
        rows.iter()
            .filter(|v| v.indicator_code == code)
            .filter_map(|v| Period::parse(&v.period).map(|p| (v.value, p)))
            .filter(|(_, p)| p.last_day() <= end)
            .max_by_key(|(_, p)| (p.last_day(), std::cmp::Reverse(p.first_day())))
    };
    Ok(defs
        .into_iter()
        .map(|ind| {
            let exact = values
                .iter()
                .find(|v| v.indicator_code == ind.code && v.period == period.key());
            let kids: Vec<f64> = children
                .iter()
                .filter(|v| v.indicator_code == ind.code)
                .map(|v| v.value)
                .collect();
            let (value, rolled_up) = match exact {
                Some(v) => (Some((v.value, *period)), false),
                None if !kids.is_empty() && ind.aggregation != "none" => {
                    let sum: f64 = kids.iter().sum();
                    let v = if ind.aggregation == "average" {
                        sum / kids.len() as f64
                    } else {
                        sum
                    };
                    (Some((v, *period)), true)
                }
                None => (latest(&values, &ind.code), false),
            };
            let target = targets
                .iter()
                .filter(|t| t.indicator_code == ind.code)
                .filter_map(|t| Period::parse(&t.period).map(|p| (t.value, p)))
                .filter(|(_, p)| *p == *period || *p == Period::Year(period.year()))
                .min_by_key(|(_, p)| p.last_day());
            IndicatorRow {
                indicator: ind,
                value,
                rolled_up,
                target,
            }
        })
        .collect())
}
