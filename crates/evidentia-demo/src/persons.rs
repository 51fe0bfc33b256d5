//! Invented people: who they are (an identity) and how one source wrote them down (a record).
//! The same identity rendered twice, in another script or spelling, is a deliberate
//! near-duplicate for the linkage to find.

use evidentia_model::person::{AgeEstimate, Civilian, InvolvementRole, PersonStatus, Sex};
use evidentia_model::{Classification, PartialDate, Person};
use fastrand::Rng;
use time::Date;

use crate::incidents::{Who, add_days, chance, weighted};
use crate::names::{FAMILY, FEMALE, MALE};
use crate::places::{self, STREETS};
use crate::text::{Lang, latin_ru, latin_uk};

/// The script (and transliteration) a source used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Uk,
    Ru,
    /// Latin transliterated from the Ukrainian form (as on passports).
    LatinUk,
    /// Latin transliterated from the Russian form (as in many international sources).
    LatinRu,
}

impl Script {
    pub(crate) fn lang(self) -> Lang {
        match self {
            Self::Uk => Lang::Uk,
            Self::Ru => Lang::Ru,
            Self::LatinUk | Self::LatinRu => Lang::En,
        }
    }

    /// The script a source writing in `lang` most likely used for a name.
    pub(crate) fn for_lang(rng: &mut Rng, lang: Lang) -> Self {
        let (scripts, weights): ([Script; 4], [u32; 4]) = (
            [Self::Uk, Self::Ru, Self::LatinUk, Self::LatinRu],
            match lang {
                Lang::En => [20, 12, 56, 12],
                Lang::Uk => [86, 4, 10, 0],
                Lang::Ru => [10, 80, 2, 8],
            },
        );
        scripts[weighted(rng, &weights)]
    }
}

/// How the name was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Full,
    /// Family name and initials only ("Ковальов О. П.").
    Initials,
}

/// One invented person, independent of how any source wrote them.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    female: bool,
    sex: Option<Sex>,
    given: usize,
    father: usize,
    family: usize,
    patronymic: bool,
    birth: Option<PartialDate>,
    age: Option<AgeEstimate>,
    residence: usize,
    pub status: PersonStatus,
    death: Option<PartialDate>,
    civilian: Civilian,
}

/// The incident a person is first documented in.
pub(crate) struct Context {
    pub role: InvolvementRole,
    pub who: Who,
    pub first: Date,
    pub last: Date,
    pub settlement: usize,
}

fn age_for(rng: &mut Rng, role: InvolvementRole, who: Who) -> u32 {
    match (who, role) {
        (Who::Child, _) => [rng.u32(0..=17), rng.u32(3..=17)][usize::from(chance(rng, 85))],
        (_, InvolvementRole::Witness | InvolvementRole::Reporter) => 20 + rng.u32(0..=30) + rng.u32(0..=25),
        (_, InvolvementRole::AllegedPerpetrator) => rng.u32(20..=50),
        (_, InvolvementRole::Detained | InvolvementRole::Missing) => 18 + rng.u32(0..=30) + rng.u32(0..=22),
        _ => 18 + rng.u32(0..=40) + rng.u32(0..=27),
    }
}

/// A date inside the period, at the precision a death certificate or a relative might give.
fn death_in(rng: &mut Rng, first: Date, last: Date) -> PartialDate {
    let span = (last - first).whole_days().max(0);
    let day = add_days(first, rng.i64(0..=span));
    if span == 0 {
        return if chance(rng, 85) {
            PartialDate::Day(day)
        } else {
            PartialDate::Month(day.year(), day.month())
        };
    }
    match weighted(rng, &[60, 28, 12]) {
        0 => PartialDate::Day(day),
        1 => PartialDate::Month(day.year(), day.month()),
        _ => PartialDate::Year(day.year()),
    }
}

fn residence_near(rng: &mut Rng, settlement: usize) -> usize {
    let all = places::settlements();
    match weighted(rng, &[75, 20, 5]) {
        0 => settlement,
        1 => {
            let district = all.get(settlement).map(|s| s.district);
            let same: Vec<usize> = (0..all.len())
                .filter(|i| all.get(*i).map(|s| s.district) == district)
                .collect();
            same.get(rng.usize(0..same.len().max(1))).copied().unwrap_or(settlement)
        }
        _ => rng.usize(0..all.len()),
    }
}

