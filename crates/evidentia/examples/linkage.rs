//! Runs the linkage command and benchmark until they are wired into `evidentia`'s command line:
//!
//!   cargo run --release -p evidentia --example linkage -- dedupe LIST.csv CLUSTERS.csv
//!   cargo run --release -p evidentia --example linkage -- bench OUT_DIR SIZE...
//!
//! The modules are the binary's own files, compiled here through `#[path]`.
#![allow(clippy::print_stdout)]

#[path = "../src/commands/dedupe.rs"]
pub mod dedupe_command;
mod commands {
    pub use super::dedupe_command as dedupe;
}
#[path = "../src/bench_linkage.rs"]
mod bench_linkage;

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, input, output] if command == "dedupe" => {
            let report = commands::dedupe::run(&PathBuf::from(input), &PathBuf::from(output))?;
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            println!(
                "{} records, {} clusters ({} with more than one record); {} pairs compared, {} linked at weight {:.1}; {} warnings",
                report.records,
                report.clusters,
                report.merged_clusters,
                report.compared_pairs,
                report.linked_pairs,
                report.threshold,
                report.warning_count
            );
            Ok(())
        }
        [command, out_dir, sizes @ ..] if command == "bench" && !sizes.is_empty() => {
            let sizes = sizes
                .iter()
                .map(|s| s.parse::<usize>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow::anyhow!("sizes must be numbers: {e}"))?;
            bench_linkage::run(&sizes, &PathBuf::from(out_dir))
        }
        _ => {
            eprintln!("usage: linkage dedupe INPUT.csv OUTPUT.csv | linkage bench OUT_DIR SIZE...");
            std::process::exit(2);
        }
    }
}
