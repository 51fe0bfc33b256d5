//! Measures linkage against simulated truth: `cargo run --release -p evidentia-linkage --example
//! evaluate -- RECORDS [SEED] [THRESHOLD]`. Prints precision, recall, F1 and time; with
//! `EVIDENTIA_SHOW=N` also N missed and N wrong pairs with their reasons.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Instant;

use evidentia_linkage::dedupe::{DedupeOptions, dedupe, pairwise_scores};
use evidentia_linkage::simulate::{Config, generate};
use evidentia_linkage::{Linker, Parameters};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut params = Parameters::default();
    if let Some(t) = args.get(3).and_then(|s| s.parse().ok()) {
        params.match_probability = t;
    }
    if let Some(t) = args.get(4).and_then(|s| s.parse().ok()) {
        params.cluster_margin = t;
    }
    let t0 = Instant::now();
    let sim = generate(&Config::new(n, seed));
    println!("generated {} records in {:.2?}", sim.records.len(), t0.elapsed());
    let headers: Vec<String> = [
        "record_id",
        "given_name",
        "family_name",
        "patronymic",
        "birth_date",
        "age",
        "sex",
        "residence",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let rows: Vec<Vec<String>> = sim
        .records
        .iter()
        .map(|r| {
            vec![
                r.record_id.clone(),
                r.given_name.clone(),
                r.family_name.clone(),
                r.patronymic.clone(),
                r.birth_date.clone(),
                r.age.clone(),
                r.sex.clone(),
                r.residence.clone(),
            ]
        })
        .collect();
    let t1 = Instant::now();
    let options = DedupeOptions {
        params: params.clone(),
        estimate: std::env::var("EVIDENTIA_NO_EM").is_err(),
        ..DedupeOptions::default()
    };
    let out = dedupe(&headers, &rows, &options).unwrap();
    let took = t1.elapsed();
    let (p, r, f) = pairwise_scores(&out.clusters, &sim.truth);
    println!(
        "records {} clusters {} compared {} linked {} time {:.2?}\nprecision {p:.4} recall {r:.4} F1 {f:.4}",
        out.records, out.cluster_count, out.compared_pairs, out.linked_pairs, took
    );
    println!("prior {:.4} threshold {:.2}", out.params.prior, out.params.threshold);
    for fp in &out.params.fields {
        let w: Vec<String> = (0..fp.m.len()).map(|l| format!("{:+.1}", fp.weight(l as u8))).collect();
        println!("  {:?}: {}", fp.field, w.join(" "));
    }
    let show: usize = std::env::var("EVIDENTIA_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if show > 0 {
        let mut linker = Linker::new(out.params.clone());
        linker.insert(&sim.records);
        let entity: HashMap<&str, &str> = sim.truth.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let cluster: HashMap<&str, &str> = out.clusters.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let by_id: HashMap<&str, &evidentia_linkage::PersonRecord> =
            sim.records.iter().map(|r| (r.record_id.as_str(), r)).collect();
        let mut by_entity: HashMap<&str, Vec<&str>> = HashMap::new();
        for (r, e) in &sim.truth {
            by_entity.entry(e.as_str()).or_default().push(r.as_str());
        }
        let mut missed = 0;
        let mut ents: Vec<_> = by_entity.into_iter().collect();
        ents.sort();
        'outer: for (_, rs) in ents {
            for i in 0..rs.len() {
                for j in i + 1..rs.len() {
                    if cluster[rs[i]] != cluster[rs[j]] {
                        let e = linker.explain(rs[i], rs[j]).unwrap();
                        println!(
                            "MISSED {:.1} {}\n   {:?}\n   {:?}",
                            e.weight, e.reasons, by_id[rs[i]], by_id[rs[j]]
                        );
                        missed += 1;
                        if missed >= show {
                            break 'outer;
                        }
                    }
                }
            }
        }
        let mut by_cluster: HashMap<&str, Vec<&str>> = HashMap::new();
        for (r, c) in &out.clusters {
            by_cluster.entry(c.as_str()).or_default().push(r.as_str());
        }
        let mut wrong = 0;
        let mut cl: Vec<_> = by_cluster.into_iter().collect();
        cl.sort();
        'outer2: for (_, rs) in cl {
            for i in 0..rs.len() {
                for j in i + 1..rs.len() {
                    if entity[rs[i]] != entity[rs[j]] {
                        let e = linker.explain(rs[i], rs[j]).unwrap();
                        println!(
                            "WRONG {:.1} {}\n   {:?}\n   {:?}",
                            e.weight, e.reasons, by_id[rs[i]], by_id[rs[j]]
                        );
                        wrong += 1;
                        if wrong >= show {
                            break 'outer2;
                        }
                    }
                }
            }
        }
    }
}
