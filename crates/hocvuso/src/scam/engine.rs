//! The in-process checker: derived state, rebuilt from the rule files, admins' edits of them and the
//! numbers and domains confirmed from reports. Every app server holds its own copy and notices changes
//! made on any server through the version counters in the database, polled at most every
//! [`POLL_MS`] milliseconds by whichever request comes first (no scheduler, no messaging).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use content::Files;

use std::sync::{Arc, RwLock};

use scamcheck::model::{MODEL_FILE, NgramModel};
use scamcheck::{Checker, CommunityData, DOMAINS_FILE, Rules, RulesError, SIGNALS_FILE};

use super::store::{self, Versions};
use crate::content_source::ContentSource;
use crate::db::{Db, DbResult};

/// How stale another server's change may be seen here.
pub const POLL_MS: i64 = 2_000;

/// The learnt wording model (`scam/model.toml` of the content in force: the folder's, else the one
/// built into the binary). Not editable from the admin pages: it is retrained with `hocvuso scam
/// train` and reviewed like code.
pub(crate) fn read_model(files: &Files) -> Result<NgramModel, EngineError> {
    match files.text(MODEL_FILE) {
        Some(Ok((_, text))) => Ok(NgramModel::from_toml(text)?),
        Some(Err(e)) => Err(EngineError::Content(e.to_string())),
        None => Err(EngineError::Content(format!("{MODEL_FILE}: not found"))),
    }
}

/// The two rule files as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTexts {
    pub domains: String,
    pub signals: String,
}

impl RuleTexts {
    pub(crate) fn parse(&self) -> Result<Rules, RulesError> {
        Rules::from_toml(&self.domains, &self.signals)
    }
}

/// One built checker and what it was built from.
pub struct Snapshot {
    pub checker: Checker,
    pub versions: Versions,
    pub community: CommunityData,
    /// The texts in force (an admin's edit, or the file).
    pub texts: RuleTexts,
    /// A stored edit that no longer loads (e.g. after an upgrade changed the rule format); the files
    /// are used instead and the rules page says so.
    pub edit_error: Option<String>,
}

pub struct ScamEngine {
    files: RuleTexts,
    model: NgramModel,
    file_rules: Rules,
    content_dir: PathBuf,
    /// "course/lesson" → lesson title, for the "read the lesson" links.
    lessons: BTreeMap<String, String>,
    current: RwLock<Arc<Snapshot>>,
    poll: crate::content_source::PollClock,
    rebuilding: tokio::sync::Mutex<()>,
}

/// Problems that stop the server from starting: a broken rule file must be fixed, not ignored.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A rule file that cannot be read (the built-in copies always can, so this is a folder's file).
    #[error("{0}")]
    Content(String),
    #[error("{0}")]
    Rules(#[from] RulesError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

/// The rule files in force: the content folder's `scam/*.toml` where it has them, else the copies
/// built into the binary (a binary copied alone to a commune laptop still checks messages).
pub(crate) fn read_rule_files(files: &Files) -> Result<RuleTexts, EngineError> {
    let read = |rel: &str| -> Result<String, EngineError> {
        match files.text(rel) {
            Some(Ok((_, text))) => Ok(text.to_owned()),
            Some(Err(e)) => Err(EngineError::Content(e.to_string())),
            None => Err(EngineError::Content(format!("{rel}: not found"))),
        }
    };
    Ok(RuleTexts {
        domains: read(DOMAINS_FILE)?,
        signals: read(SIGNALS_FILE)?,
    })
}

/// Lesson titles from `courses/<course>/NN-<slug>.md` front matter ("course/slug" → title).
/// Unreadable lessons are skipped here; `hocvuso content check` is where they are reported.
pub(crate) fn lesson_titles(files: &Files) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Front {
        slug: String,
        title: String,
    }
    let mut out = BTreeMap::new();
    for course_slug in files.course_names() {
        let dir = format!("courses/{course_slug}");
        for name in files.file_names(&dir) {
            if !name.ends_with(".md") {
                continue;
            }
            let Some(Ok((_, src))) = files.text(&format!("{dir}/{name}")) else {
                continue;
            };
            let mut parts = src.splitn(3, "+++");
            let (Some(""), Some(front)) = (parts.next().map(str::trim), parts.next()) else {
                continue;
            };
            if let Ok(front) = toml::from_str::<Front>(front) {
                out.insert(format!("{course_slug}/{}", front.slug), front.title);
            }
        }
    }
    out
}

