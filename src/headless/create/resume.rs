//! `create --connect --secret-from FILE`: an earlier run made the app and its secret, then the
//! platform refused it (or never answered), so the secret went to the user and the journal kept
//! the connection open. This finishes the connection with that same secret: proven to sign the
//! app in, then given to the platform. Nothing new is made in the directory.

use super::super::HeadlessError;
use super::super::handoff;
use crate::bounded;
use crate::cli::CreateArgs;
use crate::cloud::Endpoints;
use crate::journal::{Journal, SecretState};
use crate::plan::Plan;
use crate::platform::Target;
use crate::run::{self, Proof};
use crate::secret::SecretString;
use serde_json::json;
use std::path::Path;

/// How long a secret handed over earlier is given to sign in: it replicated long ago.
const RESUME_WAIT_SECS: u64 = 15;

/// The most read of a secret file: a client secret is 40 characters.
const SECRET_CAP_BYTES: usize = 4 * 1024;

pub(super) async fn finish(
    args: &CreateArgs,
    plan: &Plan,
    target: &Target,
    secret_from: &Path,
    journal: &mut Journal,
    endpoints: &Endpoints,
    verbose: bool,
) -> Result<(), HeadlessError> {
    let entry = journal.entry().clone();
    let pending = entry.platform.is_pending();
    let (Some(app_id), Some(tenant_id), SecretState::HandedOver { key_id }, true) =
        (entry.app_id, entry.tenant_id, entry.secret, pending)
    else {
        return Err(HeadlessError::Usage(format!(
            "--secret-from finishes an earlier `create --connect` of \"{}\" whose platform step did not finish, and none is recorded here: leave out --secret-from",
            plan.display_name
        )));
    };
    let secret = read_secret(secret_from)?;
    eprintln!(
        "Finishing the earlier run for \"{}\" (client id {app_id}) with the secret it handed over (key id {key_id}).",
        plan.display_name
    );
    // An old secret has long replicated: a refusal soon means this is not its value.
    let patience = crate::cli::ConnectArgs {
        verify_wait: args.connect.verify_wait.min(RESUME_WAIT_SECS),
        ..args.connect.clone()
    };
    let proof = handoff::prove(endpoints, &tenant_id, &app_id, &secret, &patience, verbose)
        .await
        .map_err(|error| match error {
            run::ProveError::NeverSignedIn { description, .. } => HeadlessError::Usage(format!(
                "--secret-from: Entra ID refuses this value for the app ({description}); give the secret's value, not its ID"
            )),
            other => other.into(),
        })?;
    if let Proof::Unproven { reason } = &proof {
        eprintln!(
            "! The secret could not be proven ({reason}); it is given to the platform all the same."
        );
    }
    let credentials = run::credentials_for(
        &plan.spec,
        &app_id,
        &secret,
        &tenant_id,
        &plan.display_name,
        args.connect.replace_connector,
    );
    let connected = handoff::connect(target, &credentials, &key_id, journal, verbose)
        .await
        .map_err(|e| {
            handoff::refused(
                target,
                e,
                proof.is_verified(),
                "the one you gave, not shown again",
            )
        })?;
    journal.record(|e| e.completed = e.is_finished())?;
    let shown = if args.plan.json {
        serde_json::to_string_pretty(&json!({
            "tenantId": tenant_id,
            "appId": app_id,
            "displayName": plan.display_name,
            "secret": {"keyId": key_id, "verified": proof.is_verified()},
            "platform": connected,
        }))
        .unwrap_or_default()
    } else {
        format!(
            "Finished \"{}\" (client id {app_id}): {} {} '{}' {} at {}",
            plan.display_name,
            connected.kind,
            connected.kind.thing(),
            connected.integration,
            connected.action,
            connected.url
        )
    };
    println!("{shown}");
    Ok(())
}

/// The secret from a file or stdin (`-`), bounded, without its line break.
fn read_secret(path: &Path) -> Result<SecretString, HeadlessError> {
    let text = zeroize::Zeroizing::new(
        if path.as_os_str() == "-" {
            bounded::read(std::io::stdin().lock(), "stdin", SECRET_CAP_BYTES)
        } else {
            bounded::read_file(path, SECRET_CAP_BYTES)
        }
        .map_err(|source| HeadlessError::Input {
            option: "--secret-from",
            source,
        })?,
    );
    let secret = SecretString::new(text.trim().to_owned());
    if uuid::Uuid::try_parse(secret.expose()).is_ok() {
        return Err(HeadlessError::Usage(
            "--secret-from: that is a secret's ID (a GUID), not its value: give the value that was shown once".into(),
        ));
    }
    if secret.is_empty() {
        return Err(HeadlessError::Usage(
            "--secret-from: the file is empty; give the secret's value".into(),
        ));
    }
    Ok(secret)
}
