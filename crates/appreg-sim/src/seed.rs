//! The directories a simulator starts with: tenants, their signed-in user and
//! any pre-existing applications, plus Microsoft's own service principals
//! (loaded from the offline permission catalog) that exist in every tenant.

use std::sync::LazyLock;

use serde_json::Value;
use uuid::Uuid;

/// "Contoso (Demo)": the home tenant of the demo user.
pub const DEMO_TENANT_ID: &str = "c0c0c0c0-de30-4000-8000-000000000001";
/// "Fabrikam Lab": a second tenant the demo user is a guest in.
pub const SECOND_TENANT_ID: &str = "fab1ab00-de30-4000-8000-000000000002";

/// The Partner Center account of Contoso (Demo), verified with `contoso.com`.
pub const CONTOSO_MPN_ID: &str = "1234567";
/// The Partner Center account of Fabrikam Lab, whose tenant has no custom domain.
pub const FABRIKAM_MPN_ID: &str = "7654321";

const DEMO_USER_ID: &str = "ade1e000-de30-4000-8000-0000000000a1";
const DEMO_USER_GUEST_ID: &str = "ade1e000-de30-4000-8000-0000000000a2";

pub(crate) const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
pub(crate) const EXCHANGE_ONLINE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Microsoft's own tenant, owner of its first-party apps.
pub(crate) const MICROSOFT_TENANT_ID: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/// Which directories exist when the simulator starts. The first tenant is the
/// home tenant: foreign tokens and `organizations`/`common` sign-ins land there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub tenants: Vec<TenantSeed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSeed {
    pub id: Uuid,
    pub display_name: String,
    /// The `*.onmicrosoft.com` domain every tenant is created with.
    pub initial_domain: String,
    /// Custom domains verified by DNS; the first one, when there is one, is the default
    /// domain (otherwise the initial domain is).
    pub custom_domains: Vec<String>,
    pub country_code: String,
    /// The signed-in user as this tenant knows them.
    pub user: UserSeed,
    /// Partner Center accounts the tenant is associated with, for publisher verification.
    pub mpn_accounts: Vec<MpnAccount>,
    pub applications: Vec<AppSeed>,
}

/// A Microsoft AI Cloud Partner Program (MPN) account: what `setVerifiedPublisher` checks an
/// MPN id against, and the publisher name an app verified with it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpnAccount {
    pub id: String,
    pub display_name: String,
    /// The domain of the email address Partner Center verified the account with.
    pub email_domain: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSeed {
    pub id: Uuid,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub user_principal_name: String,
    pub mail: String,
    pub job_title: Option<String>,
}

/// A pre-existing app registration (already replicated). Seeds are how tests and the demo
/// get apps with defects for `doctor` to find: nothing here is validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSeed {
    pub display_name: String,
    pub sign_in_audience: String,
    pub unique_name: Option<String>,
    pub tags: Vec<String>,
    pub web_redirect_uris: Vec<String>,
    pub spa_redirect_uris: Vec<String>,
    pub public_client_redirect_uris: Vec<String>,
    /// Implicit grant: (access tokens, ID tokens).
    pub implicit_grant: (bool, bool),
    /// `None`: 2 for personal-account audiences, unset otherwise.
    pub access_token_version: Option<u8>,
    /// "Allow public client flows" (`isFallbackPublicClient`).
    pub public_client_flows: bool,
    /// `requiredResourceAccess` as (resource appId, permission id, `Scope` or `Role`).
    pub permissions: Vec<(String, String, String)>,
    pub secrets: Vec<SecretSeed>,
    /// The MPN id of the tenant's Partner Center account that verified the publisher;
    /// `None` = unverified.
    pub verified_publisher: Option<String>,
    /// Fixed object id and client id (random when `None`), so demos can name the app.
    pub ids: Option<(Uuid, Uuid)>,
    /// Also create its service principal in the tenant (with this id when given).
    pub service_principal: bool,
    pub service_principal_id: Option<Uuid>,
    /// The service principal's "Enabled for users to sign in?" is No.
    pub service_principal_disabled: bool,
    /// The service principal's "Assignment required?" is Yes.
    pub assignment_required: bool,
    /// Tenant-wide delegated grants of the service principal: (resource appId, scopes).
    pub admin_consent: Vec<(String, String)>,
}

