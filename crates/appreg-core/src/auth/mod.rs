//! Sign-in: token sources for Microsoft Graph and Azure Resource Manager (ARM).
//!
//! [`sign_in`] turns an [`AuthConfig`] into a [`TokenSource`]: device code (our own code,
//! see [`DeviceCodeFlow`] to drive it from a UI), the Azure CLI, the Azure Developer CLI, a
//! client secret, or a token handed in. Tokens live in memory only, inside
//! [`SecretString`]s; they are never written to disk and never logged.

mod app_sign_in;
mod cache;
mod client_secret;
mod detect;
mod developer_cli;
mod device_code;
mod error;
mod identity;
mod jwt;
mod oauth;
mod refresh_token;
mod static_token;
#[cfg(test)]
mod tests;

pub use app_sign_in::{AppSignIn, sign_in_as_app};
pub use cache::{Cached, Fetch};
pub use client_secret::ClientSecretSource;
pub use detect::{Detected, detect};
pub use developer_cli::{DeveloperCli, DeveloperCliSource};
pub use device_code::{DeviceCodeEvent, DeviceCodeFlow, DeviceCodePrompt};
pub use error::AuthError;
pub(crate) use error::chain;
pub use refresh_token::DeviceCodeSource;
pub use static_token::StaticTokenSource;

use crate::secret::SecretString;
use async_trait::async_trait;
use developer_cli::Tool;
use std::sync::Arc;
use time::OffsetDateTime;
use url::Url;

/// The Azure CLI's public client: it may sign in any user and ask for Graph's `.default`
/// scope without admin consent, which is what a tool that creates apps needs.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// How to sign in (`--auth`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMethod {
    /// The first usable of: token, client secret, Azure CLI, azd, device code.
    Auto,
    /// A code to enter at microsoft.com/devicelogin, from any browser.
    DeviceCode,
    /// The account `az login` signed in.
    AzureCli,
    /// The account `azd auth login` signed in.
    Azd,
    /// An app's own secret: --client-id, --tenant and APPREG_CLIENT_SECRET.
    ClientSecret,
    /// A bearer token for Graph in APPREG_ACCESS_TOKEN.
    Token,
}

/// What a token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenResource {
    Graph,
    /// Azure Resource Manager: lists the tenants the user can reach.
    Arm,
}

/// Where sign-in happens and which scopes name Graph and ARM; they differ per national
/// cloud, and tests point `login_url` at a local server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// `https://login.microsoftonline.com`, or e.g. a simulator's `http://127.0.0.1:P/login`.
    pub login_url: Url,
    /// `https://graph.microsoft.com/.default`.
    pub graph_scope: String,
    /// `https://management.azure.com/.default`.
    pub arm_scope: String,
}

impl Endpoints {
    /// Microsoft's global cloud.
    pub fn public_cloud() -> Self {
        Self {
            // A constant that parses; `expect` documents that rather than handling the impossible.
            login_url: Url::parse("https://login.microsoftonline.com")
                .expect("constant URL parses"),
            graph_scope: "https://graph.microsoft.com/.default".to_owned(),
            arm_scope: "https://management.azure.com/.default".to_owned(),
        }
    }

    pub fn scope(&self, resource: TokenResource) -> &str {
        match resource {
            TokenResource::Graph => &self.graph_scope,
            TokenResource::Arm => &self.arm_scope,
        }
    }
}

/// Everything sign-in needs, gathered from the command line and the environment.
#[derive(Debug)]
pub struct AuthConfig {
    pub method: AuthMethod,
    pub endpoints: Endpoints,
    /// Tenant id or domain; `None` signs in to the user's home tenant ("organizations").
    pub tenant: Option<String>,
    pub client_id: String,
    /// For [`AuthMethod::ClientSecret`], from APPREG_CLIENT_SECRET.
    pub client_secret: Option<SecretString>,
    /// For [`AuthMethod::Token`], from APPREG_ACCESS_TOKEN.
    pub static_token: Option<SecretString>,
}

