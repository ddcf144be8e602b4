//! Connect: the new secret goes straight to the platform's API (Nylas v3, Nango), so the user
//! never has to copy it. Enter sends, `s` skips to the reveal; Tab edits the URL, the key and
//! (Nango) the integration, Esc stops editing so Enter and `s` are keys again. A connector
//! that signs in as another app is replaced only after `o`, then `y`.

use super::{Handled, KeyHint, hint};
use crate::audience::Audience;
use crate::catalog::Catalog;
use crate::platform::{Connected, PlatformKind, Target};
use crate::secret::SecretString;
use crate::tui::model::{ConnectField, ConnectPhase, Model, Step, Task};
use crate::tui::msg::{ConnectFailure, ConnectRequest, Effect};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    if model.connect.confirming_replace {
        model.connect.confirming_replace = false;
        // Anything but `y` keeps the connector as it is.
        return match key.code {
            KeyCode::Char('y' | 'Y') => Handled::Yes(start(model, true)),
            _ => Handled::nothing(),
        };
    }
    match (&model.connect.phase, model.connect.focus, key.code) {
        (ConnectPhase::Connecting, ..) => Handled::No,
        (ConnectPhase::Connected(_), _, KeyCode::Enter) => {
            model.step = model.step_after(Step::Connect);
            Handled::nothing()
        }
        (ConnectPhase::Connected(_), ..) => Handled::No,
        (_, _, KeyCode::Enter) => Handled::Yes(start(model, false)),
        (_, _, KeyCode::Tab | KeyCode::BackTab) => {
            next_field(model, key.code == KeyCode::Tab);
            Handled::nothing()
        }
        (_, Some(_), KeyCode::Esc) => {
            model.connect.focus = None;
            Handled::nothing()
        }
        (_, None, KeyCode::Char('s')) => {
            model.step = model.step_after(Step::Connect);
            Handled::nothing()
        }
        (_, None, KeyCode::Char('o')) if model.connect.occupied_by.is_some() => {
            model.connect.confirming_replace = true;
            Handled::nothing()
        }
        (_, Some(field), _) => {
            let connect = &mut model.connect;
            let used = match field {
                ConnectField::Url => connect.url.handle_key(key),
                ConnectField::Key => connect.key.handle_key(key),
                ConnectField::Integration => connect.integration.handle_key(key),
            };
            if used {
                Handled::nothing()
            } else {
                Handled::No
            }
        }
        (_, None, _) => Handled::No,
    }
}

/// Tab goes through the fields and back to none, where Enter and `s` are keys again.
fn next_field(model: &mut Model, forward: bool) {
    let connect = &mut model.connect;
    let mut stops: Vec<Option<ConnectField>> = vec![None];
    stops.extend(connect.fields().into_iter().map(Some));
    let here = stops.iter().position(|f| *f == connect.focus).unwrap_or(0);
    let step = if forward { 1 } else { stops.len() - 1 };
    connect.focus = stops[(here + step) % stops.len()];
}

/// A paste goes into the field being edited, or into the key when none is: the key is what
/// people paste.
pub fn on_paste(model: &mut Model, text: &str) {
    let connect = &mut model.connect;
    if connect.phase != ConnectPhase::Editing {
        return;
    }
    match connect.focus {
        Some(ConnectField::Url) => connect.url.insert_str(text.trim()),
        Some(ConnectField::Integration) => connect.integration.insert_str(text.trim()),
        Some(ConnectField::Key) | None => {
            connect.key.insert_str(text);
            connect.focus = Some(ConnectField::Key);
        }
    }
}

pub fn typing(model: &Model) -> bool {
    model.connect.focus.is_some() && model.connect.phase == ConnectPhase::Editing
}

