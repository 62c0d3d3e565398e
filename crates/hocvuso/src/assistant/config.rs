//! The assistant's settings: the province hotline it points people to, and the optional language model.
use clap::Args;

#[derive(Clone, Default, Args)]
pub struct AssistantSettings {
    /// The province's hotline for citizens, quoted when the assistant cannot answer. Left empty, the
    /// province's own published number is used where we have a sourced one ([`default_hotline`]),
    /// otherwise the assistant names the hotline without a number rather than inventing one.
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

/// Hotlines a province published itself, by official province code. Only numbers with a source go
/// here: Quảng Trị's AI call centre is named in the provincial newspaper's article on the platform's
/// launch (baoquangtri.vn, "ho-tro-nguoi-dan-tiep-can-cong-nghe", see docs/CONTENT.md §0).
const PROVINCE_HOTLINES: &[(&str, &str)] = &[("44", "1900 868 674")];

/// The hotline a province uses when `HOCVUSO_HOTLINE` is not set.
pub fn default_hotline(province: &str) -> &'static str {
    PROVINCE_HOTLINES
        .iter()
        .find(|(code, _)| *code == province)
        .map_or("", |(_, number)| number)
}

impl AssistantSettings {
    /// The hotline in force: the configured one, else the province's default.
    pub fn hotline_for(&self, province: &str) -> String {
        match self.hotline.trim() {
            "" => default_hotline(province).to_owned(),
            set => set.to_owned(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quang_tri_has_a_default_hotline_and_the_setting_wins() {
        let mut s = AssistantSettings::default();
        assert_eq!(s.hotline_for("44"), "1900 868 674");
        assert_eq!(
            s.hotline_for("01"),
            "",
            "no invented number for other provinces"
        );
        s.hotline = " 0233 000 000 ".into();
        assert_eq!(s.hotline_for("44"), "0233 000 000");
    }
}
