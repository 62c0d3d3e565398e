//! Province administrators: the questions the assistant could not answer, most asked first; turn one
//! into an FAQ entry (stored in the database, so every app server indexes it once published, and
//! exported as TOML to move into content/faq/ for good) or dismiss it; rebuild the knowledge base now.
use askama::Template;
use axum::extract::{Path, Query, State};

use axum::response::{IntoResponse, Redirect, Response};

use super::engine::Knowledge;
use super::store::{self, Draft, DraftInput, Gap};
use crate::error::FieldError;
use crate::web::auth::{ProvinceAdmin, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "assistant/admin.html")]
struct AdminPage {
    page: Page,
    gaps: Vec<Gap>,
    /// The FAQ question of each gap's nearest entry, by the entry's id: the id itself is a code.
    near: std::collections::HashMap<String, String>,
    open_total: i64,
    drafts: Vec<Draft>,
    faq_count: i64,
    lesson_count: i64,
    build_ms: String,
    built_at: i64,
    content_error: Option<String>,
    llm: bool,
    saved: bool,
}

impl AdminPage {
    /// The question of the FAQ entry nearest to a gap, when it is one.
    fn near_question(&self, id: &str) -> Option<&str> {
        self.near.get(id).map(String::as_str)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Flash {
    luu: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    page: Page,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let (gaps, open_total) = store::open_gaps(&state.db).await?;
    let drafts = store::drafts(&state.db).await?;
    let k = state.assistant.current();
    let near = gaps
        .iter()
        .filter_map(|g| k.faq(&g.near).map(|e| (g.near.clone(), e.q.clone())))
        .collect();
    Ok(render(&AdminPage {
        page,
        gaps,
        near,
        open_total,
        drafts,
        faq_count: k.faq.len() as i64,
        lesson_count: k.lessons as i64,
        build_ms: format!("{:.0}", k.build_time.as_secs_f64() * 1000.0),
        built_at: k.built_at,
        content_error: state.assistant.content_error(),
        llm: state.assistant.llm.is_some(),
        saved: flash.luu.is_some(),
    }))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

/// Rebuild this server's knowledge base now (others follow within seconds by themselves).
pub async fn reload(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    state
        .assistant
        .refresh(&state.db, true)
        .await
        .map_err(|e| AppError::internal("assistant rebuild", e))?;
    Ok(Redirect::to("/quan-ly/tro-ly?luu=1"))
}

pub async fn dismiss(
    State(state): State<AppState>,
    ProvinceAdmin(user): ProvinceAdmin,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let mut tx = state.db.begin().await?;
    if store::set_gap_status(&mut tx, &id, "dismissed", &user.id).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/quan-ly/tro-ly?luu=1"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DraftForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    slug: String,
    q: String,
    alt: String,
    a: String,
    lessons: String,
    publish: String,
    gap: String,
}

#[derive(Template)]
#[template(path = "assistant/draft.html")]
struct DraftPage {
    page: Page,
    form: FormState,
    /// `None` for a new entry.
    id: Option<String>,
    gap: Option<Gap>,
    toml: String,
}

fn slug_from(q: &str) -> String {
    let folded = vntext::folded_tokens(q);
    let mut s = folded
        .iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric()))
        .take(8)
        .cloned()
        .collect::<Vec<_>>()
        .join("-");
    s.truncate(60);
    s.trim_end_matches('-').to_owned()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    gap: String,
}

/// A new entry, prefilled from an unanswered question when `?gap=` names one.
pub async fn new_form(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    page: Page,
    Query(nq): Query<NewQuery>,
) -> AppResult<Response> {
    let mut form = FormState::default();
    let gap = if nq.gap.is_empty() {
        None
    } else {
        Some(
            store::gap(&state.db, &nq.gap)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    };
    if let Some(g) = &gap {
        form.values.insert("q", g.question.clone());
        form.values.insert("slug", slug_from(&g.question));
        form.values.insert("gap", g.id.clone());
    }
    Ok(render(&DraftPage {
        page,
        form,
        id: None,
        gap,
        toml: String::new(),
    }))
}

pub async fn edit_form(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    page: Page,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let d = store::draft(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = FormState::from_form([
        ("slug", &d.slug),
        ("q", &d.q),
        ("alt", &d.alt),
        ("a", &d.a),
        ("lessons", &d.lessons),
    ]);
    if d.status == "published" {
        form.values.insert("publish", "yes".into());
    }
    let toml = toml_entry(&d);
    Ok(render(&DraftPage {
        page,
        form,
        id: Some(d.id),
        gap: None,
        toml,
    }))
}

/// Checked, normalised fields of a draft, or the fields in error.
fn validate(
    f: &DraftForm,
    k: &Knowledge,
    own_slug: Option<&str>,
) -> Result<[String; 5], Vec<FieldError>> {
    let mut errors = Vec::new();
    let norm = |s: &str| vntext::nfc(s.trim());
    let slug = f.slug.trim().to_owned();
    if slug.is_empty() {
        errors.push(FieldError::new("slug", "field-required"));
    } else if !content::is_slug(&slug) || slug.len() > 80 {
        errors.push(FieldError::new("slug", "assistant-slug-invalid"));
    } else if k.has_id(&slug) && own_slug != Some(slug.as_str()) {
        errors.push(FieldError::new("slug", "assistant-slug-taken"));
    }
    let q = norm(&f.q);
    if q.is_empty() {
        errors.push(FieldError::new("q", "field-required"));
    } else if q.chars().count() > 300 {
        errors.push(FieldError::new("q", "field-too-long"));
    }
    let a = norm(&f.a);
    if a.is_empty() {
        errors.push(FieldError::new("a", "field-required"));
    } else if a.chars().count() > 1500 {
        errors.push(FieldError::new("a", "field-too-long"));
    }
    let alt: Vec<String> = f.alt.lines().map(norm).filter(|l| !l.is_empty()).collect();
    if alt.len() > 20 || alt.iter().any(|l| l.chars().count() > 300) {
        errors.push(FieldError::new("alt", "field-too-long"));
    }
    let lessons: Vec<String> = f
        .lessons
        .lines()
        .map(|l| l.trim().trim_start_matches("/hoc/").to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if lessons.iter().any(|l| !k.lesson_links.contains(l)) {
        errors.push(FieldError::new("lessons", "assistant-lesson-unknown"));
    }
    if errors.is_empty() {
        Ok([slug, q, alt.join("\n"), a, lessons.join("\n")])
    } else {
        Err(errors)
    }
}

async fn save(
    state: &AppState,
    user: &SessionUser,
    page: Page,
    id: Option<String>,
    f: DraftForm,
) -> AppResult<Response> {
    // A copy of a form already stored is sent to its page: checked again, its slug would be "taken"
    // by the entry it saved itself.
    if let Some(location) = crate::web::once::seen(&state.db, &f.client_id, "faq", &user.id).await?
    {
        return Ok(Redirect::to(&location).into_response());
    }
    let existing = match &id {
        Some(id) => Some(
            store::draft(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    // The knowledge base knows this entry's own slug when it is published; that is not a clash.
    let own = existing
        .as_ref()
        .filter(|d| d.status == "published")
        .map(|d| d.slug.as_str());
    let k = state.assistant.current();
    let checked = validate(&f, &k, own);
    let gap_id = (!f.gap.is_empty()).then(|| f.gap.clone());
    let fields = match checked {
        Ok(v) => v,
        Err(errors) => {
            // A copy sent at the same time as the first, checked after the first was stored.
            if let Some(location) =
                crate::web::once::seen(&state.db, &f.client_id, "faq", &user.id).await?
            {
                return Ok(Redirect::to(&location).into_response());
            }
            let mut form = FormState::default();
            for (name, v) in [
                ("slug", &f.slug),
                ("q", &f.q),
                ("alt", &f.alt),
                ("a", &f.a),
                ("lessons", &f.lessons),
                ("publish", &f.publish),
                ("gap", &f.gap),
            ] {
                form.values.insert(name, v.clone());
            }
            form.errors = errors;
            return Ok(render_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &DraftPage {
                    page,
                    form,
                    id,
                    gap: None,
                    toml: String::new(),
                },
            ));
        }
    };
    let [slug, q, alt, a, lessons] = fields;
    let input = DraftInput {
        slug: &slug,
        q: &q,
        alt: &alt,
        a: &a,
        lessons: &lessons,
        published: f.publish == "yes",
    };
    let mut tx = state.db.begin().await?;
    // A double tap saves one entry; the second copy would otherwise be told its slug is taken.
    let cid = match crate::web::once::claim(&mut tx, &f.client_id, "faq", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(Redirect::to(&location).into_response());
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    if store::slug_taken(&mut tx, &slug, id.as_deref().unwrap_or("")).await? {
        drop(tx);
        let mut form = FormState::default();
        for (name, v) in [
            ("slug", &f.slug),
            ("q", &f.q),
            ("alt", &f.alt),
            ("a", &f.a),
            ("lessons", &f.lessons),
            ("publish", &f.publish),
            ("gap", &f.gap),
        ] {
            form.values.insert(name, v.clone());
        }
        form.errors
            .push(FieldError::new("slug", "assistant-slug-taken"));
        return Ok(render_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &DraftPage {
                page,
                form,
                id,
                gap: None,
                toml: String::new(),
            },
        ));
    }
    let saved =
        store::save_draft(&mut tx, id.as_deref(), gap_id.as_deref(), &input, &user.id).await?;
    if let Some(g) = &gap_id {
        store::set_gap_status(&mut tx, g, "drafted", &user.id).await?;
    }
    let location = format!("/quan-ly/tro-ly/faq/{saved}?luu=1");
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    // This server shows the change at once; the others within a poll.
    if let Err(e) = state.assistant.refresh(&state.db, false).await {
        tracing::warn!(error = %e, "assistant: rebuild after an FAQ edit failed");
    }
    Ok(Redirect::to(&location).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ProvinceAdmin(user): ProvinceAdmin,
    page: Page,
    CsrfForm(f): CsrfForm<DraftForm>,
) -> AppResult<Response> {
    save(&state, &user, page, None, f).await
}

pub async fn update(
    State(state): State<AppState>,
    ProvinceAdmin(user): ProvinceAdmin,
    page: Page,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<DraftForm>,
) -> AppResult<Response> {
    save(&state, &user, page, Some(id), f).await
}

pub async fn delete(
    State(state): State<AppState>,
    _: ProvinceAdmin,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let mut tx = state.db.begin().await?;
    if store::delete_draft(&mut tx, &id).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    if let Err(e) = state.assistant.refresh(&state.db, false).await {
        tracing::warn!(error = %e, "assistant: rebuild after an FAQ delete failed");
    }
    Ok(Redirect::to("/quan-ly/tro-ly?luu=1"))
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// One entry as `[[faq]]` TOML, in the format of content/faq/*.toml.
pub fn toml_entry(d: &Draft) -> String {
    let mut out = format!(
        "[[faq]]\nid = {}\nq = {}\n",
        toml_str(&d.slug),
        toml_str(&d.q)
    );
    let alt = d.alt_list();
    if !alt.is_empty() {
        out.push_str(&format!("alt = {}\n", toml_list(&alt)));
    }
    out.push_str(&format!("a = {}\n", toml_str(&d.a)));
    let lessons = d.lesson_list();
    if !lessons.is_empty() {
        out.push_str(&format!("lessons = {}\n", toml_list(&lessons)));
    }
    out
}

/// Every entry written here as TOML, published first, to paste into content/faq/.
pub async fn export(State(state): State<AppState>, _: ProvinceAdmin) -> AppResult<Response> {
    let drafts = store::drafts(&state.db).await?;
    let mut out = String::from(
        "# FAQ entries written on Học vụ số. Paste them into content/faq/<topic>.toml, run\n\
         # `hocvuso content check`, then delete them on the admin page: the file's copy wins meanwhile.\n",
    );
    for d in drafts
        .iter()
        .filter(|d| d.status == "published")
        .chain(drafts.iter().filter(|d| d.status != "published"))
    {
        out.push('\n');
        if d.status != "published" {
            out.push_str("# draft, not published yet\n");
        }
        out.push_str(&toml_entry(d));
    }
    Ok(crate::web::download(
        out,
        "application/toml; charset=utf-8",
        "faq-hocvuso.toml",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_toml_reads_back() {
        let d = Draft {
            id: "x".into(),
            slug: "mat-dien-thoai".into(),
            q: "Mất điện thoại thì \"làm gì\"?".into(),
            alt: "bị mất đt\nđánh rơi điện thoại".into(),
            a: "Gọi nhà mạng khóa SIM.\nRồi báo ngân hàng.".into(),
            lessons: "vneid/kich-hoat-muc-2".into(),
            status: "published".into(),
            gap_id: None,
            updated_at: 0,
        };
        let v: toml::Table = toml::from_str(&toml_entry(&d)).expect("valid toml");
        let faq = v["faq"].as_array().expect("array");
        assert_eq!(faq[0]["q"].as_str(), Some("Mất điện thoại thì \"làm gì\"?"));
        assert_eq!(faq[0]["alt"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn slugs_come_from_the_question() {
        assert_eq!(slug_from("Thời tiết mai thế nào?"), "thoi-tiet-mai-the-nao");
    }
}
