//! One scenario, every backend: the store named by `EVIDENTIA_TEST_DATABASE_URL`
//! (`postgres://…`), or a fresh SQLite file when it is unset. Each test works in its own
//! organisation so tests can share one PostgreSQL database and run in parallel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use evidentia_model::{
    Classification, Clock, FixedClock, Incident, Involvement, Meta, Person, RecordBody, RecordKind, Role, Viewer,
    Vocabularies,
};
use evidentia_store::{
    ApiToken, BoundingBox, ListQuery, Membership, NewRecord, Organisation, RecordUpdate, Sort, Store, StoreError, User,
};
use serde_json::json;
use uuid::Uuid;

struct Fixture {
    store: Arc<dyn Store>,
    clock: FixedClock,
    org: Uuid,
    other_org: Uuid,
    user: Uuid,
    _dir: Option<tempfile::TempDir>,
}

async fn fixture() -> Fixture {
    let (store, dir) = match std::env::var("EVIDENTIA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => (evidentia_store::open(&url).await.unwrap(), None),
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("evidentia.db").display());
            (evidentia_store::open(&url).await.unwrap(), Some(dir))
        }
    };
    // Names and ids unique per test run so that tests can share one PostgreSQL database.
    let salt = Uuid::new_v4();
    let seed = salt.as_u64_pair().0;
    let clock = FixedClock::seeded(time::macros::datetime!(2024-03-01 12:00 UTC), seed);
    let org = Organisation {
        id: Uuid::new_v4(),
        name: format!("Office {salt}"),
        created_at: clock.now(),
    };
    let other = Organisation {
        id: Uuid::new_v4(),
        name: format!("Monitor {salt}"),
        created_at: clock.now(),
    };
    store.create_organisation(&org).await.unwrap();
    store.create_organisation(&other).await.unwrap();
    let user = User {
        id: Uuid::new_v4(),
        email: format!("{salt}@example.org"),
        display_name: "Test investigator".into(),
        password_hash: None,
        created_at: clock.now(),
        disabled: false,
    };
    store
        .create_user(
            &user,
            &[Membership {
                organisation_id: org.id,
                role: Role::Investigator,
            }],
        )
        .await
        .unwrap();
    Fixture {
        store,
        clock,
        org: org.id,
        other_org: other.id,
        user: user.id,
        _dir: dir,
    }
}

impl Fixture {
    fn meta(&self, org: Uuid, classification: Classification) -> Meta {
        self.clock.advance(time::Duration::milliseconds(1));
        Meta {
            id: self.clock.new_id(),
            organisation_id: org,
            classification,
            created_at: self.clock.now(),
            created_by: self.user,
            updated_at: self.clock.now(),
            updated_by: self.user,
            version: 1,
        }
    }

    fn new_record<B: RecordBody>(&self, org: Uuid, classification: Classification, body: &B) -> NewRecord {
        NewRecord {
            kind: B::KIND,
            meta: self.meta(org, classification),
            body: serde_json::to_value(body).unwrap(),
            index: body.index(),
        }
    }

    fn staff(&self, role: Role) -> Viewer {
        Viewer::Staff {
            user_id: self.user,
            memberships: vec![(self.org, role)],
        }
    }

    /// A query limited to this fixture's organisations.
    fn query(&self, kind: RecordKind, viewer: Viewer) -> ListQuery {
        ListQuery {
            organisation_id: Some(self.org),
            ..ListQuery::new(Some(kind), viewer)
        }
    }
}

fn incident(title: &str, occurred: &str, place: &str, categories: &[&str]) -> Incident {
    serde_json::from_value(json!({
        "title": title,
        "occurred": {"from": occurred},
        "location": {"place_name": place, "lat": 47.1, "lon": -32.5, "country": "XQ"},
        "categories": categories,
    }))
    .unwrap()
}

