//! The guides' optional settings the user asked the app to have: optional claims, "Visible to
//! users?", branding and logo. Only what was asked for is judged: an app without a logo is not
//! wrong, one the user wants branded and is not, is.

use crate::doctor::context::AuditContext;
use crate::doctor::finding::{Code, Finding, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::plan::Spec;
use crate::plan::settings::{HIDE_APP_TAG, claims_of};

pub(super) fn check(
    app: &Application,
    context: &AuditContext,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let wanted = &spec.settings;
    let has = claims_of(app);
    let missing: Vec<String> = wanted
        .optional_claims
        .iter()
        .filter(|c| {
            !has.iter()
                .any(|h| h.token == c.token && h.name.eq_ignore_ascii_case(&c.name))
        })
        .map(ToString::to_string)
        .collect();
    if !missing.is_empty() {
        findings.push(Finding {
            code: Code::OptionalClaimMissing,
            severity: Severity::Warning,
            title: format!("the tokens lack the optional claims {}", missing.join(", ")),
            why: "the integration reads these claims from the ID token it gets at sign-in; without them it has to ask Graph, or sees nothing".into(),
            fix: format!("add {} under Token configuration", missing.join(", ")),
            portal: portal::TOKEN_CONFIGURATION,
            remedy: Some(Remedy::AddOptionalClaims { claims: missing }),
            errand: None,
        });
    }

    if wanted.hide_app
        && let Some(sp) = &context.service_principal
        && !sp.tags.iter().any(|t| t == HIDE_APP_TAG)
    {
        findings.push(Finding {
            code: Code::AppVisible,
            severity: Severity::Info,
            title: "the app is listed in users' My Apps".into(),
            why: "users see a tile for an app they never open themselves; it only signs in through the platform".into(),
            fix: "set \"Visible to users?\" to No".into(),
            portal: portal::VISIBILITY,
            remedy: Some(Remedy::HideApp),
            errand: None,
        });
    }

    let info = app.info.clone().unwrap_or_default();
    let homepage = app.web.as_ref().and_then(|w| w.home_page_url.clone());
    let differs = |want: &Option<String>, have: &Option<String>| {
        want.as_ref()
            .filter(|w| have.as_deref() != Some(w.as_str()))
            .cloned()
    };
    let branding = (
        differs(&wanted.homepage_url, &homepage),
        differs(&wanted.privacy_url, &info.privacy_statement_url),
        differs(&wanted.terms_url, &info.terms_of_service_url),
    );
    if branding != (None, None, None) {
        let named: Vec<&str> = [
            ("home page", &branding.0),
            ("privacy statement", &branding.1),
            ("terms of service", &branding.2),
        ]
        .iter()
        .filter(|(_, url)| url.is_some())
        .map(|(label, _)| *label)
        .collect();
        findings.push(Finding {
            code: Code::BrandingMismatch,
            severity: Severity::Info,
            title: if named.len() == 1 {
                format!("the {} URL is not the one asked for", named[0])
            } else {
                format!("the {} URLs are not the ones asked for", named.join(", "))
            },
            why: "the consent screen links these pages: users and administrators judge the app by them".into(),
            fix: "set them under Branding & properties".into(),
            portal: portal::BRANDING,
            remedy: Some(Remedy::SetBranding {
                homepage_url: branding.0,
                privacy_url: branding.1,
                terms_url: branding.2,
            }),
            errand: None,
        });
    }

    if wanted.logo.is_some() && info.logo_url.as_deref().is_none_or(str::is_empty) {
        findings.push(Finding {
            code: Code::LogoMissing,
            severity: Severity::Info,
            title: "the app has no logo".into(),
            why:
                "the consent screen and My Apps show a blank tile where users look for a known name"
                    .into(),
            fix: "upload the logo under Branding & properties".into(),
            portal: portal::BRANDING,
            remedy: Some(Remedy::UploadLogo),
            errand: None,
        });
    }
}
