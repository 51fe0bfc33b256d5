//! The missing-persons work of staff in the browser: reports from the public are accepted or
//! rejected on the case's page, remains are compared with a case field by field and identified
//! (or the identification withdrawn) on their own page. Only those who may change a record see
//! and may use its forms, and every page hides what its reader may not see.

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::app::{TestApp, answer};
use crate::web::{FormBody, client, page, post_form, session_page, sign_in};

/// A form posted with an API token, as a script would (no CSRF token is needed without a
/// session cookie).
async fn bearer_form(app: &TestApp, path: &str, who: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(format!("{}{path}", app.base))
        .bearer_auth(app.token(who))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn record(app: &TestApp, path: &str) -> Value {
    let (status, body) = answer(app.get(path, Some("admin")).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn pending_case(app: &TestApp, given: &str, circumstances: &str) -> (String, String) {
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": given, "family_name": "Ostapchuk", "status": "missing", "classification": "restricted"}),
        )
        .await;
    let case = app
        .create(
            "/api/v1/missing-cases",
            json!({"person_id": person["id"], "classification": "restricted", "moderation": "pending",
                   "circumstances": circumstances,
                   "reported_by": {"name": "Olha", "relation": "sister", "contact": "+000 555 0199"}}),
        )
        .await;
    (id(&case), id(&person))
}

#[tokio::test]
async fn reports_from_the_public_are_accepted_or_rejected_on_the_case_page() {
    let app = TestApp::start().await;
    let (case, _) = pending_case(&app, "Halyna", "Left the shelter at dawn.").await;
    let path = format!("/missing-cases/{case}");
    let action = format!("action=\"/missing-cases/{case}/moderation\"");

    // Who may change the case sees the buttons; a viewer reads the case without them.
    let (status, html) = page(&app, &path, Some("investigator")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&action) && html.contains("id=\"moderation\""), "{html}");
    let (status, html) = page(&app, &path, Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Left the shelter at dawn.") && !html.contains(&action),
        "{html}"
    );

    // A viewer may not moderate, another organisation does not even find the case.
    let form = [("version", "1"), ("moderation", "accepted")];
    let r = bearer_form(&app, &format!("{path}/moderation"), "viewer", &form).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for who in ["outsider", "other_investigator"] {
        let r = bearer_form(&app, &format!("{path}/moderation"), who, &form).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
    }
    let api = format!("/api/v1/missing-cases/{case}");
    assert_eq!(record(&app, &api).await["moderation"], "pending");

    // In the browser: the session's token is needed, the value must be one of the two.
    let session = sign_in(&app, "investigator").await;
    let r = post_form(&app, &format!("{path}/moderation"), &session, &form).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = post_form(
        &app,
        &format!("{path}/moderation"),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("moderation", "published"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post_form(
        &app,
        &format!("{path}/moderation"),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("moderation", "accepted"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], path.as_str());
    let accepted = record(&app, &api).await;
    assert_eq!(accepted["moderation"], "accepted");
    assert_eq!(accepted["version"], 2);
    // The change is a version in the case's history like any other.
    let history = record(&app, &format!("{api}/history")).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "{history}");
    // Accepted, the buttons are gone; the form of an old version is refused, nothing changes.
    let (_, html) = session_page(&app, &path, &session).await;
    assert!(!html.contains(&action), "{html}");
    let r = post_form(
        &app,
        &format!("{path}/moderation"),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("moderation", "rejected"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(record(&app, &api).await["moderation"], "accepted");

    // Another report is rejected.
    let (other, _) = pending_case(&app, "Roksolana", "Was seen near the ferry.").await;
    let r = post_form(
        &app,
        &format!("/missing-cases/{other}/moderation"),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("moderation", "rejected"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        record(&app, &format!("/api/v1/missing-cases/{other}")).await["moderation"],
        "rejected"
    );
}

/// A missing person with a case and remains that may be theirs, all restricted.
async fn case_and_remains(app: &TestApp) -> (String, String, String) {
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Stepan", "family_name": "Hordiienko", "sex": "male", "status": "missing"}),
        )
        .await;
    let case = app
        .create(
            "/api/v1/missing-cases",
            json!({"person_id": person["id"], "classification": "restricted",
                   "last_seen": {"period": {"from": "2023-01-10"}, "place": {"place_name": "Mill pond"}},
                   "ante_mortem": {"clothing": "orange raincoat", "dental": "gold crown upper left",
                                   "sample_ids": ["REF-HORD-1"]}}),
        )
        .await;
    let remains = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-ORANGE", "classification": "restricted", "sex_estimate": "male",
                   "age_range": {"min": 40, "max": 55},
                   "post_mortem": {"clothing": "torn orange raincoat", "dental": "crown, upper left molar",
                                   "sample_ids": ["BONE-77"]}}),
        )
        .await;
    (id(&person), id(&case), id(&remains))
}

/// Remains only investigators may see: case number `PM-CONFIDENTIAL`, marked "tattoo of an anchor".
async fn confidential_remains(app: &TestApp) -> Value {
    app.create(
        "/api/v1/remains",
        json!({"case_number": "PM-CONFIDENTIAL", "classification": "confidential",
               "post_mortem": {"marks": "tattoo of an anchor"}}),
    )
    .await
}

#[tokio::test]
async fn remains_are_compared_with_a_case_and_identified_from_the_web() {
    let app = TestApp::start().await;
    let (person, case, remains) = case_and_remains(&app).await;

    // The case's candidates lead to the remains, compared with the case.
    let (_, html) = page(&app, &format!("/missing-cases/{case}"), Some("viewer")).await;
    let href = format!("/remains/{remains}?case={case}");
    assert!(html.contains(&format!("href=\"{href}\"")), "{html}");
    let (status, html) = page(&app, &href, Some("investigator")).await;
    assert_eq!(status, 200, "{html}");
    for text in [
        "torn orange raincoat",
        "orange raincoat",
        "gold crown upper left",
        "crown, upper left molar",
        "BONE-77",
        "REF-HORD-1",
        "40–55",
        "id=\"identify\"",
        "Identify as Stepan Hordiienko",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    // Without a case, the particulars alone and no form.
    let (status, html) = page(&app, &format!("/remains/{remains}"), Some("investigator")).await;
    assert_eq!(status, 200);
    assert!(html.contains("BONE-77") && !html.contains("REF-HORD-1") && !html.contains("id=\"identify\""));
    // The list leads to the page.
    let (_, html) = page(&app, "/remains", Some("viewer")).await;
    assert!(
        html.contains(&format!("href=\"/remains/{remains}\"")) && html.contains("PM-ORANGE"),
        "{html}"
    );

    // A viewer reads the page but has no form and may not identify.
    let (_, html) = page(&app, &href, Some("viewer")).await;
    assert!(
        html.contains("torn orange raincoat") && !html.contains("id=\"identify\""),
        "{html}"
    );
    let good = [
        ("person_id", person.as_str()),
        ("case", case.as_str()),
        ("method", "dental"),
        ("confirmed_by", "Regional forensic bureau"),
        ("confirmed_at", "2024-02"),
        ("notes", "Crown matches the dental chart."),
    ];
    let identification = format!("/remains/{remains}/identification");
    let r = bearer_form(&app, &identification, "viewer", &good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = bearer_form(&app, &identification, "outsider", &good).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        record(&app, &format!("/api/v1/remains/{remains}")).await["status"],
        "unidentified"
    );

    // Bad input comes back with each error beside its field, and nothing changes.
    let session = sign_in(&app, "investigator").await;
    let r = post_form(
        &app,
        &identification,
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("person_id", &person),
            ("case", &case),
            ("method", "guesswork"),
            ("confirmed_by", ""),
            ("confirmed_at", "2024-13"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for id in ["method-error", "confirmed-by-error", "confirmed-at-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
    }
    let r = post_form(
        &app,
        &identification,
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("person_id", &person),
            ("case", &case),
            ("method", "dna"),
            ("confirmed_by", "Laboratory"),
            ("confirmed_at", "2999-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"confirmed-at-error\"") && html.contains("value=\"Laboratory\""),
        "{html}"
    );
    assert_eq!(
        record(&app, &format!("/api/v1/remains/{remains}")).await["status"],
        "unidentified"
    );

    // Identified: the remains, the person and the case change together.
    let mut fields = vec![("csrf_token", session.csrf.as_str())];
    fields.extend(good);
    let r = post_form(&app, &identification, &session, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], href.as_str());
    let identified = record(&app, &format!("/api/v1/remains/{remains}")).await;
    assert_eq!(identified["status"], "identified");
    assert_eq!(identified["identified_as"], json!(person));
    assert_eq!(identified["identification"]["method"], "dental");
    assert_eq!(identified["identification"]["confirmed_at"], "2024-02");
    assert_eq!(
        record(&app, &format!("/api/v1/persons/{person}")).await["status"],
        "killed"
    );
    assert_eq!(
        record(&app, &format!("/api/v1/missing-cases/{case}")).await["status"],
        "identified"
    );
    let (_, html) = session_page(&app, &href, &session).await;
    assert!(
        html.contains(&format!("href=\"/persons/{person}\"")) && html.contains("id=\"withdraw\""),
        "{html}"
    );
    assert!(html.contains("Regional forensic bureau") && !html.contains("id=\"identify\""));
    let (_, html) = session_page(&app, &format!("/missing-cases/{case}"), &session).await;
    assert!(html.contains("Identified"), "{html}");
    // A second identification is refused while the first stands.
    let r = post_form(&app, &identification, &session, &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Withdrawn: a viewer may not, an investigator may; the case is open again.
    let (_, html) = page(&app, &href, Some("viewer")).await;
    assert!(!html.contains("id=\"withdraw\""), "{html}");
    let withdrawal = format!("{identification}/withdrawal");
    let r = bearer_form(&app, &withdrawal, "viewer", &[("case", &case)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post_form(&app, &withdrawal, &session, &[("case", &case)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = post_form(
        &app,
        &withdrawal,
        &session,
        &[("csrf_token", &session.csrf), ("case", &case)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], href.as_str());
    assert_eq!(
        record(&app, &format!("/api/v1/remains/{remains}")).await["status"],
        "candidate_match"
    );
    assert_eq!(
        record(&app, &format!("/api/v1/missing-cases/{case}")).await["status"],
        "open"
    );
}

#[tokio::test]
async fn the_new_pages_hide_what_the_reader_may_not_see() {
    let app = TestApp::start().await;
    let (_, case, remains) = case_and_remains(&app).await;
    let shown = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-INTERNAL", "classification": "internal",
                   "post_mortem": {"clothing": "blue scarf"}}),
        )
        .await;
    let secret = confidential_remains(&app).await;
    let (pending, _) = pending_case(&app, "Myroslava", "Taken from the checkpoint queue.").await;

    // Another organisation: the restricted remains and cases are not found, not listed, and a
    // case named beside remains it may see adds nothing of the case.
    for (path, status) in [
        (format!("/remains/{remains}"), 404),
        (format!("/remains/{remains}?case={case}"), 404),
        (format!("/missing-cases/{pending}"), 404),
        (format!("/remains/{}", id(&secret)), 404),
    ] {
        let (got, html) = page(&app, &path, Some("outsider")).await;
        assert_eq!(got, status, "{path}");
        assert!(!html.contains("PM-ORANGE") && !html.contains("anchor"), "{path}");
    }
    let (status, html) = page(&app, &format!("/remains/{}?case={case}", id(&shown)), Some("outsider")).await;
    assert_eq!(status, 200);
    assert!(html.contains("blue scarf"), "{html}");
    for hidden in ["orange raincoat", "Hordiienko", "REF-HORD-1", "id=\"identify\""] {
        assert!(!html.contains(hidden), "{hidden}: {html}");
    }
    let (_, html) = page(&app, "/remains", Some("outsider")).await;
    assert!(html.contains("PM-INTERNAL") && !html.contains("PM-ORANGE") && !html.contains("PM-CONFIDENTIAL"));
    let (_, html) = page(&app, "/missing-cases", Some("outsider")).await;
    assert!(!html.contains("Myroslava") && !html.contains("checkpoint"), "{html}");

    // Within the organisation, a viewer reads restricted records and the reporter's contact,
    // but not confidential remains.
    let (status, html) = page(&app, &format!("/missing-cases/{pending}"), Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(html.contains("+000 555 0199"), "{html}");
    let (status, _) = page(&app, &format!("/remains/{}", id(&secret)), Some("viewer")).await;
    assert_eq!(status, 404);
    let (_, html) = page(&app, "/remains", Some("viewer")).await;
    assert!(
        html.contains("PM-ORANGE") && !html.contains("PM-CONFIDENTIAL"),
        "{html}"
    );
    let (status, html) = page(&app, &format!("/remains/{}", id(&secret)), Some("investigator")).await;
    assert_eq!(status, 200);
    assert!(html.contains("tattoo of an anchor"));

    // The public sees none of it: staff pages send it to sign in.
    for path in ["/remains".to_owned(), format!("/remains/{}", id(&shown))] {
        let (status, _) = page(&app, &path, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
    }
    let r = client()
        .post(format!("{}/remains/{}/identification", app.base, id(&shown)))
        .form(&[("method", "dna")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cases_are_created_from_the_persons_page_and_edited_with_forms() {
    let app = TestApp::start().await;
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Bohdana", "family_name": "Kvitka", "classification": "restricted"}),
        )
        .await;
    let person_id = id(&person);
    let new = format!("/missing-cases/new?person={person_id}");

    // The person's page opens the form with the person set, for those who may write.
    let (_, html) = page(&app, &format!("/persons/{person_id}"), Some("investigator")).await;
    assert!(html.contains(&format!("href=\"{new}\"")), "{html}");
    let (_, html) = page(&app, &format!("/persons/{person_id}"), Some("viewer")).await;
    assert!(!html.contains(&format!("href=\"{new}\"")), "{html}");
    let (status, html) = page(&app, &new, Some("investigator")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Bohdana Kvitka") && html.contains(&format!("name=\"person_id\" value=\"{person_id}\"")),
        "{html}"
    );
    // Another organisation does not learn the person's name from the form.
    let (status, html) = page(&app, &new, Some("outsider")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Bohdana"), "{html}");

    // Bad input: every error beside its field, nothing created.
    let session = sign_in(&app, "investigator").await;
    let r = post_form(
        &app,
        "/missing-cases",
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("person_id", &person_id),
            ("last_seen.period.from", "2023-13"),
            ("ante_mortem.height_cm", "tall"),
            ("reported_at", "2999-01-01"),
            ("status", "open"),
            ("consent_to_share", "none"),
            ("classification", "restricted"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for id in ["last-seen-from-error", "am-height-error", "reported-at-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
    }
    let r = post_form(
        &app,
        "/missing-cases",
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("status", "open"),
            ("classification", "restricted"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"person-id-error\""),
        "the person is required: {html}"
    );
    // A contact makes the case restricted at least: an internal case with one is refused.
    let r = post_form(
        &app,
        "/missing-cases",
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("person_id", &person_id),
            ("reported_by.contact", "+000 555 0142"),
            ("status", "open"),
            ("consent_to_share", "none"),
            ("classification", "internal"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"classification-error\""), "{html}");
    let (_, list) = answer(
        app.get(&format!("/api/v1/missing-cases?person_id={person_id}"), Some("admin"))
            .await,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");

    // A viewer may not create one.
    let good = [
        ("person_id", person_id.as_str()),
        ("last_seen.period.from", "2024-03"),
        ("last_seen.place.place_name", "Ferry landing"),
        ("circumstances", "Crossed the river to the fields."),
        ("ante_mortem.height_cm", "168"),
        ("ante_mortem.clothing", "green jacket"),
        ("ante_mortem.sample_ids", "REF-KV-1, REF-KV-2"),
        ("reported_by.name", "Taras"),
        ("reported_by.relation", "brother"),
        ("reported_by.contact", "+000 555 0142"),
        ("reported_at", "2024-03-20"),
        ("consent_to_share", "partners"),
        ("status", "open"),
        ("classification", "restricted"),
    ];
    let r = bearer_form(&app, "/missing-cases", "viewer", &good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let mut fields = vec![("csrf_token", session.csrf.as_str())];
    fields.extend(good);
    let r = post_form(&app, "/missing-cases", &session, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let case_id = location.trim_start_matches("/missing-cases/").to_owned();
    let case = record(&app, &format!("/api/v1/missing-cases/{case_id}")).await;
    assert_eq!(case["person_id"], json!(person_id));
    assert_eq!(case["classification"], "restricted");
    assert_eq!(case["last_seen"]["period"]["from"], "2024-03");
    assert_eq!(case["ante_mortem"]["height_cm"], 168);
    assert_eq!(case["ante_mortem"]["sample_ids"], json!(["REF-KV-1", "REF-KV-2"]));
    assert_eq!(case["reported_by"]["contact"], "+000 555 0142");
    assert_eq!(case["consent_to_share"], "partners");

    // The edit form shows what is stored; a change keeps what the form does not show.
    let edit = format!("/missing-cases/{case_id}/edit");
    let (status, html) = session_page(&app, &edit, &session).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("value=\"REF-KV-1, REF-KV-2\"") && html.contains("value=\"Ferry landing\""),
        "{html}"
    );
    let mut changed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| !matches!(*k, "ante_mortem.clothing" | "last_seen.place.place_name"))
        .copied()
        .collect();
    changed.push(("last_seen.place.place_name", "Lower ferry landing"));
    changed.push(("version", "1"));
    let r = post_form(&app, &format!("/missing-cases/{case_id}"), &session, &changed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = record(&app, &format!("/api/v1/missing-cases/{case_id}")).await;
    assert_eq!(case["version"], 2);
    assert_eq!(case["last_seen"]["place"]["place_name"], "Lower ferry landing");
    assert!(case["ante_mortem"].get("clothing").is_none(), "{case}");
    // The form of an old version is refused with a message, nothing changes.
    let r = post_form(&app, &format!("/missing-cases/{case_id}"), &session, &changed).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("role=\"alert\""));
    assert_eq!(
        record(&app, &format!("/api/v1/missing-cases/{case_id}")).await["version"],
        2
    );

    // A viewer may not change it; another organisation does not find it.
    let mut stale = good.to_vec();
    stale.push(("version", "2"));
    let r = bearer_form(&app, &format!("/missing-cases/{case_id}"), "viewer", &stale).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = page(&app, &edit, Some("outsider")).await;
    assert_eq!(status, 404);
    let r = bearer_form(&app, &format!("/missing-cases/{case_id}"), "other_investigator", &stale).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, html) = page(&app, &format!("/missing-cases/{case_id}"), Some("viewer")).await;
    assert!(!html.contains(&format!("href=\"{edit}\"")), "{html}");
}

#[tokio::test]
async fn grave_sites_show_their_exhumations_and_recovery_logs_to_those_who_may_see_them() {
    let app = TestApp::start().await;
    let site = app
        .create(
            "/api/v1/grave-sites",
            json!({"name": "Birch hollow site", "type": "mass", "setting": "buried", "classification": "restricted",
                   "location": {"place_name": "Birch hollow", "lat": 47.01, "lon": 31.01},
                   "hazards": ["mines", "water"], "estimated_individuals": 12, "minimum_individuals": 7}),
        )
        .await;
    let exhumation = app
        .create(
            "/api/v1/exhumations",
            json!({"grave_site_id": site["id"], "team": "Field team 5", "started_at": "2024-04-02",
                   "classification": "restricted"}),
        )
        .await;
    let shown = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-BIRCH-1", "grave_site_id": site["id"], "classification": "restricted"}),
        )
        .await;
    let secret = app
        .create(
            "/api/v1/remains",
            json!({"case_number": "PM-BIRCH-SECRET", "grave_site_id": site["id"], "classification": "confidential"}),
        )
        .await;
    let log = format!("/api/v1/exhumations/{}/recovery-log", id(&exhumation));
    for (item, remains) in [("B-101", &shown), ("B-102", &secret)] {
        let (status, body) = answer(
            app.post(
                &log,
                "investigator",
                &json!({"item_number": item, "description": format!("bones {item}"),
                        "position": {"x": 1.5, "y": 2.0, "depth": 0.8}, "recovered_at": "2024-04-03",
                        "remains_id": remains["id"]}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let path = format!("/grave-sites/{}", id(&site));

    let (status, html) = page(&app, "/grave-sites", Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"{path}\"")) && html.contains("Mass grave"),
        "{html}"
    );
    let (status, html) = page(&app, &path, Some("viewer")).await;
    assert_eq!(status, 200);
    for text in [
        "Mines, Water",
        "Individuals (estimated)",
        "Field team 5",
        "B-101",
        "bones B-102",
        "x 1.5 m, y 2 m, depth 0.8 m",
        "PM-BIRCH-1",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    let (_, html) = page(&app, &format!("/remains/{}", id(&shown)), Some("viewer")).await;
    assert!(
        html.contains(&format!("href=\"{path}\"")),
        "the remains lead to their site: {html}"
    );
    // The viewer may not see the confidential remains: the log keeps the item, not its name.
    assert!(!html.contains("PM-BIRCH-SECRET"), "{html}");
    let (_, html) = page(&app, &path, Some("investigator")).await;
    assert!(html.contains("PM-BIRCH-SECRET"), "{html}");
    // Another organisation finds nothing of the site.
    let (status, html) = page(&app, &path, Some("outsider")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Birch"));
    let (_, html) = page(&app, "/grave-sites", Some("outsider")).await;
    assert!(!html.contains("Birch"), "{html}");
    let (status, _) = page(&app, "/grave-sites", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn remains_and_grave_sites_are_searched_by_text_in_any_script_among_what_the_reader_may_see() {
    let app = TestApp::start().await;
    let (_, _, remains) = case_and_remains(&app).await;
    let secret = confidential_remains(&app).await;
    let site = app
        .create(
            "/api/v1/grave-sites",
            json!({"name": "Березовий яр", "type": "individual", "setting": "buried", "classification": "restricted",
                   "location": {"place_name": "Березівка"}}),
        )
        .await;
    let remains_href = format!("href=\"/remains/{remains}\"");
    let secret_href = format!("href=\"/remains/{}\"", id(&secret));
    let site_href = format!("href=\"/grave-sites/{}\"", id(&site));
    let none = "No remains match.";

    // By the particulars and by the case number; the search box keeps what was asked.
    for q in ["raincoat", "pm-orange"] {
        let (status, html) = page(&app, &format!("/remains?q={q}"), Some("viewer")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&remains_href) && !html.contains(&secret_href),
            "{q}: {html}"
        );
        assert!(
            html.contains(&format!("name=\"q\" type=\"search\" value=\"{q}\"")),
            "{html}"
        );
    }
    // Words found only in what the reader may not see find nothing, and the count says so.
    let (_, html) = page(&app, "/remains?q=anchor", Some("viewer")).await;
    assert!(html.contains(none) && !html.contains("PM-CONFIDENTIAL"), "{html}");
    let (_, html) = page(&app, "/remains?q=anchor", Some("investigator")).await;
    assert!(html.contains(&secret_href) && !html.contains(&remains_href), "{html}");
    let (_, html) = page(&app, "/remains?q=raincoat", Some("outsider")).await;
    assert!(html.contains(none) && !html.contains("PM-ORANGE"), "{html}");
    // With the status filter too.
    let (_, html) = page(&app, "/remains?q=raincoat&status=identified", Some("viewer")).await;
    assert!(html.contains(none), "{html}");

    // A Cyrillic name found by its Latin spelling, and the other way round.
    for q in ["Berezovyi", "Березовий", "berezivka"] {
        let (status, html) = page(&app, &format!("/grave-sites?q={q}"), Some("viewer")).await;
        assert_eq!(status, 200);
        assert!(html.contains(&site_href), "{q}: {html}");
        let (_, html) = page(&app, &format!("/grave-sites?q={q}"), Some("outsider")).await;
        assert!(
            !html.contains(&site_href) && !html.contains("Березовий яр"),
            "{q}: {html}"
        );
    }
    let (_, html) = page(&app, "/grave-sites?q=raincoat", Some("viewer")).await;
    assert!(
        !html.contains(&site_href) && html.contains("No grave site matches."),
        "{html}"
    );
}
