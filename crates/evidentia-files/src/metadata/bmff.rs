//! A small, bounded walker over ISO base media files (MP4, QuickTime MOV, 3GP, HEIF).
//!
//! It reads only the boxes that carry metadata — `ftyp`, `moov/mvhd`, `moov/trak/tkhd`,
//! `moov/udta` (`©xyz`, `©mak`, `©mod`, `©swr`, `©day`, `loci`, `meta`), `moov/meta` (QuickTime
//! `keys` + `ilst`) — wherever they are in the file: phones usually write `moov` after the media
//! data, at the end. Box sizes are checked against their container, every read is bounded, the
//! number of boxes and the bytes read are capped. (Mozilla's `mp4parse` does not expose `mvhd`
//! times, duration or these user-data boxes, hence this walker.)

use std::io::{self, Read, Seek, SeekFrom};

use super::text::{self, clean_text};
use super::{ExtractedMetadata, Gps, Mp4Metadata, offer_captured_at, offer_device, offer_gps, warn};

/// `moov` boxes up to this size are read whole; larger ones (long recordings with big sample
/// tables) are walked box by box.
const MOOV_READ_WHOLE: u64 = 8 * 1024 * 1024;
/// Largest `udta` / `meta` box read.
const MAX_USER_DATA: u64 = 1024 * 1024;
/// Bytes read through a [`Source`] per file, all boxes together.
const READ_BUDGET: usize = 32 * 1024 * 1024;
/// Boxes looked at per file.
const BOX_BUDGET: usize = 4096;

/// Bytes of a file at any offset, as far as available.
pub(crate) trait Source {
    /// The length of the file (for a prefix: of the prefix).
    fn size(&self) -> u64;
    /// Up to `len` bytes at `offset` (fewer only at the end of the file); `None` when they
    /// cannot be had now (not fetched yet, or a read error).
    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>>;
}

/// A file held in memory (or the part of it that is).
pub(crate) struct SliceSource<'a> {
    bytes: &'a [u8],
}

impl<'a> SliceSource<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        SliceSource { bytes }
    }
}

impl Source for SliceSource<'_> {
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let start = usize::try_from(offset).ok()?.min(self.bytes.len());
        let end = start.saturating_add(len).min(self.bytes.len());
        self.bytes.get(start..end).map(<[u8]>::to_vec)
    }
}

/// A file read through `Read + Seek`.
pub(crate) struct ReaderSource<R> {
    reader: R,
    size: u64,
    error: Option<io::Error>,
}

impl<R: Read + Seek> ReaderSource<R> {
    pub fn new(reader: R, size: u64) -> Self {
        ReaderSource {
            reader,
            size,
            error: None,
        }
    }

    /// The first read error, if any (the walk stops there).
    pub fn error(self) -> Option<io::Error> {
        self.error
    }
}

impl<R: Read + Seek> Source for ReaderSource<R> {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        if self.error.is_some() {
            return None;
        }
        let available = self.size.saturating_sub(offset).min(len as u64);
        let mut buf = Vec::new();
        let result = self
            .reader
            .seek(SeekFrom::Start(offset))
            .and_then(|_| (&mut self.reader).take(available).read_to_end(&mut buf));
        match result {
            Ok(_) => Some(buf),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
}

/// A box: its type and where its payload is.
#[derive(Debug, Clone, Copy)]
struct BoxHeader {
    kind: [u8; 4],
    payload: u64,
    end: u64,
}

impl BoxHeader {
    fn payload_len(&self) -> u64 {
        self.end - self.payload
    }
}

struct Walker<'s> {
    source: &'s mut dyn Source,
    bytes_left: usize,
    boxes_left: usize,
    /// A read returned nothing: the walk is incomplete.
    starved: bool,
    /// A box claimed to extend past its container (a truncated file, or only a prefix given).
    cut: bool,
}

