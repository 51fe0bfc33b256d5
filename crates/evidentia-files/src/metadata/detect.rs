//! The media type of a file, from its first bytes.
//!
//! Deliberately never `text/html` or `image/svg+xml`: both can carry scripts, and evidence is
//! served back to browsers. Such files are `text/plain` (or `application/octet-stream`).

use super::text;

/// What a detected type is, for deciding which readers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// JPEG, PNG, WebP, TIFF, GIF: EXIF, XMP, dimensions.
    Image,
    /// ISO base media: MP4, MOV, 3GP, HEIC/HEIF/AVIF (also EXIF for HEIF).
    Bmff,
    /// PDF: XMP only.
    Document,
    Other,
}

pub(crate) fn family(media_type: &str) -> Family {
    match media_type {
        "image/jpeg" | "image/png" | "image/webp" | "image/tiff" | "image/gif" => Family::Image,
        "image/heic" | "image/heif" | "image/avif" | "video/mp4" | "video/quicktime" | "video/3gpp" | "audio/mp4" => {
            Family::Bmff
        }
        "application/pdf" => Family::Document,
        _ => Family::Other,
    }
}

/// The media type of the content that starts with `bytes`, by magic numbers: JPEG, PNG, GIF,
/// WebP, TIFF, HEIC/HEIF/AVIF, MP4/MOV/3GP/M4A, WebM/Matroska, AVI, WAV, MP3, Ogg, FLAC, AMR, PDF,
/// zip (and the ODF/EPUB types a zip declares in its `mimetype` entry), gzip, 7z, RAR, plain
/// text; otherwise `application/octet-stream`.
pub fn detect_media_type(bytes: &[u8]) -> String {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..).is_some_and(|b| b.starts_with(magic));
    let found = if starts(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        "image/webp"
    } else if starts(b"RIFF") && at(8, b"WAVE") {
        "audio/wav"
    } else if starts(b"RIFF") && at(8, b"AVI ") {
        "video/x-msvideo"
    } else if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        "image/tiff"
    } else if at(4, b"ftyp") {
        return bmff_type(bytes).to_owned();
    } else if is_old_quicktime(bytes) {
        "video/quicktime"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"PK\x03\x04") {
        return zip_type(bytes);
    } else if starts(b"PK\x05\x06") {
        "application/zip"
    } else if starts(&[0x1F, 0x8B]) {
        "application/gzip"
    } else if starts(b"7z\xBC\xAF\x27\x1C") {
        "application/x-7z-compressed"
    } else if starts(b"Rar!\x1A\x07") {
        "application/vnd.rar"
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let head = bytes.get(..64).unwrap_or(bytes);
        if memchr::memmem::find(head, b"webm").is_some() {
            "video/webm"
        } else {
            "video/x-matroska"
        }
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if starts(b"fLaC") {
        "audio/flac"
    } else if starts(b"#!AMR") {
        "audio/amr"
    } else if starts(b"ID3") || is_mp3_frame(bytes) {
        "audio/mpeg"
    } else if is_text(bytes) {
        "text/plain"
    } else {
        "application/octet-stream"
    };
    found.to_owned()
}

/// ISO base media by `ftyp` brand (major, then compatible brands).
fn bmff_type(bytes: &[u8]) -> &'static str {
    let size = bytes
        .get(0..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes) as usize;
    let end = size.clamp(16, 4096).min(bytes.len());
    let major = bytes.get(8..12).unwrap_or_default();
    let compatible: Vec<&[u8]> = bytes.get(16..end).unwrap_or_default().chunks_exact(4).collect();
    let has = |brand: &[u8]| major == brand || compatible.contains(&brand);
    let by_major = |brands: &[&[u8]]| brands.contains(&major);
    if by_major(&[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"]) {
        "image/heic"
    } else if by_major(&[b"avif", b"avis"]) {
        "image/avif"
    } else if by_major(&[b"mif1", b"msf1"]) {
        if has(b"heic") || has(b"heix") {
            "image/heic"
        } else if has(b"avif") {
            "image/avif"
        } else {
            "image/heif"
        }
    } else if by_major(&[b"qt  "]) {
        "video/quicktime"
    } else if by_major(&[b"M4A ", b"M4B ", b"M4P "]) {
        "audio/mp4"
    } else if major.starts_with(b"3gp") || major.starts_with(b"3g2") {
        "video/3gpp"
    } else {
        "video/mp4"
    }
}

/// QuickTime files from before `ftyp` start directly with a movie box.
fn is_old_quicktime(bytes: &[u8]) -> bool {
    let kind = bytes.get(4..8).unwrap_or_default();
    let size = bytes
        .get(0..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes);
    matches!(kind, b"moov" | b"mdat" | b"wide" | b"pnot") && (size == 1 || size >= 8)
}

