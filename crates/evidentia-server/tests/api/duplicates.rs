//! Duplicate persons: the review queue, decisions, merges and their undoing, and classification on
//! every one of those paths.

use serde_json::{Value, json};

use crate::app::{TestApp, answer};

const QUEUE: &str = "/api/v1/persons/duplicates?limit=500";

async fn person(app: &TestApp, who: &str, body: Value) -> String {
    let (status, created) = answer(app.post("/api/v1/persons", who, &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// The pairs of the caller's queue, as sorted id pairs, with their entries.
async fn queue(app: &TestApp, who: &str) -> Vec<(String, String, Value)> {
    let (status, page) = answer(app.get(QUEUE, Some(who)).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["person_ids"][0].as_str().unwrap().to_owned(),
                p["person_ids"][1].as_str().unwrap().to_owned(),
                p.clone(),
            )
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

fn position(q: &[(String, String, Value)], a: &str, b: &str) -> Option<usize> {
    let (x, y) = pair(a, b);
    q.iter().position(|(p, r, _)| *p == x && *r == y)
}

async fn decide(app: &TestApp, who: &str, a: &str, b: &str, decision: &str) -> (u16, Value) {
    answer(
        app.post(
            "/api/v1/persons/duplicates",
            who,
            &json!({"person_ids": [a, b], "decision": decision}),
        )
        .await,
    )
    .await
}

async fn ids(app: &TestApp, path: &str, who: &str) -> Vec<String> {
    let (status, page) = answer(app.get(path, Some(who)).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn proposals_are_decided_merged_and_undone() {
    let app = TestApp::start().await;
    let inv = "investigator";
    let a = person(
        &app,
        inv,
        json!({"given_name": "Олександр", "family_name": "Шевчук", "patronymic": "Петрович",
               "birth_date": "1980-03-04", "residence": "Тихоріччя", "sex": "male"}),
    )
    .await;
    let b = person(
        &app,
        inv,
        json!({"given_name": "Oleksandr", "family_name": "Shevchuk", "patronymic": "Petrovych",
               "birth_date": "1980-03-04", "residence": "Tykhorichchia", "sex": "male"}),
    )
    .await;
    let c = person(
        &app,
        inv,
        json!({"given_name": "Ганна", "family_name": "Мельник", "birth_date": "1990-07-01", "sex": "female"}),
    )
    .await;
    let d = person(
        &app,
        inv,
        json!({"given_name": "Hanna", "family_name": "Melnyk", "birth_date": "1990-07-01", "sex": "female"}),
    )
    .await;
    let e = person(
        &app,
        inv,
        json!({"given_name": "Ірина", "family_name": "Коваль", "birth_date": "1975"}),
    )
    .await;

    // The known duplicates are proposed with their reasons; the stranger is not.
    let q = queue(&app, inv).await;
    let ab = position(&q, &a, &b).expect("Олександр Шевчук / Oleksandr Shevchuk is proposed");
    assert!(position(&q, &c, &d).is_some(), "{q:?}");
    let entry = &q[ab].2;
    assert!(entry["score"].as_f64().unwrap() > 0.0, "{entry}");
    assert!(!entry["reasons"].as_str().unwrap().is_empty(), "{entry}");
    assert_eq!(entry["persons"][0]["id"], entry["person_ids"][0]);
    assert!(entry["persons"].to_string().contains("Шевчук"), "{entry}");
    assert!(!q.iter().any(|(x, y, _)| *x == e || *y == e), "{q:?}");

    // Confirming merges: the first recorded survives, the other points to it.
    let log_before = answer(app.get("/api/v1/log/checkpoint", Some(inv)).await).await.1;
    let (status, decision) = decide(&app, inv, &b, &a, "confirmed").await;
    assert_eq!(status, 201, "{decision}");
    assert_eq!(decision["decision"], "confirmed");
    assert_eq!(decision["merged"]["survivor_id"], a.as_str());
    assert_eq!(decision["merged"]["absorbed_id"], b.as_str());
    assert_eq!(decision["classification"], "internal");
    let match_id = decision["id"].as_str().unwrap().to_owned();
    let (_, absorbed) = answer(app.get(&format!("/api/v1/persons/{b}"), Some("viewer")).await).await;
    assert_eq!(absorbed["merged_into"], a.as_str());
    assert_eq!(absorbed["given_name"], "Oleksandr", "the original is kept unchanged");
    let (_, survivor) = answer(app.get(&format!("/api/v1/persons/{a}"), Some("viewer")).await).await;
    assert!(survivor.get("merged_into").is_none(), "{survivor}");
    let (_, history) = answer(app.get(&format!("/api/v1/persons/{b}/history"), Some("viewer")).await).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "{history}");
    let log_after = answer(app.get("/api/v1/log/checkpoint", Some(inv)).await).await.1;
    assert_ne!(log_before, log_after, "the merge is in the tamper-evident log");

    // Lists and search show the survivor; the merged record on request.
    let listed = ids(&app, "/api/v1/persons?q=Shevchuk&limit=500", "viewer").await;
    assert!(listed.contains(&a) && !listed.contains(&b), "{listed:?}");
    let found = ids(&app, "/api/v1/search?q=Shevchuk&limit=500", "viewer").await;
    assert!(found.contains(&a) && !found.contains(&b), "{found:?}");
    let all = ids(&app, "/api/v1/persons?q=Shevchuk&merged=true&limit=500", "viewer").await;
    assert!(all.contains(&a) && all.contains(&b), "{all:?}");
    let merged = ids(&app, &format!("/api/v1/persons?merged_into={a}"), "viewer").await;
    assert_eq!(merged, std::slice::from_ref(&b));
    assert!(position(&queue(&app, inv).await, &a, &b).is_none());

    // Only the server sets merged_into.
    let (status, problem) = answer(
        app.patch(&format!("/api/v1/persons/{b}"), inv, 2, &json!({"merged_into": null}))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) = answer(
        app.post("/api/v1/persons", inv, &json!({"given_name": "X", "merged_into": a}))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    // A merged pair cannot be decided again before the merge is undone.
    assert_eq!(decide(&app, inv, &a, &b, "rejected").await.0, 409);

    // Undoing restores the persons and sends the pair back, after the open pairs.
    let (status, undone) = answer(
        app.post(&format!("/api/v1/persons/duplicates/{match_id}/undo"), inv, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{undone}");
    assert_eq!(undone["decision"], "deferred");
    assert!(undone["merged"]["undone_at"].is_string(), "{undone}");
    assert_eq!(undone["version"], 2);
    let (_, restored) = answer(app.get(&format!("/api/v1/persons/{b}"), Some("viewer")).await).await;
    assert!(restored.get("merged_into").is_none(), "{restored}");
    assert_eq!(restored["version"], 3);
    let listed = ids(&app, "/api/v1/persons?q=Shevchuk&limit=500", "viewer").await;
    assert!(listed.contains(&a) && listed.contains(&b), "{listed:?}");
    let q = queue(&app, inv).await;
    let ab = position(&q, &a, &b).expect("the undone pair comes back");
    let cd = position(&q, &c, &d).unwrap();
    assert!(cd < ab, "deferred pairs come after open ones: {q:?}");
    assert_eq!(q[ab].2["deferred"], true);
    assert_eq!(q[ab].2["match_id"], match_id.as_str());
    let (status, _) = answer(
        app.post(&format!("/api/v1/persons/duplicates/{match_id}/undo"), inv, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 409, "nothing left to undo");

    // A rejected pair never comes back.
    let (status, rejected) = decide(&app, inv, &c, &d, "rejected").await;
    assert_eq!(status, 201, "{rejected}");
    assert!(rejected.get("merged").is_none());
    assert!(position(&queue(&app, inv).await, &c, &d).is_none());
    // Deciding the pair again is a new version of the same decision.
    let (status, again) = decide(&app, inv, &d, &c, "deferred").await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], rejected["id"]);
    assert_eq!(again["version"], 2);

    // Bad decisions are named.
    let (status, problem) = decide(&app, inv, &a, &a, "confirmed").await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) = decide(&app, inv, &a, &b, "maybe").await;
    assert!(matches!(status, 400 | 422), "{problem}");
}

#[tokio::test]
async fn hidden_persons_never_appear_in_proposals_decisions_or_errors() {
    let app = TestApp::start().await;
    // Two persons of the other organisation that duplicate each other and one of ours.
    let theirs_1 = person(
        &app,
        "other_investigator",
        json!({"given_name": "Мирослава", "family_name": "Гордієнко", "birth_date": "1961-11-02",
               "classification": "restricted"}),
    )
    .await;
    let theirs_2 = person(
        &app,
        "other_investigator",
        json!({"given_name": "Myroslava", "family_name": "Hordiienko", "birth_date": "1961-11-02",
               "classification": "restricted"}),
    )
    .await;
    let ours = person(
        &app,
        "investigator",
        json!({"given_name": "Мирослава", "family_name": "Гордієнко", "birth_date": "1961-11-02"}),
    )
    .await;
    let ours_2 = person(
        &app,
        "investigator",
        json!({"given_name": "Myroslava", "family_name": "Gordienko", "birth_date": "1961-11-02",
               "classification": "confidential"}),
    )
    .await;
    // The other organisation sees its own pair, never ours (one of ours is confidential).
    let (_, page) = answer(app.get(QUEUE, Some("other_investigator")).await).await;
    let text = page.to_string();
    assert!(text.contains(&theirs_1) && text.contains(&theirs_2), "{text}");
    assert!(!text.contains(&ours_2), "{text}");
    // We see our pair and nothing of theirs.
    let (_, page) = answer(app.get(QUEUE, Some("investigator")).await).await;
    let text = page.to_string();
    assert!(text.contains(&ours) && text.contains(&ours_2), "{text}");
    assert!(!text.contains(&theirs_1) && !text.contains(&theirs_2), "{text}");
    // Readers who may not change records decide nothing, and see no queue.
    for who in ["analyst", "viewer", "outsider"] {
        let (status, page) = answer(app.get(QUEUE, Some(who)).await).await;
        assert_eq!(status, 200);
        assert_eq!(page["items"], json!([]), "{who}: {page}");
        assert_eq!(decide(&app, who, &ours, &ours_2, "rejected").await.0, 403, "{who}");
    }
    assert_eq!(app.get(QUEUE, None).await.status(), 401);

    // A decision naming a person the caller may not see is answered as for a missing person.
    let (status, hidden) = decide(&app, "investigator", &ours, &theirs_1, "confirmed").await;
    let (status_missing, missing) = decide(
        &app,
        "investigator",
        &ours,
        &uuid::Uuid::new_v4().to_string(),
        "confirmed",
    )
    .await;
    assert_eq!((status, status_missing), (404, 404));
    assert_eq!(hidden, missing);
    assert!(!hidden.to_string().contains(&theirs_1));
    // The other organisation cannot decide on, or undo, our confidential pair.
    let (status, _) = decide(&app, "other_investigator", &ours, &ours_2, "rejected").await;
    assert_eq!(status, 404);
    let (status, decision) = decide(&app, "investigator", &ours, &ours_2, "confirmed").await;
    assert_eq!(status, 201, "{decision}");
    assert_eq!(
        decision["classification"], "confidential",
        "a decision is as strictly classified as its stricter person"
    );
    let match_id = decision["id"].as_str().unwrap();
    let undo = format!("/api/v1/persons/duplicates/{match_id}/undo");
    for who in ["other_investigator", "outsider"] {
        let (status, _) = answer(app.post(&undo, who, &json!({})).await).await;
        assert!(matches!(status, 403 | 404), "{who}: {status}");
    }
    let (status, _) = answer(app.post(&undo, "analyst", &json!({})).await).await;
    assert_eq!(status, 403);
    // An internal person of another organisation can be seen but not merged by us.
    let internal_theirs = person(
        &app,
        "other_investigator",
        json!({"given_name": "Myroslava", "family_name": "Hordiyenko", "birth_date": "1961-11-02"}),
    )
    .await;
    assert_eq!(
        decide(&app, "investigator", &ours, &internal_theirs, "confirmed")
            .await
            .0,
        403
    );
    let (status, _) = answer(app.post(&undo, "investigator", &json!({})).await).await;
    assert_eq!(status, 200);
}