impl<'s> Walker<'s> {
    fn new(source: &'s mut dyn Source) -> Self {
        Walker {
            source,
            bytes_left: READ_BUDGET,
            boxes_left: BOX_BUDGET,
            starved: false,
            cut: false,
        }
    }

    fn read(&mut self, offset: u64, len: u64) -> Option<Vec<u8>> {
        let len = usize::try_from(len).ok()?;
        if len > self.bytes_left {
            self.bytes_left = 0;
            return None;
        }
        self.bytes_left -= len;
        let bytes = self.source.read_at(offset, len);
        if bytes.is_none() {
            self.starved = true;
        }
        bytes
    }

    /// The boxes between `start` and `end` (at most `max`).
    fn children(&mut self, start: u64, end: u64, max: usize) -> Vec<BoxHeader> {
        let mut boxes = Vec::new();
        let mut at = start;
        while at < end && boxes.len() < max && self.boxes_left > 0 {
            self.boxes_left -= 1;
            let Some(head) = self.read(at, 16.min(end - at)) else {
                break;
            };
            let Some((kind, header_len, size)) = parse_header(&head) else {
                break;
            };
            let declared_end = match size {
                Some(size) if size >= header_len => at.checked_add(size),
                Some(_) => break,
                None => Some(end), // size 0: to the end of the container
            };
            let Some(declared_end) = declared_end else {
                break;
            };
            let box_end = if declared_end > end {
                self.cut = true;
                end
            } else {
                declared_end
            };
            let Some(payload) = at.checked_add(header_len).filter(|&p| p <= box_end) else {
                break;
            };
            boxes.push(BoxHeader {
                kind,
                payload,
                end: box_end,
            });
            at = declared_end;
        }
        boxes
    }

    fn payload(&mut self, header: &BoxHeader, max: u64) -> Option<Vec<u8>> {
        self.read(header.payload, header.payload_len().min(max))
    }
}

/// Type, header length and size (`None`: to the end of the container) of the box at the start
/// of `head`.
fn parse_header(head: &[u8]) -> Option<([u8; 4], u64, Option<u64>)> {
    let size32 = be_u32(head, 0)?;
    let kind: [u8; 4] = head.get(4..8)?.try_into().ok()?;
    let (mut header_len, size) = match size32 {
        0 => (8, None),
        1 => (16, Some(be_u64(head, 8)?)),
        n => (8, Some(u64::from(n))),
    };
    if &kind == b"uuid" {
        header_len += 16;
    }
    Some((kind, header_len, size))
}

fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

fn fourcc(kind: &[u8]) -> String {
    kind.iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect()
}

/// What the walk found, before it is merged into the metadata.
#[derive(Default)]
struct Found {
    mp4: Mp4Metadata,
    has_moov: bool,
    width: Option<u32>,
    height: Option<u32>,
    /// Location from the QuickTime keys, `©xyz`, `loci`, in that order of preference.
    locations: Vec<Gps>,
    day: Option<String>,
}

pub(crate) fn read_bmff(source: &mut dyn Source, meta: &mut ExtractedMetadata) {
    let mut walker = Walker::new(source);
    let mut found = Found::default();
    let size = walker.source.size();
    for top in walker.children(0, size, 1024) {
        match &top.kind {
            b"ftyp" => read_ftyp(&mut walker, &top, &mut found.mp4),
            b"moov" if !found.has_moov => {
                found.has_moov = true;
                if top.payload_len() <= MOOV_READ_WHOLE {
                    // One read (one fetch from object storage), then walk it in memory.
                    if let Some(moov) = walker.payload(&top, MOOV_READ_WHOLE) {
                        let mut inner = SliceSource::new(&moov);
                        let mut inner_walker = Walker::new(&mut inner);
                        inner_walker.bytes_left = walker.bytes_left;
                        read_moov(&mut inner_walker, 0, moov.len() as u64, &mut found);
                        walker.cut |= inner_walker.cut;
                    }
                } else {
                    read_moov(&mut walker, top.payload, top.end, &mut found);
                }
            }
            _ => {}
        }
    }
    merge(found, &walker, meta);
}

