//! Evidence bundles: what a bundle's `manifest.json` says, and the offline check of a bundle.
//!
//! A bundle is a zip of these entries (the zip itself is read by `evidentia-verify`; this module
//! sees entries by name through [`BundleSource`] and does no I/O):
//!
//! | entry | what |
//! |---|---|
//! | `manifest.json` | [`Manifest`]: the checkpoint, the key, every record and file |
//! | `checkpoint.txt` | the signed checkpoint note every proof is against |
//! | `public-key.txt` | the key that signed it, as a signed-note verifier key |
//! | `records/<kind>-<id>.json` | one record version, as canonical JSON |
//! | `proofs/<kind>-<id>.leaf.json` | the log entry (event) recording that version |
//! | `proofs/<kind>-<id>.tlog-proof` | the C2SP `tlog-proof` of that entry |
//! | `files/<sha256>` | an evidence file's bytes |
//! | `index.html` | a human-readable summary (not checked: it says nothing the rest does not) |
//!
//! What a passing check establishes: each record file is the version whose content hash the log
//! recorded at the stated index, in the tree the checkpoint commits to, signed by the bundle's
//! key. Whether that key is the deployment's is the reader's question: [`check`] compares it with
//! a key the reader trusts when one is given.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical;
use crate::checkpoint::Checkpoint;
use crate::event::{Event, sha256_hex};
use crate::note::Verifier;
use crate::proof::{Leaf, TlogProof};
use crate::text::{encode_base64, encode_hex, is_lower_hex};

/// The `format` of manifests this module writes and reads.
pub const FORMAT: &str = "evidentia-bundle/1";
pub const MANIFEST_PATH: &str = "manifest.json";
pub const CHECKPOINT_PATH: &str = "checkpoint.txt";
pub const PUBLIC_KEY_PATH: &str = "public-key.txt";
pub const INDEX_PATH: &str = "index.html";

/// The bundle's table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the bundle was made, RFC 3339.
    pub created_at: String,
    /// The incident the bundle was made for.
    pub incident_id: String,
    /// Which records were selected, in words.
    pub selection: String,
    pub checkpoint: ManifestCheckpoint,
    /// The signed-note verifier key of the log (also in `public-key.txt`).
    pub public_key: String,
    pub records: Vec<ManifestRecord>,
    /// Evidence files, stored as `files/<sha256>`.
    #[serde(default)]
    pub files: Vec<ManifestFile>,
}

/// The checkpoint every proof in the bundle is against (the note is `checkpoint.txt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCheckpoint {
    pub origin: String,
    pub size: u64,
    /// Base64 root hash.
    pub root: String,
}

/// One record version and where its proof is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRecord {
    pub kind: String,
    pub id: String,
    pub version: i64,
    /// Lowercase hex SHA-256 of the record file (canonical JSON).
    pub content_hash: String,
    /// Index of the log entry recording this version.
    pub log_index: u64,
    pub record_path: String,
    pub proof_path: String,
    pub leaf_path: String,
}

impl ManifestRecord {
    /// The record's entry names in a bundle.
    pub fn paths(kind: &str, id: &str) -> (String, String, String) {
        (
            format!("records/{kind}-{id}.json"),
            format!("proofs/{kind}-{id}.tlog-proof"),
            format!("proofs/{kind}-{id}.leaf.json"),
        )
    }
}

/// One evidence file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// `files/<sha256>`.
    pub path: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
    /// The evidence record, in this bundle, whose content names the file (`body.file.sha256`):
    /// the record is proven by the log, so the file is vouched for by the record, not by this
    /// unsigned manifest.
    pub record_id: String,
}

/// The SHA-256 of the file an evidence record's content names, if any.
pub fn file_named_by(content: &serde_json::Value) -> Option<&str> {
    content.get("body")?.get("file")?.get("sha256")?.as_str()
}

/// Why an entry could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    Missing,
    /// Larger than the reader accepts for this kind of entry.
    TooLarge {
        max: u64,
    },
    /// The archive is damaged at this entry (bad CRC, truncated, …).
    Unreadable(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("is not in the bundle"),
            Self::TooLarge { max } => write!(f, "is larger than the {max} bytes accepted"),
            Self::Unreadable(why) => write!(f, "cannot be read: {why}"),
        }
    }
}

/// The SHA-256 and length of an entry's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest256 {
    pub sha256: String,
    pub size: u64,
}

/// Streams bytes into a SHA-256, for readers that must not hold a large file in memory.
#[derive(Clone, Default)]
pub struct FileHasher {
    hasher: Sha256,
    size: u64,
}

