//! `rotate-secret`: a new client secret on an existing app, issued and handed over exactly like
//! `create`'s, and the removal of old secrets only when the user names them (or asks for the
//! expired ones). At the audience's limit the choice is explained before anything is sent.

use super::secret::{self, SecretRequest, remove_key};
use super::{IssuedSecret, RunError};
use crate::audience::Audience;
use crate::doctor::secrets::{describe, is_expired};
use crate::graph::GraphClient;
use crate::graph::models::{Application, PasswordCredential};
use crate::journal::{Journal, JournalError, PlatformState, SecretState};
use crate::progress::{Event, Operation, Reporter};
use time::OffsetDateTime;

/// The journal of a rotation, keyed by the app, so a re-run (from the command line or the
/// wizard) finds what a crash left; in memory where there is no state directory.
pub fn rotation_journal(
    dir: Option<&std::path::Path>,
    tenant: Option<&str>,
    app_id: &str,
) -> Result<Journal, JournalError> {
    match dir {
        Some(dir) => Journal::open(dir, tenant, &format!("rotate {app_id}"), "rotate-secret"),
        None => Ok(Journal::in_memory()),
    }
}

/// A secret an earlier rotation sent to the platform without learning the answer may be the
/// one the platform uses now: it counts as handed over from here on, so no run takes it off
/// the app before a newer secret replaces it on the platform. Returns its key id.
pub fn adopt_unconfirmed(journal: &mut Journal) -> Result<Option<String>, JournalError> {
    let entry = journal.entry();
    let (PlatformState::Sending { key_id, .. }, SecretState::Issued { key_id: issued, .. }) =
        (&entry.platform, &entry.secret)
    else {
        return Ok(None);
    };
    if key_id != issued {
        return Ok(None);
    }
    let key_id = key_id.clone();
    journal.record(|e| {
        e.secret = SecretState::HandedOver {
            key_id: key_id.clone(),
        };
        e.platform = PlatformState::None;
    })?;
    Ok(Some(key_id))
}

/// Which old secrets to remove.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Removal {
    /// Nothing: the default, so the platform can switch to the new secret first.
    #[default]
    Nothing,
    Key(String),
    Expired,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RotationError {
    #[error("the app has no client secret with key id {key_id}; its secrets: {known}")]
    UnknownKey { key_id: String, known: String },
    #[error(
        "nothing was sent: the app already holds {count} client secrets, the most an app that allows personal accounts may have.\n  Choose the one to replace: {choices}{expired}.\n  A removed secret stops working at once: remove the one the platform no longer uses, or update the platform with the new secret right after."
    )]
    AtLimit {
        count: usize,
        choices: String,
        expired: String,
    },
}

/// What a rotation will do, decided before anything is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RotationPlan {
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub secret: SecretRequest,
    pub remove: Vec<PasswordCredential>,
    /// At the limit the old secret has to go before Graph accepts a new one.
    pub remove_first: bool,
    /// The secrets left besides the new one.
    pub keep: Vec<PasswordCredential>,
}

/// `pending` is the journal's secret state: a secret an earlier, unfinished rotation made is
/// removed before the new one is added, so it does not count toward the limit.
pub fn plan_rotation(
    app: &Application,
    removal: &Removal,
    secret: SecretRequest,
    pending: &SecretState,
    now: OffsetDateTime,
) -> Result<RotationPlan, RotationError> {
    let existing: Vec<PasswordCredential> = app
        .password_credentials
        .iter()
        .filter(|c| !is_pending(c, pending))
        .cloned()
        .collect();
    let existing = &existing;
    let remove: Vec<PasswordCredential> = match removal {
        Removal::Nothing => Vec::new(),
        Removal::Expired => existing
            .iter()
            .filter(|c| is_expired(c, now))
            .cloned()
            .collect(),
        Removal::Key(key_id) => {
            let found = existing
                .iter()
                .find(|c| c.key_id.eq_ignore_ascii_case(key_id.trim()))
                .ok_or_else(|| RotationError::UnknownKey {
                    key_id: key_id.clone(),
                    known: list(existing, now, ", "),
                })?;
            vec![found.clone()]
        }
    };
    let keep: Vec<PasswordCredential> = existing
        .iter()
        .filter(|c| !remove.iter().any(|r| r.key_id == c.key_id))
        .cloned()
        .collect();
    let limit = app
        .sign_in_audience
        .as_deref()
        .and_then(|a| a.parse::<Audience>().ok())
        .and_then(|a| a.limits().client_secrets);
    if let Some(limit) = limit
        && keep.len() >= limit
    {
        let any_expired = keep.iter().any(|c| is_expired(c, now));
        return Err(RotationError::AtLimit {
            count: existing.len(),
            choices: keep
                .iter()
                .map(|c| format!("--remove {}", describe(c, now)))
                .collect::<Vec<_>>()
                .join(" or "),
            expired: if any_expired {
                ", or --remove-expired"
            } else {
                ""
            }
            .into(),
        });
    }
    let remove_first = limit.is_some_and(|limit| existing.len() >= limit);
    Ok(RotationPlan {
        object_id: app.id.clone(),
        app_id: app.app_id.clone(),
        display_name: app.display_name.clone().unwrap_or_default(),
        secret,
        remove,
        remove_first,
        keep,
    })
}

fn is_pending(credential: &PasswordCredential, pending: &SecretState) -> bool {
    match pending {
        SecretState::Requested { display_name } => {
            credential.display_name.as_deref() == Some(display_name.as_str())
        }
        SecretState::Issued { key_id, .. } => credential.key_id == *key_id,
        SecretState::None | SecretState::HandedOver { .. } => false,
    }
}

