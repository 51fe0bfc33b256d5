//! Language helpers: dates written out, plural forms, template filling and transliteration.

use evidentia_model::{PartialDate, Period, months};
use time::Month;

/// The language a record is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Uk,
    Ru,
}

impl Lang {
    pub(crate) fn index(self) -> usize {
        match self {
            Self::En => 0,
            Self::Uk => 1,
            Self::Ru => 2,
        }
    }

    /// The form of a `[en, uk, ru]` triple in this language.
    pub(crate) fn pick<T: Copy>(self, forms: [T; 3]) -> T {
        forms[self.index()]
    }
}

/// The name of `month` in `lang`, in the case of `table` (see [`months`]).
fn month_in(table: &'static [[&'static str; 12]; 3], lang: Lang, mo: Month) -> &'static str {
    months::name(table, lang.index(), mo.into())
}

/// How a date is used in a phrase.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    /// "on 17 July 2014", "17 липня 2014 року", "в июле 2014 года".
    At,
    /// The start of a span: "3 May 2016", "з 3 травня 2016 року".
    From,
    /// The end of a span: "9 May 2016", "по липень 2016 року".
    To,
}

fn time_of(date: &PartialDate, lang: Lang) -> String {
    let PartialDate::Instant(t) = date else {
        return String::new();
    };
    let hm = format!("{:02}:{:02}", t.hour(), t.minute());
    match lang {
        Lang::En => format!(" at about {hm}"),
        Lang::Uk => format!(" близько {hm}"),
        Lang::Ru => format!(" около {hm}"),
    }
}

fn one_date(date: &PartialDate, lang: Lang, case: Case) -> String {
    let (year, month, day) = match date {
        PartialDate::Year(y) => (*y, None, None),
        PartialDate::Month(y, mo) => (*y, Some(*mo), None),
        PartialDate::Day(d) => (d.year(), Some(d.month()), Some(d.day())),
        PartialDate::Instant(t) => (t.year(), Some(t.month()), Some(t.day())),
    };
    let time = time_of(date, lang);
    match lang {
        Lang::En => {
            let body = match (month, day) {
                (Some(mo), Some(d)) => format!("{d} {} {year}{time}", month_in(&months::NOMINATIVE, lang, mo)),
                (Some(mo), None) => format!("{} {year}", month_in(&months::NOMINATIVE, lang, mo)),
                _ => format!("{year}"),
            };
            match (case, day) {
                (Case::At, Some(_)) => format!("on {body}"),
                (Case::At, None) => format!("in {body}"),
                _ => body,
            }
        }
        Lang::Uk => match (case, month, day) {
            (_, Some(mo), Some(d)) => format!("{d} {} {year} року{time}", month_in(&months::GENITIVE, lang, mo)),
            (Case::At, Some(mo), None) => format!("у {} {year} року", month_in(&months::LOCATIVE, lang, mo)),
            (Case::From, Some(mo), None) => format!("{} {year} року", month_in(&months::GENITIVE, lang, mo)),
            (Case::To, Some(mo), None) => format!("{} {year} року", month_in(&months::NOMINATIVE, lang, mo)),
            (Case::At, None, _) => format!("у {year} році"),
            (Case::From, None, _) => format!("{year} року"),
            (Case::To, None, _) => format!("{year} рік"),
        },
        Lang::Ru => match (case, month, day) {
            (_, Some(mo), Some(d)) => format!("{d} {} {year} года{time}", month_in(&months::GENITIVE, lang, mo)),
            (Case::At, Some(mo), None) => format!("в {} {year} года", month_in(&months::LOCATIVE, lang, mo)),
            (Case::From, Some(mo), None) => format!("{} {year} года", month_in(&months::GENITIVE, lang, mo)),
            (Case::To, Some(mo), None) => format!("{} {year} года", month_in(&months::NOMINATIVE, lang, mo)),
            (Case::At, None, _) => format!("в {year} году"),
            (Case::From, None, _) => format!("{year} года"),
            (Case::To, None, _) => format!("{year} год"),
        },
    }
}

