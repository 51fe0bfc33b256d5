//! Properties of name keys, transliteration and the dedupe core that must hold for any input.

use evidentia_linkage::dedupe::{DedupeOptions, dedupe};
use evidentia_linkage::key::{family_word_key, name_key, name_keys, patronymic_stems};
use evidentia_linkage::record::PartialDate;
use evidentia_linkage::translit::System;
use proptest::prelude::*;

/// Ukrainian lower-case letters that can start a word (no soft sign, no apostrophe).
const UKRAINIAN: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщюя";

fn ukrainian_word() -> impl Strategy<Value = String> {
    let letters: Vec<char> = UKRAINIAN.chars().collect();
    let inner: Vec<char> = UKRAINIAN.chars().chain(['ь']).collect();
    (
        proptest::sample::select(letters),
        proptest::collection::vec(proptest::sample::select(inner), 0..12),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any text: no panic, bounded keys, at most 8 words, keys of lower-case ASCII and key codes.
    #[test]
    fn keys_are_bounded(text in any::<String>()) {
        let keys = name_keys(&text);
        prop_assert!(keys.len() <= 8);
        for key in &keys {
            prop_assert!(!key.is_empty() && key.len() <= 48);
            prop_assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"QSZC".contains(&b)), "{key:?}");
            let _ = family_word_key(key);
            let _ = patronymic_stems(key);
        }
        let _ = PartialDate::parse(&text);
    }

    /// A Ukrainian word and its official (2010) transliteration, in any case, share one key.
    #[test]
    fn ukrainian_2010_keeps_the_key(word in ukrainian_word(), upper in any::<bool>()) {
        let word = if upper { word.to_uppercase() } else { word };
        let latin = System::Ua2010.transliterate(&word);
        prop_assert_eq!(name_key(&latin), name_key(&word), "{} → {}", word, latin);
    }

    /// Every table turns Cyrillic into text without Cyrillic letters.
    #[test]
    fn tables_leave_no_cyrillic(word in ukrainian_word()) {
        for system in System::ALL {
            let latin = system.transliterate(&word);
            prop_assert!(!latin.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)), "{} {}", system.name(), latin);
        }
    }

    /// Swapping Cyrillic letters for Latin look-alikes in a minority of positions keeps the key.
    #[test]
    fn look_alikes_keep_the_key(word in ukrainian_word(), swap_at in any::<usize>()) {
        let chars: Vec<char> = word.chars().collect();
        prop_assume!(chars.len() >= 3);
        let i = swap_at % chars.len();
        let twin = match chars[i] { 'о' => 'o', 'а' => 'a', 'е' => 'e', 'р' => 'p', 'с' => 'c', 'х' => 'x', _ => chars[i] };
        let mixed: String = chars.iter().enumerate().map(|(j, &c)| if j == i { twin } else { c }).collect();
        prop_assert_eq!(name_key(&mixed), name_key(&word));
    }

    /// The dedupe core never panics and answers every row once.
    #[test]
    fn dedupe_answers_every_row(rows in proptest::collection::vec(proptest::collection::vec(any::<String>(), 0..6), 0..30)) {
        let headers: Vec<String> = ["record_id", "given_name", "family_name", "birth_date", "age", "sex"].map(str::to_owned).to_vec();
        let rows: Vec<Vec<String>> = rows.into_iter().enumerate().map(|(i, mut r)| { r.insert(0, format!("id{i}")); r }).collect();
        let out = dedupe(&headers, &rows, &DedupeOptions::default());
        prop_assert!(out.is_ok(), "{:?}", out.err());
        if let Ok(out) = out {
            prop_assert_eq!(out.clusters.len(), rows.len());
            for ((id, _), row) in out.clusters.iter().zip(&rows) {
                prop_assert_eq!(Some(id), row.first());
            }
        }
    }
}
