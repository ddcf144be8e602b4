//! Platform presets (Nylas v3, Nylas v2, Nylas Streams, Nango, custom): what each platform needs
//! from the app registration. The presets live in `assets/profiles/*.toml`; users may load their own.

use crate::audience::Audience;
use crate::text;
use serde::Deserialize;
use std::path::Path;

const BUILT_IN: [&str; 5] = [
    include_str!("../assets/profiles/nylas-v3.toml"),
    include_str!("../assets/profiles/nylas-v2.toml"),
    include_str!("../assets/profiles/nylas-streams.toml"),
    include_str!("../assets/profiles/nango.toml"),
    include_str!("../assets/profiles/custom.toml"),
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub summary: String,
    /// Why the platform should not be chosen for new work, and what to use instead; the preset
    /// stays selectable for apps that still run on it.
    #[serde(default)]
    pub deprecated: Option<String>,
    /// The platform's recommended audience.
    pub audience: Audience,
    /// Audiences the platform works with, recommended first.
    pub allowed_audiences: Vec<Audience>,
    #[serde(default = "default_secret_months")]
    pub secret_months: u32,
    #[serde(default)]
    pub implicit_access_tokens: bool,
    #[serde(default)]
    pub implicit_id_tokens: bool,
    /// What to do with the result on the platform's side; `{client_id}`, `{client_secret}`,
    /// `{tenant_id}` and `{scopes}` are filled in on the summary.
    pub next_step: String,
    /// The platform whose API takes the client id and secret (`--connect`); none when the
    /// platform has only a dashboard for them.
    #[serde(default)]
    pub connect: Option<crate::platform::PlatformKind>,
    /// Where to put the credentials by hand, step by step, when there is no API.
    #[serde(default)]
    pub dashboard_steps: Vec<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub regions: Vec<Region>,
    pub self_hosted: Option<SelfHosted>,
    #[serde(default)]
    pub permissions: Vec<ResourceScopes>,
    #[serde(default)]
    pub capabilities: Vec<Capability>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub label: String,
    pub redirect_uri: String,
    /// The platform's API in this region, where `--connect` sends the credentials.
    #[serde(default)]
    pub api_url: Option<String>,
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SelfHosted {
    pub label: String,
    /// The redirect URI with `{base_url}` standing for the server's address.
    pub redirect_template: String,
}

/// Delegated scopes on one resource, by the catalog's short resource name (`graph`, `exchange`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResourceScopes {
    pub resource: String,
    pub scopes: Vec<String>,
}

/// An optional group of permissions a user switches on by what the integration does.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub id: String,
    pub label: String,
    pub resource: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub default: bool,
}

impl Capability {
    /// What the user should know before ticking it: when a permission of it stops working.
    pub fn note(&self) -> Option<String> {
        self.scopes
            .iter()
            .any(|s| crate::microsoft_dates::is_ews(s))
            .then(crate::microsoft_dates::ews_retirement)
    }
}

