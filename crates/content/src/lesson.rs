//! `courses/<course>/NN-<slug>.md`: TOML front matter between `+++` lines, then the Markdown body.

use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

use crate::error::ContentError;
use crate::markdown::{climbing_images, plain_text, raw_html};
use crate::model::{Lesson, Question};
use crate::text::{is_slug, reading_minutes, word_count};
use crate::toml_doc::Source;
use crate::validate::{Checker, check_nfc};

pub const MIN_QUESTIONS: usize = 4;
pub const MIN_WORDS: usize = 300;
pub const MAX_WORDS: usize = 900;
const CHOICES: std::ops::RangeInclusive<usize> = 2..=5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    slug: Spanned<String>,
    title: Spanned<String>,
    summary: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    q: Spanned<String>,
    choices: Spanned<Vec<Spanned<String>>>,
    // Signed so a negative index gets the same "out of range" message as a too-large one.
    answer: Spanned<i64>,
    explain: Spanned<String>,
}

/// A lesson plus what the per-course checks need.
#[derive(Debug)]
pub(crate) struct LessonFile {
    /// The `NN` of the file name: the lesson's position in the course.
    pub number: u32,
    pub lesson: Lesson,
    pub slug_line: usize,
}

/// Splits `NN-<slug>.md` into its number and slug.
pub(crate) fn parse_file_name(name: &str) -> Option<(u32, &str)> {
    let stem = name.strip_suffix(".md")?;
    let (nn, slug) = stem.split_once('-')?;
    if nn.len() != 2 || !nn.bytes().all(|b| b.is_ascii_digit()) || !is_slug(slug) {
        return None;
    }
    Some((nn.parse().ok()?, slug))
}

struct Split<'a> {
    front: &'a str,
    body: &'a str,
    /// 1-based file line on which the body starts.
    body_line: usize,
}

fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, &'static str)> {
    let mut offset = 0;
    let mut front_start = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let next = offset + line.len();
        if line.trim_end() == "+++" {
            match front_start {
                None if i == 0 => front_start = Some(next),
                Some(start) => {
                    return Ok(Split {
                        front: &text[start..offset],
                        body: &text[next..],
                        body_line: i + 2,
                    });
                }
                None => {}
            }
        } else if i == 0 {
            return Err((
                1,
                "a lesson must start with a `+++` line opening its front matter",
            ));
        }
        offset = next;
    }
    if front_start.is_none() {
        return Err((
            1,
            "a lesson must start with a `+++` line opening its front matter",
        ));
    }
    Err((
        1,
        "the front matter opened here is never closed with a `+++` line",
    ))
}

/// Parses and checks one lesson file; the file name (for `NN` and the slug) is taken from `path`.
pub(crate) fn parse_lesson(path: &Path, text: &str) -> Result<LessonFile, Vec<ContentError>> {
    // A byte-order mark is invisible in editors; refusing it would only confuse.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut check = Checker::new(path);
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = parse_file_name(file_name);
    if name.is_none() {
        check.push(
            None,
            "lesson file name must be `NN-<slug>.md`, e.g. `03-kich-hoat-muc-2.md`",
        );
    }
    check_nfc(&mut check, text);

    let split = match split_front_matter(text) {
        Ok(split) => split,
        Err((line, reason)) => {
            check.push(Some(line), reason);
            return Err(check.fail());
        }
    };
    let words = check_body(&mut check, &split);
    let src = Source {
        path,
        text: split.front,
        first_line: 2,
    };
    let front = parse_front(&mut check, &src, name.map(|(_, slug)| slug));
    check.finish()?;
    // Both are Some here: a missing one left an error behind.
    let (Some((number, _)), Some((head, quiz))) = (name, front) else {
        return Err(vec![ContentError::file(path, "lesson could not be read")]);
    };
    Ok(LessonFile {
        number,
        slug_line: src.line_of(&head.slug),
        lesson: Lesson {
            slug: head.slug.into_inner(),
            title: head.title.into_inner(),
            summary: head.summary.into_inner(),
            body_md: split.body.to_string(),
            quiz,
            reading_minutes: reading_minutes(words),
        },
    })
}

