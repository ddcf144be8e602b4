//! Every fault the simulator can throw, at every step of `create`, of a rotation and of a
//! doctor fix: each run ends in success or a clear error, and a re-run with the same journal
//! finishes with exactly one app, no orphan secret (only the one handed over is new), nothing
//! removed that was not asked for, and the journal agreeing.

mod common;

use appreg::clock::Clock;
use appreg::doctor::{self, FixOptions, Inspection, Selector, Severity, Wants};
use appreg::journal::{Journal, SecretState};
use appreg::plan::SecretLifetime;
use appreg::run::{self, Removal, SecretRequest};
use appreg::sim::{
    Fault, FaultKind, LEGACY_NYLAS_APP_ID, SUPPORT_MAILBOX_APP_ID, Seed, SimConfig, SimHandle,
};
use axum::http::Method;
use common::*;
use time::OffsetDateTime;

/// (step, method, a piece of the path that only that step's requests have)
const STEPS: [(&str, Method, &str); 6] = [
    ("read tenant", Method::GET, "/organization"),
    (
        "read resource",
        Method::GET,
        "/servicePrincipals(appId='00000003",
    ),
    ("register app", Method::PATCH, "/applications(uniqueName="),
    ("add secret", Method::POST, "/addPassword"),
    ("service principal", Method::POST, "/servicePrincipals"),
    ("grant consent", Method::POST, "/oauth2PermissionGrants"),
];

fn kinds() -> Vec<FaultKind> {
    vec![
        FaultKind::Throttle {
            retry_after_secs: 0,
        },
        FaultKind::Unavailable,
        FaultKind::ServerError,
        FaultKind::DropBeforeCommit,
        FaultKind::DropAfterCommit,
        FaultKind::ExpiredToken,
        FaultKind::Forbidden,
        FaultKind::MalformedJson,
    ]
}

#[tokio::test]
async fn every_fault_at_every_step_ends_cleanly() {
    let mut failures = Vec::new();
    for (step, method, path) in STEPS {
        for kind in kinds() {
            let case = format!("{step} × {kind:?}");
            if let Err(problem) = one_case(method.clone(), path, kind).await {
                failures.push(format!("{case}: {problem}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases broke:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn one_case(method: Method, path: &str, kind: FaultKind) -> Result<(), String> {
    let sim = sim(SimConfig {
        replication_delay: std::time::Duration::from_millis(30),
        ..SimConfig::default()
    })
    .await;
    sim.inject(Fault::new(kind, path).method(method));
    let client = client(&sim);
    let plan = plan("nylas-v2", "Faulty", true);
    let mut journal = Journal::in_memory();
    let (reporter, _events) = reporter();

    let outcome = match execute(&client, &plan, &mut journal, &reporter).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = error.to_string();
            if message.len() < 20 {
                return Err(format!("unclear error: {message}"));
            }
            // The user runs the same command again.
            execute(&client, &plan, &mut journal, &reporter)
                .await
                .map_err(|e| format!("the re-run failed too: {e}"))?
        }
    };
    let key_id = outcome.secret.key_id.clone();
    outcome
        .secret
        .handed_over(&mut journal)
        .map_err(|e| e.to_string())?;

    let apps = apps_named(&sim, "Faulty");
    if apps.len() != 1 {
        return Err(format!("{} apps", apps.len()));
    }
    let keys: Vec<&str> = apps[0]
        .password_credentials
        .iter()
        .map(|c| c.key_id.as_str())
        .collect();
    if keys != [key_id.as_str()] {
        return Err(format!(
            "secrets on the app {keys:?}, handed over {}",
            key_id
        ));
    }
    let snapshot = sim.snapshot();
    let sps = snapshot
        .home()
        .unwrap()
        .service_principals
        .iter()
        .filter(|sp| sp.app_id == outcome.app_id)
        .count();
    if sps != 1 {
        return Err(format!("{sps} service principals"));
    }
    Ok(())
}

/// A token refused in the middle of a run (expired early, revoked): the client drops it, the
/// sign-in's refresh token gets a fresh one, and the same request goes again. One run, no
/// duplicate writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_refused_mid_run_is_refreshed_and_the_run_goes_on() {
    let sim = sim(SimConfig {
        poll_interval_secs: 1,
        polls_before_approval: 1,
        replication_delay: std::time::Duration::from_millis(30),
        ..SimConfig::default()
    })
    .await;
    let client = signed_in_client(&sim).await;
    for (method, path) in [
        (Method::PATCH, "/applications(uniqueName="),
        (Method::POST, "/servicePrincipals"),
    ] {
        sim.inject(Fault::new(FaultKind::ExpiredToken, path).method(method));
    }
    sim.clear_log();

    let plan = plan("nylas-v3", "Refreshed", true);
    let (reporter, _events) = reporter();
    let outcome = execute(&client, &plan, &mut Journal::in_memory(), &reporter)
        .await
        .expect("the run survives refused tokens");

    let refreshes = sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/token"))
        .count();
    assert_eq!(refreshes, 2, "one refresh per refused token");
    let apps = apps_named(&sim, "Refreshed");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].password_credentials.len(), 1);
    assert_eq!(
        apps[0].password_credentials[0].key_id,
        outcome.secret.key_id
    );
}

