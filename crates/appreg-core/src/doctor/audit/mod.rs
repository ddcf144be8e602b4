//! The audit: an existing app registration measured against a platform preset. Pure: the
//! directory's state comes in through [`AuditContext`], the time through `now`.

mod audience;
mod consent;
mod credentials;
mod permissions;
mod redirects;

#[cfg(any(test, feature = "test-support"))]
pub(crate) mod tests;

use super::context::AuditContext;
use super::finding::Finding;
use crate::catalog::Catalog;
use crate::graph::models::Application;
use crate::profile::Profile;
use time::OffsetDateTime;

pub(crate) use redirects::platform_uris;

/// Every finding, errors first, in a stable order.
pub fn audit(
    app: &Application,
    context: &AuditContext,
    profile: &Profile,
    catalog: &Catalog,
    now: OffsetDateTime,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let audience = audience::check(app, profile, &mut findings);
    redirects::check(app, profile, &context.wants, &mut findings);
    permissions::check(app, profile, catalog, context, &mut findings);
    credentials::check(app, audience, now, &mut findings);
    consent::check(app, profile, catalog, context, audience, &mut findings);
    findings.sort_by_key(|f| f.severity);
    findings
}
