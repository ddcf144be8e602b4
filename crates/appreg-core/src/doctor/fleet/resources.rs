//! The APIs apps ask permissions of (Microsoft Graph, Exchange Online, others), each read
//! once for the whole tenant, by the same reads a single app's audit makes.

use crate::doctor::inspect::{RESOURCES, other_resources, read_resources};
use crate::graph::GraphClient;
use crate::graph::models::{Application, ServicePrincipal};
use crate::progress::Reporter;
use std::collections::HashMap;
use std::sync::Arc;

/// What the tenant answered about one API.
#[derive(Debug, Clone)]
enum Resource {
    Found(Arc<ServicePrincipal>),
    /// Read, and not there.
    Absent,
    /// The read failed: neither found nor known absent, as in a single app's audit.
    Unreadable,
}

#[derive(Debug, Default)]
pub(super) struct Resources {
    by_app_id: HashMap<String, Resource>,
}

/// The first-party APIs every audit looks at, as (app id, name).
fn known() -> Vec<(String, String)> {
    RESOURCES
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect()
}

impl Resources {
    /// Reads the first-party APIs every audit looks at.
    pub(super) async fn read(client: &GraphClient, reporter: &Reporter) -> Self {
        let mut resources = Self::default();
        resources.learn(client, known(), reporter).await;
        resources
    }

    /// Reads the APIs these apps ask permissions of that were not read yet; returns the
    /// service principals found (their role assignments may be wanted).
    pub(super) async fn learn_from(
        &mut self,
        client: &GraphClient,
        apps: &[&Application],
        reporter: &Reporter,
    ) -> Vec<Arc<ServicePrincipal>> {
        let mut unseen: Vec<(String, String)> = Vec::new();
        for app in apps {
            for (id, name) in other_resources(app, &known()) {
                let key = id.to_ascii_lowercase();
                if !self.by_app_id.contains_key(&key) && !unseen.iter().any(|(u, _)| *u == key) {
                    unseen.push((key, name));
                }
            }
        }
        self.learn(client, unseen, reporter).await
    }

    async fn learn(
        &mut self,
        client: &GraphClient,
        wanted: Vec<(String, String)>,
        reporter: &Reporter,
    ) -> Vec<Arc<ServicePrincipal>> {
        if wanted.is_empty() {
            return Vec::new();
        }
        let read = read_resources(client, &wanted, reporter).await;
        for (id, _) in &wanted {
            self.by_app_id
                .insert(id.to_ascii_lowercase(), Resource::Unreadable);
        }
        for id in read.absent {
            self.by_app_id
                .insert(id.to_ascii_lowercase(), Resource::Absent);
        }
        let mut found = Vec::new();
        for sp in read.found {
            let sp = Arc::new(sp);
            self.by_app_id.insert(
                sp.app_id.to_ascii_lowercase(),
                Resource::Found(Arc::clone(&sp)),
            );
            found.push(sp);
        }
        found
    }

    /// Every service principal found so far.
    pub(super) fn found(&self) -> impl Iterator<Item = &Arc<ServicePrincipal>> {
        self.by_app_id.values().filter_map(|r| match r {
            Resource::Found(sp) => Some(sp),
            Resource::Absent | Resource::Unreadable => None,
        })
    }

    /// The APIs a single app's audit would have read for `app`: the service principals found
    /// and the app ids known absent, in the order it reads them.
    pub(super) fn for_app(&self, app: &Application) -> (Vec<Arc<ServicePrincipal>>, Vec<String>) {
        let known = known();
        let mut found = Vec::new();
        let mut absent = Vec::new();
        for (id, _) in known.iter().cloned().chain(other_resources(app, &known)) {
            match self.by_app_id.get(&id.to_ascii_lowercase()) {
                Some(Resource::Found(sp)) => found.push(Arc::clone(sp)),
                Some(Resource::Absent) => absent.push(id),
                Some(Resource::Unreadable) | None => {}
            }
        }
        (found, absent)
    }
}
