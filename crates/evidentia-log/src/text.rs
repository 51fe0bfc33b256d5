//! Small strict parsers shared by the text formats.
//!
//! Every format here is signed or hashed, so each value has exactly one accepted spelling:
//! decimals without leading zeros or signs, canonical padded base64, lowercase hex.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::merkle::{HASH_LEN, Hash};

/// Parses an ASCII decimal with no sign and no leading zeros (except `0` itself).
///
/// `u64::from_str` alone would accept `+5` and `007`, which would give one value several
/// spellings in signed text.
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !bytes.iter().all(u8::is_ascii_digit) || (first == b'0' && bytes.len() > 1) {
        return None;
    }
    s.parse().ok()
}

/// Decodes standard, padded base64 and rejects any spelling other than the canonical one.
///
/// The engine already rejects missing padding and non-zero trailing bits; re-encoding is a cheap
/// second guard that does not depend on engine configuration.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let bytes = STANDARD.decode(s).ok()?;
    (STANDARD.encode(&bytes) == s).then_some(bytes)
}

pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes the base64 of exactly one SHA-256 hash.
pub(crate) fn decode_hash(s: &str) -> Option<Hash> {
    let bytes = decode_base64(s)?;
    <[u8; HASH_LEN]>::try_from(bytes.as_slice()).ok()
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            if let Some(&d) = DIGITS.get(usize::from(nibble)) {
                out.push(char::from(d));
            }
        }
    }
    out
}

/// Whether `s` is exactly `len` lowercase hexadecimal digits.
pub(crate) fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Position of the first ASCII control character other than newline, if any.
///
/// Signed notes and everything embedded in them forbid these (C2SP signed-note), and rejecting
/// `\r` in particular stops CRLF-converted files from being "almost" valid.
pub(crate) fn find_control_character(s: &str) -> Option<usize> {
    s.bytes().position(|b| b < 0x20 && b != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_have_one_spelling() {
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("10"), Some(10));
        assert_eq!(parse_decimal("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "01",
            "00",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1e3",
            "18446744073709551616",
            "١",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn base64_must_be_canonical() {
        assert_eq!(decode_base64("AA=="), Some(vec![0]));
        assert_eq!(decode_base64("AB=="), None, "non-zero trailing bits");
        assert_eq!(decode_base64("AA"), None, "missing padding");
        assert_eq!(decode_base64("AA==\n"), None);
        assert_eq!(decode_base64("A-_="), None, "URL alphabet");
    }

    #[test]
    fn hex_round_trip() {
        assert_eq!(encode_hex(&[0x00, 0xab, 0xff]), "00abff");
        assert!(is_lower_hex("00abff", 6));
        assert!(!is_lower_hex("00ABFF", 6));
        assert!(!is_lower_hex("00abf", 6));
    }
}
