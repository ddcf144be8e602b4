//! The embedded Microsoft Graph + sign-in simulator.
//!
//! A real HTTP server (axum on 127.0.0.1) that answers like Microsoft Graph
//! (`/v1.0`), the Microsoft identity platform (`/login`, device code and refresh
//! grants), Azure Resource Manager (`/arm`, the tenant list), and the two platforms the
//! credentials are handed to: Nylas v3 connectors (`/nylas`) and Nango integrations
//! (`/nango`). appreg's client
//! cannot tell it from the real services except by base URL, so the demo, the
//! tests and the benchmarks all exercise the real client code, including its
//! handling of throttling, dropped connections and directory replication lag.

mod arm;
mod cli;
mod errors;
mod faults;
mod fleet;
mod graph_apps;
mod graph_assignments;
mod graph_grants;
mod graph_logo;
mod graph_publisher;
mod graph_routes;
mod graph_sps;
mod login;
mod nango;
mod nylas;
mod odata;
mod optional_claims;
mod platform_http;
mod platform_store;
mod requestlog;
mod seed;
mod server;
mod snapshot;
mod state;
mod tokens;
mod validate;

#[cfg(test)]
mod tests;

use appreg_core::clock::Clock;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use cli::{SimArgs, serve_cli};
pub use faults::{Fault, FaultKind};
pub use fleet::{Kind as GeneratedKind, app_id as generated_app_id, kind as generated_kind};
pub use requestlog::LoggedRequest;
pub use seed::{
    AppSeed, CONTOSO_MPN_ID, DEMO_TENANT_ID, FABRIKAM_MPN_ID, LEGACY_NYLAS_APP_ID,
    LOCKED_NANGO_APP_ID, MpnAccount, SECOND_TENANT_ID, SUPPORT_MAILBOX_APP_ID, SecretSeed, Seed,
    TenantSeed, UserSeed, scope, support_apps,
};
pub use snapshot::{
    AppSnapshot, ConnectorSnapshot, GrantSnapshot, IntegrationSnapshot, PasswordCredentialMeta,
    PlatformSnapshot, Snapshot, SpSnapshot, TenantSnapshot,
};

/// How long the simulator waits before answering each request.
///
/// A range draws a uniformly random delay per request (from the seeded RNG),
/// which is what makes concurrency visible in the demo and the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub min: Duration,
    pub max: Duration,
}

impl Latency {
    pub const NONE: Latency = Latency {
        min: Duration::ZERO,
        max: Duration::ZERO,
    };

    pub fn fixed(delay: Duration) -> Self {
        Latency {
            min: delay,
            max: delay,
        }
    }

    /// A random delay in `min..=max`; the bounds are swapped if given backwards.
    pub fn range(min: Duration, max: Duration) -> Self {
        if max < min {
            Latency { min: max, max: min }
        } else {
            Latency { min, max }
        }
    }
}

/// What the simulated user does with a device-code sign-in once
/// `polls_before_approval` polls have been answered `authorization_pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceOutcome {
    #[default]
    Approve,
    /// The user pressed "Cancel": `authorization_declined`.
    Decline,
    /// The user never finished: `expired_token`.
    Expire,
}

/// Everything that shapes one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    pub latency: Latency,
    /// How long a new application or service principal stays invisible to
    /// reads and to dependent writes (Entra ID's directory replication lag).
    pub replication_delay: Duration,
    /// How long a new client secret is refused by the client credentials grant, as a wrong
    /// one is (AADSTS7000215), until it replicates.
    pub secret_replication_delay: Duration,
    /// The `interval` the device-code endpoint tells clients to poll at;
    /// polling faster earns `slow_down`. 0 disables the check (fast tests).
    pub poll_interval_secs: u64,
    /// How many token polls answer `authorization_pending` before the user acts.
    pub polls_before_approval: u32,
    pub device_outcome: DeviceOutcome,
    /// Tenants, their signed-in user and any pre-existing apps.
    pub seed: Seed,
    /// Generated apps added to the first tenant beside its seeded ones (a realistic mix of
    /// healthy and broken apps, for scale tests).
    pub seed_apps: usize,
    /// The user may grant tenant-wide (admin) consent: oauth2PermissionGrants writes.
    pub admin: bool,
    /// The user may register applications (Application Developer role or the
    /// tenant's "users can register applications" switch).
    pub can_create_apps: bool,
    /// The tenant's app-management policy caps client-secret lifetime.
    pub secret_lifetime_cap_months: Option<u32>,
    /// Seed for every random choice (ids, secrets, latency), for reproducible runs.
    pub rng_seed: u64,
    /// Faults armed from the start (more can be added with [`SimHandle::inject`]).
    pub faults: Vec<Fault>,
    /// Replication is measured by this clock; share a simulated one with the client to wait
    /// out long replication delays without sleeping.
    pub clock: Clock,
    /// The one API key the simulated Nylas application accepts (`Authorization: Bearer`).
    pub nylas_api_key: String,
    /// The one secret key the simulated Nango environment accepts.
    pub nango_secret_key: String,
}

