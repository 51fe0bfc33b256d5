//! List parameters: `limit`, `cursor`, `q`, `sort`, `status`, `from`, `to`, `bbox`, and the term
//! filters of each kind of record. Unknown parameters are refused rather than ignored: a typo in
//! a filter should not silently return everything.

use base64::Engine;
use evidentia_model::{Classification, PartialDate, RecordKind, Viewer, Vocabularies, vocab};
use evidentia_store::{BoundingBox, Cursor, ListQuery, Sort};
use uuid::Uuid;

use crate::errors::ApiError;

/// Default and largest page sizes.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;
/// Longest accepted search text.
const MAX_QUERY_CHARS: usize = 500;

/// A term filter: the parameter, the prefix of the indexed term, and the vocabulary its values
/// must come from (if any).
struct TermFilter {
    param: &'static str,
    prefix: &'static str,
    vocabulary: Option<&'static str>,
}

const INCIDENT_FILTERS: &[TermFilter] = &[
    TermFilter {
        param: "category",
        prefix: "category",
        vocabulary: Some(vocab::INCIDENT_CATEGORY),
    },
    TermFilter {
        param: "weapon",
        prefix: "weapon",
        vocabulary: Some(vocab::WEAPON_TYPE),
    },
    TermFilter {
        param: "damaged_object",
        prefix: "damaged_object",
        vocabulary: Some(vocab::DAMAGED_OBJECT_TYPE),
    },
    TermFilter {
        param: "country",
        prefix: "country",
        vocabulary: None,
    },
];
const PERSON_FILTERS: &[TermFilter] = &[TermFilter {
    param: "sex",
    prefix: "sex",
    vocabulary: None,
}];
const EVIDENCE_FILTERS: &[TermFilter] = &[TermFilter {
    param: "kind",
    prefix: "kind",
    vocabulary: None,
}];
const INVOLVEMENT_FILTERS: &[TermFilter] = &[TermFilter {
    param: "role",
    prefix: "role",
    vocabulary: None,
}];

const COMMUNICATION_FILTERS: &[TermFilter] = &[
    TermFilter {
        param: "kind",
        prefix: "kind",
        vocabulary: None,
    },
    TermFilter {
        param: "language",
        prefix: "language",
        vocabulary: None,
    },
];
const MISSING_CASE_FILTERS: &[TermFilter] = &[
    TermFilter {
        param: "moderation",
        prefix: "moderation",
        vocabulary: None,
    },
    TermFilter {
        param: "consent",
        prefix: "consent",
        vocabulary: None,
    },
];
const GRAVE_SITE_FILTERS: &[TermFilter] = &[
    TermFilter {
        param: "type",
        prefix: "type",
        vocabulary: None,
    },
    TermFilter {
        param: "hazard",
        prefix: "hazard",
        vocabulary: None,
    },
];
const REMAINS_FILTERS: &[TermFilter] = &[TermFilter {
    param: "sex",
    prefix: "sex",
    vocabulary: None,
}];

fn term_filters(kind: Option<RecordKind>) -> &'static [TermFilter] {
    match kind {
        Some(RecordKind::Incident) => INCIDENT_FILTERS,
        Some(RecordKind::Person) => PERSON_FILTERS,
        Some(RecordKind::Evidence) => EVIDENCE_FILTERS,
        Some(RecordKind::Involvement) => INVOLVEMENT_FILTERS,
        Some(RecordKind::Communication) => COMMUNICATION_FILTERS,
        Some(RecordKind::MissingCase) => MISSING_CASE_FILTERS,
        Some(RecordKind::GraveSite) => GRAVE_SITE_FILTERS,
        Some(RecordKind::Remains) => REMAINS_FILTERS,
        Some(_) | None => &[],
    }
}

/// The links a list of `kind` filters on (`?incident_id=…`).
fn link_filters(kind: Option<RecordKind>) -> &'static [&'static str] {
    match kind {
        Some(RecordKind::Involvement | RecordKind::Evidence) => &["incident_id", "person_id"],
        Some(RecordKind::Communication) => &["incident_id", "person_id", "evidence_id", "recipient_id", "follows_id"],
        Some(RecordKind::MissingCase) => &["person_id"],
        Some(RecordKind::GraveSite) => &["incident_id"],
        Some(RecordKind::Exhumation) => &["grave_site_id"],
        Some(RecordKind::Remains) => &["grave_site_id", "exhumation_id", "identified_as"],
        _ => &[],
    }
}

pub fn encode_cursor(c: Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}.{}", c.key, c.id))
}

