//! Evidentia's reports: statistics over incidents and the persons documented in them, letters to
//! international bodies written from editable templates, and their rendering to standalone HTML
//! and to PDF with embedded, subsetted fonts. Pure computation: no database, no network, no clock
//! (dates are passed in).
//!
//! Everything is built into one [`doc::Document`] and drawn by [`html::render`] and
//! [`pdf::render`], so the two outputs always say the same thing.

pub mod chart;
pub mod dates;
pub mod doc;
pub mod html;
pub mod letter;
pub mod pdf;
pub mod report;
pub mod stats;

use serde::{Deserialize, Serialize};

/// The languages letters and reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Uk,
    Ru,
}

impl Language {
    pub const ALL: [Language; 3] = [Self::En, Self::Uk, Self::Ru];

    /// The BCP 47 code (`en`, `uk`, `ru`).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Uk => "uk",
            Self::Ru => "ru",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or_else(|| format!("unknown language {s:?}: expected en, uk or ru"))
    }
}
