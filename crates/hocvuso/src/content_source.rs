//! Where courses, FAQ and scam rules come from: the national content compiled into the binary, with the
//! `--content-dir` folder laid over it. The binary alone (copied to a server, `cargo install`ed, started
//! in an empty directory) serves the ten national courses, answers from the FAQ and checks messages; a
//! province adds its own courses and FAQ files, or replaces a national course or rule file, by putting a
//! file of the same name in its folder. Every reader (the course import, the assistant, the scam checker,
//! `content check`) goes through [`ContentSource`], so they always agree on what the content is.
use std::path::{Path, PathBuf};

use content::{ContentError, Files, Library};

// Three folders rather than `content/` whole: the evaluation sets (half the folder) are for the eval
// commands, which read them from a checkout, and need not ship in every binary.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../content/courses/"]
#[prefix = "courses/"]
struct BuiltinCourses;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../content/faq/"]
#[prefix = "faq/"]
struct BuiltinFaq;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../content/scam/"]
#[prefix = "scam/"]
struct BuiltinScam;

/// How built-in files are named in messages (`<built-in>/courses/vneid/course.toml:3: …`).
pub const BUILTIN_ORIGIN: &str = "<built-in>";

/// The built-in content with a folder laid over it (see [`Files::overlay`]: a course folder replaces
/// the national course of that name whole, any other file replaces or adds one file).
#[derive(Debug, Clone)]
pub struct ContentSource {
    dir: PathBuf,
}

impl ContentSource {
    pub fn new(dir: impl Into<PathBuf>) -> ContentSource {
        ContentSource { dir: dir.into() }
    }

    /// The folder laid over the built-in content (it need not exist).
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the folder exists (otherwise the built-in content is used alone).
    pub(crate) fn has_folder(&self) -> bool {
        self.dir.is_dir()
    }

    /// The content compiled into this binary.
    pub(crate) fn builtin() -> Files {
        let mut files = Files::new();
        add::<BuiltinCourses>(&mut files);
        add::<BuiltinFaq>(&mut files);
        add::<BuiltinScam>(&mut files);
        files
    }

    /// The built-in content, then the folder's files over it. A folder that cannot be read is an
    /// error (not a silent fall back to the national content a province meant to replace).
    pub(crate) fn files(&self) -> Result<Files, Vec<ContentError>> {
        let mut files = Self::builtin();
        if self.has_folder() {
            files.overlay(Files::from_dir(&self.dir)?);
        }
        Ok(files)
    }

    /// Courses and FAQ, checked as a whole (a province's FAQ may link a national lesson).
    pub fn library(&self) -> Result<Library, Vec<ContentError>> {
        content::load_files(&self.files()?)
    }

    /// One line for the start-up log and `content check`: what is in force.
    pub(crate) fn describe(&self) -> String {
        if self.has_folder() {
            format!("built-in content with {} over it", self.dir.display())
        } else {
            format!("built-in content ({} not found)", self.dir.display())
        }
    }
}

fn add<E: rust_embed::RustEmbed>(files: &mut Files) {
    for rel in E::iter() {
        // Editors' leftovers (`.DS_Store`, `.swp`) are not content, as when reading a folder.
        if rel.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        if let Some(file) = E::get(&rel) {
            files.insert(
                &rel,
                Path::new(BUILTIN_ORIGIN).join(rel.as_ref()),
                file.data,
            );
        }
    }
}

/// When a process looks again for changed content (files, or edits another app server committed):
/// at most once per period, by whichever request comes first; of the requests that find a look due,
/// exactly one wins it. No scheduler, no messaging.
pub(crate) struct PollClock {
    started: std::time::Instant,
    next_ms: std::sync::atomic::AtomicI64,
    every_ms: i64,
}

impl PollClock {
    pub(crate) fn new(every_ms: i64) -> PollClock {
        PollClock {
            started: std::time::Instant::now(),
            next_ms: std::sync::atomic::AtomicI64::new(every_ms),
            every_ms,
        }
    }

    /// Is a look due now, and is it this caller's?
    pub(crate) fn due(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let now = self.started.elapsed().as_millis() as i64;
        let due = self.next_ms.load(Relaxed);
        now >= due
            && self
                .next_ms
                .compare_exchange(due, now + self.every_ms, Relaxed, Relaxed)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_content_is_the_whole_national_curriculum_and_loads() {
        let lib =
            content::load_files(&ContentSource::builtin()).expect("built-in content is valid");
        assert_eq!(lib.courses.len(), 10);
        assert!(lib.faq.len() > 50, "{} FAQ entries", lib.faq.len());
        let files = ContentSource::builtin();
        assert!(files.get(scamcheck::DOMAINS_FILE).is_some());
        assert!(files.get(scamcheck::SIGNALS_FILE).is_some());
        assert!(
            files.get("eval/assistant.toml").is_none(),
            "eval sets are not shipped"
        );
    }

    #[test]
    fn a_missing_folder_is_the_builtin_content_alone() {
        let src = ContentSource::new("/nonexistent/hocvuso-content");
        assert!(!src.has_folder());
        assert_eq!(src.library().expect("loads").courses.len(), 10);
        assert!(src.describe().contains("not found"));
    }
}
