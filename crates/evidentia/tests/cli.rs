//! The `evidentia` command as users run it: exit codes, accounts, the demo, and durability of
//! acknowledged writes across `kill -9`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sha2::{Digest, Sha256};
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

#[test]
fn an_exported_bundle_verifies_offline_and_names_tampering() {
    use std::collections::BTreeMap;
    use std::path::Path;

    fn sql(db: &Path, query: &str) -> String {
        let script = "import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])";
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(db)
            .arg(query)
            .output()
            .unwrap();
        assert!(out.status.success(), "{query}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
    fn read_zip(path: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut entries = BTreeMap::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            entries.insert(entry.name().to_owned(), bytes);
        }
        entries
    }
    fn write_zip(path: &Path, entries: &BTreeMap<String, Vec<u8>>) {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    fn check(path: &Path, key: Option<&str>) -> (u8, String) {
        let mut args = vec!["evidentia-verify".to_owned(), path.to_str().unwrap().to_owned()];
        if let Some(key) = key {
            args.extend(["--key".to_owned(), key.to_owned()]);
        }
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = evidentia_verify::run(args, &mut out, &mut err);
        (
            code,
            format!("{}{}", String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap()),
        )
    }

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let db = data.join("evidentia.db");
    assert_eq!(run(evidentia(&data).args(["demo", "--no-serve"]), "").0, 0);
    // An incident with people involved.
    let incident = sql(
        &db,
        "SELECT json_extract(body, '$.incident_id') FROM records WHERE kind = 'involvement' ORDER BY id LIMIT 1",
    );
    let persons: usize = sql(
        &db,
        &format!(
            "SELECT count(DISTINCT json_extract(body, '$.person_id')) FROM records \
             WHERE kind = 'involvement' AND json_extract(body, '$.incident_id') = '{incident}'"
        ),
    )
    .parse()
    .unwrap();
    assert!(persons > 0);

    // No such incident: a usage error, nothing logged.
    let (code, _, err) = run(
        evidentia(&data)
            .args([
                "export",
                "bundle",
                "--incident",
                "00000000-0000-7000-8000-000000000000",
                "--out",
            ])
            .arg(dir.path().join("none.zip")),
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("there is no incident 00000000-0000-7000-8000-000000000000"),
        "{err}"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT count(*) FROM log_leaves WHERE data LIKE '%\"kind\":\"export\"%'"
        ),
        "0"
    );

    // A destination in no directory: a usage error, nothing logged.
    let (code, _, err) = run(
        evidentia(&data)
            .args(["export", "bundle", "--incident", &incident, "--out"])
            .arg(dir.path().join("no-such-dir").join("b.zip")),
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a directory"), "{err}");
    assert_eq!(
        sql(
            &db,
            "SELECT count(*) FROM log_leaves WHERE data LIKE '%\"kind\":\"export\"%'"
        ),
        "0"
    );

    // A file attached to the incident travels in the bundle.
    let organisation = sql(
        &db,
        &format!(
            "SELECT o.name FROM organisations o JOIN records r ON r.organisation_id = o.id WHERE r.id = '{incident}'"
        ),
    );
    let statement = dir.path().join("statement.txt");
    std::fs::write(&statement, b"What the witness saw, in her words.\n").unwrap();
    let (code, out, err) = run(
        evidentia(&data)
            .args(["ingest", "--incident", &incident, "--organisation", &organisation])
            .arg(&statement),
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let file_sha: String = Sha256::digest(std::fs::read(&statement).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let bundle = dir.path().join("b.zip");
    let (code, _, err) = run(
        evidentia(&data)
            .args(["export", "bundle", "--incident", &incident, "--out"])
            .arg(&bundle),
        "",
    );
    assert_eq!(code, 0, "{err}");
    // The export is in the log, and the store still checks.
    assert_eq!(
        sql(
            &db,
            "SELECT count(*) FROM log_leaves WHERE data LIKE '%\"kind\":\"export\"%'"
        ),
        "1"
    );
    let (code, out, err) = run(evidentia(&data).arg("verify"), "");
    assert_eq!(code, 0, "{out}{err}");

    let good = read_zip(&bundle);
    let manifest: serde_json::Value = serde_json::from_slice(&good["manifest.json"]).unwrap();
    let key = manifest["public_key"].as_str().unwrap().to_owned();
    assert_eq!(String::from_utf8_lossy(&good["public-key.txt"]).trim(), key);
    let records = manifest["records"].as_array().unwrap();
    assert_eq!(records.iter().filter(|r| r["kind"] == "person").count(), persons);
    assert!(good.contains_key("index.html") && good.contains_key("checkpoint.txt"));
    let (code, out) = check(&bundle, Some(&key));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("ok    record incident {incident}\n")), "{out}");
    assert!(out.contains(" items checked: all hold"), "{out}");
    let file_path = format!("files/{file_sha}");
    assert_eq!(good[&file_path], std::fs::read(&statement).unwrap());
    assert!(out.contains(&format!("ok    file {file_path}\n")), "{out}");
    let evidence_id = sql(
        &db,
        &format!(
            "SELECT id FROM records WHERE kind = 'evidence' AND json_extract(body, '$.file.sha256') = '{file_sha}'"
        ),
    );
    // The export is in the item's chain of custody.
    assert_eq!(
        sql(
            &db,
            &format!("SELECT json_extract(body, '$.custody[#-1].action') FROM records WHERE id = '{evidence_id}'")
        ),
        "exported"
    );

    let record_path = format!("records/incident-{incident}.json");
    let proof_path = format!("proofs/incident-{incident}.tlog-proof");
    let tampered = dir.path().join("t.zip");

    // One changed byte in the incident's record.
    let mut e = good.clone();
    let text = String::from_utf8(e[&record_path].clone()).unwrap();
    let changed = text.replacen("\"created_at\":\"2", "\"created_at\":\"3", 1);
    assert_ne!(changed, text);
    e.insert(record_path.clone(), changed.into_bytes());
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fails.len(), 1, "{out}");
    assert!(
        fails[0].starts_with(&format!("FAIL  record incident {incident}: {record_path} hashes to ")),
        "{out}"
    );

    // The evidence file removed, with its manifest line: the record that names it says so.
    let mut e = good.clone();
    e.remove(&file_path);
    let mut m = manifest.clone();
    m["files"] = serde_json::json!([]);
    e.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "FAIL  record evidence {evidence_id}: names the file {file_sha}, which the bundle does not hold"
        )),
        "{out}"
    );
    assert_eq!(out.matches("FAIL").count(), 1, "{out}");

    // A changed byte in the evidence file.
    let mut e = good.clone();
    e.get_mut(&file_path).unwrap()[0] ^= 1;
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("FAIL  file {file_path}: the bytes hash to ")),
        "{out}"
    );
    assert_eq!(out.matches("FAIL").count(), 1, "{out}");

    // A proof removed.
    let mut e = good.clone();
    e.remove(&proof_path);
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "FAIL  record incident {incident}: {proof_path} is not in the bundle"
        )),
        "{out}"
    );
    assert_eq!(out.matches("FAIL").count(), 1, "{out}");

    // The manifest edited: a content hash and the checkpoint size.
    let mut e = good.clone();
    let mut m = manifest.clone();
    m["checkpoint"]["size"] = serde_json::json!(m["checkpoint"]["size"].as_u64().unwrap() + 1);
    m["records"][0]["content_hash"] = serde_json::json!("0".repeat(64));
    e.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL  checkpoint: size is "), "{out}");
    assert!(
        out.contains(&format!(
            "FAIL  record incident {incident}: {record_path} hashes to {}, the manifest says {}",
            records[0]["content_hash"].as_str().unwrap(),
            "0".repeat(64)
        )),
        "{out}"
    );

    // The public key replaced by another (well-formed) key: nothing verifies, and the key the
    // reader trusts is not the bundle's.
    let other = "evidentia.log/other+2a9b2b7f+AVzWOARg23bpH0i2UyX4N8hEBt6DNKN5r8blwStoB/2E";
    let other = match evidentia_log::Verifier::from_vkey(other) {
        Ok(v) => v.to_vkey(),
        Err(evidentia_log::NoteError::KeyIdMismatch { computed, .. }) => {
            format!("evidentia.log/other+{computed:08x}+AVzWOARg23bpH0i2UyX4N8hEBt6DNKN5r8blwStoB/2E")
        }
        Err(e) => panic!("{e}"),
    };
    let mut e = good.clone();
    let mut m = manifest.clone();
    m["public_key"] = serde_json::json!(other);
    e.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    e.insert("public-key.txt".into(), format!("{other}\n").into_bytes());
    write_zip(&tampered, &e);
    let (code, out) = check(&tampered, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "FAIL  public key: the bundle is signed by {other}, not by the key you trust ({key})"
        )),
        "{out}"
    );
    assert!(
        out.contains("FAIL  checkpoint: checkpoint.txt does not verify"),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("FAIL  record ")).count(),
        records.len(),
        "{out}"
    );

    // An unreadable bundle.
    std::fs::write(&tampered, b"not a zip").unwrap();
    assert_eq!(check(&tampered, None).0, 2);
}

