//! The SQL both backends share: list filters, classification rules, ordering and cursors are
//! written once and rendered in each dialect, so the two backends cannot disagree about which
//! records a caller sees.

use evidentia_linkage::normalise::{WordKeys, word_keys};
use evidentia_model::{Classification, Viewer};
use uuid::Uuid;

use crate::{ListQuery, Sort};

/// Query words beyond this many are ignored: a search box is not a document.
pub const MAX_SEARCH_WORDS: usize = 16;

/// The normalised words of a search, at most [`MAX_SEARCH_WORDS`].
pub fn search_words(text: &str) -> Vec<WordKeys> {
    let mut words = word_keys(text);
    words.truncate(MAX_SEARCH_WORDS);
    words
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
    Uuid(Uuid),
}

/// SQL text with its parameters, placeholders numbered for the dialect.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    pub text: String,
    pub params: Vec<Param>,
    dialect: Dialect,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Self {
        Self {
            text: String::new(),
            params: Vec::new(),
            dialect,
        }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `p`.
    pub fn bind(&mut self, p: Param) -> &mut Self {
        self.params.push(p);
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                let n = self.params.len();
                let cast = match self.params.last() {
                    Some(Param::Uuid(_)) => "::uuid",
                    Some(Param::Int(_)) => "::bigint",
                    Some(Param::Real(_)) => "::float8",
                    Some(Param::Bool(_)) => "::boolean",
                    _ => "",
                };
                self.text.push_str(&format!("${n}{cast}"));
            }
        }
        self
    }
}

/// Columns read for a [`crate::StoredRecord`], in the order the backends decode them.
pub(crate) const RECORD_COLUMNS: &str = "r.id, r.kind, r.organisation_id, r.classification, r.version, \
     r.created_at, r.created_by, r.updated_at, r.updated_by, r.published, r.body";

fn sort_key(sort: Sort) -> &'static str {
    match sort {
        Sort::CreatedDesc | Sort::CreatedAsc => "0",
        Sort::OccurredDesc | Sort::OccurredAsc => "COALESCE(r.period_from, 0)",
        Sort::UpdatedDesc => "r.updated_key",
    }
}

fn descending(sort: Sort) -> bool {
    matches!(sort, Sort::CreatedDesc | Sort::OccurredDesc | Sort::UpdatedDesc)
}

/// The key a cursor after `r` holds for this sort.
pub(crate) fn cursor_key(sort: Sort, period_from: Option<i64>, updated_key: i64) -> i64 {
    match sort {
        Sort::CreatedDesc | Sort::CreatedAsc => 0,
        Sort::OccurredDesc | Sort::OccurredAsc => period_from.unwrap_or(0),
        Sort::UpdatedDesc => updated_key,
    }
}

fn text_match(sql: &mut Sql, words: &[WordKeys]) {
    let dialect = sql.dialect;
    let query = words
        .iter()
        .map(|w| match dialect {
            Dialect::Sqlite if w.latin.is_empty() => format!("\"_{}\"", w.skeleton),
            Dialect::Sqlite => format!("(\"{}\"* OR \"_{}\")", w.latin, w.skeleton),
            Dialect::Postgres if w.latin.is_empty() => format!("'_{}'", w.skeleton),
            Dialect::Postgres => format!("('{}':* | '_{}')", w.latin, w.skeleton),
        })
        .collect::<Vec<_>>();
    match dialect {
        Dialect::Sqlite => {
            sql.push(" AND r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ");
            sql.bind(Param::Text(query.join(" AND "))).push(")");
        }
        Dialect::Postgres => {
            sql.push(" AND r.search_vec @@ ");
            sql.bind(Param::Text(query.join(" & "))).push("::text::tsquery");
        }
    }
}

fn in_list(sql: &mut Sql, column: &str, ids: &[Uuid]) {
    sql.push(column).push(" IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Param::Uuid(*id));
    }
    sql.push(")");
}

/// The classification rule of [`Viewer::may_read`], as SQL.
fn visibility(sql: &mut Sql, viewer: &Viewer) {
    match viewer {
        Viewer::System => {}
        Viewer::Public => {
            sql.push(" AND r.classification = 'public' AND r.published = ");
            sql.bind(Param::Bool(true));
        }
        Viewer::Staff { memberships, .. } if memberships.is_empty() => {
            sql.push(" AND 1 = 0");
        }
        Viewer::Staff { .. } => {
            sql.push(" AND (r.classification IN ('public', 'internal')");
            let restricted = viewer.restricted_orgs();
            sql.push(" OR (r.classification = 'restricted' AND ");
            in_list(sql, "r.organisation_id", &restricted);
            sql.push(")");
            let confidential = viewer.confidential_orgs();
            if !confidential.is_empty() {
                sql.push(" OR (r.classification = 'confidential' AND ");
                in_list(sql, "r.organisation_id", &confidential);
                sql.push(")");
            }
            sql.push(")");
        }
    }
}

fn classification_name(c: Classification) -> String {
    c.as_str().to_owned()
}

