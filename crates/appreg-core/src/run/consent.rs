//! Steps 3b and 4: the service principal, then admin consent for each resource. Consent is an
//! addition: when it cannot be given, the run reports why and still hands over the app.

use super::{RunError, failed};
use crate::graph::Method;
use crate::graph::models::{AppRoleAssignment, Collection, PermissionGrant, ServicePrincipal};
use crate::graph::{Call, GraphClient, GraphError};
use crate::plan::settings::HIDE_APP_TAG;
use crate::plan::{Ids, Plan, Ref, ResourceRef, Step};
use crate::progress::{Event, Operation, Reporter};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentResult {
    pub resource: String,
    /// The delegated scopes granted, space-separated.
    pub scope: String,
    pub status: ConsentStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConsentStatus {
    Granted,
    Skipped(String),
    Failed(String),
}

/// The app's service principal in its home tenant, and whether this run created it.
#[derive(Debug, Clone)]
pub(super) struct Principal {
    pub sp: ServicePrincipal,
    pub created: bool,
}

pub(super) async fn service_principal(
    client: &GraphClient,
    app_id: &str,
    hide: bool,
    reporter: &Reporter,
) -> Result<Principal, RunError> {
    let step = Step::CreateServicePrincipal {
        app_id: Ref::Known(app_id.to_owned()),
        hide,
    };
    let op = step.operation();
    // A repeat after a lost answer is caught as a conflict below.
    let create = step.to_call(&Ids::default())?;
    match client.send(&create, &reporter.on(op.clone())).await {
        Ok(answer) => match answer.json::<ServicePrincipal>() {
            Ok(sp) => Ok(Principal { sp, created: true }),
            // Created, but the answer could not be read: look it up.
            Err(_) => read_principal(client, app_id, true, reporter).await,
        },
        // An earlier attempt (or a first sign-in) made it (Graph answers 409
        // Request_MultipleObjectsWithSameKeyValue): it may lack the tag that hides it.
        Err(e) if e.status() == Some(409) => {
            let principal = read_principal(client, app_id, false, reporter).await?;
            if hide && !principal.sp.tags.iter().any(|t| t == HIDE_APP_TAG) {
                hide_principal(client, &principal.sp, reporter).await?;
            }
            Ok(principal)
        }
        Err(e) => Err(failed(op, e, reporter)),
    }
}

/// Adds `HideApp` to the service principal's tags; a PATCH of `tags` replaces the list, so
/// the ones it has are sent with it.
async fn hide_principal(
    client: &GraphClient,
    sp: &ServicePrincipal,
    reporter: &Reporter,
) -> Result<(), RunError> {
    let mut tags = sp.tags.clone();
    tags.push(HIDE_APP_TAG.to_owned());
    let step = Step::TagServicePrincipal {
        principal: Ref::Known(sp.id.clone()),
        tags,
    };
    let op = step.operation();
    let call = step.to_call(&Ids::default())?;
    client
        .send(&call, &reporter.on(op.clone()))
        .await
        .map(drop)
        .map_err(|e| failed(op, e, reporter))
}

async fn read_principal(
    client: &GraphClient,
    app_id: &str,
    created: bool,
    reporter: &Reporter,
) -> Result<Principal, RunError> {
    let op = Operation::CreateServicePrincipal;
    let read = Call::new(
        Method::Get,
        format!("/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName,tags"),
    )
    .wait_for_replication();
    let sp = client
        .send_json(&read, &reporter.on(op.clone()))
        .await
        .map_err(|e| failed(op, e, reporter))?;
    Ok(Principal { sp, created })
}

pub(super) async fn grant_all(
    client: &GraphClient,
    plan: &Plan,
    principal: &Principal,
    resource_sps: &HashMap<String, Result<ServicePrincipal, GraphError>>,
    reporter: &Reporter,
) -> Vec<ConsentResult> {
    // A service principal made by this run has no grants yet; only an older one needs a look.
    let existing = if principal.created {
        Ok(Vec::new())
    } else {
        existing_grants(client, &principal.sp.id, reporter).await
    };
    let existing = match existing {
        Ok(grants) => grants,
        Err(error) => {
            let message = error.advice();
            return plan
                .spec
                .resources()
                .into_iter()
                .map(|(_, name)| {
                    skipped(
                        name,
                        plan,
                        format!("cannot read the existing grants: {message}"),
                        reporter,
                    )
                })
                .collect();
        }
    };
    let grants = plan.spec.resources().into_iter().map(|(app_id, name)| {
        let existing = &existing;
        async move {
            match resource_sps.get(app_id) {
                Some(Ok(resource)) => {
                    grant_one(
                        client,
                        plan,
                        &principal.sp.id,
                        resource,
                        name,
                        existing,
                        reporter,
                    )
                    .await
                }
                Some(Err(error)) => skipped(
                    name,
                    plan,
                    format!("{name} cannot be read in this tenant: {}", error.advice()),
                    reporter,
                ),
                None => skipped(name, plan, format!("{name} was not read"), reporter),
            }
        }
    });
    futures::future::join_all(grants).await
}

async fn existing_grants(
    client: &GraphClient,
    sp_id: &str,
    reporter: &Reporter,
) -> Result<Vec<PermissionGrant>, GraphError> {
    let op = Operation::GrantConsent("existing grants".into());
    let call = Call::new(
        Method::Get,
        format!("/oauth2PermissionGrants?$filter=clientId eq '{sp_id}'"),
    );
    Ok(client
        .send(&call, &reporter.on(op))
        .await?
        .json::<Collection<PermissionGrant>>()?
        .value)
}

async fn grant_one(
    client: &GraphClient,
    plan: &Plan,
    client_sp: &str,
    resource: &ServicePrincipal,
    name: &str,
    existing: &[PermissionGrant],
    reporter: &Reporter,
) -> ConsentResult {
    let mut result = ConsentResult {
        resource: name.to_string(),
        scope: plan.spec.delegated_scopes(&resource.app_id),
        status: ConsentStatus::Granted,
    };
    let target = ResourceRef {
        name: name.to_owned(),
        principal: Ref::Known(resource.id.clone()),
    };
    let client_ref = Ref::Known(client_sp.to_owned());
    for step in plan
        .spec
        .consent_steps(&resource.app_id, &client_ref, &target)
    {
        let op = step.operation();
        let sent = match &step {
            Step::Grant { scope, .. } => {
                let prior = admin_grant(existing, &resource.id);
                match prior {
                    Some(grant) => extend_grant(client, grant, name, scope, reporter).await,
                    // A repeat after a lost answer meets the first grant as a conflict.
                    None => match send(client, &step, reporter).await {
                        Err(e) if e.may_already_exist() => {
                            extend_existing(
                                client,
                                client_sp,
                                &resource.id,
                                name,
                                scope,
                                reporter,
                                e,
                            )
                            .await
                        }
                        other => other,
                    },
                }
            }
            Step::AssignRole { role_id, .. } => match send(client, &step, reporter).await {
                Err(error) if error.may_already_exist() => {
                    confirm_assigned(client, client_sp, &resource.id, role_id, reporter, error)
                        .await
                }
                other => other,
            },
            other => send(client, other, reporter).await,
        };
        if let Err(error) = sent {
            result.status = consent_failure(&op, error, reporter);
            return result;
        }
    }
    result
}

/// Sends a step whose ids are all known, reported under its operation.
async fn send(client: &GraphClient, step: &Step, reporter: &Reporter) -> Result<(), GraphError> {
    let call = step
        .to_call(&Ids::default())
        .map_err(|e| GraphError::Unacceptable {
            message: e.to_string(),
        })?;
    client
        .send(&call, &reporter.on(step.operation()))
        .await
        .map(drop)
}

/// The tenant-wide delegated grant on `resource_sp` among `grants`.
fn admin_grant<'g>(
    grants: &'g [PermissionGrant],
    resource_sp: &str,
) -> Option<&'g PermissionGrant> {
    grants.iter().find(|g| {
        g.resource_id == resource_sp && g.consent_type.as_deref() == Some("AllPrincipals")
    })
}

