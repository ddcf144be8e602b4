//! Every write appreg makes to Microsoft Graph, as one typed step. `create`'s run, doctor's fix
//! and `appreg plan`'s listing all speak these, so each request's method, path, headers and
//! body are written once, here.

use super::settings::{HIDE_APP_TAG, Logo};
use crate::graph::models::PermissionGrant;
use crate::graph::models::format_graph_time;
use crate::graph::{Call, Method};
use crate::progress::Operation;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::fmt;
use time::OffsetDateTime;

/// An id a step needs: known when the step is planned, or made by an earlier step of the same
/// run (then `appreg plan` shows a placeholder and the runner fills it in from [`Ids`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    Known(String),
    /// The object id of the app this run registers.
    App,
    /// The client (application) id of the app this run registers.
    AppId,
    /// The app's service principal, created by this run.
    ServicePrincipal,
    /// A resource API's service principal in the tenant, read by this run (by its name).
    ResourcePrincipal(String),
}

/// The ids earlier steps of a run made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    pub app: Option<String>,
    pub app_id: Option<String>,
    pub service_principal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not known yet: the step that makes it has not run")]
pub struct MissingId(String);

impl Ref {
    fn placeholder(&self) -> String {
        match self {
            Ref::Known(id) => id.clone(),
            Ref::App => "{app.id}".into(),
            Ref::AppId => "{app.appId}".into(),
            Ref::ServicePrincipal => "{sp.id}".into(),
            Ref::ResourcePrincipal(name) => format!("{{{name} sp.id}}"),
        }
    }

    /// The id itself, from `ids` when this run made it.
    fn resolve(&self, ids: &Ids) -> Result<String, MissingId> {
        let made = match self {
            Ref::Known(id) => return Ok(id.clone()),
            Ref::App => &ids.app,
            Ref::AppId => &ids.app_id,
            Ref::ServicePrincipal => &ids.service_principal,
            Ref::ResourcePrincipal(_) => &None,
        };
        made.clone().ok_or_else(|| MissingId(self.placeholder()))
    }
}

/// A resource API a permission belongs to, and its service principal in the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub name: String,
    pub principal: Ref,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The whole app in one request: created once, updated when the run is repeated.
    UpsertApp {
        unique_name: String,
        body: Value,
    },
    /// Only the app's properties that change.
    PatchApp {
        app: Ref,
        body: Value,
    },
    AddSecret {
        app: Ref,
        display_name: String,
        end: OffsetDateTime,
    },
    RemoveSecret {
        app: Ref,
        key_id: String,
    },
    CreateServicePrincipal {
        app_id: Ref,
        /// "Visible to users?" No: the `HideApp` tag from the start.
        hide: bool,
    },
    /// The service principal's tags, all of them (`HideApp` added or removed).
    TagServicePrincipal {
        principal: Ref,
        tags: Vec<String>,
    },
    UploadLogo {
        app: Ref,
        logo: Logo,
    },
    SetVerifiedPublisher {
        app: Ref,
        publisher_id: String,
    },
    EnableServicePrincipal {
        principal: Ref,
    },
    /// Admin consent for delegated permissions: a new tenant-wide grant.
    Grant {
        client: Ref,
        resource: ResourceRef,
        scope: String,
    },
    /// Admin consent for more delegated permissions on a grant that exists.
    ExtendGrant {
        grant_id: String,
        resource_name: String,
        scope: String,
    },
    /// Admin consent for one application permission.
    AssignRole {
        client: Ref,
        resource: ResourceRef,
        role_id: String,
        role_name: String,
    },
}

impl Step {
    /// Admin consent for `wanted` (space-separated scopes) on a grant that exists: the grant
    /// with the scopes it lacks added, or `None` when it has them all.
    pub fn extending(grant: &PermissionGrant, resource_name: &str, wanted: &str) -> Option<Step> {
        let mut scopes: Vec<&str> = grant.scopes().collect();
        let before = scopes.len();
        for scope in wanted.split_whitespace() {
            if !scopes.iter().any(|s| s.eq_ignore_ascii_case(scope)) {
                scopes.push(scope);
            }
        }
        (scopes.len() > before).then(|| Step::ExtendGrant {
            grant_id: grant.id.clone(),
            resource_name: resource_name.to_owned(),
            scope: scopes.join(" "),
        })
    }
}

