//! The hop after a secret exists, for `create` and `rotate-secret`: prove it signs the app in,
//! then, with `--connect`, give it to the platform's API. What happened is reported in the
//! result (`"verified"`, `"platform"`) and, when the platform refused, the secret goes to the
//! user the usual way and the error says how to finish.

use super::HeadlessError;
use super::session::with_progress;
use crate::cli::ConnectArgs;
use crate::cloud::{self, Endpoints};
use crate::journal::Journal;
use crate::platform::{Connected, Credentials, PlatformKind, Target};
use crate::profile::Profile;
use crate::run::{self, ConnectError, Proof, ProveError, SecretProof};
use crate::secret::SecretString;
use serde_json::{Value, json};
use std::time::Duration;

/// The platform `--connect` talks to, settled before anything is sent: which API, where, and
/// the key from the environment.
pub(super) fn target(
    profile: &Profile,
    args: &ConnectArgs,
    region_ids: &[String],
    self_hosted_url: Option<&str>,
) -> Result<Option<Target>, HeadlessError> {
    if !args.connect {
        return Ok(None);
    }
    let Some(kind) = profile.connect else {
        return Err(HeadlessError::Usage(format!(
            "--connect: {} has no API for Microsoft credentials; leave out --connect and follow the dashboard steps the result prints",
            profile.name
        )));
    };
    let named = match kind {
        PlatformKind::Nylas => args.nylas_url.as_deref(),
        PlatformKind::Nango => args.nango_url.as_deref(),
    };
    let url = match named {
        Some(url) => url.to_owned(),
        None => profile
            .platform_api(region_ids, self_hosted_url)
            .map_err(|why| HeadlessError::Usage(format!("--connect: {why}")))?,
    };
    let url = cloud::parse_endpoint(kind.url_flag(), &url)?;
    // Zeroized when dropped, like the trimmed copy the target keeps.
    let key = std::env::var(kind.key_env())
        .ok()
        .map(zeroize::Zeroizing::new)
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            HeadlessError::Usage(format!(
                "--connect needs the {} in {}: create one on the {kind} dashboard and export it",
                kind.key_name(),
                kind.key_env()
            ))
        })?;
    let target = Target::new(kind, url, SecretString::new(key.trim().to_owned()))
        .with_integration(&args.nango_integration);
    Ok(Some(target))
}

/// Signs the app in with its new secret, waiting out replication, with progress on stderr.
pub(super) async fn prove(
    endpoints: &Endpoints,
    tenant_id: &str,
    app_id: &str,
    secret: &SecretString,
    args: &ConnectArgs,
    verbose: bool,
) -> Result<Proof, ProveError> {
    let auth = endpoints.auth();
    let proof = SecretProof {
        endpoints: &auth,
        tenant_id,
        app_id,
        secret,
        patience: Duration::from_secs(args.verify_wait),
    };
    with_progress(verbose, async |r| run::prove(&proof, r).await).await
}

/// Gives the platform the credentials, with progress on stderr.
pub(super) async fn connect(
    target: &Target,
    credentials: &Credentials<'_>,
    key_id: &str,
    journal: &mut Journal,
    verbose: bool,
) -> Result<Connected, ConnectError> {
    with_progress(verbose, async |r| {
        run::connect_platform(target, credentials, key_id, journal, r).await
    })
    .await
}

/// What became of the secret after it was made, for the result.
pub(super) struct Handoff<'a> {
    pub proof: &'a Result<Proof, ProveError>,
    pub platform: PlatformOutcome<'a>,
}

