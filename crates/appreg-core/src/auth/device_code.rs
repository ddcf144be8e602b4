//! The OAuth 2.0 device authorization grant (RFC 8628) against Microsoft Entra ID.
//!
//! `azure_identity` 1.0 has no device code credential, so this is our own. A UI drives it in
//! two steps: [`DeviceCodeFlow::start`] gets the code to show, [`DeviceCodeFlow::poll`] waits
//! for the user to enter it. Dropping the `poll` future cancels the sign-in.

use super::error::AuthError;
use super::oauth::{Authority, TokenAnswer, Verdict, seconds};
use super::refresh_token::DeviceCodeSource;
use super::{AuthConfig, Endpoints};
use crate::secret::SecretString;
use crate::text;
use serde::Deserialize;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::time::Instant;

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds for good.
const SLOW_DOWN_STEP: u64 = 5;
/// RFC 8628 §3.2: the default when the answer carries no interval.
const DEFAULT_INTERVAL: u64 = 5;
/// The longest a code is waited on, and the longest pause between polls, whatever the server says.
const MAX_LIFETIME_S: u64 = 30 * 60;
const MAX_INTERVAL_S: u64 = 60;

/// What the user must do: open `verification_uri` and type `user_code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// Entra ID's own sentence, in the user's language ("To sign in, use a web browser…").
    pub message: String,
    pub expires_at: OffsetDateTime,
    pub interval: Duration,
}

/// Progress of a device code sign-in, for the UI to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceCodeEvent {
    /// Show this to the user ([`super::sign_in`] sends it before polling starts).
    Prompt(DeviceCodePrompt),
    /// The user has not finished yet; the code stays valid for `remaining`.
    Pending { remaining: Duration },
    /// Entra ID asked us to poll less often; polls are now `interval` apart.
    SlowDown { interval: Duration },
}

#[derive(Deserialize)]
struct DeviceCodeAnswer {
    device_code: SecretString,
    #[serde(deserialize_with = "text::deserialize_from_server")]
    user_code: String,
    #[serde(deserialize_with = "text::deserialize_from_server")]
    verification_uri: String,
    #[serde(default, deserialize_with = "text::deserialize_from_server")]
    message: String,
    #[serde(deserialize_with = "seconds")]
    expires_in: u64,
    #[serde(default, deserialize_with = "optional_seconds")]
    interval: Option<u64>,
}

fn optional_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    seconds(d).map(Some)
}

/// A started device code sign-in: the code is on screen, the user has not entered it yet.
#[derive(Debug)]
pub struct DeviceCodeFlow {
    authority: Authority,
    endpoints: Endpoints,
    device_code: SecretString,
    prompt: DeviceCodePrompt,
    started: Instant,
    lifetime_s: u64,
    /// How long one second of the protocol lasts in real time: a second, except in tests,
    /// which shrink it so every polling outcome runs in milliseconds.
    second: Duration,
}

