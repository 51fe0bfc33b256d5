//! `evidentia bench photos --count N --out DIR`: writes N distinct small JPEG photos, each with an
//! EXIF capture time, as the input of the ingest benchmark (`scripts/bench ingest`).
//!
//! One 640×480 picture is encoded once; each copy gets its own EXIF segment (a different capture
//! time) and a comment naming its number, so every file has its own SHA-256 and metadata while
//! the generator stays fast.

use std::io::Cursor;
use std::path::Path;

use anyhow::{Context, anyhow};

use crate::cli::Failure;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;

/// A TIFF block (little-endian) whose Exif IFD holds DateTimeOriginal.
fn exif_tiff(date_time: &str) -> Vec<u8> {
    let mut value = date_time.as_bytes().to_vec();
    value.push(0);
    let mut t = Vec::new();
    t.extend(b"II*\0");
    t.extend(8u32.to_le_bytes());
    // IFD0 at 8: one entry, ExifIFDPointer -> 26.
    t.extend(1u16.to_le_bytes());
    t.extend(0x8769u16.to_le_bytes());
    t.extend(4u16.to_le_bytes());
    t.extend(1u32.to_le_bytes());
    t.extend(26u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    // Exif IFD at 26: DateTimeOriginal (ASCII) -> 44.
    t.extend(1u16.to_le_bytes());
    t.extend(0x9003u16.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    t.extend((value.len() as u32).to_le_bytes());
    t.extend(44u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(value);
    t
}

/// A JPEG marker segment.
fn segment(marker: u8, payload: &[u8]) -> Result<Vec<u8>, Failure> {
    let len = u16::try_from(payload.len() + 2).map_err(|_| anyhow!("segment too long"))?;
    let mut s = vec![0xFF, marker];
    s.extend(len.to_be_bytes());
    s.extend(payload);
    Ok(s)
}

/// A textured picture, so the encoder produces a realistic size (~60 KB).
fn base_jpeg() -> Result<Vec<u8>, Failure> {
    let mut rng = fastrand::Rng::with_seed(2014);
    let image = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let noise = rng.u8(0..12);
        image::Rgb([
            ((x * 255 / WIDTH) as u8).wrapping_add(noise),
            ((y * 255 / HEIGHT) as u8).wrapping_add(noise / 2),
            (((x + y) % 256) as u8).wrapping_add(noise / 3),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .context("encoding the base picture")?;
    Ok(out.into_inner())
}

pub fn run(count: usize, out: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let base = base_jpeg()?;
    let body = base
        .strip_prefix(&[0xFF, 0xD8])
        .ok_or_else(|| anyhow!("the encoder wrote no JPEG"))?;
    for i in 0..count {
        let (day, second) = (1 + i % 28, i % 86_400);
        let date_time = format!(
            "2023:05:{day:02} {:02}:{:02}:{:02}",
            second / 3600,
            second / 60 % 60,
            second % 60
        );
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(exif_tiff(&date_time));
        let mut photo = vec![0xFF, 0xD8];
        photo.extend(segment(0xE1, &app1)?);
        photo.extend(segment(0xFE, format!("benchmark photo {i}").as_bytes())?);
        photo.extend(body);
        let path = out.join(format!("photo-{i:06}.jpg"));
        std::fs::write(&path, photo).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "wrote {count} photos of {} bytes each into {}",
        base.len() + 80,
        out.display()
    );
    Ok(())
}
