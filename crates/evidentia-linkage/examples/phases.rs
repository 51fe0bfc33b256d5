//! Times the phases of a run: `cargo run --release -p evidentia-linkage --example phases -- RECORDS`.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use evidentia_linkage::simulate::{Config, generate};
use evidentia_linkage::{Linker, Parameters};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let sim = generate(&Config::new(n, 1));
    let mut linker = Linker::new(Parameters::default());
    let t = Instant::now();
    linker.insert(&sim.records);
    println!("insert {:.2?}", t.elapsed());
    let t = Instant::now();
    linker.estimate(1);
    println!("estimate {:.2?}", t.elapsed());
    let t = Instant::now();
    let stats = linker.link();
    println!("link {:.2?} {stats:?}", t.elapsed());
}
