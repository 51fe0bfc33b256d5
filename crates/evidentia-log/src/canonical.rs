//! The JSON Canonicalization Scheme (JCS) of RFC 8785, for [`serde_json::Value`].
//!
//! Hashes of records and log leaves are taken over these bytes, so the same JSON value must
//! always give the same bytes, whichever program produced it:
//!
//! * no whitespace; object members sorted by their names compared as UTF-16 code units
//!   (RFC 8785 §3.2.3 — not by UTF-8 bytes, which differs above U+FFFF);
//! * strings escaped as ECMAScript's `JSON.stringify` does (§3.2.2.2): `\"`, `\\`, the short
//!   escapes `\b \f \n \r \t`, other characters below U+0020 as `\u00xx` with lowercase hex, and
//!   everything else (including U+007F, U+2028 and non-ASCII) as literal UTF-8;
//! * numbers as ECMAScript's `Number.prototype.toString` prints an IEEE 754 double (§3.2.2.3).
//!
//! # Numbers: what we accept and why
//!
//! JCS numbers are IEEE 754 doubles. Evidentia itself only puts integers in hashed JSON, but the
//! scheme is implemented fully, so hashes stay comparable with other JCS implementations:
//!
//! * Floats (`f64` in the value) are printed exactly as ECMAScript would: the fewest digits that
//!   read back as the same double, the closest such digits with ties to even (from Rust's exact
//!   float formatting, see `shortest_closest_digits`), laid out by the ECMAScript rules (plain up to 21 integer digits, `0.000001` down to 1e-6,
//!   exponent form otherwise). `-0` prints as `0`. The RFC 8785 Appendix B vectors are tests.
//! * Integers (`u64`/`i64` in the value) are accepted only if `|n| <= 2^53`, where every integer
//!   is exactly a double. A larger integer would be silently rounded by every other JCS
//!   implementation, giving two different values the same canonical form; we refuse it with
//!   [`CanonicalError::IntegerOutOfRange`] instead. Store such values as strings.
//!
//! Parsing JSON text into a `Value` is serde_json's job. Its default float parser is not always
//! correctly rounded (RFC 8785's `333333333.33333329` came out one ulp off), so this crate enables
//! serde_json's `float_roundtrip` feature, which makes parsing exact for the whole build.

use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// Values nested deeper than this are refused rather than risking the stack. serde_json's own
/// parser stops at 128.
pub const MAX_DEPTH: usize = 128;

/// 2^53: every integer of at most this magnitude is exactly an IEEE 754 double.
const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error(
        "integer {0} is larger in magnitude than 2^53 and not exactly representable as a JSON \
         number; store it as a string"
    )]
    IntegerOutOfRange(String),
    #[error("number {0} is not a finite IEEE 754 double")]
    NotFinite(String),
    #[error("value is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// The canonical JSON text of `value`.
///
/// ```
/// use serde_json::json;
/// let text = evidentia_log::canonical::to_string(&json!({"b": [1, 2.5, "é\n"], "a": null}))?;
/// assert_eq!(text, r#"{"a":null,"b":[1,2.5,"é\n"]}"#);
/// # Ok::<(), evidentia_log::CanonicalError>(())
/// ```
pub fn to_string(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(&mut out, value, 0)?;
    Ok(out)
}

/// The canonical JSON bytes (UTF-8) of `value`.
pub fn to_vec(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    to_string(value).map(String::into_bytes)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), CanonicalError> {
    if depth > MAX_DEPTH {
        return Err(CanonicalError::TooDeep);
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(members) => write_object(out, members, depth)?,
    }
    Ok(())
}

fn write_object(out: &mut String, members: &Map<String, Value>, depth: usize) -> Result<(), CanonicalError> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, (name, member)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, member, depth + 1)?;
    }
    out.push('}');
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, n: &Number) -> Result<(), CanonicalError> {
    if let Some(u) = n.as_u64() {
        if u > MAX_EXACT_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(n.to_string()));
        }
        let _ = write!(out, "{u}");
    } else if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_EXACT_INTEGER {
            return Err(CanonicalError::IntegerOutOfRange(n.to_string()));
        }
        let _ = write!(out, "{i}");
    } else {
        match n.as_f64() {
            Some(f) => write_double(out, f)?,
            None => return Err(CanonicalError::NotFinite(n.to_string())),
        }
    }
    Ok(())
}

/// ECMAScript `Number::toString(x)` for radix 10 (ECMA-262 §6.1.6.1.20), as RFC 8785 requires.
pub fn format_double(x: f64) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_double(&mut out, x)?;
    Ok(out)
}

fn write_double(out: &mut String, x: f64) -> Result<(), CanonicalError> {
    if !x.is_finite() {
        return Err(CanonicalError::NotFinite(x.to_string()));
    }
    if x == 0.0 {
        // Both +0 and -0.
        out.push('0');
        return Ok(());
    }
    if x < 0.0 {
        out.push('-');
    }
    let (digits, exponent) = shortest_closest_digits(x.abs())?;
    // In ECMA-262 terms: x = 0.digits × 10^n, with k = number of digits.
    let k = i32::try_from(digits.len()).map_err(|_| CanonicalError::NotFinite(x.to_string()))?;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        // Integer: digits followed by n - k zeros.
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', usize::try_from(n - k).unwrap_or(0)));
    } else if 0 < n && n <= 21 {
        // Decimal point inside the digits.
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        // Small: "0." followed by -n zeros and the digits.
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-n).unwrap_or(0)));
        out.push_str(&digits);
    } else {
        // Exponent form: d[.ddd]e±x.
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = n - 1;
        let _ = write!(out, "e{}{}", if e < 0 { '-' } else { '+' }, e.unsigned_abs());
    }
    Ok(())
}

