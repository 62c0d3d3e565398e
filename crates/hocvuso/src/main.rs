//! The `hocvuso` binary: parses the command line and hands over to the library.
use anyhow::Context;
use clap::Parser;
use hocvuso::config::{
    AdminCommand, CheckCommand, Cli, Command, ContentCommand, EvalCommand, ExportCommand,
    HouseholdsCommand, ScamCommand, TeamsCommand, UnitsCommand,
};

// mimalloc: the server allocates small, short-lived buffers on every request and every sync item;
// glibc's allocator spent a fifth of the sync benchmark's time in malloc/free (perf), mimalloc far less.
// `--features system-alloc` leaves glibc's in place, for heap profilers (heaptrack) that hook malloc.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hocvuso::ops::memory::configure_allocator();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // Errors are printed as one readable chain, without a backtrace: this is what an operator reads.
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    hocvuso::telemetry::init();
    let settings = cli.settings;
    match cli.command {
        Command::PrintConfig => {
            println!("{settings:#?}");
        }
        Command::Migrate => {
            let db = hocvuso::db::Db::connect(&settings.database_url)
                .await
                .context("connecting")?;
            db.migrate().await.context("migrating")?;
            println!("database is up to date");
        }
        Command::Serve(args) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            // Starting parses every course, builds the assistant's index and runs the migrations: tens
            // of MiB of short-lived allocations and code that never runs again, handed back now (the
            // server then idles at what it holds, measured in bench/README.md).
            let released = hocvuso::ops::memory::hand_back();
            tracing::info!(
                mib = released / (1 << 20),
                "program pages only start-up used handed back"
            );
            // Only the served binary: a test process runs many apps, and their quiet spells would
            // each read the process's memory map.
            let _quiet = hocvuso::ops::memory::spawn_idle_hand_back();
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .with_context(|| format!("binding {}", args.listen))?;
            tracing::info!(addr = %listener.local_addr()?, "Học vụ số is listening");
            println!("Học vụ số: http://{}/", listener.local_addr()?);
            hocvuso::serve(listener, state, hocvuso::shutdown_signal()).await?;
        }
        Command::Admin(AdminCommand::Create {
            phone,
            name,
            password_stdin,
        }) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("reading password")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let out = hocvuso::people::cli::create_admin(&state, &phone, &name, password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{out}");
        }
        Command::Units(UnitsCommand::Import { file }) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            let report = hocvuso::units::import::import_file(&state.db, &file)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{report}");
        }
        Command::Eval(EvalCommand::Scam { content }) => {
            let dir = content.unwrap_or(settings.content_dir);
            let (report, pass) = hocvuso::scam::cli::eval(&dir).map_err(anyhow::Error::msg)?;
            print!("{report}");
            anyhow::ensure!(pass, "precision or recall below 0.95");
        }
        Command::Eval(EvalCommand::Assistant { content, misses }) => {
            let dir = content.unwrap_or(settings.content_dir);
            let (report, pass) =
                hocvuso::assistant::cli::eval(&dir, misses).map_err(anyhow::Error::msg)?;
            print!("{report}");
            anyhow::ensure!(pass, "top-1, top-3 or refusals below target");
        }
        Command::Scam(ScamCommand::Train { content }) => {
            let dir = content.unwrap_or(settings.content_dir);
            let summary = hocvuso::scam::cli::train(&dir).map_err(anyhow::Error::msg)?;
            println!("{summary}");
        }
        Command::Scam(ScamCommand::CheckRules { content }) => {
            let dir = content.unwrap_or(settings.content_dir);
            let summary = hocvuso::scam::cli::check_rules(&dir).map_err(anyhow::Error::msg)?;
            println!("{summary}");
        }
        Command::DemoData(args) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            let opts = hocvuso::reports::demo::Options {
                learners: args.learners,
                lessons_per_learner: args.lessons_per_learner,
                months: args.months,
                seed: args.seed,
                progress: true,
            };
            let summary = hocvuso::reports::demo::generate(&state.db, &state.province, &opts)
                .await
                .context("generating demo data")?;
            println!("{summary}");
        }
        Command::Backup { file } => {
            let out = hocvuso::ops::backup::backup(&settings.database_url, &file).await?;
            println!("{out}");
        }
        Command::Restore { file } => {
            let report = hocvuso::ops::backup::restore(&file, &settings.database_url).await?;
            println!(
                "{report}\nrestored {} into {}",
                file.display(),
                hocvuso::config::redact_url(&settings.database_url)
            );
        }
        Command::Export(ExportCommand::All { to }) => {
            let report = hocvuso::ops::backup::export_all(&settings.database_url, &to).await?;
            println!(
                "{report}\nexported into {}",
                hocvuso::config::redact_url(&to)
            );
        }
        Command::Export(ExportCommand::OpenData { dir }) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            hocvuso::stats::fold::catch_up(&state.db)
                .await
                .context("aggregating")?;
            let summary = hocvuso::reports::opendata::export(&state, &dir)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{summary} → {}", dir.display());
        }
        Command::Teams(TeamsCommand::Import { file }) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            let report =
                hocvuso::teams::import::import_teams_file(&state.db, &state.province, &file)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{report}");
        }
        Command::Households(HouseholdsCommand::Import { file }) => {
            let state = hocvuso::prepare(settings).await.context("starting")?;
            let report =
                hocvuso::teams::import::import_households_file(&state.db, &state.province, &file)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{report}");
        }
        Command::Content(ContentCommand::Check { content }) => {
            let dir = content.unwrap_or(settings.content_dir);
            // Courses and FAQ, then the scam rules and the sender registry (scam/*.toml): both are
            // reported before failing, so one run lists every problem.
            let courses = hocvuso::learning::cli::check(&dir);
            let scam = hocvuso::scam::cli::check_rules(&dir);
            for r in [&courses, &scam] {
                match r {
                    Ok(summary) => println!("{summary}"),
                    Err(problems) => eprintln!("{problems}"),
                }
            }
            anyhow::ensure!(courses.is_ok() && scam.is_ok(), "content has problems");
        }
        Command::Check(CheckCommand::Figures { fix }) => {
            let db = hocvuso::db::Db::connect(&settings.database_url)
                .await
                .context("connecting")?;
            db.migrate().await.context("migrating")?;
            let report = hocvuso::reports::figures::check(&db, fix)
                .await
                .context("checking figures")?;
            for s in &report.uncounted {
                println!("fact not counted: {s}");
            }
            for s in &report.stale {
                println!("counted, no longer a fact: {s}");
            }
            for c in &report.cells {
                println!("{c}");
            }
            println!(
                "{} cell(s) differ{}",
                report.differences(),
                if report.fixed { "; fixed" } else { "" }
            );
            if report.differences() > 0 && !report.fixed {
                anyhow::bail!("the figures differ from the facts");
            }
        }
        Command::Content(ContentCommand::Import { content }) => {
            let dir = content.unwrap_or(settings.content_dir.clone());
            let db = hocvuso::db::Db::connect(&settings.database_url)
                .await
                .context("connecting")?;
            db.migrate().await.context("migrating")?;
            let report = hocvuso::learning::cli::import(&db, &dir)
                .await
                .map_err(anyhow::Error::msg)?;
            println!("{report}");
        }
    }
    Ok(())
}
