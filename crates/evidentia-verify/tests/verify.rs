//! The checker on zips built here with the log crate: good, tampered and hostile bundles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use evidentia_log::bundle::{
    CHECKPOINT_PATH, FORMAT, MANIFEST_PATH, Manifest, ManifestCheckpoint, ManifestFile, ManifestRecord, PUBLIC_KEY_PATH,
};
use evidentia_log::event::{content_hash, sha256_hex};
use evidentia_log::merkle::{MemoryTree, inclusion_proof, leaf_hash};
use evidentia_log::{Checkpoint, Event, EventKind, Signer, TlogProof, canonical};
use zip::write::SimpleFileOptions;

const ORIGIN: &str = "evidentia.log/verify-test";
const ID: &str = "0190f000-0000-7000-8000-00000000000a";

fn signer(seed: u8) -> Signer {
    Signer::from_seed(ORIGIN, [seed; 32]).unwrap()
}

/// One evidence record, proven in a log of three entries, naming its file, which is itself a zip.
fn entries() -> BTreeMap<String, Vec<u8>> {
    let signer = signer(1);
    let nested = zip_bytes(&BTreeMap::from([("../../etc/passwd".to_owned(), b"x".to_vec())]));
    let nested_sha = sha256_hex(&nested);
    let content = serde_json::json!({"kind": "evidence", "id": ID, "version": 1,
        "body": {"title": "Strike", "file": {"sha256": nested_sha}}});
    let hash = content_hash(&content).unwrap();
    let mut event = Event::new(EventKind::RecordCreated, "2024-05-01T10:00:00Z");
    event.record_kind = Some("evidence".into());
    event.record_id = Some(ID.into());
    event.content_hash = Some(hash.clone());
    let leaf = event.to_leaf_data().unwrap();
    let tree = MemoryTree::from_leaf_hashes([leaf_hash(b"a"), leaf_hash(&leaf), leaf_hash(b"b")]).unwrap();
    let note = Checkpoint::new(ORIGIN, 3, tree.root())
        .unwrap()
        .sign(&[&signer])
        .unwrap();
    let proof = TlogProof {
        extra: Vec::new(),
        index: 1,
        inclusion: inclusion_proof(&tree, 1, 3).unwrap(),
        checkpoint: note.clone(),
    };
    let (record_path, proof_path, leaf_path) = ManifestRecord::paths("evidence", ID);
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: "2024-05-02T00:00:00Z".into(),
        incident_id: ID.into(),
        selection: "the incident".into(),
        checkpoint: ManifestCheckpoint {
            origin: ORIGIN.into(),
            size: 3,
            root: base64(&tree.root()),
        },
        public_key: signer.verifier().to_vkey(),
        records: vec![ManifestRecord {
            kind: "evidence".into(),
            id: ID.into(),
            version: 1,
            content_hash: hash,
            log_index: 1,
            record_path: record_path.clone(),
            proof_path: proof_path.clone(),
            leaf_path: leaf_path.clone(),
        }],
        files: vec![ManifestFile {
            path: format!("files/{nested_sha}"),
            sha256: nested_sha.clone(),
            size: nested.len() as u64,
            media_type: Some("application/zip".into()),
            original_name: Some("archive.zip".into()),
            record_id: ID.into(),
        }],
    };
    BTreeMap::from([
        (MANIFEST_PATH.to_owned(), serde_json::to_vec_pretty(&manifest).unwrap()),
        (CHECKPOINT_PATH.to_owned(), note.into_bytes()),
        (
            PUBLIC_KEY_PATH.to_owned(),
            format!("{}\n", signer.verifier().to_vkey()).into_bytes(),
        ),
        (record_path, canonical::to_vec(&content).unwrap()),
        (proof_path, proof.to_text().into_bytes()),
        (leaf_path, leaf),
        (format!("files/{nested_sha}"), nested),
    ])
}

fn base64(hash: &[u8; 32]) -> String {
    // The checkpoint's third line is the root in base64.
    let text = Checkpoint::new("o", 1, *hash).unwrap().to_text();
    text.lines().nth(2).unwrap().to_owned()
}

