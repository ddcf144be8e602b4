//! Create: one row per operation, driven by the runner's progress events; a failure can be
//! retried, and the runner's journal makes the retry continue rather than start over.

use super::{Handled, KeyHint, hint};
use crate::progress::Event;
use crate::tui::model::{CreatePhase, Model, OpRow, OpState, Registered, Step};
use crate::tui::msg::Effect;
use crate::tui::msg::{Created, RunFailure};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match (&model.create.phase, key.code) {
        (CreatePhase::SecretRefused(_), KeyCode::Enter) => {
            model.step = model.step_after_new_secret(Step::Create);
            Handled::nothing()
        }
        (CreatePhase::Failed(_), KeyCode::Char('r')) => {
            let Ok((plan, _)) = model.plan() else {
                return Handled::nothing();
            };
            model.create.phase = CreatePhase::Running;
            model.create.attempt += 1;
            Handled::Yes(vec![Effect::Run(Box::new(plan))])
        }
        _ => Handled::No,
    }
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.create.phase {
        CreatePhase::Failed(_) => vec![hint("r", "retry (continues, never duplicates)")],
        CreatePhase::SecretRefused(_) => vec![hint("enter", "take the secret anyway")],
        CreatePhase::Running | CreatePhase::Finished => vec![],
    }
}

pub fn on_progress(model: &mut Model, event: Event) -> Vec<Effect> {
    model.status.record(&event);
    if model.step != Step::Create {
        return Vec::new();
    }
    let state = match &event {
        Event::Started { .. } => OpState::Running,
        // The step handles the refusal or reports its own failure next.
        Event::Refused { .. } => return Vec::new(),
        Event::Retrying { reason, wait, .. } => {
            OpState::Retrying(format!("{reason}; again in {:.1} s", wait.as_secs_f64()))
        }
        Event::Done {
            status, latency, ..
        } => OpState::Done(format!("{status} in {} ms", latency.as_millis())),
        Event::Skipped { reason, .. } => OpState::Skipped(reason.clone()),
        Event::Failed { message, .. } => OpState::Failed(message.clone()),
    };
    let rows = &mut model.create.rows;
    match rows.iter_mut().find(|r| &r.op == event.op()) {
        Some(row) => row.state = state,
        None => rows.push(OpRow {
            op: event.op().clone(),
            state,
        }),
    }
    Vec::new()
}

pub fn on_finished(model: &mut Model, result: Result<Box<Created>, RunFailure>) -> Vec<Effect> {
    match result {
        Ok(created) => {
            let created = *created;
            // A secret that never signed in is a failure to see here; it is handed over all
            // the same (Enter), never lost.
            model.create.phase = match &created.proof {
                Err(refused) => CreatePhase::SecretRefused(refused.to_string()),
                Ok(_) => CreatePhase::Finished,
            };
            model.done.registered = Registered {
                tenant_id: created.tenant_id,
                object_id: created.object_id,
                app_id: created.app_id,
                display_name: created.display_name,
                consent: created.consent,
                secret_end: Some(created.secret.end_date_time.clone()),
            };
            model.done.settings = created.settings;
            model.keep_secret(created.secret, created.proof);
            if model.create.phase == CreatePhase::Finished {
                model.step = model.step_after(Step::Create);
            }
        }
        Err(failure) => model.create.phase = CreatePhase::Failed(failure),
    }
    Vec::new()
}