/// Checks length, raw HTML and picture paths; returns the word count.
fn check_body(check: &mut Checker<'_>, split: &Split<'_>) -> usize {
    let words = word_count(&plain_text(split.body));
    if !(MIN_WORDS..=MAX_WORDS).contains(&words) {
        check.push(
            Some(split.body_line),
            format!("the lesson body has {words} words; write {MIN_WORDS}–{MAX_WORDS}"),
        );
    }
    for (line, snippet) in raw_html(split.body) {
        check.push(
            Some(split.body_line + line),
            format!(
                "raw HTML is not allowed in a lesson (found `{snippet}`); use Markdown instead"
            ),
        );
    }
    for (line, path) in climbing_images(split.body) {
        check.push(
            Some(split.body_line + line),
            format!(
                "the picture path `{path}` contains `..`; name a file in the course's own folder"
            ),
        );
    }
    words
}

fn parse_front(
    check: &mut Checker<'_>,
    src: &Source<'_>,
    file_slug: Option<&str>,
) -> Option<(RawHead, Vec<Question>)> {
    let mut doc = match src.parse() {
        Ok(doc) => doc,
        Err(errors) => {
            check.extend(errors);
            return None;
        }
    };
    let (raw_quiz, errors) = src.take_array::<RawQuestion>(&mut doc, "quiz");
    let quiz_entries = raw_quiz.len() + errors.len();
    check.extend(errors);
    if quiz_entries < MIN_QUESTIONS {
        check.push(
            None,
            format!(
                "a lesson needs at least {MIN_QUESTIONS} [[quiz]] questions, found {quiz_entries}"
            ),
        );
    }
    let quiz: Vec<Question> = raw_quiz
        .into_iter()
        .enumerate()
        .filter_map(|(i, raw)| check_question(check, src, i + 1, raw))
        .collect();
    let head = match src.deserialize::<RawHead>(doc) {
        Ok(head) => head,
        Err(e) => {
            check.extend([e]);
            return None;
        }
    };
    let slug = head.slug.get_ref();
    if !is_slug(slug) {
        check.at(
            src,
            &head.slug,
            format!("slug `{slug}` must be lowercase ASCII words joined by `-`"),
        );
    } else if let Some(file_slug) = file_slug.filter(|f| f != slug) {
        check.at(
            src,
            &head.slug,
            format!("slug `{slug}` must match the file name's `{file_slug}`"),
        );
    }
    check.non_empty(src, &head.title, "title");
    check.non_empty(src, &head.summary, "summary");
    Some((head, quiz))
}

fn check_question(
    check: &mut Checker<'_>,
    src: &Source<'_>,
    n: usize,
    raw: RawQuestion,
) -> Option<Question> {
    let before = check.count();
    check.non_empty(src, &raw.q, &format!("question {n}: q"));
    check.non_empty(src, &raw.explain, &format!("question {n}: explain"));
    let choices = raw.choices.get_ref();
    if !CHOICES.contains(&choices.len()) {
        check.at(
            src,
            &raw.choices,
            format!("question {n} has {} choices; give 2 to 5", choices.len()),
        );
    }
    let mut seen = HashSet::new();
    for c in choices {
        if c.get_ref().trim().is_empty() {
            check.at(src, c, format!("question {n}: a choice is empty"));
        } else if !seen.insert(c.get_ref().trim()) {
            check.at(
                src,
                c,
                format!("question {n}: choice `{}` is listed twice", c.get_ref()),
            );
        }
    }
    let answer = usize::try_from(*raw.answer.get_ref())
        .ok()
        .filter(|a| *a < choices.len());
    if answer.is_none() {
        check.at(
            src,
            &raw.answer,
            format!(
                "question {n}: answer {} is out of range; it is the 0-based index of the right choice (0–{})",
                raw.answer.get_ref(),
                choices.len().saturating_sub(1)
            ),
        );
    }
    if check.count() != before {
        return None;
    }
    Some(Question {
        q: raw.q.into_inner(),
        choices: raw
            .choices
            .into_inner()
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        answer: answer?,
        explain: raw.explain.into_inner(),
    })
}

#[cfg(test)]
#[path = "lesson_tests.rs"]
mod tests;
