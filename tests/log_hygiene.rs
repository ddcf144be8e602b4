//! A whole run with every log level on: device-code sign-in, a refresh for ARM, the tenant list
//! and a create with consent. No token, refresh token or client secret reaches the log.
//!
//! One test in its own process, with a global subscriber, so no other test's threads can hide
//! log lines from it.

mod common;

use appreg::journal::Journal;
use appreg::sim::SimConfig;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_run_at_trace_level_logs_no_token_and_no_secret() {
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sim = common::sim(SimConfig {
        poll_interval_secs: 1,
        polls_before_approval: 1,
        ..SimConfig::default()
    })
    .await;
    let client = common::signed_in_client(&sim).await;
    let (reporter, _events) = common::reporter();

    let tenants = appreg::tenant::reachable(&client, &reporter).await.unwrap();
    assert_eq!(
        tenants.len(),
        2,
        "the ARM token came from the refresh token"
    );
    let plan = common::plan("nylas-v2", "Hygiene", true);
    let outcome = common::execute(&client, &plan, &mut Journal::in_memory(), &reporter)
        .await
        .unwrap();

    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("device code sign-in complete"),
        "the log was not captured:\n{logged}"
    );
    assert!(
        logged.contains("Register the app"),
        "progress was not logged:\n{logged}"
    );
    assert!(
        !logged.contains(outcome.secret.value.expose()),
        "the client secret was logged"
    );
    // Every access token the simulator issues is a JWT, every refresh token starts with 0.A.
    assert!(!logged.contains("eyJ"), "a token was logged:\n{logged}");
    assert!(!logged.contains("0.ASIM"), "a refresh token was logged");
    assert!(
        !logged.to_ascii_lowercase().contains("bearer "),
        "an Authorization header was logged"
    );
}
