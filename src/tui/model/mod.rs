//! The wizard's whole state. Views read it; only [`crate::tui::update`] changes it.

mod apps;
mod checks;
mod connect;
mod permission_rows;
mod pick_list;
mod readline;
mod scroll;
mod secret_input;
mod settings;
mod status;
mod steps;
mod summary;
mod support;
mod text_input;

pub use apps::{AppSort, AppsStep, FleetAudit, sort_apps};
pub use connect::{ConnectField, ConnectPhase, ConnectStep, PlatformPreset};
pub use permission_rows::{ADMIN_BADGE, AddedPermission, PermissionRow};
pub use pick_list::{Load, PickList, Searchable};
pub use readline::{LineEdit, edit_area};
pub use scroll::{Extent, Scroll};
pub use secret_input::SecretInput;
pub use settings::{CLAIMS, LogoFile, SettingsFocus, SettingsStep};
pub use status::{Call, CallState, StatusLog};
pub use steps::*;
pub use summary::{CLIENT_ID_LABEL, SECRET_PLACEHOLDER, connected_summary, proof_words};
pub use support::*;
pub use text_input::TextInput;

use crate::catalog::Catalog;
use crate::plan::{self, Choices, ImplicitGrant, Plan, PlanError, SecretLifetime};
use crate::profile::Profile;
use crate::run::{Proof, ProveError};
use std::time::Duration;
use time::{Date, OffsetDateTime};

/// Every screen, in the order both tasks pass them (so `<` means "earlier" in either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Platform,
    SignIn,
    Tenant,
    Registration,
    RedirectUris,
    Permissions,
    Secret,
    Settings,
    Review,
    Create,
    Apps,
    Findings,
    Rotate,
    Connect,
    Reveal,
    Done,
}

/// Each task's steps; Connect only for a platform with an API for the credentials. The
/// optional settings come after the secret, as in the portal's Manage menu, where Token
/// configuration follows Certificates & secrets, and as in the guides, which leave branding
/// and publisher verification for last: the required steps stay first and together.
const REGISTER_STEPS: [Step; 13] = [
    Step::Platform,
    Step::SignIn,
    Step::Tenant,
    Step::Registration,
    Step::RedirectUris,
    Step::Permissions,
    Step::Secret,
    Step::Settings,
    Step::Review,
    Step::Create,
    Step::Connect,
    Step::Reveal,
    Step::Done,
];

const CHECK_STEPS: [Step; 9] = [
    Step::Platform,
    Step::SignIn,
    Step::Tenant,
    Step::Apps,
    Step::Findings,
    Step::Rotate,
    Step::Connect,
    Step::Reveal,
    Step::Done,
];

impl Step {
    pub const ALL: [Step; 16] = [
        Step::Platform,
        Step::SignIn,
        Step::Tenant,
        Step::Registration,
        Step::RedirectUris,
        Step::Permissions,
        Step::Secret,
        Step::Settings,
        Step::Review,
        Step::Create,
        Step::Apps,
        Step::Findings,
        Step::Rotate,
        Step::Connect,
        Step::Reveal,
        Step::Done,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Platform => "Platform",
            Step::SignIn => "Sign in",
            Step::Tenant => "Tenant",
            Step::Registration => "Registration",
            Step::RedirectUris => "Redirect URIs",
            Step::Permissions => "API permissions",
            Step::Secret => "Client secret",
            Step::Settings => "Settings",
            Step::Review => "Review",
            Step::Create => "Create",
            Step::Apps => "App",
            Step::Findings => "Findings",
            Step::Rotate => "New secret",
            Step::Connect => "Connect",
            Step::Reveal => "Copy the secret",
            Step::Done => "Done",
        }
    }
}

impl Step {
    /// A step that may be passed without changing anything; the step list says so.
    pub fn is_optional(self) -> bool {
        self == Step::Settings
    }
}

