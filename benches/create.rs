//! `create` against the simulator at 0, 50 and 100 ms per request: wall time, and the number of
//! sequential round trips counted from the simulator's request log (the limit is 4: reads; app;
//! secret ∥ service principal; grants).
//!
//! Run: `cargo bench --bench create`

use appreg::auth::{AuthConfig, AuthMethod, StaticTokenSource};
use appreg::catalog::Catalog;
use appreg::cloud::Cloud;
use appreg::graph::GraphClient;
use appreg::journal::Journal;
use appreg::plan::{Choices, Plan, from_profile};
use appreg::progress::Reporter;
use appreg::secret::SecretString;
use appreg::sim::{self, Latency, SimConfig, SimHandle};
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn client(sim: &SimHandle) -> GraphClient {
    let endpoints = Cloud::Global
        .endpoints(
            Some(&sim.graph_url()),
            Some(&sim.login_url()),
            Some(&sim.arm_url()),
        )
        .expect("simulator URLs parse");
    let mut config = AuthConfig::new(AuthMethod::Token, endpoints.auth());
    config.static_token = Some(SecretString::new("bench-token".into()));
    let tokens = StaticTokenSource::new(&config).expect("static token");
    GraphClient::new(endpoints.graph_config(), Arc::new(tokens)).expect("client")
}

fn plan(profile_id: &str) -> Plan {
    let profile = appreg::profile::find(profile_id).expect("profile");
    let choices = Choices {
        display_name: format!("Bench {profile_id}"),
        regions: profile.regions.iter().map(|r| r.id.clone()).collect(),
        admin_consent: true,
        ..Choices::default()
    };
    from_profile(&profile, &Catalog::offline(), &choices)
        .expect("plan")
        .0
}

async fn create(client: &GraphClient, plan: &Plan) {
    let outcome = appreg::run::execute(
        client,
        plan,
        &mut Journal::in_memory(),
        &Reporter::silent(),
        time::OffsetDateTime::now_utc(),
    )
    .await
    .expect("create succeeds");
    std::hint::black_box(outcome);
}

/// The peers' sequential round trips for the same job (app, secret, service principal, admin
/// consent), from their documented behaviour, for a plan with `resources` APIs and a tenant
/// whose service principals fit in one page.
fn peers(resources: usize) -> [(&'static str, usize); 2] {
    [
        // `m365 entra app add --apisDelegated … --withSecret --grantAdminConsent`: lists every
        // service principal in the tenant (one page per 100), creates the app, its service
        // principal, one grant per resource, then the secret, one after another.
        ("CLI for Microsoft 365", 1 + 1 + 1 + resources + 1),
        // `az ad app create` (look-up, create), `az ad app credential reset` (resolve the app
        // twice, addPassword), `az ad sp create` (resolve, create), `az ad app permission grant`
        // (client and resource service principals, existing grants, grant): four processes.
        ("Azure CLI", 2 + 3 + 2 + 4),
    ]
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("create");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .sampling_mode(criterion::SamplingMode::Flat);
    for latency_ms in [0u64, 50, 100] {
        let sim = runtime
            .block_on(sim::start(SimConfig {
                latency: Latency::fixed(Duration::from_millis(latency_ms)),
                ..SimConfig::default()
            }))
            .expect("simulator");
        let client = client(&sim);
        for profile_id in ["nylas-v3", "nylas-v2", "nylas-streams", "nango", "custom"] {
            let plan = plan(profile_id);
            sim.clear_log();
            let started = Instant::now();
            runtime.block_on(create(&client, &plan));
            let wall = started.elapsed();
            let requests = sim.requests().len();
            let wall_ms = wall.as_secs_f64() * 1000.0;
            // Without latency an answer is back before its concurrent sibling has started, so
            // the log cannot show which requests ran side by side.
            if latency_ms == 0 {
                println!(
                    "create {profile_id:<13} at   0 ms/request: {requests} requests, {wall_ms:.1} ms wall"
                );
                continue;
            }
            let trips = sim.critical_path();
            println!(
                "create {profile_id:<13} at {latency_ms:>3} ms/request: {trips} sequential round trips (limit 4), {requests} requests, {wall_ms:.0} ms wall (round trips × latency = {} ms)",
                trips as u64 * latency_ms
            );
            for (peer, peer_trips) in peers(plan.spec.resources().len()) {
                println!(
                    "       {peer:<22} same job: {peer_trips} sequential round trips × {latency_ms} ms = {} ms",
                    peer_trips as u64 * latency_ms
                );
            }
        }
        let plan = plan("nylas-v3");
        group.bench_function(
            format!("nylas-v3 with admin consent, {latency_ms} ms latency"),
            |b| b.to_async(&runtime).iter(|| create(&client, &plan)),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
