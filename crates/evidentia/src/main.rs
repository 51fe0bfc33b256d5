//! The `evidentia` command.

mod accounts;
mod bench;
mod bench_http;
mod bench_linkage;
mod bench_photos;
mod cli;
mod commands;
mod config;
mod demo;
mod keys;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
