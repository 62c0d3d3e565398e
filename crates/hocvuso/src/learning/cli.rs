//! `hocvuso content check` and `hocvuso content import`.
use std::path::Path;

use super::import::{ImportError, ImportReport, import_source};
use crate::content_source::ContentSource;
use crate::db::Db;

/// Validate the content in force (courses, lessons, FAQ: the built-in ones with `dir` over them, as
/// `serve` would load them). `Ok(summary)` when clean; `Err(report)` lists every problem as
/// `path:line: reason`, one per line.
pub fn check(dir: &Path) -> Result<String, String> {
    let source = ContentSource::new(dir);
    match source.library() {
        Ok(lib) => {
            let lessons: usize = lib.courses.iter().map(|c| c.lessons.len()).sum();
            let questions: usize = lib
                .courses
                .iter()
                .flat_map(|c| &c.lessons)
                .map(|l| l.quiz.len())
                .sum();
            Ok(format!(
                "content OK: {} courses, {} lessons, {} quiz questions, {} FAQ entries ({})",
                lib.courses.len(),
                lessons,
                questions,
                lib.faq.len(),
                source.describe()
            ))
        }
        Err(errors) => {
            let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
            out.push(format!("{} problem(s); nothing was loaded", errors.len()));
            Err(out.join("\n"))
        }
    }
}

/// Check, then load the content in force into the database.
pub async fn import(db: &Db, dir: &Path) -> Result<ImportReport, String> {
    import_source(db, &ContentSource::new(dir))
        .await
        .map_err(|e| match e {
            ImportError::Content(errors) => {
                let mut out: Vec<String> = errors.iter().map(ToString::to_string).collect();
                out.push(format!("{} problem(s); nothing was imported", errors.len()));
                out.join("\n")
            }
            ImportError::Db(e) => format!("database: {e}"),
        })
}