/// Runs SQL with the `psql` client; returns what it printed.
fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .unwrap();
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The same tampering, on PostgreSQL with the psql client. Runs in the PostgreSQL stage of
/// scripts/test (which sets EVIDENTIA_TEST_PG_ADMIN_URL); elsewhere it says so and returns.
#[test]
fn verify_names_tampering_on_postgres() {
    let Ok(admin) = std::env::var("EVIDENTIA_TEST_PG_ADMIN_URL") else {
        eprintln!("verify_names_tampering_on_postgres: runs in the PostgreSQL stage of scripts/test");
        return;
    };
    let name = format!("evidentia_cli_{}", uuid::Uuid::new_v4().simple());
    psql(&admin, &format!("CREATE DATABASE {name}"));
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("{admin} has no database name"),
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cli = |args: &[&str]| {
        let mut c = evidentia(&data);
        c.arg("--database").arg(&url).args(args);
        run(&mut c, "")
    };
    let (code, _, err) = cli(&["demo", "--no-serve"]);
    assert_eq!(code, 0, "{err}");
    let incident = psql(
        &url,
        "SELECT id FROM records WHERE kind = 'incident' ORDER BY id LIMIT 1",
    );
    // An export signs a checkpoint.
    let out = dir.path().join("b.zip");
    let (code, _, err) = cli(&[
        "export",
        "bundle",
        "--incident",
        &incident,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(&["verify"]);
    assert_eq!(code, 0, "{out}{err}");

    psql(
        &url,
        &format!(
            "UPDATE records SET body = jsonb_set(body, '{{title}}', '\"Quietly changed\"') WHERE id = '{incident}'"
        ),
    );
    let (code, out, _) = cli(&["verify"]);
    assert_eq!(code, 1);
    assert!(out.contains(&format!("MISMATCH record incident:{incident}")), "{out}");

    psql(&url, "DELETE FROM log_leaves WHERE idx = 7");
    let (_, out, _) = cli(&["verify"]);
    assert!(out.contains("entries #7 to #7 are missing"), "{out}");

    psql(
        &url,
        "UPDATE log_checkpoints SET note = replace(note, split_part(note, chr(10), 3), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')",
    );
    let (code, out, _) = cli(&["verify"]);
    assert_eq!(code, 1);
    assert!(out.contains("MISMATCH checkpoint at size"), "{out}");
}

#[test]
fn ingest_is_resumable_and_verify_rehashes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(
        run(evidentia(&data).args(["init", "--organisation", "Office"]), "").0,
        0
    );
    let folder = dir.path().join("from the field");
    std::fs::create_dir_all(folder.join("day 2")).unwrap();
    std::fs::write(folder.join("statement.txt"), "A statement taken on site.\n").unwrap();
    std::fs::write(folder.join("day 2").join("same.txt"), "A statement taken on site.\n").unwrap();
    std::fs::write(folder.join("day 2").join("note.bin"), [7u8; 1000]).unwrap();
    let ingest = || run(evidentia(&data).arg("ingest").arg(&folder), "");
    let (code, out, err) = ingest();
    assert_eq!(code, 0, "{err}");
    // Identical bytes are stored once and described once.
    assert!(out.contains("2 files stored and described, 1 already stored"), "{out}");
    let (code, out, _) = ingest();
    assert_eq!(code, 0);
    assert!(out.contains("0 files stored and described, 3 already stored"), "{out}");
    let (code, out, _) = run(evidentia(&data).arg("verify"), "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 files: all hold"), "{out}");

    // A stored file's byte flipped on disk.
    let stored = {
        let mut found = Vec::new();
        let mut stack = vec![data.join("files").join("sha256")];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() { stack.push(p) } else { found.push(p) }
            }
        }
        found.sort();
        found.remove(0)
    };
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&stored, bytes).unwrap();
    let name = stored.file_name().unwrap().to_string_lossy().into_owned();
    let (code, out, _) = run(evidentia(&data).arg("verify"), "");
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("MISMATCH file {name}: its bytes hash to")),
        "{out}"
    );
    // A stored file removed.
    std::fs::remove_file(&stored).unwrap();
    let (code, out, _) = run(evidentia(&data).arg("verify"), "");
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("its file {name} is not in the file store")),
        "{out}"
    );
    let (code, _, err) = run(evidentia(&data).args(["ingest", "/nonexistent/path"]), "");
    assert_eq!(code, 2, "a path that cannot be read is an input error: {err}");
}

