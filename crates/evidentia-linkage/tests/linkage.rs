//! The contract of linkage: cross-script matches, reasons, incremental = full, quality on simulated
//! lists, and no panic on hostile input.

use std::collections::HashMap;

use evidentia_linkage::dedupe::{DedupeOptions, dedupe, pairwise_scores};
use evidentia_linkage::simulate::{Config, generate};
use evidentia_linkage::{Linker, Parameters, PersonRecord};

fn person(id: &str, given: &str, family: &str, patronymic: &str, birth: &str, sex: &str) -> PersonRecord {
    PersonRecord {
        record_id: id.to_owned(),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        patronymic: patronymic.to_owned(),
        birth_date: birth.to_owned(),
        sex: sex.to_owned(),
        ..PersonRecord::default()
    }
}

fn cluster_map(linker: &Linker) -> HashMap<String, String> {
    linker
        .clusters()
        .into_iter()
        .map(|(r, c)| (r.to_owned(), c.to_owned()))
        .collect()
}

#[test]
fn the_same_person_across_scripts_and_forms_is_one_cluster() {
    let mut linker = Linker::new(Parameters::default());
    linker.add(&[
        person("a", "Олександр", "Шевчук", "Петрович", "1979-05-12", "ч"),
        person("b", "Aleksandr", "Shevchuk", "Petrovich", "12.05.1979", "M"),
        person("c", "Sasha", "Shevchuk", "", "1979-12-05", "M"),
        person("d", "Oleksandr", "Shevchuk", "Petrovych", "1979", ""),
        // A namesake born thirty years later.
        person("e", "Олександр", "Шевчук", "Іванович", "2009-02-01", "ч"),
        // Unrelated.
        person("f", "Ганна", "Мельник", "", "1979-05-12", "ж"),
    ]);
    let clusters = cluster_map(&linker);
    for id in ["b", "c", "d"] {
        assert_eq!(clusters.get(id), clusters.get("a"), "{id} should join a");
    }
    assert_eq!(clusters.get("a").map(String::as_str), Some("a"));
    assert_ne!(clusters.get("e"), clusters.get("a"));
    assert_ne!(clusters.get("f"), clusters.get("a"));
}

#[test]
fn female_forms_and_swapped_names_match() {
    let mut linker = Linker::new(Parameters::default());
    linker.add(&[
        person("1", "Наталія", "Ковальська", "Іванівна", "1985-03-04", "ж"),
        person("2", "Natalya", "Kovalskaya", "Ivanovna", "1985-03-04", "F"),
        person("3", "Kovalska", "Nataliia", "", "1985-03-04", "F"),
    ]);
    let clusters = cluster_map(&linker);
    assert_eq!(clusters.get("2"), clusters.get("1"));
    assert_eq!(clusters.get("3"), clusters.get("1"));
}

#[test]
fn every_proposed_match_has_reasons_in_words() {
    let mut linker = Linker::new(Parameters::default());
    linker.add(&[
        person("a", "Юлія", "Бондаренко", "", "1990-03-07", "ж"),
        person("b", "Iuliia", "Bondarenko", "", "1990-07-03", "F"),
    ]);
    let matches = linker.proposed_matches();
    assert_eq!(matches.len(), 1);
    let reasons = &matches[0].reasons;
    assert!(reasons.contains("family name: same after transliteration"), "{reasons}");
    assert!(reasons.contains("birth date: day and month swapped"), "{reasons}");
    assert!(reasons.contains("given name: same after transliteration"), "{reasons}");
    let explained = linker.explain("a", "b");
    assert_eq!(explained.map(|m| m.weight), Some(matches[0].weight));
}

/// Parameters estimated once, so that both runs use the same ones.
fn estimated(records: &[PersonRecord], block_cap: usize) -> Parameters {
    let mut linker = Linker::new(Parameters {
        block_cap,
        ..Parameters::default()
    });
    linker.insert(records);
    linker.estimate(3);
    linker.params().clone()
}

