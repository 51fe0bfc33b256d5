//! The statistics report and the briefing, as documents (render them with [`crate::html::render`]
//! or [`crate::pdf::render`]).

use std::borrow::Borrow;

use evidentia_model::incident::IncidentStatus;
use evidentia_model::vocab::{DAMAGED_OBJECT_TYPE, INCIDENT_CATEGORY, WEAPON_TYPE};
use evidentia_model::{Incident, Involvement, Person, Vocabularies};
use uuid::Uuid;

use crate::Language;
use crate::chart::{MapPoint, bar_chart, map, month_line_chart};
use crate::dates::format_period;
use crate::doc::{Block, Document, Table};
use crate::stats::{Dimension, Filter, Range, Row, Summary, summary_with_events};

/// Words of the reports in each language.
#[derive(Clone, Copy)]
enum Word {
    Incidents,
    DocumentedPersons,
    Period,
    Region,
    All,
    AllRegions,
    NotRecorded,
    ReportedCasualties,
    ReportedNote,
    Killed,
    Injured,
    Missing,
    Low,
    Best,
    High,
    Measure,
    Events,
    ByRole,
    Role,
    Persons,
    IncidentsPerMonth,
    MonthUnknown,
    Map,
    NoPoints,
    VerifiedIncidents,
    Date,
    Title,
    Place,
    Categories,
    Totals,
    Key,
    DocumentedNote,
    Briefing,
    NoVerified,
    NoData,
}

