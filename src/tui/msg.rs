//! Everything that can happen to the wizard: terminal input, the clock, and the results of the
//! work [`super::effects`] does in the background. The data types here are what the screens
//! draw, translated from the core's types at the effects boundary.

use crate::auth::AuthMethod;
use crate::clipboard::{Cleared, Copied};
use crate::doctor::fleet::AppReport;
use crate::doctor::{Code, Finding, Inspection, Severity};
use crate::graph::models::{Application, ServicePrincipal};
use crate::plan::{self, Logo, Plan, SecretLifetime};
use crate::platform::{Connected, PlatformError, Target};
use crate::progress::Event;
use crate::run::{ConnectError, Proof, ProveError, Removal, Removals, SettingResult};
use crate::secret::SecretString;
use crossterm::event::KeyEvent;
use std::path::PathBuf;
use time::OffsetDateTime;

/// Which way the mouse wheel turned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wheel {
    Up,
    Down,
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A paste, the whole text at once: bracketed, or keys the terminal typed (see `burst`).
    Paste(String),
    /// The mouse wheel turned over this cell of the screen.
    Wheel {
        wheel: Wheel,
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Only sent while something moves (spinner, countdown).
    Tick {
        now: OffsetDateTime,
    },
    SignInOptions(Vec<SignInOption>),
    DeviceCode(DeviceCode),
    SignedIn {
        account: String,
    },
    SignInFailed(SignInFailure),
    Tenants(Result<Vec<TenantChoice>, String>),
    /// A resource's permissions as the chosen tenant lists them.
    TenantPermissions(Box<ServicePrincipal>),
    Progress(Event),
    RunFinished(Result<Box<Created>, RunFailure>),
    /// The chosen tenant's app registrations.
    Apps(Result<Vec<Application>, String>),
    /// What the background audit of `tenant`'s apps found, a batch of apps at a time.
    AppsAudited {
        tenant: String,
        reports: Vec<AppHealth>,
    },
    /// The background audit of `tenant`'s apps is over: how many it audited, or why it stopped.
    AppsAuditEnded {
        tenant: String,
        result: Result<usize, String>,
    },
    /// The chosen app and what hangs off it, read for the audit.
    Inspected(Result<Box<Inspection>, RunFailure>),
    /// The fix was sent and the app read again.
    Repaired(Result<Box<Inspection>, RunFailure>),
    /// A new secret on the chosen app.
    Rotated(Result<Box<Created>, RunFailure>),
    /// The platform holds the credentials now, or its refusal in the wizard's words.
    Connected(Result<Box<Connected>, ConnectFailure>),
    /// The old secrets a rotation removes once the new one is handed over.
    OldSecretsRemoved(Result<Removals, String>),
    /// The logo file named on the Optional settings step, read and checked, or why not.
    LogoRead {
        path: String,
        result: Result<Logo, String>,
    },
    Copied {
        what: CopyTarget,
        outcome: Copied,
    },
    /// The delay after copying the secret is over: time to take it off the clipboard.
    ClipboardClearDue,
    ClipboardCleared(Cleared),
    SummaryWritten(Result<PathBuf, String>),
}

/// What the audit found on one app, cut down to what the app list shows and sorts by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppHealth {
    pub app_id: String,
    /// The first of its most severe errors or warnings; `None` when nothing stops the app
    /// working (notes aside).
    pub worst: Option<(Severity, Code)>,
    /// When its first client secret stops working (expired ones included); `None` without any.
    pub secret_expiry: Option<OffsetDateTime>,
}

impl AppHealth {
    pub fn new(app_id: &str, findings: &[Finding], secret_expiry: Option<OffsetDateTime>) -> Self {
        Self {
            app_id: app_id.to_string(),
            worst: findings
                .iter()
                .filter(|f| f.severity < Severity::Info)
                .min_by_key(|f| f.severity)
                .map(|f| (f.severity, f.code)),
            secret_expiry,
        }
    }

    pub fn of(report: &AppReport) -> Self {
        Self::new(&report.app_id, &report.findings, report.secret_expiry)
    }
}

/// A way to sign in that was found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInOption {
    pub method: AuthMethod,
    /// What to show, with the account when known: `Azure CLI (ada@contoso.com)`.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFailure {
    pub message: String,
    /// Declined, expired or a network hiccup: trying again may work.
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantChoice {
    pub id: String,
    pub name: String,
    pub default_domain: String,
    /// ARM's `tenantCategory`: `Home`, `ProjectedBy` (guest) or `ManagedBy` (partner).
    pub category: String,
    /// The tenant the user signed in to.
    pub current: bool,
}

impl TenantChoice {
    /// How the tenant relates to the sign-in, in words. ARM calls every tenant the account
    /// belongs to `Home`, so that word alone would label them all alike.
    pub fn relation(&self) -> String {
        let kind = match self.category.as_str() {
            "ProjectedBy" => Some("guest"),
            "ManagedBy" => Some("partner"),
            _ => None,
        };
        match (kind, self.current) {
            (Some(kind), true) => format!("{kind}, signed in here"),
            (Some(kind), false) => kind.to_string(),
            (None, true) => "signed in here".into(),
            (None, false) => String::new(),
        }
    }

    /// Guests and partners usually lack the role to register apps in someone else's tenant.
    pub fn registration_warning(&self) -> Option<&'static str> {
        match self.category.as_str() {
            "ProjectedBy" => Some(
                "you are a guest in this tenant: guests usually cannot register apps (needs the Application Developer role there)",
            ),
            "ManagedBy" => Some(
                "this tenant is managed through a partner relationship: registering apps needs a directory role in it",
            ),
            _ => None,
        }
    }
}

