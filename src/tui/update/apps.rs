//! App: the tenant's app registrations, filterable; Enter reads the chosen one for the audit.

use super::{Handled, KeyHint, hint, move_cursor_arrows};
use crate::graph::models::Application;
use crate::tui::effects::Effect;
use crate::tui::model::{FindingsStep, Load, Model, RotateStep, Step, tagged_profile};
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let Some(tenant) = model.tenant.chosen.as_ref().map(|t| t.id.clone()) else {
        return Handled::No;
    };
    let apps = &mut model.apps;
    match (&apps.load, key.code) {
        (Load::Failed(_), KeyCode::Char('r')) => {
            apps.load = Load::Loading;
            return Handled::Yes(vec![Effect::ListApps { tenant }]);
        }
        (Load::Loaded(_), KeyCode::Enter) => {
            let Some(app) = apps.visible().get(apps.cursor).map(|a| (*a).clone()) else {
                return Handled::nothing();
            };
            let app_id = app.app_id.clone();
            // An app appreg made says which platform it is for.
            if let Some(index) =
                tagged_profile(&app).and_then(|id| model.profiles.iter().position(|p| p.id == id))
            {
                model.platform.cursor = index;
                model.apply_profile(index);
            }
            model.findings = FindingsStep {
                app_id: app_id.clone(),
                ..FindingsStep::default()
            };
            model.rotate = RotateStep::default();
            model.step = Step::Findings;
            return Handled::Yes(vec![Effect::Inspect { tenant, app_id }]);
        }
        _ => {}
    }
    let visible = apps.visible().len();
    if move_cursor_arrows(&mut apps.cursor, visible, key) {
        return Handled::nothing();
    }
    if apps.filter.handle_key(key) {
        apps.cursor = 0;
        return Handled::nothing();
    }
    Handled::No
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    match model.apps.load {
        Load::Loading => vec![],
        Load::Failed(_) => vec![hint("r", "try again")],
        Load::Loaded(_) => vec![
            hint("type", "filter"),
            hint("↑↓", "choose"),
            hint("enter", "check it"),
        ],
    }
}

pub fn on_apps(
    model: &mut Model,
    result: Result<Vec<Application>, String>,
) -> Vec<crate::tui::effects::Effect> {
    model.apps.load = match result {
        Ok(apps) => Load::Loaded(apps),
        Err(why) => Load::Failed(why),
    };
    model.apps.cursor = 0;
    Vec::new()
}