/// Someone touched by (or reporting on) an incident.
pub(crate) fn identity(rng: &mut Rng, ctx: &Context) -> Identity {
    use InvolvementRole as R;
    let female = match ctx.who {
        Who::Woman => true,
        Who::Man => false,
        Who::Child => chance(rng, 50),
        Who::Adult => match ctx.role {
            R::AllegedPerpetrator => chance(rng, 5),
            R::Detained | R::Missing => chance(rng, 25),
            R::Witness | R::Reporter => chance(rng, 60),
            _ => chance(rng, 40),
        },
    };
    let actual = if female { Sex::Female } else { Sex::Male };
    let sex = match weighted(rng, &[90, 8, 2]) {
        0 => Some(actual),
        1 => None,
        _ => Some(Sex::Unknown),
    };
    let age = age_for(rng, ctx.role, ctx.who);
    // The exact birthday, of which the record keeps what the source knew.
    let born = add_days(ctx.first, -(i64::from(age) * 36_525 / 100) - rng.i64(0..365));
    let (birth, age_estimate) = match weighted(rng, &[48, 5, 25, 15, 7]) {
        0 => (Some(PartialDate::Day(born)), None),
        1 => (Some(PartialDate::Month(born.year(), born.month())), None),
        2 => (Some(PartialDate::Year(born.year())), None),
        3 => {
            let min = u8::try_from(age.saturating_sub(rng.u32(0..=3))).unwrap_or(0);
            let max = u8::try_from((age + rng.u32(1..=5)).min(130)).unwrap_or(130);
            (None, Some(AgeEstimate { min, max }))
        }
        _ => (None, None),
    };
    let (status, death) = match ctx.role {
        R::Killed => (PersonStatus::Killed, Some(death_in(rng, ctx.first, ctx.last))),
        R::Injured => (
            [PersonStatus::Injured, PersonStatus::Alive][weighted(rng, &[80, 20])],
            None,
        ),
        R::Missing => (PersonStatus::Missing, None),
        R::Detained => (
            [PersonStatus::Detained, PersonStatus::Alive][weighted(rng, &[55, 45])],
            None,
        ),
        R::Witness | R::Reporter => (
            [PersonStatus::Alive, PersonStatus::Unknown][weighted(rng, &[92, 8])],
            None,
        ),
        R::AllegedPerpetrator => (
            [PersonStatus::Unknown, PersonStatus::Alive][weighted(rng, &[60, 40])],
            None,
        ),
    };
    let civilian_weights: [u32; 3] = match ctx.role {
        R::Killed | R::Injured => [85, 3, 12],
        R::Missing | R::Detained => [80, 0, 20],
        R::Witness | R::Reporter => [95, 0, 5],
        R::AllegedPerpetrator => [0, 75, 25],
    };
    let civilian = [Civilian::Yes, Civilian::No, Civilian::Unknown][weighted(rng, &civilian_weights)];
    Identity {
        female,
        sex,
        given: if female {
            rng.usize(0..FEMALE.len())
        } else {
            rng.usize(0..MALE.len())
        },
        father: rng.usize(0..MALE.len()),
        family: rng.usize(0..FAMILY.len()),
        patronymic: chance(rng, 85),
        birth,
        age: age_estimate,
        residence: residence_near(rng, ctx.settlement),
        status,
        death,
        civilian,
    }
}

impl Identity {
    /// Whether this person can later be a witness or reporter of another incident.
    pub(crate) fn can_testify(&self) -> bool {
        matches!(
            self.status,
            PersonStatus::Alive | PersonStatus::Injured | PersonStatus::Unknown
        )
    }

    pub(crate) fn district(&self) -> usize {
        places::settlements().get(self.residence).map_or(0, places::district_of)
    }

    /// The same person as another source recorded them: a coarser birth date, perhaps no sex.
    pub(crate) fn as_seen_elsewhere(&self, rng: &mut Rng) -> Identity {
        let mut other = self.clone();
        if let Some(PartialDate::Day(d)) = self.birth
            && chance(rng, 40)
        {
            other.birth = Some(PartialDate::Year(d.year()));
        }
        if let Some(PartialDate::Day(d)) = self.death
            && chance(rng, 30)
        {
            other.death = Some(PartialDate::Month(d.year(), d.month()));
        }
        if chance(rng, 20) {
            other.sex = None;
        }
        if chance(rng, 30) {
            other.patronymic = !self.patronymic;
        }
        other
    }
}

/// The script and style of a second record of someone first recorded in `base`.
pub(crate) fn other_spelling(rng: &mut Rng, base: Script) -> (Script, Style) {
    use Script::{LatinRu, LatinUk, Ru, Uk};
    if chance(rng, 15) {
        return (base, Style::Initials);
    }
    let (scripts, weights) = match base {
        Uk => ([Ru, LatinUk, LatinRu], [40, 35, 25]),
        Ru => ([Uk, LatinRu, LatinUk], [40, 35, 25]),
        LatinUk => ([Uk, Ru, LatinRu], [50, 30, 20]),
        LatinRu => ([Ru, Uk, LatinUk], [50, 30, 20]),
    };
    (scripts[weighted(rng, &weights)], Style::Full)
}