/// Client-secret metadata on a seeded app (a seed never has a secret's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSeed {
    pub key_id: Uuid,
    pub display_name: String,
    /// Days from the simulator's start until it expires; negative: expired.
    pub expires_in_days: i64,
}

impl SecretSeed {
    pub fn new(display_name: impl Into<String>, expires_in_days: i64) -> Self {
        SecretSeed {
            key_id: Uuid::new_v4(),
            display_name: display_name.into(),
            expires_in_days,
        }
    }
}

impl AppSeed {
    /// A single-tenant web app with nothing configured.
    pub fn new(display_name: impl Into<String>) -> Self {
        AppSeed {
            display_name: display_name.into(),
            sign_in_audience: "AzureADMyOrg".to_owned(),
            unique_name: None,
            tags: Vec::new(),
            web_redirect_uris: Vec::new(),
            spa_redirect_uris: Vec::new(),
            public_client_redirect_uris: Vec::new(),
            implicit_grant: (false, false),
            access_token_version: None,
            public_client_flows: false,
            permissions: Vec::new(),
            secrets: Vec::new(),
            verified_publisher: None,
            ids: None,
            service_principal: false,
            service_principal_id: None,
            service_principal_disabled: false,
            assignment_required: false,
            admin_consent: Vec::new(),
        }
    }
}

/// The half-broken Nylas app of the demo tenant: every defect `doctor` knows, at once.
pub const LEGACY_NYLAS_APP_ID: &str = "1e9ac700-de30-4000-8000-00000000a001";
const LEGACY_NYLAS_OBJECT_ID: &str = "0b1ec700-de30-4000-8000-00000000a001";
/// A healthy work-account app whose only secret expires next week.
pub const SUPPORT_MAILBOX_APP_ID: &str = "5a99027e-de30-4000-8000-00000000a002";
const SUPPORT_MAILBOX_OBJECT_ID: &str = "0b1ec700-de30-4000-8000-00000000a002";
const SUPPORT_MAILBOX_SP_ID: &str = "5e1f0000-de30-4000-8000-00000000a002";
const SUPPORT_MAILBOX_KEY_ID: &str = "6e1f0000-de30-4000-8000-00000000a002";
const LEGACY_NYLAS_KEY_ID: &str = "6e1f0000-de30-4000-8000-00000000a001";
/// A Nango app locked by its tenant's settings rather than its registration.
pub const LOCKED_NANGO_APP_ID: &str = "7a4c0000-de30-4000-8000-00000000a003";
const LOCKED_NANGO_OBJECT_ID: &str = "0b1ec700-de30-4000-8000-00000000a003";
const LOCKED_NANGO_KEY_ID: &str = "6e1f0000-de30-4000-8000-00000000a003";

const AZURE_AD_GRAPH_APP_ID: &str = "00000002-0000-0000-c000-000000000000";
/// Azure AD Graph `User.Read` (retired).
const AAD_GRAPH_USER_READ: &str = "311a71cc-e848-46a1-bdf8-97ff7156d8e6";
const GRAPH_USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const GRAPH_MAIL_READ: &str = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
/// Microsoft Graph `Mail.Read` as an application permission (app role).
const GRAPH_MAIL_READ_ROLE: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
const GRAPH_OFFLINE_ACCESS: &str = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";
const GRAPH_OPENID: &str = "37f7f235-527c-4136-accd-4a02d197296e";
const GRAPH_PROFILE: &str = "14dad69e-099b-42c9-810b-d002981feec1";
const EXCHANGE_EAS: &str = "266d2589-20b5-4f91-9a03-89247d1be8da";
const EXCHANGE_EWS: &str = "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5";