fn default_secret_months() -> u32 {
    24
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile '{name}': choose one of {known}")]
    Unknown { name: String, known: String },
    #[error("--profile-file: {0}")]
    Read(#[from] crate::bounded::ReadError),
    #[error("profile {origin} is not valid: {message}")]
    Invalid { origin: String, message: String },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegionError {
    #[error("{profile} has no region '{region}': choose {known}")]
    Unknown {
        profile: String,
        region: String,
        known: String,
    },
    #[error("{profile} has no preset regions: give its redirect URIs with --redirect-uri")]
    NoRegions { profile: String },
}

/// Regions a user named, resolved against a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenRegions<'p> {
    /// In the order named, each once.
    pub regions: Vec<&'p Region>,
    /// Said when names were read as the preset's only region.
    pub note: Option<String>,
}

impl Profile {
    pub fn parse(text: &str, origin: &str) -> Result<Self, ProfileError> {
        let invalid = |message: &str| ProfileError::Invalid {
            origin: text::one_line(origin).into_owned(),
            message: text::from_server(message),
        };
        // Through JSON, so every string a file gives is made safe for a terminal on the way in.
        let table: toml::Table = toml::from_str(text).map_err(|e| invalid(e.message()))?;
        let mut value = serde_json::to_value(table).map_err(|e| invalid(&e.to_string()))?;
        text::clean_json(&mut value);
        let profile: Profile =
            serde_json::from_value(value).map_err(|e| invalid(&e.to_string()))?;
        profile.check(origin)?;
        Ok(profile)
    }

    pub fn load_file(path: &Path) -> Result<Self, ProfileError> {
        let text = crate::bounded::read_file(path, crate::bounded::INPUT_CAP_BYTES)?;
        Self::parse(&text, &path.display().to_string())
    }

    fn check(&self, origin: &str) -> Result<(), ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            origin: origin.to_string(),
            message,
        };
        if !self.allowed_audiences.contains(&self.audience) {
            return Err(invalid(format!(
                "audience {} is not among allowed_audiences",
                self.audience
            )));
        }
        if !(1..=24).contains(&self.secret_months) {
            return Err(invalid("secret_months must be between 1 and 24".into()));
        }
        if let Some(sh) = &self.self_hosted
            && !sh.redirect_template.contains("{base_url}")
        {
            return Err(invalid(
                "self_hosted.redirect_template must contain {base_url}".into(),
            ));
        }
        Ok(())
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id.trim()))
    }

    /// A preset with one region serves every geography from it (Nango Cloud), so names it does
    /// not know (`us`, `eu`) mean that region, with a note; elsewhere they are errors.
    pub fn choose_regions(&self, ids: &[String]) -> Result<ChosenRegions<'_>, RegionError> {
        let mut chosen = ChosenRegions {
            regions: Vec::new(),
            note: None,
        };
        let mut unknown = Vec::new();
        for id in ids.iter().map(|id| id.trim()).filter(|id| !id.is_empty()) {
            match self.region(id) {
                Some(region) => push_once(&mut chosen.regions, region),
                None => unknown.push(id),
            }
        }
        let Some(first) = unknown.first() else {
            return Ok(chosen);
        };
        match self.regions.as_slice() {
            [] => Err(RegionError::NoRegions {
                profile: self.name.clone(),
            }),
            [only] => {
                chosen.note = Some(format!(
                    "{} has one redirect URI for every region: {} → {} ({})",
                    self.name,
                    unknown.join(", "),
                    only.label,
                    only.redirect_uri
                ));
                push_once(&mut chosen.regions, only);
                Ok(chosen)
            }
            _ => Err(RegionError::Unknown {
                profile: self.name.clone(),
                region: first.to_string(),
                known: self
                    .regions
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    pub fn default_regions(&self) -> Vec<&Region> {
        self.regions.iter().filter(|r| r.default).collect()
    }

    /// Whether the platform signs users in through redirect URIs of its own, and so works with
    /// their delegated tokens (and redeems codes with the secret); Custom may describe anything.
    pub fn signs_users_in(&self) -> bool {
        !self.regions.is_empty() || self.self_hosted.is_some()
    }

    /// Every region's redirect URI, in the preset's order.
    pub fn region_redirect_uris(&self) -> Vec<String> {
        self.regions
            .iter()
            .map(|r| r.redirect_uri.clone())
            .collect()
    }

    /// The self-hosted redirect URI for a server base URL (`https://nango.example.com`).
    pub fn self_hosted_redirect(&self, base_url: &str) -> Option<String> {
        self.self_hosted.as_ref().map(|sh| {
            sh.redirect_template
                .replace("{base_url}", base_url.trim().trim_end_matches('/'))
        })
    }

    /// The platform API `--connect` talks to for these regions (all of the preset's default
    /// ones when none are named) or this self-hosted server: exactly one, or a message saying
    /// why there is not.
    pub fn platform_api(
        &self,
        region_ids: &[String],
        self_hosted_url: Option<&str>,
    ) -> Result<String, String> {
        let Some(kind) = self.connect else {
            return Err(format!(
                "{} has no API for Microsoft credentials: enter them on its dashboard",
                self.name
            ));
        };
        if let Some(base) = self_hosted_url {
            return Ok(base.trim().trim_end_matches('/').to_owned());
        }
        let regions = if region_ids.is_empty() {
            self.default_regions()
        } else {
            self.choose_regions(region_ids)
                .map_err(|e| e.to_string())?
                .regions
        };
        let mut apis: Vec<&str> = regions
            .iter()
            .filter_map(|r| r.api_url.as_deref())
            .collect();
        apis.dedup();
        match apis.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => Err(format!(
                "{} has no API address for these regions: give it with {}",
                self.name,
                kind.url_flag()
            )),
            _ => Err(format!(
                "the app is registered for {}, but a {kind} application lives in one region: name its API with {} (e.g. {})",
                regions
                    .iter()
                    .map(|r| r.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" and "),
                kind.url_flag(),
                apis.join(" or ")
            )),
        }
    }

    /// What the user should know before planning with this preset: the deprecation first, then
    /// the preset's own warnings.
    pub fn notices(&self) -> Vec<String> {
        self.deprecated
            .iter()
            .chain(&self.warnings)
            .cloned()
            .collect()
    }

    pub fn capability(&self, id: &str) -> Option<&Capability> {
        self.capabilities
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
    }

    /// The capabilities named, each checked, or the preset's defaults when none are named.
    pub fn chosen_capabilities(
        &self,
        ids: Option<&[String]>,
    ) -> Result<Vec<&Capability>, ChoiceError> {
        let Some(ids) = ids else {
            return Ok(self.capabilities.iter().filter(|c| c.default).collect());
        };
        ids.iter()
            .map(|id| {
                self.capability(id)
                    .ok_or_else(|| ChoiceError::UnknownCapability {
                        profile: self.name.clone(),
                        capability: id.clone(),
                        known: self
                            .capabilities
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            })
            .collect()
    }

    /// The delegated permissions the preset needs with these capabilities, as (resource,
    /// scope): its base set, then each capability's. What plan registers and doctor expects.
    pub fn delegated_scopes<'p>(
        &'p self,
        capabilities: &[&'p Capability],
    ) -> Vec<(&'p str, &'p str)> {
        let base = self.permissions.iter().flat_map(|group| {
            group
                .scopes
                .iter()
                .map(|s| (group.resource.as_str(), s.as_str()))
        });
        let chosen = capabilities
            .iter()
            .flat_map(|c| c.scopes.iter().map(|s| (c.resource.as_str(), s.as_str())));
        base.chain(chosen).collect()
    }

    /// The platform's Web redirect URIs for a self-hosted server (first, when given) and these
    /// regions, each once. What plan registers and doctor expects.
    pub fn redirect_uris(
        &self,
        self_hosted_url: Option<&str>,
        regions: &[&Region],
    ) -> Result<Vec<String>, ChoiceError> {
        let mut uris = Vec::new();
        if let Some(base) = self_hosted_url.filter(|b| !b.trim().is_empty()) {
            let uri = self
                .self_hosted_redirect(base)
                .ok_or_else(|| ChoiceError::NoSelfHosted {
                    profile: self.name.clone(),
                })?;
            uris.push(uri);
        }
        for region in regions {
            if !uris.contains(&region.redirect_uri) {
                uris.push(region.redirect_uri.clone());
            }
        }
        Ok(uris)
    }
}

/// Choices that do not fit a preset.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChoiceError {
    #[error(transparent)]
    Region(#[from] RegionError),
    #[error("{profile} has no capability '{capability}': choose {known}")]
    UnknownCapability {
        profile: String,
        capability: String,
        known: String,
    },
    #[error("{profile} has no self-hosted option")]
    NoSelfHosted { profile: String },
}

/// The presets shipped with appreg, in the order the wizard lists them.
fn push_once<'p>(regions: &mut Vec<&'p Region>, region: &'p Region) {
    if !regions.iter().any(|r| r.id == region.id) {
        regions.push(region);
    }
}

pub fn built_in() -> Vec<Profile> {
    BUILT_IN
        .iter()
        .map(|text| {
            Profile::parse(text, "built-in").expect("built-in profiles are checked by tests")
        })
        .collect()
}

pub fn find(name: &str) -> Result<Profile, ProfileError> {
    let all = built_in();
    all.iter()
        .find(|p| p.id.eq_ignore_ascii_case(name.trim()))
        .cloned()
        .ok_or_else(|| ProfileError::Unknown {
            name: name.to_string(),
            known: all
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_parse_in_order() {
        let ids: Vec<_> = built_in().into_iter().map(|p| p.id).collect();
        assert_eq!(
            ids,
            ["nylas-v3", "nylas-v2", "nylas-streams", "nango", "custom"]
        );
    }

    #[test]
    fn presets_follow_the_platform_facts() {
        let v3 = find("nylas-v3").unwrap();
        assert_eq!(v3.audience, Audience::AzureADandPersonalMicrosoftAccount);
        assert_eq!(
            v3.region("eu").unwrap().redirect_uri,
            "https://api.eu.nylas.com/v3/connect/callback"
        );
        let streams = find("nylas-streams").unwrap();
        assert!(streams.implicit_access_tokens && streams.implicit_id_tokens);
        let nango = find("nango").unwrap();
        assert_eq!(
            nango
                .self_hosted_redirect("https://nango.acme.dev/")
                .unwrap(),
            "https://nango.acme.dev/oauth/callback"
        );
        assert_eq!(find("NYLAS-V2").unwrap().secret_months, 24);
    }

    #[test]
    fn only_nylas_v2_is_deprecated_and_only_ews_capabilities_carry_a_note() {
        for profile in built_in() {
            assert_eq!(
                profile.deprecated.is_some(),
                profile.id == "nylas-v2",
                "{}",
                profile.id
            );
            for capability in &profile.capabilities {
                assert_eq!(
                    capability.note().is_some(),
                    capability.id == "ews",
                    "{} {}",
                    profile.id,
                    capability.id
                );
                assert!(!capability.default || capability.id != "ews");
            }
        }
        let v2 = find("nylas-v2").unwrap();
        assert_eq!(v2.notices()[0], v2.deprecated.clone().unwrap());
        let note = v2.capability("ews").and_then(Capability::note).unwrap();
        assert_eq!(note, crate::microsoft_dates::ews_retirement());
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let err = find("nylas-v4").unwrap_err().to_string();
        assert!(err.contains("nylas-v3") && err.contains("nango"), "{err}");
    }

    #[test]
    fn user_profile_errors_name_the_problem() {
        let err = Profile::parse("id = 1", "mine.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mine.toml"), "{err}");
        let text = include_str!("../assets/profiles/custom.toml")
            .replace("secret_months = 24", "secret_months = 36");
        let err = Profile::parse(&text, "mine.toml").unwrap_err().to_string();
        assert!(err.contains("secret_months"), "{err}");
    }

    #[test]
    fn a_profile_file_cannot_steer_the_terminal() {
        let text = include_str!("../assets/profiles/custom.toml")
            .replace(
                r#"name = "Custom""#,
                r#"name = "Mine\u001b]0;owned\u0007\u202e""#,
            )
            .replace(r#"summary = "Any"#, r#"summary = "\u001b[2JAny"#);
        let profile = Profile::parse(&text, "mine.toml").unwrap();
        assert_eq!(profile.name, "Mine]0;owned");
        assert!(profile.summary.starts_with("[2JAny"), "{}", profile.summary);
        let err = Profile::parse(
            r#"id = "x\u001b[2J"
name = 1"#,
            "mine\u{1b}.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(!err.chars().any(text::is_unsafe), "{err:?}");
    }
}
