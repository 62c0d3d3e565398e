use super::*;
use crate::fixtures::{Tree, course_toml, faq_toml, lesson_md};

fn problems(tree: &Tree) -> Vec<String> {
    let root = tree.root().display().to_string();
    load_dir(tree.root())
        .expect_err("should be rejected")
        .iter()
        .map(|e| e.to_string().replace(&root, ""))
        .collect()
}

#[test]
fn loads_a_valid_tree_in_catalogue_order() {
    let tree = Tree::new();
    tree.course("vneid", 3, &["02-kich-hoat-muc-2", "01-vneid-la-gi"])
        .course("dien-thoai", 1, &["01-lam-quen"])
        .write("faq/b.toml", faq_toml("b-1", "vneid/kich-hoat-muc-2"))
        .write("faq/a.toml", faq_toml("a-1", "dien-thoai/lam-quen"))
        .write("faq/notes.txt", "not content")
        .write("courses/.DS_Store", "junk");
    let lib = load_dir(tree.root()).expect("valid");
    let courses: Vec<&str> = lib.courses.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(courses, vec!["dien-thoai", "vneid"]);
    let lessons: Vec<&str> = lib.courses[1]
        .lessons
        .iter()
        .map(|l| l.slug.as_str())
        .collect();
    assert_eq!(lessons, vec!["vneid-la-gi", "kich-hoat-muc-2"]);
    let faq: Vec<&str> = lib.faq.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(faq, vec!["a-1", "b-1"]);
    assert!(lib.lesson_by_link("vneid/kich-hoat-muc-2").is_some());
    assert_eq!(lib.courses[0].lessons[0].reading_minutes, 3);
}

#[test]
fn missing_root_is_an_error_and_empty_root_is_empty() {
    let tree = Tree::new();
    assert!(load_dir(&tree.path("nope")).is_err());
    assert_eq!(
        load_dir(tree.root()).expect("empty is fine"),
        Library::default()
    );
}

#[test]
fn duplicate_lesson_slug_in_a_course() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-vneid-la-gi", "02-vneid-la-gi"]);
    // The second file's name says `vneid-la-gi` too, so both name checks pass and only the duplicate fails.
    assert_eq!(
        problems(&tree),
        vec![
            format!(
                "/courses/vneid/02-vneid-la-gi.md:2: lesson slug `vneid-la-gi` is also used by {}",
                tree.path("courses/vneid/01-vneid-la-gi.md").display()
            )
            .replace(&tree.root().display().to_string(), "")
        ]
    );
}

#[test]
fn duplicate_lesson_number() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-a", "01-b"]);
    let got = problems(&tree);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("/courses/vneid/01-b.md: lesson number 01 is also used by"),
        "{got:?}"
    );
}

#[test]
fn course_slug_must_match_folder() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-a"])
        .write("courses/vneid/course.toml", course_toml("dinh-danh", 1));
    assert_eq!(
        problems(&tree),
        vec!["/courses/vneid/course.toml:1: slug `dinh-danh` must equal the folder name `vneid`"]
    );
}

#[test]
fn missing_course_toml_and_course_without_lessons() {
    let tree = Tree::new();
    tree.write("courses/vneid/01-a.md", lesson_md("a"))
        .write("courses/ai/course.toml", course_toml("ai", 2));
    assert_eq!(
        problems(&tree),
        vec![
            "/courses/ai/course.toml: this course has no lesson files (NN-<slug>.md)",
            "/courses/vneid/course.toml: missing course.toml for this course folder",
        ]
    );
}

#[test]
fn duplicate_order() {
    let tree = Tree::new();
    tree.course("a", 1, &["01-x"]).course("b", 1, &["01-x"]);
    assert_eq!(
        problems(&tree),
        vec!["/courses/b/course.toml:8: order 1 is also used by course `a`"]
    );
}

#[test]
fn duplicate_faq_id_across_files() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-a"])
        .write("faq/a.toml", faq_toml("hoi", "vneid/a"))
        .write("faq/b.toml", faq_toml("hoi", "vneid/a"));
    let got = problems(&tree);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("/faq/b.toml:2: FAQ id `hoi` is already used at "),
        "{got:?}"
    );
    assert!(got[0].ends_with("/faq/a.toml:2"), "{got:?}");
}

#[test]
fn faq_links_must_exist_but_a_broken_lesson_still_counts() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-a"])
        .write("courses/vneid/02-b.md", "no front matter")
        .write("faq/a.toml", faq_toml("x", "vneid/b"))
        .write("faq/b.toml", faq_toml("y", "vneid/c"));
    assert_eq!(
        problems(&tree),
        vec![
            "/courses/vneid/02-b.md:1: a lesson must start with a `+++` line opening its front matter",
            "/faq/b.toml:5: links to lesson `vneid/c`, which does not exist",
        ]
    );
}

#[test]
fn problems_in_many_files_are_all_reported() {
    let tree = Tree::new();
    tree.course("vneid", 1, &["01-a", "02-b"])
        .write(
            "courses/vneid/01-a.md",
            lesson_md("a").replace("answer = 1", "answer = 5"),
        )
        .write(
            "courses/vneid/03-c.md",
            lesson_md("c").replace("## Cách làm", "<h2>Cách làm</h2>"),
        )
        .write("faq/a.toml", b"[[faq]]\nid = \"\xff\"\n".as_slice());
    let got = problems(&tree);
    let files: Vec<&str> = got
        .iter()
        .map(|p| p.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        files,
        vec![
            "/courses/vneid/01-a.md",
            "/courses/vneid/01-a.md",
            "/courses/vneid/01-a.md",
            "/courses/vneid/01-a.md",
            "/courses/vneid/03-c.md",
            "/faq/a.toml",
        ],
        "{got:#?}"
    );
    assert!(got[5].ends_with("file is not UTF-8 text; re-save it as UTF-8"));
}
