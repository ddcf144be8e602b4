//! API permissions: what the platform needs, retired Azure AD Graph entries, and permissions
//! that only an administrator can consent to.

use crate::catalog::{Catalog, PermissionKind};
use crate::doctor::context::AuditContext;
use crate::doctor::finding::{Code, Errand, Finding, PermissionRef, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::plan::Spec;
use crate::profile::Profile;

const OFFLINE_ACCESS: &str = "offline_access";

pub(super) fn check(
    app: &Application,
    profile: &Profile,
    catalog: &Catalog,
    context: &AuditContext,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let present = configured(app, catalog);
    check_retired(&present, catalog, findings);
    check_wrong_type(&present, profile, catalog, findings);
    check_missing(&present, profile, spec, findings);
    check_admin_only(&present, profile, catalog, context, findings);
    check_unwanted_application(&present, profile, catalog, findings);
    check_absent_apis(&present, catalog, context, findings);
    check_unknown(&present, catalog, context, findings);
}

/// Ids the API does not publish (a typo in a hand-edited manifest, a permission id under the
/// wrong type): consent to the app fails outright.
fn check_unknown(
    present: &[PermissionRef],
    catalog: &Catalog,
    context: &AuditContext,
    findings: &mut Vec<Finding>,
) {
    let unknown: Vec<PermissionRef> = present
        .iter()
        .filter(|p| publishes(p, catalog, context) == Some(false))
        .cloned()
        .collect();
    if unknown.is_empty() {
        return;
    }
    findings.push(Finding {
        code: Code::PermissionUnknown,
        severity: Severity::Error,
        title: format!(
            "{} publishes no permission {}",
            api_names(&unknown),
            unknown
                .iter()
                .map(|p| format!("{} ({})", p.id, p.kind))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        why: "Entra refuses consent to an app that asks for a permission its API does not have (AADSTS650053), so nobody can sign in".into(),
        fix: "remove these entries and add the permissions you meant by name".into(),
        portal: portal::PERMISSIONS,
        errand: None,
        remedy: Some(Remedy::RemovePermissions { permissions: unknown }),
    });
}

/// Whether the API offers `permission` under its type: judged by the API's list as read from
/// the tenant, else by the offline catalog for Microsoft Graph (complete there only); `None`
/// when it cannot be told.
fn publishes(
    permission: &PermissionRef,
    catalog: &Catalog,
    context: &AuditContext,
) -> Option<bool> {
    let kind = PermissionKind::from_graph(&permission.kind)?;
    let live = context
        .resources
        .iter()
        .find(|sp| sp.app_id.eq_ignore_ascii_case(&permission.resource_app_id))
        .filter(|sp| !sp.oauth2_permission_scopes.is_empty() || !sp.app_roles.is_empty());
    if let Some(sp) = live {
        return Some(
            sp.permission_ids(kind)
                .iter()
                .any(|id| id.eq_ignore_ascii_case(&permission.id)),
        );
    }
    if !permission
        .resource_app_id
        .eq_ignore_ascii_case(crate::catalog::MICROSOFT_GRAPH)
    {
        return None;
    }
    Some(
        catalog
            .permission_by_id(&permission.resource_app_id, &permission.id)
            .is_some_and(|(_, p)| p.kind == kind),
    )
}

/// The APIs of `permissions`, each named once.
fn api_names(permissions: &[PermissionRef]) -> String {
    let mut apis: Vec<&str> = permissions
        .iter()
        .map(|p| p.resource_name.as_str())
        .collect();
    apis.dedup();
    apis.join(", ")
}

/// Permissions of an API this tenant has no service principal for: nobody here can consent
/// to them. An API the catalog knows (Exchange Online) is the tenant's to enable; another is
/// most often left from an app copied from elsewhere, and removing it is the fix.
fn check_absent_apis(
    present: &[PermissionRef],
    catalog: &Catalog,
    context: &AuditContext,
    findings: &mut Vec<Finding>,
) {
    let absent: Vec<PermissionRef> = present
        .iter()
        .filter(|p| {
            context
                .absent_resources
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&p.resource_app_id))
        })
        .cloned()
        .collect();
    if absent.is_empty() {
        return;
    }
    let known = absent
        .iter()
        .any(|p| catalog.resource_by_app_id(&p.resource_app_id).is_some());
    let fix = if known {
        "enable the service in this tenant (it needs a licence for it), or drop these permissions if the platform does not use them".to_string()
    } else {
        format!(
            "remove {} unless the API's owner makes it available in this tenant",
            names(&absent)
        )
    };
    findings.push(Finding {
        code: Code::PermissionApiAbsent,
        severity: Severity::Error,
        title: format!(
            "the app asks for permissions of {}, which this tenant does not have",
            api_names(&absent)
        ),
        why: "consent fails for everyone here with AADSTS650052 (the app needs access to a service the organization has not subscribed to or enabled)".into(),
        fix,
        portal: portal::PERMISSIONS,
        errand: None,
        remedy: (!known).then_some(Remedy::RemovePermissions { permissions: absent }),
    });
}

