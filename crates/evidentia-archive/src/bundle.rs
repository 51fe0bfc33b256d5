//! Evidence bundles: one zip holding an incident's records as the log recorded them, the proof
//! of each against a signed checkpoint, the checkpoint, the public key, every evidence file the
//! records name, and a readable `index.html`. Its layout is described in
//! [`evidentia_log::bundle`]; `evidentia-verify` checks it offline.
//!
//! The export is itself logged: an `export` event naming the incident and the selection is
//! appended first, then a checkpoint of the whole log (that event included) is signed, and every
//! record's latest log entry is proven against that checkpoint. The small entries pass
//! [`evidentia_log::bundle::check`] before anything is written; files are copied from the file
//! store as streams (never whole in memory, stored uncompressed: media files do not shrink) and
//! hashed on the way, so a damaged stored file stops the export. Once the zip is complete, every
//! evidence item in it gets an `exported` entry in its chain of custody naming the bundle's hash.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek, Write};
use std::sync::Arc;

use evidentia_files::FileStore;
use evidentia_log::bundle::{
    self, BundleSource, CHECKPOINT_PATH, Digest256, FORMAT, FileHasher, INDEX_PATH, MANIFEST_PATH, Manifest,
    ManifestCheckpoint, ManifestFile, ManifestRecord, PUBLIC_KEY_PATH, ReadError,
};
use evidentia_log::event::sha256_hex;
use evidentia_log::{Checkpoint, Event, EventKind, Signer, TlogProof, canonical};
use evidentia_model::evidence::{CustodyAction, CustodyEvent};
use evidentia_model::{PartialDate, RecordKind, Viewer};
use evidentia_store::{ListQuery, Sort, Store, StoreError, StoredRecord, record_content};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// Which records an incident's bundle holds, as written into its manifest and its log event.
pub const SELECTION: &str = "the incident; every involvement linked to it (incident_id); every person those \
    involvements name (person_id); every evidence item linked to it (incident_id) with its file; each record at its \
    current version, as far as the exporting account may see it";

/// What to export, for whom, and when.
#[derive(Debug, Clone)]
pub struct BundleRequest {
    pub incident_id: Uuid,
    /// Whose view of the records the bundle holds (the operator's command exports as the system).
    pub viewer: Viewer,
    /// The account exporting, named in the log and the chains of custody.
    pub exported_by: Option<Uuid>,
    pub at: OffsetDateTime,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenBundle {
    /// SHA-256 of the whole zip, as named in the custody entries.
    pub sha256: String,
    pub size: u64,
    pub records: usize,
    pub files: usize,
    pub checkpoint_size: u64,
    pub origin: String,
}

/// Why no bundle was written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The incident does not exist or is hidden from the exporter.
    #[error("there is no incident {0}")]
    NoIncident(Uuid),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record or file is not as the log or its name says: run `evidentia verify`.
    #[error("{0}")]
    Damaged(String),
    /// The bundle's items have files but there is no file store.
    #[error("the bundle's evidence items have files, and there is no file store to read them from")]
    NoFileStore,
    #[error("cannot write the bundle: {0}")]
    Io(String),
}

