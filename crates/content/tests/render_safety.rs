//! Property: whatever a province puts in a lesson, `render_markdown` emits nothing that runs script.
//!
//! The words "javascript:" or "onclick=" may legitimately appear as *text* (escaped, harmless), so the
//! checks look inside tags: no `<script` tag, no `on*` attribute, no link whose scheme is not http(s).

use proptest::prelude::*;

/// A tag as serialized by ammonia: name plus (attribute, decoded value) pairs.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Splits serialized HTML into its tags. Text never contains a raw `<` (the serializer escapes it), so
/// every `<` opens a tag; `>` inside a quoted attribute value does not close it.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let mut quote = false;
        let mut end = rest.len();
        for (i, c) in rest[start..].char_indices() {
            match c {
                '"' => quote = !quote,
                '>' if !quote => {
                    end = start + i;
                    break;
                }
                _ => {}
            }
        }
        out.push(parse_tag(&rest[start + 1..end]));
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

fn parse_tag(inner: &str) -> Tag {
    let inner = inner.trim_start_matches('/');
    let (name, mut attrs_text) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let mut attrs = Vec::new();
    loop {
        attrs_text = attrs_text.trim_start();
        if attrs_text.is_empty() || attrs_text == "/" {
            break;
        }
        let name_end = attrs_text
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(attrs_text.len());
        let attr = attrs_text[..name_end].to_ascii_lowercase();
        attrs_text = &attrs_text[name_end..];
        let mut value = String::new();
        if let Some(after_eq) = attrs_text.strip_prefix("=\"") {
            let close = after_eq.find('"').unwrap_or(after_eq.len());
            value = decode(&after_eq[..close]);
            attrs_text = after_eq.get(close + 1..).unwrap_or("");
        }
        attrs.push((attr, value));
    }
    Tag {
        name: name.to_ascii_lowercase(),
        attrs,
    }
}

fn decode(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The scheme a browser would see: it ignores tabs, newlines and leading spaces/controls in URLs.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let colon = cleaned.find(':')?;
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(before.to_ascii_lowercase())
}

fn assert_safe(md: &str) -> Result<(), TestCaseError> {
    let html = content::render_markdown(md);
    prop_assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "script in {html:?}"
    );
    for tag in tags(&html) {
        prop_assert!(
            tag.name != "script" && tag.name != "img" && tag.name != "iframe",
            "{html:?}"
        );
        for (attr, value) in &tag.attrs {
            prop_assert!(
                !attr.starts_with("on"),
                "event handler `{attr}` in {html:?}"
            );
            prop_assert!(attr != "style", "style in {html:?}");
            if attr == "href" {
                let s = scheme(value);
                prop_assert!(
                    matches!(s.as_deref(), None | Some("http") | Some("https")),
                    "scheme {s:?} in {html:?}"
                );
                prop_assert!(
                    !value
                        .to_ascii_lowercase()
                        .trim_start()
                        .starts_with("javascript:")
                );
            }
        }
    }
    Ok(())
}

/// Pieces that attack the sanitizer from Markdown and from raw HTML, mixed with arbitrary text.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("<SCRIPT src=//x></SCRIPT>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<a href=\"javascript:alert(1)\" onclick=\"x()\">a</a>".to_string()),
        Just("[a](javascript:alert(1))".to_string()),
        Just("[a](JaVaScRiPt:alert(1))".to_string()),
        Just("[a](java\tscript:alert(1))".to_string()),
        Just("[a](&#106;avascript:alert(1))".to_string()),
        Just("[a]: javascript:alert(1)\n\n[a]".to_string()),
        Just("<javascript:alert(1)>".to_string()),
        Just("![x](javascript:alert(1))".to_string()),
        Just("[a](data:text/html;base64,PHNjcmlwdD4=)".to_string()),
        Just("<svg onload=alert(1)>".to_string()),
        Just("<div style=\"x\" onmouseover=\"y\">".to_string()),
        Just("<!-- <script> -->".to_string()),
        Just("`<script>`".to_string()),
        Just("```\n<script>\n```".to_string()),
        Just("\n\n".to_string()),
        Just("| a | b |\n|---|---|\n| <b onclick=x>c</b> | d |\n".to_string()),
        Just("> ".to_string()),
        Just("1. ".to_string()),
        Just("[".to_string()),
        Just("](".to_string()),
        Just("\"".to_string()),
        Just("<".to_string()),
        Just("on".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_script_from_mixed_fragments(parts in prop::collection::vec(fragment(), 0..16)) {
        assert_safe(&parts.concat())?;
    }

    #[test]
    fn no_script_from_arbitrary_text(md in any::<String>()) {
        assert_safe(&md)?;
    }
}

#[test]
fn checker_catches_what_it_should() {
    let t = tags(r#"<p>x</p><a href="java&amp;script:x" onclick="y">z</a>"#);
    assert_eq!(t.len(), 4);
    assert_eq!(t[2].name, "a");
    assert_eq!(
        t[2].attrs,
        vec![
            ("href".into(), "java&script:x".into()),
            ("onclick".into(), "y".into())
        ]
    );
    assert_eq!(scheme(" java\tscript:x").as_deref(), Some("javascript"));
    assert_eq!(scheme("/hoc/vneid:x"), None);
}