/// The application permission listed under a delegated permission's name, if any.
fn application_twin<'p>(
    delegated: &PermissionRef,
    present: &'p [PermissionRef],
) -> Option<&'p PermissionRef> {
    present.iter().find(|p| {
        p.resource_app_id
            .eq_ignore_ascii_case(&delegated.resource_app_id)
            && p.name == delegated.name
            && p.kind == PermissionKind::Application.as_graph()
    })
}

/// Application permissions where the platform uses the delegated permission of the same name
/// (in its base set or any capability): app-only access to every mailbox in the tenant, while
/// the tokens the platform gets at sign-in carry none of it.
fn check_wrong_type(
    present: &[PermissionRef],
    profile: &Profile,
    catalog: &Catalog,
    findings: &mut Vec<Finding>,
) {
    let every_capability: Vec<String> = profile.capabilities.iter().map(|c| c.id.clone()).collect();
    let wrong_type: Vec<PermissionRef> = required(profile, catalog, &every_capability)
        .into_iter()
        .filter(|w| {
            application_twin(w, present).is_some()
                && !present.iter().any(|p| p.id.eq_ignore_ascii_case(&w.id))
        })
        .collect();
    if wrong_type.is_empty() {
        return;
    }
    findings.push(Finding {
        code: Code::PermissionWrongType,
        severity: Severity::Error,
        title: format!(
            "{} is listed as an application permission; {} uses the delegated one",
            names(&wrong_type),
            profile.name
        ),
        why: "an application permission lets the app read every mailbox in the tenant without a user, yet the tokens the platform gets at sign-in carry only delegated scopes: its calls fail with 403".into(),
        fix: format!(
            "add the delegated {}; remove the application permission in the portal unless a service of yours uses it",
            names(&wrong_type)
        ),
        portal: portal::PERMISSIONS,
        errand: None,
        remedy: Some(Remedy::AddPermissions {
            permissions: wrong_type,
        }),
    });
}

/// Every permission the app lists, named from the catalog where it knows the id.
pub(crate) fn configured(app: &Application, catalog: &Catalog) -> Vec<PermissionRef> {
    app.required_resource_access
        .iter()
        .flat_map(|rra| {
            rra.resource_access.iter().map(|access| {
                let known = catalog.permission_by_id(&rra.resource_app_id, &access.id);
                let resource_name = catalog
                    .resource_by_app_id(&rra.resource_app_id)
                    .map_or_else(|| rra.resource_app_id.clone(), |r| r.display_name.clone());
                PermissionRef {
                    resource_app_id: rra.resource_app_id.clone(),
                    resource_name,
                    id: access.id.clone(),
                    name: known.map_or_else(|| access.id.clone(), |(_, p)| p.name.clone()),
                    kind: access.kind.clone(),
                }
            })
        })
        .collect()
}

fn is_retired(permission: &PermissionRef, catalog: &Catalog) -> bool {
    catalog
        .resource_by_app_id(&permission.resource_app_id)
        .is_some_and(|r| r.retired.is_some())
}

fn check_retired(present: &[PermissionRef], catalog: &Catalog, findings: &mut Vec<Finding>) {
    let retired: Vec<PermissionRef> = present
        .iter()
        .filter(|p| is_retired(p, catalog))
        .cloned()
        .collect();
    let Some(first) = retired.first() else {
        return;
    };
    let why = catalog
        .resource_by_app_id(&first.resource_app_id)
        .and_then(|r| r.retired.clone())
        .unwrap_or_default();
    findings.push(Finding {
        code: Code::PermissionRetired,
        severity: Severity::Warning,
        title: format!(
            "retired {} permissions are still configured: {}",
            first.resource_name,
            names(&retired)
        ),
        why: format!("{why} These entries grant nothing and clutter consent."),
        fix: "remove them; Microsoft Graph has the equivalents".into(),
        portal: portal::PERMISSIONS,
        errand: None,
        remedy: Some(Remedy::RemovePermissions {
            permissions: retired,
        }),
    });
}

/// The delegated permissions the preset (and the chosen capabilities) need.
pub(crate) fn required(
    profile: &Profile,
    catalog: &Catalog,
    capabilities: &[String],
) -> Vec<PermissionRef> {
    // Names were checked when the audit was asked for; one the preset lacks adds nothing.
    let named: Vec<_> = capabilities
        .iter()
        .filter_map(|id| profile.capability(id))
        .collect();
    let mut wanted: Vec<PermissionRef> = Vec::new();
    for (resource, scope) in profile.delegated_scopes(&named) {
        let Ok((res, permission)) = catalog.permission(resource, scope, PermissionKind::Delegated)
        else {
            continue;
        };
        if !wanted.iter().any(|w| w.id == permission.id) {
            wanted.push(PermissionRef {
                resource_app_id: res.app_id.clone(),
                resource_name: res.display_name.clone(),
                id: permission.id.clone(),
                name: permission.name.clone(),
                kind: PermissionKind::Delegated.as_graph().into(),
            });
        }
    }
    wanted
}