/// A grant refused as a possible repeat (an earlier run, or this one's lost answer): extend the
/// grant that is there, or report the refusal when there is none.
async fn extend_existing(
    client: &GraphClient,
    client_sp: &str,
    resource_sp: &str,
    resource_name: &str,
    scope: &str,
    reporter: &Reporter,
    refusal: GraphError,
) -> Result<(), GraphError> {
    let grants = existing_grants(client, client_sp, reporter).await?;
    match admin_grant(&grants, resource_sp) {
        Some(grant) => extend_grant(client, grant, resource_name, scope, reporter).await,
        None => Err(refusal),
    }
}

/// An assignment refused as a possible repeat counts as done only when it is there.
async fn confirm_assigned(
    client: &GraphClient,
    client_sp: &str,
    resource_sp: &str,
    role_id: &str,
    reporter: &Reporter,
    refusal: GraphError,
) -> Result<(), GraphError> {
    let op = Operation::AssignAppRole("existing assignments".into());
    let call = Call::new(
        Method::Get,
        format!("/servicePrincipals/{client_sp}/appRoleAssignments"),
    );
    let assignments = client
        .send(&call, &reporter.on(op))
        .await?
        .json::<Collection<AppRoleAssignment>>()?
        .value;
    let assigned = assignments
        .iter()
        .any(|a| a.resource_id == resource_sp && a.app_role_id.eq_ignore_ascii_case(role_id));
    if assigned { Ok(()) } else { Err(refusal) }
}

/// Adds the missing scopes to a grant an earlier run or an admin made.
async fn extend_grant(
    client: &GraphClient,
    grant: &PermissionGrant,
    resource_name: &str,
    scope: &str,
    reporter: &Reporter,
) -> Result<(), GraphError> {
    match Step::extending(grant, resource_name, scope) {
        Some(step) => send(client, &step, reporter).await,
        None => {
            reporter.emit(Event::Skipped {
                op: Operation::GrantConsent(resource_name.to_owned()),
                reason: "already granted".into(),
            });
            Ok(())
        }
    }
}

fn consent_failure(op: &Operation, error: GraphError, reporter: &Reporter) -> ConsentStatus {
    if error.status() == Some(403) {
        let reason = "only an administrator can grant consent for the organisation; send them the admin consent link".to_string();
        reporter.emit(Event::Skipped {
            op: op.clone(),
            reason: reason.clone(),
        });
        return ConsentStatus::Skipped(reason);
    }
    let message = error.advice();
    reporter.emit(Event::Failed {
        op: op.clone(),
        message: message.clone(),
        request_id: error.request_id().map(str::to_string),
    });
    ConsentStatus::Failed(message)
}

fn skipped(name: &str, plan: &Plan, reason: String, reporter: &Reporter) -> ConsentResult {
    reporter.emit(Event::Skipped {
        op: Operation::GrantConsent(name.to_string()),
        reason: reason.clone(),
    });
    let scope = plan
        .spec
        .resources()
        .into_iter()
        .find(|(_, n)| *n == name)
        .map(|(id, _)| plan.spec.delegated_scopes(id))
        .unwrap_or_default();
    ConsentResult {
        resource: name.to_string(),
        scope,
        status: ConsentStatus::Skipped(reason),
    }
}
