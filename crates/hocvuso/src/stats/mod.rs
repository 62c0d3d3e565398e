//! The one door through which capabilities report countable events (a sign-up, a lesson opened, a
//! certificate, a class attendance, a team activity, a scam report…). Reports build their aggregates
//! from these rows; capabilities never write report tables themselves.
//!
//! `emit` runs inside the caller's transaction, so an event exists exactly when the thing it counts does.
//! It writes the event and a row in `stat_inbox`; the reports aggregator (`reports::agg`) folds inbox rows
//! into the aggregate tables a few seconds later, so emitting stays one cheap insert on the hot path and
//! never contends on the busy province-wide aggregate rows.
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::{DbResult, Tx, new_id, q};

/// Moves whenever this process commits a change to what the figures show (an event waiting in the
/// inbox, a fold, a repair): readers that keep the figures' version for a moment
/// (`reports::cache::StampCheck`) read it again at once after a change made here. Changes made by
/// another app server are seen when the moment is over.
static LOCAL_CHANGES: AtomicU64 = AtomicU64::new(0);

pub(crate) fn local_changes() -> u64 {
    LOCAL_CHANGES.load(Ordering::Acquire)
}

/// Count a change to the figures once `tx` commits.
pub(crate) fn changed(tx: &mut Tx) {
    tx.after_commit(|| {
        LOCAL_CHANGES.fetch_add(1, Ordering::AcqRel);
    });
}

/// Metric names (stable: reports and open data use them). What each counts, and what `value` means:
pub mod metric {
    /// A person created an account or was registered by a volunteer (value 1, person set).
    pub const PERSON_REGISTERED: &str = "person_registered";
    /// A learner opened a lesson (value 1, person set).
    pub const LESSON_OPENED: &str = "lesson_opened";
    /// A learner finished a lesson (value 1, person set).
    pub const LESSON_COMPLETED: &str = "lesson_completed";
    /// A learner finished a whole course (value 1, person set).
    pub const COURSE_COMPLETED: &str = "course_completed";
    /// A certificate was issued (value 1, person set).
    pub const CERTIFICATE_ISSUED: &str = "certificate_issued";
    /// A class session took place (value 1, no person; unit = where).
    pub const CLASS_HELD: &str = "class_held";
    /// A person attended a class session (value 1, person set).
    pub const CLASS_ATTENDANCE: &str = "class_attendance";
    /// A community team logged one support activity: `emit_kind` with the activity kind; value = number
    /// of people helped by it (1 when one person); person set when the helped person is registered.
    pub const TEAM_ACTIVITY: &str = "team_activity";
    /// A household reached by a team activity (value 1 per household per activity).
    pub const HOUSEHOLD_HELPED: &str = "household_helped";
    /// A household's checklist item changed: `emit_kind` with the item (e.g. `smartphone`, `internet`,
    /// `vneid`, `cashless`); value +1 when it became true, -1 when it became false.
    pub const HOUSEHOLD_CHECK: &str = "household_check";
    /// The denominator of checklist coverage: +1 when field work creates a household in a village, -1
    /// when it is removed (unit = the village).
    pub const HOUSEHOLD_COUNT: &str = "household_count";
    /// A citizen reported a scam: `emit_kind` with the scam type (value 1).
    pub const SCAM_REPORT: &str = "scam_report";
}

/// One countable event. `person_id` is set when the event is a person's (dimensions are then read from
/// them); `unit_code` is where it happened (a village or commune).
pub struct StatEvent<'a> {
    pub metric: &'a str,
    pub unit_code: &'a str,
    pub person_id: Option<&'a str>,
    pub value: i64,
    pub at: i64,
}

/// Record an event inside the caller's transaction. The person's target group, sex, birth year and
/// minority status are copied in, so aggregates never need personal data later.
pub async fn emit(tx: &mut Tx, ev: StatEvent<'_>) -> DbResult<()> {
    insert(tx, ev, None).await
}

/// [`emit`] for events that have a kind: the activity kind of a team activity, the checklist item of a
/// household check, the type of a scam report. Reports break these down by kind.
pub async fn emit_kind(tx: &mut Tx, ev: StatEvent<'_>, kind: &str) -> DbResult<()> {
    insert(tx, ev, Some(kind)).await
}

async fn insert(tx: &mut Tx, ev: StatEvent<'_>, kind: Option<&str>) -> DbResult<()> {
    insert_sourced(tx, ev, kind, None).await
}

