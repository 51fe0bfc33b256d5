//! `evidentia persons dedupe`: without `--input`, a report of the duplicate persons linkage
//! proposes in the store; with `--input LIST.csv --output CLUSTERS.csv`, the file handling around
//! `evidentia_linkage::dedupe`, with no data directory.
//!
//! The input is CSV with a header row; columns are found by name (see `evidentia_linkage::dedupe`),
//! fields that are not valid UTF-8 are read with replacement characters. The output is
//! `record_id,cluster_id`, one row per input record in input order, written to a temporary file
//! that is synced and renamed into place, so that a failed run never leaves half a file.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, anyhow};
use evidentia_linkage::dedupe::{DedupeOptions, dedupe};
use evidentia_model::Viewer;
use uuid::Uuid;

use crate::cli::Failure;
use crate::config::Config;

/// A problem with the input list (exit 2), as opposed to a failure to write the output (exit 1).
#[derive(Debug)]
pub struct BadInput(String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn bad_input(message: String) -> anyhow::Error {
    anyhow::Error::new(BadInput(message))
}

/// `--input LIST.csv --output CLUSTERS.csv`: clusters the list and prints a summary.
pub fn file(input: &Path, output: &Path) -> Result<(), Failure> {
    let report = run(input, output).map_err(|e| {
        if e.is::<BadInput>() {
            Failure::input(e)
        } else {
            Failure::from(e)
        }
    })?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{} records, {} clusters ({} with more than one record); {} pairs compared, {} linked at weight {:.1}; {} warnings; written to {}",
        report.records,
        report.clusters,
        report.merged_clusters,
        report.compared_pairs,
        report.linked_pairs,
        report.threshold,
        report.warning_count,
        output.display()
    );
    Ok(())
}

/// Without `--input`: the groups of persons in the store that linkage takes for one person, each
/// pair with its score and reasons. Pairs a reviewer rejected or confirmed are left out.
pub async fn store_report(config: &Config) -> Result<(), Failure> {
    let store = super::open_store(config).await?;
    let (proposals, persons) = evidentia_server::api::duplicates::queue(store.as_ref(), &Viewer::System, false)
        .await
        .context("cannot compute the proposals")?;
    // Groups: the connected pairs.
    let mut parent: HashMap<Uuid, Uuid> = HashMap::new();
    fn root(parent: &mut HashMap<Uuid, Uuid>, id: Uuid) -> Uuid {
        let mut r = id;
        while let Some(&p) = parent.get(&r).filter(|&&p| p != r) {
            r = p;
        }
        parent.insert(id, r);
        r
    }
    for p in &proposals {
        let [a, b] = p.person_ids;
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut groups: BTreeMap<Uuid, Vec<&evidentia_server::api::duplicates::Proposal>> = BTreeMap::new();
    for p in &proposals {
        let r = root(&mut parent, p.person_ids[0]);
        groups.entry(r).or_default().push(p);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "{} groups of possible duplicates among {} persons ({} pairs)\n",
        groups.len(),
        persons.len(),
        proposals.len()
    ));
    for (n, pairs) in groups.values().enumerate() {
        let mut members: Vec<Uuid> = pairs.iter().flat_map(|p| p.person_ids).collect();
        members.sort();
        members.dedup();
        out.push_str(&format!("\ngroup {} ({} persons)\n", n + 1, members.len()));
        for id in &members {
            let label = persons
                .get(id)
                .map(evidentia_server::api::duplicates::person_label)
                .unwrap_or_default();
            out.push_str(&format!("  {id}  {label}\n"));
        }
        for p in pairs {
            out.push_str(&format!(
                "  {} ~ {}  score {:.1}{}: {}\n",
                p.person_ids[0],
                p.person_ids[1],
                p.score,
                if p.deferred { " (deferred)" } else { "" },
                p.reasons
            ));
        }
    }
    #[allow(clippy::print_stdout)] // the product of this command
    {
        print!("{out}");
    }
    Ok(())
}

