//! Creating, changing and finding records.

use serde_json::{Value, json};

use crate::app::{TestApp, answer, incident};

#[tokio::test]
async fn create_change_and_find_an_incident() {
    let app = TestApp::start().await;
    let created = app.create("/api/v1/incidents", incident("Shelling of a street")).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["classification"], "internal");
    assert_eq!(created["organisation_id"], app.org.to_string());
    assert_eq!(created["occurred"], json!({"from": "2014-07"}));
    assert_eq!(created["status"], "reported");

    let r = app.get(&format!("/api/v1/incidents/{id}"), Some("viewer")).await;
    assert_eq!(r.headers()["etag"], "\"1\"");
    let (status, read) = answer(r).await;
    assert_eq!(status, 200);
    assert_eq!(read, created);

    let path = format!("/api/v1/incidents/{id}");
    let (status, changed) = answer(
        app.patch(
            &path,
            "investigator",
            1,
            &json!({"status": "verified", "occurred": {"from": "2014-07-17"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["status"], "verified");
    assert_eq!(
        changed["title"], "Shelling of a street",
        "a merge patch keeps what it does not name"
    );

    // Someone who read version 1 cannot overwrite version 2.
    let (status, problem) = answer(app.patch(&path, "investigator", 1, &json!({"title": "Stale"})).await).await;
    assert_eq!(status, 412);
    assert_eq!(problem["current_version"], 2);
    let r = app
        .request(reqwest::Method::PATCH, &path, Some("investigator"))
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 428);

    let (status, history) = answer(app.get(&format!("{path}/history"), Some("viewer")).await).await;
    assert_eq!(status, 200);
    let versions: Vec<&Value> = history["items"].as_array().unwrap().iter().collect();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["body"]["status"], "reported");
    assert_eq!(versions[1]["body"]["status"], "verified");

    let list = format!(
        "/api/v1/incidents?organisation_id={}&status=verified&category=indiscriminate_attack&from=2014-07-10&to=2014-07-20",
        app.org
    );
    let (status, page) = answer(app.get(&list, Some("viewer")).await).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let list = format!("/api/v1/incidents?organisation_id={}&from=2014-08", app.org);
    let (_, page) = answer(app.get(&list, Some("viewer")).await).await;
    assert!(page["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn search_crosses_scripts() {
    let app = TestApp::start().await;
    app.create(
        "/api/v1/persons",
        json!({"given_name": "Олександр", "family_name": "Вербицький", "residence": "Харків"}),
    )
    .await;
    app.create(
        "/api/v1/persons",
        json!({"given_name": "Aleksandr", "family_name": "Verbitsky"}),
    )
    .await;
    let inc = json!({"title": "Обстріл ринку", "occurred": {"from": "2015"}, "location": {"place_name": "Харків"}});
    app.create("/api/v1/incidents", inc).await;
    let count = |q: &'static str, kind: &'static str| {
        let app = &app;
        async move {
            let path = format!("/api/v1/search?q={q}&kind={kind}&organisation_id={}", app.org);
            let (status, page) = answer(app.get(&path, Some("viewer")).await).await;
            assert_eq!(status, 200, "{page}");
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("Oleksandr", "person").await, 2);
    assert_eq!(count("Олександр", "person").await, 2);
    assert_eq!(count("Verbytskyi", "person").await, 2);
    assert_eq!(count("Kharkiv", "person").await, 1);
    assert_eq!(count("Kharkiv", "incident").await, 1);
    let path = format!("/api/v1/search?q=Kharkiv&organisation_id={}", app.org);
    let (_, page) = answer(app.get(&path, Some("viewer")).await).await;
    let mut kinds: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["incident", "person"]);
}

#[tokio::test]
async fn pages_follow_the_cursor() {
    let app = TestApp::start().await;
    for i in 0..7 {
        app.create("/api/v1/incidents", incident(&format!("Incident {i}")))
            .await;
    }
    let mut path = format!("/api/v1/incidents?organisation_id={}&limit=3&sort=created", app.org);
    let mut titles = Vec::new();
    loop {
        let (status, page) = answer(app.get(&path, Some("viewer")).await).await;
        assert_eq!(status, 200);
        titles.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => {
                path = format!(
                    "/api/v1/incidents?organisation_id={}&limit=3&sort=created&cursor={c}",
                    app.org
                )
            }
            None => break,
        }
    }
    assert_eq!(titles, (0..7).map(|i| format!("Incident {i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn persons_are_involved_in_incidents() {
    let app = TestApp::start().await;
    let inc = app
        .create("/api/v1/incidents", incident("Detention at the bridge"))
        .await;
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Iryna", "family_name": "Bondar", "status": "detained"}),
        )
        .await;
    let path = format!("/api/v1/incidents/{}/persons", inc["id"].as_str().unwrap());
    let (status, involvement) = answer(
        app.post(
            &path,
            "investigator",
            &json!({"person_id": person["id"], "role": "detained"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{involvement}");
    assert_eq!(involvement["incident_id"], inc["id"]);
    let (_, page) = answer(app.get(&path, Some("viewer")).await).await;
    assert_eq!(page["items"][0]["person_id"], person["id"]);
    let by_person = format!("/api/v1/involvements?person_id={}", person["id"].as_str().unwrap());
    let (_, page) = answer(app.get(&by_person, Some("viewer")).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    // A person that does not exist is named as the bad field.
    let missing = json!({"person_id": uuid::Uuid::nil(), "role": "witness"});
    let (status, problem) = answer(app.post(&path, "investigator", &missing).await).await;
    assert_eq!(status, 422);
    assert_eq!(crate::app::fields(&problem), ["person_id"]);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::start().await;
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    assert_eq!(app.get("/readyz", None).await.status(), 200);
    let (status, vocabularies) = answer(app.get("/api/v1/vocabularies", None).await).await;
    assert_eq!(status, 200);
    assert!(
        vocabularies["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "incident_category")
    );
}
