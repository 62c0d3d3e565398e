//! The in-process knowledge base: derived state, built from the content in force (FAQ files and
//! lessons: the built-in ones with the content folder over them) and the FAQ entries admins published from the database. Every app server builds its own at
//! start-up and rebuilds it in the background, swapping the new one in, when the content files change
//! (a cheap fingerprint of names, sizes and modification times) or the published entries do (a version
//! counter in the database). Both are looked at, at most every [`POLL_MS`] milliseconds, by whichever
//! request comes first: no scheduler, no messaging, and a request never waits for a rebuild.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use kbsearch::{Doc, DocKind, KnowledgeBase};

use super::llm::Llm;
use super::store::{self, PublishedFaq};
use crate::content_source::ContentSource;
use crate::db::Db;

/// How stale a content change (or another server's publication) may be seen here.
pub const POLL_MS: i64 = 3_000;

/// A citation: what to show and where it leads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// One FAQ entry as the pages show it.
#[derive(Debug, Clone)]
pub struct FaqEntry {
    pub id: String,
    pub q: String,
    pub a: String,
    /// The lessons it links, as citations.
    pub lessons: Vec<Source>,
    /// Written by an admin on this platform rather than shipped in the content folder.
    pub from_db: bool,
}

/// Names, sizes and modification times of the content files the knowledge base is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprint {
    files: u64,
    bytes: u64,
    newest: u128,
    names: u64,
}

/// One built knowledge base and what it was built from.
pub struct Knowledge {
    pub kb: KnowledgeBase,
    pub faq: Vec<FaqEntry>,
    faq_index: HashMap<String, usize>,
    pub lessons: usize,
    /// `course/lesson` links of every lesson, to check the links of a draft.
    pub lesson_links: std::collections::HashSet<String>,
    pub fingerprint: Fingerprint,
    /// The database's FAQ version this was built with.
    pub version: i64,
    pub built_at: i64,
    pub build_time: Duration,
}

impl Knowledge {
    pub fn faq(&self, id: &str) -> Option<&FaqEntry> {
        self.faq_index.get(id).map(|&i| &self.faq[i])
    }