fn w(lang: Language, word: Word) -> &'static str {
    use Language::*;
    use Word::*;
    match (word, lang) {
        (Incidents, En) => "Incidents",
        (Incidents, Uk) => "Інциденти",
        (Incidents, Ru) => "Инциденты",
        (DocumentedPersons, En) => "Persons documented by name (killed, injured, missing, detained)",
        (DocumentedPersons, Uk) => "Особи, задокументовані поіменно (загиблі, поранені, зниклі, затримані)",
        (DocumentedPersons, Ru) => "Лица, задокументированные поимённо (погибшие, раненые, пропавшие, задержанные)",
        (Period, En) => "Period",
        (Period, Uk) => "Період",
        (Period, Ru) => "Период",
        (Region, En) => "Region",
        (Region, Uk) => "Регіон",
        (Region, Ru) => "Регион",
        (All, En) => "all dates",
        (All, Uk) => "усі дати",
        (All, Ru) => "все даты",
        (AllRegions, En) => "all regions",
        (AllRegions, Uk) => "усі регіони",
        (AllRegions, Ru) => "все регионы",
        (NotRecorded, En) => "(not recorded)",
        (NotRecorded, Uk) => "(не зазначено)",
        (NotRecorded, Ru) => "(не указано)",
        (ReportedCasualties, En) => "Casualties reported by sources",
        (ReportedCasualties, Uk) => "Жертви за повідомленнями джерел",
        (ReportedCasualties, Ru) => "Жертвы по сообщениям источников",
        (ReportedNote, En) => {
            "Figures given by sources, distinct from the persons documented by name. Where several reports describe one event, low is the smallest figure reported, high the largest, and best the figure of the best-verified report."
        }
        (ReportedNote, Uk) => {
            "Дані, наведені джерелами, окремо від осіб, задокументованих поіменно. Якщо одну подію описують кілька повідомлень, мінімум — найменше з наведених чисел, максимум — найбільше, а найімовірніше — число з найкраще перевіреного повідомлення."
        }
        (ReportedNote, Ru) => {
            "Данные, приведённые источниками, отдельно от лиц, задокументированных поимённо. Если одно событие описывают несколько сообщений, минимум — наименьшее из приведённых чисел, максимум — наибольшее, а наиболее вероятное — число из наиболее проверенного сообщения."
        }
        (Killed, En) => "Killed",
        (Killed, Uk) => "Загиблі",
        (Killed, Ru) => "Погибшие",
        (Injured, En) => "Injured",
        (Injured, Uk) => "Поранені",
        (Injured, Ru) => "Раненые",
        (Missing, En) => "Missing",
        (Missing, Uk) => "Зниклі безвісти",
        (Missing, Ru) => "Пропавшие без вести",
        (Low, En) => "Low",
        (Low, Uk) => "Мінімум",
        (Low, Ru) => "Минимум",
        (Best, En) => "Best",
        (Best, Uk) => "Найімовірніше",
        (Best, Ru) => "Наиболее вероятно",
        (High, En) => "High",
        (High, Uk) => "Максимум",
        (High, Ru) => "Максимум",
        (Measure, En) => "Measure",
        (Measure, Uk) => "Показник",
        (Measure, Ru) => "Показатель",
        (Events, En) => "Events with a figure",
        (Events, Uk) => "Подій із даними",
        (Events, Ru) => "Событий с данными",
        (ByRole, En) => "Persons documented by name, by role",
        (ByRole, Uk) => "Особи, задокументовані поіменно, за роллю",
        (ByRole, Ru) => "Лица, задокументированные поимённо, по роли",
        (Role, En) => "Role",
        (Role, Uk) => "Роль",
        (Role, Ru) => "Роль",
        (Persons, En) => "Persons",
        (Persons, Uk) => "Осіб",
        (Persons, Ru) => "Лиц",
        (IncidentsPerMonth, En) => "Incidents per month (by the month they began)",
        (IncidentsPerMonth, Uk) => "Інциденти за місяцями (за місяцем початку)",
        (IncidentsPerMonth, Ru) => "Инциденты по месяцам (по месяцу начала)",
        (MonthUnknown, En) => "month unknown",
        (MonthUnknown, Uk) => "місяць невідомий",
        (MonthUnknown, Ru) => "месяц неизвестен",
        (Map, En) => "Verified incidents with a recorded location (numbers refer to the list)",
        (Map, Uk) => "Перевірені інциденти із зазначеним місцем (номери відповідають списку)",
        (Map, Ru) => "Проверенные инциденты с указанным местом (номера соответствуют списку)",
        (NoPoints, En) => "No verified incident with a recorded location",
        (NoPoints, Uk) => "Немає перевірених інцидентів із зазначеним місцем",
        (NoPoints, Ru) => "Нет проверенных инцидентов с указанным местом",
        (VerifiedIncidents, En) => "Verified incidents",
        (VerifiedIncidents, Uk) => "Перевірені інциденти",
        (VerifiedIncidents, Ru) => "Проверенные инциденты",
        (Date, En) => "Date",
        (Date, Uk) => "Дата",
        (Date, Ru) => "Дата",
        (Title, En) => "Incident",
        (Title, Uk) => "Інцидент",
        (Title, Ru) => "Инцидент",
        (Place, En) => "Place",
        (Place, Uk) => "Місце",
        (Place, Ru) => "Место",
        (Categories, En) => "Categories",
        (Categories, Uk) => "Категорії",
        (Categories, Ru) => "Категории",
        (Totals, En) => "Totals",
        (Totals, Uk) => "Підсумки",
        (Totals, Ru) => "Итоги",
        (Key, En) => "Key",
        (Key, Uk) => "Значення",
        (Key, Ru) => "Значение",
        (DocumentedNote, En) => "Persons documented",
        (DocumentedNote, Uk) => "Задокументовано осіб",
        (DocumentedNote, Ru) => "Задокументировано лиц",
        (Briefing, En) => "Briefing",
        (Briefing, Uk) => "Брифінг",
        (Briefing, Ru) => "Брифинг",
        (NoVerified, En) => "No verified incident in this selection.",
        (NoVerified, Uk) => "У цій вибірці немає перевірених інцидентів.",
        (NoVerified, Ru) => "В этой выборке нет проверенных инцидентов.",
        (NoData, En) => "Nothing recorded in this selection.",
        (NoData, Uk) => "У цій вибірці нічого не зафіксовано.",
        (NoData, Ru) => "В этой выборке ничего не зафиксировано.",
    }
}

