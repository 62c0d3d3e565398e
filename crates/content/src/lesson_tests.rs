use super::*;
use unicode_normalization::UnicodeNormalization;

const PATH: &str = "content/courses/vneid/03-kich-hoat-muc-2.md";

/// A body of exactly `words` words ("Cách làm" heading + filler).
fn body(words: usize) -> String {
    let filler = vec!["bước"; words.saturating_sub(2)].join(" ");
    format!("## Cách làm\n\n{filler}\n")
}

fn question(i: usize) -> String {
    format!(
        "\n[[quiz]]\nq = \"Câu hỏi {i}?\"\nchoices = [\"Một\", \"Hai\", \"Ba\"]\nanswer = 1\nexplain = \"Vì Hai đúng.\"\n"
    )
}

/// Lines: 1 `+++`, 2 slug, 3 title, 4 summary, then question i (0-based) has `[[quiz]]` on 6+6i,
/// q 7+6i, choices 8+6i, answer 9+6i, explain 10+6i; the closing `+++` is on line 5+6n and the body
/// starts on 6+6n (30 for the usual four questions).
fn lesson(questions: usize, body_text: &str) -> String {
    let quiz: String = (0..questions).map(question).collect();
    format!(
        "+++\nslug = \"kich-hoat-muc-2\"\ntitle = \"Kích hoạt mức 2\"\nsummary = \"Mang CCCD đến công an xã.\"\n{quiz}+++\n{body_text}"
    )
}

/// `text` with file line `n` (1-based) replaced by `new`, which may hold several lines.
fn set_line(text: &str, n: usize, new: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == n { new } else { l })
        .collect();
    lines.join("\n") + "\n"
}

fn good() -> String {
    lesson(4, &body(400))
}

fn parse(text: &str) -> Result<LessonFile, Vec<ContentError>> {
    parse_lesson(Path::new(PATH), text)
}

fn errors(text: &str) -> Vec<(Option<usize>, String)> {
    parse(text)
        .expect_err("should be rejected")
        .into_iter()
        .map(|e| (e.line, e.reason))
        .collect()
}

#[test]
fn good_lesson_parses() {
    let f = parse(&good()).expect("valid");
    assert_eq!(f.number, 3);
    assert_eq!(f.slug_line, 2);
    assert_eq!(f.lesson.slug, "kich-hoat-muc-2");
    assert_eq!(f.lesson.title, "Kích hoạt mức 2");
    assert_eq!(f.lesson.quiz.len(), 4);
    assert_eq!(f.lesson.quiz[0].choices, vec!["Một", "Hai", "Ba"]);
    assert_eq!(f.lesson.quiz[0].answer, 1);
    assert!(f.lesson.body_md.starts_with("## Cách làm"));
    assert_eq!(f.lesson.reading_minutes, 3);
}

#[test]
fn file_names() {
    assert_eq!(
        parse_file_name("03-kich-hoat-muc-2.md"),
        Some((3, "kich-hoat-muc-2"))
    );
    for bad in [
        "3-a.md", "003-a.md", "03_a.md", "03-A.md", "03-a.txt", "03-.md", "ab-a.md",
    ] {
        assert_eq!(parse_file_name(bad), None, "{bad}");
    }
    let e = parse_lesson(Path::new("content/courses/vneid/kich-hoat.md"), &good())
        .expect_err("bad name");
    assert_eq!(e.len(), 1);
    assert!(e[0].reason.contains("NN-<slug>.md"));
}

#[test]
fn toml_syntax_error_line_counts_the_opening_fence() {
    // Line 15 is question 2's `answer`; the front matter itself starts on line 2.
    let got = errors(&set_line(&good(), 15, "answer = = 1"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(15), "{got:?}");
}

#[test]
fn unknown_field_in_a_question_is_located_and_others_still_checked() {
    let text = set_line(&good(), 16, "explain = \"Vì Hai đúng.\"\nhint = \"x\"");
    let text = set_line(&text, 28, "answer = 9");
    let got = errors(&text);
    // The unknown key in question 2 does not hide the bad answer in question 4, and the rejected
    // question still counts as written, so there is no "at least 4 questions" noise.
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, Some(17), "{got:?}");
    assert!(got[0].1.contains("hint"), "{got:?}");
    assert_eq!(got[1].0, Some(28), "{got:?}");
}

#[test]
fn missing_field_in_a_question_is_reported() {
    let got = errors(&set_line(&good(), 16, ""));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.contains("explain"), "{got:?}");
    assert!(got[0].0.is_some_and(|l| (11..=16).contains(&l)), "{got:?}");
}

