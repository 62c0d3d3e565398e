//! A minimal reader for `content/` (FAQ, lessons, the assistant evaluation set), so kbsearch's tests and
//! example do not depend on the `content` crate. It trusts the files; validating them is `content`'s job.

use std::fs;
use std::path::{Path, PathBuf};

use kbsearch::eval::EvalCase;
use kbsearch::{Doc, DocKind};
use serde::Deserialize;

pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

#[derive(Deserialize)]
struct FaqFile {
    #[serde(default)]
    faq: Vec<Faq>,
}

#[derive(Deserialize)]
struct Faq {
    id: String,
    q: String,
    #[serde(default)]
    alt: Vec<String>,
    a: String,
    #[serde(default)]
    lessons: Vec<String>,
}

#[derive(Deserialize)]
struct FrontMatter {
    slug: String,
    title: String,
    summary: String,
}

#[derive(Deserialize)]
struct EvalFile {
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Deserialize)]
struct RawCase {
    q: String,
    kind: String,
    #[serde(default)]
    expect: Vec<String>,
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    paths
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every FAQ entry and lesson under `dir` as search documents.
pub fn load_docs(dir: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    for path in sorted_entries(&dir.join("faq")) {
        if path.extension().is_some_and(|e| e == "toml") {
            let file: FaqFile = parse(&path, &read(&path));
            docs.extend(file.faq.into_iter().map(faq_doc));
        }
    }
    for course in sorted_entries(&dir.join("courses")) {
        if !course.is_dir() {
            continue;
        }
        let course_slug = course.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for path in sorted_entries(&course) {
            if path.extension().is_some_and(|e| e == "md") {
                docs.push(lesson_doc(&course_slug, &path));
            }
        }
    }
    docs
}

fn faq_doc(f: Faq) -> Doc {
    let url = match f.lessons.first() {
        Some(l) => format!("/hoc/{l}"),
        None => format!("/hoi-dap#{}", f.id),
    };
    Doc {
        question_text: std::iter::once(f.q.as_str()).chain(f.alt.iter().map(String::as_str)).collect::<Vec<_>>().join(". "),
        id: f.id,
        kind: DocKind::Faq,
        title: f.q,
        url,
        body: f.a.clone(),
        answer: f.a,
    }
}

fn lesson_doc(course: &str, path: &Path) -> Doc {
    let text = read(path);
    let mut parts = text.splitn(3, "+++");
    let (_, front, body) = (parts.next(), parts.next(), parts.next());
    let front: FrontMatter = parse(path, front.unwrap_or_else(|| panic!("{}: no front matter", path.display())));
    Doc {
        id: format!("lesson:{course}/{}", front.slug),
        kind: DocKind::Lesson,
        url: format!("/hoc/{course}/{}", front.slug),
        question_text: format!("{}. {}", front.title, front.summary),
        body: plain_text(body.unwrap_or_default()),
        answer: front.summary,
        title: front.title,
    }
}

/// Markdown to words: link targets go (they are URLs, not what the lesson says), markup characters
/// would be dropped by the tokenizer anyway.
fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..].find(')').map_or("", |j| &rest[i + 2 + j + 1..]);
    }
    out.push_str(rest);
    out
}

pub fn load_cases(dir: &Path) -> Vec<EvalCase> {
    let path = dir.join("eval/assistant.toml");
    let file: EvalFile = parse(&path, &read(&path));
    file.case.into_iter().map(|c| EvalCase { q: c.q, kind: c.kind, expect: c.expect }).collect()
}
