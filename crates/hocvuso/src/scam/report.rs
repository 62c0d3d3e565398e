//! Filing a report: one path for the page's button and the JSON API.
use sha2::{Digest, Sha256};

use super::model::{clean_message, kind_of, strip_reporter_data};
use super::store;
use crate::error::FieldError;
use crate::units::model::{LEVEL_COMMUNE, LEVEL_VILLAGE};
use crate::units::store as units;
use crate::web::auth::SessionUser;
use crate::{AppError, AppResult, AppState};

/// Reports per client address in [`WINDOW_SECONDS`]: plenty for a family or a commune office sharing
/// one connection, too few to skew a commune's figures.
pub const MAX_PER_WINDOW: i64 = 10;
pub const WINDOW_SECONDS: i64 = 15 * 60;

pub struct Filed {
    pub id: String,
    /// The same client had already reported this text today; nothing new was stored or counted.
    pub duplicate: bool,
    pub verdict: scamcheck::Level,
    pub kind: String,
}

/// The commune a signed-in person lives in (their village's commune), if they live in one.
pub(crate) async fn home_commune(
    state: &AppState,
    user: &SessionUser,
) -> AppResult<Option<String>> {
    let Some(unit) = units::get(&state.db, &user.unit_code).await? else {
        return Ok(None);
    };
    Ok(match unit.level {
        LEVEL_COMMUNE => Some(unit.code),
        LEVEL_VILLAGE => unit.parent_code,
        _ => None,
    })
}

/// The commune to file under: the one chosen, else the reporter's own; an error on `commune` when
/// neither is a commune of this province.
async fn commune_for(
    state: &AppState,
    user: Option<&SessionUser>,
    chosen: &str,
) -> AppResult<String> {
    let chosen = chosen.trim();
    let code = if chosen.is_empty() {
        match user {
            Some(u) => home_commune(state, u).await?,
            None => None,
        }
        .ok_or_else(|| AppError::field("commune", "field-choose"))?
    } else {
        chosen.to_owned()
    };
    match crate::units::scope::resolve_home_unit(state, &code, None).await? {
        Ok(unit) => Ok(unit.code),
        Err(e) => Err(AppError::Invalid(vec![e])),
    }
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Validate, strip the reporter's own data, check, store and count — or refuse with a field error or
/// 429, writing nothing.
pub(crate) async fn file(
    state: &AppState,
    user: Option<&SessionUser>,
    client_ip: &str,
    text: &str,
    commune: &str,
) -> AppResult<Filed> {
    let text = clean_message(text).map_err(|e| AppError::Invalid(vec![e]))?;
    let commune = commune_for(state, user, commune).await?;
    let text = strip_reporter_data(
        &text,
        user.and_then(|u| u.phone.as_deref()),
        user.map(|u| u.full_name.as_str()),
    );
    if text.trim() == super::model::HIDDEN {
        return Err(AppError::Invalid(vec![FieldError::new(
            "text",
            "scam-report-only-own-data",
        )]));
    }
    let snapshot = state.scam.snapshot(&state.db).await;
    let verdict = snapshot.checker.check(&text);
    let evidence = snapshot.checker.evidence(&text);
    let kind = kind_of(&verdict);
    let text_hash = sha256_hex(&text);
    // The address itself is never stored; its hash is enough to count.
    let client_key = sha256_hex(&format!("scam-report:{client_ip}"));

    let mut tx = state.db.begin().await?;
    let since = crate::db::now() - WINDOW_SECONDS;
    let (recent, same) = store::client_history(&mut tx, &client_key, &text_hash, since).await?;
    if let Some(id) = same {
        return Ok(Filed {
            id,
            duplicate: true,
            verdict: verdict.verdict,
            kind,
        });
    }
    if recent >= MAX_PER_WINDOW {
        return Err(AppError::TooManyRequests);
    }
    let id = store::insert_report(
        &mut tx,
        &store::NewReport {
            text: &text,
            text_hash: &text_hash,
            kind: &kind,
            verdict: super::model::stored_verdict(verdict.verdict),
            score_milli: (verdict.score * 1000.0).round() as i64,
            numbers: &evidence.numbers,
            domains: &evidence.domains,
            unit_code: &commune,
            client_key: &client_key,
        },
    )
    .await?;
    crate::stats::emit(
        &mut tx,
        crate::stats::StatEvent {
            metric: crate::stats::metric::SCAM_REPORT,
            unit_code: &commune,
            person_id: None,
            value: 1,
            at: crate::db::now(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Filed {
        id,
        duplicate: false,
        verdict: verdict.verdict,
        kind,
    })
}
