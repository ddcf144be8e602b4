//! The platforms' own APIs, where the client id and secret go after registration: Nylas v3's
//! connectors and Nango's integrations. Each is read first, then created or updated, so a
//! re-run (or an answer lost on the way) never makes a second one.
//!
//! Platform API keys are secrets like tokens: they live in a [`SecretString`], travel only in
//! the `Authorization` header, and are never logged or journaled.

mod api;
mod error;
mod nango;
mod nylas;

pub use error::PlatformError;
pub use nango::check_integration_key;

use crate::progress::Reporter;
use crate::secret::SecretString;
use serde::{Deserialize, Serialize};
use std::fmt;
use url::Url;

/// A platform with an API for Microsoft credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    /// Nylas API v3: the `microsoft` connector of a Nylas application.
    Nylas,
    /// Nango: an integration of one Nango environment.
    Nango,
}

impl PlatformKind {
    /// The environment variable that holds the platform's API key.
    pub fn key_env(self) -> &'static str {
        match self {
            PlatformKind::Nylas => "NYLAS_API_KEY",
            PlatformKind::Nango => "NANGO_SECRET_KEY",
        }
    }

    /// What the key is called on the platform's dashboard.
    pub fn key_name(self) -> &'static str {
        match self {
            PlatformKind::Nylas => "Nylas API key",
            PlatformKind::Nango => "Nango secret key",
        }
    }

    /// The command-line flag that overrides the platform's URL.
    pub fn url_flag(self) -> &'static str {
        match self {
            PlatformKind::Nylas => "--nylas-url",
            PlatformKind::Nango => "--nango-url",
        }
    }

    /// What is created or updated there, for messages.
    pub fn thing(self) -> &'static str {
        match self {
            PlatformKind::Nylas => "connector",
            PlatformKind::Nango => "integration",
        }
    }
}

impl fmt::Display for PlatformKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PlatformKind::Nylas => "Nylas",
            PlatformKind::Nango => "Nango",
        })
    }
}

/// Nango's integration key when none is named: the key its Outlook guide uses.
pub const DEFAULT_NANGO_INTEGRATION: &str = "outlook";

/// Where the credentials go, and the key that may put them there.
#[derive(Debug)]
pub struct Target {
    pub kind: PlatformKind,
    /// The API's base URL (checked: https, or http to this machine).
    pub base_url: Url,
    pub key: SecretString,
    /// Nango's integration key; Nylas has one connector per provider, `microsoft`.
    pub integration: String,
}

impl Target {
    pub fn new(kind: PlatformKind, base_url: Url, key: SecretString) -> Self {
        let integration = match kind {
            PlatformKind::Nylas => nylas::PROVIDER,
            PlatformKind::Nango => DEFAULT_NANGO_INTEGRATION,
        };
        Self {
            kind,
            base_url,
            key,
            integration: integration.to_owned(),
        }
    }

    /// Another Nango integration key than `outlook`.
    pub fn with_integration(mut self, integration: &str) -> Self {
        if self.kind == PlatformKind::Nango {
            self.integration = integration.to_owned();
        }
        self
    }

    /// Where it lives, for people: the base URL without anything secret.
    pub fn describe(&self) -> String {
        format!(
            "the {kind} {thing} '{name}' at {url}",
            kind = self.kind,
            thing = self.kind.thing(),
            name = self.integration,
            url = crate::http::redacted(self.base_url.as_str()),
        )
    }
}

/// What the platform is given.
#[derive(Debug)]
pub struct Credentials<'a> {
    pub client_id: &'a str,
    pub secret: &'a SecretString,
    /// The app's tenant when only its own organisation signs in: the platform must sign in
    /// there, not through `common` (AADSTS50194).
    pub single_tenant: Option<&'a str>,
    /// Delegated scopes, by name (`offline_access`, `Mail.Read`).
    pub scopes: Vec<String>,
    /// An update leaves the platform's scopes as they are: a rotation changes the secret, not
    /// what users consent to. A new connector or integration still gets `scopes`.
    pub keep_scopes: bool,
    /// The app's display name, for a new Nango integration.
    pub display_name: &'a str,
    /// May take over a connector or integration that another app signs in as.
    pub replace: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Updated,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Updated => "updated",
        })
    }
}

/// The platform holds the credentials now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connected {
    pub kind: PlatformKind,
    pub action: Action,
    pub url: String,
    /// Nylas: the provider (`microsoft`); Nango: the integration key.
    pub integration: String,
    /// The provider the platform signs in with (`microsoft`, `microsoft-tenant-specific`).
    pub provider: String,
    pub client_id: String,
    pub tenant: Option<String>,
    /// The scopes sent; empty when the platform's were kept.
    pub scopes: Vec<String>,
    /// What was there before and changed, worth telling the user.
    pub notes: Vec<String>,
    /// The connector or integration signed in as this same app before the update: it used
    /// one of the app's older secrets, which a rotation may now remove. Not so for a new one,
    /// or one taken over from another app: whatever used the old secret still does.
    pub was_this_app: bool,
}

/// Sends `credentials` to the platform: reads what is there, then creates or updates it. A
/// write whose answer was lost is followed by a fresh read, never by a blind second create.
pub async fn connect(
    target: &Target,
    credentials: &Credentials<'_>,
    reporter: &Reporter,
) -> Result<Connected, PlatformError> {
    tokio::time::timeout(DEADLINE, connect_within(target, credentials, reporter))
        .await
        .unwrap_or(Err(PlatformError::OutOfTime {
            platform: target.kind,
            waited: DEADLINE,
        }))
}

/// The longest the whole read-then-write may take, retries included.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

async fn connect_within(
    target: &Target,
    credentials: &Credentials<'_>,
    reporter: &Reporter,
) -> Result<Connected, PlatformError> {
    let api = api::Api::new(target, reporter)?;
    let mut round = 1;
    loop {
        let result = match target.kind {
            PlatformKind::Nylas => nylas::connect(&api, credentials).await,
            PlatformKind::Nango => nango::connect(&api, &target.integration, credentials).await,
        };
        match result {
            Err(error) if error.answer_may_be_lost() && round < api::ROUNDS => round += 1,
            other => {
                return other.map(|(action, provider, notes, was_this_app)| Connected {
                    kind: target.kind,
                    action,
                    url: crate::http::redacted(target.base_url.as_str()),
                    integration: target.integration.clone(),
                    provider,
                    client_id: credentials.client_id.to_owned(),
                    tenant: credentials.single_tenant.map(str::to_owned),
                    scopes: if credentials.keep_scopes && action == Action::Updated {
                        Vec::new()
                    } else {
                        credentials.scopes.clone()
                    },
                    notes,
                    was_this_app,
                });
            }
        }
    }
}

/// What a platform-specific connect returns: the action, the provider, notes.
type Done = (Action, String, Vec<String>, bool);
