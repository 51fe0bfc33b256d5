//! C2SP `tlog-checkpoint` (<https://c2sp.org/tlog-checkpoint>): the text a log signs to commit
//! to its size and root.
//!
//! ```text
//! <origin>
//! <tree size, decimal>
//! <root hash, base64>
//! [extension lines]
//! ```
//!
//! Every line ends in a newline. The checkpoint is signed as a [signed note](crate::note), and
//! because it is signed, [`Checkpoint::parse`] accepts exactly one spelling of each value:
//!
//! * origin: non-empty, no Unicode whitespace, no control characters (the spec says only
//!   "non-empty" and recommends no spaces; a whitespace-free origin is what every log uses and
//!   rules out look-alike origins differing in trailing spaces). `+` is allowed, as in the spec;
//! * size: ASCII digits, no sign, no leading zeros unless it is `0`, at most `u64::MAX`;
//! * root: standard padded base64 of exactly 32 bytes, in its canonical spelling;
//! * extension lines: optional (and not recommended by the spec), each non-empty, no control
//!   characters;
//! * the text ends with a newline, and contains no `\r`.

use std::fmt;

use crate::merkle::Hash;
use crate::note::{self, NoteError, Signer, Verifier};
use crate::text::{decode_hash, encode_base64, find_control_character, parse_decimal};

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint origin is empty")]
    EmptyOrigin,
    #[error("checkpoint origin {0:?} contains whitespace or a control character")]
    InvalidOrigin(String),
    #[error("checkpoint text does not end with a newline")]
    MissingFinalNewline,
    #[error("checkpoint has no {0} line")]
    MissingLine(&'static str),
    #[error("checkpoint tree size {0:?} is not a decimal without leading zeros")]
    InvalidSize(String),
    #[error("checkpoint root hash {0:?} is not the base64 of 32 bytes")]
    InvalidRootHash(String),
    #[error("checkpoint extension line {line} is empty or contains a control character")]
    InvalidExtension { line: usize },
    #[error("checkpoint signature: {0}")]
    Note(#[from] NoteError),
}

/// A parsed, well-formed checkpoint body.
#[derive(Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkpoint")
            .field("origin", &self.origin)
            .field("size", &self.size)
            .field("root", &encode_base64(&self.root))
            .field("extensions", &self.extensions)
            .finish()
    }
}

