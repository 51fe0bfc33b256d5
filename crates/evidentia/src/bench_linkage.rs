//! The linkage benchmark: simulated lists with known truth, deduplicated through the same path as
//! `evidentia persons dedupe` (CSV in, CSV out), scored pairwise against the truth.
//!
//! For each size it writes `persons-SIZE.csv` and `truth-SIZE.csv` into the output directory (the
//! input of the Splink comparison in `scripts/bench-linkage`), `evidentia-clusters-SIZE.csv`, and
//! `evidentia-SIZE.json` with the figures, and prints a table.
//!
//! The deduplication runs in a child process of its own (`bench linkage-run`), as Splink does and
//! as a user's `persons dedupe` does, so that nothing of the generator (its heap, its memory) is
//! measured with it. The child times the run from opening the list to the written clusters
//! (process start-up excluded, as Splink's is), and reports its peak memory: the
//! process's VmHWM, reset before the run through `/proc/self/clear_refs` (Linux); where that is
//! not possible it is reported as unknown.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, anyhow};
use evidentia_linkage::dedupe::pairwise_scores;
use evidentia_linkage::simulate::{Config, generate, write_records_csv, write_truth_csv};

/// Seed of the simulated lists: fixed, so that every run measures the same data.
const SEED: u64 = 20_250_601;

/// One size's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figures {
    pub records: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub seconds: f64,
    pub peak_mib: Option<f64>,
    pub clusters: usize,
    pub threshold: f64,
}

/// What the child process measured (`bench linkage-run`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub seconds: f64,
    pub peak_mib: Option<f64>,
    pub clusters: usize,
    pub threshold: f64,
}

/// Generates, links and scores each size in `sizes`, writing files into `out_dir`.
///
/// # Errors
/// Files that cannot be written or read back, or a run that fails.
pub fn run(sizes: &[usize], out_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let exe = std::env::current_exe().context("no executable path")?;
    let mut all = Vec::new();
    for &size in sizes {
        let input = out_dir.join(format!("persons-{size}.csv"));
        let truth_path = out_dir.join(format!("truth-{size}.csv"));
        let output = out_dir.join(format!("evidentia-clusters-{size}.csv"));
        let measured = out_dir.join(format!("evidentia-run-{size}.json"));
        let truth = {
            let sim = generate(&Config::new(size, SEED));
            let file = File::create(&input).with_context(|| format!("cannot create {}", input.display()))?;
            write_records_csv(&sim.records, BufWriter::new(file))?;
            let file = File::create(&truth_path).with_context(|| format!("cannot create {}", truth_path.display()))?;
            write_truth_csv(&sim.truth, BufWriter::new(file))?;
            sim.truth
        };
        let status = Command::new(&exe)
            .args(["bench", "linkage-run", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output)
            .arg("--figures")
            .arg(&measured)
            .status()
            .with_context(|| format!("cannot run {}", exe.display()))?;
        if !status.success() {
            return Err(anyhow!("the deduplication of {} failed ({status})", input.display()));
        }
        let run: Run = serde_json::from_slice(
            &std::fs::read(&measured).with_context(|| format!("cannot read {}", measured.display()))?,
        )
        .with_context(|| format!("cannot read {}", measured.display()))?;
        let clusters = read_pairs(&output)?;
        let (precision, recall, f1) = pairwise_scores(&clusters, &truth);
        let figures = Figures {
            records: size,
            precision,
            recall,
            f1,
            seconds: run.seconds,
            peak_mib: run.peak_mib,
            clusters: run.clusters,
            threshold: run.threshold,
        };
        let json = out_dir.join(format!("evidentia-{size}.json"));
        std::fs::write(&json, serde_json::to_vec_pretty(&figures)?)
            .with_context(|| format!("cannot write {}", json.display()))?;
        all.push(figures);
    }
    eprintln!("| records | precision | recall | F1 | time (s) | peak memory (MiB) | clusters |");
    eprintln!("|---:|---:|---:|---:|---:|---:|---:|");
    for f in &all {
        let peak = f.peak_mib.map_or_else(|| "?".to_owned(), |m| format!("{m:.0}"));
        eprintln!(
            "| {} | {:.4} | {:.4} | {:.4} | {:.2} | {peak} | {} |",
            f.records, f.precision, f.recall, f.f1, f.seconds, f.clusters
        );
    }
    Ok(())
}

/// `bench linkage-run`: deduplicates `input` into `output` as `persons dedupe --input` does, and
/// writes the time and peak memory of the run to `figures` (JSON).
///
/// # Errors
/// The run's own errors, or a figures file that cannot be written.
pub fn measure(input: &Path, output: &Path, figures: &Path) -> anyhow::Result<()> {
    let reset = reset_peak_memory();
    let start = Instant::now();
    let report = crate::commands::dedupe::run(input, output)?;
    let run = Run {
        seconds: start.elapsed().as_secs_f64(),
        peak_mib: if reset { peak_memory_mib() } else { None },
        clusters: report.clusters,
        threshold: report.threshold,
    };
    std::fs::write(figures, serde_json::to_vec_pretty(&run)?)
        .with_context(|| format!("cannot write {}", figures.display()))
}

/// Reads a two-column CSV with a header (`record_id,cluster_id` or `record_id,entity_id`).
fn read_pairs(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.with_context(|| format!("cannot read {}", path.display()))?;
        out.push((row.get(0).unwrap_or("").to_owned(), row.get(1).unwrap_or("").to_owned()));
    }
    Ok(out)
}

/// Resets the process's peak resident set size (Linux: writing 5 to `/proc/self/clear_refs`).
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak resident set size since the last reset, from `/proc/self/status`.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let fields: HashMap<&str, &str> = status.lines().filter_map(|l| l.split_once(':')).collect();
    let kib: f64 = fields.get("VmHWM")?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}