fn check_missing(
    present: &[PermissionRef],
    profile: &Profile,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let (offline, others): (Vec<PermissionRef>, Vec<PermissionRef>) = spec
        .permissions
        .iter()
        .map(PermissionRef::planned)
        .filter(|w| {
            !present.iter().any(|p| {
                p.resource_app_id.eq_ignore_ascii_case(&w.resource_app_id)
                    && p.id.eq_ignore_ascii_case(&w.id)
            })
        })
        .partition(|w| w.name == OFFLINE_ACCESS);
    if !offline.is_empty() {
        findings.push(Finding {
            code: Code::OfflineAccessMissing,
            severity: Severity::Error,
            title: "offline_access is not configured".into(),
            why: format!(
                "without offline_access Entra issues no refresh token: {} loses access to mailboxes about an hour after each sign-in",
                profile.name
            ),
            fix: "add the delegated permission Microsoft Graph offline_access".into(),
            portal: portal::PERMISSIONS,
            errand: None,
            remedy: Some(Remedy::AddPermissions {
                permissions: offline,
            }),
        });
    }
    let others: Vec<PermissionRef> = others
        .into_iter()
        .filter(|w| application_twin(w, present).is_none())
        .collect();
    if !others.is_empty() {
        findings.push(Finding {
            code: Code::PermissionMissing,
            severity: Severity::Error,
            title: format!(
                "{} needs permissions the app does not list: {}",
                profile.name,
                names(&others)
            ),
            why: "admin consent covers only configured permissions, and platforms that ask for .default get only those: the missing ones fail at first use (403 from Graph)".into(),
            fix: format!("add the delegated permissions {}", names(&others)),
            portal: portal::PERMISSIONS,
            errand: None,
            remedy: Some(Remedy::AddPermissions { permissions: others }),
        });
    }
}

/// An application permission on a platform that signs users in and works with their delegated
/// tokens: app-only access to the whole tenant that the platform never uses, so consent to it
/// is never advised.
pub(super) fn unwanted_application(permission: &PermissionRef, profile: &Profile) -> bool {
    permission.kind == PermissionKind::Application.as_graph() && profile.signs_users_in()
}

fn check_admin_only(
    present: &[PermissionRef],
    profile: &Profile,
    catalog: &Catalog,
    context: &AuditContext,
    findings: &mut Vec<Finding>,
) {
    let admin_only: Vec<PermissionRef> = present
        .iter()
        .filter(|p| !is_retired(p, catalog) && !unwanted_application(p, profile))
        .filter(|p| {
            p.kind == PermissionKind::Application.as_graph()
                || catalog
                    .permission_by_id(&p.resource_app_id, &p.id)
                    .is_some_and(|(_, known)| known.admin_consent)
        })
        .cloned()
        .collect();
    if admin_only.is_empty() {
        return;
    }
    let (severity, fix, errand) = if context.wants.admin_consent {
        (
            Severity::Info,
            "admin consent is wanted: it covers them".to_string(),
            None,
        )
    } else {
        (
            Severity::Warning,
            "an administrator grants admin consent for the organisation, or remove them if the platform does not use them".to_string(),
            Some(Errand::AdminConsent),
        )
    };
    findings.push(Finding {
        code: Code::PermissionAdminConsent,
        severity,
        title: format!("only an administrator can consent to {}", names(&admin_only)),
        why: "users cannot consent to these themselves: sign-in stops at 'Need admin approval' (AADSTS65001 / AADSTS90094) until an administrator grants consent for the organisation".into(),
        fix,
        portal: portal::PERMISSIONS,
        errand,
        remedy: None,
    });
}

/// Application permissions a delegated platform does not use, other than those already named
/// as the wrong type of a permission it needs.
fn check_unwanted_application(
    present: &[PermissionRef],
    profile: &Profile,
    catalog: &Catalog,
    findings: &mut Vec<Finding>,
) {
    let every_capability: Vec<String> = profile.capabilities.iter().map(|c| c.id.clone()).collect();
    let needed = required(profile, catalog, &every_capability);
    let unwanted: Vec<PermissionRef> = present
        .iter()
        .filter(|p| !is_retired(p, catalog) && unwanted_application(p, profile))
        .filter(|p| {
            !needed
                .iter()
                .any(|w| application_twin(w, present) == Some(*p))
        })
        .cloned()
        .collect();
    if unwanted.is_empty() {
        return;
    }
    findings.push(Finding {
        code: Code::PermissionAdminConsent,
        severity: Severity::Warning,
        title: format!(
            "{} {} not used by {}",
            names(&unwanted),
            if unwanted.len() == 1 { "is" } else { "are" },
            profile.name
        ),
        why: format!(
            "{} signs users in with delegated permissions; an application permission, once an administrator consents, lets the app act on the whole tenant without a user",
            profile.name
        ),
        fix: "remove them in the portal unless a service of yours uses them; do not grant admin consent for them".into(),
        portal: portal::PERMISSIONS,
        remedy: None,
        errand: None,
    });
}

pub(crate) fn names(permissions: &[PermissionRef]) -> String {
    permissions
        .iter()
        .map(|p| {
            if p.kind == PermissionKind::Application.as_graph() {
                format!("{} (application)", p.name)
            } else {
                p.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
