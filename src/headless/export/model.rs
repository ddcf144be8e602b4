//! What an export says about an app, whatever the format: read once from Graph, permission names
//! looked up, everything whose order Graph does not keep sorted, and no secret at all (only the
//! key ids of the client secrets, so the reader knows there are some).

use crate::catalog::{Catalog, PermissionKind};
use crate::doctor::Inspection;
use crate::graph::models::{
    AppRoleAssignment, Application, PermissionGrant, RequiredResourceAccess, ServicePrincipal,
};
use std::collections::BTreeSet;

/// The app registration, its service principal and what was consented to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub app: App,
    pub tenant_id: Option<String>,
    /// The enterprise application in the app's home tenant, when it has one.
    pub principal: Option<Principal>,
    pub grants: Vec<Grant>,
    pub assignments: Vec<Assignment>,
    /// Key ids of the app's client secrets; their values are never read.
    pub secret_key_ids: Vec<String>,
    /// What could not be read and so is not exported, in words for a comment.
    pub unread: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub object_id: String,
    pub client_id: String,
    pub display_name: String,
    /// The client-provided key Bicep finds the app by.
    pub unique_name: Option<String>,
    pub sign_in_audience: String,
    pub tags: Vec<String>,
    pub web: Web,
    pub spa_redirect_uris: Vec<String>,
    pub public_client_redirect_uris: Vec<String>,
    pub fallback_public_client: bool,
    pub access_token_version: Option<u8>,
    pub permissions: Vec<ResourcePermissions>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Web {
    pub redirect_uris: Vec<String>,
    pub home_page_url: Option<String>,
    pub logout_url: Option<String>,
    pub implicit_access_tokens: bool,
    pub implicit_id_tokens: bool,
}

/// One `requiredResourceAccess` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePermissions {
    pub resource_app_id: String,
    pub resource_name: Option<String>,
    pub access: Vec<Access>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub id: String,
    /// Graph's `Scope` or `Role`, as read.
    pub kind: String,
    /// The permission's name, when the catalog or the tenant knows the id.
    pub name: Option<String>,
}

impl Access {
    /// "Mail.Read (delegated)", or the id when the name is unknown.
    pub fn describe(&self) -> String {
        let kind = match PermissionKind::from_graph(&self.kind) {
            Some(PermissionKind::Delegated) => "delegated",
            Some(PermissionKind::Application) => "application",
            None => "unknown type",
        };
        format!("{} ({kind})", self.name.as_deref().unwrap_or(&self.id))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub object_id: String,
    pub account_enabled: bool,
    pub assignment_required: bool,
    pub tags: Vec<String>,
}

/// The service principal of an API a grant or an assignment is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub object_id: String,
    pub name: Option<String>,
}

impl Resource {
    pub fn describe(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.object_id)
    }
}

/// A delegated permission grant (`oauth2PermissionGrant`).
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// An identifier unique among the grants, for formats that name resources.
    pub label: String,
    pub id: String,
    pub resource: Resource,
    pub consent_type: String,
    /// The user of a `Principal` grant.
    pub principal_id: Option<String>,
    pub scopes: Vec<String>,
}

impl Grant {
    /// "Admin consent to Microsoft Graph", or whose consent it is.
    pub fn describe(&self) -> String {
        match &self.principal_id {
            Some(user) => format!(
                "Consent of user {user} to {}: {}",
                self.resource.describe(),
                self.scopes.join(" ")
            ),
            None => format!(
                "Admin consent to {} for every user: {}",
                self.resource.describe(),
                self.scopes.join(" ")
            ),
        }
    }
}

/// An application permission granted to the app's service principal.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// An identifier unique among the assignments.
    pub label: String,
    pub id: String,
    pub resource: Resource,
    pub app_role_id: String,
    pub role_name: Option<String>,
}

impl Assignment {
    pub fn describe(&self) -> String {
        format!(
            "Application permission {} of {}",
            self.role_name.as_deref().unwrap_or(&self.app_role_id),
            self.resource.describe()
        )
    }
}

impl Export {
    /// The export of what `inspect` read; `catalog` names the permissions.
    pub fn new(inspection: &Inspection, catalog: &Catalog) -> Self {
        let context = &inspection.context;
        let names = Names {
            catalog,
            resources: &context.resources,
        };
        let mut unread = Vec::new();
        let principal = context.service_principal.as_ref();
        let (grants, assignments) = match principal {
            Some(_) => (
                context.grants.as_deref().map(|g| grants(g, &names)),
                context
                    .role_assignments
                    .as_deref()
                    .map(|a| assignments(a, &names)),
            ),
            None => (Some(Vec::new()), Some(Vec::new())),
        };
        if grants.is_none() {
            unread.push("the delegated permission grants (admin consent) could not be read");
        }
        if assignments.is_none() {
            unread.push("the application permissions granted could not be read");
        }
        let app = &inspection.application;
        Export {
            app: application(app, &names),
            tenant_id: context.tenant_id.clone(),
            principal: principal.map(service_principal),
            grants: grants.unwrap_or_default(),
            assignments: assignments.unwrap_or_default(),
            secret_key_ids: sorted(app.password_credentials.iter().map(|p| p.key_id.clone())),
            unread,
        }
    }