    /// Every FAQ id (content and published), to refuse a draft that would clash.
    pub fn has_id(&self, id: &str) -> bool {
        self.faq_index.contains_key(id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("content: {0}")]
    Content(String),
    #[error(transparent)]
    Kb(#[from] kbsearch::KbError),
}

pub fn faq_url(id: &str) -> String {
    format!("/hoi-dap/{id}")
}

pub fn lesson_url(link: &str) -> String {
    format!("/hoc/{link}")
}

/// The content in force (built-in, with the content folder over it) as courses and FAQ entries.
pub fn load_library(source: &ContentSource) -> Result<content::Library, BuildError> {
    source.library().map_err(|errors| {
        let shown: Vec<String> = errors.iter().take(5).map(|e| e.to_string()).collect();
        BuildError::Content(format!(
            "{} problem(s), first: {}",
            errors.len(),
            shown.join("; ")
        ))
    })
}

/// Search documents and FAQ entries of a library and the admins' published entries. A published entry
/// whose id the content folder now also uses is left out: the file wins.
pub fn documents(
    lib: &content::Library,
    published: &[PublishedFaq],
) -> (Vec<Doc>, Vec<FaqEntry>, usize) {
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut docs = Vec::new();
    let mut lessons = 0;
    for course in &lib.courses {
        for l in &course.lessons {
            let link = format!("{}/{}", course.slug, l.slug);
            titles.insert(link.clone(), l.title.clone());
            lessons += 1;
            docs.push(Doc {
                id: format!("lesson:{link}"),
                kind: DocKind::Lesson,
                title: l.title.clone(),
                url: lesson_url(&link),
                question_text: format!("{}. {}", l.title, l.summary),
                body: content::plain_text(&l.body_md),
                answer: l.summary.clone(),
                subject: Vec::new(),
            });
        }
    }
    let cite = |links: &[String]| -> Vec<Source> {
        links
            .iter()
            .filter_map(|l| {
                titles.get(l).map(|t| Source {
                    title: t.clone(),
                    url: lesson_url(l),
                })
            })
            .collect()
    };
    let mut faq = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let from_files = lib.faq.iter().map(|f| {
        (
            f.id.clone(),
            f.q.clone(),
            f.alt.clone(),
            f.a.clone(),
            f.lessons.clone(),
            f.subject.clone(),
            false,
        )
    });
    let from_db = published.iter().map(|p| {
        (
            p.slug.clone(),
            p.q.clone(),
            p.alt_list(),
            p.a.clone(),
            p.lesson_list(),
            Vec::new(),
            true,
        )
    });
    for (id, q, alt, a, links, subject, db) in from_files.chain(from_db) {
        if !seen.insert(id.clone()) {
            tracing::warn!(id = %id, "a published FAQ entry has the id of a content file's entry; the file's is used");
            continue;
        }
        docs.push(Doc {
            id: id.clone(),
            kind: DocKind::Faq,
            title: q.clone(),
            url: faq_url(&id),
            question_text: std::iter::once(q.as_str())
                .chain(alt.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(". "),
            body: a.clone(),
            answer: a.clone(),
            subject,
        });
        faq.push(FaqEntry {
            lessons: cite(&links),
            id,
            q,
            a,
            from_db: db,
        });
    }
    (docs, faq, lessons)
}

/// Build from a loaded library (pure and synchronous: the benchmark and the eval command call it).
pub fn build(
    lib: &content::Library,
    published: &[PublishedFaq],
    fingerprint: Fingerprint,
    version: i64,
) -> Result<Knowledge, BuildError> {
    let started = Instant::now();
    let (docs, faq, lessons) = documents(lib, published);
    let lesson_links = lib
        .courses
        .iter()
        .flat_map(|c| {
            c.lessons
                .iter()
                .map(move |l| format!("{}/{}", c.slug, l.slug))
        })
        .collect();
    let kb = KnowledgeBase::build(docs)?;
    let faq_index = faq
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.clone(), i))
        .collect();
    Ok(Knowledge {
        kb,
        faq,
        faq_index,
        lessons,
        lesson_links,
        fingerprint,
        version,
        built_at: crate::db::now(),
        build_time: started.elapsed(),
    })
}

/// Fingerprint of `<dir>/faq/*.toml` and `<dir>/courses/*/*`: a few dozen `stat`s. Only the folder
/// can change while the server runs; the built-in content is fixed with the binary.
pub fn fingerprint(dir: &Path) -> Fingerprint {
    let mut fp = Fingerprint::default();
    let mut visit = |path: &Path| {
        if let Ok(meta) = std::fs::metadata(path)
            && meta.is_file()
        {
            fp.files += 1;
            fp.bytes += meta.len();
            let t = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            fp.newest = fp.newest.max(t);
            // Order-independent sum of name hashes: a rename changes it.
            fp.names = fp.names.wrapping_add(name_hash(path));
        }
    };
    let list = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    for f in list(&dir.join("faq")) {
        visit(&f);
    }
    for course in list(&dir.join("courses")) {
        for f in list(&course) {
            visit(&f);
        }
    }
    fp
}

fn name_hash(p: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.hash(&mut h);
    h.finish()
}

pub struct Assistant {
    content: ContentSource,
    current: RwLock<Arc<Knowledge>>,
    poll: crate::content_source::PollClock,
    rebuilding: AtomicBool,
    failed: Mutex<Option<(Fingerprint, String)>>,
    pub llm: Option<Llm>,
    pub hotline: String,
    /// Unanswered questions, logged off the request's path.
    pub gaps: Arc<super::gaps::GapLog>,
}

impl Assistant {
    /// Load and build now. Invalid content stops the server (it must be fixed, not ignored); a missing
    /// folder does not (the built-in content is answered from).
    pub async fn load(
        db: &Db,
        content: &ContentSource,
        settings: &super::config::AssistantSettings,
        province: &str,
    ) -> Result<Assistant, StartupError> {
        let version = store::faq_version(db).await?;
        let published = store::published(db).await?;
        let source = content.clone();
        let knowledge = tokio::task::spawn_blocking(move || {
            let fp = fingerprint(source.dir());
            let lib = load_library(&source)?;
            build(&lib, &published, fp, version)
        })
        .await
        .map_err(|e| StartupError::Build(BuildError::Content(e.to_string())))??;
        tracing::info!(
            faq = knowledge.faq.len(),
            lessons = knowledge.lessons,
            ms = knowledge.build_time.as_secs_f64() * 1000.0,
            "assistant knowledge base built"
        );
        Ok(Assistant {
            content: content.clone(),
            current: RwLock::new(Arc::new(knowledge)),
            poll: crate::content_source::PollClock::new(POLL_MS),
            rebuilding: AtomicBool::new(false),
            failed: Mutex::new(None),
            llm: Llm::from_settings(settings),
            hotline: settings.hotline_for(province),
            gaps: Arc::default(),
        })
    }

