//! Sends a doctor fix on the shortest path: the app's PATCH alongside the service principal,
//! then the consent steps together once the service principal exists.

use super::consent::service_principal;
use super::settings::{SettingResult, is_setting, send_all};
use super::{RunError, failed};
use crate::doctor::{self, InspectError, Inspection, Selector};
use crate::graph::GraphClient;
use crate::graph::models::{Application, ServicePrincipal};
use crate::plan::{Ids, Step};
use crate::progress::Reporter;

/// What the fix did beyond what a re-read shows at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepairOutcome {
    /// The service principal the fix created (a fresh one may not be readable for a moment).
    pub created_service_principal: Option<ServicePrincipal>,
    pub requests_sent: usize,
    /// The logo and the publisher: Graph may refuse them without the rest failing.
    pub settings: Vec<SettingResult>,
}

pub async fn repair(
    client: &GraphClient,
    app: &Application,
    steps: &[Step],
    reporter: &Reporter,
) -> Result<RepairOutcome, RunError> {
    let update = steps.iter().find(|s| matches!(s, Step::PatchApp { .. }));
    // Whether a service principal is made, and hidden from My Apps from the start.
    let creates_principal = steps.iter().find_map(|s| match s {
        Step::CreateServicePrincipal { hide, .. } => Some(*hide),
        _ => None,
    });
    let after_principal: Vec<&Step> = steps
        .iter()
        .filter(|s| {
            !matches!(
                s,
                Step::PatchApp { .. } | Step::CreateServicePrincipal { .. }
            ) && !is_setting(s)
        })
        .collect();
    let settings: Vec<Step> = steps.iter().filter(|s| is_setting(s)).cloned().collect();

    let update_app = async {
        match update {
            Some(step) => send(client, step, &Ids::default(), reporter).await,
            None => Ok(()),
        }
    };
    let principal_and_consent = async {
        let created = match creates_principal {
            Some(hide) => Some(
                service_principal(client, &app.app_id, hide, reporter)
                    .await?
                    .sp,
            ),
            None => None,
        };
        let ids = Ids {
            service_principal: created.as_ref().map(|sp| sp.id.clone()),
            ..Ids::default()
        };
        let sends = after_principal
            .iter()
            .map(|step| send(client, step, &ids, reporter));
        futures::future::join_all(sends)
            .await
            .into_iter()
            .collect::<Result<Vec<()>, RunError>>()?;
        Ok::<_, RunError>(created)
    };
    let (updated, created, settings) = tokio::join!(
        update_app,
        principal_and_consent,
        send_all(client, &settings, reporter)
    );
    updated?;
    Ok(RepairOutcome {
        created_service_principal: created?,
        requests_sent: steps.len(),
        settings,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum MendError {
    #[error(transparent)]
    Send(#[from] RunError),
    #[error(transparent)]
    Reread(#[from] InspectError),
}

/// Sends the fix, then reads the app again for a fresh audit.
pub async fn mend(
    client: &GraphClient,
    inspection: &Inspection,
    steps: &[Step],
    reporter: &Reporter,
) -> Result<Inspection, MendError> {
    let app = &inspection.application;
    let repaired = repair(client, app, steps, reporter).await?;
    let mut after = doctor::inspect(client, &Selector::AppId(app.app_id.clone()), reporter).await?;
    // A service principal made a moment ago may not be listed yet.
    if after.context.service_principal.is_none() {
        after.context.service_principal = repaired.created_service_principal;
    }
    after.context.wants = inspection.context.wants.clone();
    Ok(after)
}

/// Every fix step is safe to repeat: PATCHes set values, and a POST repeated after a lost
/// answer meets its own first attempt (Graph refuses it as a conflict or a bad request). The
/// re-audit that follows a fix confirms what was done.
async fn send(
    client: &GraphClient,
    step: &Step,
    ids: &Ids,
    reporter: &Reporter,
) -> Result<(), RunError> {
    let op = step.operation();
    let call = step.to_call(ids)?;
    match client.send(&call, &reporter.on(op.clone())).await {
        Ok(_) => Ok(()),
        Err(error) if error.status() == Some(409) => Ok(()),
        Err(error) if error.was_repeated() && error.may_already_exist() => Ok(()),
        Err(error) => Err(failed(op, error, reporter)),
    }
}
