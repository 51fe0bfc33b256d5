//! The core of `evidentia persons dedupe`: rows of a list in, `record_id,cluster_id` out.
//!
//! Columns are found by header name, in any order (`record_id`, `given_name`, `family_name`,
//! `patronymic`, `birth_date`, `age`, `sex`, `residence`, and a few common aliases); other columns
//! are ignored; any field but `record_id` may be empty. Rows are numbered as a spreadsheet shows
//! them: the header is row 1.

use std::collections::HashMap;

use crate::hash::FastMap;
use crate::linker::Linker;
use crate::parallel::map_chunks;
use crate::params::Parameters;
use crate::record::{PartialDate, PersonRecord, parse_age};

/// Why a list cannot be deduplicated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DedupeError {
    #[error("no record_id column (the header names: {0})")]
    NoIdColumn(String),
    #[error("row {row}: empty record_id")]
    EmptyId { row: usize },
    #[error("row {row}: record_id {id:?} already used in row {first}")]
    DuplicateId { row: usize, id: String, first: usize },
    #[error("row {row}: record_id longer than 200 bytes")]
    LongId { row: usize },
}

/// Settings of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupeOptions {
    /// Starting (or, without `estimate`, final) parameters.
    pub params: Parameters,
    /// Estimate `m` and `u` from the list itself (EM) before linking.
    pub estimate: bool,
    /// Seed of the random pairs used for the estimate.
    pub seed: u64,
}