fn zip_bytes(entries: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer.start_file(name.as_str(), SimpleFileOptions::default()).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn verify(dir: &Path, entries: &BTreeMap<String, Vec<u8>>, extra: &[&str]) -> (u8, String, String) {
    let path = dir.join("bundle.zip");
    std::fs::write(&path, zip_bytes(entries)).unwrap();
    let mut args = vec!["evidentia-verify", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = evidentia_verify::run(args, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn a_good_bundle_holds_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let key = signer(1).verifier().to_vkey();
    let (code, out, err) = verify(dir.path(), &entries(), &["--key", &key]);
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first(), Some(&"ok    manifest.json"));
    assert!(lines.contains(&format!("ok    record evidence {ID}").as_str()), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("ok    file files/")), "{out}");
    assert_eq!(lines.last(), Some(&"5 items checked: all hold"));
}

#[test]
fn tampering_fails_with_the_item_named() {
    let dir = tempfile::tempdir().unwrap();
    let (record_path, _, _) = ManifestRecord::paths("evidence", ID);
    let mut e = entries();
    let record = e.get_mut(&record_path).unwrap();
    let at = record.windows(6).position(|w| w == b"Strike").unwrap();
    record[at] = b's';
    let (code, out, _) = verify(dir.path(), &e, &[]);
    assert_eq!(code, 1, "{out}");
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    // The changed record, and the file it no longer vouches for.
    assert_eq!(fails.len(), 2, "{out}");
    assert!(
        fails[0].starts_with(&format!("FAIL  record evidence {ID}: {record_path} hashes to ")),
        "{out}"
    );
    assert!(
        fails[1].contains(&format!(
            "evidence record {ID} is not in the bundle or does not name this file"
        )),
        "{out}"
    );
    assert!(out.ends_with("5 items checked: 2 do not hold\n"), "{out}");

    let other = signer(2).verifier().to_vkey();
    let (code, out, _) = verify(dir.path(), &entries(), &["--key", &other]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "FAIL  public key: the bundle is signed by {}, not by the key you trust ({other})",
            signer(1).verifier().to_vkey()
        )),
        "{out}"
    );
}

#[test]
fn usage_errors_and_unreadable_zips_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = verify(dir.path(), &entries(), &["--key", "not a key"]);
    assert_eq!(code, 2);
    assert!(err.contains("--key is not a verifier key"), "{err}");

    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(evidentia_verify::run(["evidentia-verify"], &mut out, &mut err), 2);
    let missing = dir.path().join("missing.zip");
    let code = evidentia_verify::run(["evidentia-verify", missing.to_str().unwrap()], &mut out, &mut err);
    assert_eq!(code, 2);
    let not_zip = dir.path().join("not.zip");
    std::fs::write(&not_zip, b"PK\x03\x04 but not really").unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = evidentia_verify::run(["evidentia-verify", not_zip.to_str().unwrap()], &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(String::from_utf8(err).unwrap().contains("not a readable zip"));
}

#[test]
fn hostile_zips_are_refused_or_bounded() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["../escape", "/abs", "a\\b", "records/../../x"] {
        let mut e = entries();
        e.insert(name.into(), b"x".to_vec());
        let (code, _, err) = verify(dir.path(), &e, &[]);
        assert_eq!(code, 2, "{name}");
        assert!(err.contains("refused: unsafe entry name"), "{err}");
    }

    // A manifest past the text limit is not read into memory.
    let mut e = entries();
    let big = vec![b' '; usize::try_from(evidentia_verify::MAX_TEXT_BYTES).unwrap() + 1];
    e.insert(MANIFEST_PATH.into(), big);
    let (code, out, _) = verify(dir.path(), &e, &[]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("FAIL  manifest.json: manifest.json is larger than the 16777216 bytes accepted"),
        "{out}"
    );

    // An entry nobody vouches for.
    let mut e = entries();
    e.insert("files/unlisted".into(), b"?".to_vec());
    let (code, out, _) = verify(dir.path(), &e, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("FAIL  entry files/unlisted: is not listed in the manifest"),
        "{out}"
    );
}

#[test]
fn too_many_entries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..=evidentia_verify::MAX_ENTRIES {
        writer.start_file(format!("e{i}"), stored).unwrap();
    }
    writer.finish().unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = evidentia_verify::run(["evidentia-verify", path.to_str().unwrap()], &mut out, &mut err);
    assert_eq!(code, 2);
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("refused: 100001 entries, more than 100000"), "{err}");
}
