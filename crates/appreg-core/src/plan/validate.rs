//! Graph's rules for an app registration, per audience (see graph-api.md "Limits"). Each error
//! names the field and the rule, so the wizard can show it beside the field and the CLI can
//! print it as is.

use super::Plan;
use crate::audience::Audience;
use crate::redirect;
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
            audience.apps_phrase()
        ))
    } else {
        Ok(())
    }
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

impl Plan {
    /// Every rule the plan breaks, each naming its field; empty when Graph will accept it.
    pub fn validate(&self, now: OffsetDateTime) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        let mut err =
            |field: &'static str, message: String| errors.push(ValidationError { field, message });
        let limits = self.spec.audience.limits();

        if let Err(m) = validate_display_name(&self.display_name, self.spec.audience) {
            err("name", m);
        }
        if self.spec.redirect_uris.len() > limits.redirect_uris {
            err(
                "redirect URIs",
                format!(
                    "{} given; at most {} for this audience",
                    self.spec.redirect_uris.len(),
                    limits.redirect_uris
                ),
            );
        }
        for (field, message) in self.spec.settings.problems() {
            err(field, message);
        }
        let checks = redirect::check_list(
            &self.spec.redirect_uris,
            &self.spec.platform_redirect_uris,
            self.spec.audience,
        );
        for (uri, check) in self.spec.redirect_uris.iter().zip(checks) {
            if let Err(m) = check {
                err("redirect URI", format!("'{uri}': {m}"));
            }
        }
        if let Some(max) = limits.permissions_per_resource {
            for (resource_app_id, resource_name) in self.spec.resources() {
                let count = self.spec.permissions_of(resource_app_id).count();
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
        if let Err(refused) = self.spec.secret.lifetime.check(now) {
            err(refused.field, refused.message);
        }
        if self.spec.secret.description.chars().any(char::is_control) {
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
    fn a_near_miss_or_a_duplicate_of_a_redirect_uri_is_refused() {
        let profile = crate::profile::find("nylas-v3").unwrap();
        let catalog = crate::catalog::Catalog::offline();
        let us = "https://api.us.nylas.com/v3/connect/callback";
        for (extra, expected) in [
            (format!("{us}/"), "compares redirect URIs exactly"),
            (
                us.replace("api.us.nylas.com", "API.US.NYLAS.COM"),
                "compares redirect URIs exactly",
            ),
            (us.to_string(), "listed twice"),
        ] {
            let choices = super::super::Choices {
                display_name: "Acme".into(),
                regions: vec!["us".into()],
                extra_redirect_uris: vec![extra.clone()],
                ..Default::default()
            };
            let (plan, _) = super::super::from_profile(&profile, &catalog, &choices).unwrap();
            let errors = plan.validate(OffsetDateTime::now_utc());
            assert!(
                errors
                    .iter()
                    .any(|e| e.field == "redirect URI" && e.message.contains(expected)),
                "{extra}: {errors:?}"
            );
        }
    }

    #[test]
    fn tags() {
        assert!(validate_tag("appreg").is_ok());
        assert!(validate_tag("").is_err());
        assert!(validate_tag("a b").is_err());
        assert!(validate_tag(&"t".repeat(257)).is_err());
    }
}