/// A delegated permission as `requiredResourceAccess` lists it.
pub fn scope(resource_app_id: &str, id: &str) -> (String, String, String) {
    (
        resource_app_id.to_owned(),
        id.to_owned(),
        "Scope".to_owned(),
    )
}

/// The apps the demo tenant starts with.
pub fn support_apps() -> Vec<AppSeed> {
    let legacy = AppSeed {
        // A v2-era audience without personal accounts, the v2 callback left over, the US v3
        // callback registered as a SPA, no EU callback, the implicit grant of an old sample
        // left on, Azure AD Graph instead of offline_access, an expired secret, no service
        // principal.
        sign_in_audience: "AzureADMultipleOrgs".to_owned(),
        implicit_grant: (true, false),
        web_redirect_uris: vec!["https://api.nylas.com/oauth/callback".to_owned()],
        spa_redirect_uris: vec!["https://api.us.nylas.com/v3/connect/callback".to_owned()],
        permissions: vec![
            scope(AZURE_AD_GRAPH_APP_ID, AAD_GRAPH_USER_READ),
            scope(MICROSOFT_GRAPH_APP_ID, GRAPH_USER_READ),
            scope(MICROSOFT_GRAPH_APP_ID, GRAPH_MAIL_READ),
        ],
        secrets: vec![SecretSeed {
            key_id: fixed_uuid(LEGACY_NYLAS_KEY_ID),
            display_name: "nylas-2024".to_owned(),
            expires_in_days: -40,
        }],
        ids: Some((
            fixed_uuid(LEGACY_NYLAS_OBJECT_ID),
            fixed_uuid(LEGACY_NYLAS_APP_ID),
        )),
        ..AppSeed::new("Acme Nylas (legacy)")
    };
    let support = AppSeed {
        sign_in_audience: "AzureADMultipleOrgs".to_owned(),
        web_redirect_uris: vec![
            "https://api.nylas.com/oauth/callback".to_owned(),
            "https://ireland.api.nylas.com/oauth/callback".to_owned(),
        ],
        secrets: vec![SecretSeed {
            key_id: fixed_uuid(SUPPORT_MAILBOX_KEY_ID),
            display_name: "support-sync".to_owned(),
            expires_in_days: 7,
        }],
        verified_publisher: Some(CONTOSO_MPN_ID.to_owned()),
        ids: Some((
            fixed_uuid(SUPPORT_MAILBOX_OBJECT_ID),
            fixed_uuid(SUPPORT_MAILBOX_APP_ID),
        )),
        service_principal: true,
        service_principal_id: Some(fixed_uuid(SUPPORT_MAILBOX_SP_ID)),
        permissions: [
            GRAPH_OFFLINE_ACCESS,
            GRAPH_OPENID,
            GRAPH_PROFILE,
            GRAPH_USER_READ,
            GRAPH_MAIL_READ,
        ]
        .into_iter()
        .map(|id| scope(MICROSOFT_GRAPH_APP_ID, id))
        .chain([
            scope(EXCHANGE_ONLINE_APP_ID, EXCHANGE_EAS),
            scope(EXCHANGE_ONLINE_APP_ID, EXCHANGE_EWS),
        ])
        .collect(),
        admin_consent: vec![
            (
                MICROSOFT_GRAPH_APP_ID.to_owned(),
                "offline_access openid profile User.Read Mail.Read".to_owned(),
            ),
            (
                EXCHANGE_ONLINE_APP_ID.to_owned(),
                "EAS.AccessAsUser.All EWS.AccessAsUser.All".to_owned(),
            ),
        ],
        ..AppSeed::new("Support Mailbox Sync")
    };
    let locked = AppSeed {
        // Right audience and permissions, but the callback has a trailing slash, public client
        // flows are on, Mail.Read is an application permission, and the enterprise application
        // is disabled with assignment required.
        sign_in_audience: "AzureADandPersonalMicrosoftAccount".to_owned(),
        tags: vec!["appreg-profile:nango".to_owned()],
        web_redirect_uris: vec!["https://api.nango.dev/oauth/callback/".to_owned()],
        public_client_flows: true,
        permissions: vec![
            scope(MICROSOFT_GRAPH_APP_ID, GRAPH_OFFLINE_ACCESS),
            scope(MICROSOFT_GRAPH_APP_ID, GRAPH_USER_READ),
            (
                MICROSOFT_GRAPH_APP_ID.to_owned(),
                GRAPH_MAIL_READ_ROLE.to_owned(),
                "Role".to_owned(),
            ),
        ],
        secrets: vec![SecretSeed {
            key_id: fixed_uuid(LOCKED_NANGO_KEY_ID),
            display_name: "nango-prod".to_owned(),
            expires_in_days: 400,
        }],
        ids: Some((
            fixed_uuid(LOCKED_NANGO_OBJECT_ID),
            fixed_uuid(LOCKED_NANGO_APP_ID),
        )),
        service_principal: true,
        service_principal_disabled: true,
        assignment_required: true,
        ..AppSeed::new("Acme Nango (locked)")
    };
    vec![legacy, support, locked]
}

