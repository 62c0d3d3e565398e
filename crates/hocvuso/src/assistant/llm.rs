//! The optional language model: an OpenAI-compatible `/v1/chat/completions` endpoint that rewrites the
//! retrieved passages into a short answer in the asker's language. It is only asked when the search
//! already found an answer, it is told to use the passages only and to cite them by number, and any
//! timeout, error or empty reply falls back to the retrieved text: the model can make an answer read
//! better, never make one up.
use std::time::Duration;

use serde_json::json;

use super::config::AssistantSettings;
use crate::i18n::Lang;

/// Longest reply kept (characters): answers are meant to be short.
const MAX_REPLY_CHARS: usize = 1200;

pub struct Llm {
    client: reqwest::Client,
    endpoint: String,
    model: String,
    key: Option<String>,
}

/// A retrieved text the model may use, numbered for citation.
pub struct Passage<'a> {
    pub title: &'a str,
    pub text: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("request: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the model answered {0}")]
    Status(u16),
    #[error("the reply has no answer text")]
    Empty,
    #[error("the model said the passages do not answer the question")]
    NotInPassages,
}

/// `…/v1/chat/completions` from a base URL given with or without the path.
pub fn endpoint(base: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    if base.ends_with("/chat/completions") {
        base.to_owned()
    } else if base.ends_with("/v1") {
        format!("{base}/chat/completions")
    } else {
        format!("{base}/v1/chat/completions")
    }
}

/// What the model is told to say when the passages do not answer; then the retrieved text is used.
pub const NO_ANSWER: &str = "KHONG_CO_TRONG_TAI_LIEU";

impl Llm {
    pub fn from_settings(s: &AssistantSettings) -> Option<Llm> {
        let url = s
            .llm_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(s.llm_timeout_ms.max(100)))
            .connect_timeout(Duration::from_millis(s.llm_timeout_ms.clamp(100, 3000)))
            .build()
            .map_err(|e| tracing::error!(error = %e, "assistant: cannot set up the language model client"))
            .ok()?;
        tracing::info!(endpoint = %endpoint(url), model = %s.llm_model, "assistant: language model configured");
        Some(Llm {
            client,
            endpoint: endpoint(url),
            model: s.llm_model.clone(),
            key: s.llm_key.clone().filter(|k| !k.is_empty()),
        })
    }

    /// The model's answer to `question` from `passages` only, citing them as [1], [2]….
    pub async fn answer(
        &self,
        question: &str,
        passages: &[Passage<'_>],
        lang: Lang,
    ) -> Result<String, LlmError> {
        let language = match lang {
            Lang::Vi => "tiếng Việt",
            Lang::En => "English",
        };
        let system = format!(
            "Bạn là trợ lý của nền tảng Học vụ số (phong trào Bình dân học vụ số, tỉnh Quảng Trị). \
             Chỉ dùng thông tin trong các đoạn tài liệu được đánh số dưới đây; không thêm thông tin nào khác. \
             Trả lời bằng {language}, ngắn gọn (tối đa 4 câu), lời lẽ giản dị cho người lớn tuổi. \
             Ghi số đoạn đã dùng trong ngoặc vuông, ví dụ [1]. \
             Nếu các đoạn không trả lời được câu hỏi, chỉ viết đúng: {NO_ANSWER}"
        );
        let mut user = String::new();
        for (i, p) in passages.iter().enumerate() {
            user.push_str(&format!("[{}] {}\n{}\n\n", i + 1, p.title, p.text));
        }
        user.push_str(&format!("Câu hỏi: {question}"));
        let body = json!({
            "model": self.model,
            "temperature": 0.2,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        });
        let mut req = self.client.post(&self.endpoint).json(&body);
        if let Some(k) = &self.key {
            req = req.bearer_auth(k);
        }
        let resp = req.send().await?;
        if !resp.status().is_success() {
            return Err(LlmError::Status(resp.status().as_u16()));
        }
        let v: serde_json::Value = resp.json().await?;
        let text = v
            .pointer("/choices/0/message/content")
            .and_then(|c| c.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(LlmError::Empty)?;
        if text.contains(NO_ANSWER) {
            return Err(LlmError::NotInPassages);
        }
        Ok(text.chars().take(MAX_REPLY_CHARS).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn endpoint_accepts_any_base() {
        for base in [
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/v1",
            "http://127.0.0.1:9/v1/chat/completions",
        ] {
            assert_eq!(endpoint(base), "http://127.0.0.1:9/v1/chat/completions");
        }
    }
}
