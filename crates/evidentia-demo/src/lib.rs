//! The fictional demo data set: deterministic, generated from a seed, without I/O.
//!
//! Everything is invented. The incidents happen in an invented region ([`REGION`], country code
//! [`COUNTRY`], a user-assigned ISO code that no real country holds) whose settlements lie in open
//! sea in the mid-Atlantic; the people are random combinations of common Ukrainian and Russian
//! names; the alleged perpetrators are the neutral labels "Party A", "Party B", "Unidentified
//! armed group" and "Unknown", drawn independently of the kind of incident (and some incidents
//! name none). No real party, force, state or place is named.
//!
//! What it looks like, with the default sizes:
//!
//! * incidents from 2014 to 2024 with bursts of activity, written in English, Ukrainian or
//!   Russian, at every date precision (year, month, day, instant, spans), at every location
//!   precision (a point, a settlement, a district, the region, the country; some without
//!   coordinates), with categories, weapons and damaged objects from the default vocabularies
//!   and reported casualties whose children and women never exceed the totals;
//! * persons in Ukrainian Cyrillic, Russian Cyrillic and Latin transliteration, about 5% of them
//!   recorded a second time in another script or spelling (deliberate near-duplicates), with
//!   statuses and death dates that agree with what happened to them;
//! * involvements linking every person to at least one incident: the named killed, injured,
//!   missing and detained, witnesses, reporters and, rarely, a named alleged perpetrator;
//! * the search for four of the missing ([`search_for_missing`]): their cases, two grave sites,
//!   an exhumation with its recovery log, three remains and one identification.
//!
//! Every record passes `evidentia_model::validate` with its classification (a test checks it).

mod incidents;
mod missing;
mod names;
mod persons;
mod places;
mod scenarios;
mod text;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use evidentia_model::person::InvolvementRole;
use evidentia_model::record::uuid_v7_at;
use evidentia_model::{Classification, Incident, Involvement, Person};
use fastrand::Rng;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::incidents::{Draft, Who, chance};
pub use crate::missing::{MissingData, search_for_missing};
use crate::persons::{Context, Identity, Script, Style};
pub use crate::places::{BOUNDS, COUNTRY, District, REGION, REGION_RU, REGION_UK, Settlement, districts, settlements};

/// The seed of the data set `evidentia demo` creates.
pub const DEFAULT_SEED: u64 = 20_140_717;

/// The fictional organisations that own the demo records. Their order is the meaning of
/// [`DemoRecord::organisation`].
pub const ORGANISATIONS: [&str; 3] = [
    "Office of the Civil Ombudsperson (demo)",
    "Northbank Human Rights Monitor (demo)",
    "Commission on Missing Persons (demo)",
];

/// The demo organisation that receives reports of missing persons from the portal.
pub const MISSING_PERSONS_OFFICE: &str = ORGANISATIONS[2];

/// How many records to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSizes {
    pub incidents: usize,
    /// Exactly this many persons are generated (each involved in at least one incident when
    /// there are incidents).
    pub persons: usize,
}

impl Default for DemoSizes {
    fn default() -> Self {
        Self {
            incidents: 600,
            persons: 2_400,
        }
    }
}

/// One generated record with the owner and metadata the store needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRecord<B> {
    /// A UUIDv7 whose time is `created_at`.
    pub id: Uuid,
    /// Index into [`DemoData::organisations`].
    pub organisation: usize,
    pub classification: Classification,
    pub created_at: OffsetDateTime,
    pub body: B,
}

/// The whole demo data set. Each list is ordered by `created_at` (strictly increasing), and so
/// by id.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub organisations: Vec<&'static str>,
    pub incidents: Vec<DemoRecord<Incident>>,
    pub persons: Vec<DemoRecord<Person>>,
    pub involvements: Vec<DemoRecord<Involvement>>,
}

fn new_id(rng: &mut Rng, at: OffsetDateTime) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    uuid_v7_at(at, random)
}

/// `at`, or a little after `prev` when `at` is not later than it: keeps lists strictly
/// increasing in time (and so in id).
fn after(prev: Option<OffsetDateTime>, at: OffsetDateTime, rng: &mut Rng) -> OffsetDateTime {
    match prev {
        Some(p) if at <= p => p + Duration::seconds(rng.i64(1..=90)),
        _ => at,
    }
}

/// A person to be written, before ids and times are known.
struct Planned {
    identity: Identity,
    script: Script,
    style: Style,
    organisation: usize,
    sensitive: bool,
    /// (incident index, role); the first is where the person was first documented.
    involvements: Vec<(usize, InvolvementRole)>,
    duplicate: bool,
}

