//! `create --connect` and `rotate-secret --connect`: the secret goes from Graph straight to
//! the simulator's Nylas v3 or Nango API, proven first, recoverable when the platform refuses,
//! and a rotation removes the old secret only once the platform has the new one.

mod common;

use appreg::sim::{Fault, FaultKind, SimConfig, SimHandle};
use common::TEST_TOKEN;
use serde_json::Value;
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// `appreg <args> --yes` against `sim`, signed in with the test token, journal under `state`.
fn appreg(sim: &SimHandle, state: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .args(args)
        .args(["--yes", "--json", "--verify-wait", "20"])
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .args([
            "--nylas-url",
            &sim.nylas_url(),
            "--nango-url",
            &sim.nango_url(),
        ])
        .env_remove("NYLAS_API_KEY")
        .env_remove("NANGO_SECRET_KEY")
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null());
    command
}

async fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().await.expect("appreg runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    (output, stdout, stderr)
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn keys_of(sim: &SimHandle, name: &str) -> Vec<String> {
    common::apps_named(sim, name)[0]
        .password_credentials
        .iter()
        .map(|c| c.key_id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_connect_gives_nylas_a_proven_secret_and_never_shows_it() {
    let sim = common::sim(SimConfig {
        secret_replication_delay: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "create",
            "--profile",
            "nylas-v3",
            "--name",
            "Acme Mail",
            "--connect",
        ],
    )
    .env("NYLAS_API_KEY", sim.nylas_api_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    let doc = json(&stdout);
    assert_eq!(doc["secret"]["verified"], true, "{doc}");
    assert!(doc["secret"].get("value").is_none(), "{doc}");
    assert_eq!(doc["platform"]["kind"], "nylas");
    assert_eq!(doc["platform"]["action"], "created");
    // The wait for replication is a progress event, not silence.
    assert!(
        stderr.contains("does not accept the secret yet"),
        "{stderr}"
    );

    let app_id = doc["appId"].as_str().unwrap();
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(connector.client_id, app_id);
    assert_eq!(
        connector.tenant, None,
        "a multi-tenant app signs in through common"
    );
    assert!(connector.scope.iter().any(|s| s == "offline_access"));
    // The connector holds the very secret the app was given.
    assert_eq!(
        connector.secret_key_id.as_deref(),
        doc["secret"]["keyId"].as_str()
    );
    // Neither the platform key nor the token appears anywhere, even at trace level.
    for leak in [sim.nylas_api_key(), TEST_TOKEN.to_owned()] {
        assert!(
            !stderr.contains(&leak) && !stdout.contains(&leak),
            "{leak} leaked"
        );
    }

    // Another app's connector is not taken over unless asked: its mailboxes would sign in again.
    let second = [
        "create",
        "--profile",
        "nylas-v3",
        "--name",
        "Acme Mail Two",
        "--connect",
    ];
    let (output, stdout, stderr) =
        run(appreg(&sim, state.path(), &second).env("NYLAS_API_KEY", sim.nylas_api_key())).await;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("signs in as another app") && stderr.contains(app_id),
        "{stderr}"
    );
    assert!(
        json(&stdout)["secret"]["value"].is_string(),
        "the secret reaches the user"
    );
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(
        connector.client_id, app_id,
        "the first app keeps its connector"
    );

    // Asked to, it takes it over: one connector, updated.
    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "create",
            "--profile",
            "nylas-v3",
            "--name",
            "Acme Mail Three",
            "--connect",
            "--replace-connector",
        ],
    )
    .env("NYLAS_API_KEY", sim.nylas_api_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    let doc = json(&stdout);
    assert_eq!(doc["platform"]["action"], "updated");
    let notes = doc["platform"]["notes"].to_string();
    assert!(notes.contains(app_id), "{notes}");
    assert_eq!(sim.platform_snapshot().connectors.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_connect_gives_nango_a_tenant_specific_integration_for_one_organisation() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "create",
            "--profile",
            "nango",
            "--name",
            "Acme Nango",
            "--audience",
            "single",
            "--connect",
            "--nango-integration",
            "acme-outlook",
            "--show-secret",
        ],
    )
    .env("NANGO_SECRET_KEY", sim.nango_secret_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    let doc = json(&stdout);
    assert!(
        doc["secret"]["value"]
            .as_str()
            .is_some_and(|v| v.len() >= 30),
        "--show-secret"
    );
    let integration = sim
        .platform_snapshot()
        .integration("acme-outlook")
        .cloned()
        .unwrap();
    assert_eq!(integration.provider, "microsoft-tenant-specific");
    assert_eq!(integration.client_id, doc["appId"].as_str().unwrap());
    assert!(
        integration.scopes.starts_with("offline_access,"),
        "{}",
        integration.scopes
    );
    assert_eq!(
        integration.secret_key_id.as_deref(),
        doc["secret"]["keyId"].as_str()
    );
    assert!(
        !stderr.contains(&sim.nango_secret_key()),
        "the key leaked: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_keeps_the_app_and_secret_and_a_rerun_finishes_without_a_new_secret() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let args = [
        "create",
        "--profile",
        "nylas-v3",
        "--name",
        "Refused",
        "--connect",
    ];
    let (output, stdout, stderr) =
        run(appreg(&sim, state.path(), &args).env("NYLAS_API_KEY", "nyk_v0_wrong")).await;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("NYLAS_API_KEY") && stderr.contains("--secret-from"),
        "{stderr}"
    );
    // A refused key is still a key: never echoed, not even at trace level.
    assert!(
        !stderr.contains("nyk_v0_wrong") && !stdout.contains("nyk_v0_wrong"),
        "{stderr}"
    );
    // The secret was proven, and handed over the usual way instead.
    let doc = json(&stdout);
    assert_eq!(doc["secret"]["verified"], true);
    assert_eq!(doc["platform"]["action"], "failed");
    let secret = doc["secret"]["value"].as_str().unwrap().to_owned();
    assert!(sim.platform_snapshot().connectors.is_empty());
    let keys = keys_of(&sim, "Refused");
    assert_eq!(keys.len(), 1);

    let mut rerun = appreg(&sim, state.path(), &args);
    rerun
        .args(["--secret-from", "-"])
        .env("NYLAS_API_KEY", sim.nylas_api_key())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = rerun.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{secret}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(keys_of(&sim, "Refused"), keys, "no new secret");
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(connector.secret_key_id.as_deref(), Some(keys[0].as_str()));
    assert_eq!(common::apps_named(&sim, "Refused").len(), 1);
}

/// A Nylas v3 app made by appreg and connected, for the rotations below.
async fn connected_app(sim: &SimHandle, state: &std::path::Path, name: &str) -> String {
    let (output, stdout, stderr) = run(appreg(
        sim,
        state,
        &[
            "create",
            "--profile",
            "nylas-v3",
            "--name",
            name,
            "--connect",
        ],
    )
    .env("NYLAS_API_KEY", sim.nylas_api_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    json(&stdout)["appId"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_with_connect_updates_the_platform_before_removing_the_old_secret() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let app_id = connected_app(&sim, state.path(), "Rotating").await;
    let old = keys_of(&sim, "Rotating")[0].clone();
    sim.clear_log();

    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "rotate-secret",
            "--app-id",
            &app_id,
            "--connect",
            "--remove",
            &old,
        ],
    )
    .env("NYLAS_API_KEY", sim.nylas_api_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    let doc = json(&stdout);
    let new = doc["secret"]["keyId"].as_str().unwrap();
    assert_eq!(doc["secret"]["verified"], true);
    assert_eq!(doc["platform"]["action"], "updated");
    assert_eq!(keys_of(&sim, "Rotating"), [new]);
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(connector.secret_key_id.as_deref(), Some(new));
    // The order that keeps sign-ins working: platform updated, then the old secret removed.
    let log = sim.requests();
    let at = |what: &str| log.iter().position(|r| r.path.contains(what)).unwrap();
    assert!(
        at("/nylas/v3/connectors/microsoft") < at("removePassword"),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_platform_removes_no_old_secret() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let app_id = connected_app(&sim, state.path(), "Kept").await;
    let old = keys_of(&sim, "Kept")[0].clone();
    sim.inject(Fault::new(FaultKind::ServerError, "/nylas/v3/connectors").times(10));
    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "rotate-secret",
            "--app-id",
            &app_id,
            "--connect",
            "--remove",
            &old,
        ],
    )
    .env("NYLAS_API_KEY", sim.nylas_api_key()))
    .await;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No old secret was removed"), "{stderr}");
    let doc = json(&stdout);
    assert!(
        doc["secret"]["value"].as_str().is_some(),
        "the new secret reaches the user"
    );
    let keys = keys_of(&sim, "Kept");
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&old));
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(
        connector.secret_key_id,
        Some(old),
        "the platform still signs in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_the_platform_update_and_the_removal_is_finished_by_a_rerun() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let app_id = connected_app(&sim, state.path(), "Crashing").await;
    let old = keys_of(&sim, "Crashing")[0].clone();
    // The removal is told to wait: the process is killed while it does.
    sim.inject(Fault::new(
        FaultKind::Throttle {
            retry_after_secs: 30,
        },
        "removePassword",
    ));
    let args = [
        "rotate-secret",
        "--app-id",
        &app_id,
        "--connect",
        "--remove",
        &old,
    ];
    let mut first = appreg(&sim, state.path(), &args);
    first
        .env("NYLAS_API_KEY", sim.nylas_api_key())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = first.spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !sim
        .requests()
        .iter()
        .any(|r| r.path.contains("removePassword"))
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the removal was never tried"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().await.unwrap();
    let keys = keys_of(&sim, "Crashing");
    assert_eq!(keys.len(), 2, "the old secret is still there");
    let new = keys.iter().find(|k| **k != old).unwrap().clone();
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(connector.secret_key_id.as_deref(), Some(new.as_str()));

    let (output, stdout, stderr) =
        run(appreg(&sim, state.path(), &args).env("NYLAS_API_KEY", sim.nylas_api_key())).await;
    assert!(output.status.success(), "{stderr}");
    let doc = json(&stdout);
    assert_eq!(doc["resumed"], true, "{doc}");
    assert_eq!(
        keys_of(&sim, "Crashing"),
        [new],
        "finished without a new secret"
    );
}

