//! What a file says about itself: media type, capture time and place, device, dimensions, the
//! EXIF and XMP fields found, MP4/QuickTime headers; and, for images, a perceptual hash and a
//! thumbnail.
//!
//! Everything here is pure computation over bytes that may be hostile (a file is evidence because
//! someone sent it). The rules: never panic; never allocate in proportion to a number read from
//! the file, only in proportion to the bytes actually given, and within fixed caps; cap every
//! string. Images are decoded only within [`MAX_PIXELS`]. Nothing is unpacked: a zip is reported
//! as a zip.
//!
//! # Reading the results
//!
//! - `captured_at` is what the file claims, not a fact: an RFC 3339 instant when the file gives
//!   an offset (EXIF `OffsetTimeOriginal`, an XMP date with a zone, MP4 `mvhd`, which is UTC by
//!   the specification), otherwise a local date and time without offset,
//!   `YYYY-MM-DDTHH:MM:SS[.fff]`, in the camera's (unknown) time zone — not to be read as UTC.
//!   `captured_at_source` names the field it came from (`exif:DateTimeOriginal`,
//!   `xmp:CreateDate`, `quicktime:creationdate`, `mp4:mvhd`, ...).
//! - `gps` is in decimal degrees (south and west negative), altitude in metres above sea level;
//!   values out of range are dropped with a warning.
//! - `raw` holds every EXIF field read, by tag name (`thumbnail.` before fields of the second
//!   image, `ifdN.` for further ones), as display strings of at most 256 characters. Large values
//!   (maker notes, embedded profiles) are given as `(N bytes)`.
//! - `warnings` says what was found but not used (a malformed date, a coordinate out of range, an
//!   EXIF structure too large), so that an analyst knows the metadata was looked at.

mod bmff;
mod detect;
mod exif_fields;
mod picture;
mod text;
mod xmp;

use std::io::{self, Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

pub use detect::detect_media_type;
pub use picture::{MAX_PIXELS, hamming, hash_and_thumbnail, perceptual_hash, thumbnail};

pub(crate) use bmff::Source;

/// How much of a file is examined for image metadata (EXIF, XMP) and media type. MP4/QuickTime
/// headers are found beyond it when the caller can read further ([`extract_from_reader`],
/// [`crate::FileStore::extract_metadata`]).
pub const PREFIX_LIMIT: usize = 16 * 1024 * 1024;

/// Metadata found in a file. Serialises to the evidence item's `extracted_metadata`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtractedMetadata {
    /// Media type from the content (magic bytes), never from a file name.
    pub media_type: String,
    /// The media type the uploader declared, when it differs from `media_type`.
    pub declared_media_type: Option<String>,
    /// When the file says it was captured; see the module documentation for the forms.
    pub captured_at: Option<String>,
    /// The field `captured_at` came from.
    pub captured_at_source: Option<String>,
    pub gps: Option<Gps>,
    pub device: Option<Device>,
    /// Pixels, as stored (before `orientation` is applied).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// EXIF orientation, 1–8 (1: as stored; 6: rotate 90° clockwise to view; ...).
    pub orientation: Option<u16>,
    /// Length of a video or sound, in seconds.
    pub duration_seconds: Option<f64>,
    /// Every EXIF field read: tag name → display value.
    pub raw: serde_json::Map<String, serde_json::Value>,
    /// Selected fields of an XMP packet, as written.
    pub xmp: Option<Xmp>,
    /// MP4 / QuickTime / HEIF container facts.
    pub mp4: Option<Mp4Metadata>,
    /// What was found but could not be used, and what was not looked at.
    pub warnings: Vec<String>,
}

/// A position claimed by the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gps {
    /// Decimal degrees, −90 to 90 (south negative).
    pub lat: f64,
    /// Decimal degrees, −180 to 180 (west negative).
    pub lon: f64,
    /// Metres above sea level (below: negative).
    pub altitude: Option<f64>,
    /// The GPS receiver's UTC time (EXIF `GPSDateStamp` + `GPSTimeStamp`), RFC 3339.
    pub time: Option<String>,
    /// The field the position came from (`exif`, `xmp`, `quicktime:location.ISO6709`,
    /// `mp4:©xyz`, `mp4:loci`).
    pub source: String,
}

/// The device and software the file names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub make: Option<String>,
    pub model: Option<String>,
    pub software: Option<String>,
}

/// Selected XMP properties, as written in the packet (bounded strings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Xmp {
    pub create_date: Option<String>,
    pub date_time_original: Option<String>,
    pub date_created: Option<String>,
    pub creator_tool: Option<String>,
    pub gps_latitude: Option<String>,
    pub gps_longitude: Option<String>,
    pub gps_altitude: Option<String>,
    pub gps_altitude_ref: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
}

/// Facts from an ISO base media file (MP4, QuickTime MOV, 3GP, HEIF).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mp4Metadata {
    /// `ftyp` major brand (`isom`, `qt  `, `heic`, ...).
    pub major_brand: Option<String>,
    pub compatible_brands: Vec<String>,
    /// `mvhd` creation time (UTC by the specification; some cameras write local time), RFC 3339.
    pub creation_time: Option<String>,
    pub modification_time: Option<String>,
    pub duration_seconds: Option<f64>,
    /// Rotation to apply for display, from the first video track's matrix (0, 90, 180, 270).
    pub rotation_degrees: Option<u16>,
    /// The location as written (ISO 6709, from `©xyz` or the QuickTime location key).
    pub location_iso6709: Option<String>,
    /// QuickTime `com.apple.quicktime.creationdate` (local time with offset), as written.
    pub creation_date: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub software: Option<String>,
}

