//! `create` end to end against the simulator: every preset, the critical path, consent, resume.

mod common;

use appreg::audience::Audience;
use appreg::journal::{Journal, SecretState};
use appreg::progress::Event;
use appreg::run::{self, ConsentStatus};
use appreg::sim::SimConfig;
use common::*;

#[tokio::test]
async fn every_profile_creates_one_complete_app() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim);
    for profile_id in PROFILES {
        let name = format!("Acme {profile_id}");
        let plan = plan(profile_id, &name, true);
        let mut journal = Journal::in_memory();
        let (reporter, _events) = reporter();
        let outcome = execute(&client, &plan, &mut journal, &reporter)
            .await
            .unwrap_or_else(|e| panic!("{profile_id}: {e}"));
        assert!(outcome.secret.value.len() >= 30);
        let key_id = outcome.secret.key_id.clone();
        outcome.secret.handed_over(&mut journal).unwrap();

        let apps = apps_named(&sim, &name);
        assert_eq!(apps.len(), 1, "{profile_id}: exactly one app");
        let app = &apps[0];
        assert_eq!(app.app_id, outcome.app_id);
        assert_eq!(app.sign_in_audience, plan.spec.audience.as_graph());
        assert_eq!(app.web_redirect_uris, plan.spec.redirect_uris);
        assert_eq!(
            app.password_credentials.len(),
            1,
            "{profile_id}: one secret"
        );
        assert_eq!(app.password_credentials[0].key_id, key_id);
        if plan.spec.audience == Audience::AzureADandPersonalMicrosoftAccount {
            assert_eq!(app.document["api"]["requestedAccessTokenVersion"], 2);
        }
        let implicit = &app.document["web"]["implicitGrantSettings"];
        assert_eq!(
            implicit["enableAccessTokenIssuance"],
            plan.spec.implicit_grant.access_tokens
        );
        assert_eq!(
            implicit["enableIdTokenIssuance"],
            plan.spec.implicit_grant.id_tokens
        );

        let snapshot = sim.snapshot();
        let home = snapshot.home().unwrap();
        let sp: Vec<_> = home
            .service_principals
            .iter()
            .filter(|sp| sp.app_id == outcome.app_id)
            .collect();
        assert_eq!(sp.len(), 1, "{profile_id}: one service principal");
        let grants: Vec<_> = home
            .grants
            .iter()
            .filter(|g| g.client_id == sp[0].id)
            .collect();
        assert_eq!(
            grants.len(),
            plan.spec.resources().len(),
            "{profile_id}: a grant per resource"
        );
        for c in &outcome.consent {
            assert_eq!(c.status, ConsentStatus::Granted, "{profile_id}: {c:?}");
        }
    }
}

#[tokio::test]
async fn create_with_admin_consent_takes_four_sequential_round_trips() {
    // With latency, requests sent together overlap at the server, as they do at Graph.
    let latency = appreg::sim::Latency::fixed(std::time::Duration::from_millis(25));
    let sim = sim(SimConfig {
        latency,
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    for profile_id in PROFILES {
        sim.clear_log();
        let plan = plan(profile_id, &format!("Path {profile_id}"), true);
        let (reporter, _events) = reporter();
        execute(&client, &plan, &mut Journal::in_memory(), &reporter)
            .await
            .unwrap();
        assert!(
            sim.critical_path() <= 4,
            "{profile_id}: {} round trips: {:#?}",
            sim.critical_path(),
            sim.requests()
        );
    }
}

#[tokio::test]
async fn replication_lag_is_waited_out_and_reported() {
    let sim = sim(SimConfig {
        replication_delay: std::time::Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let plan = plan("nylas-v3", "Lagging", true);
    let (reporter, mut events) = reporter();
    let outcome = execute(&client, &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap();
    let events = drain(&mut events);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Retrying { reason, .. } if reason.contains("replication"))),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Retrying { reason, .. }
            if reason.contains("the new app to replicate") && reason.contains("403"))),
        "the early 403 for the service principal is waited out too: {events:#?}"
    );
    assert_eq!(apps_named(&sim, "Lagging").len(), 1);
    assert!(
        outcome
            .consent
            .iter()
            .all(|c| c.status == ConsentStatus::Granted)
    );
}

