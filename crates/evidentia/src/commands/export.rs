//! `evidentia export bundle --incident ID --out FILE.zip`: an evidence bundle for one incident.
//!
//! The export is itself logged: an `export` event naming the incident and the selection is
//! appended first, then a checkpoint of the whole log (that event included) is signed, and every
//! record's latest log entry is proven against that checkpoint. The bundle is checked with
//! [`evidentia_log::bundle::check`] before it is written, then written as temp file → fsync →
//! rename → fsync of the directory. Its layout is described in [`evidentia_log::bundle`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use evidentia_log::bundle::{
    self, CHECKPOINT_PATH, FORMAT, INDEX_PATH, MANIFEST_PATH, Manifest, ManifestCheckpoint, ManifestRecord,
    PUBLIC_KEY_PATH,
};
use evidentia_log::event::sha256_hex;
use evidentia_log::{Checkpoint, Event, EventKind, TlogProof, canonical};
use evidentia_model::{Clock, RecordKind, Viewer};
use evidentia_store::{ListQuery, Sort, Store, StoreError, StoredRecord, record_content};
use serde_json::{Value, json};
use time::UtcOffset;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::cli::Failure;
use crate::config::Config;

/// Which records an incident's bundle holds, as written into its manifest and its log event.
pub const SELECTION: &str = "the incident; every involvement linked to it (incident_id); every person those \
    involvements name (person_id); every evidence item linked to it (incident_id); each record at its current \
    version, whatever its classification or organisation (an operator's export)";