/// Writes the bundle of `request.incident_id` into `out` (a new, empty file) and syncs it.
pub async fn write_bundle(
    store: &dyn Store,
    files: Option<Arc<FileStore>>,
    signer: &Signer,
    request: &BundleRequest,
    out: std::fs::File,
) -> Result<WrittenBundle, BundleError> {
    let records = select(store, request).await?;
    let listed_files = files_of(&records);
    if !listed_files.is_empty() {
        let file_store = files.as_deref().ok_or(BundleError::NoFileStore)?;
        for f in &listed_files {
            let present = file_store
                .exists(&f.sha256)
                .await
                .map_err(|e| BundleError::Damaged(format!("file {}: {e}", f.sha256)))?;
            if !present {
                return Err(BundleError::Damaged(format!(
                    "evidence {}: its file {} is not in the file store (run `evidentia verify`)",
                    f.record_id, f.sha256
                )));
            }
        }
    }

    let now = request.at.to_offset(UtcOffset::UTC);
    let at = now.format(&Rfc3339).map_err(|e| BundleError::Io(e.to_string()))?;
    let mut event = Event::new(EventKind::Export, at.clone());
    event.by = request.exported_by.map(|u| u.to_string());
    event.detail = json!({
        "incident_id": request.incident_id,
        "selection": SELECTION,
        "records": records.len(),
        "files": listed_files.len(),
    });
    store.append_events(&[event]).await?;
    let (size, note) = evidentia_store::checkpoint::sign_checkpoint(store, signer, now).await?;
    let checkpoint = Checkpoint::open(note.as_bytes(), &[signer.verifier()])
        .map_err(|e| BundleError::Damaged(format!("the checkpoint just signed does not verify: {e}")))?
        .checkpoint;

    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut listed = Vec::new();
    for record in &records {
        let kind = record.kind.as_str();
        let id = record.meta.id.to_string();
        let name = format!("{kind} {id}");
        let content = record_content(record.kind, &record.meta, &record.body);
        let bytes = canonical::to_vec(&content).map_err(|e| BundleError::Damaged(format!("{name}: {e}")))?;
        let content_hash = sha256_hex(&bytes);
        let (index, leaf) = store
            .latest_event_for(record.meta.id)
            .await?
            .ok_or_else(|| BundleError::Damaged(format!("{name} has no log entry; run `evidentia verify`")))?;
        let event = Event::from_leaf_data(&leaf)
            .map_err(|e| BundleError::Damaged(format!("{name}: its log entry #{index}: {e}")))?;
        if index >= size || event.content_hash.as_deref() != Some(content_hash.as_str()) {
            return Err(BundleError::Damaged(format!(
                "{name}: its latest log entry #{index} does not record the version read (it changed during the \
                 export: run it again; if this persists, run `evidentia verify`)"
            )));
        }
        let proof = TlogProof {
            extra: Vec::new(),
            index,
            inclusion: store.inclusion_proof(index, size).await?,
            checkpoint: note.clone(),
        };
        let (record_path, proof_path, leaf_path) = ManifestRecord::paths(kind, &id);
        entries.insert(record_path.clone(), bytes);
        entries.insert(proof_path.clone(), proof.to_text().into_bytes());
        entries.insert(leaf_path.clone(), leaf);
        listed.push(ManifestRecord {
            kind: kind.to_owned(),
            id,
            version: record.meta.version,
            content_hash,
            log_index: index,
            record_path,
            proof_path,
            leaf_path,
        });
    }
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        created_at: at.clone(),
        incident_id: request.incident_id.to_string(),
        selection: SELECTION.to_owned(),
        checkpoint: ManifestCheckpoint {
            origin: checkpoint.origin().to_owned(),
            size,
            root: root_base64(&checkpoint),
        },
        public_key: signer.verifier().to_vkey(),
        records: listed,
        files: listed_files,
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| BundleError::Io(e.to_string()))?;
    manifest_bytes.push(b'\n');
    entries.insert(MANIFEST_PATH.to_owned(), manifest_bytes);
    entries.insert(CHECKPOINT_PATH.to_owned(), note.into_bytes());
    entries.insert(
        PUBLIC_KEY_PATH.to_owned(),
        format!("{}\n", manifest.public_key).into_bytes(),
    );
    entries.insert(INDEX_PATH.to_owned(), index_html(&manifest, &records).into_bytes());

    // The bundle must pass its own check before anyone else sees it; the files' bytes are
    // checked as they are copied.
    let prepared = Prepared {
        entries: &entries,
        files: &manifest.files,
    };
    let report = bundle::check(&prepared, Some(&manifest.public_key));
    if !report.is_ok() {
        let findings: Vec<String> = report.findings().iter().map(ToString::to_string).collect();
        return Err(BundleError::Damaged(format!(
            "the bundle does not pass its own check:\n{}",
            findings.join("\n")
        )));
    }

    let handle = tokio::runtime::Handle::current();
    let to_copy: Vec<(String, String)> = manifest
        .files
        .iter()
        .map(|f| (f.path.clone(), f.sha256.clone()))
        .collect();
    let (sha256, zip_size) = tokio::task::spawn_blocking(move || write_zip(out, &entries, &to_copy, files, &handle))
        .await
        .map_err(|e| BundleError::Io(e.to_string()))??;

    let evidence: Vec<Uuid> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Evidence)
        .map(|r| r.meta.id)
        .collect();
    for id in evidence {
        let entry = CustodyEvent {
            action: CustodyAction::Exported,
            by: None,
            at: PartialDate::Instant(now),
            notes: format!("in evidence bundle sha256:{sha256}"),
            related_id: None,
            recorded_by: request.exported_by,
            recorded_at: PartialDate::Instant(now),
        };
        crate::custody::append(store, id, entry, now).await?;
    }
    Ok(WrittenBundle {
        sha256,
        size: zip_size,
        records: manifest.records.len(),
        files: manifest.files.len(),
        checkpoint_size: size,
        origin: manifest.checkpoint.origin,
    })
}

