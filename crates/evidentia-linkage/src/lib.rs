//! Names and places across scripts: normalisation, transliteration and keys
//! for search and record linkage. Pure computation, no I/O.
#![forbid(unsafe_code)]

pub mod normalise;