fn dedupe_file(dir: &std::path::Path, csv: &str) -> (i32, String, Option<String>) {
    let input = dir.join("list.csv");
    let output = dir.join("clusters.csv");
    let _ = std::fs::remove_file(&output);
    std::fs::write(&input, csv).unwrap();
    // No data directory: a spreadsheet is cleaned before anything is imported.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evidentia"));
    cmd.env_remove("EVIDENTIA_DATA")
        .env_remove("EVIDENTIA_DATABASE")
        .env_remove("EVIDENTIA_CONFIG")
        .current_dir(dir)
        .args(["persons", "dedupe", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output);
    let (code, _, err) = run(&mut cmd, "");
    (code, err, std::fs::read_to_string(&output).ok())
}

#[test]
fn persons_dedupe_clusters_a_spreadsheet_across_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, out) = dedupe_file(
        dir.path(),
        "record_id,given_name,family_name,patronymic,birth_date,age,sex,residence,source notes\n\
         1,Олександр,Шевчук,Петрович,1980-03-04,,m,Тихоріччя,list A\n\
         2,Oleksandr,Shevchuk,Petrovych,04.03.1980,,male,Tykhorichchia,list B\n\
         3,Aleksandr,Shevchuk,,1980,44,,,list C\n\
         4,Ганна,Мельник,,1990-07-01,,f,,\n\
         5,Hanna,Melnyk,,1990-07-01,,,,\n\
         6,Ірина,Коваль,,1975,,,,\n\
         7,,,,,,,,\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join("data").exists(), "no data directory is created");
    let out = out.unwrap();
    let cluster: std::collections::HashMap<&str, &str> =
        out.lines().skip(1).filter_map(|l| l.split_once(',')).collect();
    assert!(out.starts_with("record_id,cluster_id\n"), "{out}");
    assert_eq!(cluster.len(), 7, "one row per record: {out}");
    assert_eq!(cluster["1"], cluster["2"], "{out}");
    assert_eq!(cluster["1"], cluster["3"], "{out}");
    assert_eq!(cluster["4"], cluster["5"], "{out}");
    assert_ne!(cluster["1"], cluster["4"], "{out}");
    assert_ne!(cluster["6"], cluster["1"], "{out}");
    assert_ne!(cluster["6"], cluster["4"], "{out}");
    assert_ne!(cluster["7"], cluster["6"], "{out}");
}

