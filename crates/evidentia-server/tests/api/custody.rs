//! Chains of custody, verification assessments and redacted copies: append-only, logged, and
//! refused to those who may not change the item.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;

use crate::app::{TestApp, answer, fields, incident};

const BOUNDARY: &str = "custody-test-boundary";

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

async fn post_multipart(app: &TestApp, path: &str, who: &str, body: Vec<u8>) -> (u16, Value) {
    let r = app
        .request(Method::POST, path, Some(who))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap();
    answer(r).await
}

/// Uploads a restricted document linked to a new incident; answers (incident, item).
async fn uploaded(app: &TestApp, text: &[u8]) -> (Value, Value) {
    let inc = app.create("/api/v1/incidents", incident("Custody")).await;
    let body = multipart(&[
        ("classification", None, b"restricted"),
        ("incident_id", None, inc["id"].as_str().unwrap().as_bytes()),
        ("file", Some("statement.txt"), text),
    ]);
    let (status, item) = post_multipart(app, "/api/v1/evidence", "investigator", body).await;
    assert_eq!(status, 201, "{item}");
    (inc, item)
}

/// Every log entry the admin may read.
async fn log_entries(app: &TestApp) -> Vec<Value> {
    let note = app.get("/api/v1/log/checkpoint", None).await.text().await.unwrap();
    let size: u64 = note.lines().nth(1).unwrap().parse().unwrap();
    let mut entries = Vec::new();
    for i in 0..size {
        let r = app.get(&format!("/api/v1/log/entries/{i}"), Some("admin")).await;
        if r.status() == 200 {
            entries.push(r.json().await.unwrap());
        }
    }
    entries
}

