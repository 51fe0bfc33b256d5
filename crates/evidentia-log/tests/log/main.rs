//! Tests of the tamper-evident log against the standards, an independent recursive reference
//! implementation of RFC 9162, and independent third-party implementations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cross_check;
mod notes;
mod properties;
mod reference;
mod vectors;
