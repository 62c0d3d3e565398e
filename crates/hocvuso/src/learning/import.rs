//! Content files → database. Courses are matched by slug and lessons by (course, slug), and updated in
//! place, so ids (and with them progress and certificates) never change; what left the files is
//! unpublished, never deleted. A start with unchanged files writes nothing (the files' hash is kept).
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use content::{ContentError, Library};
use sha2::{Digest, Sha256};

use super::model::search_key;
use super::store;
use crate::content_source::ContentSource;
use crate::db::{Db, DbError, DbResult, Tx, now};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub courses: usize,
    pub lessons: usize,
    pub courses_added: usize,
    pub lessons_added: usize,
    pub unpublished_courses: usize,
    pub unpublished_lessons: usize,
    /// Course slugs in the files that a province already uses for a local course (left alone).
    pub skipped_local: Vec<String>,
    /// The files had not changed since the last import.
    pub unchanged: bool,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unchanged {
            return write!(
                f,
                "content unchanged: {} courses, {} lessons",
                self.courses, self.lessons
            );
        }
        write!(
            f,
            "imported {} courses ({} new), {} lessons ({} new); unpublished {} courses and {} lessons no longer in the files",
            self.courses,
            self.courses_added,
            self.lessons,
            self.lessons_added,
            self.unpublished_courses,
            self.unpublished_lessons
        )?;
        for slug in &self.skipped_local {
            write!(
                f,
                "\nskipped `{slug}`: a local course already uses this slug"
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Content(Vec<ContentError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Check and load one content folder alone (no built-in content); nothing is written when any file
/// is bad.
pub async fn import_dir(db: &Db, dir: &Path) -> Result<ImportReport, ImportError> {
    let library = content::load_dir(dir).map_err(ImportError::Content)?;
    Ok(import_library(db, &library).await?)
}

/// Check and load the content in force (built-in, the folder over it); nothing is written when any
/// file is bad.
pub(crate) async fn import_source(
    db: &Db,
    content: &ContentSource,
) -> Result<ImportReport, ImportError> {
    let library = content.library().map_err(ImportError::Content)?;
    Ok(import_library(db, &library).await?)
}

fn library_hash(library: &Library) -> String {
    let json = serde_json::to_vec(&library.courses).unwrap_or_default();
    // The render rules are part of what is stored; bump when they change.
    let mut h = Sha256::new();
    h.update(b"learning-import-v1\n");
    h.update(&json);
    hex::encode(h.finalize())
}

pub async fn import_library(db: &Db, library: &Library) -> DbResult<ImportReport> {
    let hash = library_hash(library);
    let lessons: usize = library.courses.iter().map(|c| c.lessons.len()).sum();
    let mut report = ImportReport {
        courses: library.courses.len(),
        lessons,
        ..Default::default()
    };
    let last = store::last_import_hash(db).await?;
    if last.as_deref() == Some(hash.as_str()) {
        report.unchanged = true;
        return Ok(report);
    }
    let mut tx = db.begin().await?;
    let at = now();
    let existing = store::course_sources(&mut tx).await?;
    let existing: HashMap<String, String> = existing.into_iter().collect();
    let mut seen_courses = HashSet::new();
    for course in &library.courses {
        if existing.get(&course.slug).is_some_and(|s| s == "local") {
            report.skipped_local.push(course.slug.clone());
            continue;
        }
        if !existing.contains_key(&course.slug) {
            report.courses_added += 1;
        }
        seen_courses.insert(course.slug.clone());
        let key = search_key(
            [course.title.as_str(), course.summary.as_str()]
                .into_iter()
                .chain(course.lessons.iter().map(|l| l.title.as_str())),
        );
        let audiences = format!(
            " {} ",
            course
                .audiences
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let course_id = store::upsert_file_course(&mut tx, course, &audiences, &key, at).await?;
        import_lessons(&mut tx, &course_id, course, at, &mut report).await?;
    }
    for (slug, source) in &existing {
        if source == "file" && !seen_courses.contains(slug) {
            report.unpublished_courses +=
                store::unpublish_course(&mut tx, slug, at).await? as usize;
        }
    }
    super::cache::bump_version(&mut tx).await?;
    store::record_import(&mut tx, &hash, at).await?;
    tx.commit().await?;
    Ok(report)
}

async fn import_lessons(
    tx: &mut Tx,
    course_id: &str,
    course: &content::Course,
    at: i64,
    report: &mut ImportReport,
) -> DbResult<()> {
    let existing: HashSet<String> = store::lesson_slugs(tx, course_id)
        .await?
        .into_iter()
        .collect();
    let mut seen = Vec::new();
    for (i, lesson) in course.lessons.iter().enumerate() {
        if !existing.contains(&lesson.slug) {
            report.lessons_added += 1;
        }
        seen.push(lesson.slug.clone());
        store::upsert_file_lesson(tx, course_id, lesson, i as i64 + 1, at).await?;
    }
    for slug in existing.iter().filter(|s| !seen.contains(s)) {
        report.unpublished_lessons +=
            store::unpublish_lesson(tx, course_id, slug, at).await? as usize;
    }
    Ok(())
}

/// On start: import when the folder is clean; otherwise log the problems and keep serving what the
/// database has (a typo in a lesson must not take the province offline).
pub(crate) async fn import_on_start(db: &Db, content: &ContentSource) -> DbResult<()> {
    match import_source(db, content).await {
        Ok(report) => {
            tracing::info!(%report, "courses loaded");
            Ok(())
        }
        Err(ImportError::Content(errors)) => {
            for e in &errors {
                tracing::error!(problem = %e, "content file rejected; courses not updated");
            }
            Ok(())
        }
        Err(ImportError::Db(e)) => Err(e),
    }
}
