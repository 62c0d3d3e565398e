//! Command line and environment: one clap struct, every flag also an environment variable.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hocvuso",
    version,
    about = "Học vụ số — the platform for Bình dân học vụ số"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings shared by every subcommand.
#[derive(Clone, Args)]
pub struct Settings {
    /// `sqlite://path/file.db` (created on first start) or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "HOCVUSO_DATABASE_URL",
        default_value = "sqlite://data/hocvuso.db"
    )]
    pub database_url: String,
    /// Official code of the province this deployment serves (44 = Quảng Trị).
    #[arg(long, global = true, env = "HOCVUSO_PROVINCE", default_value = "44")]
    pub province: String,
    /// Folder of courses, FAQ and scam rules laid over the national content built into the binary: a
    /// course folder replaces the national course of that name, other files replace or add one file.
    /// Missing: the built-in content alone.
    #[arg(
        long,
        global = true,
        env = "HOCVUSO_CONTENT_DIR",
        default_value = "content"
    )]
    pub content_dir: PathBuf,
    /// Public address, e.g. https://hocvuso.quangtri.gov.vn; used in QR codes and links in exports.
    /// When it starts with https, cookies are marked Secure.
    #[arg(long, global = true, env = "HOCVUSO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` is believed (CIDRs, comma-separated, e.g. `127.0.0.1,10.0.0.0/8`).
    /// Empty (the default): the socket address is the client, whatever the header says.
    #[arg(
        long,
        global = true,
        env = "HOCVUSO_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_proxy
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Bearer token that `/metrics` requires. Unset: `/metrics` answers only requests from this machine
    /// that did not come through a proxy.
    #[arg(
        long,
        global = true,
        env = "HOCVUSO_METRICS_TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub assistant: crate::assistant::config::AssistantSettings,
}

fn parse_proxy(s: &str) -> Result<ipnet::IpNet, String> {
    let mut nets = crate::web::client::parse_trusted(s)?;
    match (nets.pop(), nets.is_empty()) {
        (Some(n), true) => Ok(n),
        _ => Err(format!("one address or CIDR range expected: {s}")),
    }
}

impl Settings {
    /// The configured public address (`--public-url`) without its trailing slash, when it is an
    /// http(s) URL: the only source of absolute links (iCal feeds, certificate QR codes) and of the
    /// https-only protections (Secure cookies, HSTS). Never the request's `Host` header, which whoever
    /// sends the request chooses: a link built from it would point a calendar or a printed certificate
    /// at the sender's server.
    pub(crate) fn public_base(&self) -> Option<&str> {
        self.public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| {
                let host = u
                    .strip_prefix("https://")
                    .or_else(|| u.strip_prefix("http://"));
                host.is_some_and(|h| !h.is_empty() && !h.contains(char::is_whitespace))
            })
    }

    /// The content in force: the built-in national content with `--content-dir` over it.
    pub(crate) fn content(&self) -> crate::content_source::ContentSource {
        crate::content_source::ContentSource::new(&self.content_dir)
    }

    /// Whether the site is served over https (its public address says so).
    pub(crate) fn is_https(&self) -> bool {
        self.public_base()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

impl std::fmt::Debug for Settings {
    /// Secrets redacted: a password inside the database URL never reaches logs or `print-config`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("province", &self.province)
            .field("content_dir", &self.content_dir)
            .field("public_url", &self.public_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("assistant", &self.assistant)
            .finish()
    }
}

/// Replace the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((auth, host)) => match auth.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (creates and migrates the database and loads reference data on first start).
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print the effective configuration, secrets redacted.
    PrintConfig,
    /// Administrator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Administrative units.
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Measure quality on an evaluation set.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Scam check rules.
    #[command(subcommand)]
    Scam(ScamCommand),
    /// Generate a synthetic province (clearly marked demo data) for trying out and benchmarking.
    DemoData(DemoArgs),
    /// Export data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Community digital teams and their members.
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Household registers of villages.
    #[command(subcommand)]
    Households(HouseholdsCommand),
    /// Courses, lessons and FAQ in the content folder.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Consistency checks.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Back up the database. SQLite: a consistent copy to FILE, taken while the server runs.
    /// PostgreSQL: checks the server answers and prints the pg_dump command to use.
    Backup {
        /// The backup file to write (never overwritten).
        file: PathBuf,
    },
    /// Restore an SQLite backup made by `hocvuso backup` into the database of --database-url
    /// (SQLite or PostgreSQL), which must be empty; newer migrations run afterwards.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Recompute every aggregate from the facts and print each cell that differs; exit code 1 when
    /// any differs (unless --fix repaired them).
    Figures {
        /// Write the missing events and retractions, and set the differing cells to the facts' values.
        #[arg(long)]
        fix: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Validate every content file; problems are printed as `path:line: reason` and the exit code is 1.
    Check {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
    },
    /// Check, then load courses and lessons into the database (ids stay stable: progress is kept).
    Import {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Top-1 and top-3 accuracy and the share of correct refusals of the assistant on
    /// content/eval/assistant.toml.
    Assistant {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
        /// Also list the questions it got wrong.
        #[arg(long)]
        misses: bool,
    },
    /// Precision and recall of the scam rules on content/eval/scam.toml; fails below 0.95.
    Scam {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScamCommand {
    /// Validate content/scam/*.toml (syntax, patterns, domains, lesson links) and the evaluation set.
    CheckRules {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
    },
    /// Learn the wording model from the tuning half of the corpus and write content/scam/model.toml.
    Train {
        /// Content folder (defaults to --content-dir).
        #[arg(long)]
        content: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Number of synthetic learners.
    #[arg(long)]
    pub learners: u64,
    /// Average lesson events (opened + completed) per learner.
    #[arg(long, default_value_t = 20)]
    pub lessons_per_learner: u32,
    /// Months of history, ending this month (1–24).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=24))]
    pub months: u32,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The province's aggregate dataset (CSV + JSON + datapackage.json schema) for the shared database.
    OpenData { dir: PathBuf },
    /// Every table of this SQLite database into another, empty database (moving to PostgreSQL:
    /// `--to postgres://user@host/db`).
    All {
        /// The database to copy into (`postgres://…` or `sqlite://…`); it must be empty.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[arg(long, env = "HOCVUSO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a province administrator. Prints a one-time password unless --password-stdin is given.
    Create {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Import villages (thôn, bản, tổ dân phố) from a CSV: commune_code,name[,division_type][,code].
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// Import teams and members from a CSV:
    /// unit_code,team_name,phone,full_name,role,joined_on[,sex,ethnic_group,left_on,publish_contact].
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum HouseholdsCommand {
    /// Import households from a CSV: village_code,head_name,address,adults.
    Import { file: PathBuf },
}
