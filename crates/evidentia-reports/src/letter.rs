//! Letters to international bodies (notifications, appeals, follow-ups), written from minijinja
//! templates that a deployment may edit. The defaults ship in `templates/{en,uk,ru}/*.txt`.
//!
//! A template is plain text with a small block markup, so that one template gives both the HTML
//! and the PDF letter and nothing in it can inject HTML. Blocks are separated by blank lines; the
//! first characters of a block's first line say what it is:
//!
//! | start | block |
//! |-------|-------|
//! | `^ `  | letterhead lines (sender), first line bold |
//! | `> `  | lines set flush right (date, reference) |
//! | `\| ` | lines kept as written (recipient address) |
//! | `# `  | heading (the subject) |
//! | `## ` | subheading |
//! | `- `  | list; each `- ` line starts an item, other lines continue it |
//! | `= `  | text to be read character by character (a hash) |
//! | `---` | page break |
//! | other | a paragraph; its lines are joined |
//!
//! Values printed with `{{ ... }}` have their line breaks replaced by spaces, so a title can never
//! open a block of its own; `{{ body|paragraphs }}` keeps the blank lines of the letter's body,
//! whose paragraphs may use the same markup (a `- ` list, a `## ` subheading).
//! Undefined fields are errors ([`minijinja::UndefinedBehavior::Strict`]): a misspelt field fails
//! with its name and line instead of printing nothing in a letter to a UN body.

use evidentia_model::incident::Casualties;
use evidentia_model::person::InvolvementRole;
use evidentia_model::vocab::INCIDENT_CATEGORY;
use evidentia_model::{Incident, Involvement, PartialDate, Period, Vocabularies};
use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Language;
use crate::dates::{format_partial_date, format_period};
use crate::doc::{Block, Document};

/// What a letter is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Notification,
    Appeal,
    FollowUp,
}

impl LetterKind {
    pub const ALL: [LetterKind; 3] = [Self::Notification, Self::Appeal, Self::FollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::Appeal => "appeal",
            Self::FollowUp => "follow_up",
        }
    }
}

/// The body the letter is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recipient {
    /// e.g. "Office of a UN special procedure".
    pub name: String,
    /// What kind of body it is, free text (e.g. "UN special procedure", "court").
    #[serde(default)]
    pub kind: String,
    /// Postal or e-mail address; line breaks are kept.
    #[serde(default)]
    pub address: String,
}

/// The organisation writing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sender {
    pub name: String,
    /// Address and contact lines, printed under the name in the letterhead.
    #[serde(default)]
    pub address: String,
}

/// One incident the letter is about, as the letter shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterIncident {
    pub title: String,
    pub period: Period,
    /// The place as it should be read ("Settlement, District, Region").
    #[serde(default)]
    pub place: String,
    /// Category labels in the letter's language (the caller resolves them in the vocabulary).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub reported_casualties: Casualties,
    /// Persons documented by name, counted by their role in the incident.
    #[serde(default)]
    pub documented_persons: Vec<PersonCount>,
    #[serde(default)]
    pub evidence_count: u32,
}

impl LetterIncident {
    /// The letter's view of a stored incident: category labels in `language`, the place from the
    /// location, and the distinct persons documented in each role by `involvements` (those of
    /// other incidents are ignored).
    pub fn from_incident(
        incident_id: Uuid,
        incident: &Incident,
        involvements: &[Involvement],
        evidence_count: u32,
        vocabularies: &Vocabularies,
        language: Language,
    ) -> Self {
        let l = &incident.location;
        let place = [&l.place_name, &l.admin2, &l.admin1]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let categories = incident
            .categories
            .iter()
            .map(|c| {
                vocabularies
                    .term(INCIDENT_CATEGORY, c)
                    .map_or_else(|| c.clone(), |t| t.label(language.code()).to_owned())
            })
            .collect();
        let mut documented_persons: Vec<PersonCount> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for inv in involvements.iter().filter(|i| i.incident_id == incident_id) {
            if !seen.insert((inv.person_id, inv.role.as_str())) {
                continue;
            }
            match documented_persons.iter_mut().find(|p| p.role == inv.role) {
                Some(p) => p.count = p.count.saturating_add(1),
                None => documented_persons.push(PersonCount {
                    role: inv.role,
                    count: 1,
                }),
            }
        }
        documented_persons.sort_by_key(|p| ROLE_ORDER.iter().position(|r| *r == p.role));
        Self {
            title: incident.title.clone(),
            period: incident.occurred,
            place,
            categories,
            reported_casualties: incident.reported_casualties,
            documented_persons,
            evidence_count,
        }
    }
}

