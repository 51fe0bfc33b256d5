//! Communications with international bodies: letters rendered to real PDFs and read back by an
//! independent parser, the frozen letter as sent, responses, overdue replies, tracking figures,
//! bad input, and classification on every path.

use serde_json::{Value, json};
use sha2::Digest;

use crate::app::{TestApp, answer, fields, incident};

const SUBJECT: &str = "Обстріл житлового кварталу в Зразковому";

/// The text of every page, extracted by an independent PDF parser, and the page count.
fn pdf_text(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text can be extracted");
    (pages.len(), text)
}

/// Extracted text without whitespace: extractors break lines where the layout did.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many fonts the PDF embeds as subsets (a `FontDescriptor` with a `FontFile2`).
fn embedded_fonts(pdf: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice()))
        .filter(|d| {
            let name = d.get(b"FontName").and_then(|n| n.as_name()).unwrap_or_default();
            name.get(6) == Some(&b'+') && d.get(b"FontFile2").is_ok()
        })
        .count()
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn bytes(app: &TestApp, path: &str, who: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = app.get(path, Some(who)).await;
    let status = r.status().as_u16();
    let frozen = r
        .headers()
        .get("x-evidentia-letter-frozen")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, frozen, r.bytes().await.unwrap().to_vec())
}

async fn recipient(app: &TestApp, name: &str) -> String {
    let r = app
        .create(
            "/api/v1/recipients",
            json!({"name": name, "type": "un_body", "address": "Example Avenue 1\n1000 Example City", "channel": "e-mail"}),
        )
        .await;
    r["id"].as_str().unwrap().to_owned()
}

