//! `doctor` against the simulator with the real client: every defect the seeds carry is found,
//! `--fix` mends what it may (and nothing else), and the binary reports and exits like `create`.

mod common;

use appreg::catalog::{Catalog, MICROSOFT_GRAPH};
use appreg::doctor::{
    self, Action, Code, Errand, Finding, FixOptions, Inspection, Remedy, Selector, Severity, Wants,
};
use appreg::profile;
use appreg::run;
use appreg::sim::{
    AppSeed, Fault, FaultKind, LEGACY_NYLAS_APP_ID, LOCKED_NANGO_APP_ID, SUPPORT_MAILBOX_APP_ID,
    SecretSeed, Seed, SimConfig, SimHandle, scope,
};
use axum::http::Method;
use common::*;
use time::OffsetDateTime;

const US: &str = "https://api.us.nylas.com/v3/connect/callback";
const EU: &str = "https://api.eu.nylas.com/v3/connect/callback";
const V2_US: &str = "https://api.nylas.com/oauth/callback";

async fn support_sim() -> SimHandle {
    sim(SimConfig {
        seed: Seed::with_support_apps(),
        ..SimConfig::default()
    })
    .await
}

fn wants_everything() -> Wants {
    Wants {
        regions: vec!["us".into(), "eu".into()],
        admin_consent: true,
        ..Wants::default()
    }
}

async fn inspect(sim: &SimHandle, selector: Selector, wants: Wants) -> Inspection {
    let (reporter, _events) = reporter();
    let mut inspection = doctor::inspect(&client(sim), &selector, &reporter)
        .await
        .expect("the app is read");
    inspection.context.wants = wants;
    inspection
}

