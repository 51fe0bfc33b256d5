//! Missing-person cases, grave sites, exhumations and remains: their records, the recovery log,
//! identification and the candidates for a missing person.

use reqwest::Method;
use serde_json::{Value, json};

use crate::app::{TestApp, answer, fields};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A missing person and their case, as the investigator records them.
async fn case(app: &TestApp, given: &str, family: &str) -> (Value, Value) {
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": given, "family_name": family, "sex": "male", "birth_date": "1988-02-01", "status": "missing"}),
        )
        .await;
    let case = app
        .create(
            "/api/v1/missing-cases",
            json!({
                "person_id": id(&person),
                "classification": "restricted",
                "reported_by": {"name": "Hanna", "relation": "sister", "contact": "+000 111 222"},
                "consent_to_share": "partners",
                "reported_at": "2022-03-10",
                "last_seen": {"period": {"from": "2022-03-05"}, "place": {"place_name": "Ridge road", "lat": 47.0, "lon": 31.0}},
                "circumstances": "Left by car towards the ridge and did not return.",
                "ante_mortem": {"height_cm": 178, "clothing": "blue denim jacket, black boots", "marks": "scar on the left knee", "dental": "gold crown upper left molar"},
            }),
        )
        .await;
    (person, case)
}

async fn grave(app: &TestApp) -> Value {
    app.create(
        "/api/v1/grave-sites",
        json!({
            "name": "Orchard site",
            "type": "mass",
            "setting": "buried",
            "location": {"place_name": "Orchard", "lat": 47.01, "lon": 31.01},
            "boundary": {"type": "Polygon", "coordinates": [[[31.0, 47.0], [31.02, 47.0], [31.02, 47.02], [31.0, 47.0]]]},
            "hazards": ["mines"],
            "estimated_individuals": 12,
            "commingled": true,
            "discovered_at": "2023-04",
        }),
    )
    .await
}

