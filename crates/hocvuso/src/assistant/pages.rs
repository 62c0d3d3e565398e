//! "Hỏi trợ lý": a chat that works as a plain form (each question posts the page; earlier questions
//! ride along in hidden fields and are answered again, from the FAQ, without logging them twice) and,
//! with `assistant.js`, without reloading. Also the FAQ pages the answers cite.
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::ask::{AskOptions, Reply, ask};
use super::engine::FaqEntry;
use super::model::{MAX_HISTORY, MAX_QUESTION_CHARS, clean_question};
use crate::web::client::ClientAddr;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

/// Questions offered on the empty chat, the way people ask them.
const SUGGESTIONS: &[&str] = &[
    "assistant-suggest-1",
    "assistant-suggest-2",
    "assistant-suggest-3",
    "assistant-suggest-4",
];

pub struct Turn {
    pub question: String,
    pub reply: Reply,
}

#[derive(Template)]
#[template(path = "assistant/chat.html")]
struct ChatPage {
    page: Page,
    turns: Vec<Turn>,
    form: FormState,
    suggestions: Vec<String>,
    max_chars: usize,
}

impl ChatPage {
    /// The questions the next post carries along (the newest few).
    fn carried(&self) -> Vec<&str> {
        let skip = self.turns.len().saturating_sub(MAX_HISTORY);
        self.turns
            .iter()
            .skip(skip)
            .map(|t| t.question.as_str())
            .collect()
    }
}

fn chat(page: Page, turns: Vec<Turn>, form: FormState, status: StatusCode) -> Response {
    let suggestions = if turns.is_empty() {
        SUGGESTIONS.iter().map(|id| page.t(id)).collect()
    } else {
        Vec::new()
    };
    render_status(
        status,
        &ChatPage {
            page,
            turns,
            form,
            suggestions,
            max_chars: MAX_QUESTION_CHARS,
        },
    )
}

pub async fn form(page: Page) -> Response {
    chat(page, Vec::new(), FormState::default(), StatusCode::OK)
}

/// The question posts the page. It writes nothing but a count of an unanswered question, so it takes
/// no CSRF token: a chat left open all afternoon still works.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    page: Page,
    body: Bytes,
) -> AppResult<Response> {
    crate::web::ratelimit::hit(&state.db, &crate::web::ratelimit::ASK, &client).await?;
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-form"))?;
    let question = fields
        .iter()
        .find(|(k, _)| k == "question")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    // Earlier questions, newest last; anything invalid in them is dropped, not an error.
    let history: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "h")
        .filter_map(|(_, v)| clean_question(v).ok())
        .collect();
    let skip = history.len().saturating_sub(MAX_HISTORY);
    let user = page.user.clone();
    let mut turns = Vec::new();
    for q in history.into_iter().skip(skip) {
        let reply = ask(
            &state,
            user.as_ref(),
            &q,
            AskOptions {
                lang: page.lang,
                live: false,
                client: client.clone(),
            },
        )
        .await?;
        turns.push(Turn { question: q, reply });
    }
    let mut form = FormState::default();
    match clean_question(question) {
        Ok(q) => {
            let reply = ask(
                &state,
                user.as_ref(),
                &q,
                AskOptions {
                    lang: page.lang,
                    live: true,
                    client: client.clone(),
                },
            )
            .await?;
            turns.push(Turn { question: q, reply });
            Ok(chat(page, turns, form, StatusCode::OK))
        }
        Err(e) => {
            form.values.insert("question", question.to_owned());
            form.errors.push(e);
            Ok(chat(page, turns, form, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Template)]
#[template(path = "assistant/faq_list.html")]
struct FaqListPage {
    page: Page,
    faq: Vec<FaqEntry>,
}

/// Every FAQ entry, the assistant's knowledge in plain sight.
pub async fn faq_list(State(state): State<AppState>, page: Page) -> Response {
    let k = state.assistant.knowledge(&state.db);
    render(&FaqListPage {
        page,
        faq: k.faq.clone(),
    })
}

#[derive(Template)]
#[template(path = "assistant/faq_entry.html")]
struct FaqEntryPage {
    page: Page,
    entry: FaqEntry,
}

/// One FAQ entry: what the assistant's answers link to.
pub async fn faq_entry(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let k = state.assistant.knowledge(&state.db);
    let entry = k.faq(&id).cloned().ok_or(AppError::NotFound)?;
    Ok(render(&FaqEntryPage { page, entry }))
}
