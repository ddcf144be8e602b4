//! A new client secret between issue and hand-over, for `create` and `rotate-secret` alike.
//!
//! Its contract: every secret a run issues ends in exactly one of two ways, whichever front end
//! holds it. [`IssuedSecret::handed_over`] once the user has it (the journal stops offering to
//! remove it), or [`IssuedSecret::withdraw`] when it cannot reach them (it is taken off the app).
//! Dropping it unsettled removes nothing, since that would need the network: it is logged, and
//! the journal still names it, so the next run for the same app removes it first.

use super::secret::remove_key;
use crate::graph::GraphClient;
use crate::journal::{Journal, JournalError, SecretState};
use crate::progress::{Operation, Reporter};
use crate::secret::SecretString;

/// The new client secret: its value exists only here, until it is handed over.
#[derive(Debug)]
#[must_use = "a new secret is either handed over or withdrawn"]
pub struct IssuedSecret {
    pub value: SecretString,
    pub key_id: String,
    pub hint: Option<String>,
    pub end_date_time: String,
    pub display_name: String,
    /// The app that holds it, to take it off again.
    object_id: String,
    settled: bool,
}

impl IssuedSecret {
    pub(super) fn new(
        object_id: &str,
        value: SecretString,
        key_id: String,
        hint: Option<String>,
        end_date_time: String,
        display_name: String,
    ) -> Self {
        Self {
            value,
            key_id,
            hint,
            end_date_time,
            display_name,
            object_id: object_id.to_string(),
            settled: false,
        }
    }

    /// Records that the user (or the platform) has the secret: from now on a re-run does not
    /// remove it. The run is complete unless a connection or a removal is still to finish.
    pub fn handed_over(mut self, journal: &mut Journal) -> Result<(), JournalError> {
        self.settled = true;
        let key_id = self.key_id.clone();
        journal.record(|e| {
            e.secret = SecretState::HandedOver { key_id };
            e.completed = e.is_finished();
        })
    }

    /// Takes the secret off its app because nobody received it; false when that failed too
    /// (the journal then keeps it, so the next run removes it).
    pub async fn withdraw(
        mut self,
        client: &GraphClient,
        journal: &mut Journal,
        reporter: &Reporter,
    ) -> bool {
        self.settled = true;
        let removed = remove_key(
            client,
            &self.object_id,
            &self.key_id,
            Operation::RemoveLostSecret,
            reporter,
        )
        .await
        .is_ok();
        // Nothing is left to remove; a journal that cannot say so only makes the next run look
        // for a key that is gone, which it skips.
        if removed && journal.record(|e| e.secret = SecretState::None).is_err() {
            tracing::warn!(key_id = %self.key_id, "cannot record that the new secret was removed");
        }
        removed
    }
}

impl Drop for IssuedSecret {
    fn drop(&mut self) {
        if !self.settled {
            tracing::warn!(
                key_id = %self.key_id,
                "a new client secret was neither handed over nor withdrawn; the journal keeps it, so the next run removes it"
            );
        }
    }
}
