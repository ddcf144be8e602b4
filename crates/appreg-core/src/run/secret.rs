//! The client secret, for `create` (step 3a) and `rotate-secret` alike. A secret is either
//! handed over or removed: when addPassword's answer is lost, the secret it may have made is
//! found by its one-off display name and removed before a new one is made, and the journal
//! lets a later run remove one a crash left behind.

use super::{IssuedSecret, RunError, failed};
use crate::graph::Method;
use crate::graph::models::format_graph_time;
use crate::graph::models::{Application, NewPassword, PasswordCredential};
use crate::graph::{Call, GraphClient, GraphError};
use crate::journal::{Journal, SecretState};
use crate::plan::{Ids, Ref, Step};
use crate::progress::{Event, Operation, Reporter};
use serde_json::Value;
use time::OffsetDateTime;

/// Lost answers are retried this often before giving up.
const MAX_ADD_ATTEMPTS: u32 = 3;
/// Time of its own for removing a secret whose answer was lost.
const CLEANUP_TIME: std::time::Duration = std::time::Duration::from_secs(60);

/// The secret to add: its description in the portal (a per-attempt mark is added) and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRequest {
    pub description: String,
    pub end: OffsetDateTime,
}

/// Adds a secret to the app `object_id`, first removing one an earlier run made but never
/// handed over. The journal follows every step; the value is only ever in the answer.
pub(super) async fn issue(
    client: &GraphClient,
    object_id: &str,
    request: &SecretRequest,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<IssuedSecret, RunError> {
    match journal.entry().secret.clone() {
        SecretState::Requested { display_name } => {
            remove_where(client, object_id, reporter, |c| {
                c.display_name.as_deref() == Some(&display_name)
            })
            .await?
        }
        SecretState::Issued { key_id, .. } => {
            remove_where(client, object_id, reporter, |c| c.key_id == key_id).await?
        }
        SecretState::None | SecretState::HandedOver { .. } => {}
    }
    journal.record(|e| e.secret = SecretState::None)?;

    let end = request.end;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let display_name = format!(
            "{} ({})",
            request.description,
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        journal.record(|e| {
            e.secret = SecretState::Requested {
                display_name: display_name.clone(),
            }
        })?;
        let call = Step::AddSecret {
            app: Ref::Known(object_id.to_owned()),
            display_name: display_name.clone(),
            end,
        }
        .to_call(&Ids::default())?;
        let answer = client
            .send(&call, &reporter.on(Operation::AddSecret))
            .await
            .and_then(|a| a.json::<NewPassword>());
        match answer {
            Ok(password) => {
                journal.record(|e| {
                    e.secret = SecretState::Issued {
                        display_name: display_name.clone(),
                        key_id: password.key_id.clone(),
                    }
                })?;
                return Ok(IssuedSecret::new(
                    object_id,
                    password.secret_text,
                    password.key_id,
                    password.hint,
                    password.end_date_time,
                    display_name,
                ));
            }
            Err(error) if error.has_code("CredentialInvalidLifetimeAsPerAppPolicy") => {
                journal.record(|e| e.secret = SecretState::None)?;
                let cap = lifetime_cap(client, reporter).await;
                let months = format!("until {}", format_graph_time(end));
                reporter.emit(Event::Failed {
                    op: Operation::AddSecret,
                    message: format!(
                        "the tenant's policy caps secret lifetime{}",
                        cap.as_deref()
                            .map(|c| format!(" at {c}"))
                            .unwrap_or_default()
                    ),
                    request_id: error.request_id().map(str::to_string),
                });
                return Err(RunError::SecretLifetime {
                    months,
                    cap,
                    request_id: error.request_id().map(str::to_string),
                });
            }
            Err(error) if answer_may_be_lost(&error) && attempt < MAX_ADD_ATTEMPTS => {
                reporter.emit(Event::Retrying {
                    op: Operation::AddSecret,
                    reason: format!(
                        "the answer was lost ({error}); removing any secret it made first"
                    ),
                    attempt,
                    wait: std::time::Duration::ZERO,
                });
                remove_named(client, object_id, &display_name, reporter).await?;
                journal.record(|e| e.secret = SecretState::None)?;
            }
            Err(error) => {
                if answer_may_be_lost(&error) {
                    remove_named(client, object_id, &display_name, reporter).await?;
                }
                journal.record(|e| e.secret = SecretState::None)?;
                return Err(failed(Operation::AddSecret, error, reporter));
            }
        }
    }
}

/// No answer, a server error or an unreadable answer: the secret may exist anyway.
fn answer_may_be_lost(error: &GraphError) -> bool {
    match error {
        GraphError::Transport { sent, .. } => *sent,
        GraphError::Malformed { .. }
        | GraphError::TimedOut { .. }
        | GraphError::Unacceptable { .. } => true,
        GraphError::GaveUp { last, .. } => answer_may_be_lost(last),
        GraphError::OutOfTime { last, .. } => last.as_deref().is_some_and(answer_may_be_lost),
        other => other.status().is_some_and(|s| s >= 500),
    }
}

async fn remove_named(
    client: &GraphClient,
    object_id: &str,
    display_name: &str,
    reporter: &Reporter,
) -> Result<(), RunError> {
    remove_where(client, object_id, reporter, |c| {
        c.display_name.as_deref() == Some(display_name)
    })
    .await
}

/// Lists the app's secrets and removes those `doomed` picks, so only existing keys are removed.
async fn remove_where(
    client: &GraphClient,
    object_id: &str,
    reporter: &Reporter,
    doomed: impl Fn(&PasswordCredential) -> bool,
) -> Result<(), RunError> {
    // Removing a secret nobody received must not fail only because the run ran out of time.
    let client = &client.with_time_left(CLEANUP_TIME);
    let op = Operation::RemoveLostSecret;
    let read = Call::new(
        Method::Get,
        format!("/applications/{object_id}?$select=id,appId,passwordCredentials"),
    )
    .wait_for_replication();
    let app: Application = client
        .send_json(&read, &reporter.on(op.clone()))
        .await
        .map_err(|e| failed(op.clone(), e, reporter))?;
    for credential in app.password_credentials.iter().filter(|c| doomed(c)) {
        remove_key(
            client,
            object_id,
            &credential.key_id,
            Operation::RemoveLostSecret,
            reporter,
        )
        .await?;
    }
    Ok(())
}

/// `removePassword` for one key; `op` says whether it is cleanup or a removal the user asked for.
pub(super) async fn remove_key(
    client: &GraphClient,
    object_id: &str,
    key_id: &str,
    op: Operation,
    reporter: &Reporter,
) -> Result<(), RunError> {
    let call = Step::RemoveSecret {
        app: Ref::Known(object_id.to_owned()),
        key_id: key_id.to_owned(),
    }
    .to_call(&Ids::default())?;
    client
        .send(&call, &reporter.on(op.clone()))
        .await
        .map(drop)
        .map_err(|e| failed(op, e, reporter))
}

/// The tenant's cap on secret lifetime, when this user may read the policy.
async fn lifetime_cap(client: &GraphClient, reporter: &Reporter) -> Option<String> {
    let call = Call::new(Method::Get, "/policies/defaultAppManagementPolicy");
    let policy: Value = client
        .send(&call, &reporter.on(Operation::AddSecret))
        .await
        .ok()?
        .json()
        .ok()?;
    let restrictions = policy
        .pointer("/applicationRestrictions/passwordCredentials")?
        .as_array()?;
    restrictions
        .iter()
        .find(|r| r.get("restrictionType").and_then(Value::as_str) == Some("passwordLifetime"))
        .and_then(|r| r.get("maxLifetime").and_then(Value::as_str))
        .map(describe_iso_duration)
}

/// `P90D` → `90 days`; other forms are shown as Graph gives them.
fn describe_iso_duration(iso: &str) -> String {
    iso.strip_prefix('P')
        .and_then(|d| d.strip_suffix('D'))
        .and_then(|d| d.parse::<u32>().ok())
        .map(|days| format!("{days} days"))
        .unwrap_or_else(|| iso.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_durations_read_plainly() {
        assert_eq!(describe_iso_duration("P180D"), "180 days");
        assert_eq!(describe_iso_duration("P1Y"), "P1Y");
    }
}