fn list(credentials: &[PasswordCredential], now: OffsetDateTime, separator: &str) -> String {
    if credentials.is_empty() {
        return "none".into();
    }
    credentials
        .iter()
        .map(|c| describe(c, now))
        .collect::<Vec<_>>()
        .join(separator)
}

/// A new secret on the app (until it is handed over). The old secrets asked for are removed
/// first when the app was at its limit, otherwise later, by [`super::remove_old_secrets`],
/// once whoever uses the app has the new one: the journal holds them until then.
#[derive(Debug)]
pub struct Rotation {
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub secret: IssuedSecret,
    /// Removed before the new secret was added, to make room.
    pub removed_first: Vec<String>,
    pub kept: Vec<PasswordCredential>,
}

pub async fn rotate(
    client: &GraphClient,
    plan: &RotationPlan,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<Rotation, RunError> {
    let remove_after: Vec<String> = if plan.remove_first {
        Vec::new()
    } else {
        plan.remove.iter().map(|c| c.key_id.clone()).collect()
    };
    journal.record(|e| {
        e.object_id = Some(plan.object_id.clone());
        e.app_id = Some(plan.app_id.clone());
        // Only what this rotation was asked to remove: an earlier run's list may name the
        // secret the platform still uses.
        e.remove_after = remove_after;
    })?;
    let mut removed_first = Vec::new();
    if plan.remove_first {
        for old in &plan.remove {
            remove_old(client, &plan.object_id, &old.key_id, reporter).await?;
            removed_first.push(old.key_id.clone());
        }
    }
    let secret = secret::issue(client, &plan.object_id, &plan.secret, journal, reporter)
        .await
        .map_err(|error| match removed_first.as_slice() {
            [] => error,
            done => RunError::AfterRemoval {
                removed: done.join(", "),
                source: Box::new(error),
            },
        })?;
    Ok(Rotation {
        object_id: plan.object_id.clone(),
        app_id: plan.app_id.clone(),
        display_name: plan.display_name.clone(),
        secret,
        removed_first,
        kept: plan.keep.clone(),
    })
}

/// Removes an old secret; one already gone (a repeat after a lost answer, or removed
/// meanwhile) counts as removed.
pub(super) async fn remove_old(
    client: &GraphClient,
    object_id: &str,
    key_id: &str,
    reporter: &Reporter,
) -> Result<(), RunError> {
    match remove_key(client, object_id, key_id, Operation::RemoveSecret, reporter).await {
        Err(RunError::Graph { error, .. }) if error.status() == Some(404) => {
            reporter.emit(Event::Skipped {
                op: Operation::RemoveSecret,
                reason: format!("{key_id} was already removed"),
            });
            Ok(())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-01 0:00 UTC);

    fn app(audience: &str, ends: &[&str]) -> Application {
        let secrets: Vec<serde_json::Value> = ends
            .iter()
            .enumerate()
            .map(|(i, end)| serde_json::json!({"keyId": format!("key-{i}"), "displayName": format!("s{i}"), "endDateTime": end}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "obj", "appId": "app", "displayName": "A", "signInAudience": audience,
            "passwordCredentials": secrets,
        }))
        .unwrap()
    }

    fn request() -> SecretRequest {
        SecretRequest {
            description: "appreg".into(),
            end: datetime!(2028-03-01 0:00 UTC),
        }
    }

    #[test]
    fn below_the_limit_nothing_is_removed_by_default() {
        let app = app(
            "AzureADandPersonalMicrosoftAccount",
            &["2026-03-08T00:00:00Z"],
        );
        let plan =
            plan_rotation(&app, &Removal::Nothing, request(), &SecretState::None, NOW).unwrap();
        assert!(plan.remove.is_empty() && !plan.remove_first);
        assert_eq!(plan.keep.len(), 1);
    }

    #[test]
    fn at_the_limit_the_choice_is_explained_before_sending() {
        let app = app(
            "AzureADandPersonalMicrosoftAccount",
            &["2026-03-08T00:00:00Z", "2027-01-01T00:00:00Z"],
        );
        let error =
            plan_rotation(&app, &Removal::Nothing, request(), &SecretState::None, NOW).unwrap_err();
        // A secret an unfinished rotation left behind does not count: it is removed first.
        let pending = SecretState::Issued {
            display_name: "s1".into(),
            key_id: "key-1".into(),
        };
        assert!(plan_rotation(&app, &Removal::Nothing, request(), &pending, NOW).is_ok());
        let text = error.to_string();
        assert!(
            text.contains("--remove key-0 (\"s0\", expires 2026-03-08) or --remove key-1"),
            "{text}"
        );
        let plan = plan_rotation(
            &app,
            &Removal::Key("KEY-0".into()),
            request(),
            &SecretState::None,
            NOW,
        )
        .unwrap();
        assert!(plan.remove_first);
        assert_eq!(plan.remove[0].key_id, "key-0");
    }

    #[test]
    fn work_accounts_have_no_limit_and_expired_ones_go_after_the_new_one() {
        let app = app(
            "AzureADMultipleOrgs",
            &[
                "2026-01-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
                "2027-06-01T00:00:00Z",
            ],
        );
        let plan =
            plan_rotation(&app, &Removal::Expired, request(), &SecretState::None, NOW).unwrap();
        assert_eq!(plan.remove.len(), 1);
        assert!(!plan.remove_first);
        let unknown = plan_rotation(
            &app,
            &Removal::Key("nope".into()),
            request(),
            &SecretState::None,
            NOW,
        );
        assert!(matches!(unknown, Err(RotationError::UnknownKey { .. })));
    }
}