/// A step's request with every id resolved.
struct Parts {
    method: Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Step {
    /// The progress line the step reports under.
    pub fn operation(&self) -> Operation {
        match self {
            Step::UpsertApp { .. } => Operation::RegisterApp,
            Step::PatchApp { .. } => Operation::UpdateApp,
            Step::AddSecret { .. } => Operation::AddSecret,
            Step::RemoveSecret { .. } => Operation::RemoveSecret,
            Step::CreateServicePrincipal { .. } => Operation::CreateServicePrincipal,
            Step::EnableServicePrincipal { .. } | Step::TagServicePrincipal { .. } => {
                Operation::UpdateServicePrincipal
            }
            Step::UploadLogo { .. } => Operation::UploadLogo,
            Step::SetVerifiedPublisher { .. } => Operation::VerifyPublisher,
            Step::Grant { resource, .. } => Operation::GrantConsent(resource.name.clone()),
            Step::ExtendGrant { resource_name, .. } => {
                Operation::GrantConsent(resource_name.clone())
            }
            Step::AssignRole { resource, .. } => Operation::AssignAppRole(resource.name.clone()),
        }
    }

    /// What the step is for, in the portal's words.
    pub fn purpose(&self) -> String {
        match self {
            Step::UpsertApp { .. } => "Register the app (created once, updated on retry)".into(),
            Step::PatchApp { .. } => {
                "Update the app registration (only the properties that change)".into()
            }
            Step::AddSecret { .. } => "Add a client secret".into(),
            Step::RemoveSecret { key_id, .. } => format!("Remove the client secret {key_id}"),
            Step::CreateServicePrincipal { .. } => {
                "Create the enterprise application (service principal)".into()
            }
            Step::EnableServicePrincipal { .. } => {
                "Enable the enterprise application for sign-in".into()
            }
            Step::TagServicePrincipal { tags, .. } => {
                if tags.iter().any(|t| t == HIDE_APP_TAG) {
                    "Hide the app from users' My Apps (Visible to users? No)".into()
                } else {
                    "Show the app in users' My Apps (Visible to users? Yes)".into()
                }
            }
            Step::UploadLogo { logo, .. } => format!("Upload the logo {}", logo.source),
            Step::SetVerifiedPublisher { publisher_id, .. } => {
                format!("Verify the publisher with Microsoft Partner Network id {publisher_id}")
            }
            Step::Grant { resource, .. } => format!("Grant admin consent for {}", resource.name),
            Step::ExtendGrant { resource_name, .. } => {
                format!("Grant admin consent for {resource_name}")
            }
            Step::AssignRole {
                resource,
                role_name,
                ..
            } => format!(
                "Grant the application permission {role_name} of {}",
                resource.name
            ),
        }
    }

    /// The request, each id given by `id`.
    fn parts<E>(&self, id: impl Fn(&Ref) -> Result<String, E>) -> Result<Parts, E> {
        let post = |path: String, body: Value| Parts {
            method: Method::Post,
            path,
            headers: vec![],
            body: Some(body),
        };
        let patch = |path: String, body: Value| Parts {
            method: Method::Patch,
            path,
            headers: vec![],
            body: Some(body),
        };
        Ok(match self {
            Step::UpsertApp { unique_name, body } => Parts {
                headers: vec![("Prefer", "create-if-missing".into())],
                ..patch(upsert_path(unique_name), body.clone())
            },
            Step::PatchApp { app, body } => {
                patch(format!("/applications/{}", id(app)?), body.clone())
            }
            Step::AddSecret {
                app,
                display_name,
                end,
            } => post(
                format!("/applications/{}/addPassword", id(app)?),
                add_password_body(display_name, *end),
            ),
            Step::RemoveSecret { app, key_id } => post(
                format!("/applications/{}/removePassword", id(app)?),
                json!({ "keyId": key_id }),
            ),
            Step::CreateServicePrincipal { app_id, hide } => post(
                "/servicePrincipals".into(),
                service_principal_body(&id(app_id)?, *hide),
            ),
            Step::TagServicePrincipal { principal, tags } => patch(
                format!("/servicePrincipals/{}", id(principal)?),
                json!({ "tags": tags }),
            ),
            Step::UploadLogo { app, logo } => Parts {
                method: Method::Put,
                path: format!("/applications/{}/logo", id(app)?),
                headers: vec![("Content-Type", logo.content_type.into())],
                body: Some(Value::String(logo.describe())),
            },
            Step::SetVerifiedPublisher { app, publisher_id } => post(
                format!("/applications/{}/setVerifiedPublisher", id(app)?),
                json!({ "verifiedPublisherId": publisher_id }),
            ),
            Step::EnableServicePrincipal { principal } => patch(
                format!("/servicePrincipals/{}", id(principal)?),
                json!({ "accountEnabled": true }),
            ),
            Step::Grant {
                client,
                resource,
                scope,
            } => post(
                "/oauth2PermissionGrants".into(),
                grant_body(&id(client)?, &id(&resource.principal)?, scope),
            ),
            Step::ExtendGrant {
                grant_id, scope, ..
            } => patch(
                format!("/oauth2PermissionGrants/{grant_id}"),
                json!({ "scope": scope }),
            ),
            Step::AssignRole {
                client,
                resource,
                role_id,
                ..
            } => {
                let client = id(client)?;
                post(
                    format!("/servicePrincipals/{client}/appRoleAssignments"),
                    app_role_assignment_body(&client, &id(&resource.principal)?, role_id),
                )
            }
        })
    }

    /// The request as `appreg plan`, the wizard and a fix preview show it: ids this run will
    /// make are placeholders.
    pub fn request(&self) -> GraphRequest {
        let Ok(parts) = self.parts(|r| Ok::<_, Infallible>(r.placeholder()));
        GraphRequest {
            method: parts.method,
            path: parts.path,
            headers: parts.headers,
            body: parts.body,
            purpose: self.purpose(),
        }
    }

    /// The request to send, every id filled in from `ids`. A repeat is safe for every step
    /// but adding a secret (a lost answer may have made one: the runner finds it by name) and
    /// removing one (it is gone): Graph refuses a repeated create as a conflict, and PATCHes
    /// set values. Every step but the upsert may meet an object still replicating.
    pub fn to_call(&self, ids: &Ids) -> Result<Call, MissingId> {
        let parts = self.parts(|r| r.resolve(ids))?;
        let mut call = Call::new(parts.method, parts.path);
        if let Step::UploadLogo { logo, .. } = self {
            // The image itself, not the listing's description of it.
            return Ok(call
                .bytes(logo.content_type, logo.bytes.clone())
                .resend_after_lost_answer()
                .wait_for_replication());
        }
        for (name, value) in parts.headers {
            call = call.header(name, value);
        }
        if let Some(body) = parts.body {
            call = call.body(body);
        }
        if !matches!(self, Step::AddSecret { .. } | Step::RemoveSecret { .. }) {
            call = call.resend_after_lost_answer();
        }
        if !matches!(self, Step::UpsertApp { .. }) {
            call = call.wait_for_replication();
        }
        Ok(call)
    }
}

/// A request as people read it: what it is for, then the request itself.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRequest {
    pub method: Method,
    /// Relative to the Graph base URL (`/applications`).
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    /// What the request is for, in the portal's words.
    pub purpose: String,
}

