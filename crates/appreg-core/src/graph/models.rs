//! Typed shapes of the Graph and ARM answers appreg reads. Unknown fields are ignored, missing
//! optional ones default, so Graph adding properties never breaks parsing.

use crate::secret::SecretString;
use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Graph writes `null` for an empty collection on some objects (and other Graph-shaped servers
/// do so freely): read it as empty.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A `{"value": [...], "@odata.nextLink": ...}` collection.
/// Delegated (`Scope`) or application (`Role`) permission, as `requiredResourceAccess` types them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PermissionKind {
    Delegated,
    Application,
}

impl PermissionKind {
    pub fn as_graph(self) -> &'static str {
        match self {
            PermissionKind::Delegated => "Scope",
            PermissionKind::Application => "Role",
        }
    }

    pub fn from_graph(kind: &str) -> Option<Self> {
        match kind {
            "Scope" => Some(PermissionKind::Delegated),
            "Role" => Some(PermissionKind::Application),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Collection<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", alias = "nextLink", default)]
    pub next_link: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub verified_domains: Vec<VerifiedDomain>,
}

impl Organization {
    pub fn default_domain(&self) -> Option<&str> {
        self.verified_domains
            .iter()
            .find(|d| d.is_default)
            .or_else(|| self.verified_domains.first())
            .map(|d| d.name.as_str())
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_initial: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
}

/// An ARM tenant (`GET /tenants`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub tenant_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub default_domain: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub domains: Vec<String>,
    #[serde(default)]
    pub tenant_category: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub sign_in_audience: Option<String>,
    #[serde(default)]
    pub unique_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub web: Option<WebSettings>,
    #[serde(default)]
    pub spa: Option<RedirectUris>,
    #[serde(default)]
    pub public_client: Option<RedirectUris>,
    #[serde(default)]
    pub api: Option<ApiSettings>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub required_resource_access: Vec<RequiredResourceAccess>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub password_credentials: Vec<PasswordCredential>,
    /// "Allow public client flows" in the portal.
    #[serde(default)]
    pub is_fallback_public_client: Option<bool>,
    #[serde(default)]
    pub publisher_domain: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<String>,
    /// Token configuration: `{idToken, accessToken, saml2Token}` lists of claims.
    #[serde(default)]
    pub optional_claims: Option<serde_json::Value>,
    /// Branding & properties: the informational URLs and the logo's address.
    #[serde(default)]
    pub info: Option<InformationalUrls>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InformationalUrls {
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub privacy_statement_url: Option<String>,
    #[serde(default)]
    pub terms_of_service_url: Option<String>,
    #[serde(default)]
    pub marketing_url: Option<String>,
    #[serde(default)]
    pub support_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WebSettings {
    #[serde(default, deserialize_with = "null_as_default")]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub implicit_grant_settings: Option<ImplicitGrantSettings>,
    /// Kept so that a fix sending `web` leaves them as they were.
    #[serde(default)]
    pub home_page_url: Option<String>,
    #[serde(default)]
    pub logout_url: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImplicitGrantSettings {
    #[serde(default)]
    pub enable_access_token_issuance: Option<bool>,
    #[serde(default)]
    pub enable_id_token_issuance: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RedirectUris {
    #[serde(default, deserialize_with = "null_as_default")]
    pub redirect_uris: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiSettings {
    #[serde(default)]
    pub requested_access_token_version: Option<u8>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RequiredResourceAccess {
    pub resource_app_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_access: Vec<ResourceAccess>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ResourceAccess {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Secret metadata as Graph lists it on the app (never the value).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<String>,
}

/// The `addPassword` answer: the only time Graph returns the secret's value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPassword {
    pub key_id: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub end_date_time: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub secret_text: SecretString,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub oauth2_permission_scopes: Vec<PermissionScope>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub app_roles: Vec<AppRole>,
    /// "Enabled for users to sign in?"; read only for the app's own service principal.
    #[serde(default)]
    pub account_enabled: Option<bool>,
    /// "Assignment required?"; read only for the app's own service principal.
    #[serde(default)]
    pub app_role_assignment_required: Option<bool>,
    /// `HideApp` among them: "Visible to users?" No. Read only for the app's own.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
}

impl ServicePrincipal {
    /// The ids of the permissions of `kind` this API offers, as read (empty when they were not
    /// asked for in `$select`).
    pub fn permission_ids(&self, kind: PermissionKind) -> Vec<&str> {
        match kind {
            PermissionKind::Delegated => self
                .oauth2_permission_scopes
                .iter()
                .map(|s| s.id.as_str())
                .collect(),
            PermissionKind::Application => self.app_roles.iter().map(|r| r.id.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PermissionScope {
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
    /// `"Admin"` when an administrator must consent, `"User"` otherwise.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default = "enabled")]
    pub is_enabled: bool,
    #[serde(default)]
    pub admin_consent_display_name: Option<String>,
    #[serde(default)]
    pub admin_consent_description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    pub id: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_member_types: Vec<String>,
    #[serde(default = "enabled")]
    pub is_enabled: bool,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PermissionGrant {
    pub id: String,
    pub client_id: String,
    pub resource_id: String,
    #[serde(default)]
    pub consent_type: Option<String>,
    /// The user a `Principal` grant is for; `None` for admin consent (`AllPrincipals`).
    #[serde(default)]
    pub principal_id: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl PermissionGrant {
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_whitespace()
    }
}

/// An application permission granted to a service principal.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    pub id: String,
    pub app_role_id: String,
    pub principal_id: String,
    pub resource_id: String,
}

/// Graph's date-time form: UTC, whole seconds, `Z`.
pub fn format_graph_time(at: OffsetDateTime) -> String {
    let utc = at
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    utc.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_collections_read_as_empty() {
        let app: Application = serde_json::from_str(
            r#"{"id":"o","appId":"a","tags":null,"passwordCredentials":null,
                "requiredResourceAccess":[{"resourceAppId":"r","resourceAccess":null}],
                "web":{"redirectUris":null,"implicitGrantSettings":null}}"#,
        )
        .unwrap();
        assert!(app.tags.is_empty() && app.password_credentials.is_empty());
        assert!(app.required_resource_access[0].resource_access.is_empty());
        let sp: ServicePrincipal = serde_json::from_str(
            r#"{"id":"s","appId":"a","oauth2PermissionScopes":null,"appRoles":null}"#,
        )
        .unwrap();
        assert!(sp.oauth2_permission_scopes.is_empty() && sp.app_roles.is_empty());
        let org: Organization =
            serde_json::from_str(r#"{"id":"t","verifiedDomains":[{"name":"x","isDefault":null}]}"#)
                .unwrap();
        assert_eq!(org.default_domain(), Some("x"));
    }
}
