//! `appreg export` against the simulator: the seeded support app in every format (golden), no
//! secret in any of them even right after one was made, and the `az` script run by a real
//! POSIX shell with a stand-in `az`, for display names written to break out of it.

mod common;

use appreg::sim::{AppSeed, SUPPORT_MAILBOX_APP_ID, Seed, SimConfig, SimHandle, scope};
use common::TEST_TOKEN;
use std::path::Path;
use tokio::process::Command;

const FORMATS: [&str; 3] = ["terraform", "bicep", "az"];
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

fn appreg(sim: &SimHandle, state: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_appreg"));
    command
        .env_remove("RUST_LOG")
        .env("APPREG_ACCESS_TOKEN", TEST_TOKEN)
        .env("APPREG_STATE_DIR", state)
        .args([
            "--graph-url",
            &sim.graph_url(),
            "--login-url",
            &sim.login_url(),
        ])
        .stdin(std::process::Stdio::null());
    command
}

async fn export(sim: &SimHandle, app_id: &str, format: &str) -> String {
    let state = tempfile::tempdir().unwrap();
    let output = appreg(sim, state.path())
        .args(["export", "--app-id", app_id, "--format", format])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains(TEST_TOKEN));
    String::from_utf8(output.stdout).unwrap()
}

async fn support_sim(extra: Vec<AppSeed>) -> SimHandle {
    let mut seed = Seed::with_support_apps();
    seed.tenants[0].applications.extend(extra);
    common::sim(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await
}

#[tokio::test]
async fn the_support_app_in_every_format() {
    let sim = support_sim(Vec::new()).await;
    for format in FORMATS {
        let text = export(&sim, SUPPORT_MAILBOX_APP_ID, format).await;
        insta::assert_snapshot!(format!("support_mailbox.{format}"), text);
    }
    let terraform = export(&sim, SUPPORT_MAILBOX_APP_ID, "terraform").await;
    let body = hcl::parse(&terraform).expect("the Terraform parses");
    let imports = body.blocks().filter(|b| b.identifier() == "import").count();
    let resources = body
        .blocks()
        .filter(|b| b.identifier() == "resource")
        .count();
    assert_eq!((imports, resources), (4, 4), "{terraform}");
}

#[tokio::test]
async fn no_export_holds_a_secret_even_right_after_one_was_made() {
    let sim = support_sim(Vec::new()).await;
    let state = tempfile::tempdir().unwrap();
    let output = appreg(&sim, state.path())
        .args([
            "rotate-secret",
            "--app-id",
            SUPPORT_MAILBOX_APP_ID,
            "--json",
            "--yes",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let secret = doc["secret"]["value"].as_str().unwrap();
    let key_id = doc["secret"]["keyId"].as_str().unwrap();
    for format in FORMATS {
        let text = export(&sim, SUPPORT_MAILBOX_APP_ID, format).await;
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(TEST_TOKEN));
        assert!(text.contains(key_id), "the key ids are named: {text}");
    }
}

/// Names written to run a command, end a quote, start an interpolation, make az read a file or
/// steer the terminal.
const HOSTILE: [&str; 3] = [
    "$(touch CANARY) `touch CANARY` '; touch CANARY; echo ' \"; touch CANARY; \" ${x} %{y}",
    "@/etc/passwd",
    "x=@/etc/hostname\nrm -rf ~ #\t\u{1b}[2J\u{202e}",
];

fn hostile_app(index: usize, name: &str) -> (String, AppSeed) {
    let ids = (
        uuid::Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_0000 + index as u128),
        uuid::Uuid::from_u128(0xa0a0_0000_0000_4000_8000_0000_0000_0000 + index as u128),
    );
    let app = AppSeed {
        ids: Some(ids),
        tags: vec![name.to_string()],
        web_redirect_uris: vec!["https://acme.example/cb?next='$(id)'&x=@y".to_string()],
        permissions: vec![scope(GRAPH, USER_READ)],
        service_principal: true,
        admin_consent: vec![(GRAPH.to_string(), "User.Read".to_string())],
        ..AppSeed::new(name)
    };
    (ids.1.to_string(), app)
}

/// A stand-in `az`: records each call's arguments and answers what the script asks for.
const FAKE_AZ: &str = r#"#!/bin/sh
{ for arg in "$@"; do printf '%s\0' "$arg"; done; printf '\036'; } >> "$AZ_LOG"
case "$1 $2 $*" in
  "cloud show"*) echo 'https://graph.microsoft.com/' ;;
  *"--query appId"*) echo 'aaaaaaaa-0000-4000-8000-000000000001' ;;
  *"--query id"*) echo 'bbbbbbbb-0000-4000-8000-000000000002' ;;
  *"--output none"*) ;;
  *) echo '{"unexpected": true}' ;;