fn merge(found: Found, walker: &Walker<'_>, meta: &mut ExtractedMetadata) {
    let still_image = matches!(meta.media_type.as_str(), "image/heic" | "image/heif" | "image/avif");
    if !found.has_moov && !still_image {
        let reason = if walker.starved || walker.cut {
            "the MP4 header box (moov) lies beyond the bytes examined"
        } else {
            "no MP4 header box (moov) found"
        };
        warn(meta, format!("{reason}: no creation time, duration or location read"));
    } else if walker.cut && found.has_moov {
        warn(meta, "the MP4 file is truncated".to_owned());
    }
    let mut mp4 = found.mp4;
    if let Some(date) = mp4.creation_date.clone() {
        match text::iso_datetime(&date) {
            Some(date) => offer_captured_at(meta, date, "quicktime:creationdate"),
            None => warn(meta, format!("QuickTime creationdate {date:?} is not a date; ignored")),
        }
    }
    if let Some(day) = found.day.and_then(|d| text::iso_datetime(&d)) {
        offer_captured_at(meta, day, "mp4:©day");
    }
    if let Some(created) = mp4.creation_time.clone() {
        offer_captured_at(meta, created, "mp4:mvhd");
    }
    for gps in found.locations {
        offer_gps(meta, gps);
    }
    offer_device(meta, mp4.make.clone(), mp4.model.clone(), mp4.software.clone());
    if meta.duration_seconds.is_none() {
        meta.duration_seconds = mp4.duration_seconds;
    }
    if meta.width.is_none() && meta.height.is_none() {
        meta.width = found.width;
        meta.height = found.height;
    }
    mp4.compatible_brands.truncate(32);
    meta.mp4 = Some(mp4);
}

fn read_ftyp(walker: &mut Walker<'_>, ftyp: &BoxHeader, mp4: &mut Mp4Metadata) {
    let Some(payload) = walker.payload(ftyp, 8 + 4 * 32) else {
        return;
    };
    mp4.major_brand = payload.get(0..4).map(fourcc);
    mp4.compatible_brands = payload
        .get(8..)
        .unwrap_or_default()
        .chunks_exact(4)
        .map(fourcc)
        .collect();
}

fn read_moov(walker: &mut Walker<'_>, start: u64, end: u64, found: &mut Found) {
    for child in walker.children(start, end, 1024) {
        match &child.kind {
            b"mvhd" => {
                if let Some(payload) = walker.payload(&child, 128) {
                    read_mvhd(&payload, &mut found.mp4);
                }
            }
            b"trak" => {
                for part in walker.children(child.payload, child.end, 64) {
                    if &part.kind == b"tkhd"
                        && let Some(payload) = walker.payload(&part, 128)
                    {
                        read_tkhd(&payload, found);
                    }
                }
            }
            b"udta" if child.payload_len() <= MAX_USER_DATA => read_udta(walker, &child, found),
            b"meta" if child.payload_len() <= MAX_USER_DATA => read_meta(walker, &child, found),
            _ => {}
        }
    }
}

fn read_mvhd(p: &[u8], mp4: &mut Mp4Metadata) {
    let version = p.first().copied();
    let (created, modified, timescale, duration) = match version {
        Some(1) => (
            be_u64(p, 4),
            be_u64(p, 12),
            be_u32(p, 20),
            be_u64(p, 24).filter(|&d| d != u64::MAX),
        ),
        Some(0) => (
            be_u32(p, 4).map(u64::from),
            be_u32(p, 8).map(u64::from),
            be_u32(p, 12),
            be_u32(p, 16).filter(|&d| d != u32::MAX).map(u64::from),
        ),
        _ => return,
    };
    mp4.creation_time = created.and_then(text::mp4_time);
    mp4.modification_time = modified.and_then(text::mp4_time);
    if let (Some(timescale), Some(duration)) = (timescale.filter(|&t| t > 0), duration) {
        let seconds = duration as f64 / f64::from(timescale);
        if seconds.is_finite() && seconds < 1e9 {
            mp4.duration_seconds = Some((seconds * 1000.0).round() / 1000.0);
        }
    }
}

