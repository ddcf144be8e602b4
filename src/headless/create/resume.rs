//! `create --connect --secret-from FILE`: an earlier run made the app and its secret, then the
//! platform refused it (or never answered), so the secret went to the user and the journal kept
//! the connection open. This finishes the connection with that same secret: proven to sign the
//! app in, then given to the platform. Nothing new is made in the directory.

use super::super::HeadlessError;
use super::super::handoff;
use crate::bounded;
use crate::catalog::MICROSOFT_GRAPH;
use crate::cli::CreateArgs;
use crate::cloud::Endpoints;
use crate::journal::{Journal, SecretState};
use crate::plan::Plan;
use crate::platform::{Credentials, Target};
use crate::run::Proof;
use crate::secret::SecretString;
use serde_json::json;
use std::path::Path;

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
    let proof = handoff::prove(
        endpoints,
        &tenant_id,
        &app_id,
        &secret,
        &args.connect,
        verbose,
    )
    .await?;
    if let Proof::Unproven { reason } = &proof {
        eprintln!(
            "! The secret could not be proven ({reason}); it is given to the platform all the same."
        );
    }
    let credentials = Credentials {
        client_id: &app_id,
        secret: &secret,
        single_tenant: (!plan.spec.audience.is_multi_tenant()).then_some(tenant_id.as_str()),
        scopes: plan
            .spec
            .delegated_scopes(MICROSOFT_GRAPH)
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        display_name: &plan.display_name,
    };
    let connected = handoff::connect(target, &credentials, &key_id, journal, verbose)
        .await
        .map_err(|e| handoff::refused(target, e, "the one you gave, not shown again"))?;
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
    let text = if path.as_os_str() == "-" {
        bounded::read(std::io::stdin().lock(), "stdin", SECRET_CAP_BYTES)
    } else {
        bounded::read_file(path, SECRET_CAP_BYTES)
    }
    .map_err(|source| HeadlessError::Input {
        option: "--secret-from",
        source,
    })?;
    let secret = SecretString::new(text.trim().to_owned());
    if secret.is_empty() {
        return Err(HeadlessError::Usage(
            "--secret-from: the file is empty; give the secret's value".into(),
        ));
    }
    Ok(secret)
}
