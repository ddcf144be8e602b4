//! Live checks of what the user typed, shown beside the fields and consulted before moving on.

use super::Model;
use crate::plan::{MAX_SECRET_MONTHS, SecretLifetime, validate_display_name};
use crate::redirect;

impl Model {
    /// Why the app name would be refused, by the chosen audience's length rule.
    pub fn name_error(&self) -> Option<String> {
        validate_display_name(self.registration.name.value(), self.audience()).err()
    }

    /// Each extra redirect URI line with its problem, blank lines skipped: Graph's rules, and
    /// duplicates and near misses of the ticked URIs, the platform's and each other.
    pub fn extra_uri_checks(&self) -> Vec<(String, Result<(), String>)> {
        let profile = self.profile();
        let extra = self.redirects.extra_uris();
        // In the order the plan lists them: the self-hosted server's, the regions', the extra.
        let mut listed: Vec<String> = self
            .self_hosted_redirect()
            .and_then(Result::ok)
            .into_iter()
            .collect();
        listed.extend(
            profile
                .regions
                .iter()
                .zip(&self.redirects.regions)
                .filter(|(_, on)| **on)
                .map(|(r, _)| r.redirect_uri.clone()),
        );
        let ticked = listed.len();
        listed.extend(extra.iter().cloned());
        let checks =
            redirect::check_list(&listed, &profile.region_redirect_uris(), self.audience());
        extra
            .into_iter()
            .zip(checks.into_iter().skip(ticked))
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
        Some(redirect::validate(&uri, self.audience()).map(|()| uri))
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
        let latest = SecretLifetime::latest(self.now);
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
