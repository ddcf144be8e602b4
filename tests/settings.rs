//! The guides' optional steps through the real binary against the simulator: `create` sets
//! them on the shortest path, `doctor` finds them missing on an app without them and its fix
//! sets them.

mod common;

use appreg::sim::{SimConfig, SimHandle};
use common::TEST_TOKEN;
use serde_json::Value;
use std::process::{Output, Stdio};
use tokio::process::Command;

const MPN_ID: &str = "1234567";

fn appreg(sim: &SimHandle, state: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .args(args)
        .args(["--yes", "--json"])
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state)
        .stdin(Stdio::null());
    command
}

async fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().await.expect("appreg runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    (output, stdout, stderr)
}

/// A real (tiny) PNG, as `--logo` reads it.
fn logo(dir: &std::path::Path) -> String {
    let path = dir.join("logo.png");
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat();
    std::fs::write(&path, png).unwrap();
    path.display().to_string()
}

fn settings_args(logo: &str) -> Vec<String> {
    [
        "--optional-claim",
        "id:email,access:upn",
        "--hide-app",
        "--homepage-url",
        "https://acme.example",
        "--privacy-url",
        "https://acme.example/privacy",
        "--terms-url",
        "https://acme.example/terms",
        "--logo",
        logo,
        "--publisher-id",
        MPN_ID,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn assert_settled(sim: &SimHandle, name: &str) {
    let app = common::apps_named(sim, name).remove(0);
    let doc = &app.document;
    assert_eq!(
        doc["optionalClaims"]["idToken"][0]["name"], "email",
        "{doc}"
    );
    assert_eq!(doc["optionalClaims"]["accessToken"][0]["name"], "upn");
    assert_eq!(doc["web"]["homePageUrl"], "https://acme.example");
    assert_eq!(
        doc["info"]["privacyStatementUrl"],
        "https://acme.example/privacy"
    );
    assert_eq!(
        doc["info"]["termsOfServiceUrl"],
        "https://acme.example/terms"
    );
    assert!(
        doc["info"]["logoUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert_eq!(doc["verifiedPublisher"]["verifiedPublisherId"], MPN_ID);
    let sp = sim
        .snapshot()
        .tenants
        .iter()
        .flat_map(|t| t.service_principals.clone())
        .find(|sp| sp.app_id == app.app_id)
        .expect("the service principal");
    assert!(sp.tags.iter().any(|t| t == "HideApp"), "{:?}", sp.tags);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_sets_every_optional_setting_without_another_round_trip() {
    // Latency makes requests in flight together visible as such in the log.
    let sim = common::sim(SimConfig {
        latency: appreg::sim::Latency::fixed(std::time::Duration::from_millis(40)),
        ..SimConfig::default()
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let logo = logo(state.path());
    let mut args = vec!["create", "--profile", "nango", "--name", "Branded"];
    let settings = settings_args(&logo);
    args.extend(settings.iter().map(String::as_str));
    let (output, stdout, stderr) = run(&mut appreg(&sim, state.path(), &args)).await;
    assert!(output.status.success(), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let reported = doc["optionalSettings"].to_string();
    for what in [
        "Token configuration",
        "Visible to users?",
        "Upload the logo",
        "Verify the publisher",
    ] {
        assert!(reported.contains(what), "{what}: {reported}");
    }
    assert!(!reported.contains("failed"), "{reported}");
    assert_settled(&sim, "Branded");
    // The logo and the publisher go beside the secret: the tenant, the app, the secret and
    // the rest side by side, then the sign-in that proves the secret.
    assert_eq!(sim.critical_path(), 4, "{:#?}", sim.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_finds_the_settings_missing_and_its_fix_sets_them() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let (output, _, stderr) = run(&mut appreg(
        &sim,
        state.path(),
        &["create", "--profile", "nango", "--name", "Plain"],
    ))
    .await;
    assert!(output.status.success(), "{stderr}");

    let logo = logo(state.path());
    let settings = settings_args(&logo);
    let mut check = vec!["doctor", "--name", "Plain", "--profile", "nango"];
    check.extend(settings.iter().map(String::as_str));
    let (_, stdout, stderr) = run(&mut appreg(&sim, state.path(), &check)).await;
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let codes = report.to_string();
    for code in [
        "optional-claim-missing",
        "app-visible",
        "branding-mismatch",
        "logo-missing",
        "publisher-unverified",
    ] {
        assert!(codes.contains(code), "{code}: {codes}");
    }

    check.push("--fix");
    let (output, _, stderr) = run(&mut appreg(&sim, state.path(), &check)).await;
    assert!(output.status.success(), "{stderr}");
    assert_settled(&sim, "Plain");
}

#[tokio::test]
async fn bad_settings_are_bad_input_before_anything_is_sent() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let not_an_image = state.path().join("logo.png");
    std::fs::write(&not_an_image, "not an image").unwrap();
    let not_an_image = not_an_image.display().to_string();
    for (extra, expected) in [
        (
            &["--optional-claim", "id:emial"][..],
            "not an optional claim",
        ),
        (&["--optional-claim", "email"][..], "TOKEN:NAME"),
        (&["--homepage-url", "http://acme.example"][..], "https"),
        (&["--logo", not_an_image.as_str()][..], "not a PNG or JPEG"),
        (
            &["--publisher-id", "acme"][..],
            "Microsoft Partner Network id",
        ),
        (
            &["--publisher-id", MPN_ID, "--cloud", "usgov"][..],
            "global cloud only",
        ),
    ] {
        let mut args = vec!["create", "--profile", "nango", "--name", "Bad"];
        args.extend(extra);
        let mut command = appreg(&sim, state.path(), &args);
        if extra.contains(&"usgov") {
            // The national cloud's own endpoints, not the simulator's.
            command = Command::new(env!("CARGO_BIN_EXE_appreg"));
            command
                .args(&args)
                .args(["--yes", "--json"])
                .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
                .env("APPREG_STATE_DIR", state.path())
                .stdin(Stdio::null());
        }
        let (output, _, stderr) = run(&mut command).await;
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    // plan too: the cloud decides what it may print.
    let (output, _, stderr) = run(Command::new(env!("CARGO_BIN_EXE_appreg")).args([
        "plan",
        "--profile",
        "nango",
        "--name",
        "Bad",
        "--publisher-id",
        MPN_ID,
        "--cloud",
        "china",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("global cloud only"), "{stderr}");

    // doctor refuses the same before it signs in or reads anything.
    for (extra, expected) in [
        (&["--privacy-url", "not a url"][..], "privacy statement URL"),
        (
            &["--publisher-id", "acme"][..],
            "Microsoft Partner Network id",
        ),
    ] {
        let mut args = vec!["doctor", "--name", "Anything", "--profile", "nango"];
        args.extend(extra);
        let (output, _, stderr) = run(&mut appreg(&sim, state.path(), &args)).await;
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert!(sim.requests().is_empty(), "nothing was sent");
}
