//! Perceptual hashes, thumbnails and decoding limits.

use evidentia_files::metadata::{extract, hamming, hash_and_thumbnail, perceptual_hash, thumbnail};
use image::{GenericImageView, ImageFormat};

use crate::fixtures::{self, V};

#[test]
fn similar_pictures_are_close_and_different_ones_far() {
    let original = fixtures::scene(800, 600, 0.3);
    let png = fixtures::encode(&original, ImageFormat::Png);
    let resized = image::imageops::resize(&original, 400, 300, image::imageops::FilterType::Lanczos3);
    let small_jpeg = fixtures::jpeg(&resized, 60);
    let recompressed = fixtures::jpeg(&original, 35);
    let webp = fixtures::encode(&resized, ImageFormat::WebP);
    let other = fixtures::jpeg(&fixtures::scene(800, 600, 0.8), 85);
    let another = fixtures::jpeg(&fixtures::scene(640, 640, 0.05), 85);

    let h = |bytes: &[u8]| perceptual_hash(bytes).expect("decodes");
    let base = h(&png);
    for (name, copy) in [
        ("resized JPEG", &small_jpeg),
        ("recompressed", &recompressed),
        ("WebP", &webp),
    ] {
        let d = hamming(base, h(copy));
        eprintln!("{name}: {d}");
        assert!(d < 10, "{name}: distance {d}");
    }
    for (name, different) in [("other", &other), ("another", &another)] {
        let d = hamming(base, h(different));
        eprintln!("{name}: {d}");
        assert!(d > 20, "{name}: distance {d}");
    }
    assert_eq!(hamming(0, u64::MAX), 64);
    assert_eq!(hamming(0b1011, 0b0001), 2);
}

#[test]
fn orientation_is_applied() {
    // The same picture stored rotated, with EXIF orientation 6 ("rotate 90° clockwise to view").
    let upright = fixtures::scene(300, 200, 0.5);
    let stored = image::imageops::rotate270(&upright);
    let exif = fixtures::tiff(&vec![(0x0112, V::Short(6))], &vec![], &vec![]);
    let rotated = fixtures::with_exif_segment(&fixtures::jpeg(&stored, 90), &exif);
    let meta = extract(&rotated, None);
    assert_eq!(meta.orientation, Some(6));
    assert_eq!((meta.width, meta.height), (Some(200), Some(300)), "as stored");

    let upright_jpeg = fixtures::jpeg(&upright, 90);
    let d = hamming(
        perceptual_hash(&upright_jpeg).unwrap(),
        perceptual_hash(&rotated).unwrap(),
    );
    assert!(d < 10, "distance {d}");

    let thumb = thumbnail(&rotated, 150).unwrap();
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!(decoded.dimensions(), (150, 100), "upright");
}

#[test]
fn thumbnails() {
    let png = fixtures::encode(&fixtures::scene(640, 480, 0.1), ImageFormat::Png);
    let thumb = thumbnail(&png, 128).unwrap();
    assert_eq!(&thumb[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    assert_eq!(image::load_from_memory(&thumb).unwrap().dimensions(), (128, 96));
    // What ingest stores (one decode for both) is what each function gives alone.
    let (hash, both_thumb) = hash_and_thumbnail(&png, 128).unwrap();
    assert_eq!(hash, perceptual_hash(&png).unwrap());
    assert_eq!(both_thumb, thumbnail(&png, 128).unwrap());
    // Small pictures keep their size.
    let tiny = fixtures::encode(&fixtures::scene(40, 30, 0.1), ImageFormat::Png);
    assert_eq!(
        image::load_from_memory(&thumbnail(&tiny, 128).unwrap())
            .unwrap()
            .dimensions(),
        (40, 30)
    );
    // Transparency is flattened onto white.
    let clear = image::RgbaImage::from_pixel(20, 20, image::Rgba([0, 0, 0, 0]));
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(clear)
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    let thumb = image::load_from_memory(&thumbnail(png.get_ref(), 64).unwrap())
        .unwrap()
        .to_rgb8();
    assert!(thumb.pixels().all(|p| p.0.iter().all(|&c| c > 240)));
    // Not an image.
    assert!(thumbnail(b"%PDF-1.7", 64).is_none());
    assert!(hash_and_thumbnail(b"%PDF-1.7", 64).is_none());
    assert!(perceptual_hash(b"").is_none());
}

#[test]
fn decompression_bombs_are_refused() {
    let bomb = fixtures::png_claiming(100_000, 100_000);
    assert!(perceptual_hash(&bomb).is_none());
    assert!(thumbnail(&bomb, 256).is_none());
    // The header is still reported, truthfully.
    let meta = extract(&bomb, None);
    assert_eq!((meta.width, meta.height), (Some(100_000), Some(100_000)));
    // Just above the pixel limit but within the side limit.
    let wide = fixtures::png_claiming(20_000, 5_001);
    assert!(perceptual_hash(&wide).is_none());
    assert!(hash_and_thumbnail(&wide, 256).is_none());
}
