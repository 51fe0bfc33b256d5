//! C2SP `signed-note` (<https://c2sp.org/signed-note>) with Ed25519 keys.
//!
//! A note is a UTF-8 text ending in a newline, then a blank line, then one or more signature
//! lines `— <key name> <base64(key ID || signature)>`. Checkpoints are signed this way, so any
//! tool that speaks the format (Go's `golang.org/x/mod/sumdb/note`, witnesses, monitors) can
//! check Evidentia's checkpoints.
//!
//! * Key ID: the first four bytes, big-endian, of `SHA-256(key name || 0x0A || 0x01 || public
//!   key)`, `0x01` being the Ed25519 signature type.
//! * Verifier key (public, safe to publish): `<name>+<8 hex digits key ID>+<base64(0x01 || public
//!   key)>`, the `vkey` format of Go's note package.
//! * Signer key (secret): `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte seed)>`.
//!
//! No randomness here: Ed25519 signing is deterministic, and keys are made from a 32-byte seed
//! that the caller generates and keeps.
//!
//! # What [`open`] accepts
//!
//! Strictly what the spec allows, plus limits: at most [`MAX_NOTE_BYTES`] bytes and
//! [`MAX_SIGNATURES`] signature lines (the spec requires accepting at least 16); valid UTF-8;
//! no ASCII control characters other than newline (so no `\r`); a text ending in newline; the
//! text separated from the signatures by the *last* blank line; every signature line well formed
//! (a malformed line rejects the whole note). Signatures whose (name, key ID) match no known key
//! are ignored, as the spec requires. A signature from a known key that does not verify rejects
//! the whole note (the spec's SHOULD), and so does a note with no valid signature from a known
//! key (the spec's MUST). Signatures are checked with Ed25519 `verify_strict`, which rejects
//! non-canonical and small-order encodings; honest signers never produce those.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

use crate::text::{decode_base64, encode_base64, encode_hex, find_control_character, is_lower_hex};

/// The signature type byte of Ed25519 in signed notes and key encodings.
pub const ALG_ED25519: u8 = 0x01;

/// Largest note [`open`] will parse, in bytes (the limit Go's implementation uses).
pub const MAX_NOTE_BYTES: usize = 1_000_000;

/// Most signature lines [`open`] will accept.
pub const MAX_SIGNATURES: usize = 100;

const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Why a key, a text or a note was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("key name {0:?} is empty or contains a space or '+'")]
    InvalidKeyName(String),
    #[error("malformed verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    #[error("malformed signer key: {0}")]
    MalformedSignerKey(&'static str),
    #[error("unsupported signature algorithm 0x{0:02x} (only Ed25519, 0x01)")]
    UnsupportedAlgorithm(u8),
    #[error("key ID {given:08x} does not match the key (expected {computed:08x})")]
    KeyIdMismatch { given: u32, computed: u32 },
    #[error("the public key is not a valid Ed25519 point, or has small order")]
    InvalidPublicKey,
    #[error("note is {len} bytes, more than the limit of {max}")]
    TooLarge { len: usize, max: usize },
    #[error("note is not valid UTF-8")]
    NotUtf8,
    #[error("note contains a control character at byte {offset}")]
    ControlCharacter { offset: usize },
    #[error("note text is empty or does not end with a newline")]
    TextNotTerminated,
    #[error("note has no blank line separating the text from the signatures")]
    MissingSignatures,
    #[error("signature line {line} is malformed: {reason}")]
    MalformedSignatureLine { line: usize, reason: &'static str },
    #[error("note has more than {max} signatures")]
    TooManySignatures { max: usize },
    #[error("two different known keys share the name {name:?} and key ID {key_id:08x}")]
    AmbiguousKey { name: String, key_id: u32 },
    #[error("the signature by known key {name}+{key_id:08x} is invalid")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("note has no valid signature from a known key")]
    NoVerifiedSignature,
    #[error("no signer given")]
    NoSigner,
}

/// Whether `name` can be a key name: non-empty, no Unicode spaces, no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

fn check_key_name(name: &str) -> Result<(), NoteError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(NoteError::InvalidKeyName(name.to_owned()))
    }
}