    /// What every format says first, one sentence a line.
    pub fn summary(&self) -> Vec<String> {
        let app = &self.app;
        let mut lines = vec![format!(
            "\"{}\": client id {}, object id {}{}.",
            app.display_name,
            app.client_id,
            app.object_id,
            self.tenant_id
                .as_deref()
                .map(|t| format!(", tenant {t}"))
                .unwrap_or_default()
        )];
        lines.push(match self.secret_key_ids.len() {
            0 => "Client secrets are never exported (the app has none).".into(),
            n => format!(
                "Client secrets are never exported (the app has {n}, key id {}).",
                self.secret_key_ids.join(", ")
            ),
        });
        if self.principal.is_none() {
            lines.push(
                "The app has no service principal in this tenant: no enterprise application or consent to export."
                    .into(),
            );
        }
        lines.extend(
            self.unread
                .iter()
                .map(|what| format!("Not exported: {what}.")),
        );
        lines
    }
}

/// Where names come from: appreg's catalog first, then what the tenant's resource service
/// principals say (an API the catalog does not know).
struct Names<'a> {
    catalog: &'a Catalog,
    resources: &'a [std::sync::Arc<ServicePrincipal>],
}

impl Names<'_> {
    fn resource_name(&self, app_id: &str) -> Option<String> {
        self.catalog
            .resource_by_app_id(app_id)
            .map(|r| r.display_name.clone())
            .or_else(|| {
                self.resources
                    .iter()
                    .find(|sp| sp.app_id.eq_ignore_ascii_case(app_id))
                    .and_then(|sp| sp.display_name.clone())
            })
    }

    fn permission_name(&self, resource_app_id: &str, id: &str) -> Option<String> {
        let from_tenant = || {
            let sp = self
                .resources
                .iter()
                .find(|sp| sp.app_id.eq_ignore_ascii_case(resource_app_id))?;
            let scope = sp
                .oauth2_permission_scopes
                .iter()
                .find(|s| s.id.eq_ignore_ascii_case(id))
                .map(|s| s.value.clone());
            scope.or_else(|| {
                sp.app_roles
                    .iter()
                    .find(|r| r.id.eq_ignore_ascii_case(id))
                    .and_then(|r| r.value.clone())
            })
        };
        self.catalog
            .permission_by_id(resource_app_id, id)
            .map(|(_, p)| p.name.clone())
            .or_else(from_tenant)
    }

    /// A resource service principal by object id.
    fn resource(&self, object_id: &str) -> (Resource, Option<&str>) {
        let sp = self
            .resources
            .iter()
            .find(|sp| sp.id.eq_ignore_ascii_case(object_id));
        let app_id = sp.map(|sp| sp.app_id.as_str());
        let name = app_id.and_then(|id| self.resource_name(id));
        (
            Resource {
                object_id: object_id.to_string(),
                name,
            },
            app_id,
        )
    }
}

fn application(app: &Application, names: &Names) -> App {
    let web = app.web.clone().unwrap_or_default();
    let implicit = web.implicit_grant_settings.unwrap_or_default();
    App {
        object_id: app.id.clone(),
        client_id: app.app_id.clone(),
        display_name: app.display_name.clone().unwrap_or_default(),
        unique_name: app.unique_name.clone(),
        sign_in_audience: app
            .sign_in_audience
            .clone()
            .unwrap_or_else(|| "AzureADMyOrg".into()),
        tags: sorted(app.tags.iter().cloned()),
        web: Web {
            redirect_uris: sorted(web.redirect_uris),
            home_page_url: web.home_page_url,
            logout_url: web.logout_url,
            implicit_access_tokens: implicit.enable_access_token_issuance.unwrap_or(false),
            implicit_id_tokens: implicit.enable_id_token_issuance.unwrap_or(false),
        },
        spa_redirect_uris: sorted(app.spa.iter().flat_map(|s| s.redirect_uris.clone())),
        public_client_redirect_uris: sorted(
            app.public_client
                .iter()
                .flat_map(|p| p.redirect_uris.clone()),
        ),
        fallback_public_client: app.is_fallback_public_client.unwrap_or(false),
        access_token_version: app
            .api
            .as_ref()
            .and_then(|a| a.requested_access_token_version),
        permissions: permissions(&app.required_resource_access, names),
    }
}

