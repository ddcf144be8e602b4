//! What can go wrong talking to a platform, each worded with what to do about it.

use super::PlatformKind;
use super::api::Answer;
use crate::text;
use serde_json::Value;
use std::time::Duration;

/// The most of a platform's message shown.
const MESSAGE_CHARS: usize = 400;

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error(
        "{platform} refused the {} (HTTP {status}{}): check {}: a key of the {platform} {} you connect to{}",
        .platform.key_name(),
        message.as_deref().map(|m| format!(", {m}")).unwrap_or_default(),
        .platform.key_env(),
        match .platform { PlatformKind::Nylas => "application, in its region", PlatformKind::Nango => "environment" },
        match .platform { PlatformKind::Nylas => " (a US key is refused by api.eu.nylas.com and the other way round)", PlatformKind::Nango => " (each environment has its own secret key)" },
    )]
    BadKey {
        platform: PlatformKind,
        status: u16,
        message: Option<String>,
        request_id: Option<String>,
    },
    #[error("{platform} answered HTTP {status}{}{}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default(), message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Refused {
        platform: PlatformKind,
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        retry_after: Option<Duration>,
    },
    #[error("{platform} could not be reached: {detail}")]
    Unreachable {
        platform: PlatformKind,
        detail: String,
    },
    /// The request went out and no answer came back: it may have been carried out.
    #[error("{platform} did not answer: {detail}")]
    NoAnswer {
        platform: PlatformKind,
        detail: String,
    },
    #[error("{platform}'s answer was refused: {detail}")]
    Unacceptable {
        platform: PlatformKind,
        detail: String,
    },
    #[error("{platform}'s answer is not the JSON its API documents: {detail}")]
    Malformed {
        platform: PlatformKind,
        detail: String,
    },
    #[error(
        "the {platform} {thing} '{name}' signs in with the provider '{provider}', not Microsoft: appreg leaves it alone. Choose another integration key (--nango-integration KEY)",
        thing = .platform.thing()
    )]
    NotMicrosoft {
        platform: PlatformKind,
        name: String,
        provider: String,
    },
    #[error(
        "the {platform} {thing} '{name}' signs in as another app ({client_id}): appreg does not take it over unless asked (--replace-connector), since every mailbox connected through it would have to sign in again",
        thing = .platform.thing()
    )]
    Occupied {
        platform: PlatformKind,
        name: String,
        client_id: String,
    },
    #[error("{platform} did not finish within {} s; nothing more is sent", .waited.as_secs())]
    OutOfTime {
        platform: PlatformKind,
        waited: std::time::Duration,
    },
    #[error("{last} (tried {attempts} times)")]
    GaveUp {
        attempts: u32,
        /// A read that failed changed nothing: only a write's failure may hide a success.
        was_write: bool,
        last: Box<PlatformError>,
    },
}

impl PlatformError {
    pub(super) fn from_answer(platform: PlatformKind, answer: &Answer) -> Self {
        let error = answer.body.get("error");
        let field = |name: &str| {
            error
                .and_then(|e| e.get(name))
                .and_then(Value::as_str)
                .map(|m| text::clip(&text::from_server(m), MESSAGE_CHARS).into_owned())
        };
        // Nango words a refused body as a list of `errors`, each with its own message.
        let message = field("message").or_else(|| {
            let listed: Vec<String> = error
                .and_then(|e| e.get("errors"))
                .and_then(Value::as_array)?
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(text::from_server)
                .collect();
            (!listed.is_empty()).then(|| text::clip(&listed.join("; "), MESSAGE_CHARS).into_owned())
        });
        let request_id = answer
            .body
            .get("request_id")
            .and_then(Value::as_str)
            .map(|id| text::clip(&text::from_server(id), MESSAGE_CHARS).into_owned());
        if matches!(answer.status, 401 | 403) {
            return PlatformError::BadKey {
                platform,
                status: answer.status,
                message,
                request_id,
            };
        }
        PlatformError::Refused {
            platform,
            status: answer.status,
            // Nylas names an error's `type`, Nango its `code`.
            code: field("type").or_else(|| field("code")),
            message,
            request_id,
            retry_after: answer.retry_after,
        }
    }

    pub(super) fn transport(platform: PlatformKind, error: &reqwest::Error) -> Self {
        let detail = text::one_line(&crate::auth::chain(error)).into_owned();
        if error.is_connect() || error.is_builder() {
            PlatformError::Unreachable { platform, detail }
        } else {
            PlatformError::NoAnswer { platform, detail }
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            PlatformError::BadKey { status, .. } | PlatformError::Refused { status, .. } => {
                Some(*status)
            }
            PlatformError::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            PlatformError::BadKey { request_id, .. }
            | PlatformError::Refused { request_id, .. } => request_id.as_deref(),
            PlatformError::GaveUp { last, .. } => last.request_id(),
            _ => None,
        }
    }

    /// How long to wait before the same request may be sent again; `None` when it should not.
    pub(super) fn retry_after(&self) -> Option<Duration> {
        match self {
            PlatformError::Refused {
                status: 429,
                retry_after,
                ..
            } => Some(retry_after.unwrap_or(Duration::from_secs(1))),
            PlatformError::Refused {
                status,
                retry_after,
                ..
            } if *status >= 500 => Some(retry_after.unwrap_or(Duration::from_secs(1))),
            PlatformError::Unreachable { .. } | PlatformError::NoAnswer { .. } => {
                Some(Duration::from_secs(1))
            }
            _ => None,
        }
    }

    /// The request may have been carried out although no good answer came back: read again
    /// before writing again.
    pub fn answer_may_be_lost(&self) -> bool {
        match self {
            PlatformError::NoAnswer { .. } | PlatformError::Malformed { .. } => true,
            PlatformError::Refused { status, .. } => *status >= 500,
            PlatformError::GaveUp {
                last, was_write, ..
            } => *was_write && last.answer_may_be_lost(),
            _ => false,
        }
    }
}
