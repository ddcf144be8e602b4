//! `rotate-secret` against the simulator: below and at the audience's limit, removals only when
//! named, lost answers and crashes that never leave an orphan, and the binary's hand-over.

mod common;

use appreg::doctor::{self, Selector};
use appreg::graph::models::Application;
use appreg::journal::{Journal, SecretState};
use appreg::plan::SecretLifetime;
use appreg::run::{self, Removal, RotationError, SecretRequest};
use appreg::sim::{
    AppSeed, Fault, FaultKind, SUPPORT_MAILBOX_APP_ID, SecretSeed, Seed, SimConfig, SimHandle,
};
use axum::http::Method;
use common::*;
use time::OffsetDateTime;

const PERSONAL_APP: &str = "Personal Mail";

/// The support apps plus a personal-account app holding `secrets` (days until each expires).
async fn sim_with_personal_app(secrets: &[i64]) -> SimHandle {
    let mut seed = Seed::with_support_apps();
    seed.tenants[0].applications.push(AppSeed {
        sign_in_audience: "AzureADandPersonalMicrosoftAccount".into(),
        secrets: secrets
            .iter()
            .enumerate()
            .map(|(i, days)| SecretSeed::new(format!("old-{i}"), *days))
            .collect(),
        ..AppSeed::new(PERSONAL_APP)
    });
    sim(SimConfig {
        seed,
        ..SimConfig::default()
    })
    .await
}

async fn read(sim: &SimHandle, selector: Selector) -> Application {
    let (reporter, _events) = reporter();
    doctor::read_application(&client(sim), &selector, &reporter)
        .await
        .unwrap()
}

fn request() -> SecretRequest {
    SecretRequest {
        description: "appreg".into(),
        end: SecretLifetime::Months(24).end(OffsetDateTime::now_utc()),
    }
}

fn keys(sim: &SimHandle, name: &str) -> Vec<String> {
    apps_named(sim, name)[0]
        .password_credentials
        .iter()
        .map(|c| c.key_id.clone())
        .collect()
}

async fn rotate(
    sim: &SimHandle,
    app: &Application,
    removal: Removal,
    journal: &mut Journal,
) -> (run::Rotation, Vec<String>) {
    let plan = run::plan_rotation(
        app,
        &removal,
        request(),
        &journal.entry().secret,
        OffsetDateTime::now_utc(),
    )
    .expect("the rotation is allowed");
    let (reporter, _events) = reporter();
    let rotation = run::rotate(&client(sim), &plan, journal, &reporter)
        .await
        .expect("the rotation runs");
    let later = run::remove_old_secrets(&client(sim), &plan.object_id, journal, &reporter)
        .await
        .expect("the journal records the removals");
    assert!(later.not_removed.is_empty(), "{:?}", later.not_removed);
    let removed = rotation
        .removed_first
        .iter()
        .chain(&later.removed)
        .cloned()
        .collect();
    (rotation, removed)
}

#[tokio::test]
async fn below_the_limit_a_secret_is_added_and_nothing_removed() {
    let sim = sim_with_personal_app(&[300]).await;
    let app = read(&sim, Selector::AppId(SUPPORT_MAILBOX_APP_ID.into())).await;
    let before = keys(&sim, "Support Mailbox Sync");
    let mut journal = Journal::in_memory();
    let (rotation, removed) = rotate(&sim, &app, Removal::Nothing, &mut journal).await;
    assert!(rotation.secret.value.len() >= 30);
    let new = rotation.secret.key_id.clone();
    rotation.secret.handed_over(&mut journal).unwrap();
    let after = keys(&sim, "Support Mailbox Sync");
    assert_eq!(after.len(), 2);
    assert!(after.contains(&before[0]) && after.contains(&new));
    assert!(removed.is_empty());

    // A personal app with one secret is below its limit of two as well.
    let personal = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    rotate(&sim, &personal, Removal::Nothing, &mut Journal::in_memory()).await;
    assert_eq!(keys(&sim, PERSONAL_APP).len(), 2);
}

