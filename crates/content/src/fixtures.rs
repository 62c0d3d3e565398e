//! Valid content files for tests that need a whole folder; each test then breaks one thing.

use std::fs;
use std::path::{Path, PathBuf};

pub fn course_toml(slug: &str, order: u32) -> String {
    format!(
        "slug = \"{slug}\"\ntitle = \"Khóa {slug}\"\nsummary = \"Tóm tắt.\"\ntopic = \"an-toan\"\nlevel = \"co-ban\"\naudiences = [\"nguoi-dan\"]\nframework = [\"4.1\"]\norder = {order}\n"
    )
}

/// A valid lesson: slug on line 2, four questions, a 320-word body.
pub fn lesson_md(slug: &str) -> String {
    let quiz: String = (1..=4)
        .map(|i| format!("\n[[quiz]]\nq = \"Câu {i}?\"\nchoices = [\"Có\", \"Không\"]\nanswer = 1\nexplain = \"Vì vậy.\"\n"))
        .collect();
    let words = vec!["chữ"; 318].join(" ");
    format!(
        "+++\nslug = \"{slug}\"\ntitle = \"Bài {slug}\"\nsummary = \"Tóm tắt.\"\n{quiz}+++\n## Cách làm\n\n{words}\n"
    )
}

pub fn faq_toml(id: &str, link: &str) -> String {
    format!("[[faq]]\nid = \"{id}\"\nq = \"Hỏi?\"\na = \"Đáp.\"\nlessons = [\"{link}\"]\n")
}

/// A throw-away content folder.
pub struct Tree(tempfile::TempDir);

impl Tree {
    pub fn new() -> Self {
        Tree(tempfile::tempdir().expect("temp dir"))
    }

    pub fn root(&self) -> &Path {
        self.0.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, text).expect("write");
        self
    }

    /// One course folder with the given lessons (file names without `.md`).
    pub fn course(&self, slug: &str, order: u32, lessons: &[&str]) -> &Self {
        self.write(
            &format!("courses/{slug}/course.toml"),
            course_toml(slug, order),
        );
        for name in lessons {
            let lesson_slug = name.get(3..).unwrap_or(name);
            self.write(&format!("courses/{slug}/{name}.md"), lesson_md(lesson_slug));
        }
        self
    }
}
