//! The real `appreg` binary: `profiles`, `plan`, `create` against the simulator, bad input.

mod common;

use appreg::sim::{SimConfig, SimHandle};
use common::TEST_TOKEN;
use std::process::Output;
use tokio::process::Command;

fn appreg() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .env_remove("APPREG_ACCESS_TOKEN")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null());
    command
}

/// `appreg create --yes` with `args`, signed in with the test token against `sim`, its
/// journal under `state`.
fn create_in(sim: &SimHandle, state: &std::path::Path, args: &[&str]) -> Command {
    let mut command = appreg();
    command
        .args(["create", "--yes"])
        .args(args)
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().await.expect("appreg runs");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    (output, stdout, stderr)
}

#[tokio::test]
async fn profiles_lists_every_preset() {
    let (output, stdout, _) = run(appreg().arg("profiles")).await;
    assert!(output.status.success());
    for id in common::PROFILES {
        assert!(stdout.contains(id), "{stdout}");
    }
    let (_, json, _) = run(appreg().args(["profiles", "--json"])).await;
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
}

/// Nylas v2 is deprecated and EWS is a capability off by default whose note gives Microsoft's
/// dates: `profiles` says both, in text and in JSON.
#[tokio::test]
async fn profiles_mark_nylas_v2_deprecated_and_give_the_ews_dates() {
    let (_, stdout, _) = run(appreg().arg("profiles")).await;
    assert!(
        stdout.contains(
            "               deprecated: Nylas API v2 is deprecated since 2025-01-20: use Nylas v3"
        ),
        "{stdout}"
    );
    assert_eq!(stdout.matches("deprecated:").count(), 1, "{stdout}");
    let ews_note = "ews: Exchange Online turns Exchange Web Services off on 2026-10-01 in tenants that did not opt in and on 2027-04-01 in all: sign-in still works, but mail sync over EWS fails";
    assert_eq!(
        stdout.matches(ews_note).count(),
        2,
        "v2 and Streams\n{stdout}"
    );

    let (_, json, _) = run(appreg().args(["profiles", "--json"])).await;
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    for profile in list.as_array().unwrap() {
        let id = profile["id"].as_str().unwrap();
        assert_eq!(profile["deprecated"].is_string(), id == "nylas-v2", "{id}");
        let ews = profile["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "ews");
        match id {
            "nylas-v2" | "nylas-streams" => {
                let ews = ews.unwrap_or_else(|| panic!("{id} offers ews"));
                assert_eq!(ews["default"], false, "{id}");
                assert_eq!(ews["scopes"], serde_json::json!(["EWS.AccessAsUser.All"]));
                assert!(ews["note"].as_str().unwrap().contains("2027-04-01"), "{id}");
            }
            _ => assert!(ews.is_none(), "{id}"),
        }
    }
}

/// The Nylas v2 guide's sample manifest as its page prints it (no braces, no closing
/// brackets), as a user saves or pipes it.
const NYLAS_V2_PRINTED: &str = include_str!("fixtures/seeds/nylas-v2-manifest-as-printed.txt");

/// What `plan` says about the printed sample, wherever it is read from.
fn assert_the_printed_sample_imports(stdout: &str) {
    for expected in [
        "! manifest: 7 imported, 1 dropped: Azure AD Graph (retired)",
        "! manifest: repaired the pasted block: the block has no braces, as a guide's page prints it: its entries were rebuilt from their keys",
        "! manifest: Microsoft Graph Place.Read.All needs an administrator's consent",
        "! manifest: dropped 1 permission(s) of Azure AD Graph (retired)",
        "! EWS.AccessAsUser.All works through Exchange Web Services. Exchange Online turns Exchange Web Services off on 2026-10-01",
        "! Nylas API v2 is deprecated since 2025-01-20",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
}

#[tokio::test]
async fn the_nylas_v2_sample_as_its_page_prints_it_imports_from_a_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("nylas-v2-manifest.txt");
    std::fs::write(&saved, NYLAS_V2_PRINTED).unwrap();
    let plan = |manifest: &std::path::Path| {
        let mut command = appreg();
        command
            .args([
                "plan",
                "--profile",
                "nylas-v2",
                "--name",
                "Acme",
                "--manifest",
            ])
            .arg(manifest);
        command
    };
    let (output, stdout, stderr) = run(&mut plan(&saved)).await;
    assert!(output.status.success(), "{stderr}");
    assert_the_printed_sample_imports(&stdout);
    assert!(
        stdout.contains("\"id\": \"3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5\""),
        "the sample's EWS is imported\n{stdout}"
    );

    let mut piped = plan(std::path::Path::new("-"));
    piped.stdin(std::process::Stdio::piped());
    let mut child = piped.stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stdin, NYLAS_V2_PRINTED.as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(output.status.success());
    assert_the_printed_sample_imports(&text(&output.stdout));
}

#[tokio::test]
async fn a_printed_block_that_does_not_fit_is_bad_input_named_by_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.txt");
    // A permission whose "type" line was lost in the copy.
    std::fs::write(
        &broken,
        NYLAS_V2_PRINTED.replacen("                \"type\": \"Scope\"\n", "", 1),
    )
    .unwrap();
    let (output, _, stderr) = run(appreg()
        .args(["plan", "--profile", "nylas-v2", "--name", "x", "--manifest"])
        .arg(&broken))
    .await;
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(r#"this id has no "type" after it on line 4: "id": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182","#),
        "{stderr}"
    );
}