#[tokio::test]
async fn create_read_change_and_keep_history() {
    let f = fixture().await;
    let body = incident(
        "Shelling of Tykhorichchia",
        "2014-07",
        "Тихоріччя",
        &["indiscriminate_attack"],
    );
    let rec = f.new_record(f.org, Classification::Internal, &body);
    let id = rec.meta.id;
    f.store.insert(vec![rec]).await.unwrap();

    let got = f.store.get(RecordKind::Incident, id).await.unwrap();
    assert_eq!(got.meta.version, 1);
    assert_eq!(serde_json::from_value::<Incident>(got.body.clone()).unwrap(), body);
    assert!(matches!(
        f.store.get(RecordKind::Person, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.get(RecordKind::Incident, Uuid::new_v4()).await,
        Err(StoreError::NotFound)
    ));

    let mut changed = body.clone();
    changed.title = "Shelling of a street in Tykhorichchia".into();
    f.clock.advance(time::Duration::minutes(5));
    let update = |expected_version| RecordUpdate {
        kind: RecordKind::Incident,
        id,
        expected_version,
        classification: Classification::Restricted,
        body: serde_json::to_value(&changed).unwrap(),
        index: changed.index(),
        at: f.clock.now(),
        by: f.user,
        events: Vec::new(),
    };
    let after = f.store.update(update(1)).await.unwrap();
    assert_eq!(after.meta.version, 2);
    assert_eq!(after.meta.classification, Classification::Restricted);
    assert_eq!(after.meta.created_at, got.meta.created_at);
    assert_eq!(after.meta.updated_at, f.clock.now());

    // A stale version changes nothing.
    match f.store.update(update(1)).await {
        Err(StoreError::Conflict { current }) => assert_eq!(current, 2),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let missing = RecordUpdate {
        id: Uuid::new_v4(),
        ..update(1)
    };
    assert!(matches!(f.store.update(missing).await, Err(StoreError::NotFound)));

    let history = f.store.history(RecordKind::Incident, id).await.unwrap();
    assert_eq!(history.iter().map(|h| h.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(history[0].body["title"], "Shelling of Tykhorichchia");
    assert_eq!(history[0].classification, Classification::Internal);
    assert_eq!(history[1].body["title"], "Shelling of a street in Tykhorichchia");
}

#[tokio::test]
async fn a_failed_batch_stores_nothing() {
    let f = fixture().await;
    let a = f.new_record(f.org, Classification::Internal, &incident("A", "2015", "X", &[]));
    let mut b = f.new_record(f.org, Classification::Internal, &incident("B", "2015", "X", &[]));
    b.meta.id = a.meta.id; // duplicate key fails the whole transaction
    assert!(f.store.insert(vec![a.clone(), b]).await.is_err());
    assert!(matches!(
        f.store.get(RecordKind::Incident, a.meta.id).await,
        Err(StoreError::NotFound)
    ));
    let n = f
        .store
        .count(&f.query(RecordKind::Incident, Viewer::System))
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn filters_find_what_they_should() {
    let f = fixture().await;
    let mut verified = incident(
        "Attack on the clinic",
        "2014-07-17",
        "Oakridge",
        &["attack_on_medical_care", "killing"],
    );
    verified.status = evidentia_model::incident::IncidentStatus::Verified;
    let mut far = incident("Detention at the crossing", "2016", "Far", &["arbitrary_detention"]);
    far.location.lat = Some(10.0);
    far.location.lon = Some(10.0);
    let spanning: Incident = serde_json::from_value(json!({
        "title": "Displacement from the valley",
        "occurred": {"from": "2014-06-30", "to": "2014-08"},
        "categories": ["forced_displacement"],
    }))
    .unwrap();
    let records: Vec<_> = [&verified, &far, &spanning]
        .into_iter()
        .map(|b| f.new_record(f.org, Classification::Internal, b))
        .collect();
    let ids: Vec<Uuid> = records.iter().map(|r| r.meta.id).collect();
    f.store.insert(records).await.unwrap();

    let find = |q: ListQuery| {
        let store = Arc::clone(&f.store);
        async move {
            let mut titles: Vec<String> = store
                .list(&q)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|r| r.body["title"].as_str().unwrap().to_owned())
                .collect();
            titles.sort();
            titles
        }
    };
    let base = f.query(RecordKind::Incident, Viewer::System);

    let q = ListQuery {
        statuses: vec!["verified".into()],
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Attack on the clinic"]);

    let q = ListQuery {
        terms: vec!["category:killing".into(), "category:attack_on_medical_care".into()],
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Attack on the clinic"]);
    let q = ListQuery {
        terms: vec!["category:killing".into(), "category:pillage".into()],
        ..base.clone()
    };
    assert!(find(q).await.is_empty());
    // Terms a record must not have.
    let q = ListQuery {
        without_terms: vec!["category:killing".into()],
        ..base.clone()
    };
    let without = find(q).await;
    assert!(!without.is_empty(), "{without:?}");
    assert!(!without.contains(&"Attack on the clinic".to_owned()), "{without:?}");
    let q = ListQuery {
        terms: vec!["category:killing".into()],
        without_terms: vec!["category:killing".into()],
        ..base.clone()
    };
    assert!(find(q).await.is_empty());

    // July 2014 overlaps the day in July and the span June–August, not 2016.
    let q = ListQuery {
        period: Some((20140701, 20140731)),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Attack on the clinic", "Displacement from the valley"]);
    let q = ListQuery {
        period: Some((20140831, 20150101)),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Displacement from the valley"]);
    let q = ListQuery {
        period: Some((20161231, 20161231)),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Detention at the crossing"]);

    let bbox = BoundingBox {
        min_lat: 46.0,
        min_lon: -35.0,
        max_lat: 48.0,
        max_lon: -30.0,
    };
    let q = ListQuery {
        bbox: Some(bbox),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Attack on the clinic"]);
    let across = BoundingBox {
        min_lat: 0.0,
        min_lon: 170.0,
        max_lat: 20.0,
        max_lon: 11.0,
    };
    let q = ListQuery {
        bbox: Some(across),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Detention at the crossing"]);

    let q = ListQuery {
        text: Some("clinic".into()),
        ..base.clone()
    };
    assert_eq!(find(q).await, ["Attack on the clinic"]);
    let q = ListQuery {
        text: Some("  ".into()),
        ..base.clone()
    };
    assert!(find(q).await.is_empty());

    let q = ListQuery {
        sort: Sort::OccurredAsc,
        ..base.clone()
    };
    let page = f.store.list(&q).await.unwrap();
    let order: Vec<Uuid> = page.items.iter().map(|r| r.meta.id).collect();
    assert_eq!(order, [ids[2], ids[0], ids[1]]);

    let q = ListQuery {
        statuses: vec!["reported".into()],
        ..base.clone()
    };
    assert_eq!(f.store.count(&q).await.unwrap(), 2);
}

#[tokio::test]
async fn month_spans_count_records_by_the_months_their_periods_cover() {
    let f = fixture().await;
    let spanning: Incident = serde_json::from_value(json!({
        "title": "Displacement from the valley",
        "occurred": {"from": "2014-06-30", "to": "2014-08"},
    }))
    .unwrap();
    let bodies = [
        incident("Shelling of the market", "2014-07-17", "Oakridge", &[]),
        incident("Shelling of the depot", "2014-07-02", "Oakridge", &[]),
        incident("Detention at the crossing", "2016", "Far", &[]),
        spanning,
    ];
    let mut records: Vec<_> = bodies
        .iter()
        .map(|b| f.new_record(f.org, Classification::Internal, b))
        .collect();
    // Seen by its own organisation only.
    records.push(f.new_record(
        f.other_org,
        Classification::Restricted,
        &incident("Restricted report", "2014-07-05", "Oakridge", &[]),
    ));
    f.store.insert(records).await.unwrap();

    let spans = |viewer: Viewer, organisation: Uuid| {
        let store = Arc::clone(&f.store);
        let q = ListQuery {
            organisation_id: Some(organisation),
            ..ListQuery::new(Some(RecordKind::Incident), viewer)
        };
        async move {
            let mut s = store.month_spans(&q).await.unwrap();
            s.sort_unstable();
            s
        }
    };
    let investigator = f.staff(Role::Investigator);
    assert_eq!(
        spans(investigator.clone(), f.org).await,
        vec![(201406, 201408, 1), (201407, 201407, 2), (201601, 201612, 1)],
        "two in July 2014 share one row; a year covers its twelve months"
    );
    assert_eq!(
        spans(investigator, f.other_org).await,
        vec![],
        "another organisation's restricted record"
    );
    assert_eq!(spans(Viewer::System, f.other_org).await, vec![(201407, 201407, 1)]);
}

#[tokio::test]
async fn text_search_crosses_scripts() {
    let f = fixture().await;
    let people = [
        ("Олександр", "Коваленко", "Харків"),
        ("Aleksandr", "Kovalenko", "Kharkiv"),
        ("Марія", "Шевченко", "Тихоріччя"),
    ];
    let records: Vec<_> = people
        .iter()
        .map(|(g, fam, res)| {
            let p = Person {
                given_name: Some((*g).into()),
                family_name: Some((*fam).into()),
                residence: Some((*res).into()),
                ..Person::default()
            };
            f.new_record(f.org, Classification::Internal, &p)
        })
        .collect();
    f.store.insert(records).await.unwrap();
    let count = |text: &str| {
        let q = ListQuery {
            text: Some(text.into()),
            ..f.query(RecordKind::Person, Viewer::System)
        };
        let store = Arc::clone(&f.store);
        async move { store.count(&q).await.unwrap() }
    };
    assert_eq!(count("Kharkiv").await, 2);
    assert_eq!(count("Харків").await, 2);
    assert_eq!(count("Oleksandr").await, 2);
    assert_eq!(count("Олександр Kovalenko").await, 2);
    assert_eq!(count("Shevchenko").await, 1);
    assert_eq!(count("Шевч").await, 1, "a word being typed matches by prefix");
    assert_eq!(count("Petrenko").await, 0);
}

#[tokio::test]
async fn lists_show_only_what_the_viewer_may_see() {
    let f = fixture().await;
    let mut public = incident("Public published", "2015", "X", &[]);
    public.published = true;
    let records = vec![
        f.new_record(f.org, Classification::Public, &public),
        f.new_record(
            f.org,
            Classification::Public,
            &incident("Public draft", "2015", "X", &[]),
        ),
        f.new_record(f.org, Classification::Internal, &incident("Internal", "2015", "X", &[])),
        f.new_record(
            f.org,
            Classification::Restricted,
            &incident("Restricted own", "2015", "X", &[]),
        ),
        f.new_record(
            f.org,
            Classification::Confidential,
            &incident("Confidential own", "2015", "X", &[]),
        ),
        f.new_record(
            f.other_org,
            Classification::Restricted,
            &incident("Restricted other", "2015", "X", &[]),
        ),
        f.new_record(
            f.other_org,
            Classification::Confidential,
            &incident("Confidential other", "2015", "X", &[]),
        ),
    ];
    f.store.insert(records).await.unwrap();
    let seen = |viewer: Viewer| {
        let mut q = ListQuery::new(Some(RecordKind::Incident), viewer);
        q.organisation_id = None;
        q.text = None;
        let store = Arc::clone(&f.store);
        let orgs = [f.org, f.other_org];
        async move {
            let page = store
                .list(&ListQuery {
                    limit: 1000,
                    ..q.clone()
                })
                .await
                .unwrap();
            let mut titles: Vec<String> = page
                .items
                .into_iter()
                .filter(|r| orgs.contains(&r.meta.organisation_id))
                .map(|r| r.body["title"].as_str().unwrap().to_owned())
                .collect();
            titles.sort();
            titles
        }
    };
    assert_eq!(seen(Viewer::Public).await, ["Public published"]);
    assert_eq!(
        seen(f.staff(Role::Viewer)).await,
        ["Internal", "Public draft", "Public published", "Restricted own"]
    );
    assert_eq!(
        seen(f.staff(Role::Investigator)).await,
        [
            "Confidential own",
            "Internal",
            "Public draft",
            "Public published",
            "Restricted own"
        ]
    );
    let stranger = Viewer::Staff {
        user_id: f.user,
        memberships: vec![(f.other_org, Role::Viewer)],
    };
    assert_eq!(
        seen(stranger).await,
        ["Internal", "Public draft", "Public published", "Restricted other"]
    );
    let nobody = Viewer::Staff {
        user_id: f.user,
        memberships: vec![],
    };
    assert!(seen(nobody).await.is_empty());
    assert_eq!(seen(Viewer::System).await.len(), 7);
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_or_repeats() {
    let f = fixture().await;
    let records: Vec<_> = (0..25)
        .map(|i| {
            let day = format!("2015-03-{:02}", i % 5 + 1);
            f.new_record(
                f.org,
                Classification::Internal,
                &incident(&format!("Incident {i}"), &day, "X", &[]),
            )
        })
        .collect();
    let mut expected: Vec<Uuid> = records.iter().map(|r| r.meta.id).collect();
    f.store.insert(records).await.unwrap();
    for sort in [
        Sort::CreatedDesc,
        Sort::CreatedAsc,
        Sort::OccurredDesc,
        Sort::OccurredAsc,
        Sort::UpdatedDesc,
    ] {
        let mut q = ListQuery {
            sort,
            limit: 10,
            ..f.query(RecordKind::Incident, Viewer::System)
        };
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = f.store.list(&q).await.unwrap();
            pages += 1;
            seen.extend(page.items.iter().map(|r| r.meta.id));
            match page.next {
                Some(c) => q.after = Some(c),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{sort:?}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 25, "{sort:?}: no gaps, no repeats");
        expected.sort();
        assert_eq!(sorted, expected);
    }
}

#[tokio::test]
async fn links_find_involvements() {
    let f = fixture().await;
    let inc = f.new_record(f.org, Classification::Internal, &incident("A", "2015", "X", &[]));
    let person = Person {
        given_name: Some("Iryna".into()),
        ..Person::default()
    };
    let p = f.new_record(f.org, Classification::Internal, &person);
    let inv = Involvement {
        person_id: p.meta.id,
        incident_id: inc.meta.id,
        role: evidentia_model::person::InvolvementRole::Witness,
        notes: None,
    };
    let i = f.new_record(f.org, Classification::Internal, &inv);
    let (inc_id, p_id, i_id) = (inc.meta.id, p.meta.id, i.meta.id);
    f.store.insert(vec![inc, p, i]).await.unwrap();
    let q = ListQuery {
        links: vec![("incident_id".into(), inc_id)],
        ..f.query(RecordKind::Involvement, Viewer::System)
    };
    let page = f.store.list(&q).await.unwrap();
    assert_eq!(page.items.iter().map(|r| r.meta.id).collect::<Vec<_>>(), [i_id]);
    let q = ListQuery {
        links: vec![("incident_id".into(), p_id)],
        ..q
    };
    assert!(f.store.list(&q).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn users_tokens_and_vocabularies() {
    let f = fixture().await;
    let user = f.store.user(f.user).await.unwrap();
    assert_eq!(f.store.user_by_email(&user.email).await.unwrap().id, f.user);
    assert!(matches!(
        f.store.user_by_email("nobody@example.org").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.create_user(&user, &[]).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(
        f.store.memberships(f.user).await.unwrap(),
        [Membership {
            organisation_id: f.org,
            role: Role::Investigator
        }]
    );
    let secret_hash = format!("{:064x}", Uuid::new_v4().as_u128());
    let token = ApiToken {
        id: Uuid::new_v4(),
        user_id: f.user,
        name: "scripts".into(),
        secret_hash: secret_hash.clone(),
        created_at: f.clock.now(),
        last_used_at: None,
        revoked_at: None,
    };
    f.store.create_token(&token).await.unwrap();
    let (used, who) = f.store.use_token(&secret_hash, f.clock.now()).await.unwrap();
    assert_eq!((used.id, who.id), (token.id, f.user));
    assert_eq!(used.last_used_at, None, "the previous use is returned: there was none");
    assert!(matches!(
        f.store.use_token("0", f.clock.now()).await,
        Err(StoreError::NotFound)
    ));

    let vocabularies = f.store.vocabularies().await.unwrap();
    assert!(vocabularies.contains("incident_category", "killing"));
    assert_eq!(vocabularies, Vocabularies::defaults());

    let orgs = f.store.organisations().await.unwrap();
    assert!(orgs.iter().any(|o| o.id == f.org));
    let dup = Organisation {
        id: Uuid::new_v4(),
        name: orgs[0].name.clone(),
        created_at: f.clock.now(),
    };
    assert!(matches!(
        f.store.create_organisation(&dup).await,
        Err(StoreError::Duplicate(_))
    ));
}

#[tokio::test]
async fn concurrent_writers_and_readers() {
    let f = Arc::new(fixture().await);
    let mut tasks = Vec::new();
    for t in 0..8 {
        let f = Arc::clone(&f);
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let rec = f.new_record(
                    f.org,
                    Classification::Internal,
                    &incident(&format!("T{t} {i}"), "2015", "X", &[]),
                );
                f.store.insert(vec![rec]).await.unwrap();
                f.store
                    .count(&f.query(RecordKind::Incident, Viewer::System))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        f.store
            .count(&f.query(RecordKind::Incident, Viewer::System))
            .await
            .unwrap(),
        80
    );
}

#[tokio::test]
async fn tokens_sessions_second_factors_and_audit() {
    use evidentia_store::{AuditEntry, SecondFactor, Session};
    let f = fixture().await;
    let now = f.clock.now();
    let hash = |n: u128| format!("{:064x}", n ^ f.user.as_u128());
    let token = ApiToken {
        id: Uuid::new_v4(),
        user_id: f.user,
        name: "laptop".into(),
        secret_hash: hash(1),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    f.store.create_token(&token).await.unwrap();
    let (first, _) = f.store.use_token(&token.secret_hash, now).await.unwrap();
    assert_eq!(first.last_used_at, None, "the previous use is returned");
    let (second, _) = f
        .store
        .use_token(&token.secret_hash, now + time::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(second.last_used_at, Some(now));
    let listed = f.store.tokens_of(f.user).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_used_at, Some(now + time::Duration::hours(1)));
    assert!(matches!(
        f.store.revoke_token(Uuid::new_v4(), token.id, now).await,
        Err(StoreError::NotFound)
    ));
    f.store.revoke_token(f.user, token.id, now).await.unwrap();
    assert!(matches!(
        f.store.use_token(&token.secret_hash, now).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(f.store.tokens_of(f.user).await.unwrap()[0].revoked_at, Some(now));

    // Sessions end when they expire, when deleted, and when the user is disabled.
    let session = Session {
        id_hash: hash(2),
        user_id: f.user,
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + time::Duration::hours(8),
        last_seen_at: now,
    };
    f.store.create_session(&session).await.unwrap();
    let (found, user) = f
        .store
        .session(&session.id_hash, now + time::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!((found.csrf_token.as_str(), user.id), ("csrf", f.user));
    assert!(matches!(
        f.store.session(&session.id_hash, now + time::Duration::hours(9)).await,
        Err(StoreError::NotFound)
    ));
    f.store.set_disabled(f.user, true).await.unwrap();
    assert!(matches!(
        f.store.session(&session.id_hash, now).await,
        Err(StoreError::NotFound)
    ));
    f.store.set_disabled(f.user, false).await.unwrap();
    f.store.delete_sessions_of(f.user).await.unwrap();
    assert!(matches!(
        f.store.session(&session.id_hash, now).await,
        Err(StoreError::NotFound)
    ));

    f.store.set_password(f.user, "$argon2id$new").await.unwrap();
    assert_eq!(
        f.store.user(f.user).await.unwrap().password_hash.as_deref(),
        Some("$argon2id$new")
    );
    assert!(f.store.users().await.unwrap().iter().any(|u| u.id == f.user));

    // A TOTP step is accepted once; a recovery code is used once.
    assert_eq!(f.store.second_factor(f.user).await.unwrap(), None);
    let factor = SecondFactor {
        totp_secret: "JBSWY3DPEHPK3PXP".into(),
        enabled: true,
        last_step: 10,
        recovery_hashes: vec![hash(3), hash(4)],
    };
    f.store.put_second_factor(f.user, Some(&factor)).await.unwrap();
    assert_eq!(f.store.second_factor(f.user).await.unwrap(), Some(factor.clone()));
    assert!(!f.store.advance_totp_step(f.user, 10).await.unwrap());
    assert!(f.store.advance_totp_step(f.user, 11).await.unwrap());
    assert!(!f.store.advance_totp_step(f.user, 11).await.unwrap());
    assert!(f.store.consume_recovery_code(f.user, &hash(3)).await.unwrap());
    assert!(!f.store.consume_recovery_code(f.user, &hash(3)).await.unwrap());
    assert_eq!(
        f.store.second_factor(f.user).await.unwrap().unwrap().recovery_hashes,
        [hash(4)]
    );
    f.store.put_second_factor(f.user, None).await.unwrap();
    assert_eq!(f.store.second_factor(f.user).await.unwrap(), None);

    let entry = |action: &str| AuditEntry {
        seq: 0,
        at: now,
        actor: Some(f.user),
        action: action.into(),
        target: Some(format!("user:{}", f.user)),
        address: Some("127.0.0.1".into()),
        detail: serde_json::json!({"test": f.org}),
    };
    let a = f.store.append_audit(&entry("sign_in")).await.unwrap();
    let b = f.store.append_audit(&entry("sign_out")).await.unwrap();
    assert!(b > a);
    let mine: Vec<AuditEntry> = f
        .store
        .audit(1000, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.detail["test"] == serde_json::json!(f.org))
        .collect();
    assert_eq!(
        mine.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["sign_out", "sign_in"]
    );
    assert_eq!(mine[0].seq, b);
    let older = f.store.audit(1000, Some(b)).await.unwrap();
    assert!(older.iter().all(|e| e.seq < b));
}

// The tamper-evident log. The log is shared by every test of a PostgreSQL run, so these tests
// assert on the leaves naming their own records and on deltas, never on absolute sizes.

/// Every leaf in `[from, to)`, in order.
async fn leaves_between(store: &dyn Store, from: u64, to: u64) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut next = from;
    while next < to {
        let page = store.log_leaves(next, 1000).await.unwrap();
        assert!(!page.is_empty(), "no leaves from {next} though the log holds {to}");
        for (index, data) in page {
            if index >= to {
                break;
            }
            assert_eq!(index, next, "the log has a gap");
            out.push((index, data));
            next += 1;
        }
    }
    out
}

fn event_of(data: &[u8]) -> evidentia_log::Event {
    evidentia_log::Event::from_leaf_data(data).unwrap()
}

async fn current_hash(store: &dyn Store, kind: RecordKind, id: Uuid) -> String {
    let rec = store.get(kind, id).await.unwrap();
    evidentia_log::event::content_hash(&evidentia_store::record_content(rec.kind, &rec.meta, &rec.body)).unwrap()
}

async fn assert_included(store: &dyn Store, index: u64, data: &[u8], size: u64) {
    let root = store.log_root(size).await.unwrap();
    let proof = store.inclusion_proof(index, size).await.unwrap();
    evidentia_log::merkle::verify_inclusion(&evidentia_log::merkle::leaf_hash(data), index, size, &proof, &root)
        .unwrap();
}

#[tokio::test]
async fn every_write_appends_one_event_naming_its_content() {
    use evidentia_log::EventKind;
    use evidentia_store::AuditEntry;
    let f = fixture().await;
    let before = f.store.log_size().await.unwrap();
    let recs: Vec<_> = (0..3)
        .map(|i| {
            f.new_record(
                f.org,
                Classification::Internal,
                &incident(&format!("L{i}"), "2016", "X", &[]),
            )
        })
        .collect();
    let ids: Vec<Uuid> = recs.iter().map(|r| r.meta.id).collect();
    f.store.insert(recs).await.unwrap();
    let created_hash = current_hash(f.store.as_ref(), RecordKind::Incident, ids[0]).await;
    let (first_index, first_data) = f.store.latest_event_for(ids[0]).await.unwrap().unwrap();
    let first = event_of(&first_data);
    assert_eq!(first.kind, EventKind::RecordCreated);
    assert_eq!(first.record_kind.as_deref(), Some("incident"));
    assert_eq!(first.content_hash.as_deref(), Some(created_hash.as_str()));
    assert_eq!(first.previous_hash, None);
    assert_eq!(first.by, Some(f.user.to_string()));

    let mut hashes = vec![created_hash];
    for (version, title) in [(1, "L0 changed"), (2, "L0 changed again")] {
        f.clock.advance(time::Duration::minutes(1));
        let body = incident(title, "2016", "X", &[]);
        f.store
            .update(RecordUpdate {
                kind: RecordKind::Incident,
                id: ids[0],
                expected_version: version,
                classification: Classification::Internal,
                body: serde_json::to_value(&body).unwrap(),
                index: body.index(),
                at: f.clock.now(),
                by: f.user,
                events: Vec::new(),
            })
            .await
            .unwrap();
        hashes.push(current_hash(f.store.as_ref(), RecordKind::Incident, ids[0]).await);
    }
    let target = format!("incident:{}", ids[1]);
    f.store
        .append_audit(&AuditEntry {
            seq: 0,
            at: f.clock.now(),
            actor: Some(f.user),
            action: "record_read".into(),
            target: Some(target.clone()),
            address: Some("203.0.113.7".into()),
            detail: json!({"note": "personal detail stays out of the log"}),
        })
        .await
        .unwrap();
    let after = f.store.log_size().await.unwrap();
    assert!(after >= before + 6);

    // Exactly one leaf per write of ours, in order, chaining the versions of the changed record.
    let leaves = leaves_between(f.store.as_ref(), before, after).await;
    let ours: Vec<_> = leaves
        .iter()
        .map(|(i, data)| (*i, event_of(data), data))
        .filter(|(_, e, _)| {
            e.record_id
                .as_deref()
                .is_some_and(|id| ids.iter().any(|x| x.to_string() == id))
                || e.detail.get("target").and_then(|t| t.as_str()) == Some(target.as_str())
        })
        .collect();
    assert_eq!(ours.len(), 6);
    assert_eq!(ours[0].0, first_index);
    let of_first: Vec<_> = ours
        .iter()
        .filter(|(_, e, _)| e.record_id == Some(ids[0].to_string()))
        .collect();
    assert_eq!(
        of_first.iter().map(|(_, e, _)| e.kind).collect::<Vec<_>>(),
        [
            EventKind::RecordCreated,
            EventKind::RecordChanged,
            EventKind::RecordChanged
        ]
    );
    for (n, (_, e, _)) in of_first.iter().enumerate() {
        assert_eq!(e.content_hash.as_ref(), Some(&hashes[n]));
        assert_eq!(e.previous_hash.as_ref(), n.checked_sub(1).map(|p| &hashes[p]));
    }
    let audit: Vec<_> = ours.iter().filter(|(_, e, _)| e.kind == EventKind::Audit).collect();
    assert_eq!(audit.len(), 1);
    let audit_text = String::from_utf8(audit[0].2.clone()).unwrap();
    assert!(!audit_text.contains("203.0.113.7") && !audit_text.contains("personal"));
    assert_eq!(audit[0].1.by, Some(f.user.to_string()));

    // The latest event of each record names its current content, and every leaf is in the log.
    for id in &ids {
        let (index, data) = f.store.latest_event_for(*id).await.unwrap().unwrap();
        assert_eq!(
            event_of(&data).content_hash.unwrap(),
            current_hash(f.store.as_ref(), RecordKind::Incident, *id).await
        );
        assert_included(f.store.as_ref(), index, &data, after).await;
    }
    for (index, _, data) in &ours {
        assert_included(f.store.as_ref(), *index, data, after).await;
    }
    assert!(f.store.latest_event_for(Uuid::new_v4()).await.unwrap().is_none());
}

#[tokio::test]
async fn roots_and_proofs_match_the_tree_rebuilt_from_the_leaves() {
    use evidentia_log::merkle::{leaf_hash, root_from_leaves, verify_consistency, verify_inclusion};
    let f = fixture().await;
    let recs: Vec<_> = (0..9)
        .map(|i| {
            f.new_record(
                f.org,
                Classification::Internal,
                &incident(&format!("R{i}"), "2017", "X", &[]),
            )
        })
        .collect();
    f.store.insert(recs).await.unwrap();
    let size = f.store.log_size().await.unwrap();
    let hashes: Vec<_> = leaves_between(f.store.as_ref(), 0, size)
        .await
        .iter()
        .map(|(_, data)| leaf_hash(data))
        .collect();
    let sizes: Vec<u64> = [1, 2, 3, size / 3, size / 2, size - 1, size]
        .into_iter()
        .filter(|s| (1..=size).contains(s))
        .collect();
    for &n in &sizes {
        let root = f.store.log_root(n).await.unwrap();
        assert_eq!(root, root_from_leaves(&hashes[..n as usize]), "root of {n}");
        for index in [0, n / 2, n - 1] {
            let proof = f.store.inclusion_proof(index, n).await.unwrap();
            verify_inclusion(&hashes[index as usize], index, n, &proof, &root).unwrap();
        }
        for &m in sizes.iter().filter(|&&m| m >= n) {
            let proof = f.store.consistency_proof(n, m).await.unwrap();
            let new_root = f.store.log_root(m).await.unwrap();
            verify_consistency(n, m, &root, &new_root, &proof).unwrap();
        }
    }
    // Far beyond the log (concurrent tests may add a few leaves, never a million).
    let beyond = size + 1_000_000;
    assert!(matches!(f.store.log_root(beyond).await, Err(StoreError::Invalid(_))));
    assert!(matches!(
        f.store.inclusion_proof(0, beyond).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.inclusion_proof(size, size).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.consistency_proof(1, beyond).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.consistency_proof(size, 1).await,
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn a_failed_write_appends_nothing() {
    let f = fixture().await;
    let before = f.store.log_size().await.unwrap();
    let a = f.new_record(f.org, Classification::Internal, &incident("A", "2015", "X", &[]));
    let mut b = f.new_record(f.org, Classification::Internal, &incident("B", "2015", "X", &[]));
    b.meta.id = a.meta.id;
    assert!(f.store.insert(vec![a.clone(), b]).await.is_err());
    assert!(f.store.latest_event_for(a.meta.id).await.unwrap().is_none());

    // A stale update appends nothing either.
    let c = f.new_record(f.org, Classification::Internal, &incident("C", "2015", "X", &[]));
    f.store.insert(vec![c.clone()]).await.unwrap();
    let latest = f.store.latest_event_for(c.meta.id).await.unwrap();
    let body = incident("C2", "2015", "X", &[]);
    let stale = RecordUpdate {
        kind: RecordKind::Incident,
        id: c.meta.id,
        expected_version: 7,
        classification: Classification::Internal,
        body: serde_json::to_value(&body).unwrap(),
        index: body.index(),
        at: f.clock.now(),
        by: f.user,
        events: Vec::new(),
    };
    assert!(matches!(f.store.update(stale).await, Err(StoreError::Conflict { .. })));
    assert_eq!(f.store.latest_event_for(c.meta.id).await.unwrap(), latest);

    let after = f.store.log_size().await.unwrap();
    let named: Vec<_> = leaves_between(f.store.as_ref(), before, after)
        .await
        .into_iter()
        .map(|(_, data)| event_of(&data).record_id)
        .filter(|id| *id == Some(a.meta.id.to_string()) || *id == Some(c.meta.id.to_string()))
        .collect();
    assert_eq!(named, [Some(c.meta.id.to_string())]);
}

#[tokio::test]
async fn write_all_inserts_and_changes_together_or_not_at_all() {
    let f = fixture().await;
    let existing = f.new_record(f.org, Classification::Internal, &incident("Before", "2015", "X", &[]));
    f.store.insert(vec![existing.clone()]).await.unwrap();
    let change = |expected_version: i64, title: &str| {
        let body = incident(title, "2015", "X", &[]);
        RecordUpdate {
            kind: RecordKind::Incident,
            id: existing.meta.id,
            expected_version,
            classification: Classification::Internal,
            body: serde_json::to_value(&body).unwrap(),
            index: body.index(),
            at: f.clock.now(),
            by: f.user,
            events: Vec::new(),
        }
    };
    // A stale change fails the whole write: the new record is not stored, nothing is logged.
    let refused = f.new_record(f.org, Classification::Internal, &incident("Refused", "2015", "X", &[]));
    let latest = f.store.latest_event_for(existing.meta.id).await.unwrap();
    let result = f.store.write_all(vec![refused.clone()], vec![change(9, "Stale")]).await;
    assert!(matches!(result, Err(StoreError::Conflict { .. })), "{result:?}");
    assert!(matches!(
        f.store.get(RecordKind::Incident, refused.meta.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(f.store.latest_event_for(refused.meta.id).await.unwrap().is_none());
    assert_eq!(f.store.latest_event_for(existing.meta.id).await.unwrap(), latest);
    assert_eq!(
        f.store
            .get(RecordKind::Incident, existing.meta.id)
            .await
            .unwrap()
            .meta
            .version,
        1
    );
    // Up to date: both land, each with its log entry, and the changed record is answered.
    let added = f.new_record(f.org, Classification::Internal, &incident("Added", "2015", "X", &[]));
    let changed = f
        .store
        .write_all(vec![added.clone()], vec![change(1, "After")])
        .await
        .unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].meta.id, changed[0].meta.version), (existing.meta.id, 2));
    assert_eq!(changed[0].body["title"], "After");
    assert_eq!(
        f.store.get(RecordKind::Incident, added.meta.id).await.unwrap().body["title"],
        "Added"
    );
    assert!(f.store.latest_event_for(added.meta.id).await.unwrap().is_some());
    assert_ne!(f.store.latest_event_for(existing.meta.id).await.unwrap(), latest);
}

#[tokio::test]
async fn concurrent_writers_keep_the_log_gapless() {
    use evidentia_log::merkle::{leaf_hash, root_from_leaves};
    let f = Arc::new(fixture().await);
    let mut tasks = Vec::new();
    for t in 0..8 {
        let f = Arc::clone(&f);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..10 {
                let body = incident(&format!("W{t} {i}"), "2015", "X", &[]);
                let rec = f.new_record(f.org, Classification::Internal, &body);
                ids.push(rec.meta.id);
                f.store.insert(vec![rec]).await.unwrap();
                if i % 3 == 0 {
                    f.store
                        .update(RecordUpdate {
                            kind: RecordKind::Incident,
                            id: ids[i],
                            expected_version: 1,
                            classification: Classification::Restricted,
                            body: serde_json::to_value(&body).unwrap(),
                            index: body.index(),
                            at: f.clock.now(),
                            by: f.user,
                            events: Vec::new(),
                        })
                        .await
                        .unwrap();
                }
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    let size = f.store.log_size().await.unwrap();
    let leaves = leaves_between(f.store.as_ref(), 0, size).await; // asserts there is no gap
    let hashes: Vec<_> = leaves.iter().map(|(_, data)| leaf_hash(data)).collect();
    assert_eq!(f.store.log_root(size).await.unwrap(), root_from_leaves(&hashes));
    let ours: std::collections::HashSet<String> = ids.iter().map(Uuid::to_string).collect();
    let mine = leaves
        .iter()
        .filter(|(_, data)| event_of(data).record_id.is_some_and(|id| ours.contains(&id)))
        .count();
    assert_eq!(mine, 80 + 8 * 4);
    for id in &ids {
        let (_, data) = f.store.latest_event_for(*id).await.unwrap().unwrap();
        assert_eq!(
            event_of(&data).content_hash.unwrap(),
            current_hash(f.store.as_ref(), RecordKind::Incident, *id).await
        );
    }
}

#[tokio::test]
async fn events_are_appended_as_given_and_the_latest_entry_of_a_record_records_its_content() {
    use evidentia_log::{Event, EventKind};
    let f = fixture().await;
    let rec = f.new_record(f.org, Classification::Internal, &incident("E", "2015", "X", &[]));
    f.store.insert(vec![rec.clone()]).await.unwrap();
    let mut custody = Event::new(EventKind::Custody, "2024-05-01T10:00:00Z");
    custody.record_id = Some(rec.meta.id.to_string());
    custody.detail = json!({"from": "field team", "to": "lab"});
    let export = Event::new(EventKind::Export, "2024-05-01T10:05:00Z");
    let first = f.store.append_events(&[custody.clone(), export.clone()]).await.unwrap();
    // An event naming a record does not hide the entry that recorded the record's content.
    let (index, data) = f.store.latest_event_for(rec.meta.id).await.unwrap().unwrap();
    assert!(index < first);
    assert_eq!(Event::from_leaf_data(&data).unwrap().kind, EventKind::RecordCreated);
    let page = f.store.log_leaves(first, 2).await.unwrap();
    assert_eq!(page[0], (first, custody.to_leaf_data().unwrap()));
    assert_eq!(page[1], (first + 1, export.to_leaf_data().unwrap()));
    let bad = Event::new(EventKind::Custody, "yesterday");
    let size = f.store.log_size().await.unwrap();
    assert!(matches!(
        f.store.append_events(&[bad]).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(f.store.log_size().await.unwrap() >= size);
}

#[tokio::test]
async fn checkpoints_only_go_forward() {
    let f = fixture().await;
    let recs: Vec<_> = (0..2)
        .map(|i| {
            f.new_record(
                f.org,
                Classification::Internal,
                &incident(&format!("C{i}"), "2015", "X", &[]),
            )
        })
        .collect();
    f.store.insert(recs).await.unwrap();
    // No checkpoint can be beyond the log, so the log is now at least two past the latest.
    let n = f.store.log_size().await.unwrap();
    let at = f.clock.now();
    let first = format!("checkpoint {n} minus one");
    f.store.put_checkpoint(n - 1, &first, at).await.unwrap();
    f.store.put_checkpoint(n - 1, &first, at).await.unwrap(); // the same again: nothing to do
    assert!(matches!(
        f.store.put_checkpoint(n - 1, "another note", at).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.put_checkpoint(n - 2, "older", at).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.put_checkpoint(n + 1_000_000, "beyond", at).await,
        Err(StoreError::Invalid(_))
    ));
    let second = format!("checkpoint {n}");
    f.store.put_checkpoint(n, &second, at).await.unwrap();
    assert_eq!(f.store.latest_checkpoint().await.unwrap(), Some((n, second.clone())));
    let all = f.store.checkpoints().await.unwrap();
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(&all[all.len() - 2..], &[(n - 1, first), (n, second)]);
}

#[tokio::test]
async fn bulk_inserts_log_every_record() {
    let f = fixture().await;
    let batch = |n: usize| -> Vec<NewRecord> {
        (0..n)
            .map(|i| {
                f.new_record(
                    f.org,
                    Classification::Internal,
                    &incident(&format!("B{i}"), "2018", "X", &[]),
                )
            })
            .collect()
    };
    // A failed bulk load appends nothing.
    let mut failing = batch(600);
    failing[599].meta.id = failing[0].meta.id;
    assert!(f.store.insert(failing.clone()).await.is_err());
    for r in &failing {
        assert!(f.store.latest_event_for(r.meta.id).await.unwrap().is_none());
    }

    let before = f.store.log_size().await.unwrap();
    let records = batch(600);
    f.store.insert(records.clone()).await.unwrap();
    let after = f.store.log_size().await.unwrap();
    let mut indexes = Vec::new();
    for r in &records {
        let (index, data) = f.store.latest_event_for(r.meta.id).await.unwrap().unwrap();
        assert!((before..after).contains(&index));
        assert_eq!(
            event_of(&data).content_hash.unwrap(),
            current_hash(f.store.as_ref(), RecordKind::Incident, r.meta.id).await
        );
        indexes.push(index);
    }
    // In the order given, one leaf each.
    assert!(indexes.windows(2).all(|w| w[0] < w[1]));
    assert_included(
        f.store.as_ref(),
        indexes[599],
        &f.store.log_leaves(indexes[599], 1).await.unwrap()[0].1,
        after,
    )
    .await;
}
