//! Province administrators edit the rule files in the browser. An edit is validated exactly as the
//! files are (`Rules::from_toml`, plus every lesson link) before anything is stored; a bad edit shows
//! the file and line and changes nothing. Stored edits replace the files on every app server within
//! [`super::engine::POLL_MS`].
use std::path::Path;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use scamcheck::eval::{EvalSet, Report, evaluate};
use scamcheck::{Checker, DOMAINS_FILE, Rules, SIGNALS_FILE};

use super::engine::RuleTexts;
use super::store;
use crate::web::auth::ProvinceAdmin;
use crate::web::csrf::CsrfForm;
use crate::web::page::{Page, render_status};
use crate::{AppResult, AppState};

/// Far above the shipped files (about 50 KB together), far below the request limit.
const MAX_FILE_CHARS: usize = 400_000;
/// The bar the issue sets for the evaluation set.
pub const QUALITY_BAR: f64 = 0.95;

/// A rule problem to show: the form field it belongs to and "file:line: message".
pub struct RulesProblem {
    pub field: &'static str,
    pub message: String,
}

/// Validate both texts as one rule set; `lesson_exists` says whether a "course/lesson" link exists
/// (`None` skips that check when no lessons are available).
pub(crate) fn validate(
    texts: &RuleTexts,
    lesson_exists: Option<&dyn Fn(&str) -> bool>,
) -> Result<Rules, RulesProblem> {
    let rules = texts.parse().map_err(|e| RulesProblem {
        field: if e.file() == DOMAINS_FILE {
            "domains"
        } else {
            "signals"
        },
        message: e.to_string(),
    })?;
    if let Some(exists) = lesson_exists
        && let Some(missing) = rules.lesson_links().into_iter().find(|l| !exists(l))
    {
        let line = texts
            .signals
            .lines()
            .position(|l| l.contains(missing))
            .map_or(1, |i| i + 1);
        return Err(RulesProblem {
            field: "signals",
            message: format!(
                "{SIGNALS_FILE}:{line}: lesson \"{missing}\" does not exist (expected courses/<course>/NN-<lesson>.md)"
            ),
        });
    }
    Ok(rules)
}

/// Precision and recall of `rules` on `<content>/eval/scam.toml`, with the community data the set
/// assumes and the learnt wording model, as the checker is served. `None` when the content folder
/// has no evaluation set.
pub(crate) fn evaluate_dir(content_dir: &Path, rules: &Rules) -> Option<Result<Report, String>> {
    let path = content_dir.join(scamcheck::eval::EVAL_FILE);
    let src = std::fs::read_to_string(&path).ok()?;
    let model = crate::content_source::ContentSource::new(content_dir)
        .files()
        .ok()
        .and_then(|files| super::engine::read_model(&files).ok());
    Some(
        EvalSet::from_toml(&src)
            .map(|set| {
                let checker = Checker::new(rules.clone(), set.community).with_model(model);
                evaluate(&checker, &set.cases)
            })
            .map_err(|e| e.to_string()),
    )
}

/// The two rule lists, as the page names and links them: (form field, file, page key, name message).
/// One list is edited at a time, so the page stays light on a phone; the other stays as it is in force.
const LISTS: [(&str, &str, &str, &str); 2] = [
    (
        "signals",
        SIGNALS_FILE,
        "dau-hieu",
        "scam-rules-list-signals",
    ),
    (
        "domains",
        DOMAINS_FILE,
        "nguoi-gui",
        "scam-rules-list-domains",
    ),
];

pub struct FileStatus {
    pub name: &'static str,
    /// The list's name in the person's language.
    pub label: String,
    /// The page key (`?ds=`) that opens it.
    pub key: &'static str,
    /// Who saved the edit in force, and when; `None` when the file is used.
    pub edited: Option<(String, i64)>,
}

impl FileStatus {
    fn who(&self) -> &str {
        self.edited.as_ref().map_or("", |(w, _)| w.as_str())
    }
    fn at(&self) -> i64 {
        self.edited.as_ref().map_or(0, |(_, t)| *t)
    }
}

pub struct Quality {
    pub cases: usize,
    pub precision: String,
    pub recall: String,
    pub below_bar: bool,
}

#[derive(Template)]
#[template(path = "scam/admin_rules.html")]
struct RulesPage {
    page: Page,
    domains: String,
    signals: String,
    problem: Option<RulesProblem>,
    files: Vec<FileStatus>,
    edit_error: Option<String>,
    quality: Option<Result<Quality, String>>,
    saved: bool,
    /// The form field of the list being edited ("signals" or "domains").
    open: &'static str,
}

impl RulesPage {
    /// The list being edited: (form field, its name, its text).
    fn editor(&self) -> (&'static str, String, &str) {
        let text = if self.open == "domains" {
            self.domains.as_str()
        } else {
            self.signals.as_str()
        };
        let label = self
            .files
            .iter()
            .find(|f| LISTS.iter().any(|l| l.0 == self.open && l.1 == f.name))
            .map(|f| f.label.clone())
            .unwrap_or_default();
        (self.open, label, text)
    }

    /// The file of the list being edited.
    fn editor_file(&self) -> &'static str {
        LISTS
            .iter()
            .find(|l| l.0 == self.open)
            .map_or(SIGNALS_FILE, |l| l.1)
    }

    fn problem_for(&self, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
    }
}

