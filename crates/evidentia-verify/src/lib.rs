//! The standalone checker of Evidentia evidence bundles.
//!
//! `evidentia-verify BUNDLE.zip [--key VKEY]` opens the zip, hands its entries to
//! [`evidentia_log::bundle::check`] and prints one line per item (`ok` or `FAIL` with what does
//! not hold), then a summary. Exit codes: 0 everything holds, 1 something does not, 2 a usage
//! error or a zip that cannot be read or is refused.
//!
//! The zip is treated as hostile: at most [`MAX_ENTRIES`] entries, entry names that could escape
//! a directory are refused (nothing is ever unpacked, but a reader of the listing should not be
//! misled either), JSON and text entries are read only up to [`MAX_TEXT_BYTES`], files are hashed
//! as a stream, never held in memory, and at most [`MAX_TOTAL_BYTES`] are decompressed in all.
//! A zip inside the bundle is just a file.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use evidentia_log::Verifier;
use evidentia_log::bundle::{self, BundleSource, Digest256, FileHasher, ReadError};

/// Most entries a bundle may have.
pub const MAX_ENTRIES: usize = 100_000;
/// Most bytes decompressed from one bundle, across all entries.
pub const MAX_TOTAL_BYTES: u64 = 64 << 30;
/// Largest JSON or text entry read into memory.
pub const MAX_TEXT_BYTES: u64 = 16 << 20;

#[derive(Parser, Debug)]
#[command(
    name = "evidentia-verify",
    version,
    about = "Checks an Evidentia evidence bundle offline and says, item by item, what holds"
)]
struct Args {
    /// The bundle (a zip written by `evidentia export bundle`).
    bundle: PathBuf,
    /// The log's public key you trust (a signed-note verifier key, `<name>+<id>+<key>`), as the
    /// organisation publishes it. Without it, the bundle is checked against its own key only.
    #[arg(long, value_name = "VKEY")]
    key: Option<String>,
}

/// Why a zip was not checked.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    Zip(String),
    /// The zip breaks a limit or has an unsafe entry name.
    Refused(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read it: {e}"),
            Self::Zip(e) => write!(f, "it is not a readable zip: {e}"),
            Self::Refused(why) => write!(f, "refused: {why}"),
        }
    }
}

/// A bundle zip, read entry by entry on demand.
pub struct ZipBundle<R: Read + std::io::Seek> {
    archive: RefCell<zip::ZipArchive<R>>,
    /// Every file entry (directories left out).
    names: BTreeSet<String>,
    /// Bytes decompressed so far, against [`MAX_TOTAL_BYTES`].
    spent: Cell<u64>,
}

/// Whether an entry name is a plain relative path: no `..`, no absolute path, no backslashes,
/// no drive letters, no empty or `.` components, no control characters.
pub fn safe_name(name: &str) -> bool {
    let name = name.strip_suffix('/').unwrap_or(name);
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

impl ZipBundle<File> {
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        Self::new(File::open(path).map_err(OpenError::Io)?)
    }
}

