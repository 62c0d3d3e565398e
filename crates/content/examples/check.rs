//! Checks a content folder and prints every problem, for content writers until `hocvuso content check`
//! ships: `cargo run -p content --example check -- content`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    match content::load_dir(&root) {
        Ok(lib) => {
            let lessons: usize = lib.courses.iter().map(|c| c.lessons.len()).sum();
            println!(
                "ok: {} courses, {lessons} lessons, {} FAQ entries",
                lib.courses.len(),
                lib.faq.len()
            );
            for c in &lib.courses {
                let words: Vec<usize> = c
                    .lessons
                    .iter()
                    .map(|l| content::word_count(&content::plain_text(&l.body_md)))
                    .collect();
                println!(
                    "  {:>2} {:<28} {} lessons, words {:?}, {}",
                    c.order,
                    c.slug,
                    c.lessons.len(),
                    words,
                    &c.content_hash()[..12]
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("{} problems", problems.len());
            ExitCode::FAILURE
        }
    }
}