impl AuthConfig {
    /// Signs in as the Azure CLI client to the home tenant, with no secret or token.
    pub fn new(method: AuthMethod, endpoints: Endpoints) -> Self {
        Self {
            method,
            endpoints,
            tenant: None,
            client_id: AZURE_CLI_CLIENT_ID.to_owned(),
            client_secret: None,
            static_token: None,
        }
    }

    /// A copy, secrets included (not `Clone`, so that copies of secrets stay deliberate).
    pub fn duplicate(&self) -> Self {
        Self {
            method: self.method,
            endpoints: self.endpoints.clone(),
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.as_ref().map(SecretString::duplicate),
            static_token: self.static_token.as_ref().map(SecretString::duplicate),
        }
    }

    /// The tenant path segment for sign-in URLs.
    pub fn tenant_or_default(&self) -> &str {
        self.tenant.as_deref().unwrap_or("organizations")
    }
}

/// A bearer token and when it stops working. `Debug` shows the expiry, never the token.
#[derive(Debug)]
pub struct AccessToken {
    pub token: SecretString,
    pub expires_at: OffsetDateTime,
}

impl AccessToken {
    /// A copy (tokens are not `Clone`, so that copies stay deliberate).
    pub fn duplicate(&self) -> Self {
        Self {
            token: self.token.duplicate(),
            expires_at: self.expires_at,
        }
    }
}

/// Hands out tokens, from its in-memory cache while they stay valid for more than five
/// minutes, fetching or refreshing them otherwise. Safe to share between tasks.
#[async_trait]
pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// A token for `resource` in `tenant` (`None` = the one signed in to). Sources that
    /// cannot switch tenant refuse any other tenant rather than silently use their own.
    async fn token(
        &self,
        resource: TokenResource,
        tenant: Option<&str>,
    ) -> Result<AccessToken, AuthError>;

    /// The service refused the token it was given for (resource, tenant) with a 401: it
    /// expired early or was revoked. The next [`TokenSource::token`] fetches a fresh one
    /// instead of handing the same one out again. Sources that hold one fixed token cannot.
    async fn refused(&self, _resource: TokenResource, _tenant: Option<&str>) {}

    /// How the user signed in, e.g. "Azure CLI (adele@contoso.com)" or "device code".
    fn label(&self) -> String;

    /// Whether [`TokenSource::token`] can serve other tenants (and so tenant switching
    /// makes sense in the UI).
    fn can_switch_tenant(&self) -> bool;
}

/// Signs in with `config.method`, resolving [`AuthMethod::Auto`] to the first method
/// [`detect`] lists.
///
/// For device code, `on_prompt` first receives [`DeviceCodeEvent::Prompt`] (show it), then
/// progress while the user signs in; dropping the returned future cancels the sign-in.
/// The Azure CLI and azd are checked to be signed in here, so a signed-out tool fails now
/// with a "run `az login`" error rather than at the first Graph call.
pub async fn sign_in(
    config: &AuthConfig,
    mut on_prompt: impl FnMut(DeviceCodeEvent),
) -> Result<Arc<dyn TokenSource>, AuthError> {
    let detected = match config.method {
        AuthMethod::Auto => Some(detect::best(config).await),
        _ => None,
    };
    let method = detected.as_ref().map_or(config.method, |d| d.method);
    tracing::info!(?method, "signing in");
    Ok(match method {
        AuthMethod::Token => Arc::new(StaticTokenSource::new(config)?),
        AuthMethod::ClientSecret => Arc::new(ClientSecretSource::new(config)?),
        AuthMethod::AzureCli | AuthMethod::Azd => {
            let tool = if method == AuthMethod::AzureCli {
                Tool::AzureCli
            } else {
                Tool::Azd
            };
            let user = match detected {
                Some(detected) => detected.user,
                None => tool.check(config.tenant.as_deref()).await?,
            };
            Arc::new(Cached::wrapping(DeveloperCli::new(tool, config, user)))
        }
        // `best` never answers `Auto`; listing it here makes device code the fallback
        // rather than a panic.
        AuthMethod::DeviceCode | AuthMethod::Auto => {
            let flow = DeviceCodeFlow::start(config).await?;
            on_prompt(DeviceCodeEvent::Prompt(flow.prompt().clone()));
            Arc::new(flow.poll(on_prompt).await?)
        }
    })
}
