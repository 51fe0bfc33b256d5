//! Ground truth for measuring linkage: a fictional population and several overlapping lists of it,
//! deterministic from a seed.
//!
//! Persons have Ukrainian-, Russian- or Belarusian-style names: given names from the name groups of
//! [`crate::key::NameGroups`], family names invented from common word stems and surname suffixes
//! (no list of real persons is used), fictional settlements. Each list writes names its own way —
//! Ukrainian or Russian Cyrillic with the language's name forms, or Latin through one of the
//! [`crate::translit`] tables or informally — and adds the noise real lists have: typos, Latin
//! look-alike letters in Cyrillic, swapped given and family names, diminutives, masculine family
//! names for women, patronymics missing, dates partial, swapped, off by a year or replaced by an
//! age, missing fields, and the same person twice in one list.

use std::io::{self, Write};

use crate::key::NameGroups;
use crate::linker::SplitMix;
use crate::record::PersonRecord;
use crate::translit::{System, informal_variant};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Number of records over all lists.
    pub records: usize,
    pub seed: u64,
    /// The year the lists were made (ages are given as of this year).
    pub reference_year: i32,
}

impl Config {
    #[must_use]
    pub fn new(records: usize, seed: u64) -> Config {
        Config {
            records,
            seed,
            reference_year: 2025,
        }
    }
}

/// Generated lists: records (shuffled, ids `r0000001`...) and, for each, its person.
#[derive(Debug, Clone, Default)]
pub struct Simulated {
    pub records: Vec<PersonRecord>,
    /// `(record_id, entity_id)`, in the order of `records`.
    pub truth: Vec<(String, String)>,
}

/// Word stems of fictional family names.
const STEMS: &[&str] = &[
    "Бондар",
    "Коваль",
    "Мельник",
    "Ткач",
    "Гончар",
    "Пасічник",
    "Рибак",
    "Кушнір",
    "Лисак",
    "Вовк",
    "Сокол",
    "Ворон",
    "Дуб",
    "Клен",
    "Явір",
    "Мороз",
    "Грім",
    "Гайдук",
    "Козак",
    "Литвин",
    "Волох",
    "Шум",
    "Ярош",
    "Остап",
    "Демид",
    "Харчук",
    "Щерб",
    "Цвіт",
    "Зорян",
    "Шпак",
    "Жук",
    "Їжак",
    "Бойк",
    "Гребін",
    "Чумак",
    "Бабич",
    "Тесл",
    "Кожух",
    "Пилип",
    "Сидор",
    "Карп",
    "Мирон",
    "Тарас",
    "Гнат",
    "Юрчак",
    "Федор",
    "Сав",
    "Степан",
    "Кравч",
    "Швец",
    "Писар",
    "Дяк",
    "Паламар",
    "Стрілець",
    "Кушнар",
    "Олійник",
    "Пекар",
    "Скляр",
    "Бортник",
    "Лозин",
    "Верб",
    "Березан",
    "Калин",
    "Горобець",
    "Соловей",
    "Журавель",
    "Снігур",
    "Голуб",
    "Ластів",
    "Чайк",
    "Шуляк",
    "Кобзар",
    "Лірник",
    "Сопілк",
    "Бандур",
    "Цимбал",
    "Гусл",
    "Дзвін",
    "Звонар",
    "Дегтяр",
    "Смолян",
    "Вугляр",
    "Рудак",
    "Білан",
    "Чорнух",
    "Сірик",
    "Зеленюк",
    "Синиця",
    "Рожен",
    "Яцун",
    "Ємець",
    "Юхн",
    "Щуплак",
    "Ґудз",
    "Цюп",
    "Хом",
    "Хвед",
    "Влас",
    "Зінч",
    "Марчен",
    "Левк",
    "Онуфр",
    "Прокоп",
    "Гаврил",
    "Оверк",
    "Кирил",
];

