//! The headless `create` killed with SIGKILL at every step, then run again: exactly one app,
//! exactly one secret (the one the second run handed over), one service principal.
#![cfg(unix)]

mod common;

use appreg::sim::{Latency, SimConfig};
use common::TEST_TOKEN;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// Each request takes this long at the simulator, so a kill lands while one is in flight.
const LATENCY: Duration = Duration::from_millis(150);

fn create(sim: &appreg::sim::SimHandle, state: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .args([
            "create",
            "--profile",
            "nylas-v2",
            "--name",
            "Crashy",
            "--region",
            "us,eu",
            "--yes",
            "--json",
            "--admin-consent",
        ])
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
            "--arm-url",
            &sim.arm_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_every_step_then_resumed() {
    // create makes 8 requests for nylas-v2 with consent: 3 reads, the app, secret ∥ service
    // principal, 2 grants. Kill after 0..=6 of them have answered, while the next is in flight.
    for answered in 0..=6 {
        let sim = common::sim(SimConfig {
            latency: Latency::fixed(LATENCY),
            ..SimConfig::default()
        })
        .await;
        let state = tempfile::tempdir().unwrap();

        let mut first = create(&sim, state.path()).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        // Kill in the middle of the next request: half its latency after the last answer.
        while sim.requests().len() < answered && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(LATENCY / 2).await;
        first.start_kill().unwrap();
        let status = first.wait().await.unwrap();
        assert!(
            !status.success(),
            "killed after {answered}: the first run finished before the kill"
        );

        let second = create(&sim, state.path()).output().await.unwrap();
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert!(
            second.status.success(),
            "killed after {answered} answers; re-run failed: {stderr}"
        );
        let doc: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();

        let apps = common::apps_named(&sim, "Crashy");
        assert_eq!(
            apps.len(),
            1,
            "killed after {answered}: {} apps",
            apps.len()
        );
        let keys: Vec<&str> = apps[0]
            .password_credentials
            .iter()
            .map(|c| c.key_id.as_str())
            .collect();
        assert_eq!(
            keys,
            [doc["secret"]["keyId"].as_str().unwrap()],
            "killed after {answered}: secrets {keys:?}"
        );
        let snapshot = sim.snapshot();
        let home = snapshot.home().unwrap();
        let sps: Vec<_> = home
            .service_principals
            .iter()
            .filter(|sp| sp.app_id == apps[0].app_id)
            .collect();
        assert_eq!(sps.len(), 1, "killed after {answered}");
        let grants = home
            .grants
            .iter()
            .filter(|g| g.client_id == sps[0].id)
            .count();
        assert_eq!(grants, 2, "killed after {answered}: one grant per resource");
    }
}
