//! One function per command.

pub mod dedupe;
mod export;
mod ingest;
mod report;
mod verify;

use std::sync::Arc;

use anyhow::Context;
use evidentia_model::{Clock, SystemClock};
use evidentia_server::{AppState, ServerConfig};
use evidentia_store::Store;

use crate::cli::{Command, ExportCommand, Failure, PersonsCommand, TokenCommand, UserCommand};
use crate::config::Config;

pub async fn dispatch(command: Command, config: Config) -> Result<(), Failure> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match command {
        Command::Init { organisation } => init(&config, clock, organisation).await,
        Command::Serve { .. } => {
            let store = open_store(&config).await?;
            serve(&config, store, clock).await
        }
        Command::Demo { no_serve, .. } => {
            let store = open_store(&config).await?;
            crate::keys::load_or_create(&config.data)?;
            let admin = crate::demo::ensure_demo(store.as_ref(), clock.as_ref()).await?;
            let token = crate::accounts::create_token(store.as_ref(), clock.as_ref(), &admin.email, "demo").await?;
            #[allow(clippy::print_stdout)] // the product of this command
            {
                println!("Evidentia demo data set (fictional) in {}", config.data.display());
                println!("  URL:      http://{}/", config.listen);
                println!("  API:      http://{}/api/v1/openapi.json", config.listen);
                println!("  Administrator: {}  password: {}", admin.email, admin.password);
                println!("  API token: {token}");
                println!(
                    "  Try: curl -H 'Authorization: Bearer {token}' 'http://{}/api/v1/search?q=Tykhorichchia'",
                    config.listen
                );
            }
            if no_serve {
                Ok(())
            } else {
                let mut config = config;
                if config.public_reports_organisation.is_none() {
                    config.public_reports_organisation = Some(evidentia_demo::MISSING_PERSONS_OFFICE.to_owned());
                }
                serve(&config, store, clock).await
            }
        }
        Command::User(UserCommand::Create {
            email,
            role,
            organisation,
            display_name,
            password_stdin: _,
        }) => {
            let store = open_store(&config).await?;
            let password = read_password()?;
            let user = crate::accounts::create_user(
                store.as_ref(),
                clock.as_ref(),
                &email,
                &role,
                organisation.as_deref(),
                display_name.as_deref(),
                &password,
            )
            .await?;
            eprintln!("created user {} ({})", user.email, user.id);
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let store = open_store(&config).await?;
            let token = crate::accounts::create_token(store.as_ref(), clock.as_ref(), &email, &name).await?;
            #[allow(clippy::print_stdout)]
            {
                println!("{token}");
            }
            Ok(())
        }
        Command::Ingest {
            paths,
            incident,
            organisation,
            classification,
        } => {
            let classification = classification
                .parse()
                .map_err(|e: String| Failure::input(anyhow::anyhow!(e)))?;
            let args = ingest::Ingest {
                paths,
                incident,
                organisation,
                classification,
            };
            ingest::run(&config, clock.as_ref(), args).await
        }
        Command::Verify => verify::run(&config).await,
        Command::Export(ExportCommand::Bundle { incident, out }) => {
            export::bundle(&config, clock.as_ref(), incident, &out).await
        }
        Command::Persons(PersonsCommand::Dedupe { input, output }) => match (input, output) {
            (Some(input), Some(output)) => dedupe::file(&input, &output),
            _ => dedupe::store_report(&config).await,
        },
        Command::Report {
            from,
            to,
            region,
            format,
            lang,
            briefing,
            include_refuted,
            out,
        } => {
            let args = report::Report {
                from,
                to,
                region,
                format,
                lang,
                briefing,
                include_refuted,
                out,
            };
            report::run(&config, args).await
        }
        Command::Bench(b) => crate::bench::run(b, &config).await,
    }
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(Failure::input(anyhow::anyhow!("no password on standard input")));
    }
    Ok(password)
}

/// Opens the configured store, creating the data directory of the embedded default.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, Failure> {
    if config.embedded() {
        create_private_dir(&config.data)?;
    }
    Ok(evidentia_store::open(&config.database_url()).await.with_context(|| {
        format!(
            "cannot open the database {}",
            evidentia_store::redact_url(&config.database_url())
        )
    })?)
}

/// Creates a directory readable only by its owner: it holds records that can endanger people.
fn create_private_dir(path: &std::path::Path) -> Result<(), Failure> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict the permissions of {}", path.display()))?;
    }
    Ok(())
}

async fn init(config: &Config, clock: Arc<dyn Clock>, organisation: Option<String>) -> Result<(), Failure> {
    let store = open_store(config).await?;
    let signer = crate::keys::load_or_create(&config.data)?;
    eprintln!(
        "log signing key: {} (public key {})",
        crate::keys::key_path(&config.data).display(),
        signer.verifier().to_vkey()
    );
    if let Some(name) = organisation {
        let org = crate::accounts::create_organisation(store.as_ref(), clock.as_ref(), &name).await?;
        let n = crate::accounts::create_default_recipients(store.as_ref(), clock.as_ref(), org.id).await?;
        eprintln!("created organisation {name:?} with {n} example recipients of communications (edit or delete them)");
    }
    eprintln!("initialised {}", evidentia_store::redact_url(&config.database_url()));
    Ok(())
}

async fn serve(config: &Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<(), Failure> {
    let server_config = ServerConfig {
        max_json_bytes: config.max_json_bytes,
        secure_cookies: config.secure_cookies,
        session_lifetime: time::Duration::hours(i64::from(config.session_hours.clamp(1, 24 * 30))),
        max_upload_bytes: config.max_upload_bytes,
        map_tile_url: config.map_tile_url.clone(),
        public_reports_organisation: config.public_reports_organisation.clone(),
    };
    let signer = crate::keys::load_or_create(&config.data)?;
    let files = ingest::file_store(config).await?;
    let state = AppState::new(store, clock, server_config)
        .await?
        .with_log_signer(signer)
        .with_files(files);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr().context("no local address")?;
    tracing::info!(%address, "serving");
    eprintln!("listening on http://{address}/");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    evidentia_server::serve(listener, state, shutdown)
        .await
        .context("server failed")?;
    Ok(())
}
