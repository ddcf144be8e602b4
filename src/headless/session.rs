//! What every command that changes a directory does the same way: sign in, print progress on
//! stderr, ask before changing anything, and write a secret to a private new file.

use super::HeadlessError;
use crate::auth::{self, DeviceCodeEvent};
use crate::cli::SignInArgs;
use crate::cloud::Endpoints;
use crate::graph::GraphClient;
use crate::journal::{Journal, write_private};
use crate::progress::{Event, Reporter};
use crate::run::IssuedSecret;
use crate::secret::SecretString;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

/// Signs in and returns a client working in `tenant` (the home tenant when `None`).
pub(super) async fn connect(
    sign_in: &SignInArgs,
    endpoints: &Endpoints,
    tenant: Option<String>,
) -> Result<GraphClient, HeadlessError> {
    let config = sign_in.auth_config(endpoints);
    let tokens = auth::sign_in(&config, print_device_code).await?;
    eprintln!("Signed in: {}", tokens.label());
    Ok(GraphClient::new(endpoints.graph_config(), tokens)
        .map_err(|e| HeadlessError::Usage(e.to_string()))?
        .for_tenant(tenant))
}

fn print_device_code(event: DeviceCodeEvent) {
    match event {
        DeviceCodeEvent::Prompt(prompt) => {
            eprintln!(
                "To sign in, open {} and enter the code {}",
                prompt.verification_uri, prompt.user_code
            );
        }
        DeviceCodeEvent::SlowDown { interval } => {
            eprintln!(
                "(Entra ID asked to check less often: every {} s)",
                interval.as_secs()
            );
        }
        DeviceCodeEvent::Pending { .. } => {}
    }
}

/// One stderr line per event; request starts and refused attempts (which the step handles or
/// reports itself) only when asked for detail.
fn progress_line(event: &Event, verbose: bool) -> Option<String> {
    match event {
        Event::Started { .. } | Event::Refused { .. } if !verbose => None,
        other => Some(other.to_string()),
    }
}

/// A reporter whose events become stderr lines; await the handle once the reporter is dropped.
pub(super) fn progress_printer(verbose: bool) -> (Reporter, JoinHandle<()>) {
    let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let Some(line) = progress_line(&event, verbose) {
                eprintln!("{line}");
            }
        }
    });
    (Reporter::new(sender), printer)
}

/// Asks before changing a directory; scripts say `--yes`. `summary` ends with the question.
pub(super) fn confirm(
    summary: &str,
    yes: bool,
    without_terminal: &str,
) -> Result<(), HeadlessError> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(HeadlessError::Usage(without_terminal.into()));
    }
    eprint!("{summary} [y/N] ");
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|source| HeadlessError::Io {
            what: "cannot read the answer".into(),
            source,
        })?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(HeadlessError::Declined)
    }
}

/// Where a new secret goes: a new private file (`--secret-out`), stdout, or only the platform
/// (`--connect`). Made only by [`SecretDestination::check`], before anything is sent, so a
/// secret is never made that cannot be handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SecretDestination<'a> {
    Stdout,
    File(&'a Path),
    /// The platform gets it and nobody else, unless the platform refuses it; `fallback` says
    /// whether stdout can take it then.
    Platform {
        fallback: bool,
    },
    /// The platform refused and stdout leads nowhere: the secret cannot be handed over.
    Nowhere,
}

impl<'a> SecretDestination<'a> {
    /// Refuses a `--secret-out` path a new file cannot be made at, and a stdout nobody reads
    /// when the secret is to be shown there.
    pub(super) fn check(secret_out: Option<&'a Path>, shown: bool) -> Result<Self, HeadlessError> {
        match secret_out {
            Some(path) => {
                check_new_file(path).map_err(|why| {
                    HeadlessError::Usage(format!("--secret-out {}: {why}", path.display()))
                })?;
                Ok(Self::File(path))
            }
            None if !shown => Ok(Self::Platform {
                fallback: !stdout_is_discarded(),
            }),
            None if stdout_is_discarded() => Err(HeadlessError::Usage(
                "stdout is closed or goes to /dev/null, so the new client secret would reach nobody: name a new file for it with --secret-out FILE".into(),
            )),
            None => Ok(Self::Stdout),
        }
    }

    /// The file the secret goes to.
    pub(super) fn file(self) -> Option<&'a Path> {
        match self {
            Self::File(path) => Some(path),
            Self::Stdout | Self::Platform { .. } | Self::Nowhere => None,
        }
    }

    /// Whether the result on stdout carries the secret's value.
    pub(super) fn shows_value(self) -> bool {
        matches!(self, Self::Stdout)
    }

    /// Where the secret goes once the platform has answered: a platform that took it spares
    /// the user from receiving it; otherwise the user gets it the usual way.
    pub(super) fn after_platform(self, platform_holds: bool) -> Self {
        if platform_holds {
            return self;
        }
        match self {
            Self::Platform { fallback: true } => Self::Stdout,
            Self::Platform { fallback: false } => Self::Nowhere,
            other => other,
        }
    }
}

