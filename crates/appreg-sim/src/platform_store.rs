//! What the simulated Nylas application and Nango environment hold: one API key each,
//! Nylas connectors and Nango integrations. The client secret each was given lives here in
//! memory only; neither platform serves it back (Nango only with `include=credentials`).

use appreg_core::secret::SecretString;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::SimConfig;

/// Nylas's connector providers: the Node SDK's `Provider` (`models/auth.ts`: google, imap,
/// microsoft, virtual-calendar) and the later icloud, yahoo, ews and zoom (ex_nylas
/// `Connector.provider`).
pub(crate) const NYLAS_PROVIDERS: [&str; 8] = [
    "google",
    "imap",
    "microsoft",
    "icloud",
    "virtual-calendar",
    "yahoo",
    "ews",
    "zoom",
];

/// Nylas providers whose connector is an OAuth app: `settings.client_id` and
/// `settings.client_secret` are required (API reference, "Create a connector").
pub(crate) const NYLAS_OAUTH_PROVIDERS: [&str; 2] = ["google", "microsoft"];

/// The Nango providers the simulator knows, with their `display_name`, from NangoHQ/nango
/// `packages/providers/providers.yaml`. All use `auth_mode: OAUTH2`.
const NANGO_PROVIDERS: [(&str, &str); 5] = [
    ("microsoft", "Microsoft"),
    ("microsoft-tenant-specific", "Microsoft (Tenant)"),
    ("outlook", "Outlook"),
    ("google", "Google"),
    ("google-mail", "Gmail"),
];

/// The display name Nango gives a provider's integrations that have none of their own.
pub(crate) fn nango_provider_name(provider: &str) -> Option<&'static str> {
    NANGO_PROVIDERS
        .iter()
        .find(|(key, _)| *key == provider)
        .map(|(_, name)| *name)
}

pub(crate) struct Platforms {
    pub nylas_api_key: String,
    pub nango_secret_key: String,
    pub connectors: Vec<Connector>,
    pub integrations: Vec<Integration>,
}

impl Platforms {
    pub fn new(config: &SimConfig) -> Self {
        Platforms {
            nylas_api_key: config.nylas_api_key.clone(),
            nango_secret_key: config.nango_secret_key.clone(),
            connectors: Vec::new(),
            integrations: Vec::new(),
        }
    }
}

/// A Nylas connector: one per provider in the application.
pub(crate) struct Connector {
    pub provider: String,
    pub name: Option<String>,
    /// The settings as given, minus `client_secret`.
    pub settings: Map<String, Value>,
    pub client_secret: Option<SecretString>,
    pub scope: Vec<String>,
}

impl Connector {
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.get(key).and_then(Value::as_str)
    }
}

/// A Nango integration with its OAuth app credentials.
pub(crate) struct Integration {
    pub unique_key: String,
    pub provider: String,
    pub display_name: Option<String>,
    pub forward_webhooks: bool,
    pub client_id: String,
    pub client_secret: SecretString,
    /// One comma-separated string, as Nango stores it.
    pub scopes: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Integration {
    /// What Nango shows: the integration's own name, else its provider's.
    pub fn shown_name(&self) -> String {
        self.display_name
            .clone()
            .or_else(|| nango_provider_name(&self.provider).map(str::to_owned))
            .unwrap_or_else(|| self.provider.clone())
    }
}