/// Syllables of invented family-name stems, so that the population has as many distinct family
/// names as a real one (a few hundred thousand), not a few thousand.
const ONSETS: &[&str] = &[
    "Бо", "Ва", "Гри", "Да", "Же", "Зо", "Ка", "Ле", "Ми", "На", "Ос", "Па", "Ро", "Са", "Те", "Фе", "Ха", "Це", "Ча",
    "Ша", "Ю", "Я", "Бі", "Ві", "Го", "Ду", "Єр", "Жу", "Кі", "Ло", "Му", "Не", "Ор", "Пі", "Ру", "Сі", "Ту", "Ус",
];
const MIDDLES: &[&str] = &["р", "л", "н", "в", "с", "к", "д", "т", "м", "ш", "рд", "ст", "вч", "зн"];
const VOWELS: &[&str] = &["а", "о", "е", "и", "у", "і"];
const CODAS: &[&str] = &["л", "н", "к", "р", "ч", "ш", "д", "с", "м", "щ"];

fn stem(index: usize) -> String {
    if let Some(word) = STEMS.get(index) {
        return (*word).to_owned();
    }
    let mut i = index - STEMS.len();
    let mut take = |parts: &[&'static str]| {
        let part = parts.get(i % parts.len()).copied().unwrap_or("");
        i /= parts.len();
        part
    };
    let (onset, middle, vowel, coda) = (take(ONSETS), take(MIDDLES), take(VOWELS), take(CODAS));
    format!("{onset}{middle}{vowel}{coda}")
}

fn stem_count() -> usize {
    STEMS.len() + ONSETS.len() * MIDDLES.len() * VOWELS.len() * CODAS.len()
}

/// Surname suffixes: `(masculine, feminine)` in Ukrainian spelling.
const SUFFIXES: &[(&str, &str)] = &[
    ("енко", "енко"),
    ("енко", "енко"),
    ("енко", "енко"),
    ("чук", "чук"),
    ("ук", "ук"),
    ("ський", "ська"),
    ("ов", "ова"),
    ("ін", "іна"),
    ("ич", "ич"),
    ("ко", "ко"),
    ("", ""),
    ("як", "як"),
    ("ишин", "ишина"),
];

/// Parts of fictional settlement names.
const PLACE_HEADS: &[&str] = &[
    "Тихо",
    "Ясно",
    "Срібно",
    "Липово",
    "Вишнево",
    "Соняшно",
    "Тополино",
    "Калинно",
    "Верболо",
    "Медово",
    "Волошково",
    "Ромашко",
    "Журавлино",
    "Очеретно",
    "Вербно",
];
const PLACE_TAILS: &[&str] = &["річчя", "броди", "лужжя", "пілля", "долина", "гай", "ставки", "озерці"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Uk,
    Ru,
    Be,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Cyrillic in the person's language (a Ukrainian list writes Ukrainian forms).
    CyrillicUk,
    CyrillicRu,
    /// Latin by an official table chosen by the person's language.
    Passport,
    OldPassport,
    Bgn,
    Gost,
    English,
}

/// One list and its habits.
struct Source {
    script: Script,
    coverage: f64,
    typo: f64,
    diminutive: f64,
    patronymic: f64,
    full_date: f64,
    age_instead: f64,
    swap_names: f64,
    look_alikes: f64,
    dotted_dates: bool,
}

