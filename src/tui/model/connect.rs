//! The Connect step's state: where the credentials go (the platform's API URL), the key that
//! may put them there (masked), Nango's integration key, and how sending them went.

use super::secret_input::SecretInput;
use super::text_input::TextInput;
use crate::cloud;
use crate::platform::{Connected, DEFAULT_NANGO_INTEGRATION, PlatformKind};
use crate::secret::SecretString;
use url::Url;

/// How a bad URL is named in its message: the field, not a command-line flag.
const URL_LABEL: &str = "The API URL";

/// A platform URL and key the wizard starts with: the demo simulator's, or a key from the
/// environment (the URL then comes from the preset's regions).
#[derive(Debug)]
pub struct PlatformPreset {
    pub kind: PlatformKind,
    pub url: Option<String>,
    pub key: SecretString,
    /// Where the key came from, for the field's label (`NYLAS_API_KEY`).
    pub source: String,
}

impl PlatformPreset {
    /// The key in the platform's environment variable, if set.
    pub fn from_env(kind: PlatformKind) -> Option<Self> {
        let key = std::env::var(kind.key_env())
            .ok()
            .filter(|k| !k.trim().is_empty())?;
        Some(Self {
            kind,
            url: None,
            key: SecretString::new(key),
            source: kind.key_env().to_owned(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectField {
    Url,
    Key,
    Integration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConnectPhase {
    /// Waiting for Enter (connect) or `s` (skip); also after a failure, whose message shows.
    Editing,
    Connecting,
    Connected(Box<Connected>),
}

#[derive(Debug)]
pub struct ConnectStep {
    pub kind: PlatformKind,
    pub url: TextInput,
    /// Why the preset gives no single URL (two regions, none): shown until one is typed.
    pub url_note: Option<String>,
    pub key: SecretInput,
    pub key_source: Option<String>,
    /// Nango's integration key; Nylas has one connector, `microsoft`.
    pub integration: TextInput,
    /// The field being typed in; none while Enter and `s` are keys, not text.
    pub focus: Option<ConnectField>,
    pub phase: ConnectPhase,
    /// What is missing or wrong (Enter with no key), or the platform's last refusal.
    pub problem: Option<String>,
}

impl ConnectStep {
    /// The step for `kind`, its URL from the preset's regions (`api`) unless `preset` names one.
    pub fn new(
        kind: PlatformKind,
        api: Result<String, String>,
        preset: Option<&PlatformPreset>,
    ) -> Self {
        let (url, url_note) = match (preset.and_then(|p| p.url.clone()), api) {
            (Some(url), _) | (None, Ok(url)) => (url, None),
            (None, Err(why)) => (String::new(), Some(why)),
        };
        Self {
            kind,
            url: TextInput::new(url),
            url_note,
            key: preset.map_or_else(SecretInput::default, |p| {
                SecretInput::new(p.key.duplicate())
            }),
            key_source: preset.map(|p| p.source.clone()),
            integration: TextInput::new(DEFAULT_NANGO_INTEGRATION),
            focus: None,
            phase: ConnectPhase::Editing,
            problem: None,
        }
    }

    /// The fields this platform asks for, in order.
    pub fn fields(&self) -> Vec<ConnectField> {
        let mut fields = vec![ConnectField::Url, ConnectField::Key];
        if self.kind == PlatformKind::Nango {
            fields.push(ConnectField::Integration);
        }
        fields
    }

    /// The URL, checked like every endpoint (https, or http to this machine); an empty one
    /// says why the preset gave none.
    pub fn checked_url(&self) -> Result<Url, String> {
        let url = self.url.value();
        if url.trim().is_empty() {
            return Err(self.url_note.clone().unwrap_or_else(|| {
                format!(
                    "The {} API URL is missing: type the address of its API.",
                    self.kind
                )
            }));
        }
        cloud::parse_endpoint(URL_LABEL, url).map_err(|bad| bad.to_string())
    }

    pub fn connected(&self) -> Option<&Connected> {
        match &self.phase {
            ConnectPhase::Connected(connected) => Some(connected),
            _ => None,
        }
    }
}

impl Default for ConnectStep {
    fn default() -> Self {
        Self::new(PlatformKind::Nylas, Ok(String::new()), None)
    }
}
