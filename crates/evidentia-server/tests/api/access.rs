//! Access control: a matrix of every documented route × every caller × every classification of
//! records in the caller's own and another organisation, with the answer the rules of SPEC.md
//! require. A route without a rule here fails the suite, so no route ships unexamined.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::app::{PASSWORD, TestApp, answer, incident};

/// The callers of the matrix: anonymous, and users of the own ("Office") or other ("Monitor")
/// organisation.
const CALLERS: [Option<&str>; 7] = [
    None,
    Some("admin"),
    Some("investigator"),
    Some("analyst"),
    Some("viewer"),
    Some("outsider"),
    Some("other_investigator"),
];

/// A record of the matrix.
#[derive(Debug, Clone)]
struct Target {
    kind: &'static str,
    id: String,
    classification: &'static str,
    published: bool,
    own_org: bool,
    version: i64,
}

/// Whether `who` may see a record, written out from SPEC.md (not from the code under test).
fn may_see(who: Option<&str>, t: &Target) -> bool {
    let own_role = match who {
        Some("admin" | "investigator" | "analyst" | "viewer") => t.own_org,
        Some("outsider" | "other_investigator") => !t.own_org,
        _ => false,
    };
    match (who, t.classification) {
        (None, "public") => t.published,
        (None, _) => false,
        (Some(_), "public" | "internal") => true,
        (Some(_), "restricted") => own_role,
        (Some(w), "confidential") => own_role && matches!(w, "admin" | "investigator" | "other_investigator"),
        _ => false,
    }
}

/// Whether `who` may change records of the target's organisation.
fn may_write(who: Option<&str>, t: &Target) -> bool {
    match who {
        Some("admin" | "investigator") => t.own_org,
        Some("other_investigator") => !t.own_org,
        _ => false,
    }
}

fn may_create(who: Option<&str>) -> u16 {
    match who {
        None => 401,
        Some("admin" | "investigator" | "other_investigator") => 201,
        Some(_) => 403,
    }
}

/// The kinds of record the matrix creates, by their collection.
const KINDS: [&str; 10] = [
    "incidents",
    "persons",
    "evidence",
    "involvements",
    "recipients",
    "communications",
    "missing-cases",
    "grave-sites",
    "exhumations",
    "remains",
];

/// Kinds whose records may be published on the portal.
const PUBLISHABLE: [&str; 3] = ["incidents", "persons", "evidence"];

/// `linked` is the id a record of the kind must link to: the person of an involvement or a
/// missing-person case, the grave site of an exhumation.
fn body_for(kind: &str, linked: &str, incident_id: &str) -> Value {
    match kind {
        "incidents" => incident("Matrix incident"),
        "persons" => json!({"given_name": "Matrix"}),
        "evidence" => json!({"kind": "document", "title": "Matrix evidence"}),
        "involvements" => json!({"person_id": linked, "incident_id": incident_id, "role": "witness"}),
        "recipients" => json!({"name": "Matrix recipient", "type": "other"}),
        "communications" => json!({"kind": "notification", "subject": "Matrix communication"}),
        "missing-cases" => json!({"person_id": linked, "circumstances": "Matrix case"}),
        "grave-sites" => json!({"name": "Matrix grave", "type": "individual"}),
        "exhumations" => json!({"grave_site_id": linked, "team": "Matrix team"}),
        "remains" => json!({"case_number": "Matrix remains"}),
        _ => json!({}),
    }
}

async fn create_targets(app: &TestApp) -> Vec<Target> {
    let mut targets = Vec::new();
    // Links need a person and an incident everyone signed in may see.
    let person = app.create("/api/v1/persons", json!({"given_name": "Linked"})).await;
    let inc = app.create("/api/v1/incidents", incident("Linked")).await;
    let site = app
        .create("/api/v1/grave-sites", json!({"name": "Linked", "type": "mass"}))
        .await;
    let (pid, iid, sid) = (
        person["id"].as_str().unwrap().to_owned(),
        inc["id"].as_str().unwrap().to_owned(),
        site["id"].as_str().unwrap().to_owned(),
    );
    for kind in KINDS {
        let linked = if kind == "exhumations" { &sid } else { &pid };
        for (classification, published) in [
            ("public", true),
            ("public", false),
            ("internal", false),
            ("restricted", false),
            ("confidential", false),
        ] {
            for own_org in [true, false] {
                let mut body = body_for(kind, linked, &iid);
                body["classification"] = json!(classification);
                if PUBLISHABLE.contains(&kind) {
                    body["published"] = json!(published);
                } else if published {
                    continue;
                }
                let who = if own_org { "investigator" } else { "other_investigator" };
                let (status, created) = answer(app.post(&format!("/api/v1/{kind}"), who, &body).await).await;
                assert_eq!(status, 201, "{kind} {classification}: {created}");
                targets.push(Target {
                    kind,
                    id: created["id"].as_str().unwrap().to_owned(),
                    classification,
                    published,
                    own_org,
                    version: 1,
                });
            }
        }
    }
    targets
}

