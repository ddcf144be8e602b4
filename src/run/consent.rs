//! Steps 3b and 4: the service principal, then admin consent for each resource. Consent is an
//! addition: when it cannot be given, the run reports why and still hands over the app.

use super::{RunError, failed};
use crate::catalog::PermissionKind;
use crate::graph::Method;
use crate::graph::models::{AppRoleAssignment, Collection, PermissionGrant, ServicePrincipal};
use crate::graph::{Call, GraphClient, GraphError};
use crate::plan::Plan;
use crate::plan::requests::{app_role_assignment_body, grant_body, service_principal_body};
use crate::progress::{Event, Operation, Reporter};
use serde_json::json;
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
    reporter: &Reporter,
) -> Result<Principal, RunError> {
    let op = Operation::CreateServicePrincipal;
    // A repeat after a lost answer is caught as a conflict below.
    let create = Call::new(Method::Post, "/servicePrincipals")
        .body(service_principal_body(app_id))
        .resend_after_lost_answer()
        .wait_for_replication();
    match client.send(&create, &reporter.on(op.clone())).await {
        Ok(answer) => match answer.json::<ServicePrincipal>() {
            Ok(sp) => Ok(Principal { sp, created: true }),
            // Created, but the answer could not be read: look it up.
            Err(_) => read_principal(client, app_id, true, reporter).await,
        },
        // An earlier attempt made it (Graph answers 409 Request_MultipleObjectsWithSameKeyValue).
        Err(e) if e.status() == Some(409) => read_principal(client, app_id, false, reporter).await,
        Err(e) => Err(failed(op, e, reporter)),
    }
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
        format!("/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName"),
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
    let grants = plan.resources().into_iter().map(|(app_id, name)| {
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
    let scope = plan.delegated_scopes(&resource.app_id);
    let op = Operation::GrantConsent(name.to_string());
    let mut result = ConsentResult {
        resource: name.to_string(),
        scope: scope.clone(),
        status: ConsentStatus::Granted,
    };
    if !scope.is_empty() {
        let prior = existing.iter().find(|g| {
            g.resource_id == resource.id && g.consent_type.as_deref() == Some("AllPrincipals")
        });
        let outcome = match prior {
            Some(grant) => extend_grant(client, grant, &scope, &op, reporter).await,
            None => {
                // A repeat after a lost answer meets the first grant as a conflict.
                let call = Call::new(Method::Post, "/oauth2PermissionGrants")
                    .body(grant_body(client_sp, &resource.id, &scope))
                    .resend_after_lost_answer()
                    .wait_for_replication();
                match client.send(&call, &reporter.on(op.clone())).await {
                    Err(e) if e.may_already_exist() => {
                        extend_existing(client, client_sp, &resource.id, &scope, &op, reporter, e)
                            .await
                    }
                    other => other.map(drop),
                }
            }
        };
        if let Err(error) = outcome {
            result.status = consent_failure(&op, error, reporter);
            return result;
        }
    }
    let op = Operation::AssignAppRole(name.to_string());
    for role in plan
        .permissions_of(&resource.app_id)
        .filter(|p| p.kind == PermissionKind::Application)
    {
        let call = Call::new(
            Method::Post,
            format!("/servicePrincipals/{client_sp}/appRoleAssignments"),
        )
        .body(app_role_assignment_body(client_sp, &resource.id, &role.id))
        .resend_after_lost_answer()
        .wait_for_replication();
        let sent = match client.send(&call, &reporter.on(op.clone())).await {
            Err(error) if error.may_already_exist() => {
                confirm_assigned(client, client_sp, &resource.id, &role.id, reporter, error).await
            }
            other => other.map(drop),
        };
        if let Err(error) = sent {
            result.status = consent_failure(&op, error, reporter);
            return result;
        }
    }
    result
}

/// A grant refused as a possible repeat (an earlier run, or this one's lost answer): extend the
/// grant that is there, or report the refusal when there is none.
async fn extend_existing(
    client: &GraphClient,
    client_sp: &str,
    resource_sp: &str,
    scope: &str,
    op: &Operation,
    reporter: &Reporter,
    refusal: GraphError,
) -> Result<(), GraphError> {
    let grants = existing_grants(client, client_sp, reporter).await?;
    match grants.iter().find(|g| {
        g.resource_id == resource_sp && g.consent_type.as_deref() == Some("AllPrincipals")
    }) {
        Some(grant) => extend_grant(client, grant, scope, op, reporter).await,
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
    scope: &str,
    op: &Operation,
    reporter: &Reporter,
) -> Result<(), GraphError> {
    let mut scopes: Vec<&str> = grant.scopes().collect();
    let before = scopes.len();
    for wanted in scope.split_whitespace() {
        if !scopes.iter().any(|s| s.eq_ignore_ascii_case(wanted)) {
            scopes.push(wanted);
        }
    }
    if scopes.len() == before {
        reporter.emit(Event::Skipped {
            op: op.clone(),
            reason: "already granted".into(),
        });
        return Ok(());
    }
    let call = Call::new(
        Method::Patch,
        format!("/oauth2PermissionGrants/{}", grant.id),
    )
    .body(json!({ "scope": scopes.join(" ") }))
    .resend_after_lost_answer();
    client.send(&call, &reporter.on(op.clone())).await.map(drop)
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
        .resources()
        .into_iter()
        .find(|(_, n)| *n == name)
        .map(|(id, _)| plan.delegated_scopes(id))
        .unwrap_or_default();
    ConsentResult {
        resource: name.to_string(),
        scope,
        status: ConsentStatus::Skipped(reason),
    }
}
