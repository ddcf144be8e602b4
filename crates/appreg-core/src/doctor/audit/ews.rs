//! Exchange Web Services: an app whose permissions reach mailboxes through EWS stops syncing
//! when Exchange Online turns EWS off.

use super::permissions::{configured, names};
use crate::catalog::Catalog;
use crate::doctor::finding::{Code, Finding, PermissionRef, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::microsoft_dates::{EWS_OFF_FOR_ALL, ews_retirement, is_ews};
use crate::plan::Spec;

pub(super) fn check(
    app: &Application,
    catalog: &Catalog,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let ews: Vec<PermissionRef> = configured(app, catalog)
        .into_iter()
        .filter(|p| is_ews(&p.id) || is_ews(&p.name))
        .collect();
    if ews.is_empty() {
        return;
    }
    // Asked for (the user named the capability): say what it costs, but do not offer removal.
    let wanted = ews.iter().any(|p| {
        spec.permissions
            .iter()
            .any(|w| w.permission.id.eq_ignore_ascii_case(&p.id))
    });
    let (fix, remedy) = if wanted {
        (
            format!(
                "move mail access to Microsoft Graph scopes before {EWS_OFF_FOR_ALL}; until then each tenant that opted in must keep the app on its EWS allow list (EWSAllowedAppIDs)"
            ),
            None,
        )
    } else {
        (
            "move mail access to Microsoft Graph scopes (Nylas v3 uses only those), then remove these permissions; keep them only while a tenant that opted in to keep EWS still syncs over it".to_string(),
            Some(Remedy::RemovePermissions {
                permissions: ews.clone(),
            }),
        )
    };
    findings.push(Finding {
        code: Code::EwsRetiring,
        severity: Severity::Warning,
        title: format!("the app relies on Exchange Web Services: {}", names(&ews)),
        why: format!("{}.", ews_retirement()),
        fix,
        portal: portal::PERMISSIONS,
        errand: None,
        remedy,
    });
}
