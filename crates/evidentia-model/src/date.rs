//! Partial dates and periods.
//!
//! Dates of the past are often known only to the year or month ("summer 2014" is recorded as
//! `2014`, refined later). A [`PartialDate`] keeps exactly the precision the source gave, and a
//! [`Period`] is the span an event may have happened in. Filtering compares the widest bounds:
//! `2014` covers 2014-01-01 ..= 2014-12-31, so it overlaps a query for July 2014.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The earliest and latest year accepted. Records describe events within living memory and
/// archives; anything outside this range is a typing error, not history.
pub const MIN_YEAR: i32 = 1800;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 2200;

/// A date known to a year, a month, a day, or an exact instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialDate {
    /// `YYYY`
    Year(i32),
    /// `YYYY-MM`
    Month(i32, Month),
    /// `YYYY-MM-DD`
    Day(Date),
    /// An RFC 3339 instant, kept in the offset it was given in.
    Instant(OffsetDateTime),
}

/// Why a partial date was refused; the message is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(pub String);

fn err(msg: impl Into<String>) -> DateError {
    DateError(msg.into())
}

fn parse_year(s: &str) -> Result<i32, DateError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("the year must have four digits"));
    }
    let year: i32 = s.parse().map_err(|_| err("the year must have four digits"))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(err(format!("the year must be between {MIN_YEAR} and {MAX_YEAR}")));
    }
    Ok(year)
}

fn parse_two_digits(s: &str, what: &str) -> Result<u8, DateError> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("the {what} must have two digits")));
    }
    s.parse().map_err(|_| err(format!("the {what} must have two digits")))
}

fn parse_month(s: &str) -> Result<Month, DateError> {
    let m = parse_two_digits(s, "month")?;
    Month::try_from(m).map_err(|_| err("the month must be between 01 and 12"))
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() > 10 {
            let instant = OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|_| err("not a date: expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time"))?;
            parse_year(&format!("{:04}", instant.year().clamp(0, 9999)))?;
            return Ok(Self::Instant(instant));
        }
        let mut parts = s.split('-');
        let year = parse_year(parts.next().unwrap_or_default())?;
        let Some(month) = parts.next() else {
            return Ok(Self::Year(year));
        };
        let month = parse_month(month)?;
        let Some(day) = parts.next() else {
            return Ok(Self::Month(year, month));
        };
        if parts.next().is_some() {
            return Err(err(
                "not a date: expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time",
            ));
        }
        let day = parse_two_digits(day, "day")?;
        let date = Date::from_calendar_date(year, month, day)
            .map_err(|_| err(format!("{year:04}-{:02} has no day {day:02}", u8::from(month))))?;
        Ok(Self::Day(date))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::Month(y, m) => write!(f, "{y:04}-{:02}", u8::from(*m)),
            Self::Day(d) => write!(f, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
            Self::Instant(t) => match t.format(&Rfc3339) {
                Ok(s) => f.write_str(&s),
                Err(_) => Err(fmt::Error),
            },
        }
    }
}

impl PartialDate {
    /// The first calendar day the date may denote (in UTC for instants).
    pub fn first_day(&self) -> Date {
        match self {
            Self::Year(y) => Date::from_calendar_date(*y, Month::January, 1).unwrap_or(Date::MIN),
            Self::Month(y, m) => Date::from_calendar_date(*y, *m, 1).unwrap_or(Date::MIN),
            Self::Day(d) => *d,
            Self::Instant(t) => t.to_offset(UtcOffset::UTC).date(),
        }
    }

    /// The last calendar day the date may denote (in UTC for instants).
    pub fn last_day(&self) -> Date {
        match self {
            Self::Year(y) => Date::from_calendar_date(*y, Month::December, 31).unwrap_or(Date::MAX),
            Self::Month(y, m) => Date::from_calendar_date(*y, *m, m.length(*y)).unwrap_or(Date::MAX),
            Self::Day(_) | Self::Instant(_) => self.first_day(),
        }
    }

    /// `first_day` as a sortable integer `YYYYMMDD`, the form the stores index.
    pub fn first_key(&self) -> i32 {
        day_key(self.first_day())
    }

    /// `last_day` as a sortable integer `YYYYMMDD`.
    pub fn last_key(&self) -> i32 {
        day_key(self.last_day())
    }
}

/// A calendar day as the sortable integer `YYYYMMDD`.
pub fn day_key(d: Date) -> i32 {
    d.year() * 10_000 + i32::from(u8::from(d.month())) * 100 + i32::from(d.day())
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("A partial date: YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 instant"))
            .examples(["2014-07"])
            .into()
    }
}

