//! Reading what the audit needs from Graph, concurrently where the reads do not depend on each
//! other: the app, its tenant, its service principal and the resources' in one round trip (by
//! client id), then the grants and role assignments that hang off the service principal.

use super::context::AuditContext;
use crate::catalog::{AZURE_AD_GRAPH, EXCHANGE_ONLINE, MICROSOFT_GRAPH};
use crate::graph::Method;
use crate::graph::models::{
    AppRoleAssignment, Application, Collection, PermissionGrant, ServicePrincipal,
};
use crate::graph::{Call, GraphClient, GraphError};
use crate::progress::{Event, Operation, Reporter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;

/// The resources whose service principals every audit reads (consent is granted against them).
pub(super) const RESOURCES: [(&str, &str); 2] = [
    (MICROSOFT_GRAPH, "Microsoft Graph"),
    (EXCHANGE_ONLINE, "Office 365 Exchange Online"),
];

/// Which app to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The application (client) id.
    AppId(String),
    /// The display name; it must name exactly one app.
    Name(String),
}

impl Selector {
    /// Checks the shape of a client id before anything is sent.
    pub fn app_id(id: &str) -> Result<Self, InspectError> {
        uuid::Uuid::parse_str(id.trim())
            .map(|_| Selector::AppId(id.trim().to_string()))
            .map_err(|_| InspectError::BadAppId(id.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error(
        "'{0}' is not an application (client) id: expected a GUID like 1b2c3d4e-0000-4000-8000-000000000000"
    )]
    BadAppId(String),
    #[error("no app registration with {0} in this tenant (check --tenant)")]
    NotFound(String),
    #[error("{} app registrations are named \"{name}\": choose one with --app-id ({})", .app_ids.len(), .app_ids.join(", "))]
    Ambiguous { name: String, app_ids: Vec<String> },
    #[error("{op} failed: {}", .error.advice())]
    Graph {
        op: Operation,
        error: Box<GraphError>,
    },
}

impl InspectError {
    /// The user named the app wrongly (not a failure on the way).
    pub fn is_input(&self) -> bool {
        !matches!(self, InspectError::Graph { .. })
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            InspectError::Graph { error, .. } => error.request_id(),
            _ => None,
        }
    }
}

/// The app and everything around it, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    pub application: Application,
    pub context: AuditContext,
}

pub async fn inspect(
    client: &GraphClient,
    selector: &Selector,
    reporter: &Reporter,
) -> Result<Inspection, InspectError> {
    let early_principal = async {
        match selector {
            Selector::AppId(id) => Some(read_principal(client, id, reporter).await),
            Selector::Name(_) => None,
        }
    };
    let known: Vec<(String, String)> = RESOURCES
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    let reading_tenant = reporter.on(Operation::ReadTenant);
    let (app, org, early_principal, mut resources) = tokio::join!(
        read_app(client, selector, reporter),
        client.organization(&reading_tenant),
        early_principal,
        read_resources(client, &known, reporter),
    );
    let (application, verified_publisher) = app?;
    let principal = match early_principal {
        Some(principal) => principal?,
        None => read_principal(client, &application.app_id, reporter).await?,
    };
    let others = other_resources(&application, &known);
    let (grants, role_assignments, more) = match &principal {
        Some(sp) => {
            let (grants, assignments, more) = tokio::join!(
                optional_list::<PermissionGrant>(
                    client,
                    format!("/oauth2PermissionGrants?$filter=clientId eq '{}'", sp.id),
                    reporter,
                ),
                optional_list::<AppRoleAssignment>(
                    client,
                    format!("/servicePrincipals/{}/appRoleAssignments", sp.id),
                    reporter,
                ),
                read_resources(client, &others, reporter),
            );
            (grants, assignments, more)
        }
        None => (
            Some(Vec::new()),
            Some(Vec::new()),
            read_resources(client, &others, reporter).await,
        ),
    };
    resources.extend(more);
    Ok(Inspection {
        application,
        context: AuditContext {
            tenant_id: org.ok().map(|o| o.id),
            verified_publisher,
            service_principal: principal,
            grants,
            role_assignments,
            resources: resources.found.into_iter().map(Arc::new).collect(),
            absent_resources: resources.absent,
            wants: Default::default(),
        },
    })
}

