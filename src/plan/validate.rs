//! Graph's rules for an app registration, per audience (see graph-api.md "Limits"). Each error
//! names the field and the rule, so the wizard can show it beside the field and the CLI can
//! print it as is.

use super::{MAX_SECRET_MONTHS, Plan, SecretLifetime};
use crate::audience::Audience;
use std::fmt;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

const FORBIDDEN_URI_CHARS: [char; 7] = ['!', '$', '\'', '(', ')', ',', ';'];
const MAX_REDIRECT_URI_CHARS: usize = 256;
const MAX_TAG_CHARS: usize = 256;

pub fn validate_display_name(name: &str, audience: Audience) -> Result<(), String> {
    let limit = audience.limits().display_name_chars;
    let chars = name.chars().count();
    if name.trim().is_empty() {
        Err("enter a name for the app".into())
    } else if name.chars().any(char::is_control) {
        Err("must not contain control characters".into())
    } else if chars > limit {
        Err(format!(
            "{chars} characters; at most {limit} for {}",
            audience_phrase(audience)
        ))
    } else {
        Ok(())
    }
}

pub fn validate_redirect_uri(uri: &str, audience: Audience) -> Result<(), String> {
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
            audience_phrase(audience)
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
            audience_phrase(audience)
        ));
    }
    Ok(())
}

pub fn validate_tag(tag: &str) -> Result<(), String> {
    let chars = tag.chars().count();
    if chars == 0 || chars > MAX_TAG_CHARS {
        Err(format!("tags are 1 to {MAX_TAG_CHARS} characters"))
    } else if tag.chars().any(char::is_whitespace) {
        Err("tags must not contain whitespace".into())
    } else {
        Ok(())
    }
}

fn audience_phrase(audience: Audience) -> &'static str {
    if audience.includes_personal_accounts() {
        "apps that allow personal Microsoft accounts"
    } else {
        "work and school account apps"
    }
}

impl Plan {
    /// Every rule the plan breaks, each naming its field; empty when Graph will accept it.
    pub fn validate(&self, now: OffsetDateTime) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        let mut err =
            |field: &'static str, message: String| errors.push(ValidationError { field, message });
        let limits = self.audience.limits();

        if let Err(m) = validate_display_name(&self.display_name, self.audience) {
            err("name", m);
        }
        if self.redirect_uris.len() > limits.redirect_uris {
            err(
                "redirect URIs",
                format!(
                    "{} given; at most {} for this audience",
                    self.redirect_uris.len(),
                    limits.redirect_uris
                ),
            );
        }
        for (i, uri) in self.redirect_uris.iter().enumerate() {
            if let Err(m) = validate_redirect_uri(uri, self.audience) {
                err("redirect URI", format!("'{uri}': {m}"));
            }
            if self.redirect_uris[..i].contains(uri) {
                err("redirect URI", format!("'{uri}' is listed twice"));
            }
        }
        if let Some(max) = limits.permissions_per_resource {
            for (resource_app_id, resource_name) in self.resources() {
                let count = self.permissions_of(resource_app_id).count();
                if count > max {
                    err(
                        "permissions",
                        format!(
                            "{count} on {resource_name}; at most {max} per resource with personal accounts"
                        ),
                    );
                }
            }
        }
        for tag in &self.tags {
            if let Err(m) = validate_tag(tag) {
                err("tags", format!("'{tag}': {m}"));
            }
        }
        match self.secret.lifetime {
            SecretLifetime::Months(m) if !(1..=MAX_SECRET_MONTHS).contains(&m) => err(
                "secret lifetime",
                format!("{m} months; choose 1 to {MAX_SECRET_MONTHS}"),
            ),
            SecretLifetime::Until(date) => {
                let latest = super::add_months(now, MAX_SECRET_MONTHS).date();
                if date <= now.date() {
                    err("secret expiry", format!("{date} is not in the future"));
                } else if date > latest {
                    err(
                        "secret expiry",
                        format!(
                            "{date} is more than {MAX_SECRET_MONTHS} months away (latest {latest})"
                        ),
                    );
                }
            }
            SecretLifetime::Months(_) => {}
        }
        if self.secret.description.chars().any(char::is_control) {
            err(
                "secret description",
                "must not contain control characters".into(),
            );
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSONAL: Audience = Audience::AzureADandPersonalMicrosoftAccount;
    const ORG: Audience = Audience::AzureADMultipleOrgs;

    #[test]
    fn display_name_limits_depend_on_the_audience() {
        let ninety_one = "a".repeat(91);
        assert!(validate_display_name(&ninety_one, ORG).is_ok());
        let err = validate_display_name(&ninety_one, PERSONAL).unwrap_err();
        assert!(err.contains("at most 90"), "{err}");
        assert!(validate_display_name(&"é".repeat(120), ORG).is_ok());
        assert!(validate_display_name(&"é".repeat(121), ORG).is_err());
        assert!(validate_display_name("   ", ORG).is_err());
        assert!(validate_display_name("a\u{7}b", ORG).is_err());
    }

    #[test]
    fn redirect_uri_table() {
        let cases: [(&str, Audience, bool); 16] = [
            (
                "https://api.us.nylas.com/v3/connect/callback",
                PERSONAL,
                true,
            ),
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
            assert_eq!(
                validate_redirect_uri(uri, audience).is_ok(),
                ok,
                "{uri} {audience}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(240));
        assert!(
            validate_redirect_uri(&long, ORG)
                .unwrap_err()
                .contains("at most 256")
        );
    }

    #[test]
    fn tags() {
        assert!(validate_tag("appreg").is_ok());
        assert!(validate_tag("").is_err());
        assert!(validate_tag("a b").is_err());
        assert!(validate_tag(&"t".repeat(257)).is_err());
    }
}
