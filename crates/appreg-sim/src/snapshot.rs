//! Read-only copies of the directories for test invariants ("exactly one app",
//! "no orphan secret"), independent of replication lag and of Graph's wire shape.

use serde_json::{Map, Value};

use super::state::{SimState, Stored};

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub tenants: Vec<TenantSnapshot>,
}

impl Snapshot {
    pub fn tenant(&self, tenant_id: &str) -> Option<&TenantSnapshot> {
        self.tenants
            .iter()
            .find(|t| t.tenant_id.eq_ignore_ascii_case(tenant_id))
    }

    /// The home (first) tenant.
    pub fn home(&self) -> Option<&TenantSnapshot> {
        self.tenants.first()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TenantSnapshot {
    pub tenant_id: String,
    pub display_name: String,
    pub applications: Vec<AppSnapshot>,
    /// Includes Microsoft Graph's and Exchange Online's.
    pub service_principals: Vec<SpSnapshot>,
    pub grants: Vec<GrantSnapshot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppSnapshot {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub unique_name: Option<String>,
    pub sign_in_audience: String,
    pub tags: Vec<String>,
    pub web_redirect_uris: Vec<String>,
    pub password_credentials: Vec<PasswordCredentialMeta>,
    /// The whole application as `GET /applications/{id}` returns it.
    pub document: Value,
}

/// What the directory keeps of a client secret: never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordCredentialMeta {
    pub key_id: String,
    pub display_name: Option<String>,
    pub hint: String,
    pub start_date_time: String,
    pub end_date_time: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpSnapshot {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantSnapshot {
    pub id: String,
    pub client_id: String,
    pub consent_type: String,
    pub principal_id: Option<String>,
    pub resource_id: String,
    pub scope: String,
}

impl SimState {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            tenants: self
                .tenants
                .iter()
                .map(|t| TenantSnapshot {
                    tenant_id: t.id.to_string(),
                    display_name: t.display_name.clone(),
                    applications: t.applications.iter().map(app_snapshot).collect(),
                    service_principals: t.service_principals.iter().map(sp_snapshot).collect(),
                    grants: t.grants.iter().map(grant_snapshot).collect(),
                })
                .collect(),
        }
    }
}

fn text(doc: &Map<String, Value>, key: &str) -> String {
    doc.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn app_snapshot(app: &Stored) -> AppSnapshot {
    let doc = &app.doc;
    let password_credentials = doc
        .get("passwordCredentials")
        .and_then(Value::as_array)
        .map(|creds| {
            creds
                .iter()
                .filter_map(Value::as_object)
                .map(|c| PasswordCredentialMeta {
                    key_id: text(c, "keyId"),
                    display_name: c
                        .get("displayName")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    hint: text(c, "hint"),
                    start_date_time: text(c, "startDateTime"),
                    end_date_time: text(c, "endDateTime"),
                })
                .collect()
        })
        .unwrap_or_default();
    AppSnapshot {
        id: text(doc, "id"),
        app_id: text(doc, "appId"),
        display_name: text(doc, "displayName"),
        unique_name: doc
            .get("uniqueName")
            .and_then(Value::as_str)
            .map(str::to_owned),
        sign_in_audience: text(doc, "signInAudience"),
        tags: strings(doc.get("tags")),
        web_redirect_uris: strings(doc.get("web").and_then(|w| w.get("redirectUris"))),
        password_credentials,
        document: Value::Object(doc.clone()),
    }
}

fn sp_snapshot(sp: &Stored) -> SpSnapshot {
    SpSnapshot {
        id: text(&sp.doc, "id"),
        app_id: text(&sp.doc, "appId"),
        display_name: text(&sp.doc, "displayName"),
        tags: strings(sp.doc.get("tags")),
    }
}

fn grant_snapshot(grant: &Stored) -> GrantSnapshot {
    let doc = &grant.doc;
    GrantSnapshot {
        id: text(doc, "id"),
        client_id: text(doc, "clientId"),
        consent_type: text(doc, "consentType"),
        principal_id: doc
            .get("principalId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        resource_id: text(doc, "resourceId"),
        scope: text(doc, "scope"),
    }
}
