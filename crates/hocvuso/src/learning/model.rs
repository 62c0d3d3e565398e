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
    pub fn is_right(&self, i: usize, questions: &[Question]) -> bool {
        matches!((self.answers.get(i), questions.get(i)), (Some(Some(a)), Some(q)) if *a == q.answer)
    }
}

/// Score `answers` against `questions`. Missing answers, extra answers and choices out of range count
/// as wrong (never an error: a phone may send half a form). A quiz with no questions is passed.
/// `pass_percent` is clamped to 1–100.
pub fn score(questions: &[Question], answers: &[Option<usize>], pass_percent: i64) -> Score {
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
    pub fn done(&self) -> bool {
        self.opened && (self.passed || !self.has_quiz)
    }
}

/// A course is complete when it has lessons and every one is done.
pub fn course_complete(lessons: &[LessonState]) -> bool {
    !lessons.is_empty() && lessons.iter().all(LessonState::done)
}

/// Percent of lessons done, for the progress bar.
pub fn progress_percent(lessons: &[LessonState]) -> u8 {
    if lessons.is_empty() {
        return 0;
    }
    (lessons.iter().filter(|l| l.done()).count() * 100 / lessons.len()) as u8
}

/// Crockford-like alphabet without 0/O/1/I/L: easy to read aloud and to type from paper.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A fresh certificate code: 12 random characters (about 59 bits) as `XXXX-XXXX-XXXX`.
pub fn new_certificate_code() -> String {
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
pub fn normalize_code(input: &str) -> Option<String> {
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
pub fn search_key<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
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
pub fn matches_query(key: &str, query: &str) -> bool {
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
pub fn is_slug(s: &str) -> bool {
    content::is_slug(s) && s.len() <= 60
}

/// Quiz questions as an admin writes them in the editor: the same `[[quiz]]` TOML as lesson files.
pub fn parse_quiz(text: &str) -> Result<Vec<Question>, FieldError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[serde(default)]
        quiz: Vec<Question>,
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc: Doc =
        toml::from_str(text).map_err(|_| FieldError::new("quiz", "learn-quiz-syntax"))?;
    for q in &doc.quiz {
        if q.q.trim().is_empty()
            || q.explain.trim().is_empty()
            || !(2..=5).contains(&q.choices.len())
            || q.choices.iter().any(|c| c.trim().is_empty())
            || q.answer >= q.choices.len()
        {
            return Err(FieldError::new("quiz", "learn-quiz-invalid"));
        }
    }
    Ok(doc.quiz)
}

/// Questions back to the editor's TOML.
pub fn quiz_to_toml(quiz: &[Question]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        quiz: &'a [Question],
    }
    if quiz.is_empty() {
        return String::new();
    }
    toml::to_string(&Doc { quiz }).unwrap_or_default()
}

/// Minutes to read `md` aloud-slowly: 150 words a minute, at least one.
pub fn reading_minutes(md: &str) -> i64 {
    let words = content::word_count(&content::plain_text(md)) as i64;
    (words / 150).max(1)
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

    #[test]
    fn quiz_text_round_trips_and_is_checked() {
        let quiz = vec![q(1, 3)];
        let text = quiz_to_toml(&quiz);
        assert_eq!(parse_quiz(&text).expect("parse"), quiz);
        assert_eq!(parse_quiz("").expect("empty"), vec![]);
        assert!(parse_quiz("[[quiz]]\nq = \"x\"").is_err());
        assert!(
            parse_quiz("[[quiz]]\nq=\"x\"\nchoices=[\"a\",\"b\"]\nanswer=2\nexplain=\"e\"")
                .is_err()
        );
    }
}