impl FileHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size = self.size.saturating_add(bytes.len() as u64);
    }

    pub fn finish(self) -> Digest256 {
        Digest256 {
            sha256: encode_hex(&self.hasher.finalize()),
            size: self.size,
        }
    }
}

/// The entries of a bundle, however they are stored.
pub trait BundleSource {
    /// Every entry name.
    fn names(&self) -> Vec<String>;
    /// The bytes of a small entry (JSON, text).
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError>;
    /// The SHA-256 and size of an entry, which may be large.
    fn digest(&self, path: &str) -> Result<Digest256, ReadError>;
}

/// Entries held in memory (tests, small bundles).
impl BundleSource for BTreeMap<String, Vec<u8>> {
    fn names(&self) -> Vec<String> {
        self.keys().cloned().collect()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        self.get(path).cloned().ok_or(ReadError::Missing)
    }

    fn digest(&self, path: &str) -> Result<Digest256, ReadError> {
        let bytes = self.get(path).ok_or(ReadError::Missing)?;
        let mut hasher = FileHasher::new();
        hasher.update(bytes);
        Ok(hasher.finish())
    }
}

/// What was checked.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    Manifest,
    PublicKey,
    Checkpoint,
    Record {
        kind: String,
        id: String,
    },
    File {
        path: String,
    },
    /// An entry the manifest does not list.
    Entry {
        path: String,
    },
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manifest => f.write_str(MANIFEST_PATH),
            Self::PublicKey => f.write_str("public key"),
            Self::Checkpoint => f.write_str("checkpoint"),
            Self::Record { kind, id } => write!(f, "record {kind} {id}"),
            Self::File { path } => write!(f, "file {path}"),
            Self::Entry { path } => write!(f, "entry {path}"),
        }
    }
}

/// What does not hold about an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// An entry the item needs is missing, too large or damaged.
    Entry {
        path: String,
        error: ReadError,
    },
    ManifestInvalid(String),
    UnsupportedFormat(String),
    /// The manifest's key is not a signed-note verifier key.
    KeyInvalid(String),
    /// `public-key.txt` is not the manifest's key.
    KeyFileDiffers {
        file: String,
        manifest: String,
    },
    /// The key the user trusts is not the bundle's key.
    UntrustedKey {
        bundle: String,
        trusted: String,
    },
    /// The key the user gave cannot be read.
    TrustedKeyInvalid(String),
    /// The checkpoint note does not verify or parse.
    CheckpointInvalid(String),
    /// The checkpoint says something else than the manifest.
    CheckpointDiffers {
        field: &'static str,
        manifest: String,
        checkpoint: String,
    },
    RecordNotCanonical {
        path: String,
    },
    RecordHash {
        path: String,
        manifest: String,
        actual: String,
    },
    /// The record file names another record or version than the manifest.
    RecordDiffers {
        field: &'static str,
        manifest: String,
        record: String,
    },
    LeafInvalid {
        path: String,
        error: String,
    },
    LeafDiffers {
        field: &'static str,
        expected: String,
        leaf: String,
    },
    ProofInvalid {
        path: String,
        error: String,
    },
    ProofIndex {
        manifest: u64,
        proof: u64,
    },
    /// The proof is against another checkpoint than `checkpoint.txt`.
    ProofCheckpoint,
    FilePath,
    FileHash {
        manifest: String,
        actual: String,
    },
    FileSize {
        manifest: u64,
        actual: u64,
    },
    /// No evidence record in the bundle names this file, so nothing proven vouches for it.
    FileNotNamed {
        record: String,
    },
    /// An evidence record names a file the bundle does not hold.
    RecordFileMissing {
        sha256: String,
    },
    /// Listed twice in the manifest.
    Duplicate,
    /// In the bundle, but no manifest entry vouches for it.
    Unlisted,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Entry { path, error } => write!(f, "{path} {error}"),
            Self::ManifestInvalid(e) => write!(f, "cannot be read: {e}"),
            Self::UnsupportedFormat(v) => write!(f, "format {v:?} is not {FORMAT:?}"),
            Self::KeyInvalid(e) => write!(f, "the manifest's key is not a verifier key: {e}"),
            Self::KeyFileDiffers { file, manifest } => {
                write!(f, "{PUBLIC_KEY_PATH} holds {file}, the manifest names {manifest}")
            }
            Self::UntrustedKey { bundle, trusted } => write!(
                f,
                "the bundle is signed by {bundle}, not by the key you trust ({trusted})"
            ),
            Self::TrustedKeyInvalid(e) => write!(f, "the key you gave is not a verifier key: {e}"),
            Self::CheckpointInvalid(e) => write!(f, "{CHECKPOINT_PATH} does not verify with the bundle's key: {e}"),
            Self::CheckpointDiffers {
                field,
                manifest,
                checkpoint,
            } => write!(
                f,
                "{field} is {checkpoint} in {CHECKPOINT_PATH}, {manifest} in the manifest"
            ),
            Self::RecordNotCanonical { path } => write!(f, "{path} is not canonical JSON"),
            Self::RecordHash { path, manifest, actual } => {
                write!(f, "{path} hashes to {actual}, the manifest says {manifest}")
            }
            Self::RecordDiffers {
                field,
                manifest,
                record,
            } => write!(f, "the record file's {field} is {record}, the manifest says {manifest}"),
            Self::LeafInvalid { path, error } => write!(f, "{path} is not a log entry: {error}"),
            Self::LeafDiffers { field, expected, leaf } => {
                write!(f, "the log entry's {field} is {leaf}, expected {expected}")
            }
            Self::ProofInvalid { path, error } => write!(f, "{path} does not prove the log entry: {error}"),
            Self::ProofIndex { manifest, proof } => {
                write!(f, "the proof is for log entry #{proof}, the manifest says #{manifest}")
            }
            Self::ProofCheckpoint => write!(f, "the proof is against another checkpoint than {CHECKPOINT_PATH}"),
            Self::FilePath => write!(f, "the path is not files/<sha256>"),
            Self::FileHash { manifest, actual } => {
                write!(f, "the bytes hash to {actual}, the manifest says {manifest}")
            }
            Self::FileSize { manifest, actual } => {
                write!(f, "the file is {actual} bytes, the manifest says {manifest}")
            }
            Self::FileNotNamed { record } => write!(
                f,
                "evidence record {record} is not in the bundle or does not name this file: nothing proven vouches for it"
            ),
            Self::RecordFileMissing { sha256 } => {
                write!(f, "names the file {sha256}, which the bundle does not hold")
            }
            Self::Duplicate => f.write_str("is listed more than once in the manifest"),
            Self::Unlisted => f.write_str("is not listed in the manifest: nothing vouches for it"),
        }
    }
}