/// Checks the fields, then sends; what is missing or wrong is said instead, at its field.
/// `replace` takes over a connector another app signs in as.
fn start(model: &mut Model, replace: bool) -> Vec<Effect> {
    let target = match target(model) {
        Ok(target) => target,
        Err((field, problem)) => {
            model.connect.problem = Some(problem);
            model.connect.focus = Some(field);
            return Vec::new();
        }
    };
    let Some(secret) = model.reveal.secret.as_ref().map(|s| s.duplicate()) else {
        return Vec::new();
    };
    let registered = &model.done.registered;
    let request = ConnectRequest {
        target,
        client_id: registered.app_id.clone(),
        secret,
        single_tenant: (app_audience(model) == Some(Audience::AzureADMyOrg))
            .then(|| registered.tenant_id.clone()),
        scopes: delegated_scopes(model),
        keep_scopes: model.task == Task::Check,
        display_name: registered.display_name.clone(),
        replace,
    };
    let connect = &mut model.connect;
    connect.phase = ConnectPhase::Connecting;
    connect.problem = None;
    connect.occupied_by = None;
    connect.focus = None;
    vec![Effect::Connect(Box::new(request))]
}

fn target(model: &Model) -> Result<Target, (ConnectField, String)> {
    let connect = &model.connect;
    let kind = connect.kind;
    let url = connect
        .checked_url()
        .map_err(|why| (ConnectField::Url, why))?;
    if connect.key.is_empty() {
        return Err((
            ConnectField::Key,
            format!(
                "The {} is missing: type or paste it (or start appreg with {} set).",
                kind.key_name(),
                kind.key_env()
            ),
        ));
    }
    let key = SecretString::new(connect.key.value().expose().trim().to_owned());
    let target = Target::new(kind, url, key);
    if kind != PlatformKind::Nango {
        return Ok(target);
    }
    let integration = connect
        .checked_integration()
        .map_err(|why| (ConnectField::Integration, why))?;
    Ok(target.with_integration(integration))
}

/// Who may sign in to the app: as registered, or as the checked app says.
fn app_audience(model: &Model) -> Option<Audience> {
    match model.task {
        Task::Register => Some(model.audience()),
        Task::Check => model
            .findings
            .application()
            .and_then(|app| app.sign_in_audience.as_deref())
            .and_then(|audience| audience.parse().ok()),
    }
}

/// The app's delegated Microsoft Graph scopes, as the platform asks users for them.
fn delegated_scopes(model: &Model) -> Vec<String> {
    match model.task {
        Task::Register => model
            .plan()
            .map(|(plan, _)| plan.spec.platform_scopes())
            .unwrap_or_default(),
        Task::Check => model
            .findings
            .application()
            .map(|app| crate::run::delegated_graph_scopes(app, &Catalog::offline()))
            .unwrap_or_default(),
    }
}

pub fn on_connected(
    model: &mut Model,
    result: Result<Box<Connected>, ConnectFailure>,
) -> Vec<Effect> {
    let connect = &mut model.connect;
    match result {
        Ok(connected) => {
            connect.phase = ConnectPhase::Connected(connected);
            connect.problem = None;
            // The platform switched to the new secret: the old ones can go now.
            super::rotate::retire_old_secrets(model)
        }
        Err(failure) => {
            connect.phase = ConnectPhase::Editing;
            connect.problem = Some(failure.message);
            connect.occupied_by = failure.occupied_by;
            connect.refused = true;
            connect.focus = None;
            Vec::new()
        }
    }
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    let connect = &model.connect;
    if connect.confirming_replace {
        return vec![
            hint("y", "yes, replace it"),
            hint("any other key", "keep it"),
        ];
    }
    match (&connect.phase, connect.focus) {
        (ConnectPhase::Connecting, _) => vec![],
        (ConnectPhase::Connected(_), _) => vec![hint("enter", "continue")],
        (ConnectPhase::Editing, Some(_)) => vec![
            hint("type", "edit"),
            hint("tab", "next field"),
            hint("esc", "done editing"),
            hint("enter", "connect"),
        ],
        (ConnectPhase::Editing, None) => {
            let mut keys = vec![hint(
                "enter",
                if connect.problem.is_some() {
                    "try again"
                } else {
                    "connect"
                },
            )];
            if connect.occupied_by.is_some() {
                keys.push(hint("o", "replace it (its mailboxes sign in again)"));
            }
            keys.push(hint("s", "skip: copy the secret yourself"));
            keys.push(hint("tab", "edit the fields"));
            keys
        }
    }
}
