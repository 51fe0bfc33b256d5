//! Drafting one incident: when, where, what, who is alleged, and whom it touched.

use evidentia_model::incident::{
    AllegedPerpetrator, Casualties, Count, DamagedObject, IncidentStatus, Location, Precision, Weapon,
};
use evidentia_model::person::InvolvementRole;
use evidentia_model::{Classification, Incident, PartialDate, Period};
use fastrand::Rng;
use time::macros::{date, datetime};
use time::{Date, Duration, Month, OffsetDateTime, UtcOffset};

use crate::places::{self, COUNTRY, REGION, REGION_RU, REGION_UK, STREETS};
use crate::scenarios::{self, Figure, SCENARIOS, Scenario};
use crate::text::{self, Fill, Lang};

/// The first and last years of the demo's events.
pub(crate) const FIRST_YEAR: i32 = 2014;
pub(crate) const LAST_YEAR: i32 = 2024;
pub(crate) const LAST_DAY: Date = date!(2024 - 12 - 31);
/// The demo's "now" for incidents: none is documented after it.
pub(crate) const DOCUMENTED_BY: OffsetDateTime = datetime!(2025-03-31 18:00 UTC);

/// Who a named victim is, as far as the reported breakdown says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Child,
    Woman,
    Man,
    /// An adult of either sex (the breakdown says nothing).
    Adult,
}

/// An incident with what the rest of the generator needs to know about it.
pub(crate) struct Draft {
    pub incident: Incident,
    pub lang: Lang,
    pub settlement: usize,
    pub district: usize,
    pub first: Date,
    pub last: Date,
    /// Named victims (killed, injured, missing, detained) to be documented as persons.
    pub victims: Vec<(InvolvementRole, Who)>,
    pub witnesses: u32,
    pub reporter: bool,
    /// A named individual alleged to be responsible.
    pub perpetrator: bool,
    pub sensitive: bool,
    pub classification: Classification,
    pub organisation: usize,
    pub created_at: OffsetDateTime,
}

/// Index into `weights`, drawn in proportion to them.
pub(crate) fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut r = rng.u32(0..total);
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len().saturating_sub(1)
}

/// True with probability `percent` / 100.
pub(crate) fn chance(rng: &mut Rng, percent: u32) -> bool {
    rng.u32(0..100) < percent
}

pub(crate) fn ymd(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(LAST_DAY)
}

pub(crate) fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(Duration::days(days)).unwrap_or(d)
}

/// Relative activity per month: a low background with fictional escalation phases.
fn month_weight(year: i32, month: u8) -> u32 {
    let ym = year * 100 + i32::from(month);
    let burst = match ym {
        201_406..=201_412 => 14,
        201_501..=201_502 => 10,
        201_608..=201_610 => 6,
        201_804..=201_805 => 5,
        202_009..=202_011 => 6,
        202_203..=202_209 => 16,
        202_210..=202_303 => 8,
        202_306..=202_308 => 7,
        202_401..=202_403 => 6,
        _ => 0,
    };
    2 + burst
}

/// A day between 2014 and 2024, more often in the bursts.
pub(crate) fn sample_day(rng: &mut Rng) -> Date {
    let months = (FIRST_YEAR..=LAST_YEAR).flat_map(|y| (1u8..=12).map(move |m| (y, m)));
    let total: u32 = months.clone().map(|(y, m)| month_weight(y, m)).sum();
    let mut r = rng.u32(0..total.max(1));
    let mut chosen = (LAST_YEAR, 12u8);
    for (y, m) in months {
        let w = month_weight(y, m);
        if r < w {
            chosen = (y, m);
            break;
        }
        r -= w;
    }
    let month = Month::try_from(chosen.1).unwrap_or(Month::December);
    let day = rng.u8(1..=month.length(chosen.0));
    ymd(chosen.0, month, day)
}

