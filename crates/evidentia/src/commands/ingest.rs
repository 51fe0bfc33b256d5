//! `evidentia ingest PATH... [--incident ID]`: stores files and folders in the content-addressed
//! file store and describes each as an evidence item, with the metadata found in it. Re-running
//! skips what is stored already, so an interrupted ingest is simply run again.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use evidentia_files::FileStore;
use evidentia_log::{Event, EventKind};
use evidentia_model::evidence::{CustodyAction, CustodyEvent};
use evidentia_model::{Classification, Clock, Evidence, Meta, PartialDate, RecordBody, RecordKind, Viewer};
use evidentia_store::{ListQuery, NewRecord, Store, StoreError};
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::cli::Failure;
use crate::config::Config;

/// Largest file ingested.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// What `ingest` takes from the command line.
pub struct Ingest {
    pub paths: Vec<PathBuf>,
    pub incident: Option<Uuid>,
    pub organisation: Option<String>,
    pub classification: Classification,
}

/// The configured file store (default: `DATA/files`).
pub async fn file_store(config: &Config) -> Result<FileStore, Failure> {
    let location = config
        .files
        .clone()
        .unwrap_or_else(|| config.data.join("files").display().to_string());
    FileStore::from_location(&location)
        .await
        .map_err(|e| anyhow!("file store {location}: {e}").into())
}

/// Regular files under `paths`, in a stable order; symbolic links are not followed.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        let meta =
            std::fs::symlink_metadata(&p).map_err(|e| Failure::input(anyhow!("cannot read {}: {e}", p.display())))?;
        if meta.is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&p)
                .with_context(|| format!("cannot list {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            children.sort();
            stack.extend(children.into_iter().rev());
        } else if meta.is_file() {
            out.push(p);
        }
    }
    Ok(out)
}

async fn already_described(store: &dyn Store, sha256: &str) -> Result<bool, Failure> {
    let q = ListQuery {
        terms: vec![format!("sha256:{sha256}")],
        limit: 1,
        ..ListQuery::new(Some(RecordKind::Evidence), Viewer::System)
    };
    Ok(!store.list(&q).await?.items.is_empty())
}

/// Files stored and described at once: their fsyncs overlap and picture decoding uses every core.
const IN_FLIGHT: usize = 4;
/// Items written to the store per transaction (with their log entries).
const BATCH: usize = 256;

/// A file stored and described, waiting to be written as an evidence item.
struct Described {
    put: evidentia_files::StoredFile,
    facts: evidentia_server::api::upload::FileFacts,
    path: PathBuf,
}

/// Stores one file and describes it; `None` when an item already describes it.
async fn store_and_describe(
    store: &dyn Store,
    file_store: &FileStore,
    bar: &indicatif::ProgressBar,
    path: PathBuf,
) -> Result<Option<Described>, Failure> {
    let file = tokio::fs::File::open(&path)
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let put = file_store
        .put(bar.wrap_async_read(file), MAX_FILE_BYTES)
        .await
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    if already_described(store, &put.sha256).await? {
        return Ok(None);
    }
    let original_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let facts = evidentia_server::api::upload::describe_file(file_store, &put, None, original_name.as_deref())
        .await
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(Some(Described { put, facts, path }))
}

/// Writes described files as evidence items, with their ingest events, in one transaction each.
async fn write_batch(
    store: &dyn Store,
    clock: &dyn Clock,
    args: &Ingest,
    organisation_id: Uuid,
    batch: Vec<Described>,
) -> Result<(), Failure> {
    let mut events = Vec::with_capacity(batch.len());
    let mut records = Vec::with_capacity(batch.len());
    for Described { put, facts, path } in batch {
        let now = clock.now();
        let body = Evidence {
            kind: facts.kind,
            title: facts.file.original_name.clone().unwrap_or_default(),
            description: String::new(),
            file: Some(facts.file.clone()),
            captured_at: facts.captured_at,
            captured_location: None,
            collected_by: None,
            collected_at: None,
            acquisition: Some("direct_upload".into()),
            source: Some(format!("evidentia ingest {}", path.display())),
            reliability: None,
            incident_ids: args.incident.into_iter().collect(),
            person_ids: Vec::new(),
            derived_from: None,
            perceptual_hash: facts.perceptual_hash,
            thumbnail_sha256: facts.thumbnail_sha256,
            extracted_metadata: Some(facts.extracted_metadata),
            custody: vec![CustodyEvent {
                action: CustodyAction::Received,
                by: None,
                at: PartialDate::Instant(now),
                notes: format!("ingested from {}", path.display()),
                related_id: None,
                recorded_by: None,
                recorded_at: PartialDate::Instant(now),
            }],
            verifications: Vec::new(),
            published: false,
        };
        let meta = Meta {
            id: clock.new_id(),
            organisation_id,
            classification: args.classification,
            created_at: now,
            created_by: Uuid::nil(),
            updated_at: now,
            updated_by: Uuid::nil(),
            version: 1,
        };
        let mut ingested = Event::new(EventKind::FileIngested, now.format(&Rfc3339).map_err(|e| anyhow!(e))?);
        ingested.file_sha256 = Some(put.sha256.clone());
        ingested.detail = serde_json::json!({
            "size": put.size,
            "blake3": put.blake3,
            "media_type": facts.file.media_type,
            "evidence_id": meta.id,
        });
        events.push(ingested);
        records.push(NewRecord {
            kind: RecordKind::Evidence,
            meta,
            index: body.index(),
            body: serde_json::to_value(&body).map_err(|e| anyhow!(e))?,
        });
    }
    // The ingest events first: a crash in between leaves files logged but undescribed, which the
    // next run describes; never an item whose file's ingest is not in the log.
    store.append_events(&events).await?;
    store.insert(records).await?;
    Ok(())
}

