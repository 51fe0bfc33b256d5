//! Statistics over incidents and the persons documented in them.
//!
//! Two kinds of figures are kept apart, because they mean different things:
//!
//! - **Documented persons**: people recorded by name and linked to an incident. A person counts
//!   once per key however many incidents or roles link them there. `documented_persons` in every
//!   row counts persons harmed — roles killed, injured, missing or detained; witnesses, reporters
//!   and alleged perpetrators are counted only in [`Summary::documented_by_role`].
//! - **Reported casualties**: the totals that sources gave for an incident
//!   (`reported_casualties`), which usually exceed the persons documented so far. The model holds
//!   one figure per incident and measure; where several incident records describe one event
//!   (duplicate reports from different sources, passed in as `same_event` groups), their figures
//!   are combined per event: **low** = the smallest figure reported, **high** = the largest,
//!   **best** = the figure of the best-verified report (verified, then under review, reported,
//!   disputed), the lower median where several reports tie at that level. An incident without a
//!   group is its own event, and low = best = high for it. Totals are sums over events; an event
//!   with no figure for a measure adds nothing to it and is counted in `events_without_figure`.
//!
//! Counting rules for the dimensions:
//!
//! - **month**: the month the incident's period begins (`YYYY-MM`, in UTC for instants); a period
//!   known only to the year counts under `YYYY` and is left off the monthly chart.
//! - **region**: `location.admin1` as written (trimmed); missing is the empty key.
//! - **category**, **weapon**, **damaged object**: each term once per incident (an incident with
//!   two categories counts under both, so these columns do not add up to the incident total).
//! - **alleged perpetrator**: `alleged_perpetrator.party` as the sources allege it (trimmed); the
//!   empty key is "not recorded". Labelled "as alleged" wherever shown.
//! - **status**: the incident's verification status.
//!
//! Filters: an incident is counted when its period overlaps the filter's period (widest bounds:
//! "2024" overlaps "2024-05"), its region equals the filter's (case-insensitive), it is published
//! when `published_only` is set, and it is not refuted unless `include_refuted` is set.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use evidentia_model::incident::{Casualties, IncidentStatus};
use evidentia_model::person::InvolvementRole;
use evidentia_model::{Incident, Involvement, PartialDate, Period, Person};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which incidents a summary covers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// `location.admin1`, compared case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub include_refuted: bool,
    #[serde(default)]
    pub published_only: bool,
}

impl Filter {
    /// True when the incident is counted.
    pub fn matches(&self, incident: &Incident) -> bool {
        if incident.status == IncidentStatus::Refuted && !self.include_refuted {
            return false;
        }
        if self.published_only && !incident.published {
            return false;
        }
        if let Some(p) = &self.period
            && !incident.occurred.overlaps(p.keys())
        {
            return false;
        }
        if let Some(r) = &self.region {
            let wanted = r.trim().to_lowercase();
            let have = incident.location.admin1.as_deref().unwrap_or("").trim().to_lowercase();
            if wanted != have {
                return false;
            }
        }
        true
    }
}

/// One key of a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// A vocabulary code, a month (`YYYY-MM` or `YYYY`), a region or a party as written; empty
    /// when not recorded.
    pub key: String,
    pub incidents: u64,
    /// Distinct persons documented as killed, injured, missing or detained in those incidents.
    pub documented_persons: u64,
}

/// Reported figures for one measure, over events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Range {
    pub low: u64,
    pub best: u64,
    pub high: u64,
    /// Events that reported this measure.
    pub events_with_figure: u64,
    pub events_without_figure: u64,
}

/// Casualty figures as reported by sources, kept apart from documented persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportedCasualties {
    pub killed: Range,
    pub injured: Range,
    pub missing: Range,
    /// Events: incidents after merging those known to describe the same event.
    pub events: u64,
    /// Incident records merged into other events' figures (duplicates).
    pub merged_reports: u64,
}

/// A role and the distinct persons documented in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCount {
    pub role: InvolvementRole,
    pub persons: u64,
}

