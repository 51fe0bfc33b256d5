//! Configuration: defaults, then a TOML file, then `EVIDENTIA_*` environment variables, then
//! command-line flags — each layer overriding the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Everything a command may need to know about the deployment.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The data directory of the embedded default (database, files, keys).
    pub data: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; default: `sqlite://DATA/evidentia.db`.
    pub database: Option<String>,
    /// A directory or `s3://…`; default: `DATA/files`.
    pub files: Option<String>,
    /// Address the server listens on.
    pub listen: SocketAddr,
    /// Largest JSON request body, in bytes.
    pub max_json_bytes: usize,
    /// Largest evidence file accepted in one upload, in bytes.
    pub max_upload_bytes: u64,
    /// Log filter, e.g. `info` or `evidentia_server=debug`.
    pub log: String,
    /// Mark session cookies `Secure`: set when users reach the server over TLS.
    pub secure_cookies: bool,
    /// Longest a browser session lasts, in hours.
    pub session_hours: u32,
    /// Map tiles for the web maps, e.g. `https://tiles.example.org/{z}/{x}/{y}.png`; default none
    /// (the maps show the bundled outline of the region, offline).
    pub map_tile_url: Option<String>,
    /// The organisation (by name) that receives reports of missing persons sent through the
    /// portal's form; default none (the form is off). The demo uses its missing-persons commission.
    pub public_reports_organisation: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data: PathBuf::from("evidentia-data"),
            database: None,
            files: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 8 * 1024 * 1024 * 1024,
            log: "info,tower_http=warn".into(),
            secure_cookies: false,
            session_hours: 12,
            map_tile_url: None,
            public_reports_organisation: None,
        }
    }
}

impl std::fmt::Debug for Config {
    // The database URL may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data", &self.data)
            .field("database", &self.database.as_deref().map(evidentia_store::redact_url))
            .field("files", &self.files)
            .field("listen", &self.listen)
            .field("max_json_bytes", &self.max_json_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("log", &self.log)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_hours", &self.session_hours)
            .field("map_tile_url", &self.map_tile_url)
            .field("public_reports_organisation", &self.public_reports_organisation)
            .finish()
    }
}

/// The values given on the command line (or `None`).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub database: Option<String>,
    pub files: Option<String>,
    pub listen: Option<SocketAddr>,
}