/// The recommended key ID of an Ed25519 key: `SHA-256(name || 0x0A || 0x01 || public key)[:4]`.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ALG_ED25519]);
    hasher.update(public_key);
    let digest: [u8; 32] = hasher.finalize().into();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A public key that can check signatures: a name, its key ID and an Ed25519 key.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

impl Verifier {
    /// A verifier from a name and a raw 32-byte Ed25519 public key.
    pub fn from_public_key(name: &str, public_key: [u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = VerifyingKey::from_bytes(&public_key).map_err(|_| NoteError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(NoteError::InvalidPublicKey);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &public_key),
            key,
        })
    }

    /// Parses a verifier key `<name>+<hex key ID>+<base64(0x01 || public key)>`.
    ///
    /// The key ID must be eight lowercase hex digits and match the key.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        // Names and key IDs never contain '+'; base64 keys may.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id_hex), Some(key_b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::MalformedVerifierKey("expected <name>+<id>+<key>"));
        };
        check_key_name(name)?;
        let given =
            parse_key_id(id_hex).ok_or(NoteError::MalformedVerifierKey("key ID is not 8 lowercase hex digits"))?;
        let key_bytes = decode_base64(key_b64).ok_or(NoteError::MalformedVerifierKey("key is not canonical base64"))?;
        let public_key = split_algorithm(&key_bytes, NoteError::MalformedVerifierKey)?;
        let verifier = Self::from_public_key(name, public_key)?;
        if verifier.key_id != given {
            return Err(NoteError::KeyIdMismatch {
                given,
                computed: verifier.key_id,
            });
        }
        Ok(verifier)
    }

    /// The verifier key string, as parsed by [`Verifier::from_vkey`].
    pub fn to_vkey(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.key_id, encode_base64(&key))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.key.verify_strict(message, &signature).is_ok()
    }
}

/// A secret key that signs notes. Its `Debug` output hides the key.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({}+{:08x}, secret hidden)", self.name, self.key_id)
    }
}

impl Signer {
    /// A signer for `name` from a 32-byte Ed25519 seed (RFC 8032 private key).
    ///
    /// The seed must come from a cryptographically secure random source; this crate takes it
    /// as a parameter so that it never reads randomness itself.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, key.verifying_key().as_bytes()),
            key,
        })
    }

    /// Parses a signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`.
    pub fn from_skey(skey: &str) -> Result<Self, NoteError> {
        let mut parts = skey.splitn(5, '+');
        let (Some("PRIVATE"), Some("KEY"), Some(name), Some(id_hex), Some(key_b64)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(NoteError::MalformedSignerKey("expected PRIVATE+KEY+<name>+<id>+<key>"));
        };
        check_key_name(name)?;
        let given =
            parse_key_id(id_hex).ok_or(NoteError::MalformedSignerKey("key ID is not 8 lowercase hex digits"))?;
        let key_bytes = decode_base64(key_b64).ok_or(NoteError::MalformedSignerKey("key is not canonical base64"))?;
        let seed = split_algorithm(&key_bytes, NoteError::MalformedSignerKey)?;
        let signer = Self::from_seed(name, seed)?;
        if signer.key_id != given {
            return Err(NoteError::KeyIdMismatch {
                given,
                computed: signer.key_id,
            });
        }
        Ok(signer)
    }

    /// The secret signer key string, as parsed by [`Signer::from_skey`]. Keep it secret.
    pub fn to_skey(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.key_id, encode_base64(&key))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching public key.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The signature line for `text`, ending in a newline. `text` is not checked here.
    fn signature_line(&self, text: &str) -> String {
        let signature = self.key.sign(text.as_bytes());
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&signature.to_bytes());
        format!("{SIGNATURE_PREFIX}{} {}\n", self.name, encode_base64(&bytes))
    }

    /// Signs `text` and returns the signed note: the text, a blank line, one signature line.
    ///
    /// The text must be what [`open`] accepts: ending in a newline, no control characters other
    /// than newline, within [`MAX_NOTE_BYTES`].
    ///
    /// ```
    /// use evidentia_log::note::{open, Signer};
    /// let signer = Signer::from_seed("example.org/log", [1; 32])?;
    /// let note = signer.sign("hello\n")?;
    /// let (text, signers) = open(note.as_bytes(), &[signer.verifier()])?;
    /// assert_eq!((text.as_str(), signers), ("hello\n", vec!["example.org/log".to_owned()]));
    /// # Ok::<(), evidentia_log::NoteError>(())
    /// ```
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        sign(text, &[self])
    }
}

