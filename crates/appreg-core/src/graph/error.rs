//! Graph failures, carried with Graph's own `code`, message and `request-id`, and translated
//! into what the user can do about them.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum GraphError {
    /// Graph answered with an error status.
    Api(ApiError),
    /// No answer: the connection failed or dropped. `sent` is true when the request may have
    /// reached Graph and taken effect.
    Transport { message: String, sent: bool },
    /// An answer that is not the JSON Graph documents.
    Malformed {
        status: u16,
        message: String,
        request_id: Option<String>,
    },
    /// Still failing after the retry budget.
    GaveUp {
        last: Box<GraphError>,
        attempts: u32,
        waited: Duration,
    },
    /// No token: signing in failed.
    Auth(String),
    /// The request was sent but no whole answer came within `after`: it may have taken effect.
    TimedOut { after: Duration },
    /// An answer appreg will not take (a redirect, a body over the cap); Graph never sends one.
    Unacceptable { message: String },
    /// The run's time limit ran out; `last` is the failure it was waiting to recover from.
    OutOfTime {
        limit: Duration,
        last: Option<Box<GraphError>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub detail_codes: Vec<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
}

impl ApiError {
    pub fn has_code(&self, code: &str) -> bool {
        self.code == code || self.detail_codes.iter().any(|c| c == code)
    }
}

impl GraphError {
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            GraphError::Api(e) => Some(e),
            GraphError::GaveUp { last, .. } => last.api(),
            GraphError::OutOfTime { last, .. } => last.as_deref().and_then(GraphError::api),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Api(e) => Some(e.status),
            GraphError::Malformed { status, .. } => Some(*status),
            GraphError::GaveUp { last, .. } => last.status(),
            GraphError::OutOfTime { last, .. } => last.as_deref().and_then(GraphError::status),
            _ => None,
        }
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.api().is_some_and(|e| e.has_code(code))
    }

    /// How Graph may refuse a create whose object already exists: 409 for a service principal,
    /// the generic `400 Request_BadRequest` for a repeated grant or app role assignment. Only a
    /// read tells which it was: callers confirm before treating it as done.
    pub fn may_already_exist(&self) -> bool {
        match self.status() {
            Some(409) => true,
            Some(400) => self.api().is_some_and(|e| e.code == "Request_BadRequest"),
            _ => false,
        }
    }

    /// The same answer, with what it means in this place instead of Graph's generic words (a
    /// 404 for a route every Graph has says the server is not the Graph appreg needs).
    pub fn explained(self, message: impl Into<String>) -> GraphError {
        GraphError::Malformed {
            status: self.status().unwrap_or_default(),
            message: message.into(),
            request_id: self.request_id().map(str::to_string),
        }
    }

    /// The request was sent more than once (an earlier answer was lost or refused for a
    /// passing reason), so a refusal may be meeting the first attempt's own work.
    pub fn was_repeated(&self) -> bool {
        matches!(self, GraphError::GaveUp { attempts, .. } if *attempts > 1)
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Api(e) => e.request_id.as_deref(),
            GraphError::Malformed { request_id, .. } => request_id.as_deref(),
            GraphError::GaveUp { last, .. } => last.request_id(),
            GraphError::OutOfTime { last, .. } => last.as_deref().and_then(GraphError::request_id),
            _ => None,
        }
    }

    /// Graph's code in plain words, and what to do next.
    pub fn advice(&self) -> String {
        if let GraphError::GaveUp {
            last,
            attempts,
            waited,
        } = self
        {
            return format!(
                "{} (gave up after {attempts} attempts over {} s; run the same command again: appreg continues where it stopped)",
                last.advice(),
                waited.as_secs()
            );
        }
        if let GraphError::Transport { message, sent } = self {
            return if *sent {
                format!(
                    "the connection dropped before Graph answered ({message}); run again: appreg checks what was done before repeating it"
                )
            } else {
                format!(
                    "cannot reach Microsoft Graph ({message}); check the network or --graph-url"
                )
            };
        }
        match self {
            GraphError::Auth(message) => return message.clone(),
            GraphError::TimedOut { after } => {
                return format!(
                    "Microsoft Graph did not answer within {} s; run again: appreg checks what was done before repeating it",
                    after.as_secs()
                );
            }
            GraphError::Unacceptable { message } => {
                return format!(
                    "{message}; Microsoft Graph never answers like this, so check --graph-url and any proxy in between"
                );
            }
            GraphError::OutOfTime { limit, .. } => {
                return format!(
                    "appreg waited {} s on Microsoft Graph, the most one run waits, and stopped; run the same command again: appreg continues where it stopped",
                    limit.as_secs()
                );
            }
            _ => {}
        }
        let Some(api) = self.api() else {
            return self.to_string();
        };
        match (api.status, api.code.as_str()) {
            (_, "CredentialInvalidLifetimeAsPerAppPolicy") => format!(
                "the tenant's app management policy does not allow a secret that lasts this long ({}); choose a shorter lifetime",
                api.message
            ),
            (403, "Authorization_RequestDenied") => "you lack the directory role for this: registering apps needs the Application Developer role (or users allowed to register apps), granting admin consent needs Cloud Application Administrator or Application Administrator; ask an administrator".into(),
            (401, _) => "the sign-in token was refused or has expired; sign in again".into(),
            (403, _) => format!("access denied ({}): ask an administrator for the needed role", api.message),
            (404, _) => format!("not found ({}): it may have been deleted, or directory replication has not caught up yet", api.message),
            (429, _) => match api.retry_after {
                Some(wait) if wait.as_secs() >= 60 => format!(
                    "Microsoft Graph is throttling requests and asks to wait {} minute(s); run again after that",
                    wait.as_secs().div_ceil(60)
                ),
                _ => "Microsoft Graph is throttling requests; wait a minute and run again".into(),
            },
            (s, _) if s >= 500 => format!("Microsoft Graph had a temporary problem ({}); run again in a moment", api.message),
            _ => format!("{} ({})", api.message, api.code),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::Api(e) => write!(f, "{} {}: {}", e.status, e.code, e.message),
            GraphError::Transport { message, .. } => write!(f, "no answer from Graph: {message}"),
            GraphError::Malformed {
                status, message, ..
            } => {
                write!(
                    f,
                    "unexpected answer from Graph (status {status}): {message}"
                )
            }
            GraphError::GaveUp { last, attempts, .. } => {
                write!(f, "{last} (after {attempts} attempts)")
            }
            GraphError::Auth(message) => write!(f, "sign-in failed: {message}"),
            GraphError::TimedOut { after } => {
                write!(f, "no answer from Graph within {} s", after.as_secs())
            }
            GraphError::Unacceptable { message } => write!(f, "{message}"),
            GraphError::OutOfTime { limit, last } => {
                write!(f, "out of time after waiting {} s", limit.as_secs())?;
                match last {
                    Some(last) => write!(f, " ({last})"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for GraphError {}