async fn insert_sourced(
    tx: &mut Tx,
    ev: StatEvent<'_>,
    kind: Option<&str>,
    source: Option<&str>,
) -> DbResult<()> {
    let id = new_id();
    let written = tx
        .execute(
            q("INSERT INTO stat_events (id, metric, unit_code, unit_path, person_id, target_group, sex, birth_year,
               ethnic_minority, value, at, kind, source)
           SELECT $1, $2, u.code, u.path, p.id, p.target_group, p.sex, p.birth_year,
                  CASE WHEN p.ethnic_group IS NULL THEN NULL WHEN p.ethnic_group = 'Kinh' THEN 0 ELSE 1 END, $3, $4, $7, $8
           FROM units u LEFT JOIN people p ON p.id = $5
           WHERE u.code = $6")
            .bind(&id)
            .bind(ev.metric)
            .bind(ev.value)
            .bind(ev.at)
            .bind(ev.person_id)
            .bind(ev.unit_code)
            .bind(kind)
            .bind(source),
        )
        .await?;
    // An unknown unit writes no event (callers validate units first); then there is nothing to fold in.
    if written == 1 {
        tx.execute(q("INSERT INTO stat_inbox (event_id) VALUES ($1)").bind(&id))
            .await?;
        changed(tx);
    }
    Ok(())
}

// ---- facts ---------------------------------------------------------------------------------------
//
// A figure that counts a fact which can stop being true (an attendance mark corrected to absent, a
// checklist item unticked, an activity deleted, a tick's activity replaced by the logged one) is emitted
// with the fact's name (`source`, see [`source`]). While the fact holds, exactly one event of that
// source is live; when it stops, [`uncount`] adds the exact negation of that event (same unit, time,
// person dimensions and kind; `retracts` names it), which the aggregator counts as -1 event and -value,
// so every cell the fact added to moves back. Both run in the caller's transaction.

/// Names of facts, one function per kind of fact so every writer and the figures check agree.
pub mod source {
    pub(crate) fn attendance(session: &str, person: &str) -> String {
        format!("att:{session}:{person}")
    }
    pub(crate) fn held(session: &str) -> String {
        format!("held:{session}")
    }
    pub(crate) fn activity(id: &str) -> String {
        format!("act:{id}")
    }
    pub(crate) fn activity_household(id: &str) -> String {
        format!("acth:{id}")
    }
    pub(crate) fn check(household: &str, item: &str) -> String {
        format!("chk:{household}:{item}")
    }
}

/// The live (not retracted) event of a fact, if it is counted.
pub(crate) async fn counted(tx: &mut Tx, source: &str) -> DbResult<Option<String>> {
    tx.scalar(
        q(
            "SELECT e.id FROM stat_events e WHERE e.source = $1 AND e.retracts IS NULL
           AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)
           ORDER BY e.id LIMIT 1",
        )
        .bind(source),
    )
    .await
}

/// Count a fact that now holds, once: nothing happens when it is already counted (a replayed or
/// repeated write). Returns whether an event was added.
pub(crate) async fn count(
    tx: &mut Tx,
    source: &str,
    ev: StatEvent<'_>,
    kind: Option<&str>,
) -> DbResult<bool> {
    if counted(tx, source).await?.is_some() {
        return Ok(false);
    }
    insert_sourced(tx, ev, kind, Some(source)).await?;
    Ok(true)
}

/// A fact no longer holds: add the negation of its live event. Returns whether it had been counted.
pub(crate) async fn uncount(tx: &mut Tx, source: &str) -> DbResult<bool> {
    let Some(live) = counted(tx, source).await? else {
        return Ok(false);
    };
    retract(tx, &live).await?;
    Ok(true)
}

/// Add the exact negation of event `live` (same unit, time, person dimensions and kind; `retracts`
/// names it) and queue it for the aggregator.
async fn retract(tx: &mut Tx, live: &str) -> DbResult<()> {
    let id = new_id();
    tx.execute(
        q("INSERT INTO stat_events (id, metric, unit_code, unit_path, person_id, target_group, sex, birth_year,
               ethnic_minority, value, at, kind, source, retracts)
           SELECT $1, metric, unit_code, unit_path, person_id, target_group, sex, birth_year, ethnic_minority,
                  -value, at, kind, source, id
           FROM stat_events WHERE id = $2")
        .bind(&id)
        .bind(live),
    )
    .await?;
    tx.execute(q("INSERT INTO stat_inbox (event_id) VALUES ($1)").bind(&id))
        .await?;
    changed(tx);
    Ok(())
}

/// Metrics that count a person (they stop counting once the person deletes their account). Team
/// activities stay: the help was given, whoever received it.
const PERSON_METRICS: &[&str] = &[
    metric::PERSON_REGISTERED,
    metric::LESSON_OPENED,
    metric::LESSON_COMPLETED,
    metric::COURSE_COMPLETED,
    metric::CERTIFICATE_ISSUED,
    metric::CLASS_ATTENDANCE,
];