impl ScamEngine {
    /// Read and validate the rule files, then build from the database. Fails on a broken file.
    pub(crate) async fn load(db: &Db, content: &ContentSource) -> Result<ScamEngine, EngineError> {
        let all = content.files().map_err(|errors| {
            EngineError::Content(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let files = read_rule_files(&all)?;
        let rules = files.parse()?;
        let model = read_model(&all)?;
        let lessons = lesson_titles(&all);
        for link in rules.lesson_links() {
            if !lessons.is_empty() && !lessons.contains_key(link) {
                tracing::warn!(
                    lesson = link,
                    "a scam rule links a lesson that is not in the content folder"
                );
            }
        }
        let placeholder = Snapshot {
            checker: Checker::new(rules.clone(), CommunityData::default())
                .with_model(Some(model.clone())),
            versions: Versions {
                rules: -1,
                community: -1,
            },
            community: CommunityData::default(),
            texts: files.clone(),
            edit_error: None,
        };
        let engine = ScamEngine {
            files,
            model,
            file_rules: rules,
            content_dir: content.dir().to_owned(),
            lessons,
            current: RwLock::new(Arc::new(placeholder)),
            poll: crate::content_source::PollClock::new(POLL_MS),
            rebuilding: tokio::sync::Mutex::new(()),
        };
        engine.refresh(db).await?;
        Ok(engine)
    }

    /// The checker in force, after a cheap poll of the versions when one is due. A database hiccup
    /// keeps the current checker: checking a message must not fail because a poll did.
    pub async fn snapshot(&self, db: &Db) -> Arc<Snapshot> {
        if self.poll.due()
            && let Err(e) = self.refresh(db).await
        {
            tracing::warn!(error = %e, "scam rules: could not poll for changes");
        }
        self.current()
    }

    /// The checker in force, without polling.
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Rebuild now if the database says something changed (called after this server's own writes).
    pub(crate) async fn refresh(&self, db: &Db) -> DbResult<()> {
        let _one_at_a_time = self.rebuilding.lock().await;
        let cur = self.current();
        // Versions first, data second: a change landing in between is picked up by the next poll.
        let v = store::versions(db).await?;
        if v == cur.versions {
            return Ok(());
        }
        let (texts, rules, edit_error) = if v.rules != cur.versions.rules {
            self.rules_from(db).await?
        } else {
            (
                cur.texts.clone(),
                cur.checker.rules().clone(),
                cur.edit_error.clone(),
            )
        };
        let community = if v.community != cur.versions.community {
            let (confirmed_numbers, confirmed_domains) = store::community(db).await?;
            CommunityData {
                confirmed_numbers,
                confirmed_domains,
            }
        } else {
            cur.community.clone()
        };
        let next = Snapshot {
            checker: Checker::new(rules, community.clone()).with_model(Some(self.model.clone())),
            versions: v,
            community,
            texts,
            edit_error,
        };
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(next);
        tracing::info!(
            rules = v.rules,
            community = v.community,
            "scam checker rebuilt"
        );
        Ok(())
    }

    /// The files with admins' edits applied; a stored edit that no longer loads is set aside.
    async fn rules_from(&self, db: &Db) -> DbResult<(RuleTexts, Rules, Option<String>)> {
        let mut texts = self.files.clone();
        for f in store::rule_files(db).await? {
            match f.name.as_str() {
                DOMAINS_FILE => texts.domains = f.body,
                SIGNALS_FILE => texts.signals = f.body,
                _ => {}
            }
        }
        if texts == self.files {
            return Ok((texts, self.file_rules.clone(), None));
        }
        // A few milliseconds, once per admin edit: not worth a blocking-pool hop.
        match texts.parse() {
            Ok(rules) => Ok((texts, rules, None)),
            Err(e) => {
                tracing::error!(error = %e, "stored scam rule edit does not load; using the files");
                Ok((
                    self.files.clone(),
                    self.file_rules.clone(),
                    Some(e.to_string()),
                ))
            }
        }
    }

    /// The rule files as shipped in the content folder (what "restore" goes back to).
    pub fn files(&self) -> &RuleTexts {
        &self.files
    }

    pub(crate) fn content_dir(&self) -> &Path {
        &self.content_dir
    }

    /// Title of a lesson by its "course/lesson" link, if the content folder has it.
    pub(crate) fn lesson_title(&self, link: &str) -> Option<&str> {
        self.lessons.get(link).map(String::as_str)
    }

    pub(crate) fn has_lessons(&self) -> bool {
        !self.lessons.is_empty()
    }
}
