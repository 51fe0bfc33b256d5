//! Report figures checked against a small hand-made data set. Every expected number below was
//! counted by hand from the table in `data()` (the reasoning is in the comments), not taken from
//! the implementation's output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use evidentia_model::incident::{
    AllegedPerpetrator, Casualties, Count, DamagedObject, IncidentStatus, Location, Weapon,
};
use evidentia_model::person::InvolvementRole as R;
use evidentia_model::{Incident, Involvement, Period, Person, Vocabularies};
use evidentia_reports::Language;
use evidentia_reports::stats::{Filter, Row, Summary, summary, summary_with_events, to_csv, to_json};
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn count(total: u32) -> Option<Count> {
    Some(Count {
        total,
        children: None,
        women: None,
    })
}

#[allow(clippy::too_many_arguments)]
fn incident(
    title: &str,
    from: &str,
    to: Option<&str>,
    region: Option<&str>,
    categories: &[&str],
    weapons: &[&str],
    objects: &[&str],
    party: Option<&str>,
    status: IncidentStatus,
    (killed, injured, missing): (Option<u32>, Option<u32>, Option<u32>),
    point: Option<(f64, f64)>,
) -> Incident {
    Incident {
        title: title.into(),
        description: String::new(),
        occurred: Period {
            from: from.parse().unwrap(),
            to: to.map(|t| t.parse().unwrap()),
        },
        location: Location {
            place_name: Some(format!("Place of {title}")),
            admin1: region.map(Into::into),
            lat: point.map(|p| p.0),
            lon: point.map(|p| p.1),
            ..Location::default()
        },
        categories: categories.iter().map(|c| (*c).into()).collect(),
        weapons: weapons
            .iter()
            .enumerate()
            .map(|(i, w)| Weapon {
                kind: (*w).into(),
                model: Some(format!("model {i}")),
                calibre: None,
                origin_country: None,
            })
            .collect(),
        alleged_perpetrator: AllegedPerpetrator {
            party: party.map(Into::into),
            unit: None,
        },
        damaged_objects: objects
            .iter()
            .map(|o| DamagedObject {
                kind: (*o).into(),
                description: None,
            })
            .collect(),
        reported_casualties: Casualties {
            killed: killed.and_then(count),
            injured: injured.and_then(count),
            missing: missing.and_then(count),
        },
        status,
        published: true,
    }
}

type Data = (Vec<(Uuid, Incident)>, Vec<(Uuid, Person)>, Vec<Involvement>);

