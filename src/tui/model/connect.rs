//! The Connect step's state: where the credentials go (the platform's API URL), the key that
//! may put them there (masked), Nango's integration key, and how sending them went.

use super::secret_input::SecretInput;
use super::text_input::TextInput;
use super::{Model, Task, redirect_uris};
use crate::cloud;
use crate::platform::{Connected, DEFAULT_NANGO_INTEGRATION, PlatformKind};
use crate::profile::Profile;
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
        Self::from_key(
            kind,
            &SecretString::new(std::env::var(kind.key_env()).ok()?),
        )
    }

    /// The environment's key without the spaces and line break around it (a header carries
    /// no newline); none when it is blank.
    fn from_key(kind: PlatformKind, key: &SecretString) -> Option<Self> {
        let key = key.expose().trim();
        if key.is_empty() {
            return None;
        }
        Some(Self {
            kind,
            url: None,
            key: SecretString::new(key.to_owned()),
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
    /// An attempt failed: the platform may still sign in with the old secret, so a rotation
    /// removes none, even once the user saves the new one.
    pub refused: bool,
    /// The connector or integration signs in as this other app: `o` offers to replace it.
    pub occupied_by: Option<String>,
    /// "Replace it?" is on screen, waiting for `y`.
    pub confirming_replace: bool,
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
            refused: false,
            occupied_by: None,
            confirming_replace: false,
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

    /// The integration key as Nango takes it, or why not.
    pub fn checked_integration(&self) -> Result<&str, String> {
        let key = self.integration.value().trim();
        if key.is_empty() {
            return Err(
                "The Nango integration key is missing (Nango's Outlook guide uses outlook).".into(),
            );
        }
        crate::platform::check_integration_key(key).map(|()| key)
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

impl Model {
    /// The platform's API for the app: for the regions chosen when registering, or for those
    /// whose redirect URI the checked app has. Nothing is guessed: an app in none of the
    /// preset's regions (or in several) leaves the address to the user.
    pub fn platform_api(&self, kind: PlatformKind) -> Result<String, String> {
        let profile = self.profile();
        let (regions, self_hosted) = match self.task {
            Task::Register => {
                let choices = self.choices();
                (choices.regions, choices.self_hosted_url)
            }
            Task::Check => {
                let registered = self
                    .findings
                    .application()
                    .map(redirect_uris)
                    .unwrap_or_default();
                let regions: Vec<String> = profile
                    .regions
                    .iter()
                    .filter(|r| registered.contains(&r.redirect_uri.as_str()))
                    .map(|r| r.id.clone())
                    .collect();
                if regions.is_empty() {
                    return Err(api_unknown(profile, kind, &regions));
                }
                (regions, None)
            }
        };
        profile
            .platform_api(&regions, self_hosted.as_deref())
            .map_err(|_| api_unknown(profile, kind, &regions))
    }
}

/// Why no one API address follows from the app's regions, in the wizard's words (the core's
/// names a command-line flag), and where to look for it.
fn api_unknown(profile: &Profile, kind: PlatformKind, regions: &[String]) -> String {
    let mut apis: Vec<&str> = profile
        .regions
        .iter()
        .filter_map(|r| r.api_url.as_deref())
        .collect();
    apis.dedup();
    let labels: Vec<&str> = profile
        .regions
        .iter()
        .filter(|r| regions.contains(&r.id))
        .map(|r| r.label.as_str())
        .collect();
    let why = match labels.as_slice() {
        [] => format!(
            "None of the app's redirect URIs is one of {}'s, so where its {kind} application lives cannot be told",
            profile.name
        ),
        [one] => format!("{} has no API address for {one}", profile.name),
        several => format!(
            "The app is registered for {}, but a {kind} application lives in one region",
            several.join(" and ")
        ),
    };
    match apis.as_slice() {
        [] => format!("{why}: type the address of your {kind} API."),
        _ => format!(
            "{why}: type the address of your {kind} API ({}).",
            apis.join(" or ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environments_key_loses_the_line_break_a_file_left_on_it() {
        let preset = PlatformPreset::from_key(
            PlatformKind::Nylas,
            &SecretString::new(" nyk_v0_key\n".into()),
        );
        assert!(preset.is_some_and(|p| p.key == *"nyk_v0_key"));
        let blank = SecretString::new(" \r\n".into());
        assert!(PlatformPreset::from_key(PlatformKind::Nango, &blank).is_none());
    }
}