#[test]
fn persons_dedupe_refuses_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (csv, named) in [
        ("", "header"),
        ("given_name,family_name\nAnna,Bondar\n", "record_id"),
        ("record_id,given_name\n1,Anna\n1,Inna\n", "row 3"),
        ("record_id,given_name\n1,Anna\n,Inna\n", "row 3"),
    ] {
        let (code, err, out) = dedupe_file(dir.path(), csv);
        assert_eq!(code, 2, "{csv:?}: {err}");
        assert!(err.contains(named), "{csv:?}: {err}");
        assert!(out.is_none(), "{csv:?}: nothing is written");
    }
    // A missing input file is an input error too; half the options is a usage error.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evidentia"));
    cmd.args(["persons", "dedupe", "--input", "/nonexistent/list.csv", "--output"])
        .arg(dir.path().join("out.csv"));
    assert_eq!(run(&mut cmd, "").0, 2);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evidentia"));
    cmd.args(["persons", "dedupe", "--input", "list.csv"]);
    assert_eq!(run(&mut cmd, "").0, 2);
}

#[test]
fn persons_dedupe_reports_the_duplicates_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(evidentia(&data).args(["demo", "--no-serve"]), "");
    assert_eq!(code, 0, "{err}");
    let (code, report, err) = run(evidentia(&data).args(["persons", "dedupe"]), "");
    assert_eq!(code, 0, "{err}");
    let first = report.lines().next().unwrap_or_default();
    assert!(first.contains("groups of possible duplicates"), "{report}");
    assert!(
        report.contains("group 1 ("),
        "the demo's near-duplicates are found: {report}"
    );
    assert!(report.contains(" ~ ") && report.contains("score "), "{report}");
}

