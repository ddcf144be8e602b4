//! The Authentication blade: Web redirect URIs (missing, near misses, extra, on the wrong
//! platform), implicit grant, and public client flows.

use crate::doctor::finding::{Code, Finding, Platform, Remedy, Severity, portal};
use crate::graph::models::Application;
use crate::plan::Spec;
use crate::profile::Profile;
use crate::redirect;

/// The URIs the platform needs (`required`) and those it could use (`optional`).
struct Expected {
    required: Vec<String>,
    optional: Vec<String>,
    /// Every URI the platform knows, so that others count as extra.
    known: Vec<String>,
}

pub(super) fn check(
    app: &Application,
    profile: &Profile,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let web = platform_uris(app, Platform::Web);
    let expected = expected(app, spec);
    let wanted = expected
        .required
        .iter()
        .map(|u| (u, Severity::Error))
        .chain(expected.optional.iter().map(|u| (u, Severity::Warning)));
    for (uri, severity) in wanted {
        if web.contains(uri) {
            continue;
        }
        let elsewhere = [Platform::Spa, Platform::PublicClient]
            .into_iter()
            .find(|p| platform_uris(app, *p).contains(uri));
        findings.push(match elsewhere {
            Some(platform) => wrong_platform(uri, platform, profile),
            None => missing(uri, severity, profile, redirect::near_miss(uri, &web)),
        });
    }
    for platform in [Platform::Web, Platform::Spa, Platform::PublicClient] {
        for uri in platform_uris(app, platform) {
            if !expected.known.contains(&uri) {
                findings.push(extra(uri, platform, profile));
            }
        }
    }
    check_implicit_grant(app, profile, spec, findings);
    check_public_client_flows(app, profile, findings);
}

pub(crate) fn platform_uris(app: &Application, platform: Platform) -> Vec<String> {
    match platform {
        Platform::Web => app.web.as_ref().map(|w| w.redirect_uris.clone()),
        Platform::Spa => app.spa.as_ref().map(|s| s.redirect_uris.clone()),
        Platform::PublicClient => app.public_client.as_ref().map(|p| p.redirect_uris.clone()),
    }
    .unwrap_or_default()
}

/// What the spec requires and suggests, where a suggested URI the app already has on another
/// platform is required: it is in use, and on the wrong platform it fails.
fn expected(app: &Application, spec: &Spec) -> Expected {
    let registered: Vec<String> = [Platform::Spa, Platform::PublicClient]
        .into_iter()
        .flat_map(|p| platform_uris(app, p))
        .collect();
    let (in_use, optional): (Vec<String>, Vec<String>) = spec
        .optional_redirect_uris
        .iter()
        .cloned()
        .partition(|uri| registered.contains(uri));
    let mut required: Vec<String> = spec
        .redirect_uris
        .iter()
        .map(|u| u.trim().to_string())
        .chain(in_use)
        .collect();
    required.dedup();
    let known = spec
        .platform_redirect_uris
        .iter()
        .cloned()
        .chain(required.iter().cloned())
        .chain(optional.iter().cloned())
        .collect();
    Expected {
        required,
        optional,
        known,
    }
}

fn missing(uri: &str, severity: Severity, profile: &Profile, near_miss: Option<&str>) -> Finding {
    let region = profile
        .regions
        .iter()
        .find(|r| r.redirect_uri == uri)
        .map(|r| format!(" ({})", r.label))
        .unwrap_or_default();
    let why = if severity == Severity::Error {
        format!(
            "{} sends users back to it after sign-in: Entra refuses with AADSTS50011 (the redirect URI does not match)",
            profile.name
        )
    } else {
        format!(
            "projects of {} in that region send users back to it; without it their sign-ins fail with AADSTS50011",
            profile.name
        )
    };
    let (why, fix) = match near_miss {
        Some(typo) => (
            format!(
                "{why}; {typo} is registered instead, and Entra compares redirect URIs exactly"
            ),
            format!(
                "add {uri} under Web, then remove {typo} unless something else uses it (its own finding)"
            ),
        ),
        None => (why, format!("add {uri} under Web")),
    };
    Finding {
        code: Code::RedirectUriMissing,
        severity,
        title: format!("Web redirect URI {uri}{region} is missing"),
        why,
        fix,
        portal: portal::WEB,
        errand: None,
        remedy: Some(Remedy::AddWebRedirectUris {
            uris: vec![uri.to_string()],
        }),
    }
}

fn wrong_platform(uri: &str, platform: Platform, profile: &Profile) -> Finding {
    Finding {
        code: Code::RedirectUriWrongPlatform,
        severity: Severity::Error,
        title: format!(
            "{uri} is registered as {} instead of Web",
            platform.portal_name()
        ),
        why: wrong_platform_why(platform, profile),
        fix: format!(
            "move it from {} to Web (the address stays registered)",
            platform.portal_name()
        ),
        portal: portal_of(platform),
        errand: None,
        remedy: Some(Remedy::MoveToWeb {
            uri: uri.to_string(),
            from: platform,
        }),
    }
}

