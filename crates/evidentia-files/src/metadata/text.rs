//! Bounded strings and the date forms files use.

/// Longest string kept from a file.
pub(crate) const MAX_STRING: usize = 256;

/// At most `max` characters of `s`, marked with `…` when cut.
pub(crate) fn bounded(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let mut out: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Text from a file: UTF-8 (invalid sequences replaced), control characters dropped, trimmed,
/// at most [`MAX_STRING`] characters; `None` when nothing is left.
pub(crate) fn clean_text(bytes: &[u8]) -> Option<String> {
    // Look at a bounded slice only: MAX_STRING characters are at most 4 bytes each.
    let bytes = bytes.get(..MAX_STRING * 4 + 4).unwrap_or(bytes);
    let lossy = String::from_utf8_lossy(bytes);
    let cleaned: String = lossy.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(bounded(trimmed, MAX_STRING))
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let Ok(year) = i32::try_from(year) else {
        return false;
    };
    let Ok(month) = u8::try_from(month)
        .map_err(|_| ())
        .and_then(|m| time::Month::try_from(m).map_err(|_| ()))
    else {
        return false;
    };
    let Ok(day) = u8::try_from(day) else {
        return false;
    };
    (1800..=9999).contains(&year) && time::Date::from_calendar_date(year, month, day).is_ok()
}

fn valid_time(hour: u32, minute: u32, second: u32) -> bool {
    hour <= 23 && minute <= 59 && second <= 60
}

/// `YYYY:MM:DD HH:MM:SS` (EXIF) → `YYYY-MM-DDTHH:MM:SS`; `None` for placeholders such as
/// `0000:00:00 00:00:00` and anything malformed. A few writers use `-` in the date or `T`.
pub(crate) fn exif_datetime(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('\0');
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let sep_ok = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(sep_ok(4, b":-") && sep_ok(7, b":-") && sep_ok(10, b" T") && sep_ok(13, b":") && sep_ok(16, b":")) {
        return None;
    }
    let year = digits(s.get(0..4)?)?;
    let month = digits(s.get(5..7)?)?;
    let day = digits(s.get(8..10)?)?;
    let hour = digits(s.get(11..13)?)?;
    let minute = digits(s.get(14..16)?)?;
    let second = digits(s.get(17..19)?)?;
    if !valid_date(year, month, day) || !valid_time(hour, minute, second) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
    ))
}

/// An EXIF `OffsetTime*` value, `+HH:MM` / `-HH:MM` (also `Z`), normalised; `None` if malformed
/// or the unknown placeholder `   :  `.
pub(crate) fn utc_offset(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('\0');
    if s == "Z" {
        return Some("Z".to_owned());
    }
    let b = s.as_bytes();
    let sign = *b.first()?;
    if !(sign == b'+' || sign == b'-') {
        return None;
    }
    let (hours, minutes) = match b.len() {
        6 if b.get(3) == Some(&b':') => (digits(s.get(1..3)?)?, digits(s.get(4..6)?)?),
        5 => (digits(s.get(1..3)?)?, digits(s.get(3..5)?)?),
        3 => (digits(s.get(1..3)?)?, 0),
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some(format!("{}{hours:02}:{minutes:02}", char::from(sign)))
}

/// EXIF `SubSecTime*` digits, at most nine; `None` if not digits.
pub(crate) fn subsec(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('\0').trim();
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.to_owned())
}

/// An ISO 8601 date as XMP and QuickTime write it — `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `±HH:MM` / `±HHMM` — checked and
/// normalised (`T`, seconds, `±HH:MM`). `None` if anything is off.
pub(crate) fn iso_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() > 40 || !s.is_ascii() {
        return None;
    }
    let year = digits(s.get(0..4)?)?;
    if s.len() == 4 {
        return (1800..=9999).contains(&year).then(|| s.to_owned());
    }
    if s.get(4..5)? != "-" {
        return None;
    }
    let month = digits(s.get(5..7)?)?;
    if s.len() == 7 {
        return (valid_date(year, month, 1)).then(|| s.to_owned());
    }
    if s.get(7..8)? != "-" {
        return None;
    }
    let day = digits(s.get(8..10)?)?;
    if !valid_date(year, month, day) {
        return None;
    }
    if s.len() == 10 {
        return Some(s.to_owned());
    }
    if !matches!(s.get(10..11)?, "T" | " ") {
        return None;
    }
    let rest = s.get(11..)?;
    // Split the time from the zone.
    let zone_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let zone = if zone.is_empty() {
        String::new()
    } else {
        utc_offset(zone)?
    };
    let mut parts = clock.split(':');
    let hour = digits(parts.next()?)?;
    let minute = digits(parts.next()?)?;
    let (second, fraction) = match parts.next() {
        None => (0, None),
        Some(sec) => match sec.split_once('.') {
            Some((whole, frac)) => (digits(whole)?, Some(subsec(frac)?)),
            None => (digits(sec)?, None),
        },
    };
    if parts.next().is_some() || !valid_time(hour, minute, second) {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(&fraction);
    }
    out.push_str(&zone);
    Some(out)
}

