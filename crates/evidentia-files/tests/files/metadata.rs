//! Metadata extraction over real files built in `fixtures`, and over hostile ones.

use std::io::Cursor;

use evidentia_files::metadata::{self, ExtractedMetadata, extract, extract_from_reader};
use image::ImageFormat;

use crate::fixtures::{self, V};

fn photo() -> Vec<u8> {
    fixtures::jpeg(&fixtures::scene(320, 240, 0.2), 85)
}

fn assert_camera(meta: &ExtractedMetadata) {
    assert_eq!(meta.captured_at.as_deref(), Some("2023-06-07T08:09:10.25+03:00"));
    assert_eq!(meta.captured_at_source.as_deref(), Some("exif:DateTimeOriginal"));
    let gps = meta.gps.as_ref().expect("gps");
    assert!((gps.lat - 50.4501).abs() < 1e-9, "{}", gps.lat);
    assert!((gps.lon - 30.5234).abs() < 1e-9, "{}", gps.lon);
    assert_eq!(gps.altitude, Some(150.0));
    assert_eq!(gps.time.as_deref(), Some("2023-06-07T05:09:10Z"));
    assert_eq!(gps.source, "exif");
    let device = meta.device.as_ref().expect("device");
    assert_eq!(device.make.as_deref(), Some("FictionalCam"));
    assert_eq!(device.model.as_deref(), Some("FC-1"));
    assert_eq!(device.software.as_deref(), Some("fw 1.0"));
    assert_eq!(meta.orientation, Some(1));
    assert_eq!(meta.raw.get("Make").and_then(|v| v.as_str()), Some("FictionalCam"));
    assert_eq!(
        meta.raw.get("DateTimeOriginal").and_then(|v| v.as_str()),
        Some("2023:06:07 08:09:10")
    );
    assert!(meta.raw.contains_key("GPSLatitude"), "{:?}", meta.raw);
}

#[test]
fn jpeg_with_exif() {
    let jpeg = fixtures::with_exif_segment(&photo(), &fixtures::camera_exif(true));
    let meta = extract(&jpeg, Some("image/jpeg"));
    assert_eq!(meta.media_type, "image/jpeg");
    assert_eq!(meta.declared_media_type, None);
    assert_eq!((meta.width, meta.height), (Some(320), Some(240)));
    assert_camera(&meta);
    assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
    // It serialises as the evidence item's extracted_metadata.
    let json = serde_json::to_value(&meta).unwrap();
    assert_eq!(json["gps"]["lat"], 50.4501);
    let back: ExtractedMetadata = serde_json::from_value(json).unwrap();
    assert_eq!(back, meta);
}

#[test]
fn without_offset_the_time_is_local() {
    let jpeg = fixtures::with_exif_segment(&photo(), &fixtures::camera_exif(false));
    let meta = extract(&jpeg, None);
    assert_eq!(meta.captured_at.as_deref(), Some("2023-06-07T08:09:10.25"));
}

#[test]
fn south_west_and_out_of_range() {
    let gps = |lat_ref: &'static str, lat: V, lon_ref: &'static str| {
        let exif = fixtures::tiff(
            &vec![],
            &vec![],
            &vec![
                (1, V::Ascii(lat_ref)),
                (2, lat),
                (3, V::Ascii(lon_ref)),
                (4, fixtures::dms(70, 30, 0)),
            ],
        );
        extract(&fixtures::with_exif_segment(&photo(), &exif), None)
    };
    let meta = gps("S", fixtures::dms(33, 45, 0), "W");
    let p = meta.gps.unwrap();
    assert_eq!((p.lat, p.lon), (-33.75, -70.5));

    let meta = gps("N", fixtures::dms(95, 0, 0), "E");
    assert!(meta.gps.is_none());
    assert!(
        meta.warnings.iter().any(|w| w.contains("out of range")),
        "{:?}",
        meta.warnings
    );

    let meta = gps("X", fixtures::dms(10, 0, 0), "E");
    assert!(meta.gps.is_none());
    let meta = gps("N", V::Rational(vec![(10, 0), (0, 1), (0, 1)]), "E");
    assert!(meta.gps.is_none(), "zero denominator");
}

#[test]
fn png_with_exif_chunk() {
    let png = fixtures::encode(&fixtures::scene(64, 48, 0.4), ImageFormat::Png);
    let png = fixtures::with_exif_chunk(&png, &fixtures::camera_exif(true));
    let meta = extract(&png, None);
    assert_eq!(meta.media_type, "image/png");
    assert_eq!((meta.width, meta.height), (Some(64), Some(48)));
    assert_camera(&meta);
    // Still a valid PNG.
    assert!(metadata::perceptual_hash(&png).is_some());
}

