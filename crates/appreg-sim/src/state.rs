//! The directory model: tenants holding applications, service principals and
//! delegated permission grants as Graph JSON documents, each with the instant
//! it becomes visible to reads (directory replication lag).

use appreg_core::clock::Clock;
use appreg_core::secret::SecretString;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;
use uuid::Uuid;

use super::graph_apps::date_property;
use super::graph_logo::Logo;
use super::platform_store::Platforms;
use super::seed::{AppSeed, FIRST_PARTY, MICROSOFT_TENANT_ID, MpnAccount, Resource, UserSeed};
use super::{DeviceOutcome, SimConfig, tokens};

/// The rules the simulated tenant and user play by.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub replication_delay: Duration,
    /// How long a new client secret is refused by the token endpoint.
    pub secret_replication_delay: Duration,
    /// What replication is measured by: the machine's time or the tests' simulated time.
    pub clock: Clock,
    pub admin: bool,
    pub can_create_apps: bool,
    pub secret_cap_months: Option<u32>,
    pub poll_interval: Duration,
    pub polls_before_approval: u32,
    pub device_outcome: DeviceOutcome,
}

pub(crate) struct SimState {
    pub tenants: Vec<Tenant>,
    /// What the simulated Nylas application and Nango environment hold.
    pub platforms: Platforms,
    pub device_codes: HashMap<String, DeviceCode>,
    pub policy: Policy,
    pub rng: StdRng,
}

pub(crate) struct Tenant {
    pub id: Uuid,
    pub display_name: String,
    pub initial_domain: String,
    /// DNS-verified custom domains, the default one first.
    pub custom_domains: Vec<String>,
    pub country_code: String,
    pub user: UserSeed,
    pub mpn_accounts: Vec<MpnAccount>,
    pub applications: Vec<Stored>,
    pub service_principals: Vec<Stored>,
    pub grants: Vec<Stored>,
    /// Application permissions granted to service principals.
    pub app_role_assignments: Vec<Stored>,
    /// The value of each client secret added here, by key id, so the token endpoint can check
    /// a client secret. Like Graph, never served again.
    pub client_secrets: HashMap<String, ClientSecret>,
    /// Application logos by the application's object id: a stream, not part of its JSON.
    pub logos: HashMap<String, Logo>,
}

/// A client secret's value and when sign-in starts accepting it: Entra ID refuses a new
/// secret as a wrong one until it has replicated.
pub(crate) struct ClientSecret {
    pub value: SecretString,
    pub usable_at: Instant,
}

impl Tenant {
    /// The default domain: the first custom domain, else the initial one. New applications
    /// take it as their `publisherDomain` ("Configure an app's publisher domain": the
    /// tenant's primary verified domain).
    pub fn default_domain(&self) -> &str {
        self.custom_domains.first().unwrap_or(&self.initial_domain)
    }

    /// Every verified domain, the initial one first.
    pub fn domains(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.initial_domain).chain(&self.custom_domains)
    }

    /// The password credential of `app` (one of this tenant's applications) whose value is
    /// `secret`, with what the directory keeps of that value.
    pub fn credential_with_value<'a>(
        &'a self,
        app: &'a Stored,
        secret: &str,
    ) -> Option<(&'a Map<String, Value>, &'a ClientSecret)> {
        app.doc
            .get("passwordCredentials")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .find_map(|credential| {
                let key = credential.get("keyId").and_then(Value::as_str)?;
                let stored = self.client_secrets.get(&key.to_ascii_lowercase())?;
                (stored.value == *secret).then_some((credential, stored))
            })
    }
}

/// Whether a password credential's `endDateTime` has passed (a malformed date never expires).
pub(crate) fn is_expired(credential: &Map<String, Value>, now: OffsetDateTime) -> bool {
    date_property(credential, "endDateTime")
        .ok()
        .flatten()
        .is_some_and(|end| end <= now)
}

/// A directory object as Graph would serialize it, plus when replicas see it.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub doc: Map<String, Value>,
    pub visible_at: Instant,
}

impl Stored {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.doc.get(key).and_then(Value::as_str)
    }

    pub fn id(&self) -> &str {
        self.str("id").unwrap_or_default()
    }

    pub fn is_visible(&self, now: Instant) -> bool {
        now >= self.visible_at
    }
}

/// A pending device-code sign-in.
#[derive(Debug, Clone)]
pub(crate) struct DeviceCode {
    pub tenant: Uuid,
    pub client_id: String,
    pub scope: String,
    pub polls: u32,
    pub last_poll: Option<Instant>,
    pub expires_at: Instant,
}

