//! Offline sync: `POST /api/v1/sync` takes a batch of writes made on a phone without signal, each with
//! a client-generated UUID, and answers each item's result.
//!
//! Rules (the contract the service worker's outbox relies on):
//! - **Idempotent.** The first copy of a `client_id` writes a receipt in the same transaction as the
//!   record; any later copy (a replay, a retry after a lost answer, the same id twice in one batch) is
//!   answered `duplicate` with the first copy's record id and writes nothing. The receipt is inserted
//!   first with `ON CONFLICT DO NOTHING`, so two concurrent replays on PostgreSQL queue on the row and
//!   the second sees `duplicate`.
//! - **Partial batches.** Every item is validated on its own, before anything is written (text without
//!   control characters, lengths, ranges, dates, ids), the same on both databases; a bad item is
//!   answered `rejected` with its field errors and leaves no trace, the good ones are kept. Each item
//!   runs under a savepoint, so a value the database still refuses rejects that item alone
//!   (`sync-refused`).
//! - **No races.** Items are applied in a fixed order (households, ticks, marks, activities; each by
//!   its natural key), rows several phones write are upserts on their natural keys, and a chunk's
//!   transaction that collides with another (deadlock, serialization failure, busy, unique race) is run
//!   again with jittered backoff. Only a database failure that outlasts this fails the request (HTTP
//!   500); chunks committed before it stay, and the device's resend answers them `duplicate`.
//! - **Size.** At most [`model::MAX_ITEMS`] items and 2 MB per request; more is answered 413 with
//!   `sync-too-large`, and the app sends half as many.
//! - **Conflicts.** Activities and new households are append-only: two devices never edit the same one.
//!   A household checklist item and an attendance mark are single values edited from several phones:
//!   the edit with the latest `device_time` wins (ties go to the later arrival); an older edit arriving
//!   late is answered `superseded` and changes nothing. A device time ahead of the server's clock is
//!   clamped to the server's time, so a phone with a wrong clock cannot win every future edit.
//! - **Times.** Both are kept: `device_time` (when the phone says it happened) on the record and the
//!   receipt, and the server's time (`received_at`, `created_at`/`updated_at`).
pub mod api;
mod dispatch;
pub mod model;
pub mod pwa;
pub mod receipts;

use axum::routing::get;
use utoipa_axum::{router::OpenApiRouter, routes};

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::db::{Db, Tx, now};
use crate::error::FieldError;
use crate::web::auth::SessionUser;
use crate::web::fields::Fields;
use crate::{AppError, AppResult, AppState};
use model::KINDS;
use receipts::{Applied, ItemOutcome, ItemStatus};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::sync))
        .route("/sw.js", get(pwa::service_worker))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .route("/ngoai-tuyen", get(pwa::offline_page))
        .route("/chua-gui", get(pwa::outbox_page))
}

/// An item after the checks that need no database.
pub struct Prepared {
    pub client_id: String,
    pub kind: String,
    pub device_time: i64,
    pub fields: Fields,
}

fn rejected(client_id: &str, errors: Vec<FieldError>) -> ItemOutcome {
    ItemOutcome {
        client_id: client_id.to_owned(),
        status: ItemStatus::Rejected,
        record_id: None,
        field_errors: errors,
    }
}

/// Check the envelope of an item: a UUID, a known kind, an object of data, a device time.
pub(crate) fn prepare(item: &model::SyncItem, server_now: i64) -> Result<Prepared, ItemOutcome> {
    let client_id = match uuid::Uuid::parse_str(&item.client_id) {
        Ok(u) => u.hyphenated().to_string(),
        Err(_) => {
            return Err(rejected(
                &item.client_id,
                vec![FieldError::new("client_id", "sync-client-id")],
            ));
        }
    };
    if !KINDS.contains(&item.kind.as_str()) {
        return Err(rejected(
            &client_id,
            vec![FieldError::new("kind", "sync-kind-unknown")],
        ));
    }
    let Some(fields) = Fields::from_json(&item.data) else {
        return Err(rejected(
            &client_id,
            vec![FieldError::new("data", "sync-data-object")],
        ));
    };
    let device_time = match &item.device_time {
        None => server_now,
        Some(v) => match model::parse_device_time(Some(v)) {
            Some(t) => t.min(server_now),
            None => {
                return Err(rejected(
                    &client_id,
                    vec![FieldError::new("device_time", "sync-device-time")],
                ));
            }
        },
    };
    Ok(Prepared {
        client_id,
        kind: item.kind.clone(),
        device_time,
        fields,
    })
}

/// Items per write transaction. A write holds SQLite's single write lock (and PostgreSQL's row locks)
/// until commit, so a 500-item batch is written as a few short transactions rather than one long one
/// that every other phone and the aggregator would queue behind.
const CHUNK: usize = 100;

/// How many times a transaction that collided with another is run again before the batch fails.
const ATTEMPTS: u32 = 8;