#[test]
fn tiff_exif() {
    let tiff = fixtures::camera_exif(true);
    let meta = extract(&tiff, None);
    assert_eq!(meta.media_type, "image/tiff");
    assert_camera(&meta);
}

#[test]
fn mp4_with_moov_at_the_end() {
    let small = fixtures::mp4(1000);
    let meta = extract(&small, None);
    assert_eq!(meta.media_type, "video/mp4");
    let mp4 = meta.mp4.as_ref().unwrap();
    assert_eq!(mp4.major_brand.as_deref(), Some("isom"));
    assert_eq!(mp4.creation_time.as_deref(), Some("2024-01-02T03:04:05Z"));
    assert_eq!(mp4.duration_seconds, Some(12.345));
    assert_eq!(mp4.rotation_degrees, Some(90));
    assert_eq!(mp4.location_iso6709.as_deref(), Some("+50.4501+030.5234+150.000/"));
    assert_eq!(mp4.creation_date.as_deref(), Some("2024-01-02T06:04:05+0300"));
    assert_eq!(meta.duration_seconds, Some(12.345));
    assert_eq!((meta.width, meta.height), (Some(1920), Some(1080)));
    // The QuickTime creation date (with its offset) is preferred to mvhd's UTC time.
    assert_eq!(meta.captured_at.as_deref(), Some("2024-01-02T06:04:05+03:00"));
    assert_eq!(meta.captured_at_source.as_deref(), Some("quicktime:creationdate"));
    let gps = meta.gps.as_ref().unwrap();
    assert_eq!((gps.lat, gps.lon, gps.altitude), (50.4501, 30.5234, Some(150.0)));
    let device = meta.device.as_ref().unwrap();
    assert_eq!(device.make.as_deref(), Some("FictionalPhone"));
    assert_eq!(device.model.as_deref(), Some("FP 9"));
    assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);

    // Beyond the prefix: `extract` says what it could not see, `extract_from_reader` finds it.
    let big = fixtures::mp4(metadata::PREFIX_LIMIT + 1000);
    let prefix_only = extract(&big, None);
    assert!(prefix_only.mp4.as_ref().unwrap().creation_time.is_none());
    assert!(
        prefix_only
            .warnings
            .iter()
            .any(|w| w.contains("beyond the bytes examined")),
        "{:?}",
        prefix_only.warnings
    );
    let whole = extract_from_reader(Cursor::new(&big), None).unwrap();
    assert_eq!(whole.mp4, meta.mp4);
    assert_eq!(whole.captured_at, meta.captured_at);
}

#[test]
fn files_without_metadata_are_quiet() {
    for (bytes, media_type) in [
        (fixtures::jpeg(&fixtures::scene(32, 32, 0.1), 80), "image/jpeg"),
        (
            fixtures::encode(&fixtures::scene(32, 32, 0.1), ImageFormat::Png),
            "image/png",
        ),
        (
            fixtures::encode(&fixtures::scene(32, 32, 0.1), ImageFormat::Gif),
            "image/gif",
        ),
        (
            fixtures::encode(&fixtures::scene(32, 32, 0.1), ImageFormat::WebP),
            "image/webp",
        ),
    ] {
        let meta = extract(&bytes, None);
        assert_eq!(meta.media_type, media_type);
        assert_eq!((meta.width, meta.height), (Some(32), Some(32)), "{media_type}");
        assert!(meta.warnings.is_empty(), "{media_type}: {:?}", meta.warnings);
        assert!(meta.raw.is_empty() && meta.captured_at.is_none() && meta.gps.is_none());
    }
}

#[test]
fn declared_types_refine_but_never_override() {
    let meta = extract(b"id,name\n1,Alpha\n", Some("text/csv"));
    assert_eq!(meta.media_type, "text/csv");
    let meta = extract(&photo(), Some("application/pdf"));
    assert_eq!(meta.media_type, "image/jpeg");
    assert_eq!(meta.declared_media_type.as_deref(), Some("application/pdf"));
    let meta = extract(b"<svg onload=alert(1)>", Some("image/svg+xml"));
    assert_eq!(meta.media_type, "text/plain");
}

#[test]
fn xmp_in_a_pdf() {
    let pdf = b"%PDF-1.7\n1 0 obj<</Type/Metadata>>stream\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description xmp:CreateDate=\"2020-02-03T04:05:06Z\" xmp:CreatorTool=\"Writer 7\"/></rdf:RDF></x:xmpmeta>\nendstream\n";
    let meta = extract(pdf, None);
    assert_eq!(meta.media_type, "application/pdf");
    assert_eq!(meta.captured_at.as_deref(), Some("2020-02-03T04:05:06Z"));
    assert_eq!(meta.xmp.unwrap().creator_tool.as_deref(), Some("Writer 7"));
}