/// A failed first attempt must say something a user can act on; they then run it again.
fn clear(error: String) -> Result<(), String> {
    if error.len() < 20 {
        return Err(format!("unclear error: {error}"));
    }
    Ok(())
}

fn rerun_failed(error: String) -> String {
    format!("the re-run failed too: {error}")
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} cases broke:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `rotate-secret --remove OLD` on the support app: add the new secret, then remove the old.
#[tokio::test]
async fn every_fault_at_every_rotation_step_ends_cleanly() {
    let mut failures = Vec::new();
    for (step, path) in [
        ("add secret", "/addPassword"),
        ("remove old secret", "/removePassword"),
    ] {
        for kind in kinds() {
            let case = format!("{step} × {kind:?}");
            if let Err(problem) = rotation_case(path, kind).await {
                failures.push(format!("{case}: {problem}"));
            }
        }
    }
    assert_no_failures(failures);
}

async fn rotation_case(path: &str, kind: FaultKind) -> Result<(), String> {
    let sim = sim(SimConfig {
        seed: Seed::with_support_apps(),
        ..SimConfig::default()
    })
    .await;
    let client = client(&sim);
    let secrets_of = |name: &str| -> Vec<String> {
        apps_named(&sim, name)[0]
            .password_credentials
            .iter()
            .map(|c| c.key_id.clone())
            .collect()
    };
    let old = secrets_of("Support Mailbox Sync");
    let bystander = secrets_of("Acme Nylas (legacy)");
    sim.inject(Fault::new(kind, path).method(Method::POST));
    let mut journal = Journal::in_memory();
    let now = OffsetDateTime::now_utc();

    let (rotation, removals) = match rotate_once(&client, &mut journal, &old[0], now).await {
        Ok(rotated) => rotated,
        Err(error) => {
            clear(error)?;
            rotate_once(&client, &mut journal, &old[0], now)
                .await
                .map_err(rerun_failed)?
        }
    };
    let new = rotation.secret.key_id.clone();
    rotation
        .secret
        .handed_over(&mut journal)
        .map_err(|e| e.to_string())?;

    let now_held = secrets_of("Support Mailbox Sync");
    let new = &new;
    let others: Vec<&String> = now_held.iter().filter(|k| *k != new).collect();
    if !now_held.contains(new) {
        return Err(format!(
            "the handed-over secret is not on the app: {now_held:?}"
        ));
    }
    if others.iter().any(|k| !old.contains(k)) {
        return Err(format!("an orphan secret: {now_held:?}, handed over {new}"));
    }
    if !others.is_empty() && removals.not_removed.is_empty() {
        return Err("the old secret stayed without a word".into());
    }
    if secrets_of("Acme Nylas (legacy)") != bystander {
        return Err("another app's secret was touched".into());
    }
    if journal.entry().secret
        != (SecretState::HandedOver {
            key_id: new.clone(),
        })
    {
        return Err(format!("journal: {:?}", journal.entry().secret));
    }
    Ok(())
}

