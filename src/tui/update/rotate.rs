//! New secret: its lifetime and which old secret (if any) goes with it. The secret limit is
//! explained before anything is sent; the new secret is then revealed exactly like create's.

use super::{Handled, KeyHint, hint, move_cursor};
use crate::journal::SecretState;
use crate::run::{self, Removal, RotationError, SecretRequest};
use crate::tui::model::{
    ConnectPhase, LIFETIME_MONTHS, Model, Registered, RotateFocus, RotatePhase, Step, Task,
};
use crate::tui::msg::Effect;
use crate::tui::msg::{Created, RunFailure};
use crossterm::event::{KeyCode, KeyEvent};

/// The new secret's description in the portal, as `rotate-secret` names it.
const DESCRIPTION: &str = "appreg";

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    match (&model.rotate.phase, key.code) {
        (RotatePhase::Running, _) => return Handled::No,
        (RotatePhase::Failed(_), KeyCode::Char('r')) | (RotatePhase::Choosing, KeyCode::Enter) => {
            return Handled::Yes(start(model));
        }
        _ => {}
    }
    let removals = model.removals().len();
    let rotate = &mut model.rotate;
    match (rotate.focus, key.code) {
        (_, KeyCode::Tab | KeyCode::BackTab) => {
            rotate.focus = match rotate.focus {
                RotateFocus::Lifetime => RotateFocus::Removal,
                RotateFocus::Removal => RotateFocus::Lifetime,
            };
        }
        (RotateFocus::Lifetime, KeyCode::Left) => {
            rotate.lifetime = rotate.lifetime.saturating_sub(1)
        }
        (RotateFocus::Lifetime, KeyCode::Right) => {
            rotate.lifetime = (rotate.lifetime + 1).min(LIFETIME_MONTHS.len());
        }
        // With "until a date" chosen, typing goes into the date (←→ still choose).
        (RotateFocus::Lifetime, _) if rotate.until_date() && rotate.date.handle_key(key) => {}
        (RotateFocus::Lifetime, KeyCode::Down) => rotate.focus = RotateFocus::Removal,
        (RotateFocus::Removal, KeyCode::Up) if rotate.removal == 0 => {
            rotate.focus = RotateFocus::Lifetime;
        }
        (RotateFocus::Removal, _) if move_cursor(&mut rotate.removal, removals, key) => {}
        _ => return Handled::No,
    }
    rotate.problem = None;
    Handled::nothing()
}

/// Checks the choice against the app's secret limit, then sends it.
fn start(model: &mut Model) -> Vec<Effect> {
    let (Some(tenant), Some(app)) = (model.tenant_id(), model.findings.application().cloned())
    else {
        return Vec::new();
    };
    let removal = model
        .removals()
        .get(model.rotate.removal)
        .cloned()
        .unwrap_or_default();
    let lifetime = match model.rotate.lifetime(model.now) {
        Ok(lifetime) => lifetime,
        Err(problem) => {
            model.rotate.problem = Some(problem);
            model.rotate.focus = RotateFocus::Lifetime;
            return Vec::new();
        }
    };
    let request = SecretRequest {
        description: DESCRIPTION.into(),
        end: lifetime.end(model.now),
    };
    // The journal may know a secret an unfinished rotation left; the effect plans again with it.
    match run::plan_rotation(&app, &removal, request, &SecretState::None, model.now) {
        Err(RotationError::AtLimit { count, .. }) => {
            model.rotate.problem = Some(format!(
                "The app already holds {count} client secrets, the most its account types allow: choose below the one the new secret replaces (a removed secret stops working at once)."
            ));
            model.rotate.focus = RotateFocus::Removal;
            Vec::new()
        }
        Err(error) => {
            model.rotate.problem = Some(error.to_string());
            Vec::new()
        }
        Ok(_) => {
            model.rotate.phase = RotatePhase::Running;
            model.rotate.problem = None;
            vec![Effect::Rotate {
                tenant,
                app: Box::new(app),
                removal,
                lifetime,
            }]
        }
    }
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.rotate.phase {
        RotatePhase::Running => vec![],
        RotatePhase::Failed(_) => vec![hint("r", "retry (continues, never duplicates)")],
        RotatePhase::Choosing => {
            let mut keys = match model.rotate.focus {
                RotateFocus::Lifetime if model.rotate.until_date() => {
                    vec![hint("←→", "lifetime"), hint("0-9 -", "the date")]
                }
                RotateFocus::Lifetime => vec![hint("←→", "lifetime")],
                RotateFocus::Removal => vec![hint("↑↓", "choose")],
            };
            keys.push(hint("tab", "next field"));
            keys.push(hint("enter", "add the secret"));
            keys
        }
    }
}

/// The new secret goes on to Connect (or the reveal) even when its proof was inconclusive: it
/// is on the app, and the reveal says what the sign-in showed. One that never signed in goes
/// straight to the reveal: no platform is given it.
pub fn on_rotated(model: &mut Model, result: Result<Box<Created>, RunFailure>) -> Vec<Effect> {
    match result {
        Ok(created) => {
            let created = *created;
            model.rotate.phase = RotatePhase::Choosing;
            model.rotate.adopted = created.adopted;
            model.done.registered = Registered {
                secret_end: Some(created.secret.end_date_time.clone()),
                ..model.checked_app()
            };
            model.keep_secret(created.secret, created.proof);
            model.step = model.step_after_new_secret(Step::Rotate);
        }
        Err(failure) => model.rotate.phase = RotatePhase::Failed(failure),
    }
    Vec::new()
}

/// Once the new secret is handed over, the old secrets the rotation named (and one an earlier
/// run left with the platform) are removed, so nothing signs in with a removed one: only when
/// the new secret signed in, and the platform holds it or was never asked to. Otherwise Done
/// says why they stay.
pub fn retire_old_secrets(model: &mut Model) -> Vec<Effect> {
    let chosen = model.removals().get(model.rotate.removal).cloned();
    let (Task::Check, Some(tenant), Some(removal)) = (model.task, model.tenant_id(), chosen) else {
        return Vec::new();
    };
    let adopted = model.rotate.adopted.is_some() && model.platform_holds_secret();
    if removal == Removal::Nothing && !adopted {
        return Vec::new();
    }
    if let Some(why) = keep_old_secrets(model) {
        model.done.removals = Some(Err(why.to_owned()));
        return Vec::new();
    }
    vec![Effect::RemoveOldSecrets {
        tenant,
        object_id: model.done.registered.object_id.clone(),
    }]
}

/// Why the old secrets must stay, if they must: the new one is unproven, or the platform
/// refused it and still signs in with an old one.
fn keep_old_secrets(model: &Model) -> Option<&'static str> {
    let verified = matches!(&model.reveal.proof, Some(Ok(proof)) if proof.is_verified());
    if !verified {
        return Some(
            "the new secret has not been proven to sign in; remove the old one once sign-ins work with the new one",
        );
    }
    if let ConnectPhase::Connected(connected) = &model.connect.phase
        && !connected.was_this_app
    {
        return Some(
            "the platform's connector did not sign in as this app before, so whatever used the old secret still may; remove it once nothing does",
        );
    }
    (!model.platform_holds_secret() && model.connect.refused)
        .then_some("the platform refused the new secret, so it still signs in with the old secret")
}
