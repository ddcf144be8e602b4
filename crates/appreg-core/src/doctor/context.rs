//! Everything the audit looks at besides the app object and the platform preset: what the
//! directory holds around the app, and what the user asked for.

use crate::graph::models::{AppRoleAssignment, PermissionGrant, ServicePrincipal};
use crate::plan::Choices;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditContext {
    /// The tenant the app lives in (`None` when it could not be read).
    pub tenant_id: Option<String>,
    /// The verified publisher, when the publisher is verified.
    pub verified_publisher: Option<VerifiedPublisher>,
    /// The app's enterprise application in its home tenant.
    pub service_principal: Option<ServicePrincipal>,
    /// The service principal's delegated grants; `None` when they could not be read.
    pub grants: Option<Vec<PermissionGrant>>,
    /// The service principal's application-permission assignments; `None` when unread.
    pub role_assignments: Option<Vec<AppRoleAssignment>>,
    /// Resource service principals (Microsoft Graph, Exchange Online…) in this tenant; shared,
    /// because their permission lists are long and a fleet audit hands them to every app.
    pub resources: Vec<Arc<ServicePrincipal>>,
    /// App ids of APIs the app asks permissions of that this tenant has no service principal
    /// for (read, and not found).
    pub absent_resources: Vec<String>,
    pub wants: Wants,
}

/// What the user asked the app to be, on top of the preset: the choices `create` takes, read
/// into the same [`Spec`](crate::plan::Spec) by the same rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wants {
    /// Region ids (`us`, `eu`); empty = every region of the preset, the defaults required.
    pub regions: Vec<String>,
    /// A self-hosted server (Nango): its callback replaces the cloud region.
    pub self_hosted_url: Option<String>,
    /// More Web redirect URIs the app must have.
    pub redirect_uris: Vec<String>,
    /// Capability ids whose permissions the app must have; empty = only the preset's base set.
    pub capabilities: Vec<String>,
    /// Admin consent is wanted: missing grants are errors.
    pub admin_consent: bool,
    /// The guides' optional settings the app should have.
    pub settings: crate::plan::OptionalSettings,
}

/// A verified publisher: its name and its Microsoft Partner Network id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifiedPublisher {
    pub name: String,
    pub mpn_id: String,
}

impl AuditContext {
    pub fn resource_principal(&self, app_id: &str) -> Option<&ServicePrincipal> {
        self.resources
            .iter()
            .find(|sp| sp.app_id.eq_ignore_ascii_case(app_id))
            .map(Arc::as_ref)
    }

    /// The tenant-wide delegated grant the app holds on a resource.
    pub fn admin_grant(&self, resource_sp_id: &str) -> Option<&PermissionGrant> {
        self.grants.as_ref()?.iter().find(|g| {
            g.resource_id.eq_ignore_ascii_case(resource_sp_id)
                && g.consent_type.as_deref() == Some("AllPrincipals")
        })
    }
}

impl Wants {
    /// These wants as `create`'s choices. Capabilities are as named: an audit requires the
    /// preset's base permissions and the named capabilities' only.
    pub fn choices(&self) -> Choices {
        Choices {
            regions: self.regions.clone(),
            self_hosted_url: self.self_hosted_url.clone(),
            extra_redirect_uris: self.redirect_uris.clone(),
            capabilities: Some(self.capabilities.clone()),
            admin_consent: self.admin_consent,
            settings: self.settings.clone(),
            ..Choices::default()
        }
    }
}
