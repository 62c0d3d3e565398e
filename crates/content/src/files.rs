//! A content folder as files in memory, so the loader reads the same way from a folder on disk, from
//! copies compiled into the binary, or from both at once (a province's folder laid over the national
//! content). Only what the platform loads is kept: `courses/<course>/<file>`, `faq/<file>` and
//! `scam/<file>`; evaluation sets are read from the folder by the commands that need them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::ContentError;

/// The folders a content tree is made of, and whether their files sit one level deeper (per course).
const FOLDERS: [(&str, bool); 3] = [("courses", true), ("faq", false), ("scam", false)];

#[derive(Debug, Clone)]
struct File {
    /// Where the file came from, as shown in messages (a path on disk, or `<built-in>/…`).
    origin: PathBuf,
    bytes: Cow<'static, [u8]>,
}

/// Relative path (`courses/vneid/01-vneid-la-gi.md`, always `/`-separated) → file. Course folders are
/// kept even when empty, so an empty folder is still reported as a course without `course.toml`.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: BTreeMap<String, File>,
    /// `courses/<course>` → where the folder is.
    course_dirs: BTreeMap<String, PathBuf>,
}

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    /// Add or replace one file. `rel` is relative to the content root, `/`-separated.
    pub fn insert(
        &mut self,
        rel: &str,
        origin: impl Into<PathBuf>,
        bytes: impl Into<Cow<'static, [u8]>>,
    ) {
        let origin = origin.into();
        if let Some(course) = course_dir_of(rel)
            && let Some(dir) = origin.parent()
        {
            self.course_dirs
                .entry(course.to_owned())
                .or_insert_with(|| dir.to_owned());
        }
        self.files.insert(
            rel.to_owned(),
            File {
                origin,
                bytes: bytes.into(),
            },
        );
    }

    /// Read `root/courses/*/*`, `root/faq/*` and `root/scam/*` (hidden files skipped: editors leave
    /// `.swp` and `.DS_Store` around). A missing folder has no files; a missing root is an error.
    pub fn from_dir(root: &Path) -> Result<Files, Vec<ContentError>> {
        if !root.is_dir() {
            return Err(vec![ContentError::file(root, "content folder not found")]);
        }
        let mut errors = Vec::new();
        let mut out = Files::new();
        for (folder, per_course) in FOLDERS {
            for path in entries(&root.join(folder), &mut errors) {
                let name = file_name(&path);
                if per_course {
                    if !path.is_dir() {
                        continue;
                    }
                    out.course_dirs
                        .insert(format!("{folder}/{name}"), path.clone());
                    for file in entries(&path, &mut errors) {
                        if file.is_file() {
                            out.read_into(
                                &format!("{folder}/{name}/{}", file_name(&file)),
                                &file,
                                &mut errors,
                            );
                        }
                    }
                } else if path.is_file() {
                    out.read_into(&format!("{folder}/{name}"), &path, &mut errors);
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    fn read_into(&mut self, rel: &str, path: &Path, errors: &mut Vec<ContentError>) {
        match fs::read(path) {
            Ok(bytes) => self.insert(rel, path, bytes),
            Err(e) => errors.push(ContentError::file(path, format!("cannot read file: {e}"))),
        }
    }

    /// Lay `top` over these files: a course folder in `top` replaces the course of the same name
    /// whole (so a province's edition of a course never mixes with the national lessons it renamed or
    /// dropped); any other file is replaced or added one by one.
    pub fn overlay(&mut self, top: Files) {
        for course in top.course_dirs.keys() {
            let prefix = format!("{course}/");
            self.files.retain(|rel, _| !rel.starts_with(&prefix));
        }
        self.course_dirs.extend(top.course_dirs);
        self.files.extend(top.files);
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.course_dirs.is_empty()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// A file's bytes and where it came from.
    pub fn get(&self, rel: &str) -> Option<(&Path, &[u8])> {
        self.files
            .get(rel)
            .map(|f| (f.origin.as_path(), f.bytes.as_ref()))
    }

    /// A file as text: `None` when absent, an error when it is not UTF-8.
    pub fn text(&self, rel: &str) -> Option<Result<(&Path, &str), ContentError>> {
        let (origin, bytes) = self.get(rel)?;
        Some(match std::str::from_utf8(bytes) {
            Ok(text) => Ok((origin, text)),
            Err(_) => Err(ContentError::file(
                origin,
                "file is not UTF-8 text; re-save it as UTF-8",
            )),
        })
    }

    /// Where a file at `rel` would be (for a message about a missing file): next to its siblings.
    pub fn origin_of(&self, rel: &str) -> PathBuf {
        if let Some(f) = self.files.get(rel) {
            return f.origin.clone();
        }
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        if let Some(d) = self.course_dirs.get(dir) {
            return d.join(name);
        }
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .find_map(|(_, f)| f.origin.parent().map(|p| p.join(name)))
            .unwrap_or_else(|| PathBuf::from(rel))
    }

    /// Course folder names under `courses/`, sorted.
    pub fn course_names(&self) -> Vec<&str> {
        self.course_dirs
            .keys()
            .filter_map(|k| k.strip_prefix("courses/"))
            .collect()
    }

    /// File names directly in `dir` (e.g. `faq` or `courses/vneid`), sorted.
    pub fn file_names(&self, dir: &str) -> Vec<&str> {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, _)| k.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .collect()
    }
}

/// `courses/<course>` for a file inside a course folder.
fn course_dir_of(rel: &str) -> Option<&str> {
    let rest = rel.strip_prefix("courses/")?;
    let (course, file) = rest.split_once('/')?;
    (!course.is_empty() && !file.is_empty() && !file.contains('/'))
        .then(|| &rel[.."courses/".len() + course.len()])
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Visible entries of `dir`, sorted so reports and the FAQ order do not depend on the file system.
/// A missing folder has no entries.
fn entries(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<PathBuf> {
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(ContentError::file(dir, format!("cannot list folder: {e}")));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = read
        .filter_map(|entry| match entry {
            Ok(entry) => Some(entry.path()),
            Err(e) => {
                errors.push(ContentError::file(dir, format!("cannot list folder: {e}")));
                None
            }
        })
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)], root: &str) -> Files {
        let mut f = Files::new();
        for (rel, text) in list {
            f.insert(rel, Path::new(root).join(rel), text.as_bytes().to_vec());
        }
        f
    }

    #[test]
    fn a_course_folder_on_top_replaces_the_whole_course_other_files_one_by_one() {
        let mut base = files(
            &[
                ("courses/a/course.toml", "a"),
                ("courses/a/01-x.md", "x"),
                ("courses/a/02-y.md", "y"),
                ("courses/b/course.toml", "b"),
                ("faq/one.toml", "1"),
                ("faq/two.toml", "2"),
                ("scam/domains.toml", "d"),
            ],
            "<built-in>",
        );
        let top = files(
            &[
                ("courses/a/course.toml", "a2"),
                ("courses/a/01-z.md", "z"),
                ("courses/c/course.toml", "c"),
                ("faq/two.toml", "2b"),
                ("faq/three.toml", "3"),
            ],
            "/srv/content",
        );
        base.overlay(top);
        assert_eq!(base.course_names(), vec!["a", "b", "c"]);
        assert_eq!(base.file_names("courses/a"), vec!["01-z.md", "course.toml"]);
        assert_eq!(
            base.file_names("faq"),
            vec!["one.toml", "three.toml", "two.toml"]
        );
        let (origin, bytes) = base.get("faq/two.toml").expect("two");
        assert_eq!(
            (origin, bytes),
            (Path::new("/srv/content/faq/two.toml"), &b"2b"[..])
        );
        assert_eq!(
            base.get("scam/domains.toml").map(|(o, _)| o),
            Some(Path::new("<built-in>/scam/domains.toml"))
        );
        assert_eq!(
            base.origin_of("courses/c/01-a.md"),
            Path::new("/srv/content/courses/c/01-a.md")
        );
    }

    #[test]
    fn text_refuses_non_utf8() {
        let mut f = Files::new();
        f.insert("faq/x.toml", "/c/faq/x.toml", vec![0xff, 0xfe]);
        let e = f
            .text("faq/x.toml")
            .expect("present")
            .expect_err("not utf-8");
        assert!(e.to_string().contains("UTF-8"), "{e}");
        assert!(f.text("faq/y.toml").is_none());
    }
}