/// `create` for Nylas v2 registers Exchange ActiveSync only; EWS when its capability is named,
/// with Microsoft's dates among the warnings.
#[tokio::test]
async fn nylas_v2_creates_without_ews_unless_its_capability_is_named() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let exchange_ids = |name: &str| -> Vec<String> {
        let app = &common::apps_named(&sim, name)[0];
        app.document["requiredResourceAccess"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["resourceAppId"] == "00000002-0000-0ff1-ce00-000000000000")
            .flat_map(|r| r["resourceAccess"].as_array().unwrap().clone())
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (output, _, stderr) = run(&mut create_in(
        &sim,
        state.path(),
        &["--profile", "nylas-v2", "--name", "V2 Default", "--json"],
    ))
    .await;
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        exchange_ids("V2 Default"),
        ["266d2589-20b5-4f91-9a03-89247d1be8da"]
    );
    assert!(
        stderr.contains("! Nylas API v2 is deprecated since 2025-01-20"),
        "{stderr}"
    );
    assert!(
        stderr.contains("! EWS.AccessAsUser.All is left out: Exchange Online turns Exchange Web Services off on 2026-10-01"),
        "{stderr}"
    );

    let (output, _, stderr) = run(&mut create_in(
        &sim,
        state.path(),
        &[
            "--profile",
            "nylas-v2",
            "--name",
            "V2 With EWS",
            "--capability",
            "ews",
            "--json",
        ],
    ))
    .await;
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        exchange_ids("V2 With EWS"),
        [
            "266d2589-20b5-4f91-9a03-89247d1be8da",
            "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"
        ]
    );
    assert!(
        stderr.contains("! EWS.AccessAsUser.All works through Exchange Web Services. Exchange Online turns Exchange Web Services off on 2026-10-01 in tenants that did not opt in and on 2027-04-01 in all: sign-in still works, but mail sync over EWS fails."),
        "{stderr}"
    );
}

#[tokio::test]
async fn plan_prints_requests_and_manifest_without_signing_in() {
    let (output, stdout, stderr) = run(appreg().args([
        "plan",
        "--profile",
        "nylas-v2",
        "--name",
        "Acme Mail",
        "--region",
        "us,eu",
    ]))
    .await;
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("PATCH /applications(uniqueName='appreg-{generated}')"),
        "{stdout}"
    );
    assert!(stdout.contains("Prefer: create-if-missing"));
    assert!(stdout.contains("https://ireland.api.nylas.com/oauth/callback"));
    assert!(stdout.contains("\"resourceAppId\": \"00000002-0000-0ff1-ce00-000000000000\""));
    assert!(
        stdout.contains("Azure AD Graph"),
        "the retired-resource warning is shown"
    );

    let (output, stdout, _) = run(appreg().args([
        "plan",
        "--profile",
        "nylas-streams",
        "--name",
        "S",
        "--json",
    ]))
    .await;
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        doc["summary"]["implicitGrant"],
        serde_json::json!({"accessTokens": true, "idTokens": true})
    );
    assert_eq!(doc["requests"][1]["method"], "PATCH");
}

