//! Properties of `normalise` that must hold for any input, hostile or not.

use std::ops::RangeInclusive;

use evidentia_linkage::normalise::{index_text, to_latin, word_keys};
use proptest::prelude::*;

const MAX_TEXT_LEN: usize = 8 * 1024;
const MAX_KEY_LEN: usize = 64;
const MAX_WORDS: usize = 1024;

/// Upper- and lower-case letters of the Ukrainian, Russian and Belarusian
/// alphabets.
const CYRILLIC_LETTERS: &str = "абвгґдеєжзиіїйклмнопрстуўфхцчшщьъыэюяё\
                                АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУЎФХЦЧШЩЬЪЫЭЮЯЁ";

/// Cyrillic letters and the Latin letters that look like them.
const TWINS: [(char, char); 24] = [
    ('А', 'A'),
    ('В', 'B'),
    ('С', 'C'),
    ('Е', 'E'),
    ('Н', 'H'),
    ('І', 'I'),
    ('К', 'K'),
    ('М', 'M'),
    ('О', 'O'),
    ('Р', 'P'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('а', 'a'),
    ('с', 'c'),
    ('е', 'e'),
    ('і', 'i'),
    ('к', 'k'),
    ('м', 'm'),
    ('о', 'o'),
    ('р', 'p'),
    ('т', 't'),
    ('х', 'x'),
    ('у', 'y'),
    ('ї', 'ï'),
];

fn cyrillic_letters(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    let letters: Vec<char> = CYRILLIC_LETTERS.chars().collect();
    prop::collection::vec(prop::sample::select(letters), len).prop_map(|chars| chars.into_iter().collect())
}

/// Characters that exercise every branch: any character at all, the
/// scripts we transliterate, combining marks, and the characters that are
/// dropped, folded or split on.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::char::range('\u{0400}', '\u{052F}'),
        prop::char::range('a', 'z'),
        prop::char::range('\u{00C0}', '\u{024F}'),
        prop::char::range('\u{0300}', '\u{036F}'),
        prop::sample::select(vec![
            '\'', '’', 'ʼ', 'ʹ', '´', '″', '\u{AD}', '\u{200B}', '\u{200D}', '\u{202E}', '\u{FEFF}', '-', ' ', '\n',
            '\u{0}', '0', '9', '²', '½', 'ﬁ', 'ǅ', 'ß', 'İ', 'ı', '🇺', '👨', 'ש', 'م', '東', 'Ω', 'Ｋ',
        ]),
    ]
}

fn interesting_text() -> impl Strategy<Value = String> {
    prop::collection::vec(interesting_char(), 0..400).prop_map(|chars| chars.into_iter().collect())
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn is_token(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_output_shape(text: &str) -> Result<(), TestCaseError> {
    let index = index_text(text);
    prop_assert!(index.len() <= MAX_TEXT_LEN);
    if !index.is_empty() {
        prop_assert!(index.split(' ').all(is_token), "{:?}", index);
    }
    let latin = to_latin(text);
    prop_assert!(latin.len() <= MAX_TEXT_LEN);
    let keys = word_keys(text);
    prop_assert!(keys.len() <= MAX_WORDS);
    for key in &keys {
        prop_assert!(is_key(&key.latin), "{:?}", key);
        prop_assert!(is_key(&key.skeleton), "{:?}", key);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_gives_well_formed_keys(text in any::<String>()) {
        check_output_shape(&text)?;
    }

    #[test]
    fn interesting_text_gives_well_formed_keys(text in interesting_text()) {
        check_output_shape(&text)?;
    }

    #[test]
    fn the_three_functions_agree(text in interesting_text()) {
        let keys = word_keys(&text);
        let latins: Vec<&str> = keys.iter().map(|k| k.latin.as_str()).collect();
        prop_assert_eq!(to_latin(&text), latins.join(" "));
        let tokens: Vec<String> = keys
            .iter()
            .flat_map(|k| [k.latin.clone(), format!("_{}", k.skeleton)])
            .collect();
        prop_assert_eq!(index_text(&text), tokens.join(" "));
    }

    #[test]
    fn to_latin_is_idempotent(text in interesting_text()) {
        let once = to_latin(&text);
        prop_assert_eq!(to_latin(&once), once.clone());
        prop_assert_eq!(word_keys(&once), word_keys(&text));
    }

    #[test]
    fn cyrillic_and_its_transliteration_share_skeletons(word in cyrillic_letters(1..=80)) {
        let skeletons = |text: &str| -> Vec<String> {
            word_keys(text).into_iter().map(|k| k.skeleton).collect()
        };
        prop_assert_eq!(skeletons(&to_latin(&word)), skeletons(&word));
    }

    #[test]
    fn cyrillic_case_does_not_matter(word in cyrillic_letters(1..=40)) {
        prop_assert_eq!(word_keys(&word.to_uppercase()), word_keys(&word.to_lowercase()));
    }

    #[test]
    fn one_latin_look_alike_does_not_change_a_cyrillic_word(
        before in cyrillic_letters(0..=15),
        (cyrillic, latin) in prop::sample::select(TWINS.to_vec()),
        after in cyrillic_letters(1..=15),
    ) {
        let word = format!("{before}{cyrillic}{after}");
        let mixed = format!("{before}{latin}{after}");
        prop_assert_eq!(word_keys(&mixed), word_keys(&word));
    }

    #[test]
    fn huge_inputs_stay_bounded(
        word in cyrillic_letters(1..=8),
        repeat in 1_000_usize..3_000,
        separator in prop::sample::select(vec!["", " ", "-", "\u{301}"]),
    ) {
        let text = [word.as_str(), separator].concat().repeat(repeat);
        check_output_shape(&text)?;
    }
}
