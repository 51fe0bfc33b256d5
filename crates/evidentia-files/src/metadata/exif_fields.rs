//! EXIF, through `kamadak-exif`, with a memory budget.
//!
//! kamadak-exif finds the EXIF block in JPEG, PNG, WebP, TIFF and HEIF, checks every offset and
//! count against the data, and refuses IFD loops. It parses field values lazily, on access, and
//! a value may be referenced by any number of entries: 65,535 entries pointing at the same
//! megabyte would be 65 GB of values if all were read. So before reading any value, this module
//! walks the IFD structure itself (same traversal, sizes only) and reads only the fields whose
//! values fit a per-field and a total budget.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use exif::{Context, Exif, Field, In, Tag, Value};
use serde_json::Value as Json;

use super::text::{self, clean_text};
use super::{ExtractedMetadata, Gps, offer_captured_at, offer_device, offer_gps, warn};

/// Values larger than this are listed by size, not read.
const MAX_FIELD_BYTES: usize = 4 * 1024;
/// Estimated memory of all values read.
const MAX_TOTAL_ESTIMATE: usize = 2 * 1024 * 1024;
/// Entries looked at, across all IFDs.
const MAX_ENTRIES: usize = 4096;
/// Characters of a displayed value.
const MAX_DISPLAY: usize = 256;

/// What the walk found about one entry.
#[derive(Debug, Clone, Copy)]
struct EntrySize {
    /// Bytes of the value in the EXIF data; `None` if kamadak-exif would reject the entry.
    bytes: Option<usize>,
    /// Memory kamadak-exif allocates to hold the value.
    estimate: usize,
}

pub(crate) fn read_exif(prefix: &[u8], meta: &mut ExtractedMetadata) {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let exif = match reader.read_from_container(&mut Cursor::new(prefix)) {
        Ok(exif) => exif,
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            if let Some(first) = errors.first() {
                warn(
                    meta,
                    format!("EXIF partly malformed ({} problems, first: {first})", errors.len()),
                );
            }
            exif
        }
        // No EXIF at all is the common case for many files; only say so for real problems.
        Err(exif::Error::NotFound(_)) | Err(exif::Error::BlankValue(_)) => return,
        Err(exif::Error::InvalidFormat("Unknown image format")) => return,
        Err(e) => {
            warn(meta, format!("EXIF unreadable: {e}"));
            return;
        }
    };
    let sizes = scan(exif.buf(), exif.little_endian());
    let fields = Fields::new(&exif, &sizes, meta);
    fields.fill(meta);
}

/// Access to the fields whose values are within budget.
struct Fields<'a> {
    exif: &'a Exif,
    readable: HashSet<(In, Tag)>,
}

impl<'a> Fields<'a> {
    /// Decides which fields may be read, and writes `raw`.
    fn new(exif: &'a Exif, sizes: &BTreeMap<(In, Tag), EntrySize>, meta: &mut ExtractedMetadata) -> Self {
        let mut readable = HashSet::new();
        let mut total = 0usize;
        let mut over_budget = false;
        for (&(ifd, tag), size) in sizes {
            let key = raw_key(ifd, tag);
            if meta.raw.contains_key(&key) {
                continue;
            }
            let Some(bytes) = size.bytes else {
                continue;
            };
            if bytes > MAX_FIELD_BYTES {
                meta.raw.insert(key, Json::String(format!("({bytes} bytes)")));
                continue;
            }
            if total.saturating_add(size.estimate) > MAX_TOTAL_ESTIMATE {
                over_budget = true;
                continue;
            }
            total += size.estimate;
            readable.insert((ifd, tag));
            if let Some(field) = exif.get_field(tag, ifd) {
                meta.raw.insert(key, Json::String(display(field)));
            }
        }
        if over_budget {
            warn(meta, "EXIF too large: some fields were not read".to_owned());
        }
        Fields { exif, readable }
    }

