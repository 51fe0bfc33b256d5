//! HTML forms: reading a posted form (with its CSRF check), turning its fields into the JSON
//! object the API's functions take, and showing the model's field errors beside their fields.
//!
//! Form fields are named by their JSON path (`location.lat`, `occurred.from`), so an error the
//! model reports for a path lands beside the field of that name.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use evidentia_model::FieldError;
use serde_json::{Map, Value};

use evidentia_model::RecordBody;

use super::chrome::Ctx;
use super::i18n::Lang;
use crate::AppState;
use crate::api::records;
use crate::auth::{Credential, CsrfCheck, same_secret};
use crate::errors::ApiError;

/// The name of the hidden field that carries the session's CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// A posted `application/x-www-form-urlencoded` form and its reader. A form posted with a
/// session cookie must carry the session's CSRF token (compared in constant time); a form from
/// another site is refused outright.
pub struct Form {
    pub ctx: Ctx,
    pub headers: HeaderMap,
    fields: Vec<(String, String)>,
}

impl FromRequest<AppState> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        if cross_site {
            return Err(ApiError::Forbidden("forms are accepted from this site only".into()));
        }
        let ctx = Ctx::build(state, &parts, CsrfCheck::Deferred).await?;
        let form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !form {
            return Err(ApiError::UnsupportedMediaType(
                "send the form as application/x-www-form-urlencoded".into(),
            ));
        }
        let limit = state.config.max_json_bytes;
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(limit))?;
        let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        if let Credential::Session { csrf_token, .. } = &ctx.caller.credential {
            let sent = fields
                .iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map_or("", |(_, v)| v.as_str());
            if !same_secret(sent, csrf_token) {
                return Err(ApiError::Forbidden("the CSRF token is missing or wrong".into()));
            }
        }
        Ok(Self {
            ctx,
            headers: parts.headers,
            fields,
        })
    }
}

impl Form {
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every non-empty value of a field (checkboxes, multiple selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// The record version the form was filled in from.
    pub fn version(&self) -> Result<i64, ApiError> {
        self.get("version")
            .parse()
            .map_err(|_| ApiError::bad_field("version", "the form lacks the record's version"))
    }
}

/// A JSON object built from form fields. Empty fields become `null`, which a merge patch reads
/// as "remove" and [`JsonForm::into_new`] drops; fields that are not numbers where numbers are
/// needed are reported like the model's own errors.
#[derive(Default)]
pub struct JsonForm {
    obj: Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl JsonForm {
    /// Sets the value at a dotted path, creating the objects on the way.
    pub fn set(&mut self, path: &str, value: Value) {
        let mut parts = path.split('.').peekable();
        let mut target = &mut self.obj;
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                target.insert(part.to_owned(), value);
                return;
            }
            let entry = target
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            match entry {
                Value::Object(m) => target = m,
                _ => return,
            }
        }
    }

    pub fn text(&mut self, path: &str, value: &str) {
        let v = if value.is_empty() {
            Value::Null
        } else {
            Value::String(value.to_owned())
        };
        self.set(path, v);
    }

    /// A decimal number (coordinates).
    pub fn decimal(&mut self, path: &str, value: &str) {
        if value.is_empty() {
            return self.set(path, Value::Null);
        }
        match value
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            Some(n) => self.set(path, Value::Number(n)),
            None => self.error(path, "invalid", "must be a number"),
        }
    }

    /// A whole number of at least zero (counts).
    pub fn count(&mut self, path: &str, value: &str) {
        if value.is_empty() {
            return self.set(path, Value::Null);
        }
        match value.parse::<u32>() {
            Ok(n) => self.set(path, Value::from(n)),
            Err(_) => self.error(path, "invalid", "must be a whole number"),
        }
    }

    pub fn list(&mut self, path: &str, values: Vec<String>) {
        self.set(path, Value::Array(values.into_iter().map(Value::String).collect()));
    }

    pub fn error(&mut self, field: &str, code: &str, message: &str) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        });
    }

    /// The object as a merge patch: `null` removes a field.
    pub fn into_patch(self) -> Result<Map<String, Value>, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(self.obj)
        } else {
            Err(self.errors)
        }
    }

    /// The object for a new record: `null`s dropped.
    pub fn into_new(self) -> Result<Map<String, Value>, Vec<FieldError>> {
        self.into_patch().map(strip)
    }

    /// The object for a new record of kind `B`. When a field could not be read, the error lists
    /// it together with everything the model finds wrong with the other fields, so that the form
    /// comes back with every message at once.
    pub fn into_checked_new<B: RecordBody>(self, state: &AppState) -> Result<Map<String, Value>, ApiError> {
        let mut errors = self.errors;
        let original = strip(self.obj);
        let mut obj = original.clone();
        // The model stops at the first field it cannot read; set that one aside and look again.
        let mut stand_ins = 0;
        for _ in 0..MAX_ROUNDS {
            let Err(ApiError::Validation(found)) = records::check::<B>(state, obj.clone()) else {
                break;
            };
            let [e] = found.as_slice() else {
                let new: Vec<FieldError> = found
                    .into_iter()
                    .filter(|e| !errors.iter().any(|x| x.field == e.field))
                    .collect();
                errors.extend(new);
                break;
            };
            let known = errors.iter().any(|x| x.field == e.field);
            if e.code == "required" {
                // A required field that was unreadable (or empty): a stand-in lets the model go on.
                let Some(stand_in) = STAND_INS.get(stand_ins) else {
                    break;
                };
                stand_ins += 1;
                put(&mut obj, &e.field, Some(Value::String((*stand_in).to_owned())));
            } else {
                put(&mut obj, &e.field, None);
            }
            if !known {
                errors.push(e.clone());
            }
        }
        if errors.is_empty() {
            Ok(original)
        } else {
            Err(ApiError::Validation(errors))
        }
    }

    /// The object as a merge patch for a record of kind `B`, once the form's fields have been
    /// checked as a whole as [`JsonForm::into_checked_new`] checks them (every message at once).
    pub fn into_checked_patch<B: RecordBody>(self, state: &AppState) -> Result<Map<String, Value>, ApiError> {
        let patch = self.obj.clone();
        self.into_checked_new::<B>(state).map(|_| patch)
    }
}

