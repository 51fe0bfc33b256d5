//! Selected XMP properties, read conservatively.
//!
//! An XMP packet (`<x:xmpmeta …>…</x:xmpmeta>`) can sit anywhere in a file: a JPEG APP1
//! segment, a PNG `iTXt` chunk, a TIFF tag, an MP4 `uuid` box, a PDF stream. Rather than parse
//! every container, the first packet in the bytes is found by its markers (at most
//! [`MAX_PACKET`] long) and a handful of simple properties are read from it, in either of the
//! two forms XMP writers use — `prefix:Name="value"` attributes and `<prefix:Name>value</…>`
//! elements — with the conventional namespace prefixes (`xmp:`, `exif:`, `photoshop:`,
//! `tiff:`). Structured values (`rdf:Alt`, `rdf:Seq`) are skipped. No general XML parser: the
//! packet is untrusted and only a few scalar values are wanted.

use memchr::memmem;

use super::text::{self, MAX_STRING};
use super::{ExtractedMetadata, Gps, Xmp, offer_captured_at, offer_device, offer_gps, warn};

/// Longest packet looked at.
const MAX_PACKET: usize = 1024 * 1024;

pub(crate) fn read_xmp(bytes: &[u8], meta: &mut ExtractedMetadata) {
    let Some(packet) = find_packet(bytes) else {
        return;
    };
    let xmp = Xmp {
        create_date: property(packet, "xmp:CreateDate"),
        date_time_original: property(packet, "exif:DateTimeOriginal"),
        date_created: property(packet, "photoshop:DateCreated"),
        creator_tool: property(packet, "xmp:CreatorTool"),
        gps_latitude: property(packet, "exif:GPSLatitude"),
        gps_longitude: property(packet, "exif:GPSLongitude"),
        gps_altitude: property(packet, "exif:GPSAltitude"),
        gps_altitude_ref: property(packet, "exif:GPSAltitudeRef"),
        make: property(packet, "tiff:Make"),
        model: property(packet, "tiff:Model"),
    };
    if xmp == Xmp::default() {
        return;
    }
    let dates = [
        (&xmp.date_time_original, "xmp:exif:DateTimeOriginal"),
        (&xmp.date_created, "xmp:photoshop:DateCreated"),
        (&xmp.create_date, "xmp:CreateDate"),
    ];
    for (value, source) in dates {
        if let Some(value) = value {
            match text::iso_datetime(value) {
                Some(date) => offer_captured_at(meta, date, source),
                None => warn(meta, format!("{source} {value:?} is not a date; ignored")),
            }
        }
    }
    if let (Some(lat), Some(lon)) = (&xmp.gps_latitude, &xmp.gps_longitude) {
        match (coordinate(lat, 'N', 'S'), coordinate(lon, 'E', 'W')) {
            (Some(lat), Some(lon)) => {
                let altitude = xmp.gps_altitude.as_deref().and_then(rational).map(|a| {
                    if xmp.gps_altitude_ref.as_deref() == Some("1") {
                        -a
                    } else {
                        a
                    }
                });
                offer_gps(
                    meta,
                    Gps {
                        lat,
                        lon,
                        altitude,
                        time: None,
                        source: "xmp".to_owned(),
                    },
                );
            }
            _ => warn(meta, format!("XMP GPS position {lat:?}, {lon:?} malformed; ignored")),
        }
    }
    offer_device(meta, xmp.make.clone(), xmp.model.clone(), xmp.creator_tool.clone());
    meta.xmp = Some(xmp);
}

/// The first `x:xmpmeta` (or the older `x:xapmeta`) element, whole.
fn find_packet(bytes: &[u8]) -> Option<&[u8]> {
    for (open, close) in [
        (b"<x:xmpmeta".as_slice(), b"</x:xmpmeta>".as_slice()),
        (b"<x:xapmeta".as_slice(), b"</x:xapmeta>".as_slice()),
    ] {
        if let Some(start) = memmem::find(bytes, open) {
            let rest = bytes.get(start..)?;
            let window = rest.get(..MAX_PACKET).unwrap_or(rest);
            if let Some(end) = memmem::find(window, close) {
                return window.get(..end + close.len());
            }
        }
    }
    None
}

/// The value of a simple property, as an attribute or as an element with text content.
fn property(packet: &[u8], name: &str) -> Option<String> {
    // Attribute form: whitespace, name, optional spaces, '=', quote.
    let mut from = 0;
    while let Some(found) = packet.get(from..).and_then(|rest| memmem::find(rest, name.as_bytes())) {
        let at = from + found;
        from = at + name.len();
        let before = at.checked_sub(1).and_then(|i| packet.get(i)).copied();
        let after = packet.get(from..).unwrap_or_default();
        match before {
            Some(b) if b.is_ascii_whitespace() => {
                let after = trim_start(after);
                if let Some(after) = after.strip_prefix(b"=") {
                    let after = trim_start(after);
                    if let Some((&quote, value)) = after.split_first()
                        && (quote == b'"' || quote == b'\'')
                    {
                        let end = memchr::memchr(quote, value)?;
                        return decode(value.get(..end)?);
                    }
                }
            }
            Some(b'<') => {
                // Element form: `<name>` text `</name>`; anything nested is not a simple value.
                let after = trim_start_attrs_end(after)?;
                let end = memchr::memchr(b'<', after)?;
                let value = after.get(..end)?;
                let closing = after.get(end..)?;
                if closing.starts_with(format!("</{name}>").as_bytes()) {
                    return decode(value);
                }
            }
            _ => {}
        }
    }
    None
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    bytes.get(skip..).unwrap_or_default()
}

