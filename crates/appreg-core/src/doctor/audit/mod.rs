//! The audit: an existing app registration measured against a platform preset. Pure: the
//! directory's state comes in through [`AuditContext`], the time through `now`.

mod audience;
mod consent;
mod credentials;
mod ews;
mod permissions;
mod redirects;
mod settings;

#[cfg(any(test, feature = "test-support"))]
pub(crate) mod tests;

use super::context::AuditContext;
use super::finding::Finding;
use crate::audience::Audience;
use crate::catalog::Catalog;
use crate::graph::models::Application;
use crate::plan::{PlanError, Spec};
use crate::profile::Profile;
use time::OffsetDateTime;

pub(crate) use redirects::platform_uris;

/// Every finding, errors first, in a stable order: the app measured against the [`Spec`] its
/// preset and the user's wants make, by the rules `create` registers by. Fails only when the
/// wants do not fit the preset (checked where they are given).
pub fn audit(
    app: &Application,
    context: &AuditContext,
    profile: &Profile,
    catalog: &Catalog,
    now: OffsetDateTime,
) -> Result<Vec<Finding>, PlanError> {
    let (spec, _) = Spec::build(profile, catalog, &context.wants.choices())?;
    let mut findings = Vec::new();
    let audience = audience::check(app, profile, &mut findings);
    redirects::check(app, profile, &spec, &mut findings);
    permissions::check(app, profile, catalog, context, &spec, &mut findings);
    ews::check(app, catalog, &spec, &mut findings);
    credentials::check(app, audience, now, &mut findings);
    consent::check(app, profile, catalog, context, audience, &mut findings);
    settings::check(app, context, &spec, &mut findings);
    findings.sort_by_key(|f| f.severity);
    Ok(findings)
}

/// The findings no platform is needed for (the client secrets): what an app is judged by when
/// nobody can tell which platform it is for.
pub fn audit_secrets(app: &Application, now: OffsetDateTime) -> Vec<Finding> {
    // Only the secret limit depends on the audience: the app's own, else the strictest.
    let audience = app
        .sign_in_audience
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(Audience::AzureADandPersonalMicrosoftAccount);
    let mut findings = Vec::new();
    credentials::check(app, audience, now, &mut findings);
    findings.sort_by_key(|f| f.severity);
    findings
}
