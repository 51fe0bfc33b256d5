//! The names of the months in the three interface languages, by grammatical case. Each table is
//! `[English, Ukrainian, Russian]`; English has one form, repeated in every table.

const EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Used alone or after a preposition taking the accusative: "May 2024", "травень 2024 р.",
/// "по липень".
pub const NOMINATIVE: [[&str; 12]; 3] = [
    EN,
    [
        "січень",
        "лютий",
        "березень",
        "квітень",
        "травень",
        "червень",
        "липень",
        "серпень",
        "вересень",
        "жовтень",
        "листопад",
        "грудень",
    ],
    [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
];

/// After a day number or "from": "17 травня", "17 мая", "з липня".
pub const GENITIVE: [[&str; 12]; 3] = [
    EN,
    [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ],
    [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
];

/// After "in": "у липні", "в июле".
pub const LOCATIVE: [[&str; 12]; 3] = [
    EN,
    [
        "січні",
        "лютому",
        "березні",
        "квітні",
        "травні",
        "червні",
        "липні",
        "серпні",
        "вересні",
        "жовтні",
        "листопаді",
        "грудні",
    ],
    [
        "январе",
        "феврале",
        "марте",
        "апреле",
        "мае",
        "июне",
        "июле",
        "августе",
        "сентябре",
        "октябре",
        "ноябре",
        "декабре",
    ],
];

/// The name of `month` (1–12; out-of-range numbers are clamped) in `table` for the language at
/// `language` (0 English, 1 Ukrainian, 2 Russian; others read as Russian).
pub fn name(table: &'static [[&'static str; 12]; 3], language: usize, month: u8) -> &'static str {
    table[language.min(2)][usize::from(month.clamp(1, 12) - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_has_a_distinct_name_in_every_case_and_language() {
        for table in [&NOMINATIVE, &GENITIVE, &LOCATIVE] {
            for language in 0..3 {
                let names: std::collections::BTreeSet<_> = (1..=12).map(|m| name(table, language, m)).collect();
                assert_eq!(names.len(), 12);
            }
        }
        assert_eq!(name(&GENITIVE, 1, 5), "травня");
        assert_eq!(name(&LOCATIVE, 2, 7), "июле");
        assert_eq!(name(&NOMINATIVE, 0, 0), "January");
        assert_eq!(name(&NOMINATIVE, 0, 13), "December");
    }
}