impl Default for Seed {
    fn default() -> Self {
        Seed::demo()
    }
}

impl Seed {
    /// The demo directory with apps to support: [`support_apps`] in Contoso (Demo). The
    /// wizard's demo and `appreg sim` start with it; tests that want the defects opt in.
    pub fn with_support_apps() -> Self {
        let mut seed = Seed::demo();
        if let Some(home) = seed.tenants.first_mut() {
            home.applications.extend(support_apps());
        }
        seed
    }

    /// Two tenants with fixed, recognisable ids and Adele Vance signed in:
    /// a member of Contoso (Demo) and a guest in Fabrikam Lab. Contoso's default domain is
    /// its DNS-verified `contoso.com`, so its new apps can be publisher verified with
    /// [`CONTOSO_MPN_ID`]; Fabrikam's apps keep its `*.onmicrosoft.com` domain and cannot.
    pub fn demo() -> Self {
        let adele = UserSeed {
            id: fixed_uuid(DEMO_USER_ID),
            display_name: "Adele Vance".to_owned(),
            given_name: "Adele".to_owned(),
            surname: "Vance".to_owned(),
            user_principal_name: "AdeleV@contoso-demo.onmicrosoft.com".to_owned(),
            mail: "AdeleV@contoso-demo.onmicrosoft.com".to_owned(),
            job_title: Some("Retail Manager".to_owned()),
        };
        let adele_guest = UserSeed {
            id: fixed_uuid(DEMO_USER_GUEST_ID),
            user_principal_name:
                "AdeleV_contoso-demo.onmicrosoft.com#EXT#@fabrikamlab.onmicrosoft.com".to_owned(),
            job_title: None,
            ..adele.clone()
        };
        Seed {
            tenants: vec![
                TenantSeed {
                    id: fixed_uuid(DEMO_TENANT_ID),
                    display_name: "Contoso (Demo)".to_owned(),
                    initial_domain: "contoso-demo.onmicrosoft.com".to_owned(),
                    custom_domains: vec!["contoso.com".to_owned()],
                    country_code: "US".to_owned(),
                    user: adele,
                    mpn_accounts: vec![MpnAccount {
                        id: CONTOSO_MPN_ID.to_owned(),
                        display_name: "Contoso Ltd".to_owned(),
                        email_domain: "contoso.com".to_owned(),
                    }],
                    applications: Vec::new(),
                },
                TenantSeed {
                    id: fixed_uuid(SECOND_TENANT_ID),
                    display_name: "Fabrikam Lab".to_owned(),
                    initial_domain: "fabrikamlab.onmicrosoft.com".to_owned(),
                    custom_domains: Vec::new(),
                    country_code: "GB".to_owned(),
                    user: adele_guest,
                    mpn_accounts: vec![MpnAccount {
                        id: FABRIKAM_MPN_ID.to_owned(),
                        display_name: "Fabrikam Lab Ltd".to_owned(),
                        email_domain: "fabrikam.com".to_owned(),
                    }],
                    applications: Vec::new(),
                },
            ],
        }
    }
}

