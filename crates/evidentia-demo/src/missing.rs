//! The search for the missing in the demo: a few cases of persons the generated data records as
//! missing, two grave sites, one exhumation with its recovery log, remains, and one
//! identification. Derived from the generated data without randomness, so the same data set
//! always gives the same search.

use evidentia_model::incident::Location;
use evidentia_model::missing::{
    Boundary, GraveSetting, GraveStatus, GraveType, Hazard, Identification, IdentificationMethod, LastSeen,
    MissingStatus, Particulars, Position, RecoveryEntry, RemainsStatus, Reporter, ShareConsent,
};
use evidentia_model::person::{AgeEstimate, InvolvementRole, PersonStatus};
use evidentia_model::record::uuid_v7_at;
use evidentia_model::{Classification, Exhumation, GraveSite, MissingCase, PartialDate, Period, Remains};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{DemoData, DemoRecord};

/// The organisation that searches for the missing (index into [`crate::ORGANISATIONS`]).
const COMMISSION: usize = 2;

/// What relatives described of each missing person, in turn.
const DESCRIPTIONS: [(u16, &str, &str, &str); 4] = [
    (
        178,
        "blue denim jacket, black boots",
        "scar on the left knee",
        "gold crown on an upper left molar",
    ),
    (
        165,
        "green parka, grey trousers",
        "tattoo of an anchor on the right forearm",
        "",
    ),
    (
        172,
        "red knitted sweater, brown shoes",
        "birthmark on the neck",
        "missing lower front tooth",
    ),
    (181, "black leather jacket", "missing tip of the left index finger", ""),
];
const RELATIONS: [&str; 4] = ["mother", "brother", "wife", "neighbour"];
const REPORTERS: [&str; 4] = ["Nadiia H.", "Oleh S.", "Iryna P.", "Viktor L."];

/// The demo's missing-person cases, grave sites, exhumation and remains.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingData {
    pub missing_cases: Vec<DemoRecord<MissingCase>>,
    pub grave_sites: Vec<DemoRecord<GraveSite>>,
    pub exhumations: Vec<DemoRecord<Exhumation>>,
    pub remains: Vec<DemoRecord<Remains>>,
    /// The person the identified remains are: recorded killed when the data is loaded.
    pub identified: Option<Uuid>,
}

fn id_at(at: OffsetDateTime, n: u8) -> Uuid {
    uuid_v7_at(at, [0x6d, 0x69, 0x73, 0x73, 0x69, 0x6e, 0x67, 0, 0, n])
}

fn record<B>(at: OffsetDateTime, n: u8, classification: Classification, body: B) -> DemoRecord<B> {
    DemoRecord {
        id: id_at(at, n),
        organisation: COMMISSION,
        classification,
        created_at: at,
        body,
    }
}

fn day(d: &str) -> PartialDate {
    d.parse().unwrap_or(PartialDate::Year(2024))
}

/// A square of about 60 m around a point, as a closed ring.
fn square((lat, lon): (f64, f64)) -> Boundary {
    let d = 0.0003;
    Boundary {
        kind: "Polygon".into(),
        coordinates: vec![vec![
            [lon - d, lat - d],
            [lon + d, lat - d],
            [lon + d, lat + d],
            [lon - d, lat + d],
            [lon - d, lat - d],
        ]],
    }
}