fn check_origin(origin: &str) -> Result<(), CheckpointError> {
    if origin.is_empty() {
        return Err(CheckpointError::EmptyOrigin);
    }
    if origin.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CheckpointError::InvalidOrigin(origin.to_owned()));
    }
    Ok(())
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        check_origin(origin)?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// The same checkpoint with these extension lines (without their newlines).
    pub fn with_extensions(mut self, extensions: Vec<String>) -> Result<Self, CheckpointError> {
        for (i, line) in extensions.iter().enumerate() {
            if line.is_empty() || find_control_character(line).is_some() || line.contains('\n') {
                return Err(CheckpointError::InvalidExtension { line: i + 4 });
            }
        }
        self.extensions = extensions;
        Ok(self)
    }

    /// The log's identity, e.g. `evidentia.example.org/log`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of leaves in the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Root hash of the tree of [`Checkpoint::size`] leaves.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// Parses a checkpoint body (the text of the signed note, ending in newline).
    ///
    /// ```
    /// use evidentia_log::checkpoint::Checkpoint;
    /// let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    /// let cp = Checkpoint::parse(text)?;
    /// assert_eq!((cp.origin(), cp.size()), ("example.com/behind-the-sofa", 20852163));
    /// assert_eq!(cp.to_text(), text);
    /// assert!(Checkpoint::parse(&text.replace("20852163", "020852163")).is_err());
    /// # Ok::<(), evidentia_log::CheckpointError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::MissingFinalNewline)?;
        let mut lines = body.split('\n');
        let origin = lines.next().ok_or(CheckpointError::MissingLine("origin"))?;
        check_origin(origin)?;
        let size_line = lines.next().ok_or(CheckpointError::MissingLine("tree size"))?;
        let size = parse_decimal(size_line).ok_or_else(|| CheckpointError::InvalidSize(size_line.to_owned()))?;
        let root_line = lines.next().ok_or(CheckpointError::MissingLine("root hash"))?;
        let root = decode_hash(root_line).ok_or_else(|| CheckpointError::InvalidRootHash(root_line.to_owned()))?;
        let extensions = lines.map(str::to_owned).collect();
        Self::new(origin, size, root)?.with_extensions(extensions)
    }

    /// The checkpoint body, ready to be signed.
    pub fn to_text(&self) -> String {
        let mut text = format!("{}\n{}\n{}\n", self.origin, self.size, encode_base64(&self.root));
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Signs the checkpoint, returning the signed note.
    ///
    /// The signer's key name should be the origin (tlog-checkpoint); that is left to the caller,
    /// because witnesses co-sign under their own names.
    pub fn sign(&self, signers: &[&Signer]) -> Result<String, CheckpointError> {
        Ok(note::sign(&self.to_text(), signers)?)
    }

    /// Opens a signed checkpoint note: checks the signatures with [`note::open`], then parses the
    /// text.
    pub fn open(note: &[u8], verifiers: &[Verifier]) -> Result<VerifiedCheckpoint, CheckpointError> {
        let (text, signers) = note::open(note, verifiers)?;
        Ok(VerifiedCheckpoint {
            checkpoint: Self::parse(&text)?,
            signers,
        })
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// A checkpoint whose signature was verified, with the names of the keys that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    pub checkpoint: Checkpoint,
    pub signers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::EMPTY_ROOT;

    const SPEC_EXAMPLE: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn round_trip() {
        let cp = Checkpoint::parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(cp.to_text(), SPEC_EXAMPLE);
        let with_ext = Checkpoint::new("o", 0, EMPTY_ROOT)
            .unwrap()
            .with_extensions(vec!["ext one".into(), "— two".into()])
            .unwrap();
        let text = with_ext.to_text();
        assert_eq!(
            text,
            "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n— two\n"
        );
        assert_eq!(Checkpoint::parse(&text).unwrap(), with_ext);
    }

    #[test]
    fn rejects() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let short = crate::text::encode_base64(&[0u8; 31]);
        let long = crate::text::encode_base64(&[0u8; 33]);
        let cases = [
            (format!("o\n01\n{root}\n"), "leading zero"),
            (format!("o\n+1\n{root}\n"), "sign"),
            (format!("o\n-1\n{root}\n"), "negative"),
            (format!("o\n\n{root}\n"), "empty size"),
            (format!("o\n18446744073709551616\n{root}\n"), "overflow"),
            (format!("o\n1\n{root}"), "missing final newline"),
            (format!("o\n1\n{short}\n"), "31-byte hash"),
            (format!("o\n1\n{long}\n"), "33-byte hash"),
            (format!("o\n1\n{}\n", root.trim_end_matches('=')), "unpadded"),
            ("o\n1\n".to_owned(), "no root line"),
            ("o\n".to_owned(), "no size line"),
            ("\n".to_owned(), "empty origin"),
            (format!("\n1\n{root}\n"), "empty origin with lines"),
            (format!(" o\n1\n{root}\n"), "origin with leading space"),
            (format!("o \n1\n{root}\n"), "origin with trailing space"),
            (format!("o\r\n1\n{root}\n"), "CRLF"),
            (format!("o\n1\n{root}\n\n"), "empty extension line"),
            (format!("o\n1\n{root}\next\n\n"), "trailing blank line"),
            (format!("o\n1\n{root}\ne\tx\n"), "tab in extension"),
            (format!("o\n1\n{root} \n"), "space after root"),
            (String::new(), "empty"),
        ];
        for (text, why) in cases {
            assert!(Checkpoint::parse(&text).is_err(), "{why}: {text:?}");
        }
    }

    #[test]
    fn signed_round_trip() {
        let signer = Signer::from_seed("example.org/log", [9; 32]).unwrap();
        let cp = Checkpoint::new("example.org/log", 42, [5; 32]).unwrap();
        let note = cp.sign(&[&signer]).unwrap();
        let opened = Checkpoint::open(note.as_bytes(), &[signer.verifier()]).unwrap();
        assert_eq!(opened.checkpoint, cp);
        assert_eq!(opened.signers, vec!["example.org/log".to_owned()]);
        let other = Signer::from_seed("example.org/log", [8; 32]).unwrap();
        assert!(Checkpoint::open(note.as_bytes(), &[other.verifier()]).is_err());
    }
}
