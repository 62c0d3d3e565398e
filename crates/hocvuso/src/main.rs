//! The `hocvuso` binary: parses the command line and hands over to the library.
use anyhow::Context;
use clap::Parser;
use hocvuso::config::{AdminCommand, Cli, Command, HouseholdsCommand, TeamsCommand, UnitsCommand};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
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
    }
    Ok(())
}
