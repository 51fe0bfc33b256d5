//! Times adding a batch to a linked index: `cargo run --release -p evidentia-linkage --example
//! incremental -- [BASE] [BATCH]` (defaults 1,000,000 and 10,000). Parameters are estimated on the
//! base and kept for the batch, as a deployment would.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use evidentia_linkage::simulate::{Config, generate};
use evidentia_linkage::{Linker, Parameters};

fn main() {
    let base: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let batch: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let sim = generate(&Config::new(base + batch, 20_250_601));
    let (old, new) = sim.records.split_at(base);
    let mut linker = Linker::new(Parameters::default());
    let t = Instant::now();
    linker.insert(old);
    linker.estimate(1);
    let stats = linker.link();
    println!(
        "base: {base} records indexed and linked in {:.2?} ({stats:?})",
        t.elapsed()
    );
    let t = Instant::now();
    let stats = linker.add(new);
    println!("batch: {batch} records added in {:.2?} ({stats:?})", t.elapsed());
}
