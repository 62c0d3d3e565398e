//! Lesson Markdown → safe HTML and → plain text. Lessons are authored by provinces, not by us, so the
//! HTML is always sanitised even though `load_dir` already rejects raw HTML.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, TextMergeWithOffset};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::error::line_index;

fn options() -> Options {
    // Tables help for "fee / where / how long" comparisons; everything else stays plain CommonMark so a
    // stray `~` or `[^1]` in Vietnamese text renders as typed.
    Options::ENABLE_TABLES
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(base_sanitizer);

fn base_sanitizer() -> Builder<'static> {
    let tags: HashSet<&str> = [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    let tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        // Numbered steps may continue after a paragraph ("4. …"), which Markdown renders as <ol start>.
        ("ol", HashSet::from(["start"])),
    ]);
    let mut b = Builder::empty();
    b.tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
}

/// Where pictures uploaded for local courses are served; the only image source lessons may use.
pub const LOCAL_IMAGE_PREFIX: &str = "/hoc/anh/";

static SANITIZER_WITH_IMAGES: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = base_sanitizer();
    b.add_tags(["img"])
        .add_tag_attributes("img", ["src", "alt"])
        .attribute_filter(|element, attribute, value| {
            if element == "img"
                && attribute == "src"
                && (!value.starts_with(LOCAL_IMAGE_PREFIX) || climbs(value))
            {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

/// Whether a path climbs out of its folder: `..` anywhere in it, also written `%2e` or through `\`.
/// A picture's path names a file under [`LOCAL_IMAGE_PREFIX`]; `/hoc/anh/../../quan-ly/…` would make
/// every reader's browser request another page (with their cookies), so such a path is never kept.
pub fn climbs(path: &str) -> bool {
    let decoded = path
        .replace("%2e", ".")
        .replace("%2E", ".")
        .replace("%2f", "/")
        .replace("%2F", "/")
        .replace("%5c", "/")
        .replace("%5C", "/")
        .replace('\\', "/");
    decoded.contains("..")
}

/// Pictures whose path climbs out of its folder, as (0-based line in `md`, the path), for the lesson
/// check: reported rather than silently dropped, so the author sees why the picture is missing.
pub(crate) fn climbing_images(md: &str) -> Vec<(usize, String)> {
    Parser::new_ext(md, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Image { dest_url, .. }) if climbs(&dest_url) => {
                Some((line_index(md, range.start), dest_url.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// [`render_markdown`] that also keeps `![alt](/hoc/anh/…)` pictures (local courses written in the
/// browser, whose pictures are uploaded and resized by the platform); any other image source is dropped.
pub fn render_markdown_with_local_images(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options()));
    SANITIZER_WITH_IMAGES.clean(&html).to_string()
}

/// Markdown → HTML fit to put straight into a page: only lesson tags survive, links are http(s) or
/// relative and carry `rel="noopener noreferrer"`, scripts and event handlers are gone.
pub fn render_markdown(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options()));
    SANITIZER.clean(&html).to_string()
}

/// The words a reader sees, one block per line: for the search index and for the "Nghe" (listen) button,
/// so link targets, code fences markers and raw HTML are dropped while step numbers are kept.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    // Next number per open list (None for bullet lists), so "Bước 3" can still be heard as "3.".
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                if let Some(Some(n)) = lists.last_mut() {
                    out.push_str(&format!("{n}. "));
                    *n += 1;
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableHead
                | TagEnd::TableRow,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Raw HTML in a lesson body as (0-based line in `md`, what was found), one entry per line. Besides
/// what CommonMark parses as HTML this also catches half-written tags such as `<b` that it would show
/// to the reader as literal text; code spans and blocks are left alone.
pub(crate) fn raw_html(md: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut in_code_block = false;
    // Merged because the parser hands `<` over as its own text event when it is not a tag.
    let events = TextMergeWithOffset::new(Parser::new_ext(md, options()).into_offset_iter());
    for (event, range) in events {
        let hit = match &event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                None
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                None
            }
            Event::Html(s) | Event::InlineHtml(s) => Some((0, s.as_ref())),
            Event::Text(s) if !in_code_block => tag_start(s).map(|pos| (pos, s.as_ref())),
            _ => None,
        };
        let Some((pos, text)) = hit else { continue };
        let line = line_index(md, range.start) + text[..pos].matches('\n').count();
        if found.last().is_some_and(|(l, _)| *l == line) {
            continue;
        }
        let snippet: String = text[pos..].trim().chars().take(40).collect();
        found.push((line, snippet));
    }
    found
}

/// Byte offset of the first `<` that opens something tag-like: `<b`, `</b`, `<!--`.
fn tag_start(text: &str) -> Option<usize> {
    text.match_indices('<').map(|(i, _)| i).find(|&i| {
        let rest = &text.as_bytes()[i + 1..];
        match rest {
            [b'/', c, ..] => c.is_ascii_alphabetic(),
            [b'!', ..] => true,
            [c, ..] => c.is_ascii_alphabetic(),
            [] => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lesson_markdown() {
        let html = render_markdown("## Bước 1\n\n1. Mở **VNeID**\n2. Bấm *Đăng nhập*\n\n> Lưu ý\n");
        assert!(html.contains("<h2>Bước 1</h2>"), "{html}");
        assert!(html.contains("<ol>"), "{html}");
        assert!(html.contains("<strong>VNeID</strong>"), "{html}");
        assert!(html.contains("<em>Đăng nhập</em>"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
    }

    #[test]
    fn links_get_rel_and_bad_schemes_are_dropped() {
        let html = render_markdown(
            "[a](https://dichvucong.gov.vn) [b](/hoc/vneid) [c](javascript:alert(1))",
        );
        assert!(
            html.contains(r#"<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">a</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"href="/hoc/vneid""#), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn raw_html_is_stripped_from_output() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> chữ <b onclick=x>đậm</b>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("đậm"), "{html}");
    }

    #[test]
    fn image_paths_never_climb() {
        for bad in [
            "/hoc/anh/../../quan-ly/xoa.jpg",
            "/hoc/anh/%2e%2e/%2E%2E/x.jpg",
            "/hoc/anh/..%2fx.jpg",
            "/hoc/anh/.\\..\\x.jpg",
        ] {
            assert!(climbs(bad), "{bad}");
            let html = render_markdown_with_local_images(&format!("![a]({bad})"));
            assert!(!html.contains("src="), "{bad}: {html}");
        }
        assert!(!climbs("/hoc/anh/0192f3c4-7d1e.jpg"));
        let found = climbing_images(
            "Dòng một\n\n![ảnh](/hoc/anh/ok.jpg)\n\nBước 2 ![x](../../etc/passwd)\n",
        );
        assert_eq!(found, vec![(4, "../../etc/passwd".to_owned())]);
    }

    #[test]
    fn local_images_only() {
        let html = render_markdown_with_local_images(
            "![Màn hình VNeID](/hoc/anh/abc.jpg) ![x](https://evil.example/a.png) <img src=x onerror=alert(1)>",
        );
        assert!(
            html.contains(r#"<img src="/hoc/anh/abc.jpg" alt="Màn hình VNeID">"#),
            "{html}"
        );
        assert!(!html.contains("evil"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!render_markdown("![a](/hoc/anh/abc.jpg)").contains("<img"));
    }

    #[test]
    fn tables_render() {
        let html = render_markdown("| Việc | Phí |\n|---|---|\n| Cấp lại | 0 đồng |\n");
        assert!(
            html.contains("<table>") && html.contains("<td>0 đồng</td>"),
            "{html}"
        );
    }

    #[test]
    fn plain_text_keeps_words_and_step_numbers() {
        let text = plain_text(
            "## Cách làm\n\n1. Mở [VNeID](https://vneid.gov.vn)\n2. Nhập `123456`\n\nXong.\n",
        );
        assert_eq!(text, "Cách làm\n1. Mở VNeID\n2. Nhập 123456\nXong.");
    }

    #[test]
    fn raw_html_found_with_line() {
        let found = raw_html("Dòng một\n\nChữ <b>đậm</b>\n\n<div>\nx\n</div>\n");
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4, 5, 6]);
        assert!(found[0].1.starts_with("<b>"));
        assert!(raw_html("Không có thẻ; a < b, <3 và <https://vneid.gov.vn>").is_empty());
        assert!(raw_html("Mã `<b>` và\n\n```\n<div>\n```\n").is_empty());
    }

    #[test]
    fn half_written_tags_are_found() {
        let found = raw_html("Dòng một\nBấm <b nút xanh\n");
        assert_eq!(found, vec![(1, "<b nút xanh".to_string())]);
    }
}