const ROLE_ORDER: [InvolvementRole; 7] = [
    InvolvementRole::Killed,
    InvolvementRole::Injured,
    InvolvementRole::Missing,
    InvolvementRole::Detained,
    InvolvementRole::Witness,
    InvolvementRole::Reporter,
    InvolvementRole::AllegedPerpetrator,
];

/// How many persons documented by name had one role in an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCount {
    pub role: InvolvementRole,
    pub count: u32,
}

/// The evidence bundle sent with the letter; its SHA-256 is printed so the recipient can check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRef {
    pub file_name: String,
    /// Lower-case hexadecimal SHA-256 of the bundle file.
    pub sha256: String,
    pub size: u64,
}

/// Everything a letter template may draw from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterContext {
    pub kind: LetterKind,
    pub language: Language,
    pub recipient: Recipient,
    pub sender: Sender,
    pub subject: String,
    /// The letter's own text, written by staff; blank lines separate paragraphs.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub sent_date: Option<PartialDate>,
    #[serde(default)]
    pub incidents: Vec<LetterIncident>,
    #[serde(default)]
    pub bundle: Option<BundleRef>,
}

/// Why a letter could not be written. Every variant names the template line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("template syntax error at line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("template line {line}: unknown field `{field}`")]
    UnknownField { line: usize, field: String },
    #[error("template line {line}: {message}")]
    Render { line: usize, message: String },
}

impl LetterError {
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. } | Self::UnknownField { line, .. } | Self::Render { line, .. } => *line,
        }
    }
}

const TEMPLATES: [(Language, LetterKind, &str); 9] = [
    (
        Language::En,
        LetterKind::Notification,
        include_str!("../templates/en/notification.txt"),
    ),
    (
        Language::En,
        LetterKind::Appeal,
        include_str!("../templates/en/appeal.txt"),
    ),
    (
        Language::En,
        LetterKind::FollowUp,
        include_str!("../templates/en/follow_up.txt"),
    ),
    (
        Language::Uk,
        LetterKind::Notification,
        include_str!("../templates/uk/notification.txt"),
    ),
    (
        Language::Uk,
        LetterKind::Appeal,
        include_str!("../templates/uk/appeal.txt"),
    ),
    (
        Language::Uk,
        LetterKind::FollowUp,
        include_str!("../templates/uk/follow_up.txt"),
    ),
    (
        Language::Ru,
        LetterKind::Notification,
        include_str!("../templates/ru/notification.txt"),
    ),
    (
        Language::Ru,
        LetterKind::Appeal,
        include_str!("../templates/ru/appeal.txt"),
    ),
    (
        Language::Ru,
        LetterKind::FollowUp,
        include_str!("../templates/ru/follow_up.txt"),
    ),
];

/// The template Evidentia ships for a kind of letter in a language; deployments may replace it.
pub fn default_template(kind: LetterKind, language: Language) -> &'static str {
    TEMPLATES
        .iter()
        .find(|(l, k, _)| *l == language && *k == kind)
        .map_or("", |(_, _, t)| t)
}

fn role_label(role: InvolvementRole, lang: Language) -> &'static str {
    use InvolvementRole as R;
    match (lang, role) {
        (Language::En, R::Killed) => "killed",
        (Language::En, R::Injured) => "injured",
        (Language::En, R::Missing) => "missing",
        (Language::En, R::Detained) => "detained",
        (Language::En, R::Witness) => "witnesses",
        (Language::En, R::Reporter) => "reporters",
        (Language::En, R::AllegedPerpetrator) => "alleged perpetrators",
        (Language::Uk, R::Killed) => "загиблі",
        (Language::Uk, R::Injured) => "поранені",
        (Language::Uk, R::Missing) => "зниклі безвісти",
        (Language::Uk, R::Detained) => "затримані",
        (Language::Uk, R::Witness) => "свідки",
        (Language::Uk, R::Reporter) => "заявники",
        (Language::Uk, R::AllegedPerpetrator) => "ймовірні виконавці",
        (Language::Ru, R::Killed) => "погибшие",
        (Language::Ru, R::Injured) => "раненые",
        (Language::Ru, R::Missing) => "пропавшие без вести",
        (Language::Ru, R::Detained) => "задержанные",
        (Language::Ru, R::Witness) => "свидетели",
        (Language::Ru, R::Reporter) => "заявители",
        (Language::Ru, R::AllegedPerpetrator) => "предполагаемые исполнители",
    }
}

