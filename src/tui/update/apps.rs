//! App: the tenant's app registrations, filterable; Enter reads the chosen one for the audit,
//! judged against the platform in its appreg tag or, without one, the platform the user names.

use super::{Handled, KeyHint, hint, move_cursor, move_cursor_arrows};
use crate::graph::models::Application;
use crate::tui::model::{
    FindingsStep, Load, Model, PlatformSource, RotateStep, Step, likely_profile, sort_apps,
    tagged_profile,
};
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};

pub fn on_key(model: &mut Model, key: KeyEvent) -> Handled {
    let Some(tenant) = model.tenant_id() else {
        return Handled::No;
    };
    if let Some(cursor) = model.apps.platform_for {
        return on_platform_key(model, tenant, cursor, key);
    }
    let apps = &mut model.apps;
    match (&apps.list.load, key.code) {
        (Load::Failed(_), KeyCode::Char('r')) => {
            apps.list.load = Load::Loading;
            return Handled::Yes(vec![Effect::ListApps { tenant }]);
        }
        (Load::Loaded(_), KeyCode::Enter) => {
            let Some(app) = apps.list.selected() else {
                return Handled::nothing();
            };
            let tagged =
                tagged_profile(app).and_then(|id| model.profiles.iter().position(|p| p.id == id));
            return match tagged {
                Some(index) => check(model, tenant, index, PlatformSource::Tag),
                // Another app's platform must not carry over: ask, starting from the one its
                // redirect URIs suggest, else the last one.
                None => {
                    let last = model.platform.applied.unwrap_or(model.platform.cursor);
                    let guess = likely_profile(app, &model.profiles).unwrap_or(last);
                    model.apps.platform_for = Some(guess);
                    Handled::nothing()
                }
            };
        }
        _ => {}
    }
    let visible = apps.list.visible().len();
    if move_cursor_arrows(&mut apps.list.cursor, visible, key) {
        return Handled::nothing();
    }
    if apps.list.filter.handle_key(key) {
        apps.list.cursor = 0;
        return Handled::nothing();
    }
    Handled::No
}

/// The platform list for an app without a tag: Enter checks the app against the highlighted
/// platform, Esc returns to the apps.
fn on_platform_key(model: &mut Model, tenant: String, mut cursor: usize, key: KeyEvent) -> Handled {
    match key.code {
        KeyCode::Enter => check(model, tenant, cursor, PlatformSource::Chosen),
        KeyCode::Esc => {
            model.apps.platform_for = None;
            Handled::nothing()
        }
        _ if move_cursor(&mut cursor, model.profiles.len(), key) => {
            model.apps.platform_for = Some(cursor);
            Handled::nothing()
        }
        _ => Handled::No,
    }
}

/// Reads the app under the cursor, to be judged against the profile at `index`.
fn check(model: &mut Model, tenant: String, index: usize, source: PlatformSource) -> Handled {
    let Some(app_id) = model.apps.list.selected().map(|a| a.app_id.clone()) else {
        return Handled::nothing();
    };
    model.apps.platform_for = None;
    model.platform.cursor = index;
    model.apply_profile(index);
    model.findings = FindingsStep {
        app_id: app_id.clone(),
        platform_source: source,
        ..FindingsStep::default()
    };
    model.rotate = RotateStep::default();
    model.step = Step::Findings;
    Handled::Yes(vec![Effect::Inspect { tenant, app_id }])
}

pub fn keys(model: &Model) -> Vec<KeyHint> {
    if model.apps.platform_for.is_some() {
        return vec![
            hint("↑↓", "choose"),
            hint("enter", "check against it"),
            hint("esc", "back to the apps"),
        ];
    }
    match model.apps.list.load {
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
) -> Vec<crate::tui::msg::Effect> {
    model.apps.list.load = match result {
        Ok(mut apps) => {
            sort_apps(&mut apps);
            Load::Loaded(apps)
        }
        Err(why) => Load::Failed(why),
    };
    model.apps.list.cursor = 0;
    model.apps.platform_for = None;
    Vec::new()
}
