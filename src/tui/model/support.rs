//! Support mode: the state of checking an existing app — the tenant's apps to choose from, the
//! audit and its fix, and a new client secret.

use super::scroll::Scroll;
use super::steps::{LIFETIME_MONTHS, Registered};
use super::text_input::TextInput;
use crate::doctor::secrets::is_expired;
use crate::doctor::{self, Action, Finding, FixOptions, Inspection};
use crate::graph::models::{Application, PasswordCredential};
use crate::plan::{self, SecretLifetime};
use crate::run::Removal;
use crate::tui::msg::RunFailure;

/// What the wizard is for, chosen on the first screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Task {
    #[default]
    Register,
    Check,
}

impl Task {
    pub fn label(self) -> &'static str {
        match self {
            Task::Register => "Register a new app",
            Task::Check => "Check an existing app",
        }
    }
}

pub use crate::doctor::preset::{PROFILE_TAG, likely_profile, redirect_uris, tagged_profile};

#[derive(Debug, Clone, PartialEq)]
pub enum FindingsPhase {
    Reading,
    Audited,
    /// The fix's requests are on screen, waiting for `y`.
    ConfirmingFix,
    Fixing,
    Failed(RunFailure),
}

/// How the wizard knows which platform an app is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlatformSource {
    /// The `appreg-profile:` tag appreg put on the app.
    #[default]
    Tag,
    /// The app has no tag; the user named the platform.
    Chosen,
}

impl PlatformSource {
    pub fn describe(self) -> &'static str {
        match self {
            PlatformSource::Tag => "the platform in its appreg tag",
            PlatformSource::Chosen => "the platform you chose for it",
        }
    }
}

#[derive(Debug)]
pub struct FindingsStep {
    /// The app being checked: a late answer about another (the user went back and chose
    /// again) is dropped.
    pub app_id: String,
    pub phase: FindingsPhase,
    pub inspection: Option<Box<Inspection>>,
    pub findings: Vec<Finding>,
    /// How many requests the plain fix (`f`) sends, counted once per audit, not per frame.
    pub fixable: usize,
    /// The findings before the last fix, to say what it mended.
    pub fixed: Option<usize>,
    /// Admin consent is asked for (`a`): the audit checks it and the fix grants it.
    pub admin_consent: bool,
    /// The fix on screen or last sent: `f` adds and corrects, `x` removes the extras too.
    pub fix_options: FixOptions,
    /// Where the platform the app is judged against came from.
    pub platform_source: PlatformSource,
    pub scroll: Scroll,
}

impl Default for FindingsStep {
    fn default() -> Self {
        Self {
            app_id: String::new(),
            phase: FindingsPhase::Reading,
            inspection: None,
            findings: Vec::new(),
            fixable: 0,
            fixed: None,
            admin_consent: false,
            fix_options: FixOptions::default(),
            platform_source: PlatformSource::Tag,
            scroll: Scroll::default(),
        }
    }
}

impl FindingsStep {
    pub fn application(&self) -> Option<&Application> {
        self.inspection.as_ref().map(|i| &i.application)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateFocus {
    Lifetime,
    Removal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RotatePhase {
    Choosing,
    Running,
    Failed(RunFailure),
}

#[derive(Debug)]
pub struct RotateStep {
    pub focus: RotateFocus,
    /// Index into [`LIFETIME_MONTHS`]; one past the end is "until a date".
    pub lifetime: usize,
    /// The chosen expiry date, `YYYY-MM-DD`, for "until a date".
    pub date: TextInput,
    /// Index into [`RotateStep::removals`].
    pub removal: usize,
    pub phase: RotatePhase,
    /// Why Enter did not send (the secret limit), until the choice changes.
    pub problem: Option<String>,
    /// The secret an earlier run sent to the platform without learning the answer: removed
    /// with the old ones once the platform holds the new secret, never before.
    pub adopted: Option<String>,
}

impl Default for RotateStep {
    fn default() -> Self {
        Self {
            focus: RotateFocus::Lifetime,
            lifetime: LIFETIME_MONTHS.len() - 1,
            date: TextInput::default(),
            removal: 0,
            phase: RotatePhase::Choosing,
            problem: None,
            adopted: None,
        }
    }
}

impl RotateStep {
    /// What may go with the new secret: nothing (the default: the platform switches first),
    /// the expired ones when there are any, or one named secret.
    pub fn removals(secrets: &[PasswordCredential], any_expired: bool) -> Vec<Removal> {
        let mut options = vec![Removal::Nothing];
        if any_expired {
            options.push(Removal::Expired);
        }
        options.extend(secrets.iter().map(|s| Removal::Key(s.key_id.clone())));
        options
    }

    /// Whether "until a date" is chosen (the date field takes the typing).
    pub fn until_date(&self) -> bool {
        self.lifetime >= LIFETIME_MONTHS.len()
    }

    /// The chosen lifetime, checked by create's rules (1–24 months, a future date within
    /// them), or what is wrong with it.
    pub fn lifetime(&self, now: time::OffsetDateTime) -> Result<SecretLifetime, String> {
        let lifetime = match LIFETIME_MONTHS.get(self.lifetime) {
            Some(months) => SecretLifetime::Months(*months),
            None => SecretLifetime::Until(
                plan::parse_expiry_date(self.date.value())
                    .map_err(|e| format!("secret expiry: {e}"))?,
            ),
        };
        lifetime.check(now).map_err(|e| e.to_string())?;
        Ok(lifetime)
    }
}

impl super::Model {
    pub fn tenant_id(&self) -> Option<String> {
        self.tenant.chosen.as_ref().map(|t| t.id.clone())
    }

    /// The requests that mend the findings: adding and correcting only, unless `options`
    /// allow removing the extras.
    pub fn fix_steps(&self, options: FixOptions) -> Vec<plan::Step> {
        match &self.findings.inspection {
            Some(inspection) => doctor::fix_plan(
                &inspection.application,
                &inspection.context,
                &self.findings.findings,
                options,
            ),
            None => Vec::new(),
        }
    }

    /// Whether some finding is mended only by removing something (`x`).
    pub fn extras_to_remove(&self) -> bool {
        self.findings
            .findings
            .iter()
            .any(|f| f.action() == Some(Action::FixRemovingExtras))
    }

    /// The checked app's ids for the closing summary.
    pub fn checked_app(&self) -> Registered {
        let Some(app) = self.findings.application() else {
            return Registered::default();
        };
        Registered {
            tenant_id: self.tenant_id().unwrap_or_default(),
            object_id: app.id.clone(),
            app_id: app.app_id.clone(),
            display_name: app.display_name.clone().unwrap_or_default(),
            consent: String::new(),
            secret_end: self.done.registered.secret_end.clone(),
        }
    }

    /// The removal choices for the chosen app's secrets.
    pub fn removals(&self) -> Vec<Removal> {
        let secrets = self
            .findings
            .application()
            .map(|a| a.password_credentials.as_slice())
            .unwrap_or_default();
        let any_expired = secrets.iter().any(|s| is_expired(s, self.now));
        RotateStep::removals(secrets, any_expired)
    }
}
