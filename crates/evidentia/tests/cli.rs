//! The `evidentia` command as users run it: exit codes, accounts, the demo, and durability of
//! acknowledged writes across `kill -9`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn evidentia(data: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_evidentia"));
    c.arg("--data")
        .arg(data)
        .env_remove("EVIDENTIA_DATABASE")
        .env_remove("EVIDENTIA_CONFIG")
        .env("EVIDENTIA_LOG", "warn");
    c
}

fn run(cmd: &mut Command, stdin: &str) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn accounts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(
        evidentia(&data).args(["init", "--organisation", "Office of the Ombudsperson"]),
        "",
    );
    assert_eq!(code, 0, "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
    }
    let create = |email: &str, role: &str, password: &str| {
        run(
            evidentia(&data).args(["user", "create", "--email", email, "--role", role, "--password-stdin"]),
            password,
        )
    };
    assert_eq!(create("Ada@Example.org", "admin", "a long enough passphrase\n").0, 0);
    let (code, _, err) = create("ada@example.org", "viewer", "another long passphrase\n");
    assert_eq!(
        code, 2,
        "a second account with the same (normalised) e-mail is an input error: {err}"
    );
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = create("bob@example.org", "overlord", "a long enough passphrase\n");
    assert_eq!(code, 2);
    assert!(err.contains("unknown role"), "{err}");
    let (code, _, err) = create("bob@example.org", "viewer", "short\n");
    assert_eq!(code, 2);
    assert!(err.contains("at least"), "{err}");
    let (code, _, _) = create("not-an-email", "viewer", "a long enough passphrase\n");
    assert_eq!(code, 2);

    let (code, token, _) = run(
        evidentia(&data).args(["token", "create", "--email", "ada@example.org"]),
        "",
    );
    assert_eq!(code, 0);
    assert!(token.trim().starts_with("evd_"), "{token}");
    let (code, _, err) = run(
        evidentia(&data).args(["token", "create", "--email", "nobody@example.org"]),
        "",
    );
    assert_eq!(code, 2, "{err}");

    let (code, _, _) = run(evidentia(&data).args(["frobnicate"]), "");
    assert_eq!(code, 2, "usage errors exit 2");
}

struct Server(std::process::Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve(data: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = evidentia(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Server(child, base)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_serves_and_acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let (code, out, err) = run(evidentia(&data).args(["demo", "--no-serve"]), "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("admin@demo.invalid"), "{out}");
    let token = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("API token: "))
        .unwrap()
        .to_owned();
    // Running the demo again on its own data keeps the data and prints a new token.
    let (code, out2, _) = run(evidentia(&data).args(["demo", "--no-serve"]), "");
    assert_eq!(code, 0);
    assert!(out2.contains("API token: evd_"));

    let client = reqwest::Client::new();
    let server = serve(&data).await;
    let page: serde_json::Value = client
        .get(format!("{}/api/v1/incidents?limit=500", server.1))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        500,
        "the demo holds at least 500 incidents"
    );

    let mut acknowledged = Vec::new();
    for i in 0..20 {
        let body = serde_json::json!({"title": format!("Durable {i}"), "occurred": {"from": "2020"}});
        let r = client
            .post(format!("{}/api/v1/incidents", server.1))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let created: serde_json::Value = r.json().await.unwrap();
        acknowledged.push(created["id"].as_str().unwrap().to_owned());
    }
    // kill -9: no shutdown, no flush, no goodbye.
    let mut server = server;
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let again = serve(&data).await;
    for id in &acknowledged {
        let r = client
            .get(format!("{}/api/v1/incidents/{id}", again.1))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{id} was acknowledged and must survive");
    }
}

#[test]
fn a_data_directory_with_other_data_is_not_turned_into_a_demo() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(
        run(evidentia(&data).args(["init", "--organisation", "Real office"]), "").0,
        0
    );
    let (code, _, err) = run(evidentia(&data).args(["demo", "--no-serve"]), "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not the demo"), "{err}");
}

/// Runs SQL on the data directory's database with an independent client (Python's sqlite3).
fn tamper(data: &std::path::Path, sql: &str) {
    let db = data.join("evidentia.db");
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\n";
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(&db)
        .arg(sql)
        .status()
        .unwrap();
    assert!(status.success(), "{sql}");
}

fn verify(data: &std::path::Path) -> (i32, String) {
    let (code, out, err) = run(evidentia(data).arg("verify"), "");
    (code, format!("{out}{err}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_names_every_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    assert_eq!(run(evidentia(&data).args(["demo", "--no-serve"]), "").0, 0);
    // A signed checkpoint, as any client fetching one would cause.
    {
        let server = serve(&data).await;
        let r = reqwest::get(format!("{}/api/v1/log/checkpoint", server.1))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let (code, out) = verify(&data);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("all hold"), "{out}");

    // A record edited behind Evidentia's back.
    let id = {
        let out = Command::new("python3")
            .args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM records WHERE kind='incident' ORDER BY id LIMIT 1\").fetchone()[0])"])
            .arg(data.join("evidentia.db"))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    tamper(
        &data,
        &format!("UPDATE records SET body = json_set(body, '$.title', 'Quietly changed') WHERE id = '{id}'"),
    );
    let (code, out) = verify(&data);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("MISMATCH record incident:{id}")), "{out}");
    assert_eq!(out.matches("MISMATCH").count(), 1, "{out}");

    // A log entry deleted.
    tamper(&data, "DELETE FROM log_leaves WHERE idx = 7");
    let (code, out) = verify(&data);
    assert_eq!(code, 1);
    assert!(out.contains("entries #7 to #7 are missing"), "{out}");

    // A checkpoint replaced by one that claims another root.
    tamper(
        &data,
        "UPDATE log_checkpoints SET note = replace(note, substr(note, instr(note, char(10)) + 1, 4), '9999')",
    );
    let (code, out) = verify(&data);
    assert_eq!(code, 1);
    assert!(out.contains("MISMATCH checkpoint at size"), "{out}");
}
