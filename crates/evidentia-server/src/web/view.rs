//! Reading stored records for display. Bodies are read as JSON, field by field, so that a page
//! still renders when the model gains a field (or a record predates one).

use evidentia_model::{PartialDate, Period, Vocabularies};
use evidentia_store::StoredRecord;
use serde_json::Value;

use super::i18n::Lang;

/// The text at a dotted path of a JSON value ("" when absent or not text).
pub fn text(v: &Value, path: &str) -> String {
    let mut cur = v;
    for part in path.split('.') {
        cur = &cur[part];
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

pub fn partial_date(lang: Lang, v: &Value) -> String {
    v.as_str()
        .and_then(|s| s.parse::<PartialDate>().ok())
        .map_or_else(|| v.as_str().unwrap_or_default().to_owned(), |d| lang.partial_date(&d))
}

pub fn period(lang: Lang, v: &Value) -> String {
    serde_json::from_value::<Period>(v.clone()).map_or_else(|_| String::new(), |p| lang.period(&p))
}

/// "Place, district, region".
pub fn place(body: &Value) -> String {
    ["place_name", "admin2", "admin1"]
        .iter()
        .map(|f| text(&body["location"], f))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A vocabulary term's label in the reader's language (the code when unknown).
pub fn term(vocabularies: &Vocabularies, lang: Lang, vocabulary: &str, code: &str) -> String {
    vocabularies
        .term(vocabulary, code)
        .map_or_else(|| code.to_owned(), |t| t.label(lang.code()).to_owned())
}

/// A person's name for lists: given, patronymic, family, or the name as written in the source.
pub fn person_name(body: &Value) -> String {
    let parts: Vec<String> = ["given_name", "patronymic", "family_name"]
        .iter()
        .map(|f| text(body, f))
        .filter(|s| !s.trim().is_empty())
        .collect();
    if parts.is_empty() {
        text(body, "name_original")
    } else {
        parts.join(" ")
    }
}

/// An incident in a list.
pub struct IncidentRow {
    pub href: String,
    pub title: String,
    pub when: String,
    pub place: String,
    pub status: String,
    pub status_label: String,
    pub categories: Vec<String>,
    pub published: bool,
    pub classification: String,
    pub updated: String,
}

/// `href_base` is `/incidents` for staff, `/portal/incidents` for the public.
pub fn incident_row(r: &StoredRecord, lang: Lang, vocabularies: &Vocabularies, href_base: &str) -> IncidentRow {
    let b = &r.body;
    let status = text(b, "status");
    IncidentRow {
        href: format!("{href_base}/{}", r.meta.id),
        title: text(b, "title"),
        when: period(lang, &b["occurred"]),
        place: place(b),
        status_label: lang.t(&format!("incident_status.{status}")).to_owned(),
        status,
        categories: b["categories"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|c| term(vocabularies, lang, evidentia_model::vocab::INCIDENT_CATEGORY, c))
                    .collect()
            })
            .unwrap_or_default(),
        published: r.published,
        classification: lang
            .t(&format!("classification.{}", r.meta.classification.as_str()))
            .to_owned(),
        updated: lang.instant(r.meta.updated_at),
    }
}

/// A link and a label for any kind of record (the dashboard's recent activity).
pub struct RecordLink {
    pub kind: String,
    pub label: String,
    pub href: String,
    pub updated: String,
}

pub fn record_link(r: &StoredRecord, lang: Lang) -> RecordLink {
    let b = &r.body;
    let id = r.meta.id;
    let first_incident = b["incident_ids"]
        .get(0)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| text(b, "incident_id"));
    let (label, href) = match r.kind {
        evidentia_model::RecordKind::Incident => (text(b, "title"), format!("/incidents/{id}")),
        evidentia_model::RecordKind::Person => (person_name(b), format!("/persons/{id}")),
        evidentia_model::RecordKind::Evidence => (
            text(b, "title"),
            if first_incident.is_empty() {
                String::new()
            } else {
                format!("/incidents/{first_incident}#evidence")
            },
        ),
        evidentia_model::RecordKind::Recipient => (text(b, "name"), String::new()),
        evidentia_model::RecordKind::Communication => (
            text(b, "subject"),
            format!("/api/v1/communications/{id}/letter?format=html"),
        ),
        evidentia_model::RecordKind::Involvement => (
            format!(
                "{}: {}",
                lang.t("dashboard.role_in_incident"),
                lang.t(&format!("role.{}", text(b, "role")))
            ),
            format!("/incidents/{first_incident}#persons"),
        ),
        evidentia_model::RecordKind::PersonMatch => {
            (lang.t("kind.person_match").to_owned(), "/persons/duplicates".to_owned())
        }
        evidentia_model::RecordKind::MissingCase => (
            text(b, "circumstances").chars().take(80).collect(),
            format!("/missing-cases/{id}"),
        ),
        evidentia_model::RecordKind::GraveSite => (text(b, "name"), String::new()),
        evidentia_model::RecordKind::Exhumation => (text(b, "team"), String::new()),
        evidentia_model::RecordKind::Remains => (text(b, "case_number"), String::new()),
    };
    RecordLink {
        kind: lang.t(&format!("kind.{}", r.kind.as_str())).to_owned(),
        label,
        href,
        updated: lang.instant(r.meta.updated_at),
    }
}