fn quality(page: &Page, report: Result<Report, String>) -> Result<Quality, String> {
    report.map(|r| Quality {
        cases: r.total(),
        precision: page.lang.percent(r.precision() * 100.0),
        recall: page.lang.percent(r.recall() * 100.0),
        below_bar: r.precision() < QUALITY_BAR || r.recall() < QUALITY_BAR,
    })
}

async fn rules_page(
    state: &AppState,
    page: Page,
    texts: RuleTexts,
    problem: Option<RulesProblem>,
    saved: bool,
    open: &'static str,
) -> AppResult<Response> {
    let snapshot = state.scam.snapshot(&state.db).await;
    let edits = store::rule_files(&state.db).await?;
    // A problem in the other list opens that one, so the line it names is on the page.
    let open = problem.as_ref().map_or(open, |p| p.field);
    let files = LISTS
        .into_iter()
        .map(|(_, name, key, label)| FileStatus {
            name,
            label: page.t(label),
            key,
            edited: edits
                .iter()
                .find(|e| e.name == name)
                .map(|e| (e.updated_by_name.clone().unwrap_or_default(), e.updated_at)),
        })
        .collect();
    let quality =
        evaluate_dir(state.scam.content_dir(), snapshot.checker.rules()).map(|r| quality(&page, r));
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &RulesPage {
            page,
            domains: texts.domains,
            signals: texts.signals,
            problem,
            files,
            edit_error: snapshot.edit_error.clone(),
            quality,
            saved,
            open,
        },
    ))
}

/// The form field of the list a page key (`?ds=`) opens; the signals when none or unknown.
fn list_of(key: Option<&str>) -> &'static str {
    LISTS
        .iter()
        .find(|l| Some(l.2) == key)
        .map_or("signals", |l| l.0)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    luu: Option<String>,
    ds: Option<String>,
}

pub(crate) async fn form(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    page: Page,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let texts = state.scam.snapshot(&state.db).await.texts.clone();
    let open = list_of(q.ds.as_deref());
    rules_page(&state, page, texts, None, q.luu.is_some(), open).await
}

/// Either list or both; a list not sent stays as it is in force.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RulesForm {
    domains: Option<String>,
    signals: Option<String>,
}

pub(crate) async fn save(
    State(state): State<AppState>,
    ProvinceAdmin(user): ProvinceAdmin,
    page: Page,
    CsrfForm(f): CsrfForm<RulesForm>,
) -> AppResult<Response> {
    let open = if f.signals.is_none() && f.domains.is_some() {
        "domains"
    } else {
        "signals"
    };
    let in_force = state.scam.snapshot(&state.db).await.texts.clone();
    let (domains, signals) = (
        f.domains.unwrap_or(in_force.domains),
        f.signals.unwrap_or(in_force.signals),
    );
    let clean = |field: &'static str, s: &str| {
        crate::web::text::clean_text(s, MAX_FILE_CHARS)
            .map(|t| format!("{t}\n"))
            .map_err(|reason| RulesProblem {
                field,
                message: page.t(reason),
            })
    };
    let texts = match (clean("domains", &domains), clean("signals", &signals)) {
        (Ok(domains), Ok(signals)) => RuleTexts { domains, signals },
        (Err(problem), _) | (_, Err(problem)) => {
            let texts = RuleTexts { domains, signals };
            return rules_page(&state, page, texts, Some(problem), false, open).await;
        }
    };
    let engine = &state.scam;
    let exists = |l: &str| engine.lesson_title(l).is_some();
    let check: Option<&dyn Fn(&str) -> bool> = engine.has_lessons().then_some(&exists);
    if let Err(problem) = validate(&texts, check) {
        return rules_page(&state, page, texts, Some(problem), false, open).await;
    }
    let files = engine.files();
    // An edit equal to the file (after trimming) is no edit: the file stays in force.
    let same = |a: &str, b: &str| a.trim() == b.trim();
    let mut tx = state.db.begin().await?;
    store::set_rule_file(
        &mut tx,
        DOMAINS_FILE,
        (!same(&texts.domains, &files.domains)).then_some(texts.domains.as_str()),
        &user.id,
    )
    .await?;
    store::set_rule_file(
        &mut tx,
        SIGNALS_FILE,
        (!same(&texts.signals, &files.signals)).then_some(texts.signals.as_str()),
        &user.id,
    )
    .await?;
    store::bump_rules(&mut tx).await?;
    tx.commit().await?;
    engine.refresh(&state.db).await?;
    let key = LISTS
        .iter()
        .find(|l| l.0 == open)
        .map_or("dau-hieu", |l| l.2);
    Ok(Redirect::to(&format!("/quan-ly/lua-dao/quy-tac?luu=1&ds={key}")).into_response())
}

#[derive(serde::Deserialize)]
pub struct Empty {}

/// Drop both edits: the files of the content folder are in force again.
pub(crate) async fn restore(
    State(state): State<AppState>,
    ProvinceAdmin(user): ProvinceAdmin,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let mut tx = state.db.begin().await?;
    store::set_rule_file(&mut tx, DOMAINS_FILE, None, &user.id).await?;
    store::set_rule_file(&mut tx, SIGNALS_FILE, None, &user.id).await?;
    store::bump_rules(&mut tx).await?;
    tx.commit().await?;
    state.scam.refresh(&state.db).await?;
    Ok(Redirect::to("/quan-ly/lua-dao/quy-tac?luu=1"))
}
