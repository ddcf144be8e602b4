//! The optional settings that are requests of their own, the logo and the publisher, sent
//! beside the secret once the app exists. Neither stops the run: a publisher Microsoft will
//! not verify yet (no MPN account, an unverified domain) leaves a working app, so each result
//! is reported with Graph's reason instead.

use super::failed;
use crate::graph::GraphClient;
use crate::plan::{Ids, Ref, Spec, Step};
use crate::progress::{Operation, Reporter};

/// One setting sent on its own, and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingResult {
    /// Which request: the logo's upload or the publisher's verification.
    pub op: Operation,
    /// What was asked, in the portal's words.
    pub what: String,
    /// `None` when done; otherwise what Graph said.
    pub failure: Option<String>,
}

pub(super) async fn apply(
    client: &GraphClient,
    spec: &Spec,
    object_id: &str,
    reporter: &Reporter,
) -> Vec<SettingResult> {
    let steps = spec.settings_steps(&Ref::Known(object_id.to_owned()));
    send_all(client, &steps, reporter).await
}

/// Whether a step is one of these settings, whose failure is reported, not fatal.
pub(super) fn is_setting(step: &Step) -> bool {
    matches!(
        step,
        Step::UploadLogo { .. } | Step::SetVerifiedPublisher { .. }
    )
}

/// Sends each setting step side by side, each result kept.
pub(super) async fn send_all(
    client: &GraphClient,
    steps: &[Step],
    reporter: &Reporter,
) -> Vec<SettingResult> {
    let sends = steps.iter().map(|step| async move {
        let op = step.operation();
        let sent = match step.to_call(&Ids::default()) {
            Ok(call) => client
                .send(&call, &reporter.on(op.clone()))
                .await
                .map_err(|e| failed(op.clone(), e, reporter).to_string()),
            Err(missing) => Err(missing.to_string()),
        };
        SettingResult {
            op,
            what: step.purpose(),
            failure: sent.err(),
        }
    });
    futures::future::join_all(sends).await
}
