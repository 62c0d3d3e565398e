//! iCalendar feeds (RFC 5545), written by hand: one per class and one per commune, so a learner or an
//! instructor can subscribe in their phone's calendar. Lines end in CRLF and fold at 75 octets.
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::store::{self, Class, Session};
use crate::i18n::Lang;
use crate::units::model::{LEVEL_COMMUNE, valid_code};
use crate::{AppError, AppResult, AppState};

/// Escape a TEXT value: backslash, semicolon, comma and newlines.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Append one content line, folded so no physical line exceeds 75 octets (never inside a UTF-8 char).
pub(crate) fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        // Continuation lines start with a space, which counts towards their 75 octets.
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc_stamp(unix: i64) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn location(lang: Lang, c: &Class) -> String {
    if c.is_online() {
        c.meeting_url
            .clone()
            .unwrap_or_else(|| lang.t("class-mode-online"))
    } else {
        match (&c.venue_name, &c.venue_address) {
            (Some(n), Some(a)) => format!("{n}, {a}, {}", c.commune_name),
            _ => c.commune_name.clone(),
        }
    }
}

/// A calendar of the given classes' sessions. `base_url` is the configured public address; without
/// one the events carry no link (a calendar app cannot follow a relative one).
pub(crate) fn calendar(
    lang: Lang,
    name: &str,
    base_url: Option<&str>,
    items: &[(Class, Vec<Session>)],
    stamp: i64,
) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hoc vu so//Lop hoc//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, l);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    push_line(&mut out, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
    for (c, sessions) in items {
        let url = base_url.map(|b| format!("{b}/lop-hoc/{}", c.code));
        for (i, s) in sessions.iter().enumerate() {
            push_line(&mut out, "BEGIN:VEVENT");
            push_line(&mut out, &format!("UID:{}@hocvuso", s.id));
            push_line(&mut out, &format!("DTSTAMP:{}", utc_stamp(stamp)));
            push_line(&mut out, &format!("DTSTART:{}", utc_stamp(s.starts_at)));
            push_line(&mut out, &format!("DTEND:{}", utc_stamp(s.ends_at())));
            let summary = format!("{} ({}/{})", c.title, i + 1, sessions.len());
            push_line(&mut out, &format!("SUMMARY:{}", escape(&summary)));
            push_line(
                &mut out,
                &format!("LOCATION:{}", escape(&location(lang, c))),
            );
            let mut desc = c.how_to_join.clone();
            if let Some(url) = &url {
                if !desc.is_empty() {
                    desc.push('\n');
                }
                desc.push_str(url);
            }
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(&desc)));
            if let Some(url) = &url {
                push_line(&mut out, &format!("URL:{url}"));
            }
            let status = if c.status == "cancelled" {
                "CANCELLED"
            } else {
                "CONFIRMED"
            };
            push_line(&mut out, &format!("STATUS:{status}"));
            push_line(&mut out, "END:VEVENT");
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn ics_response(body: String, file: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"{file}\""))
                    .unwrap_or(HeaderValue::from_static("inline")),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn class_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let lang = crate::web::page::lang_of(&headers);
    let class = store::class_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = store::sessions_of(&state.db, &class.id).await?;
    let name = class.title.clone();
    let body = calendar(
        lang,
        &name,
        state.settings.public_base(),
        &[(class, sessions)],
        crate::db::now(),
    );
    Ok(ics_response(body, &format!("lop-{code}.ics")))
}

pub(crate) async fn commune_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(commune): Path<String>,
) -> AppResult<Response> {
    let lang = crate::web::page::lang_of(&headers);
    if !valid_code(&commune) {
        return Err(AppError::NotFound);
    }
    let unit = crate::units::store::get(&state.db, &commune)
        .await?
        .filter(|u| u.level == LEVEL_COMMUNE)
        .ok_or(AppError::NotFound)?;
    let classes = store::find_upcoming(&state.db, &unit.code, None, false).await?;
    let mut items = Vec::with_capacity(classes.len());
    for c in classes {
        let s = store::sessions_of(&state.db, &c.id).await?;
        items.push((c, s));
    }
    let name = format!("{} — {}", lang.t("class-find-title"), unit.name);
    let body = calendar(
        lang,
        &name,
        state.settings.public_base(),
        &items,
        crate::db::now(),
    );
    Ok(ics_response(body, &format!("lop-hoc-{commune}.ics")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_escaping() {
        let mut out = String::new();
        let long = format!(
            "SUMMARY:{}",
            "Lớp học dùng điện thoại thông minh, VNeID; dịch vụ công ".repeat(4)
        );
        push_line(&mut out, &long);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        // Unfolding (remove CRLF + space) gives the line back.
        assert_eq!(out.replace("\r\n ", "").trim_end_matches("\r\n"), long);
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(utc_stamp(0), "19700101T000000Z");
    }
}
