//! The tenant-wide lists a fleet audit reads instead of reading per app, kept as compact
//! per-app indexes: each app's service principal by client id, and (only when admin consent is
//! checked) the tenant-wide delegated grants and application-permission assignments.

use super::MAX_PAGES;
use crate::graph::models::{AppRoleAssignment, PermissionGrant, ServicePrincipal};
use crate::graph::{Call, GraphClient, GraphError, Method};
use crate::progress::{Event, Operation, Reporter};
use std::collections::HashMap;
use std::sync::Arc;

/// The fields of a service principal the audit reads, as a single app's audit selects them.
const PRINCIPAL_FIELDS: &str = "id,appId,displayName,accountEnabled,appRoleAssignmentRequired,tags";

/// Service principals by client id (lowercase).
pub(super) type Principals = HashMap<String, ServicePrincipal>;

/// Every service principal of the tenant, paged with the largest page Graph allows.
pub(super) async fn principals(
    client: &GraphClient,
    reporter: &Reporter,
) -> Result<Principals, GraphError> {
    let mut principals = Principals::new();
    let call = Call::new(
        Method::Get,
        format!("/servicePrincipals?$select={PRINCIPAL_FIELDS}&$top=999"),
    );
    let observer = reporter.on(Operation::ReadServicePrincipal);
    let complete = client
        .for_each_page(call, &observer, MAX_PAGES, |page: Vec<ServicePrincipal>| {
            for sp in page {
                principals.insert(sp.app_id.to_ascii_lowercase(), sp);
            }
            std::future::ready(true)
        })
        .await?;
    if !complete {
        return Err(too_many("service principals"));
    }
    Ok(principals)
}

pub(super) fn too_many(what: &str) -> GraphError {
    GraphError::Malformed {
        status: 200,
        message: format!(
            "the tenant lists more {what} than {MAX_PAGES} pages hold, or a page links elsewhere"
        ),
        request_id: None,
    }
}

/// Consent as the audit sees it: the grants and assignments of each client service principal
/// (by its object id), or `None` when a list could not be read (no directory role).
#[derive(Debug, Default)]
pub(super) struct Consent {
    pub grants: Option<HashMap<String, Vec<PermissionGrant>>>,
    pub assignments: Option<HashMap<String, Vec<AppRoleAssignment>>>,
}

impl Consent {
    /// The tenant-wide delegated grants (only admin consent, `AllPrincipals`, is kept: a
    /// user's own consent never decides a finding) and who holds the roles of `resources`.
    pub(super) async fn read(
        client: &GraphClient,
        resources: &[Arc<ServicePrincipal>],
        reporter: &Reporter,
    ) -> Self {
        let (grants, assignments) = tokio::join!(
            admin_grants(client, reporter),
            assignments(client, resources, reporter)
        );
        Self {
            grants: skipped(grants, reporter),
            assignments: skipped(assignments, reporter),
        }
    }

    /// Adds who holds the roles of APIs met later on.
    pub(super) async fn add_resources(
        &mut self,
        client: &GraphClient,
        resources: &[Arc<ServicePrincipal>],
        reporter: &Reporter,
    ) {
        let Some(known) = &mut self.assignments else {
            return;
        };
        match skipped(assignments(client, resources, reporter).await, reporter) {
            Some(more) => {
                for (principal, list) in more {
                    known.entry(principal).or_default().extend(list);
                }
            }
            None => self.assignments = None,
        }
    }

    /// What a single app's audit would have read for the service principal `sp_id`.
    pub(super) fn of(
        &self,
        sp_id: &str,
    ) -> (Option<Vec<PermissionGrant>>, Option<Vec<AppRoleAssignment>>) {
        let key = sp_id.to_ascii_lowercase();
        (
            self.grants
                .as_ref()
                .map(|g| g.get(&key).cloned().unwrap_or_default()),
            self.assignments
                .as_ref()
                .map(|a| a.get(&key).cloned().unwrap_or_default()),
        )
    }
}

/// A list the audit can do without, as a single app's audit treats it: a failure is reported
/// as skipped and gives `None`.
fn skipped<T>(read: Result<T, GraphError>, reporter: &Reporter) -> Option<T> {
    match read {
        Ok(value) => Some(value),
        Err(error) => {
            reporter.emit(Event::Skipped {
                op: Operation::ReadGrants,
                reason: error.advice(),
            });
            None
        }
    }
}

async fn admin_grants(
    client: &GraphClient,
    reporter: &Reporter,
) -> Result<HashMap<String, Vec<PermissionGrant>>, GraphError> {
    let mut grants: HashMap<String, Vec<PermissionGrant>> = HashMap::new();
    let call = Call::new(Method::Get, "/oauth2PermissionGrants?$top=999");
    let observer = reporter.on(Operation::ReadGrants);
    let complete = client
        .for_each_page(call, &observer, MAX_PAGES, |page: Vec<PermissionGrant>| {
            for grant in page {
                if grant.consent_type.as_deref() == Some("AllPrincipals") {
                    grants
                        .entry(grant.client_id.to_ascii_lowercase())
                        .or_default()
                        .push(grant);
                }
            }
            std::future::ready(true)
        })
        .await?;
    if !complete {
        return Err(too_many("permission grants"));
    }
    Ok(grants)
}

/// The application permissions granted on `resources`, by the client holding them.
async fn assignments(
    client: &GraphClient,
    resources: &[Arc<ServicePrincipal>],
    reporter: &Reporter,
) -> Result<HashMap<String, Vec<AppRoleAssignment>>, GraphError> {
    let reads = resources.iter().map(|sp| async move {
        let mut held: Vec<AppRoleAssignment> = Vec::new();
        let call = Call::new(
            Method::Get,
            format!("/servicePrincipals/{}/appRoleAssignedTo?$top=999", sp.id),
        );
        let observer = reporter.on(Operation::ReadGrants);
        let complete = client
            .for_each_page(
                call,
                &observer,
                MAX_PAGES,
                |page: Vec<AppRoleAssignment>| {
                    held.extend(page);
                    std::future::ready(true)
                },
            )
            .await?;
        if !complete {
            return Err(too_many("app role assignments"));
        }
        Ok(held)
    });
    let mut by_principal: HashMap<String, Vec<AppRoleAssignment>> = HashMap::new();
    for read in futures::future::join_all(reads).await {
        for assignment in read? {
            by_principal
                .entry(assignment.principal_id.to_ascii_lowercase())
                .or_default()
                .push(assignment);
        }
    }
    Ok(by_principal)
}