fn instant(rng: &mut Rng, day: Date) -> PartialDate {
    let offset = match rng.u32(0..10) {
        0..=5 => UtcOffset::from_hms(2, 0, 0),
        6..=7 => UtcOffset::from_hms(3, 0, 0),
        _ => Ok(UtcOffset::UTC),
    }
    .unwrap_or(UtcOffset::UTC);
    match day.with_hms(rng.u8(5..=23), rng.u8(0..60), 0) {
        Ok(t) => PartialDate::Instant(t.assume_offset(offset)),
        Err(_) => PartialDate::Day(day),
    }
}

fn month_of(d: Date) -> PartialDate {
    PartialDate::Month(d.year(), d.month())
}

fn add_months(d: Date, n: u32) -> Date {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + i32::try_from(n).unwrap_or(0);
    let (year, month) = (
        index.div_euclid(12),
        u8::try_from(index.rem_euclid(12) + 1).unwrap_or(12),
    );
    let month = Month::try_from(month).unwrap_or(Month::December);
    ymd(year, month, 1)
}

/// When it happened, at a precision the sources might give.
pub(crate) fn sample_period(rng: &mut Rng, day: Date, long_running: bool) -> Period {
    let weights: [u32; 7] = if long_running {
        [20, 4, 25, 8, 20, 16, 7]
    } else {
        [42, 16, 17, 5, 10, 6, 4]
    };
    let at = |d| Period::at(d);
    let period = match weighted(rng, &weights) {
        0 => at(PartialDate::Day(day)),
        1 => at(instant(rng, day)),
        2 => at(month_of(day)),
        3 => at(PartialDate::Year(day.year())),
        4 => {
            let end = add_days(day, i64::from(rng.u32(1..=20)));
            Period {
                from: PartialDate::Day(day),
                to: Some(PartialDate::Day(end.min(LAST_DAY))),
            }
        }
        5 => {
            let end = add_months(day, rng.u32(1..=6)).min(LAST_DAY);
            Period {
                from: month_of(day),
                to: Some(month_of(end)),
            }
        }
        _ => {
            let end = add_months(day, rng.u32(1..=3)).min(LAST_DAY);
            Period {
                from: PartialDate::Day(day),
                to: Some(month_of(end)),
            }
        }
    };
    // A span clipped at the end of the data set may collapse; keep it coherent.
    if period.problem().is_some() {
        at(PartialDate::Day(day))
    } else {
        period
    }
}

fn figure(rng: &mut Rng, f: Figure) -> u32 {
    if f.max == 0 || !chance(rng, f.percent) {
        return 0;
    }
    // Mostly small numbers, sometimes many.
    let skew = rng.f64().powi(3);
    (1 + (skew * f64::from(f.max)) as u32).min(f.max)
}

/// A reported count with, often, its breakdown; children and women never exceed the total.
fn with_breakdown(rng: &mut Rng, total: u32, child_share: u32, force_child: bool) -> Option<Count> {
    if total == 0 {
        return None;
    }
    if !force_child && !chance(rng, 65) {
        return Some(Count {
            total,
            children: None,
            women: None,
        });
    }
    let mut children = (0..total).filter(|_| chance(rng, child_share)).count() as u32;
    if force_child {
        children = children.max(1);
    }
    let women = (children..total).filter(|_| chance(rng, 30)).count() as u32;
    let women = if chance(rng, 85) { Some(women) } else { None };
    Some(Count {
        total,
        children: Some(children),
        women,
    })
}

/// How many of the reported casualties the sources name.
fn named(rng: &mut Rng, role: InvolvementRole, total: u32) -> u32 {
    match role {
        InvolvementRole::Killed if total > 4 => rng.u32(3..=total.min(8)),
        InvolvementRole::Injured if total > 3 => rng.u32(2..=total.min(5)),
        _ => total,
    }
}