    fn get(&self, tag: Tag, ifd: In) -> Option<&'a Field> {
        if self.readable.contains(&(ifd, tag)) {
            self.exif.get_field(tag, ifd)
        } else {
            None
        }
    }

    fn ascii(&self, tag: Tag) -> Option<String> {
        match &self.get(tag, In::PRIMARY)?.value {
            Value::Ascii(strings) => clean_text(strings.first()?),
            // Some writers use UNDEFINED or BYTE for text.
            Value::Undefined(bytes, _) | Value::Byte(bytes) => clean_text(bytes),
            _ => None,
        }
    }

    fn uint(&self, tag: Tag, ifd: In) -> Option<u32> {
        self.get(tag, ifd)?.value.get_uint(0)
    }

    fn rationals(&self, tag: Tag) -> Option<Vec<f64>> {
        match &self.get(tag, In::PRIMARY)?.value {
            Value::Rational(values) => values
                .iter()
                .take(3)
                .map(|r| (r.denom != 0).then(|| f64::from(r.num) / f64::from(r.denom)))
                .collect(),
            _ => None,
        }
    }

    fn fill(&self, meta: &mut ExtractedMetadata) {
        self.fill_time(meta);
        self.fill_gps(meta);
        offer_device(
            meta,
            self.ascii(Tag::Make),
            self.ascii(Tag::Model),
            self.ascii(Tag::Software),
        );
        if let Some(orientation) = self.uint(Tag::Orientation, In::PRIMARY) {
            match u16::try_from(orientation) {
                Ok(o @ 1..=8) => meta.orientation = Some(o),
                _ => warn(meta, format!("EXIF Orientation {orientation} is not 1–8; ignored")),
            }
        }
        let width = self
            .uint(Tag::PixelXDimension, In::PRIMARY)
            .or_else(|| self.uint(Tag::ImageWidth, In::PRIMARY));
        let height = self
            .uint(Tag::PixelYDimension, In::PRIMARY)
            .or_else(|| self.uint(Tag::ImageLength, In::PRIMARY));
        if let (Some(w), Some(h)) = (width, height)
            && w > 0
            && h > 0
        {
            meta.width = Some(w);
            meta.height = Some(h);
        }
    }

    fn fill_time(&self, meta: &mut ExtractedMetadata) {
        let candidates = [
            (
                Tag::DateTimeOriginal,
                Tag::OffsetTimeOriginal,
                Tag::SubSecTimeOriginal,
                "exif:DateTimeOriginal",
            ),
            (
                Tag::DateTimeDigitized,
                Tag::OffsetTimeDigitized,
                Tag::SubSecTimeDigitized,
                "exif:DateTimeDigitized",
            ),
        ];
        for (date_tag, offset_tag, subsec_tag, source) in candidates {
            let Some(raw) = self.ascii(date_tag) else {
                continue;
            };
            let Some(mut value) = text::exif_datetime(&raw) else {
                warn(meta, format!("{source} {raw:?} is not a date; ignored"));
                continue;
            };
            if let Some(fraction) = self.ascii(subsec_tag).and_then(|s| text::subsec(&s)) {
                value.push('.');
                value.push_str(&fraction);
            }
            if let Some(offset) = self.ascii(offset_tag).and_then(|s| text::utc_offset(&s)) {
                value.push_str(&offset);
            }
            offer_captured_at(meta, value, source);
            return;
        }
    }

    fn fill_gps(&self, meta: &mut ExtractedMetadata) {
        let (Some(lat), Some(lon)) = (self.rationals(Tag::GPSLatitude), self.rationals(Tag::GPSLongitude)) else {
            return;
        };
        let lat_ref = self.ascii(Tag::GPSLatitudeRef);
        let lon_ref = self.ascii(Tag::GPSLongitudeRef);
        let sign = |reference: Option<&str>, positive: &str, negative: &str| match reference {
            Some(r) if r.eq_ignore_ascii_case(positive) => Some(1.0),
            Some(r) if r.eq_ignore_ascii_case(negative) => Some(-1.0),
            _ => None,
        };
        let (Some(lat_sign), Some(lon_sign)) = (sign(lat_ref.as_deref(), "N", "S"), sign(lon_ref.as_deref(), "E", "W"))
        else {
            warn(
                meta,
                "EXIF GPS position without a valid N/S or E/W reference; ignored".to_owned(),
            );
            return;
        };
        let (Some(lat), Some(lon)) = (degrees(&lat), degrees(&lon)) else {
            warn(
                meta,
                "EXIF GPS position malformed (zero denominators or minutes/seconds out of range); ignored".to_owned(),
            );
            return;
        };
        let altitude = self
            .rationals(Tag::GPSAltitude)
            .and_then(|a| a.first().copied())
            .map(|a| {
                // GPSAltitudeRef 1: below sea level.
                if self.uint(Tag::GPSAltitudeRef, In::PRIMARY) == Some(1) {
                    -a
                } else {
                    a
                }
            });
        let time = self.gps_time();
        offer_gps(
            meta,
            Gps {
                lat: lat_sign * lat,
                lon: lon_sign * lon,
                altitude,
                time,
                source: "exif".to_owned(),
            },
        );
    }

    /// `GPSDateStamp` (`YYYY:MM:DD`) and `GPSTimeStamp` (three rationals), UTC.
    fn gps_time(&self) -> Option<String> {
        let date = self.ascii(Tag::GPSDateStamp)?;
        let hms = self.rationals(Tag::GPSTimeStamp)?;
        let (h, m, s) = (*hms.first()?, *hms.get(1)?, *hms.get(2)?);
        if !(h.fract() == 0.0 && m.fract() == 0.0 && (0.0..24.0).contains(&h) && (0.0..60.0).contains(&m)) {
            return None;
        }
        if !(0.0..61.0).contains(&s) {
            return None;
        }
        let whole = format!("{} {:02}:{:02}:{:02}", date, h as u32, m as u32, s.trunc() as u32);
        text::exif_datetime(&whole).map(|t| format!("{t}Z"))
    }
}

