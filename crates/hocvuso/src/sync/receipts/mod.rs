//! Receipts: one row per client id in `sync_receipts`, written in the same transaction as the record,
//! so a replayed or resent item is answered `duplicate` with the first copy's record. Kind-agnostic:
//! every idempotent write goes through here (offline batches, form posts through `sync::apply_one`,
//! learning's progress and quiz answers), and the outcome types below are the contract between the
//! engine and the capabilities that own the records.
use crate::error::FieldError;

mod store;

pub(crate) use store::{answer_of, record_answer};
pub(in crate::sync) use store::{claim, forget, name_records, records_of};

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
