//! A served application with users of each kind, for tests.

use std::sync::Arc;

use evidentia_model::{Clock, FixedClock, Role};
use evidentia_server::{AppState, ServerConfig, auth};
use evidentia_store::{ApiToken, Membership, Organisation, User};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use uuid::Uuid;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// E-mail addresses by the same names as the tokens.
    pub emails: Vec<(&'static str, String)>,
    pub org: Uuid,
    pub other_org: Uuid,
    /// Tokens by name: admin, investigator, analyst, viewer (own organisation), outsider
    /// (viewer of the other organisation), other_investigator.
    tokens: Vec<(&'static str, String)>,
    _dir: Option<tempfile::TempDir>,
    _files: tempfile::TempDir,
    _server: tokio::task::JoinHandle<()>,
}

pub const MAX_JSON: usize = 64 * 1024;
/// Largest upload the test server accepts.
pub const MAX_UPLOAD: u64 = 1024 * 1024;
/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub async fn start() -> Self {
        let (store, dir) = match std::env::var("EVIDENTIA_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => (evidentia_store::open(&url).await.unwrap(), None),
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("evidentia.db").display());
                (evidentia_store::open(&url).await.unwrap(), Some(dir))
            }
        };
        let files_dir = tempfile::tempdir().unwrap();
        let salt = Uuid::new_v4();
        let seed = salt.as_u64_pair().0;
        let clock = Arc::new(FixedClock::seeded(time::macros::datetime!(2024-05-01 09:00 UTC), seed));
        let mut orgs = Vec::new();
        for name in ["Office", "Monitor"] {
            let org = Organisation {
                id: Uuid::new_v4(),
                name: format!("{name} {salt}"),
                created_at: clock.now(),
            };
            store.create_organisation(&org).await.unwrap();
            orgs.push(org.id);
        }
        let mut tokens = Vec::new();
        let mut emails = Vec::new();
        let password_hash = auth::hash_password(PASSWORD, [7; 16]).unwrap();
        let people: [(&'static str, usize, Role); 6] = [
            ("admin", 0, Role::Admin),
            ("investigator", 0, Role::Investigator),
            ("analyst", 0, Role::Analyst),
            ("viewer", 0, Role::Viewer),
            ("outsider", 1, Role::Viewer),
            ("other_investigator", 1, Role::Investigator),
        ];
        for (i, (name, org, role)) in people.into_iter().enumerate() {
            let user = User {
                id: Uuid::new_v4(),
                email: format!("{name}.{salt}@example.org"),
                display_name: name.into(),
                password_hash: Some(password_hash.clone()),
                created_at: clock.now(),
                disabled: false,
            };
            store
                .create_user(
                    &user,
                    &[Membership {
                        organisation_id: orgs[org],
                        role,
                    }],
                )
                .await
                .unwrap();
            emails.push((name, user.email.clone()));
            let mut bytes = [0u8; 32];
            bytes[..16].copy_from_slice(salt.as_bytes());
            bytes[16] = u8::try_from(i).unwrap();
            let secret = auth::new_token_secret(bytes);
            let token = ApiToken {
                id: Uuid::new_v4(),
                user_id: user.id,
                name: "test".into(),
                secret_hash: auth::token_hash(&secret),
                created_at: clock.now(),
                last_used_at: None,
                revoked_at: None,
            };
            store.create_token(&token).await.unwrap();
            tokens.push((name, secret));
        }
        let state = AppState::new(
            Arc::clone(&store),
            clock,
            ServerConfig {
                max_json_bytes: MAX_JSON,
                max_upload_bytes: MAX_UPLOAD,
                public_reports_organisation: Some(format!("Office {salt}")),
                ..ServerConfig::default()
            },
        )
        .await
        .unwrap()
        .with_log_signer(evidentia_log::Signer::from_seed("evidentia.test/log", [9; 32]).unwrap())
        .with_files(evidentia_files::FileStore::directory(files_dir.path()).await.unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            evidentia_server::serve(listener, state, std::future::pending())
                .await
                .unwrap();
        });
        Self {
            base,
            client: reqwest::Client::new(),
            emails,

            org: orgs[0],
            other_org: orgs[1],
            tokens,
            _dir: dir,
            _files: files_dir,
            _server: server,
        }
    }

    pub fn email(&self, who: &str) -> &str {
        &self.emails.iter().find(|(n, _)| *n == who).unwrap().1
    }

    pub fn token(&self, who: &str) -> &str {
        &self.tokens.iter().find(|(n, _)| *n == who).unwrap().1
    }

    /// A request as `who` (`None`: anonymous).
    pub fn request(&self, method: Method, path: &str, who: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, format!("{}{path}", self.base));
        match who {
            Some(w) => r.bearer_auth(self.token(w)),
            None => r,
        }
    }

    pub async fn get(&self, path: &str, who: Option<&str>) -> Response {
        self.request(Method::GET, path, who).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, who: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(who))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(&self, path: &str, who: &str, version: i64, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(who))
            .header("If-Match", format!("\"{version}\""))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Creates a record as the investigator and returns it.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, "investigator", &body).await;
        let status = r.status();
        let json: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{json}");
        json
    }
}

/// Status and JSON body of a response.
pub async fn answer(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The `field` of every error in a problem document.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map_or_else(Vec::new, |errors| {
        errors
            .iter()
            .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
            .collect()
    })
}

pub fn incident(title: &str) -> Value {
    serde_json::json!({
        "title": title,
        "occurred": {"from": "2014-07"},
        "location": {"place_name": "Tykhorichchia", "country": "XQ", "lat": 47.2, "lon": -32.4, "precision": "settlement"},
        "categories": ["indiscriminate_attack"],
    })
}
