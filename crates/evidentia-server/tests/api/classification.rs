//! Records are shown only to those who may see them, on every path of this API.

use serde_json::json;

use crate::app::{TestApp, answer, incident};

#[tokio::test]
async fn hidden_records_look_like_missing_ones() {
    let app = TestApp::start().await;
    let mut body = incident("Restricted incident Zorianivka");
    body["classification"] = json!("restricted");
    let restricted = app.create("/api/v1/incidents", body).await;
    let path = format!("/api/v1/incidents/{}", restricted["id"].as_str().unwrap());

    let (own, _) = answer(app.get(&path, Some("viewer")).await).await;
    assert_eq!(own, 200);
    let (status, hidden) = answer(app.get(&path, Some("outsider")).await).await;
    let (_, missing) = answer(
        app.get(&format!("/api/v1/incidents/{}", uuid::Uuid::nil()), Some("outsider"))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(hidden, missing, "a hidden record is answered like a missing one");
    let (status, _) = answer(app.get(&format!("{path}/history"), Some("outsider")).await).await;
    assert_eq!(status, 404);
    let (status, _) = answer(app.get(&path, None).await).await;
    assert_eq!(status, 404);

    // Search does not reveal it either.
    let search = "/api/v1/search?q=Zorianivka";
    let (_, page) = answer(app.get(search, Some("outsider")).await).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    let (_, page) = answer(app.get(search, Some("viewer")).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    // Nor can an outsider change it.
    let (status, _) = answer(app.patch(&path, "other_investigator", 1, &json!({"title": "x"})).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_public_sees_only_published_public_records() {
    let app = TestApp::start().await;
    let mut published = incident("Published Verkhovodsk");
    published["classification"] = json!("public");
    published["published"] = json!(true);
    let published = app.create("/api/v1/incidents", published).await;
    let mut draft = incident("Draft Verkhovodsk");
    draft["classification"] = json!("public");
    app.create("/api/v1/incidents", draft).await;
    app.create("/api/v1/incidents", incident("Internal Verkhovodsk")).await;

    let (_, page) = answer(app.get("/api/v1/search?q=Verkhovodsk", None).await).await;
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Published Verkhovodsk"]);
    let (status, _) = answer(
        app.get(
            &format!("/api/v1/incidents/{}", published["id"].as_str().unwrap()),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn roles_limit_writing() {
    let app = TestApp::start().await;
    for who in ["viewer", "analyst"] {
        let (status, _) = answer(app.post("/api/v1/incidents", who, &incident("x")).await).await;
        assert_eq!(status, 403, "{who}");
    }
    let r = app
        .client
        .post(format!("{}/api/v1/incidents", app.base))
        .json(&incident("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let mut elsewhere = incident("x");
    elsewhere["organisation_id"] = json!(app.other_org);
    let (status, _) = answer(app.post("/api/v1/incidents", "investigator", &elsewhere).await).await;
    assert_eq!(status, 403);
    let created = app.create("/api/v1/incidents", incident("Mine")).await;
    let path = format!("/api/v1/incidents/{}", created["id"].as_str().unwrap());
    let (status, _) = answer(app.patch(&path, "viewer", 1, &json!({"title": "y"})).await).await;
    assert_eq!(status, 403);
    let (status, _) = answer(app.patch(&path, "admin", 1, &json!({"title": "y"})).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn contacts_keep_a_person_restricted() {
    let app = TestApp::start().await;
    let body = json!({"given_name": "Halyna", "contacts": "+000 11 22", "classification": "internal"});
    let (status, problem) = answer(app.post("/api/v1/persons", "investigator", &body).await).await;
    assert_eq!(status, 422);
    assert_eq!(crate::app::fields(&problem), ["classification"]);
}
