//! Field-level validation errors.
//!
//! Every problem names the field it concerns with a dotted path (`location.lat`,
//! `weapons.0.type`) so the API can answer all of them at once and a form can show each message
//! beside its control.

use serde::Serialize;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `occurred.from` or `categories.2`.
    pub field: String,
    /// A stable machine code: `required`, `invalid`, `unknown_term`, `out_of_range`, `too_long`.
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
}

/// The problems found while validating one record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// `Ok(())` when nothing was found.
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    /// Requires a non-blank text of at most `max` characters.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "required", "must not be empty");
        } else {
            self.text(field, value, max);
        }
    }

    /// Limits an optional text to `max` characters and refuses control characters other than
    /// line breaks and tabs (they hide text from readers and break exports).
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, "too_long", format!("must be at most {max} characters"));
        }
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(field, "invalid", "must not contain control characters");
        }
    }

    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            self.text(field, v, max);
        }
    }
}

/// Longest one-line text (names, titles, places).
pub const SHORT_TEXT: usize = 500;
/// Longest free text (descriptions, notes).
pub const LONG_TEXT: usize = 100_000;
