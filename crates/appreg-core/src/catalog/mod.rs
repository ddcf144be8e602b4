//! The permission catalog: names ⇄ ids per resource, admin-consent flags and descriptions.
//!
//! Offline it is built from the embedded copies of the resources' service principals in
//! `assets/catalog/`; when signed in, a resource is refreshed from the tenant's own service
//! principal (`servicePrincipals(appId=…)`), which is the truth for that tenant.

pub use crate::graph::models::PermissionKind;
use crate::graph::models::ServicePrincipal;
use serde::Deserialize;

mod manifest;
pub use manifest::{ImportWarning, Imported, ImportedPermission, ManifestError};

pub const MICROSOFT_GRAPH: &str = "00000003-0000-0000-c000-000000000000";
pub const EXCHANGE_ONLINE: &str = "00000002-0000-0ff1-ce00-000000000000";
pub const AZURE_AD_GRAPH: &str = "00000002-0000-0000-c000-000000000000";

#[derive(Debug, Clone, PartialEq)]
pub struct Permission {
    pub id: String,
    pub name: String,
    pub kind: PermissionKind,
    pub admin_consent: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub app_id: String,
    /// Short name used in profiles and on the command line (`graph`, `exchange`).
    pub key: &'static str,
    pub display_name: String,
    /// Why the resource must not be used any more, when it is retired.
    pub retired: Option<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    resources: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    #[error("unknown resource '{0}': use graph, exchange or a resource app id")]
    UnknownResource(String),
    #[error("unknown {kind} permission '{name}' on {resource}{}", did_you_mean(.suggestions))]
    UnknownPermission {
        resource: String,
        name: String,
        kind: &'static str,
        suggestions: Vec<String>,
    },
    #[error("{resource} is retired and cannot be added: {why}")]
    Retired { resource: String, why: String },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(", "))
    }
}

/// The embedded resource file: a service principal plus an optional retirement note.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmbeddedResource {
    #[serde(flatten)]
    service_principal: ServicePrincipalJson,
    #[serde(default)]
    retired: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicePrincipalJson {
    app_id: String,
    display_name: String,
    #[serde(default)]
    oauth2_permission_scopes: Vec<crate::graph::models::PermissionScope>,
    #[serde(default)]
    app_roles: Vec<crate::graph::models::AppRole>,
}

/// Microsoft Graph's permissions as embedded (the simulator serves the same list).
pub const MICROSOFT_GRAPH_JSON: &str = include_str!("../../assets/catalog/microsoft-graph.json");
/// Exchange Online's permissions as embedded.
pub const EXCHANGE_ONLINE_JSON: &str = include_str!("../../assets/catalog/exchange-online.json");

const EMBEDDED: [(&str, &str); 3] = [
    ("graph", MICROSOFT_GRAPH_JSON),
    ("exchange", EXCHANGE_ONLINE_JSON),
    (
        "aad-graph",
        include_str!("../../assets/catalog/azure-ad-graph.json"),
    ),
];

impl Catalog {
    /// The catalog shipped inside the binary.
    pub fn offline() -> Self {
        let resources = EMBEDDED
            .iter()
            .map(|(key, text)| {
                let parsed: EmbeddedResource = serde_json::from_str(text)
                    .expect("embedded catalog files are checked by tests");
                let sp = parsed.service_principal;
                Resource {
                    key,
                    display_name: sp.display_name,
                    retired: parsed.retired,
                    permissions: permissions_of(&sp.oauth2_permission_scopes, &sp.app_roles),
                    app_id: sp.app_id,
                }
            })
            .collect();
        Self { resources }
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Replaces a resource's permissions with the tenant's own list.
    pub fn refresh_from(&mut self, sp: &ServicePrincipal) {
        if let Some(resource) = self.resources.iter_mut().find(|r| r.app_id == sp.app_id) {
            resource.permissions = permissions_of(&sp.oauth2_permission_scopes, &sp.app_roles);
        }
    }

    /// A resource by short name (`graph`), display name or app id.
    pub fn resource(&self, key: &str) -> Result<&Resource, CatalogError> {
        let key = key.trim();
        self.resources
            .iter()
            .find(|r| {
                r.key.eq_ignore_ascii_case(key)
                    || r.app_id.eq_ignore_ascii_case(key)
                    || r.display_name.eq_ignore_ascii_case(key)
            })
            .ok_or_else(|| CatalogError::UnknownResource(key.to_string()))
    }

    pub fn resource_by_app_id(&self, app_id: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.app_id.eq_ignore_ascii_case(app_id))
    }

    /// A permission by name; names are matched case-insensitively as Entra does.
    pub fn permission(
        &self,
        resource: &str,
        name: &str,
        kind: PermissionKind,
    ) -> Result<(&Resource, &Permission), CatalogError> {
        let res = self.resource(resource)?;
        if let Some(why) = &res.retired {
            return Err(CatalogError::Retired {
                resource: res.display_name.clone(),
                why: why.clone(),
            });
        }
        res.permissions
            .iter()
            .find(|p| p.kind == kind && p.name.eq_ignore_ascii_case(name.trim()))
            .map(|p| (res, p))
            .ok_or_else(|| CatalogError::UnknownPermission {
                resource: res.display_name.clone(),
                name: name.to_string(),
                kind: match kind {
                    PermissionKind::Delegated => "delegated",
                    PermissionKind::Application => "application",
                },
                suggestions: closest(res, name, kind),
            })
    }

