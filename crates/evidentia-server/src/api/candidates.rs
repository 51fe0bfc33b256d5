//! Who a missing person may be among the recovered remains and the persons recorded killed: a
//! score per candidate, built field by field, with the reason for each part in words.
//!
//! Names, birth dates and residence are compared by the linkage crate (across scripts and
//! spellings); sex, age, dates, place and the ante-mortem / post-mortem particulars here. Each
//! part adds evidence for (positive) or against (negative); a field missing on either side adds
//! nothing. The weights are rough log-odds, enough to rank a handful of candidates for a person
//! to examine, never to decide an identification.

use std::collections::BTreeSet;

use evidentia_linkage::{Linker, Parameters, PersonRecord};
use evidentia_model::missing::{Particulars, Remains};
use evidentia_model::person::{Person, Sex};
use evidentia_model::{MissingCase, PartialDate};

/// A candidate's score and its reasons, strongest first as found.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub score: f64,
    pub reasons: Vec<String>,
}

impl Score {
    fn add(&mut self, weight: f64, reason: String) {
        self.score += weight;
        self.reasons.push(reason);
    }
}

/// Words too common in descriptions to say anything.
const STOP_WORDS: &[&str] = &[
    "and", "the", "with", "без", "with", "from", "for", "has", "had", "was", "his", "her", "left", "right", "not",
    "one", "two",
];

