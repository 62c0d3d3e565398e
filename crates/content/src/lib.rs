//! Parses and validates the platform's content folder (courses, lessons, FAQ, eval sets; formats in
//! `content/README.md`) and renders lesson Markdown to safe HTML. Pure: the only I/O is reading the
//! folder (or none: [`Files`] may come from the binary), so `hocvuso content check`, the importer and
//! tests all share one set of rules.

mod course;
mod error;
pub mod eval;
mod faq;
mod files;
mod hash;
mod lesson;
mod load;
mod markdown;
mod model;
mod text;
mod toml_doc;
mod validate;

#[cfg(test)]
mod fixtures;

pub use error::ContentError;
pub use files::Files;
pub use lesson::{MAX_WORDS, MIN_QUESTIONS, MIN_WORDS};
pub use load::{load_dir, load_files};
pub use markdown::{
    LOCAL_IMAGE_PREFIX, plain_text, render_markdown, render_markdown_with_local_images,
};
pub use model::{Audience, Course, Faq, Lesson, Level, Library, Question, Topic};
pub use text::{is_slug, word_count};
