//! What an app should be: the one desired state that `create` registers, `appreg plan` prints
//! and `doctor` audits an existing app against, built by one set of rules from a platform
//! preset and the choices made on it.

use super::{ImplicitGrant, OptionalSettings, PlannedPermission, SecretPlan};
use crate::audience::Audience;
use crate::catalog::{Permission, PermissionKind};

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub audience: Audience,
    /// The Web redirect URIs the app must have: `create` registers them.
    pub redirect_uris: Vec<String>,
    /// The platform's other regions, when none were named: worth having, not required.
    pub optional_redirect_uris: Vec<String>,
    /// The platform's own redirect URIs (every region's), against which others are checked
    /// for near misses.
    pub platform_redirect_uris: Vec<String>,
    pub implicit_grant: ImplicitGrant,
    pub permissions: Vec<PlannedPermission>,
    pub secret: SecretPlan,
    /// Consent for the organisation is granted (`create`) or required (`doctor`).
    pub admin_consent: bool,
    /// The guides' optional steps the user chose.
    pub settings: OptionalSettings,
}

impl Spec {
    pub fn permissions_of(&self, resource_app_id: &str) -> impl Iterator<Item = &Permission> {
        self.permissions
            .iter()
            .filter(move |p| p.resource_app_id == resource_app_id)
            .map(|p| &p.permission)
    }

    /// Resources in first-mention order, each once.
    pub fn resources(&self) -> Vec<(&str, &str)> {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for p in &self.permissions {
            if !seen.iter().any(|(id, _)| *id == p.resource_app_id) {
                seen.push((&p.resource_app_id, &p.resource_name));
            }
        }
        seen
    }

    /// Microsoft Graph's delegated scope names, one each, as the platforms take them.
    pub fn platform_scopes(&self) -> Vec<String> {
        self.permissions_of(crate::catalog::MICROSOFT_GRAPH)
            .filter(|p| p.kind == PermissionKind::Delegated)
            .map(|p| p.name.clone())
            .collect()
    }

    /// Space-separated delegated scope names for one resource, as grants and platforms want them.
    pub fn delegated_scopes(&self, resource_app_id: &str) -> String {
        self.permissions_of(resource_app_id)
            .filter(|p| p.kind == PermissionKind::Delegated)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The settings that are requests of their own (the logo, the publisher), on `app`.
    pub fn settings_steps(&self, app: &crate::plan::Ref) -> Vec<crate::plan::Step> {
        use crate::plan::Step;
        let logo = self.settings.logo.clone().map(|logo| Step::UploadLogo {
            app: app.clone(),
            logo,
        });
        let publisher =
            self.settings
                .publisher_id
                .clone()
                .map(|publisher_id| Step::SetVerifiedPublisher {
                    app: app.clone(),
                    publisher_id,
                });
        logo.into_iter().chain(publisher).collect()
    }

    pub fn needs_admin_consent(&self) -> bool {
        self.permissions.iter().any(|p| p.permission.admin_consent)
    }
}
