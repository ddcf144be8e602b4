//! Supported account types and the access-token version they imply.

use crate::audience::Audience;
use crate::doctor::finding::{Code, Finding, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::profile::Profile;

/// Reports audience problems and returns the audience the app has once fixed.
pub(super) fn check(app: &Application, profile: &Profile, findings: &mut Vec<Finding>) -> Audience {
    let raw = app.sign_in_audience.as_deref().unwrap_or("not set");
    let current = raw.parse::<Audience>().ok();
    let target = match current {
        Some(audience) if profile.allowed_audiences.contains(&audience) => audience,
        _ => {
            findings.push(mismatch(raw, current, profile));
            profile.audience
        }
    };
    let recommended = profile.audience;
    if target == Audience::AzureADMyOrg && recommended != Audience::AzureADMyOrg {
        findings.push(Finding {
            code: Code::AudienceSingleTenant,
            severity: Severity::Warning,
            title: "the app is single-tenant: only your own organisation can sign in".into(),
            why: format!(
                "{} signs users in through the 'common' endpoint by default, where a single-tenant app fails with AADSTS50194 (not configured as a multi-tenant application); it works only when the platform is set up with your tenant id",
                profile.name
            ),
            fix: format!(
                "keep it for internal use with the tenant id configured on the platform, or set Supported account types to \"{}\"",
                recommended.portal_label()
            ),
            portal: portal::AUDIENCE,
            errand: None,
            remedy: None,
        });
    } else if recommended.includes_personal_accounts() && !target.includes_personal_accounts() {
        findings.push(Finding {
            code: Code::AudienceNoPersonalAccounts,
            severity: Severity::Warning,
            title: "personal Microsoft accounts cannot sign in".into(),
            why: format!(
                "{} recommends \"{}\": outlook.com and hotmail.com users are refused (AADSTS50020)",
                profile.name,
                recommended.portal_label()
            ),
            fix: format!(
                "set Supported account types to \"{}\" if personal mailboxes should connect",
                recommended.portal_label()
            ),
            portal: portal::AUDIENCE,
            errand: None,
            remedy: None,
        });
    }
    check_token_version(app, target, findings);
    target
}

fn mismatch(raw: &str, current: Option<Audience>, profile: &Profile) -> Finding {
    let shown = current.map_or(raw, |a| a.portal_label());
    let needed = profile.audience;
    let why = if needed.includes_personal_accounts() {
        format!(
            "{} connects personal and work mailboxes through the 'common' endpoint: personal accounts are refused (AADSTS50020) and a single-tenant app fails there with AADSTS50194",
            profile.name
        )
    } else {
        format!(
            "{} works with {}; users outside what this app allows are refused at sign-in",
            profile.name,
            allowed(profile)
        )
    };
    Finding {
        code: Code::AudienceMismatch,
        severity: Severity::Error,
        title: format!(
            "supported account types are \"{shown}\", which {} does not support",
            profile.name
        ),
        why,
        fix: format!(
            "set Supported account types to \"{}\"",
            needed.portal_label()
        ),
        portal: portal::AUDIENCE,
        errand: None,
        remedy: Some(Remedy::SetAudience { audience: needed }),
    }
}

fn allowed(profile: &Profile) -> String {
    profile
        .allowed_audiences
        .iter()
        .map(|a| a.as_graph())
        .collect::<Vec<_>>()
        .join(" or ")
}

fn check_token_version(app: &Application, target: Audience, findings: &mut Vec<Finding>) {
    let version = app
        .api
        .as_ref()
        .and_then(|api| api.requested_access_token_version);
    if !target.includes_personal_accounts() || version == Some(2) {
        return;
    }
    let shown = version.map_or("not set (v1)".to_string(), |v| v.to_string());
    findings.push(Finding {
        code: Code::TokenVersion,
        severity: Severity::Error,
        title: format!("requestedAccessTokenVersion is {shown}; personal accounts need 2"),
        why: "apps that allow personal Microsoft accounts must ask for v2 access tokens: Graph refuses the account type without it, and personal-account sign-ins fail".into(),
        fix: "set api.requestedAccessTokenVersion to 2 in the manifest".into(),
        portal: crate::doctor::finding::portal::TOKEN_VERSION,
        errand: None,
        remedy: Some(Remedy::SetTokenVersion2),
    });
}
