//! `hocvuso export open-data DIR`: the province's whole aggregate dataset for the shared database, as a
//! Frictionless Data Package: `datapackage.json` (the schema of every file), and each table as CSV
//! (UTF-8 with BOM) and JSON. Small counts are suppressed exactly as on the public pages.
use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::model::{self, SUPPRESS_BELOW};
use super::store::{self, ExportRow};
use crate::AppState;
use crate::stats::cube::DIM_ALL;
use crate::web::text::spreadsheet_text;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing {0}: {1}")]
    Io(String, std::io::Error),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

#[derive(Debug, Default)]
pub struct ExportSummary {
    pub units: usize,
    pub stats_rows: usize,
    pub indicator_rows: usize,
}

impl std::fmt::Display for ExportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "open data: {} units, {} aggregate rows, {} indicator values",
            self.units, self.stats_rows, self.indicator_rows
        )
    }
}

/// Writes CSV and JSON side by side, one record at a time (the dataset can have millions of rows).
struct Table {
    csv: csv::Writer<std::io::BufWriter<std::fs::File>>,
    /// Per column: text (defused with [`spreadsheet_text`] in the CSV) or a number/boolean (as is).
    text: Vec<bool>,
    json: std::io::BufWriter<std::fs::File>,
    first: bool,
    name: String,
}

impl Table {
    /// `numbers`: the columns holding numbers or booleans; every other column is text.
    fn create(
        dir: &Path,
        name: &str,
        header: &[&str],
        numbers: &[&str],
    ) -> Result<Table, ExportError> {
        let io = |e| ExportError::Io(name.to_owned(), e);
        let mut csv_file = std::io::BufWriter::new(
            std::fs::File::create(dir.join(format!("{name}.csv"))).map_err(io)?,
        );
        csv_file.write_all(super::export::BOM).map_err(io)?;
        let mut csv = csv::Writer::from_writer(csv_file);
        csv.write_record(header)?;
        let mut json = std::io::BufWriter::new(
            std::fs::File::create(dir.join(format!("{name}.json"))).map_err(io)?,
        );
        json.write_all(b"[\n").map_err(io)?;
        Ok(Table {
            csv,
            text: header.iter().map(|h| !numbers.contains(h)).collect(),
            json,
            first: true,
            name: name.to_owned(),
        })
    }

    fn row(&mut self, csv_row: &[String], obj: serde_json::Value) -> Result<(), ExportError> {
        for (cell, &text) in csv_row.iter().zip(&self.text) {
            if text {
                self.csv.write_field(spreadsheet_text(cell).as_bytes())?;
            } else {
                self.csv.write_field(cell)?;
            }
        }
        // An empty record ends the one the fields above began.
        self.csv.write_record(None::<&[u8]>)?;
        let io = |e| ExportError::Io(self.name.clone(), e);
        if !self.first {
            self.json.write_all(b",\n").map_err(io)?;
        }
        self.first = false;
        serde_json::to_writer(&mut self.json, &obj)
            .map_err(|e| ExportError::Io(self.name.clone(), e.into()))?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.csv
            .flush()
            .map_err(|e| ExportError::Io(self.name.clone(), e))?;
        self.json
            .write_all(b"\n]\n")
            .and_then(|_| self.json.flush())
            .map_err(|e| ExportError::Io(self.name.clone(), e))
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub async fn export(state: &AppState, dir: &Path) -> Result<ExportSummary, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Io(dir.display().to_string(), e))?;
    let db = &state.db;
    let province = &state.province;
    let mut summary = ExportSummary::default();

    let units = crate::units::store::subtree(db, &province.path).await?;
    let mut t = Table::create(
        dir,
        "units",
        &["code", "name", "division_type", "level", "parent_code"],
        &["level"],
    )?;
    for u in &units {
        t.row(
            &[
                u.code.clone(),
                u.name.clone(),
                u.division_type.clone(),
                u.level.to_string(),
                u.parent_code.clone().unwrap_or_default(),
            ],
            json!({"code": u.code, "name": u.name, "division_type": u.division_type, "level": u.level, "parent_code": u.parent_code}),
        )?;
    }
    t.finish()?;
    summary.units = units.len();