fn permissions(list: &[RequiredResourceAccess], names: &Names) -> Vec<ResourcePermissions> {
    let mut out: Vec<ResourcePermissions> = list
        .iter()
        .map(|rra| {
            let mut access: Vec<Access> = rra
                .resource_access
                .iter()
                .map(|a| Access {
                    id: a.id.clone(),
                    kind: a.kind.clone(),
                    name: names.permission_name(&rra.resource_app_id, &a.id),
                })
                .collect();
            access.sort_by_key(|a| (a.kind.clone(), sort_key(a.name.as_deref(), &a.id)));
            ResourcePermissions {
                resource_app_id: rra.resource_app_id.clone(),
                resource_name: names.resource_name(&rra.resource_app_id),
                access,
            }
        })
        .collect();
    out.sort_by_key(|r| r.resource_app_id.to_ascii_lowercase());
    out
}

fn service_principal(sp: &ServicePrincipal) -> Principal {
    Principal {
        object_id: sp.id.clone(),
        account_enabled: sp.account_enabled.unwrap_or(true),
        assignment_required: sp.app_role_assignment_required.unwrap_or(false),
        tags: sorted(sp.tags.iter().cloned()),
    }
}

fn grants(list: &[PermissionGrant], names: &Names) -> Vec<Grant> {
    let mut grants: Vec<Grant> = list
        .iter()
        .map(|g| Grant {
            label: String::new(),
            id: g.id.clone(),
            resource: names.resource(&g.resource_id).0,
            consent_type: g
                .consent_type
                .clone()
                .unwrap_or_else(|| "AllPrincipals".into()),
            principal_id: g.principal_id.clone(),
            scopes: sorted_by_name(g.scopes().map(str::to_string)),
        })
        .collect();
    // Admin consent first, then each user's, by API; the id settles the rest.
    grants.sort_by_key(|g| {
        (
            sort_key(g.resource.name.as_deref(), &g.resource.object_id),
            g.principal_id.clone(),
            g.id.clone(),
        )
    });
    let mut taken = BTreeSet::new();
    for grant in &mut grants {
        let base = match &grant.principal_id {
            Some(user) => format!(
                "{} user {}",
                grant.resource.describe(),
                user.chars().take(8).collect::<String>()
            ),
            None => grant.resource.describe().to_string(),
        };
        grant.label = label(&base, &mut taken);
    }
    grants
}

fn assignments(list: &[AppRoleAssignment], names: &Names) -> Vec<Assignment> {
    let mut assignments: Vec<Assignment> = list
        .iter()
        .map(|a| {
            let (resource, app_id) = names.resource(&a.resource_id);
            Assignment {
                label: String::new(),
                id: a.id.clone(),
                role_name: app_id.and_then(|id| names.permission_name(id, &a.app_role_id)),
                resource,
                app_role_id: a.app_role_id.clone(),
            }
        })
        .collect();
    assignments.sort_by_key(|a| {
        (
            sort_key(a.resource.name.as_deref(), &a.resource.object_id),
            sort_key(a.role_name.as_deref(), &a.app_role_id),
            a.id.clone(),
        )
    });
    let mut taken = BTreeSet::new();
    for assignment in &mut assignments {
        let role = assignment.role_name.as_deref().unwrap_or("role");
        let base = format!("{} {role}", assignment.resource.describe());
        assignment.label = label(&base, &mut taken);
    }
    assignments
}

/// Names sort without regard to case, then by id so equal names keep one order.
fn sort_key(name: Option<&str>, id: &str) -> (String, String) {
    (name.unwrap_or(id).to_lowercase(), id.to_ascii_lowercase())
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.into_iter().collect();
    items.sort();
    items.dedup();
    items
}

fn sorted_by_name(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.collect();
    items.sort_by_key(|s| (s.to_lowercase(), s.clone()));
    items.dedup();
    items
}

/// An identifier every format accepts (`[a-z][a-z0-9_]*`), made from a name and unique among
/// `taken`: only ASCII letters and digits of the name survive, so nothing in it needs quoting.
pub fn label(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut base = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.ends_with('_') && !base.is_empty() {
            base.push('_');
        }
    }
    let base = base.trim_end_matches('_');
    let base = match base.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => base.to_string(),
        Some(_) => format!("r_{base}"),
        None => "resource".to_string(),
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_identifiers_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(label("Microsoft Graph", &mut taken), "microsoft_graph");
        assert_eq!(label("Microsoft Graph", &mut taken), "microsoft_graph_2");
        assert_eq!(label("$(rm -rf ~)'; \"x", &mut taken), "rm_rf_x");
        assert_eq!(label("365 API", &mut taken), "r_365_api");
        assert_eq!(label("Ωμέγα", &mut taken), "resource");
        assert_eq!(label("", &mut taken), "resource_2");
    }
}
