//! Arbitrary bytes through everything that reads untrusted files: media type detection, EXIF,
//! XMP, the MP4 box walker (over a slice and over a reader), image decoding for the perceptual
//! hash and the thumbnail. Any panic, overflow (debug assertions are on), timeout or memory
//! blow-up (`-rss_limit_mb`) is a finding.

#![no_main]

use std::io::Cursor;

use evidentia_files::metadata::{extract, extract_from_reader, perceptual_hash, thumbnail};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let meta = extract(data, None);
    // Whatever was extracted must serialise (it is stored as JSON).
    let _ = serde_json::to_vec(&meta);
    let _ = extract_from_reader(Cursor::new(data), Some("video/mp4"));
    let _ = perceptual_hash(data);
    let _ = thumbnail(data, 64);
});