fn dimension_title(d: Dimension, lang: Language) -> &'static str {
    use Dimension::*;
    use Language::*;
    match (d, lang) {
        (Month, En) => "By month",
        (Month, Uk) => "За місяцями",
        (Month, Ru) => "По месяцам",
        (Region, En) => "By region",
        (Region, Uk) => "За регіонами",
        (Region, Ru) => "По регионам",
        (Category, En) => "By category",
        (Category, Uk) => "За категоріями",
        (Category, Ru) => "По категориям",
        (Weapon, En) => "By weapon type",
        (Weapon, Uk) => "За типом зброї",
        (Weapon, Ru) => "По типу оружия",
        (DamagedObject, En) => "By type of damaged object",
        (DamagedObject, Uk) => "За типом пошкодженого об'єкта",
        (DamagedObject, Ru) => "По типу повреждённого объекта",
        (AllegedPerpetrator, En) => "By alleged perpetrator (as alleged by sources)",
        (AllegedPerpetrator, Uk) => "За ймовірним виконавцем (як стверджують джерела)",
        (AllegedPerpetrator, Ru) => "По предполагаемому исполнителю (как утверждают источники)",
        (Status, En) => "By verification status",
        (Status, Uk) => "За статусом перевірки",
        (Status, Ru) => "По статусу проверки",
    }
}

fn status_label(code: &str, lang: Language) -> String {
    let s = IncidentStatus::ALL.into_iter().find(|s| s.as_str() == code);
    use IncidentStatus::*;
    use Language::*;
    let label = match (s, lang) {
        (Some(Reported), En) => "reported",
        (Some(Reported), Uk) => "повідомлено",
        (Some(Reported), Ru) => "сообщено",
        (Some(UnderReview), En) => "under review",
        (Some(UnderReview), Uk) => "на перевірці",
        (Some(UnderReview), Ru) => "на проверке",
        (Some(Verified), En) => "verified",
        (Some(Verified), Uk) => "перевірено",
        (Some(Verified), Ru) => "проверено",
        (Some(Disputed), En) => "disputed",
        (Some(Disputed), Uk) => "оскаржено",
        (Some(Disputed), Ru) => "оспорено",
        (Some(Refuted), En) => "refuted",
        (Some(Refuted), Uk) => "спростовано",
        (Some(Refuted), Ru) => "опровергнуто",
        (None, _) => return code.to_owned(),
    };
    label.to_owned()
}

fn role_label(role: evidentia_model::person::InvolvementRole, lang: Language) -> &'static str {
    use Language::*;
    use evidentia_model::person::InvolvementRole::*;
    match (role, lang) {
        (Killed, En) => "killed",
        (Killed, Uk) => "загиблі",
        (Killed, Ru) => "погибшие",
        (Injured, En) => "injured",
        (Injured, Uk) => "поранені",
        (Injured, Ru) => "раненые",
        (Missing, En) => "missing",
        (Missing, Uk) => "зниклі безвісти",
        (Missing, Ru) => "пропавшие без вести",
        (Detained, En) => "detained",
        (Detained, Uk) => "затримані",
        (Detained, Ru) => "задержанные",
        (Witness, En) => "witness",
        (Witness, Uk) => "свідки",
        (Witness, Ru) => "свидетели",
        (Reporter, En) => "reporter",
        (Reporter, Uk) => "заявники",
        (Reporter, Ru) => "заявители",
        (AllegedPerpetrator, En) => "alleged perpetrator",
        (AllegedPerpetrator, Uk) => "ймовірні виконавці",
        (AllegedPerpetrator, Ru) => "предполагаемые исполнители",
    }
}

/// The label a reader sees for a key of a dimension.
fn key_label(d: Dimension, key: &str, vocab: &Vocabularies, lang: Language) -> String {
    if key.is_empty() {
        return w(lang, Word::NotRecorded).to_owned();
    }
    let vocabulary = match d {
        Dimension::Category => INCIDENT_CATEGORY,
        Dimension::Weapon => WEAPON_TYPE,
        Dimension::DamagedObject => DAMAGED_OBJECT_TYPE,
        Dimension::Status => return status_label(key, lang),
        Dimension::Month if key.len() == 4 => return format!("{key} ({})", w(lang, Word::MonthUnknown)),
        _ => return key.to_owned(),
    };
    vocab
        .term(vocabulary, key)
        .map_or_else(|| key.to_owned(), |t| t.label(lang.code()).to_owned())
}

