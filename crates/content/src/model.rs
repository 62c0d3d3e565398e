//! The loaded, validated content. Everything here has passed `load_dir`'s checks, so the platform can
//! import it without re-validating.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    /// Sorted by `order`, the catalogue position.
    pub courses: Vec<Course>,
    /// In file-name order, then in the order written in each file.
    pub faq: Vec<Faq>,
}

impl Library {
    pub fn course(&self, slug: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.slug == slug)
    }

    /// Resolves a link written `course-slug/lesson-slug`, the form FAQ entries and the assistant use.
    pub fn lesson_by_link(&self, link: &str) -> Option<(&Course, &Lesson)> {
        let (course, lesson) = link.split_once('/')?;
        let course = self.course(course)?;
        Some((course, course.lessons.iter().find(|l| l.slug == lesson)?))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub topic: Topic,
    pub level: Level,
    pub audiences: Vec<Audience>,
    /// Competence codes of the national basic digital-skills framework (757/QĐ-BKHCN), e.g. "2.3".
    pub framework: Vec<String>,
    pub order: u32,
    pub pass_percent: u8,
    /// In `NN` file-name order.
    pub lessons: Vec<Lesson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub quiz: Vec<Question>,
    pub reading_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub q: String,
    pub choices: Vec<String>,
    /// 0-based index into `choices`.
    pub answer: usize,
    pub explain: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub id: String,
    pub q: String,
    /// Other ways people ask the same thing; the assistant indexes them with `q`.
    pub alt: Vec<String>,
    pub a: String,
    /// `course-slug/lesson-slug` links, all checked to exist.
    pub lessons: Vec<String>,
    /// Words, one of which a question must name before the assistant answers it from this entry with
    /// ordinary confidence (`vneid`, `tích hợp` for "the health card in VNeID"): an entry whose
    /// question shares its object with common questions it does not answer ("thẻ bảo hiểm y tế hết hạn
    /// gia hạn ở đâu"). Empty for most entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject: Vec<String>,
}

/// Enums whose serialized form is a fixed ASCII slug. The slugs are stored in the database and in URLs,
/// so each is written out once here rather than derived from the variant name.
macro_rules! slug_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $slug)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $slug,)+
                }
            }

            pub fn from_slug(slug: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == slug)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

slug_enum!(
    /// Target groups named by the movement.
    Audience {
        CanBo => "can-bo",
        DoanVien => "doan-vien",
        HocSinh => "hoc-sinh",
        DoanhNghiep => "doanh-nghiep",
        NguoiDan => "nguoi-dan",
    }
);

slug_enum!(Level {
    CoBan => "co-ban",
    NangCao => "nang-cao",
});

slug_enum!(Topic {
    ThietBi => "thiet-bi",
    Internet => "internet",
    DinhDanh => "dinh-danh",
    DichVuCong => "dich-vu-cong",
    ThanhToan => "thanh-toan",
    AnToan => "an-toan",
    LuaDao => "lua-dao",
    ThongTin => "thong-tin",
    Ai => "ai",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for a in Audience::ALL {
            assert_eq!(Audience::from_slug(a.as_str()), Some(*a));
        }
        assert_eq!(Topic::from_slug("dich-vu-cong"), Some(Topic::DichVuCong));
        assert_eq!(Level::from_slug("nang-cao"), Some(Level::NangCao));
        assert_eq!(Level::from_slug("kho"), None);
    }
}