    pub fn permission_by_id(
        &self,
        resource_app_id: &str,
        id: &str,
    ) -> Option<(&Resource, &Permission)> {
        let res = self.resource_by_app_id(resource_app_id)?;
        res.permissions
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id))
            .map(|p| (res, p))
    }

    /// Permissions whose name or description contains every word of `query`, names first.
    pub fn search<'a>(&'a self, query: &str) -> Vec<(&'a Resource, &'a Permission)> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut hits: Vec<(u8, &Resource, &Permission)> = self
            .resources
            .iter()
            .filter(|r| r.retired.is_none())
            .flat_map(|r| r.permissions.iter().map(move |p| (r, p)))
            .filter_map(|(r, p)| {
                let name = p.name.to_lowercase();
                let text = format!("{name} {}", p.description.to_lowercase());
                words.iter().all(|w| text.contains(w)).then(|| {
                    let rank = if words.iter().all(|w| name.starts_with(w)) {
                        0
                    } else if words.iter().all(|w| name.contains(w)) {
                        1
                    } else {
                        2
                    };
                    (rank, r, p)
                })
            })
            .collect();
        hits.sort_by(|a, b| (a.0, &a.2.name).cmp(&(b.0, &b.2.name)));
        hits.into_iter().map(|(_, r, p)| (r, p)).collect()
    }
}

fn permissions_of(
    scopes: &[crate::graph::models::PermissionScope],
    roles: &[crate::graph::models::AppRole],
) -> Vec<Permission> {
    let delegated = scopes.iter().filter(|s| s.is_enabled).map(|s| Permission {
        id: s.id.clone(),
        name: s.value.clone(),
        kind: PermissionKind::Delegated,
        admin_consent: s.kind.as_deref() == Some("Admin"),
        description: s
            .admin_consent_display_name
            .clone()
            .or_else(|| s.admin_consent_description.clone())
            .unwrap_or_default(),
    });
    let application = roles
        .iter()
        .filter(|r| r.is_enabled && r.allowed_member_types.iter().any(|t| t == "Application"))
        .filter_map(|r| {
            Some(Permission {
                id: r.id.clone(),
                name: r.value.clone()?,
                kind: PermissionKind::Application,
                admin_consent: true,
                description: r
                    .display_name
                    .clone()
                    .or_else(|| r.description.clone())
                    .unwrap_or_default(),
            })
        });
    delegated.chain(application).collect()
}

/// Up to three names close to a mistyped one.
fn closest(resource: &Resource, name: &str, kind: PermissionKind) -> Vec<String> {
    let wanted = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = resource
        .permissions
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| {
            (
                strsim::jaro_winkler(&wanted, &p.name.to_lowercase()),
                p.name.as_str(),
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_catalog_knows_graph_exchange_and_the_retired_aad_graph() {
        let c = Catalog::offline();
        let graph = c.resource("graph").unwrap();
        assert_eq!(graph.app_id, MICROSOFT_GRAPH);
        assert!(graph.permissions.len() > 400);
        assert!(c.resource("exchange").unwrap().retired.is_none());
        assert!(c.resource(AZURE_AD_GRAPH).unwrap().retired.is_some());
    }

    #[test]
    fn verified_ids_from_the_reference_table_match() {
        let c = Catalog::offline();
        let table = include_str!("../../../../tests/fixtures/permissions.tsv");
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (app_id, name, id, admin) = (cols[0], cols[2], cols[3], cols[5]);
            let (_, p) = c
                .permission_by_id(app_id, id)
                .unwrap_or_else(|| panic!("{name} {id}"));
            assert_eq!(p.name, name);
            assert_eq!(p.admin_consent, admin == "yes", "{name}");
            checked += 1;
        }
        assert!(checked >= 30);
    }

    #[test]
    fn names_resolve_case_insensitively_and_typos_get_suggestions() {
        let c = Catalog::offline();
        let (_, p) = c
            .permission("graph", "mail.read", PermissionKind::Delegated)
            .unwrap();
        assert_eq!(p.id, "570282fd-fa5c-430d-a7fd-fc8dc98a9dca");
        let err = c
            .permission("graph", "Mail.Raed", PermissionKind::Delegated)
            .unwrap_err();
        assert!(err.to_string().contains("Mail.Read"), "{err}");
        let err = c
            .permission("aad-graph", "User.Read", PermissionKind::Delegated)
            .unwrap_err();
        assert!(matches!(err, CatalogError::Retired { .. }));
    }

    #[test]
    fn search_ranks_name_prefixes_first() {
        let c = Catalog::offline();
        let hits = c.search("mail.send");
        assert_eq!(hits[0].1.name, "Mail.Send");
        assert!(c.search("zzzz-nothing").is_empty());
    }
}
