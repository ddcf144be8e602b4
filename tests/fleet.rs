//! `doctor --all` against the simulator with generated apps: every app's fleet report equals
//! its single-app audit, the reads are O(pages) not O(apps), throttling is waited out, and the
//! binary's filters and formats hold.

mod common;

use appreg::catalog::Catalog;
use appreg::doctor::fleet::{self, AppReport, FleetRequest, FleetSink, UNKNOWN_PLATFORM};
use appreg::doctor::{self, Selector, Wants, preset};
use appreg::profile;
use appreg::sim::{Fault, FaultKind, Latency, Seed, SimConfig, SimHandle};
use axum::http::Method;
use common::*;
use time::OffsetDateTime;

const APPS: usize = 300;

async fn fleet_sim(apps: usize) -> SimHandle {
    sim(SimConfig {
        seed: Seed::with_support_apps(),
        seed_apps: apps,
        ..SimConfig::default()
    })
    .await
}

/// Keeps every report, and the total announced.
#[derive(Default)]
struct Kept {
    total: Option<usize>,
    reports: Vec<AppReport>,
}

impl FleetSink for Kept {
    fn total(&mut self, apps: usize) {
        self.total = Some(apps);
    }

    fn report(&mut self, report: AppReport) -> std::io::Result<()> {
        self.reports.push(report);
        Ok(())
    }
}

async fn audit_all(sim: &SimHandle, wants: &Wants, now: OffsetDateTime) -> Kept {
    let profiles = profile::built_in();
    let catalog = Catalog::offline();
    let request = FleetRequest {
        profiles: &profiles,
        catalog: &catalog,
        wants,
        now,
    };
    let (reporter, _events) = reporter();
    let mut kept = Kept::default();
    let audited = fleet::audit_all(&client(sim), request, &reporter, &mut kept)
        .await
        .expect("the fleet is audited");
    assert_eq!(audited, kept.reports.len());
    kept
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fleet_report_equals_the_single_app_audit() {
    let sim = fleet_sim(APPS).await;
    let now = OffsetDateTime::now_utc();
    let profiles = profile::built_in();
    for wants in [
        Wants::default(),
        Wants {
            admin_consent: true,
            ..Wants::default()
        },
    ] {
        let kept = audit_all(&sim, &wants, now).await;
        assert_eq!(kept.total, Some(APPS + 3));
        assert_eq!(kept.reports.len(), APPS + 3);
        for report in &kept.reports {
            let (reporter, _events) = reporter();
            let mut inspection = doctor::inspect(
                &client(&sim),
                &Selector::AppId(report.app_id.clone()),
                &reporter,
            )
            .await
            .expect("the app is read");
            inspection.context.wants = wants.clone();
            let single = match preset::judged_by(&inspection.application, &profiles) {
                Some(profile) => {
                    assert_eq!(report.platform, profile.id);
                    doctor::audit(
                        &inspection.application,
                        &inspection.context,
                        profile,
                        &Catalog::offline(),
                        now,
                    )
                    .expect("the wants fit")
                }
                None => {
                    assert_eq!(report.platform, UNKNOWN_PLATFORM);
                    doctor::audit_secrets(&inspection.application, now)
                }
            };
            assert_eq!(report.findings, single, "{}", report.display_name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_grow_with_pages_not_apps() {
    // A fixed latency makes the chain of sequential round trips measurable.
    let sim = sim(SimConfig {
        seed: Seed::with_support_apps(),
        seed_apps: 2500,
        latency: Latency::fixed(std::time::Duration::from_millis(20)),
        ..SimConfig::default()
    })
    .await;
    sim.clear_log();
    let kept = audit_all(&sim, &Wants::default(), OffsetDateTime::now_utc()).await;
    assert_eq!(kept.reports.len(), 2503);
    let requests = sim.requests();
    let pages = |path: &str| {
        requests
            .iter()
            .filter(|r| r.path.starts_with(path) && r.path.contains("top=999"))
            .count()
    };
    // 2 503 apps and 2 500 service principals (plus the two first-party ones): 3 pages each.
    assert_eq!(pages("/v1.0/applications?"), 3, "{requests:#?}");
    assert_eq!(pages("/v1.0/servicePrincipals?"), 3, "{requests:#?}");
    // Pages, the count, the tenant and the APIs apps use; nothing per app.
    assert!(
        requests.len() <= 12,
        "{} requests: {requests:#?}",
        requests.len()
    );
    // The pages of service principals one after another, while those of the applications
    // are read alongside; the count, the tenant and the APIs at the same time.
    assert!(
        sim.critical_path() <= 4,
        "sequential round trips: {}",
        sim.critical_path()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_pages_are_waited_out() {
    let sim = fleet_sim(1200).await;
    sim.inject(Fault {
        method: Some(Method::GET),
        path_contains: "skiptoken".into(),
        kind: FaultKind::Throttle {
            retry_after_secs: 1,
        },
        times: 1,
    });
    sim.clear_log();
    let kept = audit_all(&sim, &Wants::default(), OffsetDateTime::now_utc()).await;
    assert_eq!(kept.reports.len(), 1203);
    let requests = sim.requests();
    let throttled = requests
        .iter()
        .find(|r| r.status == Some(429))
        .expect("a 429");
    let retried = requests
        .iter()
        .find(|r| r.path == throttled.path && r.status == Some(200))
        .expect("the page is asked again");
    assert!(
        retried.started.duration_since(throttled.finished) >= std::time::Duration::from_millis(900),
        "Retry-After is honoured"
    );
}

/// The real binary, pointed at the simulator with a token.
async fn appreg(sim: &SimHandle, args: &[&str]) -> (Option<i32>, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(["--graph-url", &sim.graph_url(), "doctor", "--all"])
        .args(args)
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("appreg runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_filters_by_code_and_platform_in_json_and_csv() {
    let sim = fleet_sim(APPS).await;
    let (code, stdout, stderr) = appreg(&sim, &["--only", "secret-expiring-30d", "--json"]).await;
    assert_eq!(code, Some(0), "warnings only: {stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let apps = doc["apps"].as_array().expect("apps");
    // 8 in every 100 generated apps expire within 30 days, and Support Mailbox Sync.
    assert_eq!(apps.len(), APPS * 8 / 100 + 1, "{stdout}");
    for app in apps {
        for key in ["appId", "displayName", "platform"] {
            assert!(app[key].is_string(), "{key}: {app}");
        }
        let findings = app["findings"].as_array().expect("findings");
        assert!(!findings.is_empty());
        assert!(findings.iter().all(|f| f["code"] == "secret-expiring-30d"));
    }
    assert_eq!(doc["summary"]["audited"], APPS + 3);

    let (code, stdout, _) = appreg(&sim, &["--platform", "unknown", "--csv"]).await;
    assert_eq!(code, Some(1), "some unknown apps have expired secrets");
    let mut rows = stdout.lines();
    assert_eq!(
        rows.next(),
        Some("appId,displayName,platform,severity,code,title")
    );
    let rows: Vec<&str> = rows.collect();
    assert!(!rows.is_empty());
    for row in rows {
        let fields: Vec<&str> = row.split("\",\"").collect();
        assert_eq!(fields.len(), 6, "{row}");
        assert_eq!(fields[2], "unknown", "{row}");
        assert!(row.starts_with('"') && row.ends_with('"'), "{row}");
    }

    let (code, _, stderr) = appreg(&sim, &["--only", "no-such-code"]).await;
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, stderr) = appreg(&sim, &["--app-id", "x"]).await;
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}
