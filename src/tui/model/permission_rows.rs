//! The permission step's list, derived from the preset and the user's changes: resource headers,
//! then the preset's permissions, the platform's capabilities and what the user added.

use super::Model;
use crate::catalog::{Permission, PermissionKind, Resource};

#[derive(Debug, Clone, PartialEq)]
pub enum PermissionRow {
    Resource {
        name: String,
        count: usize,
    },
    Preset {
        spec: String,
        name: String,
        admin: bool,
        on: bool,
    },
    Capability {
        index: usize,
        label: String,
        scopes: String,
        admin: bool,
        on: bool,
        /// What to know before ticking it (Microsoft's dates for EWS).
        note: Option<String>,
    },
    Added {
        spec: String,
        name: String,
        kind: PermissionKind,
        admin: bool,
    },
    AdminConsent {
        on: bool,
    },
}

impl PermissionRow {
    pub fn selectable(&self) -> bool {
        !matches!(self, PermissionRow::Resource { .. })
    }
}

/// A permission the user added by search or import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedPermission {
    /// The catalog's short resource name (`graph`, `exchange`).
    pub resource_key: String,
    pub name: String,
    pub kind: PermissionKind,
}

impl AddedPermission {
    pub fn spec(&self) -> String {
        spec(&self.resource_key, &self.name, self.kind)
    }
}

/// `graph:Mail.Read`, `graph:role:User.Read.All`: the spec form `plan::Choices` takes.
pub fn spec(resource_key: &str, name: &str, kind: PermissionKind) -> String {
    match kind {
        PermissionKind::Delegated => format!("{resource_key}:{name}"),
        PermissionKind::Application => format!("{resource_key}:role:{name}"),
    }
}

/// Search results shown at once; refining the query finds the rest.
const SEARCH_LIMIT: usize = 100;

impl Model {
    /// The catalog's matches for the search query, or nothing for an empty query.
    pub fn search_results(&self) -> Vec<(&Resource, &Permission)> {
        let query = self.permissions.query.value();
        if query.trim().is_empty() {
            return Vec::new();
        }
        let mut hits = self.catalog.search(query);
        hits.truncate(SEARCH_LIMIT);
        hits
    }

    pub fn permission_rows(&self) -> Vec<PermissionRow> {
        let profile = self.profile();
        let state = &self.permissions;
        let plan_counts = self.plan().ok().map(|(plan, _)| plan);
        let mut keys: Vec<&str> = Vec::new();
        let mentioned = profile
            .permissions
            .iter()
            .map(|p| p.resource.as_str())
            .chain(profile.capabilities.iter().map(|c| c.resource.as_str()))
            .chain(state.added.iter().map(|a| a.resource_key.as_str()));
        for key in mentioned {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let mut rows = Vec::new();
        for key in keys {
            let Ok(resource) = self.catalog.resource(key) else {
                continue;
            };
            let count = plan_counts
                .as_ref()
                .map_or(0, |plan| plan.spec.permissions_of(&resource.app_id).count());
            rows.push(PermissionRow::Resource {
                name: resource.display_name.clone(),
                count,
            });
            let admin = |name: &str, kind: PermissionKind| {
                self.catalog
                    .permission(key, name, kind)
                    .is_ok_and(|(_, p)| p.admin_consent)
            };
            for group in profile.permissions.iter().filter(|g| g.resource == key) {
                for name in &group.scopes {
                    let spec = spec(key, name, PermissionKind::Delegated);
                    rows.push(PermissionRow::Preset {
                        on: !state.removed.contains(&spec),
                        admin: admin(name, PermissionKind::Delegated),
                        name: name.clone(),
                        spec,
                    });
                }
            }
            for (index, capability) in profile
                .capabilities
                .iter()
                .enumerate()
                .filter(|(_, c)| c.resource == key)
            {
                rows.push(PermissionRow::Capability {
                    index,
                    label: capability.label.clone(),
                    scopes: capability.scopes.join(" "),
                    admin: capability
                        .scopes
                        .iter()
                        .any(|s| admin(s, PermissionKind::Delegated)),
                    on: state.capabilities.get(index).copied().unwrap_or(false),
                    note: capability.note(),
                });
            }
            for added in state.added.iter().filter(|a| a.resource_key == key) {
                rows.push(PermissionRow::Added {
                    spec: added.spec(),
                    name: added.name.clone(),
                    kind: added.kind,
                    admin: admin(&added.name, added.kind),
                });
            }
        }
        rows.push(PermissionRow::AdminConsent {
            on: state.admin_consent,
        });
        rows
    }
}

/// Shown beside admin-consent permissions, in the portal's words.
pub const ADMIN_BADGE: &str = "admin consent";