/// The size of the log now, from the signed checkpoint's second line.
async fn log_size(app: &TestApp) -> u64 {
    let note = app.get("/api/v1/log/checkpoint", None).await.text().await.unwrap();
    note.lines().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_sent_letter_is_frozen_as_an_evidence_item_with_its_subject_and_bundle_hash() {
    let app = TestApp::start().await;
    let inc = app.create("/api/v1/incidents", incident("Shelling of Zrazkove")).await;
    let inc_id = inc["id"].as_str().unwrap();
    let rid = recipient(&app, "UN treaty body (example)").await;
    let c = app
        .create(
            "/api/v1/communications",
            json!({
                "kind": "appeal",
                "language": "uk",
                "subject": SUBJECT,
                "body": "Просимо розглянути це звернення.",
                "recipient_id": rid,
                "incident_ids": [inc_id],
                "reference": "EHRO/2024/017",
                "response_due": "2024-06",
            }),
        )
        .await;
    let id = c["id"].as_str().unwrap();
    assert_eq!(c["status"], "draft");

    // The bundle of the incident is written, kept as evidence, and its hash recorded.
    let (status, with_bundle) = answer(
        app.post(
            &format!("/api/v1/communications/{id}/bundle"),
            "investigator",
            &json!({"incident_id": inc_id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{with_bundle}");
    let bundle = &with_bundle["attachments"][0];
    let bundle_hash = bundle["sha256"].as_str().unwrap().to_owned();
    assert_eq!(bundle_hash.len(), 64);
    let r = app
        .get(
            &format!("/api/v1/evidence/{}/file", bundle["evidence_id"].as_str().unwrap()),
            Some("investigator"),
        )
        .await;
    let status = r.status().as_u16();
    let bundle_bytes = r.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200);
    assert_eq!(
        sha256_hex(&bundle_bytes),
        bundle_hash,
        "the stored bundle is the one named"
    );

    // The preview of the draft: a real PDF with the Cyrillic subject and the hash, fonts embedded.
    let (status, frozen, preview) = bytes(
        &app,
        &format!("/api/v1/communications/{id}/letter?format=pdf"),
        "analyst",
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&preview));
    assert_eq!(frozen.as_deref(), Some("false"));
    let (pages, text) = pdf_text(&preview);
    assert_eq!(pages, 1, "{text}");
    let flat = squeeze(&text);
    assert!(flat.contains(&squeeze(SUBJECT)), "{text}");
    assert!(flat.contains(&bundle_hash), "{text}");
    assert!(flat.contains(&squeeze("Shelling of Zrazkove")), "{text}");
    assert!(embedded_fonts(&preview) >= 1, "fonts embedded as subsets");
    let (status, _, html) = bytes(
        &app,
        &format!("/api/v1/communications/{id}/letter?format=html"),
        "viewer",
    )
    .await;
    assert_eq!(status, 200);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains(SUBJECT) && html.contains(&bundle_hash), "{html}");

    // Sending freezes the letter: the bytes are stored, logged and served as they are.
    let before = log_size(&app).await;
    let (status, sent) = answer(
        app.post(
            &format!("/api/v1/communications/{id}/send"),
            "investigator",
            &json!({"sent_at": "2024-04-30", "channel": "e-mail"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["sent_at"], "2024-04-30");
    let letter_hash = sent["letter"]["sha256"].as_str().unwrap().to_owned();
    let letter_item = sent["letter"]["evidence_id"].as_str().unwrap().to_owned();
    let (status, frozen, served) = bytes(&app, &format!("/api/v1/communications/{id}/letter"), "investigator").await;
    assert_eq!(status, 200);
    assert_eq!(frozen.as_deref(), Some("true"));
    assert_eq!(
        sha256_hex(&served),
        letter_hash,
        "the bytes served are the bytes stored"
    );
    let (_, _, again) = bytes(
        &app,
        &format!("/api/v1/communications/{id}/letter?format=pdf"),
        "investigator",
    )
    .await;
    assert_eq!(again, served, "a sent letter never changes");
    let (pages, text) = pdf_text(&served);
    assert!(pages >= 1);
    assert!(squeeze(&text).contains(&squeeze(SUBJECT)), "{text}");
    assert!(squeeze(&text).contains(&bundle_hash), "{text}");

    let (status, item) = answer(
        app.get(&format!("/api/v1/evidence/{letter_item}"), Some("investigator"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["kind"], "document");
    assert_eq!(item["file"]["sha256"], letter_hash.as_str());
    assert_eq!(item["file"]["media_type"], "application/pdf");
    assert_eq!(item["incident_ids"], json!([inc_id]));
    let file = app
        .get(&format!("/api/v1/evidence/{letter_item}/file"), Some("investigator"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(file.to_vec(), served, "the evidence file is the letter as sent");

    // Its ingest and the communication's change are in the tamper-evident log.
    let after = log_size(&app).await;
    let mut ingested = false;
    let mut changed = false;
    for i in before..after {
        let r = app.get(&format!("/api/v1/log/entries/{i}"), Some("admin")).await;
        if r.status() != 200 {
            continue;
        }
        let event = evidentia_log::Event::from_leaf_data(&r.bytes().await.unwrap()).unwrap();
        ingested |= event.file_sha256.as_deref() == Some(letter_hash.as_str());
        changed |= event.record_id.as_deref() == Some(id);
    }
    assert!(ingested && changed, "logged: ingest {ingested}, change {changed}");

    // Sent once; the frozen letter is the server's to set.
    let (status, _) = answer(
        app.post(&format!("/api/v1/communications/{id}/send"), "investigator", &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 409);
    let version = sent["version"].as_i64().unwrap();
    let (status, problem) = answer(
        app.patch(
            &format!("/api/v1/communications/{id}"),
            "investigator",
            version,
            &json!({"letter": {"evidence_id": letter_item, "sha256": "0".repeat(64), "size": 1, "media_type": "application/pdf"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["letter"]);
    // An ordinary change keeps the frozen letter.
    let (status, patched) = answer(
        app.patch(
            &format!("/api/v1/communications/{id}"),
            "investigator",
            version,
            &json!({"reference": "EHRO/2024/017-A"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["letter"], sent["letter"]);
}

async fn sent_communication(app: &TestApp, rid: &str, sent_at: &str, due: &str, subject: &str) -> Value {
    app.create(
        "/api/v1/communications",
        json!({
            "kind": "notification",
            "subject": subject,
            "recipient_id": rid,
            "status": "sent",
            "sent_at": sent_at,
            "response_due": due,
        }),
    )
    .await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn responses_overdue_replies_and_tracking() {
    let app = TestApp::start().await;
    // Today is 2024-05-01 on the test clock.
    let rid = recipient(&app, "Tracked body (example)").await;
    let overdue = sent_communication(&app, &rid, "2024-03-01", "2024-04-15", "Overdue one").await;
    let not_yet = sent_communication(&app, &rid, "2024-03-01", "2024-06-01", "Not yet due").await;
    let answered = sent_communication(&app, &rid, "2024-03-01", "2024-04-01", "Answered one").await;
    let draft = app
        .create(
            "/api/v1/communications",
            json!({"kind": "notification", "subject": "Draft", "recipient_id": rid, "response_due": "2024-01-01"}),
        )
        .await;
    let aid = answered["id"].as_str().unwrap();

    // A response dated before sending is refused, naming the field, and nothing changes.
    let (status, problem) = answer(
        app.post(
            &format!("/api/v1/communications/{aid}/responses"),
            "investigator",
            &json!({"received_at": "2024-02-28", "summary": "too early", "substantive": true}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["received_at"]);
    let (_, unchanged) = answer(
        app.get(&format!("/api/v1/communications/{aid}"), Some("investigator"))
            .await,
    )
    .await;
    assert_eq!(unchanged["version"], 1);
    assert!(unchanged.get("responses").is_none());
    // So is one on a draft, and one from a viewer.
    let (status, problem) = answer(
        app.post(
            &format!("/api/v1/communications/{}/responses", draft["id"].as_str().unwrap()),
            "investigator",
            &json!({"received_at": "2024-04-02"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, fields(&problem)), (422, vec!["received_at".to_owned()]));
    let (status, _) = answer(
        app.post(
            &format!("/api/v1/communications/{aid}/responses"),
            "viewer",
            &json!({"received_at": "2024-03-05"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);

    // An acknowledgement, then a substantive reply.
    let (status, r) = answer(
        app.post(
            &format!("/api/v1/communications/{aid}/responses"),
            "investigator",
            &json!({"received_at": "2024-03-05", "summary": "Receipt acknowledged"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["status"], "acknowledged");
    let (status, r) = answer(
        app.post(
            &format!("/api/v1/communications/{aid}/responses"),
            "investigator",
            &json!({"received_at": "2024-03-15", "summary": "The body will raise the matter", "substantive": true}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["status"], "answered");
    assert_eq!(r["responses"].as_array().unwrap().len(), 2);
    assert_eq!(r["responses"][0]["summary"], "Receipt acknowledged");
    // Responses only grow through their route.
    let (status, problem) = answer(
        app.patch(
            &format!("/api/v1/communications/{aid}"),
            "investigator",
            r["version"].as_i64().unwrap(),
            &json!({"responses": []}),
        )
        .await,
    )
    .await;
    assert_eq!((status, fields(&problem)), (422, vec!["responses".to_owned()]));

    // Overdue: sent or acknowledged, no substantive reply, due before today.
    let (status, page) = answer(
        app.get(
            &format!("/api/v1/communications?overdue=true&recipient_id={rid}"),
            Some("viewer"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), [overdue["id"].as_str().unwrap()]);
    let (_, page) = answer(
        app.get(
            &format!("/api/v1/communications?status=sent&recipient_id={rid}&sort=occurred"),
            Some("viewer"),
        )
        .await,
    )
    .await;
    assert_eq!(
        ids(&page),
        [overdue["id"].as_str().unwrap(), not_yet["id"].as_str().unwrap()]
    );
    let (status, problem) = answer(app.get("/api/v1/communications?overdue=maybe", Some("viewer")).await).await;
    assert_eq!((status, fields(&problem)), (400, vec!["overdue".to_owned()]));

    // The dashboard lists the overdue reply.
    let r = app.get("/dashboard", Some("viewer")).await;
    assert_eq!(r.status(), 200);
    let dashboard = r.text().await.unwrap();
    let section = dashboard
        .split("id=\"overdue\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no overdue section: {dashboard}"));
    assert!(section.contains("Overdue one"), "{section}");
    assert!(
        !section.contains("Not yet due") && !section.contains("Answered one"),
        "{section}"
    );

    // Tracking for the recipient, counted here by hand: three sent, one acknowledged (and
    // answered on the substance 14 days after sending), two without response, one overdue.
    let (status, table) = answer(app.get("/api/v1/communications/tracking", Some("analyst")).await).await;
    assert_eq!(status, 200, "{table}");
    let row = table["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["recipient_id"] == rid.as_str())
        .unwrap();
    assert_eq!(row["name"], "Tracked body (example)");
    assert_eq!(row["sent"], 3);
    assert_eq!(row["acknowledged"], 1);
    assert_eq!(row["substantive_replies"], 1);
    assert_eq!(row["no_response"], 2);
    assert_eq!(row["overdue"], 1);
    assert_eq!(row["median_days_to_reply"], 14.0);
    let (status, _) = answer(app.get("/api/v1/communications/tracking", None).await).await;
    assert_eq!(status, 401);

    // The staff page shows the same figures and marks the overdue communication.
    let r = app.get("/communications", Some("viewer")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let row = page
        .split("<tr>")
        .find(|r| r.contains("Tracked body (example)"))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        row.contains("<td>3</td><td>1</td><td>1</td><td>2</td><td>1</td><td>14</td>"),
        "{row}"
    );
    let row = page.split("<tr>").find(|r| r.contains("Overdue one")).unwrap();
    assert!(row.contains("<strong>Overdue</strong>"), "{row}");
    let row = page.split("<tr>").find(|r| r.contains("Not yet due")).unwrap();
    assert!(!row.contains("<strong>"), "{row}");
}

#[tokio::test]
async fn bad_letters_are_refused_naming_line_and_field_and_nothing_is_stored() {
    let app = TestApp::start().await;
    let inc = app.create("/api/v1/incidents", incident("Letterless incident")).await;
    let inc_id = inc["id"].as_str().unwrap();
    let c = app
        .create(
            "/api/v1/communications",
            json!({"kind": "notification", "subject": "No recipient yet", "incident_ids": [inc_id]}),
        )
        .await;
    let id = c["id"].as_str().unwrap();
    let evidence_of_incident = || async {
        let (_, page) = answer(
            app.get(&format!("/api/v1/evidence?incident_id={inc_id}"), Some("admin"))
                .await,
        )
        .await;
        page["items"].as_array().unwrap().len()
    };

    // No recipient.
    let (status, problem) = answer(
        app.post(&format!("/api/v1/communications/{id}/send"), "investigator", &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["recipient_id"]);

    let rid = recipient(&app, "Recipient of bad letters (example)").await;
    let (status, c) = answer(
        app.patch(
            &format!("/api/v1/communications/{id}"),
            "investigator",
            1,
            &json!({"recipient_id": rid}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{c}");

    // A template with a syntax error, and one with an unknown field: named, nothing sent.
    for (template, code, needle) in [
        ("^ {{ sender.name }}\n\n# {{ subject }\n", "syntax", "line 3"),
        (
            "^ {{ sender.name }}\n\n# {{ subject }}\n\n{{ recipent.name }}\n",
            "unknown_field",
            "recipent",
        ),
    ] {
        let (status, problem) = answer(
            app.post(
                &format!("/api/v1/communications/{id}/send"),
                "investigator",
                &json!({"template": template}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["template"]);
        assert_eq!(problem["errors"][0]["code"], code);
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle) && message.contains("line"), "{message}");
        // The preview says the same.
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("format", "html")
            .append_pair("template", template)
            .finish();
        let (status, preview) = answer(
            app.get(&format!("/api/v1/communications/{id}/letter?{q}"), Some("investigator"))
                .await,
        )
        .await;
        assert_eq!((status, fields(&preview)), (422, vec!["template".to_owned()]));
    }
    let (_, now) = answer(
        app.get(&format!("/api/v1/communications/{id}"), Some("investigator"))
            .await,
    )
    .await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["status"], "draft");
    assert!(now.get("letter").is_none());
    assert_eq!(evidence_of_incident().await, 0, "nothing stored");

    // A good custom template is used as written.
    let (status, sent) = answer(
        app.post(
            &format!("/api/v1/communications/{id}/send"),
            "investigator",
            &json!({"template": "^ {{ sender.name }}\n\n| {{ recipient.name }}\n\n# Custom: {{ subject }}\n\n{% for i in incidents %}- {{ i.title }}\n{% endfor %}"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["sent_at"], "2024-05-01");
    let (_, _, pdf) = bytes(&app, &format!("/api/v1/communications/{id}/letter"), "investigator").await;
    let (_, text) = pdf_text(&pdf);
    assert!(squeeze(&text).contains("Custom:Norecipientyet"), "{text}");
    assert!(squeeze(&text).contains("Letterlessincident"), "{text}");
    assert_eq!(evidence_of_incident().await, 1);

    // Rules of the record itself.
    for (body, field) in [
        (
            json!({"kind": "notification", "subject": "s", "status": "sent", "recipient_id": rid}),
            "sent_at",
        ),
        (json!({"kind": "follow_up", "subject": "s"}), "follows_id"),
        (
            json!({"kind": "notification", "subject": "s", "language": "fr"}),
            "language",
        ),
        (json!({"kind": "notification", "subject": " "}), "subject"),
        (
            json!({"kind": "notification", "subject": "s", "letter": null}),
            "letter",
        ),
        (
            json!({"kind": "notification", "subject": "s", "recipient_id": uuid::Uuid::nil()}),
            "recipient_id",
        ),
        (
            json!({"kind": "notification", "subject": "s", "incident_ids": [uuid::Uuid::nil()]}),
            "incident_ids",
        ),
        (
            json!({"kind": "notification", "subject": "s", "status": "answered", "recipient_id": rid, "sent_at": "2024-04-01",
                   "responses": [{"received_at": "2024-03-01", "recorded_at": "2024-04-02"}]}),
            "responses",
        ),
    ] {
        let (status, problem) = answer(app.post("/api/v1/communications", "investigator", &body).await).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(fields(&problem), [field], "{body}: {problem}");
    }
}

#[tokio::test]
async fn letters_and_tracking_show_only_what_the_caller_may_see() {
    let app = TestApp::start().await;
    // A restricted incident of the office, and one of the other organisation.
    let mut secret = incident("Restricted shelling of Quietfield");
    secret["classification"] = json!("restricted");
    let secret = app.create("/api/v1/incidents", secret).await;
    let mut theirs = incident("Their restricted incident");
    theirs["classification"] = json!("restricted");
    let (status, theirs) = answer(app.post("/api/v1/incidents", "other_investigator", &theirs).await).await;
    assert_eq!(status, 201);
    let rid = recipient(&app, "Recipient for classification (example)").await;

    // Nobody links what they may not see.
    let (status, problem) = answer(
        app.post(
            "/api/v1/communications",
            "investigator",
            &json!({"kind": "notification", "subject": "s", "incident_ids": [theirs["id"]]}),
        )
        .await,
    )
    .await;
    assert_eq!((status, fields(&problem)), (422, vec!["incident_ids".to_owned()]));

    // An internal communication about the restricted incident: the other organisation reads the
    // communication but not the incident in its letter.
    let c = app
        .create(
            "/api/v1/communications",
            json!({"kind": "notification", "subject": "About a shelling", "recipient_id": rid, "incident_ids": [secret["id"]]}),
        )
        .await;
    let id = c["id"].as_str().unwrap();
    let letter_html = |who: &'static str| {
        let app = &app;
        async move {
            let (status, _, html) = bytes(app, &format!("/api/v1/communications/{id}/letter?format=html"), who).await;
            (status, String::from_utf8(html).unwrap())
        }
    };
    let (status, own) = letter_html("viewer").await;
    assert_eq!(status, 200);
    assert!(own.contains("Restricted shelling of Quietfield"), "{own}");
    let (status, other) = letter_html("outsider").await;
    assert_eq!(status, 200);
    assert!(other.contains("About a shelling"), "{other}");
    assert!(!other.contains("Quietfield"), "{other}");

    // Sent, the frozen letter is kept as restricted as the incident it names.
    let (status, sent) = answer(
        app.post(&format!("/api/v1/communications/{id}/send"), "investigator", &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    let (_, item) = answer(
        app.get(
            &format!("/api/v1/evidence/{}", sent["letter"]["evidence_id"].as_str().unwrap()),
            Some("investigator"),
        )
        .await,
    )
    .await;
    assert_eq!(item["classification"], "restricted");
    let (status, _, _) = bytes(&app, &format!("/api/v1/communications/{id}/letter"), "outsider").await;
    assert_eq!(status, 404, "the letter as sent names a restricted incident");
    let (status, _, _) = bytes(&app, &format!("/api/v1/communications/{id}/letter"), "viewer").await;
    assert_eq!(status, 200);

    // A restricted communication of the other organisation is in nobody's tracking here.
    let (status, their_rid) = answer(
        app.post(
            "/api/v1/recipients",
            "other_investigator",
            &json!({"name": "Their recipient", "type": "court", "classification": "restricted"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = answer(
        app.post(
            "/api/v1/communications",
            "other_investigator",
            &json!({"kind": "notification", "subject": "Theirs", "classification": "restricted",
                    "recipient_id": their_rid["id"], "status": "sent", "sent_at": "2024-04-01"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let (_, table) = answer(app.get("/api/v1/communications/tracking", Some("admin")).await).await;
    for row in table["items"].as_array().unwrap() {
        assert_ne!(row["recipient_id"], their_rid["id"], "{table}");
    }
    let (_, table) = answer(
        app.get("/api/v1/communications/tracking", Some("other_investigator"))
            .await,
    )
    .await;
    assert!(
        table["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["recipient_id"] == their_rid["id"] && r["sent"] == 1),
        "{table}"
    );
}