fn initial(name: &str) -> String {
    name.chars().next().map(|c| format!("{c}.")).unwrap_or_default()
}

/// The person as a source in `script` wrote them down.
pub(crate) fn render(rng: &mut Rng, id: &Identity, script: Script, style: Style) -> Person {
    let given = if id.female {
        FEMALE.get(id.given).map(|g| [g[0], g[1]])
    } else {
        MALE.get(id.given).map(|g| [g[0], g[1]])
    }
    .unwrap_or(["Олена", "Елена"]);
    let father = MALE.get(id.father).copied().unwrap_or(MALE[0]);
    let patronymic = if id.female {
        [father[3], father[5]]
    } else {
        [father[2], father[4]]
    };
    let family = FAMILY.get(id.family).copied().unwrap_or(FAMILY[0]);
    let family = if id.female {
        [family[1], family[3]]
    } else {
        [family[0], family[2]]
    };
    let form = |pair: [&str; 2]| -> String {
        match script {
            Script::Uk => pair[0].to_owned(),
            Script::Ru => pair[1].to_owned(),
            Script::LatinUk => latin_uk(pair[0]),
            Script::LatinRu => latin_ru(pair[1]),
        }
    };
    let (g, p, f) = (form(given), form(patronymic), form(family));
    let latin = matches!(script, Script::LatinUk | Script::LatinRu);
    // The structured fields hold what the source wrote, so the patronymic is there only when
    // the written name has it.
    let (given_name, patronymic, name_original) = match style {
        Style::Initials => {
            let initials = if id.patronymic {
                format!("{} {}", initial(&g), initial(&p))
            } else {
                initial(&g)
            };
            (None, None, format!("{f} {initials}"))
        }
        Style::Full if latin => {
            if id.patronymic && chance(rng, 35) {
                let original = format!("{g} {p} {f}");
                (Some(g), Some(p), original)
            } else if chance(rng, 35) {
                let original = format!("{} {g}", f.to_uppercase());
                (Some(g), None, original)
            } else {
                let original = format!("{g} {f}");
                (Some(g), None, original)
            }
        }
        Style::Full => match (id.patronymic, weighted(rng, &[50, 35, 15])) {
            (true, 0) => {
                let original = format!("{f} {g} {p}");
                (Some(g), Some(p), original)
            }
            (true, 1) => {
                let original = format!("{g} {p} {f}");
                (Some(g), Some(p), original)
            }
            (false, 0) => {
                let original = format!("{f} {g}");
                (Some(g), None, original)
            }
            _ => {
                let original = format!("{g} {f}");
                (Some(g), None, original)
            }
        },
    };

    let settlement = places::settlements().get(id.residence);
    let residence = settlement.map(|s| {
        let name = match script {
            Script::Uk => s.uk,
            Script::Ru => s.ru,
            Script::LatinUk | Script::LatinRu => s.latin,
        };
        if chance(rng, 15) {
            let d = places::districts().get(places::district_of(s));
            let district = d.map(|d| script.lang().pick([d.latin, d.uk, d.ru])).unwrap_or_default();
            format!("{name}, {district}")
        } else {
            name.to_owned()
        }
    });

    Person {
        given_name,
        family_name: Some(f),
        patronymic,
        name_original: Some(name_original),
        sex: id.sex,
        birth_date: id.birth,
        age_estimate: id.age,
        residence,
        status: id.status,
        death_date: id.death,
        civilian: id.civilian,
        contacts: None,
        published: false,
        merged_into: None,
    }
}

/// Fictional contact details: the `+999` country calling code is not assigned to any country.
pub(crate) fn contacts(rng: &mut Rng, lang: Lang) -> String {
    let phone = format!(
        "+999 {:02} {:03} {:02} {:02}",
        rng.u32(10..100),
        rng.u32(0..1000),
        rng.u32(0..100),
        rng.u32(0..100)
    );
    let mut s = match lang {
        Lang::En => format!("phone {phone}"),
        Lang::Uk | Lang::Ru => format!("тел. {phone}"),
    };
    if chance(rng, 30) {
        let street = lang.pick(STREETS[rng.usize(0..STREETS.len())]);
        let n = rng.u32(1..90);
        s.push_str(&match lang {
            Lang::En => format!("; address: {n} {street}"),
            Lang::Uk => format!("; адреса: {street}, {n}"),
            Lang::Ru => format!("; адрес: {street}, {n}"),
        });
    }
    s
}