/// A place in an incident for a person.
#[derive(Clone, Copy)]
struct Slot {
    incident: usize,
    role: InvolvementRole,
    who: Who,
    /// The first named person of this role in the incident: kept even when persons are scarce,
    /// so that every incident with casualties has someone named for them.
    primary: bool,
}

fn slots(drafts: &[Draft]) -> (Vec<Slot>, Vec<Slot>) {
    let mut fresh = Vec::new();
    let mut testimony = Vec::new();
    for (incident, d) in drafts.iter().enumerate() {
        let mut seen: Vec<InvolvementRole> = Vec::new();
        for (role, who) in &d.victims {
            let primary = !seen.contains(role);
            seen.push(*role);
            fresh.push(Slot {
                incident,
                role: *role,
                who: *who,
                primary,
            });
        }
        if d.perpetrator {
            fresh.push(Slot {
                incident,
                role: InvolvementRole::AllegedPerpetrator,
                who: Who::Adult,
                primary: false,
            });
        }
        let witness = Slot {
            incident,
            role: InvolvementRole::Witness,
            who: Who::Adult,
            primary: false,
        };
        testimony.extend(std::iter::repeat_n(witness, d.witnesses as usize));
        if d.reporter && d.sensitive {
            // Whoever reported sexual violence is recorded for that incident alone.
            fresh.push(Slot {
                role: InvolvementRole::Reporter,
                primary: true,
                ..witness
            });
        } else if d.reporter {
            testimony.push(Slot {
                role: InvolvementRole::Reporter,
                ..witness
            });
        }
    }
    (fresh, testimony)
}

fn plan_person(rng: &mut Rng, drafts: &[Draft], slot: Slot) -> Option<Planned> {
    let d = drafts.get(slot.incident)?;
    let ctx = Context {
        role: slot.role,
        who: slot.who,
        first: d.first,
        last: d.last,
        settlement: d.settlement,
    };
    Some(Planned {
        identity: persons::identity(rng, &ctx),
        script: Script::for_lang(rng, d.lang),
        style: Style::Full,
        organisation: if chance(rng, 85) {
            d.organisation
        } else {
            rng.usize(0..ORGANISATIONS.len())
        },
        sensitive: d.sensitive,
        involvements: vec![(slot.incident, slot.role)],
        duplicate: false,
    })
}

/// Chooses who is documented where: exactly `count` persons, each in at least one incident.
fn plan_persons(rng: &mut Rng, drafts: &[Draft], count: usize) -> Vec<Planned> {
    let duplicates = count / 20;
    let base = count - duplicates;
    let (mut fresh, mut testimony) = slots(drafts);

    // Victims are always new persons. When there are more than wanted, keep the first named of
    // each role in each incident.
    if fresh.len() > base {
        let (primary, mut rest): (Vec<Slot>, Vec<Slot>) = fresh.into_iter().partition(|s| s.primary);
        rng.shuffle(&mut rest);
        fresh = primary;
        fresh.append(&mut rest);
        fresh.truncate(base);
    }
    // Witnesses and reporters are new persons until there are enough, then people already
    // documented who could have seen or reported it.
    let new_testimony = base - fresh.len();
    rng.shuffle(&mut testimony);
    let open: Vec<usize> = (0..drafts.len())
        .filter(|i| drafts.get(*i).is_some_and(|d| !d.sensitive))
        .collect();
    let open = if open.is_empty() {
        (0..drafts.len()).collect()
    } else {
        open
    };
    while testimony.len() < new_testimony {
        let incident = open.get(rng.usize(0..open.len())).copied().unwrap_or(0);
        testimony.push(Slot {
            incident,
            role: InvolvementRole::Witness,
            who: Who::Adult,
            primary: false,
        });
    }
    let reused = testimony.split_off(new_testimony);

    let mut planned: Vec<Planned> = fresh
        .into_iter()
        .chain(testimony)
        .filter_map(|slot| plan_person(rng, drafts, slot))
        .collect();

    let mut by_district: Vec<Vec<usize>> = vec![Vec::new(); places::districts().len()];
    for (i, p) in planned.iter().enumerate() {
        if p.identity.can_testify()
            && let Some(list) = by_district.get_mut(p.identity.district())
        {
            list.push(i);
        }
    }
    for slot in reused {
        let Some(d) = drafts.get(slot.incident).filter(|d| !d.sensitive) else {
            continue;
        };
        let pool = by_district
            .get(d.district)
            .filter(|l| !l.is_empty())
            .or_else(|| by_district.iter().find(|l| !l.is_empty()));
        let Some(pool) = pool else { continue };
        for _ in 0..8 {
            let Some(&i) = pool.get(rng.usize(0..pool.len())) else {
                break;
            };
            let Some(p) = planned.get_mut(i) else { break };
            if p.involvements.iter().all(|(incident, _)| *incident != slot.incident) && !p.sensitive {
                p.involvements.push((slot.incident, slot.role));
                break;
            }
        }
    }

    // Deliberate near-duplicates: the same person recorded again, in another script or
    // spelling, for the same incident, mostly victims (whose names circulate in many lists).
    let mut order: Vec<usize> = (0..planned.len()).collect();
    rng.shuffle(&mut order);
    let is_victim = |p: &Planned| {
        p.involvements
            .first()
            .is_some_and(|(_, r)| !matches!(r, InvolvementRole::Witness | InvolvementRole::Reporter))
    };
    let mut chosen: Vec<usize> = Vec::with_capacity(duplicates);
    for pass in 0..2 {
        for &i in &order {
            if chosen.len() == duplicates {
                break;
            }
            let Some(p) = planned.get(i) else { continue };
            let eligible = !p.sensitive && !chosen.contains(&i) && (pass == 1 || is_victim(p) || chance(rng, 25));
            if eligible {
                chosen.push(i);
            }
        }
    }
    for i in chosen {
        let Some(p) = planned.get(i) else { continue };
        let (script, style) = persons::other_spelling(rng, p.script);
        let identity = p.identity.as_seen_elsewhere(rng);
        let organisation = if chance(rng, 70) {
            (p.organisation + 1 + rng.usize(0..ORGANISATIONS.len() - 1)) % ORGANISATIONS.len()
        } else {
            p.organisation
        };
        let involvements = p.involvements.first().copied().into_iter().collect();
        planned.push(Planned {
            identity,
            script,
            style,
            organisation,
            sensitive: false,
            involvements,
            duplicate: true,
        });
    }
    planned
}