pub fn decode_cursor(s: &str) -> Option<Cursor> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (key, id) = text.split_once('.')?;
    Some(Cursor {
        key: key.parse().ok()?,
        id: Uuid::parse_str(id).ok()?,
    })
}

fn split_values(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty())
}

fn parse_bbox(value: &str) -> Result<BoundingBox, ApiError> {
    let bad = || ApiError::bad_field("bbox", "expected west,south,east,north in degrees");
    let n: Vec<f64> = value
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let [west, south, east, north] = n[..] else {
        return Err(bad());
    };
    if !n.iter().all(|v| v.is_finite())
        || !(-90.0..=90.0).contains(&south)
        || !(-90.0..=90.0).contains(&north)
        || !(-180.0..=180.0).contains(&west)
        || !(-180.0..=180.0).contains(&east)
        || south > north
    {
        return Err(bad());
    }
    Ok(BoundingBox {
        min_lat: south,
        min_lon: west,
        max_lat: north,
        max_lon: east,
    })
}

fn parse_sort(value: &str) -> Result<Sort, ApiError> {
    Ok(match value {
        "-created" | "created_desc" => Sort::CreatedDesc,
        "created" | "created_asc" => Sort::CreatedAsc,
        "-occurred" | "occurred_desc" => Sort::OccurredDesc,
        "occurred" | "occurred_asc" => Sort::OccurredAsc,
        "-updated" | "updated_desc" => Sort::UpdatedDesc,
        _ => {
            return Err(ApiError::bad_field(
                "sort",
                "expected one of created, -created, occurred, -occurred, -updated",
            ));
        }
    })
}

fn parse_date(field: &str, value: &str) -> Result<PartialDate, ApiError> {
    value
        .parse()
        .map_err(|e: evidentia_model::date::DateError| ApiError::bad_field(field, e.0))
}

/// Parses a list's query string for records of `kind` (or all kinds for search).
pub fn list_query(
    kind: Option<RecordKind>,
    viewer: Viewer,
    raw: Option<&str>,
    vocabularies: &Vocabularies,
    extra: &[&str],
) -> Result<(ListQuery, Vec<(String, String)>), ApiError> {
    let mut q = ListQuery::new(kind, viewer);
    q.limit = DEFAULT_LIMIT;
    // A person merged into another is shown through the survivor unless asked for.
    let mut include_merged = false;
    let (mut from, mut to) = (None, None);
    let mut rest = Vec::new();
    let filters = term_filters(kind);
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let (name, value) = (name.as_ref(), value.as_ref());
        if name.chars().chain(value.chars()).any(char::is_control) {
            return Err(ApiError::bad_field(name, "must not contain control characters"));
        }
        match name {
            "limit" => {
                let n: u32 = value
                    .parse()
                    .map_err(|_| ApiError::bad_field("limit", "must be a whole number"))?;
                if !(1..=MAX_LIMIT).contains(&n) {
                    return Err(ApiError::bad_field(
                        "limit",
                        format!("must be between 1 and {MAX_LIMIT}"),
                    ));
                }
                q.limit = n;
            }
            "cursor" => {
                q.after = Some(
                    decode_cursor(value)
                        .ok_or_else(|| ApiError::bad_field("cursor", "is not a cursor this API gave out"))?,
                );
            }
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(ApiError::bad_field(
                        "q",
                        format!("must be at most {MAX_QUERY_CHARS} characters"),
                    ));
                }
                if !value.trim().is_empty() {
                    q.text = Some(value.to_owned());
                }
            }
            "sort" => q.sort = parse_sort(value)?,
            "status" => q.statuses.extend(split_values(value).map(str::to_owned)),
            "from" => from = Some(parse_date("from", value)?),
            "to" => to = Some(parse_date("to", value)?),
            "bbox" => q.bbox = Some(parse_bbox(value)?),
            "organisation_id" => {
                q.organisation_id =
                    Some(Uuid::parse_str(value).map_err(|_| ApiError::bad_field("organisation_id", "is not a UUID"))?);
            }
            _ if link_filters(kind).contains(&name) => {
                let id = Uuid::parse_str(value).map_err(|_| ApiError::bad_field(name, "is not a UUID"))?;
                q.links.push((name.to_owned(), id));
            }
            "merged" if matches!(kind, Some(RecordKind::Person) | None) => {
                include_merged = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(ApiError::bad_field("merged", "must be true or false")),
                };
            }
            "merged_into" if kind == Some(RecordKind::Person) => {
                let id = Uuid::parse_str(value).map_err(|_| ApiError::bad_field(name, "is not a UUID"))?;
                q.links.push((name.to_owned(), id));
                include_merged = true;
            }
            "classification" => {
                q.classification = Some(
                    value
                        .parse::<Classification>()
                        .map_err(|e| ApiError::bad_field("classification", e))?,
                );
            }
            "published" => {
                q.published = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(ApiError::bad_field("published", "must be true or false")),
                });
            }
            _ => {
                if let Some(filter) = filters.iter().find(|f| f.param == name) {
                    for v in split_values(value) {
                        if let Some(vocabulary) = filter.vocabulary
                            && !vocabularies.contains(vocabulary, v)
                        {
                            return Err(ApiError::bad_field(
                                name,
                                format!("{v:?} is not a term of {vocabulary}"),
                            ));
                        }
                        q.terms.push(format!("{}:{v}", filter.prefix));
                    }
                } else if extra.contains(&name) {
                    rest.push((name.to_owned(), value.to_owned()));
                } else {
                    return Err(ApiError::bad_field(name, "is not a parameter of this list"));
                }
            }
        }
    }
    if from.is_some() || to.is_some() {
        let lo = from.map_or(i32::MIN, |d| d.first_key());
        let hi = to.map_or(i32::MAX, |d| d.last_key());
        if lo > hi {
            return Err(ApiError::bad_field("to", "is before from"));
        }
        q.period = Some((lo, hi));
    }
    if !include_merged && matches!(kind, Some(RecordKind::Person) | None) {
        q.without_terms.push(evidentia_model::person::MERGED_TERM.to_owned());
    }
    Ok((q, rest))
}

