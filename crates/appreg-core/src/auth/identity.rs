//! Glue to `azure_identity` 1.0: its tokens and errors in our terms, and a process runner
//! with the timeout and kill-on-drop its own executor lacks.

use super::AccessToken;
use crate::secret::SecretString;
use async_trait::async_trait;
use std::ffi::OsStr;
use std::io;
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::process::Command;

/// Copies the token out of azure_core's `Secret` (a plain, non-zeroizing string) into ours.
pub(crate) fn convert(token: &azure_core::credentials::AccessToken) -> AccessToken {
    AccessToken {
        token: SecretString::new(token.token.secret().to_owned()),
        expires_at: token.expires_on,
    }
}

/// The useful part of an `azure_identity` error and its causes, on one line: without the
/// "XCredential authentication failed." preamble and the troubleshooting link.
pub(crate) fn describe(error: &azure_core::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        let part = clean(&current.to_string());
        if !part.is_empty() && !parts.iter().any(|seen| seen.contains(&part)) {
            parts.push(part);
        }
        cause = current.source();
    }
    parts.join(": ")
}

fn clean(text: &str) -> String {
    let text = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("To troubleshoot, visit"))
        .collect::<Vec<_>>()
        .join(" ");
    let text = match text.split_once(" authentication failed.") {
        Some((_, rest)) => rest,
        None => &text,
    };
    text.trim().trim_start_matches("ERROR:").trim().to_owned()
}

/// The `io::ErrorKind` of the process error behind an `azure_identity` error, if any.
pub(crate) fn io_kind(error: &azure_core::Error) -> Option<io::ErrorKind> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        cause = current.source();
    }
    None
}

/// Runs the command lines `azure_identity` builds for `az` and `azd`. Its own executor waits
/// forever for a hung tool, and a cancelled wizard step would leave the process running.
#[derive(Debug)]
pub(crate) struct TimedExecutor {
    pub timeout: Duration,
}

#[async_trait]
impl azure_identity::Executor for TimedExecutor {
    async fn run(&self, program: &OsStr, args: &[&OsStr]) -> io::Result<Output> {
        let mut command = Command::new(program);
        command.args(args);
        run(command, self.timeout).await
    }
}

/// Runs `program args…` (through `cmd /C` on Windows, where `az` is `az.cmd`).
pub(crate) async fn run_tool(
    program: &str,
    args: &[&str],
    timeout: Duration,
) -> io::Result<Output> {
    let mut command = if cfg!(windows) {
        let mut command = Command::new("cmd");
        command.arg("/C").arg(program);
        command
    } else {
        Command::new(program)
    };
    command.args(args);
    run(command, timeout).await
}

/// Output is captured and stdin closed: the tool must never draw on or read from the
/// wizard's terminal.
async fn run(mut command: Command, timeout: Duration) -> io::Result<Output> {
    command.stdin(Stdio::null()).kill_on_drop(true);
    match tokio::time::timeout(timeout, command.output()).await {
        Ok(output) => output,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no answer within {} s", timeout.as_secs()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::error::{Error, ErrorKind};

    #[cfg(unix)]
    #[tokio::test]
    async fn a_hung_tool_times_out() {
        let started = std::time::Instant::now();
        let err = run_tool("sleep", &["5"], Duration::from_millis(100))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn a_missing_tool_is_not_found() {
        let err = run_tool("appreg-no-such-tool", &[], Duration::from_secs(5)).await;
        if cfg!(unix) {
            assert_eq!(err.unwrap_err().kind(), io::ErrorKind::NotFound);
        }
    }

    #[test]
    fn describe_strips_the_sdk_wrapping_and_io_kind_finds_the_cause() {
        let io = io::Error::new(io::ErrorKind::TimedOut, "no answer within 60 s");
        let inner = Error::with_error(
            ErrorKind::Credential,
            io,
            "timed out error: no answer within 60 s",
        );
        let outer = Error::with_error(
            ErrorKind::Credential,
            inner,
            "AzureCliCredential authentication failed. ERROR: Please run 'az login' to setup account.\nTo troubleshoot, visit https://aka.ms/azsdk/rust/identity/troubleshoot#azure-cli",
        );
        assert_eq!(io_kind(&outer), Some(io::ErrorKind::TimedOut));
        assert_eq!(
            describe(&outer),
            "Please run 'az login' to setup account.: timed out error: no answer within 60 s"
        );
        assert_eq!(
            io_kind(&Error::with_message(ErrorKind::Credential, "x")),
            None
        );
    }
}