/// Degrees, minutes, seconds → decimal degrees; `None` if a part is missing or out of range.
fn degrees(dms: &[f64]) -> Option<f64> {
    let d = *dms.first()?;
    let m = dms.get(1).copied().unwrap_or(0.0);
    let s = dms.get(2).copied().unwrap_or(0.0);
    if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) || d < 0.0 {
        return None;
    }
    Some(d + m / 60.0 + s / 3600.0)
}

fn raw_key(ifd: In, tag: Tag) -> String {
    let name = if tag.description().is_some() {
        tag.to_string()
    } else {
        format!("{:?}.0x{:04x}", tag.context(), tag.number())
    };
    match ifd.index() {
        0 => name,
        1 => format!("thumbnail.{name}"),
        n => format!("ifd{n}.{name}"),
    }
}

fn display(field: &Field) -> String {
    match &field.value {
        Value::Ascii(strings) => {
            let joined: Vec<String> = strings.iter().take(8).filter_map(|s| clean_text(s)).collect();
            text::bounded(&joined.join(", "), MAX_DISPLAY)
        }
        _ => text::bounded(&field.display_value().to_string(), MAX_DISPLAY),
    }
}

/// Walks the TIFF structure of EXIF data as kamadak-exif does — IFD0 and its successors (at
/// most 8), the Exif, GPS and Interoperability IFDs they point to, each IFD once — and records
/// each entry's value size. Everything is bounds-checked; nothing is allocated per entry beyond
/// the map (at most [`MAX_ENTRIES`]).
fn scan(data: &[u8], little_endian: bool) -> BTreeMap<(In, Tag), EntrySize> {
    let mut walk = Walk {
        data,
        le: little_endian,
        seen: HashSet::new(),
        sizes: BTreeMap::new(),
        entries: 0,
    };
    let mut offset = walk.u32_at(4).map_or(0, |o| o as usize);
    for ifd_num in 0..8u16 {
        if offset == 0 {
            break;
        }
        match walk.ifd(offset, Context::Tiff, ifd_num) {
            Some(next) => offset = next,
            None => break,
        }
    }
    walk.sizes
}