/// Seven fictional incidents, six persons.
///
/// | id | period              | region     | categories                         | weapons             | objects             | party     | status       | killed/injured/missing |
/// |----|---------------------|------------|------------------------------------|---------------------|---------------------|-----------|--------------|------------------------|
/// | 1  | 2024-01-15          | North Vale | attack_on_civilians, indiscriminate | artillery ×2        | residential, school | Party A   | verified     | 3 / 5 / –              |
/// | 2  | 2024-01             | North Vale | attack_on_civilians                | missile             | medical             | Party B   | verified     | 10 / – / –             |
/// | 3  | 2024-01-20          | North Vale | attack_on_civilians                | missile             | medical             | Party B   | reported     | 14 / 2 / –  (same event as 2) |
/// | 4  | 2024                | South Vale | enforced_disappearance             |                     |                     | –         | under_review | – / – / 2              |
/// | 5  | 2024-03-02T10:00Z   | South Vale | killing                            | small_arms          |                     | Party A   | disputed     | 1 / – / –              |
/// | 6  | 2023-12-31          | North Vale | killing                            |                     |                     | Party B   | refuted      | 50 / – / –             |
/// | 7  | 2023-11 – 2024-02   | –          | pillage                            |                     |                     | " Party A "| reported    | – / – / –              |
///
/// Involvements: p1 killed in 1; p2 injured in 1; p3 witness in 1 and 5; p4 killed in 2 and in 3;
/// p5 missing in 4; p6 detained in 6 (refuted); an unknown person in 1 (not given: ignored).
fn data() -> Data {
    use IncidentStatus::*;
    let nv = Some("North Vale");
    let sv = Some("South Vale");
    let incidents = vec![
        (
            id(1),
            incident(
                "One",
                "2024-01-15",
                None,
                nv,
                &["attack_on_civilians", "indiscriminate_attack"],
                &["artillery", "artillery"],
                &["residential", "school"],
                Some("Party A"),
                Verified,
                (Some(3), Some(5), None),
                Some((48.5, 30.25)),
            ),
        ),
        (
            id(2),
            incident(
                "Two",
                "2024-01",
                None,
                nv,
                &["attack_on_civilians"],
                &["missile"],
                &["medical"],
                Some("Party B"),
                Verified,
                (Some(10), None, None),
                Some((48.9, 30.75)),
            ),
        ),
        (
            id(3),
            incident(
                "Three",
                "2024-01-20",
                None,
                nv,
                &["attack_on_civilians"],
                &["missile"],
                &["medical"],
                Some("Party B"),
                Reported,
                (Some(14), Some(2), None),
                None,
            ),
        ),
        (
            id(4),
            incident(
                "Four",
                "2024",
                None,
                sv,
                &["enforced_disappearance"],
                &[],
                &[],
                None,
                UnderReview,
                (None, None, Some(2)),
                None,
            ),
        ),
        (
            id(5),
            incident(
                "Five",
                "2024-03-02T10:00:00Z",
                None,
                sv,
                &["killing"],
                &["small_arms"],
                &[],
                Some("Party A"),
                Disputed,
                (Some(1), None, None),
                None,
            ),
        ),
        (
            id(6),
            incident(
                "Six",
                "2023-12-31",
                None,
                nv,
                &["killing"],
                &[],
                &[],
                Some("Party B"),
                Refuted,
                (Some(50), None, None),
                None,
            ),
        ),
        (
            id(7),
            incident(
                "Seven",
                "2023-11",
                Some("2024-02"),
                None,
                &["pillage"],
                &[],
                &[],
                Some(" Party A "),
                Reported,
                (None, None, None),
                None,
            ),
        ),
    ];
    let persons = (1..=6)
        .map(|n| {
            (
                id(100 + n),
                Person {
                    given_name: Some(format!("Person {n}")),
                    ..Person::default()
                },
            )
        })
        .collect();
    let inv = |p: u128, i: u128, role| Involvement {
        person_id: id(100 + p),
        incident_id: id(i),
        role,
        notes: None,
    };
    let involvements = vec![
        inv(1, 1, R::Killed),
        inv(2, 1, R::Injured),
        inv(3, 1, R::Witness),
        inv(3, 5, R::Witness),
        inv(4, 2, R::Killed),
        inv(4, 3, R::Killed),
        inv(5, 4, R::Missing),
        inv(6, 6, R::Detained),
        inv(99, 1, R::Killed),
    ];
    (incidents, persons, involvements)
}

fn row(key: &str, incidents: u64, documented_persons: u64) -> Row {
    Row {
        key: key.into(),
        incidents,
        documented_persons,
    }
}

fn find<'a>(rows: &'a [Row], key: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key:?} in {rows:?}"))
}

fn all() -> Summary {
    let (i, p, v) = data();
    summary_with_events(&i, &p, &v, &Filter::default(), &[vec![id(2), id(3)]])
}

