//! The web application and the portal over HTTP: every page shows only what the API would show
//! the same caller, forms need the session's CSRF token, languages switch, hidden records are
//! answered 404, and hostile query strings are refused without harm.

use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::json;

use crate::app::{PASSWORD, TestApp, answer, incident};

/// `application/x-www-form-urlencoded` bodies (reqwest is built without its `form` feature).
pub(crate) trait FormBody {
    fn form(self, fields: &[(&str, &str)]) -> Self;
}

impl FormBody for reqwest::RequestBuilder {
    fn form(self, fields: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
    }
}

fn as_pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

pub(crate) fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) async fn page(app: &TestApp, path: &str, who: Option<&str>) -> (StatusCode, String) {
    let mut r = client().get(format!("{}{path}", app.base));
    if let Some(w) = who {
        r = r.bearer_auth(app.token(w));
    }
    let r = r.send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// A browser session: its cookie and CSRF token.
pub(crate) struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub(crate) async fn sign_in(app: &TestApp, who: &str) -> Session {
    let r = client()
        .post(format!("{}/sign-in", app.base))
        .form(&[
            ("email", app.email(who)),
            ("password", PASSWORD),
            ("next", "/incidents"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/incidents");
    let cookie = r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = client()
        .get(format!("{}/dashboard", app.base))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = html
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    Session { cookie, csrf }
}

pub(crate) async fn post_form(app: &TestApp, path: &str, session: &Session, fields: &[(&str, &str)]) -> Response {
    client()
        .post(format!("{}{path}", app.base))
        .header(COOKIE, &session.cookie)
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// Incidents of every classification owned by the first ("Office") organisation, each titled
/// with `word` and its classification.
async fn incidents(app: &TestApp, word: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (classification, published) in [
        ("public", true),
        ("public", false),
        ("internal", true),
        ("restricted", false),
        ("confidential", false),
    ] {
        let title = format!("{word} {classification} {}", if published { "shown" } else { "draft" });
        let mut body = incident(&title);
        body["classification"] = json!(classification);
        body["published"] = json!(published);
        let created = app.create("/api/v1/incidents", body).await;
        out.push((title, created["id"].as_str().unwrap().to_owned()));
    }
    out
}

#[tokio::test]
async fn pages_show_only_what_the_caller_may_see() {
    let app = TestApp::start().await;
    let made = incidents(&app, "Khmarodol").await;
    let titles: Vec<&str> = made.iter().map(|(t, _)| t.as_str()).collect();
    let visible = |who: Option<&str>, title: &str| -> bool {
        match who {
            None => title.contains("public shown"),
            Some("outsider" | "other_investigator") => title.contains("public") || title.contains("internal"),
            Some("viewer" | "analyst") => !title.contains("confidential"),
            Some(_) => true,
        }
    };
    let lists = [
        "/incidents?q=Khmarodol",
        "/incidents?q=%D0%A5%D0%BC%D0%B0%D1%80%D0%BE%D0%B4%D0%BE%D0%BB", // Хмародол, the other script
        "/dashboard",
        "/map/incidents.geojson?q=Khmarodol",
    ];
    for who in ["admin", "viewer", "outsider", "other_investigator"] {
        for path in lists {
            let (status, body) = page(&app, path, Some(who)).await;
            assert_eq!(status, 200, "{who} {path}");
            for title in &titles {
                // The dashboard lists recent changes of every kind; only visible ones may show.
                if !visible(Some(who), title) {
                    assert!(!body.contains(title), "{who} sees {title:?} on {path}");
                }
            }
        }
        let (_, list) = page(&app, "/incidents?q=Khmarodol", Some(who)).await;
        for title in &titles {
            assert_eq!(list.contains(title), visible(Some(who), title), "{who}: {title}");
        }
        for (title, id) in &made {
            let (status, body) = page(&app, &format!("/incidents/{id}"), Some(who)).await;
            let expected = if visible(Some(who), title) { 200 } else { 404 };
            assert_eq!(status.as_u16(), expected, "{who} {title}");
            if expected == 404 {
                assert!(!body.contains(title.as_str()));
            }
        }
    }

    // The portal shows the published public incident only, to everyone, in lists, search,
    // counts, maps and pages.
    for who in [None, Some("admin"), Some("outsider")] {
        for path in [
            "/portal?q=Khmarodol",
            "/portal?q=%D0%A5%D0%BC%D0%B0%D1%80%D0%BE%D0%B4%D0%BE%D0%BB",
            "/portal/map/incidents.geojson?q=Khmarodol",
        ] {
            let (status, body) = page(&app, path, who).await;
            assert_eq!(status, 200, "{who:?} {path}");
            for title in &titles {
                assert_eq!(body.contains(title), visible(None, title), "{who:?} {path}: {title}");
            }
        }
        let (_, body) = page(&app, "/portal?q=Khmarodol", who).await;
        assert!(body.contains("1 published incidents"), "{body}");
        for (title, id) in &made {
            let (status, _) = page(&app, &format!("/portal/incidents/{id}"), who).await;
            let expected = if visible(None, title) { 200 } else { 404 };
            assert_eq!(status.as_u16(), expected, "{who:?} portal {title}");
        }
    }
    let (_, timeline) = page(&app, "/portal/timeline?q=Khmarodol", None).await;
    assert!(timeline.contains("<title>Jul 2014: 1</title>"), "{timeline}");
    let (_, timeline) = page(&app, "/timeline?q=Khmarodol", Some("outsider")).await;
    assert!(timeline.contains("<title>Jul 2014: 3</title>"), "{timeline}");
}

#[tokio::test]
async fn persons_pages_follow_the_same_rules() {
    let app = TestApp::start().await;
    let hidden = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Yevdokiia", "contacts": "+000 1", "classification": "restricted"}),
        )
        .await;
    let incident_id = app.create("/api/v1/incidents", incident("Shared Svitlozir")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create(
        "/api/v1/involvements",
        json!({"person_id": hidden["id"], "incident_id": incident_id, "role": "witness"}),
    )
    .await;
    let (_, list) = page(&app, "/persons?q=Yevdokiia", Some("viewer")).await;
    assert!(list.contains(">Yevdokiia</a>"));
    let (_, list) = page(&app, "/persons?q=Yevdokiia", Some("outsider")).await;
    assert!(!list.contains(">Yevdokiia</a>"));
    let (status, _) = page(
        &app,
        &format!("/persons/{}", hidden["id"].as_str().unwrap()),
        Some("outsider"),
    )
    .await;
    assert_eq!(status, 404);
    // The incident is internal: the outsider sees it, but not the restricted person in it.
    let (status, body) = page(&app, &format!("/incidents/{incident_id}"), Some("outsider")).await;
    assert_eq!(status, 200);
    assert!(!body.contains("Yevdokiia"));
    let (_, body) = page(&app, &format!("/incidents/{incident_id}"), Some("viewer")).await;
    assert!(body.contains("Yevdokiia"));
}

#[tokio::test]
async fn staff_pages_need_a_sign_in_and_the_portal_does_not() {
    let app = TestApp::start().await;
    let id = app.create("/api/v1/incidents", incident("Routes")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let person = app.create("/api/v1/persons", json!({"given_name": "Routes"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = [
        "/dashboard".to_owned(),
        "/incidents".to_owned(),
        "/incidents/new".to_owned(),
        format!("/incidents/{id}"),
        format!("/incidents/{id}/edit"),
        format!("/incidents/{id}/persons?q=Routes"),
        "/persons".to_owned(),
        "/persons/new".to_owned(),
        format!("/persons/{person}"),
        format!("/persons/{person}/edit"),
        "/map".to_owned(),
        "/map/incidents.geojson".to_owned(),
        "/timeline".to_owned(),
    ];
    for path in &staff {
        let (status, _) = page(&app, path, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        for who in ["admin", "viewer", "outsider"] {
            let (status, body) = page(&app, path, Some(who)).await;
            assert_eq!(status, 200, "{who} {path}: {body}");
        }
    }
    let r = client()
        .get(format!("{}/incidents?q=x", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/sign-in?next=%2Fincidents%3Fq%3Dx");
    for path in [
        "/portal",
        "/portal/map",
        "/portal/map/incidents.geojson",
        "/portal/timeline",
        "/sign-in",
    ] {
        for who in [None, Some("viewer")] {
            let (status, _) = page(&app, path, who).await;
            assert_eq!(status, 200, "{who:?} {path}");
        }
    }
    let (status, _) = page(&app, &format!("/portal/incidents/{id}"), None).await;
    assert_eq!(status, 404, "an internal incident is not on the portal");
    let r = client().get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/portal");
    let r = client()
        .get(format!("{}/", app.base))
        .bearer_auth(app.token("viewer"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/dashboard");
    // The viewer may read but not write: the forms refuse.
    let session = sign_in(&app, "viewer").await;
    let r = post_form(
        &app,
        "/incidents",
        &session,
        &[("csrf_token", &session.csrf), ("title", "x"), ("occurred.from", "2020")],
    )
    .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn forms_need_the_sessions_csrf_token() {
    let app = TestApp::start().await;
    let session = sign_in(&app, "investigator").await;
    let fields = [
        ("title", "Made by a form"),
        ("occurred.from", "2023-05"),
        ("status", "reported"),
    ];
    for token in [None, Some("wrong"), Some("")] {
        let mut f = fields.to_vec();
        if let Some(t) = token {
            f.push(("csrf_token", t));
        }
        let r = post_form(&app, "/incidents", &session, &f).await;
        assert_eq!(r.status(), 403, "{token:?}");
    }
    let cross = client()
        .post(format!("{}/incidents", app.base))
        .header(COOKIE, &session.cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("csrf_token", session.csrf.as_str()),
            ("title", "x"),
            ("occurred.from", "2020"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let (_, list) = page(&app, "/incidents?q=form", Some("admin")).await;
    assert!(!list.contains("Made by a form"), "nothing was created");

    let mut f = fields.to_vec();
    f.push(("csrf_token", &session.csrf));
    f.extend([
        ("location.lat", "47.2"),
        ("location.lon", "-32.4"),
        ("categories", "killing"),
    ]);
    let r = post_form(&app, "/incidents", &session, &f).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, body) = page(&app, &location, Some("admin")).await;
    assert!(body.contains("Made by a form") && body.contains("May 2023"), "{body}");

    // Sign-out is a form too.
    let r = post_form(&app, "/sign-out", &session, &[]).await;
    assert_eq!(r.status(), 403);
    let r = post_form(&app, "/sign-out", &session, &[("csrf_token", &session.csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = client()
        .get(format!("{}/dashboard", app.base))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the session has ended");
}

#[tokio::test]
async fn forms_show_each_error_beside_its_field() {
    let app = TestApp::start().await;
    let session = sign_in(&app, "investigator").await;
    let r = post_form(
        &app,
        "/incidents",
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("title", ""),
            ("occurred.from", "2023-13"),
            ("location.lat", "north"),
            ("location.lon", "-32"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    for id in ["title-error", "occurred-from-error", "lat-error"] {
        assert!(body.contains(&format!("id=\"{id}\"")), "{id}: {body}");
    }
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(body.contains("value=\"north\""), "what was typed is kept");

    // An edit reports every error at once too.
    let created = app.create("/api/v1/incidents", incident("Edited")).await;
    let r = post_form(
        &app,
        &format!("/incidents/{}", created["id"].as_str().unwrap()),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("title", ""),
            ("occurred.from", "2014-00"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("id=\"title-error\"") && body.contains("id=\"occurred-from-error\""),
        "{body}"
    );

    // An edit made from a stale version is refused, not applied.
    let created = app.create("/api/v1/incidents", incident("Versioned")).await;
    let id = created["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/incidents/{id}"),
        "investigator",
        1,
        &json!({"title": "Changed"}),
    )
    .await;
    let r = post_form(
        &app,
        &format!("/incidents/{id}"),
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("version", "1"),
            ("title", "Mine"),
            ("occurred.from", "2014"),
        ],
    )
    .await;
    assert_eq!(r.status(), 412);

    // Publishing goes through the same checks.
    let r = post_form(
        &app,
        &format!("/incidents/{id}/publication"),
        &session,
        &[("csrf_token", &session.csrf), ("version", "2"), ("published", "true")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, history) = page(&app, &format!("/incidents/{id}"), Some("viewer")).await;
    assert!(
        history.contains("<code>published</code>") && history.contains("<code>title</code>"),
        "{history}"
    );
}

#[tokio::test]
async fn sign_in_failures_are_shown_on_the_form() {
    let app = TestApp::start().await;
    let r = client()
        .post(format!("{}/sign-in", app.base))
        .form(&[("email", app.email("admin")), ("password", "wrong password!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("role=\"alert\""));
    let r = client()
        .post(format!("{}/sign-in", app.base))
        .form(&[
            ("email", app.email("admin")),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/dashboard", "only local paths are followed");
}

#[tokio::test]
async fn languages_switch_by_cookie_and_accept_language() {
    let app = TestApp::start().await;
    let get = |lang_header: Option<&'static str>, cookie: Option<&'static str>| {
        let mut r = client().get(format!("{}/portal", app.base));
        if let Some(l) = lang_header {
            r = r.header(ACCEPT_LANGUAGE, l);
        }
        if let Some(c) = cookie {
            r = r.header(COOKIE, c);
        }
        async move { r.send().await.unwrap().text().await.unwrap() }
    };
    let en = get(None, None).await;
    assert!(en.contains("<html lang=\"en\" dir=\"ltr\">") && en.contains("Published incidents"));
    let uk = get(Some("uk-UA,uk;q=0.9,en;q=0.5"), None).await;
    assert!(
        uk.contains("<html lang=\"uk\"") && uk.contains("Оприлюднені інциденти"),
        "{uk}"
    );
    let ru = get(Some("uk"), Some("lang=ru")).await;
    assert!(ru.contains("<html lang=\"ru\"") && ru.contains("Опубликованные инциденты"));

    let r = client()
        .get(format!("{}/language?to=uk&back=%2Fportal%3Fq%3Dx", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/portal?q=x");
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().starts_with("lang=uk;"));
    let r = client()
        .get(format!("{}/language?to=uk&back=//evil.example", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/");

    // Dates follow the language.
    let mut body = incident("Datovane");
    body["classification"] = json!("public");
    body["published"] = json!(true);
    body["occurred"] = json!({"from": "2023-05-17"});
    let id = app.create("/api/v1/incidents", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = client()
        .get(format!("{}/portal/incidents/{id}", app.base))
        .header(COOKIE, "lang=uk")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("17 травня 2023 р."));
}

#[tokio::test]
async fn hostile_queries_are_refused_without_harm() {
    let app = TestApp::start().await;
    for path in [
        "/incidents?from=2015-02-30",
        "/incidents?to=zzz&from=2016",
        "/incidents?cursor=%00%ff",
        "/incidents?category=bombing",
        "/incidents?sort=title",
        "/incidents?q=%00",
        format!("/incidents?q={}", "x".repeat(600)).as_str(),
        "/persons?q=%00",
        "/timeline?from=2016&to=2015",
    ] {
        let (status, body) = page(&app, path, Some("viewer")).await;
        assert_eq!(status, 400, "{path}");
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
    }
    for path in [
        "/incidents?evil=1&limit=100000",
        "/incidents?%ff%fe=%ff",
        "/incidents?q=&status=&category=&from=&to=",
        "/portal?cursor=",
    ] {
        let (status, _) = page(&app, path, Some("viewer")).await;
        assert_eq!(status, 200, "{path}");
    }
    for path in [
        "/incidents/not-a-uuid",
        "/incidents/00000000-0000-0000-0000-000000000000",
        "/portal/incidents/..%2f..%2fetc",
        "/persons/%00",
        "/static/0/../../Cargo.toml",
        "/static/0/nothing.js",
    ] {
        let (status, _) = page(&app, path, Some("viewer")).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, body) = page(&app, "/incidents/not-a-uuid", Some("viewer")).await;
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"en\""), "a page, not a problem document");
}

#[tokio::test]
async fn pages_have_their_own_security_policy_and_the_api_keeps_the_strict_one() {
    let app = TestApp::start().await;
    let r = client().get(format!("{}/portal", app.base)).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    let body = r.text().await.unwrap();
    assert!(!body.contains("<script>") && !body.contains("style="), "nothing inline");
    let r = client()
        .get(format!("{}/api/v1/vocabularies", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    let css = body
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let r = client().get(format!("{}{css}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    // The map's points are compressed for browsers that accept it; pages never are (BREACH).
    for n in 0..3 {
        let mut body = incident(&format!("Compressed point {n} with a long enough title to compress"));
        body["classification"] = json!("public");
        body["published"] = json!(true);
        app.create("/api/v1/incidents", body).await;
    }
    let r = client()
        .get(format!("{}/portal/map/incidents.geojson", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = client()
        .get(format!("{}/portal", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn every_form_post_needs_a_session_its_token_and_a_visible_record() {
    let app = TestApp::start().await;
    let mut body = incident("Posted Tumanolis");
    body["classification"] = json!("restricted");
    let restricted = app.create("/api/v1/incidents", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let person = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Posted", "classification": "restricted"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let letter = app
        .create(
            "/api/v1/communications",
            json!({"kind": "appeal", "subject": "Posted letter", "classification": "restricted"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let posts = [
        "/incidents".to_owned(),
        format!("/incidents/{restricted}"),
        format!("/incidents/{restricted}/publication"),
        format!("/incidents/{restricted}/persons"),
        "/persons".to_owned(),
        format!("/persons/{person}"),
        "/sign-out".to_owned(),
        "/communications".to_owned(),
        format!("/communications/{letter}/send"),
        format!("/communications/{letter}/responses"),
    ];
    let fields = |csrf: &str| {
        vec![
            ("csrf_token".to_owned(), csrf.to_owned()),
            ("version".to_owned(), "1".to_owned()),
            ("published".to_owned(), "true".to_owned()),
            ("title".to_owned(), "Changed by a post".to_owned()),
            ("occurred.from".to_owned(), "2014".to_owned()),
            ("given_name".to_owned(), "Changed".to_owned()),
            ("person_id".to_owned(), person.clone()),
            ("role".to_owned(), "witness".to_owned()),
        ]
    };
    let outsider = sign_in(&app, "other_investigator").await;
    for path in &posts {
        // Nobody signed in.
        let r = client()
            .post(format!("{}{path}", app.base))
            .form(&as_pairs(&fields("")))
            .send()
            .await
            .unwrap();
        let expected = if path == "/sign-out" { 303 } else { 401 };
        assert_eq!(r.status().as_u16(), expected, "anonymous {path}");
        // A session without its token.
        let r = post_form(&app, path, &outsider, &as_pairs(&fields("not-the-token"))).await;
        assert_eq!(r.status(), 403, "no token {path}");
    }
    // With the token, the other organisation's investigator still cannot see the records.
    for path in &posts[1..6] {
        if path.starts_with("/persons") && !path.contains(&person) {
            continue;
        }
        let r = post_form(&app, path, &outsider, &as_pairs(&fields(&outsider.csrf))).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    for path in &posts[8..] {
        let r = post_form(&app, path, &outsider, &as_pairs(&fields(&outsider.csrf))).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    let (_, page_html) = page(&app, &format!("/incidents/{restricted}"), Some("viewer")).await;
    assert!(page_html.contains("Posted Tumanolis") && !page_html.contains("Changed by a post"));
}

#[tokio::test]
async fn the_portal_shows_published_public_evidence_only() {
    let app = TestApp::start().await;
    let mut body = incident("Evidenced Vitroluh");
    body["classification"] = json!("public");
    body["published"] = json!(true);
    let id = app.create("/api/v1/incidents", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (name, extra) in [
        ("public-note.txt", "&classification=public&published=true"),
        ("internal-note.txt", ""),
    ] {
        let r = app
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/evidence?incident_id={id}&original_name={name}{extra}"),
                Some("investigator"),
            )
            .header(CONTENT_TYPE, "text/plain")
            .body(format!("a statement kept as {name}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let (status, portal) = page(&app, &format!("/portal/incidents/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(
        portal.contains("public-note.txt") && !portal.contains("internal-note.txt"),
        "{portal}"
    );
    let (_, staff) = page(&app, &format!("/incidents/{id}"), Some("viewer")).await;
    assert!(staff.contains("public-note.txt") && staff.contains("internal-note.txt"));
}

pub(crate) async fn session_page(app: &TestApp, path: &str, session: &Session) -> (StatusCode, String) {
    let r = client()
        .get(format!("{}{path}", app.base))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn duplicates_are_reviewed_merged_and_undone_with_forms() {
    let app = TestApp::start().await;
    let a = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Святослав", "family_name": "Ярошенко", "birth_date": "1972-09-14"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app
        .create(
            "/api/v1/persons",
            json!({"given_name": "Sviatoslav", "family_name": "Yaroshenko", "birth_date": "1972-09-14"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = sign_in(&app, "investigator").await;
    let (status, html) = session_page(&app, "/persons/duplicates", &session).await;
    assert_eq!(status, 200);
    assert!(html.contains("Святослав") && html.contains("Sviatoslav"), "{html}");
    let ids = format!("{a},{b}");
    assert!(html.contains(&ids), "{html}");
    assert!(html.contains(&format!("name=\"csrf_token\" value=\"{}\"", session.csrf)));
    let (_, persons) = session_page(&app, "/persons", &session).await;
    assert!(
        persons.contains("href=\"/persons/duplicates\""),
        "linked from the persons list"
    );
    // Without the token nothing is decided.
    let r = post_form(
        &app,
        "/persons/duplicates",
        &session,
        &[("person_ids", &ids), ("decision", "confirmed")],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = post_form(
        &app,
        "/persons/duplicates",
        &session,
        &[
            ("csrf_token", &session.csrf),
            ("person_ids", &ids),
            ("decision", "confirmed"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], format!("/persons/{a}").as_str());
    let (_, survivor) = session_page(&app, &format!("/persons/{a}"), &session).await;
    assert!(
        survivor.contains("Sviatoslav"),
        "the merged record is listed: {survivor}"
    );
    let (_, absorbed) = session_page(&app, &format!("/persons/{b}"), &session).await;
    let undo = absorbed
        .split("action=\"/persons/duplicates/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|rest| format!("/persons/duplicates/{rest}"))
        .expect("the absorbed record offers to undo the merge");
    let (_, listed) = session_page(&app, "/persons?q=Yaroshenko", &session).await;
    assert!(!listed.contains(&format!("/persons/{b}\"")), "{listed}");
    // Viewers see the merge but may not undo it.
    let viewer = sign_in(&app, "viewer").await;
    let (_, seen) = session_page(&app, &format!("/persons/{b}"), &viewer).await;
    assert!(!seen.contains("/undo"), "{seen}");
    let r = post_form(&app, &undo, &viewer, &[("csrf_token", &viewer.csrf)]).await;
    assert_eq!(r.status(), 403);
    let r = post_form(&app, &undo, &session, &[("csrf_token", &session.csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, listed) = session_page(&app, "/persons?q=Yaroshenko", &session).await;
    assert!(listed.contains(&format!("/persons/{b}\"")), "{listed}");
    // The pair is back in the queue, deferred.
    let (_, html) = session_page(&app, "/persons/duplicates", &session).await;
    assert!(html.contains(&ids), "{html}");
}

#[tokio::test]
async fn the_portal_lookup_finds_published_persons_in_any_script_only() {
    let app = TestApp::start().await;
    let published = |given: &str, family: &str| {
        json!({"given_name": given, "family_name": family,
        "classification": "public", "published": true, "birth_date": "1985"})
    };
    app.create("/api/v1/persons", published("Олександр", "Добровольський"))
        .await;
    app.create("/api/v1/persons", published("Oleksandr", "Dobrovolskyi"))
        .await;
    // Namesakes that are not published: never found.
    app.create(
        "/api/v1/persons",
        json!({"given_name": "Aleksandr", "family_name": "Dobrovolskii", "classification": "public", "published": false}),
    )
    .await;
    app.create(
        "/api/v1/persons",
        json!({"given_name": "Олександр", "family_name": "Добровольський", "residence": "Withheldivka",
               "classification": "restricted", "contacts": "+000 555 0101", "published": true}),
    )
    .await;
    app.create(
        "/api/v1/persons",
        json!({"given_name": "Zakhar", "family_name": "Prykhovanyi", "classification": "internal", "published": true}),
    )
    .await;
    let (status, html) = page(&app, "/portal/lookup?name=Aleksandr+Dobrovolskii", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Олександр") && html.contains("Oleksandr"),
        "both spellings of the published person are found: {html}"
    );
    assert!(!html.contains("Aleksandr Dobrovolskii</td>"), "{html}");
    assert!(!html.contains("Withheldivka") && !html.contains("555 0101"), "{html}");
    // Signed-in staff see on the portal what the public sees.
    let (_, staff) = page(&app, "/portal/lookup?name=Добровольський", Some("admin")).await;
    assert!(
        staff.contains("Oleksandr") && !staff.contains("Withheldivka"),
        "{staff}"
    );
    // A withheld person reads exactly as a name nobody has.
    let (_, withheld) = page(&app, "/portal/lookup?name=Zakhar+Prykhovanyi", None).await;
    let (_, nobody) = page(&app, "/portal/lookup?name=Zakhar+Nevidomyi", None).await;
    assert_eq!(
        withheld.replace("Prykhovanyi", "NAME"),
        nobody.replace("Nevidomyi", "NAME")
    );
    // Length limits.
    let (status, _) = page(&app, "/portal/lookup?name=x", None).await;
    assert_eq!(status, 400);
    let long = "a".repeat(101);
    let (status, _) = page(&app, &format!("/portal/lookup?name={long}"), None).await;
    assert_eq!(status, 400);
    let (status, _) = page(&app, "/portal/lookup", None).await;
    assert_eq!(status, 200);
    // The lookup is limited per address.
    let mut throttled = false;
    for _ in 0..=evidentia_server::throttle::LOOKUP_LIMIT {
        let (status, _) = page(&app, "/portal/lookup?name=Oleksandr", None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            throttled = true;
            break;
        }
        assert_eq!(status, 200);
    }
    assert!(throttled);
}

#[tokio::test]
async fn a_public_report_of_a_missing_person_waits_for_staff_and_is_never_shown() {
    let app = TestApp::start().await;
    let (status, html) = page(&app, "/portal/report-missing", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"circumstances\""), "{html}");
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            client()
                .post(format!("{}/portal/report-missing", app.base))
                .form(&pairs)
                .send()
                .await
                .unwrap()
        }
    };
    // Bad input: each error beside its field, nothing created.
    let r = post(vec![
        ("given_name", String::new()),
        ("birth_date", "1990-02-30".into()),
        ("last_seen.period.from", "2030-01".into()),
        ("sex", "other".into()),
    ])
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for id in ["given-name-error", "birth-date-error", "last-seen-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
    }
    let r = post(vec![
        ("given_name", "Ksenia".into()),
        ("circumstances", "x".repeat(5_000)),
    ])
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"circumstances-error\""));
    // A form from another site is refused.
    let r = client()
        .post(format!("{}/portal/report-missing", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("given_name", "Forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let r = post(vec![
        ("given_name", "Zinaida".into()),
        ("family_name", "Vyshnevetska".into()),
        ("sex", "female".into()),
        ("birth_date", "1961".into()),
        ("last_seen.period.from", "2024-03-02".into()),
        ("last_seen.place.place_name", "Bus station".into()),
        ("circumstances", "Went to the market and did not come back.".into()),
        ("ante_mortem.clothing", "grey coat".into()),
        ("reported_by.name", "Lesia".into()),
        ("reported_by.relation", "daughter".into()),
        ("reported_by.contact", "+000 555 0101".into()),
        ("consent_to_share", "partners".into()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/portal/report-missing?sent=1");
    let (_, html) = page(&app, "/portal/report-missing?sent=1", None).await;
    assert!(html.contains("id=\"report-sent\"") && !html.contains("Zinaida"));

    // Staff of the receiving organisation find it in the moderation queue, restricted.
    let (_, queue) = crate::app::answer(
        app.get("/api/v1/missing-cases?moderation=pending", Some("viewer"))
            .await,
    )
    .await;
    let case = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["circumstances"] == "Went to the market and did not come back.")
        .unwrap_or_else(|| panic!("{queue}"))
        .clone();
    assert_eq!(case["classification"], "restricted");
    assert_eq!(case["organisation_id"], json!(app.org));
    assert_eq!(case["moderation"], "pending");
    assert_eq!(case["reported_by"]["contact"], "+000 555 0101");
    assert_eq!(case["reported_at"], "2024-05-01");
    let person_id = case["person_id"].as_str().unwrap();
    let (_, person) = crate::app::answer(app.get(&format!("/api/v1/persons/{person_id}"), Some("viewer")).await).await;
    assert_eq!(person["status"], "missing");
    assert_eq!(person["classification"], "restricted");

    // Nobody else sees anything of it: not the public, not the other organisation.
    for who in [None, Some("outsider")] {
        let (_, found) = crate::app::answer(app.get("/api/v1/search?q=Vyshnevetska", who).await).await;
        assert!(found["items"].as_array().is_none_or(Vec::is_empty), "{who:?}: {found}");
        let (_, queue) = crate::app::answer(app.get("/api/v1/missing-cases?moderation=pending", who).await).await;
        assert!(!queue.to_string().contains("did not come back"), "{who:?}: {queue}");
    }
    // (The search page repeats the words searched for, so look for the given name there.)
    for path in ["/portal?q=Vyshnevetska", "/portal", "/portal/map", "/portal/timeline"] {
        let (_, html) = page(&app, path, None).await;
        assert!(!html.contains("Zinaida") && !html.contains("market"), "{path}");
    }

    // Staff accept it with a patch.
    let url = format!("/api/v1/missing-cases/{}", case["id"].as_str().unwrap());
    let (status, accepted) = crate::app::answer(
        app.patch(&url, "investigator", 1, &json!({"moderation": "accepted"}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    let (_, queue) = crate::app::answer(
        app.get("/api/v1/missing-cases?moderation=pending", Some("viewer"))
            .await,
    )
    .await;
    assert!(!queue["items"].as_array().unwrap().iter().any(|c| c["id"] == case["id"]));
    // The case's history names the public as the author of the report, staff as the moderator.
    let (_, html) = page(
        &app,
        &format!("/missing-cases/{}", case["id"].as_str().unwrap()),
        Some("investigator"),
    )
    .await;
    assert!(html.contains("· a member of the public (portal form)</span>"), "{html}");
    assert!(html.contains("· investigator</span>"), "{html}");
}

#[tokio::test]
async fn public_reports_are_rate_limited() {
    let app = TestApp::start().await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let r = client()
            .post(format!("{}/portal/report-missing", app.base))
            .form(&[("given_name", format!("Throttled {i}").as_str())])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 5, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn staff_see_missing_person_cases_with_their_candidates() {
    let app = TestApp::start().await;
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
                   "ante_mortem": {"clothing": "orange raincoat"}}),
        )
        .await;
    app.create(
        "/api/v1/remains",
        json!({"case_number": "PM-ORANGE", "classification": "restricted", "sex_estimate": "male",
               "post_mortem": {"clothing": "torn orange raincoat"}}),
    )
    .await;
    let case_id = case["id"].as_str().unwrap();
    let (status, html) = page(&app, "/missing-cases", Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Stepan Hordiienko") && html.contains("Mill pond"),
        "{html}"
    );
    let (status, html) = page(&app, &format!("/missing-cases/{case_id}"), Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"candidates\"") && html.contains("PM-ORANGE"),
        "{html}"
    );
    assert!(
        html.contains("clothing: &#39;orange raincoat&#39; shares 2 words") || html.contains("shares 2 words"),
        "{html}"
    );
    // Another organisation sees neither the restricted case nor its name in the list.
    let (status, _) = page(&app, &format!("/missing-cases/{case_id}"), Some("outsider")).await;
    assert_eq!(status, 404);
    let (_, html) = page(&app, "/missing-cases", Some("outsider")).await;
    assert!(!html.contains("Mill pond"));
    let (status, _) = page(&app, "/missing-cases", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "staff pages need a sign-in");
}

#[tokio::test]
async fn the_staff_map_shows_the_grave_sites_the_reader_may_see() {
    let app = TestApp::start().await;
    app.create(
        "/api/v1/grave-sites",
        json!({"name": "Quarry grave", "type": "mass", "status": "secured", "classification": "restricted",
               "boundary": {"type": "Polygon", "coordinates": [[[31.0, 47.0], [31.02, 47.0], [31.02, 47.02], [31.0, 47.0]]]}}),
    )
    .await;
    let (status, html) = page(&app, "/map", Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-graves=\"/map/grave-sites.geojson\""), "{html}");
    let (status, geo) = page(&app, "/map/grave-sites.geojson", Some("viewer")).await;
    assert_eq!(status, 200);
    let geo: serde_json::Value = serde_json::from_str(&geo).unwrap();
    let quarry = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["title"] == "Quarry grave")
        .unwrap_or_else(|| panic!("{geo}"));
    assert_eq!(quarry["properties"]["when"], "Secured");
    let lat = quarry["geometry"]["coordinates"][1].as_f64().unwrap();
    assert!((lat - 47.0067).abs() < 0.001, "the boundary's centre: {lat}");
    let (_, geo) = page(&app, "/map/grave-sites.geojson", Some("outsider")).await;
    assert!(!geo.contains("Quarry grave"), "restricted to its organisation");
    let (status, _) = page(&app, "/map/grave-sites.geojson", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, "/portal/map", None).await;
    assert!(html.contains("data-graves=\"\""), "the portal shows no grave sites");
}

#[tokio::test]
async fn communications_are_written_sent_and_answered_with_forms() {
    let app = TestApp::start().await;
    let recipient = app
        .create(
            "/api/v1/recipients",
            json!({"name": "Committee of Example Inquiry", "type": "un_body", "classification": "restricted"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let incident_id = app.create("/api/v1/incidents", incident("Shelling of Lirnyky")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = sign_in(&app, "investigator").await;
    let (status, form) = session_page(
        &app,
        &format!("/communications/new?incident_id={incident_id}"),
        &session,
    )
    .await;
    assert_eq!(status, 200);
    assert!(form.contains("Committee of Example Inquiry"), "{form}");
    assert!(form.contains(&format!("value=\"{incident_id}\"")), "{form}");

    let draft = |subject: &'static str| {
        vec![
            ("csrf_token", session.csrf.clone()),
            ("recipient_id", recipient.clone()),
            ("kind", "notification".to_owned()),
            ("language", "uk".to_owned()),
            ("subject", subject.to_owned()),
            ("body", "Просимо розглянути.".to_owned()),
            ("incident_ids", incident_id.clone()),
            ("response_due", "2099-01".to_owned()),
            ("classification", "restricted".to_owned()),
        ]
    };
    let pairs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let app = &app;
        let session = &session;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, &path, session, &f).await
        }
    };
    // A draft without a subject comes back with the error beside the field.
    let r = post("/communications".into(), pairs(&draft(""))).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"subject-error\""), "{html}");
    let r = post("/communications".into(), pairs(&draft("Повідомлення про обстріл"))).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/communications/").to_owned();
    let (status, html) = session_page(&app, &location, &session).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Повідомлення про обстріл")
            && html.contains("Shelling of Lirnyky")
            && html.contains("Committee of Example Inquiry"),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/communications/{id}/send\"")),
        "{html}"
    );
    assert!(
        !html.contains(&format!("action=\"/communications/{id}/responses\"")),
        "{html}"
    );

    // A response before sending is refused and said so.
    let response = |date: &str, summary: &str| {
        vec![
            ("csrf_token", session.csrf.clone()),
            ("received_at", date.to_owned()),
            ("summary", summary.to_owned()),
            ("substantive", "yes".to_owned()),
        ]
    };
    let r = post(format!("{location}/responses"), response("2020-01-01", "Too early")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("not been sent"));
    // Sending in the future is refused beside the field; then sent today.
    let send = |date: &str| {
        vec![
            ("csrf_token", session.csrf.clone()),
            ("sent_at", date.to_owned()),
            ("channel", "e-mail".to_owned()),
        ]
    };
    let r = post(format!("{location}/send"), send("2999-01-01")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"sent-at-error\""));
    let r = post(format!("{location}/send"), send("")).await;
    assert_eq!(r.status(), 303);
    let (_, html) = session_page(&app, &location, &session).await;
    assert!(
        !html.contains(&format!("action=\"/communications/{id}/send\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/communications/{id}/responses\"")),
        "{html}"
    );
    // Sent once only.
    let r = post(format!("{location}/send"), send("")).await;
    assert_eq!(r.status(), 422);
    // A response dated before the sending is refused; a substantive one answers it.
    let r = post(format!("{location}/responses"), response("2001-05-01", "Before")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"received-at-error\""));
    let r = post(format!("{location}/responses"), response("", "")).await;
    assert_eq!(r.status(), 422);
    let (_, api) = answer(
        app.get(&format!("/api/v1/communications/{id}"), Some("investigator"))
            .await,
    )
    .await;
    assert_eq!(api["status"], "sent", "{api}");
    let today = api["sent_at"].as_str().unwrap().to_owned();
    let r = post(
        format!("{location}/responses"),
        response(&today, "Case registered under No. 12"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, api) = answer(
        app.get(&format!("/api/v1/communications/{id}"), Some("investigator"))
            .await,
    )
    .await;
    assert_eq!(api["status"], "answered", "{api}");
    assert_eq!(api["responses"][0]["summary"], "Case registered under No. 12");
    let (_, html) = session_page(&app, &location, &session).await;
    assert!(html.contains("Case registered under No. 12"), "{html}");
    let (_, list) = session_page(&app, "/communications", &session).await;
    assert!(list.contains(&location) && list.contains("Answered"), "{list}");

    // A reader of the organisation sees the page without its forms and cannot post them.
    let (status, html) = page(&app, &location, Some("viewer")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Case registered") && !html.contains("/responses\""),
        "{html}"
    );
    let viewer = sign_in(&app, "viewer").await;
    let f = response(&today, "By a viewer");
    let mut f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    f[0].1 = &viewer.csrf;
    let r = post_form(&app, &format!("{location}/responses"), &viewer, &f).await;
    assert_eq!(r.status(), 403);
    // Another organisation sees neither the page nor the form's recipient, and cannot post.
    let (status, html) = page(&app, &location, Some("other_investigator")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Повідомлення"));
    let (_, form) = page(&app, "/communications/new", Some("other_investigator")).await;
    assert!(!form.contains("Committee of Example Inquiry"), "{form}");
    let outsider = sign_in(&app, "other_investigator").await;
    let r = post_form(
        &app,
        &format!("{location}/send"),
        &outsider,
        &[("csrf_token", outsider.csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 404);
}
