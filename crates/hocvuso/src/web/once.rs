//! Write forms carry a client id, generated when the form is rendered (a hidden `client_id` field), so
//! a double tap, a back-button resubmit or a retried request stores one record and shows the same
//! confirmation. The receipt is inserted first in the write's transaction (`ON CONFLICT DO NOTHING`:
//! on PostgreSQL a concurrent copy waits for the first to commit), and remembers where the first
//! submission led; a later copy is sent there and writes nothing. A copy refused by validation rolls
//! the receipt back with everything else, so the corrected form can be sent with the same id.
use super::store;
use crate::db::{Db, DbResult, Tx, new_id, now};

/// What a submission is.
pub enum Claim {
    /// The first copy: go ahead, then [`finish`] with the confirmation's location.
    Fresh(String),
    /// Already stored: show this confirmation again.
    Done(String),
}

/// A fresh id for a form being rendered.
pub(crate) fn client_id() -> String {
    new_id()
}

/// Claim a form's client id for `actor` inside the write's transaction. A missing or malformed id
/// (an old page, a client without the field) gets a fresh one: the write happens once, as before.
pub(crate) async fn claim(
    tx: &mut Tx,
    client_id: &str,
    kind: &str,
    actor: &str,
) -> DbResult<Claim> {
    let Ok(id) = uuid::Uuid::parse_str(client_id.trim()) else {
        return Ok(Claim::Fresh(new_id()));
    };
    let id = id.hyphenated().to_string();
    if store::claim_form(tx, &id, kind, actor, now()).await? {
        return Ok(Claim::Fresh(id));
    }
    let location = store::form_location(&mut *tx, &id, kind, actor).await?;
    Ok(match location {
        Some(l) if !l.is_empty() => Claim::Done(l),
        // Someone else's id (or one not finished): never reveal theirs; treat as a new write.
        _ => Claim::Fresh(new_id()),
    })
}

/// Record where the first submission led (in the same transaction as the write).
pub(crate) async fn finish(tx: &mut Tx, client_id: &str, location: &str) -> DbResult<()> {
    store::set_form_location(tx, client_id, location).await
}

/// Where an already stored copy of this form led, read before validating: a form whose checks read
/// the database (a course slug that must be free) would otherwise refuse its own second copy
/// ("taken") instead of showing the first copy's confirmation. The claim inside the write's
/// transaction still decides for copies that arrive together.
pub(crate) async fn seen(
    db: &Db,
    client_id: &str,
    kind: &str,
    actor: &str,
) -> DbResult<Option<String>> {
    let Ok(id) = uuid::Uuid::parse_str(client_id.trim()) else {
        return Ok(None);
    };
    let location = store::form_location(db, &id.hyphenated().to_string(), kind, actor).await?;
    Ok(location.filter(|l| !l.is_empty()))
}