/// Signs `text` with several keys at once (e.g. the old and new key during a rotation).
pub fn sign(text: &str, signers: &[&Signer]) -> Result<String, NoteError> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(NoteError::NoSigner);
    }
    if signers.len() > MAX_SIGNATURES {
        return Err(NoteError::TooManySignatures { max: MAX_SIGNATURES });
    }
    let mut note = String::with_capacity(text.len() + 1 + 128 * signers.len());
    note.push_str(text);
    note.push('\n');
    for signer in signers {
        note.push_str(&signer.signature_line(text));
    }
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            len: note.len(),
            max: MAX_NOTE_BYTES,
        });
    }
    Ok(note)
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if text.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            len: text.len(),
            max: MAX_NOTE_BYTES,
        });
    }
    if let Some(offset) = find_control_character(text) {
        return Err(NoteError::ControlCharacter { offset });
    }
    if !text.ends_with('\n') {
        return Err(NoteError::TextNotTerminated);
    }
    Ok(())
}

fn parse_key_id(hex: &str) -> Option<u32> {
    if !is_lower_hex(hex, 8) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// Splits `0x01 || 32 bytes` into the 32 bytes.
fn split_algorithm(bytes: &[u8], malformed: fn(&'static str) -> NoteError) -> Result<[u8; 32], NoteError> {
    let (&alg, key) = bytes.split_first().ok_or(malformed("key is empty"))?;
    if alg != ALG_ED25519 {
        return Err(NoteError::UnsupportedAlgorithm(alg));
    }
    <[u8; 32]>::try_from(key).map_err(|_| malformed("Ed25519 key is not 32 bytes"))
}

/// One parsed signature line.
struct SignatureLine<'a> {
    name: &'a str,
    key_id: u32,
    signature: Vec<u8>,
}

fn parse_signature_line(line: &str, number: usize) -> Result<SignatureLine<'_>, NoteError> {
    let malformed = |reason| NoteError::MalformedSignatureLine { line: number, reason };
    let rest = line
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or(malformed("does not start with an em dash and a space"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(malformed("no space between key name and signature"))?;
    if !is_valid_key_name(name) {
        return Err(malformed("invalid key name"));
    }
    let bytes = decode_base64(b64).ok_or(malformed("signature is not canonical base64"))?;
    if bytes.len() < 5 {
        return Err(malformed("signature is shorter than a key ID and one byte"));
    }
    let (id, signature) = bytes.split_at(4);
    let key_id = u32::from_be_bytes(<[u8; 4]>::try_from(id).map_err(|_| malformed("signature has no key ID"))?);
    Ok(SignatureLine {
        name,
        key_id,
        signature: signature.to_vec(),
    })
}

/// Checks a signed note and returns its text and the names of the known keys that signed it.
///
/// See the module documentation for exactly what is accepted. The returned names are those of
/// `verifiers` whose signature verified, each once, in the order they appear in the note.
pub fn open(note: &[u8], verifiers: &[Verifier]) -> Result<(String, Vec<String>), NoteError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            len: note.len(),
            max: MAX_NOTE_BYTES,
        });
    }
    let note = std::str::from_utf8(note).map_err(|_| NoteError::NotUtf8)?;
    if let Some(offset) = find_control_character(note) {
        return Err(NoteError::ControlCharacter { offset });
    }
    // The text keeps its final newline; the blank line after it separates the signatures.
    let separator = note.rfind("\n\n").ok_or(NoteError::MissingSignatures)?;
    let (text, signatures) = note.split_at(separator + 1);
    let signatures = signatures.strip_prefix('\n').ok_or(NoteError::MissingSignatures)?;
    let signatures = signatures.strip_suffix('\n').ok_or(NoteError::MalformedSignatureLine {
        line: 1,
        reason: "the last signature line does not end with a newline",
    })?;
    if text.is_empty() {
        return Err(NoteError::TextNotTerminated);
    }

    let mut verified: Vec<String> = Vec::new();
    for (i, line) in signatures.split('\n').enumerate() {
        if i >= MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures { max: MAX_SIGNATURES });
        }
        let sig = parse_signature_line(line, i + 1)?;
        let mut known = verifiers
            .iter()
            .filter(|v| v.name == sig.name && v.key_id == sig.key_id);
        let Some(verifier) = known.next() else {
            continue; // unknown key: ignored, as the spec requires
        };
        if known.any(|other| other.key != verifier.key) {
            return Err(NoteError::AmbiguousKey {
                name: sig.name.to_owned(),
                key_id: sig.key_id,
            });
        }
        if !verifier.verifies(text.as_bytes(), &sig.signature) {
            return Err(NoteError::InvalidSignature {
                name: sig.name.to_owned(),
                key_id: sig.key_id,
            });
        }
        if !verified.iter().any(|n| n == sig.name) {
            verified.push(sig.name.to_owned());
        }
    }
    if verified.is_empty() {
        return Err(NoteError::NoVerifiedSignature);
    }
    Ok((text.to_owned(), verified))
}

