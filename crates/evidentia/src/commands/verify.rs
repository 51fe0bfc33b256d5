//! `evidentia verify`: the full integrity check. Every record's current content is compared with
//! its latest log entry, the whole tree is recomputed from the leaves and compared with what the
//! store serves proofs from, and every stored checkpoint's signature and root are checked. Each
//! mismatch is printed (what, where, how it differs); the command exits 1 if there is any.

use anyhow::anyhow;
use evidentia_log::merkle::Frontier;
use evidentia_log::{Checkpoint, Event};
use evidentia_model::Viewer;
use evidentia_store::{ListQuery, Sort, Store, record_content};

use crate::cli::Failure;
use crate::config::Config;

const PAGE: u32 = 1000;

/// What `verify` found wrong.
#[derive(Debug, Default)]
pub struct Findings {
    pub problems: Vec<String>,
    pub records: u64,
    pub leaves: u64,
    pub checkpoints: u64,
    pub files: u64,
}

impl Findings {
    fn add(&mut self, problem: String) {
        self.problems.push(problem);
    }
}

fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks every record against its latest log entry.
async fn records(store: &dyn Store, f: &mut Findings) -> Result<(), Failure> {
    let mut q = ListQuery::new(None, Viewer::System);
    q.sort = Sort::CreatedAsc;
    q.limit = PAGE;
    loop {
        let page = store.list(&q).await?;
        for r in &page.items {
            f.records += 1;
            let name = format!("record {}:{}", r.kind.as_str(), r.meta.id);
            let content = record_content(r.kind, &r.meta, &r.body);
            let actual = evidentia_log::event::content_hash(&content).map_err(|e| anyhow!("{name}: {e}"))?;
            match store.latest_event_for(r.meta.id).await? {
                None => f.add(format!("{name} (version {}): has no log entry", r.meta.version)),
                Some((index, data)) => match Event::from_leaf_data(&data) {
                    Err(e) => f.add(format!("{name}: its log entry #{index} cannot be read: {e}")),
                    Ok(event) => {
                        if event.content_hash.as_deref() != Some(actual.as_str()) {
                            f.add(format!(
                                "{name} (version {}): stored content hashes to {actual}, its latest log entry #{index} records {}",
                                r.meta.version,
                                event.content_hash.as_deref().unwrap_or("nothing")
                            ));
                        }
                        if event.record_kind.as_deref() != Some(r.kind.as_str()) {
                            f.add(format!("{name}: its log entry #{index} names another kind of record"));
                        }
                    }
                },
            }
        }
        match page.next {
            Some(c) => q.after = Some(c),
            None => return Ok(()),
        }
    }
}

/// Recomputes the tree from the leaves; compares roots and checkpoints.
async fn log(store: &dyn Store, verifier: Option<&evidentia_log::Verifier>, f: &mut Findings) -> Result<(), Failure> {
    let size = store.log_size().await?;
    let checkpoints = store.checkpoints().await?;
    let mut frontier = Frontier::new();
    let mut roots = std::collections::BTreeMap::new();
    let wanted: std::collections::BTreeSet<u64> = checkpoints.iter().map(|(s, _)| *s).collect();
    if wanted.contains(&0) {
        roots.insert(0, frontier.root());
    }
    let mut next = 0u64;
    'pages: while next < size {
        let leaves = store.log_leaves(next, PAGE).await?;
        if leaves.is_empty() {
            f.add(format!("log: entries #{next} to #{} are missing", size - 1));
            break;
        }
        for (index, data) in leaves {
            if index != next {
                f.add(format!(
                    "log: entries #{next} to #{} are missing",
                    index.saturating_sub(1)
                ));
                // The rest of the tree cannot be recomputed without them; the checkpoints'
                // signatures are still checked below.
                break 'pages;
            }
            if let Err(e) = Event::from_leaf_data(&data) {
                f.add(format!("log: entry #{index} is not a canonical event: {e}"));
            }
            frontier
                .append(evidentia_log::merkle::leaf_hash(&data))
                .map_err(|e| anyhow!("log: {e}"))?;
            next += 1;
            f.leaves += 1;
            if wanted.contains(&next) {
                roots.insert(next, frontier.root());
            }
        }
    }
    if next == size {
        match store.log_root(size).await {
            Ok(stored) if stored != frontier.root() => f.add(format!(
                "log: the stored tree of {size} entries has root {}, the entries themselves give {}",
                hex(&stored),
                hex(&frontier.root())
            )),
            Ok(_) => {}
            Err(e) => f.add(format!("log: the stored tree cannot be read: {e}")),
        }
    }
    for (checkpoint_size, note) in checkpoints {
        f.checkpoints += 1;
        let name = format!("checkpoint at size {checkpoint_size}");
        let Some(verifier) = verifier else {
            f.add(format!("{name}: no signing key in the data directory to check it with"));
            continue;
        };
        match Checkpoint::open(note.as_bytes(), std::slice::from_ref(verifier)) {
            Err(e) => f.add(format!(
                "{name}: the signature does not verify with the deployment's key: {e}"
            )),
            Ok(v) => {
                if v.checkpoint.size() != checkpoint_size {
                    f.add(format!("{name}: the signed note is for size {}", v.checkpoint.size()));
                }
                match roots.get(&v.checkpoint.size()) {
                    Some(root) if root != v.checkpoint.root() => f.add(format!(
                        "{name}: signs root {}, the log's entries give {}",
                        hex(v.checkpoint.root()),
                        hex(root)
                    )),
                    Some(_) => {}
                    None if next == size => {
                        f.add(format!("{name}: the log has fewer entries than the checkpoint covers"))
                    }
                    // Entries are missing before it: already reported.
                    None => {}
                }
            }
        }
    }
    Ok(())
}

/// Runs every check on the store.
pub async fn check(store: &dyn Store, verifier: Option<&evidentia_log::Verifier>) -> Result<Findings, Failure> {
    let mut f = Findings::default();
    records(store, &mut f).await?;
    log(store, verifier, &mut f).await?;
    Ok(f)
}

pub async fn run(config: &Config) -> Result<(), Failure> {
    let store = super::open_store(config).await?;
    let verifier = crate::keys::load(&config.data)?.map(|s| s.verifier());
    let mut findings = check(store.as_ref(), verifier.as_ref()).await?;
    let files = super::ingest::file_store(config).await?;
    findings.files = super::ingest::verify_files(&files, &mut findings.problems).await?;
    super::ingest::verify_evidence_files(store.as_ref(), &files, &mut findings.problems).await?;
    #[allow(clippy::print_stdout)] // the product of this command
    {
        for p in &findings.problems {
            println!("MISMATCH {p}");
        }
        println!(
            "checked {} records, {} log entries, {} checkpoints, {} files: {}",
            findings.records,
            findings.leaves,
            findings.checkpoints,
            findings.files,
            if findings.problems.is_empty() {
                "all hold".to_owned()
            } else {
                format!("{} problems", findings.problems.len())
            }
        );
    }
    if findings.problems.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            error: anyhow!("{} integrity problems found", findings.problems.len()),
        })
    }
}