fn read_tkhd(p: &[u8], found: &mut Found) {
    let (matrix_at, size_at) = match p.first() {
        Some(1) => (52, 88),
        Some(0) => (40, 76),
        _ => return,
    };
    let (Some(w), Some(h)) = (be_u32(p, size_at), be_u32(p, size_at + 4)) else {
        return;
    };
    // 16.16 fixed point; audio tracks are 0 × 0.
    let (w, h) = (w >> 16, h >> 16);
    if w == 0 || h == 0 || found.width.is_some() {
        return;
    }
    found.width = Some(w);
    found.height = Some(h);
    let (Some(a), Some(b), Some(c), Some(d)) = (
        be_i32(p, matrix_at),
        be_i32(p, matrix_at + 4),
        be_i32(p, matrix_at + 12),
        be_i32(p, matrix_at + 16),
    ) else {
        return;
    };
    const ONE: i32 = 1 << 16;
    found.mp4.rotation_degrees = match (a, b, c, d) {
        (ONE, 0, 0, ONE) => Some(0),
        (0, ONE, x, 0) if x == -ONE => Some(90),
        (x, 0, 0, y) if x == -ONE && y == -ONE => Some(180),
        (0, x, ONE, 0) if x == -ONE => Some(270),
        _ => None,
    };
}

fn read_udta(walker: &mut Walker<'_>, udta: &BoxHeader, found: &mut Found) {
    for item in walker.children(udta.payload, udta.end, 256) {
        match &item.kind {
            b"meta" => read_meta(walker, &item, found),
            b"loci" => {
                if let Some(payload) = walker.payload(&item, 4096)
                    && let Some(gps) = read_loci(&payload)
                {
                    found.locations.push(gps);
                }
            }
            [0xA9, ..] => {
                let Some(payload) = walker.payload(&item, 4096) else {
                    continue;
                };
                // QuickTime international text: length, language, text.
                let len = usize::from(be_u16(&payload, 0).unwrap_or(0));
                let text = payload.get(4..4 + len).and_then(clean_text);
                quicktime_item(&item.kind, text, "mp4:©xyz", found);
            }
            _ => {}
        }
    }
}

/// A user-data item by its four-character code.
fn quicktime_item(kind: &[u8; 4], value: Option<String>, location_source: &str, found: &mut Found) {
    let Some(value) = value else {
        return;
    };
    let mp4 = &mut found.mp4;
    match kind {
        [0xA9, b'x', b'y', b'z'] => {
            if let Some(gps) = iso6709(&value, location_source) {
                found.locations.push(gps);
            }
            mp4.location_iso6709.get_or_insert(value);
        }
        [0xA9, b'm', b'a', b'k'] => {
            mp4.make.get_or_insert(value);
        }
        [0xA9, b'm', b'o', b'd'] => {
            mp4.model.get_or_insert(value);
        }
        [0xA9, b's', b'w', b'r'] | [0xA9, b't', b'o', b'o'] => {
            mp4.software.get_or_insert(value);
        }
        [0xA9, b'd', b'a', b'y'] => {
            found.day.get_or_insert(value);
        }
        _ => {}
    }
}

