//! The interface's languages: messages from `i18n/{en,uk,ru}.toml` (compiled in), the choice of
//! language (the `lang` cookie, then `Accept-Language`, then English), and dates and numbers
//! written the way each language writes them.
//!
//! Messages are looked up by key; a key missing in Ukrainian or Russian falls back to English
//! (a unit test keeps the three files in step), a key missing everywhere shows itself, so a
//! typo is visible on the page rather than a blank.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;
use evidentia_model::{PartialDate, months};

/// The cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Uk,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Uk, Lang::Ru];

    /// The BCP 47 tag, for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Uk => "uk",
            Self::Ru => "ru",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Uk => "Українська",
            Self::Ru => "Русский",
        }
    }

    /// Writing direction; every language shipped today is left-to-right, and the pages take
    /// their direction from here so that a right-to-left one needs only its message file.
    pub fn dir(self) -> &'static str {
        "ltr"
    }

    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The cookie's choice, else the first supported language of `Accept-Language` by quality,
    /// else English.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        if let Some(lang) = crate::auth::cookie(headers, LANG_COOKIE).and_then(Self::parse) {
            return lang;
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut best: Option<(u16, Lang)> = None;
        for part in accept.split(',').take(32) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .filter(|q| q.is_finite())
                .map_or(1000, |q| (q.clamp(0.0, 1.0) * 1000.0) as u16);
            if let Some(lang) = Self::parse(tag)
                && quality > 0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map_or(Self::En, |(_, l)| l)
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> &str {
        let lookup = |lang: Lang| MESSAGES.get(&lang).and_then(|m| m.get(key)).map(String::as_str);
        lookup(self).or_else(|| lookup(Lang::En)).unwrap_or(key)
    }

    /// The message `key` with each `{name}` replaced by its value.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A whole number with the language's digit grouping: `12,345` or `12 345`.
    pub fn number(self, n: u64) -> String {
        let separator = match self {
            Self::En => ",",
            // A no-break space, so that a number never breaks across lines.
            Self::Uk | Self::Ru => "\u{a0}",
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + 8);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }

    /// The position of this language in the tables of [`months`].
    fn column(self) -> usize {
        match self {
            Self::En => 0,
            Self::Uk => 1,
            Self::Ru => 2,
        }
    }

    /// A month's name as used alone ("May", "травень").
    fn month_name(self, month: u8) -> &'static str {
        months::name(&months::NOMINATIVE, self.column(), month)
    }

    /// A month's name after a day number ("17 травня", "17 мая").
    fn month_genitive(self, month: u8) -> &'static str {
        months::name(&months::GENITIVE, self.column(), month)
    }

    /// A short month label for charts: "May 2023" / "05.2023".
    pub fn month_short(self, year: i32, month: u8) -> String {
        match self {
            Self::En => format!("{} {year}", self.month_name(month).get(..3).unwrap_or_default()),
            Self::Uk | Self::Ru => format!("{month:02}.{year}"),
        }
    }

    fn day(self, date: time::Date) -> String {
        let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
        match self {
            Self::En => format!("{day} {} {year}", self.month_name(month)),
            Self::Uk => format!("{day} {} {year} р.", self.month_genitive(month)),
            Self::Ru => format!("{day} {} {year} г.", self.month_genitive(month)),
        }
    }

    /// A partial date as precise as it is known: "2023", "May 2023", "17 May 2023".
    pub fn partial_date(self, date: &PartialDate) -> String {
        match date {
            PartialDate::Year(y) => y.to_string(),
            PartialDate::Month(y, m) => {
                let name = self.month_name(u8::from(*m));
                match self {
                    Self::En => format!("{name} {y}"),
                    Self::Uk => format!("{name} {y} р."),
                    Self::Ru => format!("{name} {y} г."),
                }
            }
            PartialDate::Day(d) => self.day(*d),
            PartialDate::Instant(t) => self.instant(*t),
        }
    }

    /// A moment, in UTC: "17 May 2023, 14:05 UTC".
    pub fn instant(self, t: time::OffsetDateTime) -> String {
        let t = t.to_offset(time::UtcOffset::UTC);
        format!("{}, {:02}:{:02} UTC", self.day(t.date()), t.hour(), t.minute())
    }

    /// A period: "May 2023" or "May 2023 – June 2023".
    pub fn period(self, period: &evidentia_model::Period) -> String {
        match &period.to {
            Some(to) if to != &period.from => {
                format!("{} – {}", self.partial_date(&period.from), self.partial_date(to))
            }
            _ => self.partial_date(&period.from),
        }
    }
}

type Messages = HashMap<String, String>;

const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../../i18n/en.toml")),
    (Lang::Uk, include_str!("../../i18n/uk.toml")),
    (Lang::Ru, include_str!("../../i18n/ru.toml")),
];

/// Flattens `[section] key = "text"` into `section.key`.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Messages) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

fn parse(source: &str) -> Messages {
    let mut out = Messages::new();
    match source.parse::<toml::Table>() {
        Ok(table) => flatten("", &table, &mut out),
        // The files are compiled in and checked by a unit test; a broken one shows keys.
        Err(e) => tracing::error!(error = %e, "a message file cannot be read"),
    }
    out
}

static MESSAGES: LazyLock<HashMap<Lang, Messages>> =
    LazyLock::new(|| SOURCES.iter().map(|(lang, src)| (*lang, parse(src))).collect());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message() {
        for (_, source) in SOURCES {
            source.parse::<toml::Table>().unwrap();
        }
        let en = &MESSAGES[&Lang::En];
        assert!(en.len() > 50);
        for lang in [Lang::Uk, Lang::Ru] {
            let other = &MESSAGES[&lang];
            let mut missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            missing.sort();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            let mut extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            extra.sort();
            assert!(extra.is_empty(), "{lang:?} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn languages_are_chosen_from_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert("accept-language", "de-DE,uk;q=0.8,ru;q=0.9".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Ru);
        h.insert("cookie", "lang=uk".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Uk);
        h.insert("cookie", "lang=xx".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Ru);
        h.insert("accept-language", ";;;q=nan,,q=,*".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
    }

    #[test]
    fn dates_and_numbers_per_language() {
        let d: PartialDate = "2023-05".parse().unwrap();
        assert_eq!(Lang::En.partial_date(&d), "May 2023");
        assert_eq!(Lang::Uk.partial_date(&d), "травень 2023 р.");
        let d: PartialDate = "2023-05-17".parse().unwrap();
        assert_eq!(Lang::Ru.partial_date(&d), "17 мая 2023 г.");
        assert_eq!(Lang::En.partial_date(&d), "17 May 2023");
        assert_eq!(Lang::En.number(1234567), "1,234,567");
        assert_eq!(Lang::Uk.number(1234), "1\u{a0}234");
        assert_eq!(Lang::Ru.number(12), "12");
        assert_eq!(Lang::En.tf("no.such {name}", &[("name", "x")]), "no.such x");
    }
}
