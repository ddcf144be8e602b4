//! The checks Entra ID applies to an application object on write, with the
//! limits that depend on the sign-in audience (personal Microsoft accounts
//! are stricter).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::errors::GraphError;

const AUDIENCES: [&str; 4] = [
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];
const RESOURCE: &str = "Application";
/// Characters Entra ID refuses anywhere in a redirect URI.
const FORBIDDEN_URI_CHARS: [char; 7] = ['!', '$', '\'', '(', ')', ',', ';'];
/// The links shown to users: `info`'s writable URLs and the web home page.
const PROFILE_URLS: [(&str, &str); 5] = [
    ("info", "marketingUrl"),
    ("info", "privacyStatementUrl"),
    ("info", "supportUrl"),
    ("info", "termsOfServiceUrl"),
    ("web", "homePageUrl"),
];
/// Longest profile link ("Configure terms of service and privacy statement for an app").
const PROFILE_URL_MAX: usize = 2048;

/// Limits that depend on whether personal Microsoft accounts may sign in.
struct Limits {
    display_name: usize,
    redirect_uris: usize,
    permissions_per_resource: Option<usize>,
}

const WORK_LIMITS: Limits = Limits {
    display_name: 120,
    redirect_uris: 256,
    permissions_per_resource: None,
};
const PERSONAL_LIMITS: Limits = Limits {
    display_name: 90,
    redirect_uris: 100,
    permissions_per_resource: Some(30),
};

/// Most client secrets an app with a personal-account audience may hold.
pub(crate) const PERSONAL_MAX_PASSWORDS: usize = 2;

pub(crate) fn is_personal(doc: &Map<String, Value>) -> bool {
    matches!(
        doc.get("signInAudience").and_then(Value::as_str),
        Some("AzureADandPersonalMicrosoftAccount" | "PersonalMicrosoftAccount")
    )
}

/// Permission ids a resource application exposes.
#[derive(Debug, Default)]
pub(crate) struct Exposed {
    pub scopes: HashSet<String>,
    pub roles: HashSet<String>,
}

/// Refuse properties the entity type does not declare, at any depth where the
/// template has a nested object (`web.implicitGrantSettings.foo`).
pub(crate) fn check_declared(
    body: &Map<String, Value>,
    template: &Map<String, Value>,
) -> Result<(), GraphError> {
    for (key, value) in body {
        if key.starts_with("@odata.") {
            continue;
        }
        match template.get(key) {
            None => return Err(GraphError::undeclared(key)),
            Some(Value::Object(inner)) => {
                if let Value::Object(given) = value {
                    check_declared(given, inner)?;
                }
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Validate a whole application document (after the write is merged in).
/// `exposed` looks up a resource application's permissions by appId; `None`
/// means the resource is not known here and its ids cannot be checked.
pub(crate) fn application(
    doc: &Map<String, Value>,
    exposed: &dyn Fn(&str) -> Option<Exposed>,
) -> Result<(), GraphError> {
    let audience = doc
        .get("signInAudience")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !AUDIENCES.contains(&audience) {
        return Err(GraphError::invalid_value(
            "signInAudience",
            RESOURCE,
            "InvalidValue",
        ));
    }
    let personal = is_personal(doc);
    let limits = if personal {
        &PERSONAL_LIMITS
    } else {
        &WORK_LIMITS
    };

    match doc
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::trim)
    {
        None | Some("") => {
            return Err(GraphError::bad_request(
                "Property 'displayName' is required and cannot be null or empty.",
            )
            .with_detail(
                "NullOrEmpty",
                "displayName is required.",
                Some("displayName"),
            ));
        }
        Some(name) if name.chars().count() > limits.display_name => {
            return Err(GraphError::invalid_value(
                "displayName",
                RESOURCE,
                "MaxLengthExceeded",
            ));
        }
        Some(_) => {}
    }

    let token_version = doc
        .get("api")
        .and_then(|a| a.get("requestedAccessTokenVersion"))
        .and_then(Value::as_i64);
    if personal && token_version != Some(2) {
        return Err(GraphError::bad_request(
            "Property api.requestedAccessTokenVersion is invalid.",
        ));
    }

    redirect_uris(doc, personal, limits)?;
    profile_urls(doc)?;
    tags(doc, RESOURCE)?;
    required_resource_access(doc, limits, exposed)
}

fn string_list<'a>(
    doc: &'a Map<String, Value>,
    object: &str,
    property: &str,
) -> Result<Vec<&'a str>, GraphError> {
    let target = format!("{object}.{property}");
    match doc.get(object).and_then(|o| o.get(property)) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| GraphError::invalid_value(&target, RESOURCE, "InvalidValue"))
            })
            .collect(),
        Some(_) => Err(GraphError::invalid_value(&target, RESOURCE, "InvalidValue")),
    }
}

