//! HTTP load against a served data directory: memory of the server process at idle and under
//! load, and request latency at a given concurrency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};

use crate::bench::{memory_kib, percentile};
use crate::cli::Failure;
use crate::config::Config;

/// Kills the server when the benchmark ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, Failure> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("no free port")?;
    Ok(l.local_addr().context("no local address")?.port())
}

#[allow(clippy::print_stdout)]
pub async fn run(config: &Config, concurrency: usize, duration: Duration, paths: Vec<String>) -> Result<(), Failure> {
    let store = crate::commands::open_store(config).await?;
    let token = crate::bench::bench_token(&store).await?;
    drop(store);
    let port = free_port()?;
    let mut cmd = std::process::Command::new(std::env::current_exe().context("no executable path")?);
    cmd.arg("serve")
        .arg("--data")
        .arg(&config.data)
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"));
    if let Some(db) = &config.database {
        cmd.arg("--database").arg(db);
    }
    cmd.env("EVIDENTIA_LOG", "warn").stdout(std::process::Stdio::null());
    let child = Child(cmd.spawn().context("cannot start the server")?);
    let pid = child.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| anyhow!(e))?;
    let started = Instant::now();
    loop {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err(anyhow!("the server did not become ready").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (idle, _) = memory_kib(Some(pid));
    println!("server idle: {:.1} MiB resident", idle as f64 / 1024.0);

    let paths = if paths.is_empty() {
        vec![
            "/api/v1/incidents?limit=50".to_owned(),
            "/api/v1/incidents?limit=50&category=indiscriminate_attack&from=2015&to=2016".to_owned(),
            "/api/v1/search?q=Oleksandr".to_owned(),
            "/api/v1/persons?limit=50&q=Коваль".to_owned(),
            // The staff application's and the public portal's pages, as browsers get them.
            "/incidents".to_owned(),
            "/incidents?q=Коваль".to_owned(),
            "/portal".to_owned(),
            "/portal/timeline".to_owned(),
        ]
    } else {
        paths
    };
    let token = Arc::new(token);
    for path in paths {
        let url = Arc::new(format!("{base}{path}"));
        let deadline = Instant::now() + duration;
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (client, url, token) = (client.clone(), Arc::clone(&url), Arc::clone(&token));
            tasks.push(tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut errors = 0u64;
                let mut bytes = 0usize;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client.get(url.as_str()).bearer_auth(token.as_str()).send().await {
                        Ok(r) if r.status().is_success() => {
                            bytes = r.bytes().await.map(|b| b.len()).unwrap_or(0);
                            samples.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (samples, errors, bytes)
            }));
        }
        let mut peak = 0;
        while Instant::now() < deadline {
            peak = peak.max(memory_kib(Some(pid)).0);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut samples = Vec::new();
        let (mut errors, mut size) = (0, 0);
        for t in tasks {
            let (s, e, b) = t.await.map_err(|e| anyhow!(e))?;
            samples.extend(s);
            errors += e;
            size = size.max(b);
        }
        samples.sort();
        println!(
            "GET {path}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {errors} errors, {size} bytes, server peak {:.1} MiB resident",
            samples.len() as f64 / duration.as_secs_f64(),
            percentile(&samples, 0.5).as_secs_f64() * 1e3,
            percentile(&samples, 0.99).as_secs_f64() * 1e3,
            peak as f64 / 1024.0,
        );
    }
    Ok(())
}
