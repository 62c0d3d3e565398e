//! The shapes of an offline sync batch and of each item's outcome, and [`Fields`]: one view over a
//! JSON item's `data` and a plain form post, so both go through the same validation.
use std::collections::BTreeMap;

use crate::error::FieldError;

/// Field values by name; a name may repeat (checkbox groups, JSON arrays).
#[derive(Debug, Default, Clone)]
pub struct Fields(BTreeMap<String, Vec<String>>);

impl Fields {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        let mut f = Fields::default();
        for (k, v) in pairs {
            f.0.entry(k).or_default().push(v);
        }
        f
    }

    /// A JSON object: strings, numbers and booleans become one value, arrays many; null is absent.
    pub(crate) fn from_json(v: &serde_json::Value) -> Option<Fields> {
        let obj = v.as_object()?;
        let mut f = Fields::default();
        for (k, v) in obj {
            let vals = match v {
                serde_json::Value::Array(a) => a.iter().filter_map(scalar).collect(),
                serde_json::Value::Null => continue,
                other => vec![scalar(other)?],
            };
            f.0.insert(k.clone(), vals);
        }
        Some(f)
    }

    /// The first value of `name`, or "".
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(crate) fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), vec![value.to_owned()]);
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        _ => None,
    }
}

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
    fn fields_from_json_and_pairs_agree() {
        let j = serde_json::json!({"kinds": ["cashless", "other"], "people_helped": 3, "done": true, "x": null});
        let f = Fields::from_json(&j).unwrap();
        assert_eq!(f.all("kinds"), ["cashless", "other"]);
        assert_eq!(f.get("people_helped"), "3");
        assert_eq!(f.get("done"), "yes");
        assert_eq!(f.get("x"), "");
        let p = Fields::from_pairs(vec![
            ("kinds".into(), "cashless".into()),
            ("kinds".into(), "other".into()),
            ("people_helped".into(), "3".into()),
        ]);
        assert_eq!(p.all("kinds"), f.all("kinds"));
        assert_eq!(p.get("people_helped"), f.get("people_helped"));
    }

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