/// Named victims drawn from the reported breakdown, so that named children and women never
/// outnumber the reported ones.
fn victims_of(
    rng: &mut Rng,
    role: InvolvementRole,
    c: Option<Count>,
    child_share: u32,
    out: &mut Vec<(InvolvementRole, Who)>,
) {
    let Some(c) = c else { return };
    let n = named(rng, role, c.total);
    match (c.children, c.women) {
        (Some(children), women) => {
            let mut left = [
                children,
                women.unwrap_or(0),
                c.total.saturating_sub(children + women.unwrap_or(0)),
            ];
            for _ in 0..n {
                let who = weighted(rng, &left);
                left[who] = left[who].saturating_sub(1);
                out.push((
                    role,
                    [
                        Who::Child,
                        Who::Woman,
                        if women.is_some() { Who::Man } else { Who::Adult },
                    ][who],
                ));
            }
        }
        (None, _) => {
            for _ in 0..n {
                out.push((
                    role,
                    if chance(rng, child_share) {
                        Who::Child
                    } else {
                        Who::Adult
                    },
                ));
            }
        }
    }
}

/// Where it happened and how to say it.
struct Place {
    location: Location,
    place_in: String,
    near: String,
    place: String,
}

fn round5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

/// Sensitive incidents (sexual violence) are never located more precisely than a settlement:
/// an address could identify the survivor.
fn place(rng: &mut Rng, lang: Lang, si: usize, sensitive: bool) -> Place {
    let settlements = places::settlements();
    let districts = places::districts();
    let Some(s) = settlements.get(si) else {
        return Place {
            location: Location::default(),
            place_in: String::new(),
            near: String::new(),
            place: String::new(),
        };
    };
    let di = places::district_of(s);
    let d = districts.get(di).unwrap_or(&districts[0]);
    let name = lang.pick([s.latin, s.uk, s.ru]);
    let prefix = places::kind(si).prefix(lang);
    let district = lang.pick([d.latin, d.uk, d.ru]);
    let region = lang.pick([REGION, REGION_UK, REGION_RU]);
    let mut location = Location {
        place_name: None,
        admin1: Some(region.to_owned()),
        admin2: Some(district.to_owned()),
        country: Some(COUNTRY.to_owned()),
        lat: None,
        lon: None,
        precision: None,
    };
    let settlement_in = match lang {
        Lang::En => (format!("in {name}"), format!("near {name}")),
        Lang::Uk => (format!("у {prefix}{name}"), format!("поблизу {prefix}{name}")),
        Lang::Ru => (format!("в {prefix}{name}"), format!("возле {prefix}{name}")),
    };
    let district_in = match lang {
        Lang::En => format!("in {district}"),
        Lang::Uk => format!("у {}", d.uk_in),
        Lang::Ru => format!("в {}", d.ru_in),
    };
    let weights: [u32; 6] = if sensitive {
        [0, 50, 40, 10, 0, 0]
    } else {
        [35, 40, 12, 8, 4, 1]
    };
    let (place_in, near) = match weighted(rng, &weights) {
        // Exact: a point near the settlement, sometimes a street.
        0 => {
            location.precision = Some(Precision::Exact);
            location.lat = Some(round5(s.lat + (rng.f64() - 0.5) * 0.02));
            location.lon = Some(round5(s.lon + (rng.f64() - 0.5) * 0.02));
            location.place_name = Some(if chance(rng, 50) {
                let street = lang.pick(STREETS[rng.usize(0..STREETS.len())]);
                format!("{street}, {prefix}{name}")
            } else {
                name.to_owned()
            });
            settlement_in
        }
        // The settlement, with or without its coordinates (not yet geocoded).
        p @ (1 | 3) => {
            location.precision = Some(Precision::Settlement);
            if p == 1 {
                location.lat = Some(s.lat);
                location.lon = Some(s.lon);
            }
            location.place_name = Some(if chance(rng, 30) {
                format!("{prefix}{name}")
            } else {
                name.to_owned()
            });
            settlement_in
        }
        2 => {
            location.precision = Some(Precision::District);
            location.lat = Some(d.lat);
            location.lon = Some(d.lon);
            location.place_name = Some(district.to_owned());
            (district_in.clone(), district_in)
        }
        4 => {
            location.precision = Some(Precision::Region);
            location.admin2 = None;
            let r = match lang {
                Lang::En => format!("in {REGION}"),
                Lang::Uk => "у Туманогірській області".to_owned(),
                Lang::Ru => "в Туманогорской области".to_owned(),
            };
            (r.clone(), r)
        }
        _ => {
            location.precision = Some(Precision::Country);
            location.admin1 = None;
            location.admin2 = None;
            let r = lang
                .pick([
                    "at an undisclosed location",
                    "у невстановленому місці",
                    "в неустановленном месте",
                ])
                .to_owned();
            (r.clone(), r)
        }
    };
    Place {
        location,
        place_in,
        near,
        place: name.to_owned(),
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn perpetrator(rng: &mut Rng, lang: Lang) -> AllegedPerpetrator {
    if !chance(rng, 78) {
        return AllegedPerpetrator::default();
    }
    let p = weighted(rng, &[36, 36, 14, 14]);
    let party = scenarios::PARTIES[p];
    let unit_chance = [40, 40, 15, 0][p];
    let unit = chance(rng, unit_chance).then(|| {
        let n = rng.u32(1..=60);
        lang.pick(scenarios::UNITS[rng.usize(0..scenarios::UNITS.len())])
            .replace("{o}", &ordinal(n))
            .replace("{n}", &n.to_string())
    });
    AllegedPerpetrator {
        party: Some(party.to_owned()),
        unit,
    }
}

fn weapons(rng: &mut Rng, sc: &Scenario, lang: Lang) -> Vec<Weapon> {
    if sc.weapons.is_empty() || !chance(rng, sc.armed) {
        return Vec::new();
    }
    let mut kinds: Vec<&str> = vec![sc.weapons[rng.usize(0..sc.weapons.len())]];
    if chance(rng, 20) {
        let second = sc.weapons[rng.usize(0..sc.weapons.len())];
        if !kinds.contains(&second) {
            kinds.push(second);
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            let details = scenarios::weapon_details(kind);
            let (model, calibre) = details
                .get(rng.usize(0..details.len().max(1)))
                .copied()
                .unwrap_or((None, None));
            let origin = chance(rng, 20).then(|| scenarios::ORIGINS[rng.usize(0..scenarios::ORIGINS.len())].to_owned());
            Weapon {
                kind: kind.to_owned(),
                model: model.map(|m| lang.pick(m).to_owned()),
                calibre: calibre.map(str::to_owned),
                origin_country: origin,
            }
        })
        .collect()
}

fn casualty_sentence(c: &Casualties, lang: Lang) -> Option<String> {
    let parts: Vec<String> = [
        (c.killed, ["killed", "загиблих", "погибших"]),
        (c.injured, ["injured", "поранених", "раненых"]),
        (c.missing, ["missing", "зниклих безвісти", "пропавших без вести"]),
    ]
    .into_iter()
    .filter_map(|(count, label)| {
        let count = count?;
        let mut breakdown = Vec::new();
        if let Some(ch) = count.children.filter(|n| *n > 0) {
            breakdown.push(text::count(
                ch,
                lang,
                ["child", "children"],
                ["дитина", "дитини", "дітей"],
                ["ребёнок", "ребёнка", "детей"],
            ));
        }
        if let Some(w) = count.women.filter(|n| *n > 0) {
            breakdown.push(text::count(
                w,
                lang,
                ["woman", "women"],
                ["жінка", "жінки", "жінок"],
                ["женщина", "женщины", "женщин"],
            ));
        }
        let label = lang.pick(label);
        let main = match lang {
            Lang::En => format!("{} {label}", count.total),
            _ => format!("{label} — {}", count.total),
        };
        Some(if breakdown.is_empty() {
            main
        } else {
            match lang {
                Lang::En => format!("{main} (including {})", breakdown.join(" and ")),
                Lang::Uk => format!("{main} (з них {})", breakdown.join(", ")),
                Lang::Ru => format!("{main} (из них {})", breakdown.join(", ")),
            }
        })
    })
    .collect();
    if parts.is_empty() {
        return None;
    }
    let lead = lang.pick([
        "Reported casualties: ",
        "Повідомляється про постраждалих: ",
        "Сообщается о пострадавших: ",
    ]);
    Some(format!("{lead}{}.", parts.join(", ")))
}

fn status(rng: &mut Rng) -> IncidentStatus {
    IncidentStatus::ALL[weighted(rng, &[36, 28, 19, 11, 6])]
}

fn classification(rng: &mut Rng, sc: &Scenario) -> Classification {
    let weights: [u32; 4] = if sc.sensitive {
        [0, 0, 40, 60]
    } else if sc.long_running {
        [16, 54, 22, 8]
    } else {
        [28, 62, 8, 2]
    };
    Classification::ALL[weighted(rng, &weights)]
}

/// One incident, drafted from the random stream.
pub(crate) fn draft(rng: &mut Rng) -> Draft {
    let weights: Vec<u32> = SCENARIOS.iter().map(|s| s.weight).collect();
    let si = weighted(rng, &weights);
    let sc = &SCENARIOS[si];
    let lang = [Lang::En, Lang::Uk, Lang::Ru][weighted(rng, &[35, 40, 25])];
    let sweights: Vec<u32> = (0..places::settlements().len()).map(places::weight).collect();
    let settlement = weighted(rng, &sweights);
    let district = places::settlements().get(settlement).map_or(0, places::district_of);

    let day = sample_day(rng);
    let occurred = sample_period(rng, day, sc.long_running);
    let first = occurred.from.first_day();
    let last = occurred.to.unwrap_or(occurred.from).last_day();

    let variant = &sc.variants[rng.usize(0..sc.variants.len())];
    let mut killed = figure(rng, sc.killed);
    let mut injured = figure(rng, sc.injured);
    if variant.children && killed + injured == 0 {
        injured = 1;
    }
    if sc.expects_casualties && killed + injured == 0 && chance(rng, 50) {
        killed = u32::from(chance(rng, 30));
        injured = 1 + u32::from(chance(rng, 40));
    }
    let missing = figure(rng, sc.missing);
    let casualties = Casualties {
        killed: with_breakdown(rng, killed, sc.child_share, variant.children && killed > 0),
        injured: with_breakdown(rng, injured, sc.child_share, variant.children && killed == 0),
        missing: with_breakdown(rng, missing, sc.child_share, false),
    };
    let mut victims = Vec::new();
    victims_of(
        rng,
        InvolvementRole::Killed,
        casualties.killed,
        sc.child_share,
        &mut victims,
    );
    victims_of(
        rng,
        InvolvementRole::Injured,
        casualties.injured,
        sc.child_share,
        &mut victims,
    );
    victims_of(
        rng,
        InvolvementRole::Missing,
        casualties.missing,
        sc.child_share,
        &mut victims,
    );
    for _ in 0..figure(rng, sc.detained) {
        victims.push((InvolvementRole::Detained, Who::Adult));
    }

    let mut categories: Vec<String> = sc.categories.iter().map(|c| (*c).to_owned()).collect();
    for (c, p) in sc.extra {
        if chance(rng, *p) {
            categories.push((*c).to_owned());
        }
    }
    if killed > 0 && chance(rng, sc.killing) {
        categories.push("killing".to_owned());
    }
    categories.truncate(3);

    let mut damaged_objects: Vec<DamagedObject> = Vec::new();
    for (i, object) in variant.objects.iter().enumerate() {
        if i > 0 && !chance(rng, 35) {
            continue;
        }
        let (kind, which) = match object.split_once('/') {
            Some((kind, n)) => (kind, n.parse::<usize>().ok()),
            None => (*object, None),
        };
        let descriptions = scenarios::object_descriptions(kind);
        let which = which.unwrap_or_else(|| rng.usize(0..descriptions.len().max(1)));
        let description = descriptions
            .get(which)
            .filter(|_| chance(rng, 80))
            .map(|d| lang.pick(*d).to_owned());
        damaged_objects.push(DamagedObject {
            kind: kind.to_owned(),
            description,
        });
    }

    let place = place(rng, lang, settlement, sc.sensitive);
    let date = text::when(&occurred, lang);
    let fill = Fill {
        lang,
        place_in: &place.place_in,
        near: &place.near,
        place: &place.place,
        date: &date,
    };
    let title = text::fill(lang.pick(variant.title), &fill);
    let status = status(rng);
    let mut description = vec![text::fill(
        lang.pick(sc.openings[rng.usize(0..sc.openings.len())]),
        &fill,
    )];
    if !sc.sensitive {
        match casualty_sentence(&casualties, lang) {
            Some(s) => description.push(s),
            None if sc.expects_casualties => description.push(lang.pick(scenarios::NO_CASUALTIES).to_owned()),
            None => {}
        }
        let described: Vec<&str> = damaged_objects
            .iter()
            .filter_map(|d| d.description.as_deref())
            .collect();
        if !described.is_empty() {
            description.push(format!("{}{}.", lang.pick(scenarios::DAMAGED), described.join(", ")));
        }
        if chance(rng, 80) {
            description.push(
                lang.pick(scenarios::SOURCES[rng.usize(0..scenarios::SOURCES.len())])
                    .to_owned(),
            );
        }
    }
    if chance(rng, 90) {
        let i = IncidentStatus::ALL.iter().position(|s| *s == status).unwrap_or(0);
        description.push(lang.pick(scenarios::VERIFICATION[i]).to_owned());
    }

    let classification = classification(rng, sc);
    let published = match classification {
        Classification::Public => chance(rng, if status == IncidentStatus::Refuted { 20 } else { 92 }),
        Classification::Internal => chance(rng, 9),
        _ => false,
    };
    let organisation = if si == 9 && chance(rng, 60) {
        2
    } else {
        weighted(rng, &[55, 38, 7])
    };

    let incident = Incident {
        title,
        description: description.join(" "),
        occurred,
        location: place.location,
        categories,
        weapons: weapons(rng, sc, lang),
        alleged_perpetrator: perpetrator(rng, lang),
        damaged_objects,
        reported_casualties: casualties,
        status,
        published,
    };
    let witnesses = if sc.sensitive {
        0
    } else {
        [0, 1, 2, 3][weighted(rng, &[20, 40, 28, 12])]
    };
    let perpetrator = !sc.sensitive && (sc.long_running || killed > 0) && chance(rng, 6);
    Draft {
        incident,
        lang,
        settlement,
        district,
        first,
        last,
        victims,
        witnesses,
        reporter: sc.sensitive || chance(rng, 65),
        perpetrator,
        sensitive: sc.sensitive,
        classification,
        organisation,
        created_at: DOCUMENTED_BY,
    }
}

/// When an incident that ended on `last` was first documented: usually within days, sometimes
/// years later; never after [`DOCUMENTED_BY`].
pub(crate) fn documented_after(rng: &mut Rng, last: Date) -> OffsetDateTime {
    let days = match weighted(rng, &[55, 25, 15, 5]) {
        0 => rng.u32(1..=14),
        1 => rng.u32(15..=120),
        2 => rng.u32(121..=700),
        _ => rng.u32(701..=2000),
    };
    let at = add_days(last, i64::from(days)).midnight().assume_utc()
        + Duration::seconds(i64::from(rng.u32(7 * 3600..21 * 3600)));
    at.min(DOCUMENTED_BY - Duration::seconds(i64::from(rng.u32(0..86_400))))
}