/// What `rotate-secret --remove OLD` does: read the app, plan with the journal, rotate, then
/// remove the old secret.
async fn rotate_once(
    client: &appreg::graph::GraphClient,
    journal: &mut Journal,
    old: &str,
    now: OffsetDateTime,
) -> Result<(run::Rotation, run::Removals), String> {
    let (reporter, _events) = reporter();
    let selector = Selector::AppId(SUPPORT_MAILBOX_APP_ID.into());
    let app = doctor::read_application(client, &selector, &reporter)
        .await
        .map_err(|e| e.to_string())?;
    let request = SecretRequest {
        description: "appreg".into(),
        end: SecretLifetime::Months(24).end(now),
    };
    let removal = Removal::Key(old.to_string());
    let plan = run::plan_rotation(&app, &removal, request, &journal.entry().secret, now)
        .map_err(|e| e.to_string())?;
    let rotation = run::rotate(client, &plan, journal, &reporter)
        .await
        .map_err(|e| e.to_string())?;
    let removals = run::remove_old_secrets(client, &plan.object_id, journal, &reporter)
        .await
        .map_err(|e| e.to_string())?;
    Ok((rotation, removals))
}

/// `doctor --fix --admin-consent` on the half-broken Nylas app: the app's PATCH, its service
/// principal, the grants.
#[tokio::test]
async fn every_fault_at_every_fix_step_ends_cleanly() {
    let steps: [(&str, Method, &str); 4] = [
        ("read the app", Method::GET, "/applications(appId="),
        ("update the app", Method::PATCH, "/applications/"),
        ("service principal", Method::POST, "/servicePrincipals"),
        ("grant consent", Method::POST, "/oauth2PermissionGrants"),
    ];
    let mut failures = Vec::new();
    for (step, method, path) in steps {
        for kind in kinds() {
            let case = format!("{step} × {kind:?}");
            if let Err(problem) = fix_case(method.clone(), path, kind).await {
                failures.push(format!("{case}: {problem}"));
            }
        }
    }
    assert_no_failures(failures);
}

async fn fix_case(method: Method, path: &str, kind: FaultKind) -> Result<(), String> {
    let sim = sim(SimConfig {
        seed: Seed::with_support_apps(),
        replication_delay: std::time::Duration::from_millis(30),
        ..SimConfig::default()
    })
    .await;
    sim.inject(Fault::new(kind, path).method(method));
    let client = client(&sim);
    let profile = appreg::profile::find("nylas-v3").map_err(|e| e.to_string())?;
    let audit = |inspection: &Inspection| {
        doctor::audit(
            &inspection.application,
            &inspection.context,
            &profile,
            &appreg::catalog::Catalog::offline(),
            OffsetDateTime::now_utc(),
        )
        .expect("the wants fit the preset")
    };
    let after = match fix_once(&client, &audit).await {
        Ok(after) => after,
        Err(error) => {
            clear(error)?;
            fix_once(&client, &audit).await.map_err(rerun_failed)?
        }
    };

    let errors: Vec<&str> = audit(&after)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    if errors != ["secret-expired"] {
        return Err(format!("left after the fix: {errors:?}"));
    }
    let apps = apps_named(&sim, "Acme Nylas (legacy)");
    if apps.len() != 1 || apps[0].password_credentials.len() != 1 {
        return Err("the app or its secret changed in number".into());
    }
    let snapshot = sim.snapshot();
    let home = snapshot.home().ok_or("no home tenant")?;
    let sps: Vec<&str> = home
        .service_principals
        .iter()
        .filter(|sp| sp.app_id == LEGACY_NYLAS_APP_ID)
        .map(|sp| sp.id.as_str())
        .collect();
    if sps.len() != 1 {
        return Err(format!("{} service principals", sps.len()));
    }
    let mut resources: Vec<&str> = home
        .grants
        .iter()
        .filter(|g| g.client_id == sps[0])
        .map(|g| g.resource_id.as_str())
        .collect();
    let grants = resources.len();
    resources.dedup();
    if grants != resources.len() {
        return Err(format!("{grants} grants for {} resources", resources.len()));
    }
    Ok(())
}