#[tokio::test]
async fn bad_input_gets_a_clear_message_and_exit_code_2() {
    let cases: [(&[&str], &str); 11] = [
        (&["plan", "--name", ""], "name: enter a name"),
        (
            &[
                "plan",
                "--name",
                "x",
                "--profile",
                "nylas-v3",
                "--redirect-uri",
                "https://api.us.nylas.com/v3/connect/callback/",
            ],
            "Entra compares redirect URIs exactly",
        ),
        (
            &[
                "plan",
                "--name",
                "x",
                "--profile",
                "nylas-v3",
                "--redirect-uri",
                "https://API.US.NYLAS.COM/v3/connect/callback",
            ],
            "Entra compares redirect URIs exactly",
        ),
        (
            &[
                "plan",
                "--name",
                "x",
                "--redirect-uri",
                "https://app.example.com/cb",
                "--redirect-uri",
                "https://app.example.com/cb",
            ],
            "listed twice",
        ),
        (
            &["plan", "--name", "x", "--region", "apac"],
            "no region 'apac'",
        ),
        (
            &["plan", "--name", "x", "--secret-months", "36"],
            "secret lifetime",
        ),
        (
            &[
                "plan",
                "--name",
                "x",
                "--redirect-uri",
                "http://example.com/cb",
            ],
            "must use https",
        ),
        (
            &["plan", "--name", "x", "--permission", "Mail.Raed"],
            "did you mean",
        ),
        (
            &["plan", "--name", "x", "--profile", "nylas-v4"],
            "unknown profile",
        ),
        (
            &["plan", "--name", "x", "--secret-until", "next year"],
            "--secret-until: enter the date as YYYY-MM-DD",
        ),
        (
            &["plan", "--name", "x", "--secret-until", "2027-02-30"],
            "2027-02-30 is not a calendar date",
        ),
    ];
    for (args, expected) in cases {
        let (output, _, stderr) = run(appreg().args(args)).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn create_without_a_terminal_needs_yes() {
    let (output, _, stderr) = run(appreg().args([
        "create",
        "--name",
        "x",
        "--graph-url",
        "http://127.0.0.1:9/v1.0",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("--yes"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_against_the_simulator_prints_the_secret_once_and_logs_nothing_secret() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(appreg()
        .args([
            "create",
            "--profile",
            "nylas-v3",
            "--name",
            "Acme Mail",
            "--region",
            "us,eu",
            "--yes",
            "--json",
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
        .env("APPREG_STATE_DIR", state.path())
        .env("RUST_LOG", "trace"))
    .await;
    assert!(output.status.success(), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let secret = doc["secret"]["value"].as_str().unwrap().to_string();
    assert!(secret.len() >= 30);
    for key in [
        "tenantId",
        "appId",
        "objectId",
        "displayName",
        "signInAudience",
        "redirectUris",
        "permissions",
        "servicePrincipalId",
    ] {
        assert!(!doc[key].is_null(), "{key} missing: {stdout}");
    }
    assert_eq!(doc["redirectUris"].as_array().unwrap().len(), 2);
    assert_eq!(
        stdout.matches(&secret).count(),
        1,
        "the secret is printed once"
    );
    assert!(!stderr.contains(&secret), "the secret reached stderr/logs");
    assert!(
        !stderr.contains(TEST_TOKEN),
        "the token reached stderr/logs"
    );
    assert!(stderr.contains("shown only this once"), "{stderr}");
    for entry in std::fs::read_dir(state.path()).unwrap() {
        let journal = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!journal.contains(&secret) && !journal.contains(TEST_TOKEN));
    }
    let apps = common::apps_named(&sim, "Acme Mail");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].app_id, doc["appId"].as_str().unwrap());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_out_writes_a_private_new_file_instead_of_stdout() {
    use std::os::unix::fs::PermissionsExt;
    let sim = common::sim(SimConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret.txt");
    let (output, stdout, stderr) = run(appreg()
        .args([
            "create",
            "--profile",
            "nango",
            "--name",
            "Nango App",
            "--yes",
            "--secret-out",
        ])
        .arg(&file)
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
            "--arm-url",
            &sim.arm_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", dir.path().join("state")))
    .await;
    assert!(output.status.success(), "{stderr}");
    let secret = std::fs::read_to_string(&file).unwrap();
    assert!(secret.len() >= 30);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!stdout.contains(&secret));
    assert!(stdout.contains("written to"), "{stdout}");

    // An existing file is never overwritten, and nothing is created.
    let (output, _, stderr) = run(appreg()
        .args([
            "create",
            "--profile",
            "nango",
            "--name",
            "Second",
            "--yes",
            "--secret-out",
        ])
        .arg(&file)
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(common::apps_named(&sim, "Second").is_empty());
}

/// A result that cannot reach anyone (stdout closed) takes its secret off the app again.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_whose_result_cannot_be_written_is_removed_from_the_app() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let mut child = create_in(
        &sim,
        state.path(),
        &["--profile", "nylas-v3", "--name", "Nobody Reads"],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // The reader goes away before anything is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().await.unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the result to stdout")
            && stderr.contains("the new secret was removed from the app"),
        "{stderr}"
    );
    let apps = common::apps_named(&sim, "Nobody Reads");
    assert_eq!(apps.len(), 1, "the app stays, for a re-run to reuse");
    assert!(
        apps[0].password_credentials.is_empty(),
        "no secret nobody holds"
    );
}

/// Running the same `create` again after it finished makes a second app: it says so first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_the_same_app_again_names_the_one_already_made() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let create = || {
        create_in(
            &sim,
            state.path(),
            &["--profile", "nango", "--name", "Twice", "--json"],
        )
    };
    let (first, stdout, stderr) = run(&mut create()).await;
    assert!(first.status.success(), "{stderr}");
    assert!(!stderr.contains("already registered"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let app_id = doc["appId"].as_str().unwrap();

    let (second, _, stderr) = run(&mut create()).await;
    assert!(second.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "already registered \"Twice\" here (client id {app_id})"
        )),
        "{stderr}"
    );
    assert_eq!(common::apps_named(&sim, "Twice").len(), 2);
}

/// The secret `create` hands over signs the app in (client credentials) against the
/// simulator's token endpoint, and a wrong one is refused as Entra ID refuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_secret_signs_its_app_in_with_client_credentials() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let (created, stdout, stderr) = run(&mut create_in(
        &sim,
        state.path(),
        &["--profile", "custom", "--name", "Daemon", "--json"],
    ))
    .await;
    assert!(created.status.success(), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (app_id, tenant) = (
        doc["appId"].as_str().unwrap(),
        doc["tenantId"].as_str().unwrap(),
    );
    let secret = doc["secret"]["value"].as_str().unwrap();

    let doctor = |secret: &str| {
        let mut command = appreg();
        command
            .args(["doctor", "--app-id", app_id, "--profile", "custom"])
            .args([
                "--auth",
                "client-secret",
                "--client-id",
                app_id,
                "--tenant",
                tenant,
            ])
            .args([
                "--graph-url",
                &sim.graph_url(),
                "--login-url",
                &sim.login_url(),
            ])
            .env("APPREG_CLIENT_SECRET", secret);
        command
    };
    let (_, stdout, stderr) = run(&mut doctor(secret)).await;
    assert!(stderr.contains("Signed in"), "{stderr}");
    assert!(
        stdout.contains("Daemon"),
        "the app was read: {stdout}\n{stderr}"
    );
    assert!(!stderr.contains(secret) && !stdout.contains(secret));

    let (refused, _, stderr) = run(&mut doctor("not-the-secret")).await;
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("AADSTS7000215"), "{stderr}");
}

/// `command` run by a shell with stdout closed, as `appreg … >&-` runs it.
#[cfg(unix)]
fn with_stdout_closed(command: &Command) -> Command {
    let command = command.as_std();
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(r#"exec "$0" "$@" >&-"#)
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(std::process::Stdio::null());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => shell.env(name, value),
            None => shell.env_remove(name),
        };
    }
    shell
}

/// A secret bound for a stdout nobody reads (closed, or /dev/null) is never made: `create` and
/// `rotate-secret` stop before anything is sent and say to use --secret-out.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_nobody_can_receive_is_never_made() {
    use appreg::sim::{SUPPORT_MAILBOX_APP_ID, Seed};
    let sim = common::sim(SimConfig {
        seed: Seed::with_support_apps(),
        ..SimConfig::default()
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let create = || {
        create_in(
            &sim,
            state.path(),
            &["--profile", "nango", "--name", "Unread", "--json"],
        )
    };
    let rotate = || {
        let mut command = appreg();
        command
            .args(["rotate-secret", "--yes", "--app-id", SUPPORT_MAILBOX_APP_ID])
            .args([
                "--graph-url",
                &sim.graph_url(),
                "--login-url",
                &sim.login_url(),
            ])
            .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
            .env("APPREG_STATE_DIR", state.path());
        command
    };
    for (what, command) in [
        ("create", &create as &dyn Fn() -> Command),
        ("rotate", &rotate),
    ] {
        let mut to_null = command();
        to_null.stdout(std::process::Stdio::null());
        for (stdout, mut nowhere) in [
            ("closed", with_stdout_closed(&command())),
            ("/dev/null", to_null),
        ] {
            // Spawned rather than run with `output()`, which would pipe stdout.
            let child = nowhere
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let output = child.wait_with_output().await.unwrap();
            let stderr = text(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{what}, stdout {stdout}: {stderr}"
            );
            assert!(
                stderr.contains("would reach nobody") && stderr.contains("--secret-out FILE"),
                "{what}, stdout {stdout}: {stderr}"
            );
        }
    }
    assert!(sim.requests().is_empty(), "nothing was sent");
    assert!(common::apps_named(&sim, "Unread").is_empty());
}

/// Every `--secret-out` a new private file cannot be made at is refused before anything is
/// sent: a dangling symbolic link, an existing file, a missing directory, a directory the user
/// cannot write to.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_out_path_that_cannot_take_a_new_file_is_refused_first() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Others may look in (the read-only case may run as another user), not write.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let existing = dir.path().join("existing.txt");
    std::fs::write(&existing, "keep me").unwrap();
    let dangling = dir.path().join("dangling.txt");
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), &dangling).unwrap();
    let read_only = dir.path().join("read-only");
    std::fs::create_dir(&read_only).unwrap();
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o555)).unwrap();
    // The superuser writes anywhere: the read-only case runs as nobody then.
    let as_root = std::fs::metadata(dir.path()).unwrap().uid() == 0;

    let missing = dir.path().join("missing");
    let cases = [
        (
            dangling.clone(),
            "is a symbolic link to a missing file".to_string(),
        ),
        (existing.clone(), "already exists".into()),
        (
            missing.join("secret.txt"),
            format!("the directory {} does not exist", missing.display()),
        ),
        (
            read_only.join("secret.txt"),
            format!(
                "cannot make a file in {}: Permission denied",
                read_only.display()
            ),
        ),
    ];
    for (path, expected) in cases {
        let mut command = create_in(
            &sim,
            state.path(),
            &["--profile", "nango", "--name", "Refused"],
        );
        command.arg("--secret-out").arg(&path);
        if as_root && path.starts_with(&read_only) {
            command.uid(65534).gid(65534);
        }
        let (output, _, stderr) = run(&mut command).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            path.display()
        );
        assert!(
            stderr.contains(&format!("--secret-out {}: {expected}", path.display())),
            "{}: {stderr}",
            path.display()
        );
    }
    assert!(sim.requests().is_empty(), "nothing was sent");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    assert!(!dangling.exists(), "the link still leads nowhere");
}

