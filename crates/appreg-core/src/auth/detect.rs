//! Which sign-in methods work right now, in the order `--auth auto` tries them.

use super::developer_cli::Tool;
use super::{AuthConfig, AuthMethod};

/// A sign-in method that is usable now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    pub method: AuthMethod,
    /// What to show, e.g. "Azure CLI (adele@contoso.com)".
    pub label: String,
    /// The signed-in user, when the tool tells (the Azure CLI does).
    pub user: Option<String>,
}

impl Detected {
    fn new(method: AuthMethod, label: &str, user: Option<String>) -> Self {
        let label = match &user {
            Some(user) => format!("{label} ({user})"),
            None => label.to_owned(),
        };
        Self {
            method,
            label,
            user,
        }
    }
}

/// The usable methods, best first: a token handed in (APPREG_ACCESS_TOKEN), an app secret
/// (APPREG_CLIENT_SECRET with --tenant), the Azure CLI when signed in, the Azure Developer
/// CLI when signed in, and device code, which always works. The two CLIs are asked at the
/// same time, each with a timeout; an uninstalled or signed-out tool is simply left out.
pub async fn detect(config: &AuthConfig) -> Vec<Detected> {
    let mut found = handed_in(config);
    let tenant = config.tenant.as_deref();
    let (az, azd) = tokio::join!(Tool::AzureCli.check(tenant), Tool::Azd.check(tenant));
    match az {
        Ok(user) => found.push(Detected::new(AuthMethod::AzureCli, "Azure CLI", user)),
        Err(e) => tracing::debug!(error = %e, "Azure CLI not usable"),
    }
    match azd {
        Ok(user) => found.push(Detected::new(AuthMethod::Azd, "Azure Developer CLI", user)),
        Err(e) => tracing::debug!(error = %e, "Azure Developer CLI not usable"),
    }
    found.push(Detected::new(AuthMethod::DeviceCode, "device code", None));
    found
}

/// What `--auth auto` picks: the first of [`detect`], without starting `az` or `azd` when a
/// token or secret was handed in (CI runners often have an `az` that is not signed in).
pub(crate) async fn best(config: &AuthConfig) -> Detected {
    let mut found = handed_in(config);
    if found.is_empty() {
        found = detect(config).await;
    }
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| Detected::new(AuthMethod::DeviceCode, "device code", None))
}

/// Methods whose material came with the configuration; checking them starts no process.
fn handed_in(config: &AuthConfig) -> Vec<Detected> {
    let mut found = Vec::new();
    if config
        .static_token
        .as_ref()
        .is_some_and(|t| !t.expose().trim().is_empty())
    {
        found.push(Detected::new(
            AuthMethod::Token,
            "token from APPREG_ACCESS_TOKEN",
            None,
        ));
    }
    // A secret with no tenant cannot sign in, so it does not count as usable.
    if config.client_secret.as_ref().is_some_and(|s| !s.is_empty()) && config.tenant.is_some() {
        let label = format!("client secret (app {})", config.client_id);
        found.push(Detected::new(AuthMethod::ClientSecret, &label, None));
    }
    found
}