    /// The knowledge in force, without looking for changes.
    pub fn current(&self) -> Arc<Knowledge> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The knowledge in force; when a look for changes is due, one is started in the background (the
    /// caller is answered from what is built now).
    pub fn knowledge(self: &Arc<Self>, db: &Db) -> Arc<Knowledge> {
        if self.poll.due() {
            let this = self.clone();
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = this.refresh(&db, false).await {
                    tracing::warn!(error = %e, "assistant: could not look for content changes");
                }
            });
        }
        self.current()
    }

    /// Rebuild if the content files or the published entries changed (or always, when `force`).
    /// Returns whether a new knowledge base is now in force. One rebuild at a time per server.
    pub async fn refresh(&self, db: &Db, force: bool) -> Result<bool, StartupError> {
        if self.rebuilding.swap(true, Ordering::AcqRel) {
            return Ok(false);
        }
        let r = self.refresh_inner(db, force).await;
        self.rebuilding.store(false, Ordering::Release);
        r
    }

    async fn refresh_inner(&self, db: &Db, force: bool) -> Result<bool, StartupError> {
        let cur = self.current();
        let version = store::faq_version(db).await?;
        let source = self.content.clone();
        let fp = {
            let dir = source.dir().to_owned();
            tokio::task::spawn_blocking(move || fingerprint(&dir))
                .await
                .map_err(|e| StartupError::Build(BuildError::Content(e.to_string())))?
        };
        let failed_fp = self
            .failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(f, _)| *f);
        if !force && version == cur.version && (fp == cur.fingerprint || Some(fp) == failed_fp) {
            return Ok(false);
        }
        let published = store::published(db).await?;
        let built = tokio::task::spawn_blocking(move || {
            let lib = load_library(&source)?;
            build(&lib, &published, fp, version)
        })
        .await
        .map_err(|e| StartupError::Build(BuildError::Content(e.to_string())))?;
        match built {
            Ok(k) => {
                tracing::info!(
                    faq = k.faq.len(),
                    lessons = k.lessons,
                    version,
                    ms = k.build_time.as_secs_f64() * 1000.0,
                    "assistant knowledge base rebuilt"
                );
                *self
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(k);
                *self
                    .failed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
                Ok(true)
            }
            Err(e) => {
                // Keep answering from what was built before; the admin page shows why.
                tracing::error!(error = %e, "assistant: content does not load; keeping the previous knowledge base");
                *self
                    .failed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((fp, e.to_string()));
                Ok(false)
            }
        }
    }

    /// Why the content folder last failed to load, if its current state does not load.
    pub fn content_error(&self) -> Option<String> {
        self.failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|(_, e)| e.clone())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}
