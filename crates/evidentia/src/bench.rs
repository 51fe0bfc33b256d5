//! Benchmarks (figures in docs/PERFORMANCE.md).

use clap::Subcommand;

use crate::cli::Failure;
use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {}

pub async fn run(command: BenchCommand, _config: &Config) -> Result<(), Failure> {
    match command {}
}