impl SimState {
    pub fn new(config: &SimConfig) -> Self {
        let mut state = SimState {
            tenants: Vec::new(),
            platforms: Platforms::new(config),
            device_codes: HashMap::new(),
            policy: Policy {
                replication_delay: config.replication_delay,
                secret_replication_delay: config.secret_replication_delay,
                clock: config.clock.clone(),
                admin: config.admin,
                can_create_apps: config.can_create_apps,
                secret_cap_months: config.secret_lifetime_cap_months,
                poll_interval: Duration::from_secs(config.poll_interval_secs),
                polls_before_approval: config.polls_before_approval,
                device_outcome: config.device_outcome,
            },
            rng: StdRng::seed_from_u64(config.rng_seed),
        };
        let now = config.clock.now();
        for seed in &config.seed.tenants {
            let mut tenant = Tenant {
                id: seed.id,
                display_name: seed.display_name.clone(),
                initial_domain: seed.initial_domain.clone(),
                custom_domains: seed.custom_domains.clone(),
                country_code: seed.country_code.clone(),
                user: seed.user.clone(),
                mpn_accounts: seed.mpn_accounts.clone(),
                applications: Vec::new(),
                service_principals: Vec::new(),
                grants: Vec::new(),
                app_role_assignments: Vec::new(),
                client_secrets: HashMap::new(),
                logos: HashMap::new(),
            };
            for resource in &FIRST_PARTY {
                let id = state.new_uuid();
                tenant.service_principals.push(Stored {
                    doc: first_party_sp(resource, id),
                    visible_at: now,
                });
            }
            for app in &seed.applications {
                state.seed_app(&mut tenant, app, now);
            }
            if state.tenants.is_empty() {
                for index in 0..config.seed_apps {
                    state.seed_app(&mut tenant, &super::fleet::app(index), now);
                }
            }
            state.tenants.push(tenant);
        }
        state
    }

    fn seed_app(&mut self, tenant: &mut Tenant, seed: &AppSeed, now: Instant) {
        let (id, app_id) = match seed.ids {
            Some(ids) => ids,
            None => (self.new_uuid(), self.new_uuid()),
        };
        let mut doc = app_template(id, app_id, tenant.default_domain());
        doc.insert("displayName".into(), json!(seed.display_name));
        doc.insert("signInAudience".into(), json!(seed.sign_in_audience));
        doc.insert("uniqueName".into(), json!(seed.unique_name));
        doc.insert("tags".into(), json!(seed.tags));
        let personal = seed.sign_in_audience.contains("Personal");
        doc["api"]["requestedAccessTokenVersion"] =
            json!(seed.access_token_version.or(personal.then_some(2)));
        doc["web"]["redirectUris"] = json!(seed.web_redirect_uris);
        doc["web"]["implicitGrantSettings"] = json!({
            "enableAccessTokenIssuance": seed.implicit_grant.0,
            "enableIdTokenIssuance": seed.implicit_grant.1,
        });
        doc["spa"]["redirectUris"] = json!(seed.spa_redirect_uris);
        doc["publicClient"]["redirectUris"] = json!(seed.public_client_redirect_uris);
        doc.insert(
            "isFallbackPublicClient".into(),
            json!(seed.public_client_flows),
        );
        doc.insert("requiredResourceAccess".into(), seeded_permissions(seed));
        doc.insert("passwordCredentials".into(), seeded_secrets(seed));
        if let Some(mpn_id) = &seed.verified_publisher {
            let account = tenant.mpn_accounts.iter().find(|a| &a.id == mpn_id);
            doc.insert(
                "verifiedPublisher".into(),
                json!({
                    "displayName": account.map(|a| a.display_name.as_str()),
                    "verifiedPublisherId": mpn_id,
                    "addedDateTime": "2024-01-15T10:00:00Z"
                }),
            );
        }
        sync_redirect_uri_settings(&mut doc);
        if seed.service_principal {
            let sp_id = seed.service_principal_id.unwrap_or_else(|| self.new_uuid());
            let mut sp = sp_for_app(&doc, sp_id, tenant.id);
            sp.insert(
                "accountEnabled".into(),
                json!(!seed.service_principal_disabled),
            );
            sp.insert(
                "appRoleAssignmentRequired".into(),
                json!(seed.assignment_required),
            );
            for (resource_app_id, scope) in &seed.admin_consent {
                let resource = tenant
                    .service_principals
                    .iter()
                    .find(|r| r.str("appId") == Some(resource_app_id.as_str()))
                    .map(|r| r.id().to_owned())
                    .unwrap_or_default();
                // Derived, not drawn: seeding leaves the random stream as it was.
                let mut id_bytes = sp_id.as_bytes().to_vec();
                id_bytes.extend_from_slice(resource.as_bytes().get(..16).unwrap_or_default());
                let grant_id = URL_SAFE_NO_PAD.encode(id_bytes);
                tenant.grants.push(Stored {
                    doc: seeded_grant(&grant_id, &sp_id.to_string(), &resource, scope),
                    visible_at: now,
                });
            }
            tenant.service_principals.push(Stored {
                doc: sp,
                visible_at: now,
            });
        }
        tenant.applications.push(Stored {
            doc,
            visible_at: now,
        });
    }