/// When something happened, as a phrase that fits after a verb ("on 17 July 2014").
pub(crate) fn when(period: &Period, lang: Lang) -> String {
    match period.to {
        None => one_date(&period.from, lang, Case::At),
        Some(to) => {
            let from = one_date(&period.from, lang, Case::From);
            let to = one_date(&to, lang, Case::To);
            match lang {
                Lang::En => format!("between {from} and {to}"),
                Lang::Uk => format!("у період з {from} по {to}"),
                Lang::Ru => format!("в период с {from} по {to}"),
            }
        }
    }
}

/// The text with its first letter in upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The Slavic plural form for `n`: `[one, few, many]` ("1 особа", "2 особи", "5 осіб").
pub(crate) fn plural(n: u32, forms: [&str; 3]) -> &str {
    let (ten, hundred) = (n % 10, n % 100);
    if ten == 1 && hundred != 11 {
        forms[0]
    } else if (2..=4).contains(&ten) && !(12..=14).contains(&hundred) {
        forms[1]
    } else {
        forms[2]
    }
}

/// `n` and the word in its number, in `lang`: `forms` are `[en_one, en_many]` and the three Slavic
/// forms of the other language.
pub(crate) fn count(n: u32, lang: Lang, en: [&str; 2], uk: [&str; 3], ru: [&str; 3]) -> String {
    let word = match lang {
        Lang::En => {
            if n == 1 {
                en[0]
            } else {
                en[1]
            }
        }
        Lang::Uk => plural(n, uk),
        Lang::Ru => plural(n, ru),
    };
    format!("{n} {word}")
}

/// Values for the placeholders of a template.
pub(crate) struct Fill<'a> {
    pub lang: Lang,
    /// "{in}": "in Tykhorichchia", "у с. Тихоріччя" (the preposition without its euphony).
    pub place_in: &'a str,
    /// "{near}": "near Tykhorichchia", "поблизу с. Тихоріччя".
    pub near: &'a str,
    /// "{place}": the bare name.
    pub place: &'a str,
    /// "{date}" (and "{Date}" capitalised).
    pub date: &'a str,
}

fn ends_with_vowel(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "аеєиіїоуюяaeiouАЕЄИІЇОУЮЯ".contains(c))
}

