//! Progress events: what the runner and the Graph client report while they work. Both front ends
//! draw these same events, so the wizard and `create` cannot tell different stories.

use crate::graph::{Attempt, Call, Method, Observer};
use std::fmt;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// One step of a run, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operation {
    ListTenants,
    ReadTenant,
    ReadResource(String),
    RegisterApp,
    RemoveLostSecret,
    AddSecret,
    CreateServicePrincipal,
    GrantConsent(String),
    AssignAppRole(String),
    ListApps,
    ReadApp,
    ReadServicePrincipal,
    ReadGrants,
    UpdateApp,
    UpdateServicePrincipal,
    RemoveSecret,
    /// Sign the app in with its new secret (client credentials), waiting out replication.
    ProveSecret,
    UploadLogo,
    VerifyPublisher,
    ReadPlatform(String),
    ConnectPlatform(String),
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::ListTenants => f.write_str("List your tenants"),
            Operation::ReadTenant => f.write_str("Read the tenant"),
            Operation::ReadResource(name) => write!(f, "Read {name} permissions"),
            Operation::RegisterApp => f.write_str("Register the app"),
            Operation::RemoveLostSecret => f.write_str("Remove a secret whose answer was lost"),
            Operation::AddSecret => f.write_str("Add the client secret"),
            Operation::CreateServicePrincipal => f.write_str("Create the service principal"),
            Operation::GrantConsent(name) => write!(f, "Grant admin consent for {name}"),
            Operation::AssignAppRole(name) => write!(f, "Assign {name} application permissions"),
            Operation::ListApps => f.write_str("List the app registrations"),
            Operation::ReadApp => f.write_str("Read the app registration"),
            Operation::ReadServicePrincipal => f.write_str("Read the service principal"),
            Operation::ReadGrants => f.write_str("Read the app's consent grants"),
            Operation::UpdateApp => f.write_str("Update the app registration"),
            Operation::UpdateServicePrincipal => f.write_str("Update the service principal"),
            Operation::RemoveSecret => f.write_str("Remove an old client secret"),
            Operation::ProveSecret => f.write_str("Sign in with the new secret"),
            Operation::UploadLogo => f.write_str("Upload the logo"),
            Operation::VerifyPublisher => f.write_str("Verify the publisher"),
            Operation::ReadPlatform(name) => write!(f, "Read {name}'s settings"),
            Operation::ConnectPlatform(name) => write!(f, "Give {name} the credentials"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A request went out.
    Started {
        op: Operation,
        method: Method,
        path: String,
    },
    /// An attempt ended without an answer the step accepts (an error status, or no answer at
    /// all) and will not be sent again; the step decides what that means.
    Refused {
        op: Operation,
        method: Method,
        path: String,
        status: Option<u16>,
        latency: Duration,
        request_id: Option<String>,
        message: String,
    },
    /// The request will be sent again after `wait`.
    Retrying {
        op: Operation,
        reason: String,
        attempt: u32,
        wait: Duration,
    },
    /// An answer came back that the step accepts.
    Done {
        op: Operation,
        method: Method,
        path: String,
        status: u16,
        latency: Duration,
        request_id: Option<String>,
    },
    /// The step was not needed or not possible, and the run goes on.
    Skipped { op: Operation, reason: String },
    /// The step failed for good; `message` says what to do next.
    Failed {
        op: Operation,
        message: String,
        request_id: Option<String>,
    },
}

impl Event {
    pub fn op(&self) -> &Operation {
        match self {
            Event::Started { op, .. }
            | Event::Refused { op, .. }
            | Event::Retrying { op, .. }
            | Event::Done { op, .. }
            | Event::Skipped { op, .. }
            | Event::Failed { op, .. } => op,
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Started { op, method, path } => write!(f, "…  {op}: {method} {path}"),
            Event::Refused {
                op,
                status,
                latency,
                message,
                ..
            } => {
                let answer = status.map_or("no answer".to_string(), |s| s.to_string());
                write!(
                    f,
                    "·  {op}: {answer} in {} ms ({message})",
                    latency.as_millis()
                )
            }
            Event::Retrying {
                op,
                reason,
                attempt,
                wait,
            } => {
                write!(
                    f,
                    "↻  {op}: {reason}; retry {attempt} in {:.1} s",
                    wait.as_secs_f64()
                )
            }
            Event::Done {
                op,
                status,
                latency,
                request_id,
                ..
            } => {
                write!(f, "✓  {op}: {status} in {} ms", latency.as_millis())?;
                if let Some(id) = request_id {
                    write!(f, " (request-id {id})")?;
                }
                Ok(())
            }
            Event::Skipped { op, reason } => write!(f, "–  {op}: skipped, {reason}"),
            Event::Failed {
                op,
                message,
                request_id,
            } => {
                write!(f, "✗  {op}: {message}")?;
                if let Some(id) = request_id {
                    write!(f, " (request-id {id})")?;
                }
                Ok(())
            }
        }
    }
}

/// Where events go; a reporter without a receiver drops them.
#[derive(Debug, Clone, Default)]
pub struct Reporter(Option<UnboundedSender<Event>>);

impl Reporter {
    pub fn new(sender: UnboundedSender<Event>) -> Self {
        Self(Some(sender))
    }

    pub fn silent() -> Self {
        Self(None)
    }

    pub fn emit(&self, event: Event) {
        tracing::debug!(%event, "progress");
        if let Some(sender) = &self.0 {
            // The front end may have gone away (user quit); the run itself goes on.
            let _ = sender.send(event);
        }
    }
}

/// A reporter naming the operation its requests are for: what the Graph client observes
/// becomes that operation's events.
#[derive(Debug)]
pub struct OnOperation<'a> {
    reporter: &'a Reporter,
    op: Operation,
}

impl Reporter {
    pub fn on(&self, op: Operation) -> OnOperation<'_> {
        OnOperation { reporter: self, op }
    }
}

impl Observer for OnOperation<'_> {
    fn observe(&self, call: &Call, attempt: Attempt<'_>) {
        let op = self.op.clone();
        let (method, path) = (call.method, call.path.clone());
        self.reporter.emit(match attempt {
            Attempt::Started => Event::Started { op, method, path },
            Attempt::Answered {
                status,
                latency,
                request_id,
            } => Event::Done {
                op,
                method,
                path,
                status,
                latency,
                request_id: request_id.map(str::to_owned),
            },
            Attempt::Refused {
                status,
                latency,
                request_id,
                message,
            } => Event::Refused {
                op,
                method,
                path,
                status,
                latency,
                request_id: request_id.map(str::to_owned),
                message,
            },
            Attempt::Retrying {
                reason,
                attempt,
                wait,
            } => Event::Retrying {
                op,
                reason,
                attempt,
                wait,
            },
        });
    }
}
