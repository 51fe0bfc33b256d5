//! Benchmarks. Figures and the commands that produce them are in docs/PERFORMANCE.md; nothing
//! here asserts a speed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use clap::Subcommand;
use evidentia_model::{Classification, Clock, Meta, RecordBody, RecordKind, Role, SystemClock, Viewer};
use evidentia_store::{ListQuery, NewRecord, Organisation, Store};
use uuid::Uuid;

use crate::cli::Failure;
use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Inserts persons and incidents through the Store, then measures search latency.
    Store {
        #[arg(long, default_value_t = 1_000_000)]
        persons: usize,
        #[arg(long, default_value_t = 200_000)]
        incidents: usize,
        /// Records per insert call (one transaction each).
        #[arg(long, default_value_t = 5_000)]
        batch: usize,
        /// Runs of each search query.
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// Appends events to the tamper-evident log, then measures inclusion- and consistency-proof
    /// latency at that size.
    Log {
        #[arg(long, default_value_t = 1_000_000)]
        leaves: u64,
        /// Events per append (one transaction each).
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
        /// Proofs of each kind to time.
        #[arg(long, default_value_t = 1_000)]
        proofs: usize,
    },
    /// Writes distinct small JPEG photos with EXIF capture times (the ingest benchmark's input).
    Photos {
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Serves the data directory in a child process and measures its memory at idle and under
    /// GET load, with request latency.
    Http {
        /// Concurrent clients.
        #[arg(long, default_value_t = 20)]
        concurrency: usize,
        /// Seconds of load per path.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Paths to load (default: lists, a search and a record).
        #[arg(long)]
        path: Vec<String>,
    },
    /// Deduplicates simulated lists with known truth through the `persons dedupe` path and
    /// scores the clusters (the Evidentia half of `scripts/bench-linkage`).
    Linkage {
        /// Directory for the lists, the clusters and the figures.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Records per list.
        #[arg(required = true)]
        sizes: Vec<usize>,
    },
    /// One measured deduplication of `bench linkage`, in a process of its own.
    #[command(hide = true)]
    LinkageRun {
        #[arg(long)]
        input: std::path::PathBuf,
        #[arg(long)]
        output: std::path::PathBuf,
        /// Where the time and peak memory are written (JSON).
        #[arg(long)]
        figures: std::path::PathBuf,
    },
}

pub async fn run(command: BenchCommand, config: &Config) -> Result<(), Failure> {
    match command {
        BenchCommand::Store {
            persons,
            incidents,
            batch,
            runs,
        } => store_bench(config, persons, incidents, batch.max(1), runs.max(1)).await,
        BenchCommand::Log { leaves, batch, proofs } => log_bench(config, leaves, batch.max(1), proofs.max(1)).await,
        BenchCommand::Photos { count, out } => crate::bench_photos::run(count, &out),
        BenchCommand::Http {
            concurrency,
            seconds,
            path,
        } => crate::bench_http::run(config, concurrency.max(1), Duration::from_secs(seconds.max(1)), path).await,
        BenchCommand::Linkage { out, sizes } => Ok(crate::bench_linkage::run(&sizes, &out)?),
        BenchCommand::LinkageRun { input, output, figures } => {
            Ok(crate::bench_linkage::measure(&input, &output, &figures)?)
        }
    }
}

/// Resident set size and its peak, in KiB, from `/proc/PID/status` (Linux).
pub fn memory_kib(pid: Option<u32>) -> (u64, u64) {
    let path = pid.map_or_else(|| "/proc/self/status".to_owned(), |p| format!("/proc/{p}/status"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The value below which `q` of the sorted samples lie.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn insert_stream<B: RecordBody>(
    store: &dyn Store,
    clock: &dyn Clock,
    org: Uuid,
    user: Uuid,
    items: impl Iterator<Item = B>,
    total: usize,
    batch: usize,
) -> Result<Duration, Failure> {
    let bar = indicatif::ProgressBar::new(total as u64).with_message(B::KIND.as_str());
    let started = Instant::now();
    let mut pending = Vec::with_capacity(batch);
    for (i, body) in items.take(total).enumerate() {
        let now = clock.now();
        let classification = if i % 10 == 0 {
            Classification::Restricted
        } else {
            Classification::Internal
        };
        pending.push(NewRecord {
            kind: B::KIND,
            meta: Meta {
                id: clock.new_id(),
                organisation_id: org,
                classification: classification.max(body.minimum_classification()),
                created_at: now,
                created_by: user,
                updated_at: now,
                updated_by: user,
                version: 1,
            },
            body: serde_json::to_value(&body).map_err(|e| anyhow!(e))?,
            index: body.index(),
        });
        if pending.len() == batch {
            store.insert(std::mem::take(&mut pending)).await?;
            bar.inc(batch as u64);
        }
    }
    if !pending.is_empty() {
        store.insert(pending).await?;
    }
    bar.finish_and_clear();
    Ok(started.elapsed())
}

async fn store_bench(
    config: &Config,
    persons: usize,
    incidents: usize,
    batch: usize,
    runs: usize,
) -> Result<(), Failure> {
    let store = crate::commands::open_store(config).await?;
    let clock = SystemClock;
    let org = Organisation {
        id: clock.new_id(),
        name: format!("Benchmark {}", clock.new_id()),
        created_at: clock.now(),
    };
    store.create_organisation(&org).await?;
    let user = clock.new_id();
    let seed = evidentia_demo::DEFAULT_SEED;

    let t = insert_stream(
        store.as_ref(),
        &clock,
        org.id,
        user,
        evidentia_demo::persons(seed),
        persons,
        batch,
    )
    .await?;
    let (_, peak_persons) = memory_kib(None);
    report("insert persons", persons, t);
    let t = insert_stream(
        store.as_ref(),
        &clock,
        org.id,
        user,
        evidentia_demo::incidents(seed),
        incidents,
        batch,
    )
    .await?;
    let (_, peak) = memory_kib(None);
    report("insert incidents", incidents, t);
    #[allow(clippy::print_stdout)]
    {
        println!(
            "peak memory (VmHWM) after persons: {} MiB, after incidents: {} MiB",
            peak_persons / 1024,
            peak / 1024
        );
    }

    let viewer = Viewer::Staff {
        user_id: user,
        memberships: vec![(org.id, Role::Investigator)],
    };
    let queries: Vec<(&str, ListQuery)> = vec![
        (
            "persons: name in Latin (Oleksandr Koval)",
            ListQuery {
                text: Some("Oleksandr Koval".into()),
                limit: 50,
                ..ListQuery::new(Some(RecordKind::Person), viewer.clone())
            },
        ),
        (
            "persons: name in Cyrillic (Олена)",
            ListQuery {
                text: Some("Олена".into()),
                limit: 50,
                ..ListQuery::new(Some(RecordKind::Person), viewer.clone())
            },
        ),
        (
            "incidents: category + period 2015-03",
            ListQuery {
                terms: vec!["category:indiscriminate_attack".into()],
                period: Some((20150301, 20150331)),
                limit: 50,
                ..ListQuery::new(Some(RecordKind::Incident), viewer.clone())
            },
        ),
        (
            "incidents: status verified, newest first",
            ListQuery {
                statuses: vec!["verified".into()],
                limit: 50,
                ..ListQuery::new(Some(RecordKind::Incident), viewer.clone())
            },
        ),
        (
            "all kinds: free text (shelling school)",
            ListQuery {
                text: Some("shelling school".into()),
                limit: 50,
                ..ListQuery::new(None, viewer.clone())
            },
        ),
    ];
    #[allow(clippy::print_stdout)]
    for (name, q) in &queries {
        let mut samples = Vec::with_capacity(runs);
        let mut found = 0;
        for _ in 0..runs {
            let t = Instant::now();
            found = store.list(q).await?.items.len();
            samples.push(t.elapsed());
        }
        samples.sort();
        println!(
            "search {name}: p50 {:.2} ms, p99 {:.2} ms ({found} results on the first page)",
            percentile(&samples, 0.50).as_secs_f64() * 1e3,
            percentile(&samples, 0.99).as_secs_f64() * 1e3,
        );
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn report(what: &str, n: usize, t: Duration) {
    println!(
        "{what}: {n} in {:.1} s = {:.0} records/s",
        t.as_secs_f64(),
        n as f64 / t.as_secs_f64().max(1e-9)
    );
}

/// Opens the store and creates a token for a new benchmark administrator.
pub async fn bench_token(store: &Arc<dyn Store>) -> Result<String, Failure> {
    let clock = SystemClock;
    let email = format!("bench-{}@bench.invalid", clock.new_id());
    let orgs = store.organisations().await?;
    let org = orgs
        .first()
        .context("the data directory has no organisation: run `evidentia demo --no-serve` first")?;
    crate::accounts::create_user(
        store.as_ref(),
        &clock,
        &email,
        "admin",
        Some(&org.name),
        Some("benchmark"),
        "benchmark-password",
    )
    .await?;
    crate::accounts::create_token(store.as_ref(), &clock, &email, "benchmark").await
}

#[allow(clippy::print_stdout)]
async fn log_bench(config: &Config, leaves: u64, batch: usize, proofs: usize) -> Result<(), Failure> {
    use evidentia_log::{Event, EventKind};
    let store = crate::commands::open_store(config).await?;
    let clock = SystemClock;
    let start_size = store.log_size().await?;
    let bar = indicatif::ProgressBar::new(leaves).with_message("log entries");
    let at = "2024-01-01T00:00:00Z";
    let started = Instant::now();
    let mut appended = 0u64;
    while appended < leaves {
        let n = (leaves - appended).min(batch as u64);
        let events: Vec<Event> = (0..n)
            .map(|i| {
                let mut e = Event::new(EventKind::Custody, at);
                e.record_kind = Some("evidence".into());
                e.record_id = Some(clock.new_id().to_string());
                e.detail = serde_json::json!({"action": "accessed", "n": appended + i});
                e
            })
            .collect();
        store.append_events(&events).await?;
        appended += n;
        bar.inc(n);
    }
    bar.finish_and_clear();
    let t = started.elapsed();
    let size = store.log_size().await?;
    println!(
        "append {leaves} log entries (log from {start_size} to {size}): {:.1} s = {:.0} entries/s",
        t.as_secs_f64(),
        leaves as f64 / t.as_secs_f64().max(1e-9)
    );
    let mut rng = fastrand::Rng::with_seed(7);
    let mut inclusion = Vec::with_capacity(proofs);
    let mut consistency = Vec::with_capacity(proofs);
    for _ in 0..proofs {
        let index = rng.u64(0..size);
        let t = Instant::now();
        store.inclusion_proof(index, size).await?;
        inclusion.push(t.elapsed());
        let old = rng.u64(1..=size);
        let t = Instant::now();
        store.consistency_proof(old, size).await?;
        consistency.push(t.elapsed());
    }
    inclusion.sort();
    consistency.sort();
    for (what, samples) in [("inclusion", &inclusion), ("consistency", &consistency)] {
        println!(
            "{what} proof at {size} entries: p50 {:.3} ms, p99 {:.3} ms",
            percentile(samples, 0.5).as_secs_f64() * 1e3,
            percentile(samples, 0.99).as_secs_f64() * 1e3
        );
    }
    Ok(())
}
