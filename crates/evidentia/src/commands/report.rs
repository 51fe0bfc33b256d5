//! `evidentia report`: the statistics report (or the briefing) for a period and region over every
//! record, as HTML, PDF, CSV or JSON, written to a temporary file next to `--out` and renamed into
//! place once complete.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use evidentia_model::{RecordKind, Viewer};
use evidentia_server::api::reports::{ReportData, ReportRequest, load, render};

use crate::cli::Failure;
use crate::config::Config;

/// What `evidentia report` was asked for.
#[derive(Debug, Clone)]
pub struct Report {
    pub from: Option<String>,
    pub to: Option<String>,
    pub region: Option<String>,
    pub format: Option<String>,
    pub lang: Option<String>,
    pub briefing: bool,
    pub include_refuted: bool,
    pub out: PathBuf,
}

impl Report {
    /// The report's parameters as the API reads them, so both refuse the same input alike.
    fn request(&self) -> Result<ReportRequest, Failure> {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("region", &self.region),
            ("lang", &self.lang),
        ] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        let format = match &self.format {
            Some(f) => f.clone(),
            None => guess_format(&self.out).to_owned(),
        };
        q.append_pair("format", &format);
        if self.briefing {
            q.append_pair("briefing", "true");
        }
        if self.include_refuted {
            q.append_pair("include_refuted", "true");
        }
        let query = q.finish();
        ReportRequest::parse(Some(&query)).map_err(|e| {
            let problem = e.problem();
            let detail = problem
                .errors
                .iter()
                .map(|f| format!("--{} {}", f.field.replace('_', "-"), f.message))
                .collect::<Vec<_>>()
                .join("; ");
            Failure::input(anyhow!("{}", if detail.is_empty() { e.to_string() } else { detail }))
        })
    }
}

/// The format an output file's extension names; JSON otherwise.
fn guess_format(out: &Path) -> &'static str {
    match out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "html",
        Some("pdf") => "pdf",
        Some("csv") => "csv",
        _ => "json",
    }
}

pub async fn run(config: &Config, args: Report) -> Result<(), Failure> {
    let request = args.request()?;
    let out = &args.out;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(file_name) = out.file_name().and_then(|n| n.to_str()) else {
        return Err(Failure::input(anyhow!("--out {}: name a file", out.display())));
    };
    if !dir.is_dir() {
        return Err(Failure::input(anyhow!(
            "--out {}: {} is not a directory",
            out.display(),
            dir.display()
        )));
    }
    let store = super::open_store(config).await?;
    let vocabularies = store.vocabularies().await?;
    // An operator's report counts every record; what leaves the machine is the operator's call.
    let viewer = Viewer::System;
    let data = ReportData::from_records(
        load(store.as_ref(), &viewer, RecordKind::Incident).await?,
        load(store.as_ref(), &viewer, RecordKind::Person).await?,
        load(store.as_ref(), &viewer, RecordKind::Involvement).await?,
    )
    .map_err(|e| anyhow!("{e}"))?;
    let (bytes, _) = render(&data, &request, &vocabularies).map_err(|e| anyhow!("{e}"))?;
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let written = std::fs::write(&tmp, &bytes)
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, out))
        .and_then(|()| std::fs::File::open(&dir)?.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!("cannot write {}: {e}", out.display()).into());
    }
    eprintln!(
        "wrote {} ({} bytes; {} incidents considered)",
        out.display(),
        bytes.len(),
        data.incidents.len()
    );
    Ok(())
}
