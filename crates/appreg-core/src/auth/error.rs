//! Every way sign-in can fail, each worded as what failed and what to do next.
//!
//! Messages never contain a token or a secret: they are built from Entra ID's error
//! fields, tool output on stderr and our own text only.

use std::fmt::Write as _;

/// Sign-in failed; the message says why and what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "the sign-in address {url} cannot be used: it must be an http(s) URL such as https://login.microsoftonline.com"
    )]
    InvalidLoginUrl { url: String },

    #[error("could not set up HTTPS for sign-in: {detail}")]
    HttpClient { detail: String },

    #[error(
        "could not reach Microsoft Entra ID to {step}: {detail}. Check the network connection or proxy, then try again"
    )]
    Unreachable { step: String, detail: String },

    #[error(
        "Microsoft Entra ID answered the request to {step} with something appreg does not understand (HTTP {status}: {detail}). Check the sign-in address and any proxy in between"
    )]
    UnexpectedAnswer {
        step: String,
        status: u16,
        detail: String,
    },

    #[error(
        "the answer to the request to {step} was refused: {detail}. Microsoft Entra ID never answers like this: check --login-url and any proxy in between"
    )]
    Unacceptable { step: String, detail: String },

    /// Entra ID said no. `description` is the first line of `error_description`, which starts
    /// with the AADSTS code support and the docs use; `trace_id` is what support asks for.
    #[error("Microsoft Entra ID refused to {step}: {description} [{error}{}]. {hint}", trace(.trace_id))]
    Rejected {
        step: String,
        error: String,
        description: String,
        trace_id: Option<String>,
        hint: String,
    },

    #[error(
        "the sign-in was declined in the browser ({description}): press r to start again, or choose another sign-in method"
    )]
    DeviceCodeDeclined { description: String },

    #[error(
        "the device code expired before the sign-in finished ({description}): press r to get a new one"
    )]
    DeviceCodeExpired { description: String },

    #[error(
        "Microsoft Entra ID no longer recognises this device code ({description}): press r to get a new one"
    )]
    BadVerificationCode { description: String },

    #[error(
        "the sign-in gave no refresh token, so appreg cannot {step}: sign in again (the client id must allow offline_access)"
    )]
    NoRefreshToken { step: String },

    #[error("{tool} is not installed or not on PATH: install it, or choose --auth device-code")]
    ToolMissing { tool: &'static str },

    #[error("{tool} is not signed in: run `{login}`, or choose --auth device-code")]
    NotSignedIn { tool: &'static str, login: String },

    #[error(
        "{tool} did not answer within {seconds} s: check that `{command}` works in a terminal, or choose --auth device-code"
    )]
    ToolTimedOut {
        tool: &'static str,
        command: &'static str,
        seconds: u64,
    },

    #[error("{tool} could not get a token: {detail}")]
    ToolFailed { tool: &'static str, detail: String },

    #[error(
        "sign-in with the client secret failed: {detail}. Check --client-id, --tenant and APPREG_CLIENT_SECRET (a new secret can take a minute to start working)"
    )]
    ClientSecretFailed { detail: String },

    #[error("--auth client-secret needs the app's secret in APPREG_CLIENT_SECRET")]
    MissingClientSecret,

    #[error("--auth client-secret needs --tenant: the id or domain of the tenant the app lives in")]
    MissingTenant,

    #[error("--auth token needs an access token for Microsoft Graph in APPREG_ACCESS_TOKEN")]
    MissingStaticToken,

    #[error(
        "the token in APPREG_ACCESS_TOKEN expired at {expired_at}: get a new one (e.g. `az account get-access-token --resource-type ms-graph`)"
    )]
    StaticTokenExpired { expired_at: String },

    #[error(
        "{label} gives no token for Azure Resource Manager, so appreg cannot list your tenants: pass --tenant, or sign in another way"
    )]
    ArmUnavailable { label: String },

    #[error(
        "{label} is bound to one tenant and cannot get a token for {tenant}: sign in with --auth device-code or --auth azure-cli to switch tenants"
    )]
    CannotSwitchTenant { label: String, tenant: String },

    #[error("invalid sign-in settings: {detail}")]
    InvalidConfig { detail: String },
}

fn trace(trace_id: &Option<String>) -> String {
    trace_id
        .as_deref()
        .map(|id| format!(", trace id {id}"))
        .unwrap_or_default()
}

/// An error and all its causes on one line: reqwest hides the useful part ("connection
/// refused", "certificate expired") in `source()`, and the user should see it.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            let _ = write!(text, ": {inner_text}");
        }
        cause = inner.source();
    }
    text
}
