//! Step 2: the app registration, created complete in one idempotent request.

use super::{RunError, failed};
use crate::graph::Method;
use crate::graph::models::Application;
use crate::graph::{Call, GraphClient};
use crate::journal::Journal;
use crate::plan::requests::application_body;
use crate::plan::upsert_path;
use crate::plan::{Ids, Plan, Step};
use crate::progress::Reporter;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct AppIds {
    pub object_id: String,
    pub app_id: String,
}

/// `PATCH /applications(uniqueName=…)` with `Prefer: create-if-missing`: 201 with the app the
/// first time, 204 on a retry that finds it, never a second app.
pub(super) async fn register(
    client: &GraphClient,
    plan: &Plan,
    journal: &mut Journal,
    reporter: &Reporter,
) -> Result<AppIds, RunError> {
    let unique_name = journal.entry().unique_name.clone();
    let step = Step::UpsertApp {
        unique_name: unique_name.clone(),
        body: application_body(plan),
    };
    let op = step.operation();
    let call = step.to_call(&Ids::default())?;
    let answer = match client.send(&call, &reporter.on(op.clone())).await {
        // Graph creates the app when it is missing; a 404 means a server without the upsert.
        Err(error) if error.status() == Some(404) => {
            let error = error.explained("this Graph does not create apps by unique name (PATCH /applications(uniqueName=…) with Prefer: create-if-missing); appreg needs it so that a retry never makes a second app");
            return Err(failed(op, error, reporter));
        }
        answer => answer.map_err(|e| failed(op.clone(), e, reporter))?,
    };

    let known = journal
        .entry()
        .object_id
        .clone()
        .zip(journal.entry().app_id.clone());
    let created: Option<Application> = (answer.status == 201).then(|| answer.json().ok()).flatten();
    let ids = match (created, known) {
        (Some(app), _) => AppIds {
            object_id: app.id,
            app_id: app.app_id,
        },
        (None, Some((object_id, app_id))) => AppIds { object_id, app_id },
        // Updated, not created (an earlier attempt made it and its answer was lost), or an
        // answer that could not be read: look the app up by its unique name.
        (None, None) => {
            let read = Call::new(
                Method::Get,
                format!("{}?$select=id,appId", upsert_path(&unique_name)),
            )
            .wait_for_replication();
            let app: Application = client
                .send_json(&read, &reporter.on(op.clone()))
                .await
                .map_err(|e| failed(op.clone(), e, reporter))?;
            AppIds {
                object_id: app.id,
                app_id: app.app_id,
            }
        }
    };
    journal.record(|e| {
        e.object_id = Some(ids.object_id.clone());
        e.app_id = Some(ids.app_id.clone());
    })?;
    Ok(ids)
}