#[tokio::test]
async fn a_user_who_is_not_admin_gets_the_app_and_a_reason_for_no_consent() {
    let sim = sim(SimConfig {
        admin: false,
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let plan = plan("nylas-v2", "Not admin", true);
    let (reporter, _events) = reporter();
    let outcome = execute(&client, &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap();
    assert_eq!(outcome.consent.len(), 2);
    for c in &outcome.consent {
        assert!(
            matches!(&c.status, ConsentStatus::Skipped(r) if r.contains("administrator")),
            "{c:?}"
        );
    }
}

#[tokio::test]
async fn a_user_who_may_not_register_apps_is_told_which_role_is_needed() {
    let sim = sim(SimConfig {
        can_create_apps: false,
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let plan = plan("nango", "Denied", false);
    let (reporter, _events) = reporter();
    let error = execute(&client, &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("Application Developer"),
        "{error}"
    );
    assert_eq!(error.code(), Some("Authorization_RequestDenied"));
    assert!(error.request_id().is_some());
    assert!(apps_named(&sim, "Denied").is_empty());
}

#[tokio::test]
async fn a_secret_lifetime_policy_names_the_cap_and_a_shorter_retry_reuses_the_app() {
    let sim = sim(SimConfig {
        secret_lifetime_cap_months: Some(6),
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let mut plan = plan("nylas-v3", "Capped", false);
    let mut journal = Journal::in_memory();
    let (reporter, _events) = reporter();
    let error = execute(&client, &plan, &mut journal, &reporter)
        .await
        .unwrap_err();
    assert!(
        matches!(error, run::RunError::SecretLifetime { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("shorter lifetime"), "{error}");
    assert_eq!(journal.entry().secret, SecretState::None);

    plan.spec.secret.lifetime = appreg::plan::SecretLifetime::Months(5);
    let outcome = execute(&client, &plan, &mut journal, &reporter)
        .await
        .unwrap();
    let apps = apps_named(&sim, "Capped");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].id, outcome.object_id);
    assert_eq!(apps[0].password_credentials.len(), 1);
}

#[tokio::test]
async fn a_journal_on_disk_resumes_and_never_stores_secrets_or_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim);
    let plan = plan("nylas-v3", "Journaled", true);
    let mut journal =
        Journal::open(dir.path(), None, &plan.display_name, &plan.profile_id).unwrap();
    let (reporter, _events) = reporter();
    let outcome = execute(&client, &plan, &mut journal, &reporter)
        .await
        .unwrap();
    let text = std::fs::read_to_string(journal.path().unwrap()).unwrap();
    assert!(text.contains(&outcome.object_id));
    assert!(
        !text.contains(outcome.secret.value.expose()),
        "the journal holds the secret"
    );
    assert!(!text.contains(TEST_TOKEN), "the journal holds the token");
    assert!(matches!(journal.entry().secret, SecretState::Issued { .. }));

    // The process "dies" before the hand-over (its journal's lock goes with it): a re-run
    // removes that secret and makes a new one.
    drop(journal);
    let mut again = Journal::open(dir.path(), None, &plan.display_name, &plan.profile_id).unwrap();
    assert!(again.is_resume());
    let second = execute(&client, &plan, &mut again, &reporter)
        .await
        .unwrap();
    assert_eq!(second.object_id, outcome.object_id);
    let apps = apps_named(&sim, "Journaled");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].password_credentials.len(), 1);
    assert_eq!(apps[0].password_credentials[0].key_id, second.secret.key_id);
    second.secret.handed_over(&mut again).unwrap();
    assert!(again.entry().completed);
}

#[tokio::test]
async fn a_permission_the_tenant_does_not_offer_stops_the_run_before_any_write() {
    let sim = sim(SimConfig::default()).await;
    let mut plan = plan("nylas-v3", "Unoffered", false);
    // As if the offline catalog knew a scope this tenant's Microsoft Graph does not list.
    let stale = plan
        .spec
        .permissions
        .iter_mut()
        .find(|p| p.permission.name == "Mail.Read")
        .unwrap();
    stale.permission.id = "00000000-0000-4000-8000-00000000dead".into();
    let error = stopped_before_any_write(&sim, &plan).await;
    assert!(
        matches!(error, run::RunError::NotOffered { ref permission, .. } if permission == "Mail.Read"),
        "{error}"
    );
    assert!(apps_named(&sim, "Unoffered").is_empty());
}

/// Runs `plan`, which must stop before anything is written, and returns why it stopped.
async fn stopped_before_any_write(
    sim: &appreg::sim::SimHandle,
    plan: &appreg::plan::Plan,
) -> run::RunError {
    let (reporter, _events) = reporter();
    let error = execute(&client(sim), plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap_err();
    assert!(error.to_string().starts_with("nothing was sent"), "{error}");
    assert!(
        sim.requests().iter().all(|r| r.method == "GET"),
        "only reads went out"
    );
    error
}

#[tokio::test]
async fn a_rerun_after_consent_meets_graphs_refusals_of_repeats_and_finishes() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim);
    let profile = appreg::profile::find("custom").unwrap();
    let choices = appreg::plan::Choices {
        display_name: "Daemon and user".into(),
        extra_permissions: vec!["role:Mail.Read".into()],
        admin_consent: true,
        ..Default::default()
    };
    let (plan, _) =
        appreg::plan::from_profile(&profile, &appreg::catalog::Catalog::offline(), &choices)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let open = || Journal::open(dir.path(), None, &plan.display_name, &plan.profile_id).unwrap();
    let (reporter, _events) = reporter();
    let first = execute(&client, &plan, &mut open(), &reporter)
        .await
        .unwrap();

    // The process died before the hand-over: the service principal, its grant and its role
    // assignment are there, and Graph refuses each repeat (409, then 400 Request_BadRequest).
    sim.clear_log();
    let second = execute(&client, &plan, &mut open(), &reporter)
        .await
        .unwrap();
    assert_eq!(second.service_principal_id, first.service_principal_id);
    for c in &second.consent {
        assert_eq!(c.status, ConsentStatus::Granted, "{c:?}");
    }
    let refused: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| matches!(r.status, Some(400 | 409)))
        .map(|r| (r.status, r.path))
        .collect();
    assert!(
        refused
            .iter()
            .any(|(_, p)| p.ends_with("/appRoleAssignments")),
        "the repeat was refused as Graph does: {refused:?}"
    );

    let home = sim.snapshot();
    let home = home.home().unwrap();
    assert_eq!(
        home.grants
            .iter()
            .filter(|g| g.client_id == second.service_principal_id)
            .count(),
        1
    );
    let call = appreg::graph::Call::new(
        appreg::graph::Method::Get,
        format!(
            "/servicePrincipals/{}/appRoleAssignments",
            second.service_principal_id
        ),
    );
    let assignments: serde_json::Value = client.send_json(&call, &()).await.unwrap();
    assert_eq!(assignments["value"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_token_for_another_tenant_than_the_one_asked_stops_before_any_write() {
    let sim = sim(SimConfig::default()).await;
    let mut plan = plan("nylas-v3", "Elsewhere", false);
    plan.tenant = Some("fabrikam.onmicrosoft.com".into());
    let error = stopped_before_any_write(&sim, &plan).await;
    assert!(
        matches!(error, run::RunError::WrongTenant { ref asked, .. } if asked == "fabrikam.onmicrosoft.com"),
        "{error}"
    );

    // Named by its id, the signed-in tenant is the one asked.
    plan.tenant = Some(appreg::sim::DEMO_TENANT_ID.to_uppercase());
    let (reporter, _events) = reporter();
    execute(&client(&sim), &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_graph_url_without_its_version_is_named_as_the_cause() {
    let sim = sim(SimConfig::default()).await;
    let graph_url = sim.graph_url();
    let base = graph_url.trim_end_matches("/v1.0");
    let endpoints = appreg::cloud::Cloud::Global
        .endpoints(Some(base), Some(&sim.login_url()), None)
        .unwrap();
    let mut config =
        appreg::auth::AuthConfig::new(appreg::auth::AuthMethod::Token, endpoints.auth());
    config.static_token = Some(appreg::secret::SecretString::new(TEST_TOKEN.into()));
    let tokens = appreg::auth::StaticTokenSource::new(&config).unwrap();
    let client =
        appreg::graph::GraphClient::new(endpoints.graph_config(), std::sync::Arc::new(tokens))
            .unwrap();
    let error = client.organization(&()).await.unwrap_err();
    assert!(error.advice().contains("--graph-url must be"), "{error}");
}

#[tokio::test]
async fn a_graph_without_the_unique_name_upsert_stops_create_with_that_reason() {
    let sim = sim(SimConfig::default()).await;
    sim.inject(
        appreg::sim::Fault::new(
            appreg::sim::FaultKind::NotFound,
            "/applications(uniqueName=",
        )
        .method(axum::http::Method::PATCH),
    );
    let plan = plan("nylas-v3", "No Upsert", false);
    let (reporter, _events) = reporter();
    let error = execute(&client(&sim), &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("does not create apps by unique name"),
        "{error}"
    );
    assert!(apps_named(&sim, "No Upsert").is_empty());
}

#[tokio::test]
async fn the_secret_expires_on_the_date_the_review_estimated_and_done_shows() {
    let sim = sim(SimConfig::default()).await;
    let client = client(&sim);
    let plan = plan("nylas-v3", "Acme Expiry", false);
    let mut journal = Journal::in_memory();
    let (reporter, _events) = reporter();
    let now = time::OffsetDateTime::now_utc();
    let outcome = run::execute(&client, &plan, &mut journal, &reporter, now)
        .await
        .expect("created");
    let stored = &apps_named(&sim, "Acme Expiry")[0].password_credentials[0];
    // Done and Reveal show the answer's endDateTime; the Review showed "about <date>".
    assert_eq!(outcome.secret.end_date_time, stored.end_date_time);
    let estimated = plan.spec.secret.lifetime.end(now).date().to_string();
    assert_eq!(stored.end_date_time[..10], estimated);
}