impl<R: Read + std::io::Seek> ZipBundle<R> {
    pub fn new(reader: R) -> Result<Self, OpenError> {
        let mut archive = zip::ZipArchive::new(reader).map_err(|e| OpenError::Zip(e.to_string()))?;
        if archive.len() > MAX_ENTRIES {
            return Err(OpenError::Refused(format!(
                "{} entries, more than {MAX_ENTRIES}",
                archive.len()
            )));
        }
        let mut names = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(|e| OpenError::Zip(e.to_string()))?;
            let name = entry.name().to_owned();
            if !safe_name(&name) {
                return Err(OpenError::Refused(format!("unsafe entry name {name:?}")));
            }
            if !seen.insert(name.clone()) {
                return Err(OpenError::Refused(format!("entry {name:?} appears twice")));
            }
            if !entry.is_dir() {
                names.insert(name);
            }
        }
        Ok(Self {
            archive: RefCell::new(archive),
            names,
            spent: Cell::new(0),
        })
    }

    /// Streams an entry through `sink`, stopping after `max` bytes (then `TooLarge`).
    fn stream(&self, path: &str, max: u64, sink: &mut dyn FnMut(&[u8])) -> Result<(), ReadError> {
        if !self.names.contains(path) {
            return Err(ReadError::Missing);
        }
        let mut archive = self
            .archive
            .try_borrow_mut()
            .map_err(|_| ReadError::Unreadable("the zip is busy".into()))?;
        let mut entry = archive
            .by_name(path)
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let mut buffer = vec![0u8; 64 * 1024];
        let mut read = 0u64;
        loop {
            let n = entry
                .read(&mut buffer)
                .map_err(|e| ReadError::Unreadable(e.to_string()))?;
            if n == 0 {
                return Ok(());
            }
            read = read.saturating_add(n as u64);
            let spent = self.spent.get().saturating_add(n as u64);
            self.spent.set(spent);
            if spent > MAX_TOTAL_BYTES {
                return Err(ReadError::Unreadable(format!(
                    "the bundle decompresses to more than {MAX_TOTAL_BYTES} bytes"
                )));
            }
            if read > max {
                return Err(ReadError::TooLarge { max });
            }
            sink(buffer.get(..n).unwrap_or_default());
        }
    }
}

impl<R: Read + std::io::Seek> BundleSource for ZipBundle<R> {
    fn names(&self) -> Vec<String> {
        self.names.iter().cloned().collect()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        let mut bytes = Vec::new();
        self.stream(path, MAX_TEXT_BYTES, &mut |chunk| bytes.extend_from_slice(chunk))?;
        Ok(bytes)
    }

    fn digest(&self, path: &str) -> Result<Digest256, ReadError> {
        let mut hasher = FileHasher::new();
        self.stream(path, MAX_TOTAL_BYTES, &mut |chunk| hasher.update(chunk))?;
        Ok(hasher.finish())
    }
}

/// Runs the checker with command-line `args` (the first is the program name); returns the exit
/// code.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let help = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            if help {
                let _ = write!(out, "{}", e.render());
                return 0;
            }
            let _ = write!(err, "{}", e.render());
            return 2;
        }
    };
    if let Some(key) = &args.key
        && let Err(e) = Verifier::from_vkey(key.trim())
    {
        let _ = writeln!(err, "evidentia-verify: --key is not a verifier key: {e}");
        return 2;
    }
    let source = match ZipBundle::open(&args.bundle) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "evidentia-verify: {}: {e}", args.bundle.display());
            return 2;
        }
    };
    let report = bundle::check(&source, args.key.as_deref());
    match print(&report, &source, args.key.is_some(), out) {
        Ok(()) if report.is_ok() => 0,
        Ok(()) => 1,
        Err(e) => {
            let _ = writeln!(err, "evidentia-verify: cannot write the report: {e}");
            2
        }
    }
}

fn print(report: &bundle::Report, source: &dyn BundleSource, keyed: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut failed = 0;
    for (item, problems) in &report.items {
        if problems.is_empty() {
            writeln!(out, "ok    {item}")?;
        } else {
            failed += 1;
            for problem in problems {
                writeln!(out, "FAIL  {item}: {problem}")?;
            }
        }
    }
    let total = report.items.len();
    if failed == 0 {
        writeln!(out, "{total} items checked: all hold")?;
        if !keyed && let Ok(key) = source.read(bundle::PUBLIC_KEY_PATH) {
            writeln!(
                out,
                "The bundle is signed by {}. Compare it with the key the organisation publishes, \
                 or run again with --key.",
                String::from_utf8_lossy(&key).trim()
            )?;
        }
    } else {
        writeln!(out, "{total} items checked: {failed} do not hold")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["manifest.json", "records/incident-1.json", "files/ab", "dir/"] {
            assert!(safe_name(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a\\b",
            "C:x",
            "a\nb",
            "..",
        ] {
            assert!(!safe_name(bad), "{bad:?}");
        }
    }
}
