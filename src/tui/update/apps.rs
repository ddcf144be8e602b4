//! App: the tenant's app registrations, each with its worst finding and secret expiry as the
//! background audit reports them; filterable, and sortable by Tab. Enter reads the chosen one
//! for the audit, judged against the platform in its appreg tag or, without one, the platform
//! the user names.

use super::{Handled, KeyHint, hint, move_cursor, move_cursor_arrows};
use crate::graph::models::Application;
use crate::tui::model::{
    AppsStep, FindingsStep, FleetAudit, Load, Model, PlatformSource, RotateStep, Step,
    likely_profile, tagged_profile,
};
use crate::tui::msg::{AppHealth, Effect};
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
        (Load::Failed(_), KeyCode::Char('r')) => return Handled::Yes(list(model, tenant)),
        (Load::Loaded(_), KeyCode::Tab | KeyCode::BackTab) => {
            apps.cycle_sort(key.code == KeyCode::Tab);
            return Handled::nothing();
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

/// Reads the tenant's apps, and audits each in the background; the order chosen stays.
pub fn list(model: &mut Model, tenant: String) -> Vec<Effect> {
    model.apps = AppsStep {
        sort: model.apps.sort,
        ..AppsStep::default()
    };
    vec![
        Effect::ListApps {
            tenant: tenant.clone(),
        },
        Effect::AuditApps { tenant },
    ]
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
            hint("tab", model.apps.sort.hint()),
        ],
    }
}

pub fn on_apps(model: &mut Model, result: Result<Vec<Application>, String>) -> Vec<Effect> {
    match result {
        Ok(apps) => model.apps.set_apps(apps),
        Err(why) => {
            model.apps.list.load = Load::Failed(why);
            model.apps.list.cursor = 0;
        }
    }
    model.apps.platform_for = None;
    Vec::new()
}

/// A batch of the background audit's reports; one about a tenant left since is dropped.
pub fn on_audited(model: &mut Model, tenant: &str, reports: Vec<AppHealth>) -> Vec<Effect> {
    if model.tenant_id().as_deref() == Some(tenant) {
        model.apps.learn(reports);
    }
    Vec::new()
}

pub fn on_audit_ended(
    model: &mut Model,
    tenant: &str,
    result: Result<usize, String>,
) -> Vec<Effect> {
    if model.tenant_id().as_deref() == Some(tenant) {
        model.apps.audit = match result {
            Ok(_) => FleetAudit::Finished,
            Err(why) => FleetAudit::Failed(why),
        };
    }
    Vec::new()
}