/// After `<name`: the text after the closing `>` of a start tag without attributes.
fn trim_start_attrs_end(bytes: &[u8]) -> Option<&[u8]> {
    bytes.strip_prefix(b">")
}

/// XML text with the predefined and numeric entities decoded; bounded.
fn decode(raw: &[u8]) -> Option<String> {
    let raw = raw.get(..MAX_STRING * 8).unwrap_or(raw);
    let s = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut rest = s.as_ref();
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp)?);
        rest = rest.get(amp..)?;
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = rest.get(1..)?;
            continue;
        };
        let entity = rest.get(1..semi)?;
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest.get(semi + 1..)?;
            }
            None => {
                out.push('&');
                rest = rest.get(1..)?;
            }
        }
    }
    out.push_str(rest);
    text::clean_text(out.as_bytes())
}

/// An XMP GPS coordinate, `DDD,MM.mmmmK` or `DDD,MM,SSK` (K one of the two references), to
/// signed decimal degrees.
fn coordinate(value: &str, positive: char, negative: char) -> Option<f64> {
    let value = value.trim();
    let reference = value.chars().last()?.to_ascii_uppercase();
    let sign = if reference == positive {
        1.0
    } else if reference == negative {
        -1.0
    } else {
        return None;
    };
    let numbers = value.get(..value.len() - 1)?;
    let parts: Vec<&str> = numbers.split(',').collect();
    let parse = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    let (d, m, s) = match parts.as_slice() {
        [d, m] => (parse(d)?, parse(m)?, 0.0),
        [d, m, s] => (parse(d)?, parse(m)?, parse(s)?),
        _ => return None,
    };
    if m >= 60.0 || s >= 60.0 {
        return None;
    }
    Some(sign * (d + m / 60.0 + s / 3600.0))
}

/// `N/D` or a plain number.
fn rational(value: &str) -> Option<f64> {
    let value = value.trim();
    let v = match value.split_once('/') {
        Some((n, d)) => {
            let (n, d) = (n.trim().parse::<f64>().ok()?, d.trim().parse::<f64>().ok()?);
            if d == 0.0 {
                return None;
            }
            n / d
        }
        None => value.parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmp:CreateDate="2022-03-04T05:06:07+02:00"
    xmp:CreatorTool="Tool &amp; Co">
   <exif:GPSLatitude>48,51.5N</exif:GPSLatitude>
   <exif:GPSLongitude>2,17,40.5W</exif:GPSLongitude>
   <exif:GPSAltitude>355/10</exif:GPSAltitude>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

    #[test]
    fn reads_both_forms() {
        let mut meta = ExtractedMetadata::default();
        read_xmp(format!("garbage\0{PACKET}more").as_bytes(), &mut meta);
        let xmp = meta.xmp.clone().unwrap();
        assert_eq!(xmp.create_date.as_deref(), Some("2022-03-04T05:06:07+02:00"));
        assert_eq!(xmp.creator_tool.as_deref(), Some("Tool & Co"));
        assert_eq!(meta.captured_at.as_deref(), Some("2022-03-04T05:06:07+02:00"));
        assert_eq!(meta.captured_at_source.as_deref(), Some("xmp:CreateDate"));
        let gps = meta.gps.unwrap();
        assert!((gps.lat - 48.858_333).abs() < 1e-5, "{}", gps.lat);
        assert!((gps.lon + 2.294_583).abs() < 1e-5, "{}", gps.lon);
        assert_eq!(gps.altitude, Some(35.5));
    }

    #[test]
    fn unterminated_or_hostile_packets() {
        let mut meta = ExtractedMetadata::default();
        read_xmp(b"<x:xmpmeta xmp:CreateDate=\"2020", &mut meta);
        assert_eq!(meta, ExtractedMetadata::default());
        read_xmp(
            b"<x:xmpmeta> xmp:CreateDate=\"&#xFFFFFFFF;&#0;&bogus;\" </x:xmpmeta>",
            &mut meta,
        );
        assert_eq!(meta.captured_at, None);
        assert_eq!(coordinate("91,0N", 'N', 'S'), Some(91.0)); // range is checked by offer_gps
        assert_eq!(coordinate("10,61N", 'N', 'S'), None);
        assert_eq!(coordinate("N", 'N', 'S'), None);
        assert_eq!(rational("1/0"), None);
    }
}
