//! The one door through which capabilities report countable events (a sign-up, a lesson opened, a
//! certificate, a class attendance, a team activity, a scam report…), and the fold of those events into
//! the aggregates (`fold`, over the `cube` of cells by `period`) that reports read; capabilities never
//! write report tables themselves.
//!
//! `emit` runs inside the caller's transaction, so an event exists exactly when the thing it counts does.
//! It writes the event and a row in `stat_inbox`; the aggregator (`stats::fold`) folds inbox rows
//! into the aggregate tables a few seconds later, so emitting stays one cheap insert on the hot path and
//! never contends on the busy province-wide aggregate rows.
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::Tx;

pub mod cube;
pub mod fold;
pub mod period;
pub(crate) mod store;
pub use store::*;

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