impl utoipa::ToSchema for PartialDate {}

/// The span in which something happened or was seen: `from`, and optionally `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: PartialDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
}

impl Period {
    /// A period of one partial date.
    pub fn at(date: PartialDate) -> Self {
        Self { from: date, to: None }
    }

    /// The widest bounds as `YYYYMMDD` keys: first day of `from`, last day of `to` (or of `from`).
    pub fn keys(&self) -> (i32, i32) {
        let end = self.to.unwrap_or(self.from);
        (self.from.first_key(), end.last_key())
    }

    /// `None` when the period is coherent, otherwise why not.
    pub fn problem(&self) -> Option<String> {
        let to = self.to?;
        (self.from.first_day() > to.last_day())
            .then(|| format!("the period ends ({to}) before it begins ({})", self.from))
    }

    /// True when the two spans share at least one day.
    pub fn overlaps(&self, range: (i32, i32)) -> bool {
        let (lo, hi) = self.keys();
        lo <= range.1 && range.0 <= hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<PartialDate, DateError> {
        s.parse()
    }

    #[test]
    fn the_four_forms_round_trip() {
        for s in [
            "2014",
            "2014-07",
            "2014-07-17",
            "2014-07-17T13:20:00+03:00",
            "2014-07-17T10:20:00Z",
        ] {
            let d = p(s).unwrap();
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert_eq!(p("2015-02-30").unwrap_err().0, "2015-02 has no day 30");
        assert!(p("2016-02-29").is_ok());
        assert!(p("2015-02-29").is_err());
        assert!(p("2014-13").unwrap_err().0.contains("month"));
        assert!(p("2014-00").is_err());
        assert!(p("0000-00-00").is_err());
        assert!(p("14").is_err());
        assert!(p("2014-7").is_err());
        assert!(p("2014-07-17-01").is_err());
        assert!(p("").is_err());
        assert!(p("1700").unwrap_err().0.contains("between"));
        assert!(p("2014-07-17T25:00:00Z").is_err());
        assert!(p("yesterday").is_err());
    }

    #[test]
    fn bounds_cover_the_whole_precision() {
        assert_eq!(p("2014").unwrap().first_key(), 20140101);
        assert_eq!(p("2014").unwrap().last_key(), 20141231);
        assert_eq!(p("2016-02").unwrap().last_key(), 20160229);
        assert_eq!(p("2015-02").unwrap().last_key(), 20150228);
        assert_eq!(p("2014-07-17").unwrap().last_key(), 20140717);
        // An instant late in the evening east of UTC is still the previous day in UTC.
        assert_eq!(p("2014-07-18T01:00:00+03:00").unwrap().first_key(), 20140717);
    }

    #[test]
    fn periods_overlap_query_ranges() {
        let year = Period::at(p("2014").unwrap());
        assert!(year.overlaps((20140701, 20140731)));
        assert!(!year.overlaps((20150101, 20151231)));
        let span = Period {
            from: p("2014-06-30").unwrap(),
            to: Some(p("2014-07").unwrap()),
        };
        assert!(span.overlaps((20140731, 20140810)));
        assert!(!span.overlaps((20140801, 20140810)));
        assert!(span.overlaps((20140101, 20140630)));
    }

    #[test]
    fn a_period_may_not_end_before_it_begins() {
        let bad = Period {
            from: p("2015").unwrap(),
            to: Some(p("2014-12").unwrap()),
        };
        assert!(bad.problem().is_some());
        let same_year = Period {
            from: p("2014-07").unwrap(),
            to: Some(p("2014").unwrap()),
        };
        assert!(same_year.problem().is_none());
    }

    #[test]
    fn serde_uses_the_text_form() {
        let period: Period = serde_json::from_str(r#"{"from":"2014-07","to":"2014-08-02"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&period).unwrap(),
            r#"{"from":"2014-07","to":"2014-08-02"}"#
        );
        let e = serde_json::from_str::<Period>(r#"{"from":"2014-02-30"}"#).unwrap_err();
        assert!(e.to_string().contains("no day 30"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<PartialDate>();
        }

        #[test]
        fn valid_days_round_trip(y in MIN_YEAR..=MAX_YEAR, m in 1u8..=12, d in 1u8..=31) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            if let Ok(date) = s.parse::<PartialDate>() {
                proptest::prop_assert_eq!(date.to_string(), s);
                proptest::prop_assert!(date.first_key() <= date.last_key());
            }
        }
    }
}
