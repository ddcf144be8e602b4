//! Auditing every app registration of a tenant in O(pages) requests, not O(apps): the
//! applications, their service principals and (when admin consent is checked) the grants and
//! role assignments are read as tenant-wide lists with the largest page Graph allows (999), the
//! independent lists at once; the resource APIs once each. Applications stream: each page is
//! audited as it arrives and every app's report goes to a [`FleetSink`], so memory holds the
//! indexes and a page or two, never the whole tenant.
//!
//! Each app is audited by [`audit`](crate::doctor::audit) with an [`AuditContext`] built from
//! the indexes, exactly as a single app's audit builds it from its own reads, so `--all` and
//! `doctor --app-id` never disagree. An app is judged against the preset its `appreg-profile:`
//! tag names, else the one whose redirect URIs it carries; an app neither names is judged by
//! its secrets alone, as platform [`UNKNOWN_PLATFORM`].

mod index;
mod report;
mod resources;

pub use report::{AppReport, UNKNOWN_PLATFORM};

use super::audit::{audit, audit_secrets};
use super::context::{AuditContext, Wants};
use super::inspect::PublisherFields;
use super::preset::judged_by;
use crate::catalog::Catalog;
use crate::graph::models::Application;
use crate::graph::{Call, GraphClient, GraphError, Method};
use crate::plan::PlanError;
use crate::profile::Profile;
use crate::progress::{Operation, Reporter};
use index::Consent;
use resources::Resources;
use serde::Deserialize;
use time::OffsetDateTime;

/// At most this many pages of one list (999 000 objects at 999 a page): a bound, not a limit
/// any tenant meets.
const MAX_PAGES: usize = 1000;
/// Pages of applications read ahead of the audit while it waits (for the indexes, or on a slow
/// sink): overlap without holding the tenant.
const PAGES_AHEAD: usize = 2;
/// The application fields the audit reads, and nothing else.
const APP_FIELDS: &str = "id,appId,displayName,signInAudience,uniqueName,tags,web,spa,publicClient,api,requiredResourceAccess,passwordCredentials,isFallbackPublicClient,publisherDomain,createdDateTime,optionalClaims,info,verifiedPublisher";

/// What to audit every app against.
#[derive(Debug, Clone, Copy)]
pub struct FleetRequest<'a> {
    /// The presets apps are judged against (by tag, else by redirect URIs).
    pub profiles: &'a [Profile],
    pub catalog: &'a Catalog,
    /// Wants every app shares; only admin consent makes sense across platforms.
    pub wants: &'a Wants,
    pub now: OffsetDateTime,
}

/// Where the reports go, one app at a time, in the order Graph lists the apps.
pub trait FleetSink {
    /// How many apps the tenant holds, when Graph could count them; before the first report.
    fn total(&mut self, apps: usize);
    /// One app's report; an error stops the audit.
    fn report(&mut self, report: AppReport) -> std::io::Result<()>;
}

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("{op} failed: {}", .error.advice())]
    Graph {
        op: Operation,
        error: Box<GraphError>,
    },
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("cannot write the report: {0}")]
    Sink(#[source] std::io::Error),
}

impl FleetError {
    fn graph(op: Operation) -> impl FnOnce(GraphError) -> Self {
        move |error| FleetError::Graph {
            op,
            error: Box::new(error),
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            FleetError::Graph { error, .. } => error.request_id(),
            FleetError::Plan(_) | FleetError::Sink(_) => None,
        }
    }
}

/// One listed app: the [`Application`] and its verified publisher, read from the same object.
#[derive(Deserialize)]
struct Listed {
    #[serde(flatten)]
    application: Application,
    #[serde(flatten)]
    publisher: PublisherFields,
}

/// Everything a fleet audit reads once, before (or while) the applications stream by.
struct Tenant {
    id: Option<String>,
    principals: index::Principals,
    resources: Resources,
    consent: Option<Consent>,
}