impl Task {
    pub fn steps(self) -> &'static [Step] {
        match self {
            Task::Register => &REGISTER_STEPS,
            Task::Check => &CHECK_STEPS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Done,
    Current,
    Running,
    Failed,
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// Every Graph call of the session, not just the last few the pane under the steps shows.
    Log,
    /// Quitting now would lose something; the text says what.
    ConfirmQuit(String),
}

/// Smallest terminal the layout is designed for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

const SPINNER_TICK: Duration = Duration::from_millis(120);
const COUNTDOWN_TICK: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Model {
    pub task: Task,
    pub demo: bool,
    pub monochrome: bool,
    /// Seconds the secret stays on the clipboard, shown on the reveal screen.
    pub clipboard_clear_after: Duration,
    /// The sign-in authority, for the admin-consent link.
    pub login_url: String,
    pub now: OffsetDateTime,
    /// Advances on every tick; drives spinners.
    pub frame: usize,
    pub size: (u16, u16),
    pub step: Step,
    pub profiles: Vec<Profile>,
    pub catalog: Catalog,
    pub platform: PlatformStep,
    pub sign_in: SignInStep,
    pub tenant: TenantStep,
    pub registration: RegistrationStep,
    pub redirects: RedirectStep,
    pub permissions: PermissionStep,
    pub secret: SecretStep,
    pub settings: SettingsStep,
    /// Microsoft verifies publishers in its global cloud only: elsewhere the field is hidden.
    pub publisher_verification: bool,
    pub review: ReviewStep,
    pub create: CreateStep,
    pub reveal: RevealStep,
    pub done: DoneStep,
    pub apps: AppsStep,
    pub findings: FindingsStep,
    pub rotate: RotateStep,
    pub connect: ConnectStep,
    /// Platform URLs and keys known at start (the environment's, the demo's), for Connect.
    pub platform_presets: Vec<PlatformPreset>,
    pub status: StatusLog,
    pub status_scroll: Scroll,
    pub overlay: Option<Overlay>,
    pub help_scroll: Scroll,
    pub log_scroll: Scroll,
    pub quit: bool,
}

/// How the wizard starts; the run loop fills it from the command line and the environment.
#[derive(Debug)]
pub struct Setup {
    pub demo: bool,
    pub monochrome: bool,
    pub clipboard_clear_after: Duration,
    pub login_url: String,
    pub now: OffsetDateTime,
    pub size: (u16, u16),
    pub platform_presets: Vec<PlatformPreset>,
    /// The cloud offers publisher verification (the global one).
    pub publisher_verification: bool,
}

impl Model {
    pub fn new(setup: Setup) -> Self {
        let profiles = crate::profile::built_in();
        let first = &profiles[0];
        let redirects = RedirectStep::for_profile(first);
        let permissions = PermissionStep::for_profile(first);
        let secret = SecretStep::for_profile(first);
        Self {
            task: Task::default(),
            demo: setup.demo,
            monochrome: setup.monochrome,
            clipboard_clear_after: setup.clipboard_clear_after,
            login_url: setup.login_url,
            now: setup.now,
            frame: 0,
            size: setup.size,
            step: Step::Platform,
            catalog: Catalog::offline(),
            platform: PlatformStep {
                cursor: 0,
                applied: Some(0),
            },
            sign_in: SignInStep::default(),
            tenant: TenantStep::default(),
            registration: RegistrationStep::default(),
            redirects,
            permissions,
            secret,
            settings: SettingsStep::default(),
            publisher_verification: setup.publisher_verification,
            review: ReviewStep::default(),
            create: CreateStep::default(),
            reveal: RevealStep::default(),
            done: DoneStep::default(),
            apps: AppsStep::default(),
            findings: FindingsStep::default(),
            rotate: RotateStep::default(),
            connect: ConnectStep::default(),
            platform_presets: setup.platform_presets,
            status: StatusLog::default(),
            status_scroll: Scroll::following_end(),
            overlay: None,
            help_scroll: Scroll::default(),
            log_scroll: Scroll::following_end(),
            quit: false,
            profiles,
        }
    }

    /// The current task's steps, in order; Connect only when the platform takes the
    /// credentials through an API.
    pub fn steps(&self) -> Vec<Step> {
        let connects = self.profile().connect.is_some();
        self.task
            .steps()
            .iter()
            .copied()
            .filter(|s| *s != Step::Connect || connects)
            .collect()
    }

    /// 1-based position of the current step in its task.
    pub fn step_number(&self) -> usize {
        self.steps()
            .iter()
            .position(|s| *s == self.step)
            .map_or(1, |i| i + 1)
    }

    /// The step Esc returns to: none on the first, and none once something was sent that a
    /// step back would not undo (the app exists, a fix or a new secret is under way).
    pub fn back_step(&self) -> Option<Step> {
        let busy = match self.step {
            Step::Platform | Step::Create | Step::Connect | Step::Reveal | Step::Done => true,
            Step::Findings => matches!(
                self.findings.phase,
                FindingsPhase::Fixing | FindingsPhase::ConfirmingFix
            ),
            Step::Rotate => self.rotate.phase == RotatePhase::Running,
            _ => false,
        };
        if busy {
            return None;
        }
        let steps = self.steps();
        let index = steps.iter().position(|s| *s == self.step)?;
        index.checked_sub(1).map(|i| steps[i])
    }

