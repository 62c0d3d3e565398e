//! Answering one question: search, decide, optionally let the model word it, or refuse honestly and
//! say where to get help; log what could not be answered (without personal data).
use fluent_templates::fluent_bundle::FluentValue;

use super::engine::{Knowledge, Source};
use super::llm::Passage;
use super::model::{Portal, gap_key, sources_of};
use super::redact;
use crate::i18n::Lang;
use crate::units::model::{LEVEL_COMMUNE, LEVEL_VILLAGE, Unit};
use crate::web::auth::SessionUser;
use crate::{AppResult, AppState};

/// What the assistant says. The JSON API returns it as is; the page shows it as a chat bubble.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Reply {
    /// A short answer; when `confident` is false, the honest "I cannot answer this" and where to ask.
    pub answer: String,
    /// Whether the answer comes from the platform's knowledge (an FAQ entry or a lesson).
    pub confident: bool,
    /// What the answer is taken from; empty when not confident.
    pub sources: Vec<Source>,
    /// Where to get help instead: the commune's digital team, the province hotline, the official portal.
    /// Empty when confident.
    pub help: Vec<Source>,
    /// With a referral, the entry that came closest, when the question names its subject and the entry
    /// explains at least 0.30 of the question: offered as "may be related", never as the answer. Empty
    /// when confident.
    pub related: Vec<Source>,
    /// Language the answer is written in (`vi` or `en`). FAQ and lessons are written in Vietnamese, so
    /// a confident answer without a language model is Vietnamese even on the English interface.
    pub answer_lang: String,
    /// A remark for the reader in the interface language (e.g. that the answer is quoted in Vietnamese).
    pub note: Option<String>,
    /// Whether a language model worded the answer from the sources.
    pub generated: bool,
}

/// The least share of a question the closest entry must explain to be offered after a referral. On the
/// tuning part and the real parts tuned on, 0.30 offers the right entry for a third of the answerable
/// questions referred, and something for one off-topic referral in seventeen.
const RELATED_COVERAGE: f32 = 0.30;

/// How a question is being asked.
pub struct AskOptions {
    pub lang: Lang,
    /// Log the question when unanswered and let the model word the answer (false for re-showing the
    /// earlier turns of a conversation on the no-JavaScript page).
    pub live: bool,
    /// Who is asking (the client address), to cap how many unanswered questions one client logs.
    pub client: String,
}

/// Answer `question` (already validated by `clean_question`).
pub async fn ask(
    state: &AppState,
    user: Option<&SessionUser>,
    question: &str,
    opts: AskOptions,
) -> AppResult<Reply> {
    let k = state.assistant.knowledge(&state.db);
    let found = k.kb.ask(question);
    match found.hits.first() {
        Some(hit) if found.confident => Ok(answer(
            state,
            &k,
            hit,
            found.also.as_ref(),
            &found.hits,
            question,
            &opts,
        )
        .await),
        _ => {
            if opts.live {
                let redacted = redact::redact(question);
                let near = found.hits.first().map(|h| h.id.as_str()).unwrap_or("");
                state.assistant.gaps.log(
                    &state.db,
                    opts.client.clone(),
                    gap_key(&redacted),
                    redacted,
                    near.to_owned(),
                );
            }
            let mut reply = refusal(state, user, question, opts.lang).await?;
            warn_if_scam(state, question, opts.lang, &mut reply).await;
            let s = &found.signals;
            if found.coverage >= RELATED_COVERAGE && s.names_subject && !s.unknown_word {
                reply.related = found
                    .hits
                    .first()
                    .map(|h| Source {
                        title: h.title.clone(),
                        url: h.url.clone(),
                    })
                    .into_iter()
                    .collect();
            }
            Ok(reply)
        }
    }
}

async fn answer(
    state: &AppState,
    k: &Knowledge,
    hit: &kbsearch::Hit,
    also: Option<&kbsearch::Hit>,
    hits: &[kbsearch::Hit],
    question: &str,
    opts: &AskOptions,
) -> Reply {
    let sources = sources_of(k, hit, also);
    if opts.live
        && let Some(llm) = &state.assistant.llm
    {
        // The best hit, and the entry answering the question's other part; failing that the next hit
        // when it is an FAQ entry too (questions often span two).
        let second = also.or_else(|| hits.get(1).filter(|h| h.kind == kbsearch::DocKind::Faq));
        let passages: Vec<Passage> = std::iter::once(hit)
            .chain(second)
            .map(|h| Passage {
                title: &h.title,
                text: &h.answer,
            })
            .collect();
        let started = std::time::Instant::now();
        match llm.answer(question, &passages, opts.lang).await {
            Ok(text) => {
                let mut sources = sources;
                if let Some(h) = second {
                    let s = Source {
                        title: h.title.clone(),
                        url: h.url.clone(),
                    };
                    if !sources.contains(&s) {
                        sources.push(s);
                    }
                }
                return Reply {
                    answer: text,
                    confident: true,
                    sources,
                    help: Vec::new(),
                    related: Vec::new(),
                    answer_lang: opts.lang.code().to_owned(),
                    note: Some(opts.lang.t("assistant-note-generated")),
                    generated: true,
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, ms = started.elapsed().as_millis() as u64,
                    "assistant: language model failed; answering from the FAQ");
            }
        }
    }
    // A question that asks two things gets both entries, the second under its own question so the
    // reader sees which part it answers.
    let text = match also {
        Some(a) => format!("{}\n\n{}\n{}", hit.answer, a.title, a.answer),
        None => hit.answer.clone(),
    };
    Reply {
        answer: text,
        confident: true,
        sources,
        help: Vec::new(),
        related: Vec::new(),
        answer_lang: "vi".to_owned(),
        note: (opts.lang == Lang::En).then(|| opts.lang.t("assistant-note-vietnamese")),
        generated: false,
    }
}

