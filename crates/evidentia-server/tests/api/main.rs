//! The API, end to end over HTTP, on the backend named by `EVIDENTIA_TEST_DATABASE_URL`
//! (default: a fresh SQLite file).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod app;
mod bad_input;
mod bundles;
mod classification;
mod communications;
mod custody;
mod duplicates;
mod files;
mod log;
mod missing;
mod missing_web;
mod openapi;
mod records;
mod reports;
mod web;