/// `meta`: QuickTime (`hdlr` `mdta`, `keys`, `ilst` indexed by key) or iTunes style (`ilst`
/// items named by four-character codes). In MP4 files `meta` is a full box (4 more bytes).
fn read_meta(walker: &mut Walker<'_>, meta: &BoxHeader, found: &mut Found) {
    let Some(payload) = walker.payload(meta, MAX_USER_DATA) else {
        return;
    };
    let start = if payload.get(4..8) == Some(b"hdlr".as_slice()) {
        0
    } else {
        4
    };
    let mut inner = SliceSource::new(payload.get(start..).unwrap_or_default());
    let mut inner_walker = Walker::new(&mut inner);
    let len = inner_walker.source.size();
    let children = inner_walker.children(0, len, 64);
    let mut keys: Vec<String> = Vec::new();
    for child in &children {
        if &child.kind == b"keys"
            && let Some(p) = inner_walker.payload(child, MAX_USER_DATA)
        {
            keys = read_keys(&p);
        }
    }
    for child in &children {
        if &child.kind != b"ilst" {
            continue;
        }
        for item in inner_walker.children(child.payload, child.end, 256) {
            let value = inner_walker
                .children(item.payload, item.end, 8)
                .into_iter()
                .find(|b| &b.kind == b"data")
                .and_then(|data| inner_walker.payload(&data, 4096))
                .and_then(|p| data_text(&p));
            let index = u32::from_be_bytes(item.kind) as usize;
            match keys.get(index.wrapping_sub(1)).map(String::as_str) {
                Some(key) => quicktime_key(key, value, found),
                _ => quicktime_item(&item.kind, value, "mp4:©xyz", found),
            }
        }
    }
}

fn quicktime_key(key: &str, value: Option<String>, found: &mut Found) {
    let Some(value) = value else {
        return;
    };
    let mp4 = &mut found.mp4;
    match key {
        "com.apple.quicktime.location.ISO6709" => {
            if let Some(gps) = iso6709(&value, "quicktime:location.ISO6709") {
                // Preferred over ©xyz: put first.
                found.locations.insert(0, gps);
            }
            mp4.location_iso6709 = Some(value);
        }
        "com.apple.quicktime.make" => mp4.make = Some(value),
        "com.apple.quicktime.model" => mp4.model = Some(value),
        "com.apple.quicktime.software" => mp4.software = Some(value),
        "com.apple.quicktime.creationdate" => mp4.creation_date = Some(value),
        _ => {}
    }
}

/// `keys`: version/flags, count, then (size, namespace, name) entries.
fn read_keys(p: &[u8]) -> Vec<String> {
    let count = be_u32(p, 4).unwrap_or(0).min(256);
    let mut keys = Vec::new();
    let mut at = 8usize;
    for _ in 0..count {
        let Some(size) = be_u32(p, at).map(|s| s as usize) else {
            break;
        };
        if size < 8 {
            break;
        }
        let name = p
            .get(at + 8..at.saturating_add(size))
            .and_then(clean_text)
            .unwrap_or_default();
        keys.push(name);
        at = at.saturating_add(size);
    }
    keys
}

/// A `data` box payload: type (1 = UTF-8), locale, value.
fn data_text(p: &[u8]) -> Option<String> {
    let kind = be_u32(p, 0)? & 0x00FF_FFFF;
    if kind == 1 { clean_text(p.get(8..)?) } else { None }
}

/// 3GPP `loci`: version/flags, language, name (NUL-terminated), role, then longitude,
/// latitude and altitude as signed 16.16 fixed point.
fn read_loci(p: &[u8]) -> Option<Gps> {
    let name_start = 6;
    let name_len = p.get(name_start..)?.iter().position(|&b| b == 0)?;
    let at = name_start + name_len + 1 + 1; // NUL, role
    let fixed = |o: usize| be_i32(p, o).map(|v| f64::from(v) / 65536.0);
    Some(Gps {
        lon: fixed(at)?,
        lat: fixed(at + 4)?,
        altitude: fixed(at + 8),
        time: None,
        source: "mp4:loci".to_owned(),
    })
}