/// The lowercase hex of a key ID, as it appears in key strings.
pub fn format_key_id(key_id: u32) -> String {
    encode_hex(&key_id.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vector from Go's golang.org/x/mod/sumdb/note documentation.
    const SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const NOTE: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n\
                        \n\
                        \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn go_note_vector() {
        let signer = Signer::from_skey(SKEY).unwrap();
        assert_eq!(signer.to_skey(), SKEY);
        assert_eq!(signer.verifier().to_vkey(), VKEY);
        assert_eq!(format_key_id(signer.key_id()), "c74f20a3");
        assert_eq!(signer.sign(TEXT).unwrap(), NOTE);
        let verifier = Verifier::from_vkey(VKEY).unwrap();
        assert_eq!(verifier, signer.verifier());
        let (text, names) = open(NOTE.as_bytes(), &[verifier]).unwrap();
        assert_eq!(text, TEXT);
        assert_eq!(names, vec!["PeterNeumann".to_owned()]);
    }

    #[test]
    fn debug_hides_the_secret() {
        let signer = Signer::from_skey(SKEY).unwrap();
        let shown = format!("{signer:?}");
        assert!(!shown.contains("AYEKFALV"), "{shown}");
        assert!(shown.contains("c74f20a3"));
    }

    #[test]
    fn key_strings_are_strict() {
        let bad_vkeys = [
            "",
            "PeterNeumann",
            "PeterNeumann+c74f20a3",
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
            "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+x",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        ];
        for vkey in bad_vkeys {
            assert!(Verifier::from_vkey(vkey).is_err(), "{vkey:?}");
        }
        assert!(Signer::from_skey(&SKEY.replacen("PRIVATE", "PUBLIC", 1)).is_err());
        assert!(Signer::from_skey(&SKEY.replacen("c74f20a3", "c74f20a4", 1)).is_err());
        assert!(Signer::from_skey(VKEY).is_err());
        assert!(Signer::from_seed("", [0; 32]).is_err());
        assert!(Signer::from_seed("a+b", [0; 32]).is_err());
        assert!(Signer::from_seed("a\u{a0}b", [0; 32]).is_err());
    }

    #[test]
    fn small_order_public_keys_are_refused() {
        // The identity point.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            Verifier::from_public_key("x", identity),
            Err(NoteError::InvalidPublicKey)
        );
    }

    #[test]
    fn sign_refuses_bad_text() {
        let signer = Signer::from_skey(SKEY).unwrap();
        assert_eq!(signer.sign("no newline"), Err(NoteError::TextNotTerminated));
        assert_eq!(signer.sign(""), Err(NoteError::TextNotTerminated));
        assert_eq!(signer.sign("a\r\n"), Err(NoteError::ControlCharacter { offset: 1 }));
        assert_eq!(sign("a\n", &[]), Err(NoteError::NoSigner));
    }

    #[test]
    fn text_may_contain_blank_lines() {
        let signer = Signer::from_seed("a", [3; 32]).unwrap();
        for text in ["x\n\ny\n", "x\n\n", "\n", "x\n\n\n"] {
            let note = signer.sign(text).unwrap();
            let (opened, _) = open(note.as_bytes(), &[signer.verifier()]).unwrap();
            assert_eq!(opened, text);
        }
    }
}
