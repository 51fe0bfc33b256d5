//! Loading the fictional demo data set into a store.

use anyhow::anyhow;
use evidentia_demo::{DemoData, DemoRecord, DemoSizes};
use evidentia_model::{Clock, Meta, RecordBody, Role};
use evidentia_store::{NewRecord, Organisation, Store};
use uuid::Uuid;

use crate::cli::Failure;

/// The demo administrator's sign-in. The demo serves fictional data on the local machine only;
/// a fixed password keeps the README's instructions true.
pub const ADMIN_EMAIL: &str = "admin@demo.invalid";
pub const DEMO_PASSWORD: &str = "demo-password-2014";

pub struct DemoAdmin {
    pub email: String,
    pub password: String,
}

const BATCH: usize = 5_000;

fn to_new<B: RecordBody>(r: &DemoRecord<B>, orgs: &[Uuid], author: &[Uuid]) -> Result<NewRecord, Failure> {
    let organisation_id = *orgs
        .get(r.organisation)
        .ok_or_else(|| anyhow!("demo record without organisation"))?;
    let by = author.get(r.organisation).copied().unwrap_or_default();
    Ok(NewRecord {
        kind: B::KIND,
        meta: Meta {
            id: r.id,
            organisation_id,
            classification: r.classification,
            created_at: r.created_at,
            created_by: by,
            updated_at: r.created_at,
            updated_by: by,
            version: 1,
        },
        body: serde_json::to_value(&r.body).map_err(|e| anyhow!("demo record: {e}"))?,
        index: r.body.index(),
    })
}

/// Creates the demo data set unless the store already holds organisations; returns the
/// administrator to print either way.
pub async fn ensure_demo(store: &dyn Store, clock: &dyn Clock) -> Result<DemoAdmin, Failure> {
    let admin = DemoAdmin {
        email: ADMIN_EMAIL.into(),
        password: DEMO_PASSWORD.into(),
    };
    if !store.organisations().await?.is_empty() {
        if store.user_by_email(ADMIN_EMAIL).await.is_err() {
            return Err(Failure::input(anyhow!(
                "the data directory holds data that is not the demo data set: use an empty directory for the demo"
            )));
        }
        return Ok(admin);
    }
    let data = evidentia_demo::generate(evidentia_demo::DEFAULT_SEED, &DemoSizes::default());
    load(store, clock, &data).await?;
    Ok(admin)
}

async fn load(store: &dyn Store, clock: &dyn Clock, data: &DemoData) -> Result<(), Failure> {
    let mut orgs = Vec::new();
    let mut investigators = Vec::new();
    for (i, name) in data.organisations.iter().enumerate() {
        let org = Organisation {
            id: clock.new_id(),
            name: (*name).to_owned(),
            created_at: clock.now(),
        };
        store.create_organisation(&org).await?;
        if i == 0 {
            // Internal records: one set serves every organisation of the deployment.
            crate::accounts::create_default_recipients(store, clock, org.id).await?;
        }
        orgs.push(org.id);
        let slug = format!("org{}", i + 1);
        for role in Role::ALL {
            let email = if i == 0 && role == Role::Admin {
                ADMIN_EMAIL.to_owned()
            } else {
                format!("{}.{slug}@demo.invalid", role.as_str())
            };
            let user = crate::accounts::create_user(
                store,
                clock,
                &email,
                role.as_str(),
                Some(name),
                Some(&format!("Demo {} ({})", role.as_str(), name)),
                DEMO_PASSWORD,
            )
            .await?;
            if role == Role::Investigator {
                investigators.push(user.id);
            }
        }
    }
    let search = evidentia_demo::search_for_missing(data);
    let total = data.incidents.len() + data.persons.len() + data.involvements.len();
    let bar = indicatif::ProgressBar::new(total as u64).with_message("demo records");
    let mut records = Vec::with_capacity(total);
    for r in &data.incidents {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for r in &data.persons {
        if Some(r.id) == search.identified {
            // Identified among the remains: recorded killed, as an identification records it.
            let mut identified = r.clone();
            identified.body.status = evidentia_model::person::PersonStatus::Killed;
            records.push(to_new(&identified, &orgs, &investigators)?);
        } else {
            records.push(to_new(r, &orgs, &investigators)?);
        }
    }
    for r in &data.involvements {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for r in &search.grave_sites {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for r in &search.exhumations {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for r in &search.remains {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for r in &search.missing_cases {
        records.push(to_new(r, &orgs, &investigators)?);
    }
    for chunk in records.chunks(BATCH) {
        store.insert(chunk.to_vec()).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    eprintln!(
        "created {} incidents, {} persons, {} involvements, {} missing-person cases, {} grave sites and {} remains (fictional)",
        data.incidents.len(),
        data.persons.len(),
        data.involvements.len(),
        search.missing_cases.len(),
        search.grave_sites.len(),
        search.remains.len(),
    );
    Ok(())
}