/// Keeps only the named, non-empty parameters of a query string (a filter form sends every
/// field, empty or not).
/// A record's fields as a page lists them: the label of each and its value, empty values left out.
pub struct Fields {
    lang: Lang,
    list: Vec<(String, String)>,
}

impl Fields {
    pub fn new(lang: Lang) -> Fields {
        Fields { lang, list: Vec::new() }
    }

    /// Adds `value` under the label of message `key`, unless it is empty.
    pub fn add(&mut self, key: &str, value: String) {
        if !value.is_empty() {
            self.list.push((self.lang.t(key).to_owned(), value));
        }
    }

    pub fn into_vec(self) -> Vec<(String, String)> {
        self.list
    }
}

pub fn clean_query(raw: Option<&str>, allowed: &[&str]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if allowed.contains(&k.as_ref()) && !v.trim().is_empty() {
            out.append_pair(&k, v.trim());
        }
    }
    out.finish()
}

/// The value of a parameter in a query string.
pub fn param(query: &str, name: &str) -> String {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The query with `cursor` set to `cursor`.
pub fn with_cursor(query: &str, cursor: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "cursor" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("cursor", cursor);
    out.finish()
}

/// An option of a `<select>` or a checkbox of a group.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn choices<'a>(values: impl IntoIterator<Item = (&'a str, String)>, selected: &[String]) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: selected.iter().any(|s| s == value),
            value: value.to_owned(),
            label,
        })
        .collect()
}

/// The terms of a vocabulary that may be chosen, with labels in `lang`.
pub fn vocabulary_choices(vocabularies: &Vocabularies, lang: Lang, name: &str, selected: &[String]) -> Vec<Choice> {
    vocabularies
        .get(name)
        .map(|v| {
            v.terms
                .iter()
                .filter(|t| !t.retired || selected.contains(&t.code))
                .map(|t| Choice {
                    value: t.code.clone(),
                    label: t.label(lang.code()).to_owned(),
                    selected: selected.contains(&t.code),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_cleaned() {
        assert_eq!(
            clean_query(
                Some("q=a+b&status=&evil=1&from=2014&cursor=x"),
                &["q", "status", "from"]
            ),
            "q=a+b&from=2014"
        );
        assert_eq!(clean_query(Some("%ff%fe=%00&&&=="), &["q"]), "");
        assert_eq!(with_cursor("q=a&cursor=old", "new"), "q=a&cursor=new");
        assert_eq!(param("q=%D0%9A", "q"), "К");
    }
}
