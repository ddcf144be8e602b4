//! Read-only copies of the directories for test invariants ("exactly one app",
//! "no orphan secret"), independent of replication lag and of Graph's wire shape, and of
//! what the Nylas and Nango simulators hold.

use appreg_core::secret::SecretString;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::platform_store::{Connector, Integration};
use super::state::{SimState, Stored, is_expired};

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

/// What the simulated Nylas application and Nango environment hold. Never a secret's value:
/// `secret_key_id` says which client secret, if any, a platform was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSnapshot {
    pub connectors: Vec<ConnectorSnapshot>,
    pub integrations: Vec<IntegrationSnapshot>,
}

impl PlatformSnapshot {
    pub fn connector(&self, provider: &str) -> Option<&ConnectorSnapshot> {
        self.connectors.iter().find(|c| c.provider == provider)
    }

    pub fn integration(&self, unique_key: &str) -> Option<&IntegrationSnapshot> {
        self.integrations
            .iter()
            .find(|i| i.unique_key == unique_key)
    }
}

/// A Nylas connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorSnapshot {
    pub provider: String,
    pub client_id: String,
    pub tenant: Option<String>,
    pub scope: Vec<String>,
    /// The keyId of the app's unexpired client secret whose value the connector holds;
    /// `None` when it holds none or a value no live secret has (e.g. a secret's ID).
    pub secret_key_id: Option<String>,
}

/// A Nango integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSnapshot {
    pub unique_key: String,
    pub provider: String,
    /// As Nango shows it: the provider's name when the integration has none of its own.
    pub display_name: String,
    pub client_id: String,
    /// Comma-separated, as stored; empty when none were given.
    pub scopes: String,
    /// As for [`ConnectorSnapshot::secret_key_id`].
    pub secret_key_id: Option<String>,
}

impl SimState {
    pub fn platform_snapshot(&self) -> PlatformSnapshot {
        PlatformSnapshot {
            connectors: self
                .platforms
                .connectors
                .iter()
                .map(|c| self.connector_snapshot(c))
                .collect(),
            integrations: self
                .platforms
                .integrations
                .iter()
                .map(|i| self.integration_snapshot(i))
                .collect(),
        }
    }

    fn connector_snapshot(&self, connector: &Connector) -> ConnectorSnapshot {
        let client_id = connector.setting("client_id").unwrap_or_default();
        ConnectorSnapshot {
            provider: connector.provider.clone(),
            client_id: client_id.to_owned(),
            tenant: connector.setting("tenant").map(str::to_owned),
            scope: connector.scope.clone(),
            secret_key_id: connector
                .client_secret
                .as_ref()
                .and_then(|secret| self.secret_key_id(client_id, secret)),
        }
    }

    fn integration_snapshot(&self, integration: &Integration) -> IntegrationSnapshot {
        IntegrationSnapshot {
            unique_key: integration.unique_key.clone(),
            provider: integration.provider.clone(),
            display_name: integration.shown_name(),
            client_id: integration.client_id.clone(),
            scopes: integration.scopes.clone().unwrap_or_default(),
            secret_key_id: self.secret_key_id(&integration.client_id, &integration.client_secret),
        }
    }

    /// The keyId of the unexpired client secret, of the application `client_id` in any
    /// tenant, whose value is `secret`.
    fn secret_key_id(&self, client_id: &str, secret: &SecretString) -> Option<String> {
        let now = OffsetDateTime::now_utc();
        self.tenants.iter().find_map(|tenant| {
            tenant
                .applications
                .iter()
                .filter(|app| {
                    app.str("appId")
                        .is_some_and(|id| id.eq_ignore_ascii_case(client_id))
                })
                .filter_map(|app| tenant.credential_with_value(app, secret.expose()))
                .find(|(credential, _)| !is_expired(credential, now))
                .and_then(|(credential, _)| credential.get("keyId")?.as_str().map(str::to_owned))
        })
    }
}