/// An ISO 6709 point as QuickTime writes it: `±DD.DDDD±DDD.DDDD[±AAA.AAA][CRS…]/`; also the
/// degrees-minutes(-seconds) forms `±DDMM.MM±DDDMM.MM` and `±DDMMSS.S±DDDMMSS.S`.
pub(crate) fn iso6709(value: &str, source: &str) -> Option<Gps> {
    let value = value.trim().trim_end_matches('/');
    let value = value.split("CRS").next().unwrap_or(value);
    if value.len() > 64 || !value.is_ascii() {
        return None;
    }
    let mut parts = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices() {
        if c == '+' || c == '-' {
            if let Some(s) = start {
                parts.push(value.get(s..i)?);
            }
            start = Some(i);
        } else if !(c.is_ascii_digit() || c == '.') {
            return None;
        }
    }
    parts.push(value.get(start?..)?);
    let lat = angle(parts.first()?, 2)?;
    let lon = angle(parts.get(1)?, 3)?;
    let altitude = match parts.get(2) {
        Some(a) => Some(a.parse::<f64>().ok().filter(|a| a.is_finite())?),
        None => None,
    };
    if parts.len() > 3 {
        return None;
    }
    Some(Gps {
        lat,
        lon,
        altitude,
        time: None,
        source: source.to_owned(),
    })
}

/// `±D…` with `degree_digits` digits of degrees, optionally followed by two digits of minutes
/// and two of seconds, and a decimal fraction of the last.
fn angle(part: &str, degree_digits: usize) -> Option<f64> {
    let sign = match part.get(..1)? {
        "+" => 1.0,
        "-" => -1.0,
        _ => return None,
    };
    let body = part.get(1..)?;
    let whole = body.split('.').next()?;
    let fraction = body.get(whole.len()..)?; // "" or ".ddd"
    let number = |s: &str| s.parse::<f64>().ok();
    let value = match whole.len().checked_sub(degree_digits)? {
        0 => number(body)?,
        2 => {
            let d = number(whole.get(..degree_digits)?)?;
            let m = number(&format!("{}{fraction}", whole.get(degree_digits..)?))?;
            if m >= 60.0 {
                return None;
            }
            d + m / 60.0
        }
        4 => {
            let d = number(whole.get(..degree_digits)?)?;
            let m = number(whole.get(degree_digits..degree_digits + 2)?)?;
            let s = number(&format!("{}{fraction}", whole.get(degree_digits + 2..)?))?;
            if m >= 60.0 || s >= 60.0 {
                return None;
            }
            d + m / 60.0 + s / 3600.0
        }
        _ => return None,
    };
    value.is_finite().then_some(sign * value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso6709_forms() {
        let p = iso6709("+50.4501+030.5234+150.000/", "t").unwrap();
        assert_eq!((p.lat, p.lon, p.altitude), (50.4501, 30.5234, Some(150.0)));
        let p = iso6709("-3330.5-07045.0/", "t").unwrap();
        assert!((p.lat + 33.508_333).abs() < 1e-5 && (p.lon + 70.75).abs() < 1e-9);
        let p = iso6709("+404530.5-0735930.0CRSWGS_84/", "t").unwrap();
        assert!((p.lat - 40.758_472).abs() < 1e-5, "{}", p.lat);
        assert!(iso6709("", "t").is_none());
        assert!(iso6709("+5+3", "t").is_none());
        assert!(iso6709("+50.1+030.1+1+2+3", "t").is_none());
        assert!(iso6709("+50.1x+030.1", "t").is_none());
    }

    #[test]
    fn headers_that_lie() {
        // A box claiming 2^64 - 1 bytes, a box smaller than its header, a zero-size box.
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&1u32.to_be_bytes());
        bytes.extend_from_slice(b"moov");
        bytes.extend_from_slice(&u64::MAX.to_be_bytes());
        let mut source = SliceSource::new(&bytes);
        let mut walker = Walker::new(&mut source);
        let boxes = walker.children(0, bytes.len() as u64, 10);
        assert_eq!(boxes.len(), 1);
        assert!(walker.cut);

        let tiny = [0, 0, 0, 4, b'f', b'r', b'e', b'e'];
        let mut source = SliceSource::new(&tiny);
        assert!(Walker::new(&mut source).children(0, 8, 10).is_empty());
    }
}
