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
    /// The default verified domain (also the initial `*.onmicrosoft.com` one here).
    pub default_domain: String,
    pub country_code: String,
    /// The signed-in user as this tenant knows them.
    pub user: UserSeed,
    pub applications: Vec<AppSeed>,
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

/// A pre-existing app registration (already replicated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSeed {
    pub display_name: String,
    pub sign_in_audience: String,
    pub unique_name: Option<String>,
    pub tags: Vec<String>,
    pub web_redirect_uris: Vec<String>,
    /// Also create its service principal in the tenant.
    pub service_principal: bool,
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
            service_principal: false,
        }
    }
}

impl Default for Seed {
    fn default() -> Self {
        Seed::demo()
    }
}

impl Seed {
    /// Two tenants with fixed, recognisable ids and Adele Vance signed in:
    /// a member of Contoso (Demo) and a guest in Fabrikam Lab.
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
                    default_domain: "contoso-demo.onmicrosoft.com".to_owned(),
                    country_code: "US".to_owned(),
                    user: adele,
                    applications: Vec::new(),
                },
                TenantSeed {
                    id: fixed_uuid(SECOND_TENANT_ID),
                    display_name: "Fabrikam Lab".to_owned(),
                    default_domain: "fabrikamlab.onmicrosoft.com".to_owned(),
                    country_code: "GB".to_owned(),
                    user: adele_guest,
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
    LazyLock::new(|| parse_catalog(include_str!("../../assets/catalog/microsoft-graph.json")));
static EXCHANGE_CATALOG: LazyLock<Value> =
    LazyLock::new(|| parse_catalog(include_str!("../../assets/catalog/exchange-online.json")));

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
