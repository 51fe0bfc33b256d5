//! The OpenAPI document describes exactly the routes that exist.

use crate::app::{TestApp, answer};

#[tokio::test]
async fn the_document_matches_the_routes() {
    let app = TestApp::start().await;
    let (status, doc) = answer(app.get("/api/v1/openapi.json", None).await).await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("openapi", doc);

    // Every documented operation is routed: none answers 404 for a missing route or 405.
    let id = uuid::Uuid::nil();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let url = format!(
                "/api/v1{}",
                path.replace("{id}", &id.to_string()).replace("{index}", "0")
            );
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .request(m.clone(), &url, Some("admin"))
                .header("If-Match", "1")
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            assert_ne!(r.status(), 405, "{m} {url}");
            let routed = r.status() != 404
                || r.text().await.unwrap().contains("not-found") && (path.contains("{id}") || path.contains("{index}"));
            assert!(routed, "{m} {url} is documented but not routed");
        }
    }
    // And an undocumented path is not served.
    let (status, problem) = answer(app.get("/api/v1/nothing-here", Some("admin")).await).await;
    assert_eq!(status, 404);
    assert_eq!(problem["type"], "urn:evidentia:problem:not-found");
}