/// Audits every app registration of the tenant, handing each report to `sink`; returns how
/// many apps were audited. The future is `Send` when the sink is, so it can run as a task.
pub async fn audit_all<S: FleetSink + ?Sized>(
    client: &GraphClient,
    request: FleetRequest<'_>,
    reporter: &Reporter,
    sink: &mut S,
) -> Result<usize, FleetError> {
    let (pages, mut arriving) = tokio::sync::mpsc::channel::<Vec<Listed>>(PAGES_AHEAD);
    let reading = async move {
        let first = Call::new(
            Method::Get,
            format!("/applications?$select={APP_FIELDS}&$top=999"),
        );
        let observer = reporter.on(Operation::ListApps);
        client
            .for_each_page(first, &observer, MAX_PAGES, |page: Vec<Listed>| {
                let pages = pages.clone();
                // The audit stopped (it failed): stop reading.
                async move { pages.send(page).await.is_ok() }
            })
            .await
            .map_err(FleetError::graph(Operation::ListApps))
    };
    let auditing = async {
        let counting = reporter.on(Operation::ListApps);
        let (tenant, total) = tokio::join!(
            read_tenant(client, request.wants.admin_consent, reporter),
            client.count("applications", &counting),
        );
        // The count only sizes the progress bar: without it the bar just counts.
        if let Ok(total) = total {
            sink.total(total);
        }
        let mut tenant = tenant?;
        let mut audited = 0;
        while let Some(page) = arriving.recv().await {
            tenant.learn_resources(client, &page, reporter).await;
            for listed in page {
                let report = tenant.audit(listed, &request)?;
                sink.report(report).map_err(FleetError::Sink)?;
                audited += 1;
            }
        }
        Ok::<_, FleetError>(audited)
    };
    let (read, audited) = tokio::join!(reading, auditing);
    let audited = audited?;
    if !read? {
        return Err(FleetError::graph(Operation::ListApps)(index::too_many(
            "applications",
        )));
    }
    Ok(audited)
}

/// The tenant id, every service principal, the first-party APIs and (for admin consent) the
/// grants and role assignments, read concurrently.
async fn read_tenant(
    client: &GraphClient,
    admin_consent: bool,
    reporter: &Reporter,
) -> Result<Tenant, FleetError> {
    let reading_tenant = reporter.on(Operation::ReadTenant);
    let consent_and_resources = async {
        let resources = Resources::read(client, reporter).await;
        let consent = match admin_consent {
            true => {
                let found: Vec<_> = resources.found().cloned().collect();
                Some(Consent::read(client, &found, reporter).await)
            }
            false => None,
        };
        (resources, consent)
    };
    let (org, principals, (resources, consent)) = tokio::join!(
        client.organization(&reading_tenant),
        index::principals(client, reporter),
        consent_and_resources,
    );
    Ok(Tenant {
        id: org.ok().map(|o| o.id),
        principals: principals.map_err(FleetError::graph(Operation::ReadServicePrincipal))?,
        resources,
        consent,
    })
}

impl Tenant {
    /// Reads the APIs this page's apps use that no earlier page did.
    async fn learn_resources(
        &mut self,
        client: &GraphClient,
        page: &[Listed],
        reporter: &Reporter,
    ) {
        let apps: Vec<&Application> = page.iter().map(|l| &l.application).collect();
        let found = self.resources.learn_from(client, &apps, reporter).await;
        if let Some(consent) = &mut self.consent
            && !found.is_empty()
        {
            consent.add_resources(client, &found, reporter).await;
        }
    }

    /// One app, audited as a single app's audit would audit it.
    fn audit(&self, listed: Listed, request: &FleetRequest<'_>) -> Result<AppReport, FleetError> {
        let app = listed.application;
        let Some(profile) = judged_by(&app, request.profiles) else {
            let findings = audit_secrets(&app, request.now);
            return Ok(AppReport::new(&app, UNKNOWN_PLATFORM, findings));
        };
        let context = self.context(&app, listed.publisher.verified(), request.wants);
        let findings = audit(&app, &context, profile, request.catalog, request.now)?;
        Ok(AppReport::new(&app, &profile.id, findings))
    }

    fn context(
        &self,
        app: &Application,
        verified_publisher: Option<crate::doctor::context::VerifiedPublisher>,
        wants: &Wants,
    ) -> AuditContext {
        let service_principal = self
            .principals
            .get(&app.app_id.to_ascii_lowercase())
            .cloned();
        let (grants, role_assignments) = match (&service_principal, &self.consent) {
            (Some(sp), Some(consent)) => consent.of(&sp.id),
            // As a single app's audit: nothing hangs off a missing service principal.
            (None, _) => (Some(Vec::new()), Some(Vec::new())),
            // Not read: the audit looks at consent only when it is wanted.
            (Some(_), None) => (None, None),
        };
        let (resources, absent_resources) = self.resources.for_app(app);
        AuditContext {
            tenant_id: self.id.clone(),
            verified_publisher,
            service_principal,
            grants,
            role_assignments,
            resources,
            absent_resources,
            wants: wants.clone(),
        }
    }
}