/// A short note on an involvement, sometimes.
pub(crate) fn note(rng: &mut Rng, role: InvolvementRole, status: PersonStatus, lang: Lang) -> Option<String> {
    use InvolvementRole as R;
    if !chance(rng, 25) {
        return None;
    }
    let options: &[[&str; 3]] = match role {
        R::Killed => &[
            [
                "Identified by relatives.",
                "Особу встановлено родичами.",
                "Личность установлена родственниками.",
            ],
            [
                "Death certificate seen by monitors.",
                "Свідоцтво про смерть переглянуто моніторами.",
                "Свидетельство о смерти просмотрено мониторами.",
            ],
        ],
        R::Injured => &[
            [
                "Treated at the district hospital.",
                "Лікування в районній лікарні.",
                "Лечение в районной больнице.",
            ],
            ["Shrapnel wounds.", "Осколкові поранення.", "Осколочные ранения."],
        ],
        R::Missing => &[
            [
                "Last seen at home.",
                "Востаннє бачили вдома.",
                "В последний раз видели дома.",
            ],
            [
                "Relatives have submitted a search request.",
                "Родичі подали запит на розшук.",
                "Родственники подали запрос на розыск.",
            ],
        ],
        R::Detained if status == PersonStatus::Detained => &[[
            "Place of detention unknown.",
            "Місце утримання невідоме.",
            "Место содержания неизвестно.",
        ]],
        R::Detained => &[[
            "Released after several days.",
            "Звільнення через кілька днів.",
            "Освобождение через несколько дней.",
        ]],
        R::Witness => &[
            [
                "Eyewitness; interviewed in person.",
                "Очевидець; опитування проведено особисто.",
                "Очевидец; опрос проведён лично.",
            ],
            [
                "Heard the explosions from a neighbouring house.",
                "Чути вибухи було із сусіднього будинку.",
                "Взрывы были слышны из соседнего дома.",
            ],
            [
                "Interviewed by telephone.",
                "Опитування телефоном.",
                "Опрос по телефону.",
            ],
        ],
        R::Reporter => &[
            [
                "Relative of a victim; reported by telephone.",
                "Родич постраждалої особи; повідомлення телефоном.",
                "Родственник пострадавшего лица; сообщение по телефону.",
            ],
            [
                "Member of the local council.",
                "Депутат місцевої ради.",
                "Депутат местного совета.",
            ],
            ["Local volunteer.", "Місцевий волонтер.", "Местный волонтёр."],
        ],
        R::AllegedPerpetrator => &[[
            "Named by two witnesses; identity not confirmed.",
            "Ім'я назвали двоє свідків; особу не підтверджено.",
            "Имя назвали двое свидетелей; личность не подтверждена.",
        ]],
    };
    options
        .get(rng.usize(0..options.len()))
        .map(|o| lang.pick(*o).to_owned())
}

/// How widely a person's record may be read, given their part in the incident.
pub(crate) fn classification(
    rng: &mut Rng,
    role: InvolvementRole,
    sensitive: bool,
    has_contacts: bool,
) -> Classification {
    use InvolvementRole as R;
    let weights: [u32; 4] = if sensitive {
        [0, 0, 0, 1]
    } else if has_contacts {
        [0, 0, 75, 25]
    } else {
        match role {
            R::Killed => [35, 57, 8, 0],
            R::Missing => [25, 60, 15, 0],
            R::Injured => [10, 76, 14, 0],
            R::Detained => [0, 55, 33, 12],
            R::Witness | R::Reporter => [0, 72, 22, 6],
            R::AllegedPerpetrator => [0, 0, 60, 40],
        }
    };
    Classification::ALL[weighted(rng, &weights)]
}

/// A person without an incident, for the endless stream.
pub(crate) fn standalone(rng: &mut Rng) -> (Identity, Script) {
    use InvolvementRole as R;
    let role = [R::Killed, R::Injured, R::Missing, R::Detained, R::Witness, R::Reporter]
        [weighted(rng, &[20, 18, 14, 8, 30, 10])];
    let day = crate::incidents::sample_day(rng);
    let who = if chance(rng, 8) { Who::Child } else { Who::Adult };
    let settlement = rng.usize(0..places::settlements().len());
    let ctx = Context {
        role,
        who,
        first: day,
        last: day,
        settlement,
    };
    let id = identity(rng, &ctx);
    let script = [Script::Uk, Script::Ru, Script::LatinUk, Script::LatinRu][weighted(rng, &[45, 30, 20, 5])];
    (id, script)
}
