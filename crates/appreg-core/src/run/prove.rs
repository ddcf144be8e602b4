//! Proves a new client secret before it is handed over: the app signs itself in with it
//! (client credentials). Entra ID refuses a secret for a short while after it is made, exactly
//! as it refuses a wrong one (AADSTS7000215), and may not know a new app yet (AADSTS700016), so
//! those refusals are waited out for a bounded while, each wait a progress event.

use crate::auth::{self, AppSignIn};
use crate::progress::{Event, Operation, Reporter};
use crate::secret::SecretString;
use std::time::{Duration, Instant};

/// How long a new secret is given to replicate before it counts as not working: Entra ID
/// usually takes seconds, now and then a minute or two.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(180);
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// "Invalid client secret provided": wrong, or not replicated yet.
const INVALID_SECRET: u32 = 7000215;
/// "Application not found in the directory": a new app not replicated yet.
const APP_NOT_FOUND: u32 = 700016;
/// "The provided client secret keys are expired."
const EXPIRED: u32 = 7000222;
/// "The client application is missing service principal in the tenant": one just made has
/// not replicated yet.
const NO_SERVICE_PRINCIPAL: u32 = 7000229;

/// Who signs in with what.
#[derive(Debug)]
pub struct SecretProof<'a> {
    pub endpoints: &'a auth::Endpoints,
    pub tenant_id: &'a str,
    pub app_id: &'a str,
    pub secret: &'a SecretString,
    pub patience: Duration,
}

/// What the sign-in showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The app signed in with the secret.
    Verified { attempts: u32, waited: Duration },
    /// Entra ID refused for a reason that is not the secret (a Conditional Access policy for
    /// workload identities, say), or could not be reached: the secret is neither proven nor
    /// disproven.
    Unproven { reason: String },
}

impl Proof {
    pub fn is_verified(&self) -> bool {
        matches!(self, Proof::Verified { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    #[error(
        "the new secret never signed in: the app {app_id} tried the client credentials grant in tenant {tenant} {attempts} times over {} s and Entra ID answered {description}. A secret that has not replicated after that long is unusual: check it again in a few minutes before relying on it",
        waited.as_secs()
    )]
    NeverSignedIn {
        app_id: String,
        tenant: String,
        attempts: u32,
        waited: Duration,
        description: String,
    },
    #[error("the secret has expired: Entra ID answered {description}")]
    Expired { description: String },
}

/// No answer, or a server error: worth asking again.
fn is_transient(error: &crate::auth::AuthError) -> bool {
    use crate::auth::AuthError;
    match error {
        AuthError::Unreachable { .. } => true,
        AuthError::UnexpectedAnswer { status, .. } => *status == 429 || *status >= 500,
        _ => false,
    }
}

/// Signs the app in with its secret until Entra ID accepts it, refuses it for good, or
/// `patience` runs out.
pub async fn prove(proof: &SecretProof<'_>, reporter: &Reporter) -> Result<Proof, ProveError> {
    let op = Operation::ProveSecret;
    let path = format!("/{}/oauth2/v2.0/token", proof.tenant_id);
    let started = Instant::now();
    let mut wait = FIRST_WAIT;
    let mut attempts = 0;
    loop {
        attempts += 1;
        reporter.emit(Event::Started {
            op: op.clone(),
            method: crate::graph::Method::Post,
            path: path.clone(),
        });
        let sent = Instant::now();
        let answer =
            auth::sign_in_as_app(proof.endpoints, proof.tenant_id, proof.app_id, proof.secret)
                .await;
        let latency = sent.elapsed();
        let refused = |message: String| Event::Refused {
            op: op.clone(),
            method: crate::graph::Method::Post,
            path: path.clone(),
            status: None,
            latency,
            request_id: None,
            message,
        };
        let (code, description) = match answer {
            Ok(AppSignIn::Accepted) => {
                reporter.emit(Event::Done {
                    op: op.clone(),
                    method: crate::graph::Method::Post,
                    path: path.clone(),
                    status: 200,
                    latency,
                    request_id: None,
                });
                return Ok(Proof::Verified {
                    attempts,
                    waited: started.elapsed(),
                });
            }
            Ok(AppSignIn::Refused {
                code, description, ..
            }) => (code, description),
            // A network or server trouble says nothing about the secret: asked again while
            // there is time, then the secret counts as unproven.
            Err(error) if is_transient(&error) => (None, error.to_string()),
            Err(error) => {
                let reason = error.to_string();
                reporter.emit(refused(reason.clone()));
                return Ok(Proof::Unproven { reason });
            }
        };
        reporter.emit(refused(description.clone()));
        let waiting = match code {
            Some(INVALID_SECRET | APP_NOT_FOUND | NO_SERVICE_PRINCIPAL) => format!(
                "Entra ID does not accept the secret yet (AADSTS{}): a new secret takes a moment to replicate",
                code.unwrap_or(INVALID_SECRET)
            ),
            None => "Entra ID could not be asked".to_owned(),
            Some(EXPIRED) => return Err(ProveError::Expired { description }),
            Some(_) => {
                return Ok(Proof::Unproven {
                    reason: description,
                });
            }
        };
        let waited = started.elapsed();
        if waited + wait > proof.patience {
            if code.is_none() {
                return Ok(Proof::Unproven {
                    reason: description,
                });
            }
            return Err(ProveError::NeverSignedIn {
                app_id: proof.app_id.to_owned(),
                tenant: proof.tenant_id.to_owned(),
                attempts,
                waited,
                description,
            });
        }
        reporter.emit(Event::Retrying {
            op: op.clone(),
            reason: waiting,
            attempt: attempts,
            wait,
        });
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(LONGEST_WAIT);
    }
}