fn graph_failure(op: Operation, error: GraphError, reporter: &Reporter) -> InspectError {
    reporter.emit(Event::Failed {
        op: op.clone(),
        message: error.advice(),
        request_id: error.request_id().map(str::to_string),
    });
    InspectError::Graph {
        op,
        error: Box::new(error),
    }
}

/// Only the verified publisher is read beyond [`Application`]'s fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PublisherFields {
    #[serde(default)]
    verified_publisher: Option<VerifiedPublisher>,
}

impl PublisherFields {
    /// The verified publisher; `None` when the publisher is not verified.
    pub(super) fn verified(self) -> Option<super::context::VerifiedPublisher> {
        let publisher = self.verified_publisher?;
        Some(super::context::VerifiedPublisher {
            mpn_id: publisher.verified_publisher_id?,
            name: publisher.display_name.unwrap_or_default(),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifiedPublisher {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    verified_publisher_id: Option<String>,
}

/// Just the app registration, for commands that need nothing around it.
pub async fn read_application(
    client: &GraphClient,
    selector: &Selector,
    reporter: &Reporter,
) -> Result<Application, InspectError> {
    read_app(client, selector, reporter)
        .await
        .map(|(app, _)| app)
}

async fn read_app(
    client: &GraphClient,
    selector: &Selector,
    reporter: &Reporter,
) -> Result<(Application, Option<super::context::VerifiedPublisher>), InspectError> {
    let op = Operation::ReadApp;
    let path = match selector {
        Selector::AppId(id) => format!("/applications(appId='{id}')"),
        Selector::Name(name) => format!(
            "/applications?$filter=displayName eq '{}'",
            query_literal(name)
        ),
    };
    let call = Call::new(Method::Get, path);
    let answer = match client.send(&call, &reporter.on(op.clone())).await {
        Err(error) if error.status() == Some(404) => {
            return Err(InspectError::NotFound(describe(selector)));
        }
        other => other.map_err(|e| graph_failure(op.clone(), e, reporter))?,
    };
    let document: Value = match selector {
        Selector::AppId(_) => answer
            .json()
            .map_err(|e| graph_failure(op.clone(), e, reporter))?,
        Selector::Name(name) => {
            let list: Collection<Value> = answer
                .json()
                .map_err(|e| graph_failure(op.clone(), e, reporter))?;
            let mut found = list.value;
            match found.len() {
                0 => return Err(InspectError::NotFound(describe(selector))),
                1 => found.remove(0),
                _ => {
                    return Err(InspectError::Ambiguous {
                        name: name.clone(),
                        app_ids: found
                            .iter()
                            .filter_map(|a| a.get("appId").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect(),
                    });
                }
            }
        }
    };
    let malformed = |e: serde_json::Error| GraphError::Malformed {
        status: answer.status,
        message: format!("cannot read the app: {e}"),
        request_id: answer.request_id.clone(),
    };
    let application: Application = serde_json::from_value(document.clone())
        .map_err(|e| graph_failure(op.clone(), malformed(e), reporter))?;
    let publisher: PublisherFields = serde_json::from_value(document)
        .map_err(|e| graph_failure(op.clone(), malformed(e), reporter))?;
    Ok((application, publisher.verified()))
}

fn describe(selector: &Selector) -> String {
    match selector {
        Selector::AppId(id) => format!("client id {id}"),
        Selector::Name(name) => format!("the name \"{name}\""),
    }
}

/// A string inside an OData literal: quotes doubled, and the characters a query string
/// gives meaning to escaped.
fn query_literal(text: &str) -> String {
    text.replace('\'', "''")
        .replace('%', "%25")
        .replace('&', "%26")
        .replace('#', "%23")
        .replace('+', "%2B")
}

async fn read_principal(
    client: &GraphClient,
    app_id: &str,
    reporter: &Reporter,
) -> Result<Option<ServicePrincipal>, InspectError> {
    let op = Operation::ReadServicePrincipal;
    let call = Call::new(
        Method::Get,
        format!(
            "/servicePrincipals?$filter=appId eq '{app_id}'&$select=id,appId,displayName,accountEnabled,appRoleAssignmentRequired,tags"
        ),
    );
    let list: Collection<ServicePrincipal> = client
        .send(&call, &reporter.on(op.clone()))
        .await
        .and_then(|a| a.json())
        .map_err(|e| graph_failure(op, e, reporter))?;
    Ok(list.value.into_iter().next())
}

/// The resources an app lists that the audit has not read yet (retired ones are left alone).
pub(super) fn other_resources(
    app: &Application,
    known: &[(String, String)],
) -> Vec<(String, String)> {
    let mut others: Vec<(String, String)> = Vec::new();
    for rra in &app.required_resource_access {
        let id = &rra.resource_app_id;
        let seen = known
            .iter()
            .chain(others.iter())
            .any(|(k, _)| k.eq_ignore_ascii_case(id));
        if !seen && !id.eq_ignore_ascii_case(AZURE_AD_GRAPH) {
            others.push((id.clone(), id.clone()));
        }
    }
    others
}

/// Resource service principals in this tenant, and the app ids of those it does not have; one
/// that cannot be read (a refusal, a failure) is in neither list.
#[derive(Debug, Default)]
pub(super) struct ResourceReads {
    pub(super) found: Vec<ServicePrincipal>,
    pub(super) absent: Vec<String>,
}

impl ResourceReads {
    fn extend(&mut self, more: ResourceReads) {
        self.found.extend(more.found);
        self.absent.extend(more.absent);
    }
}

pub(super) async fn read_resources(
    client: &GraphClient,
    resources: &[(String, String)],
    reporter: &Reporter,
) -> ResourceReads {
    let reads = resources.iter().map(|(app_id, name)| async move {
        let op = Operation::ReadResource(name.clone());
        let call = Call::new(Method::Get,
            // The permissions too: the audit checks the app's ids against what the API offers.
            format!(
                "/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName,oauth2PermissionScopes,appRoles"
            ),
        );
        let read = client.send(&call, &reporter.on(op.clone())).await.and_then(|a| a.json());
        if let Err(error) = &read {
            reporter.emit(Event::Skipped {
                op,
                reason: error.advice(),
            });
        }
        (app_id, read)
    });
    let mut reads_done = ResourceReads::default();
    for (app_id, read) in futures::future::join_all(reads).await {
        match read {
            Ok(sp) => reads_done.found.push(sp),
            Err(error) if error.status() == Some(404) => reads_done.absent.push(app_id.clone()),
            Err(_) => {}
        }
    }
    reads_done
}

/// A list the audit can do without: a refusal (no directory role) gives `None`.
async fn optional_list<T: DeserializeOwned>(
    client: &GraphClient,
    path: String,
    reporter: &Reporter,
) -> Option<Vec<T>> {
    let op = Operation::ReadGrants;
    let call = Call::new(Method::Get, path);
    match client
        .send(&call, &reporter.on(op.clone()))
        .await
        .and_then(|a| a.json::<Collection<T>>())
    {
        Ok(list) => Some(list.value),
        Err(error) => {
            reporter.emit(Event::Skipped {
                op,
                reason: error.advice(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_checked_and_names_escaped() {
        assert!(Selector::app_id("not-a-guid").is_err());
        assert_eq!(
            Selector::app_id(" 1b2c3d4e-0000-4000-8000-000000000000 ").unwrap(),
            Selector::AppId("1b2c3d4e-0000-4000-8000-000000000000".into())
        );
        assert_eq!(query_literal("Bob's & Co #1+"), "Bob''s %26 Co %231%2B");
    }
}
