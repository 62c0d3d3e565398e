//! Learning rules with no I/O: quiz scoring, when a lesson and a course are done, certificate codes,
//! catalogue search, and the checks on what an admin types into the local-course editor.
use content::Question;
use rand::Rng;

use crate::error::FieldError;

/// The default pass mark of a course quiz, in percent.
pub const DEFAULT_PASS_PERCENT: i64 = 80;

/// Slugs the learning URLs use for pages of their own; no course may take them.
pub const RESERVED_SLUGS: &[&str] = &["cua-toi", "anh", "chung-chi", "moi", "khoa-moi"];

/// The outcome of one quiz submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Score {
    pub correct: usize,
    pub total: usize,
    /// 0–100, rounded down.
    pub percent: u8,
    pub passed: bool,
    /// Per question: the choice given (None when unanswered or out of range) and whether it was right.
    pub answers: Vec<Option<usize>>,
}

impl Score {
    pub(crate) fn is_right(&self, i: usize, questions: &[Question]) -> bool {
        matches!((self.answers.get(i), questions.get(i)), (Some(Some(a)), Some(q)) if *a == q.answer)
    }
}

/// Score `answers` against `questions`. Missing answers, extra answers and choices out of range count
/// as wrong (never an error: a phone may send half a form). A quiz with no questions is passed.
/// `pass_percent` is clamped to 1–100.
pub(crate) fn score(questions: &[Question], answers: &[Option<usize>], pass_percent: i64) -> Score {
    let pass = pass_percent.clamp(1, 100) as usize;
    let given: Vec<Option<usize>> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            answers
                .get(i)
                .copied()
                .flatten()
                .filter(|a| *a < q.choices.len())
        })
        .collect();
    let correct = questions
        .iter()
        .zip(&given)
        .filter(|(q, a)| **a == Some(q.answer))
        .count();
    let total = questions.len();
    let percent = (correct * 100).checked_div(total).unwrap_or(100);
    // Compared without rounding: 4 of 5 is exactly 80 % and passes an 80 % mark; 7 of 9 (77.8 %) does not.
    let passed = total == 0 || correct * 100 >= pass * total;
    Score {
        correct,
        total,
        percent: percent as u8,
        passed,
        answers: given,
    }
}

/// A lesson's state for one learner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LessonState {
    pub opened: bool,
    pub passed: bool,
    pub has_quiz: bool,
}

impl LessonState {
    /// Done = opened, and its quiz passed when it has one.
    pub(crate) fn done(&self) -> bool {
        self.opened && (self.passed || !self.has_quiz)
    }
}

/// A course is complete when it has lessons and every one is done.
pub(crate) fn course_complete(lessons: &[LessonState]) -> bool {
    !lessons.is_empty() && lessons.iter().all(LessonState::done)
}

/// Percent of lessons done, for the progress bar.
pub(crate) fn progress_percent(lessons: &[LessonState]) -> u8 {
    if lessons.is_empty() {
        return 0;
    }
    (lessons.iter().filter(|l| l.done()).count() * 100 / lessons.len()) as u8
}

/// Crockford-like alphabet without 0/O/1/I/L: easy to read aloud and to type from paper.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A fresh certificate code: 12 random characters (about 59 bits) as `XXXX-XXXX-XXXX`.
pub(crate) fn new_certificate_code() -> String {
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..12)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!(
        "{}-{}-{}",
        chars[..4].iter().collect::<String>(),
        chars[4..8].iter().collect::<String>(),
        chars[8..].iter().collect::<String>()
    )
}

/// A typed or scanned code in its stored form, or None when it cannot be one (so lookups of junk
/// never reach the database): case and dashes are forgiven.
pub(crate) fn normalize_code(input: &str) -> Option<String> {
    let bare: String = input
        .trim()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.len() != 12 || !bare.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("{}-{}-{}", &bare[..4], &bare[4..8], &bare[8..]))
}

/// The catalogue search key: folded words, space-padded so `" term"` matches a word start.
pub(crate) fn search_key<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut key = String::from(" ");
    for p in parts {
        for t in vntext::folded_tokens(p) {
            key.push_str(&t);
            key.push(' ');
        }
    }
    key
}