/// One thing that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub item: Item,
    pub problem: Problem,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.item, self.problem)
    }
}

/// Every item checked, in order, with what does not hold about it (nothing when it holds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub items: Vec<(Item, Vec<Problem>)>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.items.iter().all(|(_, problems)| problems.is_empty())
    }

    pub fn findings(&self) -> Vec<Finding> {
        self.items
            .iter()
            .flat_map(|(item, problems)| {
                problems.iter().map(|problem| Finding {
                    item: item.clone(),
                    problem: problem.clone(),
                })
            })
            .collect()
    }

    fn push(&mut self, item: Item, problems: Vec<Problem>) {
        self.items.push((item, problems));
    }
}

/// Checks a bundle: the manifest, the key (against `trusted_key`, a verifier key the reader
/// trusts, when given), the checkpoint, every record with its log entry and proof, every file,
/// and that no entry goes unlisted.
pub fn check(source: &dyn BundleSource, trusted_key: Option<&str>) -> Report {
    let mut report = Report::default();
    let manifest = match read_manifest(source) {
        Ok(m) => m,
        Err(problem) => {
            report.push(Item::Manifest, vec![problem]);
            return report;
        }
    };
    report.push(Item::Manifest, Vec::new());

    // The key.
    let mut key_problems = Vec::new();
    let verifier = match Verifier::from_vkey(&manifest.public_key) {
        Ok(v) => Some(v),
        Err(e) => {
            key_problems.push(Problem::KeyInvalid(e.to_string()));
            None
        }
    };
    match source.read(PUBLIC_KEY_PATH) {
        Ok(bytes) => {
            let file = String::from_utf8_lossy(&bytes).trim().to_owned();
            if file != manifest.public_key {
                key_problems.push(Problem::KeyFileDiffers {
                    file,
                    manifest: manifest.public_key.clone(),
                });
            }
        }
        Err(error) => key_problems.push(Problem::Entry {
            path: PUBLIC_KEY_PATH.into(),
            error,
        }),
    }
    if let Some(trusted) = trusted_key {
        match Verifier::from_vkey(trusted.trim()) {
            Err(e) => key_problems.push(Problem::TrustedKeyInvalid(e.to_string())),
            Ok(t) if Some(&t) != verifier.as_ref() => key_problems.push(Problem::UntrustedKey {
                bundle: manifest.public_key.clone(),
                trusted: t.to_vkey(),
            }),
            Ok(_) => {}
        }
    }
    report.push(Item::PublicKey, key_problems);
    let verifiers: Vec<Verifier> = verifier.into_iter().collect();

    // The checkpoint.
    let mut checkpoint_problems = Vec::new();
    let note = match source.read(CHECKPOINT_PATH) {
        Ok(note) => {
            check_checkpoint(&note, &verifiers, &manifest, &mut checkpoint_problems);
            note
        }
        Err(error) => {
            checkpoint_problems.push(Problem::Entry {
                path: CHECKPOINT_PATH.into(),
                error,
            });
            Vec::new()
        }
    };
    report.push(Item::Checkpoint, checkpoint_problems);

    let mut listed: BTreeSet<&str> = [MANIFEST_PATH, PUBLIC_KEY_PATH, CHECKPOINT_PATH, INDEX_PATH].into();
    let held: BTreeSet<&str> = manifest.files.iter().map(|f| f.sha256.as_str()).collect();
    // The file each evidence record's content names, by record id.
    let mut named: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for record in &manifest.records {
        let mut problems = Vec::new();
        for path in [&record.record_path, &record.proof_path, &record.leaf_path] {
            if !listed.insert(path) {
                problems.push(Problem::Duplicate);
            }
        }
        let content = check_record(source, record, &note, &verifiers, &mut problems);
        if record.kind == "evidence" {
            // Only a record that holds vouches for a file.
            let file = content
                .as_ref()
                .filter(|_| problems.is_empty())
                .and_then(file_named_by)
                .map(str::to_owned);
            if let Some(sha256) = &file
                && !held.contains(sha256.as_str())
            {
                problems.push(Problem::RecordFileMissing { sha256: sha256.clone() });
            }
            named.insert(&record.id, file);
        }
        problems.dedup();
        report.push(
            Item::Record {
                kind: record.kind.clone(),
                id: record.id.clone(),
            },
            problems,
        );
    }
    for file in &manifest.files {
        let mut problems = Vec::new();
        if !listed.insert(&file.path) {
            problems.push(Problem::Duplicate);
        }
        check_file(source, file, &mut problems);
        if named.get(file.record_id.as_str()).and_then(Option::as_deref) != Some(file.sha256.as_str()) {
            problems.push(Problem::FileNotNamed {
                record: file.record_id.clone(),
            });
        }
        report.push(
            Item::File {
                path: file.path.clone(),
            },
            problems,
        );
    }
    for name in source.names() {
        if !listed.contains(name.as_str()) {
            report.push(Item::Entry { path: name }, vec![Problem::Unlisted]);
        }
    }
    report
}