/// The decimal digits (no trailing zeros) and exponent `e` of `x = d.ddd × 10^e` that ECMA-262
/// asks for: as few digits as read back to `x`, and among those the closest to `x`, ties to even
/// (§6.1.6.1.20, step 5 and note 2).
///
/// Rust's `{:e}` gives the shortest length, but when two digit strings of that length both read
/// back to `x` and are equally close it does not always pick the even one (RFC 8785's vector
/// `1424953923781206.2`, where x is exactly ...206.25). Formatting with that many digits instead
/// rounds the exact binary value correctly, half to even, which is the closest candidate; it is
/// used whenever it reads back to `x` (always, except possibly next to a power of two, where the
/// rounding interval is lopsided and the shortest form is kept).
fn shortest_closest_digits(x: f64) -> Result<(String, i32), CanonicalError> {
    let shortest = format!("{x:e}");
    let (digits, exponent) = split_scientific(&shortest)?;
    let precision = digits.len().saturating_sub(1);
    let closest = format!("{x:.precision$e}");
    if closest.parse::<f64>() == Ok(x) {
        let (mut digits, exponent) = split_scientific(&closest)?;
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
        }
        return Ok((digits, exponent));
    }
    Ok((digits, exponent))
}

/// Splits Rust's `d.ddde-7` notation into `("dddd", -7)`.
fn split_scientific(s: &str) -> Result<(String, i32), CanonicalError> {
    let bad = || CanonicalError::NotFinite(s.to_owned());
    let (mantissa, exponent) = s.split_once('e').ok_or_else(bad)?;
    let exponent: i32 = exponent.parse().map_err(|_| bad())?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(bad());
    }
    Ok((digits, exponent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let vectors: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, expected) in vectors {
            let x = f64::from_bits(bits);
            assert_eq!(format_double(x).unwrap(), expected, "{bits:016x}");
            // And through a Value, where serde_json keeps it as a float.
            if let Some(n) = Number::from_f64(x) {
                assert_eq!(to_string(&Value::Number(n)).unwrap(), expected, "{bits:016x}");
            }
        }
        for bits in [0x7fffffffffffffff_u64, 0x7ff0000000000000, 0xfff0000000000000] {
            assert!(format_double(f64::from_bits(bits)).is_err(), "{bits:016x}");
        }
    }

    /// RFC 8785 §3.2.2 / §3.2.4: the combined sample and its exact output bytes.
    #[test]
    fn rfc8785_sample() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let value: Value = serde_json::from_str(input).unwrap();
        let expected = concat!(
            r#"{"literals":[null,true,false],"#,
            r#""numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#,
            r#""string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
        assert_eq!(to_string(&value).unwrap(), expected);
        // §3.2.4 lists the UTF-8 bytes of this output; spot-check the start, the euro sign and
        // the end.
        let bytes = to_vec(&value).unwrap();
        assert_eq!(bytes.get(..4), Some(&[0x7b, 0x22, 0x6c, 0x69][..]));
        assert!(bytes.windows(3).any(|w| w == [0xe2, 0x82, 0xac]));
        assert_eq!(bytes.get(bytes.len() - 3..), Some(&[0x2f, 0x22, 0x7d][..]));
    }

    /// RFC 8785 §3.2.3: member names sort by UTF-16 code units.
    #[test]
    fn rfc8785_sorting() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let value: Value = serde_json::from_str(input).unwrap();
        let expected = concat!(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",",
            "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",",
            "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(to_string(&value).unwrap(), expected);
    }

    #[test]
    fn string_escapes() {
        let s: String = (0u32..0x20)
            .filter_map(char::from_u32)
            .chain(['"', '\\', '/', '\u{7f}', '\u{2028}'])
            .collect();
        let expected = concat!(
            r#""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#,
            r#"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c"#,
            "\\u001d\\u001e\\u001f\\\"\\\\/\u{7f}\u{2028}\""
        );
        assert_eq!(to_string(&json!(s)).unwrap(), expected);
    }

    #[test]
    fn integers() {
        assert_eq!(
            to_string(&json!([0, -1, 9007199254740992_u64, -9007199254740992_i64])).unwrap(),
            "[0,-1,9007199254740992,-9007199254740992]"
        );
        assert!(matches!(
            to_string(&json!(9007199254740993_u64)),
            Err(CanonicalError::IntegerOutOfRange(s)) if s == "9007199254740993"
        ));
        assert!(to_string(&json!(-9007199254740993_i64)).is_err());
        assert!(to_string(&json!(u64::MAX)).is_err());
        // The same value written as a float is a double, and prints like one.
        assert_eq!(to_string(&json!(1.0)).unwrap(), "1");
        assert_eq!(to_string(&json!(-0.0)).unwrap(), "0");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut v = json!(1);
        for _ in 0..=MAX_DEPTH {
            v = json!([v]);
        }
        assert_eq!(to_string(&v), Err(CanonicalError::TooDeep));
        let mut v = json!(1);
        for _ in 0..MAX_DEPTH {
            v = json!({ "a": v });
        }
        assert!(to_string(&v).is_ok());
    }

    #[test]
    fn canonical_text_parses_back_to_the_same_value() {
        let v = json!({"z": {"b": [true, null, "x\u{0}y"], "a": -5}, "é": 1.5e300, "": ""});
        let text = to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        assert_eq!(to_string(&back).unwrap(), text);
    }
}