/// Parameters of a kind's list beyond the common ones and its term filters, read by
/// [`apply_kind_params`].
pub fn kind_params(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Communication => &["overdue"],
        _ => &[],
    }
}

/// Applies the parameters of [`kind_params`]: `overdue=true` keeps the communications waiting
/// for a substantive reply whose due date passed before `today`.
pub fn apply_kind_params(q: &mut ListQuery, rest: &[(String, String)], today: time::Date) -> Result<(), ApiError> {
    for (name, value) in rest {
        match (name.as_str(), value.as_str()) {
            ("overdue", "true") => {
                q.terms.push(evidentia_model::communication::AWAITING_TERM.to_owned());
                let last = evidentia_model::communication::overdue_key(today);
                q.period = Some(match q.period {
                    Some((lo, hi)) => (lo, hi.min(last)),
                    None => (i32::MIN, last),
                });
            }
            ("overdue", "false") => {}
            ("overdue", _) => return Err(ApiError::bad_field("overdue", "must be true or false")),
            (other, _) => return Err(ApiError::bad_field(other, "is not a parameter of this list")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<ListQuery, ApiError> {
        list_query(
            Some(RecordKind::Incident),
            Viewer::Public,
            Some(s),
            &Vocabularies::defaults(),
            &[],
        )
        .map(|(q, _)| q)
    }

    #[test]
    fn filters_are_read() {
        let q = parse(
            "limit=5&status=verified,disputed&category=killing&from=2014-07&to=2014&bbox=-35,46,-30,48&sort=occurred",
        )
        .unwrap();
        assert_eq!(q.limit, 5);
        assert_eq!(q.statuses, ["verified", "disputed"]);
        assert_eq!(q.terms, ["category:killing"]);
        assert_eq!(q.period, Some((20140701, 20141231)));
        assert_eq!(q.sort, Sort::OccurredAsc);
        assert!(q.bbox.is_some());
        assert_eq!(parse("from=2015").unwrap().period, Some((20150101, i32::MAX)));
        assert_eq!(parse("to=2015").unwrap().period, Some((i32::MIN, 20151231)));
    }

    #[test]
    fn bad_parameters_are_named() {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=abc", "limit"),
            ("limit=100000", "limit"),
            ("cursor=zzz", "cursor"),
            ("category=bombing", "category"),
            ("from=2015-02-30", "from"),
            ("from=2016&to=2015", "to"),
            ("bbox=1,2,3", "bbox"),
            ("bbox=0,91,1,92", "bbox"),
            ("sort=title", "sort"),
            ("catgory=killing", "catgory"),
            ("published=yes", "published"),
        ] {
            match parse(query) {
                Err(ApiError::BadRequest(_, errors)) => {
                    assert_eq!(errors[0].field, field, "{query}")
                }
                other => panic!("{query}: expected a bad request, got {other:?}"),
            }
        }
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            key: 20140717,
            id: Uuid::from_u128(42),
        };
        assert_eq!(decode_cursor(&encode_cursor(c)), Some(c));
    }
}