/// A zip, or what its first entry — an uncompressed `mimetype` file, by the ODF and EPUB
/// conventions — says it is. Nothing is decompressed.
fn zip_type(bytes: &[u8]) -> String {
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map_or(0, u16::from_le_bytes) as usize
    };
    let u32_at = |o: usize| {
        bytes
            .get(o..o + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes) as usize
    };
    let method = u16_at(8);
    let stored_size = u32_at(18);
    let name_len = u16_at(26);
    let extra_len = u16_at(28);
    let name = bytes.get(30..30 + name_len);
    if method == 0 && name == Some(b"mimetype".as_slice()) && (1..=100).contains(&stored_size) {
        let start = 30 + name_len + extra_len;
        if let Some(value) = bytes.get(start..start + stored_size) {
            let ok = value.iter().all(|&b| b.is_ascii_alphanumeric() || b"+-./".contains(&b));
            if ok
                && let Ok(value) = std::str::from_utf8(value)
                && (value.starts_with("application/vnd.oasis.opendocument.") || value == "application/epub+zip")
            {
                return value.to_owned();
            }
        }
    }
    "application/zip".to_owned()
}

/// An MPEG-1/2 layer III frame header (a raw MP3 without ID3 tag).
fn is_mp3_frame(bytes: &[u8]) -> bool {
    match bytes {
        [0xFF, b1, b2, ..] => {
            let sync = b1 & 0xE0 == 0xE0;
            let layer3 = b1 & 0x06 == 0x02;
            let version_ok = b1 & 0x18 != 0x08;
            let bitrate_ok = b2 & 0xF0 != 0xF0 && b2 & 0xF0 != 0;
            let rate_ok = b2 & 0x0C != 0x0C;
            sync && layer3 && version_ok && bitrate_ok && rate_ok
        }
        _ => false,
    }
}

/// UTF-8 text (a BOM allowed) without control characters other than tab, line breaks, form
/// feed and escape; the first 64 KiB decide. A multi-byte character cut at that boundary is fine.
fn is_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.is_empty() {
        return false;
    }
    let window = bytes.get(..64 * 1024).unwrap_or(bytes);
    let valid = match std::str::from_utf8(window) {
        Ok(s) => s,
        // Cut inside a character at the end of the window: fine; anything else: not text.
        Err(e) if e.error_len().is_none() && window.len() - e.valid_up_to() < 4 => {
            match window.get(..e.valid_up_to()).map(std::str::from_utf8) {
                Some(Ok(s)) => s,
                _ => return false,
            }
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1B'))
}

/// The media type to record, and the declared one when it differs. A declaration only refines
/// the detected family: text/plain → a textual type; zip → an office or e-book type; MP4 family →
/// another MP4-family type.
pub(crate) fn reconcile(detected: &str, hint: Option<&str>) -> (String, Option<String>) {
    let Some(hint) = hint else {
        return (detected.to_owned(), None);
    };
    // "text/csv; charset=utf-8" → "text/csv"; bounded, lower case.
    let declared = text::bounded(hint.split(';').next().unwrap_or("").trim(), 100).to_ascii_lowercase();
    if declared.is_empty() || declared == detected {
        return (detected.to_owned(), None);
    }
    let refines = match detected {
        "text/plain" => matches!(
            declared.as_str(),
            "text/csv"
                | "text/tab-separated-values"
                | "text/markdown"
                | "application/json"
                | "text/calendar"
                | "text/vcard"
        ),
        "application/zip" => {
            declared.starts_with("application/vnd.openxmlformats-officedocument.")
                || declared.starts_with("application/vnd.oasis.opendocument.")
                || declared == "application/epub+zip"
        }
        "video/mp4" | "video/quicktime" | "video/3gpp" | "audio/mp4" => {
            matches!(
                declared.as_str(),
                "video/mp4" | "audio/mp4" | "video/quicktime" | "video/3gpp"
            )
        }
        _ => false,
    };
    if refines {
        (declared, None)
    } else {
        (detected.to_owned(), Some(declared))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(detect_media_type(b"\xFF\xD8\xFF\xE0rest"), "image/jpeg");
        assert_eq!(detect_media_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(detect_media_type(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), "image/heic");
        assert_eq!(detect_media_type(b"\0\0\0\x14ftypqt  \0\0\0\0qt  "), "video/quicktime");
        assert_eq!(detect_media_type(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2"), "video/mp4");
        assert_eq!(detect_media_type(b"hello, world\n"), "text/plain");
        assert_eq!(detect_media_type("привіт, світ\n".as_bytes()), "text/plain");
        assert_eq!(detect_media_type(b"<html><script>alert(1)</script>"), "text/plain");
        assert_eq!(detect_media_type(b"\0\x01\x02binary"), "application/octet-stream");
        assert_eq!(detect_media_type(b""), "application/octet-stream");
    }

    #[test]
    fn declarations_only_refine() {
        assert_eq!(
            reconcile("text/plain", Some("text/csv; charset=utf-8")),
            ("text/csv".to_owned(), None)
        );
        assert_eq!(
            reconcile("text/plain", Some("text/html")),
            ("text/plain".to_owned(), Some("text/html".to_owned()))
        );
        assert_eq!(
            reconcile("application/octet-stream", Some("image/jpeg")),
            ("application/octet-stream".to_owned(), Some("image/jpeg".to_owned()))
        );
        assert_eq!(
            reconcile("image/jpeg", Some("IMAGE/JPEG")),
            ("image/jpeg".to_owned(), None)
        );
    }
}