fn redirect_uris(
    doc: &Map<String, Value>,
    personal: bool,
    limits: &Limits,
) -> Result<(), GraphError> {
    let mut total = 0;
    for platform in ["web", "spa", "publicClient"] {
        let target = format!("{platform}.redirectUris");
        let uris = string_list(doc, platform, "redirectUris")?;
        total += uris.len();
        if total > limits.redirect_uris {
            return Err(GraphError::invalid_value(&target, RESOURCE, "TooManyItems"));
        }
        for uri in uris {
            // Native clients may use custom schemes (msal{id}://auth).
            let web_like = platform != "publicClient";
            if let Err(code) = check_redirect_uri(uri, personal, web_like) {
                return Err(GraphError::invalid_value(&target, RESOURCE, code));
            }
        }
    }
    Ok(())
}

/// The detail code for the first rule `uri` breaks.
fn check_redirect_uri(uri: &str, personal: bool, web_like: bool) -> Result<(), &'static str> {
    if uri.len() > 256 {
        return Err("MaxLengthExceeded");
    }
    if uri.contains(FORBIDDEN_URI_CHARS) {
        return Err("InvalidCharacters");
    }
    if personal && uri.contains('*') {
        return Err("WildcardNotAllowed");
    }
    let parsed = url::Url::parse(&uri.replace('*', "wildcard")).map_err(|_| "InvalidUri")?;
    if personal && parsed.query().is_some() {
        return Err("QueryStringNotAllowed");
    }
    if web_like {
        let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1"));
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err("HttpsRequired"),
        }
    }
    Ok(())
}

/// Null or an absolute http(s) URL: "valid URL", "HTTP and HTTPS", at most 2048 characters,
/// as "Configure terms of service and privacy statement for an app" formats these links.
fn profile_urls(doc: &Map<String, Value>) -> Result<(), GraphError> {
    for (object, property) in PROFILE_URLS {
        let code = match doc.get(object).and_then(|o| o.get(property)) {
            None | Some(Value::Null) => continue,
            Some(Value::String(url)) => match check_profile_url(url) {
                Ok(()) => continue,
                Err(code) => code,
            },
            Some(_) => "InvalidValue",
        };
        return Err(GraphError::invalid_value(
            &format!("{object}.{property}"),
            RESOURCE,
            code,
        ));
    }
    Ok(())
}

fn check_profile_url(url: &str) -> Result<(), &'static str> {
    if url.chars().count() > PROFILE_URL_MAX {
        return Err("MaxLengthExceeded");
    }
    let parsed = url::Url::parse(url).map_err(|_| "InvalidUri")?;
    if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() {
        Ok(())
    } else {
        Err("InvalidUri")
    }
}

/// Tags of an application or a service principal (`resource`): 1–256 characters, no
/// whitespace.
pub(crate) fn tags(doc: &Map<String, Value>, resource: &str) -> Result<(), GraphError> {
    let valid = match doc.get("tags") {
        None | Some(Value::Null) => true,
        Some(Value::Array(tags)) => tags.iter().all(|tag| {
            tag.as_str().is_some_and(|t| {
                (1..=256).contains(&t.chars().count()) && !t.contains(char::is_whitespace)
            })
        }),
        Some(_) => false,
    };
    if valid {
        Ok(())
    } else {
        Err(GraphError::invalid_value("tags", resource, "InvalidValue"))
    }
}

