//! Evidence bundles over HTTP: what the caller may see, files included, checked by the standalone
//! checker, and recorded in each exported item's chain of custody.

use std::io::{Cursor, Read};

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::{TestApp, answer, incident};

const BOUNDARY: &str = "bundle-test-boundary";

async fn upload(app: &TestApp, who: &str, incident_id: &str, classification: &str, bytes: &[u8]) -> Value {
    let mut body = Vec::new();
    for (name, value) in [("classification", classification), ("incident_id", incident_id)] {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n\r\n").bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    let r = app
        .request(Method::POST, "/api/v1/evidence", Some(who))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, item) = answer(r).await;
    assert_eq!(status, 201, "{item}");
    item
}

async fn export(app: &TestApp, who: &str, incident_id: &str) -> (u16, Vec<u8>, Option<String>) {
    let r = app
        .post("/api/v1/bundles", who, &json!({"incident_id": incident_id}))
        .await;
    let status = r.status().as_u16();
    let sha = r
        .headers()
        .get("x-evidentia-bundle-sha256")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, r.bytes().await.unwrap().to_vec(), sha)
}

fn entries(zip: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    archive.file_names().map(str::to_owned).collect()
}

fn check(zip: &[u8], key: &str) -> (u8, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.zip");
    std::fs::write(&path, zip).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = evidentia_verify::run(
        ["evidentia-verify", path.to_str().unwrap(), "--key", key],
        &mut out,
        &mut err,
    );
    (
        code,
        format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err)),
    )
}

#[tokio::test]
async fn a_bundle_holds_what_the_exporter_may_see_with_files_and_checks_offline() {
    let app = TestApp::start().await;
    let inc = app.create("/api/v1/incidents", incident("Bundled")).await;
    let inc_id = inc["id"].as_str().unwrap();
    let shared = upload(
        &app,
        "investigator",
        inc_id,
        "internal",
        b"a photo everyone signed in may see",
    )
    .await;
    let own = upload(
        &app,
        "investigator",
        inc_id,
        "restricted",
        b"a statement for the office only",
    )
    .await;
    let key = app.get("/api/v1/log/public-key", None).await.text().await.unwrap();

    let (status, zip, sha) = export(&app, "investigator", inc_id).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    let names = entries(&zip);
    for item in [&shared, &own] {
        let file = format!("files/{}", item["file"]["sha256"].as_str().unwrap());
        assert!(names.contains(&file), "{file} in {names:?}");
    }
    let (code, report) = check(&zip, key.trim());
    assert_eq!(code, 0, "{report}");
    let sha = sha.unwrap();
    assert_eq!(
        sha,
        Sha256::digest(&zip)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );

    // Each exported item's chain of custody names the bundle.
    let (_, now) = answer(
        app.get(
            &format!("/api/v1/evidence/{}", own["id"].as_str().unwrap()),
            Some("investigator"),
        )
        .await,
    )
    .await;
    let last = now["custody"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "exported");
    assert!(last["notes"].as_str().unwrap().contains(&sha), "{last}");

    // Another organisation's investigator gets the bundle without the restricted item or its file.
    let (status, zip, _) = export(&app, "other_investigator", inc_id).await;
    assert_eq!(status, 200);
    let names = entries(&zip);
    assert!(
        !names.iter().any(|n| n.contains(own["id"].as_str().unwrap())),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains(own["file"]["sha256"].as_str().unwrap()))
    );
    assert!(names.iter().any(|n| n.contains(shared["id"].as_str().unwrap())));
    let mut manifest = String::new();
    zip::ZipArchive::new(Cursor::new(&zip))
        .unwrap()
        .by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    assert!(!manifest.contains("office only"));
    assert_eq!(check(&zip, key.trim()).0, 0);

    // Tampering with a file in the bundle is named by the checker.
    let (_, zip, _) = export(&app, "investigator", inc_id).await;
    let tampered = {
        let mut archive = zip::ZipArchive::new(Cursor::new(&zip)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            let name = f.name().to_owned();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name.starts_with("files/") && bytes.starts_with(b"a statement") {
                bytes[0] ^= 1;
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut out, &bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    let (code, report) = check(&tampered, key.trim());
    assert_eq!(code, 1);
    assert!(report.contains(own["file"]["sha256"].as_str().unwrap()), "{report}");

    // Those who may not export, and incidents they may not see.
    let (status, _, _) = export(&app, "analyst", inc_id).await;
    assert_eq!(status, 403);
    let hidden = app
        .create("/api/v1/incidents", {
            let mut b = incident("Hidden");
            b["classification"] = json!("restricted");
            b
        })
        .await;
    let (status, _, _) = export(&app, "other_investigator", hidden["id"].as_str().unwrap()).await;
    assert_eq!(status, 404);
}
