//! The statistics report over HTTP, its figures checked against records created here and counted
//! here independently, for callers who see different records.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::app::{TestApp, answer, fields};

/// An incident of the test, as the test itself describes it.
struct Case {
    key: &'static str,
    month: &'static str,
    categories: &'static [&'static str],
    weapons: &'static [&'static str],
    party: Option<&'static str>,
    damaged: &'static [&'static str],
    killed: Option<u32>,
    status: &'static str,
    classification: &'static str,
    published: bool,
    /// Created by the other organisation.
    theirs: bool,
}

const CASES: [Case; 6] = [
    Case {
        key: "A",
        month: "2024-01-10",
        categories: &["attack_on_civilians", "killing"],
        weapons: &["artillery"],
        party: Some("Party Alpha"),
        damaged: &["residential"],
        killed: Some(3),
        status: "verified",
        classification: "public",
        published: true,
        theirs: false,
    },
    Case {
        key: "B",
        month: "2024-01-20",
        categories: &["attack_on_civilians"],
        weapons: &["mortar"],
        party: Some("Party Beta"),
        damaged: &["school", "residential"],
        killed: Some(1),
        status: "reported",
        classification: "internal",
        published: false,
        theirs: false,
    },
    Case {
        key: "C",
        month: "2024-03-05",
        categories: &["arbitrary_detention"],
        weapons: &[],
        party: None,
        damaged: &[],
        killed: None,
        status: "under_review",
        classification: "internal",
        published: false,
        theirs: false,
    },
    Case {
        key: "D",
        month: "2024-02",
        categories: &["killing"],
        weapons: &["artillery"],
        party: Some("Party Alpha"),
        damaged: &[],
        killed: Some(9),
        status: "refuted",
        classification: "internal",
        published: false,
        theirs: false,
    },
    Case {
        key: "E",
        month: "2024-01-15",
        categories: &["killing"],
        weapons: &["missile"],
        party: Some("Party Gamma"),
        damaged: &["medical"],
        killed: Some(7),
        status: "verified",
        classification: "restricted",
        published: false,
        theirs: true,
    },
    Case {
        key: "F",
        month: "2023-12-01",
        categories: &["killing"],
        weapons: &["artillery"],
        party: Some("Party Alpha"),
        damaged: &[],
        killed: Some(2),
        status: "verified",
        classification: "internal",
        published: false,
        theirs: false,
    },
];

/// (person, incident, role)
const INVOLVEMENTS: [(&str, &str, &str); 7] = [
    ("P1", "A", "killed"),
    ("P2", "A", "injured"),
    ("P2", "B", "injured"),
    ("P3", "A", "witness"),
    ("P4", "C", "detained"),
    ("P5", "E", "killed"),
    ("P6", "F", "killed"),
];

const HARMED: [&str; 4] = ["killed", "injured", "missing", "detained"];

/// What a caller may see of the test's incidents, from SPEC.md's rules.
fn visible(case: &Case, who: Option<&str>) -> bool {
    match who {
        None => case.classification == "public" && case.published,
        Some("outsider") => case.theirs || matches!(case.classification, "public" | "internal"),
        Some(_) => !case.theirs || matches!(case.classification, "public" | "internal"),
    }
}

/// Whether `who` sees the involvements of an incident (and the persons they name): those of the
/// office are internal, those of the other organisation restricted.
fn involvement_visible(incident: &str, who: Option<&str>) -> bool {
    let theirs = CASES.iter().any(|c| c.key == incident && c.theirs);
    match who {
        None => false,
        Some("outsider") => true,
        Some(_) => !theirs,
    }
}

/// The incidents the summary for 2024 counts for `who`.
fn counted(who: Option<&str>) -> Vec<&'static Case> {
    CASES
        .iter()
        .filter(|c| visible(c, who) && c.status != "refuted" && c.month.starts_with("2024"))
        .collect()
}