/// The small entries in memory, the files as the manifest describes them.
struct Prepared<'a> {
    entries: &'a BTreeMap<String, Vec<u8>>,
    files: &'a [ManifestFile],
}

impl BundleSource for Prepared<'_> {
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.entries.keys().cloned().collect();
        names.extend(self.files.iter().map(|f| f.path.clone()));
        names
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        self.entries.read(path)
    }

    fn digest(&self, path: &str) -> Result<Digest256, ReadError> {
        match self.files.iter().find(|f| f.path == path) {
            Some(f) => Ok(Digest256 {
                sha256: f.sha256.clone(),
                size: f.size,
            }),
            None => self.entries.digest(path),
        }
    }
}

/// Feeds what is read through it to a [`FileHasher`].
struct Hashing<R> {
    inner: R,
    hasher: FileHasher,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: FileHasher::new(),
        }
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Writes the zip: small entries deflated, files stored as they are and checked against their
/// names. Answers the zip's SHA-256 and size.
fn write_zip(
    out: std::fs::File,
    entries: &BTreeMap<String, Vec<u8>>,
    files: &[(String, String)],
    file_store: Option<Arc<FileStore>>,
    handle: &tokio::runtime::Handle,
) -> Result<(String, u64), BundleError> {
    let io = |e: std::io::Error| BundleError::Io(e.to_string());
    let zip_err = |e: zip::result::ZipError| BundleError::Io(e.to_string());
    let mut zip = zip::ZipWriter::new(out);
    let small = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), small).map_err(zip_err)?;
        zip.write_all(bytes).map_err(io)?;
    }
    for (path, sha256) in files {
        let store = file_store.as_deref().ok_or(BundleError::NoFileStore)?;
        let reader = handle
            .block_on(store.open(sha256))
            .map_err(|e| BundleError::Damaged(format!("file {sha256}: {e}")))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        zip.start_file(path.as_str(), options).map_err(zip_err)?;
        let mut hashing = Hashing::new(tokio_util::io::SyncIoBridge::new_with_handle(reader, handle.clone()));
        std::io::copy(&mut hashing, &mut zip).map_err(io)?;
        let actual = hashing.hasher.finish().sha256;
        if &actual != sha256 {
            return Err(BundleError::Damaged(format!(
                "file {sha256}: its stored bytes hash to {actual} (run `evidentia verify`)"
            )));
        }
    }
    let mut file = zip.finish().map_err(zip_err)?;
    file.sync_all().map_err(io)?;
    file.rewind().map_err(io)?;
    let mut hashing = Hashing::new(file);
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io)?;
    let digest = hashing.hasher.finish();
    Ok((digest.sha256, digest.size))
}