/// Extracts what `bytes_prefix` — the start of a file, ideally its first [`PREFIX_LIMIT`] bytes
/// or all of it — says about itself. `media_type_hint` is the uploader's declared type: it only
/// refines a detected family (a `text/plain` file declared `text/csv`, a zip declared an office
/// document, an MP4 declared `audio/mp4`), never overrides the bytes.
///
/// MP4/MOV files written by phones usually keep their headers (`moov`) at the end: if that is
/// beyond `bytes_prefix`, a warning says so; use [`extract_from_reader`] or
/// [`crate::FileStore::extract_metadata`] to read them where they are.
pub fn extract(bytes_prefix: &[u8], media_type_hint: Option<&str>) -> ExtractedMetadata {
    let prefix = bytes_prefix.get(..PREFIX_LIMIT).unwrap_or(bytes_prefix);
    let mut source = bmff::SliceSource::new(prefix);
    extract_with(prefix, &mut source, media_type_hint)
}

/// Like [`extract`], over a whole file that can be read at any offset (a local file): image
/// metadata from the first [`PREFIX_LIMIT`] bytes, MP4/QuickTime headers wherever they are.
pub fn extract_from_reader<R: Read + Seek>(
    mut reader: R,
    media_type_hint: Option<&str>,
) -> io::Result<ExtractedMetadata> {
    let len = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(0))?;
    let mut prefix = Vec::new();
    (&mut reader).take(PREFIX_LIMIT as u64).read_to_end(&mut prefix)?;
    let mut source = bmff::ReaderSource::new(reader, len);
    let metadata = extract_with(&prefix, &mut source, media_type_hint);
    match source.error() {
        Some(e) => Err(e),
        None => Ok(metadata),
    }
}

/// The extraction itself; `source` gives MP4 boxes beyond `prefix` when it can.
pub(crate) fn extract_with(prefix: &[u8], source: &mut dyn Source, media_type_hint: Option<&str>) -> ExtractedMetadata {
    let detected = detect::detect_media_type(prefix);
    let (media_type, declared) = detect::reconcile(&detected, media_type_hint);
    let mut meta = ExtractedMetadata {
        media_type,
        declared_media_type: declared,
        ..ExtractedMetadata::default()
    };
    if prefix.is_empty() {
        meta.warnings.push("the file is empty".to_owned());
        return meta;
    }

    let family = detect::family(&detected);
    if family == detect::Family::Image || family == detect::Family::Bmff {
        exif_fields::read_exif(prefix, &mut meta);
    }
    if matches!(
        family,
        detect::Family::Image | detect::Family::Bmff | detect::Family::Document
    ) {
        xmp::read_xmp(prefix, &mut meta);
    }
    if family == detect::Family::Bmff {
        bmff::read_bmff(source, &mut meta);
    }
    if family == detect::Family::Image
        && let Some((width, height)) = picture::dimensions(prefix)
    {
        meta.width = Some(width);
        meta.height = Some(height);
    }
    if prefix.len() >= PREFIX_LIMIT && family == detect::Family::Image {
        meta.warnings.push(format!(
            "only the first {PREFIX_LIMIT} bytes were examined for image metadata"
        ));
    }
    meta
}

/// Puts `value` as `captured_at` unless an earlier (better) source set it.
fn offer_captured_at(meta: &mut ExtractedMetadata, value: String, source: &str) {
    if meta.captured_at.is_none() {
        meta.captured_at = Some(value);
        meta.captured_at_source = Some(source.to_owned());
    }
}

/// Puts `gps` unless an earlier (better) source set it; checks the ranges.
fn offer_gps(meta: &mut ExtractedMetadata, mut gps: Gps) {
    // 1e-7 degrees is about a centimetre: finer digits are arithmetic noise.
    gps.lat = (gps.lat * 1e7).round() / 1e7;
    gps.lon = (gps.lon * 1e7).round() / 1e7;
    gps.altitude = gps.altitude.map(|a| (a * 1e3).round() / 1e3);
    let valid = gps.lat.is_finite()
        && gps.lon.is_finite()
        && (-90.0..=90.0).contains(&gps.lat)
        && (-180.0..=180.0).contains(&gps.lon)
        && gps
            .altitude
            .is_none_or(|a| a.is_finite() && (-12_000.0..=100_000.0).contains(&a));
    if !valid {
        warn(
            meta,
            format!(
                "{}: position out of range (lat {}, lon {}, altitude {:?}) ignored",
                gps.source, gps.lat, gps.lon, gps.altitude
            ),
        );
        return;
    }
    if meta.gps.is_none() {
        meta.gps = Some(gps);
    }
}

/// Fills the device fields that are still empty.
fn offer_device(meta: &mut ExtractedMetadata, make: Option<String>, model: Option<String>, software: Option<String>) {
    if make.is_none() && model.is_none() && software.is_none() {
        return;
    }
    let device = meta.device.get_or_insert_with(Device::default);
    if device.make.is_none() {
        device.make = make;
    }
    if device.model.is_none() {
        device.model = model;
    }
    if device.software.is_none() {
        device.software = software;
    }
}

fn warn(meta: &mut ExtractedMetadata, warning: String) {
    // A hostile file could produce many; a few say enough.
    if meta.warnings.len() < 32 {
        meta.warnings.push(text::bounded(&warning, 300));
    }
}