/// The search for `data`'s missing: empty when it records fewer than four missing persons seen
/// by every member of staff.
pub fn search_for_missing(data: &DemoData) -> MissingData {
    let empty = MissingData {
        missing_cases: Vec::new(),
        grave_sites: Vec::new(),
        exhumations: Vec::new(),
        remains: Vec::new(),
        identified: None,
    };
    // Missing persons everyone signed in may see, with the incident they went missing in.
    let chosen: Vec<_> = data
        .persons
        .iter()
        .filter(|p| p.body.status == PersonStatus::Missing && p.classification <= Classification::Internal)
        .filter_map(|p| {
            let inv = data
                .involvements
                .iter()
                .find(|i| i.body.person_id == p.id && i.body.role == InvolvementRole::Missing)?;
            let incident = data.incidents.iter().find(|i| i.id == inv.body.incident_id)?;
            let point = incident.body.location.point()?;
            (incident.body.occurred.keys().1 < 20_230_101).then_some((p, incident, point))
        })
        .take(DESCRIPTIONS.len())
        .collect();
    if chosen.len() < DESCRIPTIONS.len() {
        return empty;
    }

    let mut cases = Vec::new();
    for (n, ((person, incident, point), (height, clothing, marks, dental))) in
        chosen.iter().zip(DESCRIPTIONS).enumerate()
    {
        let seen = incident.body.occurred.from;
        let reported = PartialDate::Day(seen.last_day() + Duration::days(3));
        let at = person.created_at.max(incident.created_at) + Duration::days(2);
        let body = MissingCase {
            person_id: person.id,
            reported_by: Some(Reporter {
                name: Some(REPORTERS[n].to_owned()),
                relation: Some(RELATIONS[n].to_owned()),
                contact: Some(format!("+000 5550 10{n}")),
            }),
            consent_to_share: ShareConsent::Partners,
            reported_at: Some(reported),
            last_seen: LastSeen {
                period: Some(Period::at(seen)),
                place: Some(Location {
                    lat: Some(point.0),
                    lon: Some(point.1),
                    ..incident.body.location.clone()
                }),
            },
            circumstances: format!(
                "Last seen during \"{}\"; has not been heard from since.",
                incident.body.title
            ),
            ante_mortem: Particulars {
                height_cm: Some(height),
                clothing: Some(clothing.to_owned()),
                marks: Some(marks.to_owned()),
                dental: Some(dental.to_owned()).filter(|d| !d.is_empty()),
                sample_ids: vec![format!("REF-{:04}", 101 + n)],
                ..Particulars::default()
            },
            status: if n == 0 {
                MissingStatus::Identified
            } else {
                MissingStatus::Open
            },
            moderation: None,
        };
        cases.push(record(
            at,
            u8::try_from(n).unwrap_or(0),
            Classification::Restricted,
            body,
        ));
    }
    cases.sort_by_key(|r| r.created_at);
    let mut prev: Option<OffsetDateTime> = None;
    for (i, c) in cases.iter_mut().enumerate() {
        if let Some(p) = prev
            && c.created_at <= p
        {
            c.created_at = p + Duration::minutes(7);
        }
        prev = Some(c.created_at);
        c.id = id_at(c.created_at, u8::try_from(i).unwrap_or(0));
    }

    let (first, second) = (chosen[0], chosen[1]);
    let near = |(lat, lon): (f64, f64), by: f64| (lat + by, lon + by);
    let mass = near(first.2, 0.004);
    let single = near(second.2, -0.003);
    let site_at = datetime!(2024-02-12 10:00 UTC);
    let mass_site = record(
        site_at,
        10,
        Classification::Internal,
        GraveSite {
            name: "Orchard ravine (demo)".into(),
            description: "Disturbed ground in a ravine below an abandoned orchard, reported by a shepherd.".into(),
            location: Location {
                place_name: Some("Orchard ravine".into()),
                lat: Some(mass.0),
                lon: Some(mass.1),
                ..first.1.body.location.clone()
            },
            boundary: Some(square(mass)),
            kind: GraveType::Mass,
            setting: Some(GraveSetting::Buried),
            discovered_at: Some(day("2024-02-10")),
            discovered_by: Some("A shepherd, through the village council".into()),
            protection: Some("Fenced and guarded by the municipal police since 2024-02-14".into()),
            hazards: vec![Hazard::Mines],
            estimated_individuals: Some(8),
            minimum_individuals: Some(3),
            commingled: true,
            status: GraveStatus::Exhumed,
            incident_id: Some(first.1.id),
        },
    );
    let single_site = record(
        site_at + Duration::days(20),
        11,
        Classification::Internal,
        GraveSite {
            name: "Roadside grave (demo)".into(),
            description: "A single grave marked with a wooden cross beside the road.".into(),
            location: Location {
                place_name: Some("Roadside".into()),
                lat: Some(single.0),
                lon: Some(single.1),
                ..second.1.body.location.clone()
            },
            boundary: None,
            kind: GraveType::Individual,
            setting: Some(GraveSetting::Surface),
            discovered_at: Some(day("2024-03-01")),
            discovered_by: Some("Road maintenance crew".into()),
            protection: None,
            hazards: vec![Hazard::UnexplodedOrdnance],
            estimated_individuals: Some(1),
            minimum_individuals: None,
            commingled: false,
            status: GraveStatus::Reported,
            incident_id: None,
        },
    );

    let exhumation_at = datetime!(2024-05-06 08:00 UTC);
    let exhumation_id = id_at(exhumation_at, 20);
    let remains_at = datetime!(2024-05-25 16:00 UTC);
    let remains_ids: Vec<Uuid> = (0..3u8)
        .map(|i| id_at(remains_at + Duration::hours(i64::from(i)), 30 + i))
        .collect();
    let items = [
        (
            "B-001",
            "Skeleton, articulated, with remnants of a blue jacket",
            2.1,
            3.4,
            1.2,
        ),
        (
            "B-002",
            "Skeleton, partly articulated, with a red sweater",
            4.0,
            3.1,
            1.1,
        ),
        ("B-003", "Commingled bones of at least one individual", 5.5, 1.8, 0.9),
    ];
    let exhumation = DemoRecord {
        id: exhumation_id,
        organisation: COMMISSION,
        classification: Classification::Internal,
        created_at: exhumation_at,
        body: Exhumation {
            grave_site_id: mass_site.id,
            team: Some("Forensic field team 2 (demo): archaeologist, anthropologist, deminer".into()),
            started_at: Some(day("2024-05-06")),
            ended_at: Some(day("2024-05-24")),
            notes: "The site was cleared of mines on 2024-05-02 before work began.".into(),
            recovery_log: items
                .iter()
                .zip(&remains_ids)
                .enumerate()
                .map(|(i, ((number, description, x, y, depth), remains))| RecoveryEntry {
                    item_number: (*number).to_owned(),
                    description: (*description).to_owned(),
                    position: Some(Position {
                        x: Some(*x),
                        y: Some(*y),
                        depth: Some(*depth),
                        lat: None,
                        lon: None,
                    }),
                    recovered_at: day(&format!("2024-05-{:02}", 8 + 3 * i)),
                    remains_id: Some(*remains),
                    recorded_by: None,
                    recorded_at: day(&format!("2024-05-{:02}", 8 + 3 * i)),
                })
                .collect(),
        },
    };

    let identified = first.0;
    let sex_of = |p: &DemoRecord<evidentia_model::Person>| p.body.sex;
    let third = chosen[2].0;
    let remains_bodies = [
        Remains {
            case_number: "PM-2024-0041".into(),
            grave_site_id: Some(mass_site.id),
            exhumation_id: Some(exhumation_id),
            post_mortem: Particulars {
                height_cm: Some(176),
                clothing: Some("remnants of a blue denim jacket; one black boot".into()),
                marks: Some("healed fracture of the left patella".into()),
                dental: Some("gold crown, upper left first molar".into()),
                sample_ids: vec!["PM-DNA-0041".into()],
                ..Particulars::default()
            },
            sex_estimate: sex_of(identified),
            age_range: Some(AgeEstimate { min: 25, max: 45 }),
            recovered_at: Some(day("2024-05-08")),
            status: RemainsStatus::Identified,
            identified_as: Some(identified.id),
            identification: Some(Identification {
                method: IdentificationMethod::Dna,
                confirmed_by: "Forensic laboratory of the commission (demo)".into(),
                confirmed_at: day("2024-09-12"),
                notes: "STR profile matches reference sample REF-0101 of the mother.".into(),
                recorded_by: None,
            }),
        },
        Remains {
            case_number: "PM-2024-0042".into(),
            grave_site_id: Some(mass_site.id),
            exhumation_id: Some(exhumation_id),
            post_mortem: Particulars {
                height_cm: Some(171),
                clothing: Some("red knitted sweater".into()),
                dental: Some("lower front tooth lost before death".into()),
                sample_ids: vec!["PM-DNA-0042".into()],
                ..Particulars::default()
            },
            sex_estimate: sex_of(third),
            age_range: Some(AgeEstimate { min: 20, max: 60 }),
            recovered_at: Some(day("2024-05-11")),
            status: RemainsStatus::CandidateMatch,
            identified_as: None,
            identification: None,
        },
        Remains {
            case_number: "PM-2024-0043".into(),
            grave_site_id: Some(mass_site.id),
            exhumation_id: Some(exhumation_id),
            post_mortem: Particulars {
                sample_ids: vec!["PM-DNA-0043".into()],
                ..Particulars::default()
            },
            sex_estimate: None,
            age_range: None,
            recovered_at: Some(day("2024-05-14")),
            status: RemainsStatus::Unidentified,
            identified_as: None,
            identification: None,
        },
    ];
    let remains = remains_bodies
        .into_iter()
        .zip(&remains_ids)
        .enumerate()
        .map(|(i, (body, id))| DemoRecord {
            id: *id,
            organisation: COMMISSION,
            classification: Classification::Restricted,
            created_at: remains_at + Duration::hours(i64::try_from(i).unwrap_or(0)),
            body,
        })
        .collect();

    MissingData {
        missing_cases: cases,
        grave_sites: vec![mass_site, single_site],
        exhumations: vec![exhumation],
        remains,
        identified: Some(identified.id),
    }
}