/// The file every visible evidence item names, once each.
fn files_of(records: &[StoredRecord]) -> Vec<ManifestFile> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in records.iter().filter(|r| r.kind == RecordKind::Evidence) {
        let Some(file) = r.body.get("file") else { continue };
        let Some(sha256) = file.get("sha256").and_then(Value::as_str) else {
            continue;
        };
        if !seen.insert(sha256.to_owned()) {
            continue;
        }
        out.push(ManifestFile {
            path: format!("files/{sha256}"),
            sha256: sha256.to_owned(),
            size: file.get("size").and_then(Value::as_u64).unwrap_or_default(),
            media_type: file.get("media_type").and_then(Value::as_str).map(str::to_owned),
            original_name: file.get("original_name").and_then(Value::as_str).map(str::to_owned),
            record_id: r.meta.id.to_string(),
        });
    }
    out
}

/// The incident and what [`SELECTION`] adds to it, as far as the viewer may see.
async fn select(store: &dyn Store, request: &BundleRequest) -> Result<Vec<StoredRecord>, BundleError> {
    let viewer = &request.viewer;
    let visible = |r: &StoredRecord| viewer.may_read(r.meta.organisation_id, r.meta.classification, r.published);
    let incident_id = request.incident_id;
    let incident = match store.get(RecordKind::Incident, incident_id).await {
        Ok(r) if visible(&r) => r,
        Ok(_) | Err(StoreError::NotFound) => return Err(BundleError::NoIncident(incident_id)),
        Err(e) => return Err(e.into()),
    };
    let involvements = linked(store, viewer, RecordKind::Involvement, incident_id).await?;
    let person_ids: BTreeSet<Uuid> = involvements
        .iter()
        .filter_map(|r| r.body.get("person_id")?.as_str()?.parse().ok())
        .collect();
    let mut persons = Vec::new();
    for id in person_ids {
        match store.get(RecordKind::Person, id).await {
            Ok(p) if visible(&p) => persons.push(p),
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let evidence = linked(store, viewer, RecordKind::Evidence, incident_id).await?;
    let mut records = vec![incident];
    records.extend(involvements);
    records.extend(persons);
    records.extend(evidence);
    Ok(records)
}

/// Every record of `kind` linked to the incident that the viewer may see, oldest first.
async fn linked(
    store: &dyn Store,
    viewer: &Viewer,
    kind: RecordKind,
    incident_id: Uuid,
) -> Result<Vec<StoredRecord>, BundleError> {
    let mut query = ListQuery::new(Some(kind), viewer.clone());
    query.links = vec![("incident_id".to_owned(), incident_id)];
    query.sort = Sort::CreatedAsc;
    query.limit = 1000;
    let mut records = Vec::new();
    loop {
        let page = store.list(&query).await?;
        records.extend(page.items);
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => return Ok(records),
        }
    }
}

fn root_base64(checkpoint: &Checkpoint) -> String {
    // The checkpoint text's third line is the root in canonical base64.
    checkpoint.to_text().lines().nth(2).unwrap_or_default().to_owned()
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn text_at<'a>(body: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(body, |v, key| v.get(key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A record's name in the summary.
fn label(record: &StoredRecord) -> String {
    let b = &record.body;
    match record.kind {
        RecordKind::Incident | RecordKind::Evidence => text_at(b, &["title"]).unwrap_or("(untitled)").to_owned(),
        RecordKind::Person => {
            let parts: Vec<&str> = ["given_name", "patronymic", "family_name"]
                .iter()
                .filter_map(|k| text_at(b, &[k]))
                .collect();
            match (parts.is_empty(), text_at(b, &["name_original"])) {
                (false, Some(original)) => format!("{} ({original})", parts.join(" ")),
                (false, None) => parts.join(" "),
                (true, Some(original)) => original.to_owned(),
                (true, None) => "(unnamed)".to_owned(),
            }
        }
        RecordKind::Involvement => text_at(b, &["role"]).unwrap_or("involvement").replace('_', " "),
        RecordKind::PersonMatch => format!(
            "duplicate persons: {}",
            text_at(b, &["decision"]).unwrap_or("undecided")
        ),
        RecordKind::Recipient => text_at(b, &["name"]).unwrap_or("(unnamed)").to_owned(),
        RecordKind::Communication => text_at(b, &["subject"]).unwrap_or("(untitled)").to_owned(),
        RecordKind::GraveSite => text_at(b, &["name"]).unwrap_or("(unnamed grave site)").to_owned(),
        RecordKind::Remains => text_at(b, &["case_number"]).unwrap_or("(remains)").to_owned(),
        RecordKind::MissingCase => "missing-person case".to_owned(),
        RecordKind::Exhumation => "exhumation".to_owned(),
    }
}

/// The human-readable summary: no scripts, no external resources, every value escaped.
fn index_html(manifest: &Manifest, records: &[StoredRecord]) -> String {
    let incident = records.first().map(|r| &r.body).unwrap_or(&Value::Null);
    let title = text_at(incident, &["title"]).unwrap_or("(untitled incident)");
    let period = match (
        text_at(incident, &["occurred", "from"]),
        text_at(incident, &["occurred", "to"]),
    ) {
        (Some(from), Some(to)) => format!("{from} – {to}"),
        (Some(from), None) => from.to_owned(),
        _ => "unknown".to_owned(),
    };
    let place: Vec<&str> = ["place_name", "admin2", "admin1", "country"]
        .iter()
        .filter_map(|k| text_at(incident, &["location", k]))
        .collect();
    let place = if place.is_empty() {
        "unknown".to_owned()
    } else {
        place.join(", ")
    };

    let mut rows = String::new();
    for (entry, record) in manifest.records.iter().zip(records) {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
            escape(&entry.kind),
            escape(&label(record)),
            escape(&entry.id),
            entry.version,
            escape(&entry.content_hash),
            entry.log_index,
        ));
    }
    let mut files = String::new();
    for file in &manifest.files {
        files.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            escape(file.original_name.as_deref().unwrap_or("")),
            escape(file.media_type.as_deref().unwrap_or("")),
            file.size,
            escape(&file.sha256),
        ));
    }
    let files = if files.is_empty() {
        "<p>This bundle holds no evidence files.</p>".to_owned()
    } else {
        format!("<table>\n<tr><th>file</th><th>type</th><th>bytes</th><th>SHA-256</th></tr>\n{files}</table>")
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Evidence bundle: {title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}td,th{{border:1px solid #999;padding:.2em .4em;text-align:left}}table{{border-collapse:collapse}}code{{word-break:break-all}}</style>
</head>
<body>
<h1>Evidence bundle: {title}</h1>
<p>Incident <code>{incident_id}</code>. Occurred: {period}. Place: {place}.</p>
<p>Made {created_at}. Selection: {selection}.</p>
<h2>Records</h2>
<table>
<tr><th>kind</th><th>name</th><th>id</th><th>version</th><th>content SHA-256</th><th>log entry</th></tr>
{rows}</table>
<h2>Files</h2>
{files}
<h2>Log checkpoint</h2>
<p>Log <code>{origin}</code>, size {size}, root <code>{root}</code>, signed by <code>{key}</code>.</p>
<h2>How to check this bundle</h2>
<p>This page is a summary and proves nothing by itself. To check the bundle, run
<code>evidentia-verify THIS-FILE.zip --key KEY</code>, where KEY is the public key the organisation
publishes for its log (compare it with the key above). The checker says, item by item, whether
each record is the version recorded in the tamper-evident log, whether each proof leads to the
signed checkpoint, and whether each file has the listed SHA-256.</p>
</body>
</html>
"#,
        title = escape(title),
        incident_id = escape(&manifest.incident_id),
        period = escape(&period),
        place = escape(&place),
        created_at = escape(&manifest.created_at),
        selection = escape(&manifest.selection),
        origin = escape(&manifest.checkpoint.origin),
        size = manifest.checkpoint.size,
        root = escape(&manifest.checkpoint.root),
        key = escape(&manifest.public_key),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