#[tokio::test]
async fn at_the_limit_the_choice_is_explained_and_nothing_is_sent() {
    let sim = sim_with_personal_app(&[10, 400]).await;
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    sim.clear_log();
    let error = run::plan_rotation(
        &app,
        &Removal::Nothing,
        request(),
        &SecretState::None,
        OffsetDateTime::now_utc(),
    )
    .unwrap_err();
    assert!(matches!(error, RotationError::AtLimit { count: 2, .. }));
    let text = error.to_string();
    for old in &app.password_credentials {
        assert!(text.contains(&format!("--remove {}", old.key_id)), "{text}");
    }
    assert!(sim.requests().is_empty(), "nothing was sent");

    // Naming one replaces it: removed first to make room, then the new one added.
    let doomed = app.password_credentials[0].key_id.clone();
    let (rotation, removed) = rotate(
        &sim,
        &app,
        Removal::Key(doomed.clone()),
        &mut Journal::in_memory(),
    )
    .await;
    assert_eq!(removed, [doomed.as_str()]);
    let after = keys(&sim, PERSONAL_APP);
    assert_eq!(after.len(), 2);
    assert!(!after.contains(&doomed) && after.contains(&rotation.secret.key_id));
}

#[tokio::test]
async fn remove_expired_removes_only_expired_secrets() {
    let sim = sim_with_personal_app(&[-3, 400]).await;
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    let (_, removed) = rotate(&sim, &app, Removal::Expired, &mut Journal::in_memory()).await;
    assert_eq!(removed.len(), 1);
    let after = keys(&sim, PERSONAL_APP);
    assert_eq!(after.len(), 2);
    assert!(after.contains(&app.password_credentials[1].key_id));
}

#[tokio::test]
async fn a_lost_answer_never_leaves_an_orphan() {
    let sim = sim_with_personal_app(&[300]).await;
    sim.inject(Fault::new(FaultKind::DropAfterCommit, "/addPassword").method(Method::POST));
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    let (rotation, _) = rotate(&sim, &app, Removal::Nothing, &mut Journal::in_memory()).await;
    let after = keys(&sim, PERSONAL_APP);
    assert_eq!(
        after.len(),
        2,
        "the old one and the one handed over: {after:?}"
    );
    assert!(after.contains(&rotation.secret.key_id));
}

#[tokio::test]
async fn a_crash_before_the_hand_over_is_cleaned_up_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim_with_personal_app(&[300]).await;
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    let open = || Journal::open(dir.path(), None, "rotate personal", "rotate-secret").unwrap();
    let mut journal = open();
    let (lost, _) = rotate(&sim, &app, Removal::Nothing, &mut journal).await;
    let text = std::fs::read_to_string(journal.path().unwrap()).unwrap();
    assert!(
        !text.contains(lost.secret.value.expose()),
        "the journal holds no secret"
    );
    // The process "dies" before handing it over, its journal's lock with it.
    drop(lost);
    drop(journal);

    // The app is at its limit now, but the orphan does not count: it is removed first.
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    assert_eq!(app.password_credentials.len(), 2);
    let mut again = open();
    let (second, _) = rotate(&sim, &app, Removal::Nothing, &mut again).await;
    let new = second.secret.key_id.clone();
    second.secret.handed_over(&mut again).unwrap();
    let after = keys(&sim, PERSONAL_APP);
    assert_eq!(after.len(), 2);
    assert!(after.contains(&new));
}