fn read_manifest(source: &dyn BundleSource) -> Result<Manifest, Problem> {
    let bytes = source.read(MANIFEST_PATH).map_err(|error| Problem::Entry {
        path: MANIFEST_PATH.into(),
        error,
    })?;
    // Check the format first, so a later version is named as such rather than as a bad field.
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| Problem::ManifestInvalid(e.to_string()))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => return Err(Problem::UnsupportedFormat(other.to_owned())),
        None => return Err(Problem::ManifestInvalid("it has no format".into())),
    }
    serde_json::from_value(value).map_err(|e| Problem::ManifestInvalid(e.to_string()))
}

fn check_checkpoint(note: &[u8], verifiers: &[Verifier], manifest: &Manifest, problems: &mut Vec<Problem>) {
    let verified = match Checkpoint::open(note, verifiers) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::CheckpointInvalid(e.to_string()));
            return;
        }
    };
    let cp = &verified.checkpoint;
    let expected = &manifest.checkpoint;
    let pairs = [
        ("origin", expected.origin.clone(), cp.origin().to_owned()),
        ("size", expected.size.to_string(), cp.size().to_string()),
        ("root", expected.root.clone(), encode_base64(cp.root())),
    ];
    for (field, manifest, checkpoint) in pairs {
        if manifest != checkpoint {
            problems.push(Problem::CheckpointDiffers {
                field,
                manifest,
                checkpoint,
            });
        }
    }
}