/// What a [`list_sql`] statement selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Select {
    /// A page of records, sorted, after the cursor.
    Page,
    /// The number of matches.
    Count,
    /// The matches with a period, counted by (first month, last month) as `YYYYMM` numbers.
    MonthSpans,
}

/// `SELECT` of a page, of the number of matches, or of their month spans.
pub(crate) fn list_sql(q: &ListQuery, dialect: Dialect, select: Select) -> Sql {
    let mut sql = Sql::new(dialect);
    if select == Select::Count {
        sql.push("SELECT COUNT(*) FROM records r WHERE 1 = 1");
    } else if select == Select::MonthSpans {
        sql.push(
            "SELECT CAST(r.period_from / 100 AS BIGINT), CAST(r.period_to / 100 AS BIGINT), COUNT(*) \
             FROM records r WHERE r.period_from IS NOT NULL AND r.period_to IS NOT NULL",
        );
    } else {
        sql.push("SELECT ")
            .push(RECORD_COLUMNS)
            .push(", r.period_from, r.updated_key FROM records r WHERE 1 = 1");
    }
    if let Some(kind) = q.kind {
        sql.push(" AND r.kind = ").bind(Param::Text(kind.as_str().to_owned()));
    }
    visibility(&mut sql, &q.viewer);
    if !q.statuses.is_empty() {
        sql.push(" AND r.status IN (");
        for (i, s) in q.statuses.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Param::Text(s.clone()));
        }
        sql.push(")");
    }
    for term in &q.terms {
        sql.push(" AND r.id IN (SELECT t.record_id FROM record_terms t WHERE t.term = ");
        sql.bind(Param::Text(term.clone())).push(")");
    }
    for term in &q.without_terms {
        sql.push(" AND r.id NOT IN (SELECT t.record_id FROM record_terms t WHERE t.term = ");
        sql.bind(Param::Text(term.clone())).push(")");
    }
    for (field, id) in &q.links {
        sql.push(" AND r.id IN (SELECT l.record_id FROM record_links l WHERE l.target_id = ");
        sql.bind(Param::Uuid(*id))
            .push(" AND l.field = ")
            .bind(Param::Text(field.clone()))
            .push(")");
    }
    if let Some((from, to)) = q.period {
        sql.push(" AND r.period_from <= ").bind(Param::Int(i64::from(to)));
        sql.push(" AND r.period_to >= ").bind(Param::Int(i64::from(from)));
    }
    if let Some(b) = q.bbox {
        sql.push(" AND r.lat BETWEEN ")
            .bind(Param::Real(b.min_lat))
            .push(" AND ")
            .bind(Param::Real(b.max_lat));
        if b.min_lon <= b.max_lon {
            sql.push(" AND r.lon BETWEEN ")
                .bind(Param::Real(b.min_lon))
                .push(" AND ")
                .bind(Param::Real(b.max_lon));
        } else {
            // The box crosses the antimeridian.
            sql.push(" AND (r.lon >= ")
                .bind(Param::Real(b.min_lon))
                .push(" OR r.lon <= ")
                .bind(Param::Real(b.max_lon))
                .push(")");
        }
    }
    if let Some(text) = &q.text {
        let words = search_words(text);
        if words.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            text_match(&mut sql, &words);
        }
    }
    if let Some(org) = q.organisation_id {
        sql.push(" AND r.organisation_id = ").bind(Param::Uuid(org));
    }
    if let Some(c) = q.classification {
        sql.push(" AND r.classification = ")
            .bind(Param::Text(classification_name(c)));
    }
    if let Some(p) = q.published {
        sql.push(" AND r.published = ").bind(Param::Bool(p));
    }
    match select {
        Select::Count => return sql,
        Select::MonthSpans => {
            sql.push(" GROUP BY 1, 2");
            return sql;
        }
        Select::Page => {}
    }
    let key = sort_key(q.sort);
    let desc = descending(q.sort);
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = q.after {
        if key == "0" {
            sql.push(&format!(" AND r.id {cmp} ")).bind(Param::Uuid(c.id));
        } else {
            // A row comparison, so that both databases walk the (kind, key, id) index.
            sql.push(&format!(" AND ({key}, r.id) {cmp} (")).bind(Param::Int(c.key));
            sql.push(", ").bind(Param::Uuid(c.id)).push(")");
        }
    }
    if key == "0" {
        sql.push(&format!(" ORDER BY r.id {dir}"));
    } else {
        sql.push(&format!(" ORDER BY {key} {dir}, r.id {dir}"));
    }
    // One more than asked tells whether there is a next page.
    sql.push(" LIMIT ")
        .bind(Param::Int(i64::from(q.limit.clamp(1, 1000)) + 1));
    sql
}

/// One row of [`Select::MonthSpans`] as the store answers it.
pub(crate) fn month_span(from: i64, to: i64, records: i64) -> (i32, i32, u64) {
    (
        i32::try_from(from).unwrap_or(i32::MAX),
        i32::try_from(to).unwrap_or(i32::MAX),
        u64::try_from(records).unwrap_or(0),
    )
}