struct Walk<'a> {
    data: &'a [u8],
    le: bool,
    seen: HashSet<usize>,
    sizes: BTreeMap<(In, Tag), EntrySize>,
    entries: usize,
}

impl Walk<'_> {
    fn u16_at(&self, offset: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(offset..offset.checked_add(2)?)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32_at(&self, offset: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// Records the entries of the IFD at `offset`; answers the next IFD's offset (0: none).
    fn ifd(&mut self, offset: usize, ctx: Context, ifd_num: u16) -> Option<usize> {
        if !self.seen.insert(offset) {
            return None;
        }
        let count = usize::from(self.u16_at(offset)?);
        let mut at = offset.checked_add(2)?;
        let mut children = Vec::new();
        for _ in 0..count {
            if self.entries >= MAX_ENTRIES {
                return None;
            }
            self.entries += 1;
            let tag = self.u16_at(at)?;
            let typ = self.u16_at(at.checked_add(2)?)?;
            let cnt = self.u32_at(at.checked_add(4)?)? as usize;
            let value_at = at.checked_add(8)?;
            at = at.checked_add(12)?;
            let unit = unit_size(typ);
            let bytes = unit.checked_mul(cnt).and_then(|len| {
                if len <= 4 {
                    Some(len)
                } else {
                    let start = self.u32_at(value_at)? as usize;
                    (start.checked_add(len)? <= self.data.len()).then_some(len)
                }
            });
            let tag = Tag(ctx, tag);
            let child = match (ctx, tag) {
                (Context::Tiff, Tag::ExifIFDPointer) => Some(Context::Exif),
                (Context::Tiff, Tag::GPSInfoIFDPointer) => Some(Context::Gps),
                (Context::Exif, Tag::InteropIFDPointer) => Some(Context::Interop),
                _ => None,
            };
            if let Some(child_ctx) = child {
                if let Some(pointer) = self.pointer(typ, cnt, value_at, bytes) {
                    children.push((pointer, child_ctx));
                }
                continue;
            }
            let estimate = bytes.map_or(0, |b| estimate(typ, b));
            let size = EntrySize { bytes, estimate };
            self.sizes
                .entry((In(ifd_num), tag))
                .and_modify(|known| {
                    // Duplicates: assume the larger (either may be the one kamadak-exif keeps).
                    known.bytes = known.bytes.max(size.bytes);
                    known.estimate = known.estimate.max(size.estimate);
                })
                .or_insert(size);
        }
        let next = self.u32_at(at).map_or(0, |n| n as usize);
        for (pointer, child_ctx) in children {
            self.ifd(pointer, child_ctx, ifd_num);
        }
        Some(next)
    }

    /// The first unsigned integer of a pointer entry (BYTE, SHORT or LONG), as kamadak-exif
    /// reads it.
    fn pointer(&self, typ: u16, cnt: usize, value_at: usize, bytes: Option<usize>) -> Option<usize> {
        let len = bytes?;
        if cnt == 0 {
            return None;
        }
        let at = if len <= 4 {
            value_at
        } else {
            self.u32_at(value_at)? as usize
        };
        match typ {
            1 => self.data.get(at).map(|&b| usize::from(b)),
            3 => self.u16_at(at).map(usize::from),
            4 => self.u32_at(at).map(|v| v as usize),
            _ => None,
        }
    }
}

/// Bytes per value of a TIFF type; 0 for types kamadak-exif does not parse.
fn unit_size(typ: u16) -> usize {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

/// Memory kamadak-exif uses to hold a value of `bytes` bytes: one vector per NUL-separated
/// string for ASCII (`Vec<Vec<u8>>`), about the same size as the bytes for the others.
fn estimate(typ: u16, bytes: usize) -> usize {
    match typ {
        2 => bytes.saturating_mul(25).saturating_add(24),
        _ => bytes.saturating_add(24),
    }
}