/// Returns the links withdrawn along the way.
fn assert_incremental_equals_full(records: &[PersonRecord], params: &Parameters, batches: &[usize]) -> u64 {
    let mut full = Linker::new(params.clone());
    full.add(records);
    let mut incremental = Linker::new(params.clone());
    let mut from = 0;
    let mut unlinked = 0;
    for &to in batches.iter().chain([&records.len()]) {
        unlinked += incremental.add(&records[from..to]).unlinked;
        from = to;
    }
    assert_eq!(incremental.clusters(), full.clusters());
    let merged = full.clusters().iter().filter(|(r, c)| r != c).count();
    assert!(merged > records.len() / 10, "the test must link something ({merged})");
    unlinked
}

#[test]
fn adding_in_batches_gives_the_clusters_of_one_run() {
    let sim = generate(&Config::new(4_000, 11));
    let params = estimated(&sim.records, 1_000);
    let _ = assert_incremental_equals_full(&sim.records, &params, &[3_000, 3_500, 3_990]);
}

#[test]
fn linking_right_after_the_estimate_gives_the_clusters_of_linking_later() {
    // Right after `estimate`, `link` compares the pairs the estimate listed; after anything that
    // could change the pairs, it looks them up again. Both must link the same.
    let sim = generate(&Config::new(4_000, 13));
    let mut right_after = Linker::new(Parameters::default());
    right_after.insert(&sim.records);
    right_after.estimate(3);
    let stats = right_after.link();
    let mut later = Linker::new(Parameters::default());
    later.insert(&sim.records);
    later.estimate(3);
    later.set_params(later.params().clone());
    assert_eq!(later.link(), stats);
    assert_eq!(later.clusters(), right_after.clusters());
    assert!(stats.linked > 500, "the test must link something ({stats:?})");
}

#[test]
fn blocks_that_outgrow_the_cap_give_the_same_clusters_too() {
    // A tiny cap makes batches push blocks over it, so links must be withdrawn.
    let sim = generate(&Config::new(3_000, 12));
    let params = estimated(&sim.records, 4);
    let unlinked = assert_incremental_equals_full(&sim.records, &params, &[1_000, 2_000, 2_500]);
    assert!(unlinked > 0, "the cap must have withdrawn links");
}

#[test]
fn simulated_lists_are_linked_well() -> Result<(), evidentia_linkage::dedupe::DedupeError> {
    let sim = generate(&Config::new(6_000, 5));
    let headers: Vec<String> = [
        "record_id",
        "given_name",
        "family_name",
        "patronymic",
        "birth_date",
        "age",
        "sex",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows: Vec<Vec<String>> = sim
        .records
        .iter()
        .map(|r| {
            vec![
                r.record_id.clone(),
                r.given_name.clone(),
                r.family_name.clone(),
                r.patronymic.clone(),
                r.birth_date.clone(),
                r.age.clone(),
                r.sex.clone(),
            ]
        })
        .collect();
    let out = dedupe(&headers, &rows, &DedupeOptions::default())?;
    let (precision, recall, f1) = pairwise_scores(&out.clusters, &sim.truth);
    assert!(precision > 0.95, "precision {precision}");
    assert!(recall > 0.9, "recall {recall}");
    assert!(f1 > 0.93, "F1 {f1}");
    Ok(())
}

#[test]
fn hostile_input_is_handled() -> Result<(), evidentia_linkage::dedupe::DedupeError> {
    let long = "Щ".repeat(10_000);
    let combining = format!("О{}лександр", "\u{301}".repeat(500));
    let values = [
        "",
        long.as_str(),
        combining.as_str(),
        "Oлeксандр",
        "Сергій🙂",
        "🙂🙂🙂",
        "\u{202e}Шевчук",
        "0000-00-00",
        "9999-99-99",
        "-1",
        "\0",
        "ʼʼʼ",
        "Ivan\u{feff}ov",
    ];
    let headers: Vec<String> = [
        "record_id",
        "given_name",
        "family_name",
        "patronymic",
        "birth_date",
        "age",
        "sex",
        "residence",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut rows = Vec::new();
    for (i, a) in values.iter().enumerate() {
        for (j, b) in values.iter().enumerate() {
            let v = |s: &str| s.to_owned();
            rows.push(vec![format!("{i}-{j}"), v(a), v(b), v(a), v(b), v(a), v(b), v(a)]);
        }
    }
    let out = dedupe(&headers, &rows, &DedupeOptions::default())?;
    assert_eq!(out.clusters.len(), rows.len());
    Ok(())
}