#[test]
fn totals_and_documented_persons() {
    let s = all();
    // Six incidents: the refuted one (6) is left out by default.
    assert_eq!(s.incidents, 6);
    // Harmed persons: p1, p2 (incident 1), p4 (2 and 3, once), p5 (4); p6 only in the refuted one;
    // p3 is a witness; the unknown person is not given.
    assert_eq!(s.documented_persons, 4);
    let role = |r: R| s.documented_by_role.iter().find(|c| c.role == r).unwrap().persons;
    assert_eq!(role(R::Killed), 2); // p1, p4
    assert_eq!(role(R::Injured), 1); // p2
    assert_eq!(role(R::Missing), 1); // p5
    assert_eq!(role(R::Detained), 0); // p6 is in the refuted incident only
    assert_eq!(role(R::Witness), 1); // p3, in two incidents
    assert_eq!(role(R::Reporter), 0);

    // Borrowed records give the same figures as owned ones.
    let (i, p, v) = data();
    let borrowed_i: Vec<(Uuid, &Incident)> = i.iter().map(|(id, x)| (*id, x)).collect();
    let borrowed_p: Vec<(Uuid, &Person)> = p.iter().map(|(id, x)| (*id, x)).collect();
    assert_eq!(
        summary_with_events(&borrowed_i, &borrowed_p, &v, &Filter::default(), &[vec![id(2), id(3)]]),
        s
    );
}

#[test]
fn counts_by_month_in_calendar_order() {
    let s = all();
    // 7 begins 2023-11; 4 is known only to the year; 1, 2, 3 in January (p1, p2, p4); 5 in March.
    assert_eq!(
        s.by_month,
        vec![
            row("2023-11", 1, 0),
            row("2024", 1, 1),
            row("2024-01", 3, 3),
            row("2024-03", 1, 0)
        ]
    );
}

#[test]
fn counts_by_region_category_weapon_object_party_status() {
    let s = all();
    assert_eq!(
        s.by_region,
        vec![row("North Vale", 3, 3), row("South Vale", 2, 1), row("", 1, 0)]
    );
    assert_eq!(
        find(&s.by_category, "attack_on_civilians"),
        &row("attack_on_civilians", 3, 3)
    );
    assert_eq!(find(&s.by_category, "indiscriminate_attack").incidents, 1);
    assert_eq!(
        find(&s.by_category, "enforced_disappearance"),
        &row("enforced_disappearance", 1, 1)
    );
    assert_eq!(find(&s.by_category, "killing"), &row("killing", 1, 0));
    assert_eq!(find(&s.by_category, "pillage").incidents, 1);
    assert_eq!(s.by_category.len(), 5);
    // Artillery twice in incident 1 counts once.
    assert_eq!(
        s.by_weapon,
        vec![row("missile", 2, 1), row("artillery", 1, 2), row("small_arms", 1, 0)]
    );
    assert_eq!(
        s.by_damaged_object,
        vec![row("medical", 2, 1), row("residential", 1, 2), row("school", 1, 2)]
    );
    // " Party A " is trimmed into Party A: incidents 1, 5, 7.
    assert_eq!(
        s.by_alleged_perpetrator,
        vec![row("Party A", 3, 2), row("Party B", 2, 1), row("", 1, 1)]
    );
    assert_eq!(find(&s.by_status, "verified").incidents, 2);
    assert_eq!(find(&s.by_status, "reported").incidents, 2);
    assert_eq!(find(&s.by_status, "under_review").incidents, 1);
    assert_eq!(find(&s.by_status, "disputed").incidents, 1);
    assert!(s.by_status.iter().all(|r| r.key != "refuted"));
}

#[test]
fn reported_casualties_low_best_high_over_events() {
    let c = all().reported_casualties;
    // Events: 1, {2, 3}, 4, 5, 7.
    assert_eq!((c.events, c.merged_reports), (5, 1));
    // Killed: 1 → 3; {2 verified 10, 3 reported 14} → low 10, best 10 (verified), high 14; 5 → 1.
    assert_eq!((c.killed.low, c.killed.best, c.killed.high), (14, 14, 18));
    assert_eq!((c.killed.events_with_figure, c.killed.events_without_figure), (3, 2));
    // Injured: 1 → 5; {2, 3} → only 3 reports 2.
    assert_eq!((c.injured.low, c.injured.best, c.injured.high), (7, 7, 7));
    assert_eq!((c.missing.low, c.missing.best, c.missing.high), (2, 2, 2));

    // Without the grouping every record is its own event: 3 + 10 + 14 + 1.
    let (i, p, v) = data();
    let plain = summary(&i, &p, &v, &Filter::default()).reported_casualties;
    assert_eq!((plain.killed.low, plain.killed.best, plain.killed.high), (28, 28, 28));
    assert_eq!(plain.events, 6);
}