// ---- Hostile input ----

/// Runs `extract` and the image functions on hostile bytes: they must come back, not panic.
fn survive(bytes: &[u8]) -> ExtractedMetadata {
    let meta = extract(bytes, None);
    let _ = metadata::perceptual_hash(bytes);
    let _ = metadata::thumbnail(bytes, 64);
    let _ = serde_json::to_string(&meta).unwrap();
    meta
}

#[test]
fn empty_input() {
    let meta = survive(b"");
    assert_eq!(meta.media_type, "application/octet-stream");
    assert!(meta.captured_at.is_none());
}

#[test]
fn truncated_jpegs() {
    let jpeg = fixtures::with_exif_segment(&photo(), &fixtures::camera_exif(true));
    for cut in [1, 2, 3, 4, 5, 11, 40, 100, 300, jpeg.len() / 2, jpeg.len() - 1] {
        survive(&jpeg[..cut]);
    }
    // Cut after the EXIF segment: the metadata is all there.
    let meta = survive(&jpeg[..jpeg.len() / 2]);
    assert_eq!(meta.captured_at.as_deref(), Some("2023-06-07T08:09:10.25+03:00"));
    assert!(metadata::perceptual_hash(&jpeg[..300]).is_none());
}

fn exif_jpeg(tiff: &[u8]) -> Vec<u8> {
    fixtures::with_exif_segment(&photo(), tiff)
}

#[test]
fn absurd_exif_offsets() {
    let ok = fixtures::camera_exif(true);
    // IFD0 offset past the end.
    let mut past_end = ok.clone();
    past_end[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(survive(&exif_jpeg(&past_end)).captured_at.is_none());

    // An entry with a huge count of rationals, and one whose value offset is past the end.
    let hostile = fixtures::tiff(
        &vec![
            (0x010F, V::Raw(5, u32::MAX, vec![0xFF; 4])),
            (0x0110, V::Raw(2, 1000, vec![0xF0, 0xFF, 0xFF, 0x0F])),
            (0x0131, V::Raw(7, 0x4000_0000, vec![0; 4])),
        ],
        &vec![],
        &vec![],
    );
    let meta = survive(&exif_jpeg(&hostile));
    assert!(meta.device.is_none());

    // IFD loops: the next-IFD pointer of IFD0 to itself; the Exif pointer to IFD0.
    let mut self_loop = fixtures::tiff(&vec![(0x010F, V::Ascii("LoopCam"))], &vec![], &vec![]);
    let next_at = 8 + 2 + 12;
    self_loop[next_at..next_at + 4].copy_from_slice(&8u32.to_le_bytes());
    assert_eq!(
        survive(&exif_jpeg(&self_loop)).device.and_then(|d| d.make).as_deref(),
        Some("LoopCam")
    );
    let exif_to_ifd0 = fixtures::tiff(
        &vec![(0x010F, V::Ascii("LoopCam")), (0x8769, V::Long(8))],
        &vec![],
        &vec![],
    );
    survive(&exif_jpeg(&exif_to_ifd0));
    let gps_to_ifd0 = fixtures::tiff(&vec![(0x8825, V::Long(8)), (0x8769, V::Long(8))], &vec![], &vec![]);
    survive(&exif_jpeg(&gps_to_ifd0));
}

/// Thousands of entries all pointing at the same large value: kamadak-exif would hold a copy
/// per entry if every field were read. Only what fits the budget is read.
#[test]
fn exif_amplification_is_bounded() {
    let shared_len = 4000u32;
    let mut entries = Vec::new();
    for i in 0..3000u16 {
        entries.push((0x1000 + i, V::Raw(2, shared_len, vec![0; 4])));
    }
    let mut tiff = fixtures::tiff(&entries, &vec![], &vec![]);
    // Point every entry's value at the same NUL-filled region at the end.
    let region = tiff.len() as u32;
    tiff.extend_from_slice(&vec![0u8; shared_len as usize]);
    for i in 0..3000usize {
        let at = 8 + 2 + i * 12 + 8;
        tiff[at..at + 4].copy_from_slice(&region.to_le_bytes());
    }
    let meta = survive(&tiff);
    assert!(meta.raw.len() < 100, "{} fields read", meta.raw.len());
    assert!(
        meta.warnings.iter().any(|w| w.contains("EXIF too large")),
        "{:?}",
        meta.warnings
    );

    // Values above the per-field size are listed by size, never read.
    let big = fixtures::tiff(&vec![(0x927C, V::Raw(7, 60_000, vec![0; 4]))], &vec![], &vec![]);
    let mut big = big;
    let region = big.len() as u32;
    big.extend_from_slice(&vec![0xAB; 60_000]);
    big[8 + 2 + 8..8 + 2 + 12].copy_from_slice(&region.to_le_bytes());
    let meta = survive(&big);
    assert_eq!(meta.raw.values().next().and_then(|v| v.as_str()), Some("(60000 bytes)"));
}

#[test]
fn zip_inside_zip_is_not_unpacked() {
    let inner = fixtures::zip(&[("a.txt", b"hello")]);
    let outer = fixtures::zip(&[("inner.zip", &inner), ("b.txt", b"world")]);
    let meta = survive(&outer);
    assert_eq!(meta.media_type, "application/zip");
    assert!(meta.raw.is_empty() && meta.xmp.is_none() && meta.mp4.is_none());
    // An OpenDocument file says what it is in its first entry.
    let odt = fixtures::zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<x/>"),
    ]);
    assert_eq!(survive(&odt).media_type, "application/vnd.oasis.opendocument.text");
}

