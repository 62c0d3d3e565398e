//! Walks a content folder and applies the rules that span files: course folders, lesson numbering,
//! unique slugs and ids, and FAQ links. Nothing is returned unless everything is clean, so the
//! platform never imports half a curriculum.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::course::{CourseFile, parse_course};
use crate::error::ContentError;
use crate::faq::{FaqEntry, parse_faq_file};
use crate::files::Files;
use crate::lesson::{LessonFile, parse_file_name, parse_lesson};
use crate::model::Library;

/// Loads `root/courses/*/` and `root/faq/*.toml`. Either folder may be absent (a province may start
/// with no FAQ); every problem in every file is returned, in path order.
pub fn load_dir(root: &Path) -> Result<Library, Vec<ContentError>> {
    load_files(&Files::from_dir(root)?)
}

/// [`load_dir`] over files already in memory (the built-in content, a folder laid over it).
pub fn load_files(files: &Files) -> Result<Library, Vec<ContentError>> {
    let mut errors = Vec::new();
    // Links are known from file names, so a lesson with an error does not also make every FAQ
    // entry that points at it fail.
    let mut known_links = HashSet::new();
    let mut courses = Vec::new();
    for name in files.course_names() {
        if let Some(course) = load_course(files, name, &mut known_links, &mut errors) {
            courses.push((
                files.origin_of(&format!("courses/{name}/course.toml")),
                course,
            ));
        }
    }
    check_courses_unique(&courses, &mut errors);
    courses.sort_by(|(_, a), (_, b)| {
        (a.course.order, &a.course.slug).cmp(&(b.course.order, &b.course.slug))
    });

    let mut faq = Vec::new();
    for name in files.file_names("faq") {
        if name.ends_with(".toml") {
            let Some((path, text)) = read(files, &format!("faq/{name}"), &mut errors) else {
                continue;
            };
            match parse_faq_file(path, text) {
                Ok(entries) => faq.extend(entries.into_iter().map(|e| (path.to_owned(), e))),
                Err(mut e) => errors.append(&mut e),
            }
        }
    }
    check_faq(&faq, &known_links, &mut errors);

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Library {
        courses: courses.into_iter().map(|(_, c)| c.course).collect(),
        faq: faq.into_iter().map(|(_, e)| e.faq).collect(),
    })
}

fn read<'a>(
    files: &'a Files,
    rel: &str,
    errors: &mut Vec<ContentError>,
) -> Option<(&'a Path, &'a str)> {
    match files.text(rel)? {
        Ok(found) => Some(found),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn load_course(
    files: &Files,
    folder: &str,
    known_links: &mut HashSet<String>,
    errors: &mut Vec<ContentError>,
) -> Option<CourseFile> {
    let dir = format!("courses/{folder}");
    let toml_rel = format!("{dir}/course.toml");
    let toml_path = files.origin_of(&toml_rel);
    let mut course = if files.get(&toml_rel).is_some() {
        read(files, &toml_rel, errors).and_then(|(path, text)| {
            parse_course(path, text)
                .map_err(|mut e| errors.append(&mut e))
                .ok()
        })
    } else {
        errors.push(ContentError::file(
            &toml_path,
            "missing course.toml for this course folder",
        ));
        None
    };

    let mut lessons: Vec<(PathBuf, LessonFile)> = Vec::new();
    let mut lesson_files = 0;
    for name in files.file_names(&dir) {
        if !name.ends_with(".md") {
            continue;
        }
        lesson_files += 1;
        if let Some((_, slug)) = parse_file_name(name) {
            known_links.insert(format!("{folder}/{slug}"));
        }
        let Some((path, text)) = read(files, &format!("{dir}/{name}"), errors) else {
            continue;
        };
        match parse_lesson(path, text) {
            Ok(lesson) => lessons.push((path.to_owned(), lesson)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if lesson_files == 0 {
        errors.push(ContentError::file(
            &toml_path,
            "this course has no lesson files (NN-<slug>.md)",
        ));
    }
    check_lessons_unique(&lessons, errors);
    lessons.sort_by_key(|(_, l)| l.number);
    if let Some(c) = course.as_mut() {
        c.course.lessons = lessons.into_iter().map(|(_, l)| l.lesson).collect();
    }
    course
}

/// Remembers the first owner of each key and returns it when the key comes again, so a third
/// duplicate still points at the original rather than at the second copy.
fn first_owner<K: std::hash::Hash + Eq, V: Copy>(
    seen: &mut HashMap<K, V>,
    key: K,
    owner: V,
) -> Option<V> {
    match seen.get(&key) {
        Some(first) => Some(*first),
        None => {
            seen.insert(key, owner);
            None
        }
    }
}

fn check_lessons_unique(lessons: &[(PathBuf, LessonFile)], errors: &mut Vec<ContentError>) {
    let mut numbers = HashMap::new();
    let mut slugs = HashMap::new();
    for (path, l) in lessons {
        if let Some(first) = first_owner(&mut numbers, l.number, path.as_path()) {
            errors.push(ContentError::file(
                path,
                format!(
                    "lesson number {:02} is also used by {}",
                    l.number,
                    first.display()
                ),
            ));
        }
        if let Some(first) = first_owner(&mut slugs, l.lesson.slug.as_str(), path.as_path()) {
            errors.push(ContentError::at(
                path,
                l.slug_line,
                format!(
                    "lesson slug `{}` is also used by {}",
                    l.lesson.slug,
                    first.display()
                ),
            ));
        }
    }
}

fn check_courses_unique(courses: &[(PathBuf, CourseFile)], errors: &mut Vec<ContentError>) {
    let mut slugs = HashMap::new();
    let mut orders = HashMap::new();
    for (path, c) in courses {
        if let Some(first) = first_owner(&mut slugs, c.course.slug.as_str(), path.as_path()) {
            errors.push(ContentError::at(
                path,
                c.slug_line,
                format!(
                    "course slug `{}` is also used by {}",
                    c.course.slug,
                    first.display()
                ),
            ));
        }
        // Two courses at one catalogue position would be listed in an arbitrary order.
        if let Some(first) = first_owner(&mut orders, c.course.order, c.course.slug.as_str()) {
            errors.push(ContentError::at(
                path,
                c.order_line,
                format!("order {} is also used by course `{first}`", c.course.order),
            ));
        }
    }
}

fn check_faq(
    faq: &[(PathBuf, FaqEntry)],
    known_links: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) {
    let mut ids = HashMap::new();
    for (path, e) in faq {
        if let Some((first, line)) =
            first_owner(&mut ids, e.faq.id.as_str(), (path.as_path(), e.id_line))
        {
            errors.push(ContentError::at(
                path,
                e.id_line,
                format!(
                    "FAQ id `{}` is already used at {}:{line}",
                    e.faq.id,
                    first.display()
                ),
            ));
        }
        for (link, line) in e.faq.lessons.iter().zip(&e.link_lines) {
            if !known_links.contains(link) {
                errors.push(ContentError::at(
                    path,
                    *line,
                    format!("links to lesson `{link}`, which does not exist"),
                ));
            }
        }
    }
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
