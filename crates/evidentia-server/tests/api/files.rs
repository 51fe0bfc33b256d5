//! Evidence files: streamed uploads (multipart and raw), downloads as attachments, and refusals
//! that store nothing.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::{MAX_UPLOAD, TestApp, answer, fields, incident};

const BOUNDARY: &str = "evidentia-test-boundary";

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
        if let Some(f) = filename {
            body.extend(format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream").bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

async fn upload(app: &TestApp, who: Option<&str>, body: Vec<u8>) -> (u16, Value) {
    let r = app
        .request(Method::POST, "/api/v1/evidence", who)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap();
    answer(r).await
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn evidence_count(app: &TestApp) -> usize {
    let (_, page) = answer(
        app.get(
            &format!("/api/v1/evidence?organisation_id={}&limit=500", app.org),
            Some("admin"),
        )
        .await,
    )
    .await;
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_multipart_upload_is_stored_described_logged_and_downloaded_as_an_attachment() {
    let app = TestApp::start().await;
    let inc = app.create("/api/v1/incidents", incident("Uploaded to")).await;
    let bytes = b"Statement of a witness, taken on site.\n".to_vec();
    let body = multipart(&[
        ("classification", None, b"restricted"),
        ("incident_id", None, inc["id"].as_str().unwrap().as_bytes()),
        ("file", Some("../../etc/passwd"), &bytes),
    ]);
    let (status, created) = upload(&app, Some("investigator"), body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["file"]["sha256"], sha256(&bytes));
    assert_eq!(created["file"]["size"], bytes.len());
    assert_eq!(created["file"]["media_type"], "text/plain");
    assert_eq!(
        created["file"]["original_name"], "../../etc/passwd",
        "the name is data, never a path"
    );
    assert_eq!(created["kind"], "document");
    assert_eq!(created["incident_ids"], json!([inc["id"]]));
    assert!(created["extracted_metadata"].is_object());

    let path = format!("/api/v1/evidence/{}/file", created["id"].as_str().unwrap());
    let r = app.get(&path, Some("viewer")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
    for who in [Some("outsider"), None] {
        assert_eq!(
            app.get(&path, who).await.status(),
            404,
            "{who:?} may not see a restricted item's file"
        );
    }

    // The ingest is in the log, naming the file.
    let (_, checkpoint_size) = {
        let note = app.get("/api/v1/log/checkpoint", None).await.text().await.unwrap();
        let size: u64 = note.lines().nth(1).unwrap().parse().unwrap();
        (note, size)
    };
    let mut found = false;
    for i in 0..checkpoint_size {
        let r = app.get(&format!("/api/v1/log/entries/{i}"), Some("admin")).await;
        if r.status() == 200 {
            let e: Value = r.json().await.unwrap();
            found |= e["kind"] == "file_ingested" && e["file_sha256"] == sha256(&bytes);
        }
    }
    assert!(found, "a file_ingested entry names the file");
}

#[tokio::test]
async fn a_raw_upload_takes_its_fields_from_the_query() {
    let app = TestApp::start().await;
    let bytes: Vec<u8> = (0..5000u32).flat_map(|i| i.to_le_bytes()).collect();
    let r = app
        .request(
            Method::POST,
            "/api/v1/evidence?title=Raw%20capture&original_name=capture.bin",
            Some("investigator"),
        )
        .header("content-type", "application/octet-stream")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    let (status, created) = answer(r).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["title"], "Raw capture");
    assert_eq!(created["file"]["sha256"], sha256(&bytes));
    assert_eq!(created["file"]["original_name"], "capture.bin");
    assert_eq!(created["kind"], "other");
}

#[tokio::test]
async fn refused_uploads_store_nothing() {
    let app = TestApp::start().await;
    let file = multipart(&[("file", Some("a.txt"), b"some bytes")]);
    assert_eq!(upload(&app, None, file.clone()).await.0, 401);
    assert_eq!(upload(&app, Some("viewer"), file.clone()).await.0, 403);
    let (status, problem) = upload(
        &app,
        Some("investigator"),
        multipart(&[("file", Some("empty.txt"), b"")]),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["file"]);
    let big = vec![7u8; usize::try_from(MAX_UPLOAD).unwrap() + 1];
    let (status, _) = upload(
        &app,
        Some("investigator"),
        multipart(&[("file", Some("big.bin"), &big)]),
    )
    .await;
    assert_eq!(status, 413);
    let (status, _) = upload(&app, Some("investigator"), multipart(&[("title", None, b"no file")])).await;
    assert_eq!(status, 422);
    // Cut off: the closing boundary never comes.
    let mut cut = multipart(&[("file", Some("cut.bin"), &[1u8; 5000])]);
    cut.truncate(3000);
    let (status, _) = upload(&app, Some("investigator"), cut).await;
    assert_eq!(status, 400);
    let (status, _) = upload(&app, Some("investigator"), b"not multipart at all".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(evidence_count(&app).await, 0, "no evidence record was created");
}