fn filter_text(filter: &Filter, lang: Language) -> String {
    let period = filter
        .period
        .as_ref()
        .map_or_else(|| w(lang, Word::All).to_owned(), |p| format_period(p, lang));
    let region = filter
        .region
        .clone()
        .unwrap_or_else(|| w(lang, Word::AllRegions).to_owned());
    format!(
        "{}: {}. {}: {}.",
        w(lang, Word::Period),
        period,
        w(lang, Word::Region),
        region
    )
}

fn dimension_table(d: Dimension, rows: &[Row], vocab: &Vocabularies, lang: Language) -> Table {
    Table {
        header: vec![
            w(lang, Word::Key).to_owned(),
            w(lang, Word::Incidents).to_owned(),
            w(lang, Word::DocumentedNote).to_owned(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    key_label(d, &r.key, vocab, lang),
                    r.incidents.to_string(),
                    r.documented_persons.to_string(),
                ]
            })
            .collect(),
        widths: vec![6.0, 1.5, 1.5],
        numeric: vec![false, true, true],
    }
}

/// How many bars a chart shows; the table under it lists every key.
const MAX_BARS: usize = 20;

/// The blocks of the figures: totals, reported casualties, then every dimension with its chart.
fn figure_blocks(summary: &Summary, vocab: &Vocabularies, lang: Language) -> Vec<Block> {
    let mut blocks = vec![
        Block::Paragraph(filter_text(&summary.filter, lang)),
        Block::Subheading(w(lang, Word::Totals).to_owned()),
        Block::Table(Table {
            header: vec![w(lang, Word::Measure).to_owned(), String::new()],
            rows: vec![
                vec![w(lang, Word::Incidents).to_owned(), summary.incidents.to_string()],
                vec![
                    w(lang, Word::DocumentedPersons).to_owned(),
                    summary.documented_persons.to_string(),
                ],
            ],
            widths: vec![7.0, 1.5],
            numeric: vec![false, true],
        }),
        Block::Subheading(w(lang, Word::ReportedCasualties).to_owned()),
        Block::Paragraph(w(lang, Word::ReportedNote).to_owned()),
    ];
    let c = &summary.reported_casualties;
    let row = |name: Word, r: &Range| {
        vec![
            w(lang, name).to_owned(),
            r.low.to_string(),
            r.best.to_string(),
            r.high.to_string(),
            r.events_with_figure.to_string(),
        ]
    };
    blocks.push(Block::Table(Table {
        header: vec![
            w(lang, Word::Measure).to_owned(),
            w(lang, Word::Low).to_owned(),
            w(lang, Word::Best).to_owned(),
            w(lang, Word::High).to_owned(),
            w(lang, Word::Events).to_owned(),
        ],
        rows: vec![
            row(Word::Killed, &c.killed),
            row(Word::Injured, &c.injured),
            row(Word::Missing, &c.missing),
        ],
        widths: vec![3.0, 1.3, 1.8, 1.3, 1.8],
        numeric: vec![false, true, true, true, true],
    }));
    blocks.push(Block::Subheading(w(lang, Word::ByRole).to_owned()));
    blocks.push(Block::Table(Table {
        header: vec![w(lang, Word::Role).to_owned(), w(lang, Word::Persons).to_owned()],
        rows: summary
            .documented_by_role
            .iter()
            .map(|r| vec![role_label(r.role, lang).to_owned(), r.persons.to_string()])
            .collect(),
        widths: vec![7.0, 1.5],
        numeric: vec![false, true],
    }));
    for d in Dimension::ALL {
        let rows = summary.rows(d);
        blocks.push(Block::Subheading(dimension_title(d, lang).to_owned()));
        if d == Dimension::Month {
            let months: Vec<(String, u64)> = rows.iter().map(|r| (r.key.clone(), r.incidents)).collect();
            if months.iter().any(|(k, _)| k.len() == 7) {
                blocks.push(Block::Figure(month_line_chart(
                    w(lang, Word::IncidentsPerMonth),
                    &months,
                )));
            }
        } else if !rows.is_empty() {
            let bars: Vec<(String, u64)> = rows
                .iter()
                .take(MAX_BARS)
                .map(|r| (key_label(d, &r.key, vocab, lang), r.incidents))
                .collect();
            blocks.push(Block::Figure(bar_chart(
                &format!("{} — {}", dimension_title(d, lang), w(lang, Word::Incidents)),
                &bars,
            )));
        }
        if rows.is_empty() {
            blocks.push(Block::Paragraph(w(lang, Word::NoData).to_owned()));
        } else {
            blocks.push(Block::Table(dimension_table(d, rows, vocab, lang)));
        }
    }
    blocks
}