/// What `doctor --app-id … --admin-consent --fix --yes` does: read, audit, send the fix, read.
async fn fix_once(
    client: &appreg::graph::GraphClient,
    audit: &impl Fn(&Inspection) -> Vec<appreg::doctor::Finding>,
) -> Result<Inspection, String> {
    let (reporter, _events) = reporter();
    let selector = Selector::AppId(LEGACY_NYLAS_APP_ID.into());
    let mut inspection = doctor::inspect(client, &selector, &reporter)
        .await
        .map_err(|e| e.to_string())?;
    inspection.context.wants = Wants {
        admin_consent: true,
        ..Wants::default()
    };
    let steps = doctor::fix_plan(
        &inspection.application,
        &inspection.context,
        &audit(&inspection),
        FixOptions::default(),
    );
    run::mend(client, &inspection, &steps, &reporter)
        .await
        .map_err(|e| e.to_string())
}

/// A client sharing the simulator's simulated clock, with the real retry policy: replication
/// waits of minutes pass at once.
fn client_on(sim: &SimHandle, clock: &Clock) -> appreg::graph::GraphClient {
    let mut config = endpoints(sim).graph_config();
    config.clock = clock.clone();
    let tokens = client(sim).tokens().clone();
    appreg::graph::GraphClient::new(config, tokens).unwrap()
}

/// Directory replication of 5 s, 30 s and a minute, in simulated time: the service principal,
/// the secret and the grants wait for the new app, each wait a progress event, and the run
/// ends with one app. Longer than the client's budget (3 minutes), it ends in a clear error,
/// and the re-run finishes.
#[tokio::test]
async fn replication_delays_up_to_a_minute_are_waited_out_in_simulated_time() {
    let started = std::time::Instant::now();
    for delay in [5, 30, 60, 240] {
        let clock = Clock::simulated();
        let sim = sim(SimConfig {
            replication_delay: std::time::Duration::from_secs(delay),
            clock: clock.clone(),
            ..SimConfig::default()
        })
        .await;
        let client = client_on(&sim, &clock);
        let plan = plan("nylas-v3", "Replicated", true);
        let mut journal = Journal::in_memory();
        let (reporter, mut events) = reporter();
        let first = execute(&client, &plan, &mut journal, &reporter).await;
        let outcome = match first {
            Ok(outcome) => {
                assert!(delay < 180, "{delay} s is past the budget");
                outcome
            }
            Err(error) => {
                assert!(delay >= 180, "{delay} s: {error}");
                assert!(error.to_string().contains("replication"), "{error}");
                execute(&client, &plan, &mut journal, &reporter)
                    .await
                    .expect("the re-run finds the app replicated")
            }
        };
        let waits = drain(&mut events)
            .iter()
            .filter(|e| matches!(e, appreg::progress::Event::Retrying { reason, .. } if reason.contains("replication")))
            .count();
        assert!(waits > 0, "{delay} s: the waits are reported");
        assert_eq!(apps_named(&sim, "Replicated").len(), 1);
        assert_eq!(
            apps_named(&sim, "Replicated")[0].password_credentials.len(),
            1,
            "{delay} s: {:?}",
            outcome.secret.key_id
        );
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "simulated, not slept: {:?}",
        started.elapsed()
    );
}