const SOURCES: &[Source] = &[
    Source {
        script: Script::CyrillicUk,
        coverage: 0.5,
        typo: 0.03,
        diminutive: 0.02,
        patronymic: 0.9,
        full_date: 0.8,
        age_instead: 0.05,
        swap_names: 0.01,
        look_alikes: 0.02,
        dotted_dates: true,
    },
    Source {
        script: Script::CyrillicRu,
        coverage: 0.35,
        typo: 0.05,
        diminutive: 0.03,
        patronymic: 0.8,
        full_date: 0.7,
        age_instead: 0.1,
        swap_names: 0.02,
        look_alikes: 0.02,
        dotted_dates: true,
    },
    Source {
        script: Script::Passport,
        coverage: 0.3,
        typo: 0.02,
        diminutive: 0.0,
        patronymic: 0.1,
        full_date: 0.9,
        age_instead: 0.0,
        swap_names: 0.03,
        look_alikes: 0.0,
        dotted_dates: false,
    },
    Source {
        script: Script::English,
        coverage: 0.2,
        typo: 0.08,
        diminutive: 0.25,
        patronymic: 0.05,
        full_date: 0.3,
        age_instead: 0.6,
        swap_names: 0.05,
        look_alikes: 0.0,
        dotted_dates: false,
    },
    Source {
        script: Script::OldPassport,
        coverage: 0.15,
        typo: 0.03,
        diminutive: 0.0,
        patronymic: 0.2,
        full_date: 0.85,
        age_instead: 0.0,
        swap_names: 0.02,
        look_alikes: 0.0,
        dotted_dates: false,
    },
    Source {
        script: Script::Bgn,
        coverage: 0.1,
        typo: 0.04,
        diminutive: 0.05,
        patronymic: 0.3,
        full_date: 0.6,
        age_instead: 0.2,
        swap_names: 0.02,
        look_alikes: 0.0,
        dotted_dates: false,
    },
    Source {
        script: Script::Gost,
        coverage: 0.05,
        typo: 0.03,
        diminutive: 0.0,
        patronymic: 0.7,
        full_date: 0.8,
        age_instead: 0.0,
        swap_names: 0.01,
        look_alikes: 0.0,
        dotted_dates: true,
    },
    Source {
        script: Script::CyrillicUk,
        coverage: 0.2,
        typo: 0.12,
        diminutive: 0.15,
        patronymic: 0.5,
        full_date: 0.5,
        age_instead: 0.3,
        swap_names: 0.05,
        look_alikes: 0.25,
        dotted_dates: true,
    },
];

struct Person {
    lang: Lang,
    female: bool,
    group: u32,
    father: u32,
    stem: usize,
    suffix: usize,
    year: u16,
    month: u8,
    day: u8,
    place: usize,
}