/// Persons without incidents, when the data set has none.
fn standalone_persons(rng: &mut Rng, count: usize) -> Vec<DemoRecord<Person>> {
    let mut at = incidents::DOCUMENTED_BY - Duration::days(365);
    (0..count)
        .map(|_| {
            let (identity, script) = persons::standalone(rng);
            let body = persons::render(rng, &identity, script, Style::Full);
            at += Duration::seconds(rng.i64(30..=3600));
            DemoRecord {
                id: new_id(rng, at),
                organisation: rng.usize(0..ORGANISATIONS.len()),
                classification: Classification::Internal,
                created_at: at,
                body,
            }
        })
        .collect()
}

/// The demo data set for `seed`: the same seed always gives the same data.
pub fn generate(seed: u64, sizes: &DemoSizes) -> DemoData {
    let mut rng = Rng::with_seed(seed);
    let organisations = ORGANISATIONS.to_vec();

    let mut drafts: Vec<Draft> = (0..sizes.incidents).map(|_| incidents::draft(&mut rng)).collect();
    for d in &mut drafts {
        d.created_at = incidents::documented_after(&mut rng, d.last);
    }
    drafts.sort_by_key(|d| d.created_at);
    let mut prev = None;
    for d in &mut drafts {
        d.created_at = after(prev, d.created_at, &mut rng);
        prev = Some(d.created_at);
    }
    let incident_ids: Vec<Uuid> = drafts.iter().map(|d| new_id(&mut rng, d.created_at)).collect();

    if drafts.is_empty() {
        return DemoData {
            organisations,
            incidents: Vec::new(),
            persons: standalone_persons(&mut rng, sizes.persons),
            involvements: Vec::new(),
        };
    }

    let planned = plan_persons(&mut rng, &drafts, sizes.persons);

    // Render each person, with the record's classification and when it was created: shortly
    // after the incident they were first documented in, or later for the second record of a
    // near-duplicate.
    struct Written {
        record: DemoRecord<Person>,
        involvements: Vec<(usize, InvolvementRole)>,
    }
    let mut written: Vec<Written> = planned
        .into_iter()
        .map(|p| {
            let mut body = persons::render(&mut rng, &p.identity, p.script, p.style);
            let role = p.involvements.first().map_or(InvolvementRole::Witness, |(_, r)| *r);
            let contact_chance = match role {
                InvolvementRole::Witness | InvolvementRole::Reporter => 15,
                InvolvementRole::Injured | InvolvementRole::Missing | InvolvementRole::Detained => 6,
                _ => 2,
            };
            if !p.duplicate && chance(&mut rng, contact_chance) {
                body.contacts = Some(persons::contacts(&mut rng, p.script.lang()));
            }
            let classification = persons::classification(&mut rng, role, p.sensitive, body.contacts.is_some());
            body.published = classification == Classification::Public && chance(&mut rng, 80);
            let first_documented = p
                .involvements
                .iter()
                .filter_map(|(i, _)| drafts.get(*i).map(|d| d.created_at))
                .min()
                .unwrap_or(incidents::DOCUMENTED_BY);
            let delay = if p.duplicate {
                Duration::days(rng.i64(1..=120)) + Duration::seconds(rng.i64(0..86_400))
            } else {
                Duration::seconds(rng.i64(300..=259_200))
            };
            Written {
                record: DemoRecord {
                    id: Uuid::nil(),
                    organisation: p.organisation,
                    classification,
                    created_at: first_documented + delay,
                    body,
                },
                involvements: p.involvements,
            }
        })
        .collect();
    written.sort_by_key(|w| w.record.created_at);
    let mut prev = None;
    for w in &mut written {
        w.record.created_at = after(prev, w.record.created_at, &mut rng);
        prev = Some(w.record.created_at);
        w.record.id = new_id(&mut rng, w.record.created_at);
    }

    let mut involvements: Vec<DemoRecord<Involvement>> = Vec::new();
    for w in &written {
        for (incident, role) in &w.involvements {
            let (Some(d), Some(incident_id)) = (drafts.get(*incident), incident_ids.get(*incident)) else {
                continue;
            };
            let person = &w.record;
            let lang = if chance(&mut rng, 70) {
                d.lang
            } else {
                crate::text::Lang::En
            };
            let status = person.body.status;
            let notes = persons::note(&mut rng, *role, status, lang);
            let at = person.created_at.max(d.created_at) + Duration::seconds(rng.i64(60..=7200));
            involvements.push(DemoRecord {
                id: Uuid::nil(),
                organisation: person.organisation,
                classification: if d.sensitive {
                    Classification::Confidential
                } else {
                    person.classification.max(d.classification)
                },
                created_at: at,
                body: Involvement {
                    person_id: person.id,
                    incident_id: *incident_id,
                    role: *role,
                    notes,
                },
            });
        }
    }
    involvements.sort_by_key(|r| r.created_at);
    let mut prev = None;
    for r in &mut involvements {
        r.created_at = after(prev, r.created_at, &mut rng);
        prev = Some(r.created_at);
        r.id = new_id(&mut rng, r.created_at);
    }

    let incidents = drafts
        .into_iter()
        .zip(incident_ids)
        .map(|(d, id)| DemoRecord {
            id,
            organisation: d.organisation,
            classification: d.classification,
            created_at: d.created_at,
            body: d.incident,
        })
        .collect();
    DemoData {
        organisations,
        incidents,
        persons: written.into_iter().map(|w| w.record).collect(),
        involvements,
    }
}