esac
"#;

#[tokio::test]
async fn the_az_script_runs_in_a_posix_shell_and_sends_hostile_names_as_they_are() {
    let apps: Vec<(String, AppSeed)> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| hostile_app(i, name))
        .collect();
    let sim = support_sim(apps.iter().map(|(_, app)| app.clone()).collect()).await;
    let shells: Vec<&str> = ["sh", "bash", "dash"]
        .into_iter()
        .filter(|shell| which(shell))
        .collect();
    assert!(!shells.is_empty(), "no POSIX shell to run the script with");
    for ((app_id, app), name) in apps.iter().zip(HOSTILE) {
        let script = export(&sim, app_id, "az").await;
        for shell in &shells {
            let calls = run_script(shell, &script).await;
            let commands: Vec<String> = calls.iter().map(|c| c[..3].join(" ")).collect();
            assert_eq!(
                commands,
                [
                    "cloud show --query",
                    "rest --method POST",
                    "rest --method POST",
                    "rest --method POST"
                ],
                "{shell}: {calls:?}"
            );
            let body = |call: &[String]| -> serde_json::Value {
                let at = call.iter().position(|a| a == "--body").expect("a body");
                serde_json::from_str(&call[at + 1]).expect("a JSON body")
            };
            let uri =
                |call: &[String]| call[call.iter().position(|a| a == "--uri").unwrap() + 1].clone();
            assert_eq!(
                uri(&calls[1]),
                "https://graph.microsoft.com/v1.0/applications"
            );
            // appreg reads Graph's text without control characters: that is the name it has.
            let name = appreg::text::one_line(name);
            let application = body(&calls[1]);
            assert_eq!(application["displayName"], *name, "{shell}");
            assert_eq!(application["tags"][0], *name, "{shell}");
            assert_eq!(
                application["web"]["redirectUris"],
                serde_json::json!(app.web_redirect_uris)
            );
            assert_eq!(
                body(&calls[2])["appId"],
                "aaaaaaaa-0000-4000-8000-000000000001"
            );
            let grant = body(&calls[3]);
            assert_eq!(grant["clientId"], "bbbbbbbb-0000-4000-8000-000000000002");
            assert_eq!(grant["scope"], "User.Read");
            // az expands an argument starting with @, or with @ after its first =, from a file.
            for arg in calls.iter().flatten() {
                let after_equals = arg.split_once('=').map(|(_, rest)| rest);
                assert!(
                    !arg.starts_with('@') && !after_equals.is_some_and(|r| r.starts_with('@')),
                    "{arg}"
                );
            }
        }
    }
}

/// Runs the script with `shell` and the stand-in `az`; returns each call's arguments.
async fn run_script(shell: &str, script: &str) -> Vec<Vec<String>> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(&az, FAKE_AZ).unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let log = dir.path().join("az.log");
    std::fs::write(dir.path().join("export.sh"), script).unwrap();
    let output = Command::new(shell)
        .arg("export.sh")
        .current_dir(dir.path())
        .env("PATH", path)
        .env("AZ_LOG", &log)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{shell}: {stderr}\n{script}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "client id: aaaaaaaa-0000-4000-8000-000000000001\n"
    );
    assert!(
        !dir.path().join("CANARY").exists(),
        "{shell} ran a command from a name"
    );
    std::fs::read_to_string(&log)
        .unwrap()
        .split('\u{1e}')
        .filter(|call| !call.is_empty())
        .map(|call| call.split_terminator('\0').map(str::to_string).collect())
        .collect()
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[tokio::test]
async fn an_unknown_app_or_format_is_bad_input() {
    let sim = support_sim(Vec::new()).await;
    let state = tempfile::tempdir().unwrap();
    let output = appreg(&sim, state.path())
        .args([
            "export",
            "--app-id",
            "0ddba11-0000-4000-8000-000000000000",
            "--format",
            "az",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = appreg(&sim, state.path())
        .args([
            "export",
            "--app-id",
            "0ddba110-0000-4000-8000-000000000000",
            "--format",
            "terraform",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no app registration"), "{stderr}");
    assert!(output.stdout.is_empty());
    let output = appreg(&sim, state.path())
        .args([
            "export",
            "--app-id",
            SUPPORT_MAILBOX_APP_ID,
            "--format",
            "pulumi",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