    pub fn new_uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    /// Random characters from `alphabet`, from the seeded RNG.
    pub fn random_string(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.rng.random_range(0..alphabet.len())]))
            .collect()
    }

    pub fn tenant(&self, id: Uuid) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id == id)
    }

    pub fn tenant_mut(&mut self, id: Uuid) -> Option<&mut Tenant> {
        self.tenants.iter_mut().find(|t| t.id == id)
    }

    /// The tenant a sign-in path names: its id, a domain, or the
    /// `organizations`/`common` aliases for the user's home tenant.
    pub fn resolve_tenant(&self, name: &str) -> Option<Uuid> {
        if name.eq_ignore_ascii_case("organizations") || name.eq_ignore_ascii_case("common") {
            return self.tenants.first().map(|t| t.id);
        }
        self.tenants
            .iter()
            .find(|t| {
                t.id.to_string().eq_ignore_ascii_case(name)
                    || t.domains().any(|d| d.eq_ignore_ascii_case(name))
            })
            .map(|t| t.id)
    }

    pub fn mint_graph_token(&mut self, tenant_id: &str) -> Option<String> {
        let id = Uuid::parse_str(tenant_id).ok()?;
        let user = self.tenant(id)?.user.clone();
        Some(tokens::mint_access_token(
            &mut self.rng,
            &tokens::Grant {
                tenant: id,
                user: &user,
                audience: tokens::Audience::Graph,
                client_id: "sim",
                scope: "",
            },
        ))
    }
}

fn seeded_permissions(seed: &AppSeed) -> Value {
    let mut resources: Vec<Value> = Vec::new();
    for (resource, id, kind) in &seed.permissions {
        let entry = json!({ "id": id, "type": kind });
        match resources
            .iter_mut()
            .find(|r| r["resourceAppId"] == json!(resource))
        {
            Some(existing) => {
                if let Some(list) = existing["resourceAccess"].as_array_mut() {
                    list.push(entry);
                }
            }
            None => resources.push(json!({ "resourceAppId": resource, "resourceAccess": [entry] })),
        }
    }
    Value::Array(resources)
}

fn seeded_secrets(seed: &AppSeed) -> Value {
    let now = OffsetDateTime::now_utc();
    Value::Array(
        seed.secrets
            .iter()
            .map(|secret| {
                let end = now + time::Duration::days(secret.expires_in_days);
                json!({
                    "customKeyIdentifier": null,
                    "displayName": secret.display_name,
                    "endDateTime": graph_timestamp(end),
                    "hint": "sd~",
                    "keyId": secret.key_id.to_string(),
                    "secretText": null,
                    "startDateTime": graph_timestamp(end - time::Duration::days(730)),
                })
            })
            .collect(),
    )
}

fn seeded_grant(id: &str, client_id: &str, resource_id: &str, scope: &str) -> Map<String, Value> {
    let doc = json!({
        "clientId": client_id,
        "consentType": "AllPrincipals",
        "id": id,
        "principalId": null,
        "resourceId": resource_id,
        "scope": scope,
    });
    doc.as_object().cloned().unwrap_or_default()
}