/// The answer a route must give. `None` when the route has no rule: the test fails on it.
fn expected(method: &str, path: &str, who: Option<&str>, target: Option<&Target>) -> Option<u16> {
    let signed_in = who.is_some();
    let admin = who == Some("admin");
    Some(match (method, path) {
        (
            "get",
            "/incidents" | "/persons" | "/evidence" | "/involvements" | "/missing-cases" | "/grave-sites"
            | "/exhumations" | "/remains" | "/search" | "/vocabularies",
        ) => 200,
        (
            "post",
            "/incidents" | "/persons" | "/evidence" | "/involvements" | "/missing-cases" | "/grave-sites"
            | "/exhumations" | "/remains",
        ) => may_create(who),
        ("get", "/recipients" | "/communications") => 200,
        ("post", "/recipients" | "/communications") => may_create(who),
        ("get", "/communications/tracking") => {
            if signed_in {
                200
            } else {
                401
            }
        }
        // Over what the caller may see; the public sees published records' figures.
        ("get", "/reports/summary") => 200,
        ("get", "/communications/{id}/letter") => {
            if may_see(who, target?) {
                200
            } else {
                404
            }
        }
        // The matrix's communications have no recipient, are not sent, and link no incident:
        // sending, a response and a bundle are refused as bad input to those who may write;
        // tests/api/communications.rs does each for real.
        ("post", "/communications/{id}/send" | "/communications/{id}/responses" | "/communications/{id}/bundle") => {
            let t = target?;
            match (may_see(who, t), may_write(who, t)) {
                (false, _) => 404,
                (true, true) => 422,
                (true, false) if signed_in => 403,
                (true, false) => 401,
            }
        }
        // The matrix's evidence items have no file: not found for everyone; tests/api/files.rs
        // checks who may download a real one.
        ("get", "/evidence/{id}/file" | "/evidence/{id}/thumbnail") => 404,
        ("get", "/evidence/{id}/similar" | "/missing-cases/{id}/candidates") => {
            if may_see(who, target?) {
                200
            } else {
                404
            }
        }
        ("get", p) if p.ends_with("/{id}") || p.ends_with("/{id}/history") || p == "/incidents/{id}/persons" => {
            if may_see(who, target?) {
                200
            } else {
                404
            }
        }
        ("patch", _) => {
            let t = target?;
            match (may_see(who, t), may_write(who, t)) {
                (false, _) => 404,
                (true, true) => 200,
                (true, false) if signed_in => 403,
                (true, false) => 401,
            }
        }
        (
            "post",
            "/evidence/{id}/custody"
            | "/evidence/{id}/verifications"
            | "/evidence/{id}/redactions"
            | "/exhumations/{id}/recovery-log"
            | "/remains/{id}/identification",
        ) => {
            let t = target?;
            match (may_see(who, t), may_write(who, t)) {
                (false, _) => 404,
                // The matrix sends no file to redact.
                (true, true) if path.ends_with("/redactions") => 422,
                // The matrix names a nil person; tests/api/missing.rs identifies real ones.
                (true, true) if path.ends_with("/identification") => 422,
                (true, true) => 201,
                (true, false) if signed_in => 403,
                (true, false) => 401,
            }
        }
        // The matrix names no incident; tests/api/bundles.rs exports real ones.
        ("post", "/bundles") => match who {
            None => 401,
            Some("admin" | "investigator" | "other_investigator") => 404,
            Some(_) => 403,
        },
        // The matrix's remains are not identified.
        ("delete", "/remains/{id}/identification") => {
            let t = target?;
            match (may_see(who, t), may_write(who, t)) {
                (false, _) => 404,
                (true, true) => 409,
                (true, false) if signed_in => 403,
                (true, false) => 401,
            }
        }
        ("post", "/incidents/{id}/persons") => {
            let t = target?;
            if !may_see(who, t) {
                404
            } else if !signed_in {
                401
            } else if may_create(who) == 201 {
                // Linking needs a person the caller may see; the matrix sends a nil one.
                422
            } else {
                403
            }
        }
        // The review queue: every signed-in caller gets their own (empty for those who cannot
        // decide); tests/api/duplicates.rs checks what is in it.
        ("get", "/persons/duplicates") => {
            if signed_in {
                200
            } else {
                401
            }
        }
        // Deciding and undoing need a role that may change records; the matrix names persons
        // and a decision that do not exist.
        ("post", "/persons/duplicates" | "/persons/duplicates/{id}/undo") => match who {
            None => 401,
            Some("admin" | "investigator" | "other_investigator") => 404,
            Some(_) => 403,
        },
        ("get", "/log/checkpoint" | "/log/public-key" | "/log/inclusion" | "/log/consistency") => 200,
        // The matrix asks for an entry beyond the log; tests/api/log.rs checks who sees real ones.
        ("get", "/log/entries/{index}") => 404,
        ("post", "/session") => 401, // wrong password
        ("get", "/session") => {
            if signed_in {
                200
            } else {
                401
            }
        }
        ("delete", "/session") => 401, // bearer tokens are not sessions
        ("get", "/account/tokens") => {
            if signed_in {
                200
            } else {
                401
            }
        }
        ("post", "/account/tokens") => {
            if signed_in {
                201
            } else {
                401
            }
        }
        ("delete", "/account/tokens/{id}") => {
            if signed_in {
                404
            } else {
                401
            }
        }
        ("post", "/account/totp") => {
            if signed_in {
                201
            } else {
                401
            }
        }
        ("delete", "/account/totp") => 401, // wrong password, or anonymous
        ("post", "/account/totp/confirm") => {
            if signed_in {
                422
            } else {
                401
            }
        }
        ("get", "/admin/users" | "/admin/audit") => {
            if admin {
                200
            } else if signed_in {
                403
            } else {
                401
            }
        }
        ("post", "/admin/users") => {
            if admin {
                422
            } else if signed_in {
                403
            } else {
                401
            }
        }
        ("post", "/admin/users/{id}/password" | "/admin/users/{id}/disabled") => {
            if admin {
                404
            } else if signed_in {
                403
            } else {
                401
            }
        }
        _ => return None,
    })
}

