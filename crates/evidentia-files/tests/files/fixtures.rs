//! Real files, built here byte by byte: EXIF blocks, JPEGs and PNGs carrying them, MP4s, zips.
//! Nothing is downloaded.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

/// A TIFF field value.
#[derive(Clone)]
pub enum V {
    Ascii(&'static str),
    Byte(u8),
    Short(u16),
    Long(u32),
    Rational(Vec<(u32, u32)>),
    /// Raw: type, count, bytes (for hostile entries).
    Raw(u16, u32, Vec<u8>),
}

impl V {
    fn encode(&self) -> (u16, u32, Vec<u8>) {
        match self {
            V::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len() as u32, b)
            }
            V::Byte(v) => (1, 1, vec![*v]),
            V::Short(v) => (3, 1, v.to_le_bytes().to_vec()),
            V::Long(v) => (4, 1, v.to_le_bytes().to_vec()),
            V::Rational(parts) => {
                let mut b = Vec::new();
                for (n, d) in parts {
                    b.extend_from_slice(&n.to_le_bytes());
                    b.extend_from_slice(&d.to_le_bytes());
                }
                (5, parts.len() as u32, b)
            }
            V::Raw(t, c, b) => (*t, *c, b.clone()),
        }
    }
}

pub type Entries = Vec<(u16, V)>;

/// A little-endian TIFF structure (the content of an EXIF block): IFD0 with `ifd0`, an Exif
/// IFD with `exif` and a GPS IFD with `gps` (each only if not empty).
pub fn tiff(ifd0: &Entries, exif: &Entries, gps: &Entries) -> Vec<u8> {
    let ifd_size = |n: usize| 2 + 12 * n + 4;
    let mut ifd0 = ifd0.clone();
    if !exif.is_empty() {
        ifd0.push((0x8769, V::Long(0)));
    }
    if !gps.is_empty() {
        ifd0.push((0x8825, V::Long(0)));
    }
    ifd0.sort_by_key(|(tag, _)| *tag);
    let mut exif = exif.clone();
    exif.sort_by_key(|(tag, _)| *tag);
    let mut gps = gps.clone();
    gps.sort_by_key(|(tag, _)| *tag);

    let off0 = 8usize;
    let off_exif = off0 + ifd_size(ifd0.len());
    let off_gps = off_exif + if exif.is_empty() { 0 } else { ifd_size(exif.len()) };
    let data_start = off_gps + if gps.is_empty() { 0 } else { ifd_size(gps.len()) };

    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&(off0 as u32).to_le_bytes());
    let mut data = Vec::new();
    let mut write_ifd = |out: &mut Vec<u8>, entries: &Entries| {
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, value) in entries {
            let value = match (tag, value) {
                (0x8769, V::Long(0)) => V::Long(off_exif as u32),
                (0x8825, V::Long(0)) => V::Long(off_gps as u32),
                _ => value.clone(),
            };
            let (typ, count, mut bytes) = value.encode();
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if bytes.len() <= 4 {
                bytes.resize(4, 0);
                out.extend_from_slice(&bytes);
            } else {
                let offset = data_start + data.len();
                out.extend_from_slice(&(offset as u32).to_le_bytes());
                data.extend_from_slice(&bytes);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
    };
    write_ifd(&mut out, &ifd0);
    if !exif.is_empty() {
        write_ifd(&mut out, &exif);
    }
    if !gps.is_empty() {
        write_ifd(&mut out, &gps);
    }
    assert_eq!(out.len(), data_start);
    out.extend_from_slice(&data);
    out
}

/// Degrees, minutes and seconds as EXIF rationals.
pub fn dms(degrees: u32, minutes: u32, seconds_times_100: u32) -> V {
    V::Rational(vec![(degrees, 1), (minutes, 1), (seconds_times_100, 100)])
}

