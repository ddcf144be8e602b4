//! Typed reads that more than one part of appreg needs.

use super::client::{Call, GraphClient};
use super::error::GraphError;
use super::models::{Collection, Organization, ServicePrincipal, Tenant};
use crate::plan::requests::{Method, resource_sp_path};
use crate::progress::{Operation, Reporter};

/// ARM lists tenants in pages; more than this many pages means something is wrong.
const MAX_TENANT_PAGES: usize = 20;

impl GraphClient {
    pub async fn organization(&self, reporter: &Reporter) -> Result<Organization, GraphError> {
        let call = Call::new(
            Operation::ReadTenant,
            Method::Get,
            "/organization?$select=id,displayName,verifiedDomains",
        );
        let list: Collection<Organization> = self.send_json(&call, reporter).await?;
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
        let mut tenants = Vec::new();
        let mut path = "/tenants?api-version=2022-12-01".to_string();
        for _ in 0..MAX_TENANT_PAGES {
            let call = Call::new(Operation::ListTenants, Method::Get, path.clone()).arm();
            let page: Collection<Tenant> = self.send_json(&call, reporter).await?;
            tenants.extend(page.value);
            match page.next_link.and_then(|link| self.arm_relative(&link)) {
                Some(next) => path = next,
                None => break,
            }
        }
        Ok(tenants)
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

    fn arm_relative(&self, link: &str) -> Option<String> {
        let base = self.config().arm_url.as_str().trim_end_matches('/');
        link.strip_prefix(base)
            .filter(|rest| rest.starts_with('/'))
            .map(str::to_string)
    }
}