/// Incidents and distinct harmed persons per key, counted here.
fn expected_rows(
    who: Option<&str>,
    cases: &[&Case],
    keys: impl Fn(&Case) -> Vec<String>,
) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, BTreeSet<&str>)> = BTreeMap::new();
    for c in cases {
        for k in keys(c) {
            let e = out.entry(k).or_default();
            e.0 += 1;
            for (p, _, _) in INVOLVEMENTS
                .iter()
                .filter(|(_, i, r)| *i == c.key && HARMED.contains(r) && involvement_visible(i, who))
            {
                e.1.insert(p);
            }
        }
    }
    out.into_iter().map(|(k, (n, p))| (k, (n, p.len() as u64))).collect()
}

fn rows(summary: &Value, dimension: &str) -> BTreeMap<String, (u64, u64)> {
    summary[dimension]
        .as_array()
        .unwrap_or_else(|| panic!("{dimension} in {summary}"))
        .iter()
        .filter(|r| !r["key"].as_str().unwrap().is_empty())
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                (
                    r["incidents"].as_u64().unwrap(),
                    r["documented_persons"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn summary_figures_match_the_records_counted_independently() {
    let app = TestApp::start().await;
    let region = format!("Region {}", uuid::Uuid::new_v4());
    let mut incident_ids = BTreeMap::new();
    for c in &CASES {
        let mut body = json!({
            "title": format!("Report case {} in {region}", c.key),
            "occurred": {"from": c.month},
            "location": {"place_name": "Sampleville", "admin1": region, "country": "XQ", "lat": 47.1, "lon": -32.2, "precision": "settlement"},
            "categories": c.categories,
            "weapons": c.weapons.iter().map(|w| json!({"type": w})).collect::<Vec<_>>(),
            "damaged_objects": c.damaged.iter().map(|d| json!({"type": d})).collect::<Vec<_>>(),
            "status": c.status,
            "classification": c.classification,
            "published": c.published,
        });
        if let Some(p) = c.party {
            body["alleged_perpetrator"] = json!({"party": p});
        }
        if let Some(k) = c.killed {
            body["reported_casualties"] = json!({"killed": {"total": k}});
        }
        let who = if c.theirs { "other_investigator" } else { "investigator" };
        let (status, created) = answer(app.post("/api/v1/incidents", who, &body).await).await;
        assert_eq!(status, 201, "{created}");
        incident_ids.insert(c.key, created["id"].as_str().unwrap().to_owned());
    }
    let mut person_ids = BTreeMap::new();
    for (p, i, role) in INVOLVEMENTS {
        let theirs = CASES.iter().any(|c| c.key == i && c.theirs);
        let who = if theirs { "other_investigator" } else { "investigator" };
        let classification = if theirs { "restricted" } else { "internal" };
        if !person_ids.contains_key(p) {
            let (status, person) = answer(
                app.post(
                    "/api/v1/persons",
                    who,
                    &json!({"given_name": format!("Person {p}"), "classification": classification}),
                )
                .await,
            )
            .await;
            assert_eq!(status, 201, "{person}");
            person_ids.insert(p, person["id"].as_str().unwrap().to_owned());
        }
        let (status, inv) = answer(
            app.post(
                "/api/v1/involvements",
                who,
                &json!({"person_id": person_ids[p], "incident_id": incident_ids[i], "role": role, "classification": classification}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{inv}");
    }

    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("from", "2024-01")
        .append_pair("to", "2024-12")
        .append_pair("region", &region.to_uppercase())
        .finish();
    for who in [Some("analyst"), Some("outsider"), None] {
        let cases = counted(who);
        let (status, s) = answer(
            app.get(&format!("/api/v1/reports/summary?{query}&format=json"), who)
                .await,
        )
        .await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(s["incidents"], cases.len() as u64, "{who:?}: {s}");
        let harmed: BTreeSet<&str> = INVOLVEMENTS
            .iter()
            .filter(|(_, i, r)| cases.iter().any(|c| c.key == *i) && HARMED.contains(r) && involvement_visible(i, who))
            .map(|(p, _, _)| *p)
            .collect();
        assert_eq!(s["documented_persons"], harmed.len() as u64, "{who:?}: {s}");
        assert_eq!(
            rows(&s, "by_month"),
            expected_rows(who, &cases, |c| vec![c.month[..7].to_owned()]),
            "{who:?}"
        );
        assert_eq!(
            rows(&s, "by_category"),
            expected_rows(who, &cases, |c| strings(c.categories)),
            "{who:?}"
        );
        assert_eq!(
            rows(&s, "by_weapon"),
            expected_rows(who, &cases, |c| strings(c.weapons)),
            "{who:?}"
        );
        assert_eq!(
            rows(&s, "by_damaged_object"),
            expected_rows(who, &cases, |c| strings(c.damaged)),
            "{who:?}"
        );
        assert_eq!(
            rows(&s, "by_alleged_perpetrator"),
            expected_rows(who, &cases, |c| c.party.map(str::to_owned).into_iter().collect()),
            "{who:?}"
        );
        assert_eq!(
            rows(&s, "by_status"),
            expected_rows(who, &cases, |c| vec![c.status.to_owned()]),
            "{who:?}"
        );
        // Reported figures are apart from documented persons: one event per incident here.
        let killed: u64 = cases.iter().filter_map(|c| c.killed).map(u64::from).sum();
        let k = &s["reported_casualties"]["killed"];
        assert_eq!(
            (k["low"].as_u64(), k["best"].as_u64(), k["high"].as_u64()),
            (Some(killed), Some(killed), Some(killed))
        );
        assert_eq!(
            k["events_with_figure"],
            cases.iter().filter(|c| c.killed.is_some()).count() as u64
        );
    }
    // Spelled out once, so a mistake in the counting above cannot hide one in the server.
    assert_eq!(counted(Some("analyst")).len(), 3);
    assert_eq!(counted(Some("outsider")).len(), 4);
    assert_eq!(counted(None).len(), 1);

    // The same figures as CSV, HTML with SVG charts, and a real PDF.
    let (status, csv) = answer(
        app.get(&format!("/api/v1/reports/summary?{query}&format=csv"), Some("analyst"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap().to_owned();
    assert!(csv.contains("total,,incidents,3\r\n"), "{csv}");
    assert!(csv.contains("category,attack_on_civilians,incidents,2\r\n"), "{csv}");
    assert!(!csv.contains("Party Gamma"), "{csv}");
    let (status, html) = answer(
        app.get(&format!("/api/v1/reports/summary?{query}&format=html"), Some("analyst"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let html = html.as_str().unwrap().to_owned();
    assert!(html.contains("<svg"), "{html}");
    assert!(!html.contains("Party Gamma"));
    let r = app
        .get(
            &format!("/api/v1/reports/summary?{query}&format=pdf&lang=uk"),
            Some("analyst"),
        )
        .await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(!doc.get_pages().is_empty());

    // The briefing lists the verified incidents the caller may see, and no other.
    let (status, briefing) = answer(
        app.get(
            &format!("/api/v1/reports/summary?{query}&format=html&briefing=true"),
            Some("analyst"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let briefing = briefing.as_str().unwrap().to_owned();
    assert!(briefing.contains(&format!("Report case A in {region}")), "{briefing}");
    assert!(!briefing.contains(&format!("Report case E in {region}")), "{briefing}");
    assert!(!briefing.contains(&format!("Report case C in {region}")), "{briefing}");

    // The portal's figures are those of published records, whoever asks.
    for who in [None, Some("admin")] {
        let r = app.get(&format!("/portal/figures?{query}"), who).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("Party Alpha"), "{page}");
        assert!(!page.contains("Party Beta") && !page.contains("Party Gamma"), "{page}");
    }

    // Bad parameters are named.
    for (q, field) in [
        ("format=xml", "format"),
        ("from=2024-13", "from"),
        ("from=2024-05&to=2024-01", "to"),
        ("briefing=yes", "briefing"),
        ("lang=de", "lang"),
        ("regoin=x", "regoin"),
    ] {
        let (status, problem) = answer(app.get(&format!("/api/v1/reports/summary?{q}"), Some("analyst")).await).await;
        assert_eq!(
            (status, fields(&problem)),
            (400, vec![field.to_owned()]),
            "{q}: {problem}"
        );
    }
}