/// Seconds since 1904-01-01T00:00:00Z (MP4, QuickTime) as RFC 3339; `None` for 0 (unset) and
/// for dates outside 1970–9999 (counter wrap-arounds, garbage).
pub(crate) fn mp4_time(seconds_since_1904: u64) -> Option<String> {
    const FROM_1904_TO_1970: u64 = 2_082_844_800;
    let unix = seconds_since_1904.checked_sub(FROM_1904_TO_1970)?;
    if seconds_since_1904 == 0 {
        return None;
    }
    let unix = i64::try_from(unix).ok()?;
    let at = time::OffsetDateTime::from_unix_timestamp(unix).ok()?;
    if at.year() > 9999 {
        return None;
    }
    at.format(&time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_dates() {
        assert_eq!(
            exif_datetime("2023:04:05 06:07:08").as_deref(),
            Some("2023-04-05T06:07:08")
        );
        assert_eq!(
            exif_datetime("2023:04:05 06:07:08\0").as_deref(),
            Some("2023-04-05T06:07:08")
        );
        assert_eq!(exif_datetime("0000:00:00 00:00:00"), None);
        assert_eq!(exif_datetime("2023:02:30 06:07:08"), None);
        assert_eq!(exif_datetime("2023:04:05 25:07:08"), None);
        assert_eq!(exif_datetime("    :  :     :  :  "), None);
        assert_eq!(exif_datetime("2023:04:05"), None);
        assert_eq!(exif_datetime("２０２３:04:05 06:07:08"), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(utc_offset("+03:00").as_deref(), Some("+03:00"));
        assert_eq!(utc_offset("-0530").as_deref(), Some("-05:30"));
        assert_eq!(utc_offset("   :  "), None);
        assert_eq!(utc_offset("+25:00"), None);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_datetime("2021").as_deref(), Some("2021"));
        assert_eq!(iso_datetime("2021-07").as_deref(), Some("2021-07"));
        assert_eq!(iso_datetime("2021-07-09").as_deref(), Some("2021-07-09"));
        assert_eq!(
            iso_datetime("2021-07-09T10:11:12.345+02:00").as_deref(),
            Some("2021-07-09T10:11:12.345+02:00")
        );
        assert_eq!(
            iso_datetime("2021-07-09T10:11+0200").as_deref(),
            Some("2021-07-09T10:11:00+02:00")
        );
        assert_eq!(
            iso_datetime("2021-07-09T10:11:12Z").as_deref(),
            Some("2021-07-09T10:11:12Z")
        );
        assert_eq!(iso_datetime("2021-13-09"), None);
        assert_eq!(iso_datetime("2021-07-09T10:11:12+99:00"), None);
        assert_eq!(iso_datetime("yesterday"), None);
    }

    #[test]
    fn mp4_times() {
        assert_eq!(mp4_time(0), None);
        assert_eq!(mp4_time(2_082_844_800).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(mp4_time(3_800_000_000).as_deref(), Some("2024-05-31T11:33:20Z"));
        assert_eq!(mp4_time(u64::MAX), None);
    }

    #[test]
    fn strings_are_bounded() {
        assert_eq!(clean_text(b"  Canon\0\0 ").as_deref(), Some("Canon"));
        assert_eq!(clean_text(b"\0\0"), None);
        let long = "x".repeat(10_000);
        assert_eq!(
            clean_text(long.as_bytes()).map(|s| s.chars().count()),
            Some(MAX_STRING + 1)
        );
    }
}