#[tokio::test]
async fn each_kind_is_created_changed_and_kept_in_history() {
    let app = TestApp::start().await;
    let (person, case) = case(&app, "Taras", "Melnyk").await;
    assert_eq!(case["status"], "open");
    assert_eq!(case["person_id"], person["id"]);
    let site = grave(&app).await;
    assert_eq!(site["status"], "reported");
    let exhumation = app
        .create(
            "/api/v1/exhumations",
            json!({"grave_site_id": id(&site), "team": "Field team 3", "started_at": "2023-06-01"}),
        )
        .await;
    let remains = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-2023-001", "grave_site_id": id(&site), "exhumation_id": id(&exhumation),
                   "sex_estimate": "male", "age_range": {"min": 30, "max": 40}, "recovered_at": "2023-06-02"}),
        )
        .await;
    assert_eq!(remains["status"], "unidentified");

    for (path, record, patch, field, value) in [
        (
            "missing-cases",
            &case,
            json!({"status": "located_deceased"}),
            "status",
            json!("located_deceased"),
        ),
        (
            "grave-sites",
            &site,
            json!({"status": "secured", "protection": "fenced"}),
            "status",
            json!("secured"),
        ),
        (
            "exhumations",
            &exhumation,
            json!({"ended_at": "2023-06-20"}),
            "ended_at",
            json!("2023-06-20"),
        ),
        (
            "remains",
            &remains,
            json!({"status": "candidate_match"}),
            "status",
            json!("candidate_match"),
        ),
    ] {
        let url = format!("/api/v1/{path}/{}", id(record));
        let (status, changed) = answer(app.patch(&url, "investigator", 1, &patch).await).await;
        assert_eq!(status, 200, "{path}: {changed}");
        assert_eq!(changed[field], value, "{path}");
        assert_eq!(changed["version"], 2);
        let (status, history) = answer(app.get(&format!("{url}/history"), Some("viewer")).await).await;
        assert_eq!(status, 200, "{path}: {history}");
        let items = history["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{path}");
        assert_ne!(items[0]["body"][field], value, "{path}: the first version is kept");
        // Lists filter on the new status.
        let status_value = changed["status"].as_str().map(str::to_owned);
        if let Some(s) = status_value {
            let (_, list) = answer(app.get(&format!("/api/v1/{path}?status={s}"), Some("viewer")).await).await;
            assert!(
                list["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["id"] == record["id"]),
                "{path}: {list}"
            );
        }
    }
    // Linked lists.
    let (_, list) = answer(
        app.get(&format!("/api/v1/remains?grave_site_id={}", id(&site)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let (_, list) = answer(
        app.get("/api/v1/grave-sites?hazard=mines&type=mass", Some("viewer"))
            .await,
    )
    .await;
    assert!(list["items"].as_array().unwrap().iter().any(|i| i["id"] == site["id"]));
}

#[tokio::test]
async fn bad_records_are_refused_naming_each_field() {
    let app = TestApp::start().await;
    let person = app.create("/api/v1/persons", json!({"given_name": "Ivan"})).await;
    for (path, body, expected) in [
        (
            "remains",
            json!({"case_number": "PM-9", "age_range": {"min": 50, "max": 40}, "recovered_at": "2030-01"}),
            vec!["age_range.min", "recovered_at"],
        ),
        (
            "remains",
            json!({"case_number": " ", "status": "identified"}),
            vec!["case_number", "status"],
        ),
        (
            "remains",
            json!({"case_number": "PM-9", "identified_as": id(&person)}),
            vec!["identified_as"],
        ),
        (
            "grave-sites",
            json!({"name": "Open ring", "type": "mass",
                   "boundary": {"type": "Polygon", "coordinates": [[[31.0, 47.0], [31.1, 47.0], [31.1, 47.1], [31.2, 47.0]]]}}),
            vec!["boundary.coordinates.0"],
        ),
        ("grave-sites", json!({"name": "No type"}), vec!["type"]),
        (
            "grave-sites",
            json!({"name": "Count", "type": "mass", "estimated_individuals": -1}),
            vec!["estimated_individuals"],
        ),
        (
            "missing-cases",
            json!({"person_id": id(&person), "last_seen": {"period": {"from": "2022-05", "to": "2022-01"}}, "reported_at": "2025-01-01"}),
            vec!["last_seen.period.to", "reported_at"],
        ),
        (
            "missing-cases",
            json!({"person_id": id(&person), "reported_by": {"contact": "+000"}, "classification": "internal"}),
            vec!["classification"],
        ),
        (
            "missing-cases",
            json!({"person_id": uuid::Uuid::nil()}),
            vec!["person_id"],
        ),
        (
            "exhumations",
            json!({"grave_site_id": uuid::Uuid::nil(), "started_at": "2023-06", "ended_at": "2023-05"}),
            vec!["ended_at"],
        ),
        (
            "exhumations",
            json!({"grave_site_id": uuid::Uuid::nil(), "recovery_log": []}),
            vec!["recovery_log"],
        ),
    ] {
        let (status, problem) = answer(app.post(&format!("/api/v1/{path}"), "investigator", &body).await).await;
        assert_eq!(status, 422, "{path} {body}: {problem}");
        let mut got = fields(&problem);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "{path} {body}: {problem}");
    }
}

#[tokio::test]
async fn the_recovery_log_only_grows() {
    let app = TestApp::start().await;
    let site = grave(&app).await;
    let exhumation = app
        .create(
            "/api/v1/exhumations",
            json!({"grave_site_id": id(&site), "team": "Field team 1"}),
        )
        .await;
    let path = format!("/api/v1/exhumations/{}/recovery-log", id(&exhumation));
    let item = json!({"item_number": "B-001", "description": "skull and mandible", "position": {"x": 1.5, "y": 2.0, "depth": 0.8}, "recovered_at": "2024-04-30"});
    let (status, changed) = answer(app.post(&path, "investigator", &item).await).await;
    assert_eq!(status, 201, "{changed}");
    assert_eq!(changed["version"], 2);
    let log = changed["recovery_log"].as_array().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["item_number"], "B-001");
    assert_eq!(log[0]["position"]["depth"], 0.8);
    assert_eq!(log[0]["recorded_at"], "2024-05-01T09:00:00Z");

    let second = json!({"item_number": "B-002", "description": "wristwatch"});
    let (status, changed) = answer(app.post(&path, "investigator", &second).await).await;
    assert_eq!(status, 201, "{changed}");
    assert_eq!(changed["recovery_log"][0], log[0], "earlier items stay as they were");
    assert_eq!(changed["recovery_log"].as_array().unwrap().len(), 2);

    for (body, field) in [
        (json!({"item_number": "B-001"}), "item_number"),
        (
            json!({"item_number": "B-003", "recovered_at": "2024-06-01"}),
            "recovered_at",
        ),
        (
            json!({"item_number": "B-004", "position": {"lat": 95.0, "lon": 31.0}}),
            "position.lat",
        ),
        (
            json!({"item_number": "B-005", "remains_id": uuid::Uuid::nil()}),
            "remains_id",
        ),
        (json!({"item_number": "B-006", "colour": "red"}), "colour"),
    ] {
        let (status, problem) = answer(app.post(&path, "investigator", &body).await).await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec![field.to_owned()]),
            "{body}: {problem}"
        );
    }
    // Not by patch, not on creation.
    let url = format!("/api/v1/exhumations/{}", id(&exhumation));
    let (status, problem) = answer(app.patch(&url, "investigator", 3, &json!({"recovery_log": []})).await).await;
    assert_eq!((status, fields(&problem)), (422, vec!["recovery_log".to_owned()]));
    // Not by those who may not change the exhumation.
    let (status, _) = answer(app.post(&path, "analyst", &json!({"item_number": "B-009"})).await).await;
    assert_eq!(status, 403);
    let (status, _) = answer(
        app.post(&path, "other_investigator", &json!({"item_number": "B-009"}))
            .await,
    )
    .await;
    assert_eq!(status, 403, "an internal exhumation is visible but not theirs");
}