/// Apply prepared items; the outcomes come back in the items' order. Errors only when the database
/// fails for a reason that is not the items' (every chunk committed before that stays written, and a
/// resend answers it `duplicate`).
///
/// The first copy of a client id in the batch is the one applied; a later copy gets its answer. The
/// rest is applied in [`apply_order`], in chunks of [`CHUNK`], each chunk one transaction that is run
/// again from the start (up to [`ATTEMPTS`] times, after a short random pause) when it collides with
/// another transaction: a PostgreSQL deadlock or serialization failure, SQLite busy, or a unique-key
/// race. A valid batch is then answered, however many phones send at once.
pub(crate) async fn apply_batch(
    db: &Db,
    user: &SessionUser,
    items: &[Prepared],
    received_at: i64,
) -> AppResult<Vec<ItemOutcome>> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut copies = Vec::new();
    let mut order = Vec::with_capacity(items.len());
    for (i, p) in items.iter().enumerate() {
        match first.entry(p.client_id.as_str()) {
            Entry::Occupied(e) => copies.push((i, *e.get())),
            Entry::Vacant(e) => {
                e.insert(i);
                order.push(i);
            }
        }
    }
    order.sort_by_cached_key(|&i| (dispatch::apply_order(&items[i]), i));
    let mut out: Vec<Option<ItemOutcome>> = vec![None; items.len()];
    for chunk in order.chunks(CHUNK) {
        let run: Vec<&Prepared> = chunk.iter().map(|&i| &items[i]).collect();
        let outcomes = apply_chunk_retrying(db, user, &run, received_at).await?;
        for (&i, o) in chunk.iter().zip(outcomes) {
            out[i] = Some(o);
        }
    }
    for (i, f) in copies {
        let o = match &out[f] {
            Some(o) if o.status == ItemStatus::Rejected => ItemOutcome {
                client_id: items[i].client_id.clone(),
                ..o.clone()
            },
            Some(o) => duplicate(&items[i].client_id, o.record_id.clone()),
            None => {
                return Err(AppError::internal("sync", "first copy without outcome"));
            }
        };
        out[i] = Some(o);
    }
    out.into_iter()
        .map(|o| o.ok_or_else(|| AppError::internal("sync", "item without outcome")))
        .collect()
}