/// A manifest that never ends (`/dev/zero`, an endless stdin) stops at the cap; one that is not
/// UTF-8 or not JSON is bad input, named by its line. A profile file is read the same way.
#[tokio::test]
async fn endless_or_broken_input_files_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let not_utf8 = dir.path().join("latin1.json");
    std::fs::write(&not_utf8, b"[\n  {\"resourceAppId\": \"caf\xe9\"}\n]").unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "[\n  {\"resourceAppId\": \"00000003-0000-0000-c000-000000000000\",\n    \"resourceAccess\": [{\"id\": \"x\" \"type\": \"Scope\"}]}\n]",
    )
    .unwrap();
    let plan = |option: &str, path: &std::path::Path| {
        let mut command = appreg();
        command.args(["plan", "--name", "x", option]).arg(path);
        command
    };
    let mut endless_stdin = plan("--manifest", std::path::Path::new("-"));
    #[cfg(unix)]
    endless_stdin.stdin(std::fs::File::open("/dev/zero").unwrap());
    #[cfg(unix)]
    let endless = vec![
        (
            plan("--manifest", std::path::Path::new("/dev/zero")),
            "--manifest: /dev/zero holds more than 1 MiB",
        ),
        (endless_stdin, "--manifest: stdin holds more than 1 MiB"),
        (
            plan("--profile-file", std::path::Path::new("/dev/zero")),
            "--profile-file: /dev/zero holds more than 1 MiB",
        ),
    ];
    #[cfg(not(unix))]
    let endless = Vec::new();
    let cases = endless.into_iter().chain([
        (plan("--manifest", &not_utf8), "is not UTF-8 text (line 2)"),
        (
            plan("--manifest", &broken),
            r#"expected `,` or `}` on line 3: "resourceAccess": [{"id": "x" "type": "Scope"}]}"#,
        ),
    ]);
    for (mut command, expected) in cases {
        let (output, _, stderr) = run(&mut command).await;
        assert_eq!(output.status.code(), Some(2), "{expected}: {stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

/// `plan` says what a manifest import kept and what it dropped.
#[tokio::test]
async fn a_manifest_import_counts_what_it_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("nylas-v2.json");
    std::fs::write(
        &manifest,
        r#"{"requiredResourceAccess": [
            {"resourceAppId": "00000003-0000-0000-c000-000000000000",
             "resourceAccess": [{"id": "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "type": "Scope"}]},
            {"resourceAppId": "00000002-0000-0000-c000-000000000000",
             "resourceAccess": [{"id": "311a71cc-e848-46a1-bdf8-97ff7156d8e6", "type": "Scope"}]}
        ]}"#,
    )
    .unwrap();
    let (output, stdout, stderr) = run(appreg()
        .args(["plan", "--profile", "custom", "--name", "x", "--manifest"])
        .arg(&manifest))
    .await;
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("! manifest: 1 imported, 1 dropped: Azure AD Graph (retired)"),
        "{stdout}"
    );
}

/// Two display names that read alike to a file name ("日本語 App", "中文 App") keep two
/// journals: a re-run of the second after a failed first makes its own app and leaves the
/// first app as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfinished_run_is_never_taken_over_by_another_name() {
    use appreg::sim::{Fault, FaultKind};
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    sim.inject(Fault::new(FaultKind::Forbidden, "/addPassword"));
    let create = |name: &str| {
        create_in(
            &sim,
            state.path(),
            &["--profile", "nango", "--name", name, "--json"],
        )
    };
    let (first, _, stderr) = run(&mut create("日本語 App")).await;
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    let made = common::apps_named(&sim, "日本語 App");
    assert_eq!(
        made.len(),
        1,
        "the first run made its app before it stopped"
    );

    let (second, stdout, stderr) = run(&mut create("中文 App")).await;
    assert!(second.status.success(), "{stderr}");
    assert!(
        !stderr.contains("Continuing the earlier unfinished run"),
        "{stderr}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_ne!(doc["appId"].as_str(), Some(made[0].app_id.as_str()));
    assert_eq!(common::apps_named(&sim, "日本語 App"), made, "untouched");
    assert_eq!(common::apps_named(&sim, "中文 App").len(), 1);
}

/// A second appreg on the journal of a run under way stops at once and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_journal_in_use_stops_with_a_clear_message() {
    let sim = common::sim(SimConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    // This process holds the journal, as a run of the same app in another terminal would.
    let held = appreg::journal::Journal::open(state.path(), None, "Busy App", "nango").unwrap();
    let (output, _, stderr) = run(&mut create_in(
        &sim,
        state.path(),
        &["--profile", "nango", "--name", "Busy App"],
    ))
    .await;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another appreg is working on this app right now"),
        "{stderr}"
    );
    assert!(common::apps_named(&sim, "Busy App").is_empty());
    drop(held);
    let (output, _, stderr) = run(&mut create_in(
        &sim,
        state.path(),
        &["--profile", "nango", "--name", "Busy App"],
    ))
    .await;
    assert!(
        output.status.success(),
        "free again once the first ends: {stderr}"
    );
}

#[tokio::test]
async fn an_endpoint_that_would_expose_the_token_is_bad_input() {
    let state = tempfile::tempdir().expect("temp dir");
    let plain = ["--graph-url", "http://192.0.2.2/v1.0"];
    let with_password = ["--login-url", "https://admin:hunter2@login.example.com"];
    for args in [&plain[..], &with_password[..]] {
        for command in [&["create", "--yes", "--name", "x"][..], &[][..]] {
            let (output, stdout, stderr) = run(appreg()
                .args(command)
                .args(args)
                .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
                .env("APPREG_STATE_DIR", state.path()))
            .await;
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?} {command:?}: {stderr}"
            );
            assert!(stdout.is_empty(), "{stdout}");
            assert!(!stderr.contains("hunter2"), "{stderr}");
            assert!(stderr.contains(args[0]), "{stderr}");
        }
    }
    let (output, _, stderr) = run(appreg()
        .args(["create", "--yes", "--name", "x"])
        .env("APPREG_GRAPH_URL", "http://192.0.2.2/v1.0")
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state.path()))
    .await;
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("plain http is only allowed to this machine"),
        "{stderr}"
    );
}
