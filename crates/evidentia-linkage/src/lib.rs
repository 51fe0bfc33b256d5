//! Names and persons across scripts: normalisation, transliteration, keys for search, and record
//! linkage. Pure computation, no I/O (the simulator writes CSV to any `io::Write`).
//!
//! - [`normalise`]: search keys of words (`latin`, `skeleton`), used by the store's search index.
//! - [`translit`]: the official Cyrillic → Latin tables (Ukrainian 2010 and 2007 passports, Russian
//!   ICAO 2013 and 2010 passports, BGN/PCGN for Russian, Ukrainian and Belarusian, GOST 7.79 B,
//!   informal English).
//! - [`key`]: canonical name keys on which all those spellings agree, family-name and patronymic
//!   forms, and the given-name equivalence groups (`data/given-names.txt`).
//! - [`record`], [`compare`], [`params`]: a person record, its comparison into Fellegi–Sunter
//!   levels per field, `m`/`u` parameters (estimated by EM, serialisable), weights and reasons.
//! - [`block`], [`linker`], [`cluster`]: blocking keys, the incremental index of linked records,
//!   clustering with a guard against chaining.
//! - [`dedupe`]: the core of `evidentia persons dedupe` (rows in, `record_id,cluster_id` out) and
//!   pairwise precision/recall.
//! - [`simulate`]: fictional populations and noisy overlapping lists with known truth.
#![forbid(unsafe_code)]

pub mod block;
mod blocks;
pub mod cluster;
pub mod compare;
pub mod dedupe;
pub mod hash;
pub mod key;
pub mod linker;
pub mod normalise;
mod parallel;
pub mod params;
pub mod record;
pub mod simulate;
pub mod translit;

pub use linker::{LinkStats, Linker, ProposedMatch};
pub use params::{FieldParameters, Parameters, Scored, TermFrequencies};
pub use record::PersonRecord;