#[tokio::test]
async fn an_identification_closes_the_case_and_logs_each_change() {
    let app = TestApp::start().await;
    let (person, case) = case(&app, "Taras", "Melnyk").await;
    let remains = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-7", "classification": "restricted", "sex_estimate": "male"}),
        )
        .await;
    let path = format!("/api/v1/remains/{}/identification", id(&remains));
    let body = json!({"person_id": id(&person), "method": "dna", "confirmed_by": "Dr. Petrenko, forensic laboratory", "confirmed_at": "2024-04-20", "notes": "STR profile matches sister's reference"});

    // Refused to those who may not change it, and to a person the caller cannot see.
    let (status, _) = answer(app.post(&path, "analyst", &body).await).await;
    assert_eq!(status, 403);
    let (status, _) = answer(app.post(&path, "other_investigator", &body).await).await;
    assert_eq!(status, 404, "restricted remains of another organisation are not found");
    let hidden = answer(
        app.post(
            "/api/v1/persons",
            "other_investigator",
            &json!({"given_name": "Hidden", "classification": "restricted"}),
        )
        .await,
    )
    .await
    .1;
    let (status, problem) = answer(
        app.post(
            &path,
            "investigator",
            &json!({"person_id": id(&hidden), "method": "dna", "confirmed_by": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["person_id".to_owned()]),
        "{problem}"
    );
    assert!(!problem.to_string().contains("Hidden"));
    let (status, problem) = answer(
        app.post(
            &path,
            "investigator",
            &json!({"person_id": id(&person), "method": "psychic", "confirmed_by": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["method".to_owned()]),
        "{problem}"
    );
    let (status, problem) = answer(
        app.post(
            &path,
            "investigator",
            &json!({"person_id": id(&person), "method": "dna", "confirmed_by": " "}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["identification.confirmed_by".to_owned()]),
        "{problem}"
    );

    let (status, answer_body) = answer(app.post(&path, "investigator", &body).await).await;
    assert_eq!(status, 200, "{answer_body}");
    let identified = &answer_body["remains"];
    assert_eq!(identified["status"], "identified");
    assert_eq!(identified["identified_as"], person["id"]);
    assert_eq!(identified["identification"]["method"], "dna");
    assert_eq!(identified["version"], 2);

    let (_, p) = answer(
        app.get(&format!("/api/v1/persons/{}", id(&person)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(p["status"], "killed");
    assert_eq!(p["version"], 2);
    let (_, c) = answer(
        app.get(&format!("/api/v1/missing-cases/{}", id(&case)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(c["status"], "identified");
    assert_eq!(c["version"], 2);
    assert_eq!(answer_body["missing_cases"][0]["id"], case["id"]);

    // Each change is a version in its history and an entry in the log.
    let (_, history) = answer(
        app.get(&format!("/api/v1/missing-cases/{}/history", id(&case)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(history["items"][0]["body"]["status"], "open");
    let note = app.get("/api/v1/log/checkpoint", None).await.text().await.unwrap();
    let size: u64 = note.lines().nth(1).unwrap().parse().unwrap();
    let mut changed = Vec::new();
    for i in 0..size {
        let r = app.get(&format!("/api/v1/log/entries/{i}"), Some("admin")).await;
        if r.status() == 200 {
            let e: Value = r.json().await.unwrap();
            if e["kind"] == "record_changed" {
                changed.push(e["record_id"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    for r in [&remains, &person, &case] {
        assert!(changed.contains(&id(r)), "no log entry for {}", id(r));
    }

    // Identified remains are identified only once; status by hand is refused.
    let (status, _) = answer(app.post(&path, "investigator", &body).await).await;
    assert_eq!(status, 409);
    let url = format!("/api/v1/remains/{}", id(&remains));
    let (status, problem) = answer(
        app.patch(&url, "investigator", 2, &json!({"status": "unidentified"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (422, vec!["status".to_owned()]),
        "{problem}"
    );

    // A mistaken identification is withdrawn: the case opens again.
    let r = app
        .request(Method::DELETE, &path, Some("investigator"))
        .send()
        .await
        .unwrap();
    let (status, withdrawn) = answer(r).await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["remains"]["status"], "candidate_match");
    assert!(withdrawn["remains"].get("identified_as").is_none());
    let (_, c) = answer(
        app.get(&format!("/api/v1/missing-cases/{}", id(&case)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(c["status"], "open");
}

#[tokio::test]
async fn an_identification_needs_the_right_to_change_every_visible_record() {
    let app = TestApp::start().await;
    // The person and an internal case belong to the other organisation; the remains to ours.
    let person = answer(
        app.post(
            "/api/v1/persons",
            "other_investigator",
            &json!({"given_name": "Olena", "status": "missing"}),
        )
        .await,
    )
    .await
    .1;
    let remains = app.create("/api/v1/remains", json!({"case_number": "PM-8"})).await;
    let path = format!("/api/v1/remains/{}/identification", id(&remains));
    let body = json!({"person_id": id(&person), "method": "dental", "confirmed_by": "Odontologist"});
    let (status, problem) = answer(app.post(&path, "investigator", &body).await).await;
    assert_eq!(status, 403, "{problem}");
    // Nothing changed.
    let (_, r) = answer(
        app.get(&format!("/api/v1/remains/{}", id(&remains)), Some("viewer"))
            .await,
    )
    .await;
    assert_eq!(
        (r["status"].clone(), r["version"].clone()),
        (json!("unidentified"), json!(1))
    );
}

#[tokio::test]
async fn candidates_rank_the_true_match_first_with_reasons_and_hide_what_the_caller_may_not_see() {
    let app = TestApp::start().await;
    let (person, case) = case(&app, "Bohdan", "Kravets").await;
    let site = grave(&app).await;
    let right = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-RIGHT", "grave_site_id": id(&site), "sex_estimate": "male",
                   "age_range": {"min": 30, "max": 40}, "recovered_at": "2023-06",
                   "post_mortem": {"height_cm": 176, "clothing": "remnants of a blue jacket", "marks": "healed scar, left knee", "dental": "gold crown, upper molar"}}),
        )
        .await;
    let wrong = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-WRONG", "grave_site_id": id(&site), "sex_estimate": "female",
                   "age_range": {"min": 60, "max": 75}, "recovered_at": "2021-01",
                   "post_mortem": {"clothing": "green dress"}}),
        )
        .await;
    let deceased = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Богдан", "family_name": "Кравець", "sex": "male", "birth_date": "1988", "status": "killed", "death_date": "2022-03"}),
        )
        .await;
    // Better than the true match, but restricted to the other organisation.
    let hidden = answer(
        app.post(
            "/api/v1/remains",
            "other_investigator",
            &json!({"case_number": "PM-HIDDEN-ELSEWHERE", "classification": "restricted", "sex_estimate": "male",
                    "age_range": {"min": 33, "max": 35}, "recovered_at": "2023-06",
                    "post_mortem": {"height_cm": 178, "clothing": "blue denim jacket, black boots", "marks": "scar on the left knee", "dental": "gold crown upper left molar"}}),
        )
        .await,
    )
    .await
    .1;
    assert!(hidden["id"].is_string(), "{hidden}");

    let path = format!("/api/v1/missing-cases/{}/candidates", id(&case));
    // The whole list: on a shared database other tests' internal records are candidates too.
    let (status, page) = answer(app.get(&format!("{path}?limit=100"), Some("viewer")).await).await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let position = |v: &Value| items.iter().position(|i| i["id"] == v["id"]);
    let first_remains = items.iter().find(|i| i["kind"] == "remains").unwrap();
    assert_eq!(first_remains["id"], right["id"], "{page}");
    let before = |a: &Value, b: &Value| match (position(a), position(b)) {
        (Some(x), Some(y)) => x < y,
        (Some(_), None) => true,
        _ => false,
    };
    assert!(before(&right, &wrong), "{page}");
    assert!(position(&deceased).is_some(), "{page}");
    assert!(position(&person).is_none(), "the person is not their own candidate");
    let reasons: Vec<&str> = first_remains["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for expected in ["sex: same", "age: 34 within 30–40"] {
        assert!(reasons.contains(&expected), "{reasons:?}");
    }
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("clothing: ") && r.contains("shares 2 words")),
        "{reasons:?}"
    );
    let person_reasons = items[position(&deceased).unwrap()]["reasons"].to_string();
    assert!(person_reasons.contains("family name"), "{person_reasons}");

    // The restricted remains of the other organisation appear nowhere, not even in the text.
    assert!(!page.to_string().contains("PM-HIDDEN-ELSEWHERE"), "{page}");
    assert!(!page.to_string().contains(hidden["id"].as_str().unwrap()));
    // Its own organisation sees it, but not our restricted case.
    let (status, _) = answer(app.get(&path, Some("other_investigator")).await).await;
    assert_eq!(status, 404);
    let (status, _) = answer(app.get(&path, None).await).await;
    assert_eq!(status, 404);
    let (status, problem) = answer(app.get(&format!("{path}?limit=0"), Some("viewer")).await).await;
    assert_eq!((status, fields(&problem)), (400, vec!["limit".to_owned()]));
    let (_, page) = answer(app.get(&format!("{path}?limit=1"), Some("viewer")).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}