/// The statistics report for a summary.
pub fn summary_document(summary: &Summary, vocab: &Vocabularies, lang: Language, title: &str) -> Document {
    let mut blocks = vec![Block::Heading(title.to_owned())];
    blocks.extend(figure_blocks(summary, vocab, lang));
    Document {
        title: title.to_owned(),
        language: lang,
        blocks,
    }
}

fn place(incident: &Incident) -> String {
    let l = &incident.location;
    [&l.place_name, &l.admin2, &l.admin1]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A briefing for a selection: the figures, a map of the verified incidents that have a location,
/// and the list of verified incidents (numbered as on the map), in one document.
#[allow(clippy::too_many_arguments)]
pub fn briefing_document<I: Borrow<Incident>, P: Borrow<Person>>(
    incidents: &[(Uuid, I)],
    persons: &[(Uuid, P)],
    involvements: &[Involvement],
    filter: &Filter,
    same_event: &[Vec<Uuid>],
    vocab: &Vocabularies,
    lang: Language,
    title: &str,
) -> Document {
    let summary = summary_with_events(incidents, persons, involvements, filter, same_event);
    let mut verified: Vec<&Incident> = incidents
        .iter()
        .map(|(_, i)| i.borrow())
        .filter(|i| i.status == IncidentStatus::Verified && filter.matches(i))
        .collect();
    verified.sort_by(|a, b| {
        a.occurred
            .keys()
            .cmp(&b.occurred.keys())
            .then_with(|| a.title.cmp(&b.title))
    });
    let located: Vec<&Incident> = verified
        .iter()
        .copied()
        .filter(|i| i.location.point().is_some())
        .collect();
    let points: Vec<MapPoint> = located
        .iter()
        .filter_map(|i| i.location.point())
        .map(|(lat, lon)| MapPoint { lat, lon })
        .collect();

    let mut blocks = vec![
        Block::Heading(format!("{}: {title}", w(lang, Word::Briefing))),
        Block::Figure(map(w(lang, Word::Map), &points, w(lang, Word::NoPoints))),
        Block::Subheading(w(lang, Word::VerifiedIncidents).to_owned()),
    ];
    if verified.is_empty() {
        blocks.push(Block::Paragraph(w(lang, Word::NoVerified).to_owned()));
    } else {
        // Located incidents first, numbered as on the map; then those without a location.
        let mut ordered = located.clone();
        ordered.extend(verified.iter().copied().filter(|i| i.location.point().is_none()));
        blocks.push(Block::Table(Table {
            header: vec![
                "#".to_owned(),
                w(lang, Word::Date).to_owned(),
                w(lang, Word::Title).to_owned(),
                w(lang, Word::Place).to_owned(),
                w(lang, Word::Categories).to_owned(),
            ],
            rows: ordered
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    vec![
                        if n < located.len() {
                            (n + 1).to_string()
                        } else {
                            String::new()
                        },
                        format_period(&i.occurred, lang),
                        i.title.clone(),
                        place(i),
                        i.categories
                            .iter()
                            .map(|c| key_label(Dimension::Category, c, vocab, lang))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                })
                .collect(),
            widths: vec![0.5, 2.0, 4.0, 2.5, 3.0],
            numeric: vec![true, false, false, false, false],
        }));
    }
    blocks.push(Block::PageBreak);
    blocks.extend(figure_blocks(&summary, vocab, lang));
    Document {
        title: format!("{}: {title}", w(lang, Word::Briefing)),
        language: lang,
        blocks,
    }
}
