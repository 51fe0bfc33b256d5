//! Bad input gets a clear answer naming the field, and changes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::app::{MAX_JSON, TestApp, answer, fields, incident};

async fn count(app: &TestApp) -> usize {
    let path = format!("/api/v1/incidents?organisation_id={}&limit=500", app.org);
    let (_, page) = answer(app.get(&path, Some("admin")).await).await;
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn bad_records_are_refused_field_by_field() {
    let app = TestApp::start().await;
    let with = |patch: Value| {
        let mut body = incident("Bad");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(Value, u16, Vec<&str>)> = vec![
        (with(json!({"title": 5})), 422, vec!["title"]),
        (with(json!({"title": ""})), 422, vec!["title"]),
        (
            with(json!({"categories": ["killing", "bombing"]})),
            422,
            vec!["categories.1"],
        ),
        (
            with(json!({"occurred": {"from": "2015-02-30"}})),
            422,
            vec!["occurred.from"],
        ),
        (
            with(json!({"occurred": {"from": "0000-00-00"}})),
            422,
            vec!["occurred.from"],
        ),
        (
            with(json!({"occurred": {"from": "2016", "to": "2015"}})),
            422,
            vec!["occurred.to"],
        ),
        (
            with(json!({"location": {"lat": 91.0, "lon": 10.0}})),
            422,
            vec!["location.lat"],
        ),
        (
            with(json!({"location": {"lat": 10.0, "lon": -181.0, "country": "Narnia"}})),
            422,
            vec!["location.country", "location.lon"],
        ),
        (
            with(json!({"weapons": [{"type": "laser"}]})),
            422,
            vec!["weapons.0.type"],
        ),
        (
            with(json!({"reported_casualties": {"killed": {"total": 2, "children": 3}}})),
            422,
            vec!["reported_casualties.killed.children"],
        ),
        (with(json!({"status": "proven"})), 422, vec!["status"]),
        (with(json!({"colour": "red"})), 422, vec!["colour"]),
        (with(json!({"classification": "secret"})), 422, vec!["classification"]),
        (
            with(json!({"id": "0190e7d2-0000-7000-8000-000000000000"})),
            422,
            vec!["id"],
        ),
        (json!({"occurred": {"from": "2015"}}), 422, vec!["title"]),
    ];
    for (body, expected_status, expected_fields) in cases {
        let (status, problem) = answer(app.post("/api/v1/incidents", "investigator", &body).await).await;
        assert_eq!(status, expected_status, "{body} -> {problem}");
        let mut got = fields(&problem);
        got.sort();
        assert_eq!(got, expected_fields, "{body} -> {problem}");
        assert!(problem["type"].as_str().unwrap().starts_with("urn:evidentia:problem:"));
    }
    assert_eq!(count(&app).await, 0, "nothing was stored");
}

#[tokio::test]
async fn unreadable_requests_are_refused() {
    let app = TestApp::start().await;
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.request(Method::POST, "/api/v1/incidents", Some("investigator"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let r = post(b"{\"title\": ".to_vec(), "application/json").await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (status, problem) = answer(r).await;
    assert_eq!(status, 400);
    assert!(problem["detail"].as_str().unwrap().contains("line 1"), "{problem}");

    let (status, _) = answer(post(b"[1, 2]".to_vec(), "application/json").await.unwrap()).await;
    assert_eq!(status, 400);
    let (status, _) = answer(
        post(b"title=x".to_vec(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415);

    // 50 MB never reaches the parser.
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(50 * 1024 * 1024)).into_bytes();
    let (status, problem) = answer(post(huge, "application/json").await.unwrap()).await;
    assert_eq!(status, 413);
    assert!(problem["detail"].as_str().unwrap().contains(&MAX_JSON.to_string()));

    for (path, field) in [
        ("/api/v1/incidents?limit=0", "limit"),
        ("/api/v1/incidents?from=2014-13", "from"),
        ("/api/v1/incidents?category=bombing", "category"),
        ("/api/v1/incidents?bbox=a,b,c,d", "bbox"),
        ("/api/v1/incidents?cursor=garbage", "cursor"),
        ("/api/v1/incidents?stauts=verified", "stauts"),
        ("/api/v1/search?q=", "q"),
        ("/api/v1/incidents?status=verified%00", "status"),
    ] {
        let (status, problem) = answer(app.get(path, Some("viewer")).await).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(fields(&problem), [field], "{path}");
    }
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn a_refused_change_leaves_the_record_as_it_was() {
    let app = TestApp::start().await;
    let created = app.create("/api/v1/incidents", incident("Kept")).await;
    let path = format!("/api/v1/incidents/{}", created["id"].as_str().unwrap());
    for patch in [
        json!({"location": {"lat": 91.0, "lon": 0.0}}),
        json!({"categories": ["nonsense"]}),
        json!({"occurred": {"from": "2014-02-30"}}),
    ] {
        let (status, _) = answer(app.patch(&path, "investigator", 1, &patch).await).await;
        assert_eq!(status, 422);
    }
    let (status, _) = answer(app.patch(&path, "investigator", 7, &json!({"title": "Stale"})).await).await;
    assert_eq!(status, 412);
    let (_, now) = answer(app.get(&path, Some("viewer")).await).await;
    assert_eq!(now, created);
    let (_, history) = answer(app.get(&format!("{path}/history"), Some("viewer")).await).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_credentials_are_refused_clearly() {
    let app = TestApp::start().await;
    for header in [
        "Bearer",
        "Bearer x",
        "Basic dXNlcjpwYXNz",
        "Bearer evd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let r = app
            .client
            .get(format!("{}/api/v1/incidents", app.base))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{header}");
        assert!(r.headers().contains_key("www-authenticate"));
    }
}

#[tokio::test]
async fn fields_the_server_owns_are_refused_naming_the_route_that_sets_them() {
    let app = TestApp::start().await;
    let (_, doc) = answer(app.get("/api/v1/openapi.json", None).await).await;
    let paths = doc["paths"].as_object().unwrap();
    let cases = [
        ("persons", json!({"given_name": "A"}), "merged_into", "read_only"),
        ("communications", json!({"subject": "s"}), "responses", "append_only"),
        ("communications", json!({"subject": "s"}), "attachments", "append_only"),
        ("communications", json!({"subject": "s"}), "letter", "read_only"),
        ("exhumations", json!({}), "recovery_log", "append_only"),
        ("remains", json!({"case_number": "R-1"}), "identification", "read_only"),
        ("remains", json!({"case_number": "R-1"}), "identified_as", "read_only"),
    ];
    for (collection, mut body, field, code) in cases {
        body[field] = json!([]);
        let (status, problem) = answer(app.post(&format!("/api/v1/{collection}"), "admin", &body).await).await;
        assert_eq!(status, 422, "{collection}.{field}: {problem}");
        let error = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("{collection}.{field}: {problem}"));
        assert_eq!(error["code"], code, "{error}");
        let message = error["message"].as_str().unwrap();
        let route = message
            .split("POST ")
            .nth(1)
            .unwrap_or_else(|| panic!("{collection}.{field} names no route: {message}"));
        let route = route.split_whitespace().next().unwrap();
        let post = &paths
            .get(route)
            .unwrap_or_else(|| panic!("{collection}.{field}: {route} is no route"))["post"];
        assert!(post.is_object(), "{collection}.{field}: {route} takes no POST");
    }
}