fn audit(inspection: &Inspection, profile_id: &str) -> Vec<Finding> {
    doctor::audit(
        &inspection.application,
        &inspection.context,
        &profile::find(profile_id).unwrap(),
        &Catalog::offline(),
        OffsetDateTime::now_utc(),
    )
    .expect("the wants fit the preset")
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

/// Fixes, then reads and audits again.
async fn fix(
    sim: &SimHandle,
    inspection: &Inspection,
    profile_id: &str,
    options: FixOptions,
) -> (Inspection, Vec<Finding>) {
    let findings = audit(inspection, profile_id);
    let steps = doctor::fix_plan(
        &inspection.application,
        &inspection.context,
        &findings,
        options,
    );
    let (reporter, _events) = reporter();
    run::repair(&client(sim), &inspection.application, &steps, &reporter)
        .await
        .expect("the fix is applied");
    let selector = Selector::AppId(inspection.application.app_id.clone());
    let after = inspect(sim, selector, inspection.context.wants.clone()).await;
    let findings = audit(&after, profile_id);
    (after, findings)
}

#[tokio::test]
async fn the_legacy_nylas_app_shows_every_defect() {
    let sim = support_sim().await;
    let inspection = inspect(
        &sim,
        Selector::Name("Acme Nylas (legacy)".into()),
        wants_everything(),
    )
    .await;
    assert_eq!(inspection.application.app_id, LEGACY_NYLAS_APP_ID);
    let findings = audit(&inspection, "nylas-v3");
    let found = codes(&findings);
    for code in [
        "audience-mismatch",
        "token-version",
        "redirect-uri-wrong-platform",
        "redirect-uri-missing",
        "redirect-uri-extra",
        "implicit-grant-unneeded",
        "offline-access-missing",
        "permission-missing",
        "permission-retired",
        "secret-expired",
        "service-principal-missing",
        "admin-consent-missing",
        "publisher-unverified",
    ] {
        assert!(found.contains(&code), "{code} missing from {found:?}");
    }
    let missing = findings
        .iter()
        .find(|f| f.code == Code::RedirectUriMissing)
        .unwrap();
    assert!(missing.title.contains(EU) && missing.severity == Severity::Error);
}

#[tokio::test]
async fn fix_mends_the_legacy_app_and_removes_nothing_unasked() {
    let sim = support_sim().await;
    let inspection = inspect(
        &sim,
        Selector::AppId(LEGACY_NYLAS_APP_ID.into()),
        wants_everything(),
    )
    .await;
    let (after, findings) = fix(&sim, &inspection, "nylas-v3", FixOptions::default()).await;
    let errors: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(
        errors,
        ["secret-expired"],
        "only the secret is left: --fix never touches secrets"
    );
    let remaining = codes(&findings);
    for removal in [
        "permission-retired",
        "redirect-uri-extra",
        "implicit-grant-unneeded",
    ] {
        assert!(
            remaining.contains(&removal),
            "{removal} waits for --remove-extra"
        );
    }

    let app = &apps_named(&sim, "Acme Nylas (legacy)")[0];
    assert_eq!(app.sign_in_audience, "AzureADandPersonalMicrosoftAccount");
    assert_eq!(app.web_redirect_uris, [V2_US, US, EU]);
    assert_eq!(app.document["spa"]["redirectUris"], serde_json::json!([]));
    assert_eq!(app.document["api"]["requestedAccessTokenVersion"], 2);
    assert_eq!(
        app.password_credentials.len(),
        1,
        "secrets are never deleted"
    );
    let sp = after
        .context
        .service_principal
        .expect("service principal made");
    let snapshot = sim.snapshot();
    let grant = snapshot
        .home()
        .unwrap()
        .grants
        .iter()
        .find(|g| g.client_id == sp.id)
        .expect("admin consent granted");
    assert!(grant.scope.contains("offline_access") && grant.scope.contains("Mail.Read"));
}

#[tokio::test]
async fn the_locked_nango_app_is_unlocked_and_keeps_what_an_administrator_chose() {
    let sim = support_sim().await;
    let inspection = inspect(
        &sim,
        Selector::AppId(LOCKED_NANGO_APP_ID.into()),
        Wants::default(),
    )
    .await;
    let before = codes(&audit(&inspection, "nango"));
    for code in [
        "redirect-uri-missing",
        "permission-wrong-type",
        "service-principal-disabled",
        "public-client-flows",
        "assignment-required",
    ] {
        assert!(before.contains(&code), "{code} not in {before:?}");
    }

    let (after, findings) = fix(
        &sim,
        &inspection,
        "nango",
        FixOptions { remove_extra: true },
    )
    .await;
    assert!(
        findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        codes(&findings)
    );
    assert!(
        codes(&findings).contains(&"assignment-required"),
        "assignment stays as the administrator set it"
    );
    let app = &apps_named(&sim, "Acme Nango (locked)")[0];
    assert_eq!(
        app.web_redirect_uris,
        ["https://api.nango.dev/oauth/callback"]
    );
    assert_eq!(app.document["isFallbackPublicClient"], false);
    let permissions = app.document["requiredResourceAccess"].to_string();
    assert!(
        permissions.contains("810c84a8-4a9e-49e6-bf7d-12d183f40d01"),
        "the application permission stays: only the portal removes it"
    );
    assert!(permissions.contains("570282fd-fa5c-430d-a7fd-fc8dc98a9dca"));
    assert_eq!(app.password_credentials.len(), 1);
    let sp = after.context.service_principal.expect("service principal");
    assert_eq!(sp.account_enabled, Some(true));
    assert_eq!(sp.app_role_assignment_required, Some(true));
}

#[tokio::test]
async fn remove_extra_removes_the_extra_uri_and_the_retired_permission() {
    let sim = support_sim().await;
    let inspection = inspect(
        &sim,
        Selector::AppId(LEGACY_NYLAS_APP_ID.into()),
        Wants::default(),
    )
    .await;
    let (_, findings) = fix(
        &sim,
        &inspection,
        "nylas-v3",
        FixOptions { remove_extra: true },
    )
    .await;
    assert!(!codes(&findings).contains(&"permission-retired"));
    let app = &apps_named(&sim, "Acme Nylas (legacy)")[0];
    assert_eq!(app.web_redirect_uris, [US, EU]);
    assert_eq!(
        app.document["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"],
        false
    );
    assert!(
        !app.document["requiredResourceAccess"]
            .to_string()
            .contains("00000002-0000-0000-c000-000000000000")
    );
}

#[tokio::test]
async fn the_support_mailbox_needs_its_secret_rotated_and_relies_on_ews() {
    let sim = support_sim().await;
    let inspection = inspect(
        &sim,
        Selector::AppId(SUPPORT_MAILBOX_APP_ID.into()),
        Wants {
            admin_consent: true,
            ..Wants::default()
        },
    )
    .await;
    let findings = audit(&inspection, "nylas-v2");
    assert_eq!(codes(&findings), ["ews-retiring", "secret-expiring-30d"]);
    // Its Exchange permissions are EAS and EWS, as Nylas v2 apps were registered before
    // Exchange Online turned EWS off: removal is offered, only when asked for.
    let ews = &findings[0];
    assert_eq!(ews.severity, Severity::Warning);
    assert!(
        ews.why.contains("2026-10-01") && ews.why.contains("2027-04-01"),
        "{}",
        ews.why
    );
    assert_eq!(ews.action(), Some(Action::FixRemovingExtras));
    let finding = &findings[1];
    assert_eq!(finding.severity, Severity::Warning);
    assert!(
        finding.title.contains("expires in 6 day(s)")
            || finding.title.contains("expires in 7 day(s)")
    );
    assert!(matches!(
        finding.action(),
        Some(Action::Errand(Errand::NewSecret {
            remove_expired: false,
            ..
        }))
    ));
}

#[tokio::test]
async fn streams_implicit_grant_and_application_roles_are_fixed() {
    let mut seed = Seed::demo();
    seed.tenants[0].applications.push(AppSeed {
        sign_in_audience: "AzureADMultipleOrgs".into(),
        web_redirect_uris: vec![V2_US.into()],
        permissions: vec![
            scope(MICROSOFT_GRAPH, "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"),
            (
                MICROSOFT_GRAPH.into(),
                "810c84a8-4a9e-49e6-bf7d-12d183f40d01".into(),
                "Role".into(),
            ),
        ],
        service_principal: true,
        secrets: vec![SecretSeed::new("daemon", 300)],
        ..AppSeed::new("Streams Daemon")
    });
    let sim = sim(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    let wants = Wants {
        admin_consent: true,
        ..Wants::default()
    };
    let inspection = inspect(&sim, Selector::Name("Streams Daemon".into()), wants).await;
    let before = audit(&inspection, "nylas-streams");
    assert!(codes(&before).contains(&"implicit-grant-off"));
    let (_, after) = fix(&sim, &inspection, "nylas-streams", FixOptions::default()).await;
    assert!(
        after.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        codes(&after)
    );
    let app = &apps_named(&sim, "Streams Daemon")[0];
    assert_eq!(
        app.document["web"]["implicitGrantSettings"],
        serde_json::json!({"enableAccessTokenIssuance": true, "enableIdTokenIssuance": true})
    );
}

#[tokio::test]
async fn names_that_match_no_app_or_several_are_explained() {
    let mut seed = Seed::demo();
    seed.tenants[0].applications.push(AppSeed::new("Twin"));
    seed.tenants[0].applications.push(AppSeed::new("Twin"));
    let sim = sim(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await;
    let (reporter, _events) = reporter();
    let client = client(&sim);
    let twin = doctor::inspect(&client, &Selector::Name("Twin".into()), &reporter).await;
    assert!(
        matches!(&twin, Err(doctor::InspectError::Ambiguous { app_ids, .. }) if app_ids.len() == 2)
    );
    let nobody = doctor::inspect(&client, &Selector::Name("Nobody's app".into()), &reporter).await;
    assert!(matches!(nobody, Err(doctor::InspectError::NotFound(_))));
    let unknown = Selector::app_id("00000000-0000-4000-8000-000000000000").unwrap();
    let error = doctor::inspect(&client, &unknown, &reporter)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no app registration"), "{error}");
}

#[tokio::test]
async fn lost_answers_during_a_fix_are_resent_without_duplicates() {
    let sim = support_sim().await;
    for path in ["/servicePrincipals", "/oauth2PermissionGrants"] {
        sim.inject(Fault::new(FaultKind::DropAfterCommit, path).method(Method::POST));
    }
    sim.inject(Fault::new(FaultKind::ServerError, "/applications/").method(Method::PATCH));
    let inspection = inspect(
        &sim,
        Selector::AppId(LEGACY_NYLAS_APP_ID.into()),
        wants_everything(),
    )
    .await;
    let (after, findings) = fix(&sim, &inspection, "nylas-v3", FixOptions::default()).await;
    assert!(!codes(&findings).contains(&"admin-consent-missing"));
    let sp = after.context.service_principal.unwrap();
    let snapshot = sim.snapshot();
    let home = snapshot.home().unwrap();
    assert_eq!(
        home.service_principals
            .iter()
            .filter(|s| s.app_id == LEGACY_NYLAS_APP_ID)
            .count(),
        1
    );
    assert_eq!(
        home.grants.iter().filter(|g| g.client_id == sp.id).count(),
        1
    );
}

#[tokio::test]
async fn inspecting_by_client_id_takes_two_round_trips() {
    let sim = sim(SimConfig {
        seed: Seed::with_support_apps(),
        latency: appreg::sim::Latency::fixed(std::time::Duration::from_millis(20)),
        ..SimConfig::default()
    })
    .await;
    sim.clear_log();
    inspect(
        &sim,
        Selector::AppId(SUPPORT_MAILBOX_APP_ID.into()),
        Wants::default(),
    )
    .await;
    assert_eq!(sim.critical_path(), 2, "{:#?}", sim.requests());
}

/// The real binary, pointed at the simulator with a token.
fn appreg(sim: &SimHandle, state: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reports_findings_as_json_and_exits_1_on_errors() {
    let sim = support_sim().await;
    let state = tempfile::tempdir().unwrap();
    let output = appreg(&sim, state.path())
        .args([
            "doctor",
            "--name",
            "Acme Nylas (legacy)",
            "--profile",
            "nylas-v3",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["app"]["appId"], LEGACY_NYLAS_APP_ID);
    let first = &doc["findings"][0];
    for key in ["code", "severity", "title", "why", "fix", "portal"] {
        assert!(first[key].is_string(), "{key}: {first}");
    }
    assert!(doc["summary"]["errors"].as_u64().unwrap() >= 5);

    // A fix needs --yes without a terminal, and nothing is sent before that.
    let output = appreg(&sim, state.path())
        .args([
            "doctor",
            "--app-id",
            LEGACY_NYLAS_APP_ID,
            "--profile",
            "nylas-v3",
            "--fix",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--yes"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("PATCH /applications/"));
    assert_eq!(
        apps_named(&sim, "Acme Nylas (legacy)")[0].sign_in_audience,
        "AzureADMultipleOrgs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exits_0_for_warnings_and_fixes_with_yes() {
    let sim = support_sim().await;
    let state = tempfile::tempdir().unwrap();
    let healthy = appreg(&sim, state.path())
        .args([
            "doctor",
            "--app-id",
            SUPPORT_MAILBOX_APP_ID,
            "--profile",
            "nylas-v2",
        ])
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&healthy.stdout);
    assert_eq!(healthy.status.code(), Some(0), "{text}");
    assert!(text.contains("warning [secret-expiring-30d]"), "{text}");
    assert!(text.contains("warning [ews-retiring]"), "{text}");

    let output = appreg(&sim, state.path())
        .args([
            "doctor",
            "--app-id",
            LEGACY_NYLAS_APP_ID,
            "--profile",
            "nylas-v3",
            "--fix",
            "--yes",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["fix"]["applied"], true);
    let after: Vec<&str> = doc["fix"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(after, ["secret-expired"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the expired secret is still an error"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Update the app registration: 204"),
        "{stderr}"
    );
    assert!(!stderr.contains(TEST_TOKEN));
}

#[tokio::test]
async fn consent_is_never_suggested_for_an_application_permission_a_delegated_platform_does_not_use()
 {
    let sim = support_sim().await;
    for admin_consent in [false, true] {
        let wants = Wants {
            admin_consent,
            ..Wants::default()
        };
        let inspection = inspect(&sim, Selector::AppId(LOCKED_NANGO_APP_ID.into()), wants).await;
        let findings = audit(&inspection, "nango");
        assert!(codes(&findings).contains(&"permission-wrong-type"));
        for finding in &findings {
            if let Some(Remedy::GrantAdminConsent { roles, .. }) = &finding.remedy {
                assert!(roles.is_empty(), "consent to {roles:?} offered");
            }
            let advises_consent = finding.fix.contains("grant admin consent")
                && !finding.fix.contains("do not grant admin consent");
            assert!(
                !(advises_consent && finding.title.contains("(application)")),
                "{}: {}",
                finding.title,
                finding.fix
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wants_a_preset_cannot_meet_are_bad_input() {
    let sim = support_sim().await;
    let state = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 2] = [
        (
            &["--capability", "teleport"],
            "has no capability 'teleport'",
        ),
        (
            &["--self-hosted-url", "https://nylas.acme.dev"],
            "has no self-hosted option",
        ),
    ];
    for (args, expected) in cases {
        let output = appreg(&sim, state.path())
            .args([
                "doctor",
                "--name",
                "Acme Nylas (legacy)",
                "--profile",
                "nylas-v3",
            ])
            .args(args)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
