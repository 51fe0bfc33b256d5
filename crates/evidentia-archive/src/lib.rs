//! The evidence archive beyond storing files and records: evidence bundles, and the custody
//! entries the archive records itself when it exports or redacts.

pub mod bundle;
pub mod custody;

pub use bundle::{BundleError, BundleRequest, WrittenBundle, write_bundle};