/// Does a course's search key match every word of the query (diacritics and case ignored, word
/// starts, abbreviations such as "dvc" expanded)?
pub(crate) fn matches_query(key: &str, query: &str) -> bool {
    let folded = vntext::folded_tokens(query);
    if folded.is_empty() {
        return true;
    }
    let plain = folded.iter().all(|t| key.contains(&format!(" {t}")));
    plain || {
        let expanded = vntext::search_terms(query);
        !expanded.is_empty() && expanded.iter().all(|t| key.contains(&format!(" {t}")))
    }
}

/// `a-z0-9-`, not starting or ending with `-`, at most 60 characters.
pub(crate) fn is_slug(s: &str) -> bool {
    content::is_slug(s) && s.len() <= 60
}

/// Answer rows each question of the quiz editor offers (a question may have 2 to 5 answers).
pub const QUIZ_ANSWER_ROWS: usize = 4;
/// Most answers a question may have (lesson files allow five).
pub const QUIZ_MAX_ANSWERS: usize = 5;
/// Most questions the editor shows; a lesson quiz is a short check, not an exam.
pub const QUIZ_MAX_QUESTIONS: usize = 20;

/// One question of the quiz editor as typed: a form of fields instead of TOML, so an instructor needs no
/// syntax. Rows left blank are ignored; a partly filled one says what it lacks, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuizBlock {
    pub q: String,
    /// Always at least `QUIZ_ANSWER_ROWS` rows, blank ones included, so the form shows them.
    pub answers: Vec<String>,
    /// Index into `answers` of the right one.
    pub right: Option<usize>,
    pub explain: String,
    /// (part, Fluent id): part is "q", "answers", "right" or "explain".
    pub errors: Vec<(&'static str, &'static str)>,
}

impl QuizBlock {
    pub(crate) fn blank() -> Self {
        QuizBlock {
            answers: vec![String::new(); QUIZ_ANSWER_ROWS],
            ..QuizBlock::default()
        }
    }

    pub(crate) fn from_question(q: &Question) -> Self {
        let mut answers = q.choices.clone();
        answers.resize(answers.len().max(QUIZ_ANSWER_ROWS), String::new());
        QuizBlock {
            q: q.q.clone(),
            answers,
            right: Some(q.answer),
            explain: q.explain.clone(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.q.trim().is_empty()
            && self.explain.trim().is_empty()
            && self.answers.iter().all(|a| a.trim().is_empty())
    }

    /// Fluent id of the error on `part`, or "".
    pub(crate) fn error(&self, part: &str) -> &'static str {
        self.errors
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, e)| *e)
            .unwrap_or("")
    }

    pub(crate) fn is_right(&self, row: &usize) -> bool {
        self.right == Some(*row)
    }
}

/// Field names of question `i` in the editor form.
pub(crate) fn quiz_field(i: usize, part: &str) -> String {
    format!("qz{i}_{part}")
}

/// The editor's questions from the submitted form (`quiz_count` blocks of `qz{i}_q`, `qz{i}_a{j}`,
/// `qz{i}_right`, `qz{i}_explain`), unchecked. `clean` tidies each text (whitespace, control characters)
/// and reports what it refuses, which goes on that part.
pub(crate) fn quiz_blocks_from_form(
    field: impl Fn(&str) -> String,
    clean: impl Fn(&str, usize) -> Result<String, &'static str>,
) -> Vec<QuizBlock> {
    let count = field("quiz_count")
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
        .min(QUIZ_MAX_QUESTIONS);
    (0..count)
        .map(|i| {
            let mut b = QuizBlock::blank();
            let mut take = |part: &'static str, raw: String, max: usize| -> String {
                clean(&raw, max).unwrap_or_else(|e| {
                    b.errors.push((part, e));
                    raw
                })
            };
            let q = take("q", field(&quiz_field(i, "q")), 300);
            let explain = take("explain", field(&quiz_field(i, "explain")), 1000);
            let answers: Vec<String> = (0..QUIZ_MAX_ANSWERS)
                .map(|j| take("answers", field(&quiz_field(i, &format!("a{j}"))), 200))
                .collect();
            b.q = q;
            b.explain = explain;
            b.answers = answers;
            // Rows past the fourth are only there when a lesson file had a fifth answer.
            while b.answers.len() > QUIZ_ANSWER_ROWS
                && b.answers.last().is_some_and(String::is_empty)
            {
                b.answers.pop();
            }
            b.right = field(&quiz_field(i, "right"))
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|r| *r < QUIZ_MAX_ANSWERS);
            b
        })
        .collect()
}

