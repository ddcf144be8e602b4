//! Command-line arguments. Running `appreg` with no command opens the wizard.

use crate::auth::AuthMethod;
use crate::cloud::Cloud;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The binary's name, as completions and man pages call it.
pub const BIN: &str = "appreg";

#[derive(Debug, Parser)]
#[command(
    name = BIN,
    version,
    about = "Register a Microsoft Entra ID app for Nylas, Nango or your own integration, through Microsoft Graph",
    after_help = "Run without a command to open the wizard. Try it safely with `appreg --demo`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open the wizard against the embedded simulator: nothing real is touched.
    #[arg(long, global = true, help_heading = "Wizard")]
    pub demo: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Seconds after which the wizard clears the clipboard if it still holds the secret.
    #[arg(
        long,
        env = "APPREG_CLIPBOARD_CLEAR_SECS",
        default_value_t = 60,
        global = true,
        help_heading = "Wizard"
    )]
    pub clipboard_clear_secs: u64,
    /// More detail on stderr (-v: progress, -vv: debug); secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Logging")]
    pub verbose: u8,
    /// Write the log to this file (created private, appended to) instead of stderr. The wizard
    /// logs only here: stderr would draw over its screen.
    #[arg(
        long,
        env = "APPREG_LOG_FILE",
        value_name = "FILE",
        global = true,
        help_heading = "Logging"
    )]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register an app without the wizard: progress on stderr, the result on stdout.
    Create(CreateArgs),
    /// Show the Graph requests and manifest a registration would make, without signing in.
    Plan(PlanArgs),
    /// List the platform presets.
    Profiles {
        #[arg(long)]
        json: bool,
    },
    /// Audit an existing app registration against a platform, and mend it with --fix.
    Doctor(DoctorArgs),
    /// Add a new client secret to an existing app; old ones are removed only when named.
    RotateSecret(RotateArgs),
    /// Print an existing app, its service principal and grants as Terraform, Bicep or az
    /// commands; never a secret.
    Export(ExportArgs),
    /// Print the completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command with --dir.
    Man(ManArgs),
    /// Serve the embedded Graph simulator on loopback until Ctrl-C.
    #[cfg(feature = "demo")]
    Sim(crate::sim::SimArgs),
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Endpoints (wizard, create, doctor, rotate-secret, export)")]
pub struct ConnectionArgs {
    /// Microsoft cloud whose endpoints to use.
    #[arg(long, value_enum, default_value_t = Cloud::Global, global = true)]
    pub cloud: Cloud,
    /// Graph base URL including the version (overrides --cloud).
    #[arg(long, env = "APPREG_GRAPH_URL", global = true)]
    pub graph_url: Option<String>,
    /// Sign-in authority (overrides --cloud).
    #[arg(long, env = "APPREG_LOGIN_URL", global = true)]
    pub login_url: Option<String>,
    /// Azure Resource Manager base URL, for listing tenants (overrides --cloud).
    #[arg(long, env = "APPREG_ARM_URL", global = true)]
    pub arm_url: Option<String>,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sign-in (wizard, create, doctor, rotate-secret, export)")]
pub struct SignInArgs {
    /// How to sign in.
    #[arg(long = "auth", value_enum, default_value_t = AuthMethod::Auto, global = true)]
    pub method: AuthMethod,
    /// The client to sign in as: a public client for device code (default: the Azure CLI's), or
    /// your app for client-secret.
    #[arg(long, global = true, value_parser = client_id)]
    pub client_id: Option<String>,
    /// Tenant id or domain to work in (default: your home tenant).
    #[arg(long, global = true, value_parser = crate::tenant::parse)]
    pub tenant: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// Platform preset: nylas-v3, nylas-v2, nylas-streams, nango, custom (`appreg profiles`).
    #[arg(long, default_value = "nylas-v3", conflicts_with = "profile_file")]
    pub profile: String,
    /// Your own preset, in the same TOML form as the built-in ones.
    #[arg(long, value_name = "FILE.toml")]
    pub profile_file: Option<PathBuf>,
    /// The app's display name.
    #[arg(long)]
    pub name: String,
    /// Who may sign in: single, multi, personal-and-org, personal (or Graph's name).
    #[arg(long)]
    pub audience: Option<crate::audience::Audience>,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Another permission: Mail.Read, exchange:EWS.AccessAsUser.All, graph:role:User.Read.All.
    #[arg(long = "permission")]
    pub permissions: Vec<String>,
    /// Drop a permission the preset adds.
    #[arg(long = "remove-permission")]
    pub removed_permissions: Vec<String>,
    /// Import permissions from a manifest `requiredResourceAccess` block ("-" reads stdin).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Implicit grant: issue access tokens (default: the preset's).
    #[arg(long)]
    pub implicit_access_tokens: Option<bool>,
    /// Implicit grant: issue ID tokens (default: the preset's).
    #[arg(long)]
    pub implicit_id_tokens: Option<bool>,
    /// Secret lifetime in months, 1 to 24 (default 24).
    #[arg(long, conflicts_with = "secret_until")]
    pub secret_months: Option<u32>,
    /// Secret expiry date (YYYY-MM-DD), at most 24 months away.
    #[arg(long)]
    pub secret_until: Option<String>,
    /// The secret's description in the portal.
    #[arg(long)]
    pub secret_description: Option<String>,
    /// Extra tag on the app (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Machine-readable output on stdout.
    #[arg(long)]
    pub json: bool,
}

/// What the app should have on top of its preset: the same flags for plan, create and doctor,
/// so what one registers the other expects.
#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// Regions whose redirect URIs the app has (us, eu; Nango: cloud), comma-separated or
    /// repeated; default: create adds the preset's default regions, doctor accepts any of them.
    #[arg(long = "region", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Base URL of a self-hosted server (Nango), e.g. https://nango.example.com.
    #[arg(long)]
    pub self_hosted_url: Option<String>,
    /// Another Web redirect URI the app has (repeatable).
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    /// Capability groups of the preset (e.g. mail-read,mail-send); default: create adds the
    /// preset's default ones, doctor requires only the preset's base permissions.
    #[arg(long = "capability", value_delimiter = ',')]
    pub capabilities: Option<Vec<String>>,
    /// Admin consent for the organisation (needs an admin role): create grants it; doctor
    /// reports missing grants as errors and --fix grants them.
    #[arg(long)]
    pub admin_consent: bool,
    /// Token configuration: an optional claim, TOKEN:NAME with TOKEN id, access or saml2
    /// (e.g. id:email; repeatable or comma-separated).
    #[arg(
        long = "optional-claim",
        value_name = "TOKEN:NAME",
        value_delimiter = ',',
        help_heading = "Optional settings"
    )]
    pub optional_claims: Vec<String>,
    /// "Visible to users?" No: the app is not listed in users' My Apps.
    #[arg(long, help_heading = "Optional settings")]
    pub hide_app: bool,
    /// Branding: the home page URL (https).
    #[arg(long, value_name = "URL", help_heading = "Optional settings")]
    pub homepage_url: Option<String>,
    /// Branding: the privacy statement URL (https).
    #[arg(long, value_name = "URL", help_heading = "Optional settings")]
    pub privacy_url: Option<String>,
    /// Branding: the terms of service URL (https).
    #[arg(long, value_name = "URL", help_heading = "Optional settings")]
    pub terms_url: Option<String>,
    /// Branding: the logo, a PNG or JPEG of at most 100 KB.
    #[arg(long, value_name = "FILE", help_heading = "Optional settings")]
    pub logo: Option<PathBuf>,
    /// Publisher verification with your Microsoft Partner Network id (global cloud only): lets
    /// users in other organisations consent to a multi-tenant app without an admin.
    #[arg(long, value_name = "MPN_ID", help_heading = "Optional settings")]
    pub publisher_id: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Write the secret to this new file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The secret an earlier `create --connect` showed when the platform refused it ("-" reads
    /// stdin): the re-run proves it and finishes the connection without a new secret.
    #[arg(long, value_name = "FILE", requires = "connect")]
    pub secret_from: Option<PathBuf>,
}