/// The figures for a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub filter: Filter,
    pub incidents: u64,
    /// Distinct persons documented as killed, injured, missing or detained.
    pub documented_persons: u64,
    pub documented_by_role: Vec<RoleCount>,
    pub by_month: Vec<Row>,
    pub by_region: Vec<Row>,
    pub by_category: Vec<Row>,
    pub by_weapon: Vec<Row>,
    pub by_damaged_object: Vec<Row>,
    /// As alleged by the sources.
    pub by_alleged_perpetrator: Vec<Row>,
    pub by_status: Vec<Row>,
    pub reported_casualties: ReportedCasualties,
}

/// The dimensions, in the order they are shown, with the name used in CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Month,
    Region,
    Category,
    Weapon,
    DamagedObject,
    AllegedPerpetrator,
    Status,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Self::Month,
        Self::Region,
        Self::Category,
        Self::Weapon,
        Self::DamagedObject,
        Self::AllegedPerpetrator,
        Self::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Region => "region",
            Self::Category => "category",
            Self::Weapon => "weapon",
            Self::DamagedObject => "damaged_object",
            Self::AllegedPerpetrator => "alleged_perpetrator",
            Self::Status => "status",
        }
    }
}

impl Summary {
    pub fn rows(&self, d: Dimension) -> &[Row] {
        match d {
            Dimension::Month => &self.by_month,
            Dimension::Region => &self.by_region,
            Dimension::Category => &self.by_category,
            Dimension::Weapon => &self.by_weapon,
            Dimension::DamagedObject => &self.by_damaged_object,
            Dimension::AllegedPerpetrator => &self.by_alleged_perpetrator,
            Dimension::Status => &self.by_status,
        }
    }
}

const HARM_ROLES: [InvolvementRole; 4] = [
    InvolvementRole::Killed,
    InvolvementRole::Injured,
    InvolvementRole::Missing,
    InvolvementRole::Detained,
];

const ALL_ROLES: [InvolvementRole; 7] = [
    InvolvementRole::Killed,
    InvolvementRole::Injured,
    InvolvementRole::Missing,
    InvolvementRole::Detained,
    InvolvementRole::Witness,
    InvolvementRole::Reporter,
    InvolvementRole::AllegedPerpetrator,
];

/// The month key of a partial date: `YYYY-MM`, or `YYYY` when only the year is known.
pub fn month_key(date: &PartialDate) -> String {
    match date {
        PartialDate::Year(y) => format!("{y:04}"),
        _ => {
            let d = date.first_day();
            format!("{:04}-{:02}", d.year(), u8::from(d.month()))
        }
    }
}

#[derive(Default)]
struct Acc {
    incidents: BTreeMap<String, u64>,
    persons: BTreeMap<String, HashSet<Uuid>>,
}

impl Acc {
    fn add(&mut self, keys: BTreeSet<String>, harmed: &HashSet<Uuid>) {
        for k in keys {
            *self.incidents.entry(k.clone()).or_default() += 1;
            self.persons.entry(k).or_default().extend(harmed.iter().copied());
        }
    }

    /// Rows by incidents descending, then key; months in calendar order.
    fn rows(self, chronological: bool) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .incidents
            .into_iter()
            .map(|(key, incidents)| {
                let documented_persons = self.persons.get(&key).map_or(0, |s| s.len() as u64);
                Row {
                    key,
                    incidents,
                    documented_persons,
                }
            })
            .collect();
        if !chronological {
            rows.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.key.cmp(&b.key)));
        }
        rows
    }
}

fn status_rank(s: IncidentStatus) -> u8 {
    match s {
        IncidentStatus::Verified => 4,
        IncidentStatus::UnderReview => 3,
        IncidentStatus::Reported => 2,
        IncidentStatus::Disputed => 1,
        IncidentStatus::Refuted => 0,
    }
}

fn measure(c: &Casualties, i: usize) -> Option<u64> {
    let count = match i {
        0 => c.killed,
        1 => c.injured,
        _ => c.missing,
    };
    count.map(|c| u64::from(c.total))
}

