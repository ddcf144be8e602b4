//! The rules for redirect URIs, in one place for plan validation, the wizard and doctor: what
//! Graph accepts for one URI, and the mistakes Entra's exact comparison turns into failed
//! sign-ins (a URI listed twice, a near miss of the platform's own).

use crate::audience::Audience;

const FORBIDDEN_URI_CHARS: [char; 7] = ['!', '$', '\'', '(', ')', ',', ';'];
const MAX_REDIRECT_URI_CHARS: usize = 256;

/// Graph's rules for one Web redirect URI under `audience`.
pub fn validate(uri: &str, audience: Audience) -> Result<(), String> {
    let chars = uri.chars().count();
    if chars > MAX_REDIRECT_URI_CHARS {
        return Err(format!(
            "{chars} characters; at most {MAX_REDIRECT_URI_CHARS}"
        ));
    }
    if let Some(c) = uri.chars().find(|c| FORBIDDEN_URI_CHARS.contains(c)) {
        return Err(format!(
            "must not contain '{c}' (! $ ' ( ) , ; are not allowed)"
        ));
    }
    if uri.chars().any(char::is_whitespace) {
        return Err("must not contain spaces".into());
    }
    let personal = !audience.limits().wildcards_and_queries_allowed;
    if personal && uri.contains('*') {
        return Err(format!(
            "wildcards are not allowed for {}",
            audience.apps_phrase()
        ));
    }
    let parsed = url::Url::parse(&uri.replace('*', "wildcard"))
        .map_err(|e| format!("not an absolute URI ({e})"))?;
    let host = parsed.host_str().unwrap_or("");
    match parsed.scheme() {
        "https" => {}
        "http" if host == "localhost" || host == "127.0.0.1" => {}
        "http" => {
            return Err("must use https (http is allowed only for localhost and 127.0.0.1)".into());
        }
        other => {
            return Err(format!(
                "scheme '{other}' is not allowed for a Web redirect URI; use https"
            ));
        }
    }
    if host.is_empty() {
        return Err("needs a host".into());
    }
    if parsed.fragment().is_some() {
        return Err("must not contain a fragment (#…)".into());
    }
    if personal && parsed.query().is_some() {
        return Err(format!(
            "query strings are not allowed for {}",
            audience.apps_phrase()
        ));
    }
    Ok(())
}

/// What is left of a URI once letter case, a trailing slash and http/https are ignored: two
/// URIs that differ only there look the same to people but not to Entra.
fn canonical(uri: &str) -> String {
    let uri = uri.trim().trim_end_matches('/').to_ascii_lowercase();
    uri.strip_prefix("http://")
        .map_or_else(|| uri.clone(), |rest| format!("https://{rest}"))
}

/// A URI of `among` that differs from `uri` only where Entra's exact comparison still tells
/// them apart (letter case, a trailing slash, the scheme): the usual typo.
pub fn near_miss<'a>(uri: &str, among: &'a [String]) -> Option<&'a str> {
    let target = canonical(uri);
    among
        .iter()
        .find(|other| other.as_str() != uri && canonical(other) == target)
        .map(String::as_str)
}

/// Each URI of a list with its problem: one of Graph's rules, a second listing, a near miss of
/// one of the platform's own URIs (`platform`), or of a URI listed before it.
pub fn check_list(
    uris: &[String],
    platform: &[String],
    audience: Audience,
) -> Vec<Result<(), String>> {
    uris.iter()
        .enumerate()
        .map(|(i, uri)| {
            validate(uri, audience)?;
            let before = &uris[..i];
            if before.contains(uri) {
                return Err("listed twice".into());
            }
            if let Some(meant) = near_miss(uri, platform) {
                return Err(format!(
                    "the platform's URI is {meant}: Entra compares redirect URIs exactly (letter case, trailing slash, http/https), so sign-ins through this one fail with AADSTS50011"
                ));
            }
            if let Some(twin) = near_miss(uri, before) {
                return Err(format!(
                    "the same as {twin} but for letter case, a trailing slash or http/https: keep the one the platform sends"
                ));
            }
            Ok(())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSONAL: Audience = Audience::AzureADandPersonalMicrosoftAccount;
    const ORG: Audience = Audience::AzureADMultipleOrgs;
    const US: &str = "https://api.us.nylas.com/v3/connect/callback";

    #[test]
    fn one_uri_table() {
        let cases: [(&str, Audience, bool); 16] = [
            (US, PERSONAL, true),
            ("http://localhost:8080/callback", PERSONAL, true),
            ("http://127.0.0.1/cb", PERSONAL, true),
            ("http://example.com/cb", ORG, false),
            ("ftp://example.com/cb", ORG, false),
            ("example.com/cb", ORG, false),
            ("https://example.com/cb?x=1", ORG, true),
            ("https://example.com/cb?x=1", PERSONAL, false),
            ("https://*.example.com/cb", ORG, true),
            ("https://*.example.com/cb", PERSONAL, false),
            ("https://example.com/a(b)", ORG, false),
            ("https://example.com/a;b", ORG, false),
            ("https://example.com/a b", ORG, false),
            ("https://example.com/cb#frag", ORG, false),
            ("https://", ORG, false),
            ("", ORG, false),
        ];
        for (uri, audience, ok) in cases {
            assert_eq!(validate(uri, audience).is_ok(), ok, "{uri} {audience}");
        }
        let long = format!("https://example.com/{}", "a".repeat(240));
        assert!(validate(&long, ORG).unwrap_err().contains("at most 256"));
    }

    #[test]
    fn duplicates_and_near_misses_of_the_platform_uri_are_refused() {
        let platform = [US.to_string()];
        let uris: Vec<String> = [
            US,
            US,
            "https://api.us.nylas.com/v3/connect/callback/",
            "https://API.US.NYLAS.COM/v3/connect/callback",
            "https://example.com/cb",
            "https://example.com/cb/",
        ]
        .map(String::from)
        .to_vec();
        let checks = check_list(&uris, &platform, PERSONAL);
        assert_eq!(checks[0], Ok(()));
        assert_eq!(checks[1], Err("listed twice".into()));
        for near in &checks[2..4] {
            assert!(near.as_ref().unwrap_err().contains(US), "{near:?}");
        }
        assert_eq!(checks[4], Ok(()));
        assert!(
            checks[5]
                .as_ref()
                .unwrap_err()
                .contains("https://example.com/cb")
        );
    }
}
