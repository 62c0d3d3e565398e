//! What each kind of item does: the order a batch is applied in, and the call into the capability that
//! owns the record (teams for households, checks and activities; classes for attendance marks). The
//! rest of `sync` knows nothing of kinds.
use super::receipts::{Applied, ItemOutcome, ItemStatus};
use super::{Prepared, refused};
use crate::db::Tx;
use crate::web::auth::SessionUser;
use crate::{AppError, AppResult};

pub(super) async fn apply_kind(
    tx: &mut Tx,
    user: &SessionUser,
    p: &Prepared,
) -> AppResult<Applied> {
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

/// Where an item goes in the order a batch is applied in. Households come first (so a tick or an
/// activity of a household registered in the same batch finds it, whatever order the phone queued
/// them in), then checklist ticks, attendance marks and activities; within a kind, by the row the item
/// writes. Every batch therefore takes its row locks in the same order, and two phones sending the same
/// households in different orders queue behind each other instead of deadlocking.
pub(super) fn apply_order(p: &Prepared) -> (u8, String) {
    let f = &p.fields;
    match p.kind.as_str() {
        "household" => (
            0,
            format!(
                "{}|{}",
                f.get("village").trim(),
                crate::teams::model::household_key(f.get("head_name"), f.get("address"))
            ),
        ),
        "household_check" => (
            1,
            format!("{}|{}", f.get("household").trim(), f.get("item")),
        ),
        "attendance" => (
            2,
            format!("{}|{}|{}", f.get("session"), f.get("person"), f.get("code")),
        ),
        _ => (3, p.client_id.clone()),
    }
}

/// Activities whose receipts were just written: checks with shared look-ups, then the records in
/// multi-row statements. An activity's record id is its client id.
pub(super) async fn apply_activities(
    tx: &mut Tx,
    user: &SessionUser,
    run: &[&Prepared],
) -> AppResult<Vec<ItemOutcome>> {
    use crate::teams::activities::{Lookups, check, store_checked};
    let mut look = Lookups::default();
    let mut out = Vec::with_capacity(run.len());
    let mut rows = Vec::new();
    for p in run {
        match check(tx, user, &mut look, &p.fields).await {
            Ok(c) => {
                out.push(ItemOutcome {
                    client_id: p.client_id.clone(),
                    status: ItemStatus::Created,
                    record_id: Some(p.client_id.clone()),
                    field_errors: Vec::new(),
                });
                rows.push((p.client_id.as_str(), c, p.device_time));
            }
            Err(e) => out.push(refused(&p.client_id, e)?),
        }
    }
    store_checked(tx, user, &rows).await?;
    Ok(out)
}

/// Items of this kind that follow each other in a batch are checked with shared look-ups and written
/// in multi-row statements ([`apply_activities`]): a village's evening of logged help arrives at once.
pub(super) fn applies_as_a_run(p: &Prepared) -> bool {
    p.kind == "activity"
}