fn fixed_uuid(text: &str) -> Uuid {
    // Only called with the literals above, which the tests parse.
    Uuid::parse_str(text).unwrap_or_default()
}

/// A first-party resource service principal's permissions, from the catalog.
pub(crate) struct Resource {
    pub app_id: &'static str,
    pub display_name: &'static str,
    pub service_principal_names: &'static [&'static str],
    pub catalog: &'static LazyLock<Value>,
}

static GRAPH_CATALOG: LazyLock<Value> =
    LazyLock::new(|| parse_catalog(appreg_core::catalog::MICROSOFT_GRAPH_JSON));
static EXCHANGE_CATALOG: LazyLock<Value> =
    LazyLock::new(|| parse_catalog(appreg_core::catalog::EXCHANGE_ONLINE_JSON));

fn parse_catalog(text: &str) -> Value {
    // The catalog is compiled in and checked by a unit test; an empty catalog
    // (no permissions) is the least surprising fallback.
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Service principals present in every tenant.
pub(crate) static FIRST_PARTY: [Resource; 2] = [
    Resource {
        app_id: MICROSOFT_GRAPH_APP_ID,
        display_name: "Microsoft Graph",
        service_principal_names: &[
            "00000003-0000-0000-c000-000000000000/ags.windows.net",
            "00000003-0000-0000-c000-000000000000",
            "https://canary.graph.microsoft.com",
            "https://graph.microsoft.com",
            "https://ags.windows.net",
            "https://graph.microsoft.us",
            "https://graph.microsoft.com/",
            "https://dod-graph.microsoft.us",
        ],
        catalog: &GRAPH_CATALOG,
    },
    Resource {
        app_id: EXCHANGE_ONLINE_APP_ID,
        display_name: "Office 365 Exchange Online",
        service_principal_names: &[
            "00000002-0000-0ff1-ce00-000000000000/outlook.office365.com",
            "00000002-0000-0ff1-ce00-000000000000",
            "https://outlook.office365.com/",
            "https://outlook.office.com",
            "https://outlook.office365.com",
        ],
        catalog: &EXCHANGE_CATALOG,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_ids_parse() {
        for id in [
            DEMO_TENANT_ID,
            SECOND_TENANT_ID,
            DEMO_USER_ID,
            DEMO_USER_GUEST_ID,
            MICROSOFT_TENANT_ID,
            LEGACY_NYLAS_APP_ID,
            LEGACY_NYLAS_OBJECT_ID,
            LEGACY_NYLAS_KEY_ID,
            SUPPORT_MAILBOX_APP_ID,
            SUPPORT_MAILBOX_OBJECT_ID,
            SUPPORT_MAILBOX_SP_ID,
            SUPPORT_MAILBOX_KEY_ID,
        ] {
            assert!(Uuid::parse_str(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn catalogs_load_with_permissions() {
        for resource in &FIRST_PARTY {
            let catalog: &Value = resource.catalog;
            assert_eq!(catalog["appId"], resource.app_id);
            assert!(
                !catalog["oauth2PermissionScopes"]
                    .as_array()
                    .expect("scopes")
                    .is_empty()
            );
        }
        assert!(GRAPH_CATALOG["appRoles"].as_array().expect("roles").len() > 100);
    }
}
