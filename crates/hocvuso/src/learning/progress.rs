//! What happens when a learner opens a lesson or answers its quiz: progress rows, the countable events,
//! and — when the last lesson is done — the course certificate. Used by the pages, the JSON API and the
//! merge of progress kept in the browser, so every door applies the same rules.
use content::Question;

use super::model::{LessonState, Score, course_complete, new_certificate_code, score};
use super::store::{self, CourseRow, LessonMeta, NewCertificate};
use crate::db::{DbResult, Tx};
use crate::stats::{self, StatEvent, metric};

/// What one write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// The lesson became done with this write.
    pub lesson_completed: bool,
    /// The certificate code, when this write completed the course and issued it.
    pub certificate: Option<String>,
}

fn state_of(row: Option<&store::ProgressRow>, has_quiz: bool) -> LessonState {
    LessonState {
        opened: row.is_some_and(|r| r.opened_at.is_some()),
        passed: row.is_some_and(|r| r.passed_at.is_some()),
        has_quiz,
    }
}

/// Mark a lesson opened; the first time counts as LESSON_OPENED.
pub(crate) async fn open_lesson(
    tx: &mut Tx,
    province_name: &str,
    person_id: &str,
    course: &CourseRow,
    lesson: &LessonMeta,
    at: i64,
) -> DbResult<Outcome> {
    let before = store::progress_row(tx, person_id, &lesson.id).await?;
    let was = state_of(before.as_ref(), lesson.has_quiz());
    if was.opened {
        return Ok(Outcome::default());
    }
    store::mark_opened(tx, person_id, &lesson.id, at).await?;
    let Some((unit, _)) = store::person_unit(tx, person_id).await? else {
        return Ok(Outcome::default());
    };
    emit(tx, metric::LESSON_OPENED, &unit, person_id, at).await?;
    let now = LessonState {
        opened: true,
        ..was
    };
    after_change(tx, province_name, person_id, &unit, course, was, now, at).await
}

/// Score and record a quiz attempt.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn submit_quiz(
    tx: &mut Tx,
    province_name: &str,
    person_id: &str,
    course: &CourseRow,
    lesson: &LessonMeta,
    questions: &[Question],
    answers: &[Option<usize>],
    at: i64,
) -> DbResult<(Score, Outcome)> {
    let s = score(questions, answers, course.pass_percent);
    let before = store::progress_row(tx, person_id, &lesson.id).await?;
    let was = state_of(before.as_ref(), lesson.has_quiz());
    store::record_attempt(
        tx,
        person_id,
        &lesson.id,
        i64::from(s.percent),
        s.passed,
        at,
    )
    .await?;
    let Some((unit, _)) = store::person_unit(tx, person_id).await? else {
        return Ok((s, Outcome::default()));
    };
    let now = LessonState {
        passed: was.passed || s.passed,
        ..was
    };
    let outcome = after_change(tx, province_name, person_id, &unit, course, was, now, at).await?;
    Ok((s, outcome))
}

#[allow(clippy::too_many_arguments)]
async fn after_change(
    tx: &mut Tx,
    province_name: &str,
    person_id: &str,
    unit: &str,
    course: &CourseRow,
    was: LessonState,
    now: LessonState,
    at: i64,
) -> DbResult<Outcome> {
    let mut out = Outcome::default();
    if was.done() || !now.done() {
        return Ok(out);
    }
    out.lesson_completed = true;
    emit(tx, metric::LESSON_COMPLETED, unit, person_id, at).await?;
    let lessons = store::lessons_of(&mut *tx, &course.id, true).await?;
    let rows = store::progress_in_course(&mut *tx, person_id, &course.id).await?;
    let states: Vec<LessonState> = lessons
        .iter()
        .map(|l| state_of(rows.iter().find(|r| r.lesson_id == l.id), l.has_quiz()))
        .collect();
    if course_complete(&states) {
        emit(tx, metric::COURSE_COMPLETED, unit, person_id, at).await?;
        out.certificate = issue(
            tx,
            province_name,
            province_name,
            person_id,
            course,
            "online",
            at,
        )
        .await?;
    }
    Ok(out)
}

/// Issue the course certificate unless the learner already has one; returns the new code. `issuer_name`
/// is the unit that issues it: the province for a course finished alone, the commune for a class.
pub(crate) async fn issue(
    tx: &mut Tx,
    province_name: &str,
    issuer_name: &str,
    person_id: &str,
    course: &CourseRow,
    via: &str,
    at: i64,
) -> DbResult<Option<String>> {
    if store::certificate_of(tx, person_id, &course.id)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let Some((unit, full_name)) = store::person_unit(tx, person_id).await? else {
        return Ok(None);
    };
    let code = new_certificate_code();
    let inserted = store::insert_certificate(
        tx,
        &NewCertificate {
            code: &code,
            person_id,
            course_id: &course.id,
            full_name: &full_name,
            course_title: &course.title,
            province_name,
            unit_code: &unit,
            via,
            issuer_name,
            at,
        },
    )
    .await?;
    if !inserted {
        return Ok(None);
    }
    emit(tx, metric::CERTIFICATE_ISSUED, &unit, person_id, at).await?;
    Ok(Some(code))
}

async fn emit(tx: &mut Tx, metric: &str, unit: &str, person_id: &str, at: i64) -> DbResult<()> {
    stats::emit(
        tx,
        StatEvent {
            metric,
            unit_code: unit,
            person_id: Some(person_id),
            value: 1,
            at,
        },
    )
    .await
}

/// The classes hook: a learner passed a class; issue the certificate of each course the class
/// teaches (by slug; unknown slugs are skipped). Counts COURSE_COMPLETED for each new certificate.
pub async fn issue_for_class(
    tx: &mut Tx,
    province_name: &str,
    commune_name: &str,
    person_id: &str,
    course_slugs: &[&str],
    at: i64,
) -> DbResult<Vec<String>> {
    let mut codes = Vec::new();
    for slug in course_slugs {
        let Some(course) = store::course_by_slug(&mut *tx, slug).await? else {
            tracing::warn!(course = %slug, "class teaches a course that does not exist; no certificate");
            continue;
        };
        if let Some(code) = issue(
            tx,
            province_name,
            commune_name,
            person_id,
            &course,
            "class",
            at,
        )
        .await?
        {
            if let Some((unit, _)) = store::person_unit(tx, person_id).await? {
                emit(tx, metric::COURSE_COMPLETED, &unit, person_id, at).await?;
            }
            codes.push(code);
        }
    }
    Ok(codes)
}
