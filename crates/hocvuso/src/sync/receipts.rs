//! Receipts: one row per client id in `sync_receipts`, written in the same transaction as the record,
//! so a replayed or resent item is answered `duplicate` with the first copy's record. Kind-agnostic:
//! every idempotent write goes through here (offline batches, form posts through `sync::apply_one`,
//! learning's progress and quiz answers), and the outcome types below are the contract between the
//! engine and the capabilities that own the records.
use std::collections::{HashMap, HashSet};

use super::Prepared;
use crate::db::{DbResult, Tx, placeholders, q, tuples};
use crate::error::FieldError;

/// What applying one item did to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Written; the id of the record it created or changed.
    Created(String),
    /// Valid, but a newer edit of the same record (by device time) had already been stored.
    Superseded(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Created,
    Duplicate,
    Superseded,
    Rejected,
}

impl ItemStatus {
    /// As serialised (and as the metrics label it).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Created => "created",
            ItemStatus::Duplicate => "duplicate",
            ItemStatus::Superseded => "superseded",
            ItemStatus::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemOutcome {
    pub client_id: String,
    pub status: ItemStatus,
    pub record_id: Option<String>,
    pub field_errors: Vec<FieldError>,
}

/// Write the receipts of `items` (in client-id order, so concurrent batches take the keys in one
/// order); the client ids that were new. A copy that a concurrent request is storing waits for it
/// (PostgreSQL queues the insert on the key) and is then not new.
pub(super) async fn claim(
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
pub(super) async fn records_of(
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
pub(super) async fn forget(tx: &mut Tx, client_ids: &[&str]) -> DbResult<()> {
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
pub(super) async fn name_records(tx: &mut Tx, renamed: &[(&str, &str)]) -> DbResult<()> {
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
