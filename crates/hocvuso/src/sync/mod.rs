//! Offline sync: `POST /api/v1/sync` takes a batch of writes made on a phone without signal, each with
//! a client-generated UUID, and answers each item's result.
//!
//! Rules (the contract the service worker's outbox relies on):
//! - **Idempotent.** The first copy of a `client_id` writes a receipt in the same transaction as the
//!   record; any later copy (a replay, a retry after a lost answer, the same id twice in one batch) is
//!   answered `duplicate` with the first copy's record id and writes nothing. The receipt is inserted
//!   first with `ON CONFLICT DO NOTHING`, so two concurrent replays on PostgreSQL queue on the row and
//!   the second sees `duplicate`.
//! - **Partial batches.** Every item is validated on its own; a bad item is answered `rejected` with its
//!   field errors and leaves no trace, the good ones are kept. Only a database failure fails the whole
//!   batch (HTTP 500, nothing written), which the device simply retries.
//! - **Conflicts.** Activities and new households are append-only: two devices never edit the same one.
//!   A household checklist item and an attendance mark are single values edited from several phones:
//!   the edit with the latest `device_time` wins (ties go to the later arrival); an older edit arriving
//!   late is answered `superseded` and changes nothing. A device time ahead of the server's clock is
//!   clamped to the server's time, so a phone with a wrong clock cannot win every future edit.
//! - **Times.** Both are kept: `device_time` (when the phone says it happened) on the record and the
//!   receipt, and the server's time (`received_at`, `created_at`/`updated_at`).
pub mod api;
pub mod model;
pub mod pwa;

use axum::Router;
use axum::routing::{get, post};

use std::collections::{HashMap, HashSet};

