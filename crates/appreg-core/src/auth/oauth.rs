//! The OAuth 2.0 token endpoint of Microsoft Entra ID (or a simulator standing in for it):
//! form POSTs to `{login}/{tenant}/oauth2/v2.0/{devicecode|token}` and their two kinds of answer.

use super::error::{AuthError, chain};
use super::{AccessToken, Endpoints};
use crate::http::{self, BodyError};
use crate::secret::SecretString;
use crate::text;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;
use time::OffsetDateTime;
use url::Url;

/// Long enough for a slow proxy, short enough that a dead network is reported while the
/// user still looks at the screen.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a non-JSON answer (a proxy's HTML page, say) the error message quotes.
const QUOTE_CHARS: usize = 160;

/// Where and as whom tokens are requested.
#[derive(Debug)]
pub(crate) struct Authority {
    http: reqwest::Client,
    login_url: Url,
    pub client_id: String,
    /// The tenant used when the caller names none: the configured one or `organizations`.
    pub home_tenant: String,
}

impl Authority {
    pub fn new(
        endpoints: &Endpoints,
        client_id: &str,
        home_tenant: &str,
    ) -> Result<Self, AuthError> {
        let http = http::client_for(&endpoints.login_url)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| AuthError::HttpClient { detail: chain(&e) })?;
        let authority = Self {
            http,
            login_url: endpoints.login_url.clone(),
            client_id: client_id.to_owned(),
            home_tenant: home_tenant.to_owned(),
        };
        // Fail at sign-in rather than at the first token request.
        authority.url(None, "token")?;
        Ok(authority)
    }

    /// `{login}/{tenant}/oauth2/v2.0/{leaf}`. The tenant is pushed as one path segment, so
    /// it is percent-encoded and cannot smuggle in another path.
    fn url(&self, tenant: Option<&str>, leaf: &str) -> Result<Url, AuthError> {
        let invalid = || AuthError::InvalidLoginUrl {
            url: self.login_url.to_string(),
        };
        if !matches!(self.login_url.scheme(), "http" | "https") {
            return Err(invalid());
        }
        let mut url = self.login_url.clone();
        url.path_segments_mut()
            .map_err(|()| invalid())?
            .pop_if_empty()
            .push(tenant.unwrap_or(&self.home_tenant))
            .extend(["oauth2", "v2.0", leaf]);
        Ok(url)
    }

    /// POSTs `form` and sorts the answer into a grant (`T`), a refusal from Entra ID, or an
    /// error when the answer is neither. `step` completes "could not … to {step}".
    pub async fn post<T: DeserializeOwned>(
        &self,
        tenant: Option<&str>,
        leaf: &str,
        form: &[(&str, &str)],
        step: &str,
    ) -> Result<Verdict<T>, AuthError> {
        let url = self.url(tenant, leaf)?;
        tracing::debug!(%url, step, "sign-in request");
        let unreachable = |e: reqwest::Error| AuthError::Unreachable {
            step: step.to_owned(),
            detail: chain(&e),
        };
        let response = self
            .http
            .post(url)
            .form(form)
            .send()
            .await
            .map_err(unreachable)?;
        let (status, body) = http::read_capped(response, http::SIGN_IN_BODY_LIMIT)
            .await
            .map_err(|e| match e {
                BodyError::Transport(e) => unreachable(e),
                refused => AuthError::Unacceptable {
                    step: step.to_owned(),
                    detail: refused.to_string(),
                },
            })?;
        let status = reqwest::StatusCode::from_u16(status).unwrap_or_default();
        if status.is_success()
            && let Ok(granted) = serde_json::from_slice::<T>(&body)
        {
            return Ok(Verdict::Granted(granted));
        }
        if let Ok(refusal) = serde_json::from_slice::<EntraError>(&body) {
            tracing::debug!(status = status.as_u16(), error = %refusal.error, "sign-in refused");
            return Ok(Verdict::Refused(refusal));
        }
        // A 2xx body may hold a token next to the field that failed to parse: never quote it.
        let detail = if status.is_success() {
            "the answer is not a token response".to_owned()
        } else {
            quote(&body)
        };
        Err(AuthError::UnexpectedAnswer {
            step: step.to_owned(),
            status: status.as_u16(),
            detail,
        })
    }
}

fn quote(body: &[u8]) -> String {
    let text = text::one_line(&String::from_utf8_lossy(body))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        "empty body".to_owned()
    } else {
        text::clip(&text, QUOTE_CHARS).into_owned()
    }
}

pub(crate) enum Verdict<T> {
    Granted(T),
    Refused(EntraError),
}

/// Entra ID's error answer: `{error, error_description: "AADSTS70016: …\r\nTrace ID: …", trace_id, …}`.
#[derive(Debug, Deserialize)]
pub(crate) struct EntraError {
    #[serde(deserialize_with = "text::deserialize_from_server")]
    pub error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default, deserialize_with = "text::deserialize_optional_from_server")]
    trace_id: Option<String>,
}

impl EntraError {
    /// The first line of the description: the AADSTS code and its sentence, without the
    /// trace/correlation/timestamp lines that follow.
    pub fn description(&self) -> String {
        let first = self
            .error_description
            .lines()
            .next()
            .unwrap_or_default()
            .trim();
        text::from_server(if first.is_empty() { &self.error } else { first })
    }

    /// Turns the refusal into an error whose hint fits the OAuth error code.
    pub fn into_error(self, step: &str, tenant: &str) -> AuthError {
        let hint = match self.error.as_str() {
            "interaction_required" | "consent_required" => format!(
                "The tenant {tenant} asks for an interactive sign-in (MFA, consent or a Conditional Access policy): sign in again with --tenant {tenant}"
            ),
            "invalid_grant" => "The sign-in is no longer valid: sign in again".to_owned(),
            "invalid_client" | "unauthorized_client" => {
                "Check the client id (--client-id): it must exist in this cloud and, for device code, allow public client flows".to_owned()
            }
            _ => "Look the AADSTS code up at https://login.microsoftonline.com/error".to_owned(),
        };
        AuthError::Rejected {
            step: step.to_owned(),
            description: self.description(),
            error: self.error,
            trace_id: self.trace_id,
            hint,
        }
    }
}

/// A successful token answer. Only the fields appreg uses; `expires_in` is a number from
/// Entra ID but a string from some older endpoints, so both are accepted.
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    access_token: SecretString,
    #[serde(deserialize_with = "seconds")]
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<SecretString>,
}

impl TokenAnswer {
    /// The access token (expiry counted from now) and the refresh token, if one came.
    pub fn split(self) -> (AccessToken, Option<SecretString>) {
        let lifetime =
            time::Duration::seconds(i64::try_from(self.expires_in).unwrap_or(i64::MAX / 2));
        let token = AccessToken {
            token: self.access_token,
            expires_at: OffsetDateTime::now_utc().saturating_add(lifetime),
        };
        (token, self.refresh_token)
    }
}

pub(crate) fn seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Text(String),
    }
    match Seconds::deserialize(deserializer)? {
        Seconds::Number(n) => Ok(n),
        Seconds::Text(text) => text.trim().parse().map_err(serde::de::Error::custom),
    }
}