#[allow(clippy::print_stdout)] // the product of this command
pub async fn run(config: &Config, clock: &dyn Clock, args: Ingest) -> Result<(), Failure> {
    use futures_util::StreamExt;

    let files = collect(&args.paths)?;
    let store = super::open_store(config).await?;
    let file_store = file_store(config).await?;
    let organisation_id = crate::accounts::organisation(store.as_ref(), args.organisation.as_deref())
        .await?
        .id;
    if let Some(id) = args.incident {
        match store.get(RecordKind::Incident, id).await {
            Err(StoreError::NotFound) => return Err(Failure::input(anyhow!("there is no incident {id}"))),
            other => drop(other?),
        }
    }
    // Progress by bytes, so that one large video moves the bar as much as many photos.
    let total: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {pos}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let (mut stored, mut skipped) = (0u64, 0u64);
    let mut seen = std::collections::HashSet::new();
    let mut pending = Vec::with_capacity(BATCH);
    let mut described = futures_util::stream::iter(files)
        .map(|path| store_and_describe(store.as_ref(), &file_store, &bar, path))
        .buffered(IN_FLIGHT);
    while let Some(next) = described.next().await {
        match next? {
            // The same bytes twice in one run are one item.
            Some(d) if seen.insert(d.put.sha256.clone()) => pending.push(d),
            _ => skipped += 1,
        }
        if pending.len() == BATCH {
            stored += pending.len() as u64;
            write_batch(
                store.as_ref(),
                clock,
                &args,
                organisation_id,
                std::mem::take(&mut pending),
            )
            .await?;
        }
    }
    stored += pending.len() as u64;
    write_batch(store.as_ref(), clock, &args, organisation_id, pending).await?;
    bar.finish_and_clear();
    println!("{stored} files stored and described, {skipped} already stored");
    Ok(())
}

/// Re-hashes every stored file; names those whose bytes no longer match their name.
pub async fn verify_files(file_store: &FileStore, problems: &mut Vec<String>) -> Result<u64, Failure> {
    use futures_util::StreamExt;
    let mut names = file_store.list();
    let mut checked = 0;
    while let Some(name) = names.next().await {
        let name = match name {
            Ok(n) => n,
            Err(e) => {
                problems.push(format!("file store: {e}"));
                continue;
            }
        };
        checked += 1;
        match file_store.verify(&name).await {
            Ok(v) if v.ok => {}
            Ok(v) => problems.push(format!("file {name}: its bytes hash to {}", v.actual_sha256)),
            Err(e) => problems.push(format!("file {name}: {e}")),
        }
    }
    Ok(checked)
}

/// Names evidence items whose file or thumbnail is not in the file store.
pub async fn verify_evidence_files(
    store: &dyn Store,
    file_store: &FileStore,
    problems: &mut Vec<String>,
) -> Result<(), Failure> {
    let mut q = ListQuery::new(Some(RecordKind::Evidence), Viewer::System);
    q.limit = 1000;
    loop {
        let page = store.list(&q).await?;
        for r in &page.items {
            for (what, sha) in [
                ("file", &r.body["file"]["sha256"]),
                ("thumbnail", &r.body["thumbnail_sha256"]),
            ] {
                let Some(sha) = sha.as_str() else { continue };
                match file_store.exists(sha).await {
                    Ok(true) => {}
                    Ok(false) => problems.push(format!(
                        "record evidence:{}: its {what} {sha} is not in the file store",
                        r.meta.id
                    )),
                    Err(e) => problems.push(format!("record evidence:{}: its {what} {sha}: {e}", r.meta.id)),
                }
            }
        }
        match page.next {
            Some(c) => q.after = Some(c),
            None => return Ok(()),
        }
    }
}