impl Config {
    /// Builds the configuration from every layer. `env` is the process environment (a
    /// parameter so that tests do not depend on the machine).
    pub fn load(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let data_hint = flags.data.clone().or_else(|| env("EVIDENTIA_DATA").map(PathBuf::from));
        let file = flags
            .config_file
            .clone()
            .or_else(|| env("EVIDENTIA_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let default = data_hint
                    .as_deref()
                    .unwrap_or(Path::new("evidentia-data"))
                    .join("evidentia.toml");
                default.exists().then_some(default)
            });
        let mut config = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
                toml::from_str::<Config>(&text).with_context(|| format!("configuration file {}", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = env("EVIDENTIA_DATA") {
            config.data = PathBuf::from(v);
        }
        if let Some(v) = env("EVIDENTIA_DATABASE") {
            config.database = Some(v);
        }
        if let Some(v) = env("EVIDENTIA_FILES") {
            config.files = Some(v);
        }
        if let Some(v) = env("EVIDENTIA_LISTEN") {
            config.listen = v
                .parse()
                .with_context(|| format!("EVIDENTIA_LISTEN={v:?} is not an address"))?;
        }
        if let Some(v) = env("EVIDENTIA_MAX_JSON_BYTES") {
            config.max_json_bytes = v
                .parse()
                .with_context(|| format!("EVIDENTIA_MAX_JSON_BYTES={v:?} is not a number"))?;
        }
        if let Some(v) = env("EVIDENTIA_MAX_UPLOAD_BYTES") {
            config.max_upload_bytes = v
                .parse()
                .with_context(|| format!("EVIDENTIA_MAX_UPLOAD_BYTES={v:?} is not a number"))?;
        }
        if let Some(v) = env("EVIDENTIA_LOG") {
            config.log = v;
        }
        if let Some(v) = env("EVIDENTIA_SECURE_COOKIES") {
            config.secure_cookies = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => anyhow::bail!("EVIDENTIA_SECURE_COOKIES={v:?} must be true or false"),
            };
        }
        if let Some(v) = env("EVIDENTIA_SESSION_HOURS") {
            config.session_hours = v
                .parse()
                .with_context(|| format!("EVIDENTIA_SESSION_HOURS={v:?} is not a number"))?;
        }
        if let Some(v) = env("EVIDENTIA_MAP_TILE_URL") {
            config.map_tile_url = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("EVIDENTIA_PUBLIC_REPORTS_ORGANISATION") {
            config.public_reports_organisation = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = &flags.data {
            config.data = v.clone();
        }
        if let Some(v) = &flags.database {
            config.database = Some(v.clone());
        }
        if let Some(v) = &flags.files {
            config.files = Some(v.clone());
        }
        if let Some(v) = flags.listen {
            config.listen = v;
        }
        Ok(config)
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("evidentia.db").display()))
    }

    /// True when the records live in the data directory (the embedded default).
    pub fn embedded(&self) -> bool {
        self.database.as_deref().is_none_or(|d| d.starts_with("sqlite://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("evidentia.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nlog = \"debug\"\nmax_json_bytes = 10\n",
        )
        .unwrap();
        let env: HashMap<&str, &str> = [("EVIDENTIA_LOG", "warn"), ("EVIDENTIA_MAX_JSON_BYTES", "20")].into();
        let get = |k: &str| env.get(k).map(|v| (*v).to_owned());
        let flags = Overrides {
            config_file: Some(file.clone()),
            ..Overrides::default()
        };
        let c = Config::load(&flags, &get).unwrap();
        assert_eq!(c.listen.port(), 9000, "TOML over defaults");
        assert_eq!(c.log, "warn", "environment over TOML");
        assert_eq!(c.max_json_bytes, 20);
        let flags = Overrides {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..flags
        };
        assert_eq!(
            Config::load(&flags, &get).unwrap().listen.port(),
            9100,
            "flags over everything"
        );
    }

    #[test]
    fn map_tiles_are_configured_by_file_or_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("evidentia.toml");
        std::fs::write(&file, "map_tile_url = \"https://tiles.example.org/{z}/{x}/{y}.png\"\n").unwrap();
        let flags = Overrides {
            config_file: Some(file),
            ..Overrides::default()
        };
        let none = |_: &str| None;
        assert_eq!(Config::default().map_tile_url, None, "offline by default");
        assert_eq!(
            Config::load(&flags, &none).unwrap().map_tile_url.as_deref(),
            Some("https://tiles.example.org/{z}/{x}/{y}.png")
        );
        let empty = |k: &str| (k == "EVIDENTIA_MAP_TILE_URL").then(String::new);
        assert_eq!(
            Config::load(&flags, &empty).unwrap().map_tile_url,
            None,
            "an empty value turns tiles off"
        );
    }

    #[test]
    fn bad_files_and_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let flags = Overrides {
            config_file: Some(file),
            ..Overrides::default()
        };
        let e = format!("{:#}", Config::load(&flags, &|_| None).unwrap_err());
        assert!(e.contains("lisen"), "{e}");
        let e = Config::load(&Overrides::default(), &|k| {
            (k == "EVIDENTIA_LISTEN").then(|| "nowhere".into())
        });
        assert!(format!("{:#}", e.unwrap_err()).contains("EVIDENTIA_LISTEN"));
    }

    #[test]
    fn passwords_stay_out_of_debug_output() {
        let c = Config {
            database: Some("postgres://u:hunter2@db/x".into()),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
