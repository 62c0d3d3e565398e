//! Content hashes let a re-import tell which lessons changed (and so which cached pages, search entries
//! and offline bundles to refresh). The canonical text is spelled out field by field instead of hashing a
//! serde serialisation, so the hash only changes when the content does, not when a struct gains a field.

use sha2::{Digest, Sha256};

use crate::model::{Course, Faq, Lesson};

/// Length-prefixed fields, so moving text from one field to the next can never give the same bytes.
struct Canon(Sha256);

impl Canon {
    fn new(kind: &str) -> Self {
        let mut c = Canon(Sha256::new());
        c.field("kind", kind);
        c
    }

    fn field(&mut self, name: &str, value: &str) -> &mut Self {
        self.0.update(name.as_bytes());
        self.0.update(b"\x1f");
        self.0.update(value.len().to_string().as_bytes());
        self.0.update(b"\x1f");
        self.0.update(value.as_bytes());
        self.0.update(b"\x1e");
        self
    }

    fn list<'a>(&mut self, name: &str, values: impl IntoIterator<Item = &'a str>) -> &mut Self {
        let values: Vec<&str> = values.into_iter().collect();
        self.field(name, &values.len().to_string());
        for v in values {
            self.field(name, v);
        }
        self
    }

    fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

impl Lesson {
    /// Hex SHA-256 of everything a learner sees in the lesson, quiz included.
    pub fn content_hash(&self) -> String {
        let mut c = Canon::new("lesson/1");
        c.field("slug", &self.slug)
            .field("title", &self.title)
            .field("summary", &self.summary)
            .field("body", &self.body_md)
            .field("questions", &self.quiz.len().to_string());
        for q in &self.quiz {
            c.field("q", &q.q)
                .list("choices", q.choices.iter().map(String::as_str))
                .field("answer", &q.answer.to_string())
                .field("explain", &q.explain);
        }
        c.finish()
    }
}

impl Course {
    /// Hex SHA-256 of the course's own fields and its lessons' hashes in order, so editing any lesson
    /// or reordering lessons changes it.
    pub fn content_hash(&self) -> String {
        let lesson_hashes: Vec<String> = self.lessons.iter().map(Lesson::content_hash).collect();
        let mut c = Canon::new("course/1");
        c.field("slug", &self.slug)
            .field("title", &self.title)
            .field("summary", &self.summary)
            .field("topic", self.topic.as_str())
            .field("level", self.level.as_str())
            .list("audiences", self.audiences.iter().map(|a| a.as_str()))
            .list("framework", self.framework.iter().map(String::as_str))
            .field("order", &self.order.to_string())
            .field("pass_percent", &self.pass_percent.to_string())
            .list("lessons", lesson_hashes.iter().map(String::as_str));
        c.finish()
    }
}

impl Faq {
    /// Hex SHA-256 of the entry, so the assistant's index can skip unchanged answers.
    pub fn content_hash(&self) -> String {
        let mut c = Canon::new("faq/1");
        c.field("id", &self.id)
            .field("q", &self.q)
            .list("alt", self.alt.iter().map(String::as_str))
            .field("a", &self.a)
            .list("lessons", self.lessons.iter().map(String::as_str));
        // Only when set, so the hashes of entries without one stay what they were.
        if !self.subject.is_empty() {
            c.list("subject", self.subject.iter().map(String::as_str));
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Audience, Level, Question, Topic};

    use super::*;

    fn lesson() -> Lesson {
        Lesson {
            slug: "ma-otp".into(),
            title: "Mã OTP".into(),
            summary: "Không đưa OTP cho ai.".into(),
            body_md: "## OTP\n\nMã dùng một lần.".into(),
            quiz: vec![Question {
                q: "Có nên đọc OTP cho người gọi tự xưng công an?".into(),
                choices: vec!["Có".into(), "Không".into()],
                answer: 1,
                explain: "Công an không bao giờ hỏi OTP.".into(),
            }],
            reading_minutes: 1,
        }
    }

    fn course() -> Course {
        Course {
            slug: "bao-mat-tai-khoan".into(),
            title: "Bảo mật".into(),
            summary: "Giữ tài khoản an toàn.".into(),
            topic: Topic::AnToan,
            level: Level::CoBan,
            audiences: vec![Audience::NguoiDan],
            framework: vec!["4.1".into()],
            order: 6,
            pass_percent: 80,
            lessons: vec![lesson()],
        }
    }

    #[test]
    fn hash_is_stable_hex() {
        let h = lesson().content_hash();
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(h, lesson().content_hash());
    }

    #[test]
    fn any_visible_change_changes_the_hash() {
        let base = lesson().content_hash();
        let mut l = lesson();
        l.quiz[0].answer = 0;
        assert_ne!(l.content_hash(), base);
        let mut l = lesson();
        l.body_md.push('!');
        assert_ne!(l.content_hash(), base);
        // Same bytes split differently between fields must not collide.
        let mut a = lesson();
        a.title = "Mã OTPx".into();
        a.summary = "Không đưa OTP cho ai.".into();
        let mut b = lesson();
        b.title = "Mã OTP".into();
        b.summary = "xKhông đưa OTP cho ai.".into();
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn course_hash_follows_lessons() {
        let base = course().content_hash();
        let mut c = course();
        c.lessons[0].title = "Mã OTP là gì".into();
        assert_ne!(c.content_hash(), base);
        let mut c = course();
        c.pass_percent = 70;
        assert_ne!(c.content_hash(), base);
        assert_eq!(course().content_hash(), base);
    }
}
