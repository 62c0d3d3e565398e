//! `hocvuso units import FILE.csv`: villages under their communes. Every row is validated first; one
//! bad row means nothing is written. Re-importing the same file changes nothing.
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use super::model::{LEVEL_COMMUNE, Unit, name_key, valid_code, validate_village};
use super::store;
use crate::db::{Db, DbError};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{} bad row(s), nothing was imported:\n{}", .0.len(), .0.iter().map(|e| format!("  line {}: {}", e.line, e.reason)).collect::<Vec<_>>().join("\n"))]
    BadRows(Vec<RowError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

struct Row {
    commune: String,
    name: String,
    division_type: String,
}

pub async fn import_file(db: &Db, path: &Path) -> Result<ImportReport, ImportError> {
    let data = std::fs::read(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    import_bytes(db, &data, true).await
}

/// Import from CSV bytes with a header row `commune_code,name[,division_type]` (a UTF-8 BOM is fine).
pub async fn import_bytes(
    db: &Db,
    data: &[u8],
    progress: bool,
) -> Result<ImportReport, ImportError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let communes: HashMap<String, Unit> = store::at_level(db, LEVEL_COMMUNE)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let rows = validate(data, &communes)?;
    let bar = if progress && rows.len() > 200 {
        ProgressBar::new(rows.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} villages {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut report = ImportReport::default();
    let mut tx = db.begin().await?;
    for row in &rows {
        let commune = &communes[&row.commune];
        match store::find_child_by_name(&mut tx, &commune.code, &row.name).await? {
            Some(existing)
                if existing.name == row.name && existing.division_type == row.division_type =>
            {
                report.unchanged += 1
            }
            Some(existing) => {
                store::rename(&mut tx, &existing.code, &row.name, &row.division_type).await?;
                report.updated += 1;
            }
            None => {
                store::insert_village(&mut tx, commune, &row.name, &row.division_type).await?;
                report.created += 1;
            }
        }
        bar.inc(1);
    }
    tx.commit().await?;
    bar.finish_and_clear();
    Ok(report)
}

fn validate(data: &[u8], communes: &HashMap<String, Unit>) -> Result<Vec<Row>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let header_error = |reason: &str| {
        ImportError::BadRows(vec![RowError {
            line: 1,
            reason: reason.to_owned(),
        }])
    };
    let headers = reader
        .headers()
        .map_err(|e| header_error(&e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_commune), Some(c_name)) = (col("commune_code"), col("name")) else {
        return Err(header_error(
            "the header must have the columns commune_code and name",
        ));
    };
    let c_type = col("division_type");
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut blank_lines = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            blank_lines.insert(line);
            continue;
        }
        let commune = record.get(c_commune).unwrap_or("").to_owned();
        let name = record.get(c_name).unwrap_or("");
        let dt = c_type.and_then(|c| record.get(c)).unwrap_or("");
        if !valid_code(&commune) || !communes.contains_key(&commune) {
            errors.push(RowError {
                line,
                reason: format!("unknown commune code {commune:?}"),
            });
            continue;
        }
        match validate_village(name, dt) {
            Ok((name, division_type)) => {
                let key = (commune.clone(), name_key(&name));
                if let Some(first) = seen.get(&key) {
                    errors.push(RowError {
                        line,
                        reason: format!("same village as line {first}"),
                    });
                    continue;
                }
                seen.insert(key, line);
                rows.push(Row {
                    commune,
                    name,
                    division_type,
                });
            }
            Err(problems) => {
                let reasons: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, crate::i18n::Lang::En.t(p.reason)))
                    .collect();
                errors.push(RowError {
                    line,
                    reason: reasons.join("; "),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::BadRows(errors))
    }
}