/// The hop after the secret exists: proving it, and handing it to the platform.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "The platform (create, rotate-secret)")]
pub struct ConnectArgs {
    /// Give the client id, the new secret and the scopes to the platform's API (Nylas v3:
    /// NYLAS_API_KEY; Nango: NANGO_SECRET_KEY) once the secret signs in. The secret is then not
    /// printed unless --show-secret or --secret-out asks for it.
    #[arg(long)]
    pub connect: bool,
    /// With --connect, print the secret as well.
    #[arg(long, requires = "connect")]
    pub show_secret: bool,
    /// With --connect, take over the platform's connector (Nylas) or integration (Nango) even
    /// when it signs in as another app: its mailboxes then sign in again.
    #[arg(long, requires = "connect")]
    pub replace_connector: bool,
    /// The Nylas API (default: the region's, https://api.us.nylas.com or https://api.eu.nylas.com).
    #[arg(long, env = "APPREG_NYLAS_URL", value_name = "URL")]
    pub nylas_url: Option<String>,
    /// The Nango API (default: https://api.nango.dev, or --self-hosted-url).
    #[arg(long, env = "APPREG_NANGO_URL", value_name = "URL")]
    pub nango_url: Option<String>,
    /// The Nango integration to create or update.
    #[arg(long, value_name = "KEY", default_value = crate::platform::DEFAULT_NANGO_INTEGRATION, value_parser = nango_integration)]
    pub nango_integration: String,
    /// Seconds a new secret is given to sign in (it takes a moment to replicate).
    #[arg(long, value_name = "SECS", default_value_t = crate::run::DEFAULT_PATIENCE.as_secs())]
    pub verify_wait: u64,
}

