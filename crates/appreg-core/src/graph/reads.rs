//! Typed reads that more than one part of appreg needs.

use super::call::{Api, Call};
use super::client::GraphClient;
use super::error::GraphError;
use super::models::{Application, Collection, Organization, ServicePrincipal, Tenant};
use super::observe::Observer;
use super::paths::{Method, resource_sp_path};

/// Lists come in pages; more than this many means something is wrong (or a huge tenant, of
/// which the first pages are enough to choose from).
const MAX_PAGES: usize = 20;

/// What a list of app registrations needs to show and sort them.
/// `web` and `spa` too: their redirect URIs hint at the platform of an app appreg did not make.
const APP_LIST_FIELDS: &str = "id,appId,displayName,signInAudience,tags,createdDateTime,web,spa";

impl GraphClient {
    pub async fn organization(&self, observer: &dyn Observer) -> Result<Organization, GraphError> {
        let call = Call::new(
            Method::Get,
            "/organization?$select=id,displayName,verifiedDomains",
        );
        let list: Collection<Organization> = match self.send_json(&call, observer).await {
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
        observer: &dyn Observer,
    ) -> Result<ServicePrincipal, GraphError> {
        let call = Call::new(Method::Get, resource_sp_path(app_id));
        self.send_json(&call, observer).await
    }

    /// The tenants the signed-in user can reach (ARM), following `nextLink`.
    pub async fn list_tenants(&self, observer: &dyn Observer) -> Result<Vec<Tenant>, GraphError> {
        let first = Call::new(Method::Get, "/tenants?api-version=2022-12-01").arm();
        self.all_pages(first, observer).await
    }

    /// The tenant's app registrations (the fields a picker shows), following `@odata.nextLink`.
    pub async fn list_applications(
        &self,
        observer: &dyn Observer,
    ) -> Result<Vec<Application>, GraphError> {
        let first = Call::new(
            Method::Get,
            format!("/applications?$select={APP_LIST_FIELDS}&$top=999"),
        );
        self.all_pages(first, observer).await
    }

    /// Every page of a collection, each next page read from the same service as the first.
    async fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        first: Call,
        observer: &dyn Observer,
    ) -> Result<Vec<T>, GraphError> {
        let mut items = Vec::new();
        self.for_each_page(first, observer, MAX_PAGES, |page| {
            items.extend(page);
            std::future::ready(true)
        })
        .await?;
        Ok(items)
    }

    /// Reads a collection page by page, handing each page to `each` before asking for the
    /// next, so only one page is held at a time; `each` returns `false` to stop. Next pages are
    /// read from the same service as the first (a link elsewhere is not followed) and at most
    /// `max_pages` are read. `Ok(true)` when the collection was read to its end.
    // A closure returning a future rather than an async closure: the futures of async closures
    // are not yet known to be `Send`, and the wizard spawns these reads.
    pub async fn for_each_page<T, F, Next>(
        &self,
        first: Call,
        observer: &dyn Observer,
        max_pages: usize,
        mut each: F,
    ) -> Result<bool, GraphError>
    where
        T: serde::de::DeserializeOwned,
        F: FnMut(Vec<T>) -> Next,
        Next: std::future::Future<Output = bool>,
    {
        let mut call = first;
        for _ in 0..max_pages {
            let page: Collection<T> = self.send_json(&call, observer).await?;
            let next = page.next_link.and_then(|link| self.relative(&link, &call));
            if !each(page.value).await {
                return Ok(false);
            }
            match next {
                Some(next) => call.path = next,
                None => return Ok(true),
            }
        }
        Ok(false)
    }

    /// How many objects a directory collection holds (`/applications/$count`): an advanced
    /// query, so Graph wants `ConsistencyLevel: eventual`.
    pub async fn count(
        &self,
        collection: &str,
        observer: &dyn Observer,
    ) -> Result<usize, GraphError> {
        let call = Call::new(Method::Get, format!("/{collection}/$count"))
            .header("ConsistencyLevel", "eventual");
        let answer = self.send(&call, observer).await?;
        // Graph puts a byte-order mark before the number.
        std::str::from_utf8(&answer.body)
            .ok()
            .and_then(|text| text.trim().trim_start_matches('\u{feff}').parse().ok())
            .ok_or_else(|| GraphError::Malformed {
                status: answer.status,
                message: "the count is not a number".into(),
                request_id: answer.request_id.clone(),
            })
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
