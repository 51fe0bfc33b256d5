//! Evidentia's records, vocabularies, validation and wire types. No I/O: everything here is
//! shared by the server, the command line, the stores and the standalone verifier.

pub mod communication;
pub mod country;
pub mod date;
pub mod evidence;
pub mod incident;
pub mod missing;
pub mod months;
pub mod person;
pub mod person_match;
pub mod record;
pub mod validation;
pub mod vocab;

pub use communication::{Communication, Recipient};
pub use date::{PartialDate, Period};
pub use evidence::Evidence;
pub use incident::Incident;
pub use missing::{Exhumation, GraveSite, MissingCase, Remains};
pub use person::{Involvement, Person};
pub use person_match::{MatchDecision, PersonMatch};
pub use record::{
    Classification, Clock, FixedClock, Meta, RecordBody, RecordIndex, RecordKind, Role, SetBy, SystemClock,
};
pub use validation::{FieldError, FieldErrors};
pub use vocab::Vocabularies;

/// Validates a record body, including its minimum classification.
pub fn validate<B: RecordBody>(
    body: &B,
    classification: Classification,
    vocabularies: &Vocabularies,
) -> Result<(), Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    body.validate(vocabularies, &mut errors);
    let minimum = body.minimum_classification();
    if classification < minimum {
        errors.add(
            "classification",
            "invalid",
            format!("must be at least {} for this record", minimum.as_str()),
        );
    }
    errors.into_result()
}

pub mod access;
pub use access::Viewer;