/// The EXIF of a photo: taken 2023-06-07 08:09:10.25 at +03:00, at 50.4501 N 30.5234 E, 150 m,
/// by a fictional camera.
pub fn camera_exif(with_offset: bool) -> Vec<u8> {
    let ifd0 = vec![
        (0x010F, V::Ascii("FictionalCam")),
        (0x0110, V::Ascii("FC-1")),
        (0x0131, V::Ascii("fw 1.0")),
        (0x0112, V::Short(1)),
    ];
    let mut exif = vec![
        (0x9003, V::Ascii("2023:06:07 08:09:10")),
        (0x9004, V::Ascii("2023:06:07 08:09:11")),
        (0x9291, V::Ascii("25")),
    ];
    if with_offset {
        exif.push((0x9011, V::Ascii("+03:00")));
    }
    let gps = vec![
        (0x0001, V::Ascii("N")),
        (0x0002, dms(50, 27, 36)),
        (0x0003, V::Ascii("E")),
        (0x0004, dms(30, 31, 2424)),
        (0x0005, V::Byte(0)),
        (0x0006, V::Rational(vec![(1500, 10)])),
        (0x001D, V::Ascii("2023:06:07")),
        (0x0007, V::Rational(vec![(5, 1), (9, 1), (10, 1)])),
    ];
    tiff(&ifd0, &exif, &gps)
}

/// A picture with structure everywhere (no flat areas, which perceptual hashes cannot tell
/// apart): overlapping waves and a dark disc. `seed` makes a different picture.
pub fn scene(width: u32, height: u32, seed: f32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        // Relative coordinates, so that the same scene at another size is the same picture.
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let wave = (u * 9.0 * (1.0 + seed) + seed * 3.0).sin() * 60.0
            + (v * 7.0 * (2.0 - seed) + seed).cos() * 50.0
            + ((u + v) * 23.0 + seed * 5.0).sin() * 25.0;
        let (cx, cy) = (0.3 + 0.4 * seed, 0.6 - 0.3 * seed);
        let disc = if (u - cx).powi(2) + (v - cy).powi(2) < 0.03 {
            -70.0
        } else {
            0.0
        };
        let base = (128.0 + wave + disc).clamp(0.0, 255.0) as u8;
        image::Rgb([base, base.saturating_add(20), 255 - base])
    })
}

pub fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image.clone())
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .unwrap();
    out
}

/// `jpeg` with an APP1 EXIF segment right after the start-of-image marker.
pub fn with_exif_segment(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let len = 2 + 6 + tiff.len();
    assert!(len <= 0xFFFF);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// `png` with an `eXIf` chunk right after `IHDR`.
pub fn with_exif_chunk(png: &[u8], tiff: &[u8]) -> Vec<u8> {
    let ihdr_end = 8 + 8 + 13 + 4;
    let mut out = png[..ihdr_end].to_vec();
    out.extend_from_slice(&png_chunk(b"eXIf", tiff));
    out.extend_from_slice(&png[ihdr_end..]);
    out
}

/// A PNG that claims `width` × `height` pixels and holds almost nothing.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    out.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    // A zlib stream of a few zero bytes (stored block).
    out.extend_from_slice(&png_chunk(
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0, 0x04, 0x00, 0x01,
        ],
    ));
    out.extend_from_slice(&png_chunk(b"IEND", &[]));
    out
}

/// An ISO base media box.
pub fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    p.extend_from_slice(payload);
    bx(kind, &p)
}

/// Seconds since 1904 of 2024-01-02T03:04:05Z.
pub const MP4_CREATED: u32 = 1_704_164_645 + 2_082_844_800;

