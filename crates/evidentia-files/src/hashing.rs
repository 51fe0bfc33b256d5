//! SHA-256 and BLAKE3 computed in one pass, off the async threads.

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::error::{Error, join_error};

/// Whether `s` is a SHA-256 as the store names files: 64 characters `0-9a-f`.
///
/// Every store operation that takes a hash checks it with this first, so that only such a string
/// ever becomes part of a path or an object key.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(crate) fn check_sha256(s: &str) -> Result<(), Error> {
    if is_sha256_hex(s) {
        Ok(())
    } else {
        // Bounded: the string came from a caller, maybe from a URL.
        Err(Error::InvalidHash(s.chars().take(80).collect()))
    }
}

/// Both hashes of a byte stream being read, and its length so far.
pub(crate) struct Digests {
    sha256: Sha256,
    blake3: blake3::Hasher,
    size: u64,
}

/// The finished hashes of a byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hashes {
    pub sha256: String,
    pub blake3: String,
    pub size: u64,
}

impl Digests {
    pub fn new() -> Self {
        Digests {
            sha256: Sha256::new(),
            blake3: blake3::Hasher::new(),
            size: 0,
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.blake3.update(bytes);
        self.size = self.size.saturating_add(bytes.len() as u64);
    }

    /// Hashes `chunk` on the blocking pool: a megabyte of SHA-256 takes about a millisecond,
    /// too long to hold an async worker thread. The two digests run on two threads at once, so
    /// that BLAKE3 costs no time beside SHA-256 on a machine with a second core.
    pub async fn update_blocking(mut self, chunk: Bytes) -> Result<Self, Error> {
        if chunk.len() < 64 * 1024 {
            self.update(&chunk);
            return Ok(self);
        }
        let Digests {
            mut sha256,
            mut blake3,
            size,
        } = self;
        let len = chunk.len() as u64;
        let for_blake3 = chunk.clone();
        let (sha256, blake3) = tokio::join!(
            tokio::task::spawn_blocking(move || {
                sha256.update(&chunk);
                sha256
            }),
            tokio::task::spawn_blocking(move || {
                blake3.update(&for_blake3);
                blake3
            }),
        );
        Ok(Digests {
            sha256: sha256.map_err(join_error)?,
            blake3: blake3.map_err(join_error)?,
            size: size.saturating_add(len),
        })
    }

    pub fn finish(self) -> Hashes {
        Hashes {
            sha256: hex(&self.sha256.finalize()),
            blake3: self.blake3.finalize().to_hex().to_string(),
            size: self.size,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hashes_of_abc() {
        let mut d = Digests::new();
        d.update(b"abc");
        let h = d.finish();
        assert_eq!(
            h.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            h.blake3,
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
        assert_eq!(h.size, 3);
    }

    #[test]
    fn sha256_names() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(!is_sha256_hex(&"A".repeat(64)));
        assert!(!is_sha256_hex(&"a".repeat(63)));
        assert!(!is_sha256_hex("../../etc/passwd"));
        assert!(!is_sha256_hex(&format!("{}/", "a".repeat(63))));
    }
}