fn required_resource_access(
    doc: &Map<String, Value>,
    limits: &Limits,
    exposed: &dyn Fn(&str) -> Option<Exposed>,
) -> Result<(), GraphError> {
    let Some(resources) = doc.get("requiredResourceAccess").and_then(Value::as_array) else {
        return Ok(());
    };
    let invalid = |code| GraphError::invalid_value("requiredResourceAccess", RESOURCE, code);
    for resource in resources {
        let app_id = resource
            .get("resourceAppId")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("InvalidValue"))?;
        let access = resource
            .get("resourceAccess")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("InvalidValue"))?;
        if limits
            .permissions_per_resource
            .is_some_and(|max| access.len() > max)
        {
            return Err(invalid("TooManyItems"));
        }
        let known = exposed(app_id);
        for entry in access {
            let id = entry
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("InvalidValue"))?;
            let kind = entry
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let found = match (&known, kind) {
                (_, k) if k != "Scope" && k != "Role" => false,
                (None, _) => true,
                (Some(known), "Scope") => known.scopes.contains(&id.to_ascii_lowercase()),
                (Some(known), _) => known.roles.contains(&id.to_ascii_lowercase()),
            };
            if !found {
                return Err(GraphError::bad_request(format!(
                    "Invalid value specified for property 'resourceAccess' of resource 'Application'. Permission '{id}' of type '{kind}' is not exposed by resource application '{app_id}'."
                ))
                .with_detail("InvalidValue", format!("Unknown permission '{id}'."), Some("requiredResourceAccess")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_rules() {
        assert_eq!(
            check_redirect_uri("https://api.nylas.com/oauth/callback", true, true),
            Ok(())
        );
        assert_eq!(
            check_redirect_uri("http://localhost:3000/cb", true, true),
            Ok(())
        );
        assert_eq!(
            check_redirect_uri("http://127.0.0.1/cb", true, true),
            Ok(())
        );
        assert_eq!(
            check_redirect_uri("http://example.com/cb", false, true),
            Err("HttpsRequired")
        );
        assert_eq!(
            check_redirect_uri("https://example.com/a;b", false, true),
            Err("InvalidCharacters")
        );
        assert_eq!(
            check_redirect_uri("https://*.example.com/cb", true, true),
            Err("WildcardNotAllowed")
        );
        assert_eq!(
            check_redirect_uri("https://*.example.com/cb", false, true),
            Ok(())
        );
        assert_eq!(
            check_redirect_uri("https://example.com/cb?x=1", true, true),
            Err("QueryStringNotAllowed")
        );
        assert_eq!(check_redirect_uri("msal123://auth", false, false), Ok(()));
        let long = format!("https://example.com/{}", "a".repeat(240));
        assert_eq!(
            check_redirect_uri(&long, false, true),
            Err("MaxLengthExceeded")
        );
    }

    #[test]
    fn profile_url_rules() {
        assert_eq!(check_profile_url("https://contoso.com/terms"), Ok(()));
        assert_eq!(check_profile_url("http://contoso.com/privacy"), Ok(()));
        assert_eq!(check_profile_url("contoso.com/terms"), Err("InvalidUri"));
        assert_eq!(check_profile_url("/terms"), Err("InvalidUri"));
        assert_eq!(
            check_profile_url("mailto:help@contoso.com"),
            Err("InvalidUri")
        );
        assert_eq!(
            check_profile_url("ftp://contoso.com/terms"),
            Err("InvalidUri")
        );
        let longest = format!("https://contoso.com/{}", "a".repeat(PROFILE_URL_MAX - 20));
        assert_eq!(check_profile_url(&longest), Ok(()));
        assert_eq!(
            check_profile_url(&format!("{longest}a")),
            Err("MaxLengthExceeded")
        );
    }
}