impl SpecArgs {
    /// The first flag set that describes one app (its regions, URIs, capabilities, settings):
    /// across a tenant only --admin-consent makes sense.
    pub fn per_app_flag(&self) -> Option<&'static str> {
        [
            ("--region", !self.regions.is_empty()),
            ("--self-hosted-url", self.self_hosted_url.is_some()),
            ("--redirect-uri", !self.redirect_uris.is_empty()),
            ("--capability", self.capabilities.is_some()),
            ("--optional-claim", !self.optional_claims.is_empty()),
            ("--hide-app", self.hide_app),
            ("--homepage-url", self.homepage_url.is_some()),
            ("--privacy-url", self.privacy_url.is_some()),
            ("--terms-url", self.terms_url.is_some()),
            ("--logo", self.logo.is_some()),
            ("--publisher-id", self.publisher_id.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, set)| set.then_some(flag))
    }
}

impl SignInArgs {
    /// Sign-in settings from these arguments and the environment (`APPREG_ACCESS_TOKEN`,
    /// `APPREG_CLIENT_SECRET`).
    pub fn auth_config(&self, endpoints: &crate::cloud::Endpoints) -> crate::auth::AuthConfig {
        let mut config = crate::auth::AuthConfig::new(self.method, endpoints.auth());
        config.tenant = self.tenant.clone();
        if let Some(id) = &self.client_id {
            config.client_id = id.clone();
        }
        let secret_env = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .map(crate::secret::SecretString::new)
        };
        config.static_token = secret_env("APPREG_ACCESS_TOKEN");
        config.client_secret = secret_env("APPREG_CLIENT_SECRET");
        config
    }
}

/// Which existing app: its client id, or its display name (one of them is required; `doctor
/// --all` takes neither).
#[derive(Debug, Clone, Args)]
#[group(multiple = false)]
pub struct AppSelectorArgs {
    /// The application (client) id.
    #[arg(long, value_name = "GUID")]
    pub app_id: Option<String>,
    /// The display name (must name exactly one app).
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub app: AppSelectorArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Platform preset to check against (default: the app's appreg-profile tag).
    #[arg(long, conflicts_with = "profile_file")]
    pub profile: Option<String>,
    /// Your own preset, in the same TOML form as the built-in ones.
    #[arg(long, value_name = "FILE.toml")]
    pub profile_file: Option<PathBuf>,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Show the requests that mend the findings, ask, send them, and audit again.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: also remove redirect URIs and retired permissions the platform does not use.
    #[arg(long, requires = "fix")]
    pub remove_extra: bool,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Machine-readable output on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `doctor --all`: every app registration of the tenant.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Every app (doctor --all)")]
pub struct FleetArgs {
    /// Audit every app registration of the tenant: each against the platform in its appreg tag,
    /// else the one whose redirect URIs it carries; an app neither names is reported as platform
    /// "unknown", with only its secrets checked.
    #[arg(long, conflicts_with_all = ["app_id", "name", "fix", "profile", "profile_file"])]
    pub all: bool,
    /// Report only these findings (codes as --json names them, e.g. secret-expired,secret-expiring-30d).
    #[arg(long, value_name = "CODE", value_delimiter = ',', requires = "all")]
    pub only: Vec<String>,
    /// Report only the apps of this platform preset (nylas-v3, nango, … or unknown).
    #[arg(long, value_name = "PROFILE", requires = "all")]
    pub platform: Option<String>,
    /// One CSV row per finding: appId, displayName, platform, severity, code, title.
    #[arg(long, requires = "all", conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub app: AppSelectorArgs,
    /// Lifetime of the new secret in months, 1 to 24 (default 24).
    #[arg(long, conflicts_with = "until")]
    pub months: Option<u32>,
    /// The new secret's expiry date (YYYY-MM-DD), at most 24 months away.
    #[arg(long)]
    pub until: Option<String>,
    /// Remove this secret (its key id) once the new one exists.
    #[arg(long, value_name = "KEYID", conflicts_with = "remove_expired")]
    pub remove: Option<String>,
    /// Remove the secrets that have expired.
    #[arg(long)]
    pub remove_expired: bool,
    /// The new secret's description in the portal.
    #[arg(long, default_value = "appreg")]
    pub description: String,
    /// Write the new secret to this new file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// With --connect: the platform preset whose API gets the new secret (default: the app's
    /// appreg-profile tag).
    #[arg(long)]
    pub profile: Option<String>,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Machine-readable output on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub app: AppSelectorArgs,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: crate::headless::ExportFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write appreg.1 and a page per command (appreg-create.1, …) into this directory.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

fn nango_integration(value: &str) -> Result<String, String> {
    crate::platform::check_integration_key(value.trim()).map(|()| value.trim().to_owned())
}

/// A client id is the app's GUID; anything else would only fail later, at sign-in.
fn client_id(value: &str) -> Result<String, String> {
    uuid::Uuid::try_parse(value.trim())
        .map(|id| id.to_string())
        .map_err(|_| format!("'{value}' is not a client id (a GUID)"))
}
