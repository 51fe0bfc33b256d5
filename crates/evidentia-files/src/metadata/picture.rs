//! Decoded images: dimensions, a perceptual hash, thumbnails.
//!
//! Decoding is where a small file can cost a lot (a 50 KB PNG can claim 100,000 × 100,000
//! pixels), so every decode is refused above [`MAX_PIXELS`] and [`MAX_DECODE_BYTES`] before any
//! pixel buffer exists, and through `image::Limits` inside the decoders. Formats: JPEG, PNG,
//! WebP, TIFF, GIF (first frame). HEIC is not decoded (no HEVC decoder): no hash or thumbnail.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, Rgb, RgbImage};

/// Largest image decoded, in pixels (width × height).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Largest decoded buffer (100 megapixels of 8-bit RGB fit; 16-bit or float images of that
/// size do not).
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest width or height accepted by the decoders.
const MAX_SIDE: u32 = 100_000;

/// Width and height from the image header, without decoding pixels.
pub(crate) fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// The image as it is meant to be viewed (EXIF orientation applied), if it can be decoded
/// within the limits.
fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 || pixels > MAX_PIXELS || decoder.total_bytes() > MAX_DECODE_BYTES {
        return None;
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    Some(image)
}

/// A 64-bit difference hash (dHash) of the decoded image: the picture is reduced to 9 × 8
/// grey levels and each bit says whether a cell is darker than its right neighbour. Resizing,
/// re-compression and small colour changes move few bits; compare with [`hamming`] (below about
/// 10 of 64: very likely the same picture). EXIF orientation is applied first, so a rotated
/// copy with the orientation tag matches its original. `None` if the bytes are not an image this
/// crate decodes, or exceed the limits.
pub fn perceptual_hash(bytes: &[u8]) -> Option<u64> {
    dhash(&decode(bytes)?)
}

fn dhash(image: &DynamicImage) -> Option<u64> {
    // An area-averaging reduction first (cheap on big pictures), then the hash grid.
    let small = image.thumbnail(256, 256).to_luma32f();
    let grid = image::imageops::resize(&small, 9, 8, FilterType::Triangle);
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let left = grid.get_pixel_checked(x, y)?.0[0];
            let right = grid.get_pixel_checked(x + 1, y)?.0[0];
            hash = (hash << 1) | u64::from(left < right);
        }
    }
    Some(hash)
}

/// [`perceptual_hash`] and [`thumbnail`] of one picture from a single decode, which is most of
/// their cost.
pub fn hash_and_thumbnail(bytes: &[u8], max_side: u32) -> Option<(u64, Vec<u8>)> {
    let image = decode(bytes)?;
    Some((dhash(&image)?, encode_thumbnail(image, max_side)?))
}

/// The number of bits in which two perceptual hashes differ (0–64).
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// A JPEG thumbnail (quality 80) no larger than `max_side` pixels on either side (clamped to
/// 16–4096), upright (EXIF orientation applied), transparency flattened onto white; smaller
/// images keep their size. `None` if the bytes are not a decodable image within the limits.
pub fn thumbnail(bytes: &[u8], max_side: u32) -> Option<Vec<u8>> {
    encode_thumbnail(decode(bytes)?, max_side)
}

fn encode_thumbnail(image: DynamicImage, max_side: u32) -> Option<Vec<u8>> {
    let max_side = max_side.clamp(16, 4096);
    let image = if image.width() > max_side || image.height() > max_side {
        image.thumbnail(max_side, max_side)
    } else {
        image
    };
    let rgb = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let mut rgb = RgbImage::new(rgba.width(), rgba.height());
        for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
            let [r, g, b, a] = px.0;
            let over_white = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
            *out = Rgb([over_white(r), over_white(g), over_white(b)]);
        }
        rgb
    } else {
        image.to_rgb8()
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80).encode_image(&rgb).ok()?;
    Some(out)
}