pub async fn bundle(config: &Config, clock: &dyn Clock, incident_id: Uuid, out: &Path) -> Result<(), Failure> {
    // Refuse a bad destination before anything is logged.
    let (dir, _) = destination(out)?;
    if !dir.is_dir() {
        return Err(Failure::input(anyhow!(
            "--out {}: {} is not a directory",
            out.display(),
            dir.display()
        )));
    }
    let store = super::open_store(config).await?;
    let signer = crate::keys::load_or_create(&config.data)?;
    let records = select(store.as_ref(), incident_id).await?;

    let now = clock.now().to_offset(UtcOffset::UTC);
    let at = now.format(&Rfc3339).context("cannot format the time")?;
    let mut event = Event::new(EventKind::Export, at.clone());
    event.detail = json!({"incident_id": incident_id, "selection": SELECTION, "records": records.len()});
    store.append_events(&[event]).await?;
    let (size, note) = evidentia_server::api::log::sign_checkpoint(store.as_ref(), &signer, now)
        .await
        .map_err(|e| anyhow!("cannot sign a checkpoint of the log: {e}"))?;
    let checkpoint = Checkpoint::open(note.as_bytes(), &[signer.verifier()])
        .map_err(|e| anyhow!("the checkpoint just signed does not verify: {e}"))?
        .checkpoint;

    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut listed = Vec::new();
    for record in &records {
        let kind = record.kind.as_str();
        let id = record.meta.id.to_string();
        let name = format!("{kind} {id}");
        let content = record_content(record.kind, &record.meta, &record.body);
        let bytes = canonical::to_vec(&content).map_err(|e| anyhow!("{name}: {e}"))?;
        let content_hash = sha256_hex(&bytes);
        let (index, leaf) = store
            .latest_event_for(record.meta.id)
            .await?
            .ok_or_else(|| anyhow!("{name} has no log entry; run `evidentia verify`"))?;
        let event = Event::from_leaf_data(&leaf).map_err(|e| anyhow!("{name}: its log entry #{index}: {e}"))?;
        if index >= size || event.content_hash.as_deref() != Some(content_hash.as_str()) {
            return Err(anyhow!(
                "{name}: its latest log entry #{index} does not record the version read (it changed during the \
                 export: run it again; if this persists, run `evidentia verify`)"
            )
            .into());
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
        created_at: at,
        incident_id: incident_id.to_string(),
        selection: SELECTION.to_owned(),
        checkpoint: ManifestCheckpoint {
            origin: checkpoint.origin().to_owned(),
            size,
            root: root_base64(&checkpoint),
        },
        public_key: signer.verifier().to_vkey(),
        records: listed,
        // Evidence files join the bundle once the file store holds them.
        files: Vec::new(),
    };
    entries.insert(MANIFEST_PATH.to_owned(), pretty(&manifest)?);
    entries.insert(CHECKPOINT_PATH.to_owned(), note.into_bytes());
    entries.insert(
        PUBLIC_KEY_PATH.to_owned(),
        format!("{}\n", manifest.public_key).into_bytes(),
    );
    entries.insert(INDEX_PATH.to_owned(), index_html(&manifest, &records).into_bytes());

    // The bundle must pass its own check before anyone else sees it.
    let report = bundle::check(&entries, Some(&manifest.public_key));
    if !report.is_ok() {
        let findings: Vec<String> = report.findings().iter().map(ToString::to_string).collect();
        return Err(anyhow!("the bundle does not pass its own check:\n{}", findings.join("\n")).into());
    }
    write_zip(out, &entries)?;
    eprintln!(
        "wrote {} ({} records, against checkpoint {} of {})",
        out.display(),
        manifest.records.len(),
        size,
        manifest.checkpoint.origin
    );
    Ok(())
}

/// The incident and what [`SELECTION`] adds to it.
async fn select(store: &dyn Store, incident_id: Uuid) -> Result<Vec<StoredRecord>, Failure> {
    let incident = match store.get(RecordKind::Incident, incident_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => {
            return Err(Failure::input(anyhow!("there is no incident {incident_id}")));
        }
        Err(e) => return Err(e.into()),
    };
    let involvements = linked(store, RecordKind::Involvement, incident_id).await?;
    let person_ids: BTreeSet<Uuid> = involvements
        .iter()
        .filter_map(|r| r.body.get("person_id")?.as_str()?.parse().ok())
        .collect();
    let mut persons = Vec::new();
    for id in person_ids {
        match store.get(RecordKind::Person, id).await {
            Ok(p) => persons.push(p),
            Err(StoreError::NotFound) => eprintln!("warning: an involvement names person {id}, who does not exist"),
            Err(e) => return Err(e.into()),
        }
    }
    let evidence = linked(store, RecordKind::Evidence, incident_id).await?;
    let mut records = vec![incident];
    records.extend(involvements);
    records.extend(persons);
    records.extend(evidence);
    Ok(records)
}

/// Every record of `kind` linked to the incident, oldest first.
async fn linked(store: &dyn Store, kind: RecordKind, incident_id: Uuid) -> Result<Vec<StoredRecord>, Failure> {
    let mut query = ListQuery::new(Some(kind), Viewer::System);
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

fn pretty(manifest: &Manifest) -> Result<Vec<u8>, Failure> {
    let mut bytes = serde_json::to_vec_pretty(manifest).context("cannot write the manifest")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The directory and file name of `out`.
fn destination(out: &Path) -> Result<(PathBuf, String), Failure> {
    let file_name = out
        .file_name()
        .ok_or_else(|| Failure::input(anyhow!("--out {} names no file", out.display())))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, file_name.to_string_lossy().into_owned()))
}

/// Writes the zip next to `out`, then puts it in place: a reader never sees half a bundle.
fn write_zip(out: &Path, entries: &BTreeMap<String, Vec<u8>>) -> Result<(), Failure> {
    let (dir, file_name) = destination(out)?;
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    let written = (|| -> anyhow::Result<()> {
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        let file = zip.finish()?;
        file.sync_all()?;
        std::fs::rename(&tmp, out)?;
        std::fs::File::open(&dir).and_then(|d| d.sync_all())?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!("cannot write {}: {e}", out.display()).into());
    }
    Ok(())
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