    let mut t = Table::create(
        dir,
        "stats",
        &[
            "unit_code",
            "grain",
            "period",
            "metric",
            "dimension",
            "category",
            "events",
            "value",
            "suppressed",
        ],
        &["events", "value", "suppressed"],
    )?;
    let codes: std::collections::HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let mut after: Option<ExportRow> = None;
    // Rows of one (unit, period, metric) are protected together: the breakdowns add up to the total.
    let mut group: Vec<ExportRow> = Vec::new();
    loop {
        let page = store::export_page(db, after.as_ref(), 20_000).await?;
        let Some(last) = page.last().cloned() else {
            break;
        };
        for r in page {
            // Only units of this province (the database could hold others).
            if !codes.contains(r.unit_code.as_str()) {
                continue;
            }
            if group.first().is_some_and(|g| !same_group(g, &r)) {
                write_group(&mut t, std::mem::take(&mut group))?;
            }
            group.push(r);
            summary.stats_rows += 1;
        }
        after = Some(last);
    }
    write_group(&mut t, group)?;
    t.finish()?;

    let mut t = Table::create(
        dir,
        "indicators",
        &[
            "indicator",
            "measure",
            "unit_code",
            "period",
            "value",
            "target",
        ],
        &["value", "target"],
    )?;
    let defs = store::indicators(db).await?;
    for u in &units {
        let values = store::indicator_values(db, &u.code, false).await?;
        let targets = store::indicator_values(db, &u.code, true).await?;
        let mut keys: Vec<(String, String)> = values
            .iter()
            .chain(targets.iter())
            .map(|v| (v.indicator_code.clone(), v.period.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        for (code, period) in keys {
            let measure = defs
                .iter()
                .find(|d| d.code == code)
                .map(|d| d.measure.clone())
                .unwrap_or_default();
            let find = |rows: &[store::IndicatorValue]| {
                rows.iter()
                    .find(|v| v.indicator_code == code && v.period == period)
                    .map(|v| v.value)
            };
            let (value, target) = (find(&values), find(&targets));
            let f = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            t.row(
                &[
                    code.clone(),
                    measure.clone(),
                    u.code.clone(),
                    period.clone(),
                    f(value),
                    f(target),
                ],
                json!({"indicator": code, "measure": measure, "unit_code": u.code, "period": period,
                       "value": value, "target": target}),
            )?;
            summary.indicator_rows += 1;
        }
    }
    t.finish()?;

    let package = datapackage(&province.name, province.code.as_str());
    std::fs::write(
        dir.join("datapackage.json"),
        serde_json::to_vec_pretty(&package).unwrap_or_default(),
    )
    .map_err(|e| ExportError::Io("datapackage.json".into(), e))?;
    Ok(summary)
}

/// The Frictionless Data Package descriptor: every resource, in CSV and JSON, with its schema.
fn datapackage(province: &str, code: &str) -> serde_json::Value {
    let field =
        |name: &str, ty: &str, desc: &str| json!({"name": name, "type": ty, "description": desc});
    let units_schema = json!({"fields": [
        field("code", "string", "Official code (province, commune) or <commune>-NNN for a village"),
        field("name", "string", "Name"),
        field("division_type", "string", "tỉnh, xã, phường, đặc khu, thôn, bản, tổ dân phố…"),
        field("level", "integer", "1 province, 2 commune, 3 village"),
        field("parent_code", "string", "Code of the unit above"),
    ], "primaryKey": ["code"]});
    let metrics: Vec<&str> = model::MEASURES
        .iter()
        .map(|m| m.metric)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .chain([crate::stats::cube::ACTIVE])
        .collect();
    let stats_schema = json!({"fields": [
        field("unit_code", "string", "The unit; figures include every unit below it"),
        field("grain", "string", "month, quarter or year"),
        field("period", "string", "YYYY-MM, YYYY-Qn or YYYY, in Vietnam time (UTC+7)"),
        json!({"name": "metric", "type": "string", "description": "What is counted (person_active = people with any learning activity, counted once per period)", "constraints": {"enum": metrics}}),
        json!({"name": "dimension", "type": "string", "description": "all, tg (target group), sex, age (age band), eth (ethnic minority), kind", "constraints": {"enum": ["all", "tg", "sex", "age", "eth", "kind"]}}),
        field("category", "string", "Category within the dimension; empty for all"),
        field("events", "integer", "Number of events (empty when suppressed)"),
        field("value", "integer", "Sum of the events' values (empty when suppressed)"),
        field("suppressed", "boolean", &format!("True when a count from 1 to {} was hidden to protect people", SUPPRESS_BELOW - 1)),
    ], "primaryKey": ["unit_code", "grain", "period", "metric", "dimension", "category"]});
    let indicator_schema = json!({"fields": [
        field("indicator", "string", "Indicator code"),
        field("measure", "string", "percent or count"),
        field("unit_code", "string", "The unit"),
        field("period", "string", "YYYY, YYYY-Qn or YYYY-MM"),
        field("value", "number", "Entered value"),
        field("target", "number", "Target for the period"),
    ]});
    let resource = |name: &str, format: &str, schema: &serde_json::Value| {
        let mut r = json!({
            "name": format!("{name}-{format}"),
            "path": format!("{name}.{format}"),
            "format": format,
            "mediatype": if format == "csv" { "text/csv" } else { "application/json" },
            "schema": schema,
        });
        if format == "csv" {
            r["encoding"] = json!("utf-8-sig");
        }
        r
    };
    let mut resources = Vec::new();
    for (name, schema) in [
        ("units", &units_schema),
        ("stats", &stats_schema),
        ("indicators", &indicator_schema),
    ] {
        resources.push(resource(name, "csv", schema));
        resources.push(resource(name, "json", schema));
    }
    json!({
        "profile": "data-package",
        "name": format!("hocvuso-{code}"),
        "title": format!("Học vụ số — {province}: số liệu tổng hợp"),
        "description": "Aggregates of the Bình dân học vụ số movement by unit × period × metric × dimension, and the province's digital-transformation indicators. Counts from 1 to 4 are suppressed.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "created": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "resources": resources,
    })
}

fn same_group(a: &ExportRow, b: &ExportRow) -> bool {
    a.unit_code == b.unit_code && a.grain == b.grain && a.period == b.period && a.metric == b.metric
}

/// Which rows of one group to hide: small counts and their complements, for the event counts and the
/// values alike (each breakdown adds up to the group's "all" row).
fn hidden_rows(group: &[ExportRow]) -> Vec<bool> {
    let total = group.iter().find(|r| r.dim == DIM_ALL);
    let mut hidden: Vec<bool> = group
        .iter()
        .map(|r| model::suppressed(r.n) || model::suppressed(r.total.abs()))
        .collect();
    let mut total_hidden = false;
    let dims: std::collections::BTreeSet<&str> = group
        .iter()
        .map(|r| r.dim.as_str())
        .filter(|d| *d != DIM_ALL)
        .collect();
    for dim in dims {
        let idx: Vec<usize> = (0..group.len()).filter(|&i| group[i].dim == dim).collect();
        for pick in [|r: &ExportRow| r.n, |r: &ExportRow| r.total.abs()] {
            let parts: Vec<i64> = idx.iter().map(|&i| pick(&group[i])).collect();
            let p = model::protect(total.map_or(0, pick), &parts);
            total_hidden |= p.total;
            for (k, h) in p.parts.into_iter().enumerate() {
                hidden[idx[k]] |= h;
            }
        }
    }
    for (i, r) in group.iter().enumerate() {
        if r.dim == DIM_ALL {
            hidden[i] |= total_hidden;
        }
    }
    hidden
}

fn write_group(t: &mut Table, group: Vec<ExportRow>) -> Result<(), ExportError> {
    let hidden = hidden_rows(&group);
    for (r, hidden) in group.into_iter().zip(hidden) {
        let (events, value) = if hidden {
            (None, None)
        } else {
            (Some(r.n), Some(r.total))
        };
        let grain = match r.grain.as_str() {
            "m" => "month",
            "q" => "quarter",
            _ => "year",
        };
        t.row(
            &[
                r.unit_code.clone(),
                grain.to_owned(),
                r.period.clone(),
                r.metric.clone(),
                r.dim.clone(),
                r.dim_value.clone(),
                opt(events),
                opt(value),
                hidden.to_string(),
            ],
            json!({"unit_code": r.unit_code, "grain": grain, "period": r.period, "metric": r.metric,
                   "dimension": r.dim, "category": r.dim_value, "events": events, "value": value,
                   "suppressed": hidden}),
        )?;
    }
    Ok(())
}
