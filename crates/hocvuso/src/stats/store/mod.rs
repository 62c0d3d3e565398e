//! The statements behind `stats`: events and their inbox rows, facts counted and uncounted, and what
//! erasure and merges do to a person's events.
pub(crate) mod fold;

use super::{PERSON_METRICS, PersonEvent, StatEvent, UnitEvent, changed, metric};
use crate::db::{DbResult, Tx, new_id, q};

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
