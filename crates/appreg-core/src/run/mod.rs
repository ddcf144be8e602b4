//! Executes a [`Plan`] against Graph on the shortest critical path:
//!
//! 1. the reads it needs, concurrently (the tenant; each resource's service principal when
//!    consenting);
//! 2. the app with everything inline, created idempotently by its unique name;
//! 3. the client secret and the service principal, concurrently;
//! 4. admin consent per resource, concurrently, as soon as the service principal exists.
//!
//! Every step is recorded in the [`Journal`] before and after it runs, so a re-run continues.
//! The new secret comes back as an [`IssuedSecret`], which the front end hands over or withdraws.

mod app;
mod connect;
mod consent;
mod issued;
mod prove;
mod repair;
mod rotate;
mod secret;
mod settings;

use crate::graph::models::ServicePrincipal;
use crate::graph::{GraphClient, GraphError};
use crate::journal::{Journal, JournalError};
use crate::plan::{Plan, PlannedPermission};
use crate::progress::{Event, Operation, Reporter};
use std::collections::HashMap;
use time::OffsetDateTime;

pub use connect::{
    ConnectError, Removals, connect_platform, credentials_for, delegated_graph_scopes,
    remove_old_secrets,
};
pub use consent::{ConsentResult, ConsentStatus};
pub use issued::IssuedSecret;
pub use prove::{DEFAULT_PATIENCE, Proof, ProveError, SecretProof, prove};
pub use repair::{MendError, RepairOutcome, mend, repair};
pub use rotate::{
    Removal, Rotation, RotationError, RotationPlan, adopt_unconfirmed, plan_rotation, rotate,
    rotation_journal,
};
pub use secret::SecretRequest;
pub use settings::SettingResult;

/// What a finished run hands to the front end.
#[derive(Debug)]
pub struct Outcome {
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub service_principal_id: String,
    pub secret: IssuedSecret,
    pub consent: Vec<ConsentResult>,
    /// The logo and the publisher, when asked for.
    pub settings: Vec<SettingResult>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{op} failed: {}", .error.advice())]
    Graph { op: Operation, error: GraphError },
    #[error(
        "the tenant's policy does not allow a secret that lasts {months}{}; choose a shorter lifetime and run again",
        .cap.as_deref().map(|c| format!(" (the limit is {c})")).unwrap_or_default()
    )]
    SecretLifetime {
        months: String,
        cap: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "nothing was sent: {resource} in this tenant does not offer the permission {permission} (a national cloud, or a permission retired since this appreg was built); drop it (--remove-permission) or choose another"
    )]
    NotOffered {
        resource: String,
        permission: String,
    },
    #[error(
        "nothing was sent: the sign-in works in {signed_in}, not in {asked}; sign in to {asked} (a token from APPREG_ACCESS_TOKEN or the Azure CLI belongs to one tenant)"
    )]
    WrongTenant { asked: String, signed_in: String },
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A step whose id no earlier step made: a fault in appreg, not in the tenant.
    #[error("appreg planned a request it cannot send: {0}")]
    Unplanned(#[from] crate::plan::MissingId),
    /// A rotation at the secret limit removed the old secret to make room, then could not add
    /// the new one: the user must know the app now holds one secret fewer.
    #[error(
        "{source}\n  The secret {removed} was removed first to make room, as asked: the app now has one secret fewer. Add a new one before anything still uses the removed one."
    )]
    AfterRemoval {
        removed: String,
        source: Box<RunError>,
    },
}

impl RunError {
    pub fn request_id(&self) -> Option<&str> {
        match self {
            RunError::Graph { error, .. } => error.request_id(),
            RunError::SecretLifetime { request_id, .. } => request_id.as_deref(),
            RunError::Journal(_)
            | RunError::Unplanned(_)
            | RunError::NotOffered { .. }
            | RunError::WrongTenant { .. } => None,
            RunError::AfterRemoval { source, .. } => source.request_id(),
        }
    }

    pub fn operation(&self) -> Option<&Operation> {
        match self {
            RunError::Graph { op, .. } => Some(op),
            RunError::SecretLifetime { .. } => Some(&Operation::AddSecret),
            RunError::Journal(_) | RunError::Unplanned(_) => None,
            RunError::NotOffered { .. } | RunError::WrongTenant { .. } => {
                Some(&Operation::ReadTenant)
            }
            RunError::AfterRemoval { source, .. } => source.operation(),
        }
    }

    /// Graph's error code, for the front end to show beside the plain words.
    pub fn code(&self) -> Option<&str> {
        match self {
            RunError::Graph { error, .. } => error.api().map(|a| a.code.as_str()),
            RunError::SecretLifetime { .. } => Some("CredentialInvalidLifetimeAsPerAppPolicy"),
            RunError::Journal(_)
            | RunError::Unplanned(_)
            | RunError::NotOffered { .. }
            | RunError::WrongTenant { .. } => None,
            RunError::AfterRemoval { source, .. } => source.code(),
        }
    }
}