#[test]
fn missing_quiz() {
    let got = errors(&lesson(0, &body(400)));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].1.contains("at least 4 [[quiz]] questions, found 0"),
        "{got:?}"
    );
    let got = errors(&lesson(3, &body(400)));
    assert!(got[0].1.contains("found 3"), "{got:?}");
}

#[test]
fn answer_out_of_range() {
    let got = errors(&set_line(&good(), 27, "answer = 3"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(27), "{got:?}");
    assert!(
        got[0].1.contains("question 4: answer 3 is out of range"),
        "{got:?}"
    );
    assert_eq!(errors(&set_line(&good(), 9, "answer = -1"))[0].0, Some(9));
}

#[test]
fn choice_count_and_empty_explanation() {
    let text = set_line(&good(), 8, "choices = [\"Một\"]");
    let text = set_line(&text, 16, "explain = \"  \"");
    let got = errors(&text);
    assert!(
        got.iter()
            .any(|(l, r)| *l == Some(8) && r.contains("1 choices")),
        "{got:?}"
    );
    // With one choice, answer 1 is also out of range.
    assert!(
        got.iter()
            .any(|(l, r)| *l == Some(9) && r.contains("out of range")),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|(l, r)| *l == Some(16) && r.contains("explain must not be empty")),
        "{got:?}"
    );
    assert_eq!(got.len(), 3, "{got:?}");
    let six = set_line(
        &good(),
        8,
        "choices = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\"]",
    );
    assert!(errors(&six)[0].1.contains("6 choices"));
    let twice = set_line(&good(), 8, "choices = [\"Có\", \"Có\"]");
    assert!(errors(&twice)[0].1.contains("listed twice"));
}

#[test]
fn html_in_body_is_reported_on_its_file_line() {
    // The body starts on line 30, so its third line is 32.
    let text = lesson(
        4,
        &format!("## Cách làm\n\nBấm <b>Đăng nhập</b>.\n\n{}", body(400)),
    );
    let got = errors(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(32), "{got:?}");
    assert!(
        got[0].1.contains("raw HTML") && got[0].1.contains("<b>"),
        "{got:?}"
    );
}

#[test]
fn picture_paths_with_dot_dot_are_reported_on_their_file_line() {
    // The body starts on line 30: the picture is on its third line.
    let text = lesson(
        4,
        &format!(
            "## Cách làm\n\n![Màn hình](../../../etc/passwd) và ![ok](/hoc/anh/a.jpg)\n\n{}",
            body(400)
        ),
    );
    let got = parse(&text).expect_err("should be rejected");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].to_string(),
        format!(
            "{PATH}:32: the picture path `../../../etc/passwd` contains `..`; name a file in the course's own folder"
        )
    );
}

#[test]
fn body_length_limits() {
    assert!(parse(&lesson(4, &body(300))).is_ok());
    assert!(parse(&lesson(4, &body(900))).is_ok());
    let got = errors(&lesson(4, &body(299)));
    assert_eq!(
        got,
        vec![(
            Some(30),
            "the lesson body has 299 words; write 300–900".to_string()
        )]
    );
    assert!(errors(&lesson(4, &body(901)))[0].1.contains("901 words"));
}

#[test]
fn nfd_text_is_reported() {
    let nfd: String = "Kích hoạt mức 2".nfd().collect();
    let text = good().replace("Kích hoạt mức 2", &nfd);
    let got = errors(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(3));
    assert!(got[0].1.contains("NFC"));
}

#[test]
fn slug_must_match_file_name() {
    let got = errors(&good().replace("slug = \"kich-hoat-muc-2\"", "slug = \"muc-2\""));
    assert_eq!(
        got,
        vec![(
            Some(2),
            "slug `muc-2` must match the file name's `kich-hoat-muc-2`".to_string()
        )]
    );
}

#[test]
fn front_matter_fences() {
    assert_eq!(errors(&format!("# Tiêu đề\n{}", good()))[0].0, Some(1));
    let unclosed = good().replace("+++\n##", "##");
    assert!(errors(&unclosed)[0].1.contains("never closed"));
    // Windows line endings are common when editing on a commune office PC.
    assert!(parse(&good().replace('\n', "\r\n")).is_ok());
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = lesson(2, &format!("<div>x</div>\n\n{}", body(100)))
        .replace("summary = \"Mang CCCD đến công an xã.\"", "summary = \"\"")
        .replacen("answer = 1", "answer = 7", 1);
    let got = errors(&text);
    let lines: Vec<Option<usize>> = got.iter().map(|(l, _)| *l).collect();
    // quiz count (no line), summary, answer, word count (body start), raw HTML.
    assert_eq!(
        lines,
        vec![None, Some(4), Some(9), Some(18), Some(18)],
        "{got:?}"
    );
}
