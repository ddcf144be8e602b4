//! The last hop: the new secret goes straight from Graph to the platform, recorded in the
//! journal before and after, so a re-run knows whether the platform may hold it; and, once it
//! does, the old secrets a rotation was asked to remove.

use super::rotate::remove_old;
use crate::catalog::{Catalog, MICROSOFT_GRAPH, PermissionKind};
use crate::graph::GraphClient;
use crate::graph::models::Application;
use crate::journal::{Journal, JournalError, PlatformState, SecretState};
use crate::plan::Spec;
use crate::platform::{self, Connected, Credentials, PlatformError, Target};
use crate::progress::{Event, Operation, Reporter};
use crate::secret::SecretString;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// Gives `target` the credentials whose secret has the key `key_id`.
pub async fn connect_platform(
    target: &Target,
    credentials: &Credentials<'_>,
    key_id: &str,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<Connected, ConnectError> {
    let where_to = target.describe();
    journal.record(|e| {
        e.platform = PlatformState::Sending {
            key_id: key_id.to_owned(),
            target: where_to.clone(),
        }
    })?;
    match platform::connect(target, credentials, reporter).await {
        Ok(connected) => {
            // The platform holds the secret now: no re-run may take it off the app.
            journal.record(|e| {
                e.platform = PlatformState::Connected {
                    key_id: key_id.to_owned(),
                    target: where_to,
                };
                e.secret = SecretState::HandedOver {
                    key_id: key_id.to_owned(),
                };
            })?;
            Ok(connected)
        }
        Err(error) => {
            reporter.emit(Event::Failed {
                op: Operation::ConnectPlatform(target.kind.to_string()),
                message: error.to_string(),
                request_id: error.request_id().map(str::to_owned),
            });
            // Only a refusal is certain: a lost answer keeps "sending", so the secret it
            // carried is never taken off the app by a re-run.
            if !error.answer_may_be_lost() {
                journal.record(|e| {
                    e.platform = PlatformState::Refused {
                        key_id: key_id.to_owned(),
                        target: where_to,
                    }
                })?;
            }
            Err(error.into())
        }
    }
}

/// What the platform is given for an app registered by `spec`: its id, secret, tenant (one
/// organisation only) and the spec's delegated Microsoft Graph scopes.
pub fn credentials_for<'a>(
    spec: &Spec,
    client_id: &'a str,
    secret: &'a SecretString,
    tenant_id: &'a str,
    display_name: &'a str,
    replace: bool,
) -> Credentials<'a> {
    Credentials {
        client_id,
        secret,
        single_tenant: (!spec.audience.is_multi_tenant()).then_some(tenant_id),
        scopes: spec.platform_scopes(),
        keep_scopes: false,
        display_name,
        replace,
    }
}

/// The app's delegated Microsoft Graph scopes by name, as a platform asks for them.
pub fn delegated_graph_scopes(app: &Application, catalog: &Catalog) -> Vec<String> {
    app.required_resource_access
        .iter()
        .filter(|r| r.resource_app_id.eq_ignore_ascii_case(MICROSOFT_GRAPH))
        .flat_map(|r| &r.resource_access)
        .filter(|a| a.kind == "Scope")
        .filter_map(|a| catalog.permission_by_id(MICROSOFT_GRAPH, &a.id))
        .filter(|(_, p)| p.kind == PermissionKind::Delegated)
        .map(|(_, p)| p.name.clone())
        .collect()
}

/// What became of the old secrets a rotation removes once the platform has the new one.
#[derive(Debug, Default)]
pub struct Removals {
    pub removed: Vec<String>,
    /// Not removed, with the reason: the new secret works all the same.
    pub not_removed: Vec<(String, String)>,
}

/// Removes the old secrets the journal holds for after the hand-over; one that cannot be
/// removed stays in the journal for the next run.
pub async fn remove_old_secrets(
    client: &GraphClient,
    object_id: &str,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<Removals, JournalError> {
    let mut removals = Removals::default();
    for key_id in journal.entry().remove_after.clone() {
        if let Err(error) = remove_old(client, object_id, &key_id, reporter).await {
            removals.not_removed.push((key_id, error.to_string()));
            continue;
        }
        journal.record(|e| e.remove_after.retain(|k| *k != key_id))?;
        removals.removed.push(key_id);
    }
    journal.record(|e| e.completed = e.is_finished())?;
    Ok(removals)
}
