//! The statements on `sync_receipts`.
use std::collections::{HashMap, HashSet};

use super::super::Prepared;
use crate::db::{DbResult, Tx, placeholders, q, tuples};

/// Write the receipts of `items` (in client-id order, so concurrent batches take the keys in one
/// order); the client ids that were new. A copy that a concurrent request is storing waits for it
/// (PostgreSQL queues the insert on the key) and is then not new.
pub(in crate::sync) async fn claim(
    tx: &mut Tx,
    items: &[&Prepared],
    actor: &str,
    received_at: i64,
) -> DbResult<HashSet<String>> {
    let mut fresh: HashSet<String> = HashSet::new();
    for part in items.chunks(100) {
        let mut stmt = q(format!(
            "INSERT INTO sync_receipts (client_id, kind, actor_id, record_id, device_time, received_at)
             VALUES {} ON CONFLICT (client_id) DO NOTHING RETURNING client_id",
            tuples(part.len(), 6)
        ));
        for p in part {
            stmt = stmt
                .bind(&p.client_id)
                .bind(&p.kind)
                .bind(actor)
                .bind(&p.client_id)
                .bind(p.device_time)
                .bind(received_at);
        }
        fresh.extend(
            tx.fetch_all::<(String,)>(stmt)
                .await?
                .into_iter()
                .map(|(c,)| c),
        );
    }
    Ok(fresh)
}

/// The record each already-known client id made, by client id.
pub(in crate::sync) async fn records_of(
    tx: &mut Tx,
    client_ids: &[&str],
) -> DbResult<HashMap<String, Option<String>>> {
    let mut known: HashMap<String, Option<String>> = HashMap::new();
    for part in client_ids.chunks(100) {
        let mut stmt = q(format!(
            "SELECT client_id, record_id FROM sync_receipts WHERE client_id IN ({})",
            placeholders(1, part.len())
        ));
        for c in part {
            stmt = stmt.bind(*c);
        }
        known.extend(tx.fetch_all::<(String, Option<String>)>(stmt).await?);
    }
    Ok(known)
}

/// Drop the receipts of refused items: a refused item leaves no trace, so the phone can send it again
/// corrected.
pub(in crate::sync) async fn forget(tx: &mut Tx, client_ids: &[&str]) -> DbResult<()> {
    for part in client_ids.chunks(100) {
        let mut stmt = q(format!(
            "DELETE FROM sync_receipts WHERE client_id IN ({})",
            placeholders(1, part.len())
        ));
        for c in part {
            stmt = stmt.bind(*c);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}

/// Name the record an item made or changed when it is not the item's own id (a household that already
/// existed, a checklist row, an attendance mark): pairs of (client id, record id).
pub(in crate::sync) async fn name_records(tx: &mut Tx, renamed: &[(&str, &str)]) -> DbResult<()> {
    for part in renamed.chunks(100) {
        let cases: Vec<String> = (0..part.len())
            .map(|i| format!("WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2))
            .collect();
        let mut stmt = q(format!(
            "UPDATE sync_receipts SET record_id = CASE client_id {} END WHERE client_id IN ({})",
            cases.join(" "),
            placeholders(2 * part.len() + 1, part.len())
        ));
        for (c, r) in part {
            stmt = stmt.bind(*c).bind(*r);
        }
        for (c, _) in part {
            stmt = stmt.bind(*c);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}

/// The answer a write with this client id gave `actor`, if it was already applied: learning answers a
/// replayed progress or quiz item with it. A receipt of someone else's (or of a kind that keeps no
/// answer) is not a replay of this write.
pub(crate) async fn answer_of(
    tx: &mut Tx,
    client_id: &str,
    actor: &str,
) -> DbResult<Option<String>> {
    let row: Option<(Option<String>,)> = tx
        .fetch_optional(
            q("SELECT result FROM sync_receipts WHERE client_id = $1 AND actor_id = $2")
                .bind(client_id)
                .bind(actor),
        )
        .await?;
    Ok(row.and_then(|(r,)| r))
}

/// The receipt of a write that keeps its answer (learning's `lesson_open`, `lesson_quiz`), in the
/// write's transaction; false when the client id was already taken (a concurrent copy won).
pub(crate) async fn record_answer(
    tx: &mut Tx,
    client_id: &str,
    kind: &str,
    actor: &str,
    record_id: &str,
    answer: &str,
    at: i64,
) -> DbResult<bool> {
    let n = tx
        .execute(
            q("INSERT INTO sync_receipts (client_id, kind, actor_id, record_id, device_time, received_at, result)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (client_id) DO NOTHING")
                .bind(client_id)
                .bind(kind)
                .bind(actor)
                .bind(record_id)
                .bind(at)
                .bind(crate::db::now())
                .bind(answer),
        )
        .await?;
    Ok(n == 1)
}
