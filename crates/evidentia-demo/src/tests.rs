use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use evidentia_model::person::{InvolvementRole, PersonStatus};
use evidentia_model::{Classification, PartialDate, RecordBody, Vocabularies, validate};

use super::*;
use crate::text::{latin_ru, latin_uk};

fn default_data() -> &'static DemoData {
    static DATA: OnceLock<DemoData> = OnceLock::new();
    DATA.get_or_init(|| generate(DEFAULT_SEED, &DemoSizes::default()))
}

fn check_all_valid(data: &DemoData) {
    let vocabularies = Vocabularies::defaults();
    let mut failures = Vec::new();
    fn check<B: RecordBody + std::fmt::Debug>(
        records: &[DemoRecord<B>],
        vocabularies: &Vocabularies,
        failures: &mut Vec<String>,
    ) {
        for r in records {
            if let Err(e) = validate(&r.body, r.classification, vocabularies) {
                failures.push(format!("{:?} {}: {e:?}\n{:?}", B::KIND, r.id, r.body));
            }
        }
    }
    check(&data.incidents, &vocabularies, &mut failures);
    check(&data.persons, &vocabularies, &mut failures);
    check(&data.involvements, &vocabularies, &mut failures);
    assert!(
        failures.is_empty(),
        "{} invalid records, e.g.\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}

#[test]
fn every_record_validates() {
    check_all_valid(default_data());
    for seed in [1, 2, 3, 99, u64::MAX] {
        check_all_valid(&generate(
            seed,
            &DemoSizes {
                incidents: 300,
                persons: 900,
            },
        ));
    }
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let sizes = DemoSizes {
        incidents: 120,
        persons: 400,
    };
    let a = generate(7, &sizes);
    assert_eq!(a, generate(7, &sizes));
    let b = generate(8, &sizes);
    assert_ne!(a.incidents, b.incidents);
    assert_ne!(a.persons, b.persons);
    assert_eq!(default_data(), &generate(DEFAULT_SEED, &DemoSizes::default()));
}

#[test]
fn sizes_are_respected() {
    let data = default_data();
    assert_eq!(data.incidents.len(), 600);
    assert_eq!(data.persons.len(), 2_400);
    assert!(data.involvements.len() >= 2_400);
    for (incidents, persons) in [
        (0, 0),
        (0, 25),
        (10, 0),
        (10, 200),
        (200, 10),
        (50, 1),
        (1, 50),
        (1_000, 3_000),
    ] {
        let d = generate(5, &DemoSizes { incidents, persons });
        assert_eq!((d.incidents.len(), d.persons.len()), (incidents, persons));
        check_all_valid(&d);
        check_links(&d);
    }
}

fn check_ids_and_times<B>(records: &[DemoRecord<B>], seen: &mut HashSet<uuid::Uuid>) {
    for r in records {
        assert_eq!(r.id.get_version_num(), 7, "{}", r.id);
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        let millis = r.created_at.unix_timestamp_nanos() / 1_000_000;
        let (secs, nanos) = r.id.get_timestamp().map(|t| t.to_unix()).unwrap_or_default();
        assert_eq!(i128::from(secs) * 1000 + i128::from(nanos / 1_000_000), millis);
    }
    for w in records.windows(2) {
        assert!(w[0].created_at < w[1].created_at);
        assert!(w[0].id < w[1].id);
    }
}

#[test]
fn ids_are_unique_v7_and_follow_creation_time() {
    let data = default_data();
    let mut seen = HashSet::new();
    check_ids_and_times(&data.incidents, &mut seen);
    check_ids_and_times(&data.persons, &mut seen);
    check_ids_and_times(&data.involvements, &mut seen);
    assert!(data.organisations.len() >= 2);
    for r in &data.incidents {
        assert!(r.organisation < data.organisations.len());
        let (_, last) = r.body.occurred.keys();
        assert!(
            evidentia_model::date::day_key(r.created_at.date()) > last,
            "documented before it ended"
        );
    }
}

fn check_links(data: &DemoData) {
    let incidents: HashMap<_, _> = data.incidents.iter().map(|r| (r.id, r)).collect();
    let persons: HashMap<_, _> = data.persons.iter().map(|r| (r.id, r)).collect();
    let mut involved = HashSet::new();
    for inv in &data.involvements {
        let incident = incidents.get(&inv.body.incident_id).expect("incident exists");
        let person = persons.get(&inv.body.person_id).expect("person exists");
        assert!(inv.created_at >= incident.created_at && inv.created_at >= person.created_at);
        assert!(inv.classification >= incident.classification && inv.classification >= person.classification);
        assert!(inv.organisation < data.organisations.len());
        involved.insert(inv.body.person_id);
    }
    if !data.incidents.is_empty() {
        assert_eq!(
            involved.len(),
            data.persons.len(),
            "every person is involved in an incident"
        );
    }
}

#[test]
fn involvements_link_existing_records_and_everyone_is_involved() {
    check_links(default_data());
}

#[test]
fn casualties_are_named_with_matching_roles() {
    let data = default_data();
    let mut roles: HashMap<uuid::Uuid, HashSet<&str>> = HashMap::new();
    for inv in &data.involvements {
        roles
            .entry(inv.body.incident_id)
            .or_default()
            .insert(inv.body.role.as_str());
    }
    let mut with_witness = 0;
    for r in &data.incidents {
        let c = &r.body.reported_casualties;
        let have = roles.get(&r.id).cloned().unwrap_or_default();
        for (count, role) in [
            (c.killed, InvolvementRole::Killed),
            (c.injured, InvolvementRole::Injured),
            (c.missing, InvolvementRole::Missing),
        ] {
            if let Some(count) = count {
                assert!(count.total > 0, "zero counts are left out");
                assert!(count.children.unwrap_or(0) + count.women.unwrap_or(0) <= count.total);
                assert!(
                    have.contains(role.as_str()),
                    "{:?} of {} has nobody named",
                    role,
                    r.body.title
                );
            }
        }
        with_witness += usize::from(have.contains("witness") || have.contains("reporter"));
    }
    assert!(with_witness * 10 > data.incidents.len() * 7, "{with_witness}");
}

#[test]
fn what_happened_to_persons_agrees_with_their_involvement() {
    let data = default_data();
    let incidents: HashMap<_, _> = data.incidents.iter().map(|r| (r.id, &r.body)).collect();
    let persons: HashMap<_, _> = data.persons.iter().map(|r| (r.id, &r.body)).collect();
    for inv in &data.involvements {
        let person = persons[&inv.body.person_id];
        let incident = incidents[&inv.body.incident_id];
        match inv.body.role {
            InvolvementRole::Killed => {
                assert_eq!(person.status, PersonStatus::Killed);
                let death = person.death_date.expect("a death date");
                assert!(
                    incident.occurred.overlaps((death.first_key(), death.last_key())),
                    "{death} outside {:?}",
                    incident.occurred
                );
            }
            InvolvementRole::Missing => assert_eq!(person.status, PersonStatus::Missing),
            InvolvementRole::Witness | InvolvementRole::Reporter => {
                assert!(!matches!(
                    person.status,
                    PersonStatus::Killed | PersonStatus::Missing | PersonStatus::Detained
                ));
            }
            _ => {}
        }
        if let Some(b) = person.birth_date {
            assert!(b.first_key() <= incident.occurred.keys().1, "born after the incident");
        }
    }
    for p in &data.persons {
        if p.body.contacts.is_some() {
            assert!(p.classification >= Classification::Restricted);
        }
        assert!(!p.body.published || p.classification == Classification::Public);
    }
}

fn has_any(s: &str, letters: &str) -> bool {
    s.chars().any(|c| letters.contains(c))
}

#[test]
fn names_appear_in_all_three_scripts() {
    let data = default_data();
    let originals: Vec<&str> = data
        .persons
        .iter()
        .filter_map(|p| p.body.name_original.as_deref())
        .collect();
    assert_eq!(originals.len(), data.persons.len());
    let ukrainian = originals.iter().filter(|n| has_any(n, "іїєґІЇЄҐ")).count();
    let cyrillic = originals.iter().filter(|n| has_any(n, "аеиоуАЕИОУ")).count();
    let russian = cyrillic - ukrainian;
    assert!(originals.iter().filter(|n| has_any(n, "ыэёЫЭЁ")).count() > 20);
    let latin = originals.iter().filter(|n| n.is_ascii()).count();
    let n = originals.len();
    assert!(ukrainian * 5 > n, "{ukrainian} Ukrainian of {n}");
    assert!(russian * 10 > n, "{russian} Russian of {n}");
    assert!(latin * 6 > n, "{latin} Latin of {n}");
    // Female family names take the feminine form where the language has one.
    assert!(originals.iter().any(|n| n.contains("Ковальова")));
    assert!(originals.iter().any(|n| n.contains("Петрова")));
    // Incidents are written in the three languages too.
    let titles: Vec<&str> = data.incidents.iter().map(|r| r.body.title.as_str()).collect();
    assert!(titles.iter().filter(|t| t.is_ascii()).count() * 5 > titles.len());
    assert!(titles.iter().filter(|t| has_any(t, "іїєІЇЄ")).count() * 5 > titles.len());
    assert!(titles.iter().filter(|t| has_any(t, "ыэёЫЭЁ")).count() * 10 > titles.len());
}

/// Keys that make a name comparable across scripts, for finding the deliberate near-duplicates.
fn name_keys(p: &Person) -> Vec<String> {
    let Some(family) = p.family_name.as_deref() else {
        return Vec::new();
    };
    let mut keys = vec![latin_uk(family).to_lowercase(), latin_ru(family).to_lowercase()];
    keys.dedup();
    keys
}

#[test]
fn some_persons_are_recorded_twice_in_other_scripts() {
    let data = default_data();
    let persons: HashMap<_, _> = data.persons.iter().map(|r| (r.id, &r.body)).collect();
    let mut by_slot: BTreeMap<(uuid::Uuid, &str), Vec<&Person>> = BTreeMap::new();
    for inv in &data.involvements {
        by_slot
            .entry((inv.body.incident_id, inv.body.role.as_str()))
            .or_default()
            .push(persons[&inv.body.person_id]);
    }
    let mut pairs = 0;
    let mut across_scripts = 0;
    for people in by_slot.values() {
        for (i, a) in people.iter().enumerate() {
            for b in &people[i + 1..] {
                let shared = name_keys(a).iter().any(|k| name_keys(b).contains(k));
                if shared && a.name_original != b.name_original {
                    pairs += 1;
                    let script = |p: &Person| p.name_original.as_deref().is_some_and(str::is_ascii);
                    across_scripts += usize::from(script(a) != script(b) || a.family_name != b.family_name);
                }
            }
        }
    }
    let n = data.persons.len();
    assert!(
        pairs * 100 >= n * 3 && pairs * 100 <= n * 9,
        "{pairs} near-duplicate pairs among {n}"
    );
    assert!(across_scripts * 2 > pairs, "{across_scripts} of {pairs}");
}

#[test]
fn settlements_are_invented_and_inside_the_region() {
    let all = settlements();
    assert!(all.len() >= 40);
    let (south, west, north, east) = BOUNDS;
    let mut names = HashSet::new();
    for s in all {
        assert!(
            (south..=north).contains(&s.lat) && (west..=east).contains(&s.lon),
            "{}",
            s.latin
        );
        assert_eq!(latin_uk(s.uk), s.latin, "transliteration of {}", s.uk);
        assert!(has_any(s.uk, "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"));
        assert!(!has_any(s.uk, "ыэёъ") && !has_any(s.ru, "іїєґ"));
        assert!(districts().iter().any(|d| d.latin == s.district));
        assert!(names.insert(s.latin) && names.insert(s.uk));
    }
    for d in districts() {
        assert!(all.iter().filter(|s| s.district == d.latin).count() >= 5);
    }
    assert_eq!(COUNTRY, "XQ");
    assert!(evidentia_model::country::is_country_code(COUNTRY));
}

/// Real names the demo data must never contain: (`substring` or `word`, lower-case name), from
/// `data/forbidden-names.txt`, where they are kept base64-encoded so that no source names them.
static FORBIDDEN: std::sync::LazyLock<Vec<(String, String)>> = std::sync::LazyLock::new(|| {
    use base64::Engine;
    include_str!("../data/forbidden-names.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (kind, encoded) = l.split_once(' ').expect("kind and name");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .expect("base64");
            (kind.to_owned(), String::from_utf8(bytes).expect("UTF-8"))
        })
        .collect()
});

fn assert_neutral(text: &str, what: &str) {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    for (kind, name) in FORBIDDEN.iter() {
        let found = if kind == "word" {
            words.contains(&name.as_str())
        } else {
            lower.contains(name.as_str())
        };
        assert!(!found, "{what} names {name:?}: {text}");
    }
}

#[test]
fn nothing_names_a_real_party_or_place() {
    assert!(FORBIDDEN.len() > 150, "the list of forbidden names was read");
    let data = default_data();
    for o in &data.organisations {
        assert_neutral(o, "organisation");
    }
    for s in settlements() {
        assert_neutral(&format!("{} {} {} {}", s.uk, s.ru, s.latin, s.district), "settlement");
    }
    for d in districts() {
        assert_neutral(
            &format!("{} {} {} {} {}", d.uk, d.ru, d.latin, d.uk_in, d.ru_in),
            "district",
        );
    }
    assert_neutral(&format!("{REGION} {REGION_UK} {REGION_RU}"), "region");
    for r in &data.incidents {
        assert_neutral(&serde_json::to_string(&r.body).unwrap(), "incident");
        for w in &r.body.weapons {
            if let Some(c) = &w.origin_country {
                assert!(c.starts_with('X'), "a real country of manufacture: {c}");
            }
        }
        assert_eq!(r.body.location.country.as_deref().unwrap_or(COUNTRY), COUNTRY);
    }
    for r in &data.persons {
        assert_neutral(&serde_json::to_string(&r.body).unwrap(), "person");
    }
    for r in &data.involvements {
        assert_neutral(&serde_json::to_string(&r.body).unwrap(), "involvement");
    }
    for p in crate::persons(3).take(20_000) {
        assert_neutral(&serde_json::to_string(&p).unwrap(), "streamed person");
    }
    for i in crate::incidents(3).take(3_000) {
        assert_neutral(&serde_json::to_string(&i).unwrap(), "streamed incident");
    }
}

#[test]
fn alleged_perpetrators_are_balanced_and_never_a_default() {
    let data = default_data();
    let mut parties: HashMap<Option<&str>, usize> = HashMap::new();
    let mut by_category: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in &data.incidents {
        let party = r.body.alleged_perpetrator.party.as_deref();
        *parties.entry(party).or_default() += 1;
        for c in &r.body.categories {
            by_category.entry(c).or_default().extend(party);
        }
    }
    let (a, b) = (parties[&Some("Party A")], parties[&Some("Party B")]);
    assert!(a.abs_diff(b) * 4 < a.max(b), "Party A {a}, Party B {b}");
    assert!(parties[&None] > data.incidents.len() / 10, "some incidents name no one");
    for party in parties.keys().flatten() {
        assert!(crate::scenarios::PARTIES.contains(party), "{party}");
    }
    // Both parties are alleged in the common categories.
    for (category, seen) in by_category {
        if data
            .incidents
            .iter()
            .filter(|r| r.body.categories.iter().any(|c| c == category))
            .count()
            >= 40
        {
            assert!(
                seen.contains("Party A") && seen.contains("Party B"),
                "{category}: {seen:?}"
            );
        }
    }
}

#[test]
fn the_mix_is_realistic() {
    let data = default_data();
    let n = data.incidents.len();
    let share = |k: usize| k * 100 / n;
    let published = data.incidents.iter().filter(|r| r.body.published).count();
    assert!((20..=40).contains(&share(published)), "{published} published");
    let class = |c| data.incidents.iter().filter(|r| r.classification == c).count();
    assert!((17..=33).contains(&share(class(Classification::Public))));
    assert!((50..=70).contains(&share(class(Classification::Internal))));
    assert!((5..=16).contains(&share(class(Classification::Restricted))));
    assert!((1..=6).contains(&share(class(Classification::Confidential))));
    let status = |s| data.incidents.iter().filter(|r| r.body.status == s).count();
    use evidentia_model::incident::IncidentStatus as S;
    // Weighted reported > under review > verified > disputed > refuted.
    assert!((28..=44).contains(&share(status(S::Reported))));
    assert!((20..=36).contains(&share(status(S::UnderReview))));
    assert!((12..=28).contains(&share(status(S::Verified))));
    assert!((6..=18).contains(&share(status(S::Disputed))));
    assert!((2..=10).contains(&share(status(S::Refuted))));
    for r in &data.incidents {
        assert!((1..=3).contains(&r.body.categories.len()));
        let years = r.body.occurred.keys();
        assert!(years.0 >= 20_140_101 && years.1 <= 20_241_231);
    }
    let forms = |f: fn(&PartialDate) -> bool| data.incidents.iter().filter(|r| f(&r.body.occurred.from)).count();
    assert!(forms(|d| matches!(d, PartialDate::Year(_))) > 5);
    assert!(forms(|d| matches!(d, PartialDate::Month(..))) > 30);
    assert!(forms(|d| matches!(d, PartialDate::Day(_))) > 100);
    assert!(forms(|d| matches!(d, PartialDate::Instant(_))) > 30);
    assert!(data.incidents.iter().filter(|r| r.body.occurred.to.is_some()).count() > 30);
    assert!(data.incidents.iter().filter(|r| r.body.location.lat.is_none()).count() > 20);
    let years: HashSet<i32> = data
        .incidents
        .iter()
        .map(|r| r.body.occurred.from.first_day().year())
        .collect();
    assert_eq!(years.len(), 11);
}

#[test]
fn streams_are_endless_and_deterministic() {
    let a: Vec<Person> = crate::persons(11).take(3_000).collect();
    assert_eq!(a, crate::persons(11).take(3_000).collect::<Vec<_>>());
    assert_ne!(a, crate::persons(12).take(3_000).collect::<Vec<_>>());
    assert!(crate::persons(11).nth(200_000).is_some());
    let vocabularies = Vocabularies::defaults();
    for p in &a {
        validate(p, Classification::Public, &vocabularies).unwrap();
    }
    let i: Vec<Incident> = crate::incidents(11).take(1_000).collect();
    assert_eq!(i, crate::incidents(11).take(1_000).collect::<Vec<_>>());
    assert_ne!(i, crate::incidents(12).take(1_000).collect::<Vec<_>>());
    assert!(crate::incidents(11).nth(50_000).is_some());
    for incident in &i {
        validate(incident, Classification::Public, &vocabularies).unwrap();
    }
}

#[test]
fn survivors_of_sexual_violence_are_protected() {
    let data = generate(
        DEFAULT_SEED,
        &DemoSizes {
            incidents: 2_000,
            persons: 6_000,
        },
    );
    let sensitive: HashSet<uuid::Uuid> = data
        .incidents
        .iter()
        .filter(|r| r.body.categories.iter().any(|c| c == "sexual_violence"))
        .map(|r| r.id)
        .collect();
    assert!(sensitive.len() >= 5);
    for r in data.incidents.iter().filter(|r| sensitive.contains(&r.id)) {
        assert!(r.classification >= Classification::Restricted && !r.body.published);
        assert!(r.body.location.precision != Some(evidentia_model::incident::Precision::Exact));
        assert!(r.body.reported_casualties == Default::default());
    }
    for inv in data
        .involvements
        .iter()
        .filter(|i| sensitive.contains(&i.body.incident_id))
    {
        assert_eq!(inv.classification, Classification::Confidential);
        assert!(matches!(inv.body.role, InvolvementRole::Reporter));
    }
}

#[test]
fn the_search_for_the_missing_is_valid_and_consistent() {
    let data = default_data();
    let search = search_for_missing(data);
    assert_eq!(search.missing_cases.len(), 4);
    assert_eq!(search.grave_sites.len(), 2);
    assert_eq!(search.exhumations.len(), 1);
    assert_eq!(search.remains.len(), 3);
    assert_eq!(search, search_for_missing(data), "deterministic");
    let vocabularies = Vocabularies::defaults();
    let today = time::macros::date!(2025 - 06 - 01);
    fn check<B: RecordBody + std::fmt::Debug>(records: &[DemoRecord<B>], v: &Vocabularies, today: time::Date) {
        let mut seen = HashSet::new();
        check_ids_and_times(records, &mut seen);
        for r in records {
            validate(&r.body, r.classification, v).unwrap_or_else(|e| panic!("{e:?}\n{:?}", r.body));
            let mut errors = evidentia_model::FieldErrors::new();
            r.body.validate_dates(today, &mut errors);
            assert!(errors.is_empty(), "{errors:?}");
        }
    }
    check(&search.missing_cases, &vocabularies, today);
    check(&search.grave_sites, &vocabularies, today);
    check(&search.exhumations, &vocabularies, today);
    check(&search.remains, &vocabularies, today);
    let persons: HashMap<_, _> = data.persons.iter().map(|p| (p.id, p)).collect();
    for c in &search.missing_cases {
        let p = persons[&c.body.person_id];
        assert_eq!(p.body.status, PersonStatus::Missing);
        assert!(p.classification <= Classification::Internal);
    }
    let identified: Vec<_> = search.remains.iter().filter_map(|r| r.body.identified_as).collect();
    assert_eq!(identified, [search.identified.unwrap()]);
    let closed: Vec<_> = search
        .missing_cases
        .iter()
        .filter(|c| c.body.status == evidentia_model::missing::MissingStatus::Identified)
        .map(|c| c.body.person_id)
        .collect();
    assert_eq!(
        closed, identified,
        "the identified person's case is closed as identified"
    );
    for text in search.grave_sites.iter().map(|g| format!("{:?}", g.body)) {
        assert_neutral(&text, "grave site");
    }
}