/// The `moov` box of a phone video: 12.345 s, 1920 × 1080 rotated 90°, at 50.4501 N 30.5234 E
/// (`©xyz`), QuickTime keys for make, model and creation date.
pub fn moov() -> Vec<u8> {
    let mut mvhd = Vec::new();
    mvhd.extend_from_slice(&MP4_CREATED.to_be_bytes()); // creation
    mvhd.extend_from_slice(&MP4_CREATED.to_be_bytes()); // modification
    mvhd.extend_from_slice(&1000u32.to_be_bytes()); // timescale
    mvhd.extend_from_slice(&12_345u32.to_be_bytes()); // duration
    mvhd.extend_from_slice(&[0; 80]); // rate, volume, matrix, ... (not read)
    let mvhd = full_box(b"mvhd", 0, &mvhd);

    let mut tkhd = Vec::new();
    tkhd.extend_from_slice(&[0; 20]); // times, track id, reserved, duration
    tkhd.extend_from_slice(&[0; 8]); // reserved
    tkhd.extend_from_slice(&[0; 8]); // layer, group, volume, reserved
    let one = 1i32 << 16;
    for v in [0, one, 0, -one, 0, 0, 0, 0, 1 << 30] {
        tkhd.extend_from_slice(&v.to_be_bytes());
    }
    tkhd.extend_from_slice(&(1920u32 << 16).to_be_bytes());
    tkhd.extend_from_slice(&(1080u32 << 16).to_be_bytes());
    let trak = bx(b"trak", &full_box(b"tkhd", 0, &tkhd));

    let location = b"+50.4501+030.5234+150.000/";
    let mut xyz = (location.len() as u16).to_be_bytes().to_vec();
    xyz.extend_from_slice(&0x15C7u16.to_be_bytes());
    xyz.extend_from_slice(location);
    let udta = bx(b"udta", &bx(&[0xA9, b'x', b'y', b'z'], &xyz));

    let keys_list = [
        "com.apple.quicktime.make",
        "com.apple.quicktime.model",
        "com.apple.quicktime.creationdate",
    ];
    let mut keys = Vec::new();
    keys.extend_from_slice(&(keys_list.len() as u32).to_be_bytes());
    for key in keys_list {
        keys.extend_from_slice(&((8 + key.len()) as u32).to_be_bytes());
        keys.extend_from_slice(b"mdta");
        keys.extend_from_slice(key.as_bytes());
    }
    let mut ilst = Vec::new();
    for (i, value) in ["FictionalPhone", "FP 9", "2024-01-02T06:04:05+0300"]
        .iter()
        .enumerate()
    {
        let mut data = 1u32.to_be_bytes().to_vec(); // UTF-8
        data.extend_from_slice(&0u32.to_be_bytes()); // locale
        data.extend_from_slice(value.as_bytes());
        ilst.extend_from_slice(&bx(&((i + 1) as u32).to_be_bytes(), &bx(b"data", &data)));
    }
    let mut hdlr = vec![0; 8];
    hdlr.extend_from_slice(b"mdta");
    hdlr.extend_from_slice(&[0; 13]);
    let mut meta = full_box(b"hdlr", 0, &hdlr);
    meta.extend_from_slice(&full_box(b"keys", 0, &keys));
    meta.extend_from_slice(&bx(b"ilst", &ilst));
    let meta = bx(b"meta", &meta);

    let mut moov = mvhd;
    moov.extend_from_slice(&trak);
    moov.extend_from_slice(&udta);
    moov.extend_from_slice(&meta);
    bx(b"moov", &moov)
}

/// An MP4 as a phone writes it: `ftyp`, `mdat` of `media_len` bytes, then `moov`.
pub fn mp4(media_len: usize) -> Vec<u8> {
    let mut ftyp = b"isom".to_vec();
    ftyp.extend_from_slice(&0x200u32.to_be_bytes());
    ftyp.extend_from_slice(b"isomiso2mp41");
    let mut out = bx(b"ftyp", &ftyp);
    out.extend_from_slice(&bx(b"mdat", &vec![0x5A; media_len]));
    out.extend_from_slice(&moov());
    out
}

/// A zip archive of uncompressed entries.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let mut header = Vec::new();
        header.extend_from_slice(&20u16.to_le_bytes()); // version needed
        header.extend_from_slice(&0u16.to_le_bytes()); // flags
        header.extend_from_slice(&0u16.to_le_bytes()); // stored
        header.extend_from_slice(&[0; 4]); // time, date
        header.extend_from_slice(&crc.to_le_bytes());
        header.extend_from_slice(&(data.len() as u32).to_le_bytes());
        header.extend_from_slice(&(data.len() as u32).to_le_bytes());
        header.extend_from_slice(&(name.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&header);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&header);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&[0; 4]); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Deterministic pseudo-random bytes (xorshift).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
