//! Live checks of what the user typed, shown beside the fields and consulted before moving on.

use super::Model;
use crate::plan::{MAX_SECRET_MONTHS, add_months, validate_display_name, validate_redirect_uri};

impl Model {
    /// Why the app name would be refused, by the chosen audience's length rule.
    pub fn name_error(&self) -> Option<String> {
        validate_display_name(self.registration.name.value(), self.audience()).err()
    }

    /// Each extra redirect URI line with its problem, blank lines skipped.
    pub fn extra_uri_checks(&self) -> Vec<(String, Result<(), String>)> {
        self.redirects
            .extra_uris()
            .into_iter()
            .map(|uri| {
                let check = validate_redirect_uri(&uri, self.audience());
                (uri, check)
            })
            .collect()
    }

    /// The self-hosted server's redirect URI, when that option is on.
    pub fn self_hosted_redirect(&self) -> Option<Result<String, String>> {
        let redirects = &self.redirects;
        if !redirects.self_hosted {
            return None;
        }
        let base = redirects.self_hosted_url.value().trim();
        if base.is_empty() {
            return Some(Err(
                "enter the server's base URL (https://nango.example.com)".into(),
            ));
        }
        let uri = self.profile().self_hosted_redirect(base)?;
        Some(validate_redirect_uri(&uri, self.audience()).map(|()| uri))
    }

    /// What stops the user leaving the redirect step, if anything.
    pub fn redirect_error(&self) -> Option<String> {
        let profile = self.profile();
        let any_region = self.redirects.regions.iter().any(|on| *on);
        if !profile.regions.is_empty() && !any_region && !self.redirects.self_hosted {
            return Some(format!(
                "{} needs its redirect URI: tick a region",
                profile.name
            ));
        }
        if let Some(Err(why)) = self.self_hosted_redirect() {
            return Some(format!("self-hosted URL: {why}"));
        }
        let bad = self
            .extra_uri_checks()
            .into_iter()
            .find_map(|(uri, check)| check.err().map(|why| (uri, why)));
        bad.map(|(uri, why)| format!("{uri}: {why}"))
    }

    /// Why the chosen secret lifetime would be refused.
    pub fn secret_error(&self) -> Option<String> {
        if !self.secret.custom_date() {
            return None;
        }
        let date = match self.secret_date() {
            Ok(date) => date,
            Err(why) => return Some(why),
        };
        let latest = add_months(self.now, MAX_SECRET_MONTHS).date();
        if date <= self.now.date() {
            Some(format!("{date} is not in the future"))
        } else if date > latest {
            Some(format!(
                "at most {MAX_SECRET_MONTHS} months: the latest is {latest}"
            ))
        } else {
            None
        }
    }
}