#[test]
fn filters_by_period_region_and_refuted() {
    let (i, p, v) = data();
    let period = |from: &str, to: Option<&str>| Filter {
        period: Some(Period {
            from: from.parse().unwrap(),
            to: to.map(|t| t.parse().unwrap()),
        }),
        ..Filter::default()
    };
    // January 2024 overlaps 1, 2, 3, 4 (the year 2024) and 7 (Nov 2023 – Feb 2024); not 5 (March).
    assert_eq!(summary(&i, &p, &v, &period("2024-01", None)).incidents, 5);
    // February 2024: 4 and 7.
    assert_eq!(summary(&i, &p, &v, &period("2024-02", None)).incidents, 2);
    // The last day of 2023 and the first of 2024: 6 is refuted; 7 spans it; 4 (2024) and 2
    // (January 2024) may have happened on 1 January.
    assert_eq!(
        summary(&i, &p, &v, &period("2023-12-31", Some("2024-01-01"))).incidents,
        3
    );
    let north = Filter {
        region: Some("north vale".into()),
        ..Filter::default()
    };
    let s = summary(&i, &p, &v, &north);
    assert_eq!((s.incidents, s.documented_persons), (3, 3));
    let with_refuted = Filter {
        include_refuted: true,
        ..Filter::default()
    };
    let s = summary(&i, &p, &v, &with_refuted);
    assert_eq!((s.incidents, s.documented_persons), (7, 5));
}

#[test]
fn csv_is_long_form_and_safe_for_spreadsheets() {
    let (mut i, p, v) = data();
    i[0].1.alleged_perpetrator.party = Some("=HYPERLINK(\"x\")".into());
    i[1].1.location.admin1 = Some("Vale, \"North\"".into());
    let csv = to_csv(&summary(&i, &p, &v, &Filter::default()));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "dimension,key,measure,value");
    assert!(lines.contains(&"total,,incidents,6"));
    assert!(lines.contains(&"region,North Vale,incidents,2"));
    assert!(lines.contains(&"region,\"Vale, \"\"North\"\"\",incidents,1"));
    assert!(
        lines.contains(&"alleged_perpetrator,\"'=HYPERLINK(\"\"x\"\")\",incidents,1"),
        "{csv}"
    );
    assert!(lines.contains(&"month,2024-01,documented_persons,3"));
    assert!(lines.contains(&"reported_casualties,killed,high,28"));
    assert!(lines.iter().all(|l| l.matches(',').count() >= 3));
}

#[test]
fn json_round_trips() {
    let s = all();
    let json = to_json(&s);
    let back: Summary = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["reported_casualties"]["killed"]["high"], 18);
    assert_eq!(v["by_region"][0]["key"], "North Vale");
}

