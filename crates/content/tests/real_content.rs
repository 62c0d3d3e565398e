//! Checks the repository's own content folder with the same rules the platform applies on import.

use std::path::{Path, PathBuf};

fn content_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// Course folders present, whether or not they are complete.
fn course_folders(root: &Path) -> usize {
    std::fs::read_dir(root.join("courses"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .count()
        })
        .unwrap_or(0)
}

fn report(problems: &[content::ContentError]) -> String {
    problems.iter().map(|p| format!("  {p}\n")).collect()
}

#[test]
fn repository_content_is_valid() {
    let root = content_root();
    let folders = course_folders(&root);
    // The curriculum has ten courses and they are being written in parallel; until all ten folders
    // exist a half-written lesson is expected, so report what is there and skip instead of failing.
    if folders < 10 {
        eprintln!("skipping: only {folders} of 10 course folders exist yet");
        if let Err(problems) = content::load_dir(&root) {
            eprintln!("{} problems so far:\n{}", problems.len(), report(&problems));
        }
        return;
    }
    match content::load_dir(&root) {
        Ok(lib) => {
            let lessons: usize = lib.courses.iter().map(|c| c.lessons.len()).sum();
            eprintln!(
                "{} courses, {lessons} lessons, {} FAQ entries",
                lib.courses.len(),
                lib.faq.len()
            );
            assert!(lib.courses.len() >= 10);
        }
        Err(problems) => panic!(
            "{} problems in {}:\n{}",
            problems.len(),
            root.display(),
            report(&problems)
        ),
    }
}

#[test]
fn assistant_eval_set_is_valid() {
    let root = content_root();
    let path = root.join("eval/assistant.toml");
    if !path.is_file() || course_folders(&root) < 10 {
        eprintln!("skipping: eval set or courses not written yet");
        return;
    }
    // The tuning part and the parts nobody tunes on (issue 14) are held to the same rules.
    let others = [
        "assistant-heldout",
        "assistant-real",
        "assistant-real2",
        "assistant-real3",
        "assistant-real4",
        "assistant-real5",
    ]
    .map(|name| root.join(format!("eval/{name}.toml")))
    .into_iter()
    .filter(|p| p.is_file());
    for path in std::iter::once(path).chain(others) {
        let cases = content::eval::load_assistant_cases(&path).unwrap_or_else(|problems| {
            panic!("{} problems:\n{}", problems.len(), report(&problems))
        });
        eprintln!("{} assistant cases in {}", cases.len(), path.display());
        // References can only be checked against a library that loads.
        if let Ok(lib) = content::load_dir(&root) {
            let problems = content::eval::check_references(&path, &cases, &lib);
            assert!(
                problems.is_empty(),
                "{} problems:\n{}",
                problems.len(),
                report(&problems)
            );
        }
    }
}
