//! The shapes of an offline sync batch and of its answer.
pub use crate::sync::receipts::{ItemOutcome, ItemStatus};

/// One offline write.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SyncItem {
    /// UUID made on the device when the write was made; replaying it never writes twice.
    pub client_id: String,
    /// `activity`, `household`, `household_check` or `attendance`.
    pub kind: String,
    /// When the device says the write was made: Unix seconds, Unix milliseconds or RFC 3339.
    #[serde(default)]
    #[schema(value_type = Option<DeviceTime>)]
    pub device_time: Option<serde_json::Value>,
    /// The fields of the write, as the matching form names them (see the API description).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl SyncItem {
    /// Whether the item has the shape the description gives it (`data` an object, `device_time` a
    /// number, a string or null). A batch with a malformed item is refused whole (400): that is a
    /// bug in the client, not a write to report back one by one. What the values mean is checked per
    /// item.
    pub(crate) fn well_formed(&self) -> bool {
        use serde_json::Value;
        self.data.is_object()
            && matches!(
                self.device_time,
                None | Some(Value::Null | Value::Number(_) | Value::String(_))
            )
    }
}

/// A device time as the description shows it: Unix seconds or milliseconds, or an RFC 3339 string.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Only describes `SyncItem::device_time`, which is read as JSON.
pub enum DeviceTime {
    Unix(f64),
    Rfc3339(String),
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SyncRequest {
    #[schema(max_items = 500)]
    pub items: Vec<SyncItem>,
    /// The person the device queued these writes for; when it is not the signed-in person the batch is
    /// refused (409) and stays on the device, so a shared phone never files one member's work as another's.
    #[serde(default)]
    pub user: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncFieldError {
    pub field: String,
    /// Machine-readable reason.
    pub code: String,
    /// The reason in the interface language.
    pub message: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncResult {
    pub client_id: String,
    pub status: ItemStatus,
    /// The record the item created or changed (for duplicates, the one the first copy made).
    pub record_id: Option<String>,
    pub errors: Vec<SyncFieldError>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SyncResponse {
    pub results: Vec<SyncResult>,
    /// Server time (Unix seconds) when the batch was stored.
    pub server_time: i64,
}

pub const KINDS: &[&str] = &["activity", "household", "household_check", "attendance"];
pub const MAX_ITEMS: usize = 500;

/// Device time in Unix seconds: seconds, milliseconds (values past year 33658 in seconds) or RFC 3339.
pub(crate) fn parse_device_time(v: Option<&serde_json::Value>) -> Option<i64> {
    match v? {
        serde_json::Value::Number(n) => {
            let x = n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?;
            let secs = if x > 100_000_000_000 { x / 1000 } else { x };
            (secs > 946_684_800).then_some(secs)
        }
        serde_json::Value::String(s) => {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp())
                .filter(|t| *t > 946_684_800)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_times() {
        let s = serde_json::json!(1_795_887_000);
        let ms = serde_json::json!(1_795_887_000_123_i64);
        let iso = serde_json::json!("2026-11-28T17:30:00Z");
        assert_eq!(parse_device_time(Some(&s)), Some(1_795_887_000));
        assert_eq!(parse_device_time(Some(&ms)), Some(1_795_887_000));
        assert_eq!(parse_device_time(Some(&iso)), Some(1_795_887_000));
        assert_eq!(parse_device_time(Some(&serde_json::json!("hôm qua"))), None);
        assert_eq!(parse_device_time(Some(&serde_json::json!(5))), None);
        assert_eq!(parse_device_time(None), None);
    }
}