/// How many fields [`JsonForm::into_checked_new`] sets aside at most.
const MAX_ROUNDS: usize = 12;

fn strip(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::Object(m) => Some((k, Value::Object(strip(m)))),
            other => Some((k, other)),
        })
        .collect()
}

/// Values that pass for a required text or date, tried in turn.
const STAND_INS: [&str; 4] = ["-", "2000", "-", "2000"];

/// Puts a value at a dotted path, or takes the value there out.
fn put(obj: &mut Map<String, Value>, field: &str, value: Option<Value>) {
    let mut parts: Vec<&str> = field.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut target = obj;
    for p in parts {
        match target.get_mut(p) {
            Some(Value::Object(m)) => target = m,
            _ => return,
        }
    }
    match value {
        Some(v) => {
            target.insert(last.to_owned(), v);
        }
        None => {
            target.remove(last);
        }
    }
}

/// The field errors of a refused form, found by the form field they belong to.
#[derive(Default)]
pub struct Errors {
    lang: Lang,
    errors: Vec<FieldError>,
}

impl Errors {
    pub fn new(lang: Lang, errors: Vec<FieldError>) -> Self {
        Self { lang, errors }
    }

    /// The errors of an API error that concern fields (422, or a 400 naming fields); other
    /// errors are passed on.
    pub fn from_api(lang: Lang, error: ApiError) -> Result<Self, ApiError> {
        match error {
            ApiError::Validation(errors) => Ok(Self::new(lang, errors)),
            ApiError::BadRequest(_, errors) if !errors.is_empty() => Ok(Self::new(lang, errors)),
            other => Err(other),
        }
    }

    pub fn any(&self) -> bool {
        !self.errors.is_empty()
    }

    fn message(&self, e: &FieldError) -> String {
        // The model explains in English; other languages get the kind of problem in their words.
        if self.lang == Lang::En {
            return e.message.clone();
        }
        let key = format!("validation.{}", e.code);
        let text = self.lang.t(&key);
        if text == key {
            self.lang.t("validation.invalid").to_owned()
        } else {
            text.to_owned()
        }
    }

    /// The message for a form field: errors named by its path or by an element of it
    /// (`categories.2` belongs to `categories`).
    pub fn of(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| {
                e.field == field
                    || e.field
                        .strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('.') && field != "location")
            })
            .map(|e| self.message(e))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The message for errors named exactly `field` (not its parts).
    pub fn exact(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| self.message(e))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Whether a field has an error (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        !self.of(field).is_empty()
    }

    /// Errors that belong to none of the list filters' fields.
    pub fn others_than_filters(&self) -> Vec<String> {
        self.others(&["q", "status", "category", "from", "to", "sort"])
    }

    /// Errors that belong to no field of the form, as "field: message".
    pub fn others(&self, fields: &[&str]) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| {
                !fields
                    .iter()
                    .any(|f| e.field == *f || e.field.strip_prefix(f).is_some_and(|r| r.starts_with('.')))
            })
            .map(|e| format!("{}: {}", e.field, self.message(e)))
            .collect()
    }
}

/// A path on this site to return to (`/incidents?x=1`), never another site (`//evil`, `https:`).
pub fn local_path(path: &str) -> Option<&str> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_become_json() {
        let mut f = JsonForm::default();
        f.text("title", "A");
        f.text("description", "");
        f.decimal("location.lat", "47,5");
        f.decimal("location.lon", "");
        f.count("reported_casualties.killed.total", "3");
        let new = f.into_new().unwrap();
        assert_eq!(
            Value::Object(new),
            serde_json::json!({"title": "A", "location": {"lat": 47.5}, "reported_casualties": {"killed": {"total": 3}}})
        );
        let mut f = JsonForm::default();
        f.decimal("location.lat", "north");
        f.count("reported_casualties.killed.total", "-1");
        let errors = f.into_patch().unwrap_err();
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn errors_find_their_field() {
        let e = |field: &str| FieldError {
            field: field.into(),
            code: "invalid".into(),
            message: format!("bad {field}"),
        };
        let errors = Errors::new(Lang::En, vec![e("categories.1"), e("location.lat"), e("weird")]);
        assert_eq!(errors.of("categories"), "bad categories.1");
        assert_eq!(errors.of("location.lat"), "bad location.lat");
        assert_eq!(errors.of("location"), "");
        assert_eq!(errors.others(&["categories", "location.lat"]), ["weird: bad weird"]);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/incidents?q=1"), Some("/incidents?q=1"));
        for bad in ["//evil.org", "https://evil.org", "/\\evil.org", "", "x", "/a\nb"] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }
}
