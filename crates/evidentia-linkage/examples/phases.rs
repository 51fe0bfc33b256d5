//! Times the phases of a run: `cargo run --release -p evidentia-linkage --example phases -- RECORDS`.
//! Also prints the threshold and a digest of the clusters, to check that a faster version of the
//! code gives the same result.
#![allow(clippy::print_stdout)]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use evidentia_linkage::simulate::{Config, generate};
use evidentia_linkage::{Linker, Parameters};

/// CPU seconds (user and system, all threads) used by the process so far; Linux only, else 0.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    // After the command: state, then ppid.. ; utime and stime are fields 14 and 15 of the line.
    let tick = |i: usize| fields.get(i).copied().unwrap_or(0.0) / 100.0;
    tick(10) + tick(11)
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let sim = generate(&Config::new(n, 1));
    let mut linker = Linker::new(Parameters::default());
    let c = cpu();
    let t = Instant::now();
    linker.insert(&sim.records);
    println!("insert {:.2?} (cpu {:.2} s)", t.elapsed(), cpu() - c);
    let c = cpu();
    let t = Instant::now();
    linker.estimate(1);
    println!("estimate {:.2?} (cpu {:.2} s)", t.elapsed(), cpu() - c);
    let c = cpu();
    let t = Instant::now();
    let stats = linker.link();
    println!("link {:.2?} (cpu {:.2} s) {stats:?}", t.elapsed(), cpu() - c);
    let mut digest = DefaultHasher::new();
    linker.clusters().hash(&mut digest);
    println!(
        "threshold {:.6}, clusters digest {:016x}",
        linker.params().threshold,
        digest.finish()
    );
}