fn pdf_text(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    (pages.len(), doc.extract_text(&pages).unwrap())
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn summary_report_renders_to_html_with_svg_and_to_pdf() {
    let vocab = Vocabularies::defaults();
    let doc = evidentia_reports::report::summary_document(&all(), &vocab, Language::Uk, "Звіт за 2024 рік");
    let html = evidentia_reports::html::render(&doc);
    assert!(html.contains("<svg"));
    assert!(html.contains("<polyline"), "the monthly line");
    assert!(
        html.contains("Напад на цивільних осіб"),
        "category labels from the vocabulary"
    );
    assert!(html.contains("як стверджують джерела"), "perpetrators as alleged");
    assert!(!html.contains("<script"));
    let pdf = evidentia_reports::pdf::render(&doc).unwrap();
    let (pages, text) = pdf_text(&pdf);
    assert!(pages >= 2);
    let flat = squeeze(&text);
    assert!(flat.contains(&squeeze("Звіт за 2024 рік")));
    assert!(flat.contains("PartyA"));
    assert!(flat.contains(&squeeze("як стверджують джерела")));
}

#[test]
fn briefing_has_map_points_and_the_verified_incidents() {
    let (i, p, v) = data();
    let vocab = Vocabularies::defaults();
    let doc = evidentia_reports::report::briefing_document(
        &i,
        &p,
        &v,
        &Filter::default(),
        &[vec![id(2), id(3)]],
        &vocab,
        Language::En,
        "January–March 2024",
    );
    let html = evidentia_reports::html::render(&doc);
    // Two verified incidents with a location: two map points.
    assert_eq!(html.matches("<circle").count() - count_line_chart_points(&html), 2);
    assert!(html.contains("Place of One"));
    assert!(html.contains("Place of Two"));
    assert!(!html.contains("Place of Three"), "not verified");
    let pdf = evidentia_reports::pdf::render(&doc).unwrap();
    let (_, text) = pdf_text(&pdf);
    let flat = squeeze(&text);
    assert!(flat.contains("PlaceofOne"));
    assert!(flat.contains("Briefing"));
}

/// Circles of the monthly line chart (one per month shown), to tell them from map points.
fn count_line_chart_points(html: &str) -> usize {
    html.split("<svg")
        .filter(|svg| svg.contains("<polyline"))
        .map(|svg| svg.split("</svg>").next().unwrap_or("").matches("<circle").count())
        .sum()
}

#[test]
fn hostile_and_empty_data_do_not_panic() {
    let vocab = Vocabularies::defaults();
    // Nothing at all.
    let empty = summary::<Incident, Person>(&[], &[], &[], &Filter::default());
    assert_eq!(empty.incidents, 0);
    for lang in Language::ALL {
        let doc = evidentia_reports::report::summary_document(&empty, &vocab, lang, "");
        let _ = evidentia_reports::html::render(&doc);
        evidentia_reports::pdf::render(&doc).unwrap();
        let doc = evidentia_reports::report::briefing_document::<Incident, Person>(
            &[],
            &[],
            &[],
            &Filter::default(),
            &[],
            &vocab,
            lang,
            "",
        );
        evidentia_reports::pdf::render(&doc).unwrap();
    }
    // Huge titles, odd dates, odd coordinates, unknown codes, control characters.
    let long = "Ш".repeat(10_000);
    let mut odd = Vec::new();
    for (n, (from, to)) in [
        ("1800", None),
        ("2200-12-31", None),
        ("2024-02-29T23:59:59-12:00", None),
        ("2024-05", Some("2023")),
        ("1800-01", Some("2200")),
    ]
    .into_iter()
    .enumerate()
    {
        let mut inc = incident(
            &long,
            from,
            to,
            Some(&long),
            &["\u{0}not_a_code", &long],
            &[&long],
            &[&long],
            Some(&format!("{long}\n\r\t")),
            IncidentStatus::Verified,
            (Some(u32::MAX), Some(u32::MAX), Some(0)),
            Some(
                [
                    (f64::NAN, 1.0),
                    (90.0, 180.0),
                    (-90.0, -180.0),
                    (0.0, 0.0),
                    (1e-12, 1e-12),
                ][n],
            ),
        );
        inc.location.place_name = Some(long.clone());
        odd.push((id(1000 + n as u128), inc));
    }
    let s = summary_with_events::<_, Person>(&odd, &[], &[], &Filter::default(), &[vec![id(1000), id(1001), id(9)]]);
    assert_eq!(s.incidents, 5);
    assert_eq!(s.reported_casualties.killed.high, 4 * u64::from(u32::MAX));
    let _ = to_csv(&s);
    for lang in Language::ALL {
        let doc = evidentia_reports::report::briefing_document::<_, Person>(
            &odd,
            &[],
            &[],
            &Filter::default(),
            &[],
            &vocab,
            lang,
            &long,
        );
        let html = evidentia_reports::html::render(&doc);
        assert!(!html.contains("NaN"));
        let pdf = evidentia_reports::pdf::render(&doc).unwrap();
        assert!(pdf_text(&pdf).0 >= 2);
    }
}