impl Default for DedupeOptions {
    fn default() -> Self {
        DedupeOptions {
            params: Parameters::default(),
            estimate: true,
            seed: 1,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Dedupe {
    /// `(record_id, cluster_id)` in input order; the cluster id is the smallest record id in it.
    pub clusters: Vec<(String, String)>,
    pub records: usize,
    pub cluster_count: usize,
    /// Clusters with more than one record.
    pub merged_clusters: usize,
    pub compared_pairs: u64,
    pub linked_pairs: u64,
    /// Fields that could not be read and were treated as missing, by row (at most 100 listed).
    pub warnings: Vec<String>,
    pub warning_count: usize,
    /// The parameters used (after estimation).
    pub params: Parameters,
}

const COLUMNS: [(&str, &[&str]); 8] = [
    ("record_id", &["record_id", "id", "recordid", "record"]),
    (
        "given_name",
        &["given_name", "first_name", "given", "firstname", "name"],
    ),
    (
        "family_name",
        &["family_name", "last_name", "surname", "family", "lastname"],
    ),
    ("patronymic", &["patronymic", "middle_name", "father_name"]),
    (
        "birth_date",
        &["birth_date", "date_of_birth", "dob", "birthdate", "born"],
    ),
    ("age", &["age", "age_estimate"]),
    ("sex", &["sex", "gender"]),
    ("residence", &["residence", "place", "settlement", "address"]),
];

/// Records read before they are indexed.
const INSERT_BATCH: usize = 65_536;

/// A row as read: a record, or why there is none.
enum Row {
    Blank,
    EmptyId,
    LongId,
    Record {
        record: PersonRecord,
        bad_date: bool,
        bad_age: bool,
    },
}

/// Reads one row through the column positions (`columns[0]` is the `record_id` column).
fn read_row<S: AsRef<str>>(row: &[S], columns: &[Option<usize>]) -> Row {
    let get = |k: usize| -> String {
        columns
            .get(k)
            .copied()
            .flatten()
            .and_then(|c| row.get(c))
            .map(|v| v.as_ref().trim().to_owned())
            .unwrap_or_default()
    };
    let id = get(0);
    if id.is_empty() {
        return if row.iter().all(|v| v.as_ref().trim().is_empty()) {
            Row::Blank
        } else {
            Row::EmptyId
        };
    }
    if id.len() > 200 {
        return Row::LongId;
    }
    let record = PersonRecord {
        record_id: id,
        given_name: get(1),
        family_name: get(2),
        patronymic: get(3),
        birth_date: get(4),
        age: get(5),
        sex: get(6),
        residence: get(7),
    };
    Row::Record {
        bad_date: !record.birth_date.is_empty() && PartialDate::parse(&record.birth_date).is_none(),
        bad_age: !record.age.is_empty() && parse_age(&record.age).is_none(),
        record,
    }
}

/// Deduplicates a parsed list: `headers` are the header row, `rows` the data rows.
///
/// # Errors
/// [`DedupeError`] naming the row for a missing or duplicated `record_id`; nothing else stops a
/// run: unreadable dates and ages are treated as missing and reported as warnings.
pub fn dedupe<R: AsRef<[S]> + Sync, S: AsRef<str> + Sync>(
    headers: &[String],
    rows: impl IntoIterator<Item = R>,
    options: &DedupeOptions,
) -> Result<Dedupe, DedupeError> {
    let normalised: Vec<String> = headers
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .trim()
                .to_lowercase()
                .replace([' ', '-'], "_")
        })
        .collect();
    let position = |aliases: &[&str]| aliases.iter().find_map(|a| normalised.iter().position(|h| h == a));
    let columns: Vec<Option<usize>> = COLUMNS.iter().map(|(_, aliases)| position(aliases)).collect();
    if columns.first().copied().flatten().is_none() {
        return Err(DedupeError::NoIdColumn(headers.join(", ")));
    }
    let mut linker = Linker::new(options.params.clone());
    let workers = crate::linker::threads();
    // Rows are read and indexed a batch at a time (the same index as one call with all of them), so
    // that the rows as read need not all be held twice; each batch's rows are read on all threads,
    // and their ids and warnings then checked in order.
    let mut rows = rows.into_iter();
    let mut batch: Vec<R> = Vec::with_capacity(INSERT_BATCH);
    let mut records = Vec::with_capacity(INSERT_BATCH);
    let mut record_count = 0;
    let mut row_count = 0;
    let mut first_row: FastMap<String, usize> = FastMap::default();
    first_row.reserve(rows.size_hint().0.min(1 << 24));
    let mut warnings = Vec::new();
    let mut warning_count = 0;
    loop {
        batch.clear();
        batch.extend(rows.by_ref().take(INSERT_BATCH));
        if batch.is_empty() {
            break;
        }
        let read = map_chunks(&batch, workers, |part| {
            part.iter()
                .map(|row| read_row(row.as_ref(), &columns))
                .collect::<Vec<_>>()
        });
        for row in read.into_iter().flatten() {
            row_count += 1;
            let row_number = row_count + 1;
            let (record, bad_date, bad_age) = match row {
                Row::Blank => continue,
                Row::EmptyId => return Err(DedupeError::EmptyId { row: row_number }),
                Row::LongId => return Err(DedupeError::LongId { row: row_number }),
                Row::Record {
                    record,
                    bad_date,
                    bad_age,
                } => (record, bad_date, bad_age),
            };
            if let Some(&first) = first_row.get(&record.record_id) {
                return Err(DedupeError::DuplicateId {
                    row: row_number,
                    id: record.record_id,
                    first,
                });
            }
            first_row.insert(record.record_id.clone(), row_number);
            let mut warn = |text: String| {
                warning_count += 1;
                if warnings.len() < 100 {
                    warnings.push(text);
                }
            };
            if bad_date {
                warn(format!(
                    "row {row_number}: birth_date {:?} is not a date; ignored",
                    clip(&record.birth_date)
                ));
            }
            if bad_age {
                warn(format!(
                    "row {row_number}: age {:?} is not an age; ignored",
                    clip(&record.age)
                ));
            }
            records.push(record);
        }
        linker.insert(&records);
        record_count += records.len();
        records.clear();
    }
    drop((batch, records));
    if options.estimate {
        linker.estimate(options.seed);
    }
    let stats = linker.link();
    let clusters: Vec<(String, String)> = linker
        .clusters()
        .into_iter()
        .map(|(r, c)| (r.to_owned(), c.to_owned()))
        .collect();
    let sizes = linker.cluster_sizes();
    let params = linker.params().clone();
    free_in_background((linker, first_row));
    Ok(Dedupe {
        records: record_count,
        cluster_count: sizes.iter().filter(|&&n| n > 0).count(),
        merged_clusters: sizes.iter().filter(|&&n| n > 1).count(),
        compared_pairs: stats.compared,
        linked_pairs: stats.linked,
        warnings,
        warning_count,
        params,
        clusters,
    })
}

/// Drops `value` on a thread of its own. The index of a million records holds millions of small
/// allocations, and freeing them takes most of a second that the caller need not wait for (a
/// command that exits next leaves it to the system).
fn free_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, `spawn` drops the closure, and the value in it, here.
    drop(
        std::thread::Builder::new()
            .name("dedupe-free".to_owned())
            .spawn(move || drop(value)),
    );
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Pairwise precision, recall and F1 of `clusters` against `truth` (both `(record_id, label)`);
/// records missing from `truth` count as their own entity.
#[must_use]
pub fn pairwise_scores(clusters: &[(String, String)], truth: &[(String, String)]) -> (f64, f64, f64) {
    let entity: HashMap<&str, &str> = truth.iter().map(|(r, e)| (r.as_str(), e.as_str())).collect();
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut by_cluster: HashMap<&str, u64> = HashMap::new();
    let mut by_entity: HashMap<&str, u64> = HashMap::new();
    let mut by_both: HashMap<(&str, &str), u64> = HashMap::new();
    for (r, c) in clusters {
        let e = entity.get(r.as_str()).copied().unwrap_or(r.as_str());
        *by_cluster.entry(c.as_str()).or_default() += 1;
        *by_entity.entry(e).or_default() += 1;
        *by_both.entry((c.as_str(), e)).or_default() += 1;
    }
    let predicted: u64 = by_cluster.values().map(|&n| pairs(n)).sum();
    let actual: u64 = by_entity.values().map(|&n| pairs(n)).sum();
    let correct: u64 = by_both.values().map(|&n| pairs(n)).sum();
    let precision = if predicted == 0 {
        1.0
    } else {
        correct as f64 / predicted as f64
    };
    let recall = if actual == 0 {
        1.0
    } else {
        correct as f64 / actual as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    (precision, recall, f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_in_any_order_and_extra_columns() -> Result<(), DedupeError> {
        let headers = strings(&["notes", "Family Name", "record_id", "given_name", "birth_date"]);
        let rows = vec![
            strings(&["x", "Шевчук", "a", "Олександр", "1980-03-04"]),
            strings(&["y", "Shevchuk", "b", "Oleksandr", "04.03.1980"]),
            strings(&["z", "Мельник", "c", "Ганна", "1990"]),
            strings(&["", "", "d"]),
        ];
        let out = dedupe(
            &headers,
            rows,
            &DedupeOptions {
                estimate: false,
                ..DedupeOptions::default()
            },
        )?;
        let cluster = |id: &str| out.clusters.iter().find(|(r, _)| r == id).map(|(_, c)| c.clone());
        assert_eq!(cluster("a"), Some("a".to_owned()));
        assert_eq!(cluster("b"), Some("a".to_owned()));
        assert_eq!(cluster("c"), Some("c".to_owned()));
        assert_eq!(cluster("d"), Some("d".to_owned()));
        assert_eq!((out.records, out.cluster_count, out.merged_clusters), (4, 3, 1));
        assert_eq!(out.records, 4);
        Ok(())
    }

    #[test]
    fn bad_rows_are_named() {
        let headers = strings(&["record_id", "given_name"]);
        let dup = dedupe(
            &headers,
            vec![strings(&["a", "X"]), strings(&["a", "Y"])],
            &DedupeOptions::default(),
        );
        assert_eq!(
            dup.err(),
            Some(DedupeError::DuplicateId {
                row: 3,
                id: "a".into(),
                first: 2
            })
        );
        let empty = dedupe(
            &headers,
            vec![strings(&["a", "X"]), strings(&["", "Y"])],
            &DedupeOptions::default(),
        );
        assert_eq!(empty.err(), Some(DedupeError::EmptyId { row: 3 }));
        let none = dedupe(
            &strings(&["name"]),
            Vec::<Vec<String>>::new(),
            &DedupeOptions::default(),
        );
        assert!(matches!(none, Err(DedupeError::NoIdColumn(_))));
    }

    #[test]
    fn rows_are_numbered_across_blank_lines_and_batches() {
        let headers = strings(&["record_id", "birth_date"]);
        // Row 2 is blank; row k + 3 holds record `r{k}`; the rows span two batches.
        let n = INSERT_BATCH + 10;
        let rows = |extra: Vec<Vec<String>>| {
            std::iter::once(strings(&["", ""]))
                .chain((0..n).map(|k| vec![format!("r{k}"), String::new()]))
                .chain(extra)
                .collect::<Vec<_>>()
        };
        let dup = dedupe(&headers, rows(vec![strings(&["r5", ""])]), &DedupeOptions::default());
        assert_eq!(
            dup.err(),
            Some(DedupeError::DuplicateId {
                row: n + 3,
                id: "r5".into(),
                first: 8
            })
        );
        let long = dedupe(
            &headers,
            rows(vec![strings(&["x", ""]), vec!["y".repeat(201), String::new()]]),
            &DedupeOptions::default(),
        );
        assert_eq!(long.err(), Some(DedupeError::LongId { row: n + 4 }));
        let mut late_warnings = rows(vec![strings(&["x", "soon"]), strings(&["y", "0000-00-00"])]);
        if let Some(row) = late_warnings.get_mut(3) {
            row[1] = "yesterday".to_owned();
        }
        let out = dedupe(&headers, late_warnings, &DedupeOptions::default());
        let warned: Vec<String> = out
            .map(|o| {
                o.warnings
                    .iter()
                    .map(|w| w.split(':').next().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            warned,
            ["row 5".to_owned(), format!("row {}", n + 3), format!("row {}", n + 4)]
        );
    }

    #[test]
    fn unreadable_fields_are_warnings() -> Result<(), DedupeError> {
        let headers = strings(&["record_id", "birth_date", "age"]);
        let out = dedupe(
            &headers,
            vec![strings(&["a", "0000-00-00", "old"])],
            &DedupeOptions::default(),
        )?;
        assert_eq!(out.warning_count, 2);
        assert!(
            out.warnings.iter().all(|w| w.starts_with("row 2:")),
            "{:?}",
            out.warnings
        );
        Ok(())
    }

    #[test]
    fn pairwise_scores_count_pairs() {
        let s = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>()
        };
        let truth = s(&[("1", "A"), ("2", "A"), ("3", "A"), ("4", "B")]);
        let clusters = s(&[("1", "1"), ("2", "1"), ("3", "3"), ("4", "3")]);
        let (p, r, f) = pairwise_scores(&clusters, &truth);
        assert!((p - 0.5).abs() < 1e-9);
        assert!((r - 1.0 / 3.0).abs() < 1e-9);
        assert!((f - 0.4).abs() < 1e-9);
    }
}