impl Default for SimConfig {
    /// Fast and permissive: no latency, no replication lag, an admin user.
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            latency: Latency::NONE,
            replication_delay: Duration::ZERO,
            secret_replication_delay: Duration::ZERO,
            poll_interval_secs: 1,
            polls_before_approval: 2,
            device_outcome: DeviceOutcome::Approve,
            seed: Seed::demo(),
            seed_apps: 0,
            admin: true,
            can_create_apps: true,
            secret_lifetime_cap_months: None,
            rng_seed: 0x5eed_a99e_9000_0001,
            faults: Vec::new(),
            clock: Clock::system(),
            nylas_api_key: "nyk_v0_simulator_key".into(),
            nango_secret_key: "nango_simulator_secret_key".into(),
        }
    }
}

impl SimConfig {
    /// Feels like the real service: 80–250 ms per call, ~2 s of replication lag (1.5 s for a
    /// new client secret), and the demo tenant holds apps with defects for `doctor` to find.
    pub fn demo() -> Self {
        SimConfig {
            latency: Latency::range(Duration::from_millis(80), Duration::from_millis(250)),
            replication_delay: Duration::from_secs(2),
            secret_replication_delay: Duration::from_millis(1500),
            seed: Seed::with_support_apps(),
            ..SimConfig::default()
        }
    }
}

/// Start a simulator on `config.listen` and return once it accepts connections.
pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    let shared = Arc::new(server::Shared::new(&config));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = oneshot::channel();
    let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), stop_rx));
    Ok(SimHandle {
        addr,
        shared,
        stop: Some(stop_tx),
        task: Some(task),
    })
}

/// A running simulator. Dropping it stops the server.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stands in for `https://graph.microsoft.com/v1.0`.
    pub fn graph_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// Stands in for `https://login.microsoftonline.com` (the client appends
    /// `/{tenant}/oauth2/v2.0/...`).
    pub fn login_url(&self) -> String {
        format!("http://{}/login", self.addr)
    }

    /// Stands in for `https://management.azure.com`.
    pub fn arm_url(&self) -> String {
        format!("http://{}/arm", self.addr)
    }

    /// Stands in for `https://api.us.nylas.com` (the client appends `/v3/connectors`).
    pub fn nylas_url(&self) -> String {
        format!("http://{}/nylas", self.addr)
    }

    /// Stands in for `https://api.nango.dev` (the client appends `/integrations`).
    pub fn nango_url(&self) -> String {
        format!("http://{}/nango", self.addr)
    }

    /// The API key the simulated Nylas application accepts.
    pub fn nylas_api_key(&self) -> String {
        self.shared.state().platforms.nylas_api_key.clone()
    }

    /// The secret key the simulated Nango environment accepts.
    pub fn nango_secret_key(&self) -> String {
        self.shared.state().platforms.nango_secret_key.clone()
    }

    /// The first seeded tenant ("Contoso (Demo)" with the default seed): the
    /// tenant any foreign bearer token and `organizations`/`common` sign in to.
    pub fn demo_tenant_id(&self) -> String {
        self.tenant_ids().into_iter().next().unwrap_or_default()
    }

    /// The second seeded tenant ("Fabrikam Lab" with the default seed).
    pub fn second_tenant_id(&self) -> Option<String> {
        self.tenant_ids().into_iter().nth(1)
    }

    pub fn tenant_ids(&self) -> Vec<String> {
        self.shared
            .state()
            .tenants
            .iter()
            .map(|t| t.id.to_string())
            .collect()
    }

    /// A Graph access token for the demo user in `tenant_id`, as the sign-in
    /// endpoints would issue it (`None` for an unknown tenant).
    pub fn access_token(&self, tenant_id: &str) -> Option<String> {
        self.shared.state().mint_graph_token(tenant_id)
    }

    /// Arm a fault at run time.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults.add(fault);
    }

    /// Completed requests in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.completed()
    }

    /// The number of sequential round trips in the log: the longest chain of
    /// requests where each one started after the previous one finished.
    pub fn critical_path(&self) -> usize {
        requestlog::critical_path(&self.requests())
    }

    pub fn clear_log(&self) {
        self.shared.log.clear();
    }

    /// A read-only copy of every tenant's directory, replicated or not.
    pub fn snapshot(&self) -> Snapshot {
        self.shared.state().snapshot()
    }

    /// The Nylas connectors and Nango integrations, with which client secret each holds.
    pub fn platform_snapshot(&self) -> PlatformSnapshot {
        self.shared.state().platform_snapshot()
    }

    /// Stop accepting connections and wait for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already be gone; nothing to stop then.
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            // A panicked server task has nothing left to clean up.
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