/// The figures for the incidents that match `filter`. Incidents and persons are given with their
/// record ids (owned or borrowed), so that involvements can be joined to them; persons are used
/// only as the set of those the reader may see — an involvement naming anyone else is ignored.
pub fn summary<I: Borrow<Incident>, P: Borrow<Person>>(
    incidents: &[(Uuid, I)],
    persons: &[(Uuid, P)],
    involvements: &[Involvement],
    filter: &Filter,
) -> Summary {
    summary_with_events(incidents, persons, involvements, filter, &[])
}

/// As [`summary`], with groups of incident ids known to describe the same event (duplicate
/// reports), whose casualty figures are combined into low / best / high.
pub fn summary_with_events<I: Borrow<Incident>, P: Borrow<Person>>(
    incidents: &[(Uuid, I)],
    persons: &[(Uuid, P)],
    involvements: &[Involvement],
    filter: &Filter,
    same_event: &[Vec<Uuid>],
) -> Summary {
    let matching: Vec<(Uuid, &Incident)> = incidents
        .iter()
        .map(|(id, i)| (*id, i.borrow()))
        .filter(|(_, i)| filter.matches(i))
        .collect();
    let known_persons: HashSet<Uuid> = persons.iter().map(|(id, _)| *id).collect();
    let matching_ids: HashSet<Uuid> = matching.iter().map(|(id, _)| *id).collect();

    // Persons by incident and role; an involvement naming a person not given is ignored (it may
    // be one the viewer may not see).
    let mut harmed_by_incident: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut by_role: HashMap<&'static str, HashSet<Uuid>> = HashMap::new();
    for inv in involvements {
        if !matching_ids.contains(&inv.incident_id) || !known_persons.contains(&inv.person_id) {
            continue;
        }
        by_role.entry(inv.role.as_str()).or_default().insert(inv.person_id);
        if HARM_ROLES.contains(&inv.role) {
            harmed_by_incident
                .entry(inv.incident_id)
                .or_default()
                .insert(inv.person_id);
        }
    }
    let empty = HashSet::new();
    let mut all_harmed: HashSet<Uuid> = HashSet::new();
    let (mut month, mut region, mut category, mut weapon, mut object, mut party, mut status) = (
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
    );
    for (id, inc) in &matching {
        let harmed = harmed_by_incident.get(id).unwrap_or(&empty);
        all_harmed.extend(harmed.iter().copied());
        let one = |k: String| BTreeSet::from([k]);
        month.add(one(month_key(&inc.occurred.from)), harmed);
        region.add(
            one(inc.location.admin1.as_deref().unwrap_or("").trim().to_owned()),
            harmed,
        );
        category.add(inc.categories.iter().map(|c| c.trim().to_owned()).collect(), harmed);
        weapon.add(inc.weapons.iter().map(|w| w.kind.trim().to_owned()).collect(), harmed);
        object.add(
            inc.damaged_objects.iter().map(|d| d.kind.trim().to_owned()).collect(),
            harmed,
        );
        party.add(
            one(inc.alleged_perpetrator.party.as_deref().unwrap_or("").trim().to_owned()),
            harmed,
        );
        status.add(one(inc.status.as_str().to_owned()), harmed);
    }

    Summary {
        filter: filter.clone(),
        incidents: matching.len() as u64,
        documented_persons: all_harmed.len() as u64,
        documented_by_role: ALL_ROLES
            .iter()
            .map(|r| RoleCount {
                role: *r,
                persons: by_role.get(r.as_str()).map_or(0, |s| s.len() as u64),
            })
            .collect(),
        by_month: month.rows(true),
        by_region: region.rows(false),
        by_category: category.rows(false),
        by_weapon: weapon.rows(false),
        by_damaged_object: object.rows(false),
        by_alleged_perpetrator: party.rows(false),
        by_status: status.rows(false),
        reported_casualties: casualties(&matching, same_event),
    }
}