#[tokio::test]
async fn connect_without_a_key_or_an_api_is_bad_input_before_anything_is_sent() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            &[
                "create",
                "--profile",
                "nylas-v3",
                "--name",
                "A",
                "--connect",
            ][..],
            "NYLAS_API_KEY",
        ),
        (
            &[
                "create",
                "--profile",
                "nylas-v2",
                "--name",
                "A",
                "--connect",
            ][..],
            "no API",
        ),
    ] {
        let (output, _, stderr) = run(&mut appreg(&sim, state.path(), args)).await;
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    assert!(sim.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_that_makes_a_new_connector_removes_no_old_secret() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let app_id = connected_app(&sim, state.path(), "Elsewhere").await;
    let old = keys_of(&sim, "Elsewhere")[0].clone();
    // Nango has no integration for this app yet: a new one is made, and whatever signs in
    // with the old secret (the Nylas connector) still needs it.
    let (output, stdout, stderr) = run(appreg(
        &sim,
        state.path(),
        &[
            "rotate-secret",
            "--app-id",
            &app_id,
            "--connect",
            "--profile",
            "nango",
            "--remove",
            &old,
        ],
    )
    .env("NANGO_SECRET_KEY", sim.nango_secret_key()))
    .await;
    assert!(output.status.success(), "{stderr}");
    assert_eq!(json(&stdout)["platform"]["action"], "created");
    assert!(
        stderr.contains("did not sign in as this app before"),
        "{stderr}"
    );
    assert!(
        keys_of(&sim, "Elsewhere").contains(&old),
        "the old secret stays"
    );
    let connector = sim
        .platform_snapshot()
        .connector("microsoft")
        .cloned()
        .unwrap();
    assert_eq!(connector.secret_key_id, Some(old), "Nylas still signs in");
}
