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
    #[serde(default)]
    subject: Vec<String>,
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

/// What went wrong, with the path: enough for a developer running the tests or the example.
pub type Error = String;

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every FAQ entry and lesson under `dir` as search documents.
pub fn load_docs(dir: &Path) -> Result<Vec<Doc>, Error> {
    let mut docs = Vec::new();
    for path in sorted_entries(&dir.join("faq"))? {
        if path.extension().is_some_and(|e| e == "toml") {
            let file: FaqFile = parse(&path, &read(&path)?)?;
            docs.extend(file.faq.into_iter().map(faq_doc));
        }
    }
    for course in sorted_entries(&dir.join("courses"))? {
        let Some(course_slug) = course
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|_| course.is_dir())
        else {
            continue;
        };
        for path in sorted_entries(&course)? {
            if path.extension().is_some_and(|e| e == "md") {
                docs.push(lesson_doc(course_slug, &path)?);
            }
        }
    }
    Ok(docs)
}

fn faq_doc(f: Faq) -> Doc {
    let url = match f.lessons.first() {
        Some(l) => format!("/hoc/{l}"),
        None => format!("/hoi-dap#{}", f.id),
    };
    Doc {
        question_text: std::iter::once(f.q.as_str())
            .chain(f.alt.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(". "),
        id: f.id,
        kind: DocKind::Faq,
        title: f.q,
        url,
        body: f.a.clone(),
        answer: f.a,
        subject: f.subject,
    }
}

fn lesson_doc(course: &str, path: &Path) -> Result<Doc, Error> {
    let text = read(path)?;
    let mut parts = text.splitn(3, "+++");
    let (_, front, body) = (parts.next(), parts.next(), parts.next());
    let front = front.ok_or_else(|| format!("{}: no +++ front matter", path.display()))?;
    let front: FrontMatter = parse(path, front)?;
    Ok(Doc {
        id: format!("lesson:{course}/{}", front.slug),
        kind: DocKind::Lesson,
        url: format!("/hoc/{course}/{}", front.slug),
        question_text: format!("{}. {}", front.title, front.summary),
        body: plain_text(body.unwrap_or_default()),
        answer: front.summary,
        title: front.title,
        subject: Vec::new(),
    })
}

/// Markdown to words: link targets go (they are URLs, not what the lesson says), markup characters
/// would be dropped by the tokenizer anyway.
fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..]
            .find(')')
            .map_or("", |j| &rest[i + 2 + j + 1..]);
    }
    out.push_str(rest);
    out
}

pub fn load_cases(dir: &Path) -> Result<Vec<EvalCase>, Error> {
    load_part(dir, "eval/assistant.toml")
}

/// The cases of one evaluation part (`eval/assistant-real3.toml`, …).
pub fn load_part(dir: &Path, file: &str) -> Result<Vec<EvalCase>, Error> {
    let path = dir.join(file);
    let file: EvalFile = parse(&path, &read(&path)?)?;
    Ok(file
        .case
        .into_iter()
        .map(|c| EvalCase {
            q: c.q,
            kind: c.kind,
            expect: c.expect,
        })
        .collect())
}
