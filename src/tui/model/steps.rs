//! The state each step keeps while the user is on it, and keeps when the user goes back.

use super::permission_rows::AddedPermission;
use super::pick_list::{PickList, Searchable};
use super::scroll::Scroll;
use super::text_input::TextInput;
use crate::clipboard::{Cleared, Copied};
use crate::profile::Profile;
use crate::progress::Operation;
use crate::run::{Proof, ProveError, Removals, SettingResult};
use crate::secret::SecretString;
use crate::tui::msg::{DeviceCode, RunFailure, SignInFailure, SignInOption, TenantChoice};
use ratatui_textarea::TextArea;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct PlatformStep {
    pub cursor: usize,
    /// The profile the later steps were filled from; choosing another refills them.
    pub applied: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInPhase {
    Detecting,
    Choosing,
    Waiting,
    DeviceCode {
        code: DeviceCode,
        copied: Option<Copied>,
    },
    Failed(SignInFailure),
    SignedIn {
        account: String,
    },
}

#[derive(Debug)]
pub struct SignInStep {
    pub options: Vec<SignInOption>,
    pub cursor: usize,
    pub phase: SignInPhase,
}

impl Default for SignInStep {
    fn default() -> Self {
        Self {
            options: Vec::new(),
            cursor: 0,
            phase: SignInPhase::Detecting,
        }
    }
}

#[derive(Debug, Default)]
pub struct TenantStep {
    /// The tenants in ARM's order.
    pub list: PickList<TenantChoice>,
    pub chosen: Option<TenantChoice>,
}

impl Searchable for TenantChoice {
    fn search_text(&self) -> Vec<&str> {
        vec![&self.name, &self.default_domain, &self.id]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationFocus {
    Name,
    Audience,
}

#[derive(Debug)]
pub struct RegistrationStep {
    pub focus: RegistrationFocus,
    pub name: TextInput,
    /// Index into the profile's allowed audiences.
    pub audience: usize,
    /// Enter was pressed while the name had a problem: show it even on an empty field.
    pub show_problem: bool,
}

impl Default for RegistrationStep {
    fn default() -> Self {
        Self {
            focus: RegistrationFocus::Name,
            name: TextInput::default(),
            audience: 0,
            show_problem: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectFocus {
    /// The preset's region checkboxes, plus the self-hosted one when the platform has it.
    Regions,
    SelfHostedUrl,
    Extra,
    Implicit,
}

#[derive(Debug)]
pub struct RedirectStep {
    pub focus: RedirectFocus,
    pub cursor: usize,
    pub regions: Vec<bool>,
    pub self_hosted: bool,
    pub self_hosted_url: TextInput,
    pub extra: TextArea<'static>,
    pub access_tokens: bool,
    pub id_tokens: bool,
}

impl RedirectStep {
    pub fn for_profile(profile: &Profile) -> Self {
        Self {
            focus: RedirectFocus::Regions,
            cursor: 0,
            regions: profile.regions.iter().map(|r| r.default).collect(),
            self_hosted: false,
            self_hosted_url: TextInput::default(),
            extra: TextArea::default(),
            access_tokens: profile.implicit_access_tokens,
            id_tokens: profile.implicit_id_tokens,
        }
    }

    /// The extra URIs the user typed, one a line, blank lines ignored.
    pub fn extra_uris(&self) -> Vec<String> {
        self.extra
            .lines()
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionMode {
    Browse,
    Search,
    Import,
}

#[derive(Debug)]
pub struct PermissionStep {
    pub mode: PermissionMode,
    pub cursor: usize,
    /// One flag per profile capability.
    pub capabilities: Vec<bool>,
    /// `resource:Name` specs of preset permissions the user unticked.
    pub removed: Vec<String>,
    /// Permissions added by search or import.
    pub added: Vec<AddedPermission>,
    pub admin_consent: bool,
    pub query: TextInput,
    pub result_cursor: usize,
    pub import: TextArea<'static>,
    /// The last import's warnings, or why the pasted block could not be read.
    pub import_report: Option<Result<Vec<String>, String>>,
}

impl PermissionStep {
    pub fn for_profile(profile: &Profile) -> Self {
        Self {
            mode: PermissionMode::Browse,
            cursor: 0,
            capabilities: profile.capabilities.iter().map(|c| c.default).collect(),
            removed: Vec::new(),
            added: Vec::new(),
            admin_consent: false,
            query: TextInput::default(),
            result_cursor: 0,
            import: TextArea::default(),
            import_report: None,
        }
    }
}

/// The lifetimes the portal offers, plus a date of the user's choosing.
pub const LIFETIME_MONTHS: [u32; 3] = [6, 12, 24];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretFocus {
    Lifetime,
    Date,
    Description,
}

#[derive(Debug)]
pub struct SecretStep {
    pub focus: SecretFocus,
    /// Index into [`LIFETIME_MONTHS`]; one past the end is "a date".
    pub lifetime: usize,
    pub date: TextInput,
    pub description: TextInput,
}

impl SecretStep {
    pub fn for_profile(profile: &Profile) -> Self {
        let lifetime = LIFETIME_MONTHS
            .iter()
            .position(|m| *m == profile.secret_months)
            .unwrap_or(LIFETIME_MONTHS.len() - 1);
        Self {
            focus: SecretFocus::Lifetime,
            lifetime,
            date: TextInput::default(),
            description: TextInput::default(),
        }
    }

    pub fn custom_date(&self) -> bool {
        self.lifetime == LIFETIME_MONTHS.len()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReviewView {
    #[default]
    Summary,
    Requests,
    Manifest,
}

#[derive(Debug, Default)]
pub struct ReviewStep {
    pub view: ReviewView,
    pub scroll: Scroll,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpState {
    Running,
    Retrying(String),
    Done(String),
    Skipped(String),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpRow {
    pub op: Operation,
    pub state: OpState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CreatePhase {
    Running,
    Failed(RunFailure),
    /// The app and its secret exist, but the app never signed in with the secret: why, on
    /// screen; the secret is still handed over on the next step.
    SecretRefused(String),
    Finished,
}

#[derive(Debug)]
pub struct CreateStep {
    pub rows: Vec<OpRow>,
    pub phase: CreatePhase,
    pub attempt: u32,
}

impl Default for CreateStep {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            phase: CreatePhase::Running,
            attempt: 0,
        }
    }
}

#[derive(Debug, Default)]
pub struct RevealStep {
    pub secret: Option<SecretString>,
    pub hint: String,
    pub end_date_time: String,
    pub revealed: bool,
    /// Revealed or copied at least once: the user has had the value.
    pub seen: bool,
    pub copied: Option<Copied>,
    pub cleared: Option<Cleared>,
    /// "Have you saved it?" is on screen, waiting for `y`.
    pub confirming: bool,
    pub acknowledged: bool,
    /// What signing the app in with the secret showed.
    pub proof: Option<Result<Proof, ProveError>>,
}

/// The ids the summary shows; everything but the secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registered {
    pub tenant_id: String,
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub consent: String,
    pub secret_end: Option<String>,
}

#[derive(Debug, Default)]
pub struct DoneStep {
    pub registered: Registered,
    pub scroll: Scroll,
    pub written: Option<Result<PathBuf, String>>,
    /// The summary value copied last (its label), and how.
    pub copied: Option<(&'static str, Copied)>,
    /// The old secrets a rotation removed once the new one was handed over, or why not.
    pub removals: Option<Result<Removals, String>>,
    /// The logo and the publisher, sent beside the secret, and how each went.
    pub settings: Vec<SettingResult>,
}
