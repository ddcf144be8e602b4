//! Typed reads that more than one part of appreg needs.

use super::client::{Api, Call, GraphClient};
use super::error::GraphError;
use super::models::{Application, Collection, Organization, ServicePrincipal, Tenant};
use crate::plan::requests::{Method, resource_sp_path};
use crate::progress::{Operation, Reporter};

/// Lists come in pages; more than this many means something is wrong (or a huge tenant, of
/// which the first pages are enough to choose from).
const MAX_PAGES: usize = 20;

/// What a list of app registrations needs to show and sort them.
/// `web` and `spa` too: their redirect URIs hint at the platform of an app appreg did not make.
const APP_LIST_FIELDS: &str = "id,appId,displayName,signInAudience,tags,createdDateTime,web,spa";

impl GraphClient {
    pub async fn organization(&self, reporter: &Reporter) -> Result<Organization, GraphError> {
        let call = Call::new(
            Operation::ReadTenant,
            Method::Get,
            "/organization?$select=id,displayName,verifiedDomains",
        );
        let list: Collection<Organization> = match self.send_json(&call, reporter).await {
            // Every Graph has /organization: a base URL that lacks it is not Graph's.
            Err(error) if error.status() == Some(404) => {
                return Err(error.explained(format!(
                    "{} has no /organization: --graph-url must be Graph's base URL with its version, such as https://graph.microsoft.com/v1.0",
                    self.config().graph_url
                )));
            }
            other => other?,
        };
        list.value
            .into_iter()
            .next()
            .ok_or_else(|| GraphError::Malformed {
                status: 200,
                message: "the organization list is empty".into(),
                request_id: None,
            })
    }

    /// A resource's service principal in this tenant, with its permission lists.
    pub async fn resource_service_principal(
        &self,
        app_id: &str,
        name: &str,
        reporter: &Reporter,
    ) -> Result<ServicePrincipal, GraphError> {
        let call = Call::new(
            Operation::ReadResource(name.to_string()),
            Method::Get,
            resource_sp_path(app_id),
        );
        self.send_json(&call, reporter).await
    }

    /// The tenants the signed-in user can reach (ARM), following `nextLink`.
    pub async fn list_tenants(&self, reporter: &Reporter) -> Result<Vec<Tenant>, GraphError> {
        let first = Call::new(
            Operation::ListTenants,
            Method::Get,
            "/tenants?api-version=2022-12-01",
        )
        .arm();
        self.all_pages(first, reporter).await
    }

    /// The tenant's app registrations (the fields a picker shows), following `@odata.nextLink`.
    pub async fn list_applications(
        &self,
        reporter: &Reporter,
    ) -> Result<Vec<Application>, GraphError> {
        let first = Call::new(
            Operation::ListApps,
            Method::Get,
            format!("/applications?$select={APP_LIST_FIELDS}&$top=999"),
        );
        self.all_pages(first, reporter).await
    }

    /// Every page of a collection, each next page read from the same service as the first.
    async fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        first: Call,
        reporter: &Reporter,
    ) -> Result<Vec<T>, GraphError> {
        let mut items = Vec::new();
        let mut call = first;
        for _ in 0..MAX_PAGES {
            let page: Collection<T> = self.send_json(&call, reporter).await?;
            items.extend(page.value);
            match page.next_link.and_then(|link| self.relative(&link, &call)) {
                Some(next) => call.path = next,
                None => break,
            }
        }
        Ok(items)
    }

    /// The tenant list, or just the signed-in tenant when ARM is not available to this sign-in.
    pub async fn reachable_tenants(&self, reporter: &Reporter) -> Result<Vec<Tenant>, GraphError> {
        match self.list_tenants(reporter).await {
            Ok(tenants) if !tenants.is_empty() => Ok(tenants),
            Ok(_) | Err(_) => {
                let org = self.organization(reporter).await?;
                Ok(vec![Tenant {
                    default_domain: org.default_domain().map(str::to_string),
                    domains: org
                        .verified_domains
                        .iter()
                        .map(|d| d.name.clone())
                        .collect(),
                    tenant_id: org.id,
                    display_name: org.display_name,
                    tenant_category: Some("Home".into()),
                }])
            }
        }
    }

    /// A `nextLink` as a path under the base URL the call went to; a link elsewhere is not
    /// followed (the token must not travel to another host).
    fn relative(&self, link: &str, call: &Call) -> Option<String> {
        let config = self.config();
        let base = if call.api == Api::Arm {
            config.arm_url.as_str()
        } else {
            config.graph_url.as_str()
        };
        link.strip_prefix(base.trim_end_matches('/'))
            .filter(|rest| rest.starts_with('/'))
            .map(str::to_string)
    }
}
