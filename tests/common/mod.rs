//! Shared set-up for tests that run the core against the embedded simulator.
#![allow(dead_code)] // each test file uses a different part of this module

pub mod hostile;

use appreg::auth::{AuthConfig, AuthMethod, StaticTokenSource};
use appreg::catalog::Catalog;
use appreg::cloud::{Cloud, Endpoints};
use appreg::graph::GraphClient;
use appreg::graph::retry::RetryPolicy;
use appreg::journal::Journal;
use appreg::plan::{Choices, Plan, from_profile};
use appreg::profile;
use appreg::progress::{Event, Reporter};
use appreg::run::{self, Outcome, RunError};
use appreg::secret::SecretString;
use appreg::sim::{self, SimConfig, SimHandle};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

pub const PROFILES: [&str; 5] = ["nylas-v3", "nylas-v2", "nylas-streams", "nango", "custom"];

/// A bearer token the simulator accepts as the demo user; tests check it never leaks.
pub const TEST_TOKEN: &str = "test-access-token-7f3a9c";

pub async fn sim(config: SimConfig) -> SimHandle {
    sim::start(config).await.expect("simulator starts")
}

/// Retries fast enough for tests; the budgets keep their shape.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(5),
        max_wait: Duration::from_secs(5),
        replication_budget: Duration::from_secs(10),
        replication_step: Duration::from_millis(50),
    }
}

pub fn endpoints(sim: &SimHandle) -> Endpoints {
    Cloud::Global
        .endpoints(
            Some(&sim.graph_url()),
            Some(&sim.login_url()),
            Some(&sim.arm_url()),
        )
        .expect("simulator URLs parse")
}

/// Signs in to the simulator by device code, as a user would: the client's tokens come from
/// a refresh token, so a refused one can be replaced.
pub async fn signed_in_client(sim: &SimHandle) -> GraphClient {
    let endpoints = endpoints(sim);
    let config = AuthConfig::new(AuthMethod::DeviceCode, endpoints.auth());
    let tokens = appreg::auth::sign_in(&config, |_| {})
        .await
        .expect("device code sign-in");
    let mut graph = endpoints.graph_config();
    graph.retry = fast_retries();
    GraphClient::new(graph, tokens).expect("client builds")
}

pub fn client(sim: &SimHandle) -> GraphClient {
    let endpoints = endpoints(sim);
    let mut config = AuthConfig::new(AuthMethod::Token, endpoints.auth());
    config.static_token = Some(SecretString::new(TEST_TOKEN.into()));
    let tokens = StaticTokenSource::new(&config).expect("static token source");
    let mut graph = endpoints.graph_config();
    graph.retry = fast_retries();
    GraphClient::new(graph, Arc::new(tokens)).expect("client builds")
}

pub fn plan(profile_id: &str, name: &str, admin_consent: bool) -> Plan {
    let profile = profile::find(profile_id).expect("built-in profile");
    let regions = profile.regions.iter().map(|r| r.id.clone()).collect();
    let choices = Choices {
        display_name: name.into(),
        regions,
        admin_consent,
        ..Choices::default()
    };
    from_profile(&profile, &Catalog::offline(), &choices)
        .expect("plan builds")
        .0
}

/// Runs `plan` now, as `create` does.
pub async fn execute(
    client: &GraphClient,
    plan: &Plan,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<Outcome, RunError> {
    run::execute(
        client,
        plan,
        journal,
        reporter,
        time::OffsetDateTime::now_utc(),
    )
    .await
}

pub fn reporter() -> (Reporter, UnboundedReceiver<Event>) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    (Reporter::new(sender), receiver)
}

pub fn drain(receiver: &mut UnboundedReceiver<Event>) -> Vec<Event> {
    let mut events = Vec::new();
    while let Ok(event) = receiver.try_recv() {
        events.push(event);
    }
    events
}

/// Apps in the home tenant carrying this display name.
pub fn apps_named(sim: &SimHandle, name: &str) -> Vec<appreg::sim::AppSnapshot> {
    let snapshot = sim.snapshot();
    let home = snapshot.home().expect("home tenant");
    home.applications
        .iter()
        .filter(|a| a.display_name == name)
        .cloned()
        .collect()
}
