//! Command-line interface: parsing, the exit-code policy and the runtime.
//!
//! Exit codes: 0 success, 1 a failure was found or the work failed, 2 a usage or input error.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Parser, Debug)]
#[command(
    name = "evidentia",
    version,
    about = "Documentation of harm to civilians in armed conflict"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Data directory of the embedded default [env: EVIDENTIA_DATA]
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://… [env: EVIDENTIA_DATABASE]
    #[arg(long, global = true)]
    pub database: Option<String>,
    /// File store: a directory or s3://… [env: EVIDENTIA_FILES]
    #[arg(long, global = true)]
    pub files: Option<String>,
    /// Configuration file (TOML) [env: EVIDENTIA_CONFIG; default DATA/evidentia.toml]
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Creates the data directory and database (and a first organisation).
    Init {
        /// Name of the first organisation.
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Serves the API.
    Serve {
        /// Address to listen on [env: EVIDENTIA_LISTEN; default 127.0.0.1:8080]
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Creates the fictional demo data set in an empty data directory, prints the URL and a
    /// demo administrator's credentials, and serves.
    Demo {
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Create the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// User accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Stores files and folders as evidence items (re-running skips what is stored).
    Ingest {
        /// Files or folders (folders are walked; symbolic links are not followed).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Link every item to this incident.
        #[arg(long)]
        incident: Option<uuid::Uuid>,
        /// Owning organisation (may be omitted when there is only one).
        #[arg(long)]
        organisation: Option<String>,
        /// public, internal, restricted or confidential
        #[arg(long, default_value = "internal")]
        classification: String,
    },
    /// Re-checks every record against the tamper-evident log, the log's tree and every signed
    /// checkpoint; prints each mismatch and exits 1 if there is any.
    Verify,
    /// Exports records.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Persons: duplicates in the store or in a spreadsheet.
    #[command(subcommand)]
    Persons(PersonsCommand),
    /// The statistics report for a period: incidents and documented persons by month, region,
    /// category, weapon, damaged object and alleged perpetrator, with reported casualty figures
    /// apart; or the briefing (figures, map, verified incidents).
    Report {
        /// Partial date: incidents whose period overlaps [from, to].
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// Region (location.admin1), compared case-insensitively.
        #[arg(long)]
        region: Option<String>,
        /// html, pdf, csv or json (default: from the extension of --out, else json).
        #[arg(long)]
        format: Option<String>,
        /// en, uk or ru
        #[arg(long)]
        lang: Option<String>,
        /// The briefing: the figures, a map and the list of verified incidents.
        #[arg(long)]
        briefing: bool,
        /// Count refuted incidents too.
        #[arg(long)]
        include_refuted: bool,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Benchmarks (see docs/PERFORMANCE.md).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Creates a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// admin, investigator, analyst or viewer
        #[arg(long)]
        role: String,
        /// Organisation name (may be omitted when there is only one).
        #[arg(long)]
        organisation: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Prints a new API bearer token for a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Writes an evidence bundle (zip) for an incident: the incident, its involvements, the
    /// persons they name and its evidence items, each with its log proof against a freshly signed
    /// checkpoint; check it with `evidentia-verify`.
    Bundle {
        #[arg(long)]
        incident: uuid::Uuid,
        /// The zip to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum PersonsCommand {
    /// Proposes duplicate persons. Without `--input`: prints the groups of persons in the store
    /// that linkage takes for one person, with scores and reasons. With `--input LIST.csv
    /// --output CLUSTERS.csv`: deduplicates a spreadsheet without a data directory (columns
    /// record_id, given_name, family_name, patronymic, birth_date, age, sex, residence; any may be
    /// empty but record_id; other columns are ignored) and writes record_id,cluster_id.
    Dedupe {
        /// A CSV list of persons with a header row.
        #[arg(long, requires = "output")]
        input: Option<PathBuf>,
        /// Where to write record_id,cluster_id.
        #[arg(long, requires = "input")]
        output: Option<PathBuf>,
    },
}

/// An error with the exit code it should end the process with.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// A usage or input error (exit 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        Self {
            code: 2,
            error: error.into(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self { code: 1, error }
    }
}

impl From<evidentia_store::StoreError> for Failure {
    fn from(e: evidentia_store::StoreError) -> Self {
        Self {
            code: 1,
            error: e.into(),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen } | Command::Demo { listen, .. } => *listen,
        _ => None,
    };
    let overrides = Overrides {
        config_file: cli.global.config.clone(),
        data: cli.global.data.clone(),
        database: cli.global.database.clone(),
        files: cli.global.files.clone(),
        listen,
    };
    let config = match Config::load(&overrides, &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("evidentia: {e:#}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("evidentia: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(crate::commands::dispatch(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("evidentia: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