/// Checks the editor's questions, marking each block's missing parts, and returns the quiz to store
/// (blank blocks dropped, blank answer rows closed up). `Err` when any block has an error.
pub(crate) fn validate_quiz(blocks: &mut [QuizBlock]) -> Result<Vec<Question>, FieldError> {
    let mut quiz = Vec::new();
    let mut bad = false;
    for b in blocks.iter_mut() {
        if b.is_blank() && b.errors.is_empty() {
            continue;
        }
        if b.q.trim().is_empty() {
            b.errors.push(("q", "learn-quiz-q-required"));
        }
        let filled: Vec<usize> = (0..b.answers.len())
            .filter(|j| !b.answers[*j].trim().is_empty())
            .collect();
        if filled.len() < 2 {
            b.errors.push(("answers", "learn-quiz-answers-required"));
        }
        let answer = b.right.and_then(|r| filled.iter().position(|j| *j == r));
        if answer.is_none() {
            b.errors.push(("right", "learn-quiz-right-required"));
        }
        if b.explain.trim().is_empty() {
            b.errors.push(("explain", "learn-quiz-explain-required"));
        }
        if !b.errors.is_empty() {
            bad = true;
            continue;
        }
        quiz.push(Question {
            q: b.q.clone(),
            choices: filled.iter().map(|j| b.answers[*j].clone()).collect(),
            answer: answer.unwrap_or(0),
            explain: b.explain.clone(),
        });
    }
    if bad {
        Err(FieldError::new("quiz", "learn-quiz-invalid"))
    } else {
        Ok(quiz)
    }
}

/// Minutes to read `md` aloud-slowly: 150 words a minute, at least one.
pub(crate) fn reading_minutes(md: &str) -> i64 {
    let words = content::word_count(&content::plain_text(md)) as i64;
    (words / 150).max(1)
}

/// A local course as its form was validated.
pub(crate) struct CourseInput {
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) topic: String,
    pub(crate) level: String,
    pub(crate) audiences: Vec<String>,
    pub(crate) pass_percent: i64,
    pub(crate) published: bool,
}