/// Wraps a Graph failure with its step and reports it.
pub(crate) fn failed(op: Operation, error: GraphError, reporter: &Reporter) -> RunError {
    reporter.emit(Event::Failed {
        op: op.clone(),
        message: error.advice(),
        request_id: error.request_id().map(str::to_string),
    });
    RunError::Graph { op, error }
}

/// The journal of a create run, keyed by the plan's tenant, name and profile, so a re-run (from
/// the command line or the wizard) continues; in memory where there is no state directory.
pub fn plan_journal(dir: Option<&std::path::Path>, plan: &Plan) -> Result<Journal, JournalError> {
    match dir {
        Some(dir) => Journal::open(
            dir,
            plan.tenant.as_deref(),
            &plan.display_name,
            &plan.profile_id,
        ),
        None => Ok(Journal::in_memory()),
    }
}

/// Runs the plan with a client working in the plan's tenant. With the same journal, a second call after a failure continues where the
/// first stopped: the app is reused, a secret whose answer was lost is removed first.
pub async fn execute(
    client: &GraphClient,
    plan: &Plan,
    journal: &mut Journal,
    reporter: &Reporter,
    now: OffsetDateTime,
) -> Result<Outcome, RunError> {
    // 1. Reads, concurrently.
    let resources = plan.spec.resources();
    let reads = futures::future::join_all(resources.iter().map(|(app_id, name)| async move {
        let reading = reporter.on(Operation::ReadResource(name.to_string()));
        (
            app_id.to_string(),
            client.resource_service_principal(app_id, &reading).await,
        )
    }));
    let reading_tenant = reporter.on(Operation::ReadTenant);
    let (org, resource_sps) = tokio::join!(client.organization(&reading_tenant), reads);
    let org = org.map_err(|e| failed(Operation::ReadTenant, e, reporter))?;
    // A token is for one tenant whatever was asked: never register the app somewhere else.
    if let Some(asked) = plan
        .tenant
        .as_deref()
        .filter(|t| !crate::tenant::is_named(&org, t))
    {
        return Err(RunError::WrongTenant {
            asked: asked.to_string(),
            signed_in: match &org.display_name {
                Some(name) => format!("{name} ({})", org.id),
                None => org.id.clone(),
            },
        });
    }
    let resource_sps: HashMap<String, Result<ServicePrincipal, GraphError>> =
        resource_sps.into_iter().collect();
    if let Some(missing) = not_offered(plan, &resource_sps) {
        return Err(RunError::NotOffered {
            resource: missing.resource_name.clone(),
            permission: missing.permission.name.clone(),
        });
    }
    journal.record(|e| e.tenant_id = Some(org.id.clone()))?;

    // 2. The app.
    let app = app::register(client, plan, journal, reporter).await?;

    // 3 ∥ 4. The secret alongside the service principal and the grants that follow it.
    let request = SecretRequest {
        description: plan.spec.secret.description.clone(),
        end: plan.spec.secret.lifetime.end(now),
    };
    let secret = secret::issue(client, &app.object_id, &request, journal, reporter);
    let principal_and_consent = async {
        let principal =
            consent::service_principal(client, &app.app_id, plan.spec.settings.hide_app, reporter)
                .await?;
        let consent = if plan.spec.admin_consent {
            consent::grant_all(client, plan, &principal, &resource_sps, reporter).await
        } else {
            Vec::new()
        };
        Ok::<_, RunError>((principal.sp, consent))
    };
    let settings = settings::apply(client, &plan.spec, &app.object_id, reporter);
    // The journal is only written by the secret step; the service principal id is recorded after.
    let (secret, principal, settings) = tokio::join!(secret, principal_and_consent, settings);
    let secret = secret?;
    let (sp, consent) = match principal {
        Ok(done) => done,
        Err(error) => {
            // A secret the user never sees must not stay on the app.
            secret.withdraw(client, journal, reporter).await;
            return Err(error);
        }
    };
    journal.record(|e| e.service_principal_id = Some(sp.id.clone()))?;

    Ok(Outcome {
        tenant_id: org.id.clone(),
        tenant_name: org.display_name.clone(),
        object_id: app.object_id,
        app_id: app.app_id,
        display_name: plan.display_name.clone(),
        service_principal_id: sp.id,
        secret,
        consent,
        settings,
    })
}

/// A permission this tenant's copy of its API does not offer (a national cloud, a scope retired
/// since the offline catalog was made) would fail at consent or sign-in: say so before
/// anything is written. A resource that could not be read is not judged.
fn not_offered<'p>(
    plan: &'p Plan,
    resources: &HashMap<String, Result<ServicePrincipal, GraphError>>,
) -> Option<&'p PlannedPermission> {
    plan.spec.permissions.iter().find(|planned| {
        let Some(Ok(sp)) = resources.get(&planned.resource_app_id) else {
            return false;
        };
        let offered = sp.permission_ids(planned.permission.kind);
        !offered.is_empty()
            && !offered
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&planned.permission.id))
    })
}