pub(super) enum PlatformOutcome<'a> {
    /// Not asked for (`--connect` left out); `api` names the platform's API if it has one.
    NotAsked {
        api: Option<PlatformKind>,
    },
    Connected(&'a Connected),
    Refused {
        target: &'a Target,
        error: String,
    },
    /// Not sent because the secret did not sign in.
    NotSent(&'a Target),
    /// The platform has no API: the steps to follow on its dashboard.
    Dashboard {
        profile: &'a Profile,
        steps: Vec<String>,
    },
}

impl<'a> PlatformOutcome<'a> {
    /// What became of the platform: taken, refused, not sent (the secret did not sign in), or,
    /// when `--connect` was not asked for, the dashboard steps of a platform without an API.
    pub fn of(
        target: Option<&'a Target>,
        connected: Option<&'a Result<Connected, ConnectError>>,
        profile: Option<&'a Profile>,
        client_id: &str,
        tenant_id: &str,
    ) -> Self {
        match (target, connected) {
            (_, Some(Ok(done))) => PlatformOutcome::Connected(done),
            (Some(target), Some(Err(error))) => PlatformOutcome::Refused {
                target,
                error: error.to_string(),
            },
            (Some(target), None) => PlatformOutcome::NotSent(target),
            (None, _) => match profile {
                Some(profile)
                    if profile.connect.is_none() && !profile.dashboard_steps.is_empty() =>
                {
                    PlatformOutcome::Dashboard {
                        profile,
                        steps: dashboard_steps(profile, client_id, tenant_id),
                    }
                }
                _ => PlatformOutcome::NotAsked {
                    api: profile.and_then(|p| p.connect),
                },
            },
        }
    }
}

impl Handoff<'_> {
    /// `"verified"` and its reason, for the secret's JSON object.
    pub fn verified_json(&self) -> (bool, Option<String>) {
        match self.proof {
            Ok(Proof::Verified { .. }) => (true, None),
            Ok(Proof::Unproven { reason }) => (false, Some(reason.clone())),
            Err(error) => (false, Some(error.to_string())),
        }
    }

    pub fn platform_json(&self) -> Value {
        match &self.platform {
            PlatformOutcome::NotAsked { .. } => Value::Null,
            PlatformOutcome::Connected(connected) => {
                let mut value = json!(connected);
                value["kind"] = json!(connected.kind);
                value
            }
            PlatformOutcome::Refused { target, error } => json!({
                "kind": target.kind, "action": "failed", "url": crate::http::redacted(target.base_url.as_str()),
                "integration": target.integration, "error": error,
            }),
            PlatformOutcome::NotSent(target) => json!({
                "kind": target.kind, "action": "notSent", "url": crate::http::redacted(target.base_url.as_str()),
                "reason": "the secret did not sign in, so it was not sent",
            }),
            PlatformOutcome::Dashboard { profile, steps } => json!({
                "kind": profile.id, "action": "dashboard", "api": false, "steps": steps,
            }),
        }
    }

    /// The same for people: lines for the result text.
    pub fn text(&self) -> String {
        let mut out = match self.proof {
            Ok(Proof::Verified { waited, .. }) => format!(
                "  Secret verified:         the app signed in with it{}\n",
                if waited.as_secs() >= 1 {
                    format!(" (after {} s of replication)", waited.as_secs())
                } else {
                    String::new()
                }
            ),
            Ok(Proof::Unproven { reason }) => {
                format!("  Secret verified:         not proven ({reason})\n")
            }
            Err(error) => format!("  Secret verified:         no: {error}\n"),
        };
        match &self.platform {
            PlatformOutcome::NotAsked { .. } => {}
            PlatformOutcome::Connected(c) => {
                out.push_str(&format!(
                    "  {:<25}{} '{}' {} at {} (provider {})\n",
                    format!("{}:", c.kind),
                    c.kind.thing(),
                    c.integration,
                    c.action,
                    c.url,
                    c.provider,
                ));
                for note in &c.notes {
                    out.push_str(&format!("  ! {note}\n"));
                }
            }
            PlatformOutcome::Refused { target, error } => {
                out.push_str(&format!("  {}: not connected: {error}\n", target.kind))
            }
            PlatformOutcome::NotSent(target) => out.push_str(&format!(
                "  {}: not sent, since the secret did not sign in\n",
                target.kind
            )),
            PlatformOutcome::Dashboard { profile, steps } => {
                out.push_str(&format!(
                    "\n{} (no API for these credentials):\n",
                    profile.name
                ));
                for (n, step) in steps.iter().enumerate() {
                    out.push_str(&format!("  {}. {step}\n", n + 1));
                }
            }
        }
        out
    }
}

/// A profile's dashboard steps with the ids filled in.
pub(super) fn dashboard_steps(profile: &Profile, client_id: &str, tenant_id: &str) -> Vec<String> {
    profile
        .dashboard_steps
        .iter()
        .map(|s| {
            s.replace("{client_id}", client_id)
                .replace("{tenant_id}", tenant_id)
        })
        .collect()
}

/// The error a refused hand-over ends with, saying how to finish.
pub(super) fn refused(
    target: &Target,
    error: ConnectError,
    verified: bool,
    shown_in: &str,
) -> HeadlessError {
    let message = match error {
        // The platform took the secret; only the record of it failed.
        ConnectError::Journal(error) => format!(
            "{} holds the secret now, but appreg could not record it: {error}",
            target.describe()
        ),
        ConnectError::Platform(error) => format!(
            "{error}\n  The app and its {}secret are in place; the secret was {shown_in}. Fix the cause, then run the same command again with --secret-from FILE (the secret, \"-\" for stdin) to finish giving it to {} without a new secret.",
            if verified { "verified " } else { "" },
            target.describe()
        ),
    };
    HeadlessError::Platform { message }
}