/// What a run did, for the command to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub records: usize,
    pub clusters: usize,
    /// Clusters of more than one record: the proposed duplicates.
    pub merged_clusters: usize,
    pub compared_pairs: u64,
    pub linked_pairs: u64,
    /// The match weight at which pairs were linked.
    pub threshold: f64,
    /// Fields that could not be read (treated as missing), at most 100 listed.
    pub warnings: Vec<String>,
    pub warning_count: usize,
}

/// Reads `input`, clusters its records and writes `output`.
///
/// # Errors
/// An unreadable or malformed input (naming the line), a missing `record_id` column, a missing or
/// duplicated record id (naming the row), or an output that cannot be written.
pub fn run(input: &Path, output: &Path) -> anyhow::Result<Report> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_path(input)
        .map_err(|e| bad_input(format!("cannot open {}: {e}", input.display())))?;
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| bad_input(format!("cannot read the header row of {}: {e}", input.display())))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(bad_input(format!(
            "{}: no header row (expected record_id, given_name, family_name, patronymic, birth_date, age, sex, residence)",
            input.display()
        )));
    }
    // Rows are kept as read (one buffer each) and turned into text one at a time as the core asks.
    let mut rows: Vec<csv::ByteRecord> = Vec::new();
    for (i, row) in reader.byte_records().enumerate() {
        let row = row.map_err(|e| {
            let line = e
                .position()
                .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
            bad_input(format!("{}: line {line}: {e}", input.display()))
        })?;
        rows.push(row);
    }
    let text = rows
        .iter()
        .map(|row| row.iter().map(String::from_utf8_lossy).collect::<Vec<_>>());
    let result = dedupe(&headers, text, &DedupeOptions::default())
        .map_err(|e| bad_input(format!("{}: {e}", input.display())))?;
    drop(rows);
    write_atomically(output, |out| {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["record_id", "cluster_id"])?;
        for (record, cluster) in &result.clusters {
            writer.write_record([record, cluster])?;
        }
        writer.flush()?;
        Ok(())
    })?;
    Ok(Report {
        records: result.records,
        clusters: result.cluster_count,
        merged_clusters: result.merged_clusters,
        compared_pairs: result.compared_pairs,
        linked_pairs: result.linked_pairs,
        threshold: result.params.threshold,
        warnings: result.warnings,
        warning_count: result.warning_count,
    })
}

/// Writes `path` through a temporary file in the same directory: write, sync, rename.
fn write_atomically(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let file = File::create(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out
            .into_inner()
            .map_err(|e| anyhow!("cannot write {}: {}", temp.display(), e.error()))?;
        file.sync_all()
            .with_context(|| format!("cannot sync {}", temp.display()))?;
        std::fs::rename(&temp, path)
            .with_context(|| format!("cannot rename {} to {}", temp.display(), path.display()))?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_a_small_list() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("list.csv");
        let output = dir.path().join("clusters.csv");
        std::fs::write(
            &input,
            "family_name,given_name,record_id,birth_date,notes\n\
             Шевчук,Олександр,a,1980-03-04,x\n\
             Shevchuk,Oleksandr,b,04.03.1980\n\
             \"Мельник, Ганна\",,c,1990\n",
        )?;
        let report = run(&input, &output)?;
        assert_eq!(report.records, 3);
        let written = std::fs::read_to_string(&output)?;
        assert_eq!(written, "record_id,cluster_id\na,a\nb,a\nc,c\n");
        Ok(())
    }

    #[test]
    fn a_duplicate_id_names_its_row() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("list.csv");
        std::fs::write(&input, "record_id,given_name\n1,Anna\n1,Inna\n")?;
        let err = run(&input, &dir.path().join("out.csv")).err().map(|e| format!("{e:#}"));
        assert!(err.as_deref().is_some_and(|e| e.contains("row 3")), "{err:?}");
        assert!(!dir.path().join("out.csv").exists());
        Ok(())
    }
}