/// What the run created (or a rotation added); the secret is here once and moves into the
/// reveal screen.
#[derive(Debug)]
pub struct Created {
    pub tenant_id: String,
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub secret: IssuedSecret,
    /// What happened to admin consent, in plain words (`granted`, `not requested`, …).
    pub consent: String,
    /// What signing the app in with the new secret showed.
    pub proof: Result<Proof, ProveError>,
    /// The logo and the publisher, sent beside the secret, and how each went.
    pub settings: Vec<SettingResult>,
    /// A rotation's: the secret an earlier run sent to the platform without learning the
    /// answer. It goes with the old ones once the platform holds the new secret.
    pub adopted: Option<String>,
}

#[derive(Debug)]
pub struct IssuedSecret {
    pub value: SecretString,
    pub hint: String,
    pub end_date_time: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFailure {
    /// What failed, why in plain words, what to do next.
    pub message: String,
    /// Graph's error code, when Graph gave one.
    pub code: Option<String>,
    pub request_id: Option<String>,
}

impl RunFailure {
    /// A failure with no Graph error behind it (no sign-in, a journal that cannot be opened).
    pub fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: None,
            request_id: None,
        }
    }

    pub fn of(error: &crate::run::RunError) -> Self {
        Self {
            message: error.to_string(),
            code: error.code().map(str::to_string),
            request_id: error.request_id().map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    DeviceCode,
    Secret,
    /// A value of the closing summary, by its label.
    Summary(&'static str),
}

/// What the Connect step sends: where to, and the app's credentials.
#[derive(Debug)]
pub struct ConnectRequest {
    pub target: Target,
    pub client_id: String,
    pub secret: SecretString,
    /// The app's tenant when only its own organisation signs in.
    pub single_tenant: Option<String>,
    pub scopes: Vec<String>,
    /// A rotation leaves the platform's scopes as they are.
    pub keep_scopes: bool,
    pub display_name: String,
    /// May take over a connector another app signs in as.
    pub replace: bool,
}

/// Why the platform does not hold the credentials, in the wizard's words (no command-line
/// flags: the screen names its own keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectFailure {
    pub message: String,
    /// The connector or integration signs in as this other app: replacing it is offered.
    pub occupied_by: Option<String>,
}

impl ConnectFailure {
    pub fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            occupied_by: None,
        }
    }

    pub fn of(error: &ConnectError) -> Self {
        let ConnectError::Platform(refusal) = error else {
            return Self::plain(error.to_string());
        };
        match refusal {
            PlatformError::Occupied {
                platform,
                name,
                client_id,
            } => Self {
                message: format!(
                    "the {platform} {thing} '{name}' signs in as another app ({client_id}). Replacing it makes every mailbox connected through it sign in again",
                    thing = platform.thing()
                ),
                occupied_by: Some(client_id.clone()),
            },
            PlatformError::NotMicrosoft {
                platform,
                name,
                provider,
            } => Self::plain(format!(
                "the {platform} {thing} '{name}' signs in with the provider '{provider}', not Microsoft: appreg leaves it alone. Type another integration key",
                thing = platform.thing()
            )),
            other => Self::plain(other.to_string()),
        }
    }
}

/// What `update` asks the outside world to do; [`crate::tui::effects`] does it and answers
/// with messages.
#[derive(Debug)]
pub enum Effect {
    DetectSignIn,
    SignIn {
        method: AuthMethod,
    },
    CancelSignIn,
    ListTenants,
    /// Reads the permissions each resource (`(app id, name)`) offers in the chosen tenant, so
    /// search shows the tenant's own list; the offline catalog stays where a read fails.
    RefreshCatalog {
        tenant: String,
        resources: Vec<(String, String)>,
    },
    /// Runs the plan; sent again after a failure, it continues with the same journal.
    Run(Box<Plan>),
    /// The user confirmed saving the secret: the journal stops offering to replace it.
    SecretSaved,
    ListApps {
        tenant: String,
    },
    /// Audits every app of the tenant in the background, answering as reports arrive; a new
    /// one stops the one before.
    AuditApps {
        tenant: String,
    },
    /// Reads an app and what hangs off it for the audit.
    Inspect {
        tenant: String,
        app_id: String,
    },
    /// Sends a fix, then reads the app again.
    Repair {
        tenant: String,
        inspection: Box<Inspection>,
        steps: Vec<plan::Step>,
    },
    /// Adds a secret to an existing app (the old one named goes later, see
    /// [`Effect::RemoveOldSecrets`]); sent again after a failure, it continues with the same
    /// journal.
    Rotate {
        tenant: String,
        app: Box<Application>,
        removal: Removal,
        lifetime: SecretLifetime,
    },
    /// Gives the platform the new secret; on success the hand-over is recorded.
    Connect(Box<ConnectRequest>),
    /// Reads the logo file at `path` (as typed) and checks it is a small PNG or JPEG.
    ReadLogo {
        path: String,
    },
    /// Removes the old secrets a rotation named, now that the new one is handed over.
    RemoveOldSecrets {
        tenant: String,
        object_id: String,
    },
    Copy {
        what: CopyTarget,
        text: SecretString,
    },
    ClearClipboard,
    WriteSummary {
        file_name: String,
        text: String,
    },
    Quit,
}