/// Fills `{in}`, `{near}`, `{place}`, `{date}` and `{Date}`. In Ukrainian, "у" becomes "в"
/// after a vowel (the alternation that keeps the phrase easy to say).
pub(crate) fn fill(template: &str, f: &Fill<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        match &after[..end] {
            "in" => {
                if f.lang == Lang::Uk && ends_with_vowel(&out) {
                    if let Some(tail) = f.place_in.strip_prefix("у ") {
                        out.push_str("в ");
                        out.push_str(tail);
                    } else {
                        out.push_str(f.place_in);
                    }
                } else {
                    out.push_str(f.place_in);
                }
            }
            "near" => out.push_str(f.near),
            "place" => out.push_str(f.place),
            "date" => out.push_str(f.date),
            "Date" => {
                let cap = capitalise(f.date);
                if f.lang == Lang::En {
                    out.push_str(&cap);
                    out.push(',');
                } else {
                    out.push_str(&cap);
                }
            }
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

fn push_cased(out: &mut String, latin: &str, upper: bool) {
    if upper {
        let mut chars = latin.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    } else {
        out.push_str(latin);
    }
}

/// Ukrainian Cyrillic in the national Latin transliteration (2010), as on passports:
/// "Олександр Ковальов" → "Oleksandr Kovalov", "Тихоріччя" → "Tykhorichchia".
pub(crate) fn latin_uk(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word_start = true;
    let mut prev = ' ';
    for c in s.chars() {
        if is_apostrophe(c) {
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let upper = lower != c;
        let latin = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' if prev == 'з' => "gh",
            'г' => "h",
            'ґ' => "g",
            'д' => "d",
            'е' | 'э' | 'ё' => "e",
            'є' if word_start => "ye",
            'є' => "ie",
            'ж' => "zh",
            'з' => "z",
            'и' | 'ы' => "y",
            'і' => "i",
            'ї' if word_start => "yi",
            'ї' => "i",
            'й' if word_start => "y",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ь' | 'ъ' => "",
            'ю' if word_start => "yu",
            'ю' => "iu",
            'я' if word_start => "ya",
            'я' => "ia",
            _ => {
                out.push(c);
                word_start = !c.is_alphabetic();
                prev = lower;
                continue;
            }
        };
        push_cased(&mut out, latin, upper);
        word_start = false;
        prev = lower;
    }
    out
}

/// Russian Cyrillic in the common English-language transliteration that sources use:
/// "Александр Ковалёв" → "Aleksandr Kovalyov", "Юрий" → "Yuriy".
pub(crate) fn latin_ru(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let upper = lower != c;
        let latin = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' | 'є' => "e",
            'ё' => "yo",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'ї' => "yi",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            _ => {
                out.push(c);
                continue;
            }
        };
        push_cased(&mut out, latin, upper);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_follows_the_tables() {
        assert_eq!(latin_uk("Олександр Ковальов"), "Oleksandr Kovalov");
        assert_eq!(latin_uk("Солов'яний Бір"), "Solovianyi Bir");
        assert_eq!(latin_uk("Розгірне"), "Rozghirne");
        assert_eq!(latin_uk("Євшанове Їжакове Юрій"), "Yevshanove Yizhakove Yurii");
        assert_eq!(latin_ru("Александр Ковалёв"), "Aleksandr Kovalyov");
        assert_eq!(latin_ru("Юрий Дмитриевич"), "Yuriy Dmitrievich");
    }

    #[test]
    fn plurals() {
        let f = ["особа", "особи", "осіб"];
        assert_eq!(plural(1, f), "особа");
        assert_eq!(plural(3, f), "особи");
        assert_eq!(plural(11, f), "осіб");
        assert_eq!(plural(21, f), "особа");
        assert_eq!(plural(12, f), "осіб");
        assert_eq!(plural(24, f), "особи");
        assert_eq!(plural(0, f), "осіб");
    }

    #[test]
    fn dates_are_written_out() {
        let p = |s: &str| Period::at(s.parse().unwrap());
        assert_eq!(when(&p("2014-07-17"), Lang::En), "on 17 July 2014");
        assert_eq!(when(&p("2014-07"), Lang::Uk), "у липні 2014 року");
        assert_eq!(when(&p("2014"), Lang::Ru), "в 2014 году");
        assert_eq!(
            when(&p("2014-07-17T13:20:00+02:00"), Lang::Uk),
            "17 липня 2014 року близько 13:20"
        );
        let span = Period {
            from: "2016-05".parse().unwrap(),
            to: Some("2016-07".parse().unwrap()),
        };
        assert_eq!(when(&span, Lang::Uk), "у період з травня 2016 року по липень 2016 року");
        assert_eq!(when(&span, Lang::Ru), "в период с мая 2016 года по июль 2016 года");
        assert_eq!(when(&span, Lang::En), "between May 2016 and July 2016");
    }

    #[test]
    fn templates_fill_with_euphony() {
        let f = Fill {
            lang: Lang::Uk,
            place_in: "у с. Тихоріччя",
            near: "",
            place: "",
            date: "у 2014 році",
        };
        assert_eq!(fill("Обстріл вулиці {in}", &f), "Обстріл вулиці в с. Тихоріччя");
        assert_eq!(fill("Обстріл {in}", &f), "Обстріл у с. Тихоріччя");
        assert_eq!(fill("{Date} {in} сталося", &f), "У 2014 році в с. Тихоріччя сталося");
        let f = Fill {
            lang: Lang::En,
            place_in: "in Tykhorichchia",
            near: "",
            place: "",
            date: "in 2014",
        };
        assert_eq!(
            fill("{Date} shells hit a street {in}.", &f),
            "In 2014, shells hit a street in Tykhorichchia."
        );
    }
}