/// The latin keys of the significant words of a description.
fn words(text: &str) -> BTreeSet<String> {
    evidentia_linkage::normalise::word_keys(text)
        .into_iter()
        .map(|w| w.latin)
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// A short quotation of a text for a reason.
fn quoted(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 40 {
        format!("'{}…'", t.chars().take(40).collect::<String>())
    } else {
        format!("'{t}'")
    }
}

/// Compares the ante-mortem and post-mortem particulars field by field.
fn particulars(score: &mut Score, am: &Particulars, pm: &Particulars) {
    if let (Some(a), Some(b)) = (am.height_cm, pm.height_cm) {
        let diff = a.abs_diff(b);
        if diff <= 5 {
            score.add(1.0, format!("height: {a} and {b} cm"));
        } else if diff > 15 {
            score.add(-2.0, format!("height: {a} and {b} cm differ by {diff}"));
        } else {
            score.add(0.0, format!("height: {a} and {b} cm differ by {diff}"));
        }
    }
    for ((field, a), (_, b)) in am.texts().into_iter().zip(pm.texts()) {
        let (Some(a), Some(b)) = (a, b) else { continue };
        let shared: Vec<String> = words(a).intersection(&words(b)).cloned().collect();
        let per_word = if matches!(field, "dental" | "marks" | "medical") {
            1.5
        } else {
            1.0
        };
        match shared.len() {
            0 => score.add(
                0.0,
                format!("{field}: {} and {} have nothing in common", quoted(a), quoted(b)),
            ),
            n => {
                let word = if n == 1 { "word" } else { "words" };
                score.add(
                    per_word * (n.min(3) as f64),
                    format!("{field}: {} shares {n} {word} ({})", quoted(a), shared.join(", ")),
                );
            }
        }
    }
}

/// The missing person's age when last seen, as a range of years.
fn age_when_missing(person: &Person, case: &MissingCase) -> Option<(u16, u16)> {
    let seen = case.last_seen.period.map(|p| p.from).or(case.reported_at);
    match (person.birth_date, seen) {
        (Some(birth), Some(seen)) => {
            let (b, s) = (birth.first_day().year(), seen.first_day().year());
            let years = u16::try_from(s - b).ok()?;
            Some((years.saturating_sub(1), years))
        }
        _ => person.age_estimate.map(|a| (u16::from(a.min), u16::from(a.max))),
    }
}

fn age_words((lo, hi): (u16, u16)) -> String {
    if lo + 1 >= hi {
        hi.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

fn sex(score: &mut Score, a: Option<Sex>, b: Option<Sex>) {
    match (a, b) {
        (Some(a), Some(b)) if a == Sex::Unknown || b == Sex::Unknown => {}
        (Some(a), Some(b)) if a == b => score.add(2.0, "sex: same".to_owned()),
        (Some(a), Some(b)) => score.add(-8.0, format!("sex: {} and {}", a.as_str(), b.as_str())),
        _ => {}
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().clamp(0.0, 1.0).asin()
}

/// When the person was last seen (the first day it may have been).
fn last_seen(case: &MissingCase) -> Option<PartialDate> {
    case.last_seen.period.map(|p| p.from)
}

/// Scores remains as the missing person. `site` is the point of the grave they came from.
pub fn score_remains(
    case: &MissingCase,
    person: Option<&Person>,
    remains: &Remains,
    site: Option<(f64, f64)>,
) -> Score {
    let mut score = Score {
        score: 0.0,
        reasons: Vec::new(),
    };
    sex(&mut score, person.and_then(|p| p.sex), remains.sex_estimate);
    if let (Some(age), Some(range)) = (person.and_then(|p| age_when_missing(p, case)), remains.age_range) {
        let (min, max) = (u16::from(range.min), u16::from(range.max));
        let gap = if age.1 < min {
            min - age.1
        } else {
            age.0.saturating_sub(max)
        };
        let words = age_words(age);
        if gap == 0 {
            score.add(2.0, format!("age: {words} within {min}–{max}"));
        } else if gap <= 5 {
            score.add(0.0, format!("age: {words} near {min}–{max}"));
        } else {
            score.add(-4.0, format!("age: {words} outside {min}–{max}"));
        }
    }
    if let (Some(seen), Some(recovered)) = (last_seen(case), remains.recovered_at) {
        if recovered.last_day() < seen.first_day() {
            score.add(
                -10.0,
                format!("dates: recovered ({recovered}) before last seen ({seen})"),
            );
        } else {
            score.add(0.5, format!("dates: recovered ({recovered}) after last seen ({seen})"));
        }
    }
    if let (Some(place), Some(site)) = (case.last_seen.place.as_ref().and_then(|p| p.point()), site) {
        let km = distance_km(place, site);
        let weight = match km {
            k if k <= 5.0 => 2.0,
            k if k <= 25.0 => 1.0,
            k if k <= 100.0 => 0.0,
            _ => -1.0,
        };
        score.add(weight, format!("place: grave {km:.0} km from where last seen"));
    }
    particulars(&mut score, &case.ante_mortem, &remains.post_mortem);
    score
}

fn linkage_record(id: &str, p: &Person) -> PersonRecord {
    PersonRecord {
        record_id: id.to_owned(),
        given_name: p.given_name.clone().unwrap_or_default(),
        family_name: p.family_name.clone().unwrap_or_else(|| {
            // Only an original form: let the linkage read it as the family name's field.
            if p.given_name.is_none() {
                p.name_original.clone().unwrap_or_default()
            } else {
                String::new()
            }
        }),
        patronymic: p.patronymic.clone().unwrap_or_default(),
        birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        age: String::new(),
        sex: p.sex.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        residence: p.residence.clone().unwrap_or_default(),
    }
}

/// Scores persons recorded killed as the missing person: names, sex, birth date and residence by
/// the linkage crate, the death date against when the person was last seen.
pub fn score_deceased(case: &MissingCase, person: &Person, candidates: &[&Person]) -> Vec<Score> {
    let mut records = vec![linkage_record("case", person)];
    records.extend(
        candidates
            .iter()
            .enumerate()
            .map(|(i, p)| linkage_record(&i.to_string(), p)),
    );
    let mut linker = Linker::new(Parameters::default());
    linker.insert(&records);
    candidates
        .iter()
        .enumerate()
        .map(|(i, candidate)| {
            let mut score = Score {
                score: 0.0,
                reasons: Vec::new(),
            };
            if let Some(m) = linker.explain("case", &i.to_string())
                && m.weight.is_finite()
            {
                score.score += m.weight;
                score.reasons.extend(
                    m.reasons
                        .split("; ")
                        .filter(|r| !r.is_empty())
                        .map(|r| strip_weight(r).to_owned()),
                );
            }
            if let (Some(seen), Some(died)) = (last_seen(case), candidate.death_date) {
                if died.last_day() < seen.first_day() {
                    score.add(-10.0, format!("dates: died ({died}) before last seen ({seen})"));
                } else {
                    score.add(0.5, format!("dates: died ({died}) after last seen ({seen})"));
                }
            }
            score
        })
        .collect()
}

/// "family name: same spelling (+7.1)" → "family name: same spelling".
fn strip_weight(reason: &str) -> &str {
    match reason.rfind(" (") {
        Some(i) if reason.ends_with(')') => &reason[..i],
        _ => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case() -> MissingCase {
        serde_json::from_value(json!({
            "person_id": uuid::Uuid::nil(),
            "last_seen": {"period": {"from": "2022-03-05"}, "place": {"lat": 47.0, "lon": 31.0}},
            "ante_mortem": {"clothing": "blue denim jacket, black boots", "marks": "scar on left knee", "height_cm": 178}
        }))
        .unwrap()
    }

    fn person() -> Person {
        serde_json::from_value(
            json!({"given_name": "Taras", "family_name": "Melnyk", "sex": "male", "birth_date": "1988-02-01"}),
        )
        .unwrap()
    }

    fn remains(v: serde_json::Value) -> Remains {
        let mut base = json!({"case_number": "PM-1"});
        base.as_object_mut().unwrap().extend(v.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn the_true_match_ranks_first_with_reasons() {
        let right = remains(json!({
            "sex_estimate": "male", "age_range": {"min": 30, "max": 40}, "recovered_at": "2023-06",
            "post_mortem": {"clothing": "remnants of a blue jacket", "marks": "healed scar, knee", "height_cm": 176}
        }));
        let wrong = remains(json!({
            "sex_estimate": "female", "age_range": {"min": 60, "max": 75}, "recovered_at": "2021-01",
        }));
        let site = Some((47.01, 31.01));
        let a = score_remains(&case(), Some(&person()), &right, site);
        let b = score_remains(&case(), Some(&person()), &wrong, site);
        assert!(a.score > b.score, "{a:?} {b:?}");
        assert!(a.reasons.contains(&"sex: same".to_owned()), "{a:?}");
        assert!(a.reasons.contains(&"age: 34 within 30–40".to_owned()), "{a:?}");
        assert!(
            a.reasons
                .iter()
                .any(|r| r.starts_with("clothing: ") && r.contains("shares 2 words")),
            "{a:?}"
        );
        assert!(a.reasons.iter().any(|r| r.starts_with("place: grave 1 km")), "{a:?}");
        assert!(
            b.reasons
                .iter()
                .any(|r| r.starts_with("dates: recovered (2021-01) before")),
            "{b:?}"
        );
    }

    #[test]
    fn deceased_persons_are_compared_by_name_across_scripts() {
        let same: Person = serde_json::from_value(
            json!({"given_name": "Тарас", "family_name": "Мельник", "sex": "male", "status": "killed"}),
        )
        .unwrap();
        let other: Person = serde_json::from_value(
            json!({"given_name": "Olha", "family_name": "Kovalenko", "sex": "female", "status": "killed"}),
        )
        .unwrap();
        let scores = score_deceased(&case(), &person(), &[&other, &same]);
        assert!(scores[1].score > scores[0].score, "{scores:?}");
        assert!(
            scores[1].reasons.iter().any(|r| r.starts_with("family name: ")),
            "{scores:?}"
        );
    }

    #[test]
    fn distances_are_great_circles() {
        let d = distance_km((50.45, 30.52), (49.84, 24.03));
        assert!((d - 468.0).abs() < 5.0, "{d}");
    }
}