struct Rng(SplitMix);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.0.below(n as u64)).unwrap_or(0)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.0.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    /// Zipf-like choice among `n`: low indices are much more common.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.0.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0)
            .floor()
            .clamp(0.0, (n.saturating_sub(1)) as f64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Generates the lists.
#[must_use]
pub fn generate(config: &Config) -> Simulated {
    let groups = NameGroups::builtin();
    let mut rng = Rng(SplitMix(config.seed ^ 0x5eed_11a7_a6e0_0001));
    let male: Vec<u32> = (0..groups.len() as u32)
        .filter(|&g| groups.forms(g).is_some_and(|f| f.uk[0].is_some() && f.ru[0].is_some()))
        .collect();
    let female: Vec<u32> = (0..groups.len() as u32)
        .filter(|&g| groups.forms(g).is_some_and(|f| f.uk[1].is_some() && f.ru[1].is_some()))
        .collect();
    let mut records: Vec<(PersonRecord, usize)> = Vec::with_capacity(config.records + 16);
    let mut entity = 0usize;
    while records.len() < config.records {
        let person = new_person(&mut rng, &male, &female);
        let mut appeared = false;
        for (si, source) in SOURCES.iter().enumerate() {
            let times = if rng.chance(source.coverage) {
                if rng.chance(0.04) { 2 } else { 1 }
            } else {
                0
            };
            for _ in 0..times {
                records.push((write_record(&mut rng, &person, source, groups, config), entity));
                appeared = true;
            }
            if !appeared && si + 1 == SOURCES.len() {
                let any = rng.below(SOURCES.len());
                if let Some(source) = SOURCES.get(any) {
                    records.push((write_record(&mut rng, &person, source, groups, config), entity));
                }
            }
        }
        entity += 1;
    }
    records.truncate(config.records);
    // Shuffle so that a list's order says nothing about who is who.
    for i in (1..records.len()).rev() {
        let j = rng.below(i + 1);
        records.swap(i, j);
    }
    let mut out = Simulated::default();
    for (i, (mut record, entity)) in records.into_iter().enumerate() {
        record.record_id = format!("r{:07}", i + 1);
        out.truth.push((record.record_id.clone(), format!("e{entity:07}")));
        out.records.push(record);
    }
    out
}

fn new_person(rng: &mut Rng, male: &[u32], female: &[u32]) -> Person {
    let female_person = rng.chance(0.5);
    let pool = if female_person { female } else { male };
    let group = pool.get(rng.skewed(pool.len())).copied().unwrap_or(0);
    let father = male.get(rng.skewed(male.len())).copied().unwrap_or(0);
    let lang = match rng.below(10) {
        0..=5 => Lang::Uk,
        6..=8 => Lang::Ru,
        _ => Lang::Be,
    };
    Person {
        lang,
        female: female_person,
        group,
        father,
        stem: if rng.chance(0.3) {
            rng.below(STEMS.len())
        } else {
            STEMS.len() + rng.below(stem_count() - STEMS.len())
        },
        suffix: rng.below(SUFFIXES.len()),
        year: 1935 + u16::try_from(rng.below(86)).unwrap_or(0),
        month: 1 + u8::try_from(rng.below(12)).unwrap_or(0),
        day: 1 + u8::try_from(rng.below(28)).unwrap_or(0),
        place: rng.skewed(PLACE_HEADS.len() * PLACE_TAILS.len()),
    }
}

/// The language a list writes a person's names in.
fn written_lang(script: Script, person: &Person) -> Lang {
    match script {
        Script::CyrillicUk => {
            if person.lang == Lang::Ru {
                Lang::Ru
            } else {
                Lang::Uk
            }
        }
        Script::CyrillicRu => Lang::Ru,
        _ => person.lang,
    }
}

fn given_form(groups: &NameGroups, group: u32, lang: Lang, female: bool) -> String {
    let Some(forms) = groups.forms(group) else {
        return String::new();
    };
    let sex = usize::from(female);
    let pick = |pair: &[Option<String>; 2]| pair.get(sex).cloned().flatten();
    let first = match lang {
        Lang::Uk => pick(&forms.uk),
        Lang::Ru => pick(&forms.ru),
        Lang::Be => pick(&forms.be),
    };
    first
        .or_else(|| pick(&forms.uk))
        .or_else(|| pick(&forms.ru))
        .unwrap_or_default()
}

fn family_form(person: &Person, lang: Lang, feminine: bool) -> String {
    let stem = stem(person.stem);
    let (m, f) = SUFFIXES.get(person.suffix).copied().unwrap_or(("енко", "енко"));
    let uk = format!("{stem}{}", if feminine { f } else { m });
    match lang {
        Lang::Uk => uk,
        Lang::Ru | Lang::Be => russify(&uk, lang),
    }
}

/// Ukrainian spelling rendered as Russian (or roughly Belarusian) spelling.
fn russify(uk: &str, lang: Lang) -> String {
    let mut s: String = uk
        .chars()
        .map(|c| match c {
            'і' if lang == Lang::Ru => 'и',
            'І' if lang == Lang::Ru => 'И',
            'и' if lang == Lang::Be => 'і',
            'ї' => 'и',
            'Ї' => 'И',
            'є' => 'е',
            'Є' => 'Е',
            'ґ' => 'г',
            'Ґ' => 'Г',
            c => c,
        })
        .collect();
    for (from, to) in [("ський", "ский"), ("ська", "ская"), ("цький", "цкий"), ("ькa", "ка")]
    {
        if let Some(stem) = s.strip_suffix(from) {
            s = format!("{stem}{to}");
        }
    }
    if lang == Lang::Be {
        s = s.replace("ский", "скі");
    }
    s
}

fn patronymic_form(groups: &NameGroups, father: u32, lang: Lang, female: bool) -> String {
    let name = given_form(groups, father, lang, false).replace('ё', "е");
    let ends = |s: &str| name.ends_with(s);
    let cut = |n: usize| {
        name.chars()
            .take(name.chars().count().saturating_sub(n))
            .collect::<String>()
    };
    match lang {
        Lang::Uk => {
            if ends("ій") || ends("ай") || ends("ей") {
                format!("{}{}", cut(1), if female { "ївна" } else { "йович" })
            } else if ends("о") {
                format!("{}{}", cut(1), if female { "івна" } else { "ович" })
            } else if ends("а") || ends("я") {
                format!("{name}{}", if female { "ївна" } else { "йович" })
            } else if ends("ь") {
                format!("{}{}", cut(1), if female { "івна" } else { "ьович" })
            } else {
                format!("{name}{}", if female { "івна" } else { "ович" })
            }
        }
        Lang::Ru | Lang::Be => {
            if ends("ий") {
                format!("{}{}", cut(2), if female { "ьевна" } else { "ьевич" })
            } else if ends("й") || ends("ь") {
                format!("{}{}", cut(1), if female { "евна" } else { "евич" })
            } else if ends("а") || ends("я") {
                format!("{}{}", cut(1), if female { "ична" } else { "ич" })
            } else {
                format!("{name}{}", if female { "овна" } else { "ович" })
            }
        }
    }
}

fn latin_system(script: Script, lang: Lang, rng: &mut Rng) -> Option<System> {
    Some(match (script, lang) {
        (Script::Passport, Lang::Uk) => System::Ua2010,
        (Script::Passport, _) => System::RuIcao2013,
        (Script::OldPassport, Lang::Uk) => System::UaPassport2007,
        (Script::OldPassport, _) => System::RuPassport2010,
        (Script::Bgn, Lang::Uk) => System::BgnPcgnUa,
        (Script::Bgn, Lang::Ru) => System::BgnPcgnRu,
        (Script::Bgn, Lang::Be) => System::BgnPcgnBe,
        (Script::Gost, Lang::Uk) => System::Gost779BUa,
        (Script::Gost, _) => System::Gost779BRu,
        (Script::English, Lang::Uk) => {
            if rng.chance(0.5) {
                System::Ua2010
            } else {
                System::English
            }
        }
        (Script::English, _) => System::English,
        (Script::CyrillicUk | Script::CyrillicRu, _) => return None,
    })
}

fn write_record(rng: &mut Rng, person: &Person, source: &Source, groups: &NameGroups, config: &Config) -> PersonRecord {
    let lang = written_lang(source.script, person);
    let system = latin_system(source.script, lang, rng);
    let latin = |rng: &mut Rng, s: &str| -> String {
        match system {
            None => s.to_owned(),
            Some(System::English) => informal_variant(&System::English.transliterate(s), rng.0.next() & 0x3ff),
            Some(t) => t.transliterate(s),
        }
    };
    // Given name: the language's form, a diminutive, or (English lists) the English form.
    let forms = groups.forms(person.group);
    let mut given = given_form(groups, person.group, lang, person.female);
    if rng.chance(source.diminutive)
        && let Some(forms) = forms
    {
        let cyrillic = system.is_none();
        let fitting: Vec<&String> = forms
            .diminutives
            .iter()
            .filter(|d| d.chars().next().is_some_and(|c| c.is_ascii()) != cyrillic)
            .collect();
        if let Some(d) = rng.pick(&fitting) {
            given = (*d).clone();
        }
    } else if source.script == Script::English
        && rng.chance(0.3)
        && let Some(en) = forms.and_then(|f| f.en.get(usize::from(person.female)).cloned().flatten())
    {
        given = en;
    }
    if !given.chars().next().is_some_and(|c| c.is_ascii()) {
        given = latin(rng, &given);
    }
    // Family name: Latin lists often drop the feminine ending.
    let feminine = person.female && !(system.is_some() && rng.chance(0.15));
    let mut family = latin(rng, &family_form(person, lang, feminine));
    let mut patronymic = if rng.chance(source.patronymic) {
        latin(rng, &patronymic_form(groups, person.father, lang, person.female))
    } else {
        String::new()
    };
    for field in [&mut given, &mut family, &mut patronymic] {
        if rng.chance(source.typo) {
            *field = typo(rng, field);
        }
        if rng.chance(source.look_alikes) {
            *field = look_alikes(field);
        }
    }
    if rng.chance(source.swap_names) {
        std::mem::swap(&mut given, &mut family);
    }
    if system.is_some() && matches!(source.script, Script::Passport | Script::OldPassport) && rng.chance(0.5) {
        given = given.to_uppercase();
        family = family.to_uppercase();
    }
    // Dates.
    let (mut year, mut month, mut day) = (person.year, person.month, person.day);
    if rng.chance(0.03) {
        std::mem::swap(&mut month, &mut day);
    }
    if rng.chance(0.02) {
        year = if rng.chance(0.5) { year + 1 } else { year - 1 };
    }
    if rng.chance(0.02) {
        day = 1 + u8::try_from(rng.below(28)).unwrap_or(0);
    }
    let mut birth_date = String::new();
    let mut age = String::new();
    if rng.chance(source.age_instead) {
        let years = config.reference_year - i32::from(person.year) - i32::from(rng.chance(0.5));
        age = years.max(0).to_string();
    } else if rng.chance(source.full_date) {
        birth_date = if source.dotted_dates && rng.chance(0.6) {
            format!("{day:02}.{month:02}.{year}")
        } else {
            format!("{year}-{month:02}-{day:02}")
        };
    } else if rng.chance(0.5) {
        birth_date = year.to_string();
    } else if rng.chance(0.3) {
        birth_date = format!("{year}-{month:02}");
    } else if rng.chance(0.2) {
        birth_date = "0000-00-00".to_owned();
    }
    let sex = if rng.chance(0.3) {
        String::new()
    } else {
        match (system.is_some(), person.female) {
            (true, false) => "M",
            (true, true) => "F",
            (false, false) => "ч",
            (false, true) => "ж",
        }
        .to_owned()
    };
    let residence = if rng.chance(0.3) {
        String::new()
    } else {
        let place = if rng.chance(0.05) {
            rng.below(PLACE_HEADS.len() * PLACE_TAILS.len())
        } else {
            person.place
        };
        let head = PLACE_HEADS.get(place % PLACE_HEADS.len()).copied().unwrap_or("Тихо");
        let tail = PLACE_TAILS
            .get(place / PLACE_HEADS.len() % PLACE_TAILS.len())
            .copied()
            .unwrap_or("річчя");
        let name = format!("{head}{tail}");
        let name = if lang == Lang::Uk { name } else { russify(&name, lang) };
        latin(rng, &name)
    };
    PersonRecord {
        record_id: String::new(),
        given_name: given,
        family_name: family,
        patronymic,
        birth_date,
        age,
        sex,
        residence,
    }
}

/// One keyboard-style error: a letter replaced by another of the same script, dropped, doubled, or
/// two letters swapped.
fn typo(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 3 {
        return s.to_owned();
    }
    let i = 1 + rng.below(chars.len() - 1);
    match rng.below(4) {
        0 => {
            let cyrillic = chars.iter().any(|c| ('\u{400}'..='\u{4ff}').contains(c));
            let pool: Vec<char> = if cyrillic {
                "абвгдежзиклмнопрстуфхцчшщьюяіїє".chars().collect()
            } else {
                "abcdefghijklmnopqrstuvwxyz".chars().collect()
            };
            if let (Some(slot), Some(&c)) = (chars.get_mut(i), rng.pick(&pool)) {
                *slot = c;
            }
        }
        1 => {
            chars.remove(i);
        }
        2 => {
            if let Some(&c) = chars.get(i) {
                chars.insert(i, c);
            }
        }
        _ => {
            chars.swap(i - 1, i);
        }
    }
    chars.into_iter().collect()
}

/// Cyrillic letters replaced by their Latin look-alikes, as keyboard switching and OCR leave them.
fn look_alikes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'о' => 'o',
            'а' => 'a',
            'е' => 'e',
            'р' => 'p',
            'с' => 'c',
            'х' => 'x',
            'і' => 'i',
            c => c,
        })
        .collect()
}