/// Why a new file cannot be made at `path`, found without making it.
fn check_new_file(path: &Path) -> Result<(), String> {
    use std::io::ErrorKind::NotFound;
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == NotFound => {}
        Err(e) => return Err(format!("cannot be checked: {e}")),
        Ok(meta) if meta.file_type().is_symlink() && !path.exists() => {
            return Err("is a symbolic link to a missing file; name a new file (a link is never followed to write a secret)".into());
        }
        Ok(meta) if meta.is_dir() => return Err("is a directory; name a new file".into()),
        Ok(_) => {
            return Err("already exists; name a new file so no secret is overwritten".into());
        }
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == NotFound => {
            return Err(format!(
                "the directory {} does not exist; create it first",
                dir.display()
            ));
        }
        Err(e) => return Err(format!("cannot check {}: {e}", dir.display())),
    }
    writable(dir).map_err(|e| format!("cannot make a file in {}: {e}", dir.display()))
}

/// Whether the user may make a file in `dir`.
#[cfg(unix)]
fn writable(dir: &Path) -> std::io::Result<()> {
    use rustix::fs::Access;
    rustix::fs::access(dir, Access::WRITE_OK | Access::EXEC_OK).map_err(std::io::Error::from)
}

/// Elsewhere, writing the file is the check: a failure there takes the secret off the app.
#[cfg(not(unix))]
fn writable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Whether stdout leads nowhere: closed when appreg started (Rust then opens `/dev/null` in its
/// place) or sent to `/dev/null`.
#[cfg(unix)]
fn stdout_is_discarded() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(stdout) = std::io::stdout().as_fd().try_clone_to_owned() else {
        return true;
    };
    match (
        std::fs::File::from(stdout).metadata(),
        std::fs::metadata("/dev/null"),
    ) {
        (Ok(out), Ok(null)) => (out.dev(), out.ino()) == (null.dev(), null.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn stdout_is_discarded() -> bool {
    false
}

/// A new file only the user can read; an existing file is never overwritten.
pub(super) fn write_secret_file(path: &Path, secret: &SecretString) -> Result<(), HeadlessError> {
    write_private(path, secret.expose().as_bytes(), false).map_err(|source| HeadlessError::Io {
        what: format!("cannot write the secret to {}", path.display()),
        source,
    })
}

/// Delivers the new secret: to the `--secret-out` file, or to stdout in the result.
pub(super) fn deliver(
    secret: &SecretString,
    destination: SecretDestination<'_>,
    result: impl FnOnce() -> Zeroizing<String>,
) -> Result<(), HeadlessError> {
    let secret_out = destination.file();
    if let Some(path) = secret_out {
        write_secret_file(path, secret)?;
    }
    if destination == SecretDestination::Nowhere {
        return Err(HeadlessError::Usage(
            "stdout is closed or goes to /dev/null, so the secret the platform refused would reach nobody: run again with --secret-out FILE".into(),
        ));
    }
    let shown = result();
    print_once(&shown).or_else(|source| match destination {
        // The secret is safe in its file or with the platform; only the summary was lost.
        SecretDestination::File(_) | SecretDestination::Platform { .. } => Ok(()),
        SecretDestination::Stdout | SecretDestination::Nowhere => Err(HeadlessError::Io {
            what: "cannot write the result to stdout".into(),
            source,
        }),
    })
}

/// Settles the new secret after [`deliver`]: handed over when it reached the user or the
/// platform holds it, else taken off the app, so none stays that nobody holds. A secret the
/// platform signs in with is never taken off: the user only missed a copy of it.
pub(super) async fn settle(
    secret: IssuedSecret,
    delivered: Result<(), HeadlessError>,
    platform_holds: bool,
    client: &GraphClient,
    journal: &mut Journal,
) -> Result<(), HeadlessError> {
    match delivered {
        Ok(()) => Ok(secret.handed_over(journal)?),
        Err(error) if platform_holds => {
            eprintln!("! {error}; the platform holds the secret, so it stays on the app");
            Ok(secret.handed_over(journal)?)
        }
        Err(error) => {
            let removed = secret.withdraw(client, journal, &Reporter::silent()).await;
            Err(HeadlessError::NotHandedOver {
                error: Box::new(error),
                removed,
            })
        }
    }
}

/// Writes the result to stdout at once and completely.
fn print_once(shown: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(shown.as_bytes())
        .and_then(|_| stdout.write_all(b"\n"))
        .and_then(|_| stdout.flush())
}

/// Runs `work` with a reporter whose events become stderr lines, and waits until every line
/// is printed, so prompts and results never interleave with progress.
pub(super) async fn with_progress<T>(verbose: bool, work: impl AsyncFnOnce(&Reporter) -> T) -> T {
    let (reporter, printer) = progress_printer(verbose);
    let result = work(&reporter).await;
    drop(reporter);
    // The printer ends once the last event is printed; it cannot fail in a way worth reporting.
    let _ = printer.await;
    result
}

/// The app a command names: `--app-id` (checked) or `--name`.
pub(super) fn selector(
    app: &crate::cli::AppSelectorArgs,
) -> Result<crate::doctor::Selector, HeadlessError> {
    match (&app.app_id, &app.name) {
        (Some(id), _) => Ok(crate::doctor::Selector::app_id(id)?),
        (None, Some(name)) => Ok(crate::doctor::Selector::Name(name.clone())),
        (None, None) => Err(HeadlessError::Usage(
            "name the app with --app-id or --name".into(),
        )),
    }
}

/// Apps appreg registered carry their preset in a tag.
pub(super) fn tagged_profile(
    app: &crate::graph::models::Application,
) -> Result<crate::profile::Profile, HeadlessError> {
    match crate::doctor::preset::tagged_profile(app) {
        Some(id) => Ok(crate::profile::find(id)?),
        None => Err(HeadlessError::Usage(
            "which platform is this app for? add --profile (nylas-v3, nylas-v2, nylas-streams, nango, custom)".into(),
        )),
    }
}
