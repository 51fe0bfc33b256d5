//! Writes a sample letter, statistics report and briefing (HTML and PDF) into a directory, to look
//! at the layout: `cargo run -p evidentia-reports --example samples -- OUT_DIR`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use evidentia_model::incident::{Casualties, Count, IncidentStatus, Location};
use evidentia_model::person::InvolvementRole;
use evidentia_model::{Incident, Involvement, Period, Person, Vocabularies};
use evidentia_reports::Language;
use evidentia_reports::letter::{BundleRef, LetterContext, LetterIncident, LetterKind, PersonCount, Recipient, Sender};
use evidentia_reports::stats::Filter;
use uuid::Uuid;

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "samples".into()));
    std::fs::create_dir_all(&out).unwrap();
    let write = |name: &str, doc: &evidentia_reports::doc::Document| {
        std::fs::write(out.join(format!("{name}.html")), evidentia_reports::html::render(doc)).unwrap();
        std::fs::write(
            out.join(format!("{name}.pdf")),
            evidentia_reports::pdf::render(doc).unwrap(),
        )
        .unwrap();
    };

    for lang in Language::ALL {
        let ctx = LetterContext {
            kind: LetterKind::Appeal,
            language: lang,
            recipient: Recipient {
                name: "Office of a UN special procedure".into(),
                kind: "UN special procedure".into(),
                address: "Example Avenue 1\n1000 Example City".into(),
            },
            sender: Sender {
                name: "Example Human Rights Office".into(),
                address: "Sample Street 5, Exampletown\ninfo@example.org".into(),
            },
            subject: "Обстріл житлового кварталу в Зразковому".into(),
            body: "On the morning of 14 April a residential block was struck several times.\n\nThe office has documented the persons named in the enclosed bundle and asks that the matter be raised with the parties concerned.".into(),
            reference: Some("EHRO/2024/017".into()),
            sent_date: Some("2024-05-05".parse().unwrap()),
            incidents: vec![LetterIncident {
                title: "Shelling of a residential block in Sampleville".into(),
                period: Period::at("2024-04-14".parse().unwrap()),
                place: "Sampleville, Northern District".into(),
                categories: vec!["Attack on civilians".into(), "Attack on a civilian object".into()],
                reported_casualties: Casualties {
                    killed: Some(Count { total: 3, children: Some(1), women: None }),
                    injured: Some(Count { total: 12, children: None, women: None }),
                    missing: None,
                },
                documented_persons: vec![
                    PersonCount { role: InvolvementRole::Killed, count: 2 },
                    PersonCount { role: InvolvementRole::Witness, count: 4 },
                ],
                evidence_count: 17,
            }],
            bundle: Some(BundleRef {
                file_name: "bundle-2024-017.zip".into(),
                sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
                size: 2_516_582,
            }),
        };
        let doc = evidentia_reports::letter::render_default_letter(&ctx).unwrap();
        write(&format!("letter-{}", lang.code()), &doc);
    }

    let vocab = Vocabularies::defaults();
    let regions = ["North Vale", "South Vale", "East Ridge", "West Plain"];
    let cats = [
        "attack_on_civilians",
        "attack_on_civilian_object",
        "killing",
        "enforced_disappearance",
        "pillage",
    ];
    let weapons = ["artillery", "missile", "small_arms", "uncrewed_aerial_vehicle"];
    let incidents: Vec<(Uuid, Incident)> = (0..40u32)
        .map(|n| {
            let month = 1 + n % 9;
            let inc = Incident {
                title: format!("Incident {n} in {}", regions[(n % 4) as usize]),
                description: String::new(),
                occurred: Period::at(format!("2024-{month:02}-{:02}", 1 + n % 27).parse().unwrap()),
                location: Location {
                    place_name: Some(format!("Settlement {n}")),
                    admin1: Some(regions[(n % 4) as usize].into()),
                    lat: Some(47.0 + f64::from(n % 7) * 0.3),
                    lon: Some(31.0 + f64::from(n % 11) * 0.4),
                    ..Location::default()
                },
                categories: vec![cats[(n % 5) as usize].into()],
                weapons: vec![evidentia_model::incident::Weapon {
                    kind: weapons[(n % 4) as usize].into(),
                    model: None,
                    calibre: None,
                    origin_country: None,
                }],
                alleged_perpetrator: evidentia_model::incident::AllegedPerpetrator {
                    party: Some(if n % 3 == 0 { "Party A" } else { "Party B" }.into()),
                    unit: None,
                },
                damaged_objects: Vec::new(),
                reported_casualties: Casualties {
                    killed: Some(Count {
                        total: n % 5,
                        children: None,
                        women: None,
                    }),
                    injured: None,
                    missing: None,
                },
                status: if n % 2 == 0 {
                    IncidentStatus::Verified
                } else {
                    IncidentStatus::Reported
                },
                published: true,
            };
            (Uuid::from_u128(u128::from(n) + 1), inc)
        })
        .collect();
    let persons: Vec<(Uuid, Person)> = (0..30u128)
        .map(|n| {
            (
                Uuid::from_u128(1000 + n),
                Person {
                    given_name: Some(format!("P{n}")),
                    ..Person::default()
                },
            )
        })
        .collect();
    let involvements: Vec<Involvement> = (0..30u128)
        .map(|n| Involvement {
            person_id: Uuid::from_u128(1000 + n),
            incident_id: Uuid::from_u128(1 + n % 40),
            role: InvolvementRole::Killed,
            notes: None,
        })
        .collect();
    let filter = Filter::default();
    let summary = evidentia_reports::stats::summary(&incidents, &persons, &involvements, &filter);
    for lang in Language::ALL {
        let doc = evidentia_reports::report::summary_document(&summary, &vocab, lang, "Summary 2024");
        write(&format!("summary-{}", lang.code()), &doc);
        let doc = evidentia_reports::report::briefing_document(
            &incidents,
            &persons,
            &involvements,
            &filter,
            &[],
            &vocab,
            lang,
            "2024",
        );
        write(&format!("briefing-{}", lang.code()), &doc);
    }
    std::fs::write(out.join("summary.csv"), evidentia_reports::stats::to_csv(&summary)).unwrap();
    std::fs::write(out.join("summary.json"), evidentia_reports::stats::to_json(&summary)).unwrap();
    println!("written to {}", out.display());
}
