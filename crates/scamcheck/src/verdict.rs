//! What a check returns, and the community data it takes.

use serde::{Deserialize, Serialize};

/// Numbers and domains admins confirmed from citizens' reports. Kept outside the rule files because
/// they change daily; phone numbers in any spelling, domains as host names or URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityData {
    #[serde(default)]
    pub confirmed_numbers: Vec<String>,
    #[serde(default)]
    pub confirmed_domains: Vec<String>,
}

/// The verdict. Only `Suspicious` and `Scam` warn ([`Level::is_flagged`]); `Advertising` is a real
/// brand's offer, `NoRecord` a bare number or link nobody has reported (not a clean bill of health).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Safe,
    /// "quang_cao": the name people and the API use.
    #[serde(rename = "quang_cao")]
    Advertising,
    NoRecord,
    Suspicious,
    Scam,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Self::Safe,
        Self::Advertising,
        Self::NoRecord,
        Self::Suspicious,
        Self::Scam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Advertising => "quang_cao",
            Self::NoRecord => "no_record",
            Self::Suspicious => "suspicious",
            Self::Scam => "scam",
        }
    }

    /// A warning: the person should stop and check.
    pub fn is_flagged(self) -> bool {
        matches!(self, Self::Suspicious | Self::Scam)
    }

    /// Position in [`Level::ALL`] (and in the rules' advice).
    pub fn index(self) -> usize {
        match self {
            Self::Safe => 0,
            Self::Advertising => 1,
            Self::NoRecord => 2,
            Self::Suspicious => 3,
            Self::Scam => 4,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason behind a verdict, with the lesson that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// "course-slug/lesson-slug"; the page is /hoc/<course>/<lesson>.
    pub learn: String,
    /// Weight of the signal; negative for reassuring signs.
    pub weight: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub verdict: Level,
    /// 0.0 (no sign of a scam) to 1.0.
    pub score: f32,
    /// Risk reasons first, strongest first; then reassuring ones.
    pub reasons: Vec<Reason>,
    pub advice_vi: String,
    pub advice_en: String,
    /// The lesson to read next: that of the strongest reason, or the advice's.
    pub learn: String,
}

/// One phrase-pattern match, from [`crate::Checker::explain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternMatch {
    pub code: String,
    pub pattern: String,
    /// The folded words it matched.
    pub words: String,
    /// Discarded because of a negation before or inside it.
    pub negated: bool,
}

/// Phone numbers and web addresses in a message that may be a scammer's: what an admin can add to
/// the community data when confirming a report. Official domains and link shorteners are left out
/// (confirming them would flag every message that uses them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Normalised like [`crate::normalize_phone`]: "+84…", or bare digits for 1800/1900 numbers.
    pub numbers: Vec<String>,
    /// ASCII host names without "www.".
    pub domains: Vec<String>,
}