#[tokio::test]
async fn a_withdrawn_secret_leaves_the_app_and_the_journal_as_before() {
    let sim = sim_with_personal_app(&[300]).await;
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    let before = keys(&sim, PERSONAL_APP);
    let mut journal = Journal::in_memory();
    let (rotation, _) = rotate(&sim, &app, Removal::Nothing, &mut journal).await;
    assert_eq!(keys(&sim, PERSONAL_APP).len(), 2);
    let (reporter, _events) = reporter();
    assert!(
        rotation
            .secret
            .withdraw(&client(&sim), &mut journal, &reporter)
            .await
    );
    assert_eq!(keys(&sim, PERSONAL_APP), before);
    assert_eq!(journal.entry().secret, SecretState::None);
    assert!(!journal.entry().completed);
}

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
        .env("RUST_LOG", "trace")
        .stdin(std::process::Stdio::null());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_hands_the_secret_over_once_and_refuses_at_the_limit() {
    let sim = sim_with_personal_app(&[10, 400]).await;
    let state = tempfile::tempdir().unwrap();
    let output = appreg(&sim, state.path())
        .args([
            "rotate-secret",
            "--app-id",
            SUPPORT_MAILBOX_APP_ID,
            "--json",
            "--yes",
            "--months",
            "12",
        ])
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let secret = doc["secret"]["value"].as_str().unwrap();
    assert_eq!(stdout.matches(secret).count(), 1);
    assert!(!stderr.contains(secret) && !stderr.contains(TEST_TOKEN));
    assert!(stderr.contains("shown only this once"), "{stderr}");
    assert!(
        stderr.contains("give the platform the new secret"),
        "{stderr}"
    );
    let files: Vec<_> = std::fs::read_dir(state.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    for file in &files {
        assert!(!std::fs::read_to_string(file).unwrap().contains(secret));
    }
    // Beside each journal lies the empty file its run held locked.
    let journals: Vec<_> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(journals.len(), 1, "{files:?}");
    for journal in journals {
        let journal = std::fs::read_to_string(journal).unwrap();
        assert!(journal.contains("handedOver"), "{journal}");
    }

    let personal = apps_named(&sim, PERSONAL_APP)[0].app_id.clone();
    let output = appreg(&sim, state.path())
        .args(["rotate-secret", "--app-id", &personal, "--yes"])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nothing was sent") && stderr.contains("--remove "),
        "{stderr}"
    );
    assert_eq!(keys(&sim, PERSONAL_APP).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_sets_the_new_secrets_expiry_by_creates_rules() {
    let sim = sim_with_personal_app(&[]).await;
    let state = tempfile::tempdir().unwrap();
    let today = OffsetDateTime::now_utc().date();
    let until = (today + time::Duration::days(100)).to_string();
    let output = appreg(&sim, state.path())
        .args(["rotate-secret", "--app-id", SUPPORT_MAILBOX_APP_ID])
        .args(["--json", "--yes", "--until", &until])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let key_id = doc["secret"]["keyId"].as_str().unwrap();
    let held = apps_named(&sim, "Support Mailbox Sync")[0]
        .password_credentials
        .iter()
        .find(|c| c.key_id == key_id)
        .map(|c| c.end_date_time.clone())
        .unwrap();
    assert!(held.starts_with(&until), "{held} is not {until}");

    let before = keys(&sim, "Support Mailbox Sync");
    let too_far = (today + time::Duration::days(800)).to_string();
    let yesterday = (today - time::Duration::days(1)).to_string();
    for (args, says) in [
        (
            ["--until", "2027-02-30"],
            "--until: 2027-02-30 is not a calendar date".to_string(),
        ),
        (
            ["--until", "next year"],
            "--until: enter the date as YYYY-MM-DD".into(),
        ),
        (
            ["--until", &too_far],
            format!("--until: {too_far} is more than 24 months away"),
        ),
        (
            ["--until", &yesterday],
            format!("--until: {yesterday} is not in the future"),
        ),
        (
            ["--months", "30"],
            "--months: 30 months; choose 1 to 24".into(),
        ),
    ] {
        let output = appreg(&sim, state.path())
            .args(["rotate-secret", "--app-id", SUPPORT_MAILBOX_APP_ID, "--yes"])
            .args(args)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&says), "{args:?}: {stderr}");
    }
    assert_eq!(
        keys(&sim, "Support Mailbox Sync"),
        before,
        "nothing was sent"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_out_writes_a_private_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let sim = sim_with_personal_app(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new-secret.txt");
    let output = appreg(&sim, &dir.path().join("state"))
        .args([
            "rotate-secret",
            "--name",
            PERSONAL_APP,
            "--yes",
            "--secret-out",
        ])
        .arg(&file)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let secret = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains(&secret));
    assert_eq!(keys(&sim, PERSONAL_APP).len(), 1);
}

#[tokio::test]
async fn a_secret_lifetime_policy_names_the_cap_and_a_shorter_rotation_succeeds() {
    let sim = sim(SimConfig {
        seed: Seed::with_support_apps(),
        secret_lifetime_cap_months: Some(6),
        ..SimConfig::default()
    })
    .await;
    let app = read(&sim, Selector::AppId(SUPPORT_MAILBOX_APP_ID.into())).await;
    let before = keys(&sim, "Support Mailbox Sync");
    let mut journal = Journal::in_memory();
    let now = OffsetDateTime::now_utc();
    let plan =
        run::plan_rotation(&app, &Removal::Nothing, request(), &SecretState::None, now).unwrap();
    let (reporter, _events) = reporter();
    let error = run::rotate(&client(&sim), &plan, &mut journal, &reporter)
        .await
        .unwrap_err();
    assert!(
        matches!(error, run::RunError::SecretLifetime { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("shorter lifetime"), "{error}");
    assert_eq!(
        keys(&sim, "Support Mailbox Sync"),
        before,
        "nothing added, nothing removed"
    );

    let shorter = SecretRequest {
        description: "appreg".into(),
        end: SecretLifetime::Months(5).end(now),
    };
    let plan = run::plan_rotation(
        &app,
        &Removal::Nothing,
        shorter,
        &journal.entry().secret,
        now,
    )
    .unwrap();
    let rotation = run::rotate(&client(&sim), &plan, &mut journal, &reporter)
        .await
        .expect("five months fit the policy's 180 days");
    let after = keys(&sim, "Support Mailbox Sync");
    assert_eq!(after.len(), 2);
    assert!(after.contains(&rotation.secret.key_id));
}

#[tokio::test]
async fn at_the_limit_a_refused_new_secret_says_the_old_one_is_already_gone() {
    let mut seed = Seed::with_support_apps();
    seed.tenants[0].applications.push(AppSeed {
        sign_in_audience: "AzureADandPersonalMicrosoftAccount".into(),
        secrets: vec![SecretSeed::new("old-0", 10), SecretSeed::new("old-1", 400)],
        ..AppSeed::new(PERSONAL_APP)
    });
    let sim = sim(SimConfig {
        seed,
        secret_lifetime_cap_months: Some(6),
        ..SimConfig::default()
    })
    .await;
    let app = read(&sim, Selector::Name(PERSONAL_APP.into())).await;
    let doomed = app.password_credentials[0].key_id.clone();
    let now = OffsetDateTime::now_utc();
    let plan = run::plan_rotation(
        &app,
        &Removal::Key(doomed.clone()),
        request(),
        &SecretState::None,
        now,
    )
    .unwrap();
    assert!(plan.remove_first);
    let (reporter, _events) = reporter();
    let mut journal = Journal::in_memory();
    let error = run::rotate(&client(&sim), &plan, &mut journal, &reporter)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("the limit is 180 days"), "{text}");
    assert!(
        text.contains(&format!("The secret {doomed} was removed first")),
        "{text}"
    );
    assert_eq!(
        error.code(),
        Some("CredentialInvalidLifetimeAsPerAppPolicy")
    );
    assert_eq!(keys(&sim, PERSONAL_APP).len(), 1, "only the named one went");
}