/// Checks one record; answers its content when the record file is canonical JSON.
fn check_record(
    source: &dyn BundleSource,
    record: &ManifestRecord,
    note: &[u8],
    verifiers: &[Verifier],
    problems: &mut Vec<Problem>,
) -> Option<serde_json::Value> {
    let mut content = None;
    // The record file: canonical JSON naming this record, hashing to the manifest's hash.
    match source.read(&record.record_path) {
        Err(error) => problems.push(Problem::Entry {
            path: record.record_path.clone(),
            error,
        }),
        Ok(bytes) => {
            let actual = sha256_hex(&bytes);
            if actual != record.content_hash {
                problems.push(Problem::RecordHash {
                    path: record.record_path.clone(),
                    manifest: record.content_hash.clone(),
                    actual,
                });
            }
            let value: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
            // Canonical bytes have one reading: no duplicate keys, no alternative spellings.
            let canonical = value.as_ref().and_then(|v| canonical::to_vec(v).ok());
            match (value, canonical) {
                (Some(value), Some(canonical)) if canonical == bytes => {
                    let named = [
                        ("kind", record.kind.clone(), value.get("kind")),
                        ("id", record.id.clone(), value.get("id")),
                        ("version", record.version.to_string(), value.get("version")),
                    ];
                    for (field, manifest, found) in named {
                        let found = match found {
                            Some(serde_json::Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => "absent".into(),
                        };
                        if found != manifest {
                            problems.push(Problem::RecordDiffers {
                                field,
                                manifest,
                                record: found,
                            });
                        }
                    }
                    content = Some(value);
                }
                _ => problems.push(Problem::RecordNotCanonical {
                    path: record.record_path.clone(),
                }),
            }
        }
    }

    // The log entry: names this record and this content hash.
    let leaf = match source.read(&record.leaf_path) {
        Err(error) => {
            problems.push(Problem::Entry {
                path: record.leaf_path.clone(),
                error,
            });
            None
        }
        Ok(bytes) => match Event::from_leaf_data(&bytes) {
            Err(e) => {
                problems.push(Problem::LeafInvalid {
                    path: record.leaf_path.clone(),
                    error: e.to_string(),
                });
                None
            }
            Ok(event) => {
                let named = [
                    ("record kind", &record.kind, &event.record_kind),
                    ("record id", &record.id, &event.record_id),
                    ("content hash", &record.content_hash, &event.content_hash),
                ];
                for (field, expected, leaf) in named {
                    if leaf.as_deref() != Some(expected.as_str()) {
                        problems.push(Problem::LeafDiffers {
                            field,
                            expected: expected.clone(),
                            leaf: leaf.clone().unwrap_or_else(|| "absent".into()),
                        });
                    }
                }
                Some(bytes)
            }
        },
    };

    // The proof: this entry, at the manifest's index, in the bundle's checkpoint.
    match source.read(&record.proof_path) {
        Err(error) => problems.push(Problem::Entry {
            path: record.proof_path.clone(),
            error,
        }),
        Ok(bytes) => match TlogProof::parse(&bytes) {
            Err(e) => problems.push(Problem::ProofInvalid {
                path: record.proof_path.clone(),
                error: e.to_string(),
            }),
            Ok(proof) => {
                if proof.index != record.log_index {
                    problems.push(Problem::ProofIndex {
                        manifest: record.log_index,
                        proof: proof.index,
                    });
                }
                if proof.checkpoint.as_bytes() != note {
                    problems.push(Problem::ProofCheckpoint);
                }
                if let Some(leaf) = &leaf
                    && let Err(e) = proof.verify(Leaf::Data(leaf), verifiers)
                {
                    problems.push(Problem::ProofInvalid {
                        path: record.proof_path.clone(),
                        error: e.to_string(),
                    });
                }
            }
        },
    }
    content
}

fn check_file(source: &dyn BundleSource, file: &ManifestFile, problems: &mut Vec<Problem>) {
    let named_by_hash = file
        .path
        .strip_prefix("files/")
        .is_some_and(|h| h == file.sha256 && is_lower_hex(h, 64));
    if !named_by_hash {
        problems.push(Problem::FilePath);
    }
    match source.digest(&file.path) {
        Err(error) => problems.push(Problem::Entry {
            path: file.path.clone(),
            error,
        }),
        Ok(digest) => {
            if digest.sha256 != file.sha256 {
                problems.push(Problem::FileHash {
                    manifest: file.sha256.clone(),
                    actual: digest.sha256,
                });
            }
            if digest.size != file.size {
                problems.push(Problem::FileSize {
                    manifest: file.size,
                    actual: digest.size,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, content_hash};
    use crate::merkle::{MemoryTree, inclusion_proof, leaf_hash};
    use crate::note::Signer;
    use serde_json::json;

    const ORIGIN: &str = "evidentia.log/test";
    const INCIDENT: &str = "0190f000-0000-7000-8000-000000000001";
    const PERSON: &str = "0190f000-0000-7000-8000-000000000002";
    const EVIDENCE: &str = "0190f000-0000-7000-8000-000000000003";

    fn signer() -> Signer {
        Signer::from_seed(ORIGIN, [9; 32]).unwrap()
    }

    /// A bundle of three records (among other log entries) and the file the evidence record
    /// names, signed by `signer`.
    fn bundle(signer: &Signer) -> BTreeMap<String, Vec<u8>> {
        let photo = b"\x89PNG not really".to_vec();
        let sha = sha256_hex(&photo);
        let records = [
            (
                "incident",
                INCIDENT,
                json!({"title": "Shelling of the market", "casualties": 3}),
            ),
            ("person", PERSON, json!({"name": "Олександр"})),
            (
                "evidence",
                EVIDENCE,
                json!({"title": "Photo of the market", "file": {"sha256": sha, "size": photo.len()}}),
            ),
        ];
        let mut tree = MemoryTree::new();
        tree.append(leaf_hash(b"earlier entry")).unwrap();
        let mut entries = BTreeMap::new();
        let mut listed = Vec::new();
        let mut leaves = Vec::new();
        for (kind, id, body) in records {
            let content = json!({"kind": kind, "id": id, "version": 2, "body": body});
            let hash = content_hash(&content).unwrap();
            let mut event = Event::new(EventKind::RecordChanged, "2024-05-01T10:00:00Z");
            event.record_kind = Some(kind.into());
            event.record_id = Some(id.into());
            event.content_hash = Some(hash.clone());
            let leaf = event.to_leaf_data().unwrap();
            let index = tree.size();
            tree.append(leaf_hash(&leaf)).unwrap();
            tree.append(leaf_hash(b"later entry")).unwrap();
            let (record_path, proof_path, leaf_path) = ManifestRecord::paths(kind, id);
            entries.insert(record_path.clone(), canonical::to_vec(&content).unwrap());
            entries.insert(leaf_path.clone(), leaf.clone());
            leaves.push((proof_path.clone(), index));
            listed.push(ManifestRecord {
                kind: kind.into(),
                id: id.into(),
                version: 2,
                content_hash: hash,
                log_index: index,
                record_path,
                proof_path,
                leaf_path,
            });
        }
        let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root()).unwrap();
        let note = checkpoint.sign(&[signer]).unwrap();
        for (proof_path, index) in leaves {
            let proof = TlogProof {
                extra: Vec::new(),
                index,
                inclusion: inclusion_proof(&tree, index, tree.size()).unwrap(),
                checkpoint: note.clone(),
            };
            entries.insert(proof_path, proof.to_text().into_bytes());
        }
        entries.insert(format!("files/{sha}"), photo.clone());
        let manifest = Manifest {
            format: FORMAT.into(),
            created_at: "2024-05-02T00:00:00Z".into(),
            incident_id: INCIDENT.into(),
            selection: "the incident and its people".into(),
            checkpoint: ManifestCheckpoint {
                origin: ORIGIN.into(),
                size: tree.size(),
                root: encode_base64(&tree.root()),
            },
            public_key: signer.verifier().to_vkey(),
            records: listed,
            files: vec![ManifestFile {
                path: format!("files/{sha}"),
                sha256: sha,
                size: photo.len() as u64,
                media_type: Some("image/png".into()),
                original_name: Some("market.png".into()),
                record_id: EVIDENCE.into(),
            }],
        };
        entries.insert(MANIFEST_PATH.into(), serde_json::to_vec_pretty(&manifest).unwrap());
        entries.insert(CHECKPOINT_PATH.into(), note.into_bytes());
        entries.insert(
            PUBLIC_KEY_PATH.into(),
            format!("{}\n", signer.verifier().to_vkey()).into_bytes(),
        );
        entries.insert(INDEX_PATH.into(), b"<!doctype html>".to_vec());
        entries
    }

    fn incident() -> Item {
        Item::Record {
            kind: "incident".into(),
            id: INCIDENT.into(),
        }
    }

    fn path(kind: &str, id: &str, which: usize) -> String {
        let (r, p, l) = ManifestRecord::paths(kind, id);
        [r, p, l].into_iter().nth(which).unwrap()
    }

    fn edit_manifest(entries: &mut BTreeMap<String, Vec<u8>>, f: impl FnOnce(&mut Manifest)) {
        let mut m: Manifest = serde_json::from_slice(&entries[MANIFEST_PATH]).unwrap();
        f(&mut m);
        entries.insert(MANIFEST_PATH.into(), serde_json::to_vec(&m).unwrap());
    }

    #[test]
    fn a_good_bundle_holds() {
        let s = signer();
        let report = check(&bundle(&s), Some(&s.verifier().to_vkey()));
        assert_eq!(report.findings(), Vec::new());
        assert!(report.is_ok());
        // manifest, key, checkpoint, 3 records, 1 file.
        assert_eq!(report.items.len(), 7);
    }

    #[test]
    fn files_are_vouched_for_by_proven_evidence_records() {
        let s = signer();
        // A file the manifest ties to a record that does not name it.
        let mut b = bundle(&s);
        edit_manifest(&mut b, |m| m.files[0].record_id = PERSON.into());
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(matches!(&findings[0].item, Item::File { .. }));
        assert_eq!(findings[0].problem, Problem::FileNotNamed { record: PERSON.into() });

        // A file dropped together with its manifest line: the record that names it says so.
        let mut b = bundle(&s);
        let sha = {
            let m: Manifest = serde_json::from_slice(&b[MANIFEST_PATH]).unwrap();
            m.files[0].sha256.clone()
        };
        b.remove(&format!("files/{sha}"));
        edit_manifest(&mut b, |m| m.files.clear());
        let findings = check(&b, None).findings();
        assert_eq!(
            findings,
            vec![Finding {
                item: Item::Record {
                    kind: "evidence".into(),
                    id: EVIDENCE.into()
                },
                problem: Problem::RecordFileMissing { sha256: sha }
            }]
        );

        // A swapped file with a manifest edited to match: the record still names the original.
        let mut b = bundle(&s);
        let forged = b"a different picture".to_vec();
        let forged_sha = sha256_hex(&forged);
        let old = b.keys().find(|k| k.starts_with("files/")).unwrap().clone();
        b.remove(&old);
        b.insert(format!("files/{forged_sha}"), forged.clone());
        edit_manifest(&mut b, |m| {
            m.files[0].path = format!("files/{forged_sha}");
            m.files[0].sha256 = forged_sha.clone();
            m.files[0].size = forged.len() as u64;
        });
        let problems: Vec<Problem> = check(&b, None).findings().into_iter().map(|f| f.problem).collect();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(matches!(problems[0], Problem::RecordFileMissing { .. }));
        assert!(matches!(problems[1], Problem::FileNotNamed { .. }));
    }

    #[test]
    fn a_changed_byte_in_a_record_is_named() {
        let s = signer();
        let mut b = bundle(&s);
        let p = path("incident", INCIDENT, 0);
        let bytes = b.get_mut(&p).unwrap();
        let at = bytes.windows(6).position(|w| w == b"market").unwrap();
        bytes[at] = b'M';
        let actual = sha256_hex(bytes);
        let report = check(&b, None);
        let findings = report.findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].item, incident());
        assert!(matches!(&findings[0].problem, Problem::RecordHash { actual: a, .. } if *a == actual));
        assert!(
            findings[0]
                .to_string()
                .starts_with(&format!("record incident {INCIDENT}: {p} hashes to {actual}"))
        );
    }

    #[test]
    fn a_missing_entry_is_named() {
        let s = signer();
        for which in 0..3 {
            let mut b = bundle(&s);
            let p = path("person", PERSON, which);
            b.remove(&p);
            let findings = check(&b, None).findings();
            assert_eq!(findings.len(), 1, "{findings:#?}");
            assert_eq!(
                findings[0].problem,
                Problem::Entry {
                    path: p,
                    error: ReadError::Missing
                }
            );
        }
        let mut b = bundle(&s);
        let file = b.keys().find(|k| k.starts_with("files/")).unwrap().clone();
        b.remove(&file);
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].item, Item::File { path: file });
    }

    #[test]
    fn an_edited_manifest_hash_is_named() {
        let s = signer();
        let mut b = bundle(&s);
        let forged = sha256_hex(b"forged");
        edit_manifest(&mut b, |m| m.records[0].content_hash = forged.clone());
        let findings = check(&b, None).findings();
        // The record no longer hashes to it, and the log entry records another hash.
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert!(findings.iter().all(|f| f.item == incident()));
        assert!(matches!(&findings[0].problem, Problem::RecordHash { manifest, .. } if *manifest == forged));
        assert!(matches!(
            &findings[1].problem,
            Problem::LeafDiffers {
                field: "content hash",
                ..
            }
        ));
    }

    #[test]
    fn keys_are_compared() {
        let s = signer();
        let b = bundle(&s);
        let other = Signer::from_seed(ORIGIN, [10; 32]).unwrap();
        let findings = check(&b, Some(&other.verifier().to_vkey())).findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].item, Item::PublicKey);
        assert_eq!(
            findings[0].to_string(),
            format!(
                "public key: the bundle is signed by {}, not by the key you trust ({})",
                s.verifier().to_vkey(),
                other.verifier().to_vkey()
            )
        );

        // A bundle re-keyed by someone else: the checkpoint and every proof fail.
        let mut b = bundle(&s);
        edit_manifest(&mut b, |m| m.public_key = other.verifier().to_vkey());
        b.insert(PUBLIC_KEY_PATH.into(), other.verifier().to_vkey().into_bytes());
        let report = check(&b, None);
        let failed: Vec<Item> = report
            .items
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(i, _)| i.clone())
            .collect();
        // The checkpoint, every record, and the file no proven record vouches for any more.
        assert_eq!(failed.len(), 5, "{failed:?}");
        assert_eq!(failed[0], Item::Checkpoint);

        // public-key.txt replaced but not the manifest.
        let mut b = bundle(&s);
        b.insert(PUBLIC_KEY_PATH.into(), other.verifier().to_vkey().into_bytes());
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1);
        assert!(matches!(findings[0].problem, Problem::KeyFileDiffers { .. }));
    }

    #[test]
    fn a_tampered_proof_is_named() {
        let s = signer();
        let mut b = bundle(&s);
        let p = path("incident", INCIDENT, 1);
        let text = String::from_utf8(b[&p].clone()).unwrap();
        let hash_line = text.lines().nth(2).unwrap().to_owned();
        let other = encode_base64(&[7; 32]);
        b.insert(p.clone(), text.replacen(&hash_line, &other, 1).into_bytes());
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].item, incident());
        assert!(matches!(&findings[0].problem, Problem::ProofInvalid { path, .. } if *path == p));

        // A proof against another signed checkpoint of the same tree than the bundle's.
        let mut b = bundle(&s);
        let p = path("person", PERSON, 1);
        let cp = Checkpoint::open(&b[CHECKPOINT_PATH], &[s.verifier()])
            .unwrap()
            .checkpoint;
        let other = cp.with_extensions(vec!["another".into()]).unwrap().sign(&[&s]).unwrap();
        let text = String::from_utf8(b[&p].clone()).unwrap();
        let (head, _) = text.split_once("\n\n").unwrap();
        b.insert(p.clone(), format!("{head}\n\n{other}").into_bytes());
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].problem, Problem::ProofCheckpoint);

        // The index moved.
        let mut b = bundle(&s);
        edit_manifest(&mut b, |m| m.records[0].log_index += 1);
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(matches!(findings[0].problem, Problem::ProofIndex { .. }));
    }

    #[test]
    fn files_unlisted_entries_and_bad_manifests() {
        let s = signer();
        let mut b = bundle(&s);
        let file = b.keys().find(|k| k.starts_with("files/")).unwrap().clone();
        b.get_mut(&file).unwrap().push(0);
        let problems: Vec<Problem> = check(&b, None).findings().into_iter().map(|f| f.problem).collect();
        assert_eq!(problems.len(), 2);
        assert!(matches!(problems[0], Problem::FileHash { .. }));
        assert!(matches!(problems[1], Problem::FileSize { .. }));

        let mut b = bundle(&s);
        b.insert("files/extra.zip".into(), b"PK".to_vec());
        let findings = check(&b, None).findings();
        assert_eq!(
            findings,
            vec![Finding {
                item: Item::Entry {
                    path: "files/extra.zip".into()
                },
                problem: Problem::Unlisted
            }]
        );

        let mut b = bundle(&s);
        b.insert(MANIFEST_PATH.into(), b"{\"format\":\"evidentia-bundle/9\"}".to_vec());
        let findings = check(&b, None).findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].problem,
            Problem::UnsupportedFormat("evidentia-bundle/9".into())
        );
        b.insert(MANIFEST_PATH.into(), b"not json".to_vec());
        assert!(matches!(
            check(&b, None).findings()[0].problem,
            Problem::ManifestInvalid(_)
        ));
        b.remove(MANIFEST_PATH);
        assert!(!check(&b, None).is_ok());
    }

    #[test]
    fn a_record_with_duplicate_keys_is_refused() {
        let s = signer();
        let mut b = bundle(&s);
        let p = path("person", PERSON, 0);
        let text = String::from_utf8(b[&p].clone()).unwrap();
        let doubled = text.replacen("{\"body\":", "{\"body\":{},\"body\":", 1);
        assert_ne!(doubled, text);
        let hash = sha256_hex(doubled.as_bytes());
        b.insert(p.clone(), doubled.into_bytes());
        edit_manifest(&mut b, |m| m.records[1].content_hash = hash);
        let problems: Vec<Problem> = check(&b, None).findings().into_iter().map(|f| f.problem).collect();
        assert!(
            problems.contains(&Problem::RecordNotCanonical { path: p }),
            "{problems:#?}"
        );
    }
}