/// Writes one CSV field, quoted when needed.
fn field(out: &mut impl Write, value: &str) -> io::Result<()> {
    if value.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", value.replace('"', "\"\""))
    } else {
        out.write_all(value.as_bytes())
    }
}

/// Writes the records as CSV: `record_id,given_name,family_name,patronymic,birth_date,age,sex,residence`.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_records_csv(records: &[PersonRecord], mut out: impl Write) -> io::Result<()> {
    out.write_all(b"record_id,given_name,family_name,patronymic,birth_date,age,sex,residence\n")?;
    for r in records {
        for (i, v) in [
            &r.record_id,
            &r.given_name,
            &r.family_name,
            &r.patronymic,
            &r.birth_date,
            &r.age,
            &r.sex,
            &r.residence,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                out.write_all(b",")?;
            }
            field(&mut out, v)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Writes the truth as CSV: `record_id,entity_id`.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_truth_csv(truth: &[(String, String)], mut out: impl Write) -> io::Result<()> {
    out.write_all(b"record_id,entity_id\n")?;
    for (record, entity) in truth {
        field(&mut out, record)?;
        out.write_all(b",")?;
        field(&mut out, entity)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_lists() {
        let a = generate(&Config::new(500, 7));
        let b = generate(&Config::new(500, 7));
        let c = generate(&Config::new(500, 8));
        assert_eq!(a.records, b.records);
        assert_eq!(a.truth, b.truth);
        assert_ne!(a.records, c.records);
        assert_eq!(a.records.len(), 500);
    }

    #[test]
    fn lists_overlap_and_mix_scripts() {
        let sim = generate(&Config::new(2000, 1));
        let mut entities: Vec<&str> = sim.truth.iter().map(|(_, e)| e.as_str()).collect();
        entities.sort_unstable();
        entities.dedup();
        assert!(
            entities.len() < 1500 && entities.len() > 600,
            "{} entities",
            entities.len()
        );
        let cyrillic = sim
            .records
            .iter()
            .filter(|r| r.family_name.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)));
        let n = cyrillic.count();
        assert!(n > 400 && n < 1700, "{n} Cyrillic");
        assert!(sim.records.iter().any(|r| r.birth_date.contains('.')));
        assert!(sim.records.iter().any(|r| !r.age.is_empty()));
        assert!(sim.records.iter().any(|r| r.patronymic.is_empty()));
    }

    #[test]
    fn patronymics_are_formed_by_language() {
        let groups = NameGroups::builtin();
        let find = |name: &str| {
            (0..groups.len() as u32)
                .find(|&g| groups.forms(g).is_some_and(|f| f.uk[0].as_deref() == Some(name)))
                .unwrap_or(u32::MAX)
        };
        assert_eq!(patronymic_form(groups, find("Сергій"), Lang::Uk, true), "Сергіївна");
        assert_eq!(patronymic_form(groups, find("Сергій"), Lang::Ru, false), "Сергеевич");
        assert_eq!(patronymic_form(groups, find("Петро"), Lang::Uk, false), "Петрович");
        assert_eq!(patronymic_form(groups, find("Петро"), Lang::Ru, true), "Петровна");
        assert_eq!(patronymic_form(groups, find("Юрій"), Lang::Ru, false), "Юрьевич");
        assert_eq!(patronymic_form(groups, find("Микола"), Lang::Uk, false), "Миколайович");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() -> io::Result<()> {
        let records = vec![PersonRecord {
            record_id: "r1".into(),
            given_name: "Anna, \"Ania\"".into(),
            ..PersonRecord::default()
        }];
        let mut out = Vec::new();
        write_records_csv(&records, &mut out)?;
        let text = String::from_utf8_lossy(&out);
        assert!(text.ends_with("r1,\"Anna, \"\"Ania\"\"\",,,,,,\n"), "{text}");
        Ok(())
    }
}