    /// The platform the later steps are filled from.
    pub fn profile(&self) -> &Profile {
        let index = self.platform.applied.unwrap_or(self.platform.cursor);
        &self.profiles[index.min(self.profiles.len() - 1)]
    }

    /// Refills the later steps from another platform's preset; the app name is kept.
    pub fn apply_profile(&mut self, index: usize) {
        if self.platform.applied == Some(index) {
            return;
        }
        self.platform.applied = Some(index);
        let profile = &self.profiles[index];
        self.registration.audience = 0;
        self.redirects = RedirectStep::for_profile(profile);
        self.permissions = PermissionStep::for_profile(profile);
        self.secret = SecretStep::for_profile(profile);
    }

    pub fn audience(&self) -> crate::audience::Audience {
        let allowed = &self.profile().allowed_audiences;
        allowed
            .get(self.registration.audience)
            .copied()
            .unwrap_or(self.profile().audience)
    }

    /// The custom expiry date, when one is chosen and parses.
    pub fn secret_date(&self) -> Result<Date, String> {
        crate::plan::parse_expiry_date(self.secret.date.value())
    }

    /// When the secret would expire if sent now. The exact instant is fixed when the secret is
    /// sent (it counts from then), so before that only the date is shown, as an estimate.
    pub fn secret_expiry_estimate(&self) -> String {
        format!("about {}", self.secret_lifetime().end(self.now).date())
    }

    pub fn secret_lifetime(&self) -> SecretLifetime {
        match LIFETIME_MONTHS.get(self.secret.lifetime) {
            Some(months) => SecretLifetime::Months(*months),
            // An unparsable date is reported on the secret step; the plan keeps the preset meanwhile.
            None => self
                .secret_date()
                .map(SecretLifetime::Until)
                .unwrap_or(SecretLifetime::Months(self.profile().secret_months)),
        }
    }

    pub fn choices(&self) -> Choices {
        let profile = self.profile();
        let redirects = &self.redirects;
        let regions = profile
            .regions
            .iter()
            .zip(&redirects.regions)
            .filter(|(_, on)| **on)
            .map(|(r, _)| r.id.clone())
            .collect();
        let capabilities = profile
            .capabilities
            .iter()
            .zip(&self.permissions.capabilities)
            .filter(|(_, on)| **on)
            .map(|(c, _)| c.id.clone())
            .collect();
        Choices {
            settings: self.settings.chosen(self.publisher_verification),
            display_name: self.registration.name.value().to_string(),
            tenant: self.tenant.chosen.as_ref().map(|t| t.id.clone()),
            audience: Some(self.audience()),
            regions,
            self_hosted_url: redirects
                .self_hosted
                .then(|| redirects.self_hosted_url.value().trim().to_string()),
            extra_redirect_uris: redirects.extra_uris(),
            capabilities: Some(capabilities),
            extra_permissions: self
                .permissions
                .added
                .iter()
                .map(AddedPermission::spec)
                .collect(),
            removed_permissions: self.permissions.removed.clone(),
            implicit_grant: Some(ImplicitGrant {
                access_tokens: redirects.access_tokens,
                id_tokens: redirects.id_tokens,
            }),
            secret_lifetime: Some(self.secret_lifetime()),
            secret_description: Some(self.secret.description.value().to_string()),
            admin_consent: self.permissions.admin_consent,
            tags: Vec::new(),
        }
    }

    /// The plan as chosen so far, with the warnings the user should see.
    pub fn plan(&self) -> Result<(Plan, Vec<String>), PlanError> {
        plan::from_profile(self.profile(), &self.catalog, &self.choices())
    }

    pub fn status_of(&self, step: Step) -> StepStatus {
        if step == self.step {
            return match step {
                Step::Create
                    if matches!(
                        self.create.phase,
                        CreatePhase::Failed(_) | CreatePhase::SecretRefused(_)
                    ) =>
                {
                    StepStatus::Failed
                }
                Step::Connect
                    if self.connect.phase == ConnectPhase::Editing
                        && self.connect.problem.is_some() =>
                {
                    StepStatus::Failed
                }
                Step::Findings if matches!(self.findings.phase, FindingsPhase::Failed(_)) => {
                    StepStatus::Failed
                }
                Step::Rotate if matches!(self.rotate.phase, RotatePhase::Failed(_)) => {
                    StepStatus::Failed
                }
                _ if self.step_is_working() => StepStatus::Running,
                _ => StepStatus::Current,
            };
        }
        if step < self.step && !self.skipped(step) {
            StepStatus::Done
        } else {
            StepStatus::Pending
        }
    }

