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

fn picture(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb(pixel(x, y)));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn pictures_get_thumbnails_and_find_their_look_alikes() {
    let app = TestApp::start().await;
    let gradient = |w: u32, h: u32| move |x: u32, y: u32| [(x * 255 / w) as u8, (y * 255 / h) as u8, 90];
    let original = picture(96, 64, gradient(96, 64));
    let smaller = picture(48, 32, gradient(48, 32));
    let other = picture(96, 64, |x, y| {
        if (x / 8 + y / 8) % 2 == 0 {
            [250, 250, 250]
        } else {
            [5, 5, 5]
        }
    });
    let mut ids = Vec::new();
    for (name, bytes) in [("a.png", &original), ("b.png", &smaller), ("c.png", &other)] {
        let (status, created) = upload(&app, Some("investigator"), multipart(&[("file", Some(name), bytes)])).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["kind"], "photo");
        assert_eq!(created["file"]["media_type"], "image/png");
        assert_eq!(created["perceptual_hash"].as_str().unwrap().len(), 16);
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let r = app
        .get(&format!("/api/v1/evidence/{}/thumbnail", ids[0]), Some("viewer"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let thumb = r.bytes().await.unwrap();
    assert_eq!(&thumb[..2], &[0xFF, 0xD8], "a JPEG");

    let (status, similar) = answer(
        app.get(&format!("/api/v1/evidence/{}/similar", ids[0]), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{similar}");
    let found: Vec<&str> = similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        [ids[1].as_str()],
        "the resized copy looks alike; the checkerboard does not"
    );
    assert!(similar["items"][0]["distance"].as_u64().unwrap() <= 10);
    let (status, everything) = answer(
        app.get(
            &format!("/api/v1/evidence/{}/similar?max_distance=32", ids[0]),
            Some("viewer"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(everything["items"].as_array().unwrap().len() >= found.len());
    for bad in ["max_distance=65", "max_distance=x", "nearest=1"] {
        let (status, _) = answer(
            app.get(&format!("/api/v1/evidence/{}/similar?{bad}", ids[0]), Some("viewer"))
                .await,
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
    assert_eq!(
        app.get(&format!("/api/v1/evidence/{}/thumbnail", ids[0]), None)
            .await
            .status(),
        404
    );
}