impl fmt::Display for GraphRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# {}", self.purpose)?;
        writeln!(f, "{} {}", self.method, self.path)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            let pretty = serde_json::to_string_pretty(body).map_err(|_| fmt::Error)?;
            writeln!(f, "{pretty}")?;
        }
        Ok(())
    }
}

pub fn upsert_path(unique_name: &str) -> String {
    format!("/applications(uniqueName='{unique_name}')")
}

fn add_password_body(display_name: &str, end: OffsetDateTime) -> Value {
    json!({
        "passwordCredential": {
            "displayName": display_name,
            "endDateTime": format_graph_time(end),
        }
    })
}

fn service_principal_body(app_id: &str, hide: bool) -> Value {
    let mut tags = vec!["WindowsAzureActiveDirectoryIntegratedApp"];
    if hide {
        tags.push(HIDE_APP_TAG);
    }
    json!({ "appId": app_id, "tags": tags })
}

fn grant_body(client_sp_id: &str, resource_sp_id: &str, scope: &str) -> Value {
    json!({
        "clientId": client_sp_id,
        "consentType": "AllPrincipals",
        "principalId": null,
        "resourceId": resource_sp_id,
        "scope": scope,
    })
}

fn app_role_assignment_body(client_sp_id: &str, resource_sp_id: &str, app_role_id: &str) -> Value {
    json!({ "principalId": client_sp_id, "resourceId": resource_sp_id, "appRoleId": app_role_id })
}
