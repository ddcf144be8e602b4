//! The enterprise application in the home tenant, admin consent when it is wanted, and
//! publisher verification for multi-tenant apps.

use super::permissions::{configured, names, unwanted_application};
use crate::audience::Audience;
use crate::catalog::{Catalog, PermissionKind};
use crate::doctor::context::AuditContext;
use crate::doctor::finding::{Code, Finding, PermissionRef, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::profile::Profile;

pub(super) fn check(
    app: &Application,
    profile: &Profile,
    catalog: &Catalog,
    context: &AuditContext,
    audience: Audience,
    findings: &mut Vec<Finding>,
) {
    if context.service_principal.is_none() {
        let severity = if context.wants.admin_consent || !audience.is_multi_tenant() {
            Severity::Error
        } else {
            Severity::Warning
        };
        findings.push(Finding {
            code: Code::ServicePrincipalMissing,
            severity,
            title: "the app has no service principal (enterprise application) in its home tenant".into(),
            why: "admin consent can only be granted to a service principal, and until a first sign-in creates one the app cannot be managed, assigned or audited under Enterprise applications".into(),
            fix: "create the service principal".into(),
            portal: portal::SERVICE_PRINCIPAL,
            errand: None,
            remedy: Some(Remedy::CreateServicePrincipal),
        });
    }
    check_principal_properties(context, findings);
    if context.wants.admin_consent {
        check_admin_consent(app, profile, catalog, context, findings);
    }
    // Judged for every app whose publisher the user wants verified, and for multi-tenant
    // apps, whose users elsewhere meet the "unverified" consent screen.
    let wanted = context.wants.settings.publisher_id.as_deref();
    // Verified, but with another MPN id than the one asked for: said, not changed (the
    // publisher's organisation decides which account verifies it).
    if let (Some(wanted), Some(verified)) = (wanted, &context.verified_publisher)
        && verified.mpn_id != wanted
    {
        findings.push(Finding {
            code: Code::PublisherUnverified,
            severity: Severity::Info,
            title: format!(
                "the publisher is verified as {} (MPN id {}), not with MPN id {wanted}",
                verified.name, verified.mpn_id
            ),
            why: "consent screens name the organisation of the MPN id the app was verified with"
                .into(),
            fix:
                "verify the publisher again with the MPN id of the organisation that should appear"
                    .into(),
            portal: portal::PUBLISHER,
            errand: None,
            remedy: Some(Remedy::VerifyPublisher {
                publisher_id: wanted.to_owned(),
            }),
        });
    }
    if (audience.is_multi_tenant() || wanted.is_some()) && context.verified_publisher.is_none() {
        let tenant = context.tenant_id.as_deref().unwrap_or("organizations");
        // Microsoft refuses to verify an app whose publisher domain is the tenant's initial
        // *.onmicrosoft.com one (PublisherDomainMismatch); it is set in the portal, not by Graph.
        let initial_domain = app
            .publisher_domain
            .as_deref()
            .filter(|d| d.to_ascii_lowercase().ends_with(".onmicrosoft.com"));
        let first = initial_domain
            .map(|d| format!("first set a verified custom domain as its publisher domain (it is {d}, which Microsoft does not verify), then "))
            .unwrap_or_default();
        findings.push(Finding {
            code: Code::PublisherUnverified,
            severity: Severity::Info,
            title: "the publisher is not verified".into(),
            why: "users in other organisations see 'unverified' and are often blocked from consenting to a multi-tenant app from an unverified publisher".into(),
            fix: format!(
                "{first}verify the publisher with a Microsoft Partner Network id, or have each organisation's administrator consent: https://login.microsoftonline.com/{tenant}/adminconsent?client_id={}",
                app.app_id
            ),
            portal: portal::PUBLISHER,
            errand: None,
            // Sent only where Microsoft can accept it.
            remedy: context
                .wants
                .settings
                .publisher_id
                .clone()
                .filter(|_| initial_domain.is_none())
                .map(|publisher_id| Remedy::VerifyPublisher { publisher_id }),
        });
    }
}

/// Enterprise-application settings that stop sign-in in the home tenant.
fn check_principal_properties(context: &AuditContext, findings: &mut Vec<Finding>) {
    let Some(sp) = &context.service_principal else {
        return;
    };
    if sp.account_enabled == Some(false) {
        findings.push(Finding {
            code: Code::ServicePrincipalDisabled,
            severity: Severity::Error,
            title: "the enterprise application is disabled: users cannot sign in".into(),
            why: "every sign-in and token refresh in this tenant fails with AADSTS7000112 (the application is disabled)".into(),
            fix: "set \"Enabled for users to sign in?\" to Yes".into(),
            portal: portal::SERVICE_PRINCIPAL_PROPERTIES,
            errand: None,
            remedy: Some(Remedy::EnableServicePrincipal),
        });
    }
    if sp.app_role_assignment_required == Some(true) {
        findings.push(Finding {
            code: Code::AssignmentRequired,
            severity: Severity::Warning,
            title: "only users assigned to the app may sign in".into(),
            why: "everyone in this tenant who is not assigned (directly or through a group) fails with AADSTS50105 (the user is not assigned to a role for the application)".into(),
            fix: "assign the users or groups who connect mailboxes (Enterprise applications > the app > Users and groups), or set \"Assignment required?\" to No if that restriction is not intended".into(),
            portal: portal::SERVICE_PRINCIPAL_PROPERTIES,
            errand: None,
            remedy: None,
        });
    }
}

/// The permissions consent should cover once the app is fixed: what it has (minus retired
/// ones, and minus application permissions a delegated platform does not want: consenting to
/// those would give the app tenant-wide access it never uses) plus what the findings so far add.
fn desired(
    app: &Application,
    profile: &Profile,
    catalog: &Catalog,
    findings: &[Finding],
) -> Vec<PermissionRef> {
    let mut desired: Vec<PermissionRef> = configured(app, catalog)
        .into_iter()
        .filter(|p| {
            catalog
                .resource_by_app_id(&p.resource_app_id)
                .is_none_or(|r| r.retired.is_none())
        })
        .filter(|p| !unwanted_application(p, profile))
        .collect();
    for finding in findings {
        if let Some(Remedy::AddPermissions { permissions }) = &finding.remedy {
            desired.extend(permissions.iter().cloned());
        }
    }
    desired
}

fn check_admin_consent(
    app: &Application,
    profile: &Profile,
    catalog: &Catalog,
    context: &AuditContext,
    findings: &mut Vec<Finding>,
) {
    if context.service_principal.is_some()
        && (context.grants.is_none() || context.role_assignments.is_none())
    {
        findings.push(Finding {
            code: Code::GrantsUnreadable,
            severity: Severity::Info,
            title: "the app's consent grants could not be read".into(),
            why: "reading grants needs a directory role; admin consent is checked as if none were granted".into(),
            fix: "run as a Cloud Application Administrator to check consent".into(),
            portal: portal::ADMIN_CONSENT,
            errand: None,
            remedy: None,
        });
    }
    let desired = desired(app, profile, catalog, findings);
    let mut resources: Vec<(&str, &str)> = Vec::new();
    for p in &desired {
        if !resources.iter().any(|(id, _)| *id == p.resource_app_id) {
            resources.push((&p.resource_app_id, &p.resource_name));
        }
    }
    let mut found = Vec::new();
    for (resource_app_id, resource_name) in resources {
        let of_resource = || {
            desired
                .iter()
                .filter(|p| p.resource_app_id == resource_app_id)
        };
        let scopes: Vec<String> = of_resource()
            .filter(|p| p.kind == PermissionKind::Delegated.as_graph())
            .map(|p| p.name.clone())
            .collect();
        let roles: Vec<&PermissionRef> = of_resource()
            .filter(|p| p.kind == PermissionKind::Application.as_graph())
            .collect();
        let resource_sp = context.resource_principal(resource_app_id);
        let granted: Vec<String> = resource_sp
            .and_then(|sp| context.admin_grant(&sp.id))
            .map(|g| g.scopes().map(str::to_string).collect())
            .unwrap_or_default();
        let missing_scopes: Vec<String> = scopes
            .iter()
            .filter(|s| !granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
            .cloned()
            .collect();
        let missing_roles: Vec<PermissionRef> = roles
            .into_iter()
            .filter(|role| {
                !context.role_assignments.iter().flatten().any(|a| {
                    a.app_role_id.eq_ignore_ascii_case(&role.id)
                        && resource_sp.is_some_and(|sp| a.resource_id == sp.id)
                })
            })
            .cloned()
            .collect();
        if missing_scopes.is_empty() && missing_roles.is_empty() {
            continue;
        }
        let mut listed = missing_scopes.join(", ");
        if !missing_roles.is_empty() {
            if !listed.is_empty() {
                listed.push_str(", ");
            }
            listed.push_str(&names(&missing_roles));
        }
        let (fix, remedy) = match resource_sp {
            Some(_) => (
                "grant admin consent for the organisation (needs Cloud Application Administrator)"
                    .to_string(),
                Some(Remedy::GrantAdminConsent {
                    resource_app_id: resource_app_id.to_string(),
                    resource_name: resource_name.to_string(),
                    scopes,
                    roles: missing_roles,
                }),
            ),
            None => (
                format!(
                    "{resource_name} has no service principal in this tenant: consent cannot be granted here"
                ),
                None,
            ),
        };
        found.push(Finding {
            code: Code::AdminConsentMissing,
            severity: Severity::Error,
            title: format!("admin consent is missing for {resource_name}: {listed}"),
            why: "without it each user is asked to consent, and permissions only an administrator may grant stop sign-in (AADSTS65001 / AADSTS90094)".into(),
            fix,
            portal: portal::ADMIN_CONSENT,
            errand: None,
            remedy,
        });
    }
    findings.extend(found);
}