/// A person is deleted (right to erasure): in the caller's transaction, cut every statistics row loose
/// from them (their id is replaced by a fresh random one, so nothing links the rows to the account or
/// to each other's owner, yet the aggregator can still recompute "active" for that pseudonym), then
/// retract every live event of theirs that counts a person, so each figure they were in moves back.
pub(crate) async fn forget_person(tx: &mut Tx, person_id: &str) -> DbResult<()> {
    let pseudonym = new_id();
    tx.execute(
        q("UPDATE stat_events SET person_id = $1 WHERE person_id = $2")
            .bind(&pseudonym)
            .bind(person_id),
    )
    .await?;
    tx.execute(
        q("UPDATE stat_active SET person_id = $1 WHERE person_id = $2")
            .bind(&pseudonym)
            .bind(person_id),
    )
    .await?;
    let query = PERSON_METRICS.iter().fold(
        q(format!(
            "SELECT e.id FROM stat_events e WHERE e.person_id = $1 AND e.retracts IS NULL
               AND e.metric IN ({})
               AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)
             ORDER BY e.id",
            crate::db::placeholders(2, PERSON_METRICS.len())
        ))
        .bind(&pseudonym),
        |query, m| query.bind(*m),
    );
    let live: Vec<String> = tx
        .fetch_all::<(String,)>(query)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    for event in live {
        retract(tx, &event).await?;
    }
    Ok(())
}

/// A live event of a person, as [`merge_person`] moves it.
#[derive(sqlx::FromRow)]
struct PersonEvent {
    id: String,
    metric: String,
    unit_code: String,
    value: i64,
    at: i64,
    kind: Option<String>,
    source: Option<String>,
}

/// Two records of one person are merged (`people::merge`): in the caller's transaction, every live event
/// of `merged` is retracted, so each cell it added to moves back (and its active months are recomputed
/// by the aggregator), and counted again for `kept` with `kept`'s dimensions, at the same unit and time,
/// so the person's learning stays counted once, as one person. Not counted again: the registration
/// (two records were one registration), events of facts (`source`; the caller counts the merged facts
/// under `kept`, once each), and one event per `(metric, at)` listed in `skip` (a certificate `kept`
/// already held for the same course).
pub(crate) async fn merge_person(
    tx: &mut Tx,
    kept: &str,
    merged: &str,
    skip: &[(&str, i64)],
) -> DbResult<()> {
    let live: Vec<PersonEvent> = tx
        .fetch_all(
            q("SELECT e.id, e.metric, e.unit_code, e.value, e.at, e.kind, e.source FROM stat_events e
               WHERE e.person_id = $1 AND e.retracts IS NULL
                 AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)
               ORDER BY e.at, e.id")
            .bind(merged),
        )
        .await?;
    let mut skip: Vec<(&str, i64)> = skip.to_vec();
    for e in live {
        retract(tx, &e.id).await?;
        if e.source.is_some() || e.metric == metric::PERSON_REGISTERED {
            continue;
        }
        if let Some(i) = skip
            .iter()
            .position(|(m, at)| *m == e.metric && *at == e.at)
        {
            skip.swap_remove(i);
            continue;
        }
        insert(
            tx,
            StatEvent {
                metric: &e.metric,
                unit_code: &e.unit_code,
                person_id: Some(kept),
                value: e.value,
                at: e.at,
            },
            e.kind.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// An event with no person, at a unit whose path the caller already holds (a batch of team activities
/// from one sync request).
pub struct UnitEvent<'a> {
    pub metric: &'a str,
    pub unit_code: &'a str,
    pub unit_path: &'a str,
    pub value: i64,
    pub at: i64,
    pub kind: Option<&'a str>,
    /// The fact it counts (see [`source`]), when that fact can later stop holding.
    pub source: Option<String>,
}

/// [`emit`] for many person-less events at once: two multi-row statements per chunk instead of two per
/// event, which is what lets a 100-item sync batch be stored in a handful of round trips.
pub(crate) async fn emit_many(tx: &mut Tx, events: &[UnitEvent<'_>]) -> DbResult<()> {
    const COLS: usize = 8;
    for chunk in events.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(|_| new_id()).collect();
        let mut stmt = q(format!(
            "INSERT INTO stat_events (id, metric, unit_code, unit_path, value, at, kind, source) VALUES {}",
            crate::db::tuples(chunk.len(), COLS)
        ));
        for (id, ev) in ids.iter().zip(chunk) {
            stmt = stmt
                .bind(id)
                .bind(ev.metric)
                .bind(ev.unit_code)
                .bind(ev.unit_path)
                .bind(ev.value)
                .bind(ev.at)
                .bind(ev.kind)
                .bind(ev.source.as_deref());
        }
        tx.execute(stmt).await?;
        let mut inbox = q(format!(
            "INSERT INTO stat_inbox (event_id) VALUES {}",
            crate::db::tuples(chunk.len(), 1)
        ));
        for id in &ids {
            inbox = inbox.bind(id);
        }
        tx.execute(inbox).await?;
    }
    changed(tx);
    Ok(())
}
