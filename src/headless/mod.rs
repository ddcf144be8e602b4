//! The command line without a screen: `create`, `plan`, `profiles`, `doctor`, `rotate-secret`
//! and `export`, for scripts and CI, and the shell completions and man page.
//! Progress goes to stderr as lines, results to stdout (text, or JSON with `--json`).

mod choices;
mod completions;
mod create;
mod doctor;
mod export;
mod fleet;
mod handoff;
mod man;
mod output;
mod rotate;
mod session;

pub use choices::{build_plan, check_cloud};
pub use completions::completions;
pub use create::create;
pub use doctor::doctor;
pub use export::{Format as ExportFormat, export};
pub use man::man;
pub use output::{plan as print_plan, profiles};
pub use rotate::rotate_secret;

use crate::run::RunError;

#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    #[error("the plan breaks Graph's rules:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    Manifest(#[from] crate::catalog::ManifestError),
    #[error(transparent)]
    Endpoint(#[from] crate::cloud::BadUrl),
    #[error("{option}: {source}")]
    Input {
        option: &'static str,
        source: crate::bounded::ReadError,
    },
    #[error("{0}")]
    Usage(String),
    #[error("sign-in failed: {0}")]
    Auth(#[from] crate::auth::AuthError),
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    #[error("{}", describe_run_error(.0))]
    Run(Box<RunError>),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(
        "{error}; {}",
        if *.removed {
            "the new secret was removed from the app, so none is left that nobody holds: run the same command again"
        } else {
            "removing the new secret failed too: run the same command again (it removes that secret first) or remove it in the portal"
        }
    )]
    NotHandedOver {
        error: Box<HeadlessError>,
        removed: bool,
    },
    #[error("stopped: nothing was changed")]
    Declined,
    #[error("{}", describe_inspect_error(.0))]
    Inspect(#[from] crate::doctor::InspectError),
    #[error(transparent)]
    Rotation(#[from] crate::run::RotationError),
    #[error("the app has {errors} error(s): see the findings above")]
    Unhealthy { errors: usize },
    #[error("{apps} app(s) have errors: see the report")]
    FleetUnhealthy { apps: usize },
    #[error("{}", describe_fleet_error(.0))]
    Fleet(#[from] crate::doctor::fleet::FleetError),
    #[error(transparent)]
    Prove(#[from] crate::run::ProveError),
    #[error("{message}")]
    Platform { message: String },
}

impl From<RunError> for HeadlessError {
    fn from(error: RunError) -> Self {
        HeadlessError::Run(Box::new(error))
    }
}

impl From<crate::run::MendError> for HeadlessError {
    fn from(error: crate::run::MendError) -> Self {
        match error {
            crate::run::MendError::Send(error) => error.into(),
            crate::run::MendError::Reread(error) => error.into(),
        }
    }
}

impl HeadlessError {
    /// 2 for input the user must change, 1 for everything that went wrong on the way.
    pub fn exit_code(&self) -> u8 {
        match self {
            HeadlessError::Invalid(_)
            | HeadlessError::Profile(_)
            | HeadlessError::Plan(_)
            | HeadlessError::Manifest(_)
            | HeadlessError::Endpoint(_)
            | HeadlessError::Input { .. }
            | HeadlessError::Usage(_)
            | HeadlessError::Rotation(_) => 2,
            HeadlessError::Inspect(error) if error.is_input() => 2,
            _ => 1,
        }
    }
}

fn describe_run_error(error: &RunError) -> String {
    let mut text = error.to_string();
    if matches!(error, RunError::SecretLifetime { .. }) {
        text.push_str(
            "\n  The lifetime: --secret-months or --secret-until for create, --months or --until for rotate-secret",
        );
    }
    if let Some(code) = error.code() {
        text.push_str(&format!("\n  Graph code: {code}"));
    }
    if let Some(id) = error.request_id() {
        text.push_str(&format!(
            "\n  request-id: {id} (give it to Microsoft support if you open a case)"
        ));
    }
    // A failure among the first reads wrote nothing: there is nothing to continue.
    if error.operation() != Some(&crate::progress::Operation::ReadTenant) {
        text.push_str(
            "\n  Run the same command again to continue: what was already made is reused.",
        );
    }
    text
}

fn describe_fleet_error(error: &crate::doctor::fleet::FleetError) -> String {
    match error.request_id() {
        Some(id) => format!("{error}\n  request-id: {id}"),
        None => error.to_string(),
    }
}

fn describe_inspect_error(error: &crate::doctor::InspectError) -> String {
    match error.request_id() {
        Some(id) => format!("{error}\n  request-id: {id}"),
        None => error.to_string(),
    }
}
