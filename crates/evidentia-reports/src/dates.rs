//! Dates written out in the reader's language, without ICU: the three languages Evidentia ships
//! need only month names and a year suffix. A partial date is shown as what is known ("May 2024"),
//! never padded with an invented day.

use evidentia_model::{PartialDate, Period, months};
use time::{Date, Month};

use crate::Language;

/// The position of `lang` in the tables of [`months`].
fn column(lang: Language) -> usize {
    match lang {
        Language::En => 0,
        Language::Uk => 1,
        Language::Ru => 2,
    }
}

fn year_text(year: i32, lang: Language) -> String {
    match lang {
        Language::En => format!("{year}"),
        Language::Uk => format!("{year} р."),
        Language::Ru => format!("{year} г."),
    }
}

fn month_text(year: i32, month: Month, lang: Language) -> String {
    let name = months::name(&months::NOMINATIVE, column(lang), month.into());
    format!("{name} {}", year_text(year, lang))
}

/// A calendar day in `lang`: "5 May 2024", "5 травня 2024 р.", "5 мая 2024 г.".
pub fn format_date(date: Date, lang: Language) -> String {
    let name = months::name(&months::GENITIVE, column(lang), date.month().into());
    format!("{} {name} {}", date.day(), year_text(date.year(), lang))
}

/// A partial date as far as it is known. An instant is shown as the calendar day in the offset it
/// was recorded in (the local day the source meant), without the time of day.
pub fn format_partial_date(date: &PartialDate, lang: Language) -> String {
    match date {
        PartialDate::Year(y) => year_text(*y, lang),
        PartialDate::Month(y, m) => month_text(*y, *m, lang),
        PartialDate::Day(d) => format_date(*d, lang),
        PartialDate::Instant(t) => format_date(t.date(), lang),
    }
}

/// A period: one date when it has no end (or the end is the same), otherwise "from – to".
pub fn format_period(period: &Period, lang: Language) -> String {
    let from = format_partial_date(&period.from, lang);
    match &period.to {
        Some(to) if to != &period.from => {
            let to = format_partial_date(to, lang);
            if to == from { from } else { format!("{from} – {to}") }
        }
        _ => from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_months_and_years_in_each_language() {
        assert_eq!(format_partial_date(&d("2024-05-05"), Language::En), "5 May 2024");
        assert_eq!(format_partial_date(&d("2024-05-05"), Language::Uk), "5 травня 2024 р.");
        assert_eq!(format_partial_date(&d("2024-05-05"), Language::Ru), "5 мая 2024 г.");
        assert_eq!(format_partial_date(&d("2024-05"), Language::En), "May 2024");
        assert_eq!(format_partial_date(&d("2024-05"), Language::Uk), "травень 2024 р.");
        assert_eq!(format_partial_date(&d("2024-05"), Language::Ru), "май 2024 г.");
        assert_eq!(format_partial_date(&d("2024"), Language::Ru), "2024 г.");
        assert_eq!(format_partial_date(&d("2024-12-31"), Language::Uk), "31 грудня 2024 р.");
    }

    #[test]
    fn instants_keep_their_local_day() {
        assert_eq!(
            format_partial_date(&d("2024-05-05T23:30:00-04:00"), Language::En),
            "5 May 2024"
        );
    }

    #[test]
    fn periods() {
        let p = Period {
            from: d("2024-05"),
            to: Some(d("2024-06-02")),
        };
        assert_eq!(format_period(&p, Language::En), "May 2024 – 2 June 2024");
        assert_eq!(format_period(&Period::at(d("2023")), Language::En), "2023");
    }
}