fn casualties(matching: &[(Uuid, &Incident)], same_event: &[Vec<Uuid>]) -> ReportedCasualties {
    // Union-find would be exact for overlapping groups; groups come from confirmed merges and are
    // disjoint in practice, so the first group naming an incident wins.
    let mut event_of: HashMap<Uuid, usize> = HashMap::new();
    for (g, ids) in same_event.iter().enumerate() {
        for id in ids {
            event_of.entry(*id).or_insert(g);
        }
    }
    let mut events: BTreeMap<(usize, Uuid), Vec<&Incident>> = BTreeMap::new();
    for (id, inc) in matching {
        let key = match event_of.get(id) {
            Some(g) => (*g, Uuid::nil()),
            None => (usize::MAX, *id),
        };
        events.entry(key).or_default().push(inc);
    }
    let mut out = ReportedCasualties {
        events: events.len() as u64,
        merged_reports: (matching.len() - events.len()) as u64,
        ..ReportedCasualties::default()
    };
    for reports in events.values() {
        for m in 0..3 {
            let figures: Vec<(u8, u64)> = reports
                .iter()
                .filter_map(|i| measure(&i.reported_casualties, m).map(|v| (status_rank(i.status), v)))
                .collect();
            let range = match m {
                0 => &mut out.killed,
                1 => &mut out.injured,
                _ => &mut out.missing,
            };
            let Some(top) = figures.iter().map(|(r, _)| *r).max() else {
                range.events_without_figure += 1;
                continue;
            };
            let low = figures.iter().map(|(_, v)| *v).min().unwrap_or(0);
            let high = figures.iter().map(|(_, v)| *v).max().unwrap_or(0);
            let mut best: Vec<u64> = figures.iter().filter(|(r, _)| *r == top).map(|(_, v)| *v).collect();
            best.sort_unstable();
            let best = best.get((best.len() - 1) / 2).copied().unwrap_or(low);
            range.low = range.low.saturating_add(low);
            range.best = range.best.saturating_add(best);
            range.high = range.high.saturating_add(high);
            range.events_with_figure += 1;
        }
    }
    out
}

/// The summary as pretty-printed JSON.
pub fn to_json(summary: &Summary) -> String {
    serde_json::to_string_pretty(summary).unwrap_or_else(|_| "{}".to_owned())
}

fn csv_field(s: &str) -> String {
    // A cell a spreadsheet would take for a formula is prefixed with an apostrophe (a region or a
    // party is free text typed by someone).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The summary as one CSV table in long form, `dimension,key,measure,value`:
///
/// - `total,,incidents,N` and `total,,documented_persons,N`;
/// - `documented_by_role,ROLE,persons,N` for every involvement role;
/// - for every dimension (`month`, `region`, `category`, `weapon`, `damaged_object`,
///   `alleged_perpetrator`, `status`) and key: `DIMENSION,KEY,incidents,N` and
///   `DIMENSION,KEY,documented_persons,N`;
/// - `reported_casualties,killed|injured|missing,low|best|high|events_with_figure|events_without_figure,N`
///   and `reported_casualties,,events|merged_reports,N`.
///
/// Keys are vocabulary codes, months, or text as recorded (empty when not recorded); one file
/// loads into any spreadsheet or data frame and pivots into one table per dimension.
pub fn to_csv(summary: &Summary) -> String {
    let mut out = String::from("dimension,key,measure,value\r\n");
    let mut line = |d: &str, k: &str, m: &str, v: u64| {
        out.push_str(&format!("{},{},{},{v}\r\n", csv_field(d), csv_field(k), csv_field(m)));
    };
    line("total", "", "incidents", summary.incidents);
    line("total", "", "documented_persons", summary.documented_persons);
    for r in &summary.documented_by_role {
        line("documented_by_role", r.role.as_str(), "persons", r.persons);
    }
    for d in Dimension::ALL {
        for row in summary.rows(d) {
            line(d.as_str(), &row.key, "incidents", row.incidents);
            line(d.as_str(), &row.key, "documented_persons", row.documented_persons);
        }
    }
    let c = &summary.reported_casualties;
    for (name, r) in [("killed", c.killed), ("injured", c.injured), ("missing", c.missing)] {
        line("reported_casualties", name, "low", r.low);
        line("reported_casualties", name, "best", r.best);
        line("reported_casualties", name, "high", r.high);
        line("reported_casualties", name, "events_with_figure", r.events_with_figure);
        line(
            "reported_casualties",
            name,
            "events_without_figure",
            r.events_without_figure,
        );
    }
    line("reported_casualties", "", "events", c.events);
    line("reported_casualties", "", "merged_reports", c.merged_reports);
    out
}