/// A local lesson's text as its form was checked and rendered.
pub(crate) struct LessonText<'a> {
    pub(crate) title: &'a str,
    pub(crate) summary: &'a str,
    pub(crate) body_md: &'a str,
    pub(crate) body_html: &'a str,
    pub(crate) quiz_json: &'a str,
    pub(crate) reading_minutes: i64,
    pub(crate) published: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(answer: usize, choices: usize) -> Question {
        Question {
            q: "?".into(),
            choices: (0..choices).map(|i| format!("c{i}")).collect(),
            answer,
            explain: "vì".into(),
        }
    }

    #[test]
    fn scoring_edge_cases() {
        let quiz = vec![q(0, 3), q(1, 3), q(2, 3), q(1, 2), q(0, 4)];
        // 4 of 5 is exactly 80 %: passes an 80 % mark.
        let s = score(&quiz, &[Some(0), Some(1), Some(2), Some(1), Some(3)], 80);
        assert_eq!((s.correct, s.total, s.percent, s.passed), (4, 5, 80, true));
        // 3 of 5 fails.
        let s = score(&quiz, &[Some(0), Some(1), Some(2), Some(0), Some(3)], 80);
        assert!(!s.passed);
        // Unanswered, out of range and missing answers are wrong, not errors.
        let s = score(&quiz, &[None, Some(9), Some(2)], 80);
        assert_eq!((s.correct, s.passed), (1, false));
        assert_eq!(s.answers, vec![None, None, Some(2), None, None]);
        // Extra answers are ignored.
        let s = score(
            &quiz,
            &[Some(0), Some(1), Some(2), Some(1), Some(0), Some(1)],
            80,
        );
        assert_eq!((s.correct, s.total, s.passed), (5, 5, true));
        // 7 of 9 is 77.8 %: fails 78 % even though it rounds to 78.
        let nine: Vec<Question> = (0..9).map(|_| q(0, 2)).collect();
        let mut a = vec![Some(0); 7];
        a.extend([Some(1), Some(1)]);
        assert!(!score(&nine, &a, 78).passed);
        assert!(score(&nine, &a, 77).passed);
        // Four questions at 80 %: all four needed.
        let four = vec![q(0, 2); 4];
        assert!(!score(&four, &[Some(0), Some(0), Some(0), Some(1)], 80).passed);
        // No questions: passed. Pass marks out of range are clamped.
        assert!(score(&[], &[], 80).passed);
        assert!(!score(&four, &[], 0).passed);
        assert!(!score(&four, &[Some(0), Some(0), Some(0), Some(1)], 250).passed);
    }

    #[test]
    fn completion_rules() {
        let open_passed = LessonState {
            opened: true,
            passed: true,
            has_quiz: true,
        };
        let open_only = LessonState {
            opened: true,
            passed: false,
            has_quiz: true,
        };
        let passed_unopened = LessonState {
            opened: false,
            passed: true,
            has_quiz: true,
        };
        let no_quiz_open = LessonState {
            opened: true,
            passed: false,
            has_quiz: false,
        };
        assert!(course_complete(&[open_passed, no_quiz_open]));
        assert!(!course_complete(&[open_passed, open_only]));
        assert!(!course_complete(&[open_passed, passed_unopened]));
        assert!(!course_complete(&[]));
        assert_eq!(
            progress_percent(&[open_passed, open_only, passed_unopened]),
            33
        );
    }

    #[test]
    fn codes() {
        for _ in 0..100 {
            let c = new_certificate_code();
            assert_eq!(c.len(), 14);
            assert_eq!(normalize_code(&c), Some(c.clone()));
            assert_eq!(normalize_code(&c.to_lowercase().replace('-', "")), Some(c));
        }
        assert_eq!(normalize_code("AB12-CD34"), None);
        assert_eq!(normalize_code("'; DROP TABLE x; --"), None);
        assert_eq!(normalize_code("OOOO-IIII-1111"), None);
    }

    #[test]
    fn search_ignores_diacritics() {
        let key = search_key(["Dịch vụ công trực tuyến", "Nộp hồ sơ"]);
        assert!(matches_query(&key, "dich vu cong"));
        assert!(matches_query(&key, "DỊCH VỤ"));
        assert!(matches_query(&key, "ho so"));
        assert!(matches_query(&key, "nop"));
        assert!(matches_query(&key, ""));
        assert!(!matches_query(&key, "zalo"));
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<QuizBlock> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        quiz_blocks_from_form(
            |k| map.get(k).cloned().unwrap_or_default(),
            |s, _| Ok(s.trim().to_owned()),
        )
    }

    #[test]
    fn quiz_form_round_trips_and_is_checked() {
        let question = q(1, 3);
        let b = QuizBlock::from_question(&question);
        assert_eq!(b.answers.len(), QUIZ_ANSWER_ROWS);
        let mut blocks = vec![b, QuizBlock::blank()];
        assert_eq!(validate_quiz(&mut blocks).expect("valid"), vec![question]);

        // Blank rows between answers close up; the right one follows its text.
        let mut blocks = form(&[
            ("quiz_count", "2"),
            ("qz0_q", "Nộp ở đâu?"),
            ("qz0_a0", "Zalo"),
            ("qz0_a2", "eTax Mobile"),
            ("qz0_right", "2"),
            ("qz0_explain", "Ứng dụng chính thức."),
        ]);
        let quiz = validate_quiz(&mut blocks).expect("valid");
        assert_eq!(quiz.len(), 1, "the blank second block is ignored");
        assert_eq!(quiz[0].choices, vec!["Zalo", "eTax Mobile"]);
        assert_eq!(quiz[0].answer, 1);

        // Each missing part is named.
        let mut blocks = form(&[("quiz_count", "1"), ("qz0_a0", "Một"), ("qz0_right", "1")]);
        assert!(validate_quiz(&mut blocks).is_err());
        let b = &blocks[0];
        assert_eq!(b.error("q"), "learn-quiz-q-required");
        assert_eq!(b.error("answers"), "learn-quiz-answers-required");
        assert_eq!(b.error("right"), "learn-quiz-right-required");
        assert_eq!(b.error("explain"), "learn-quiz-explain-required");

        // A count from the form is bounded, and garbage is no count.
        assert_eq!(form(&[("quiz_count", "100000")]).len(), QUIZ_MAX_QUESTIONS);
        assert!(form(&[("quiz_count", "x")]).is_empty());
    }
}
