//! A record's history as a readable diff: for each version, the fields that changed, from what
//! to what (between consecutive versions kept by the store).

use std::collections::BTreeMap;

use evidentia_model::RecordKind;
use serde_json::Value;
use uuid::Uuid;

use super::chrome::Ctx;
use crate::AppState;
use crate::api::records;
use crate::errors::ApiResult;

pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

pub struct Version {
    pub version: i64,
    pub at: String,
    pub by: String,
    pub changes: Vec<Change>,
}

/// Every leaf of a JSON value by dotted path (`location.lat`, `categories.0`).
fn leaves(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                leaves(&key(k), v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaves(&key(&i.to_string()), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The changed leaves between two bodies, in path order.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    leaves("", old, &mut a);
    leaves("", new, &mut b);
    let mut fields: Vec<&String> = a.keys().chain(b.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|f| {
            let (o, n) = (a.get(f), b.get(f));
            (o != n).then(|| Change {
                field: f.clone(),
                old: o.cloned().unwrap_or_default(),
                new: n.cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// The versions of a record the caller may see, newest first, each with its changes.
pub async fn versions(state: &AppState, ctx: &Ctx, kind: RecordKind, id: Uuid) -> ApiResult<Vec<Version>> {
    let entries = records::versions(state, &ctx.caller, kind, id).await?;
    let bodies: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut body = e.body.clone();
            if let Value::Object(m) = &mut body {
                m.insert(
                    "classification".into(),
                    Value::String(e.classification.as_str().to_owned()),
                );
            }
            body
        })
        .collect();
    // Who made each version, by name (a few authors per record: one look-up each).
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    for e in &entries {
        if let std::collections::btree_map::Entry::Vacant(slot) = names.entry(e.changed_by) {
            // Reports from the public are written by no account.
            let name = if e.changed_by.is_nil() {
                ctx.lang.t("history.by_public").to_owned()
            } else {
                match state.store.user(e.changed_by).await {
                    Ok(u) if !u.display_name.is_empty() => u.display_name,
                    Ok(u) => u.email,
                    Err(_) => e.changed_by.to_string().chars().take(8).collect(),
                }
            };
            slot.insert(name);
        }
    }
    let mut out: Vec<Version> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| Version {
            version: e.version,
            at: ctx.lang.instant(e.changed_at),
            by: names.get(&e.changed_by).cloned().unwrap_or_default(),
            changes: match (i.checked_sub(1).and_then(|p| bodies.get(p)), bodies.get(i)) {
                (Some(old), Some(new)) => diff(old, new),
                _ => Vec::new(),
            },
        })
        .collect();
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_listed_by_field() {
        let old = serde_json::json!({"title": "A", "location": {"lat": 1.5}, "categories": ["x"]});
        let new = serde_json::json!({"title": "B", "location": {"lat": 1.5, "lon": 2}, "categories": []});
        let d = diff(&old, &new);
        let rows: Vec<_> = d
            .iter()
            .map(|c| (c.field.as_str(), c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("categories.0", "x", ""),
                ("location.lon", "", "2"),
                ("title", "A", "B")
            ]
        );
    }
}