/// Entra's answer when a server redeems, with its secret, a code issued to a URI of another
/// platform. AADSTS9002326 is the opposite case (a browser redeeming a Web URI's code), so it
/// never applies here.
fn wrong_platform_why(platform: Platform, profile: &Profile) -> String {
    let server = format!(
        "{} redeems the code on its server with the client secret",
        profile.name
    );
    match platform {
        Platform::Spa => format!(
            "{server}: for a Single-page application URI Entra refuses that with AADSTS9002327 (tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests)"
        ),
        Platform::Web | Platform::PublicClient => format!(
            "{server}: a {} URI is for apps without a secret, and with no Web URI to match Entra refuses the sign-in with AADSTS50011",
            platform.portal_name()
        ),
    }
}

fn extra(uri: String, platform: Platform, profile: &Profile) -> Finding {
    Finding {
        code: Code::RedirectUriExtra,
        severity: Severity::Info,
        title: format!(
            "{} redirect URI {uri} is not one of {}'s",
            platform.portal_name(),
            profile.name
        ),
        why: "fine if your own code signs in through it (custom auth); otherwise every registered URI is one more place a code can be sent".into(),
        fix: "keep it if you use it; otherwise remove it".into(),
        portal: portal_of(platform),
        errand: None,
        remedy: Some(Remedy::RemoveRedirectUri { uri, platform }),
    }
}

fn portal_of(platform: Platform) -> &'static str {
    match platform {
        Platform::Web => portal::WEB,
        Platform::Spa => portal::SPA,
        Platform::PublicClient => portal::PUBLIC_CLIENT,
    }
}

fn check_implicit_grant(
    app: &Application,
    profile: &Profile,
    spec: &Spec,
    findings: &mut Vec<Finding>,
) {
    let wanted = spec.implicit_grant;
    let settings = app
        .web
        .as_ref()
        .and_then(|w| w.implicit_grant_settings)
        .unwrap_or_default();
    let access = settings.enable_access_token_issuance.unwrap_or(false);
    let id = settings.enable_id_token_issuance.unwrap_or(false);
    // The token types named where the flag is set: (access tokens, ID tokens).
    let named = |access_tokens: bool, id_tokens: bool| -> Vec<&str> {
        [(access_tokens, "access tokens"), (id_tokens, "ID tokens")]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect()
    };
    let missing = named(wanted.access_tokens && !access, wanted.id_tokens && !id);
    let unneeded = named(access && !wanted.access_tokens, id && !wanted.id_tokens);
    if !unneeded.is_empty() {
        findings.push(Finding {
            code: Code::ImplicitGrantUnneeded,
            severity: Severity::Warning,
            title: format!("implicit grant is on for {}", unneeded.join(" and ")),
            why: format!(
                "{} signs in with the authorization code flow and never uses it, while the implicit grant hands tokens to any page that can reach a redirect URI, in the address bar",
                profile.name
            ),
            fix: format!(
                "untick {} under Implicit grant and hybrid flows unless a page of yours uses it",
                unneeded.join(" and ")
            ),
            portal: portal::IMPLICIT,
            errand: None,
            remedy: Some(Remedy::DisableImplicitGrant {
                access_tokens: access && wanted.access_tokens,
                id_tokens: id && wanted.id_tokens,
            }),
        });
    }
    if missing.is_empty() {
        return;
    }
    findings.push(Finding {
        code: Code::ImplicitGrantOff,
        severity: Severity::Error,
        title: format!("implicit grant is off for {}", missing.join(" and ")),
        why: format!(
            "{} asks Entra for tokens through the implicit grant: without it sign-in fails with AADSTS700054 (response_type is not enabled for the application)",
            profile.name
        ),
        fix: format!(
            "tick {} under Implicit grant and hybrid flows",
            missing.join(" and ")
        ),
        portal: portal::IMPLICIT,
        errand: None,
        remedy: Some(Remedy::EnableImplicitGrant {
            access_tokens: access || wanted.access_tokens,
            id_tokens: id || wanted.id_tokens,
        }),
    });
}

/// "Allow public client flows" lets anyone holding the client id sign users in without the
/// secret (device code, ROPC); a platform that redeems codes with its secret never needs it.
fn check_public_client_flows(app: &Application, profile: &Profile, findings: &mut Vec<Finding>) {
    // A preset without redirect URIs of its own (Custom) may describe a desktop app.
    if app.is_fallback_public_client != Some(true) || !profile.signs_users_in() {
        return;
    }
    findings.push(Finding {
        code: Code::PublicClientFlows,
        severity: Severity::Warning,
        title: "public client flows are allowed".into(),
        why: format!(
            "{} signs in with a Web redirect URI and the client secret and needs none; with it on, anyone who has the client id can get tokens for the app's permissions through device code or password sign-ins, without the secret",
            profile.name
        ),
        fix: "set \"Allow public client flows\" to No".into(),
        portal: portal::PUBLIC_CLIENT_FLOWS,
        errand: None,
        remedy: Some(Remedy::DisablePublicClientFlows),
    });
}
