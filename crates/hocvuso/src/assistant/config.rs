//! The assistant's settings: the province hotline it points people to, and the optional language model.
use clap::Args;

#[derive(Clone, Default, Args)]
pub struct AssistantSettings {
    /// The province's hotline for citizens (e.g. the public-service hotline of Quảng Trị), quoted when
    /// the assistant cannot answer. Left empty, the assistant names the hotline without a number rather
    /// than inventing one.
    #[arg(long, global = true, env = "HOCVUSO_HOTLINE", default_value = "")]
    pub hotline: String,
    /// Base URL of an OpenAI-compatible API (…/v1/chat/completions is appended unless already there).
    /// Without it the assistant answers with the retrieved FAQ text: the platform is complete without it.
    #[arg(long, global = true, env = "HOCVUSO_LLM_URL")]
    pub llm_url: Option<String>,
    /// Model name sent to that API.
    #[arg(long, global = true, env = "HOCVUSO_LLM_MODEL", default_value = "")]
    pub llm_model: String,
    /// Bearer key for that API (never printed).
    #[arg(long, global = true, env = "HOCVUSO_LLM_KEY", hide_env_values = true)]
    pub llm_key: Option<String>,
    /// How long to wait for the model before answering from the FAQ instead, in milliseconds.
    #[arg(
        long,
        global = true,
        env = "HOCVUSO_LLM_TIMEOUT_MS",
        default_value_t = 8000
    )]
    pub llm_timeout_ms: u64,
}

impl std::fmt::Debug for AssistantSettings {
    /// The key is redacted: it never reaches logs or `print-config`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantSettings")
            .field("hotline", &self.hotline)
            .field("llm_url", &self.llm_url)
            .field("llm_model", &self.llm_model)
            .field("llm_key", &self.llm_key.as_ref().map(|_| "***"))
            .field("llm_timeout_ms", &self.llm_timeout_ms)
            .finish()
    }
}