/// A byte count for people: "2.4 MB, 2,516,582 bytes".
fn size_text(size: u64, lang: Language) -> String {
    let (unit, bytes) = match lang {
        Language::En => (["KB", "MB", "GB"], "bytes"),
        Language::Uk => (["КБ", "МБ", "ГБ"], "байтів"),
        Language::Ru => (["КБ", "МБ", "ГБ"], "байт"),
    };
    let mut digits = size.to_string();
    let sep = if lang == Language::En { ',' } else { '\u{a0}' };
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!("{sep}{tail}{grouped}");
    }
    grouped = format!("{digits}{grouped}");
    let (mut value, mut i) = (size as f64, 0usize);
    while value >= 1000.0 * 1024.0 && i < 2 {
        value /= 1024.0;
        i += 1;
    }
    if size < 1024 {
        return format!("{grouped} {bytes}");
    }
    let short = format!("{:.1}", value / 1024.0);
    let short = if lang == Language::En {
        short
    } else {
        short.replace('.', ",")
    };
    format!("{short} {}, {grouped} {bytes}", unit[i.min(2)])
}

fn casualty_text(killed: Option<u32>, injured: Option<u32>, missing: Option<u32>, lang: Language) -> String {
    let words = match lang {
        Language::En => ["killed", "injured", "missing"],
        Language::Uk => ["загинули", "поранені", "зниклі безвісти"],
        Language::Ru => ["погибли", "ранены", "пропали без вести"],
    };
    [killed, injured, missing]
        .into_iter()
        .zip(words)
        .filter_map(|(n, w)| {
            n.map(|n| match lang {
                Language::En => format!("{n} {w}"),
                _ => format!("{w} — {n}"),
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The values templates see: the context, with dates written out in the letter's language.
#[derive(Serialize)]
struct View<'a> {
    kind: &'static str,
    language: &'static str,
    recipient: &'a Recipient,
    sender: &'a Sender,
    subject: &'a str,
    body: &'a str,
    reference: Option<&'a str>,
    sent_date: Option<String>,
    sent_date_iso: Option<String>,
    incidents: Vec<IncidentView<'a>>,
    bundle: Option<BundleView<'a>>,
}

#[derive(Serialize)]
struct IncidentView<'a> {
    title: &'a str,
    period: String,
    period_from_iso: String,
    period_to_iso: Option<String>,
    place: &'a str,
    categories: &'a [String],
    reported_casualties: CasualtyView,
    documented_persons: Vec<RoleCount>,
    documented_persons_total: u32,
    evidence_count: u32,
}

#[derive(Serialize)]
struct CasualtyView {
    killed: Option<u32>,
    injured: Option<u32>,
    missing: Option<u32>,
    any: bool,
    /// The figures given, in words: "3 killed, 12 injured".
    text: String,
}

#[derive(Serialize)]
struct RoleCount {
    role: &'static str,
    label: &'static str,
    count: u32,
}

#[derive(Serialize)]
struct BundleView<'a> {
    file_name: &'a str,
    sha256: &'a str,
    size: u64,
    size_text: String,
}

fn view(ctx: &LetterContext) -> View<'_> {
    let lang = ctx.language;
    View {
        kind: ctx.kind.as_str(),
        language: lang.code(),
        recipient: &ctx.recipient,
        sender: &ctx.sender,
        subject: &ctx.subject,
        body: &ctx.body,
        reference: ctx.reference.as_deref(),
        sent_date: ctx.sent_date.as_ref().map(|d| format_partial_date(d, lang)),
        sent_date_iso: ctx.sent_date.as_ref().map(ToString::to_string),
        incidents: ctx
            .incidents
            .iter()
            .map(|i| {
                let c = &i.reported_casualties;
                let killed = c.killed.map(|c| c.total);
                let injured = c.injured.map(|c| c.total);
                let missing = c.missing.map(|c| c.total);
                IncidentView {
                    title: &i.title,
                    period: format_period(&i.period, lang),
                    period_from_iso: i.period.from.to_string(),
                    period_to_iso: i.period.to.map(|t| t.to_string()),
                    place: &i.place,
                    categories: &i.categories,
                    reported_casualties: CasualtyView {
                        killed,
                        injured,
                        missing,
                        any: killed.is_some() || injured.is_some() || missing.is_some(),
                        text: casualty_text(killed, injured, missing, lang),
                    },
                    documented_persons: i
                        .documented_persons
                        .iter()
                        .filter(|p| p.count > 0)
                        .map(|p| RoleCount {
                            role: p.role.as_str(),
                            label: role_label(p.role, lang),
                            count: p.count,
                        })
                        .collect(),
                    documented_persons_total: i.documented_persons.iter().fold(0u32, |a, p| a.saturating_add(p.count)),
                    evidence_count: i.evidence_count,
                }
            })
            .collect(),
        bundle: ctx.bundle.as_ref().map(|b| BundleView {
            file_name: &b.file_name,
            sha256: &b.sha256,
            size: b.size,
            size_text: size_text(b.size, lang),
        }),
    }
}

/// The text a failing expression covers, e.g. `incident.titel`, to name the unknown field. When
/// the undefined value was passed to a filter (`{{ x.y|upper }}`), minijinja points at the filter;
/// the field is then what stands before the pipe.
fn expression_at(source: &str, err: &minijinja::Error) -> Option<String> {
    let range = err.range()?;
    let before = source.get(..range.start)?.trim_end();
    let text = if let Some(head) = before.strip_suffix('|') {
        let start = ["{{", "{%", "(", ",", "|"]
            .iter()
            .filter_map(|m| head.rfind(m).map(|i| i + m.len()))
            .max()
            .unwrap_or(0);
        head.get(start..)?
    } else {
        source.get(range)?
    };
    let text = text.trim().trim_start_matches("{{").trim_end_matches("}}").trim();
    let text = text
        .strip_prefix("if ")
        .or_else(|| text.strip_prefix("elif "))
        .unwrap_or(text);
    let field = text.split('|').next().unwrap_or(text).trim();
    (!field.is_empty()).then(|| field.to_owned())
}

fn to_letter_error(source: &str, err: &minijinja::Error) -> LetterError {
    let line = err.line().unwrap_or(0);
    let message = match err.detail() {
        Some(d) => format!("{}: {d}", err.kind()),
        None => err.kind().to_string(),
    };
    match err.kind() {
        ErrorKind::SyntaxError | ErrorKind::BadEscape => LetterError::Syntax { line, message },
        ErrorKind::UndefinedError => LetterError::UnknownField {
            line,
            field: expression_at(source, err).unwrap_or_else(|| "?".to_owned()),
        },
        _ => LetterError::Render { line, message },
    }
}

/// Far above what a letter with thousands of incidents needs.
const TEMPLATE_FUEL: u64 = 50_000_000;

fn environment(lang: Language) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // A template edited by a deployment may loop by mistake; bound the work a letter can take.
    env.set_fuel(Some(TEMPLATE_FUEL));
    // Plain text out; the markup and the HTML renderer take care of escaping.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_formatter(|out, state, value| {
        if value.is_safe() {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = value.to_string().replace("\r\n", " ").replace(['\n', '\r'], " ");
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    env.add_filter("paragraphs", |text: String| -> Value {
        let paragraphs: Vec<String> = text
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        Value::from_safe_string(paragraphs.join("\n\n"))
    });
    env.add_filter("date", move |text: String| -> Result<String, minijinja::Error> {
        let date: PartialDate = text
            .parse()
            .map_err(|e| minijinja::Error::new(ErrorKind::InvalidOperation, format!("{text:?}: {e}")))?;
        Ok(format_partial_date(&date, lang))
    });
    env
}

/// Renders a template with a context into the letter's text (the block markup).
pub fn render_text(template: &str, ctx: &LetterContext) -> Result<String, LetterError> {
    let env = environment(ctx.language);
    let tmpl = env
        .template_from_str(template)
        .map_err(|e| to_letter_error(template, &e))?;
    tmpl.render(Value::from_serialize(view(ctx)))
        .map_err(|e| to_letter_error(template, &e))
}

/// Parses the block markup into a document.
pub fn parse_markup(text: &str, title: &str, language: Language) -> Document {
    let text = text.replace("\r\n", "\n");
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if let Some(block) = block_of(lines) {
            blocks.push(block);
        }
        lines.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut blocks);
        } else {
            current.push(line.trim_end());
        }
    }
    flush(&mut current, &mut blocks);
    Document {
        title: title.to_owned(),
        language,
        blocks,
    }
}