impl DeviceCodeFlow {
    /// Asks Entra ID for a device code (scope: Graph + `offline_access`, so the refresh token
    /// can later reach other tenants and ARM).
    pub async fn start(config: &AuthConfig) -> Result<Self, AuthError> {
        let authority = Authority::new(
            &config.endpoints,
            &config.client_id,
            config.tenant_or_default(),
        )?;
        let scope = format!("{} offline_access", config.endpoints.graph_scope);
        let form = [
            ("client_id", authority.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        let step = "start the device code sign-in";
        let answer: DeviceCodeAnswer = match authority.post(None, "devicecode", &form, step).await?
        {
            Verdict::Granted(answer) => answer,
            Verdict::Refused(refusal) => {
                return Err(refusal.into_error(step, &authority.home_tenant));
            }
        };
        tracing::info!(expires_in = answer.expires_in, "device code issued");
        // Entra ID gives 900 s and 5 s; a server asking for more is not waited on.
        let expires_in = answer.expires_in.min(MAX_LIFETIME_S);
        let interval = answer
            .interval
            .filter(|&s| s > 0)
            .unwrap_or(DEFAULT_INTERVAL)
            .min(MAX_INTERVAL_S);
        let message = if answer.message.is_empty() {
            format!(
                "To sign in, open {} and enter the code {}",
                answer.verification_uri, answer.user_code
            )
        } else {
            answer.message
        };
        let lifetime = time::Duration::seconds(i64::try_from(expires_in).unwrap_or(i64::MAX / 2));
        Ok(Self {
            prompt: DeviceCodePrompt {
                user_code: answer.user_code,
                verification_uri: answer.verification_uri,
                message,
                expires_at: OffsetDateTime::now_utc().saturating_add(lifetime),
                interval: Duration::from_secs(interval),
            },
            authority,
            endpoints: config.endpoints.clone(),
            device_code: answer.device_code,
            started: Instant::now(),
            lifetime_s: expires_in,
            second: Duration::from_secs(1),
        })
    }

    pub fn prompt(&self) -> &DeviceCodePrompt {
        &self.prompt
    }

    /// Polls until the user signs in (→ a token source holding the refresh token), declines,
    /// or the code expires. Reports progress through `on_event`.
    pub async fn poll(
        self,
        mut on_event: impl FnMut(DeviceCodeEvent),
    ) -> Result<DeviceCodeSource, AuthError> {
        let deadline =
            self.started + self.second * u32::try_from(self.lifetime_s).unwrap_or(u32::MAX);
        let mut interval = self.prompt.interval.as_secs();
        let step = "finish the device code sign-in";
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", self.authority.client_id.as_str()),
            ("device_code", self.device_code.expose()),
        ];
        loop {
            // RFC 8628 §3.4: wait the interval before every poll, the first one included.
            let wake = Instant::now() + self.second * u32::try_from(interval).unwrap_or(u32::MAX);
            if wake >= deadline {
                tokio::time::sleep_until(deadline).await;
                return Err(AuthError::DeviceCodeExpired {
                    description: "nobody entered it in time".to_owned(),
                });
            }
            tokio::time::sleep_until(wake).await;
            let refusal = match self
                .authority
                .post::<TokenAnswer>(None, "token", &form, step)
                .await?
            {
                Verdict::Granted(answer) => {
                    tracing::info!("device code sign-in complete");
                    let (token, refresh_token) = answer.split();
                    return Ok(DeviceCodeSource::new(
                        self.authority,
                        self.endpoints,
                        token,
                        refresh_token,
                    )
                    .await);
                }
                Verdict::Refused(refusal) => refusal,
            };
            tracing::debug!(error = %refusal.error, "device code poll");
            match refusal.error.as_str() {
                "authorization_pending" => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    on_event(DeviceCodeEvent::Pending {
                        remaining: self.protocol_time(left),
                    });
                }
                "slow_down" => {
                    interval += SLOW_DOWN_STEP;
                    on_event(DeviceCodeEvent::SlowDown {
                        interval: Duration::from_secs(interval),
                    });
                }
                "authorization_declined" => {
                    return Err(AuthError::DeviceCodeDeclined {
                        description: refusal.description(),
                    });
                }
                "expired_token" => {
                    return Err(AuthError::DeviceCodeExpired {
                        description: refusal.description(),
                    });
                }
                "bad_verification_code" => {
                    return Err(AuthError::BadVerificationCode {
                        description: refusal.description(),
                    });
                }
                _ => return Err(refusal.into_error(step, &self.authority.home_tenant)),
            }
        }
    }

    /// A real duration expressed in protocol seconds (the identity outside tests).
    fn protocol_time(&self, real: Duration) -> Duration {
        Duration::from_secs_f64(real.as_secs_f64() / self.second.as_secs_f64())
            .min(Duration::from_secs(self.lifetime_s))
    }

    #[cfg(test)]
    pub(crate) fn with_second(mut self, second: Duration) -> Self {
        self.second = second;
        self
    }
}