/// A new application exactly as `POST /applications` returns it before the
/// caller's properties are applied (shape of recorded Graph answers).
pub(crate) fn app_template(id: Uuid, app_id: Uuid, publisher_domain: &str) -> Map<String, Value> {
    // Built in three parts: one `json!` this large exceeds the macro recursion limit.
    let scalars = json!({
        "id": id.to_string(),
        "deletedDateTime": null,
        "appId": app_id.to_string(),
        "applicationTemplateId": null,
        "disabledByMicrosoftStatus": null,
        "createdDateTime": graph_timestamp(OffsetDateTime::now_utc()),
        "displayName": null,
        "description": null,
        "groupMembershipClaims": null,
        "identifierUris": [],
        "isDeviceOnlyAuthSupported": null,
        "isFallbackPublicClient": null,
        "nativeAuthenticationApisEnabled": null,
        "notes": null,
        "publisherDomain": publisher_domain,
        "serviceManagementReference": null,
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "uniqueName": null,
        "samlMetadataUrl": null,
        "defaultRedirectUri": null,
        "certification": null,
        "optionalClaims": null,
        "servicePrincipalLockConfiguration": null,
        "requestSignatureVerification": null,
        "addIns": [],
        "appRoles": [],
        "keyCredentials": [],
        "passwordCredentials": [],
        "requiredResourceAccess": []
    });
    let api_and_info = json!({
        "api": {
            "acceptMappedClaims": null,
            "knownClientApplications": [],
            "requestedAccessTokenVersion": null,
            "oauth2PermissionScopes": [],
            "preAuthorizedApplications": []
        },
        "info": {
            "logoUrl": null,
            "marketingUrl": null,
            "privacyStatementUrl": null,
            "supportUrl": null,
            "termsOfServiceUrl": null
        },
        "parentalControlSettings": { "countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow" },
        "verifiedPublisher": unverified_publisher()
    });
    let platforms = json!({
        "publicClient": { "redirectUris": [] },
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": [],
            "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false },
            "redirectUriSettings": []
        },
        "spa": { "redirectUris": [] }
    });
    [scalars, api_and_info, platforms]
        .into_iter()
        .filter_map(|part| match part {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .flatten()
        .collect()
}

/// `verifiedPublisher` of an application no publisher verified.
pub(crate) fn unverified_publisher() -> Value {
    json!({ "displayName": null, "verifiedPublisherId": null, "addedDateTime": null })
}

/// Graph mirrors `web.redirectUris` into `web.redirectUriSettings`.
pub(crate) fn sync_redirect_uri_settings(doc: &mut Map<String, Value>) {
    let Some(web) = doc.get_mut("web").and_then(Value::as_object_mut) else {
        return;
    };
    let settings: Vec<Value> = web
        .get("redirectUris")
        .and_then(Value::as_array)
        .map(|uris| {
            uris.iter()
                .map(|uri| json!({ "uri": uri, "index": null }))
                .collect()
        })
        .unwrap_or_default();
    web.insert("redirectUriSettings".into(), Value::Array(settings));
}

/// The service principal `POST /servicePrincipals` creates for an application.
pub(crate) fn sp_for_app(
    app: &Map<String, Value>,
    id: Uuid,
    owner_tenant: Uuid,
) -> Map<String, Value> {
    let field = |key: &str| app.get(key).cloned().unwrap_or(Value::Null);
    let app_id = field("appId");
    let doc = json!({
        "id": id.to_string(),
        "deletedDateTime": null,
        "accountEnabled": true,
        "alternativeNames": [],
        "appDisplayName": field("displayName"),
        "appDescription": null,
        "appId": app_id,
        "applicationTemplateId": null,
        "appOwnerOrganizationId": owner_tenant.to_string(),
        "appRoleAssignmentRequired": false,
        "createdDateTime": graph_timestamp(OffsetDateTime::now_utc()),
        "description": null,
        "disabledByMicrosoftStatus": null,
        "displayName": field("displayName"),
        "homepage": null,
        "loginUrl": null,
        "logoutUrl": null,
        "notes": null,
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null,
        "replyUrls": app.get("web").and_then(|w| w.get("redirectUris")).cloned().unwrap_or(json!([])),
        "servicePrincipalNames": [app_id],
        "servicePrincipalType": "Application",
        "signInAudience": field("signInAudience"),
        "tags": field("tags"),
        "tokenEncryptionKeyId": null,
        "samlSingleSignOnSettings": null,
        "addIns": [],
        "appRoles": field("appRoles"),
        "info": field("info"),
        "keyCredentials": [],
        "oauth2PermissionScopes": app.get("api").and_then(|a| a.get("oauth2PermissionScopes")).cloned().unwrap_or(json!([])),
        "passwordCredentials": [],
        "resourceSpecificApplicationPermissions": [],
        "verifiedPublisher": app.get("verifiedPublisher").cloned().unwrap_or_else(unverified_publisher)
    });
    match doc {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Microsoft Graph's or Exchange Online's service principal in one tenant.
fn first_party_sp(resource: &Resource, id: Uuid) -> Map<String, Value> {
    let catalog: &Value = resource.catalog;
    let mut app = Map::new();
    app.insert("appId".into(), json!(resource.app_id));
    app.insert("displayName".into(), json!(resource.display_name));
    app.insert("signInAudience".into(), json!("AzureADMultipleOrgs"));
    app.insert("tags".into(), json!([]));
    app.insert(
        "appRoles".into(),
        catalog.get("appRoles").cloned().unwrap_or(json!([])),
    );
    app.insert(
        "api".into(),
        json!({ "oauth2PermissionScopes": catalog.get("oauth2PermissionScopes").cloned().unwrap_or(json!([])) }),
    );
    let owner = Uuid::parse_str(MICROSOFT_TENANT_ID).unwrap_or_default();
    let mut doc = sp_for_app(&app, id, owner);
    doc.insert(
        "servicePrincipalNames".into(),
        json!(resource.service_principal_names),
    );
    doc.insert("info".into(), json!({
        "logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null
    }));
    doc.insert("replyUrls".into(), json!([]));
    doc
}

/// Graph's timestamp format: `2025-04-09T09:58:28Z`.
pub(crate) fn graph_timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// The `innerError.date` format: `2025-04-09T09:58:28` (no zone).
pub(crate) fn inner_error_date() -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}
