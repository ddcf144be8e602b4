//! The Optional settings step's state: the guides' optional steps (token configuration,
//! "Visible to users?", branding, publisher verification), all empty until the user sets one,
//! so Enter on an untouched step adds nothing.

use super::text_input::TextInput;
use crate::plan::{Logo, OptionalClaim, OptionalSettings, TokenKind};

/// The optional claims offered for the ID token: the ones the guides' users ask for.
pub const CLAIMS: [&str; 5] = [
    "email",
    "upn",
    "given_name",
    "family_name",
    "preferred_username",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsFocus {
    Claims,
    Visible,
    Homepage,
    Privacy,
    Terms,
    Logo,
    Publisher,
}

impl SettingsFocus {
    /// The fields that take text (then `q` and `?` are letters).
    pub fn is_text(self) -> bool {
        !matches!(self, SettingsFocus::Claims | SettingsFocus::Visible)
    }
}

/// The logo file named in the field, read by an effect (reading is I/O, `update` does none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LogoFile {
    /// No path, or one not read yet.
    #[default]
    Unread,
    Reading {
        path: String,
    },
    Read(Logo),
    Failed {
        path: String,
        why: String,
    },
}

#[derive(Debug)]
pub struct SettingsStep {
    pub focus: SettingsFocus,
    /// Index into [`CLAIMS`].
    pub claim_cursor: usize,
    /// One flag per [`CLAIMS`] entry, on the ID token.
    pub claims: [bool; CLAIMS.len()],
    /// "Visible to users?" No.
    pub hide_app: bool,
    pub homepage: TextInput,
    pub privacy: TextInput,
    pub terms: TextInput,
    pub logo_path: TextInput,
    pub logo: LogoFile,
    /// Enter waits for the logo being read, then goes on if it is fit.
    pub continue_when_read: bool,
    pub publisher: TextInput,
}

impl Default for SettingsStep {
    fn default() -> Self {
        Self {
            focus: SettingsFocus::Claims,
            claim_cursor: 0,
            claims: [false; CLAIMS.len()],
            hide_app: false,
            homepage: TextInput::default(),
            privacy: TextInput::default(),
            terms: TextInput::default(),
            logo_path: TextInput::default(),
            logo: LogoFile::Unread,
            continue_when_read: false,
            publisher: TextInput::default(),
        }
    }
}

impl SettingsStep {
    /// The fields in Tab order; the publisher only where Microsoft verifies publishers.
    pub fn fields(publisher_offered: bool) -> Vec<SettingsFocus> {
        let mut fields = vec![
            SettingsFocus::Claims,
            SettingsFocus::Visible,
            SettingsFocus::Homepage,
            SettingsFocus::Privacy,
            SettingsFocus::Terms,
            SettingsFocus::Logo,
        ];
        if publisher_offered {
            fields.push(SettingsFocus::Publisher);
        }
        fields
    }

    /// The trimmed path in the logo field, if any.
    pub fn logo_path(&self) -> Option<&str> {
        Some(self.logo_path.value().trim()).filter(|p| !p.is_empty())
    }

    /// The logo read from the path now in the field; a stale read (the path changed) is none.
    pub fn logo(&self) -> Option<&Logo> {
        match &self.logo {
            LogoFile::Read(logo) if self.logo_path() == Some(logo.source.as_str()) => Some(logo),
            _ => None,
        }
    }

    /// Whether the path in the field still has to be read before the step can go on.
    pub fn logo_unread(&self) -> bool {
        let path = self.logo_path();
        path.is_some()
            && self.logo().is_none()
            && !matches!(&self.logo, LogoFile::Failed { path: failed, .. } if Some(failed.as_str()) == path)
    }

    /// Why the logo in the field cannot be used, when it was read and is unfit.
    pub fn logo_problem(&self) -> Option<&str> {
        match &self.logo {
            LogoFile::Failed { path, why } if self.logo_path() == Some(path.as_str()) => Some(why),
            _ => None,
        }
    }

    /// The settings as chosen; `publisher_offered` leaves out a publisher the cloud lacks.
    pub fn chosen(&self, publisher_offered: bool) -> OptionalSettings {
        let text = |input: &TextInput| {
            Some(input.value().trim().to_owned()).filter(|value| !value.is_empty())
        };
        OptionalSettings {
            optional_claims: CLAIMS
                .iter()
                .zip(self.claims)
                .filter(|(_, on)| *on)
                .map(|(name, _)| OptionalClaim {
                    token: TokenKind::Id,
                    name: (*name).to_owned(),
                })
                .collect(),
            hide_app: self.hide_app,
            homepage_url: text(&self.homepage),
            privacy_url: text(&self.privacy),
            terms_url: text(&self.terms),
            logo: self.logo().cloned(),
            publisher_id: text(&self.publisher).filter(|_| publisher_offered),
        }
    }

    /// Each problem of the settings as typed, at its field.
    pub fn problems(&self, publisher_offered: bool) -> Vec<(SettingsFocus, String)> {
        let mut problems: Vec<(SettingsFocus, String)> = self
            .chosen(publisher_offered)
            .problems()
            .into_iter()
            .map(|(field, why)| {
                let focus = match field {
                    "homepage URL" => SettingsFocus::Homepage,
                    "privacy statement URL" => SettingsFocus::Privacy,
                    "terms of service URL" => SettingsFocus::Terms,
                    // "publisher id", the one other field the core checks.
                    _ => SettingsFocus::Publisher,
                };
                (focus, why)
            })
            .collect();
        if let Some(why) = self.logo_problem() {
            problems.push((SettingsFocus::Logo, why.to_owned()));
        }
        problems
    }

    /// The problem under `field`, if any.
    pub fn problem_at(&self, field: SettingsFocus, publisher_offered: bool) -> Option<String> {
        self.problems(publisher_offered)
            .into_iter()
            .find(|(at, _)| *at == field)
            .map(|(_, why)| why)
    }
}