async fn apply_chunk_retrying(
    db: &Db,
    user: &SessionUser,
    run: &[&Prepared],
    received_at: i64,
) -> AppResult<Vec<ItemOutcome>> {
    let mut attempt = 1;
    loop {
        let last = attempt >= ATTEMPTS;
        let result = async {
            let mut tx = db.begin_bulk().await?;
            let out = apply_chunk(&mut tx, user, run, received_at, last).await?;
            tx.commit().await?;
            Ok::<_, AppError>(out)
        }
        .await;
        match result {
            Err(AppError::Db(e)) if e.is_retryable() && !last => {
                tracing::info!(attempt, error = %e, "sync: transaction collided; running it again");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Exponential backoff with full jitter (10 ms, 20 ms, … capped at 640 ms, times a random factor), so
/// transactions that collided do not collide again in lock step.
fn backoff(attempt: u32) -> std::time::Duration {
    use rand::Rng;
    let cap = 10u64 << attempt.min(6);
    std::time::Duration::from_millis(rand::thread_rng().gen_range(cap / 2..=cap))
}

/// One transaction's worth of items (already in [`apply_order`]). The receipts go in first, all at
/// once and in client-id order: the first copy of an item wins, and a copy that a concurrent request
/// is storing waits for it (PostgreSQL queues the insert on the key) and is then answered `duplicate`.
/// Each item then runs under a savepoint, so an item the database still refuses is rolled back alone
/// and answered `rejected`. `last`: this is the final attempt, so a unique-key race is the item's
/// refusal rather than a reason to run again.
async fn apply_chunk(
    tx: &mut Tx,
    user: &SessionUser,
    run: &[&Prepared],
    received_at: i64,
    last: bool,
) -> AppResult<Vec<ItemOutcome>> {
    let mut by_id: Vec<&Prepared> = run.to_vec();
    by_id.sort_by(|a, b| a.client_id.cmp(&b.client_id));
    let fresh = receipts::claim(tx, &by_id, &user.id, received_at).await?;
    let seen: Vec<&str> = run
        .iter()
        .map(|p| p.client_id.as_str())
        .filter(|c| !fresh.contains(*c))
        .collect();
    let known = receipts::records_of(tx, &seen).await?;
    let mut out = Vec::with_capacity(run.len());
    let mut rest = run;
    while let Some(first) = rest.first() {
        if !fresh.contains(&first.client_id) {
            out.push(duplicate(
                &first.client_id,
                known.get(&first.client_id).cloned().flatten(),
            ));
            rest = &rest[1..];
            continue;
        }
        let n = rest
            .iter()
            .take_while(|p| dispatch::applies_as_a_run(p) && fresh.contains(&p.client_id))
            .count();
        if n > 1 {
            out.extend(apply_activity_run(tx, user, &rest[..n], last).await?);
            rest = &rest[n..];
        } else {
            out.push(apply_alone(tx, user, first, last).await?);
            rest = &rest[1..];
        }
    }
    // A refused item leaves no trace: its receipt goes, so the phone can send it again corrected.
    let refused: Vec<&str> = out
        .iter()
        .filter(|o| o.status == ItemStatus::Rejected && fresh.contains(&o.client_id))
        .map(|o| o.client_id.as_str())
        .collect();
    receipts::forget(tx, &refused).await?;
    // Receipts name the record an item made or changed when it is not the item's own id (a household
    // that already existed, a checklist row, an attendance mark).
    let renamed: Vec<(&str, &str)> = out
        .iter()
        .filter(|o| o.status != ItemStatus::Rejected && fresh.contains(&o.client_id))
        .filter_map(|o| {
            o.record_id
                .as_deref()
                .filter(|r| *r != o.client_id)
                .map(|r| (o.client_id.as_str(), r))
        })
        .collect();
    receipts::name_records(tx, &renamed).await?;
    Ok(out)
}

fn duplicate(client_id: &str, record: Option<String>) -> ItemOutcome {
    ItemOutcome {
        client_id: client_id.to_owned(),
        status: ItemStatus::Duplicate,
        record_id: record,
        field_errors: Vec::new(),
    }
}

/// The outcome of an item refused by its checks, or the error itself when the database failed.
pub(super) fn refused(client_id: &str, e: AppError) -> AppResult<ItemOutcome> {
    if matches!(e, AppError::Db(_) | AppError::Internal { .. }) {
        return Err(e);
    }
    let mut errors = e.fields();
    if errors.is_empty() {
        errors.push(FieldError::new("data", e.message_id()));
    }
    Ok(rejected(client_id, errors))
}

/// An item's error as its refusal, or the error back when the whole transaction must fail: a value
/// the database refused (what validation did not foresee) is the item's fault; so is a unique-key race
/// that is still there on the last attempt.
fn as_refusal(e: AppError, last: bool) -> AppResult<AppError> {
    match e {
        AppError::Db(d) if d.is_item_fault() || (last && d.is_unique()) => {
            tracing::warn!(error = %d, "sync: the database refused an item");
            Ok(AppError::field("data", "sync-refused"))
        }
        AppError::Db(_) | AppError::Internal { .. } => Err(e),
        other => Ok(other),
    }
}

const ITEM: &str = "hv_item";
const RUN: &str = "hv_run";

/// One item, under a savepoint.
async fn apply_alone(
    tx: &mut Tx,
    user: &SessionUser,
    p: &Prepared,
    last: bool,
) -> AppResult<ItemOutcome> {
    tx.savepoint(ITEM).await?;
    match dispatch::apply_kind(tx, user, p).await {
        Ok(applied) => {
            tx.release(ITEM).await?;
            let (status, record) = match applied {
                Applied::Created(r) => (ItemStatus::Created, r),
                Applied::Superseded(r) => (ItemStatus::Superseded, r),
            };
            Ok(ItemOutcome {
                client_id: p.client_id.clone(),
                status,
                record_id: Some(record),
                field_errors: Vec::new(),
            })
        }
        Err(e) => {
            let e = as_refusal(e, last)?;
            tx.rollback_to(ITEM).await?;
            tx.release(ITEM).await?;
            refused(&p.client_id, e)
        }
    }
}

/// A run of fresh activities under one savepoint; if the database refuses the run, each is applied
/// again alone so only the culprit is refused.
async fn apply_activity_run(
    tx: &mut Tx,
    user: &SessionUser,
    run: &[&Prepared],
    last: bool,
) -> AppResult<Vec<ItemOutcome>> {
    tx.savepoint(RUN).await?;
    match dispatch::apply_activities(tx, user, run).await {
        Ok(out) => {
            tx.release(RUN).await?;
            return Ok(out);
        }
        Err(e) => {
            as_refusal(e, last)?;
            tx.rollback_to(RUN).await?;
            tx.release(RUN).await?;
        }
    }
    let mut out = Vec::with_capacity(run.len());
    for p in run {
        out.push(apply_alone(tx, user, p, last).await?);
    }
    Ok(out)
}

/// One write from a plain form post, through the same receipts (a resubmitted form writes nothing new).
/// A missing or malformed client id gets a fresh one.
pub(crate) async fn apply_one(
    state: &AppState,
    user: &SessionUser,
    kind: &str,
    client_id: &str,
    device_time: i64,
    fields: &Fields,
) -> AppResult<ItemOutcome> {
    let client_id = uuid::Uuid::parse_str(client_id)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|_| crate::db::new_id());
    let p = Prepared {
        client_id,
        kind: kind.to_owned(),
        device_time,
        fields: fields.clone(),
    };
    let mut out = apply_batch(&state.db, user, std::slice::from_ref(&p), now()).await?;
    out.pop()
        .ok_or_else(|| AppError::internal("sync", "empty outcome"))
}
