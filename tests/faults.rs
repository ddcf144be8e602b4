//! Every fault the simulator can throw, at every step of `create`: each run ends in success or a
//! clear error, and a re-run with the same journal finishes with exactly one app and exactly one
//! secret, the one handed over.

mod common;

use appreg::journal::Journal;
use appreg::run;
use appreg::sim::{Fault, FaultKind, SimConfig};
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

    let outcome = match run::execute(
        &client,
        &plan,
        &mut journal,
        &reporter,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = error.to_string();
            if message.len() < 20 {
                return Err(format!("unclear error: {message}"));
            }
            // The user runs the same command again.
            run::execute(
                &client,
                &plan,
                &mut journal,
                &reporter,
                OffsetDateTime::now_utc(),
            )
            .await
            .map_err(|e| format!("the re-run failed too: {e}"))?
        }
    };
    run::handed_over(&mut journal, &outcome).map_err(|e| e.to_string())?;

    let apps = apps_named(&sim, "Faulty");
    if apps.len() != 1 {
        return Err(format!("{} apps", apps.len()));
    }
    let keys: Vec<&str> = apps[0]
        .password_credentials
        .iter()
        .map(|c| c.key_id.as_str())
        .collect();
    if keys != [outcome.secret.key_id.as_str()] {
        return Err(format!(
            "secrets on the app {keys:?}, handed over {}",
            outcome.secret.key_id
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
