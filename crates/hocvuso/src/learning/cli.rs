//! `hocvuso content check` and `hocvuso content import`.
use std::path::Path;

use super::import::{ImportError, ImportReport, import_dir};
use crate::db::Db;

/// Validate the content folder (courses, lessons, FAQ). `Ok(summary)` when clean; `Err(report)` lists
/// every problem as `path:line: reason`, one per line.
pub fn check(dir: &Path) -> Result<String, String> {
    match content::load_dir(dir) {
        Ok(lib) => {
            let lessons: usize = lib.courses.iter().map(|c| c.lessons.len()).sum();
            let questions: usize = lib
                .courses
                .iter()
                .flat_map(|c| &c.lessons)
                .map(|l| l.quiz.len())
                .sum();
            Ok(format!(
                "content OK: {} courses, {} lessons, {} quiz questions, {} FAQ entries",
                lib.courses.len(),
                lessons,
                questions,
                lib.faq.len()
            ))
        }
        Err(errors) => {
            let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
            out.push(format!("{} problem(s); nothing was loaded", errors.len()));
            Err(out.join("\n"))
        }
    }
}

/// Check, then load into the database.
pub async fn import(db: &Db, dir: &Path) -> Result<ImportReport, String> {
    import_dir(db, dir).await.map_err(|e| match e {
        ImportError::Content(errors) => {
            let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
            out.push(format!("{} problem(s); nothing was imported", errors.len()));
            out.join("\n")
        }
        ImportError::Db(e) => format!("database: {e}"),
    })
}
