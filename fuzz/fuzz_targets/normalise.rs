//! Arbitrary text through everything that reads names, dates and lists in evidentia-linkage:
//! canonical keys, every transliteration table, family-name and patronymic forms, partial dates,
//! ages, and the dedupe core on rows cut from the input. Any panic, overflow (debug assertions are
//! on), timeout or memory blow-up (`-rss_limit_mb`) is a finding.

#![no_main]

use evidentia_linkage::dedupe::{DedupeOptions, dedupe};
use evidentia_linkage::key::{family_word_key, name_key, name_keys, patronymic_stems};
use evidentia_linkage::normalise::{index_text, to_latin, word_keys};
use evidentia_linkage::record::{PartialDate, parse_age, parse_sex};
use evidentia_linkage::translit::System;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for key in name_keys(&text) {
        assert!(key.len() <= 48);
        let _ = family_word_key(&key);
        let _ = patronymic_stems(&key);
    }
    let _ = name_key(&text);
    let _ = word_keys(&text);
    let _ = index_text(&text);
    let _ = to_latin(&text);
    for system in System::ALL {
        let latin = system.transliterate(&text);
        let _ = name_key(&latin);
    }
    let _ = PartialDate::parse(&text);
    let _ = parse_age(&text);
    let _ = parse_sex(&text);
    // Lines become rows, commas fields; the first line is the header.
    if data.len() < 4096 {
        let mut lines = text.lines().map(|l| l.split(',').map(str::to_owned).collect::<Vec<String>>());
        let mut headers = lines.next().unwrap_or_default();
        headers.insert(0, "record_id".to_owned());
        let rows: Vec<Vec<String>> = lines
            .enumerate()
            .map(|(i, mut row)| {
                row.insert(0, i.to_string());
                row
            })
            .collect();
        let options = DedupeOptions { estimate: false, ..DedupeOptions::default() };
        let _ = dedupe(&headers, &rows, &options);
    }
});