fn strip<'a>(line: &'a str, marker: &str) -> &'a str {
    line.strip_prefix(marker)
        .or_else(|| line.strip_prefix(marker.trim_end()))
        .unwrap_or(line)
        .trim()
}

fn block_of(lines: &[&str]) -> Option<Block> {
    let first = lines.first()?.trim_start();
    let all = |marker: &str| lines.iter().map(|l| strip(l.trim_start(), marker).to_owned()).collect();
    let joined = |marker: &str| {
        lines
            .iter()
            .map(|l| strip(l.trim_start(), marker))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(if first.starts_with("---") {
        Block::PageBreak
    } else if first.starts_with("## ") {
        Block::Subheading(joined("## "))
    } else if first.starts_with("# ") {
        Block::Heading(joined("# "))
    } else if first.starts_with("^ ") || first == "^" {
        Block::Letterhead(all("^ "))
    } else if first.starts_with("> ") || first == ">" {
        Block::RightLines(all("> "))
    } else if first.starts_with("| ") || first == "|" {
        Block::Lines(all("| "))
    } else if first.starts_with("= ") {
        Block::Code(joined("= "))
    } else if first.starts_with("- ") {
        let mut items: Vec<String> = Vec::new();
        for l in lines {
            let l = l.trim_start();
            match (l.strip_prefix("- "), items.last_mut()) {
                (Some(item), _) => items.push(item.trim().to_owned()),
                (None, Some(last)) => {
                    last.push(' ');
                    last.push_str(l.trim());
                }
                (None, None) => items.push(l.trim().to_owned()),
            }
        }
        Block::List(items)
    } else {
        Block::Paragraph(joined(""))
    })
}

/// A letter, rendered from a template; draw it with [`crate::html::render`] or
/// [`crate::pdf::render`].
pub fn render_letter(template: &str, ctx: &LetterContext) -> Result<Document, LetterError> {
    let text = render_text(template, ctx)?;
    Ok(parse_markup(&text, &ctx.subject, ctx.language))
}

/// A letter from the template Evidentia ships for its kind and language.
pub fn render_default_letter(ctx: &LetterContext) -> Result<Document, LetterError> {
    render_letter(default_template(ctx.kind, ctx.language), ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_template_in_every_language() {
        for l in Language::ALL {
            for k in LetterKind::ALL {
                assert!(default_template(k, l).contains("{{"), "{l:?} {k:?}");
            }
        }
    }

    #[test]
    fn incidents_are_described_from_the_record() {
        let incident: Incident = serde_json::from_value(serde_json::json!({
            "title": "T",
            "occurred": {"from": "2024-05"},
            "location": {"place_name": "Sampleville", "admin1": "North Vale"},
            "categories": ["killing", "not_a_term"]
        }))
        .unwrap();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let inv = |p: u128, i: Uuid, role| Involvement {
            person_id: Uuid::from_u128(p),
            incident_id: i,
            role,
            notes: None,
        };
        let involvements = [
            inv(10, a, InvolvementRole::Witness),
            inv(11, a, InvolvementRole::Killed),
            inv(11, a, InvolvementRole::Killed),
            inv(12, a, InvolvementRole::Killed),
            inv(13, b, InvolvementRole::Killed),
        ];
        let li = LetterIncident::from_incident(a, &incident, &involvements, 3, &Vocabularies::defaults(), Language::Uk);
        assert_eq!(li.place, "Sampleville, North Vale");
        assert_eq!(li.categories, ["Вбивство", "not_a_term"]);
        assert_eq!(
            li.documented_persons,
            [
                PersonCount {
                    role: InvolvementRole::Killed,
                    count: 2
                },
                PersonCount {
                    role: InvolvementRole::Witness,
                    count: 1
                }
            ]
        );
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size_text(512, Language::En), "512 bytes");
        assert_eq!(size_text(2_516_582, Language::En), "2.4 MB, 2,516,582 bytes");
        assert_eq!(size_text(2_516_582, Language::Uk), "2,4 МБ, 2\u{a0}516\u{a0}582 байтів");
    }

    #[test]
    fn markup_blocks() {
        let doc = parse_markup(
            "^ Org\n^ Street 1\n\n> 5 May 2024\n\n| Recipient\n| Line 2\n\n# Subject\n\nPara one\ncontinues.\n\n- a\n  more\n- b\n\n= abc\n\n---\n\n## Sub",
            "t",
            Language::En,
        );
        assert_eq!(
            doc.blocks,
            vec![
                Block::Letterhead(vec!["Org".into(), "Street 1".into()]),
                Block::RightLines(vec!["5 May 2024".into()]),
                Block::Lines(vec!["Recipient".into(), "Line 2".into()]),
                Block::Heading("Subject".into()),
                Block::Paragraph("Para one continues.".into()),
                Block::List(vec!["a more".into(), "b".into()]),
                Block::Code("abc".into()),
                Block::PageBreak,
                Block::Subheading("Sub".into()),
            ]
        );
    }
}