/// Seeds of the streams are derived from the caller's so that a stream and [`generate`] with
/// the same seed do not repeat each other.
const PERSON_STREAM: u64 = 0x5eed_9e15_0000_0001;
const INCIDENT_STREAM: u64 = 0x5eed_1c1d_0000_0002;
/// How many recent persons the stream remembers to repeat as near-duplicates.
const RECENT: usize = 256;

/// An endless, deterministic stream of persons for benchmarks, with about 5% near-duplicates
/// of recent ones (another script or spelling). Memory stays constant however many are taken.
/// Stream persons carry no contact details, so any classification is valid for them.
pub fn persons(seed: u64) -> impl Iterator<Item = Person> {
    let mut rng = Rng::with_seed(seed ^ PERSON_STREAM);
    let mut recent: VecDeque<(Identity, Script)> = VecDeque::with_capacity(RECENT);
    std::iter::from_fn(move || {
        if !recent.is_empty() && chance(&mut rng, 5) {
            let i = rng.usize(0..recent.len());
            if let Some((identity, script)) = recent.get(i) {
                let other = identity.as_seen_elsewhere(&mut rng);
                let (script, style) = persons::other_spelling(&mut rng, *script);
                return Some(persons::render(&mut rng, &other, script, style));
            }
        }
        let (identity, script) = persons::standalone(&mut rng);
        let person = persons::render(&mut rng, &identity, script, Style::Full);
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back((identity, script));
        Some(person)
    })
}

/// An endless, deterministic stream of incidents for benchmarks.
pub fn incidents(seed: u64) -> impl Iterator<Item = Incident> {
    let mut rng = Rng::with_seed(seed ^ INCIDENT_STREAM);
    std::iter::from_fn(move || Some(incidents::draft(&mut rng).incident))
}
