//! `doctor --all` at scale: the release binary audits a simulated tenant of N generated apps
//! (plus the demo's three) at 50 ms per request. Prints, per N: wall time, requests, sequential
//! round trips (from the simulator's log) and the appreg process's peak memory (its maximum
//! resident set, from `/usr/bin/time -v`), beside the per-app approach computed from the same
//! simulator: listing the apps in Graph's default pages of 100, then reading each app as
//! `doctor --app-id` does (its requests and round trips measured once, times N).
//!
//! Run: `cargo bench --bench fleet` (or `-- 1000 10000` for other sizes).

use appreg::auth::{AuthConfig, AuthMethod, StaticTokenSource};
use appreg::cloud::Cloud;
use appreg::doctor::{self, Selector};
use appreg::graph::GraphClient;
use appreg::progress::Reporter;
use appreg::secret::SecretString;
use appreg::sim::{self, Latency, Seed, SimConfig, SimHandle};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(50);
const TOKEN: &str = "bench-token";
/// Graph's default page size, which `Get-MgApplication -All` pages by.
const DEFAULT_PAGE: usize = 100;

fn client(sim: &SimHandle) -> GraphClient {
    let endpoints = Cloud::Global
        .endpoints(
            Some(&sim.graph_url()),
            Some(&sim.login_url()),
            Some(&sim.arm_url()),
        )
        .expect("simulator URLs parse");
    let mut config = AuthConfig::new(AuthMethod::Token, endpoints.auth());
    config.static_token = Some(SecretString::new(TOKEN.into()));
    let tokens = StaticTokenSource::new(&config).expect("static token");
    GraphClient::new(endpoints.graph_config(), Arc::new(tokens)).expect("client")
}

struct Run {
    wall: Duration,
    requests: usize,
    round_trips: usize,
    peak_mb: f64,
}

/// The release binary's `doctor --all --json`, timed, its peak memory read by `time -v`.
async fn fleet(sim: &SimHandle) -> Run {
    sim.clear_log();
    let started = Instant::now();
    let output = tokio::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_appreg"))
        .args(["--graph-url", &sim.graph_url(), "doctor", "--all", "--json"])
        .env("APPREG_ACCESS_TOKEN", TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .await
        .expect("/usr/bin/time and appreg run");
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak_kb: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in:\n{stderr}"));
    Run {
        wall,
        requests: sim.requests().len(),
        round_trips: sim.critical_path(),
        peak_mb: peak_kb / 1024.0,
    }
}

/// What reading one app costs the way `doctor --app-id` reads it: (requests, round trips).
async fn one_app(sim: &SimHandle) -> (usize, usize) {
    sim.clear_log();
    let app_id = sim::generated_app_id(0).to_string();
    doctor::inspect(&client(sim), &Selector::AppId(app_id), &Reporter::silent())
        .await
        .expect("the app is read");
    (sim.requests().len(), sim.critical_path())
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 50_000]
    } else {
        sizes
    };
    println!(
        "| apps | appreg doctor --all: wall | requests | sequential round trips | peak memory | per app: requests | round trips | wall |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let sim = sim::start(SimConfig {
            seed: Seed::with_support_apps(),
            seed_apps: n,
            latency: Latency::fixed(LATENCY),
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let apps = n + 3;
        let run = fleet(&sim).await;
        let (per_app, per_app_trips) = one_app(&sim).await;
        let list_pages = apps.div_ceil(DEFAULT_PAGE);
        let trips = list_pages + apps * per_app_trips;
        println!(
            "| {apps} | {:.2} s | {} | {} | {:.0} MB | {} | {} | {:.0} s |",
            run.wall.as_secs_f64(),
            run.requests,
            run.round_trips,
            run.peak_mb,
            list_pages + apps * per_app,
            trips,
            (LATENCY * trips as u32).as_secs_f64(),
        );
        sim.shutdown().await;
    }
}