    /// Support mode may finish without a new secret, and Connect may be skipped: such steps
    /// were passed, not done.
    fn skipped(&self, step: Step) -> bool {
        match step {
            Step::Rotate | Step::Reveal => self.reveal.end_date_time.is_empty(),
            Step::Connect => self.connect.connected().is_none(),
            _ => false,
        }
    }

    /// The step after `step` in the current task.
    pub fn step_after(&self, step: Step) -> Step {
        let steps = self.steps();
        steps
            .iter()
            .position(|s| *s == step)
            .and_then(|i| steps.get(i + 1))
            .copied()
            .unwrap_or(Step::Done)
    }

    fn step_is_working(&self) -> bool {
        match self.step {
            Step::SignIn => matches!(
                self.sign_in.phase,
                SignInPhase::Detecting | SignInPhase::Waiting | SignInPhase::DeviceCode { .. }
            ),
            Step::Tenant => self.tenant.list.load == Load::Loading,
            Step::Settings => matches!(self.settings.logo, LogoFile::Reading { .. }),
            Step::Create => self.create.phase == CreatePhase::Running,
            Step::Apps => matches!(self.apps.list.load, Load::Loading),
            Step::Findings => matches!(
                self.findings.phase,
                FindingsPhase::Reading | FindingsPhase::Fixing
            ),
            Step::Rotate => self.rotate.phase == RotatePhase::Running,
            Step::Connect => self.connect.phase == ConnectPhase::Connecting,
            _ => false,
        }
    }

    /// Background work that quitting would abandon half-way.
    pub fn work_running(&self) -> bool {
        matches!(
            self.sign_in.phase,
            SignInPhase::Waiting | SignInPhase::DeviceCode { .. }
        ) || (self.step == Step::Create && self.create.phase == CreatePhase::Running)
            || (self.step == Step::Findings && self.findings.phase == FindingsPhase::Fixing)
            || (self.step == Step::Rotate && self.rotate.phase == RotatePhase::Running)
            || (self.step == Step::Connect && self.connect.phase == ConnectPhase::Connecting)
    }

    /// A new secret arrived: it goes to the reveal screen, the only place it is ever shown,
    /// with what signing in with it showed. The Connect step is readied for the platform.
    pub fn keep_secret(
        &mut self,
        secret: crate::tui::msg::IssuedSecret,
        proof: Result<Proof, ProveError>,
    ) {
        self.reveal.secret = Some(secret.value);
        self.reveal.hint = secret.hint;
        self.reveal.end_date_time = secret.end_date_time;
        self.reveal.proof = Some(proof);
        if let Some(kind) = self.profile().connect {
            let preset = self.platform_presets.iter().find(|p| p.kind == kind);
            // The demo touches nothing real: without the simulator's API there is no URL.
            let api = if self.demo {
                Err(format!(
                    "the demo simulator does not serve {kind}: press s to skip"
                ))
            } else {
                self.platform_api(kind)
            };
            self.connect = ConnectStep::new(kind, api, preset);
        }
    }

    /// Where a new secret goes from `step`: on to Connect as usual, but straight to the reveal
    /// when it never signed in, since a platform is never given a secret that does not work.
    pub fn step_after_new_secret(&self, step: Step) -> Step {
        match self.reveal.proof {
            Some(Err(_)) => Step::Reveal,
            _ => self.step_after(step),
        }
    }

    /// The platform holds the new secret: nothing is lost if the user never copies it.
    pub fn platform_holds_secret(&self) -> bool {
        self.connect.connected().is_some()
    }

    pub fn secret_unacknowledged(&self) -> bool {
        self.reveal.secret.is_some() && !self.reveal.acknowledged && !self.platform_holds_secret()
    }

    /// What happens to the secret on screen if the wizard ends now.
    pub fn secret_on_exit(&self) -> SecretOnExit {
        match (self.secret_unacknowledged(), self.reveal.seen) {
            (false, _) => SecretOnExit::Saved,
            (true, true) => SecretOnExit::SeenNotConfirmed,
            (true, false) => SecretOnExit::NeverSeen,
        }
    }

    /// How often the screen must redraw on its own; `None` when nothing moves.
    pub fn tick_interval(&self) -> Option<Duration> {
        if self.step_is_working() && !matches!(self.sign_in.phase, SignInPhase::DeviceCode { .. })
            || self.status.has_pending()
        {
            Some(SPINNER_TICK)
        } else if matches!(self.sign_in.phase, SignInPhase::DeviceCode { .. }) {
            Some(COUNTDOWN_TICK)
        } else {
            None
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }
}

/// The secret on screen at exit: nothing to do once saved; one the user had is recorded as
/// handed over; one they never revealed nor copied is removed, so no unknown secret stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOnExit {
    Saved,
    SeenNotConfirmed,
    NeverSeen,
}