#[tokio::test]
async fn the_chain_of_custody_starts_at_upload_and_only_grows() {
    let app = TestApp::start().await;
    let (_, item) = uploaded(&app, b"A statement.\n").await;
    let id = item["id"].as_str().unwrap();
    let chain = item["custody"].as_array().unwrap();
    assert_eq!(chain.len(), 1, "{item}");
    assert_eq!(chain[0]["action"], "received");
    assert_eq!(chain[0]["recorded_at"], "2024-05-01T09:00:00Z");
    assert!(chain[0]["recorded_by"].is_string());

    let path = format!("/api/v1/evidence/{id}/custody");
    let entry = json!({"action": "transferred", "by": "Field team 2", "at": "2024-04", "notes": "sealed bag 17"});
    let (status, changed) = answer(app.post(&path, "investigator", &entry).await).await;
    assert_eq!(status, 201, "{changed}");
    assert_eq!(changed["version"], 2);
    let chain = changed["custody"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0], item["custody"][0], "earlier entries stay as they were");
    assert_eq!(chain[1]["action"], "transferred");
    assert_eq!(chain[1]["by"], "Field team 2");
    assert_eq!(chain[1]["at"], "2024-04");
    assert_eq!(chain[1]["notes"], "sealed bag 17");

    // The entry is a custody event in the log, before the change that records the new version.
    let entries = log_entries(&app).await;
    let custody = entries
        .iter()
        .position(|e| e["kind"] == "custody" && e["record_id"] == id)
        .expect("a custody event names the item");
    assert_eq!(entries[custody]["detail"]["action"], "transferred");
    assert_eq!(entries[custody]["file_sha256"], item["file"]["sha256"]);
    let change = entries
        .iter()
        .position(|e| e["kind"] == "record_changed" && e["record_id"] == id)
        .unwrap();
    assert!(custody < change);

    // No way to rewrite the chain: not by patch, not on creation, not with server-recorded actions.
    let (status, problem) = answer(
        app.patch(
            &format!("/api/v1/evidence/{id}"),
            "investigator",
            2,
            &json!({"custody": []}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["custody".to_owned()]),
        "{problem}"
    );
    let (status, problem) = answer(
        app.post(
            "/api/v1/evidence",
            "investigator",
            &json!({"kind": "testimony", "verifications": [{"method": "source", "result": "confirmed", "at": "2024", "recorded_at": "2024"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["verifications".to_owned()]),
        "{problem}"
    );
    for action in ["exported", "redacted"] {
        let (status, problem) = answer(app.post(&path, "investigator", &json!({"action": action})).await).await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["action".to_owned()]),
            "{problem}"
        );
    }
    let (status, problem) = answer(
        app.post(&path, "investigator", &json!({"action": "accessed", "at": "2024-06"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["at".to_owned()]),
        "the future: {problem}"
    );
    let (status, _) = answer(app.post(&path, "investigator", &json!({"action": "lost"})).await).await;
    assert!(matches!(status, 400 | 422));
    let (status, _) = answer(app.post(&path, "viewer", &json!({"action": "accessed"})).await).await;
    assert_eq!(status, 403, "a viewer records nothing");
    let (status, _) = answer(
        app.post(&path, "other_investigator", &json!({"action": "accessed"}))
            .await,
    )
    .await;
    assert_eq!(status, 404, "another organisation does not see a restricted item");

    let (_, now) = answer(app.get(&format!("/api/v1/evidence/{id}"), Some("admin")).await).await;
    assert_eq!(now["version"], 2, "nothing refused changed the item");
    assert_eq!(now["custody"].as_array().unwrap().len(), 2);
    let (_, history) = answer(app.get(&format!("/api/v1/evidence/{id}/history"), Some("admin")).await).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn verification_assessments_are_appended_with_who_recorded_them() {
    let app = TestApp::start().await;
    let (_, item) = uploaded(&app, b"Another statement.\n").await;
    let path = format!("/api/v1/evidence/{}/verifications", item["id"].as_str().unwrap());
    let first =
        json!({"method": "geolocation", "result": "confirmed", "by": "Analyst on duty", "notes": "skyline matches"});
    let (status, r) = answer(app.post(&path, "investigator", &first).await).await;
    assert_eq!(status, 201, "{r}");
    let second = json!({"method": "chronolocation", "result": "contradicted", "at": "2024-04-30"});
    let (status, r) = answer(app.post(&path, "admin", &second).await).await;
    assert_eq!(status, 201, "{r}");
    let v = r["verifications"].as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0]["method"].as_str(), v[0]["result"].as_str()),
        (Some("geolocation"), Some("confirmed"))
    );
    assert_eq!(v[0]["notes"], "skyline matches");
    assert_eq!(v[1]["result"], "contradicted");
    assert_eq!(v[1]["at"], "2024-04-30");
    assert_ne!(v[0]["recorded_by"], v[1]["recorded_by"], "each names its own recorder");
    let (status, problem) = answer(
        app.post(
            &path,
            "investigator",
            &json!({"method": "vibes", "result": "confirmed"}),
        )
        .await,
    )
    .await;
    assert!(matches!(status, 400 | 422), "{problem}");
    let (status, _) = answer(app.post(&path, "analyst", &first).await).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_redacted_copy_is_a_new_item_pointing_to_its_original() {
    let app = TestApp::start().await;
    let (inc, original) = uploaded(&app, b"Name: A. Witness. Address: 1 Long Street.\n").await;
    let id = original["id"].as_str().unwrap();
    let path = format!("/api/v1/evidence/{id}/redactions");
    let redacted = b"Name: [withheld]. Address: [withheld].\n";
    let body = multipart(&[
        ("classification", None, b"public"),
        ("notes", None, b"names and address removed"),
        ("file", Some("statement-redacted.txt"), redacted),
    ]);
    // Those who may not change the original store nothing: no ingest of the copy's file is
    // logged, and the original is unchanged. (Other tests may share the log, so the check names
    // this file and this item rather than counting entries.)
    let redacted_sha: String = sha2::Sha256::digest(redacted)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (status, _) = post_multipart(&app, &path, "viewer", body.clone()).await;
    assert_eq!(status, 403);
    let (status, _) = post_multipart(&app, &path, "other_investigator", body.clone()).await;
    assert_eq!(status, 404);
    let entries = log_entries(&app).await;
    assert!(
        !entries.iter().any(|e| e["file_sha256"] == redacted_sha),
        "nothing was logged for a refused redaction"
    );
    let (_, unchanged) = answer(app.get(&format!("/api/v1/evidence/{id}"), Some("admin")).await).await;
    assert_eq!(unchanged["version"], 1);

    let (status, copy) = post_multipart(&app, &path, "investigator", body).await;
    assert_eq!(status, 201, "{copy}");
    assert_eq!(copy["derived_from"], original["id"]);
    assert_eq!(copy["classification"], "public");
    assert_eq!(copy["incident_ids"], json!([inc["id"]]));
    assert_ne!(copy["file"]["sha256"], original["file"]["sha256"]);
    assert_eq!(copy["custody"][0]["action"], "redacted");
    assert_eq!(copy["custody"][0]["related_id"], original["id"]);

    let (_, original_now) = answer(app.get(&format!("/api/v1/evidence/{id}"), Some("investigator")).await).await;
    let chain = original_now["custody"].as_array().unwrap();
    let last = chain.last().unwrap();
    assert_eq!(last["action"], "redacted");
    assert_eq!(last["related_id"], copy["id"]);
    assert_eq!(last["notes"], "names and address removed");
    assert_eq!(
        original_now["classification"], "restricted",
        "the original keeps its classification"
    );

    // The copy's links are its original's, not the uploader's choice.
    let body = multipart(&[
        ("incident_id", None, inc["id"].as_str().unwrap().as_bytes()),
        ("file", Some("x.txt"), b"x"),
    ]);
    let (status, problem) = post_multipart(&app, &path, "investigator", body).await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["incident_ids".to_owned()]),
        "{problem}"
    );
}

#[tokio::test]
async fn publishing_and_withdrawing_are_logged() {
    let app = TestApp::start().await;
    let inc = app.create("/api/v1/incidents", incident("To publish")).await;
    let id = inc["id"].as_str().unwrap();
    let path = format!("/api/v1/incidents/{id}");
    let (status, r) = answer(
        app.patch(
            &path,
            "investigator",
            1,
            &json!({"classification": "public", "published": true}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{r}");
    let (status, _) = answer(app.patch(&path, "investigator", 2, &json!({"title": "Renamed"})).await).await;
    assert_eq!(status, 200);
    let (status, _) = answer(app.patch(&path, "investigator", 3, &json!({"published": false})).await).await;
    assert_eq!(status, 200);
    let publications: Vec<bool> = log_entries(&app)
        .await
        .iter()
        .filter(|e| e["kind"] == "publication" && e["record_id"] == id)
        .map(|e| e["detail"]["published"].as_bool().unwrap())
        .collect();
    assert_eq!(
        publications,
        vec![true, false],
        "one event per change of publication, none for a rename"
    );
}

#[tokio::test]
async fn staff_downloads_of_an_original_are_audited() {
    let app = TestApp::start().await;
    let (_, item) = uploaded(&app, b"Downloaded statement.\n").await;
    let id = item["id"].as_str().unwrap();
    let r = app.get(&format!("/api/v1/evidence/{id}/file"), Some("viewer")).await;
    assert_eq!(r.status(), 200);
    let (_, audit) = answer(app.get("/api/v1/admin/audit?limit=100", Some("admin")).await).await;
    let found = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "evidence_file_downloaded" && e["target"] == format!("evidence:{id}"));
    assert!(found, "{audit}");
}