#[test]
fn report_counts_the_demo_incidents_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(evidentia(&data).args(["demo", "--no-serve"]), "");
    assert_eq!(code, 0, "{err}");
    let sql = |query: &str| -> String {
        let script = "import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])";
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(data.join("evidentia.db"))
            .arg(query)
            .output()
            .unwrap();
        assert!(out.status.success(), "{query}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    // The deployment starts with the example recipients, as internal records one may edit or
    // delete, owned by the first organisation.
    let recipients: u64 = sql("SELECT count(*) FROM records WHERE kind = 'recipient' AND classification = 'internal'")
        .parse()
        .unwrap();
    assert_eq!(recipients, 3);
    let owners: u64 = sql("SELECT count(DISTINCT organisation_id) FROM records WHERE kind = 'recipient'")
        .parse()
        .unwrap();
    assert_eq!(owners, 1);

    // The incidents of 2014 that are not refuted, counted by an independent client.
    let expected: u64 = sql(
        "SELECT count(*) FROM records WHERE kind = 'incident' AND status <> 'refuted' \
         AND period_from <= 20141231 AND period_to >= 20140101",
    )
    .parse()
    .unwrap();
    let json = dir.path().join("summary.json");
    let (code, _, err) = run(
        evidentia(&data)
            .args(["report", "--from", "2014", "--to", "2014", "--out"])
            .arg(&json),
        "",
    );
    assert_eq!(code, 0, "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(summary["incidents"], expected, "{err}");
    assert!(expected > 0);

    let pdf = dir.path().join("briefing.pdf");
    let (code, _, err) = run(
        evidentia(&data)
            .args(["report", "--briefing", "--lang", "uk", "--from", "2014", "--out"])
            .arg(&pdf),
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let csv = dir.path().join("summary.csv");
    let (code, _, err) = run(evidentia(&data).args(["report", "--out"]).arg(&csv), "");
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("dimension,key,measure,value")
    );

    for (args, needle) in [
        (vec!["--format", "xml"], "format"),
        (vec!["--from", "2014-13"], "from"),
        (vec!["--from", "2015", "--to", "2014"], "to"),
        (vec!["--lang", "de"], "lang"),
    ] {
        let out = dir.path().join("bad.json");
        let (code, _, err) = run(evidentia(&data).arg("report").args(&args).arg("--out").arg(&out), "");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!out.exists());
    }
    let (code, _, err) = run(
        evidentia(&data)
            .args(["report", "--out"])
            .arg(dir.path().join("missing/dir/x.json")),
        "",
    );
    assert_eq!(code, 2, "{err}");
}
