//! `courses/<slug>/course.toml`.

use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

use crate::error::ContentError;
use crate::model::{Audience, Course, Level, Topic};
use crate::text::is_slug;
use crate::toml_doc::Source;
use crate::validate::{Checker, check_nfc};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    slug: Spanned<String>,
    title: Spanned<String>,
    summary: Spanned<String>,
    topic: Topic,
    level: Level,
    audiences: Spanned<Vec<Spanned<Audience>>>,
    framework: Spanned<Vec<Spanned<String>>>,
    order: Spanned<u32>,
    // Signed and wide so 0, 150 or -5 reach our range check with a clear message instead of a type error.
    pass_percent: Option<Spanned<i64>>,
}

const DEFAULT_PASS_PERCENT: u8 = 80;

/// A course header (its `lessons` still empty) with the lines the cross-course checks point at.
#[derive(Debug)]
pub(crate) struct CourseFile {
    pub course: Course,
    pub slug_line: usize,
    pub order_line: usize,
}

/// Parses and checks one `course.toml`. The folder name is taken from `path`, because the slug must
/// match it.
pub(crate) fn parse_course(path: &Path, text: &str) -> Result<CourseFile, Vec<ContentError>> {
    let src = Source {
        path,
        text,
        first_line: 1,
    };
    let mut check = Checker::new(path);
    check_nfc(&mut check, text);
    let raw = match src
        .parse()
        .and_then(|doc| src.deserialize::<RawCourse>(doc).map_err(|e| vec![e]))
    {
        Ok(raw) => raw,
        Err(errors) => {
            check.extend(errors);
            return Err(check.fail());
        }
    };

    let folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str());
    if !is_slug(raw.slug.get_ref()) {
        check.at(
            &src,
            &raw.slug,
            format!(
                "slug `{}` must be lowercase ASCII words joined by `-`",
                raw.slug.get_ref()
            ),
        );
    } else if let Some(folder) = folder.filter(|f| *f != raw.slug.get_ref()) {
        check.at(
            &src,
            &raw.slug,
            format!(
                "slug `{}` must equal the folder name `{folder}`",
                raw.slug.get_ref()
            ),
        );
    }
    check.non_empty(&src, &raw.title, "title");
    check.non_empty(&src, &raw.summary, "summary");

    if raw.audiences.get_ref().is_empty() {
        check.at(
            &src,
            &raw.audiences,
            "audiences must name at least one target group",
        );
    }
    let mut seen = HashSet::new();
    for a in raw.audiences.get_ref() {
        if !seen.insert(*a.get_ref()) {
            check.at(
                &src,
                a,
                format!("audience `{}` is listed twice", a.get_ref()),
            );
        }
    }

    if raw.framework.get_ref().is_empty() {
        check.at(
            &src,
            &raw.framework,
            "framework must list at least one competence code, e.g. \"1.1\"",
        );
    }
    for code in raw.framework.get_ref() {
        if !is_framework_code(code.get_ref()) {
            check.at(
                &src,
                code,
                format!("framework code `{}` must look like \"2.3\"", code.get_ref()),
            );
        }
    }

    let pass_percent = match &raw.pass_percent {
        None => DEFAULT_PASS_PERCENT,
        Some(p) => match u8::try_from(*p.get_ref()) {
            Ok(v) if (1..=100).contains(&v) => v,
            _ => {
                check.at(
                    &src,
                    p,
                    format!(
                        "pass_percent must be between 1 and 100, not {}",
                        p.get_ref()
                    ),
                );
                DEFAULT_PASS_PERCENT
            }
        },
    };

    check.finish()?;
    Ok(CourseFile {
        slug_line: src.line_of(&raw.slug),
        order_line: src.line_of(&raw.order),
        course: Course {
            slug: raw.slug.into_inner(),
            title: raw.title.into_inner(),
            summary: raw.summary.into_inner(),
            topic: raw.topic,
            level: raw.level,
            audiences: raw
                .audiences
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            framework: raw
                .framework
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            order: raw.order.into_inner(),
            pass_percent,
            lessons: Vec::new(),
        },
    })
}

/// Codes of 757/QĐ-BKHCN are dotted numbers ("1", "2.3", "4.1.2").
fn is_framework_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"slug = "vneid"
title = "VNeID – định danh điện tử"
summary = "Cài và dùng VNeID."
topic = "dinh-danh"
level = "co-ban"
audiences = ["nguoi-dan", "doan-vien"]
framework = ["1.1", "2.3"]
order = 3
"#;

    fn parse(text: &str) -> Result<CourseFile, Vec<ContentError>> {
        parse_course(Path::new("content/courses/vneid/course.toml"), text)
    }

    fn reasons(errors: &[ContentError]) -> Vec<(Option<usize>, String)> {
        errors.iter().map(|e| (e.line, e.reason.clone())).collect()
    }

    #[test]
    fn good_course_parses_with_default_pass_percent() {
        let c = parse(GOOD).expect("valid").course;
        assert_eq!(c.slug, "vneid");
        assert_eq!(c.topic, Topic::DinhDanh);
        assert_eq!(c.audiences, vec![Audience::NguoiDan, Audience::DoanVien]);
        assert_eq!(c.order, 3);
        assert_eq!(c.pass_percent, 80);
    }

    #[test]
    fn unknown_audience_is_reported_on_its_line() {
        let text = GOOD.replace("\"doan-vien\"]", "\"nong-dan\"]");
        let errors = parse(&text).expect_err("unknown audience");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(6));
        assert!(errors[0].reason.contains("nong-dan"), "{}", errors[0]);
    }

    #[test]
    fn unknown_topic_and_level_and_field_are_errors() {
        for (from, to) in [
            ("dinh-danh", "dinh-danh-so"),
            ("co-ban", "trung-binh"),
            ("order = 3", "order = 3\ncolor = 1"),
        ] {
            assert!(parse(&GOOD.replace(from, to)).is_err(), "{to}");
        }
    }

    #[test]
    fn slug_must_match_folder_and_rules_are_all_reported() {
        let text = GOOD
            .replace("slug = \"vneid\"", "slug = \"dinh-danh\"")
            .replace("order = 3", "order = 3\npass_percent = 0")
            .replace("\"1.1\"", "\"1.x\"")
            .replace("\"doan-vien\"]", "\"nguoi-dan\"]");
        let errors = parse(&text).expect_err("several problems");
        let got = reasons(&errors);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0].0, Some(1));
        assert!(got[0].1.contains("folder name `vneid`"));
        assert!(
            got.iter()
                .any(|(l, r)| *l == Some(6) && r.contains("twice"))
        );
        assert!(got.iter().any(|(l, r)| *l == Some(7) && r.contains("1.x")));
        assert!(
            got.iter()
                .any(|(l, r)| *l == Some(9) && r.contains("pass_percent"))
        );
    }

    #[test]
    fn pass_percent_range() {
        let ok = parse(&format!("{GOOD}pass_percent = 100\n")).expect("100 is fine");
        assert_eq!(ok.course.pass_percent, 100);
        assert!(parse(&format!("{GOOD}pass_percent = 101\n")).is_err());
        assert!(parse(&format!("{GOOD}pass_percent = -1\n")).is_err());
    }

    #[test]
    fn bad_slug_and_empty_title() {
        let text = GOOD
            .replace("slug = \"vneid\"", "slug = \"VNeID\"")
            .replace("title = \"VNeID – định danh điện tử\"", "title = \" \"");
        let got = reasons(&parse(&text).expect_err("bad"));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, Some(1));
        assert_eq!(got[1].0, Some(2));
    }
}