/// A body the route accepts in form (the matrix tests access, not validation).
fn request_body(method: &str, path: &str, who: Option<&str>, target: Option<&Target>) -> Option<Value> {
    Some(match (method, path) {
        ("get" | "delete", "/session" | "/account/tokens/{id}") => return None,
        ("get", _) => return None,
        // One address per caller, so that the throttle (5 failures per account) stays out of it.
        ("post", "/session") => {
            json!({"email": format!("{}@example.org", who.unwrap_or("anyone")), "password": "wrong password!"})
        }
        ("post", "/account/tokens") => json!({"name": "matrix"}),
        ("delete", "/account/totp") => json!({"password": "wrong password!"}),
        ("post", "/account/totp/confirm") => json!({"code": "000000"}),
        ("post", "/admin/users") => json!({"email": "x", "role": "viewer", "password": "p"}),
        ("post", "/admin/users/{id}/password") => json!({"password": "a new long password"}),
        ("post", "/admin/users/{id}/disabled") => json!({"disabled": false}),
        ("post", "/incidents/{id}/persons") => json!({"person_id": uuid::Uuid::nil(), "role": "witness"}),
        ("post", "/evidence/{id}/custody") => json!({"action": "accessed", "by": "matrix", "notes": "matrix"}),
        ("post", "/evidence/{id}/verifications") => json!({"method": "source", "result": "confirmed"}),
        ("post", "/evidence/{id}/redactions") => json!({"title": "matrix"}),
        // A new item number each time: numbers are unique within an exhumation.
        ("post", "/exhumations/{id}/recovery-log") => json!({"item_number": uuid::Uuid::new_v4().to_string()}),
        ("post", "/remains/{id}/identification") => {
            json!({"person_id": uuid::Uuid::nil(), "method": "dna", "confirmed_by": "matrix"})
        }
        ("post", "/bundles") => json!({"incident_id": uuid::Uuid::nil()}),
        ("post", "/persons/duplicates") => {
            json!({"person_ids": [uuid::Uuid::nil(), uuid::Uuid::max()], "decision": "rejected"})
        }
        ("post", "/communications/{id}/send") => json!({}),
        ("post", "/communications/{id}/responses") => json!({"received_at": "2024-04-01", "substantive": true}),
        ("post", "/communications/{id}/bundle") => json!({"incident_id": uuid::Uuid::nil()}),
        ("post", p) => body_for(&p[1..], "", ""),
        ("patch", _) => json!({"classification": target?.classification}),
        _ => json!({}),
    })
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_rules_say() {
    let app = TestApp::start().await;
    let mut targets = create_targets(&app).await;
    let (_, doc) = answer(app.get("/api/v1/openapi.json", None).await).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut routes: BTreeMap<(String, String), ()> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes.insert((method.clone(), path.clone()), ());
        }
    }
    for (method, path) in routes.keys() {
        let resource = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        let per_record = path.contains("{id}") && KINDS.contains(&resource);
        let record_targets: Vec<usize> = if per_record {
            targets
                .iter()
                .enumerate()
                .filter(|(_, t)| t.kind == resource)
                .map(|(i, _)| i)
                .collect()
        } else {
            vec![usize::MAX]
        };
        for who in CALLERS {
            for &ti in &record_targets {
                let target = targets.get(ti).cloned();
                let Some(want) = expected(method, path, who, target.as_ref()) else {
                    failures.push(format!("{method} {path}: no access rule in this test"));
                    continue;
                };
                let id = target
                    .as_ref()
                    .map_or_else(|| uuid::Uuid::nil().to_string(), |t| t.id.clone());
                let query = match path.as_str() {
                    "/search" => "?q=Matrix",
                    "/log/inclusion" => "?index=0",
                    "/log/consistency" => "?from=1",
                    _ => "",
                };
                let url = format!(
                    "/api/v1{}{query}",
                    path.replace("{id}", &id).replace("{index}", "999999999")
                );
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let mut req = app.request(m, &url, who);
                if let Some(t) = &target {
                    req = req.header("If-Match", format!("\"{}\"", t.version));
                }
                let body = match (method.as_str(), path.as_str()) {
                    ("post", "/incidents" | "/persons" | "/evidence") => Some(body_for(&path[1..], "", "")),
                    ("post", "/missing-cases" | "/exhumations") => {
                        let kind = if path == "/exhumations" {
                            "grave-sites"
                        } else {
                            "persons"
                        };
                        let linked = targets
                            .iter()
                            .find(|t| t.kind == kind && t.classification == "internal")
                            .unwrap();
                        Some(body_for(&path[1..], &linked.id, ""))
                    }
                    ("post", "/involvements") => {
                        let p = targets
                            .iter()
                            .find(|t| t.kind == "persons" && t.classification == "internal")
                            .unwrap();
                        let i = targets
                            .iter()
                            .find(|t| t.kind == "incidents" && t.classification == "internal")
                            .unwrap();
                        Some(json!({"person_id": p.id, "incident_id": i.id, "role": "witness"}))
                    }
                    _ => request_body(method, path, who, target.as_ref()),
                };
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let (status, response) = answer(req.send().await.unwrap()).await;
                checked += 1;
                if (status == 200 && method == "patch") || (status == 201 && per_record) {
                    targets[ti].version += 1;
                }
                if status != want {
                    failures.push(format!(
                        "{method} {url} as {who:?}: {status}, expected {want}: {response}"
                    ));
                }
                // Lists and searches never contain what the caller may not see.
                if status == 200 && method == "get" {
                    for item in response["items"].as_array().into_iter().flatten() {
                        if let Some(t) = targets.iter().find(|t| Some(t.id.as_str()) == item["id"].as_str())
                            && !may_see(who, t)
                        {
                            failures.push(format!("{url} as {who:?} lists {t:?}"));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500, "the matrix ran {checked} requests");
    assert!(
        failures.is_empty(),
        "{} of {checked} answers wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn lists_and_searches_show_exactly_the_visible_records() {
    let app = TestApp::start().await;
    let targets = create_targets(&app).await;
    for who in CALLERS {
        let mut seen = Vec::new();
        let mut path = "/api/v1/incidents?limit=500".to_owned();
        loop {
            let (status, page) = answer(app.get(&path, who).await).await;
            assert_eq!(status, 200);
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/incidents?limit=500&cursor={c}"),
                None => break,
            }
        }
        for t in targets.iter().filter(|t| t.kind == "incidents") {
            assert_eq!(seen.contains(&t.id), may_see(who, t), "{who:?} and {t:?}");
        }
        // The search for the matrix's word finds exactly the visible records, across kinds.
        let (_, page) = answer(app.get("/api/v1/search?q=Matrix&limit=500", who).await).await;
        let found: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        for t in targets.iter().filter(|t| t.kind != "involvements") {
            assert_eq!(
                found.contains(&t.id.as_str()),
                may_see(who, t),
                "search as {who:?}: {t:?}"
            );
        }
    }
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Value, Option<String>) {
    let r = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    if let Some(c) = r.headers().get("set-cookie") {
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    }
    let (status, body) = answer(r).await;
    (status, body, cookie)
}

#[tokio::test]
async fn sessions_need_csrf_for_changes_and_end_at_sign_out() {
    let app = TestApp::start().await;
    let (status, me, cookie) = sign_in(&app, &app.email("investigator").to_uppercase(), PASSWORD).await;
    assert_eq!(status, 201, "{me}");
    let cookie = cookie.unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let with_cookie = |m: Method, path: &str| {
        app.client
            .request(m, format!("{}{path}", app.base))
            .header("cookie", &cookie)
    };

    let r = with_cookie(Method::GET, "/api/v1/session").send().await.unwrap();
    assert_eq!(r.status(), 200);
    // A change without the CSRF token is refused, and changes nothing.
    let r = with_cookie(Method::POST, "/api/v1/incidents")
        .json(&incident("Forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = with_cookie(Method::POST, "/api/v1/incidents")
        .header("x-csrf-token", "wrong")
        .json(&incident("Forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, page) = answer(app.get("/api/v1/search?q=Forged", Some("admin")).await).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    let r = with_cookie(Method::POST, "/api/v1/incidents")
        .header("x-csrf-token", &csrf)
        .json(&incident("Genuine"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let r = with_cookie(Method::DELETE, "/api/v1/session")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = with_cookie(Method::GET, "/api/v1/session").send().await.unwrap();
    assert_eq!(r.status(), 401, "a session used after sign-out is refused");
    let r = with_cookie(Method::GET, "/api/v1/incidents").send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let app = TestApp::start().await;
    let (status, created) = answer(
        app.post("/api/v1/account/tokens", "viewer", &json!({"name": "script"}))
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let secret = created["secret"].as_str().unwrap().to_owned();
    let get = |secret: String| {
        let app = &app;
        async move {
            app.client
                .get(format!("{}/api/v1/incidents", app.base))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(get(secret.clone()).await, 200);
    let (_, list) = answer(app.get("/api/v1/account/tokens", Some("viewer")).await).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("secret").is_none() && t.get("secret_hash").is_none())
    );
    let id = created["id"].as_str().unwrap();
    let (status, _) = answer(
        app.request(
            Method::DELETE,
            &format!("/api/v1/account/tokens/{id}"),
            Some("outsider"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "nobody revokes another user's token");
    let (status, _) = answer(
        app.request(Method::DELETE, &format!("/api/v1/account/tokens/{id}"), Some("viewer"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(get(secret).await, 401);
}

#[tokio::test]
async fn a_second_factor_is_required_once_enrolled() {
    let app = TestApp::start().await;
    let (status, enrolment) = answer(
        app.request(Method::POST, "/api/v1/account/totp", Some("analyst"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{enrolment}");
    let secret = enrolment["secret"].as_str().unwrap();
    assert!(enrolment["uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    // The test clock stands at 2024-05-01 09:00 UTC.
    let now = time::macros::datetime!(2024-05-01 09:00 UTC).unix_timestamp() as u64;
    let (status, codes) = answer(
        app.post(
            "/api/v1/account/totp/confirm",
            "analyst",
            &json!({"code": totp.generate(now).to_string()}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{codes}");
    let recovery: Vec<String> = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);

    let email = app.email("analyst").to_owned();
    let (status, problem, cookie) = sign_in(&app, &email, PASSWORD).await;
    assert_eq!(status, 401);
    assert_eq!(problem["type"], "urn:evidentia:problem:second-factor-required");
    assert!(cookie.is_none());
    let with_code = |code: String| {
        let (app, email) = (&app, email.clone());
        async move {
            let body = json!({"email": email, "password": PASSWORD, "code": code});
            app.client
                .post(format!("{}/api/v1/session", app.base))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The code used for enrolment was for this step: it is not accepted again.
    assert_eq!(with_code(totp.generate(now).to_string()).await, 401);
    assert_eq!(with_code(totp.generate(now + 30).to_string()).await, 201);
    assert_eq!(with_code(recovery[0].clone()).await, 201);
    assert_eq!(with_code(recovery[0].clone()).await, 401, "a recovery code works once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_passwords_is_throttled_without_locking_up_the_server() {
    let app = TestApp::start().await;
    let email = app.email("viewer").to_owned();
    use futures_util::StreamExt;
    // 10,000 guesses, 16 at a time.
    let statuses: Vec<_> = futures_util::stream::iter(0..10_000)
        .map(|i| {
            let (client, base, email) = (app.client.clone(), app.base.clone(), email.clone());
            async move {
                let body = json!({"email": email, "password": format!("guess number {i}")});
                let r = client.post(format!("{base}/api/v1/session")).json(&body).send().await?;
                let status = r.status().as_u16();
                // Reading the body lets the connection go back to the pool.
                r.bytes().await.map(|_| status)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for s in statuses {
        *counts.entry(s.unwrap()).or_default() += 1;
    }
    assert_eq!(counts.keys().copied().collect::<Vec<_>>(), [401, 429], "{counts:?}");
    assert_eq!(
        counts[&401],
        evidentia_server::throttle::ACCOUNT_LIMIT as usize,
        "{counts:?}: only the allowed guesses were judged"
    );
    // The right password is throttled too for this account until the window passes ...
    assert_eq!(sign_in(&app, &email, PASSWORD).await.0, 429);
    // ... while the server keeps answering everyone else.
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    assert_eq!(app.get("/api/v1/incidents", Some("viewer")).await.status(), 200);
    // Nothing that was typed as a password reached the audit log.
    let (_, audit) = answer(app.get("/api/v1/admin/audit?limit=1000", Some("admin")).await).await;
    assert!(!audit.to_string().contains("guess number"));
}

#[tokio::test]
async fn sign_in_failures_and_confidential_reads_are_audited() {
    let app = TestApp::start().await;
    assert_eq!(sign_in(&app, app.email("viewer"), "not the password").await.0, 401);
    assert_eq!(sign_in(&app, app.email("viewer"), PASSWORD).await.0, 201);
    let mut body = incident("Confidential");
    body["classification"] = json!("confidential");
    let created = app.create("/api/v1/incidents", body).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/incidents/{id}"), Some("admin"))
            .await
            .status(),
        200
    );
    let (status, audit) = answer(app.get("/api/v1/admin/audit", Some("admin")).await).await;
    assert_eq!(status, 200);
    let actions: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["target"].as_str().unwrap_or_default()))
        .collect();
    let target = format!("incident:{id}");
    assert!(actions.contains(&("record_read", target.as_str())), "{actions:?}");
    assert!(actions.iter().any(|(a, _)| *a == "sign_in"), "{actions:?}");
    assert!(audit.to_string().contains("127.0.0.1"), "the address is recorded");
    assert!(!audit.to_string().contains(PASSWORD));
    assert!(!audit.to_string().contains(app.token("admin")));
}

#[tokio::test]
async fn hostile_credentials_get_clear_refusals() {
    let app = TestApp::start().await;
    let long = "x".repeat(60_000);
    for (email, password) in [
        (long.as_str(), "password"),
        ("viewer@example.org", long.as_str()),
        ("ｖｉｅｗｅｒ@example.org", "x"),
        ("", ""),
        ("\u{0}", "\u{0}"),
    ] {
        let (status, _, _) = sign_in(&app, email, password).await;
        assert!(matches!(status, 401 | 413 | 422 | 429), "{status} for {:.20}", email);
    }
    let (status, problem) = answer(
        app.post(
            "/api/v1/admin/users",
            "admin",
            &json!({"email": "Ｎew@Example.org", "role": "viewer", "password": "a long enough password"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{problem}");
    assert_eq!(
        problem["email"], "new@example.org",
        "look-alike full-width letters are normalised"
    );
    let (status, _) = answer(
        app.post(
            "/api/v1/admin/users",
            "admin",
            &json!({"email": "new@example.org", "role": "viewer", "password": "a long enough password"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn every_answer_carries_the_protective_headers() {
    let app = TestApp::start().await;
    for (path, who) in [
        ("/api/v1/incidents", Some("viewer")),
        ("/api/v1/nothing", None),
        ("/healthz", None),
    ] {
        let r = app.get(path, who).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    }
}