#[test]
fn random_bytes() {
    for seed in 1..40u64 {
        let len = (seed as usize * 7919) % 300_000;
        let mut bytes = fixtures::noise(len, seed);
        // Give some of them a plausible start.
        let magic: &[u8] = match seed % 6 {
            0 => b"\xFF\xD8\xFF\xE1\x10\x00Exif\0\0II*\0\x08\0\0\0",
            1 => b"\x89PNG\r\n\x1a\n",
            2 => b"\0\0\0\x18ftypisom\0\0\0\0isomiso2",
            3 => b"II*\0\x08\0\0\0",
            4 => b"RIFF\0\0\0\0WEBPVP8X",
            _ => b"",
        };
        if bytes.len() >= magic.len() {
            bytes[..magic.len()].copy_from_slice(magic);
        }
        survive(&bytes);
    }
}

#[test]
fn mp4_boxes_that_lie() {
    let mut video = fixtures::mp4(100);
    // Make moov claim more than the file.
    let moov_at = video.len() - fixtures::moov().len();
    video[moov_at..moov_at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    survive(&video);
    // A 64-bit size of 2^64 - 1 on mdat.
    let mut huge = fixtures::bx(b"ftyp", b"isom\0\0\0\0isom");
    huge.extend_from_slice(&1u32.to_be_bytes());
    huge.extend_from_slice(b"mdat");
    huge.extend_from_slice(&u64::MAX.to_be_bytes());
    huge.extend_from_slice(&fixtures::moov());
    survive(&huge);
    // Every truncation of a valid file.
    let video = fixtures::mp4(10);
    for cut in 0..video.len() {
        survive(&video[..cut]);
    }
}

/// The fuzzer's committed seeds (`fuzz/seeds/metadata`) are exactly the files these fixtures make,
/// so they stay valid examples as the fixtures change; `EVIDENTIA_WRITE_FUZZ_SEEDS=DIR` writes them
/// anew into DIR.
#[test]
fn the_fuzzing_seeds_are_the_fixtures() {
    let small = fixtures::scene(24, 16, 0.3);
    let exif = fixtures::camera_exif(true);
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("photo.jpg", fixtures::with_exif_segment(&fixtures::jpeg(&small, 50), &exif)),
        (
            "photo.png",
            fixtures::with_exif_chunk(&fixtures::encode(&small, ImageFormat::Png), &exif),
        ),
        ("photo.webp", fixtures::encode(&small, ImageFormat::WebP)),
        ("photo.gif", fixtures::encode(&small, ImageFormat::Gif)),
        ("exif.tiff", exif.clone()),
        ("video.mp4", fixtures::mp4(64)),
        ("document.pdf", b"%PDF-1.7\n<x:xmpmeta><rdf:Description xmp:CreateDate=\"2020-02-03T04:05:06Z\" exif:GPSLatitude=\"50,27.006N\" exif:GPSLongitude=\"30,31.404E\"/></x:xmpmeta>\n".to_vec()),
        ("archive.zip", fixtures::zip(&[("a.txt", b"hello")])),
    ];
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/metadata");
    let write = std::env::var("EVIDENTIA_WRITE_FUZZ_SEEDS")
        .ok()
        .map(std::path::PathBuf::from);
    if let Some(dir) = &write {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (name, bytes) in seeds {
        match &write {
            Some(dir) => std::fs::write(dir.join(name), &bytes).unwrap(),
            None => assert_eq!(
                std::fs::read(committed.join(name)).unwrap(),
                bytes,
                "fuzz/seeds/metadata/{name}"
            ),
        }
    }
}