use crate::db::{Tx, now, placeholders, q, tuples};
use crate::error::FieldError;
use crate::web::auth::SessionUser;
use crate::{AppError, AppResult, AppState};
use model::{Applied, Fields, ItemOutcome, ItemStatus, KINDS};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sync", post(api::sync))
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
pub fn prepare(item: &model::SyncItem, server_now: i64) -> Result<Prepared, ItemOutcome> {
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

async fn apply_kind(tx: &mut Tx, user: &SessionUser, p: &Prepared) -> AppResult<Applied> {
    match p.kind.as_str() {
        "activity" => {
            crate::teams::activities::apply(tx, user, &p.client_id, &p.fields, p.device_time).await
        }
        "household" => crate::teams::households::apply_new(tx, user, &p.client_id, &p.fields).await,
        "household_check" => {
            crate::teams::households::apply_check(tx, user, &p.fields, p.device_time).await
        }
        "attendance" => crate::classes::attendance::apply(tx, user, &p.fields, p.device_time).await,
        _ => Err(AppError::field("kind", "sync-kind-unknown")),
    }
}

/// Apply prepared items in one transaction. Errors only for a database failure (nothing is written then).
/// Items are applied in order; a run of consecutive activities (the bulk of field work) is checked and
/// stored together, which gives the same outcomes as one at a time because activities never change
/// what another activity's checks read.
pub async fn apply_prepared(
    tx: &mut Tx,
    user: &SessionUser,
    items: &[Prepared],
    received_at: i64,
) -> AppResult<Vec<ItemOutcome>> {
    let mut out = Vec::with_capacity(items.len());
    let mut rest = items;
    while let Some(first) = rest.first() {
        let run = rest.iter().take_while(|p| p.kind == "activity").count();
        if run > 1 {
            out.extend(apply_activities(tx, user, &rest[..run], received_at).await?);
            rest = &rest[run..];
        } else {
            out.push(apply_item(tx, user, first, received_at).await?);
            rest = &rest[1..];
        }
    }
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
fn refused(client_id: &str, e: AppError) -> AppResult<ItemOutcome> {
    if matches!(e, AppError::Db(_) | AppError::Internal(_)) {
        return Err(e);
    }
    let mut errors = e.fields();
    if errors.is_empty() {
        errors.push(FieldError::new("data", e.message_id()));
    }
    Ok(rejected(client_id, errors))
}

async fn apply_item(
    tx: &mut Tx,
    user: &SessionUser,
    p: &Prepared,
    received_at: i64,
) -> AppResult<ItemOutcome> {
    let fresh = tx
        .execute(
            q("INSERT INTO sync_receipts (client_id, kind, actor_id, record_id, device_time, received_at)
               VALUES ($1, $2, $3, $1, $4, $5) ON CONFLICT (client_id) DO NOTHING")
            .bind(&p.client_id)
            .bind(&p.kind)
            .bind(&user.id)
            .bind(p.device_time)
            .bind(received_at),
        )
        .await?;
    if fresh == 0 {
        let record: Option<String> = tx
            .scalar(
                q("SELECT record_id FROM sync_receipts WHERE client_id = $1").bind(&p.client_id),
            )
            .await?;
        return Ok(duplicate(&p.client_id, record));
    }
    match apply_kind(tx, user, p).await {
        Ok(applied) => {
            let (status, record) = match applied {
                Applied::Created(r) => (ItemStatus::Created, r),
                Applied::Superseded(r) => (ItemStatus::Superseded, r),
            };
            if record != p.client_id {
                tx.execute(
                    q("UPDATE sync_receipts SET record_id = $1 WHERE client_id = $2")
                        .bind(&record)
                        .bind(&p.client_id),
                )
                .await?;
            }
            Ok(ItemOutcome {
                client_id: p.client_id.clone(),
                status,
                record_id: Some(record),
                field_errors: Vec::new(),
            })
        }
        Err(e) => {
            let outcome = refused(&p.client_id, e)?;
            // Validation runs before any write of the item, so dropping the receipt leaves no trace.
            tx.execute(q("DELETE FROM sync_receipts WHERE client_id = $1").bind(&p.client_id))
                .await?;
            Ok(outcome)
        }
    }
}

/// A run of activities: one read of the receipts already stored, checks with shared look-ups, then the
/// receipts and the records in multi-row statements. An activity's record id is its client id.
async fn apply_activities(
    tx: &mut Tx,
    user: &SessionUser,
    run: &[Prepared],
    received_at: i64,
) -> AppResult<Vec<ItemOutcome>> {
    use crate::teams::activities::{Lookups, check, store_checked};
    let mut known: HashMap<String, Option<String>> = HashMap::new();
    for chunk in run.chunks(500) {
        let mut stmt = q(format!(
            "SELECT client_id, record_id FROM sync_receipts WHERE client_id IN ({})",
            placeholders(1, chunk.len())
        ));
        for p in chunk {
            stmt = stmt.bind(&p.client_id);
        }
        known.extend(tx.fetch_all::<(String, Option<String>)>(stmt).await?);
    }
    let mut look = Lookups::default();
    let mut out = Vec::with_capacity(run.len());
    let mut fresh = Vec::new();
    for p in run {
        if let Some(record) = known.get(&p.client_id) {
            out.push(duplicate(&p.client_id, record.clone()));
            continue;
        }
        match check(tx, user, &mut look, &p.fields).await {
            Ok(c) => {
                known.insert(p.client_id.clone(), Some(p.client_id.clone()));
                out.push(ItemOutcome {
                    client_id: p.client_id.clone(),
                    status: ItemStatus::Created,
                    record_id: Some(p.client_id.clone()),
                    field_errors: Vec::new(),
                });
                fresh.push((p, c));
            }
            Err(e) => out.push(refused(&p.client_id, e)?),
        }
    }
    // The receipts go first and the first copy wins: an item a concurrent request stored meanwhile
    // (PostgreSQL queues this insert behind it) is answered `duplicate` and not stored again.
    let mut stored: HashSet<String> = HashSet::new();
    for chunk in fresh.chunks(200) {
        let mut stmt = q(format!(
            "INSERT INTO sync_receipts (client_id, kind, actor_id, record_id, device_time, received_at)
             VALUES {} ON CONFLICT (client_id) DO NOTHING RETURNING client_id",
            tuples(chunk.len(), 6)
        ));
        for (p, _) in chunk {
            stmt = stmt
                .bind(&p.client_id)
                .bind(&p.kind)
                .bind(&user.id)
                .bind(&p.client_id)
                .bind(p.device_time)
                .bind(received_at);
        }
        stored.extend(
            tx.fetch_all::<(String,)>(stmt)
                .await?
                .into_iter()
                .map(|(c,)| c),
        );
    }
    for o in &mut out {
        if o.status == ItemStatus::Created && !stored.contains(&o.client_id) {
            o.status = ItemStatus::Duplicate;
        }
    }
    let rows: Vec<(&str, _, i64)> = fresh
        .into_iter()
        .filter(|(p, _)| stored.contains(&p.client_id))
        .map(|(p, c)| (p.client_id.as_str(), c, p.device_time))
        .collect();
    store_checked(tx, user, &rows).await?;
    Ok(out)
}

/// One write from a plain form post, through the same receipts (a resubmitted form writes nothing new).
/// A missing or malformed client id gets a fresh one.
pub async fn apply_one(
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
    let mut tx = state.db.begin().await?;
    let mut out = apply_prepared(&mut tx, user, std::slice::from_ref(&p), now()).await?;
    tx.commit().await?;
    out.pop()
        .ok_or_else(|| AppError::Internal("empty outcome".into()))
}