/// People paste the message they received into the assistant as often as into the scam check. When the
/// assistant has no entry for it and the scam check flags it, the referral leads with the warning and
/// its strongest reason, and offers the scam check first; still a referral, never a confident answer.
async fn warn_if_scam(state: &AppState, question: &str, lang: Lang, reply: &mut Reply) {
    let verdict = state.scam.snapshot(&state.db).await.checker.check(question);
    if !verdict.verdict.is_flagged() {
        return;
    }
    let reason = verdict
        .reasons
        .iter()
        .find(|r| r.weight > 0.0)
        .map(|r| match lang {
            Lang::En => r.message_en.clone(),
            _ => r.message_vi.clone(),
        })
        .unwrap_or_default();
    let advice = match lang {
        Lang::En => &verdict.advice_en,
        _ => &verdict.advice_vi,
    };
    reply.answer = lang.t_args(
        "assistant-looks-like-scam",
        &[
            ("reason", FluentValue::from(reason)),
            ("advice", FluentValue::from(advice.clone())),
        ],
    );
    reply.help.insert(
        0,
        Source {
            title: lang.t("assistant-check-message"),
            url: "/kiem-tra".to_owned(),
        },
    );
}

/// The commune a signed-in person lives in, if any.
async fn home_commune(state: &AppState, user: &SessionUser) -> AppResult<Option<Unit>> {
    let Some(unit) = crate::units::store::get(&state.db, &user.unit_code).await? else {
        return Ok(None);
    };
    Ok(match unit.level {
        LEVEL_COMMUNE => Some(unit),
        LEVEL_VILLAGE => match unit.parent_code.as_deref() {
            Some(c) => crate::units::store::get(&state.db, c).await?,
            None => None,
        },
        _ => None,
    })
}

/// "I cannot answer this" and where to ask instead.
async fn refusal(
    state: &AppState,
    user: Option<&SessionUser>,
    question: &str,
    lang: Lang,
) -> AppResult<Reply> {
    let commune = match user {
        Some(u) => home_commune(state, u).await?,
        None => None,
    };
    let (team, team_url) = match &commune {
        Some(c) => {
            let teams = crate::teams::store::teams_under(&state.db, &c.path).await?;
            let name = teams
                .iter()
                .find(|t| t.unit_code == c.code)
                .map(|t| format!("{} ({})", t.name, c.name))
                .unwrap_or_else(|| {
                    lang.t_args(
                        "assistant-team-of",
                        &[("commune", FluentValue::from(c.name.clone()))],
                    )
                });
            (name, format!("/to-cong-nghe-so?xa={}", c.code))
        }
        None => (
            lang.t("assistant-team-general"),
            "/to-cong-nghe-so".to_owned(),
        ),
    };
    let province = state.province.name.clone();
    let hotline = &state.assistant.hotline;
    let hotline_text = if hotline.is_empty() {
        lang.t_args(
            "assistant-hotline-unset",
            &[("province", FluentValue::from(province.clone()))],
        )
    } else {
        lang.t_args(
            "assistant-hotline",
            &[
                ("province", FluentValue::from(province.clone())),
                ("number", FluentValue::from(hotline.clone())),
            ],
        )
    };
    let portal = Portal::for_question(question);
    let portal_name = lang.t(portal.message_id());
    let answer = lang.t_args(
        "assistant-refusal",
        &[
            ("team", FluentValue::from(team.clone())),
            ("hotline", FluentValue::from(hotline_text.clone())),
            ("portal", FluentValue::from(portal_name.clone())),
        ],
    );
    let mut help = vec![Source {
        title: team,
        url: team_url,
    }];
    if !hotline.is_empty() {
        let digits: String = hotline
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        help.push(Source {
            title: hotline_text,
            url: format!("tel:{digits}"),
        });
    }
    help.push(Source {
        title: portal_name,
        url: portal.url().to_owned(),
    });
    Ok(Reply {
        answer,
        confident: false,
        sources: Vec::new(),
        help,
        related: Vec::new(),
        answer_lang: lang.code().to_owned(),
        note: None,
        generated: false,
    })
}
