//! The tamper-evident log over HTTP: every write is an entry, checkpoints are signed and
//! consistent, proofs verify with the published key, and entries are shown only to those who may
//! see what they name.

use evidentia_log::merkle::{Hash, verify_consistency, verify_inclusion};
use evidentia_log::{Checkpoint, Event, Verifier};
use serde_json::{Value, json};

use crate::app::{TestApp, answer, incident};

fn hash(b64: &str) -> Hash {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
        .try_into()
        .unwrap()
}

async fn text(app: &TestApp, path: &str) -> String {
    let r = app.get(path, None).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

async fn signed_checkpoint(app: &TestApp, key: &Verifier) -> Checkpoint {
    let note = text(app, "/api/v1/log/checkpoint").await;
    Checkpoint::open(note.as_bytes(), std::slice::from_ref(key))
        .expect("the checkpoint verifies with the published key")
        .checkpoint
}

/// The index and event of every entry naming `id`, as the admin sees them.
async fn entries_for(app: &TestApp, size: u64, id: &str) -> Vec<(u64, Event, Vec<u8>)> {
    let mut out = Vec::new();
    for i in 0..size {
        let r = app.get(&format!("/api/v1/log/entries/{i}"), Some("admin")).await;
        if r.status() != 200 {
            continue;
        }
        let data = r.bytes().await.unwrap().to_vec();
        let event = Event::from_leaf_data(&data).unwrap();
        if event.record_id.as_deref() == Some(id) {
            out.push((i, event, data));
        }
    }
    out
}

#[tokio::test]
async fn writes_are_logged_and_proven_against_signed_checkpoints() {
    let app = TestApp::start().await;
    let key = Verifier::from_vkey(text(&app, "/api/v1/log/public-key").await.trim()).unwrap();
    let created = app.create("/api/v1/incidents", incident("Logged")).await;
    let id = created["id"].as_str().unwrap();
    let first = signed_checkpoint(&app, &key).await;

    let path = format!("/api/v1/incidents/{id}");
    let (status, _) = answer(
        app.patch(&path, "investigator", 1, &json!({"status": "verified"}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let second = signed_checkpoint(&app, &key).await;
    assert!(second.size() > first.size());

    let entries = entries_for(&app, second.size(), id).await;
    let kinds: Vec<String> = entries
        .iter()
        .map(|(_, e, _)| serde_json::to_value(e.kind).unwrap().as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["record_created", "record_changed"]);
    assert_eq!(
        entries[1].1.previous_hash, entries[0].1.content_hash,
        "a change names the content it replaces"
    );

    for (index, _, data) in &entries {
        let (status, p) = answer(
            app.get(
                &format!("/api/v1/log/inclusion?index={index}&size={}", second.size()),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{p}");
        let proof: Vec<Hash> = p["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hash(h.as_str().unwrap()))
            .collect();
        let leaf = evidentia_log::merkle::leaf_hash(data);
        verify_inclusion(&leaf, *index, second.size(), &proof, second.root()).expect("inclusion proof verifies");
        let mut forged = leaf;
        forged[0] ^= 1;
        assert!(verify_inclusion(&forged, *index, second.size(), &proof, second.root()).is_err());
    }

    let (status, c) = answer(
        app.get(
            &format!("/api/v1/log/consistency?from={}&to={}", first.size(), second.size()),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let proof: Vec<Hash> = c["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hash(h.as_str().unwrap()))
        .collect();
    verify_consistency(first.size(), second.size(), first.root(), second.root(), &proof).expect("consistent");

    for (path, field) in [
        (format!("/api/v1/log/inclusion?index={}", second.size() + 100), "index"),
        (
            format!("/api/v1/log/inclusion?index=0&size={}", second.size() + 1_000_000),
            "size",
        ),
        ("/api/v1/log/inclusion".to_owned(), "index"),
        ("/api/v1/log/consistency?from=x".to_owned(), "from"),
        ("/api/v1/log/inclusion?index=0&bogus=1".to_owned(), "bogus"),
    ] {
        let (status, problem) = answer(app.get(&path, None).await).await;
        assert_eq!(status, 400, "{path}: {problem}");
        assert_eq!(crate::app::fields(&problem), [field], "{path}");
    }
}

#[tokio::test]
async fn entries_are_shown_only_to_those_who_may_see_their_record() {
    let app = TestApp::start().await;
    let mut body = incident("Confidential logged");
    body["classification"] = json!("confidential");
    let created = app.create("/api/v1/incidents", body).await;
    let id = created["id"].as_str().unwrap();
    let key = Verifier::from_vkey(text(&app, "/api/v1/log/public-key").await.trim()).unwrap();
    let size = signed_checkpoint(&app, &key).await.size();
    let entries = entries_for(&app, size, id).await;
    assert_eq!(entries.len(), 1);
    let path = format!("/api/v1/log/entries/{}", entries[0].0);
    for (who, expected) in [
        (Some("admin"), 200),
        (Some("investigator"), 200),
        (Some("viewer"), 404),
        (Some("outsider"), 404),
        (Some("other_investigator"), 404),
        (None, 404),
    ] {
        assert_eq!(app.get(&path, who).await.status(), expected, "{who:?}");
    }
    let (_, v): (u16, Value) = answer(app.get(&path, Some("investigator")).await).await;
    assert_eq!(v["record_id"], id);
}
